"""Docks from a file, demand weights, and inline no-fly zones, through the whole pipeline."""

import json
from pathlib import Path

import numpy as np
import pytest

from lowalt.errors import GeodataError, ScenarioError
from lowalt.scenario.schema import load_scenario
from lowalt.studies.reach import analyse, prepare

from .conftest import metric_to_lonlat, square_feature, write_fc


def _points(path: Path, docks: list[tuple[float, float, dict]]) -> Path:
    feats = []
    for x, y, props in docks:
        lon, lat = metric_to_lonlat(x, y)
        feats.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    return write_fc(path, feats)


def test_docks_from_file(tiny_world, tmp_path: Path) -> None:
    _points(
        tmp_path / "docks.geojson",
        [(-500, 0, {"name": "W", "drones": 3}), (500, 0, {"name": "E", "drones": 1})],
    )
    s = load_scenario(tiny_world({"docks": {"layout": "file", "file": "docks.geojson"}}))
    r = analyse(prepare(s))
    assert r.world.docks.names == ("W", "E")
    assert r.world.docks.drones.tolist() == [3, 1]
    # Farthest cell from both docks: a corner, (1000, 1000) -> 500 m east-west, 1000 north.
    assert r.calm_stats.worst_time_s == pytest.approx(30 + (500**2 + 1000**2) ** 0.5 / 10)


def test_docks_file_bad_drones(tiny_world, tmp_path: Path) -> None:
    _points(tmp_path / "docks.geojson", [(0, 0, {"name": "A", "drones": "two"})])
    s = load_scenario(tiny_world({"docks": {"layout": "file", "file": "docks.geojson"}}))
    with pytest.raises(ScenarioError, match="drones") as e:
        prepare(s)
    assert e.value.key_path == "docks.file"


def test_demand_weights(tiny_world, tmp_path: Path) -> None:
    # Weight 9 on the west half, 1 elsewhere; a 150 s target reaches ~1.2 km around the centre.
    write_fc(tmp_path / "w.geojson", [square_feature(-1050, -1050, -50, 1050, weight=9)])
    s = load_scenario(tiny_world({"demand.weights_file": "w.geojson", "guarantee.target_s": 130}))
    st = analyse(prepare(s)).calm_stats
    assert st.weighted_share == pytest.approx(st.reached_share, abs=0.05)
    assert 0 < st.reached_share < 1


def test_demand_weights_change_the_answer(tiny_world, tmp_path: Path) -> None:
    """Weight 1000 on the unreached north-east corner: the weighted share drops from 0.66 to 0.13.

    Worked by hand: 441 cells on a 100 m grid (centres -1000..1000 m), calm air, 30 s overhead
    plus 10 m/s cruise, so a cell is reached within 125 s iff it lies within 950 m of the dock.
    The corner square (x, y > 550 m) holds 25 cells, 3 of them reached. A weights file that is
    read but not applied would leave the weighted share equal to the plain one.
    """
    write_fc(tmp_path / "w.geojson", [square_feature(550, 550, 1050, 1050, weight=1000)])
    s = load_scenario(tiny_world({"demand.weights_file": "w.geojson", "guarantee.target_s": 125}))
    st = analyse(prepare(s)).calm_stats
    xs = np.arange(-1000.0, 1001.0, 100.0)
    x, y = np.meshgrid(xs, xs)
    reached = 30.0 + np.hypot(x, y) / 10.0 <= 125.0
    weight = np.where((x > 550) & (y > 550), 1000.0, 1.0)
    assert st.cells == 441 and st.reached_cells == reached.sum() == 293
    assert st.reached_share == pytest.approx(293 / 441)
    expected = (weight * reached).sum() / weight.sum()  # (290 + 3 * 1000) / (416 + 25_000)
    assert expected == pytest.approx(3290 / 25_416)
    assert st.weighted_share == pytest.approx(expected, rel=1e-9)
    assert st.reached_share - st.weighted_share > 0.5


def test_weights_need_a_weight_column(tiny_world, tmp_path: Path) -> None:
    write_fc(tmp_path / "w.geojson", [square_feature(-1050, -1050, -50, 1050, w=9)])
    s = load_scenario(tiny_world({"demand.weights_file": "w.geojson"}))
    with pytest.raises(GeodataError, match=r"lacks the column\(s\) weight") as info:
        prepare(s)
    assert info.value.key_path == "demand.weights_file"


def test_inline_no_fly_zone_forces_detour(tiny_world) -> None:
    # A 200 m wide prohibited strip from y=-1050 to y=900 just east of the dock: cells east of
    # it are reached around its north end.
    lon0, lat0 = metric_to_lonlat(200, -1100)
    lon1, lat1 = metric_to_lonlat(400, 900)
    zone = {
        "name": "strip",
        "polygon_lonlat": [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1]],
        "upper_m": 300,
    }
    blocked = analyse(prepare(load_scenario(tiny_world({"airspace.zones": [zone]}))))
    free = analyse(prepare(load_scenario(tiny_world(name="free.yaml"))))
    assert blocked.world.unservable.sum() > 0  # cells inside the strip
    assert blocked.calm_stats.mean_s > free.calm_stats.mean_s
    assert blocked.calm_stats.unreachable_cells == blocked.world.unservable.sum()


def test_zone_above_cruise_does_not_block(tiny_world) -> None:
    lon0, lat0 = metric_to_lonlat(200, -1100)
    lon1, lat1 = metric_to_lonlat(400, 900)
    zone = {
        "name": "high",
        "lower_m": 200,
        "upper_m": 300,
        "polygon_lonlat": [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1]],
    }
    r = analyse(prepare(load_scenario(tiny_world({"airspace.zones": [zone]}))))
    assert r.world.obstacles is None and r.world.unservable.sum() == 0
    assert json.dumps(r.calm_stats.worst_time_s)
