"""LSCP's prover: the LP bound, the refutations that raise it by one each, and what they report.

``test_optimize_proofs.py`` checks that every LSCP answer and bound is right; a refutation that
fails or is skipped there only costs time, since the lazy CP-SAT loop proves the answer anyway.
These tests pin the prover's own bookkeeping down on small random models whose cells are each
reached by exactly 2 or 3 random sites (``instance``: about half of them need a refutation,
where the proofs' models rarely do). With one
worker the prover runs alone, before any search, so its course is fixed: after the covering LP
(bound L) it refutes ceil(L), ceil(L) + 1, ... sites while the slack ``lb - L`` is at most
``REFUTE_MAX_SLACK`` and the incumbent (the greedy cover) is larger than ``lb``; a refutation
succeeds exactly when the optimum is larger, and otherwise finds a cover of ``lb`` sites, which
ends the proof. ``expected_prover`` replays that course from the brute-force optimum.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

import lowalt.optimize._lpbound as lpbound
import lowalt.optimize.lscp as lscp_mod
from lowalt.optimize import SolveStatus, solve_lscp

from .test_optimize_proofs import nearest, subsets

SEEDS = range(60)
TARGET = 300.0


def instance(seed: int) -> np.ndarray:
    """Sites × cells times: 8-12 sites, 15-40 cells, each reached (100 s, against 900 s
    elsewhere; target 300 s) by exactly 2 or 3 random sites."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(8, 13)), int(rng.integers(15, 41))
    per_cell = int(rng.integers(2, 4))
    reach = np.zeros((n, m), dtype=bool)
    for j in range(m):
        reach[rng.choice(n, per_cell, replace=False), j] = True
    return np.where(reach, 100.0, 900.0)


def optimum_of(t: np.ndarray, target: float) -> int:
    masks = subsets(t.shape[0])
    covers = (nearest(t, masks) <= target).all(axis=1)
    return int(masks[covers].sum(axis=1).min())


def expected_prover(lp_bound: float, greedy: int, optimum: int) -> tuple[int, int, bool]:
    """(refutations, proven bound, proven by the prover alone) for one worker, no search."""
    lb = math.ceil(lp_bound)
    refuted = 0
    settled = False
    while lb - lp_bound <= lscp_mod.REFUTE_MAX_SLACK:
        if greedy <= lb:  # the incumbent already meets the bound
            settled = True
            break
        if optimum > lb:  # no cover of lb sites: refuted, the bound rises by one
            refuted += 1
            lb += 1
            continue
        settled = True  # the refutation finds a cover of lb sites instead
        break
    return refuted, lb, settled or greedy <= lb


