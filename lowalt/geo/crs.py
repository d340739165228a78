"""Coordinate reference systems.

Files and web maps are WGS84 (EPSG:4326, lon/lat order in code, lat/lon only
at the folium boundary). Metric work (distances, areas, flight times) happens in
a projected CRS; for Wuhan the default is CGCS2000 / 3-degree Gauss-Kruger CM
114E (EPSG:4547), whose central meridian runs through the city and which is
within 0.01 % of geodesic areas there. All transformers use ``always_xy=True``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TypeVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
from pyproj import CRS, Transformer

__all__ = [
    "DEFAULT_METRIC_CRS",
    "WGS84",
    "CRSFitError",
    "ExtentError",
    "check_crs_fits",
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


class ExtentError(ValueError):
    """The data themselves span too much (the antimeridian, or more than one region)."""


class CRSFitError(ValueError):
    """The metric CRS does not serve the data (outside its area of use, or distorting)."""


MAX_SCALE_ERROR = 0.01
"""Largest linear scale error (|k - 1|) of the metric CRS accepted over the data (1 %)."""

AREA_OF_USE_MARGIN_DEG = 1.0
"""How far (degrees) the data's centre may lie past the metric CRS's published area of use.

Data may reach farther (the 24 pilot routes reach 1.6 degrees west of EPSG:4547's area, at a
0.1 % scale error); :data:`MAX_SCALE_ERROR` bounds the distortion there."""

MAX_EXTENT_M = 2_000_000.0
"""Largest span (metres, great circle across the data's bounding box) one metric CRS serves."""


def _utm_suggestion(lon: float, lat: float) -> str:
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    infos = query_utm_crs_info(
        datum_name="WGS 84",
        area_of_interest=AreaOfInterest(lon, lat, lon, lat),
    )
    return f"{infos[0].auth_name}:{infos[0].code}" if infos else "a local projected CRS"


def check_crs_fits(crs: str, bounds_lonlat: tuple[float, float, float, float]) -> None:
    """Refuse a metric CRS that does not serve data within ``bounds_lonlat``.

    Parameters
    ----------
    crs
        The projected CRS metric work is done in.
    bounds_lonlat
        ``(west, south, east, north)`` of the data, WGS84 degrees.

    Raises
    ------
    ExtentError
        When the data span the antimeridian (a box wider than 180 degrees) or more than
        :data:`MAX_EXTENT_M`.
    CRSFitError
        When the data's centre lies outside the CRS's published area of use (by more than
        :data:`AREA_OF_USE_MARGIN_DEG`), or where the CRS's linear scale error exceeds
        :data:`MAX_SCALE_ERROR` (e.g. Web Mercator, or a UTM zone far from the data). The
        message names a CRS that fits.
    """
    from pyproj import Geod, Proj

    west, south, east, north = (float(v) for v in bounds_lonlat)
    if not all(np.isfinite([west, south, east, north])):
        msg = "the data have non-finite coordinates"
        raise ExtentError(msg)
    if east < west or east - west > 180.0:
        msg = (
            f"the data span {east - west:.1f} degrees of longitude ({west:g} to {east:g}): "
            "they cross the antimeridian or are far apart; lowalt plans within one region"
        )
        raise ExtentError(msg)
    span_m = float(Geod(ellps="WGS84").inv(west, south, east, north)[2])
    if span_m > MAX_EXTENT_M:
        msg = (
            f"the data span {span_m / 1000:,.0f} km (bounding box diagonal), more than the "
            f"{MAX_EXTENT_M / 1000:,.0f} km one metric CRS serves; no lowalt study spans that"
        )
        raise ExtentError(msg)
    lon_c, lat_c = (west + east) / 2.0, (south + north) / 2.0
    fits = f"use a CRS made for the data, e.g. {_utm_suggestion(lon_c, lat_c)}"
    parsed = ensure_projected(crs)
    aou = parsed.area_of_use
    m = AREA_OF_USE_MARGIN_DEG
    if aou is not None and not (
        aou.west - m <= lon_c <= aou.east + m and aou.south - m <= lat_c <= aou.north + m
    ):
        msg = (
            f"the data, centred at ({lon_c:.3f}, {lat_c:.3f}), lie outside the area of use of "
            f"{crs} ({aou.west:g}, {aou.south:g}) to ({aou.east:g}, {aou.north:g}): distances "
            f"and areas would be distorted; {fits}"
        )
        raise CRSFitError(msg)
    lons = np.array([west, east, west, east, lon_c])
    lats = np.array([south, south, north, north, lat_c])
    factors = Proj(parsed).get_factors(lons, lats)
    k = np.concatenate([np.asarray(factors.meridional_scale), np.asarray(factors.parallel_scale)])
    err = float(np.max(np.abs(k - 1.0))) if np.all(np.isfinite(k)) else math.inf
    if err > MAX_SCALE_ERROR:
        msg = (
            f"{crs} distorts distances by up to {100 * err:.1f} % over the data (more than "
            f"{100 * MAX_SCALE_ERROR:g} %); {fits}"
        )
        raise CRSFitError(msg)
