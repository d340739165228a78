"""Coverage web map: response-time bands, unreached cells, airspace, sites and docks.

Inputs are GeoDataFrames in EPSG:4326 (lon/lat) and :class:`TimeRaster` grids in a
projected CRS. This is the only module that flips to ``[lat, lon]`` (folium/Leaflet
order). Response times are drawn as one indexed-colour PNG per raster, resampled by
nearest neighbour onto a regular Web-Mercator pixel grid so Leaflet's linear
stretch of the image between its corners is exact. Vector layers carry pre-escaped
popup/tooltip HTML and a style key in their properties and are drawn by a small JS
hook, so a page with thousands of features stays small. Every text taken from data
(popups, tooltips, layer names, legends, notes, the page title) goes through
:func:`lowalt.outputs._escape.html_text`; see :mod:`lowalt.outputs._escape` for why.
"""

from __future__ import annotations

import math
import os
import tempfile
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from lowalt.geo.crs import WGS84, check_lonlat
from lowalt.outputs._escape import html_text
from lowalt.outputs._offline_assets import (
    HtmlBox,
    LayerControl,
    VectorLayer,
    inline_assets,
)
from lowalt.outputs.basemaps import (
    add_basemap,
    needs_gcj02,
    shift_gdf,
)
from lowalt.outputs.rasters import (
    _RASTER_PANE,
    MAX_INNER_BANDS,
    NOT_REACHED_COLOUR,
    OVER_TARGET_BANDS,
    Band,
    TimeRaster,
    _minutes,
    class_overlay,
    classify_times,
    raster_overlay,
    response_bands,
)

__all__ = [
    "MAX_INNER_BANDS",
    "NOT_REACHED_COLOUR",
    "OVER_TARGET_BANDS",
    "Band",
    "MapLayers",
    "TimeRaster",
    "VectorLayer",
    "add_class_layer",
    "add_vector_layer",
    "build_map",
    "class_overlay",
    "classify_times",
    "legend_box",
    "raster_overlay",
    "response_bands",
    "save_map",
]

_OFFLINE_MAPS: weakref.WeakSet[folium.Map] = weakref.WeakSet()


@dataclass(frozen=True)
class MapLayers:
    """Everything drawn on the coverage map (vector layers in EPSG:4326)."""

    title: str
    zone: gpd.GeoDataFrame
    lakes: gpd.GeoDataFrame | None
    airspace: gpd.GeoDataFrame | None
    sites: gpd.GeoDataFrame | None
    docks: gpd.GeoDataFrame
    rasters: tuple[TimeRaster, ...]
    unreached: dict[str, gpd.GeoDataFrame]
    notes: tuple[str, ...]