@pytest.fixture
def prover_alone(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The LP and its refutations on every model (no early ones), one worker, and no search
    after the LP (so whatever the prover leaves open goes to the lazy loop). Returns the
    list the greedy cover sizes go to."""
    monkeypatch.setattr(lscp_mod, "LP_MIN_NNZ", 0)
    monkeypatch.setattr(lscp_mod, "EARLY_REFUTE_SLACK", -1.0)
    monkeypatch.setattr(lscp_mod, "SEARCH_AFTER_LP_SHARE", 0.0)
    sizes: list[int] = []
    greedy_cover = lscp_mod.greedy_cover

    def spy(*args: Any, **kwargs: Any) -> list[int]:
        out = greedy_cover(*args, **kwargs)
        sizes.append(len(set(out)))
        return out

    monkeypatch.setattr(lscp_mod, "greedy_cover", spy)
    return sizes


def _check_prover(seeds: Sequence[int], sizes: list[int]) -> tuple[int, int]:
    """Solve each seed's model and compare the prover's course with ``expected_prover``;
    (models with a refutation, models settled by the prover)."""
    with_refutation = settled_count = 0
    for seed in seeds:
        t, target = instance(seed), TARGET
        optimum = optimum_of(t, target)
        sizes.clear()
        res = solve_lscp(t, target, time_limit_s=20, num_workers=1, seed=seed)
        where = f"seed {seed}"
        assert res.status is SolveStatus.OPTIMAL and res.objective == optimum, where
        assert len(sizes) == 1, where
        lp_bound = res.extras["lp_bound"]
        assert lp_bound is not None and lp_bound <= optimum + 1e-9, where
        refuted, lb, settled = expected_prover(lp_bound, sizes[0], optimum)
        assert lb <= optimum, where  # the replay itself never proves too much
        assert res.extras["refuted"] == refuted, (where, lp_bound, sizes[0], optimum)
        assert res.bound == optimum, where
        # Settled by the prover: the lazy loop starts with bound = incumbent (no iteration).
        assert (res.extras["iterations"] == 0) is settled, (where, dict(res.extras))
        with_refutation += refuted > 0
        settled_count += settled
    return with_refutation, settled_count


def test_the_prover_refutes_exactly_the_site_counts_below_the_optimum(
    prover_alone: list[int],
) -> None:
    with_refutation, settled = _check_prover(SEEDS, prover_alone)
    # The models must exercise both: refutations, and proofs the lazy loop finishes
    # (measured: 31 and 46 of 60).
    assert with_refutation >= 20 and 30 <= settled <= 55, (with_refutation, settled)


@pytest.mark.slow
def test_the_prover_refutes_exactly_the_site_counts_below_the_optimum_full(
    prover_alone: list[int],
) -> None:
    _check_prover(range(300), prover_alone)  # 60-299 too


def test_refutations_go_on_while_the_slack_allows(prover_alone: list[int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """REFUTE_MAX_SLACK = 1.5: after a refutation (slack then at least 1) the next one is
    tried too, so some models are refuted twice."""
    monkeypatch.setattr(lscp_mod, "REFUTE_MAX_SLACK", 1.5)
    twice = 0
    for seed in SEEDS:
        t = instance(seed)
        optimum = optimum_of(t, TARGET)
        prover_alone.clear()
        res = solve_lscp(t, TARGET, time_limit_s=20, num_workers=1, seed=seed)
        refuted, _, settled = expected_prover(res.extras["lp_bound"], prover_alone[0], optimum)
        assert res.extras["refuted"] == refuted, f"seed {seed}"
        assert (res.extras["iterations"] == 0) is settled, f"seed {seed}"
        twice += refuted >= 2
    assert twice >= 3  # measured: 6 of 60


def test_the_course_is_the_same_when_the_lp_takes_rows_in_rounds(
    prover_alone: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row generation (2 rows to start, 2 per round, purging slack rows): the LP ends at the
    same optimum after more rounds, and the refutations follow from it as before."""
    monkeypatch.setattr(lpbound, "LP_INITIAL_ROWS", 2)
    monkeypatch.setattr(lpbound, "LP_BATCH_ROWS", 2)
    monkeypatch.setattr(lpbound, "PURGE_MIN_ROWS", 1)
    with_refutation, _ = _check_prover(SEEDS, prover_alone)
    assert with_refutation >= 20


def test_no_refutation_beyond_the_slack_limit(prover_alone: list[int],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """REFUTE_MAX_SLACK = 0: only an LP bound that is already an integer is refuted."""
    monkeypatch.setattr(lscp_mod, "REFUTE_MAX_SLACK", 0.0)
    _check_prover(SEEDS[:30], prover_alone)


def test_a_refutation_that_finds_a_cover_hands_it_over(prover_alone: list[int]) -> None:
    """Where the greedy cover is larger than the optimum and the LP's ceiling is the optimum
    (within the slack limit), the refutation attempt finds a cover of the optimum's size:
    that cover is the answer, proven without the lazy loop and without the search."""
    found = 0
    for seed in SEEDS:
        t, target = instance(seed), TARGET
        optimum = optimum_of(t, target)
        prover_alone.clear()
        res = solve_lscp(t, target, time_limit_s=20, num_workers=1, seed=seed)
        lp_bound = res.extras["lp_bound"]
        if (prover_alone[0] > optimum == math.ceil(lp_bound)
                and optimum - lp_bound <= lscp_mod.REFUTE_MAX_SLACK):
            found += 1
            assert res.objective == optimum and res.status is SolveStatus.OPTIMAL
            assert res.extras["iterations"] == 0 and res.extras["refuted"] == 0
    assert found >= 2  # measured: 4 of 60


# ---------------------------------------------------------------- logged course

REFUTATION = re.compile(
    r"lscp: refutation of (\d+) sites \(LP round (\d+), slack (-?\d+\.\d{4}), "
    r"(branch|cpsat)\): (infeasible|feasible|unknown|optimal), (\d+\.\d{2}) s$")
SUMMARY = re.compile(
    r"lscp: incumbent (\d+) sites after (\d+) moves, LP bound (\d+\.\d{4}) \((\d+) rounds"
    r"(, LP optimal)?\), proven (\d+) \((\d+) refuted\)$")


def test_the_prover_logs_each_refutation_and_its_summary(
    prover_alone: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    """The debug line of every refutation and the summary after the LP, parsed: they agree
    with each other and with the result (proven = ceil(LP) + refuted)."""
    caplog.set_level(logging.DEBUG, logger="lowalt.optimize.lscp")
    logged = 0
    for seed in SEEDS[:30]:
        t, target = instance(seed), TARGET
        optimum = optimum_of(t, target)
        caplog.clear()
        res = solve_lscp(t, target, time_limit_s=20, num_workers=1, seed=seed)
        messages = [r.getMessage() for r in caplog.records if r.name == "lowalt.optimize.lscp"]
        refutations = [m for m in (REFUTATION.match(x) for x in messages) if m]
        summaries = [m for m in (SUMMARY.match(x) for x in messages) if m]
        assert len(summaries) == 1, messages
        summary = summaries[0]
        lp_bound = res.extras["lp_bound"]
        assert int(summary[1]) == prover_alone[-1]  # the greedy cover: no search moves yet
        assert int(summary[2]) == 0
        assert float(summary[3]) == pytest.approx(lp_bound, abs=1e-4)
        proven, refuted = int(summary[6]), int(summary[7])
        assert refuted == res.extras["refuted"]
        assert proven == math.ceil(lp_bound) + refuted <= optimum
        outcomes = [m[5] for m in refutations]
        assert outcomes.count("infeasible") == refuted
        for i, m in enumerate(refutations):
            sites, slack = int(m[1]), float(m[3])
            assert sites == math.ceil(lp_bound) + i  # one more site per refutation
            assert slack == pytest.approx(sites - lp_bound, abs=1e-4)
            assert m[4] == ("branch" if slack > lscp_mod.BRANCH_MIN_SLACK else "cpsat")
            assert 0.0 <= float(m[6]) < 20.0
        assert all(o == "infeasible" for o in outcomes[:-1])
        logged += len(refutations)
    assert logged >= 10


def test_an_early_refutation_ends_the_lp_during_row_generation(
    prover_alone: list[int], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The LP by row generation (2 rows to start, 2 more per round) with early refutations on:
    a round within EARLY_REFUTE_SLACK of its ceiling is refuted at once, and a success stops
    the LP there (its bound is that round's). The course is then the one ``expected_prover``
    gives for the LP bound the prover ended with.

    Here that is every model's first round (2 rows: an integral LP of 1 or 2 sites, refuted at
    once), so the LP stops far below its optimum and the lazy loop does the rest: a success
    ends the LP however far the round is from the LP optimum (measured: all 60 models, against
    21 of 60 reaching the lazy loop with the LP at its optimum)."""
    monkeypatch.setattr(lscp_mod, "EARLY_REFUTE_SLACK", 0.05)
    monkeypatch.setattr(lpbound, "LP_INITIAL_ROWS", 2)
    monkeypatch.setattr(lpbound, "LP_BATCH_ROWS", 2)
    caplog.set_level(logging.DEBUG, logger="lowalt.optimize.lscp")
    cut_short = 0
    for seed in SEEDS:
        t = instance(seed)
        optimum = optimum_of(t, TARGET)
        prover_alone.clear()
        caplog.clear()
        res = solve_lscp(t, TARGET, time_limit_s=20, num_workers=1, seed=seed)
        where = f"seed {seed}"
        assert res.status is SolveStatus.OPTIMAL and res.objective == optimum, where
        lp_bound = res.extras["lp_bound"]
        refuted, _, settled = expected_prover(lp_bound, prover_alone[0], optimum)
        assert res.extras["refuted"] == refuted, where
        assert (res.extras["iterations"] == 0) is settled, where
        messages = [r.getMessage() for r in caplog.records if r.name == "lowalt.optimize.lscp"]
        summary = next(m for m in (SUMMARY.match(x) for x in messages) if m)
        refutations = [m for m in (REFUTATION.match(x) for x in messages) if m]
        if summary[5] is None:  # the LP did not reach its optimum: an early refutation
            assert refuted == 1 and refutations and refutations[0][5] == "infeasible", where
            assert int(refutations[0][2]) == int(summary[4])  # in the LP's last round
            assert float(refutations[0][3]) <= lscp_mod.EARLY_REFUTE_SLACK, where
            cut_short += 1
    assert cut_short >= 30  # measured: 60 of 60
