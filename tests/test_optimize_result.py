"""The optimizers' shared status and bound bookkeeping: ``result.py`` and ``_budget.py``.

Every solver reports through ``make_result`` (sorted sites, float values, the gap, read-only
extras) and skips steps it cannot interrupt through ``fits``; a slip in either would touch
every model at once. These tests pin both down exactly (mutation tested, see
``docs/mutation.md``); ``test_optimize_proofs.py`` checks the statuses and bounds the models
hand to them.
"""

from __future__ import annotations

import dataclasses
import math
import time
from types import MappingProxyType, SimpleNamespace

import numpy as np
import pytest

import lowalt.optimize._budget as budget
from lowalt.optimize import PlacementResult, SolveStatus
from lowalt.optimize.result import make_result, relative_gap

# ---------------------------------------------------------------- SolveStatus


def test_statuses_and_their_values() -> None:
    assert [s.value for s in SolveStatus] == ["optimal", "feasible", "infeasible", "unknown"]
    assert SolveStatus("optimal") is SolveStatus.OPTIMAL


# ---------------------------------------------------------------- relative_gap


@pytest.mark.parametrize(("objective", "bound", "gap"), [
    (10.0, 8.0, 0.2),  # minimisation: bound below
    (8.0, 10.0, 0.25),  # maximisation: bound above, still positive
    (-10.0, -8.0, 0.2),  # the denominator is |objective|
    (-8.0, -10.0, 0.25),
    (5.0, 5.0, 0.0),
    (0.0, 0.0, 0.0),
    (0.0, 3.0, 3.0 / 1e-9),  # |objective| below 1e-9: divided by 1e-9
    (1e-12, 2e-12, 1e-12 / 1e-9),
    (-1e-12, 0.0, 1e-12 / 1e-9),
    (2e-9, 3e-9, 0.5),  # just above 1e-9: divided by |objective|
    (1.0, math.inf, math.inf),
])
def test_relative_gap_values(objective: float, bound: float, gap: float) -> None:
    assert relative_gap(objective, bound) == pytest.approx(gap, rel=1e-12, abs=0.0)


@pytest.mark.parametrize(("objective", "bound"), [
    (1.0, math.nan), (math.nan, 1.0), (math.nan, math.nan), (0.0, math.nan),
])
def test_relative_gap_is_infinite_without_a_bound_or_objective(objective: float,
                                                               bound: float) -> None:
    assert relative_gap(objective, bound) == math.inf


# ---------------------------------------------------------------- make_result


def test_make_result_sorts_the_sites_as_python_ints() -> None:
    res = make_result("mclp", np.array([7, 2, 5], dtype=np.int64), 3, 4, SolveStatus.FEASIBLE,
                      0.5)
    assert res.sites == (2, 5, 7)
    assert type(res.sites) is tuple
    assert all(type(s) is int for s in res.sites)
    assert res.model == "mclp"
    assert res.status is SolveStatus.FEASIBLE


def test_make_result_accepts_any_iterable_of_sites() -> None:
    assert make_result("lscp", (s for s in [3, 1]), 2, 2, SolveStatus.OPTIMAL, 0.0).sites == (1, 3)
    assert make_result("lscp", [], 0, 0, SolveStatus.OPTIMAL, 0.0).sites == ()


def test_make_result_stores_floats() -> None:
    res = make_result("lscp", [1], 3, 2, SolveStatus.FEASIBLE, 1)
    for value, expected in ((res.objective, 3.0), (res.bound, 2.0), (res.wall_time_s, 1.0)):
        assert type(value) is float
        assert value == expected
    assert type(res.gap) is float
    res = make_result("lscp", [1], np.int64(3), np.int64(3), SolveStatus.OPTIMAL, np.int64(2))
    assert type(res.objective) is float and type(res.bound) is float
    assert type(res.gap) is float and type(res.wall_time_s) is float


def test_an_optimal_result_has_gap_zero() -> None:
    res = make_result("pcenter", [0], 100.0, 100.0, SolveStatus.OPTIMAL, 0.1)
    assert res.gap == 0.0 and res.is_optimal
    # The gap of an OPTIMAL result is 0 by definition (the solvers report OPTIMAL only with
    # objective = bound; rounding in the last digits is not a gap).
    res = make_result("pcenter", [0], 100.0, 100.0 - 1e-9, SolveStatus.OPTIMAL, 0.1)
    assert res.gap == 0.0


