"""Coordinate reference systems.

Files and web maps are WGS84 (EPSG:4326, lon/lat order in code, lat/lon only
at the folium boundary). Metric work (distances, areas, flight times) happens in
a projected CRS; for Wuhan the default is CGCS2000 / 3-degree Gauss-Kruger CM
114E (EPSG:4547), whose central meridian runs through the city and which is
within 0.01 % of geodesic areas there. All transformers use ``always_xy=True``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
from pyproj import CRS, Transformer

__all__ = [
    "DEFAULT_METRIC_CRS",
    "WGS84",
    "check_lonlat",
    "ensure_projected",
    "to_metric",
    "to_wgs84",
    "transformer",
    "true_north_grid_bearing_deg",
]

WGS84 = "EPSG:4326"
DEFAULT_METRIC_CRS = "EPSG:4547"

_GDF = TypeVar("_GDF", gpd.GeoDataFrame, gpd.GeoSeries)


@lru_cache(maxsize=32)
def transformer(src: str, dst: str) -> Transformer:
    """Return a cached ``always_xy=True`` transformer from ``src`` to ``dst``."""
    return Transformer.from_crs(src, dst, always_xy=True)


def ensure_projected(crs: str) -> CRS:
    """Return ``crs`` as a :class:`pyproj.CRS`, refusing geographic CRSs.

    Raises
    ------
    ValueError
        If the CRS is unknown or geographic (degrees are not metres).
    """
    parsed = CRS.from_user_input(crs)
    if not parsed.is_projected:
        msg = f"CRS {crs!r} is geographic; metric work needs a projected CRS such as EPSG:4547"
        raise ValueError(msg)
    return parsed


def to_metric(gdf: _GDF, metric_crs: str = DEFAULT_METRIC_CRS) -> _GDF:
    """Reproject a WGS84 (or any) layer to the metric CRS.

    Raises
    ------
    ValueError
        If the layer has no CRS.
    """
    if gdf.crs is None:
        msg = "layer has no CRS; set it (GeoJSON is WGS84 by definition)"
        raise ValueError(msg)
    return gdf.to_crs(metric_crs)


def to_wgs84(gdf: _GDF) -> _GDF:
    """Reproject a layer to WGS84 (EPSG:4326)."""
    if gdf.crs is None:
        msg = "layer has no CRS"
        raise ValueError(msg)
    return gdf.to_crs(WGS84)


def check_lonlat(
    lon: npt.ArrayLike, lat: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Validate longitude/latitude arrays in degrees.

    Returns the arrays as float64.

    Raises
    ------
    ValueError
        If any latitude lies outside [-90, 90] (often swapped lat/lon) or any
        longitude outside [-180, 180].
    """
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    if not (np.all(np.isfinite(lon_a)) and np.all(np.isfinite(lat_a))):
        msg = "coordinates must be finite numbers"
        raise ValueError(msg)
    if np.any(np.abs(lat_a) > 90.0):
        bad = float(lat_a[np.argmax(np.abs(lat_a))])
        msg = f"latitude {bad} is outside [-90, 90]; latitude and longitude look swapped"
        raise ValueError(msg)
    if np.any(np.abs(lon_a) > 180.0):
        bad = float(lon_a[np.argmax(np.abs(lon_a))])
        msg = f"longitude {bad} is outside [-180, 180]"
        raise ValueError(msg)
    return lon_a, lat_a


def true_north_grid_bearing_deg(lon: float, lat: float, metric_crs: str) -> float:
    """Grid bearing of true north at a point, degrees clockwise from grid north.

    Measured by projecting the point and a point 1 km due north of it, so it holds for any
    projected CRS without relying on a sign convention.
    """
    fwd = transformer(WGS84, metric_crs)
    dlat = 1000.0 / 111_320.0
    x0, y0 = fwd.transform(lon, lat)
    x1, y1 = fwd.transform(lon, lat + dlat)
    return float(np.degrees(np.arctan2(x1 - x0, y1 - y0)))
