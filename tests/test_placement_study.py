"""The placement study on a tiny world: answers, full-grid checks, files."""

import json
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pytest

from lowalt.cli import main
from lowalt.scenario.schema import load_scenario
from lowalt.studies.placement import run_placement
from lowalt.studies.reach import prepare
from tests.conftest import TINY_OPTIMIZE, metric_to_lonlat

OPT = TINY_OPTIMIZE


def test_tiny_placement_answers(tiny_world) -> None:
    # Target 130 s: 30 s overhead + 100 s cruise at 10 m/s = 1 km reach in calm air.
    s = load_scenario(tiny_world({"optimize": OPT, "guarantee.target_s": 130}))
    study = run_placement(prepare(s))
    a = study.answers
    calm = a["min_docks_calm"]
    assert calm.result.is_optimal
    # A 2.1 km square needs at least 2 discs of radius 1 km (one disc covers at most a
    # 1.41 km square); the full-grid check of the chosen layout must reach (almost) all.
    assert calm.result.objective >= 2
    assert calm.check is not None and calm.check.reached_share > 0.97
    wind = a["min_docks_wind"]  # 5 m/s from any direction: reach shrinks to 500 m
    assert wind.result.objective > calm.result.objective
    assert a["best_worst_case"].result.is_optimal
    assert a["drones"].drones.tolist() == [3]  # the tiny world has one dock
    assert a["tradeoff_mclp_k2"].result.objective >= a["tradeoff_mclp_k1"].result.objective
    assert a["tradeoff_pcenter_k2"].result.objective <= a["tradeoff_pcenter_k1"].result.objective


def test_placement_files(tiny_world, tmp_path: Path) -> None:
    p = tiny_world({"optimize": OPT, "guarantee.target_s": 130})
    assert main([str(p), "--out", str(tmp_path), "-q"]) == 0
    names = {f.name for f in tmp_path.iterdir()}
    assert {
        "tiny_placement.json",
        "tiny_placement_docks.geojson",
        "tiny_placement.html",
        "tiny_tradeoff.png",
        "tiny_report.json",
        "tiny.html",
    } <= names
    rep = json.loads((tmp_path / "tiny_placement.json").read_text())
    for ans in rep["answers"].values():
        assert ans["status"] in {"optimal", "feasible"}
        if ans["status"] == "feasible":
            assert ans["gap"] is None or ans["gap"] > 0
    html = (tmp_path / "tiny_placement.html").read_text()
    assert "Optimized: min_docks_calm" in html


def test_optimize_needs_area(tiny_world, delete) -> None:
    from lowalt.errors import ScenarioError

    with pytest.raises(ScenarioError, match="area"):
        load_scenario(
            tiny_world(
                {"optimize": OPT, "area": delete, "network": {"routes_file": "zone.geojson"}}
            )
        )


def test_drones_that_do_not_fit(tiny_world, capsys) -> None:
    opt = {**OPT, "drones": {"total": 5, "max_per_dock": 2}, "tradeoff_k": []}
    assert main([str(tiny_world({"optimize": opt})), "--out", "unused-out"]) == 2
    err = capsys.readouterr().err
    assert "optimize.drones.total" in err and "do not fit" in err
    assert not Path("unused-out").exists()


def test_backup_with_one_dock_covers_nothing_twice(tiny_world) -> None:
    # k = 1: one dock cannot reach anything twice, so the answer is 0 (proved) with <= 1 site.
    # "Never worse than the current docks" is checked with two docks below.
    opt = {
        **OPT,
        "backup_k": 1,
        "min_docks": False,
        "best_worst_case_k": None,
        "drones": None,
        "tradeoff_k": [],
    }
    study = run_placement(prepare(load_scenario(tiny_world({"optimize": opt}))))
    a = study.answers["backup"]
    assert a.result.objective == 0.0
    assert a.result.is_optimal
    assert len(a.sites_xy) <= 1


