"""Write the availability study: report, CDF plot, reliability map, dock allocations, layers.

Files (into the temporary folder of :func:`lowalt.outputs._atomic.write_atomically`):

- ``{stem}_availability.json``: the report (:mod:`lowalt.outputs.reports.availability`);
- ``{stem}_response_cdf.png``: response-time CDF per department;
- ``{stem}_availability.html``: the probability of a response within the target per cell
  (analytic, hypercube x not grounded; today's fleet and on design-wind days), the
  simulated share per square block, the drones each reliability target needs, and the
  reach map's layers underneath;
- ``{stem}_availability_docks.geojson``: every dock with its drones today and in each answer;
- ``{stem}_availability.gpkg`` (when ``output.geopackage``): cells with their probabilities,
  the blocks and the docks, in the metric CRS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import matplotlib as mpl
import numpy as np
import numpy.typing as npt
import shapely

from lowalt.geo.crs import WGS84
from lowalt.outputs._offline_assets import HtmlBox
from lowalt.outputs.availability_report import cdf_plot
from lowalt.outputs.basemaps import for_basemap, needs_gcj02
from lowalt.outputs.reach import map_layers_for
from lowalt.outputs.reports.availability import build_availability_report
from lowalt.outputs.webmap import add_class_layer, add_vector_layer, build_map, legend_box, save_map
from lowalt.studies.availability import AvailabilityStudy
from lowalt.studies.reach import RunResult

__all__ = [
    "PROBABILITY_CLASSES",
    "availability_docks",
    "probability_class",
    "simulated_blocks",
    "write_availability_files",
]

PROBABILITY_CLASSES: tuple[tuple[float, str], ...] = (
    (0.999, "≥ 99.9 %"),
    (0.99, "99 – 99.9 %"),
    (0.95, "95 – 99 %"),
    (0.90, "90 – 95 %"),
    (0.80, "80 – 90 %"),
    (0.50, "50 – 80 %"),
    (0.0, "< 50 %"),
)
"""(lower edge, label) of each probability class, best first; class 8 = no dock in reach."""

_RAMP = mpl.colormaps["RdYlGn"](np.linspace(0.95, 0.05, len(PROBABILITY_CLASSES)))
_COLOURS = (*(mpl.colors.to_hex(c) for c in _RAMP), "#6a006a")
_NONE_LABEL = "0 % (no dock within the target)"


def probability_class(p: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """Class 1..8 of each probability (1 = ≥ 99.9 %, 8 = exactly 0); 0 for ``nan``."""
    v = np.asarray(p, dtype=np.float64)
    out = np.zeros(v.shape, dtype=np.uint8)
    ok = np.isfinite(v)
    edges = np.array([e for e, _ in PROBABILITY_CLASSES])
    # first class whose lower edge is <= p
    out[ok] = 1 + np.argmax(v[ok, None] >= edges[None, :], axis=1)
    out[ok & (v <= 0.0)] = len(PROBABILITY_CLASSES) + 1
    return out


def simulated_blocks(study: AvailabilityStudy) -> gpd.GeoDataFrame:
    """Count simulated calls per square block (``map_block_m``) and their share within target.

    Blocks are aligned on the grid origin; only blocks with at least one call are kept.
    Metric CRS of the grid.
    """
    g = study.world.grid
    res = study.result
    size = study.config.map_block_m
    xy = g.xy[res.cell]
    bx = np.floor((xy[:, 0] - g.x0_m) / size).astype(np.int64)
    by = np.floor((xy[:, 1] - g.y0_m) / size).astype(np.int64)
    if res.n_calls == 0:
        return gpd.GeoDataFrame({"calls": [], "share_within_target": []}, geometry=[], crs=g.crs)
    keys, inv = np.unique(np.stack([bx, by], axis=1), axis=0, return_inverse=True)
    inv = inv.ravel()
    calls = np.bincount(inv, minlength=len(keys))
    hits = np.bincount(inv, weights=res.within(), minlength=len(keys))
    x0 = g.x0_m + keys[:, 0] * size
    y0 = g.y0_m + keys[:, 1] * size
    return gpd.GeoDataFrame(
        {"calls": calls, "share_within_target": np.round(hits / calls, 6)},
        geometry=shapely.box(x0, y0, x0 + size, y0 + size),
        crs=g.crs,
    )


def availability_docks(study: AvailabilityStudy) -> gpd.GeoDataFrame:
    """Every dock (WGS84) with today's drones and the drones of each reliability answer."""
    w = study.world
    data: dict[str, object] = {
        "name": list(w.docks.names),
        "drones_now": w.docks.drones.astype(np.int64),
    }
    for a in study.answers:
        data[f"drones_for_{_pct(a.target_share)}"] = a.drones
    data["provenance"] = [
        f"{p} dock site; drones per answer modeled (MEXCLP + simulation)"
        for p in w.docks.provenance
    ]
    return gpd.GeoDataFrame(data, geometry=shapely.points(w.docks.xy), crs=w.grid.crs).to_crs(WGS84)


def _where(study: AvailabilityStudy) -> str:
    d = study.wind_from_deg
    return "headwind on every leg" if d is None else f"from {d:g}°"


def _pct(share: float) -> str:
    return f"{100 * share:g}".replace(".", "_") + "pct"


def _cells_gdf(study: AvailabilityStudy) -> gpd.GeoDataFrame:
    g = study.world.grid
    data = {"p_within_target": np.round(study.cell_probability, 6)}
    if study.wind_cell_probability is not None:
        data["p_within_target_design_wind"] = np.round(study.wind_cell_probability, 6)
    return gpd.GeoDataFrame(data, geometry=g.cell_polygons(), crs=g.crs)


