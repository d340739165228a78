r"""Backup (double) coverage (Hogan & ReVelle 1986; spopt ``LSCPB``-style).

Two modes.

*Cover mode* (``k=None``): fewest sites so every cell is reached by at least two:

.. math:: \min \sum_j x_j \;\; \text{s.t.} \;\; \sum_{j \in N_i} x_j \ge 2 \;\; \forall i

*Budget mode* (``k`` given): the most double-covered weight with ``k`` sites:

.. math::

    \max \sum_i w_i u_i \;\; \text{s.t.} \;\; 2 u_i \le \sum_{j \in N_i} x_j,\;
    \sum_j x_j \le k,\; x_j, u_i \in \{0,1\}

====================  ======================================================
Symbol                Meaning
====================  ======================================================
:math:`N_i`           sites reaching cell i within the target :math:`S` (s)
:math:`w_i`           demand weight; :math:`u_i` cell double-covered
:math:`k`             number of sites (fixed included)
====================  ======================================================

Cover mode uses the CP-SAT covering kernel (rows deduplicated and dominance-reduced);
budget mode uses HiGHS through ``math_opt`` with a greedy hint.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from lowalt.optimize._common import raise_unreachable
from lowalt.optimize._coverage import coverage_rows, dedupe_rows, dominated_rows
from lowalt.optimize._matrix import TimeMatrix, as_site_set, as_time_matrix, as_weights
from lowalt.optimize._mip import solve_mip
from lowalt.optimize._setcover import solve_cover_cpsat
from lowalt.optimize.result import PlacementResult, SolveStatus, make_result

__all__ = ["solve_backup"]

logger = logging.getLogger(__name__)


def solve_backup(
    times: TimeMatrix | ArrayLike,
    target_s: float,
    k: int | None = None,
    *,
    weights: ArrayLike | None = None,
    fixed_sites: Iterable[int] | None = None,
    forbidden_sites: Iterable[int] | None = None,
    time_limit_s: float = 60.0,
    num_workers: int = 2,
    seed: int = 0,
) -> PlacementResult:
    """Double coverage: fewest sites for ≥ 2-cover (``k=None``) or best 2-cover with ``k``.

    Parameters
    ----------
    times, target_s, weights, fixed_sites, forbidden_sites, time_limit_s, num_workers, seed
        See :func:`lowalt.optimize.solve_mclp`.
    k
        Budget of sites; None for cover mode.

    Returns
    -------
    PlacementResult
        Cover mode: ``objective`` = number of sites. Budget mode: ``objective`` =
        double-covered weight, extra ``uncovered_demand`` = cells not double-covered.

    Raises
    ------
    InfeasibleError
        Cover mode, when a cell has fewer than two allowed sites within the target
        (``unreachable_demand`` lists them).
    """
    t0 = time.perf_counter()
    mat = as_time_matrix(times)
    n_sites, n_demand = mat.shape
    w = as_weights(weights, n_demand)
    fixed = as_site_set(fixed_sites, n_sites, "fixed_sites")
    forbidden = as_site_set(forbidden_sites, n_sites, "forbidden_sites")
    cov = coverage_rows(mat, target_s, forbidden)
    deg = np.diff(cov.indptr)
    fixed_count = (np.asarray(cov[:, fixed].sum(axis=1)).reshape(-1) if fixed.size
                   else np.zeros(n_demand))
    need = np.maximum(2 - fixed_count, 0).astype(np.int64)
    allowed = np.setdiff1d(np.arange(n_sites), np.union1d(fixed, forbidden))
    free_cov = sp.csr_array(cov[:, allowed])
    free_deg = np.diff(free_cov.indptr)
    if k is None:
        bad = np.nonzero(free_deg < need)[0]
        if bad.size:
            raise_unreachable(bad, target_s, what="two allowed sites")
        rows = np.nonzero(need > 0)[0]
        sub = free_cov[rows]
        # Dedupe per requirement level so merged rows share their requirement.
        keep_rows: list[np.ndarray] = []
        for level in (1, 2):
            r = np.nonzero(need[rows] == level)[0]
            reps, _, _ = dedupe_rows(sub[r], np.ones(r.size))
            keep_rows.append(r[reps])
        order = np.concatenate(keep_rows)
        local = sub[order]
        req = need[rows][order]
        if np.all(req == req[:1]) and local.shape[0]:
            dom = dominated_rows(local)
            local, req = local[~dom], req[~dom]
        out = solve_cover_cpsat(local, demand=req, time_limit_s=time_limit_s, num_workers=1,
                                seed=seed)
        chosen = allowed[out.columns]
        sites = np.union1d(fixed, chosen)
        status = {"optimal": SolveStatus.OPTIMAL, "feasible": SolveStatus.FEASIBLE}.get(
            out.status, SolveStatus.UNKNOWN)
        return make_result("backup", sites, sites.size, fixed.size + out.bound, status,
                           time.perf_counter() - t0, mode="cover")
    if k < fixed.size:
        msg = f"k={k} is smaller than the number of fixed sites ({fixed.size})"
        raise ValueError(msg)
    done = (need == 0) & (w > 0)
    base = float(w[done].sum())
    rows = np.nonzero((need > 0) & (free_deg >= need) & (w > 0))[0]
    m, n = rows.size, allowed.size
    local = sp.csr_array(free_cov[rows], dtype=np.float64)
    # Vars: x (n binary), u (m binary). Rows: need_i u_i - sum x <= 0; sum x <= k - |F|.
    a = sp.vstack([
        sp.hstack([-local, sp.diags_array(need[rows].astype(float)).tocsr()]),
        sp.hstack([sp.csr_array(np.ones((1, n))), sp.csr_array((1, m))]),
    ]).tocsr()
    out2 = solve_mip(
        np.concatenate([np.zeros(n), w[rows]]), a, np.full(m + 1, -np.inf),
        np.concatenate([np.zeros(m), [k - fixed.size]]), integer=np.ones(n + m, dtype=bool),
        maximize=True, offset=base, time_limit_s=time_limit_s, num_workers=num_workers,
        seed=seed,
    )
    chosen = allowed[out2.values[:n] > 0.5] if out2.values is not None else np.zeros(0, int)
    sites = np.union1d(fixed, chosen).astype(np.int64)
    count = (np.asarray(cov[:, sites].sum(axis=1)).reshape(-1) if sites.size
             else np.zeros(n_demand))
    double = (count >= 2) & (deg >= 2)
    value = float(w[double].sum())
    status = {"optimal": SolveStatus.OPTIMAL, "feasible": SolveStatus.FEASIBLE}.get(
        out2.status, SolveStatus.UNKNOWN)
    bound = out2.bound if np.isfinite(out2.bound) else float(w.sum())
    return make_result("backup", sites, value, max(bound, value), status,
                       time.perf_counter() - t0, mode="budget",
                       uncovered_demand=np.nonzero(~double)[0])
