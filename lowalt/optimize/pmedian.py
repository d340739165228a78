r"""Weighted p-median: k docks minimising the total (mean) weighted response time.

Formulation
-----------
.. math::

    \min \sum_{(j,i) \in E} w_i t_{ji} z_{ji} \;\; \text{s.t.} \;\;
    \sum_{j:(j,i) \in E} z_{ji} = 1 \;\forall i,\;
    z_{ji} \le x_j,\; \sum_j x_j = k,\; x_j \in \{0,1\},\; z_{ji} \ge 0

====================  ======================================================
Symbol                Meaning
====================  ======================================================
:math:`E`             stored (reachable) site–cell pairs of the matrix
:math:`t_{ji}`        response time, seconds; :math:`w_i` demand weight
:math:`k`             number of docks (fixed included)
====================  ======================================================

Only cells with :math:`w_i > 0` are modelled. ``objective`` is in weight·seconds;
``extras['mean_time_s']`` divides by the total weight. Solved with HiGHS
(``math_opt``); sized for up to a few million stored pairs. Usable as a tie-break:
pass the sites of another model's solution as ``candidate_sites``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from lowalt.optimize._budget import MODEL_ENTRY_S, fits
from lowalt.optimize._checks import (
    check_count,
    check_k,
    check_options,
    check_site_sets,
    check_weights,
)
from lowalt.optimize._common import raise_unreachable
from lowalt.optimize._matrix import TimeMatrix, as_time_matrix, column_min
from lowalt.optimize._mip import solve_mip
from lowalt.optimize.greedy import greedy_layout
from lowalt.optimize.result import PlacementResult, SolveStatus, make_result

__all__ = ["solve_pmedian"]

logger = logging.getLogger(__name__)


def solve_pmedian(
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
    """Choose ``k`` sites minimising the weighted sum of nearest-site response times.

    Parameters
    ----------
    times, weights, fixed_sites, forbidden_sites, time_limit_s, num_workers, seed
        See :func:`lowalt.optimize.solve_pcenter`.
    k
        Number of sites (fixed included).

    Returns
    -------
    PlacementResult
        ``objective`` = Σ w_i · t_i (weight·s); extras ``mean_time_s``.

    Raises
    ------
    ValueError
        When an argument is malformed (see :func:`lowalt.optimize.solve_pcenter`), or
        ``k`` exceeds the number of allowed sites.
    InfeasibleError
        When a weighted cell is unreachable from every allowed site.
    """
    t0 = time.perf_counter()
    time_limit_s, num_workers, seed = check_options(time_limit_s, num_workers, seed)
    deadline = t0 + time_limit_s
    k = check_count("k", k, fix="pass the number of sites as an int, e.g. k=10")
    mat = as_time_matrix(times)
    n_sites, n_demand = mat.shape
    w = check_weights(weights, n_demand)
    fixed, forbidden = check_site_sets(fixed_sites, forbidden_sites, n_sites)
    k = check_k(k, fixed.size)
    if k > n_sites - forbidden.size:
        msg = (f"k={k} is more than the {n_sites - forbidden.size} allowed sites (p-median "
               "opens exactly k); pass a smaller k or forbid fewer sites")
        raise ValueError(msg)
    demand = np.nonzero(w > 0)[0]
    allowed = np.ones(n_sites, dtype=bool)
    allowed[forbidden] = False
    # Fastest allowed time per cell: the reach check, and a lower bound (every cell
    # pays at least it) valid whatever the MIP below manages.
    counts, nearest = column_min(mat, allowed)
    if np.any(counts[demand] == 0):
        raise_unreachable(demand[counts[demand] == 0], float("inf"))
    nearest_bound = float(np.sum(w[demand] * nearest[demand]))
    n_pairs = int(counts[demand].sum())

    def finish(sites: np.ndarray, status: SolveStatus, bound: float) -> PlacementResult:
        sub = sp.csc_array(mat[sites][:, demand])
        reached = np.diff(sub.indptr) > 0
        if not reached.all():
            status = SolveStatus.UNKNOWN
        best = np.minimum.reduceat(sub.data, sub.indptr[:-1]) if sub.nnz and reached.all() \
            else np.full(demand.size, np.inf)
        value = float(np.sum(w[demand] * best))
        if status is not SolveStatus.UNKNOWN and value <= nearest_bound * (1 + 1e-12):
            status = SolveStatus.OPTIMAL  # every cell served by its fastest site
        total_w = float(w.sum())
        return make_result("pmedian", sites, value, min(bound, value), status,
                           time.perf_counter() - t0,
                           mean_time_s=value / total_w if total_w > 0 else 0.0)

    # The MIP has a variable per stored pair and three nonzeros each; building it
    # cannot be interrupted (14 M pairs: minutes), so it is skipped when it cannot fit.
    if not fits(deadline, MODEL_ENTRY_S * 3 * n_pairs):
        logger.info("pmedian: %d pairs do not fit in the budget, greedy layout", n_pairs)
        sites = _greedy_k(mat, k, w, fixed, forbidden, allowed, deadline)
        return finish(sites, SolveStatus.FEASIBLE, nearest_bound)
    coo = sp.coo_array(mat)
    keep = np.isin(coo.col, demand) & allowed[coo.row]
    site_of, dem_of, t = coo.row[keep], coo.col[keep], coo.data[keep]
    order = np.lexsort((site_of, dem_of))
    site_of, dem_of, t = site_of[order], dem_of[order], t[order]
    n_z = t.size
    dem_pos = np.searchsorted(demand, dem_of)
    # Variables: x (n_sites) then z (n_z). Rows: assignment (=1), z - x <= 0, sum x = k.
    assign = sp.csr_array((np.ones(n_z), (dem_pos, n_sites + np.arange(n_z))),
                          shape=(demand.size, n_sites + n_z))
    link = sp.csr_array(
        (np.concatenate([np.ones(n_z), -np.ones(n_z)]),
         (np.tile(np.arange(n_z), 2), np.concatenate([n_sites + np.arange(n_z), site_of]))),
        shape=(n_z, n_sites + n_z))
    card = sp.csr_array(np.concatenate([np.ones(n_sites), np.zeros(n_z)])[None, :])
    a = sp.vstack([assign, link, card]).tocsr()
    lb = np.concatenate([np.ones(demand.size), np.full(n_z, -np.inf), [k]])
    ub = np.concatenate([np.ones(demand.size), np.zeros(n_z), [k]])
    c = np.concatenate([np.zeros(n_sites), w[dem_of] * t])
    var_lb = np.zeros(n_sites + n_z)
    var_lb[fixed] = 1.0
    var_ub = np.ones(n_sites + n_z)
    var_ub[forbidden] = 0.0
    integer = np.concatenate([np.ones(n_sites, bool), np.zeros(n_z, bool)])
    remaining_s = max(time_limit_s - (time.perf_counter() - t0), 0.0)
    out = solve_mip(c, a, lb, ub, var_lb=var_lb, var_ub=var_ub, integer=integer,
                    time_limit_s=remaining_s, num_workers=num_workers, seed=seed)
    if out.status == "infeasible":
        raise_unreachable(np.zeros(0, dtype=np.int64), float("inf"),
                          what=f"any {k} allowed sites together (some cell stays unreachable)")
    if out.values is None:
        # No MIP solution within the budget: the greedy layout comes back instead.
        sites = _greedy_k(mat, k, w, fixed, forbidden, allowed, deadline)
        status = SolveStatus.FEASIBLE
    else:
        sites = np.nonzero(out.values[:n_sites] > 0.5)[0]
        status = {"optimal": SolveStatus.OPTIMAL, "feasible": SolveStatus.FEASIBLE}.get(
            out.status, SolveStatus.UNKNOWN)
    bound = max(out.bound, nearest_bound) if np.isfinite(out.bound) else nearest_bound
    return finish(sites, status, bound)


def _greedy_k(
    mat: sp.csr_array,
    k: int,
    w: np.ndarray,
    fixed: np.ndarray,
    forbidden: np.ndarray,
    allowed: np.ndarray,
    deadline: float,
) -> np.ndarray:
    """Greedy layout (``greedy_layout``) padded to exactly ``k`` allowed sites.

    Sites saving nothing are added lowest index first (p-median opens exactly k).
    """
    sites = greedy_layout(mat, k, weights=w, fixed=fixed, forbidden=forbidden,
                          deadline=deadline)
    if sites.size < k:
        free = np.flatnonzero(allowed)
        free = free[~np.isin(free, sites)]
        sites = np.union1d(sites, free[: k - sites.size])
    return sites
