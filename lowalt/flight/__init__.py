"""Flight: aircraft, flight profiles, wind, the visibility graph, reach and routing.

Owns how long a flight takes and which way it goes: aircraft performance (launch, climb,
cruise, descent, wind triangle), profiles of named aircraft types, exact shortest paths
around no-fly polygons (visibility graph), reach fields from docks over a grid, the
guarantee statistics of a reach field, and routes with runway procedures. May import
:mod:`lowalt.geo` and :mod:`lowalt.errors`.
"""
