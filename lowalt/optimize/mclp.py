r"""Maximal covering location (MCLP, Church & ReVelle 1974): most demand reached with k docks.

Formulation
-----------
.. math::

    \max \sum_{i \in I} w_i y_i \quad \text{s.t.}\quad
    y_i \le \sum_{j \in N_i} x_j \;\; \forall i, \qquad
    \sum_{j} x_j \le k, \qquad x_j \in \{0,1\},\ 0 \le y_i \le 1

====================  ======================================================
Symbol                Meaning
====================  ======================================================
:math:`w_i`           demand weight of cell i (e.g. calls per day)
:math:`N_i`           sites reaching cell i within the target :math:`S` (s)
:math:`k`             number of docks (fixed sites included)
:math:`x_j, y_i`      site open; cell covered (continuous, integral at optimum)
====================  ======================================================

Method: cells with identical :math:`N_i` are merged (weights summed), cells covered by
fixed sites are counted as a constant, dominated sites are dropped (a site whose cells
are a subset of another's is never needed: coverage is monotone), a greedy solution is
the incumbent and hint. If it already covers every reachable cell it is optimal (the
bound is the total reachable weight). The greedy picks also give a proven upper
bound by submodularity (``max_cover_upper_bound``), reported whatever happens next.
On large models where greedy reaches ≥ 98 % and a greedy set cover needs at most 2k
sites, a weighted swap local search (``_localsearch``) looks for k sites reaching every
reachable cell, on half the budget, unless the covering LP (row generation, stopped at
the first round whose bound exceeds k) rules that out: found, it is optimal for the
same reason (on the 50k × 2k benchmark k = 20 suffices although greedy needs 29).
Otherwise the LP relaxation is solved with GLOP (HiGHS's interior point above
``GLOP_MAX_NNZ`` nonzeros; Optics Valley calm air, k = 16 and 32: bounds 35,264 and
51,355, where the best before were 35,434 by submodularity and 51,692, all reachable
demand): its optimum is a proven bound, and when its solution is integral (common on
geometric instances) that solution is optimal. Otherwise a swap
local search (``_swapsearch``) improves the greedy layout on ``SWAP_SHARE`` of the time
left (Optics Valley calm air, unit weights, k = 16: 8,501 → 8,800 of a bound of 8,871,
where HiGHS had not improved on greedy in 60 s), and only then does HiGHS
(``math_opt``) solve the MIP from that hint, interrupted from outside at the time limit;
the better of the two layouts is returned.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from ortools.util.python.pybind_solve_interrupter import PySolveInterrupter

from lowalt.optimize._budget import ENTRY_PASS_S, MODEL_ENTRY_S, fits
from lowalt.optimize._checks import (
    check_count,
    check_k,
    check_options,
    check_seconds,
    check_site_sets,
    check_weights,
)
from lowalt.optimize._common import rows_covered_by
from lowalt.optimize._coverage import coverage_rows, dedupe_rows, dominated_columns
from lowalt.optimize._lazy import LOCAL_SEARCH_MIN_NNZ
from lowalt.optimize._localsearch import CoverSearch
from lowalt.optimize._lpbound import CoverLP, cover_lp
from lowalt.optimize._matrix import TimeMatrix, as_time_matrix
from lowalt.optimize._mip import solve_mip
from lowalt.optimize._swapsearch import improve_max_cover
from lowalt.optimize.greedy import greedy_cover, greedy_max_cover, max_cover_upper_bound
from lowalt.optimize.result import PlacementResult, SolveStatus, make_result

__all__ = ["solve_mclp"]

logger = logging.getLogger(__name__)

COVER_ALL_SHARE = 0.5
"""Share of the time budget spent looking for k sites that reach every reachable cell."""
FULL_COVER_MAX_MOVES = 200_000
"""Most local-search moves spent looking for k sites that reach every reachable cell."""
RULE_OUT_SHARE = 0.1
"""With one worker, share of that time the covering LP gets first to rule it out."""
LP_SHARE = 0.4
"""Most of the remaining budget given to the LP relaxation before the MIP."""
SWAP_SHARE = 0.25
"""Most of the remaining budget given to the swap local search before the MIP."""
GLOP_MAX_NNZ = 200_000
"""Larger LPs go to HiGHS's interior point instead of GLOP (fast only on small LPs)."""
LP_MAX_NNZ = 2_000_000
"""Larger models skip the separate LP: the MIP's root LP gives the same bound."""
LP_TOL = 1e-9
"""Relative slack added to the LP optimum before it is used as a bound (solver tolerance)."""

