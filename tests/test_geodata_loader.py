import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from lowalt.errors import GeodataError
from lowalt.geo.layers import POLYGON_TYPES, read_layer


def _read(p: Path) -> gpd.GeoDataFrame:
    return read_layer(
        p,
        geom_types=POLYGON_TYPES,
        what="test layer",
        key_path="area.boundary_file",
        scenario_file="s.yaml",
    )


def _err(p: Path) -> str:
    with pytest.raises(GeodataError) as e:
        _read(p)
    return str(e.value)


def _fc(tmp_path: Path, coords: list[list[float]]) -> Path:
    p = tmp_path / "l.geojson"
    p.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [coords]},
                    }
                ],
            }
        )
    )
    return p


def test_reads_and_reprojects_to_wgs84(tmp_path: Path) -> None:
    p = tmp_path / "m.gpkg"
    gpd.GeoDataFrame(geometry=[box(500000, 3370000, 501000, 3371000)], crs="EPSG:4547").to_file(p)
    gdf = _read(p)
    assert gdf.crs.to_epsg() == 4326
    assert 113 < gdf.total_bounds[0] < 115


def test_swapped_lat_lon_in_file(tmp_path: Path) -> None:
    msg = _err(_fc(tmp_path, [[30.5, 114.4], [30.6, 114.4], [30.6, 114.5], [30.5, 114.4]]))
    assert "swap" in msg
    assert "area.boundary_file" in msg


def test_projected_numbers_labelled_as_degrees(tmp_path: Path) -> None:
    msg = _err(
        _fc(tmp_path, [[500000, 3370000], [501000, 3370000], [501000, 3371000], [500000, 3370000]])
    )
    assert "projected" in msg


def test_self_intersecting_polygon(tmp_path: Path) -> None:
    bowtie = [[114.40, 30.50], [114.41, 30.51], [114.41, 30.50], [114.40, 30.51], [114.40, 30.50]]
    msg = _err(_fc(tmp_path, bowtie))
    assert "Self-intersection" in msg
    assert "feature 0" in msg


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_missing_crs(tmp_path: Path) -> None:
    p = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]).to_file(p)
    assert "no CRS" in str(_err(p))


def test_empty_layer(tmp_path: Path) -> None:
    p = tmp_path / "e.geojson"
    p.write_text('{"type": "FeatureCollection", "features": []}')
    assert "no features" in str(_err(p))


def test_empty_geometry(tmp_path: Path) -> None:
    p = tmp_path / "e.gpkg"
    gpd.GeoDataFrame(geometry=[box(114, 30, 114.1, 30.1), Polygon()], crs=4326).to_file(p)
    assert "feature 1" in str(_err(p))


def test_wrong_geometry_type(tmp_path: Path) -> None:
    p = tmp_path / "pts.geojson"
    p.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Point", "coordinates": [114, 30]},
                    }
                ],
            }
        )
    )
    assert "Point" in str(_err(p))


def test_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "junk.geojson"
    p.write_text("this is not geojson")
    assert "cannot read" in str(_err(p))
