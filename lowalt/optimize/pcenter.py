r"""Vertex p-center: with k docks, the smallest worst-case response time (exact).

Formulation
-----------
.. math::

    \min_{P \subseteq J,\ |P| \le k,\ F \subseteq P,\ P \cap X = \emptyset}
    \ \max_{i \in I,\ w_i > 0} \ \min_{j \in P} t_{ji}

====================  ======================================================
Symbol                Meaning
====================  ======================================================
:math:`I, J`          demand cells (matrix columns), candidate sites (rows)
:math:`t_{ji}`        response time, seconds (absent entry = unreachable)
:math:`w_i`           demand weight; cells with :math:`w_i = 0` are ignored
:math:`k`             number of sites (fixed sites :math:`F` included)
:math:`F, X`          fixed and forbidden sites
====================  ======================================================

Method: the optimum is one of the distinct stored times, so the solver works over the
sorted distinct values :math:`r` (no scaling, no rounding error). Each probe asks "is
there a cover of all cells within :math:`r` using at most :math:`k` sites?" and is
answered first by the covering LP (a bound above :math:`k` refutes it at once), then by
one LP branch and bound of ``_coverbb`` over the whole probe, under the LP's
reduced-cost restrictions (a probe that times out is *unknown*, never infeasible).
The upper bound starts from a greedy cover (bisection over the values), and a
*descent* walks it down before any exact probe: the row-weighting local search
(``_localsearch``) looks for a cover just below the best cover's worst time, starting
from that cover, every cover is polished by vertex substitution (``_pcsearch``), and
the walk repeats until the search fails. Each exact probe then goes just below the best
cover's worst time: a cover found is polished and descended from in turn, and a
refutation is the whole proof (near the optimum a refutation costs seconds while a
cover costs a fraction of one). After an undecided probe at :math:`r_u` the search goes
on in three passes over the open interval: LP-only probes below :math:`r_u` (skipped
where the LP has already failed to refute a value), which raise the bound, then
(without the descent only) the local search bisecting the interval, whose covers lower
the upper bound, then exact probes walking down from :math:`r_u` (an undecided probe
moves the next one lower, where refutations are easier). The descent and the exact
probes just below the best cover stop at ``1 - LP_RESERVE_SHARE`` of the budget, so
these passes always get time for a bound.

Measured on the 5,000 × 500 benchmark with k = 20, two workers, a 30 s limit and a warm
compile cache (2 cores), 3 runs each: instance seeds 0–2 proven optimal in 5.9–6.6,
8.5–9.1 and 8.4–9.4 s (267.58, 268.27, 266.18 s); seed 3 in 23.6–24.0 s in two runs,
not proven in the third (267.47 s, bound 263 s). The descent reaches within 0.1–1.5 %
of the optimum in about 2–3 s; the single refutation just below the optimum is most of
the time (3.5–16 s with two workers, its tree nondeterministic between runs). Once the
greedy bisection has an upper bound, times above it are dropped from the matrix (a full
5,000 × 500 matrix keeps about a tenth of its entries), so every later probe builds its
rows from the smaller matrix.

Until this version the exact probes first bisected the interval down to 5 % (cheap
refutations well below the optimum, kept as a bound should the last refutation run out
of time); going straight below the best cover saved 0.7–2 s per
instance (seeds 0–2: 7.3, 13.0–14.5 and 11.1–11.8 s before, 6.5–7.0, 10.0–12.4 and
9.9–10.5 s after, without the matrix truncation) and, on the Optics Valley
placement run, gave the same or better bounds where the last refutation does not finish
(land scenes with 128 docks: bound 204 s against 200 s; 16 docks: 380.5 s against
372.1 s), since the LP-only pass after an undecided probe gives the bound just as well.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from lowalt.optimize._budget import ENTRY_PASS_S, fits
from lowalt.optimize._checks import (
    check_count,
    check_k,
    check_options,
    check_site_sets,
    check_weights,
)
from lowalt.optimize._common import raise_unreachable, rows_covered_by
from lowalt.optimize._coverage import coverage_rows, dedupe_rows, keep_entries
from lowalt.optimize._lazy import lazy_min_cover
from lowalt.optimize._localsearch import improve_cover
from lowalt.optimize._lpbound import cover_lp
from lowalt.optimize._matrix import TimeMatrix, as_time_matrix, column_min
from lowalt.optimize._pcsearch import dense_times, improve_center
from lowalt.optimize.greedy import greedy_cover, greedy_layout
from lowalt.optimize.result import PlacementResult, SolveStatus, make_result

__all__ = ["solve_pcenter", "worst_response_time"]

logger = logging.getLogger(__name__)

LP_PROBE_SHARE = 0.25
"""Most of the remaining budget one probe's LP bound may take."""
PROBE_SHARE = 0.35
"""Most of the remaining budget one exact probe may take (the rest goes to the passes
after an undecided probe)."""
SEARCH_SHARE = 0.2
"""Most of the remaining budget one local-search probe may take."""
REFINE_TOL = 1e-3
"""The LP-only and local-search bisections stop once their interval is narrower than this
share of its upper end (exact bisections always run to a single value)."""
SEARCH_STALL_MOVES = 200_000
"""A local search gives up after this many moves without a smaller cover."""
DECIDER = "branch"
"""How exact probes are decided (``_lazy.lazy_min_cover``): one ``_coverbb`` tree per probe."""
DESCEND_SHARE = 0.8
"""Most of the remaining budget an exact probe (just below the best cover) may take:
refuted, it proves the cover optimal; cut short, the passes after it (LP-only probes
for the bound, exact probes lower down) get the rest."""
POLISH = True
"""Lower the worst time of every cover found by vertex substitution (``_pcsearch``)."""
DESCENT = True
"""Before the exact probes (and after each cover they find), walk the upper bound down
with the local search: look for a cover just below the best cover's worst time,
starting from that cover, polish it, repeat until the search fails."""
DESCENT_STALL_MOVES = 30_000
"""A descent step gives up after this many moves without a smaller cover."""
DESCENT_SHARE = 0.1
"""Most of the remaining budget one descent step may take."""
PREP_PASSES = 3.0
"""Matrix passes (``ENTRY_PASS_S`` each) estimated for the sort of the distinct times,
the coverage at the largest one and its greedy cover; when they do not fit in the
budget, the greedy layout (``greedy_layout``) is the answer."""
ROWS_PASSES = 2.0
"""Matrix passes estimated for one probe's rows and a greedy cover of them."""
LP_RESERVE_SHARE = 0.1
"""Budget share kept for the passes after the exact probes: an unproven answer gets a bound."""


