"""Read and validate vector layers (GeoJSON, GeoPackage, any OGR format).

Every layer passes the same checks once, at the boundary: it can be read, it has
features, it has a CRS, its coordinates fit that CRS (no swapped lat/lon, no
projected numbers labelled as degrees), and every geometry is non-empty, valid
and of an allowed type. Layers come back in WGS84 (EPSG:4326); callers project
them to the scenario's metric CRS with :func:`lowalt.crs.to_metric`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from lowalt.crs import WGS84
from lowalt.errors import GeodataError

__all__ = ["POINT_TYPES", "POLYGON_TYPES", "read_layer"]

log = logging.getLogger(__name__)

POLYGON_TYPES = frozenset({"Polygon", "MultiPolygon"})
POINT_TYPES = frozenset({"Point"})

_Fail = Callable[[str, str], GeodataError]


def read_layer(
    path: Path,
    *,
    geom_types: Collection[str],
    what: str,
    key_path: str | None = None,
    scenario_file: str | None = None,
    required_columns: Collection[str] = (),
) -> gpd.GeoDataFrame:
    """Read one layer and validate it.

    Parameters
    ----------
    path
        The file.
    geom_types
        Allowed geometry types (e.g. :data:`POLYGON_TYPES`).
    what
        What the layer is, for messages ("service-area boundary").
    key_path, scenario_file
        Where the file was named, for messages.
    required_columns
        Attribute columns every feature must have.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer in EPSG:4326, index reset.

    Raises
    ------
    GeodataError
        Naming the file, the feature and a fix.
    """
    where = f"{scenario_file} -> {path}" if scenario_file else str(path)

    def fail(message: str, fix: str) -> GeodataError:
        return GeodataError(message, file=where, key_path=key_path, fix=fix)

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several unrelated types
        raise fail(
            f"cannot read the {what} ({type(exc).__name__}: {exc}).",
            "give a GeoJSON or GeoPackage file with polygon or point features.",
        ) from None
    if gdf.empty:
        raise fail(f"the {what} has no features.", "add at least one feature.")
    if gdf.crs is None:
        raise fail(
            f"the {what} has no CRS.",
            "save it with a CRS (GeoJSON is WGS84 by definition; set it in QGIS on export).",
        )
    _check_geometries(gdf, geom_types, what, fail)
    if gdf.crs.is_geographic:
        _check_degrees(gdf, what, fail)
    try:
        gdf = gdf.to_crs(WGS84)
    except Exception as exc:
        raise fail(f"cannot reproject the {what} to WGS84 ({exc}).", "check its CRS.") from None
    missing = [c for c in required_columns if c not in gdf.columns]
    if missing:
        raise fail(
            f"the {what} lacks the column(s) {', '.join(missing)}.",
            f"add the properties {', '.join(missing)} to every feature.",
        )
    log.debug("read %d feature(s) of the %s from %s", len(gdf), what, path)
    return gdf.reset_index(drop=True)


def _check_geometries(
    gdf: gpd.GeoDataFrame,
    geom_types: Collection[str],
    what: str,
    fail: _Fail,
) -> None:
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise fail(
            f"feature {i} of the {what} has an empty or missing geometry.",
            "delete the feature or draw its geometry.",
        )
    types = shapely.get_type_id(geoms)
    names = np.array(
        [
            "Point",
            "LineString",
            "LinearRing",
            "Polygon",
            "MultiPoint",
            "MultiLineString",
            "MultiPolygon",
            "GeometryCollection",
        ]
    )[types]
    bad_type = ~np.isin(names, list(geom_types))
    allowed = " or ".join(sorted(geom_types))
    if bad_type.any():
        i = int(np.flatnonzero(bad_type)[0])
        raise fail(
            f"feature {i} of the {what} is a {names[i]}; expected {allowed}.",
            f"give {allowed} features only.",
        )
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        i = int(np.flatnonzero(invalid)[0])
        reason = shapely.is_valid_reason(geoms[i])
        raise fail(
            f"feature {i} of the {what} is not a valid geometry: {reason}.",
            "fix the outline so it does not cross itself (or repair it with shapely.make_valid).",
        )


def _check_degrees(gdf: gpd.GeoDataFrame, what: str, fail: _Fail) -> None:
    minx, miny, maxx, maxy = gdf.total_bounds
    if max(abs(minx), abs(maxx)) > 180.0 or max(abs(miny), abs(maxy)) > 180.0:
        raise fail(
            f"the {what} is labelled {gdf.crs.to_string()} (degrees) but its coordinates reach "
            f"{max(abs(minx), abs(maxx), abs(miny), abs(maxy)):.0f}: they are projected metres "
            "or the CRS is wrong.",
            "save the layer with its real CRS, or reproject it to EPSG:4326.",
        )
    if max(abs(miny), abs(maxy)) > 90.0:
        raise fail(
            f"the {what} has latitudes up to {max(abs(miny), abs(maxy)):.2f}: coordinates are "
            "(lat, lon) instead of (lon, lat).",
            "swap the coordinate order: GeoJSON positions are [longitude, latitude].",
        )
