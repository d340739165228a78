"""Write the placement study: report, chosen docks, comparison map, trade-off plot.

Files (into the temporary folder of :func:`lowalt.outputs._atomic.write_atomically`):
``{stem}_placement.json``, ``{stem}_placement_docks.geojson`` (every layout, with a
``layout`` column), ``{stem}_placement.html`` (the current layout's coverage with every
optimized layout as a toggleable layer) and, when trade-off dock counts are given,
``{stem}_tradeoff.png``.
"""

from __future__ import annotations

from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import shapely

from lowalt.geo.crs import WGS84
from lowalt.outputs._escape import html_text, save_plot
from lowalt.outputs._offline_assets import VectorLayer
from lowalt.outputs.basemaps import for_basemap
from lowalt.outputs.reach import map_layers_for
from lowalt.outputs.reports.placement import build_placement_report
from lowalt.outputs.webmap import build_map, save_map
from lowalt.studies.placement import PlacementStudy
from lowalt.studies.reach import RunResult

__all__ = ["placement_docks", "tradeoff_plot", "write_placement_files"]

_COLOURS = ("#e41a1c", "#ff7f00", "#984ea3", "#4daf4a", "#a65628", "#f781bf", "#999999")


def placement_docks(study: PlacementStudy) -> gpd.GeoDataFrame:
    """Every answered layout's docks (WGS84), with ``layout``, ``drones``, ``status``."""
    frames = []
    for key, a in study.answers.items():
        if key.startswith("tradeoff_"):
            continue
        frames.append(
            gpd.GeoDataFrame(
                {
                    "layout": key,
                    "drones": a.drones,
                    "status": a.result.status.value,
                    "provenance": "modeled (optimized on modeled inputs)",
                },
                geometry=shapely.points(a.sites_xy),
                crs=study.world.grid.crs,
            )
        )
    if not frames:
        return gpd.GeoDataFrame({"layout": []}, geometry=[], crs=WGS84)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True)).to_crs(WGS84)


def tradeoff_plot(study: PlacementStudy, path: Path) -> Path | None:
    """Docks vs coverage and docks vs worst-case time (PNG); None without trade-off answers."""
    ks = sorted({int(k.rsplit("_k", 1)[1]) for k in study.answers if k.startswith("tradeoff_")})
    if not ks:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    target = study.world.scenario.guarantee.target_s
    total = float(study.demand_weight.sum())
    cov = [study.answers[f"tradeoff_mclp_k{k}"] for k in ks]
    pc = [study.answers[f"tradeoff_pcenter_k{k}"] for k in ks]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
    ax1.plot(ks, [100 * a.result.objective / total for a in cov], "o-", color="#1b9e77")
    ax1.set(
        xlabel="docks",
        ylabel=f"demand reached within {target / 60:g} min (%)",
        title="Coverage (MCLP)",
    )
    ax2.plot(ks, [a.result.objective for a in pc], "o-", color="#d95f02")
    ax2.axhline(target, color="#666", ls="--", lw=1)
    ax2.set(xlabel="docks", ylabel="worst-case response (s)", title="Worst case (p-center)")
    for ax, answers in ((ax1, cov), (ax2, pc)):
        for k, a in zip(ks, answers, strict=True):
            if not a.result.is_optimal:
                ax.annotate(
                    "not proven",
                    (k, ax.get_lines()[0].get_ydata()[ks.index(k)]),
                    fontsize=7,
                    xytext=(3, 3),
                    textcoords="offset points",
                )
        ax.grid(alpha=0.3)
    fig.suptitle(f"{study.world.scenario.name} (modeled inputs)", fontsize=10)
    return save_plot(fig, path)  # the scenario name is not mathtext


def _comparison_map(study: PlacementStudy, result: RunResult) -> folium.Map:
    m = build_map(
        map_layers_for(
            result,
            "Coverage of the CURRENT (modeled) layout; optimized "
            "layouts are separate layers (all modeled, not official).",
        ),
        offline=study.world.scenario.output.offline_map,
        basemap=study.world.scenario.output.basemap,
        basemap_key=study.world.scenario.output.basemap_key,
    )
    gdf = placement_docks(study)
    for i, (key, part_raw) in enumerate(gdf.groupby("layout", sort=False)):
        part = for_basemap(part_raw, m)  # GCJ-02 tiles need shifted overlays
        a = study.answers[str(key)]
        colour = _COLOURS[i % len(_COLOURS)]
        feats = [
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(g),
                "properties": {"k": "s", "t": html_text(f"{key}: {int(d)} drone(s)"), "p": ""},
            }
            for g, d in zip(part.geometry, part["drones"], strict=True)
        ]
        group = folium.FeatureGroup(
            name=html_text(f"Optimized: {key} ({len(part)} docks, {a.result.status.value})"),
            show=False,
        )
        group.add_child(
            VectorLayer(
                {"type": "FeatureCollection", "features": feats},
                {
                    "s": {
                        "color": colour,
                        "weight": 2,
                        "fillColor": colour,
                        "fillOpacity": 0.9,
                        "radius": 5,
                    }
                },
            )
        )
        group.add_to(m)
    return m


def write_placement_files(
    study: PlacementStudy, result: RunResult, tmp: Path, stem: str
) -> dict[str, Path]:
    """Write the placement study's files into ``tmp``; returns ``{kind: path}``.

    ``result`` is the reach check of the same world (the map shows the current layout's
    coverage under the optimized layouts).
    """
    files: dict[str, Path] = {}
    p = tmp / f"{stem}_placement.json"
    p.write_text(build_placement_report(study).to_json(), encoding="utf-8")
    files["placement_report"] = p
    p = tmp / f"{stem}_placement_docks.geojson"
    placement_docks(study).to_file(p, driver="GeoJSON", COORDINATE_PRECISION=6)
    files["placement_docks"] = p
    p = tmp / f"{stem}_placement.html"
    save_map(_comparison_map(study, result), p)
    files["placement_map"] = p
    png = tradeoff_plot(study, tmp / f"{stem}_tradeoff.png")
    if png is not None:
        files["tradeoff_plot"] = png
    return files
