"""Outputs: web maps, basemaps, plots, layer files and the JSON reports.

Owns everything written to disk: Folium maps with offline assets and one escaping path for
every string that reaches HTML or JavaScript, basemaps (with the GCJ-02 shift), matplotlib
plots, GeoJSON / GeoPackage layers, the JSON reports and their JSON Schemas, and atomic
writes (nothing partial is left behind). May import the studies and everything below them.

The JSON reports live in :mod:`lowalt.outputs.reports`: one pydantic model per report kind
(reach, placement, corridor, network, availability) with the builder that turns the study's
result into it; the file's text (``report.to_json()``) and its JSON Schema
(``Model.json_schema()``, rendered into ``docs/report_schema/``) both come from the model.
"""
