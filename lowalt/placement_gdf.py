"""Dock placement on GeoDataFrames (stable public name).

The code lives in :mod:`lowalt.optimize.placement_gdf`; this module re-exports its public
API so that ``import lowalt.placement_gdf`` keeps working.
"""

from lowalt.optimize.placement_gdf import *  # noqa: F403
from lowalt.optimize.placement_gdf import __all__ as __all__
