"""Multi-cover (every row covered ``need_i`` times) heuristics and exact lazy solve.

Backup coverage asks for two docks within reach of every cell. The single-cover tools
(greedy, swap search, plain column dominance) do not carry over: a site whose cells are
a subset of another's may still be needed, as the second dock. This module holds the
multi-cover versions: a greedy cover, redundancy removal, and lazy row generation with
the CP-SAT covering kernel under a hard deadline, where a site is dropped only when
``max need`` other sites dominate it (``dominated_columns(times=...)``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from lowalt.optimize._coverage import dominated_columns, dominated_rows, gather_rows
from lowalt.optimize._lazy import BATCH_ROWS, INITIAL_ROWS, LazyOutcome, pick_rows
from lowalt.optimize._setcover import solve_cover_cpsat

__all__ = ["cover_counts", "greedy_multicover", "lazy_multicover"]

logger = logging.getLogger(__name__)


def cover_counts(site_major: sp.csr_array, sites: Sequence[int], n_rows: int
                 ) -> NDArray[np.int64]:
    """Count the ``sites`` covering each row (``site_major`` = sites × rows CSR)."""
    idx = np.asarray(sites, dtype=np.int64)
    if idx.size == 0:
        return np.zeros(n_rows, dtype=np.int64)
    return np.bincount(gather_rows(site_major, idx), minlength=n_rows).astype(np.int64)


def greedy_multicover(
    cov: sp.csr_array,
    need: NDArray[np.int64],
    *,
    k: int | None = None,
    weights: NDArray[np.float64] | None = None,
    forced: Sequence[int] = (),
    allowed: NDArray[np.bool_] | None = None,
    site_major: sp.csr_array | None = None,
) -> list[int]:
    """Pick sites greedily by the largest weight of rows still short of their need.

    Parameters
    ----------
    cov
        Demand-major boolean coverage (rows × sites).
    need
        Times each row must be covered (0, 1, 2, ...).
    k
        Most sites to pick (``forced`` included); None: until every row that can be
        met is met, then sites that became redundant are dropped.
    weights
        Row weights (ones when None); a row counts ``w_i`` per unit of need it gains.
    forced
        Sites chosen first (never dropped).
    allowed
        Mask of sites that may be picked.
    """
    n_rows, n_sites = cov.shape
    smaj = sp.csr_array(cov.T) if site_major is None else site_major
    w = np.ones(n_rows) if weights is None else np.asarray(weights, dtype=np.float64)
    w = w + 1e-9 * max(float(w.max(initial=0.0)), 1.0)
    resid = np.asarray(need, dtype=np.int64).copy()
    row_of = np.repeat(np.arange(n_rows), np.diff(cov.indptr))
    gain = np.bincount(cov.indices, weights=(w * (resid > 0))[row_of], minlength=n_sites) \
        if cov.nnz else np.zeros(n_sites)
    mask = np.ones(n_sites, dtype=bool) if allowed is None else np.asarray(allowed, bool).copy()
    chosen: list[int] = []

    def take(site: int) -> None:
        rows = smaj.indices[smaj.indptr[site] : smaj.indptr[site + 1]]
        short = rows[resid[rows] > 0].astype(np.int64)
        resid[short] -= 1
        met = short[resid[short] == 0]
        if met.size:
            cols = gather_rows(cov, met)
            lens = np.diff(cov.indptr)[met]
            gain[:] -= np.bincount(cols, weights=np.repeat(w[met], lens), minlength=n_sites)
        chosen.append(site)
        mask[site] = False

    for s in dict.fromkeys(int(s) for s in forced):
        take(s)
    limit = n_sites if k is None else k
    while len(chosen) < limit:
        cand = np.where(mask, gain, -1.0)
        best = int(np.argmax(cand))
        if cand[best] <= 0.0:
            break
        take(best)
    if k is not None:
        return chosen
    return drop_redundant_multi(cov, need, chosen, keep=forced, site_major=smaj)


def drop_redundant_multi(
    cov: sp.csr_array,
    need: NDArray[np.int64],
    sites: Sequence[int],
    *,
    keep: Sequence[int] = (),
    site_major: sp.csr_array | None = None,
) -> list[int]:
    """Remove chosen sites without which every row still meets its need.

    Sites are tried smallest coverage first; ``keep`` sites stay.
    """
    smaj = sp.csr_array(cov.T) if site_major is None else site_major
    chosen = list(dict.fromkeys(int(s) for s in sites))
    count = cover_counts(smaj, chosen, cov.shape[0])
    keep_set = {int(s) for s in keep}
    result = set(chosen)
    for s in sorted(chosen, key=lambda t: (int(smaj.indptr[t + 1] - smaj.indptr[t]), t)):
        if s in keep_set:
            continue
        rows = smaj.indices[smaj.indptr[s] : smaj.indptr[s + 1]]
        if np.all(count[rows] > need[rows]):
            count[rows] -= 1
            result.discard(s)
    return sorted(result)


def lazy_multicover(
    cov: sp.csr_array,
    need: NDArray[np.int64],
    *,
    deadline: float,
    seed: int = 0,
) -> LazyOutcome:
    """Fewest sites covering every row at least ``need_i`` times, by lazy row generation.

    A greedy cover is the incumbent, so a solution always comes back, even at the
    deadline. The CP-SAT kernel then solves the model on a growing subset of rows; each
    subset optimum is a lower bound, and one that meets every row is optimal.

    Parameters
    ----------
    cov
        Demand-major boolean coverage; every row must have at least ``need_i`` sites.
    need
        Required cover count per row (≥ 1).
    deadline
        ``time.perf_counter()`` value at which to stop and return the incumbent.
    seed
        Random seed of the row sampling and of CP-SAT.
    """
    n_rows = cov.shape[0]
    smaj = sp.csr_array(cov.T)
    deg = np.diff(cov.indptr).astype(np.int64)
    rng = np.random.default_rng(seed)
    best = greedy_multicover(cov, need, site_major=smaj)
    ub = len(best)
    lb = int(need.max(initial=0))
    active = pick_rows(np.arange(n_rows), deg, INITIAL_ROWS, rng)
    hint_sites = best
    it = 0
    while lb < ub:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        it += 1
        sub = cov[active]
        cand = np.unique(sub.indices).astype(np.int64)
        req = need[active]
        cand = cand[~dominated_columns(sub, cand, times=int(req.max()))]
        local = sp.csr_array(sub[:, cand])
        if np.all(req == req[0]):
            keep = ~dominated_rows(local)
            local, req = local[keep], req[keep]
        pos = np.searchsorted(cand, hint_sites)
        ok = (pos < cand.size) & (cand[np.minimum(pos, cand.size - 1)] == hint_sites)
        # ``lower`` is a cut on the subset model: any cover of it can be padded with more
        # candidate columns, so "infeasible" proves no cover below ``ub`` -- unless the
        # subset has fewer candidates than ``lb`` (fixed sites lower some rows' need and
        # dominance may leave one column); then the cut alone makes it infeasible.
        out = solve_cover_cpsat(local, demand=req, lower=min(lb, int(cand.size)),
                                upper=ub - 1, hint=pos[ok], time_limit_s=remaining,
                                num_workers=1, seed=seed)
        logger.debug("multicover it %d: %d rows -> %s: %s value %d bound %d (%.2fs)",
                     it, active.size, local.shape, out.status, out.value, out.bound,
                     out.wall_time_s)
        if out.status == "infeasible":
            lb = ub  # no cover of the subset with fewer than ub sites
            break
        if out.status == "unknown":
            break
        lb = max(lb, out.bound)  # the subset's bound holds for all rows
        sites = [int(s) for s in cand[out.columns]]
        short = np.nonzero(cover_counts(smaj, sites, n_rows) < need)[0]
        if short.size == 0:
            best, ub = sites, len(sites)
            continue
        repaired = greedy_multicover(cov, need, forced=sites, site_major=smaj)
        repaired = drop_redundant_multi(cov, need, repaired, site_major=smaj)
        if len(repaired) < ub:
            best, ub = repaired, len(repaired)
        hint_sites = sites
        active = np.union1d(active, pick_rows(short, deg, BATCH_ROWS, rng))
    status = "optimal" if lb >= ub else "feasible"
    return LazyOutcome(status, sorted(best), ub, min(lb, ub), it, int(active.size))
