"""Analytic cross-checks: Erlang formulas, Larson's correction factor, hypercube, MEXCLP."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import sparse

from lowalt.flight.aircraft import Aircraft
from lowalt.sim.demand import DEFAULT_DEPARTMENTS, PROFILES, DemandModel, generate_calls
from lowalt.sim.fleet import FleetParams, ResponseTable
from lowalt.sim.queueing import (
    _larson_q,
    compare,
    erlang_b,
    erlang_c,
    expected_coverage,
    hypercube,
    mmc,
    offered_load,
    offered_load_from_calls,
)
from lowalt.sim.simulate import response_table, simulate

AC = Aircraft("test", 15.0, 5.0, 3.0, 60.0, 120.0)


def test_erlang_known_values() -> None:
    assert erlang_b(1, 0.5) == pytest.approx(0.5 / 1.5)
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_b(0, 2.0) == 1.0
    assert erlang_c(3, 3.5) == 1.0
    r = mmc(1 / 600, 900.0, 2)
    assert r.utilization == pytest.approx(0.75)
    assert r.mean_wait_s == pytest.approx(r.p_wait * 900 / (2 - 1.5))


@pytest.mark.parametrize(("n", "rho"), [(1, 0.4), (5, 0.6), (40, 0.3), (186, 0.07)])
def test_larson_q_sums_to_one_minus_erlang_c(n: int, rho: float) -> None:
    q = _larson_q(n, rho, n)
    assert q[0] == pytest.approx(1.0)
    total = sum(q[j] * rho**j * (1 - rho) for j in range(n))
    assert total == pytest.approx(1 - erlang_c(n, n * rho), rel=1e-9)


def test_hypercube_on_one_dock_is_mmc() -> None:
    table = ResponseTable(times=sparse.csr_array(np.full((1, 3), 1.0)), launch_s=0.0)
    fleet = FleetParams(endurance_s=1e9, swap_s=0.0)
    load = offered_load(table, [3], fleet, np.full(3, 1 / 900.0), 600.0)
    cube = hypercube(load, table, fleet, target_s=300.0)
    a = load.lam_per_s[0] * load.mean_service_s[0]
    assert cube.converged
    assert cube.dock_busy[0] == pytest.approx(a / 3, rel=1e-6)
    assert cube.p_queued == pytest.approx(erlang_c(3, a), rel=1e-6)


def test_expected_coverage_is_one_minus_q_power() -> None:
    # cell 0 reached by docks 0 and 1 within 300 s, cell 1 by dock 1 only, cell 2 by none
    t = np.array([[200.0, 400.0, 500.0], [250.0, 100.0, 350.0]])
    table = ResponseTable(times=sparse.csr_array(t), launch_s=60.0)
    cov = expected_coverage(table, [2, 1], 300.0, 0.2)
    assert cov == pytest.approx([1 - 0.2**3, 1 - 0.2, 0.0])
    local = expected_coverage(table, [2, 1], 300.0, [0.5, 0.1])
    assert local == pytest.approx([1 - 0.25 * 0.1, 0.9, 0.0])
    assert expected_coverage(table, [2, 1], 300.0, 0.0) == pytest.approx([1, 1, 0])


def test_compare_against_a_simulation() -> None:
    rng = np.random.default_rng(1)
    cells = rng.uniform(0, 8000, size=(500, 2))
    docks = np.array([[2000.0, 2000.0], [6000.0, 2000.0], [2000.0, 6000.0], [6000.0, 6000.0]])
    table = response_table(cells, docks, AC, horizon_s=900.0)
    drones = np.array([2, 1, 1, 2])
    fleet = FleetParams()
    # stationary demand (flat profiles): the analytic models assume a constant rate
    flat = tuple(replace(d, hourly_profile=PROFILES["flat"]) for d in DEFAULT_DEPARTMENTS)
    calls = generate_calls(DemandModel(flat), np.ones(500), 240, rng=3)
    res = simulate(calls, table, drones, fleet)
    load = offered_load_from_calls(calls, table, drones, fleet)
    cmp = compare(res, table, load, fleet)
    # busy share per dock: the hypercube models cross-dock dispatch (the single-drone docks
    # 1 and 2 spill calls to docks 0 and 3), isolated M/M/c queues cannot
    gap = cmp.agreement()
    assert np.all(np.abs(cmp.hypercube_dock_busy - cmp.sim_dock_busy) < 0.05)
    assert np.all(np.abs(cmp.mmc_dock_busy - cmp.sim_dock_busy) < 0.12)
    assert gap["dock_busy: hypercube vs sim"]["mean_abs"] < gap["dock_busy: mmc vs sim"]["mean_abs"]
    assert abs(cmp.hypercube_coverage - cmp.sim_coverage) < 0.03
    assert abs(cmp.mexclp_coverage - cmp.sim_coverage) < 0.05
    assert cmp.geometric_coverage >= cmp.sim_coverage - 1e-12
    print(cmp.text())
    assert "hypercube" in cmp.text()
    assert math.isfinite(cmp.agreement()["dock_busy: mmc vs sim"]["mean_abs"])


def test_agreement_with_a_constant_side_has_no_correlation() -> None:
    """A one-day run can leave every dock's simulated busy share equal: corr is undefined
    (nan), not a division by zero (found by the schema property tests)."""
    from lowalt.sim.queueing import Comparison

    gap = Comparison._gap(np.array([0.1, 0.2, 0.3, 0.4]), np.zeros(4))
    assert math.isnan(gap["corr"])
    assert gap["mean_abs"] == pytest.approx(0.25)
    assert gap["max_abs"] == pytest.approx(0.4)