_MIP_STATUS = {
    "optimal": SolveStatus.OPTIMAL,
    "feasible": SolveStatus.FEASIBLE,
    "infeasible": SolveStatus.INFEASIBLE,
    "unknown": SolveStatus.UNKNOWN,
}


def solve_mclp(
    times: TimeMatrix | ArrayLike,
    target_s: float,
    k: int,
    *,
    weights: ArrayLike | None = None,
    fixed_sites: Iterable[int] | None = None,
    forbidden_sites: Iterable[int] | None = None,
    time_limit_s: float = 60.0,
    num_workers: int = 2,
    seed: int = 0,
) -> PlacementResult:
    """Choose ``k`` sites maximising the weight of cells reached within ``target_s``.

    Parameters
    ----------
    times
        Sites × demand response times, seconds.
    target_s
        Target response time, seconds.
    k
        Number of sites (fixed sites included).
    weights
        Demand weights (default ones).
    fixed_sites, forbidden_sites, time_limit_s, num_workers, seed
        See :func:`lowalt.optimize.solve_lscp`.

    Returns
    -------
    PlacementResult
        ``objective`` = covered weight, ``bound`` = proven upper bound. Extras:
        ``covered_fraction``, ``uncovered_demand`` (indices of uncovered cells),
        ``greedy_bound`` (submodularity bound, when the MIP is reached).

    Raises
    ------
    ValueError
        When an argument is malformed (see :func:`lowalt.optimize.solve_lscp`), or
        ``k`` is not an integer >= 1 and >= the number of fixed sites, or ``weights``
        is not one finite value >= 0 per demand column.
    """
    t0 = time.perf_counter()
    time_limit_s, num_workers, seed = check_options(time_limit_s, num_workers, seed)
    target_s = check_seconds("target_s", target_s)
    k = check_count("k", k, fix="pass the number of sites as an int, e.g. k=10")
    mat = as_time_matrix(times)
    n_sites, n_demand = mat.shape
    w = check_weights(weights, n_demand)
    fixed, forbidden = check_site_sets(fixed_sites, forbidden_sites, n_sites)
    k = check_k(k, fixed.size)
    cov = coverage_rows(mat, target_s, forbidden)
    base_cov = rows_covered_by(cov, fixed)
    base = float(w[base_cov].sum())
    open_rows = np.nonzero(~base_cov & (np.diff(cov.indptr) > 0) & (w > 0))[0]
    sub = cov[open_rows]
    reps, _, mw = dedupe_rows(sub, w[open_rows])
    sub = sub[reps]
    reachable = base + float(mw.sum())
    cap = k - fixed.size
    allowed = np.ones(n_sites, dtype=bool)
    allowed[forbidden] = False
    allowed[fixed] = False
    chosen, covered = greedy_max_cover(sub, mw, cap, allowed=allowed)
    g_value = base + float(mw[covered].sum())
    logger.info("mclp: %d cells -> %d unique rows; greedy %.6g of %.6g", n_demand,
                reps.size, g_value, reachable)
    extras: dict[str, object] = {"unique_rows": int(reps.size)}
    if g_value >= reachable * (1 - 1e-12) or cap == 0:
        sites = np.union1d(fixed, np.asarray(chosen, dtype=np.int64))
        # Either everything reachable is covered, or no site may be added: proven.
        bound = reachable if cap else g_value
        return _finish(cov, w, sites, bound, SolveStatus.OPTIMAL, t0, extras)
    # Can cap sites reach *every* reachable cell? Then that is optimal (bound = reachable).
    # Greedy set cover + weighted swap local search, on a share of the budget.
    full: list[int] = []
    if (g_value >= 0.98 * reachable and sub.nnz >= LOCAL_SEARCH_MIN_NNZ
            and fits(t0 + COVER_ALL_SHARE * time_limit_s, 2 * ENTRY_PASS_S * sub.nnz)):
        full = _full_cover_search(sub, allowed, cap, t0 + COVER_ALL_SHARE * time_limit_s,
                                  seed, num_workers)
        extras["cover_all_tried"] = len(full)
    if full and len(full) <= cap:
        sites = np.union1d(fixed, np.asarray(full, dtype=np.int64))
        return _finish(cov, w, sites, reachable, SolveStatus.OPTIMAL, t0, extras)
    # Submodularity bound from the greedy prefixes: far below the trivial "all
    # reachable" when k cannot reach everything, and valid whatever the MIP returns.
    sub_bound = base + max_cover_upper_bound(sub, mw, cap, chosen, allowed=allowed)
    extras["greedy_bound"] = sub_bound
    if g_value >= sub_bound * (1 - 1e-12):
        sites = np.union1d(fixed, np.asarray(chosen, dtype=np.int64))
        return _finish(cov, w, sites, sub_bound, SolveStatus.OPTIMAL, t0, extras)
    # The LP and the MIP have a nonzero per (cell, site) pair: building them cannot be
    # interrupted, so with too little time left the greedy layout is the answer.
    if not fits(t0 + time_limit_s, MODEL_ENTRY_S * (sub.nnz + sub.shape[0])):
        sites = np.union1d(fixed, np.asarray(chosen, dtype=np.int64))
        return _finish(cov, w, sites, min(sub_bound, reachable), SolveStatus.FEASIBLE, t0,
                       extras)
    cand = np.nonzero(allowed & (np.bincount(sub.indices, minlength=n_sites) > 0))[0]
    cand = cand[~dominated_columns(sub, cand)]
    local = sp.csr_array(sub[:, cand], dtype=np.float64)
    m, n = local.shape
    # Variables: x (n, binary) then y (m, continuous). Rows: y_i - sum x <= 0; sum x <= cap.
    eye = sp.eye_array(m, format="csr")
    a = sp.vstack([
        sp.hstack([-local, eye]),
        sp.hstack([sp.csr_array(np.ones((1, n))), sp.csr_array((1, m))]),
    ]).tocsr()
    c = np.concatenate([np.zeros(n), mw])
    hint = np.zeros(n + m)
    pos = np.searchsorted(cand, chosen)
    ok = (pos < n) & (cand[np.minimum(pos, n - 1)] == chosen)
    hint[pos[ok]] = 1.0
    hint[n:] = covered.astype(float)
    row_lb, row_ub = np.full(m + 1, -np.inf), np.concatenate([np.zeros(m), [cap]])
    # LP relaxation first (GLOP, measured ~6 ms on 1k × 100 where HiGHS needs ~40 ms even
    # for the LP): its optimum is a proven bound, and on geometric instances it is often
    # integral, which proves that solution optimal without branching.
    lp = solve_mip(c, a, row_lb, row_ub, maximize=True, offset=base,
                   solver="glop" if a.nnz <= GLOP_MAX_NNZ else "highs_barrier",
                   time_limit_s=LP_SHARE * max(time_limit_s - (time.perf_counter() - t0), 0.0)
                   ) if a.nnz <= LP_MAX_NNZ else None
    if lp is not None and lp.status == "optimal" and lp.values is not None:
        sub_bound = min(sub_bound, lp.objective + LP_TOL * max(1.0, abs(lp.objective)))
        extras["lp_bound"] = lp.objective
        x = lp.values[:n]
        if np.all(np.minimum(x, 1.0 - x) <= 1e-9) and int(np.sum(x > 0.5)) <= cap:
            sites = np.union1d(fixed, cand[x > 0.5])
            return _finish(cov, w, sites, sub_bound, SolveStatus.OPTIMAL, t0, extras)
    # Swap local search from the greedy layout: a better incumbent and hint for the MIP.
    now = time.perf_counter()
    start, _ = greedy_max_cover(local, mw, cap)  # greedy in local columns
    ls_sites, ls_value = improve_max_cover(
        local, mw, start, deadline=now + SWAP_SHARE * max(time_limit_s - (now - t0), 0.0))
    if ls_value > g_value - base:
        chosen, g_value = [int(s) for s in cand[ls_sites]], base + ls_value
        extras["swap_search_value"] = g_value
        hint[:n] = 0.0
        hint[ls_sites] = 1.0
        hint[n:] = rows_covered_by(local, np.asarray(ls_sites, dtype=np.int64))
        if g_value >= sub_bound * (1 - 1e-12):
            sites = np.union1d(fixed, np.asarray(chosen, dtype=np.int64))
            return _finish(cov, w, sites, sub_bound, SolveStatus.OPTIMAL, t0, extras)
    out = solve_mip(
        c, a, row_lb, row_ub,
        integer=np.concatenate([np.ones(n, bool), np.zeros(m, bool)]), maximize=True,
        offset=base, hint=hint, time_limit_s=max(time_limit_s - (time.perf_counter() - t0), 0.1),
        num_workers=num_workers, seed=seed,
    )
    bound = min(out.bound, sub_bound) if np.isfinite(out.bound) else sub_bound
    if out.values is None:
        sites = np.union1d(fixed, np.asarray(chosen, dtype=np.int64))
        return _finish(cov, w, sites, min(bound, reachable), SolveStatus.FEASIBLE, t0, extras)
    mip_sites = cand[out.values[:n] > 0.5]
    sites = np.union1d(fixed, mip_sites)
    bound = min(bound, reachable)
    return _finish(cov, w, sites, bound, _MIP_STATUS[out.status], t0, extras,
                   greedy=(np.union1d(fixed, chosen), g_value))


