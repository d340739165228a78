"""The availability study: scenario wiring, the drones search, outputs, determinism."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import sparse

from lowalt.cli import main
from lowalt.scenario.schema import DepartmentSpec, load_scenario
from lowalt.sim.demand import (
    CALIBRATED_FLIGHTS_PER_DAY,
    DEFAULT_DEPARTMENTS,
    PROFILES,
    Calls,
    default_model,
    expected_cell_rates,
)
from lowalt.sim.fleet import FleetParams, ResponseTable
from lowalt.sim.queueing import offered_load
from lowalt.studies.availability import (
    build_demand_model,
    build_fleet,
    drones_for_share,
    wilson95,
)

from .conftest import REPO

EVIL = "<img src=x onerror=alert(1)>"


def test_profile_names_match_the_demand_model() -> None:
    names = DepartmentSpec.model_fields["hourly_profile"].annotation
    assert set(PROFILES) == set(names.__args__[0].__args__)


def test_shipped_departments_are_the_modeled_defaults() -> None:
    s = load_scenario(REPO / "scenarios/optics_valley_availability.yaml")
    model = build_demand_model(s)
    assert model.calls_per_day == pytest.approx(CALIBRATED_FLIGHTS_PER_DAY, rel=1e-4)
    assert [d.name for d in model.departments] == [d.name for d in DEFAULT_DEPARTMENTS]
    for mine, ref in zip(model.departments, DEFAULT_DEPARTMENTS, strict=True):
        assert mine.hourly_profile == ref.hourly_profile
        assert mine.priority == ref.priority
        assert mine.mission_on_scene_s == ref.mission_on_scene_s
        assert mine.on_scene_km == ref.on_scene_km
        assert model.scale * mine.calls_per_day == pytest.approx(ref.calls_per_day, rel=1e-3)


def test_default_departments_when_none_listed(tiny_world) -> None:
    s = load_scenario(tiny_world({"availability": {"calls_per_day": 98.148}}))
    model = build_demand_model(s)
    assert model.names == default_model().names
    assert model.calls_per_day == pytest.approx(98.148)


def test_listed_departments_and_their_profiles(tiny_world) -> None:
    hours = [0.0] * 24
    hours[8] = 1.0
    s = load_scenario(
        tiny_world(
            {
                "availability.departments": [
                    {"name": "fire", "calls_per_day": 3, "hourly_profile": "emergency"},
                    {"name": "night", "calls_per_day": 1, "hourly_profile": hours, "priority": 1},
                ]
            }
        )
    )
    model = build_demand_model(s)
    assert model.calls_per_day == 4
    assert model.departments[0].hourly_profile == PROFILES["emergency"]
    assert model.departments[1].hourly_share()[8] == 1.0


def test_wind_file_is_read_in_order(tiny_world, tmp_path: Path) -> None:
    rows = [3.5, 13.0, 0.0] + [2.0] * 21
    (tmp_path / "wind.csv").write_text(
        "hour,wind_mps\n" + "".join(f"{h},{v}\n" for h, v in enumerate(rows))
    )
    s = load_scenario(
        tiny_world({"availability": {"days": 1, "fleet": {"wind_file": "wind.csv"}}})
    )
    fleet = build_fleet(s, 24)
    np.testing.assert_array_equal(fleet.wind_mps, rows)
    assert fleet.grounded(3, 1)[:, 0].tolist() == [False, True, False]


def test_modeled_wind_is_seeded(tiny_world) -> None:
    a = build_fleet(load_scenario(tiny_world({"availability.seed": 1})), 100).wind_mps
    b = build_fleet(load_scenario(tiny_world({"availability.seed": 1})), 100).wind_mps
    c = build_fleet(load_scenario(tiny_world({"availability.seed": 2})), 100).wind_mps
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_expected_cell_rates_sum_to_the_model() -> None:
    model = default_model()
    w = np.r_[np.ones(50), np.zeros(10), np.full(40, 2.0)]
    rate, scene = expected_cell_rates(model, w)
    assert rate.sum() * 86_400 == pytest.approx(model.calls_per_day)
    assert np.all(rate[50:60] == 0)  # weighted departments put nothing on zero weight
    assert np.all((scene >= 480) & (scene <= 1200))


@pytest.mark.parametrize(
    ("hits", "n", "lo", "hi"),
    [(50, 100, 0.4038, 0.5962), (0, 10, 0.0, 0.2775), (95, 100, 0.8883, 0.9785)],
)
def test_wilson_interval(hits: int, n: int, lo: float, hi: float) -> None:
    a, b = wilson95(hits, n)
    assert a == pytest.approx(lo, abs=1e-4)
    assert b == pytest.approx(hi, abs=1e-4)


def _three_groups(
    n_calls: int = 3000, seed: int = 0, fourth: bool = False
) -> tuple[ResponseTable, Calls, list[Calls]]:
    """Three docks, each the only one within 300 s of its own 10 cells (others at 400 s).

    With ``fourth``, 10 more cells no dock reaches within 300 s. Calls are rare (no dock is
    ever busy for long), so the share within 300 s is the share of calls in covered groups.
    """
    groups = 4 if fourth else 3
    n_cells = 10 * groups
    t = np.full((3, n_cells), 400.0)
    for k in range(3):
        t[k, 10 * k : 10 * k + 10] = 100.0
    table = ResponseTable(sparse.csr_array(t), launch_s=10.0)
    streams = []
    for s in (seed, seed + 1):
        rng = np.random.default_rng(s)
        days = 4000.0
        streams.append(
            Calls(
                time_s=np.sort(rng.uniform(0, days * 86_400, n_calls)),
                cell=rng.integers(0, n_cells, n_calls),
                department=np.zeros(n_calls, np.int64),
                priority=np.ones(n_calls, np.int64),
                on_scene_s=np.full(n_calls, 60.0),
                on_scene_km=np.zeros(n_calls),
                department_names=("x",),
                n_days=days,
            )
        )
    return table, streams[0], streams


def _expected(table: ResponseTable, fleet: FleetParams) -> object:
    rate = np.full(table.n_cells, 1e-5)
    return offered_load(table, np.ones(table.n_docks, np.int64), fleet, rate, 60.0)


@pytest.mark.parametrize(("target", "drones"), [(0.3, 1), (0.6, 2), (0.95, 3)])
def test_drones_search_on_hand_checkable_groups(target: float, drones: int) -> None:
    table, _, streams = _three_groups()
    fleet = FleetParams()
    ans = drones_for_share(
        target, streams, table, fleet, _expected(table, fleet), target_s=300, max_per_dock=2
    )
    assert ans.met
    assert ans.total == drones
    assert ans.docks_used == drones  # a second drone in a dock adds nothing here
    assert ans.simulated_share >= target
    assert ans.simulated_share == pytest.approx(drones / 3, abs=0.03)
    if drones > 1:
        assert ans.share_one_fewer == pytest.approx((drones - 1) / 3, abs=0.03)
        assert ans.share_one_fewer < target
    lo, hi = ans.ci95
    assert lo <= ans.simulated_share <= hi
    assert ans.allocation.is_optimal
    assert ans.evaluations[0][0] == 6  # starts at the largest fleet


def test_drones_search_reports_an_unreachable_target() -> None:
    table, _, streams = _three_groups(fourth=True)
    fleet = FleetParams()
    ans = drones_for_share(
        0.9, streams, table, fleet, _expected(table, fleet), target_s=300, max_per_dock=2, start=3
    )
    assert not ans.met
    assert ans.simulated_share == pytest.approx(0.75, abs=0.03)
    assert math.isnan(ans.share_one_fewer)
    assert [d for d, _ in ans.evaluations] == [3, 6]


def _availability_run(tiny_world, out: Path, **extra: object) -> Path:
    scenario = tiny_world(
        {
            "name": f"tiny {EVIL}",
            "availability": {
                "days": 20,
                "calls_per_day": 30,
                "reliability_targets": [0.5, 0.999],
                "allocation_time_limit_s": 5,
                **extra,
            },
        }
    )
    assert main([str(scenario), "--out", str(out), "-q"]) == 0
    return out


def test_availability_run_writes_every_output(tiny_world, tmp_path: Path, capsys) -> None:
    out = _availability_run(tiny_world, tmp_path / "a")
    printed = capsys.readouterr().out
    assert "availability:" in printed
    assert "50% of calls" in printed
    names = {p.name for p in out.iterdir()}
    for f in (
        "tiny_availability.json",
        "tiny_availability.html",
        "tiny_response_cdf.png",
        "tiny_availability_docks.geojson",
        "tiny_availability.gpkg",
    ):
        assert f in names
    rep = json.loads((out / "tiny_availability.json").read_text())
    assert rep["report_schema_version"] == 1
    assert rep["kind"] == "availability"
    assert rep["inputs"]["days"] == 20
    assert len(rep["inputs"]["departments"]) == 11
    sim = rep["simulation"]
    assert sim["calls"] == sum(d["calls"] for d in sim["by_department"])
    assert 0 <= sim["share_within_target"] <= 1
    assert rep["analytic"]["share_within_target"]["zero_load"] == 1.0  # 2.1 km box, one dock
    targets = [a["target_share"] for a in rep["drones_needed"]]
    assert targets == [0.5, 0.999]
    first = rep["drones_needed"][0]
    assert first["met"] and first["drones"] >= 1 and first["docks"][0]["name"] == "centre"
    assert rep["design_wind_day"]["wind_speed_mps"] == 5
    html = (out / "tiny_availability.html").read_text()
    assert "P(response within 5 min)" in html
    assert EVIL not in html  # the scenario name is escaped in titles and notes
    docks = json.loads((out / "tiny_availability_docks.geojson").read_text())
    props = docks["features"][0]["properties"]
    assert props["drones_now"] == 2 and "drones_for_50pct" in props


def test_availability_report_is_byte_identical(tiny_world, tmp_path: Path) -> None:
    a = _availability_run(tiny_world, tmp_path / "a") / "tiny_availability.json"
    b = _availability_run(tiny_world, tmp_path / "b") / "tiny_availability.json"
    assert a.read_bytes() == b.read_bytes()


def test_zero_load_reproduces_the_geometric_guarantee(tiny_world, tmp_path: Path) -> None:
    out = _availability_run(
        tiny_world,
        tmp_path / "z",
        calls_per_day=0.5,
        fleet={"maintenance_prob": 0.0, "wind_mean_mps": 0.0},
        design_wind_day=False,
    )
    rep = json.loads((out / "tiny_availability.json").read_text())
    sim = rep["simulation"]
    assert sim["calls_waited"] == 0
    assert sim["share_within_target"] == sim["share_within_target_at_zero_load"] == 1.0
    assert rep["design_wind_day"] is None


def test_validate_reports_the_availability_study(tiny_world, capsys) -> None:
    path = tiny_world({"availability": {"days": 7}})
    assert main(["validate", str(path)]) == 0
    assert "availability: 7 days of 11 departments" in capsys.readouterr().out


def test_shipped_availability_scenario_answers_the_issue_questions() -> None:
    doc = yaml.safe_load((REPO / "scenarios/optics_valley_availability.yaml").read_text())
    a = doc["availability"]
    assert doc["docks"]["count"] == 128 and doc["docks"]["drones_total"] == 186
    assert a["reliability_targets"] == [0.95, 0.99]
    assert a["design_wind_day"] is True
    assert a["days"] >= 365
