"""Outputs: web maps, basemaps, plots, layer files and the JSON reports.

Owns everything written to disk: Folium maps with offline assets and one escaping path for
every string that reaches HTML or JavaScript, basemaps (with the GCJ-02 shift), matplotlib
plots, GeoJSON / GeoPackage layers, the JSON reports and their JSON Schemas, and atomic
writes (nothing partial is left behind). May import the studies and everything below them.
"""