def _two_dock_backup_world(tiny_world) -> Path:
    """Two current docks 400 m apart, every 100 m cell its own demand point, target 125 s."""
    (w_lon, w_lat), (e_lon, e_lat) = metric_to_lonlat(-200, 0), metric_to_lonlat(200, 0)
    opt = {
        **OPT,
        "backup_k": 2,
        "demand_spacing_m": None,
        "min_docks": False,
        "best_worst_case_k": None,
        "drones": None,
        "tradeoff_k": [],
    }
    sites = [
        {"name": "west", "lat": w_lat, "lon": w_lon, "drones": 1},
        {"name": "east", "lat": e_lat, "lon": e_lon, "drones": 1},
    ]
    return tiny_world({"optimize": opt, "docks.sites": sites, "guarantee.target_s": 125})


def _current_docks_double_cover() -> int:
    """Cells (100 m grid, centres -1000..1000 m) within 950 m of both docks (30 s + 10 m/s)."""
    xs = np.arange(-1000.0, 1001.0, 100.0)
    x, y = np.meshgrid(xs, xs)
    near = [np.hypot(x - dx, y) <= 950.0 for dx in (-200.0, 200.0)]
    return int((near[0] & near[1]).sum())


def test_backup_never_worse_than_the_current_docks_when_they_fit(tiny_world) -> None:
    """k = 2 with two current docks: the answer double-covers at least what they do."""
    value = _current_docks_double_cover()
    assert value > 200  # worked by hand: the lens of two 950 m discs 400 m apart
    a = run_placement(prepare(load_scenario(_two_dock_backup_world(tiny_world)))).answers
    assert a["backup"].result.objective >= value
    assert a["backup"].result.objective <= a["backup"].result.bound + 1e-9


def test_backup_keeps_the_current_docks_over_a_worse_solver_answer(
    tiny_world, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A (time-limited) solver answer worse than the current docks is replaced by them."""
    import lowalt.studies.placement as sp_mod
    from lowalt.optimize import PlacementResult, SolveStatus

    def poor(m, target, k, **kw) -> PlacementResult:  # one far site, nothing double-covered
        n = m.shape[0]
        return PlacementResult(
            "backup", (n - 1,), 0.0, 441.0, float("inf"), SolveStatus.FEASIBLE, 1.0,
            MappingProxyType({}),
        )

    monkeypatch.setattr(sp_mod, "solve_backup", poor)
    a = run_placement(prepare(load_scenario(_two_dock_backup_world(tiny_world)))).answers
    value = _current_docks_double_cover()
    assert a["backup"].result.objective == value
    assert a["backup"].result.sites == (0, 1)  # the current docks come first among candidates
    assert a["backup"].result.status is SolveStatus.FEASIBLE  # 441 is not proved


def test_current_docks_replace_a_worse_solver_answer(tiny_world) -> None:
    from types import MappingProxyType, SimpleNamespace

    import numpy as np
    from scipy import sparse

    from lowalt.optimize import PlacementResult, SolveStatus
    from lowalt.studies.placement import _with_current_incumbent

    world = prepare(load_scenario(tiny_world()))  # one current dock
    # 2 candidates (0 = the current dock), 3 demand points, all reached by both candidates.
    m = sparse.csr_array(np.array([[100.0, 100.0, 100.0], [90.0, 90.0, 90.0]]))
    w = np.array([1.0, 2.0, 3.0])
    poor = PlacementResult(
        "backup", (1,), 0.0, 6.0, 1.0, SolveStatus.FEASIBLE, 1.0, MappingProxyType({})
    )
    o = SimpleNamespace(include_current_docks=True, backup_k=2)
    # One dock cannot double-cover: the solver's answer stands.
    assert _with_current_incumbent(poor, m, w, world, o) is poor
    # Pretend the current layout has two docks (candidates 0 and 1): it double-covers all 6.
    two = SimpleNamespace(docks=SimpleNamespace(n=2))
    better = _with_current_incumbent(poor, m, w, two, o)  # type: ignore[arg-type]
    assert better.objective == 6.0
    assert better.sites == (0, 1)
    assert better.status is SolveStatus.OPTIMAL  # meets the solver's bound of 6
    assert "incumbent" in better.extras
