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
cells with identical :math:`N_i` are merged (hashing), the fixed docks' cells are
dropped, a greedy cover gives the incumbent, then lazy row generation solves the
model on a growing subset of cells with CP-SAT (1 worker, ``linearization_level=2``;
measured faster than HiGHS and than 2-worker CP-SAT on these models), each subset
reduced by row and column dominance. A subset optimum that covers all cells is optimal.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from lowalt.optimize._common import raise_unreachable, rows_covered_by
from lowalt.optimize._coverage import coverage_rows, dedupe_rows
from lowalt.optimize._lazy import lazy_min_cover
from lowalt.optimize._matrix import TimeMatrix, as_site_set, as_time_matrix
from lowalt.optimize.result import PlacementResult, SolveStatus, make_result

__all__ = ["solve_lscp"]

logger = logging.getLogger(__name__)


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
        Worker budget (the covering kernel uses 1 CP-SAT worker, measured fastest).
    seed
        Random seed; equal inputs and seed give equal results.

    Returns
    -------
    PlacementResult
        ``objective`` = number of sites (fixed included), ``bound`` = proven lower bound.
        Extras: ``iterations``, ``active_rows``, ``unique_rows``.

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
    logger.info("lscp: %d cells -> %d unique open rows, %d sites", n_demand, reps.size, n_sites)
    out = lazy_min_cover(sub, deadline=deadline, seed=seed, num_workers=1)
    sites = np.union1d(fixed, np.asarray(out.sites, dtype=np.int64))
    status = SolveStatus.OPTIMAL if out.status == "optimal" else SolveStatus.FEASIBLE
    return make_result(
        "lscp", sites, sites.size, fixed.size + out.bound, status,
        time.perf_counter() - t0, iterations=out.iterations, active_rows=out.active_rows,
        unique_rows=int(reps.size),
    )
