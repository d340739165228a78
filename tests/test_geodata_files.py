"""Checks on the committed geodata layers (geodata/*.geojson)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import shape

from lowalt.geo.crs import DEFAULT_METRIC_CRS

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"
SCRIPT = REPO / "tools" / "build_geodata.py"
FILES = [
    "east_lake_zone.geojson",
    "lakes.geojson",
    "airspace.geojson",
    "runways.geojson",
    "sites.geojson",
]
PROVENANCE = {"confirmed", "derived", "modeled"}
ZONE_AREA_KM2 = 518.06


def _raw(name: str) -> dict[str, Any]:
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=FILES)
def layer(request: pytest.FixtureRequest) -> tuple[str, gpd.GeoDataFrame]:
    return request.param, gpd.read_file(GEODATA / request.param)


def test_loads_in_wgs84(layer: tuple[str, gpd.GeoDataFrame]) -> None:
    name, gdf = layer
    assert len(gdf) > 0, name
    assert gdf.crs is not None
    assert gdf.crs.to_epsg() == 4326


def test_properties(layer: tuple[str, gpd.GeoDataFrame]) -> None:
    name, gdf = layer
    for col in ("provenance", "source", "name", "id"):
        assert col in gdf.columns, (name, col)
    assert set(gdf["provenance"]) <= PROVENANCE
    assert all(isinstance(s, str) and s.strip() for s in gdf["source"])
    assert all(isinstance(s, str) and s.strip() for s in gdf["name"])
    assert gdf["id"].is_unique


def test_geometries_valid(layer: tuple[str, gpd.GeoDataFrame]) -> None:
    name, gdf = layer
    assert not gdf.geometry.is_empty.any(), name
    assert gdf.geometry.is_valid.all(), name


def test_lonlat_order(layer: tuple[str, gpd.GeoDataFrame]) -> None:
    _, gdf = layer
    minx, miny, maxx, maxy = gdf.total_bounds
    # longitude ~114 E, latitude ~30 N (catches swapped axes)
    assert minx > 113.5
    assert maxx < 115.5
    assert miny > 29.8
    assert maxy < 31.5


def test_coordinates_rounded_and_polygons_ccw() -> None:
    for name in FILES:
        for feat in _raw(name)["features"]:
            geom = shape(feat["geometry"])
            coords = shapely.get_coordinates(geom)
            assert (abs(coords * 1e6 - (coords * 1e6).round()) < 1e-3).all(), name
            if geom.geom_type == "Polygon":
                assert geom.exterior.is_ccw, (name, feat["properties"]["id"])


def test_zone() -> None:
    gdf = gpd.read_file(GEODATA / "east_lake_zone.geojson")
    assert len(gdf) == 1
    geom = gdf.geometry.iloc[0]
    assert geom.geom_type == "Polygon"
    assert geom.is_simple
    assert 40 <= len(geom.exterior.coords) - 1 <= 120
    area = gdf.to_crs(DEFAULT_METRIC_CRS).area.iloc[0] / 1e6
    assert area == pytest.approx(ZONE_AREA_KM2, rel=0.01)
    assert area == pytest.approx(ZONE_AREA_KM2, rel=0.003)
    assert gdf["area_km2"].iloc[0] == pytest.approx(area, abs=0.01)
    assert gdf["provenance"].iloc[0] == "modeled"
    minx, miny, maxx, maxy = geom.bounds
    assert 114.35 < minx < 114.40
    assert 114.66 < maxx < 114.71
    assert 30.32 < miny < 30.35
    assert 30.58 < maxy < 30.61


def test_zone_contains_its_landmarks_and_is_mostly_land() -> None:
    zone = gpd.read_file(GEODATA / "east_lake_zone.geojson").to_crs(DEFAULT_METRIC_CRS)
    sites = gpd.read_file(GEODATA / "sites.geojson").to_crs(DEFAULT_METRIC_CRS).set_index("id")
    lakes = gpd.read_file(GEODATA / "lakes.geojson").to_crs(DEFAULT_METRIC_CRS)
    poly = zone.geometry.iloc[0]
    for site in ("optics_valley_square", "zone_administration", "future_tech_city",
                 "changlingshan_dock"):  # fmt: skip
        assert poly.contains(sites.geometry[site]), site
    water = shapely.union_all(lakes.geometry.values).intersection(poly).area
    share = water / poly.area
    assert 0.10 <= share <= 0.20
    assert lakes.geometry.is_valid.all()
    assert (lakes["provenance"] == "modeled").all()


def test_airspace() -> None:
    gdf = gpd.read_file(GEODATA / "airspace.geojson").set_index("id")
    assert list(gdf.index) == ["tianhe_clearance", "huahu_clearance", "hannan_clearance"]
    assert set(gdf["restriction"]) <= {"prohibited", "authorization_required", "conditional"}
    assert (gdf["reason"] == "AIR_TRAFFIC").all()
    assert (gdf["altitude_ref"] == "AGL").all()
    assert (gdf["lower_m"] == 0).all()
    assert (gdf["upper_m"] > gdf["lower_m"]).all()
    assert gdf.loc["huahu_clearance", "provenance"] == "derived"
    assert gdf.loc["tianhe_clearance", "provenance"] == "modeled"
    areas = gdf.to_crs(DEFAULT_METRIC_CRS).area / 1e6
    assert areas["tianhe_clearance"] == pytest.approx(980.0, rel=0.02)
    assert areas["huahu_clearance"] == pytest.approx(43.7 * 21.8, rel=0.02)
    assert areas["hannan_clearance"] == pytest.approx(41.6 * 20.0, rel=0.01)


def test_airspace_huahu_corners() -> None:
    corners = {
        "NW": (114.966403, 30.552133),
        "NE": (115.190739, 30.520767),
        "SW": (114.888128, 30.164775),
        "SE": (115.111619, 30.128789),
    }
    gdf = gpd.read_file(GEODATA / "airspace.geojson").set_index("id")
    vertices = list(gdf.geometry["huahu_clearance"].exterior.coords)[:-1]
    geod = Geod(ellps="WGS84")
    for key, (lon, lat) in corners.items():
        dist = min(geod.inv(lon, lat, x, y)[2] for x, y in vertices)
        assert dist < 500.0, key


def test_runways() -> None:
    gdf = gpd.read_file(GEODATA / "runways.geojson")
    assert (gdf.geometry.geom_type == "LineString").all()
    lengths = gdf.to_crs(DEFAULT_METRIC_CRS).length
    assert lengths.to_numpy() == pytest.approx(gdf["length_m"].to_numpy(), rel=2e-3)
    assert sorted(gdf["length_m"].round()) == [1600, 3200, 3400, 3600, 3600, 3600]


def test_sites() -> None:
    gdf = gpd.read_file(GEODATA / "sites.geojson")
    assert (gdf.geometry.geom_type == "Point").all()
    assert len(gdf) >= 20
    modeled = gdf[gdf["provenance"] == "modeled"]
    assert (modeled["uncertainty_m"] > 0).all()
    confirmed = set(gdf.loc[gdf["provenance"] == "confirmed", "id"])
    assert confirmed == {"tianhe_arp", "huahu_arp", "hannan_airport"}
    assert gdf["kind"].notna().all()


def test_build_is_reproducible(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (GEODATA / name).read_bytes(), name
