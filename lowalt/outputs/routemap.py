"""Maps of the corridor and network studies (Folium, offline-capable).

Layers are :class:`~lowalt.outputs._offline_assets.VectorLayer` GeoJSON groups styled by a key per
feature; every text taken from data (popups, tooltips, layer names, the notes box) is escaped
with :func:`lowalt.outputs._escape.html_text` (see :mod:`lowalt.outputs._escape` for why). Like
:mod:`lowalt.outputs.webmap`, this is a map-boundary module: the only place besides it that hands
[lat, lon] pairs to folium.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import shapely

from lowalt.geo.airspace import Zone
from lowalt.geo.crs import WGS84
from lowalt.outputs._escape import html_text
from lowalt.outputs._offline_assets import HtmlBox, LayerControl, VectorLayer, inline_assets
from lowalt.outputs.basemaps import add_basemap, for_basemap
from lowalt.studies.corridor import CorridorResult
from lowalt.studies.network import NetworkResult

__all__ = ["corridor_map", "network_map"]

_PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
_TYPE_COLOUR = {"passenger": "#7570b3", "cargo": "#1b9e77", "monitoring": "#e7298a"}
_ZONE_STYLE = {"color": "#b2182b", "weight": 2, "fillColor": "#d7191c", "fillOpacity": 0.15}


def _popup(title: str, rows: Sequence[tuple[str, object]]) -> str:
    body = "".join(f"<tr><th>{html_text(k)}</th><td>{html_text(v)}</td></tr>" for k, v in rows)
    return f"<b>{html_text(title)}</b><table>{body}</table>"


def _group(
    m: folium.Map,
    name: str,
    gdf: gpd.GeoDataFrame,
    keys: list[str],
    popups: list[str],
    tips: list[str],
    styles: dict[str, dict[str, Any]],
    show: bool = True,
) -> None:
    feats = []
    drawn = for_basemap(gdf.to_crs(WGS84), m)  # GCJ-02 on AMap tiles
    for geom, k, p, t in zip(drawn.geometry, keys, popups, tips, strict=True):
        feats.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(geom),
                "properties": {"k": k, "p": p, "t": t},
            }
        )
    group = folium.FeatureGroup(name=html_text(name), show=show)
    group.add_child(
        VectorLayer(
            {"type": "FeatureCollection", "features": feats},
            {k: styles[k] for k in sorted(set(keys))},
        )
    )
    group.add_to(m)


def _zones(m: folium.Map, zones: Sequence[Zone], crs: str) -> None:
    if not zones:
        return
    gdf = gpd.GeoDataFrame(geometry=[z.geometry for z in zones], crs=crs)
    _group(
        m,
        "Airspace zones",
        gdf,
        ["z"] * len(zones),
        [
            _popup(
                z.name,
                [
                    ("restriction", z.restriction),
                    ("limits (m AGL)", f"{z.lower_m:g}-{z.upper_m:g}"),
                    ("provenance", z.provenance),
                    ("source", z.source),
                ],
            )
            for z in zones
        ],
        [html_text(z.name) for z in zones],
        {"z": _ZONE_STYLE},
    )


def _notes(
    m: folium.Map, title: str, lines: Sequence[str], legend: Sequence[tuple[str, str]]
) -> None:
    items = "".join(f"<li>{html_text(x)}</li>" for x in lines)
    keys = "".join(
        f'<div><span style="display:inline-block;width:18px;height:4px;'
        f'background:{html_text(c)};margin-right:6px;vertical-align:middle"></span>{html_text(t)}</div>'
        for t, c in legend
    )
    box = (
        '<div style="position:fixed;top:10px;left:60px;z-index:1000;max-width:460px;'
        "background:rgba(255,255,255,.93);padding:8px 12px;border:1px solid #999;"
        f'border-radius:4px;font:12px sans-serif"><b>{html_text(title)}</b><ul style="margin:4px 0 '
        f'4px 16px;padding:0">{items}</ul>{keys}</div>'
    )
    HtmlBox("notes", box).add_to(m)


def _finish(m: folium.Map, bounds: Sequence[float], offline: bool) -> folium.Map:
    minx, miny, maxx, maxy = bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    LayerControl(collapsed=True).add_to(m)
    if offline:
        inline_assets(m)
    return m


def _base(basemap: str = "osm", key: str | None = None) -> folium.Map:
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=True)
    add_basemap(m, basemap, key=key)
    return m


def corridor_map(
    res: CorridorResult,
    *,
    offline: bool = True,
    basemap: str = "osm",
    basemap_key: str | None = None,
) -> folium.Map:
    """Map the corridor per aircraft, its protection corridor, the airspace and the end points.

    ``basemap``/``basemap_key``: see :func:`lowalt.outputs.basemaps.add_basemap` (overlays are
    shifted to GCJ-02 on AMap tiles).
    """
    s = res.scenario
    c = s.corridor
    assert c is not None
    m = _base(basemap, basemap_key)
    _zones(m, res.zones, s.metric_crs)
    styles: dict[str, dict[str, Any]] = {}
    legend = []
    for i, (pid, r) in enumerate(res.routes.items()):
        colour = _PALETTE[i % len(_PALETTE)]
        styles[f"c{i}"] = {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.12}
        styles[f"t{i}"] = {"color": colour, "weight": 4}
        claim = (
            ""
            if c.claimed_time_s is None
            else ("meets" if r.flight_time_s <= c.claimed_time_s else "misses")
        )
        rows = [
            ("aircraft", r.profile.name),
            ("length", f"{r.length_m / 1000:.1f} km"),
            ("airborne", f"{r.flight_time_s / 60:.1f} min"),
            ("block", f"{r.block_time_s / 60:.1f} min"),
            ("cruise", f"{r.cruise_altitude_m:g} m AGL"),
            ("claim", claim or "none given"),
            ("provenance", r.profile.provenance),
        ]
        gdf = gpd.GeoDataFrame(geometry=[r.corridor_xy, r.track_xy], crs=s.metric_crs)
        _group(
            m,
            f"{pid}: {r.flight_time_s / 60:.1f} min",
            gdf,
            [f"c{i}", f"t{i}"],
            [_popup(pid, rows)] * 2,
            [html_text(f"{pid} {r.flight_time_s / 60:.1f} min")] * 2,
            styles,
        )
        legend.append(
            (f"{pid}: {r.length_m / 1000:.1f} km, {r.flight_time_s / 60:.1f} min", colour)
        )
    ends = gpd.GeoDataFrame(
        geometry=[
            shapely.Point(c.origin.lon, c.origin.lat),
            shapely.Point(c.destination.lon, c.destination.lat),
        ],
        crs=WGS84,
    )
    _group(
        m,
        "End points",
        ends,
        ["e", "e"],
        [
            _popup(c.origin.name, [("role", "origin")]),
            _popup(c.destination.name, [("role", "destination")]),
        ],
        [html_text(c.origin.name), html_text(c.destination.name)],
        {"e": {"color": "#000", "weight": 2, "fillColor": "#fff", "fillOpacity": 1, "radius": 7}},
    )
    lines = [
        f"Reported: {c.claimed_time_s / 60:g} min." if c.claimed_time_s else "",
        *(f"{k}: no route ({v})" for k, v in res.failures.items()),
        "Aircraft performance is MODELED from public figures; end points partly estimated.",
    ]
    if res.ground is not None:
        g = res.ground
        lines.append(f"Ground: {g.distance_m / 1000:.0f} km, {g.time_s / 60:.0f} min ({g.source}).")
    _notes(m, s.name, [x for x in lines if x], legend)
    bounds = (
        gpd.GeoSeries(
            [r.corridor_xy for r in res.routes.values()]
            or [shapely.box(*ends.to_crs(s.metric_crs).total_bounds)],
            crs=s.metric_crs,
        )
        .to_crs(WGS84)
        .total_bounds
    )
    return _finish(m, bounds, offline)


def network_map(
    res: NetworkResult,
    *,
    offline: bool = True,
    basemap: str = "osm",
    basemap_key: str | None = None,
) -> folium.Map:
    """Map the routes by type, their conflicts and the airspace.

    ``basemap``/``basemap_key``: see :func:`lowalt.outputs.basemaps.add_basemap` (overlays are
    shifted to GCJ-02 on AMap tiles).
    """
    s = res.scenario
    m = _base(basemap, basemap_key)
    _zones(m, res.zones, s.metric_crs)
    bands = res.assignment.bands if res.assignment is not None else {}
    styles: dict[str, dict[str, Any]] = {}
    for t, c in (*_TYPE_COLOUR.items(), ("other", "#666")):
        styles[f"r_{t}_open"] = {"color": c, "weight": 3}
        styles[f"r_{t}_in_progress"] = {"color": c, "weight": 3, "dashArray": "8 6"}
        styles[f"c_{t}"] = {"color": c, "weight": 0.5, "fillColor": c, "fillOpacity": 0.12}

    def kind(r: Any) -> str:
        return r.type if r.type in _TYPE_COLOUR else "other"

    corridors = gpd.GeoDataFrame(geometry=[r.corridor_xy for r in res.routes], crs=s.metric_crs)
    _group(
        m,
        "Route corridors",
        corridors,
        [f"c_{kind(r)}" for r in res.routes],
        [""] * len(res.routes),
        [
            html_text(f"{r.name or r.id}: corridor ±{r.corridor_half_width_m:g} m")
            for r in res.routes
        ],
        styles,
        show=False,
    )
    gdf = gpd.GeoDataFrame(geometry=[r.track_xy for r in res.routes], crs=s.metric_crs)
    keys = [
        f"r_{kind(r)}_{'in_progress' if r.status == 'in_progress' else 'open'}" for r in res.routes
    ]
    pops = [
        _popup(
            r.name or r.id,
            [
                ("id", r.id),
                ("type", r.type),
                ("status", r.status),
                ("aircraft", r.profile),
                ("band (m AGL)", f"{r.lower_m:g}-{r.upper_m:g}"),
                (
                    "assigned layer (m AGL)",
                    "-".join(f"{v:g}" for v in bands[r.id]) if r.id in bands else "not layered",
                ),
                ("length", f"{r.length_m / 1000:.1f} km"),
                ("provenance", r.provenance),
                ("source", r.source),
            ],
        )
        for r in res.routes
    ]
    _group(
        m,
        "Routes (dashed: in progress)",
        gdf,
        keys,
        pops,
        [html_text(r.name or r.id) for r in res.routes],
        styles,
    )
    if res.conflicts:
        pts = gpd.GeoDataFrame(
            geometry=[shapely.Point(c.location_lonlat) for c in res.conflicts], crs=WGS84
        )
        _group(
            m,
            f"Conflicts ({len(res.conflicts)})",
            pts,
            ["x"] * len(res.conflicts),
            [
                _popup(
                    f"{c.a} x {c.b}",
                    [
                        ("vertical overlap (m)", f"{c.vertical_overlap_m:g}"),
                        ("tracks cross", c.tracks_cross),
                    ],
                )
                for c in res.conflicts
            ],
            [html_text(f"{c.a} x {c.b}") for c in res.conflicts],
            {
                "x": {
                    "color": "#000",
                    "weight": 1,
                    "fillColor": "#ff0",
                    "fillOpacity": 1,
                    "radius": 6,
                }
            },
        )
    a = res.assignment
    lines = [
        f"{len(res.routes)} routes; {len(res.conflicts)} conflicts; "
        + (
            f"{a.n_layers} layers of {s.network.layer_height_m:g} m ({a.status})"
            if a is not None and s.network is not None
            else "no layering"
        )
    ]
    lines.append("Type/status split and several geometries are MODELED (see geodata/README.md).")
    _notes(m, s.name, lines, [*_TYPE_COLOUR.items()])
    return _finish(
        m,
        gpd.GeoSeries([r.track_xy for r in res.routes], crs=s.metric_crs)
        .to_crs(WGS84)
        .total_bounds,
        offline,
    )