def _wgs84(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if gdf.crs is not None and gdf.crs != WGS84:
        gdf = gdf.to_crs(WGS84)
    if not gdf.empty:
        west, south, east, north = gdf.total_bounds
        try:
            check_lonlat([west, east], [south, north])
        except ValueError as exc:
            msg = f"{what}: {exc}"
            raise ValueError(msg) from exc
    return gdf


def _merge_cells(cells: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve touching cells into outlined regions (an isolated cell stays a square)."""
    if len(cells) < 2:
        return cells
    parts = shapely.get_parts(shapely.union_all(cells.geometry.to_numpy(), grid_size=1e-9))
    return gpd.GeoDataFrame(geometry=parts, crs=WGS84)


def _collection(gdf: gpd.GeoDataFrame, props: list[dict[str, str]]) -> dict[str, Any]:
    geoms = shapely.transform(gdf.geometry.to_numpy(), lambda c: np.round(c, 6))
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": shapely.geometry.mapping(g), "properties": p}
            for g, p in zip(geoms, props, strict=True)
            if g is not None and not g.is_empty
        ],
    }


def _fmt(value: object) -> str:
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return "—"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return str(value)


def _popup(title: str, rows: list[tuple[str, object]]) -> str:
    cells = "".join(
        f"<tr><th>{html_text(k)}</th><td>{html_text(_fmt(v))}</td></tr>" for k, v in rows
    )
    return f"<b>{html_text(title)}</b><table class='lowalt-popup'>{cells}</table>"


def _modeled(gdf: gpd.GeoDataFrame | None) -> bool:
    if gdf is None or gdf.empty or "provenance" not in gdf:
        return False
    return bool(gdf["provenance"].astype(str).str.contains("model", case=False).any())


def _layer(
    m: folium.Map,
    name: str,
    gdf: gpd.GeoDataFrame,
    row_props: Callable[[dict[str, Any]], dict[str, str]],
    *,
    show: bool = True,
) -> folium.FeatureGroup:
    """Add a FeatureGroup holding one :class:`VectorLayer` of ``gdf``."""
    gdf = _wgs84(gdf, name)
    if _modeled(gdf):
        name += " — modeled"
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    if not gdf.empty:
        records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
        collection = _collection(gdf, [row_props(r) for r in records])
    group = folium.FeatureGroup(name=html_text(name), show=show)
    keys = {f["properties"]["k"] for f in collection["features"]}
    group.add_child(VectorLayer(collection, {k: _STYLES[k] for k in sorted(keys)}))
    group.add_to(m)
    return group


def _style(
    color: str, fill: str | None, weight: float, opacity: float, **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"color": color, "weight": weight, **extra}
    out |= {"fillColor": fill, "fillOpacity": opacity} if fill else {"fill": False}
    return out


# Leaflet path options by feature key ``k`` (points also take ``radius``, pixels).
_STYLES: dict[str, dict[str, Any]] = {
    "u": _style("#ff00ff", NOT_REACHED_COLOUR, 3, 0.35),
    "z": _style("#222", None, 2.5, 0, dashArray="8 5"),
    "l": _style("#2b8cbe", "#6baed6", 1, 0.5),
    "prohibited": _style("#b2182b", "#d7191c", 2, 0.25),
    "restricted": _style("#d95f02", "#fd8d3c", 2, 0.2),
    "other": _style("#b8860b", "#e6ab02", 2, 0.15, dashArray="6 4"),
    "s": _style("#333", "#fff", 1, 1, radius=4),
    "d": _style("#08306b", "#2171b5", 1.5, 0.9, radius=6),
}
_DOCK_FIELDS = ("dock_id", "name", "drones", "provenance", "source")


def _unreached_props(tip: str, _row: dict[str, Any]) -> dict[str, str]:
    return {"k": "u", "t": tip}


def _zone_props(r: dict[str, Any]) -> dict[str, str]:
    rows = [(c, r.get(c, "")) for c in ("provenance", "source")]
    return {"k": "z", "t": _popup(str(r.get("name", "zone")), rows)}


def _airspace_props(r: dict[str, Any]) -> dict[str, str]:
    limits = f"{_fmt(r.get('lower_m', math.nan))}–{_fmt(r.get('upper_m', math.nan))} m AGL"
    rows = [("restriction", r.get("restriction", "")), ("limits", limits)]
    rows += [(c, r.get(c, "")) for c in ("provenance", "source")]
    name = str(r.get("name", "airspace"))
    return {
        "k": _airspace_key(r.get("restriction", "")),
        "p": _popup(name, rows),
        "t": html_text(name),
    }


def _site_props(r: dict[str, Any]) -> dict[str, str]:
    rows = [(c, r.get(c, "")) for c in ("kind", "provenance", "source")]
    name = str(r.get("name", "site"))
    tip = html_text(f"{name} ({r.get('kind', '')})")
    return {"k": "s", "p": _popup(name, rows), "t": tip}


def _dock_props(r: dict[str, Any]) -> dict[str, str]:
    rows = [(c, r.get(c, "")) for c in _DOCK_FIELDS[2:]]
    rows += [(c, v) for c, v in r.items() if c not in _DOCK_FIELDS]
    title = f"Dock {r.get('dock_id', '')}: {r.get('name', '')}"
    return {"k": "d", "p": _popup(title, rows), "t": html_text(r.get("name", r.get("dock_id", "")))}


def _airspace_key(restriction: object) -> str:
    text = str(restriction).lower()
    if any(w in text for w in ("prohibit", "no-fly", "no fly", "nfz", "forbid", "ban")):
        return "prohibited"
    return "restricted" if "restrict" in text else "other"


_CSS = (
    "<style>.lowalt-box{position:fixed;z-index:1000;background:rgba(255,255,255,.92);"
    "border:1px solid #888;border-radius:4px;font:12px/1.35 sans-serif;padding:5px 9px}"
    ".lowalt-legend{bottom:58px;left:10px}"
    ".lowalt-notes{top:10px;left:54px;max-width:38%}"
    ".lowalt-popup th{text-align:left;padding-right:6px}</style>"
)


def _legend(bands: Sequence[Band], target_s: float) -> str:
    rows = "".join(
        f"<div><span style='display:inline-block;width:14px;height:11px;margin-right:5px;"
        f"background:{b.colour};border:1px solid #555'></span>{html_text(b.label)}</div>"
        for b in bands
    )
    return (
        f"{_CSS}<div class='lowalt-box lowalt-legend'>"
        f"<b>Response time</b> (target {html_text(_minutes(target_s))} min)<br>{rows}"
        "<div><span style='display:inline-block;width:12px;height:9px;margin-right:5px;"
        "border:3px solid #ff00ff'></span>unreached cells (outlined)</div></div>"
    )


def _notes_box(title: str, notes: Sequence[str]) -> str:
    items = "".join(f"<li>{html_text(n)}</li>" for n in notes)
    return (
        "<div class='lowalt-box lowalt-notes'>"
        f"<b style='font-size:14px'>{html_text(title)}</b>"
        f"<ul style='margin:3px 0 0 16px;padding:0'>{items}</ul></div>"
    )


def _to_gcj02(layers: MapLayers) -> MapLayers:
    """Every vector layer shifted to GCJ-02, for drawing on GCJ-02 tiles (rasters are warped)."""

    def opt(gdf: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
        return None if gdf is None else shift_gdf(gdf)

    return replace(
        layers,
        zone=shift_gdf(layers.zone),
        lakes=opt(layers.lakes),
        airspace=opt(layers.airspace),
        sites=opt(layers.sites),
        docks=shift_gdf(layers.docks),
        unreached={k: shift_gdf(v) for k, v in layers.unreached.items()},
    )


def build_map(
    layers: MapLayers,
    *,
    offline: bool = True,
    band_step_s: float = 60.0,
    basemap: str = "osm",
    basemap_key: str | None = None,
    show_first_raster: bool = True,
) -> folium.Map:
    """Build the coverage map (see module docstring); fit to the zone's bounds.

    ``offline=True`` inlines Leaflet/jQuery so the page needs no CDN (tiles still
    come from the basemap's servers when online). ``basemap`` is a name from
    :data:`lowalt.outputs.basemaps.BASEMAPS` (``basemap_key``: the Tianditu key); on GCJ-02 tiles
    (AMap) every overlay is shifted to GCJ-02. ``show_first_raster=False`` leaves every
    response-time layer unticked (for maps whose main layer is added afterwards). Raises
    ``ValueError`` on bad inputs.
    """
    gcj02 = needs_gcj02(basemap)  # ValueError for an unknown name, before any work
    if gcj02:
        layers = _to_gcj02(layers)
    zone = _wgs84(layers.zone, "zone")
    if zone.empty:
        msg = "zone is empty"
        raise ValueError(msg)
    targets = {r.target_s for r in layers.rasters}
    if len(targets) > 1:
        msg = f"rasters have different targets {sorted(targets)}; the legend needs one"
        raise ValueError(msg)
    target_s = targets.pop() if targets else 300.0
    bands = response_bands(target_s, band_step_s)
    west, south, east, north = (float(v) for v in zone.total_bounds)
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=11,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
    )
    add_basemap(m, basemap, key=basemap_key)
    figure = m.get_root()
    figure.title = html_text(layers.title)  # type: ignore[attr-defined]
    folium.map.CustomPane(_RASTER_PANE, z_index=350, pointer_events=False).add_to(m)

    seen: set[str] = set()
    for k, raster in enumerate(layers.rasters):
        overlay = raster_overlay(raster, bands, gcj02=gcj02)
        if overlay is None:
            continue
        name = f"Response time: {raster.label}"
        while name in seen:
            name += " ′"
        seen.add(name)
        _image_layer(m, overlay, name, show=show_first_raster and k == 0)

    minutes = _minutes(target_s)
    first = layers.rasters[0].label if layers.rasters else None
    for label, cells in layers.unreached.items():
        tip = f"{html_text(label)}: not reached within {minutes} min"
        name = f"Not reached within {minutes} min: {label} ({len(cells)} cells)"
        merged = _merge_cells(_wgs84(cells, name))
        _layer(
            m,
            name,
            merged,
            partial(_unreached_props, tip),
            show=show_first_raster and first in (None, label),
        )
    _layer(m, "Zone boundary", zone, _zone_props)
    if layers.lakes is not None and not layers.lakes.empty:
        _layer(
            m, "Lakes", layers.lakes, lambda r: {"k": "l", "t": html_text(r.get("name", "lake"))}
        )
    if layers.airspace is not None and not layers.airspace.empty:
        name = f"Airspace ({len(layers.airspace)})"
        _layer(m, name, layers.airspace, _airspace_props)
    if layers.sites is not None and not layers.sites.empty:
        _layer(m, "Key sites", layers.sites, _site_props)
    n_drones = int(layers.docks["drones"].sum()) if "drones" in layers.docks else 0
    _layer(m, f"Docks ({len(layers.docks)}, {n_drones} drones)", layers.docks, _dock_props)

    notes = list(layers.notes)
    if gcj02:
        notes.append("Overlays shifted to GCJ-02 to match the tiles; saved files stay WGS84.")
    named = {"docks": layers.docks, "airspace": layers.airspace, "sites": layers.sites}
    modeled = [n for n, g in named.items() if _modeled(g)]
    if modeled and not any("model" in n.lower() for n in notes):
        notes.append(f"MODELED (not official) data: {', '.join(modeled)}")
    HtmlBox("Legend", _legend(bands, target_s)).add_to(m)
    HtmlBox("Notes", _notes_box(layers.title, notes)).add_to(m)
    LayerControl(collapsed=True).add_to(m)
    fit = folium.map.FitBounds([[south, west], [north, east]], padding=(10, 10))
    fit.options["animate"] = False  # no zoom animation: the first frame is already final
    fit.add_to(m)
    if offline:
        inline_assets(m)
        _OFFLINE_MAPS.add(m)
    return m


def add_class_layer(
    m: folium.Map,
    name: str,
    classes: NDArray[np.uint8],
    colours: Sequence[str],
    *,
    x0_m: float,
    y0_m: float,
    spacing_m: float,
    crs: str,
    gcj02: bool = False,
    show: bool = True,
    opacity: float = 0.7,
) -> bool:
    """Draw a classified metric grid (:func:`class_overlay`) as a toggleable image layer.

    Returns False (and adds nothing) when no cell has a class.
    """
    overlay = class_overlay(
        classes, colours, x0_m=x0_m, y0_m=y0_m, spacing_m=spacing_m, crs=crs, gcj02=gcj02
    )
    if overlay is None:
        return False
    _image_layer(m, overlay, name, show=show, opacity=opacity)
    return True


def _image_layer(
    m: folium.Map,
    overlay: tuple[str, list[list[float]]],
    name: str,
    *,
    show: bool,
    opacity: float = 0.7,
) -> None:
    url, bounds = overlay
    folium.raster_layers.ImageOverlay(
        url,
        bounds,
        name=html_text(name),
        opacity=opacity,
        pixelated=True,
        show=show,
        pane=_RASTER_PANE,
    ).add_to(m)


def add_vector_layer(
    m: folium.Map,
    name: str,
    gdf: gpd.GeoDataFrame,
    keys: Sequence[str],
    tips: Sequence[str],
    styles: dict[str, dict[str, Any]],
    *,
    show: bool = True,
) -> None:
    """Add ``gdf`` (EPSG:4326) as a toggleable layer: feature i styled ``styles[keys[i]]``.

    ``tips`` are plain text, escaped here (scenario text is never trusted).
    """
    gdf = _wgs84(gdf, name)
    props = [{"k": k, "t": html_text(t)} for k, t in zip(keys, tips, strict=True)]
    collection: dict[str, Any] = (
        _collection(gdf, props) if len(gdf) else {"type": "FeatureCollection", "features": []}
    )
    group = folium.FeatureGroup(name=html_text(name), show=show)
    used = {f["properties"]["k"] for f in collection["features"]}
    group.add_child(VectorLayer(collection, {k: styles[k] for k in sorted(used)}))
    group.add_to(m)


def legend_box(title: str, entries: Sequence[tuple[str, str]], *, corner: str = "right") -> str:
    """HTML of a fixed legend box: ``entries`` are (colour, label), both escaped."""
    rows = "".join(
        f"<div><span style='display:inline-block;width:14px;height:11px;margin-right:5px;"
        f"background:{html_text(c)};border:1px solid #555'></span>{html_text(t)}</div>"
        for c, t in entries
    )
    pos = "bottom:30px;right:10px" if corner == "right" else "bottom:58px;left:10px"
    return f"{_CSS}<div class='lowalt-box' style='{pos}'><b>{html_text(title)}</b><br>{rows}</div>"


def _layer_control_last(m: folium.Map) -> None:
    """Move the layer control after every layer, so its script sees layers added late.

    Folium writes each child's script in insertion order; a control written before a
    layer added after :func:`build_map` would list an undefined variable.
    """
    for key in [k for k, c in m._children.items() if isinstance(c, folium.LayerControl)]:
        m._children.move_to_end(key)


def save_map(m: folium.Map, path: Path) -> None:
    """Write the map's HTML atomically (temp file in the same folder, then ``os.replace``)."""
    path = Path(path)
    _layer_control_last(m)
    if m in _OFFLINE_MAPS:
        inline_assets(m)  # elements added after build_map
    text = m.get_root().render()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file 0600; a web page should be readable like any saved file.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