def worst_response_time(
    mat: sp.csr_array, sites: NDArray[np.int64], demand: NDArray[np.int64]
) -> float:
    """Largest over ``demand`` of the fastest response from ``sites`` (inf if unreachable)."""
    if demand.size == 0:
        return 0.0
    if sites.size == 0:
        return float("inf")
    sub = sp.csc_array(mat[sites][:, demand])
    if np.any(np.diff(sub.indptr) == 0):
        return float("inf")
    best = np.minimum.reduceat(sub.data, sub.indptr[:-1])
    return float(best.max())


def _truncated(mat: sp.csr_array, limit: float) -> sp.csr_array:
    """``mat`` without its entries above ``limit`` (absent entries are unreachable)."""
    keep = mat.data <= limit
    return mat if keep.all() else keep_entries(mat, keep)


def _until(deadline: float, share: float, end: float) -> float:
    """Deadline of a step allowed ``share`` of the time left until ``deadline``.

    Both are ``time.perf_counter()`` values; the result is never later than ``end``.
    """
    now = time.perf_counter()
    return min(now + share * max(deadline - now, 0.0), end)


def _probe(cov: sp.csr_array, cap: int, deadline: float, seed: int, mode: str,
           workers: int = 1, share: float = PROBE_SHARE, end: float | None = None
           ) -> tuple[str, list[int]]:
    """Decide "can ``cap`` sites cover every row of ``cov``?".

    The covering LP comes first: a bound above ``cap`` refutes the probe at once
    ("infeasible (LP)"). Otherwise, by ``mode``: ``"exact"`` decides it with
    ``DECIDER`` under the LP's reduced-cost restrictions, within ``share`` of the
    remaining time (no local search first: the branch and bound finds covers in under a
    second, and the search cost about 3 s per refuted probe); ``"search"`` looks for a
    cover with the local search only (within ``SEARCH_SHARE``; no cover found is
    "unknown", never infeasible); ``"lp"`` stops after the LP ("unknown"). Shares are
    of the time left until ``deadline``; no step runs past ``end`` (default
    ``deadline``).
    """
    end = deadline if end is None else end
    if cov.shape[0] == 0:
        return "feasible", []
    lp = cover_lp(cov, deadline=_until(deadline, LP_PROBE_SHARE, end), seed=seed)
    if lp is not None and lp.bound > cap:
        return "infeasible (LP)", []
    if mode == "lp":
        return "unknown", []
    if mode == "search":
        smaj = sp.csr_array(cov.T)
        found = improve_cover(cov, greedy_cover(cov, site_major=smaj), site_major=smaj,
                              target=cap, deadline=_until(deadline, SEARCH_SHARE, end),
                              seed=seed, max_moves=None, stall_moves=SEARCH_STALL_MOVES)
        return ("feasible", found) if len(found) <= cap else ("unknown", [])
    out = lazy_min_cover(cov, cap=cap, lp=lp, seed=seed, local_search=False,
                         deadline=_until(deadline, share, end),
                         decider=DECIDER, num_workers=workers)
    return out.status, out.sites


