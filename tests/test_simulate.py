"""Dispatch simulation: hand-computable cases (Erlang, zero load, preemption, wind)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse

from lowalt.flight.aircraft import Aircraft
from lowalt.sim.demand import (
    CALIBRATED_FLIGHTS_PER_DAY,
    DEFAULT_DEPARTMENTS,
    PROFILES,
    Calls,
    DemandModel,
    Department,
    default_model,
    generate_calls,
)
from lowalt.sim.fleet import FleetParams, ResponseTable, wind_series
from lowalt.sim.queueing import erlang_c
from lowalt.sim.simulate import response_table, simulate

AC = Aircraft("test", 15.0, 5.0, 3.0, 60.0, 120.0)


def _calls(times, cells, prios, scene, names=("a",)) -> Calls:
    n = len(times)
    return Calls(
        time_s=np.asarray(times, dtype=np.float64),
        cell=np.asarray(cells, dtype=np.int64),
        department=np.zeros(n, dtype=np.int64),
        priority=np.asarray(prios, dtype=np.int64),
        on_scene_s=np.asarray(scene, dtype=np.float64),
        on_scene_km=np.zeros(n),
        department_names=names,
        n_days=max(1.0, math.ceil((max(times) + 1) / 86_400.0)) if n else 1.0,
    )


def _one_dock_table(n_cells: int = 1, t: float = 1.0) -> ResponseTable:
    m = sparse.csr_array(np.full((1, n_cells), t))
    return ResponseTable(times=m, launch_s=0.0)


def _batch_se(x: np.ndarray, batches: int = 25) -> tuple[float, float]:
    means = np.array([b.mean() for b in np.array_split(x, batches)])
    return float(x.mean()), float(means.std(ddof=1) / math.sqrt(batches))


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (3, 2.0)])
def test_one_dock_matches_erlang_c(c: int, a: float) -> None:
    # One dock, c drones, Poisson calls, exponential on-scene time, no turnaround: M/M/c (the
    # 2 s of flight out and back make service 0.3 % longer than the exponential part).
    scene = 600.0
    svc = scene + 2.0
    lam_day = a / svc * 86_400.0
    dept = Department("x", lam_day, PROFILES["flat"], scene, 1, spatial=np.ones(1), on_scene_cv=1.0)
    calls = generate_calls(DemandModel((dept,)), np.ones(1), 250, rng=7)
    fleet = FleetParams(endurance_s=1e9, swap_s=0.0)
    res = simulate(calls, _one_dock_table(), [c], fleet, target_s=300.0)
    p_sim, se = _batch_se(res.nearest_busy.astype(float))
    p_th = erlang_c(c, a)
    assert abs(p_sim - p_th) < 4 * se + 0.005, (p_sim, p_th, se)
    util = res.utilization()[0]
    assert util == pytest.approx(a / c, abs=0.02)
    # waiting calls are exactly those that found every drone busy
    assert np.array_equal(res.waited, res.nearest_busy)


def test_zero_load_reproduces_the_geometric_guarantee() -> None:
    rng = np.random.default_rng(3)
    cells = rng.uniform(0, 8000, size=(400, 2))
    docks = rng.uniform(0, 8000, size=(6, 2))
    table = response_table(cells, docks, AC, horizon_s=900.0)
    n = 300
    cell = rng.integers(0, 400, size=n)
    calls = _calls(np.arange(n) * 100_000.0, cell, np.ones(n), np.full(n, 600.0))
    res = simulate(calls, table, np.ones(6, dtype=np.int64), FleetParams())
    ok = np.isfinite(table.min_time_s[cell])
    assert ok.mean() > 0.9
    assert np.array_equal(res.response_s[ok], table.min_time_s[cell][ok])
    assert np.array_equal(res.response_s, res.geometric_s)
    assert not res.waited.any()
    assert np.all(res.dock[ok] == table.nearest_dock[cell][ok])


def _two_cell_table() -> ResponseTable:
    cells_xy = np.array([[1500.0, 0.0], [-1500.0, 0.0]])
    docks_xy = np.array([[0.0, 0.0]])
    return response_table(cells_xy, docks_xy, AC, horizon_s=900.0)


def test_priority_preemption_diverts_a_drone_from_a_less_urgent_scene() -> None:
    table = _two_cell_table()
    # routine call (priority 4) at cell 0, urgent call (priority 1) at cell 1 while on scene
    calls = _calls([0.0, 500.0], [0, 1], [4, 1], [1000.0, 300.0])
    base = simulate(calls, table, [1], FleetParams(), policy="nearest_free")
    assert base.waited[1] and base.response_s[1] > 600
    res = simulate(calls, table, [1], FleetParams(), policy="priority_preempt")
    divert = AC.climb_s + AC.descent_s + 3000.0 / AC.cruise_speed_mps
    assert res.diverted[1] and res.preempted[0]
    assert res.response_s[1] == pytest.approx(divert)
    assert res.response_s[0] == base.response_s[0]
    # an urgent call never preempts an equally urgent one
    same = _calls([0.0, 500.0], [0, 1], [1, 1], [1000.0, 300.0])
    res2 = simulate(same, table, [1], FleetParams(), policy="priority_preempt")
    assert not res2.diverted.any() and res2.waited[1]


def test_waiting_calls_are_served_most_urgent_first_under_priority_policy() -> None:
    table = _two_cell_table()
    # drone busy with an urgent call; a routine then an urgent call wait for it
    calls = _calls([0.0, 100.0, 150.0], [0, 1, 1], [1, 4, 1], [600.0, 60.0, 60.0])
    fifo = simulate(calls, table, [1], FleetParams(swap_s=0.0), policy="nearest_free")
    prio = simulate(calls, table, [1], FleetParams(swap_s=0.0), policy="priority_preempt")
    assert fifo.waited_s[1] < fifo.waited_s[2]
    assert prio.waited_s[2] < prio.waited_s[1]
    assert not prio.diverted.any()


def test_same_seed_same_result_and_seed_matters() -> None:
    rng = np.random.default_rng(5)
    cells = rng.uniform(0, 6000, size=(300, 2))
    docks = rng.uniform(0, 6000, size=(5, 2))
    table = response_table(cells, docks, AC, horizon_s=900.0)
    model = default_model(scale=3.0)
    fleet = FleetParams(wind_mps=wind_series(24 * 20, 1), maintenance_prob=0.2)
    runs = []
    for _ in range(2):
        calls = generate_calls(model, np.ones(300), 20, rng=11)
        runs.append(simulate(calls, table, [2, 1, 1, 2, 1], fleet, seed=4))
    a, b = runs
    for f in ("response_s", "dock", "waited_s", "busy_s", "down_s"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
    c = simulate(calls, table, [2, 1, 1, 2, 1], fleet, seed=5)
    assert not np.array_equal(a.down_s, c.down_s)
    other = generate_calls(model, np.ones(300), 20, rng=12)
    assert len(other) != len(calls) or not np.array_equal(other.time_s, calls.time_s)


def test_wind_above_the_limit_grounds_the_dock_for_the_hour() -> None:
    cells_xy = np.array([[500.0, 0.0], [1500.0, 0.0]])
    docks_xy = np.array([[0.0, 0.0], [2000.0, 0.0]])
    table = response_table(cells_xy, docks_xy, AC, horizon_s=900.0)
    wind = np.full((48, 2), 3.0)
    wind[1, 0] = 20.0  # dock 0 grounded 01:00-02:00 only
    wind[5, :] = 20.0  # both grounded 05:00-06:00
    fleet = FleetParams(wind_mps=wind, launch_wind_limit_mps=12.0, swap_s=0.0)
    t = np.concatenate([np.arange(0, 24 * 3600, 300.0)])
    calls = _calls(t, np.zeros(len(t), dtype=np.int64), np.ones(len(t)), np.full(len(t), 30.0))
    res = simulate(calls, table, [5, 5], fleet)
    launch = calls.time_s + res.waited_s
    hour = (launch // 3600).astype(int)
    assert not np.any((res.dock == 0) & (hour == 1))
    assert np.all(res.dock[(calls.time_s >= 3600) & (calls.time_s < 7200)] == 1)
    in5 = (calls.time_s >= 5 * 3600) & (calls.time_s < 6 * 3600)
    assert np.all(hour[in5] == 6) and np.all(res.waited[in5])
    assert res.nearest_busy[in5].all()
    assert not np.any((hour == 5) & (res.dock >= 0))


def test_department_shares_add_up_and_calibration() -> None:
    rng = np.random.default_rng(8)
    cells = rng.uniform(0, 6000, size=(200, 2))
    docks = rng.uniform(0, 6000, size=(4, 2))
    table = response_table(cells, docks, AC, horizon_s=600.0)
    calls = generate_calls(default_model(4.0), np.ones(200), 30, rng=2)
    res = simulate(calls, table, [1, 1, 1, 1], FleetParams(), target_s=300.0)
    share = res.share_by_department()
    count = res.calls_by_department()
    assert sum(count.values()) == res.n_calls
    total = sum(share[d] * count[d] for d in share if count[d])
    assert total / res.n_calls == pytest.approx(res.share_within())
    assert set(res.percentiles_s()) == {"p50", "p90", "p99"}
    cells_share, cells_calls = res.cell_reliability(200)
    assert cells_calls.sum() == res.n_calls
    worst = res.worst_cells(3, min_calls=1)
    assert worst[0][1] == np.nanmin(cells_share)
    # the 11 modeled departments sum to the calibrated rate
    assert len(DEFAULT_DEPARTMENTS) == 11
    assert default_model().calls_per_day == pytest.approx(CALIBRATED_FLIGHTS_PER_DAY)
    assert pytest.approx(17_912, rel=1e-3) == CALIBRATED_FLIGHTS_PER_DAY * 365


def test_generate_calls_follows_rates_profiles_and_spatial_weights() -> None:
    night = tuple([0.0] * 7 + [1.0] * 17)
    w = np.zeros(10)
    w[3] = 1.0
    d = Department("d", 200.0, night, 60.0, 2, spatial=w, on_scene_cv=0.0)
    calls = generate_calls(DemandModel((d,), scale=2.0), np.ones(10), 50, rng=1)
    n = len(calls)
    assert abs(n - 20_000) < 5 * math.sqrt(20_000)
    assert np.all(np.diff(calls.time_s) >= 0)
    assert np.all((calls.time_s % 86_400) >= 7 * 3600)
    assert np.all(calls.cell == 3)
    assert np.all(calls.on_scene_s == 60.0)
    with pytest.raises(ValueError, match="hourly_profile"):
        Department("bad", 1.0, (1.0,) * 23, 60.0, 1)


def test_calls_never_served_report_infinite_times_without_warnings() -> None:
    # No drone at all: every call waits forever (no patience limit), so its response,
    # wait and flight leg are all infinite; inf - inf must not turn into nan (warnings are
    # errors in this suite, as they were in the availability map's browser test).
    calls = _calls([10.0, 20.0], [0, 0], [1, 1], [30.0, 30.0])
    res = simulate(calls, _one_dock_table(), [0])
    assert np.all(np.isinf(res.response_s)) and np.all(np.isinf(res.waited_s))
    assert np.all(res.dock == -1)
    assert np.all(np.isnan(res.flown_km))