@pytest.mark.parametrize("status", [SolveStatus.FEASIBLE, SolveStatus.INFEASIBLE,
                                    SolveStatus.UNKNOWN])
def test_an_unproven_result_reports_its_gap(status: SolveStatus) -> None:
    res = make_result("pcenter", [0], 100.0, 80.0, status, 0.1)
    assert res.gap == pytest.approx(0.2, rel=1e-12)
    assert not res.is_optimal
    res = make_result("pcenter", [0], 100.0, 100.0, status, 0.1)
    assert res.gap == 0.0  # proven equal, even if not labelled so
    res = make_result("pcenter", [0], 100.0, math.nan, status, 0.1)
    assert res.gap == math.inf and math.isnan(res.bound)


def test_make_result_extras_are_a_read_only_copy() -> None:
    demand = np.array([4, 5])
    res = make_result("mclp", [1], 1.0, 1.0, SolveStatus.OPTIMAL, 0.0, uncovered_demand=demand,
                      iterations=3)
    assert isinstance(res.extras, MappingProxyType)
    assert dict(res.extras) == {"uncovered_demand": demand, "iterations": 3}
    assert res["iterations"] == 3
    assert res["uncovered_demand"] is demand
    with pytest.raises(TypeError):
        res.extras["iterations"] = 4  # type: ignore[index]
    with pytest.raises(KeyError):
        res["missing"]
    assert make_result("mclp", [1], 1.0, 1.0, SolveStatus.OPTIMAL, 0.0).extras == {}


# ---------------------------------------------------------------- PlacementResult


def test_placement_result_is_frozen_with_empty_read_only_extras_by_default() -> None:
    res = PlacementResult("lscp", (1,), 1.0, 1.0, 0.0, SolveStatus.OPTIMAL, 0.0)
    assert isinstance(res.extras, MappingProxyType) and len(res.extras) == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.objective = 2.0  # type: ignore[misc]


@pytest.mark.parametrize("status", list(SolveStatus))
def test_is_optimal_only_for_optimal(status: SolveStatus) -> None:
    res = PlacementResult("lscp", (1,), 1.0, 1.0, 0.0, status, 0.0)
    assert res.is_optimal is (status is SolveStatus.OPTIMAL)


# ---------------------------------------------------------------- fits


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """A fixed ``time.perf_counter`` for ``_budget`` (``clock.now``, seconds)."""
    fake = SimpleNamespace(now=0.0)
    monkeypatch.setattr(budget, "time", SimpleNamespace(perf_counter=lambda: fake.now))
    return fake


@pytest.mark.parametrize(("now", "deadline", "seconds", "expected"), [
    (9.5, 10.0, 0.5, True),  # ends exactly at the deadline: fits
    (9.75, 10.0, 0.5, False),  # ends 0.25 s late
    (9.0, 10.0, 0.5, True),
    (10.0, 10.0, 0.0, True),  # nothing to do, at the deadline
    (10.5, 10.0, 0.0, False),  # already past it
    (10.5, 10.0, 1.0, False),
    (2.0, 10.0, 9.0, False),
    (2.0, 10.0, 8.0, True),
])
def test_fits_compares_now_plus_the_estimate_with_the_deadline(
    clock: SimpleNamespace, now: float, deadline: float, seconds: float, expected: bool
) -> None:
    clock.now = now
    assert budget.fits(deadline, seconds) is expected


def test_fits_reads_the_clock_at_each_call(clock: SimpleNamespace) -> None:
    clock.now = 1.0
    assert budget.fits(2.0, 0.5)
    clock.now = 1.75
    assert not budget.fits(2.0, 0.5)


def test_fits_uses_perf_counter() -> None:
    assert budget.fits(time.perf_counter() + 60.0, 1.0)
    assert not budget.fits(time.perf_counter() - 1.0, 0.0)
    assert not budget.fits(time.perf_counter() + 60.0, 120.0)


def test_budget_constants_are_positive_estimates() -> None:
    assert 0.0 < budget.ENTRY_PASS_S < budget.MODEL_ENTRY_S < 1e-4
