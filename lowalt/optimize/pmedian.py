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

from lowalt.optimize._common import raise_unreachable
from lowalt.optimize._matrix import TimeMatrix, as_site_set, as_time_matrix, as_weights
from lowalt.optimize._mip import solve_mip
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
    InfeasibleError
        When a weighted cell is unreachable from every allowed site.
    """
    t0 = time.perf_counter()
    mat = as_time_matrix(times)
    n_sites, n_demand = mat.shape
    w = as_weights(weights, n_demand)
    fixed = as_site_set(fixed_sites, n_sites, "fixed_sites")
    forbidden = as_site_set(forbidden_sites, n_sites, "forbidden_sites")
    if not fixed.size <= k <= n_sites - forbidden.size:
        msg = f"k={k} must be between the number of fixed and of allowed sites"
        raise ValueError(msg)
    demand = np.nonzero(w > 0)[0]
    coo = sp.coo_array(mat)
    keep = np.isin(coo.col, demand) & ~np.isin(coo.row, forbidden)
    site_of, dem_of, t = coo.row[keep], coo.col[keep], coo.data[keep]
    order = np.lexsort((site_of, dem_of))
    site_of, dem_of, t = site_of[order], dem_of[order], t[order]
    counts = np.bincount(dem_of, minlength=n_demand)[demand]
    if np.any(counts == 0):
        raise_unreachable(demand[counts == 0], float("inf"))
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
        sites = _greedy_sites(site_of, dem_pos, w[dem_of] * t, w[demand], n_sites, k, fixed,
                              forbidden)
        status = SolveStatus.FEASIBLE
    else:
        sites = np.nonzero(out.values[:n_sites] > 0.5)[0]
        status = {"optimal": SolveStatus.OPTIMAL, "feasible": SolveStatus.FEASIBLE}.get(
            out.status, SolveStatus.UNKNOWN)
    sub = sp.csc_array(mat[sites][:, demand])
    reached = np.diff(sub.indptr) > 0
    if not reached.all():
        status = SolveStatus.UNKNOWN
    best = np.minimum.reduceat(sub.data, sub.indptr[:-1]) if sub.nnz and reached.all() \
        else np.full(demand.size, np.inf)
    value = float(np.sum(w[demand] * best))
    bound = out.bound if np.isfinite(out.bound) else 0.0  # p-median times are >= 0
    total_w = float(w.sum())
    return make_result("pmedian", sites, value, min(bound, value), status,
                       time.perf_counter() - t0,
                       mean_time_s=value / total_w if total_w > 0 else 0.0)


def _greedy_sites(
    site_of: np.ndarray,
    dem_pos: np.ndarray,
    cost: np.ndarray,
    w_dem: np.ndarray,
    n_sites: int,
    k: int,
    fixed: np.ndarray,
    forbidden: np.ndarray,
) -> np.ndarray:
    """Greedy p-median: fixed sites, then the site saving the most weighted time, k times.

    An unreached cell costs more than any stored pair (``10 * max + 1`` weight·s per unit
    weight), so reach comes first. O(pairs) per pick.
    """
    big = 10.0 * float(cost.max(initial=0.0)) + 1.0
    current = big * np.maximum(w_dem, 1e-12)
    allowed = np.ones(n_sites, dtype=bool)
    allowed[forbidden] = False
    chosen: list[int] = []

    def take(j: int) -> None:
        pick = site_of == j
        np.minimum.at(current, dem_pos[pick], cost[pick])
        chosen.append(j)
        allowed[j] = False

    for j in fixed:
        take(int(j))
    while len(chosen) < k and allowed.any():
        saving = np.bincount(site_of, weights=np.maximum(current[dem_pos] - cost, 0.0),
                             minlength=n_sites)
        saving[~allowed] = -1.0
        take(int(np.argmax(saving)))
    return np.asarray(sorted(chosen), dtype=np.int64)
