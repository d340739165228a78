"""Write a run's outputs: the map, the JSON report and the layers for QGIS.

Files are first written into a temporary folder inside the output folder and
moved into place only when every one of them is complete, so a failure never
leaves partial output. Files written:

- ``{stem}.html``: the Folium coverage map;
- ``{stem}_report.json``: the report (:mod:`lowalt.outputs.reports.reach`);
- ``{stem}.gpkg``: every layer (cells with times, bands, unreached, docks, area,
  water, airspace) with its CRS;
- ``{stem}_docks.geojson``, ``{stem}_bands.geojson``, ``{stem}_unreached.geojson``:
  the small layers as GeoJSON (WGS84).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

from lowalt.flight.reach import ReachField
from lowalt.geo.crs import WGS84
from lowalt.outputs._atomic import write_atomically
from lowalt.outputs.reports.reach import build_reach_report, dock_rows
from lowalt.outputs.webmap import MapLayers, TimeRaster, build_map, response_bands, save_map
from lowalt.studies.reach import RunResult

__all__ = ["band_polygons", "map_layers_for", "write_outputs", "write_reach_files"]

log = logging.getLogger(__name__)


def _conditions(result: RunResult) -> list[tuple[str, str, ReachField]]:
    """(key, label, field) of each condition shown: calm, worst direction, every direction."""
    out = [("calm", "Calm air", result.calm)]
    if result.worst_wind is not None and result.wind_envelope is not None:
        f = result.wind_fields[result.worst_wind]
        out.append(
            (
                "wind",
                f"Design wind {f.wind.speed_mps:g} m/s from {f.wind.from_deg:g}° (worst direction)",
                f,
            )
        )
        out.append(
            (
                "wind_any",
                f"Design wind {f.wind.speed_mps:g} m/s, worst direction per cell",
                result.wind_envelope,
            )
        )
    return out


def band_polygons(result: RunResult, field: ReachField, label: str) -> gpd.GeoDataFrame:
    """Dissolve cells into one-minute response-time bands (WGS84 polygons)."""
    g = result.world.grid
    rows: list[dict[str, Any]] = []
    geoms = []
    cls = np.full(g.n, -1)
    bands = response_bands(field.target_s)
    for b_i, b in enumerate(bands):
        hit = (field.time_s > b.lower_s) & (field.time_s <= b.upper_s)
        cls[hit] = b_i
    for b_i, b in enumerate(bands):
        idx = np.flatnonzero(cls == b_i)
        if idx.size == 0:
            continue
        geoms.append(shapely.coverage_union_all(g.cell_polygons(idx)))
        rows.append(
            {
                "condition": label,
                "band": b.label,
                "lower_s": _fin(b.lower_s),
                "upper_s": _fin(b.upper_s),
                "cells": int(idx.size),
                "area_km2": round(idx.size * g.cell_area_km2, 3),
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=g.crs)
    return gdf.to_crs(WGS84)


def _fin(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _unreached(result: RunResult, field: ReachField, label: str) -> gpd.GeoDataFrame:
    g = result.world.grid
    idx = np.flatnonzero(~(field.time_s <= field.target_s))
    if idx.size == 0:
        return gpd.GeoDataFrame({"condition": [], "cells": []}, geometry=[], crs=WGS84)
    geom = shapely.coverage_union_all(g.cell_polygons(idx))
    parts = shapely.get_parts(geom)
    return gpd.GeoDataFrame(
        {
            "condition": [label] * len(parts),
            "cells": [round(p.area / g.spacing_m**2) for p in parts],
        },
        geometry=parts,
        crs=g.crs,
    ).to_crs(WGS84)


def _unreached_cells(result: RunResult, field: ReachField) -> gpd.GeoDataFrame:
    """One square per unreached cell (the map merges touching ones and counts cells)."""
    g = result.world.grid
    idx = np.flatnonzero(~(field.time_s <= field.target_s))
    return gpd.GeoDataFrame(geometry=g.cell_polygons(idx), crs=g.crs).to_crs(WGS84)


def _docks_gdf(result: RunResult) -> gpd.GeoDataFrame:
    rows = [d.model_dump() for d in dock_rows(result)]
    w = result.world
    gdf = gpd.GeoDataFrame(rows, geometry=shapely.points(w.docks.xy), crs=w.grid.crs).to_crs(WGS84)
    gdf["source"] = list(w.docks.source)
    return gdf


def _cells_gdf(result: RunResult) -> gpd.GeoDataFrame:
    g = result.world.grid
    names = np.array((*result.world.docks.names, ""), dtype=object)
    data: dict[str, npt.ArrayLike] = {
        "on_water": g.on_water,
        "weight": g.weight,
        "unservable": result.world.unservable,
    }
    for key, _, f in _conditions(result):
        data[f"time_{key}_s"] = np.round(np.where(np.isfinite(f.time_s), f.time_s, np.nan), 1)
        data[f"dock_{key}"] = names[f.dock]
        data[f"docks_within_{key}"] = f.docks_within_target
    return gpd.GeoDataFrame(data, geometry=g.cell_polygons(), crs=g.crs)


def map_layers_for(result: RunResult, bands_note: str) -> MapLayers:
    """Collect the coverage map's layers for a reach check."""
    w = result.world
    g = w.grid
    rasters = tuple(
        TimeRaster(
            label=label,
            times_s=g.to_raster(f.time_s),
            x0_m=g.x0_m,
            y0_m=g.y0_m,
            spacing_m=g.spacing_m,
            crs=g.crs,
            target_s=f.target_s,
        )
        for _, label, f in _conditions(result)
    )
    unreached = {label: _unreached_cells(result, f) for _, label, f in _conditions(result)}
    notes = [bands_note, *_modeled_notes(result), *w.warnings]
    return MapLayers(
        title=w.scenario.name,
        zone=w.zone,
        lakes=w.water,
        airspace=_airspace_near(result),
        sites=w.sites,
        docks=_docks_gdf(result),
        rasters=rasters,
        unreached=unreached,
        notes=tuple(notes),
    )


