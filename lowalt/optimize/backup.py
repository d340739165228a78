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

Cover mode: identical cells merged, a greedy double cover as the incumbent, then lazy
row generation with the CP-SAT covering kernel (``_multicover``) until proven or the
deadline, when the incumbent comes back with its bound. Budget mode: identical cells
merged (weights summed), a greedy hint, then HiGHS through ``math_opt`` on the remaining
budget; the better of greedy and MIP is returned. Its bound is the MIP's dual bound or
the submodularity bound of *single* coverage with k sites (double coverage implies
single coverage), whichever is smaller.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from lowalt.optimize._budget import ENTRY_PASS_S, MODEL_ENTRY_S, fits
from lowalt.optimize._checks import (
    check_count,
    check_k,
    check_options,
    check_seconds,
    check_site_sets,
    check_weights,
)
from lowalt.optimize._common import raise_unreachable
from lowalt.optimize._coverage import coverage_rows, dedupe_rows
from lowalt.optimize._matrix import TimeMatrix, as_time_matrix
from lowalt.optimize._mip import solve_mip
from lowalt.optimize._multicover import cover_counts, greedy_multicover, lazy_multicover
from lowalt.optimize.greedy import greedy_max_cover, max_cover_upper_bound
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
    ValueError
        When an argument is malformed (see :func:`lowalt.optimize.solve_mclp`); ``k``
        is None or an integer >= 1 and >= the number of fixed sites.
    InfeasibleError
        Cover mode, when a cell has fewer than two allowed sites within the target
        (``unreachable_demand`` lists them).
    """
    t0 = time.perf_counter()
    time_limit_s, num_workers, seed = check_options(time_limit_s, num_workers, seed)
    target_s = check_seconds("target_s", target_s)
    if k is not None:
        k = check_count("k", k, fix="pass the number of sites as an int (k=10), or k=None "
                        "for the fewest sites covering every cell twice")
    deadline = t0 + time_limit_s
    mat = as_time_matrix(times)
    n_sites, n_demand = mat.shape
    w = check_weights(weights, n_demand)
    fixed, forbidden = check_site_sets(fixed_sites, forbidden_sites, n_sites)
    if k is not None:
        k = check_k(k, fixed.size)
    cov = coverage_rows(mat, target_s, forbidden)
    deg = np.diff(cov.indptr)
    fixed_count = (np.asarray(cov[:, fixed].sum(axis=1)).reshape(-1) if fixed.size
                   else np.zeros(n_demand))
    need = np.maximum(2 - fixed_count, 0).astype(np.int64)
    allowed = np.setdiff1d(np.arange(n_sites), np.union1d(fixed, forbidden))
    # Column indexing copies every entry: skipped when every site is free.
    free_cov = cov if allowed.size == n_sites else sp.csr_array(cov[:, allowed])
    free_deg = np.diff(free_cov.indptr)
    if k is None:
        bad = np.nonzero(free_deg < need)[0]
        if bad.size:
            raise_unreachable(bad, target_s, what="two allowed sites")
        rows = np.nonzero(need > 0)[0]
        sub = free_cov[rows]
        # Dedupe per requirement level so merged rows share their requirement.
        keep_rows: list[np.ndarray] = []
        # Merging only shrinks the model: skipped when it cannot end in time.
        merge = fits(deadline, 2 * ENTRY_PASS_S * sub.nnz)
        for level in (1, 2):
            r = np.nonzero(need[rows] == level)[0]
            reps = dedupe_rows(sub[r], np.ones(r.size))[0] if merge else np.arange(r.size)
            keep_rows.append(r[reps])
        order = np.concatenate(keep_rows)
        if order.size == 0:
            return make_result("backup", fixed, fixed.size, fixed.size, SolveStatus.OPTIMAL,
                               time.perf_counter() - t0, mode="cover")
        out = lazy_multicover(sub[order], need[rows][order], deadline=deadline, seed=seed)
        sites = np.union1d(fixed, allowed[np.asarray(out.sites, dtype=np.int64)])
        status = SolveStatus.OPTIMAL if out.status == "optimal" else SolveStatus.FEASIBLE
        return make_result("backup", sites, sites.size, fixed.size + out.bound, status,
                           time.perf_counter() - t0, mode="cover", iterations=out.iterations,
                           active_rows=out.active_rows)
    done = (need == 0) & (w > 0)
    base = float(w[done].sum())
    rows = np.nonzero((need > 0) & (free_deg >= need) & (w > 0))[0]
    sub = free_cov[rows]
    # Merge identical cells per requirement level (weights summed).
    groups = []
    for level in (1, 2):
        r = np.nonzero(need[rows] == level)[0]
        reps, _, mw = dedupe_rows(sub[r], w[rows][r])
        groups.append((r[reps], mw))
    order = np.concatenate([g[0] for g in groups])
    mw = np.concatenate([g[1] for g in groups])
    sub, req = sp.csr_array(sub[order]), need[rows][order]
    cap = k - fixed.size
    smaj = sp.csr_array(sub.T)
    greedy = greedy_multicover(sub, req, k=cap, weights=mw, site_major=smaj)
    greedy_value = base + float(mw[cover_counts(smaj, greedy, sub.shape[0]) >= req].sum())
    # Double coverage implies single coverage, so the submodularity bound of the single
    # cover problem bounds this one too (valid whatever the MIP below returns).
    single_picks, _ = greedy_max_cover(sub, mw, cap, site_major=smaj)
    bound_single = base + max_cover_upper_bound(sub, mw, cap, single_picks, site_major=smaj)
    def evaluate(chosen: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
        sites = np.union1d(fixed, chosen).astype(np.int64)
        count = (np.asarray(cov[:, sites].sum(axis=1)).reshape(-1) if sites.size
                 else np.zeros(n_demand))
        double = (count >= 2) & (deg >= 2)
        return sites, float(w[double].sum()), double

    greedy_eval = evaluate(allowed[np.asarray(greedy, dtype=np.int64)])
    if greedy_value >= bound_single * (1 - 1e-12):
        return make_result("backup", greedy_eval[0], greedy_value, greedy_value,
                           SolveStatus.OPTIMAL, time.perf_counter() - t0, mode="budget",
                           greedy_value=greedy_value,
                           uncovered_demand=np.nonzero(~greedy_eval[2])[0])
    if not fits(deadline, MODEL_ENTRY_S * (sub.nnz + 2 * order.size + allowed.size)):
        # No time to build the MIP (it cannot be interrupted): the greedy layout.
        sites, value, double = greedy_eval
        return make_result("backup", sites, value, max(bound_single, value),
                           SolveStatus.FEASIBLE, time.perf_counter() - t0, mode="budget",
                           greedy_value=greedy_value, uncovered_demand=np.nonzero(~double)[0])
    m, n = order.size, allowed.size
    local = sp.csr_array(sub, dtype=np.float64)
    hint = np.zeros(n + m)
    hint[np.asarray(greedy, dtype=np.int64)] = 1.0
    hint[n:] = cover_counts(smaj, greedy, m) >= req
    # Vars: x (n binary), u (m binary). Rows: need_i u_i - sum x <= 0; sum x <= k - |F|.
    a = sp.vstack([
        sp.hstack([-local, sp.diags_array(req.astype(float)).tocsr()]),
        sp.hstack([sp.csr_array(np.ones((1, n))), sp.csr_array((1, m))]),
    ]).tocsr()
    out2 = solve_mip(
        np.concatenate([np.zeros(n), mw]), a, np.full(m + 1, -np.inf),
        np.concatenate([np.zeros(m), [cap]]), integer=np.ones(n + m, dtype=bool),
        maximize=True, offset=base, hint=hint,
        time_limit_s=max(deadline - time.perf_counter(), 0.0), num_workers=num_workers,
        seed=seed,
    )

    sites, value, double = greedy_eval
    status = SolveStatus.FEASIBLE
    if out2.values is not None:
        mip = evaluate(allowed[out2.values[:n] > 0.5])
        if mip[1] >= value:
            sites, value, double = mip
            status = {"optimal": SolveStatus.OPTIMAL}.get(out2.status, SolveStatus.FEASIBLE)
    bound = min(out2.bound, bound_single) if np.isfinite(out2.bound) else bound_single
    if value >= bound * (1 - 1e-9) - 1e-9:
        status = SolveStatus.OPTIMAL
    return make_result("backup", sites, value, max(bound, value), status,
                       time.perf_counter() - t0, mode="budget", greedy_value=greedy_value,
                       uncovered_demand=np.nonzero(~double)[0])
