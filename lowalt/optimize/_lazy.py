"""Lazy row generation for covering problems (LSCP, p-center probes, backup cover).

Solve the cover model exactly on a subset of demand rows, check the solution against
all rows, add rows it leaves uncovered, repeat. The optimum of a subset is a valid
lower bound for the full problem, so the loop stops with a proof as soon as a subset
optimum covers every row (or the bound meets a full-feasible incumbent). Each subset
is reduced by column dominance and row dominance before it reaches CP-SAT, and, given
an LP bound, by its reduced-cost restrictions (``_lpbound``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from lowalt.optimize._coverage import dominated_columns, dominated_rows, gather_rows, pick_rows
from lowalt.optimize._coverbb import decide_cover_bb
from lowalt.optimize._localsearch import improve_cover
from lowalt.optimize._lpbound import CoverLP, restriction
from lowalt.optimize._setcover import CostBudget, CoverOutcome, solve_cover_cpsat
from lowalt.optimize.greedy import drop_redundant, greedy_max_cover

__all__ = [
    "BATCH_ROWS",
    "INITIAL_ROWS",
    "LOCAL_SEARCH_SHARE",
    "LazyOutcome",
    "heuristic_cover",
    "lazy_min_cover",
    "pick_rows",
]

logger = logging.getLogger(__name__)

INITIAL_ROWS = 1000
"""Rows in the first subset (half smallest coverage, half a seeded random sample)."""
LOCAL_SEARCH_SHARE = 0.3
"""Share of the remaining budget given to the local search before the exact loop."""
LOCAL_SEARCH_MIN_NNZ = 200_000
"""Smaller models go straight to CP-SAT, which decides them exactly in milliseconds."""
BATCH_ROWS = 1000
"""Most uncovered rows added per iteration (same split)."""
BUDGET_MAX_SLACK = 0.045
"""LP slack ``cap - L`` up to which the budget constraint (``_setcover.CostBudget``) helps."""


@dataclass(frozen=True)
class LazyOutcome:
    """``status``: optimal / feasible / infeasible / unknown; ``sites`` cover every row."""

    status: str
    sites: list[int]
    value: int
    bound: int
    iterations: int
    active_rows: int


def _covered(site_major: sp.csr_array, sites: list[int], n_rows: int) -> NDArray[np.bool_]:
    cov = np.zeros(n_rows, dtype=bool)
    if sites:
        cov[gather_rows(site_major, np.asarray(sites, dtype=np.int64))] = True
    return cov


def _repair(cov: sp.csr_array, smaj: sp.csr_array, sites: list[int]) -> list[int]:
    chosen, _ = greedy_max_cover(cov, None, None, forced=sites, site_major=smaj)
    return drop_redundant(cov, chosen, site_major=smaj)


def heuristic_cover(cov: sp.csr_array, smaj: sp.csr_array, *, deadline: float,
                    seed: int = 0) -> list[int]:
    """Greedy cover improved by the swap local search (large models) until ``deadline``.

    ``smaj`` is ``cov`` transposed (site-major), built once by the caller.
    """
    best = _repair(cov, smaj, [])
    if len(best) > 1 and cov.nnz >= LOCAL_SEARCH_MIN_NNZ:
        best = improve_cover(cov, best, site_major=smaj, deadline=deadline, seed=seed)
    return best


def _reduced(rows: sp.csr_array, cand: NDArray[np.int64], exact: NDArray[np.bool_] | None
             ) -> tuple[NDArray[np.int64], sp.csr_array, NDArray[np.bool_]]:
    """Drop dominated columns and rows of ``rows`` restricted to ``cand``.

    Returns the kept candidates, the reduced local matrix (kept rows × kept candidates)
    and the mask of kept rows (exact rows are never dropped).
    """
    cand = cand[~dominated_columns(rows, cand, exact_rows=exact)]
    local = rows[:, cand]
    keep = ~dominated_rows(local, protect=exact)
    return cand, local[keep], keep


def _decide_branch(cov: sp.csr_array, smaj: sp.csr_array, cap: int, lp: CoverLP | None,
                   active: NDArray[np.int64], best: list[int], lb: int, deadline: float,
                   workers: int, stop: Callable[[], bool] | None = None) -> LazyOutcome:
    """Decide "a cover of every row within ``cap``?" in one LP branch and bound.

    The whole model (after the LP's reduced-cost restrictions and column and row
    dominance) goes to ``decide_cover_bb``, whose LP starts from the ``active`` rows and
    takes the others as its nodes' LP solutions need them: no restart per subset.
    """
    cand = np.arange(cov.shape[1], dtype=np.int64)
    exact = np.zeros(cov.shape[0], dtype=bool)
    if lp is not None:
        limit = restriction(lp, cap)
        cand = cand[limit.allowed_sites]
        exact = limit.exact_rows
    cand, local, keep = _reduced(cov, cand, exact)
    kept = np.flatnonzero(keep)
    if np.any(np.diff(local.indptr) == 0):  # a row no allowed site reaches
        return LazyOutcome("infeasible", best, len(best), cap + 1, 1, 0)
    start = np.flatnonzero(np.isin(kept, active))
    out = decide_cover_bb(local, cap, exact=exact[kept], initial_rows=start,
                          deadline=deadline, stop=stop, workers=workers)
    logger.debug("branch and bound: %s rows x %d cols (%d to start): %s (%.2fs)",
                 local.shape[0], cand.size, start.size, out.status, out.wall_time_s)
    if out.status == "infeasible":
        return LazyOutcome("infeasible", best, len(best), cap + 1, 1, int(kept.size))
    if out.status != "feasible":
        return LazyOutcome("unknown", best, len(best), lb, 1, int(kept.size))
    sites = [int(s) for s in cand[out.columns]]
    if not np.all(_covered(smaj, sites, cov.shape[0])):
        msg = "branch and bound returned a cover that misses a row (dominance bug)"
        raise RuntimeError(msg)
    return LazyOutcome("feasible", sites, len(sites), lb, 1, int(kept.size))


def lazy_min_cover(
    cov: sp.csr_array,
    *,
    cap: int | None = None,
    incumbent: list[int] | None = None,
    lower: int = 0,
    deadline: float,
    seed: int = 0,
    num_workers: int = 1,
    lp: CoverLP | None = None,
    local_search: bool = True,
    initial_rows: int = INITIAL_ROWS,
    expect_infeasible: bool = False,
    decider: str = "cpsat",
    stop: Callable[[], bool] | None = None,
) -> LazyOutcome:
    """Minimum set cover of every row of ``cov`` (rows × sites), or a cover of size ≤ cap.

    Parameters
    ----------
    cov
        Demand-major boolean coverage; every row must have at least one site.
    cap
        Decision mode: find any cover with at most ``cap`` sites, or prove none exists
        (status ``"infeasible"``). None: minimise.
    incumbent
        A known full cover (upper bound and hint).
    lower
        A known lower bound.
    deadline
        ``time.perf_counter()`` value at which to stop.
    lp
        An LP bound of ``cov`` (see ``_lpbound``): raises ``lower``, adds the rows its
        dual uses to the first subset, and restricts every subset model by reduced
        costs (sites that no cover within the limit can use, rows such a cover must
        cover exactly once).
    local_search
        Run the swap local search on the starting cover first (large models only).
    initial_rows
        Rows in the first subset.
    expect_infeasible
        Decision mode for refutations: skip CP-SAT's objective-free first attempt,
        which finds covers fast but cannot refute (see ``solve_cover_cpsat``).
    decider
        What decides each subset in decision mode: ``"cpsat"`` (``solve_cover_cpsat``)
        or ``"branch"`` (one LP branch and bound of ``_coverbb`` on the whole model,
        taking rows into its LP as it goes instead of restarting per subset; much
        faster where the proof is mostly the LP bound, such as p-center probes near
        the optimum). Minimisation always uses CP-SAT.
    stop
        Polled between the branch and bound's nodes and between CP-SAT subsets; True
        ends the call (status as at a deadline: ``"unknown"`` in decision mode).
    """
    if decider not in ("cpsat", "branch"):
        msg = f"decider must be 'cpsat' or 'branch', not {decider!r}"
        raise ValueError(msg)
    n_rows = cov.shape[0]
    smaj = sp.csr_array(cov.T)
    deg = np.diff(cov.indptr).astype(np.int64)
    rng = np.random.default_rng(seed)
    best = list(incumbent) if incumbent is not None else _repair(cov, smaj, [])
    lb = lower
    if lp is not None:
        lb = max(lb, math.ceil(lp.bound))
    if cap is not None and lb > cap:
        return LazyOutcome("infeasible", best, len(best), lb, 0, 0)
    if (local_search and len(best) > max(lb, 1 if cap is None else cap)
            and cov.nnz >= LOCAL_SEARCH_MIN_NNZ):
        # Row-weighting local search: greedy covers are far from optimal on these
        # geometric instances (50k × 2k: greedy 29, optimum 16, found by the search).
        now = time.perf_counter()
        ls_end = now + LOCAL_SEARCH_SHARE * max(deadline - now, 0.0)
        best = improve_cover(cov, best, site_major=smaj, target=lb if cap is None else cap,
                             deadline=ls_end, seed=seed)
    ub = len(best)
    if cap is not None and ub <= cap:
        return LazyOutcome("feasible", best, ub, lb, 0, 0)
    if cap is None and lb >= ub:
        return LazyOutcome("optimal", best, ub, ub, 0, 0)
    active = pick_rows(np.arange(n_rows), deg, initial_rows, rng)
    if lp is not None:
        active = np.union1d(active, np.nonzero(lp.y > 0)[0])
    if cap is not None and decider == "branch":
        return _decide_branch(cov, smaj, cap, lp, active, best, lb, deadline, num_workers,
                              stop)
    hint_sites: list[int] = best
    it = 0
    while True:
        it += 1
        remaining = deadline - time.perf_counter()
        if remaining <= 0 or (stop is not None and stop()):
            break
        sub = cov[active]
        cand = np.unique(sub.indices).astype(np.int64)
        exact = None
        if lp is not None:
            limit = restriction(lp, cap if cap is not None else ub - 1)
            cand = cand[limit.allowed_sites[cand]]
            exact = limit.exact_rows[active]
        cand, local, keep = _reduced(sub, cand, exact)
        if exact is not None:
            exact = exact[keep]
        budget = None
        if lp is not None and cap is not None and cap - lp.bound <= BUDGET_MAX_SLACK:
            budget = CostBudget(lp.reduced[cand], lp.y[active[keep]], cap - lp.bound)
        pos = np.searchsorted(cand, hint_sites)
        ok = (pos < cand.size) & (cand[np.minimum(pos, cand.size - 1)] == hint_sites)
        hint = pos[ok]
        if np.any(np.diff(local.indptr) == 0):  # a row no allowed site reaches
            out = CoverOutcome("infeasible", np.zeros(0, dtype=np.int64), 0, lb, 0.0)
        elif cap is not None:
            out = solve_cover_cpsat(local, exact=exact, lower=lb, upper=cap, hint=hint,
                                    feasibility_only=True, plain_first=not expect_infeasible,
                                    budget=budget,
                                    time_limit_s=remaining,
                                    num_workers=num_workers, seed=seed)
        else:
            out = solve_cover_cpsat(local, exact=exact, lower=lb, upper=ub - 1, hint=hint,
                                    time_limit_s=remaining, num_workers=num_workers, seed=seed)
        logger.debug("lazy it %d: %d rows -> %s, %d cols: %s value %d bound %d (%.2fs)",
                     it, active.size, local.shape, cand.size, out.status, out.value,
                     out.bound, out.wall_time_s)
        if out.status == "infeasible":
            if cap is not None:
                return LazyOutcome("infeasible", best, ub, cap + 1, it, active.size)
            # The subset cannot be covered within ub: ub is optimal.
            return LazyOutcome("optimal", best, ub, ub, it, active.size)
        lb = max(lb, out.bound)  # a subset's bound (proven or not) holds for all rows
        if out.status == "unknown":
            break
        sites = [int(s) for s in cand[out.columns]]
        covered = _covered(smaj, sites, n_rows)
        uncovered = np.nonzero(~covered)[0]
        if uncovered.size == 0:
            if len(sites) < ub:
                best, ub = sites, len(sites)
            if cap is not None:
                return LazyOutcome("feasible", best, ub, lb, it, active.size)
            if out.status == "optimal":
                return LazyOutcome("optimal", best, ub, ub, it, active.size)
            hint_sites = best
            continue
        repaired = _repair(cov, smaj, sites)
        if len(repaired) < ub:
            best, ub = repaired, len(repaired)
            if cap is not None and ub <= cap:
                return LazyOutcome("feasible", best, ub, lb, it, active.size)
        if cap is None and lb >= ub:
            return LazyOutcome("optimal", best, ub, ub, it, active.size)
        hint_sites = sites
        active = np.union1d(active, pick_rows(uncovered, deg, BATCH_ROWS, rng))
    status = "feasible" if cap is None else "unknown"
    return LazyOutcome(status, best, ub, lb, it, int(active.size))
