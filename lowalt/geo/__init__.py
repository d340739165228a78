"""Geography: CRS, grids, layer readers, airspace, clearance zones, ED-269 and docks.

Owns everything that is a place on the ground or a volume of air before any aircraft flies:
the metric CRS and its fit to the data, the demand grid, readers of GeoJSON / GeoPackage /
GeoParquet layers with provenance, the airspace (no-fly zones and their height bands, from
scenario circles, files or EUROCAE ED-269), runway clearance surfaces and dock layouts. May
import :mod:`lowalt.errors` and the small top-level helpers only.
"""
