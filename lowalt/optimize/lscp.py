r"""Location set covering (LSCP, Toregas et al. 1971): fewest docks reaching every cell.

Formulation
-----------
.. math::

    \min \sum_{j \in J} x_j \quad
    \text{s.t.} \sum_{j \in N_i} x_j \ge 1 \;\; \forall i \in I, \qquad
    x_j = 1 \;\; (j \in F), \quad x_j = 0 \;\; (j \in X), \quad x_j \in \{0, 1\}

====================  ======================================================
Symbol                Meaning
====================  ======================================================
:math:`I`             demand cells (matrix columns)
:math:`J`             candidate sites (matrix rows)
:math:`t_{ji}`        response time from site j to cell i, seconds
:math:`S`             target response time, seconds
:math:`N_i`           :math:`\{j : t_{ji} \le S\}`, sites covering cell i
:math:`F, X`          fixed (existing) and forbidden sites
====================  ======================================================

Method (chosen by measurement, 2 cores, see ``benchmarks/bench_optimize.py``):
cells with identical :math:`N_i` are merged (hashing) and the fixed docks' cells are
dropped. A greedy cover improved by the row-weighting local search (``_localsearch``)
gives the incumbent while, in a second thread, the LP relaxation is solved by row
generation (HiGHS); its dual proves :math:`\lceil L \rceil` docks are needed. When the
LP is nearly tight, "no cover with :math:`\lceil L \rceil` docks" is refuted by CP-SAT
under the LP's reduced-cost restrictions (see ``_lpbound``), raising the bound by one
each time. The local search then resumes with the proven bound as its target, and
lazy row generation solves the model on a growing subset of cells with CP-SAT, each
subset reduced by row and column dominance and by the same restrictions; a subset
optimum that covers all cells is optimal.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from lowalt.optimize._common import raise_unreachable, rows_covered_by
from lowalt.optimize._coverage import coverage_rows, dedupe_rows
from lowalt.optimize._lazy import LOCAL_SEARCH_SHARE, heuristic_cover, lazy_min_cover
from lowalt.optimize._localsearch import CoverSearch
from lowalt.optimize._lpbound import CoverLP, cover_lp
from lowalt.optimize._matrix import TimeMatrix, as_site_set, as_time_matrix
from lowalt.optimize.greedy import greedy_cover
from lowalt.optimize.result import PlacementResult, SolveStatus, make_result

__all__ = ["solve_lscp"]

logger = logging.getLogger(__name__)

LP_SHARE = 0.6
"""Share of the budget the LP bound may use (beside the local search when 2 workers)."""
LP_MIN_NNZ = 50_000
"""Smaller models skip the LP bound: CP-SAT proves them directly in milliseconds
(measured 1k × 100, 10k nonzeros: 0.02 s without the LP, 0.09 s with it). Optics Valley's
wind model (about 190k nonzeros) needs it: bound 149 with the LP, 135 without."""
REFUTE_SHARE = 0.25
"""Share of the remaining budget for each "no cover of lb sites" refutation attempt."""
SEARCH_AFTER_LP_SHARE = 0.5
"""Share of the budget left after the LP and the refutations in which the local search
resumes with the proven bound as its target (CP-SAT's lazy loop gets the rest)."""
REFUTE_MAX_SLACK = 0.25
"""Refutations are tried only while ``lb - LP bound`` is at most this (measured on the
50k × 2k benchmark: slack 0.02 refutes in 0.2 s, 0.05 in 13 s, 0.12 not in 30 s)."""


def solve_lscp(
    times: TimeMatrix | ArrayLike,
    target_s: float,
    *,
    fixed_sites: Iterable[int] | None = None,
    forbidden_sites: Iterable[int] | None = None,
    time_limit_s: float = 60.0,
    num_workers: int = 2,
    seed: int = 0,
) -> PlacementResult:
    """Find the fewest sites so every demand cell is reached within ``target_s``.

    Parameters
    ----------
    times
        Sites × demand response times, seconds (sparse: absent = unreachable;
        dense: ``inf`` = unreachable).
    target_s
        Target response time, seconds (covered when ``time <= target_s``).
    fixed_sites
        Existing docks that are always open (counted in the objective).
    forbidden_sites
        Sites that may not be opened.
    time_limit_s
        Wall-clock budget, seconds.
    num_workers
        Worker budget. With 2 or more, the LP bound runs beside the local search and
        the CP-SAT subset solves use that many workers (measured: 20k × 1k proven in
        4.6 s with 2 workers, 11.0 s with 1, where the search first takes its 30 % share).
    seed
        Random seed; equal inputs and seed give equal results.

    Returns
    -------
    PlacementResult
        ``objective`` = number of sites (fixed included), ``bound`` = proven lower bound.
        Extras: ``iterations``, ``active_rows``, ``unique_rows``; ``lp_bound`` (the LP
        lower bound, fixed sites included; None when the model is small enough to skip
        it) and ``refuted`` (how many site counts the reduced-cost refutation ruled out).

    Raises
    ------
    InfeasibleError
        When some cell has no allowed site within the target; the error carries the
        indices as ``unreachable_demand`` (numpy array) and names the first ten.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    mat = as_time_matrix(times)
    n_sites, n_demand = mat.shape
    fixed = as_site_set(fixed_sites, n_sites, "fixed_sites")
    forbidden = as_site_set(forbidden_sites, n_sites, "forbidden_sites")
    if np.intersect1d(fixed, forbidden).size:
        msg = "a site cannot be both fixed and forbidden"
        raise ValueError(msg)
    cov = coverage_rows(mat, target_s, forbidden)
    done = rows_covered_by(cov, fixed)
    unreachable = np.nonzero((np.diff(cov.indptr) == 0) & ~done)[0]
    if unreachable.size:
        raise_unreachable(unreachable, target_s)
    open_rows = np.nonzero(~done)[0]
    if open_rows.size == 0:
        return make_result("lscp", fixed, fixed.size, fixed.size, SolveStatus.OPTIMAL,
                           time.perf_counter() - t0, iterations=0, active_rows=0,
                           unique_rows=0)
    sub = cov[open_rows]
    reps, _, _ = dedupe_rows(sub, np.ones(open_rows.size))
    sub = sub[reps]
    logger.info("lscp: %d cells -> %d unique open rows, %d sites, %d nonzeros", n_demand,
                reps.size, n_sites, sub.nnz)
    best, lp, search = _incumbent_and_lp(sub, deadline, seed, num_workers)
    lb = math.ceil(lp.bound) if lp is not None else 0
    refuted = 0
    # Reduced-cost refutation: "no cover of lb sites" is quick when the LP is nearly tight.
    while lp is not None and lb < len(best) and lb - lp.bound <= REFUTE_MAX_SLACK:
        now = time.perf_counter()
        if now >= deadline:
            break
        out = lazy_min_cover(sub, cap=lb, incumbent=best, lower=lb, lp=lp, local_search=False,
                             initial_rows=0, deadline=now + REFUTE_SHARE * (deadline - now),
                             seed=seed)
        if out.status == "infeasible":
            lb, refuted = lb + 1, refuted + 1
            continue
        if out.status == "feasible":
            best = out.sites
        break
    if search is not None and len(best) > lb:
        now = time.perf_counter()
        found = search.run(deadline=now + SEARCH_AFTER_LP_SHARE * max(deadline - now, 0.0),
                           target=lb, stall_moves=None)
        if len(found) < len(best):
            best = found
    out = lazy_min_cover(sub, incumbent=best, lower=lb, lp=lp, local_search=False,
                         deadline=deadline, seed=seed, num_workers=num_workers)
    sites = np.union1d(fixed, np.asarray(out.sites, dtype=np.int64))
    status = SolveStatus.OPTIMAL if out.status == "optimal" else SolveStatus.FEASIBLE
    return make_result(
        "lscp", sites, sites.size, fixed.size + max(out.bound, lb), status,
        time.perf_counter() - t0, iterations=out.iterations, active_rows=out.active_rows,
        unique_rows=int(reps.size), lp_bound=None if lp is None else fixed.size + lp.bound,
        refuted=refuted,
    )


def _incumbent_and_lp(
    cov: sp.csr_array, deadline: float, seed: int, num_workers: int
) -> tuple[list[int], CoverLP | None, CoverSearch | None]:
    """Local-search cover and the LP bound (in a second thread if allowed).

    The LP solver releases the GIL, so with ``num_workers >= 2`` the LP row generation runs
    beside the local search, which goes on until the LP is done (measured on the
    50k × 2k benchmark: LP done after about 11 s, by when the search has usually
    reached the optimum of 16). Returns the cover, the LP (None for models small enough
    to skip it) and the search, to be resumed once the bound is known (None when
    skipped).
    """
    smaj = sp.csr_array(cov.T)
    if cov.nnz < LP_MIN_NNZ:
        return heuristic_cover(cov, smaj, deadline=deadline, seed=seed), None, None
    now = time.perf_counter()
    remaining = max(deadline - now, 0.0)
    lp_deadline = now + LP_SHARE * remaining
    if num_workers >= 2:
        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(cover_lp, cov, deadline=lp_deadline, seed=seed)
            search = CoverSearch(cov, greedy_cover(cov, site_major=smaj), site_major=smaj,
                                 seed=seed)
            search.run(deadline=lp_deadline, stall_moves=None, stop=future.done)
            lp = future.result()
    else:
        search = CoverSearch(cov, greedy_cover(cov, site_major=smaj), site_major=smaj,
                             seed=seed)
        search.run(deadline=now + LOCAL_SEARCH_SHARE * remaining, stall_moves=None)
        lp = cover_lp(cov, deadline=max(lp_deadline, time.perf_counter()), seed=seed)
    best = search.best
    if lp is not None:
        logger.info("lscp: incumbent %d sites after %d moves, LP bound %.4f (%d rounds%s)",
                    len(best), search.moves, lp.bound, lp.rounds,
                    ", LP optimal" if lp.optimal else "")
    return best, lp, search
