"""Tests for lowalt.outputs.basemaps: GCJ-02 offsets, the registry, the shift in the maps."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import matplotlib.image as mpimg
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point, box

from lowalt.geo.crs import transformer
from lowalt.outputs._offline_assets import VectorLayer
from lowalt.outputs.basemaps import (
    BASEMAPS,
    KEY_ENV,
    add_basemap,
    basemap_of,
    for_basemap,
    gcj02_to_wgs84,
    get_basemap,
    image_shift_error_m,
    needs_gcj02,
    shift_gdf,
    shift_image_bounds,
    wgs84_to_gcj02,
)
from lowalt.outputs.webmap import build_map
from tests.test_webmap import METRIC, UNREACHED_IJ, _cell, _layers

REPO = Path(__file__).resolve().parents[1]
GEOD = Geod(ellps="WGS84")
KEY = "0123456789abcdef0123456789abcdef"


def _shift_m(lon: float, lat: float) -> tuple[float, float]:
    """(azimuth deg, distance m) of the GCJ-02 shift at a WGS84 point."""
    x, y = wgs84_to_gcj02(lon, lat)
    az, _, dist = GEOD.inv(lon, lat, float(x), float(y))
    return az, dist


def test_published_reference_value() -> None:
    # The value every public implementation of the formula gives for Tiananmen.
    x, y = wgs84_to_gcj02(116.404, 39.915)
    assert float(x) == pytest.approx(116.41024449916938, abs=1e-9)
    assert float(y) == pytest.approx(39.91640428150164, abs=1e-9)


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(114.40, 30.50), (114.305, 30.593), (114.322, 30.712), (115.0296, 30.3429)],
)
def test_wuhan_shifts_a_few_hundred_metres_east_south_east(lon: float, lat: float) -> None:
    az, dist = _shift_m(lon, lat)
    assert 550 < dist < 620  # measured: 583-590 m across Wuhan and Ezhou
    assert 110 < az < 122  # towards the east-south-east


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(-0.1276, 51.5072), (139.6917, 35.6895), (151.2093, -33.8688), (-74.006, 40.7128)],
)
def test_outside_china_unchanged(lon: float, lat: float) -> None:
    x, y = wgs84_to_gcj02(lon, lat)
    assert (float(x), float(y)) == (lon, lat)
    x, y = gcj02_to_wgs84(lon, lat)
    assert (float(x), float(y)) == (lon, lat)


def test_vectorized_and_inverse() -> None:
    rng = np.random.default_rng(7)
    lon = rng.uniform(73.0, 135.0, (50, 40))
    lat = rng.uniform(18.0, 53.0, (50, 40))
    gx, gy = wgs84_to_gcj02(lon, lat)
    assert gx.shape == gy.shape == (50, 40)
    assert np.all(np.hypot(gx - lon, gy - lat) > 1e-4)  # everything inside China moves
    wx, wy = gcj02_to_wgs84(gx, gy)
    assert np.max(np.abs(wx - lon)) < 1e-6 and np.max(np.abs(wy - lat)) < 1e-6
    assert np.max(np.abs(wx - lon)) < 1e-9  # in fact to ~1e-13 degrees
    # and the other way round
    fx, fy = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    np.testing.assert_allclose(fx, lon, atol=1e-9)
    np.testing.assert_allclose(fy, lat, atol=1e-9)
    # broadcasting a scalar latitude
    bx, _ = wgs84_to_gcj02(np.array([114.0, 114.5]), 30.5)
    assert bx.shape == (2,)


def test_registry_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(BASEMAPS) == {"osm", "none", "tianditu", "tianditu_img", "amap", "amap_img"}
    assert [n for n in BASEMAPS if needs_gcj02(n)] == ["amap", "amap_img"]
    assert get_basemap(" AMap ").name == "amap"
    with pytest.raises(ValueError, match=r"unknown basemap 'google'.*osm, none, tianditu"):
        get_basemap("google")
    monkeypatch.delenv(KEY_ENV, raising=False)
    m = folium.Map(tiles=None)
    with pytest.raises(ValueError, match=r"needs a Tianditu key.*console\.tianditu\.gov\.cn"):
        add_basemap(m, "tianditu")
    with pytest.raises(ValueError, match="basemap_key"):
        add_basemap(m, "tianditu_img")
    with pytest.raises(ValueError, match="letters or digits"):
        add_basemap(m, "tianditu", key="abc'+alert(1)+'def")
    with pytest.raises(ValueError, match="unknown basemap"):
        build_map(_layers(), basemap="bing")
    with pytest.raises(ValueError, match="Tianditu key"):
        build_map(_layers(), basemap="tianditu")


def _tiles(m: folium.Map) -> list[folium.TileLayer]:
    return [c for c in m._children.values() if isinstance(c, folium.TileLayer)]


def test_add_basemap_layers(monkeypatch: pytest.MonkeyPatch) -> None:
    m = folium.Map(tiles=None)
    assert add_basemap(m).name == "osm" and basemap_of(m) is BASEMAPS["osm"]
    (osm,) = _tiles(m)
    assert osm.layer_name == "OpenStreetMap (online only)"
    assert "openstreetmap.org" in osm.tiles and "OpenStreetMap" in osm.options["attribution"]

    m = folium.Map(tiles=None)
    add_basemap(m, "none")
    assert _tiles(m) == [] and basemap_of(m) is BASEMAPS["none"]

    m = folium.Map(tiles=None)
    add_basemap(m, "tianditu", key=KEY)
    base, labels = _tiles(m)
    assert "vec_w/wmts" in base.tiles and f"tk={KEY}" in base.tiles and "{key}" not in base.tiles
    assert "cva_w/wmts" in labels.tiles and labels.overlay and not base.overlay
    assert "Tianditu" in base.options["attribution"] and base.options["subdomains"] == "01234567"
    assert not needs_gcj02(m)

    monkeypatch.setenv(KEY_ENV, KEY)
    m = folium.Map(tiles=None)
    add_basemap(m, "tianditu_img")  # key from the environment
    assert "img_w/wmts" in _tiles(m)[0].tiles and f"tk={KEY}" in _tiles(m)[0].tiles

    m = folium.Map(tiles=None)
    add_basemap(m, "amap", key="ignored")
    (amap,) = _tiles(m)
    assert "autonavi.com" in amap.tiles and "AutoNavi" in amap.options["attribution"]
    assert needs_gcj02(m) and not needs_gcj02(folium.Map(tiles=None))


def test_shift_gdf() -> None:
    metric = gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=[Point(0, 0), box(-100, -100, 100, 100)],
        crs=METRIC,
    )
    x0, y0 = transformer("EPSG:4326", METRIC).transform(114.4, 30.5)
    metric = metric.set_geometry(metric.translate(x0, y0))
    shifted = shift_gdf(metric)
    assert shifted.crs == "EPSG:4326" and list(shifted["name"]) == ["a", "b"]
    plain = metric.to_crs(4326)
    ex, ey = wgs84_to_gcj02(plain.geometry[0].x, plain.geometry[0].y)
    assert shifted.geometry[0].x == pytest.approx(float(ex), abs=1e-12)
    assert shifted.geometry[0].y == pytest.approx(float(ey), abs=1e-12)
    assert shifted.geometry[1].area == pytest.approx(plain.geometry[1].area, rel=1e-4)
    assert for_basemap(plain, "osm") is plain and for_basemap(plain, "tianditu") is plain
    assert for_basemap(plain, "amap").geometry[0].equals_exact(shifted.geometry[0], 1e-12)
    assert shift_gdf(plain.iloc[:0]).empty


def _wuhan_square(size_m: float, lon: float = 114.40, lat: float = 30.50) -> list[list[float]]:
    x, y = transformer("EPSG:4326", METRIC).transform(lon, lat)
    h = size_m / 2
    (w, e), (s, n) = transformer(METRIC, "EPSG:4326").transform([x - h, x + h], [y - h, y + h])
    return [[s, w], [n, e]]


def test_image_bounds_centre_offset_error() -> None:
    bounds = _wuhan_square(30_000)
    (s, w), (n, e) = bounds
    (s2, w2), (n2, e2) = shift_image_bounds(bounds)
    assert (n2 - s2, e2 - w2) == pytest.approx((n - s, e - w), abs=1e-12)  # same size
    cx, cy = wgs84_to_gcj02((w + e) / 2, (s + n) / 2)
    assert ((w2 + e2) / 2, (s2 + n2) / 2) == pytest.approx((float(cx), float(cy)), abs=1e-12)
    # Measured (documented in lowalt.outputs.basemaps): a 30 km square over Wuhan is off by up to
    # ~59 m at its edges with one centre offset (the formula's 1/3-degree sine terms), which
    # is why webmap warps its rasters per pixel instead.
    err = image_shift_error_m(bounds)
    assert 20.0 < err < 80.0, err
    assert image_shift_error_m(_wuhan_square(2_000)) < 10.0


def _png(url: str) -> np.ndarray:
    return mpimg.imread(io.BytesIO(base64.b64decode(url.split(",", 1)[1])), format="png")


def test_build_map_shifts_every_overlay_on_amap() -> None:
    layers = _layers()
    plain, amap = build_map(layers, offline=False), build_map(layers, offline=False, basemap="amap")
    assert [t.layer_name for t in _tiles(plain)] == ["OpenStreetMap (online only)"]
    assert [t.layer_name for t in _tiles(amap)] == ["AMap/Gaode (GCJ-02, online only)"]

    def dock_coords(m: folium.Map) -> np.ndarray:
        for group in m._children.values():
            if isinstance(group, folium.FeatureGroup) and group.layer_name.startswith("Docks"):
                (layer,) = (c for c in group._children.values() if isinstance(c, VectorLayer))
                return np.array(
                    [f["geometry"]["coordinates"] for f in layer.collection["features"]]
                )
        raise AssertionError("no dock layer")

    expected = np.column_stack(wgs84_to_gcj02(layers.docks.geometry.x, layers.docks.geometry.y))
    np.testing.assert_allclose(dock_coords(plain), layers.docks.get_coordinates(), atol=1e-6)
    np.testing.assert_allclose(dock_coords(amap), expected, atol=1e-6)

    # The raster is warped onto the GCJ-02 grid: the unreached cell lands where its shifted
    # centre is.
    overlays = [
        c for c in amap._children.values() if isinstance(c, folium.raster_layers.ImageOverlay)
    ]
    (s, w), (n, e) = overlays[0].bounds
    img = _png(overlays[0].url)
    centre = _cell(*UNREACHED_IJ).centroid
    lon, lat = transformer(METRIC, "EPSG:4326").transform(centre.x, centre.y)
    to_merc = transformer("EPSG:4326", "EPSG:3857")
    (mw, me), (ms, mn) = to_merc.transform([w, e], [s, n])
    cx, cy = to_merc.transform(*(float(v) for v in wgs84_to_gcj02(lon, lat)))
    row, col = int((mn - cy) / (mn - ms) * img.shape[0]), int((cx - mw) / (me - mw) * img.shape[1])
    np.testing.assert_allclose(img[row, col, :3], np.array([0x8B, 0x00, 0x8B]) / 255, atol=0.01)
    zone_w, zone_s, zone_e, zone_n = shift_gdf(layers.zone).total_bounds
    assert zone_s - 1e-6 <= s < n <= zone_n + 1e-6 and zone_w - 1e-6 <= w < e <= zone_e + 1e-6
    html = amap.get_root().render()
    assert "GCJ-02" in html and "autonavi.com" in html


def test_routemap_shifts_on_amap() -> None:
    from lowalt.outputs.routemap import corridor_map
    from lowalt.scenario.schema import load_scenario
    from lowalt.studies.corridor import run_corridor

    res = run_corridor(load_scenario(REPO / "scenarios" / "hankou_north_huahu_corridor.yaml"))

    def end_points(m: folium.Map) -> list[list[float]]:
        html = m.get_root().render()
        return [
            json.loads(f"[{pair}]")
            for pair in re.findall(r'"type":"Point","coordinates":\[([^\]]+)\]', html)
        ]

    plain = end_points(corridor_map(res, offline=False))
    shifted = end_points(corridor_map(res, offline=False, basemap="amap"))
    assert len(plain) == len(shifted) >= 2
    for (x, y), (gx, gy) in zip(plain, shifted, strict=True):
        ex, ey = wgs84_to_gcj02(x, y)
        assert (gx, gy) == pytest.approx((float(ex), float(ey)), abs=1e-9)
        assert GEOD.inv(x, y, gx, gy)[2] > 500