def _airspace_near(result: RunResult) -> gpd.GeoDataFrame | None:
    if not result.world.airspace.zones:
        return None
    return result.world.airspace.to_wgs84()


def _modeled_notes(result: RunResult) -> list[str]:
    w = result.world
    notes = []
    if "modeled" in w.docks.provenance:
        notes.append(
            f"Dock sites are MODELED ({w.docks.n} docks, {int(w.docks.drones.sum())} "
            "drones): real sites are not public; do not read them as official."
        )
    if w.zone is not None and "provenance" in w.zone and (w.zone["provenance"] == "modeled").any():
        notes.append(
            "The area outline is MODELED from the described extent (area matches the "
            "official figure)."
        )
    if (
        w.water is not None
        and "provenance" in w.water
        and (w.water["provenance"] == "modeled").any()
    ):
        notes.append("Lake outlines are MODELED.")
    if w.scenario.aircraft.provenance == "modeled":
        notes.append(f"Aircraft performance is a planning estimate ({w.aircraft.name}).")
    return notes


def write_outputs(result: RunResult, out_dir: Path) -> dict[str, Path]:
    """Write every output of a reach check into ``out_dir`` atomically.

    Returns
    -------
    dict
        Output kind -> final path.

    Raises
    ------
    LowaltError
        When the folder cannot be created or written.
    """
    stem = result.world.scenario.output_stem
    return write_atomically(out_dir, lambda tmp: write_reach_files(result, tmp, stem))


def write_reach_files(result: RunResult, tmp: Path, stem: str) -> dict[str, Path]:
    """Write the reach check's files into ``tmp``; returns ``{kind: path}``."""
    s = result.world.scenario
    files: dict[str, Path] = {}
    p = tmp / f"{stem}_report.json"
    p.write_text(build_reach_report(result).to_json(), encoding="utf-8")
    files["report"] = p

    bands = [band_polygons(result, f, label) for _, label, f in _conditions(result)]
    bands_gdf = (
        gpd.GeoDataFrame(gpd.pd.concat(bands, ignore_index=True), crs=WGS84) if bands else None
    )
    unreached = [_unreached(result, f, label) for _, label, f in _conditions(result)]
    unreached_gdf = gpd.GeoDataFrame(gpd.pd.concat(unreached, ignore_index=True), crs=WGS84)
    docks_gdf = _docks_gdf(result)

    if s.output.geojson:
        for kind, gdf in (("docks", docks_gdf), ("bands", bands_gdf), ("unreached", unreached_gdf)):
            if gdf is None:
                continue
            p = tmp / f"{stem}_{kind}.geojson"
            gdf.to_file(p, driver="GeoJSON", COORDINATE_PRECISION=6)
            files[f"{kind}_geojson"] = p
    if s.output.geopackage:
        p = tmp / f"{stem}.gpkg"
        layers: list[tuple[str, gpd.GeoDataFrame | None]] = [
            ("cells", _cells_gdf(result).to_crs(WGS84)),
            ("bands", bands_gdf),
            ("unreached", unreached_gdf),
            ("docks", docks_gdf),
            ("area", result.world.zone),
            ("water", result.world.water),
            ("airspace", _airspace_near(result)),
        ]
        for name, gdf in layers:
            if gdf is not None and len(gdf):
                gdf.to_file(p, layer=name, driver="GPKG")
        files["geopackage"] = p

    m = build_map(
        map_layers_for(
            result,
            "Response-time bands in one-minute steps; "
            "outlined cells are not reached within the target.",
        ),
        offline=s.output.offline_map,
        basemap=s.output.basemap,
        basemap_key=s.output.basemap_key,
    )
    p = tmp / f"{stem}.html"
    save_map(m, p)
    files["map"] = p
    log.info("outputs: %s", ", ".join(sorted(f.name for f in files.values())))
    return files