def _map(study: AvailabilityStudy, result: RunResult) -> folium.Map:
    s = study.world.scenario
    g = study.world.grid
    t = s.guarantee.target_s
    m = build_map(
        map_layers_for(
            result,
            f"Probability that a call gets a drone on scene within {t / 60:g} min, with "
            "drones busy, charging, in maintenance or grounded by wind (modeled call "
            "rates; dock sites modeled, not official).",
        ),
        offline=s.output.offline_map,
        basemap=s.output.basemap,
        basemap_key=s.output.basemap_key,
        show_first_raster=False,
    )
    gcj = needs_gcj02(s.output.basemap)
    grid_kw: dict[str, Any] = {
        "x0_m": g.x0_m, "y0_m": g.y0_m, "spacing_m": g.spacing_m, "crs": g.crs
    }
    drones = int(study.world.docks.drones.sum())
    add_class_layer(
        m,
        f"P(response within {t / 60:g} min): {drones} drones today (hypercube, analytic)",
        g.to_raster(probability_class(study.cell_probability), fill=0).astype(np.uint8),
        _COLOURS,
        gcj02=gcj,
        **grid_kw,
    )
    if study.wind_cell_probability is not None:
        add_class_layer(
            m,
            f"P(response within {t / 60:g} min): design-wind days "
            f"({s.wind.design_speed_mps:g} m/s {_where(study)})",
            g.to_raster(probability_class(study.wind_cell_probability), fill=0).astype(np.uint8),
            _COLOURS,
            gcj02=gcj,
            show=False,
            **grid_kw,
        )
    blocks = simulated_blocks(study).to_crs(WGS84)
    cls = probability_class(blocks["share_within_target"].to_numpy())
    styles = {
        f"b{k}": {
            "color": "#333",
            "weight": 0.5,
            "fillColor": _COLOURS[k - 1],
            "fillOpacity": 0.75,
        }
        for k in range(1, len(_COLOURS) + 1)
    }
    add_vector_layer(
        m,
        f"Simulated share within {t / 60:g} min per {study.config.map_block_m:g} m block "
        f"({study.result.n_calls:,} calls, {study.config.days} days)",
        for_basemap(blocks, m),
        [f"b{k}" for k in cls],
        [
            f"{n} call(s): {100 * v:.1f} % within {t / 60:g} min"
            for n, v in zip(blocks["calls"], blocks["share_within_target"], strict=True)
        ],
        styles,
        show=False,
    )
    docks = for_basemap(availability_docks(study), m)
    names = docks["name"].astype(str).tolist()
    for i, a in enumerate(study.answers):
        col = f"drones_for_{_pct(a.target_share)}"
        keep = docks[col].to_numpy() > 0
        part = docks[keep]
        verdict = (
            f"{a.total} drones on {a.docks_used} docks"
            if a.met
            else f"not reached with {a.total} drones"
        )
        colour = ("#e6550d", "#756bb1", "#31a354", "#636363")[i % 4]
        st = {
            f"n{n}": {
                "color": "#222",
                "weight": 1,
                "fillColor": colour,
                "fillOpacity": 0.9,
                "radius": 3 + 2 * n,
            }
            for n in sorted(set(part[col].astype(int)))
        }
        add_vector_layer(
            m,
            f"Drones for {100 * a.target_share:g} % of calls: {verdict} (modeled)",
            part,
            [f"n{int(n)}" for n in part[col]],
            [
                f"{nm}: {int(n)} drone(s)"
                for nm, n in zip([names[j] for j in np.flatnonzero(keep)], part[col], strict=True)
            ],
            st,
            show=False,
        )
    entries = [(c, lab) for c, (_, lab) in zip(_COLOURS, PROBABILITY_CLASSES, strict=False)]
    entries.append((_COLOURS[-1], _NONE_LABEL))
    HtmlBox(
        "Probability legend",
        legend_box(f"P(drone on scene within {t / 60:g} min)", entries),
    ).add_to(m)
    return m


def write_availability_files(
    study: AvailabilityStudy, result: RunResult, tmp: Path, stem: str
) -> dict[str, Path]:
    """Write the availability study's files into ``tmp``; returns ``{kind: path}``.

    ``result`` is the reach check of the same world (its layers sit under the map).
    """
    s = study.world.scenario
    files: dict[str, Path] = {}
    p = tmp / f"{stem}_availability.json"
    p.write_text(build_availability_report(study).to_json(), encoding="utf-8")
    files["availability_report"] = p
    files["availability_cdf"] = cdf_plot(study, tmp / f"{stem}_response_cdf.png")
    p = tmp / f"{stem}_availability.html"
    save_map(_map(study, result), p)
    files["availability_map"] = p
    docks = availability_docks(study)
    if s.output.geojson:
        p = tmp / f"{stem}_availability_docks.geojson"
        docks.to_file(p, driver="GeoJSON", COORDINATE_PRECISION=6)
        files["availability_docks"] = p
    if s.output.geopackage:
        p = tmp / f"{stem}_availability.gpkg"
        _cells_gdf(study).to_file(p, layer="cells", driver="GPKG")
        simulated_blocks(study).to_file(p, layer="simulated_blocks", driver="GPKG")
        docks.to_crs(study.world.grid.crs).to_file(p, layer="docks", driver="GPKG")
        files["availability_geopackage"] = p
    return files