def solve_pcenter(
    times: TimeMatrix | ArrayLike,
    k: int,
    *,
    weights: ArrayLike | None = None,
    fixed_sites: Iterable[int] | None = None,
    forbidden_sites: Iterable[int] | None = None,
    time_limit_s: float = 60.0,
    num_workers: int = 2,
    seed: int = 0,
) -> PlacementResult:
    """Place ``k`` sites minimising the worst response time to any weighted cell.

    Parameters
    ----------
    times
        Sites × demand response times, seconds.
    k
        Number of sites, fixed sites included.
    weights
        Demand weights; only ``w > 0`` matters (cells with zero weight are ignored).
    fixed_sites, forbidden_sites
        Sites forced open / never opened.
    time_limit_s, num_workers, seed
        Budget (seconds), worker budget, random seed.

    Returns
    -------
    PlacementResult
        ``objective`` = worst response time of the chosen sites (s); ``bound`` = proven
        lower bound (s). Extras: ``probes`` (list of ``(time_s, outcome)``, outcome
        one of ``feasible``, ``infeasible``, ``infeasible (LP)``, ``unknown``).

    Raises
    ------
    ValueError
        When an argument is malformed: a nan or negative time, ``k`` not an integer
        >= 1 and >= the number of fixed sites, bad ``weights``, ``time_limit_s`` not
        finite and > 0, ``num_workers`` < 1, ``seed`` < 0, a site index that is not an
        integer in range, or a site both fixed and forbidden.
    InfeasibleError
        When some cell is unreachable from every allowed site, or no ``k`` sites can
        reach every cell at all.
    """
    t0 = time.perf_counter()
    time_limit_s, num_workers, seed = check_options(time_limit_s, num_workers, seed)
    k = check_count("k", k, fix="pass the number of sites as an int, e.g. k=10")
    deadline = t0 + time_limit_s
    mat = as_time_matrix(times)
    n_sites, n_demand = mat.shape
    w = check_weights(weights, n_demand)
    fixed, forbidden = check_site_sets(fixed_sites, forbidden_sites, n_sites)
    k = check_k(k, fixed.size)
    allowed = np.setdiff1d(np.arange(n_sites), forbidden)
    demand_idx = np.nonzero(w > 0)[0]
    if allowed.size == n_sites and demand_idx.size == n_demand:
        sub_mat = mat  # no copy (14 M entries: about 0.5 s)
    else:
        sub_mat = sp.csr_array(mat[allowed][:, demand_idx])
    counts, fastest = column_min(sub_mat)
    reach = counts > 0
    if not np.all(reach):
        raise_unreachable(demand_idx[~reach], float("inf"))
    if demand_idx.size == 0:
        return make_result("pcenter", fixed, 0.0, 0.0, SolveStatus.OPTIMAL,
                           time.perf_counter() - t0, probes=[])
    # Every layout's worst time is at least the worst of the cells' fastest times.
    lower_val = float(fastest.max())
    # Local problem on allowed sites / weighted cells; fixed sites in local numbering.
    fixed_local = np.searchsorted(allowed, fixed)
    cap = k - fixed.size
    probes: list[tuple[float, str]] = []
    cells = np.arange(demand_idx.size)

    def fallback(bound: float) -> PlacementResult:
        """Return the greedy layout (``greedy_layout``) with ``bound`` (s) proven so far.

        The answer when the exact search has no cover in time.
        """
        local = greedy_layout(sub_mat, k, fixed=fixed_local, deadline=deadline)
        worst = worst_response_time(sub_mat, local, cells)
        status = (SolveStatus.OPTIMAL if worst <= bound else SolveStatus.FEASIBLE
                  if np.isfinite(worst) else SolveStatus.UNKNOWN)
        logger.info("pcenter: out of time, greedy layout, worst %.3f s, bound %.3f s",
                    worst, bound)
        return make_result("pcenter", allowed[local], worst, min(bound, worst), status,
                           time.perf_counter() - t0, probes=probes, fallback="greedy")

    # The sort of the distinct times, the coverage at the largest one and its greedy
    # cover cannot be interrupted: on 14 M entries they take several seconds.
    if not fits(deadline, PREP_PASSES * ENTRY_PASS_S * sub_mat.nnz):
        return fallback(lower_val)
    values = np.unique(sub_mat.data)
    values = values[values >= lower_val]

    def rows_fit(end: float) -> bool:
        """Whether building one probe's rows (and a greedy cover) ends before ``end``."""
        return fits(end, ROWS_PASSES * ENTRY_PASS_S * sub_mat.nnz)

    def rows_at(r: float) -> sp.csr_array:
        cov = coverage_rows(sub_mat, r)
        open_rows = ~rows_covered_by(cov, fixed_local)
        cov = cov[np.nonzero(open_rows)[0]]
        reps, _, _ = dedupe_rows(cov, np.ones(cov.shape[0]))
        return cov[reps]

    # Greedy upper bound: smallest value where a greedy cover fits (bisection).
    lo, hi = 0, values.size - 1
    cov_hi = rows_at(values[hi])
    if cov_hi.shape[0] and np.any(np.diff(cov_hi.indptr) == 0):
        raise_unreachable(np.zeros(0, dtype=np.int64), float(values[hi]))
    best_sites: list[int] | None = None
    while lo < hi and rows_fit(deadline):
        mid = (lo + hi) // 2
        cov = rows_at(values[mid])
        if cov.shape[0] and np.any(np.diff(cov.indptr) == 0):
            lo = mid + 1
            continue
        g = greedy_cover(cov) if cov.shape[0] else []
        if len(g) <= cap:
            hi, best_sites = mid, g
            # No later probe or cover looks above values[hi]: drop the larger times
            # (a full matrix then shrinks about tenfold, and every probe's rows with it).
            sub_mat = _truncated(sub_mat, values[hi])
        else:
            lo = mid + 1
    if best_sites is None:
        if not rows_fit(deadline):
            return fallback(lower_val)
        cov = rows_at(values[hi])
        best_sites = greedy_cover(cov) if cov.shape[0] else []
        if len(best_sites) > cap:
            out = lazy_min_cover(cov, cap=cap, deadline=deadline, seed=seed,
                                 decider=DECIDER, num_workers=num_workers)
            if out.status == "infeasible":
                raise_unreachable(np.zeros(0, dtype=np.int64), float(values[hi]),
                                  what=f"any {k} sites together")
            if out.status != "feasible":
                return fallback(lower_val)
            best_sites = out.sites
    ub = hi  # index of a proven-feasible value

    # Built once for every polish (a dense float32 copy: one pass over every pair).
    dense = (dense_times(sub_mat) if POLISH and fits(
        deadline, ENTRY_PASS_S * sub_mat.shape[0] * sub_mat.shape[1]) else None)

    def polish(sites: list[int] | NDArray[np.int64]) -> tuple[list[int], float]:
        """Lower the worst time of a cover by vertex substitution; (sites, worst time)."""
        start = np.union1d(fixed_local, np.asarray(sites, dtype=np.int64))
        cells = np.arange(demand_idx.size)
        worst = worst_response_time(sub_mat, start, cells)
        if not POLISH:
            return [int(s) for s in start], worst
        better = improve_center(dense, start, fixed=fixed_local, deadline=deadline)
        better_worst = worst_response_time(sub_mat, better, cells)
        if better_worst < worst:
            return [int(s) for s in better], better_worst
        return [int(s) for s in start], worst

    best_sites, worst = polish(best_sites)
    ub = min(ub, int(np.searchsorted(values, worst)))
    lb = 0  # every value below index lb is proven infeasible
    logger.info("pcenter: %d distinct values, greedy ub %.3f", values.size, values[ub])

    def descend() -> None:
        """Walk ``ub`` down with local-search covers from the best cover (``DESCENT``)."""
        nonlocal ub, best_sites
        while DESCENT and ub > lb and rows_fit(stage_end):
            r = values[ub - 1]
            cov = rows_at(r)  # r >= lower_val: every row has a site
            if cov.shape[0] == 0:
                found: list[int] = []
            else:
                smaj = sp.csr_array(cov.T)
                start = np.setdiff1d(np.asarray(best_sites, dtype=np.int64), fixed_local)
                missed = np.flatnonzero(~rows_covered_by(cov, start))
                if missed.size:
                    start = np.union1d(start, greedy_cover(cov[missed]))
                found = improve_cover(cov, [int(c) for c in start], site_major=smaj,
                                      target=cap,
                                      deadline=_until(deadline, DESCENT_SHARE, stage_end),
                                      seed=seed, max_moves=None,
                                      stall_moves=DESCENT_STALL_MOVES)
            if len(found) > cap:
                return
            probes.append((float(r), "feasible"))
            sites, worst = polish(found)
            best_sites, ub = sites, min(ub - 1, int(np.searchsorted(values, worst)))
            logger.debug("pcenter descent: worst %.4f (t=%.2fs)", worst,
                         time.perf_counter() - t0)

    # The descent and the exact probes just below the best cover stop early enough to
    # leave the passes after them LP_RESERVE_SHARE of the budget (see there).
    stage_end = deadline - LP_RESERVE_SHARE * time_limit_s
    descend()
    lp_fails = values.size  # the LP refutes no value at or above this index

    def probe(mid: int, mode: str, share: float = PROBE_SHARE) -> str:
        """Run one probe at ``values[mid]``, record it, and move the bounds."""
        nonlocal lb, ub, best_sites, lp_fails
        cov = rows_at(values[mid])
        if cov.shape[0] and np.any(np.diff(cov.indptr) == 0):
            status, sites = "infeasible", list[int]()
        else:
            status, sites = _probe(cov, cap, deadline, seed, mode, num_workers, share,
                                   end=stage_end)
            if status != "infeasible (LP)":
                lp_fails = min(lp_fails, mid)
        probes.append((float(values[mid]), status))
        logger.debug("pcenter probe %s at %.3f: %s (t=%.2fs)", mode, values[mid], status,
                     time.perf_counter() - t0)
        if status == "feasible":
            # The cover's own worst time may lie well below the probe value, and
            # vertex substitution often lowers it further.
            sites, worst = polish(sites)
            if worst <= values[ub]:
                best_sites = sites
            ub = min(ub, mid, int(np.searchsorted(values, worst)))
            logger.debug("pcenter cover: worst %.4f", worst)
        elif status.startswith("infeasible"):
            lb = max(lb, mid + 1)
        return status

    def bisect(lo: int, hi: int, mode: str) -> int:
        """Search ``values[lo..hi]`` with ``mode`` probes; the first undecided index or -1.

        ``"exact"`` probes just below the best cover (a refutation there is the whole
        proof); after every cover it finds the descent walks the upper bound down, and
        it stops at the first undecided value. The others bisect: ``"lp"`` (the LP
        alone) and ``"down"`` (exact) look lower after an undecided probe, where
        refutations are easier; ``"search"`` (local search) looks higher after a failed
        one. ``"lp"`` and ``"search"`` stop once the interval is within ``REFINE_TOL``;
        ``"down"`` goes on to a single value (that is a proof).
        """
        while lo < hi and rows_fit(stage_end) and (
            mode in ("exact", "down") or values[hi] - values[lo] > REFINE_TOL * values[hi]
        ):
            if mode == "exact":  # refuting just below the best cover is the whole proof
                mid, share = hi - 1, DESCEND_SHARE
            else:
                mid, share = (lo + hi) // 2, PROBE_SHARE
            status = probe(mid, "exact" if mode == "down" else mode, share)
            if status == "feasible":
                if mode in ("exact", "down"):
                    descend()
                hi = ub
            elif status.startswith("infeasible"):
                lo = lb
            elif mode == "exact":
                return mid
            elif mode in ("down", "lp"):
                hi = mid
            else:
                lo = mid + 1  # no cover found: look higher (nothing proven)
        return -1

    undecided = bisect(lb, ub, "exact")
    stage_end = deadline
    if lb < ub:  # an undecided probe, or the exact stage ran into the reserve
        top = ub if undecided < 0 else undecided
        # Cheap LP refutations first, only where the LP has not already failed.
        bisect(lb, min(top, lp_fails), "lp")
        if not DESCENT:  # the descent has already searched just below the best cover
            bisect(lb, ub, "search")  # covers found by the local search lower the worst time
        bisect(lb, min(top, ub), "down")  # exact probes below: raise the bound
    sites = np.union1d(fixed, allowed[np.asarray(best_sites, dtype=np.int64)])
    objective = worst_response_time(sub_mat, np.searchsorted(allowed, sites),
                                    np.arange(demand_idx.size))
    proven = lb >= ub
    bound = float(values[lb]) if lb < values.size else objective
    status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE
    return make_result("pcenter", sites, objective, min(bound, objective), status,
                       time.perf_counter() - t0, probes=probes)
