from pathlib import Path

import pytest

from lowalt.errors import ScenarioError
from lowalt.scenario.schema import Scenario, load_scenario

from .conftest import REPO


def test_default_scenario_loads_with_documented_values() -> None:
    s = load_scenario(REPO / "scenarios" / "optics_valley_grid.yaml")
    assert s.docks.count == 128
    assert s.docks.drones_total == 186
    assert s.guarantee.target_s == 300
    assert s.aircraft.cruise_speed_mps == 15
    assert s.output_stem == "optics_valley_grid"


def test_defaults_live_in_the_schema() -> None:
    s = Scenario.model_validate({"name": "x", "area": {"boundary_file": "a.geojson"}})
    assert s.aircraft.launch_delay_s == 60.0
    assert s.demand.grid_spacing_m == 100.0
    assert s.wind.design_speed_mps == 8.0


def _err(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def test_unknown_key_names_path_and_suggests(tiny_world) -> None:
    e = _err(tiny_world({"aircraft.cruise_speed_ms": 12}))
    assert e.key_path == "aircraft.cruise_speed_ms"
    assert "unknown key" in e.message
    assert "cruise_speed_mps" in (e.fix or "")
    assert str(e).startswith(str(e.file))


def test_wrong_type(tiny_world) -> None:
    e = _err(tiny_world({"guarantee.target_s": "five minutes"}))
    assert e.key_path == "guarantee.target_s"
    assert "number" in (e.fix or "")


def test_swapped_lat_lon(tiny_world) -> None:
    e = _err(tiny_world({"docks.sites": [{"name": "a", "lat": 114.4, "lon": 30.5}]}))
    assert e.key_path == "docks.sites[0].lat"
    assert "swapped" in e.message


def test_swapped_polygon_point(tiny_world) -> None:
    zone = {"name": "z", "polygon_lonlat": [[114.40, 30.50], [30.51, 114.41], [114.42, 30.50]]}
    e = _err(tiny_world({"airspace.zones": [zone]}))
    assert e.key_path.startswith("airspace.zones[0].polygon_lonlat[1]")
    assert "[lon, lat]" in e.message


def test_missing_referenced_file(tiny_world) -> None:
    e = _err(tiny_world({"area.water_file": "nope.geojson"}))
    assert e.key_path == "area.water_file"
    assert "not found" in e.message


def test_missing_scenario_file(tmp_path: Path) -> None:
    e = _err(tmp_path / "absent.yaml")
    assert "not found" in e.message


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\narea:\n  boundary_file: [a\n")
    e = _err(p)
    assert "line" in e.message


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    p = tmp_path / "list.yaml"
    p.write_text("- a\n- b\n")
    assert "mapping" in _err(p).message


def test_scenario_without_any_study(tiny_world, delete) -> None:
    e = _err(tiny_world({"area": delete}))
    assert "'area'" in e.message and "'corridor'" in e.message


def test_missing_required_key(tiny_world, delete) -> None:
    e = _err(tiny_world({"area.boundary_file": delete}))
    assert e.key_path == "area.boundary_file"
    assert "missing" in e.message


def test_listed_layout_needs_sites(tiny_world) -> None:
    e = _err(tiny_world({"docks.sites": []}))
    assert e.key_path == "docks"


def test_zone_limits_must_be_a_band(tiny_world) -> None:
    zone = {
        "name": "z",
        "lower_m": 100,
        "upper_m": 50,
        "circle": {"lat": 30.5, "lon": 114.4, "radius_m": 100},
    }
    e = _err(tiny_world({"airspace.zones": [zone]}))
    assert "upper_m" in e.message


def test_schema_version_mismatch(tiny_world) -> None:
    e = _err(tiny_world({"schema_version": 2}))
    assert e.key_path == "schema_version"


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:999999", "not a crs"])
def test_metric_crs_must_be_projected(tiny_world, crs: str) -> None:
    e = _err(tiny_world({"metric_crs": crs}))
    assert e.key_path == "metric_crs"
    assert "EPSG:4547" in (e.fix or "")


def test_other_projected_crs_gives_the_same_answer(tiny_world, tmp_path) -> None:
    from lowalt.studies.reach import analyse, prepare

    a = analyse(prepare(load_scenario(tiny_world())))
    b = analyse(prepare(load_scenario(tiny_world({"metric_crs": "EPSG:32650"}, name="utm.yaml"))))
    # UTM 50N distorts distances near Wuhan by ~0.04 % but turns its grid by 1.3°, so cell centres
    # differ; the area and the mean response time must agree closely.
    assert b.calm_stats.area_km2 == pytest.approx(a.calm_stats.area_km2, rel=0.02)
    assert b.calm_stats.mean_s == pytest.approx(a.calm_stats.mean_s, abs=0.5)
