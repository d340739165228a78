"""Write the corridor and network studies: JSON report, GeoJSON layers, map.

Files (into the temporary folder given by :func:`lowalt.outputs._atomic.write_atomically`):

- ``{stem}_corridor.json``, ``{stem}_corridor.geojson`` (track and corridor per aircraft,
  road path when a graph was used), ``{stem}_corridor.html``;
- ``{stem}_network.json``, ``{stem}_network.geojson`` (routes with their assigned layer,
  conflict points), ``{stem}_network.html``.
"""

from __future__ import annotations

from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from lowalt.geo.crs import WGS84
from lowalt.outputs.reports._base import Report
from lowalt.outputs.reports.corridor import build_corridor_report
from lowalt.outputs.reports.network import build_network_report
from lowalt.outputs.routemap import corridor_map, network_map
from lowalt.outputs.webmap import save_map
from lowalt.studies.corridor import CorridorResult
from lowalt.studies.network import NetworkResult

__all__ = ["corridor_layers", "network_layers", "write_corridor_files", "write_network_files"]


def _json(path: Path, report: Report) -> Path:
    path.write_text(report.to_json(), encoding="utf-8")
    return path


def corridor_layers(res: CorridorResult) -> gpd.GeoDataFrame:
    """Track and corridor of every planned aircraft, plus the road path (WGS84)."""
    frames = [r.to_geodataframe({"aircraft": pid}) for pid, r in res.routes.items()]
    if res.ground is not None and res.ground.track_lonlat:
        frames.append(
            gpd.GeoDataFrame(
                {"aircraft": ["road"], "kind": ["road path"], "source": [res.ground.source]},
                geometry=[LineString(res.ground.track_lonlat)],
                crs=WGS84,
            )
        )
    if not frames:
        return gpd.GeoDataFrame({"aircraft": []}, geometry=[], crs=WGS84)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WGS84)


def network_layers(res: NetworkResult) -> gpd.GeoDataFrame:
    """Routes with their assigned layer, and one point per conflict (WGS84)."""
    routes = res.routes_gdf.copy()
    bands = res.assignment.bands if res.assignment is not None else {}
    routes["layer_lower_m"] = [bands.get(str(i), (None, None))[0] for i in routes["id"]]
    routes["layer_upper_m"] = [bands.get(str(i), (None, None))[1] for i in routes["id"]]
    routes["feature"] = "route"
    conflicts = gpd.GeoDataFrame(
        {
            "feature": ["conflict"] * len(res.conflicts),
            "id": [f"{c.a} x {c.b}" for c in res.conflicts],
            "vertical_overlap_m": [c.vertical_overlap_m for c in res.conflicts],
            "tracks_cross": [c.tracks_cross for c in res.conflicts],
        },
        geometry=[Point(c.location_lonlat) for c in res.conflicts],
        crs=WGS84,
    )
    out = gpd.GeoDataFrame(pd.concat([routes, conflicts], ignore_index=True), crs=WGS84)
    out.geometry = shapely.set_precision(out.geometry.values, 1e-6)
    return out


def _write_study(
    tmp: Path,
    stem: str,
    study: str,
    report: Report,
    layers: gpd.GeoDataFrame,
    fmap: folium.Map,
) -> dict[str, Path]:
    """Write ``{stem}_{study}.json/.geojson/.html``; returns ``{f"{study}_report": ...}``."""
    files = {f"{study}_report": _json(tmp / f"{stem}_{study}.json", report)}
    p = tmp / f"{stem}_{study}.geojson"
    layers.to_file(p, driver="GeoJSON", COORDINATE_PRECISION=6)
    files[f"{study}_geojson"] = p
    p = tmp / f"{stem}_{study}.html"
    save_map(fmap, p)
    files[f"{study}_map"] = p
    return files


def write_corridor_files(res: CorridorResult, tmp: Path, stem: str) -> dict[str, Path]:
    """Write the corridor study's files into ``tmp``; returns ``{kind: path}``."""
    out = res.scenario.output
    offline = out.offline_map
    return _write_study(
        tmp,
        stem,
        "corridor",
        build_corridor_report(res),
        corridor_layers(res),
        corridor_map(res, offline=offline, basemap=out.basemap, basemap_key=out.basemap_key),
    )


def write_network_files(res: NetworkResult, tmp: Path, stem: str) -> dict[str, Path]:
    """Write the network study's files into ``tmp``; returns ``{kind: path}``."""
    out = res.scenario.output
    offline = out.offline_map
    return _write_study(
        tmp,
        stem,
        "network",
        build_network_report(res),
        network_layers(res),
        network_map(res, offline=offline, basemap=out.basemap, basemap_key=out.basemap_key),
    )
