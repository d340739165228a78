"""Tests for lowalt.outputs.webmap: structure, offline assets, escaping, atomic save, rendering."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import folium
import geopandas as gpd
import matplotlib.image as mpimg
import numpy as np
import pytest
from shapely.geometry import Point, box

from lowalt.geo.crs import transformer
from lowalt.outputs._offline_assets import HtmlBox, VectorLayer
from lowalt.outputs.webmap import (
    NOT_REACHED_COLOUR,
    MapLayers,
    TimeRaster,
    build_map,
    classify_times,
    raster_overlay,
    response_bands,
    save_map,
)

EVIL = "<img src=x onerror=alert(1)>"
METRIC = "EPSG:4547"
NX = NY = 20
SPACING = 100.0
UNREACHED_IJ = (10, 11)  # (row from south, column)


def _grid_origin() -> tuple[float, float]:
    cx, cy = transformer("EPSG:4326", METRIC).transform(114.4, 30.5)
    return cx - SPACING * (NX - 1) / 2, cy - SPACING * (NY - 1) / 2


def _cell(i: int, j: int) -> box:
    x0, y0 = _grid_origin()
    x, y = x0 + j * SPACING, y0 + i * SPACING
    return box(x - SPACING / 2, y - SPACING / 2, x + SPACING / 2, y + SPACING / 2)


def _layers(**overrides: object) -> MapLayers:
    x0, y0 = _grid_origin()
    half = SPACING / 2
    zone_m = box(
        x0 - half, y0 - half, x0 + SPACING * (NX - 1) + half, y0 + SPACING * (NY - 1) + half
    )
    zone = gpd.GeoDataFrame(
        {"name": ["Test zone"], "provenance": ["official"], "source": ["synthetic"]},
        geometry=[zone_m],
        crs=METRIC,
    ).to_crs(4326)
    dx = np.array([x0 + 300, x0 + 1500, x0 + 900])
    dy = np.array([y0 + 300, y0 + 500, y0 + 1600])
    xx, yy = np.meshgrid(x0 + SPACING * np.arange(NX), y0 + SPACING * np.arange(NY))
    dist = np.min(np.hypot(xx[..., None] - dx, yy[..., None] - dy), axis=-1)
    times = 30.0 + dist / 5.0
    times[:2, :2] = np.nan  # outside the area
    times[UNREACHED_IJ] = np.inf
    docks = gpd.GeoDataFrame(
        {
            "dock_id": ["D1", "D2", "D3"],
            "name": [EVIL, "Dock ${alert(2)}", "Dock {{ 7*7 }}"],
            "drones": [2, 1, 3],
            "provenance": ["modeled"] * 3,
            "source": ["lowalt"] * 3,
            "mean_time_s": [101.5, 88.25, 140.0],
        },
        geometry=gpd.points_from_xy(dx, dy),
        crs=METRIC,
    ).to_crs(4326)
    airspace = gpd.GeoDataFrame(
        {
            "name": ["Heliport"],
            "restriction": ["prohibited"],
            "lower_m": [0.0],
            "upper_m": [120.0],
            "provenance": ["official"],
            "source": ["CAAC"],
        },
        geometry=[Point(x0 + 1200, y0 + 1200).buffer(150)],
        crs=METRIC,
    ).to_crs(4326)
    sites = gpd.GeoDataFrame(
        {"name": ["Hospital"], "kind": ["hospital"], "provenance": ["osm"], "source": ["OSM"]},
        geometry=[Point(x0 + 500, y0 + 800)],
        crs=METRIC,
    ).to_crs(4326)
    unreached = gpd.GeoDataFrame(geometry=[_cell(*UNREACHED_IJ)], crs=METRIC).to_crs(4326)
    rasters = (
        TimeRaster("Calm air", times, x0, y0, SPACING, METRIC, 300.0),
        TimeRaster("Design wind 8 m/s", times * 1.5, x0, y0, SPACING, METRIC, 300.0),
    )
    kwargs: dict[str, object] = {
        "title": "Synthetic <test> map",
        "zone": zone,
        "lakes": None,
        "airspace": airspace,
        "sites": sites,
        "docks": docks,
        "rasters": rasters,
        "unreached": {"Calm air": unreached},
        "notes": ("Dock sites are MODELED, not official",),
    }
    kwargs.update(overrides)
    return MapLayers(**kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def layers() -> MapLayers:
    return _layers()


@pytest.fixture(scope="module")
def saved(layers: MapLayers, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "map.html"
    save_map(build_map(layers), path)
    return path


def _groups(m: folium.Map) -> dict[str, folium.FeatureGroup]:
    return {c.layer_name: c for c in m._children.values() if isinstance(c, folium.FeatureGroup)}


def test_structure(layers: MapLayers) -> None:
    m = build_map(layers)
    names = list(_groups(m))
    for prefix in ("Not reached within 5 min: Calm air", "Zone boundary", "Airspace", "Key sites"):
        assert any(n.startswith(prefix) for n in names), (prefix, names)
    assert any(n.startswith("Docks (3, 6 drones)") and "modeled" in n for n in names)
    for group in _groups(m).values():
        assert any(isinstance(c, VectorLayer) for c in group._children.values())
    children = list(m._children.values())
    assert sum(isinstance(c, folium.LayerControl) for c in children) == 1
    boxes = [c for c in children if isinstance(c, HtmlBox)]
    assert {b._name for b in boxes} == {"Legend", "Notes"}
    legend = next(b for b in boxes if b._name == "Legend").body
    assert "0–1 min" in legend and "not reached" in legend and NOT_REACHED_COLOUR in legend

    overlays = [c for c in children if isinstance(c, folium.raster_layers.ImageOverlay)]
    assert [o.show for o in overlays] == [True, False]
    west, south, east, north = layers.zone.total_bounds
    tol = 1e-6  # degrees
    for o in overlays:
        (s, w), (n, e) = o.bounds
        assert south - tol <= s < n <= north + tol
        assert west - tol <= w < e <= east + tol
        assert o.url.startswith("data:image/png;base64,")


def test_bands_and_classes() -> None:
    bands = response_bands(300.0, 60.0)
    labels = [b.label for b in bands]
    assert labels[:6] == ["0–1 min", "1–2 min", "2–3 min", "3–4 min", "4–5 min", "5–6 min"]
    assert labels[-2:] == ["> 10 min", "not reached"]
    t = np.array([[0.0, 60.0, 60.1, 300.0], [300.5, 1e6, np.inf, np.nan]])
    cls = classify_times(t, bands)
    assert cls.tolist() == [[1, 1, 2, 5], [6, len(bands) - 1, len(bands), 0]]


def test_overlay_warp_puts_cells_in_place(layers: MapLayers) -> None:
    raster = layers.rasters[0]
    bands = response_bands(raster.target_s)
    overlay = raster_overlay(raster, bands)
    assert overlay is not None
    url, ((s, w), (n, e)) = overlay
    img = mpimg.imread(io.BytesIO(base64.b64decode(url.split(",", 1)[1])), format="png")
    height, width = img.shape[:2]
    to_merc = transformer("EPSG:4326", "EPSG:3857")
    (mw, me), (ms, mn) = to_merc.transform([w, e], [s, n])
    centre = _cell(*UNREACHED_IJ).centroid
    cx, cy = transformer(METRIC, "EPSG:3857").transform(centre.x, centre.y)
    col = int((cx - mw) / (me - mw) * width)
    row = int((mn - cy) / (mn - ms) * height)
    expected = np.array([0x8B, 0x00, 0x8B]) / 255
    np.testing.assert_allclose(img[row, col, :3], expected, atol=0.01)
    assert img[row, col, 3] == pytest.approx(1.0)
    assert img[-1, 0, 3] == 0.0  # south-west corner cells are NaN -> transparent


def test_offline_html_has_no_cdn(saved: Path) -> None:
    text = saved.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", text)
    assert not re.search(r"<link[^>]*\bhref=[\"']?https?:", text)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery.com", "bootstrapcdn", "fontawesome"):
        assert cdn not in text
    assert "L.imageOverlay" in text and "L.geoJSON" in text
    assert len(text) < 1_000_000


def test_data_text_is_escaped(saved: Path) -> None:
    text = saved.read_text(encoding="utf-8")
    assert "<img src=x" not in text
    assert "onerror=alert(1)" in text  # present, but only in escaped form
    assert r"\u0026lt;img src=x onerror=alert(1)\u0026gt;" in text
    assert "${alert(2)}" not in text and "{{ 7*7 }}" not in text
    assert "Synthetic &lt;test&gt; map" in text
    assert "modeled" in text.lower()


def test_online_uses_cdn(layers: MapLayers, tmp_path: Path) -> None:
    path = tmp_path / "online.html"
    save_map(build_map(layers, offline=False), path)
    assert re.search(r"<script[^>]*src=\"https://", path.read_text(encoding="utf-8"))


def test_save_is_atomic(layers: MapLayers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = build_map(layers)
    path = tmp_path / "map.html"
    save_map(m, path)
    save_map(m, path)  # overwrite
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]
    assert path.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
    before = path.read_bytes()

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        save_map(m, path)
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]
    assert path.read_bytes() == before


def test_bad_inputs() -> None:
    grid = np.zeros((2, 2))
    with pytest.raises(ValueError, match="geographic"):
        TimeRaster("x", grid, 0.0, 0.0, 100.0, "EPSG:4326", 300.0)
    with pytest.raises(ValueError, match="negative"):
        TimeRaster("x", grid - 1, 0.0, 0.0, 100.0, METRIC, 300.0)
    swapped = gpd.GeoDataFrame(geometry=[Point(30.5, 114.4)])
    with pytest.raises(ValueError, match="swapped"):
        build_map(_layers(docks=swapped.assign(drones=1)))


@pytest.mark.browser
def test_renders_in_chromium(saved: Path, tmp_path: Path, chromium: str) -> None:
    tool = Path(__file__).resolve().parents[1] / "tools" / "screenshot_map.py"
    out = tmp_path / "shot.png"
    # the tool finds chromium on PATH itself; the fixture skips (fails under CI) without it
    subprocess.run([sys.executable, str(tool), str(saved), str(out)], check=True, timeout=200)
    img = mpimg.imread(out)[..., :3]
    background = np.median(img.reshape(-1, 3), axis=0)
    greens = (img[..., 1] > img[..., 0] + 0.1) & (img[..., 1] > img[..., 2] + 0.1)
    assert greens.sum() > 500, "no response-time overlay pixels"
    magenta = (img[..., 0] > 0.4) & (img[..., 2] > 0.4) & (img[..., 1] < 0.3)
    assert magenta.sum() > 20, "unreached cell not highlighted"
    assert np.abs(img - background).sum(axis=-1).max() > 0.5


def test_screenshot_tool_importable() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    try:
        import screenshot_map
    finally:
        sys.path.pop(0)
    assert callable(screenshot_map.screenshot)


def test_long_targets_widen_the_bands() -> None:
    """A day-long target (86,400 s) drew 1,440 one-minute bands, past the 255 palette classes
    of the raster (found by the schema property tests); steps now widen to whole minutes."""
    from lowalt.outputs.webmap import MAX_INNER_BANDS, OVER_TARGET_BANDS, response_bands

    bands = response_bands(86_101.98)
    inner = [b for b in bands if b.upper_s <= 86_101.98]
    assert len(inner) <= MAX_INNER_BANDS
    assert len(bands) == len(inner) + OVER_TARGET_BANDS + 2
    steps = {b.upper_s - b.lower_s for b in inner[:-1]}
    assert steps == {2880.0}  # 48 minutes: the smallest whole-minute step giving <= 30 bands
    assert [b.label for b in response_bands(300.0)][:5] == [
        "0–1 min", "1–2 min", "2–3 min", "3–4 min", "4–5 min",
    ]
    raster = TimeRaster("x", np.full((2, 2), 80_000.0), 0.0, 0.0, 100.0, "EPSG:4547", 86_101.98)
    assert raster_overlay(raster, bands) is not None
