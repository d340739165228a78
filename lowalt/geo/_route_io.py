"""GeoJSON in and out for routing: zones and runways from files, routes to GeoJSON.

Files are WGS84 GeoJSON (lon, lat); zones and runways come back in the metric CRS.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from lowalt.errors import GeodataError
from lowalt.geo.airspace import RESTRICTIONS, Zone
from lowalt.geo.clearance import Runway
from lowalt.geo.crs import DEFAULT_METRIC_CRS, WGS84
from lowalt.limits import MAX_HEIGHT_M, MAX_NAME_CHARS

__all__ = ["load_runways", "load_zones", "route_to_geodataframe", "route_to_geojson"]

_PRECISION = 6


def _read(src: str | Path | gpd.GeoDataFrame, metric_crs: str, what: str) -> gpd.GeoDataFrame:
    if isinstance(src, gpd.GeoDataFrame):
        gdf = src
    else:
        try:
            gdf = gpd.read_file(src)
        except Exception as exc:  # pyogrio raises several unrelated types
            raise GeodataError(
                f"cannot read the {what} ({type(exc).__name__}: {exc}).",
                file=str(src),
                fix="give a GeoJSON or GeoPackage file.",
            ) from None
    if gdf.crs is None:
        raise GeodataError(f"{what} {src!s:.80} has no CRS", fix="GeoJSON is WGS84; set it")
    return gdf.to_crs(metric_crs)


def load_zones(
    src: str | Path | gpd.GeoDataFrame, *, metric_crs: str = DEFAULT_METRIC_CRS
) -> tuple[Zone, ...]:
    """Read airspace zones (ED-269-style properties) into :class:`~lowalt.geo.airspace.Zone`.

    Parameters
    ----------
    src
        A GeoJSON path or a GeoDataFrame with polygons and columns ``name``,
        ``restriction`` (``prohibited`` / ``authorization_required`` / ``conditional``),
        ``lower_m``, ``upper_m`` (m AGL); optional ``reason``, ``provenance``, ``source``.
    metric_crs
        CRS of the returned outlines (default EPSG:4547).

    Raises
    ------
    GeodataError
        On missing columns, unknown restrictions or an invalid altitude band.
    """
    gdf = _read(src, metric_crs, "airspace layer")
    missing = {"name", "restriction", "lower_m", "upper_m"} - set(gdf.columns)
    if missing:
        raise GeodataError(f"airspace layer lacks column(s) {', '.join(sorted(missing))}")
    zones = []
    for i, row in enumerate(gdf.itertuples(index=False)):
        restriction = str(row.restriction).strip().lower()
        lo, hi = float(row.lower_m), float(row.upper_m)
        if restriction not in RESTRICTIONS:
            raise GeodataError(f"zone #{i} {row.name!r}: restriction {restriction!r} unknown")
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo < hi <= MAX_HEIGHT_M):
            raise GeodataError(
                f"zone #{i} {row.name!r}: band {lo}..{hi} m is invalid.",
                file=_name(src),
                key_path=f"features[{i}]",
                fix=f"use finite limits with 0 <= lower_m < upper_m <= {MAX_HEIGHT_M:,g} m.",
            )
        zones.append(
            Zone(
                name=str(row.name),
                restriction=restriction,
                lower_m=lo,
                upper_m=hi,
                geometry=row.geometry,
                provenance=str(getattr(row, "provenance", "unknown")),
                source=str(getattr(row, "source", "")),
                reason=str(getattr(row, "reason", "OTHER")),
            )
        )
    return tuple(zones)


def load_runways(
    src: str | Path | gpd.GeoDataFrame, *, metric_crs: str = DEFAULT_METRIC_CRS
) -> dict[str, Runway]:
    """Read runway centrelines (LineStrings with an ``id``) into metric runways, by id.

    Threshold A is the first vertex of each line, B the last.

    Raises
    ------
    GeodataError
        Naming the file and the feature, for a layer without ``id``, an empty, over-long or
        repeated id, or a feature that is not a line of at least two points.
    """
    gdf = _read(src, metric_crs, "runway layer")
    file = _name(src)
    if "id" not in gdf.columns:
        raise GeodataError(
            "the runway layer has no 'id' property.",
            file=file,
            fix="give every runway line an 'id' (e.g. huahu_west_runway).",
        )
    out: dict[str, Runway] = {}
    first: dict[str, int] = {}
    for i, row in enumerate(gdf.itertuples(index=False)):
        key = "" if row.id is None else str(row.id).strip()
        if not key or key == "nan" or len(key) > MAX_NAME_CHARS:
            raise GeodataError(
                f"feature {i} of the runway layer has id {row.id!r}.",
                file=file,
                key_path=f"features[{i}].id",
                fix=f"give every runway an id of 1 to {MAX_NAME_CHARS} characters.",
            )
        if key in first:
            raise GeodataError(
                f"runway id {key!r} appears twice, at features {first[key]} and {i}.",
                file=file,
                key_path=f"features[{i}].id",
                fix="give every runway its own id (departure/arrival name runways by id).",
            )
        first[key] = i
        c = shapely.get_coordinates(row.geometry)
        if len(c) < 2 or not np.isfinite(c).all():
            raise GeodataError(
                f"feature {i} of the runway layer (id {key!r}) is not a line of two points.",
                file=file,
                key_path=f"features[{i}]",
                fix="draw each runway centreline from threshold A to threshold B.",
            )
        out[key] = Runway(key, (float(c[0, 0]), float(c[0, 1])), (float(c[-1, 0]), float(c[-1, 1])))
    return out


def _name(src: str | Path | gpd.GeoDataFrame) -> str | None:
    return None if isinstance(src, gpd.GeoDataFrame) else str(src)


def _round(geom: Any) -> Any:
    return shapely.transform(geom, lambda c: np.round(c, _PRECISION))


def _summary(route: Any) -> dict[str, Any]:
    p, v = route.profile, route.vertical
    return {
        "profile": p.id,
        "aircraft": p.name,
        "length_m": round(route.length_m, 1),
        "flight_time_s": round(route.flight_time_s, 1),
        "block_time_s": round(route.block_time_s, 1),
        "cruise_altitude_m": route.cruise_altitude_m,
        "climb_distance_m": round(v.climb_distance_m, 1),
        "descent_distance_m": round(v.descent_distance_m, 1),
        "corridor_half_width_m": p.corridor_half_width_m,
        "range_ok": route.range_check.ok,
        "zones": [z.zone for z in route.zones],
        "blocking_zones": [z.zone for z in route.zones if z.blocking],
    }


def route_to_geojson(route: Any, properties: dict[str, Any]) -> dict[str, Any]:
    """FeatureCollection (WGS84, 6 decimals) with the track and corridor of a route."""
    props = {**_summary(route), **properties}
    feats = [
        {"type": "Feature", "properties": {**props, "part": "track"},
         "geometry": mapping(_round(route.track_lonlat))},
        {"type": "Feature", "properties": {**props, "part": "corridor"},
         "geometry": mapping(_round(route.corridor_lonlat))},
    ]  # fmt: skip
    return {"type": "FeatureCollection", "features": feats}


def route_to_geodataframe(route: Any, properties: dict[str, Any]) -> gpd.GeoDataFrame:
    """GeoDataFrame (EPSG:4326) with rows ``track`` and ``corridor`` and summary columns."""
    props = {**_summary(route), **properties}
    props["zones"] = ", ".join(props["zones"])
    props["blocking_zones"] = ", ".join(props["blocking_zones"])
    rows = [{**props, "part": "track"}, {**props, "part": "corridor"}]
    return gpd.GeoDataFrame(rows, geometry=[route.track_lonlat, route.corridor_lonlat], crs=WGS84)