def _full_cover_search(cov: sp.csr_array, allowed: np.ndarray, cap: int, deadline: float,
                       seed: int, num_workers: int) -> list[int]:
    """Look for at most ``cap`` sites covering every row; the best cover found.

    Greedy set cover, then (when it needs at most ``2 cap`` sites) the row-weighting
    local search, stopped as soon as the covering LP proves more than ``cap`` sites are
    needed. Row generation stops at the first round whose bound (each is a proof)
    exceeds ``cap``. With 2 workers the LP runs in a second thread beside the search
    (both release the GIL); with one, it first gets ``RULE_OUT_SHARE`` of the time.
    Optics Valley calm air, k = 32: the search had spent half the budget on a model
    whose covering LP needs 36.7 sites; LP round 2 rules it out.
    """
    smaj = sp.csr_array(cov.T)
    full = greedy_cover(cov, allowed=allowed, site_major=smaj)
    if len(full) > 2 * cap:
        return full
    ruled_out = threading.Event()
    stop_lp = PySolveInterrupter()

    def check(until: float) -> None:
        def on_round(lp: CoverLP) -> None:
            if lp.bound > cap:
                ruled_out.set()
                stop_lp.interrupt()

        cover_lp(cov, deadline=until, seed=seed, on_round=on_round, interrupter=stop_lp)

    search = CoverSearch(cov, full, site_major=smaj, seed=seed)
    if num_workers < 2:
        now = time.perf_counter()
        check(now + RULE_OUT_SHARE * max(deadline - now, 0.0))
        if ruled_out.is_set():
            return full
        return search.run(deadline=deadline, target=cap, max_moves=FULL_COVER_MAX_MOVES)
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(check, deadline)
        found = search.run(deadline=deadline, target=cap, max_moves=FULL_COVER_MAX_MOVES,
                           stop=ruled_out.is_set)
        stop_lp.interrupt()
        future.result()
    return found


def _finish(
    cov: sp.csr_array,
    w: np.ndarray,
    sites: np.ndarray,
    bound: float,
    status: SolveStatus,
    t0: float,
    extras: dict[str, object],
    greedy: tuple[np.ndarray, float] | None = None,
) -> PlacementResult:
    covered = rows_covered_by(cov, sites.astype(np.int64))
    value = float(w[covered].sum())
    if greedy is not None and greedy[1] > value:
        sites = greedy[0].astype(np.int64)
        covered = rows_covered_by(cov, sites)
        value = float(w[covered].sum())
    if status is SolveStatus.OPTIMAL and value < bound * (1 - 1e-9) - 1e-9:
        status = SolveStatus.FEASIBLE
    total = float(w.sum())
    return make_result(
        "mclp", sites, value, max(bound, value), status, time.perf_counter() - t0,
        covered_fraction=value / total if total > 0 else 1.0,
        uncovered_demand=np.nonzero(~covered)[0], **extras,
    )
