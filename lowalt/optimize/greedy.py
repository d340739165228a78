"""Greedy heuristics: set cover, max cover and redundancy removal.

These give the warm starts (incumbents and solver hints) for the exact models. All
operate on a demand-major boolean coverage matrix (rows × sites) and its site-major
transpose, in O(nnz) per call plus O(n_sites) per pick.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numba import njit
from numpy.typing import NDArray

from lowalt.optimize._coverage import gather_rows

__all__ = [
    "drop_redundant",
    "greedy_cover",
    "greedy_layout",
    "greedy_max_cover",
    "max_cover_upper_bound",
]


def _site_major(cov: sp.csr_array) -> sp.csr_array:
    return sp.csr_array(cov.T)


def greedy_max_cover(
    cov: sp.csr_array,
    weights: NDArray[np.float64] | None,
    k: int | None,
    *,
    forced: Sequence[int] = (),
    allowed: NDArray[np.bool_] | None = None,
    site_major: sp.csr_array | None = None,
) -> tuple[list[int], NDArray[np.bool_]]:
    """Pick sites greedily by largest newly covered weight.

    Parameters
    ----------
    cov
        Demand-major boolean coverage (rows × sites).
    weights
        Row weights (ones when None). Zero-weight rows still count as covered.
    k
        Maximum number of sites including ``forced``; None = until everything
        coverable is covered.
    forced
        Sites chosen first, unconditionally.
    allowed
        Mask of sites that may be picked (default: all).
    site_major
        ``cov.T`` as CSR, if already available.

    Returns
    -------
    sites, covered
        Chosen sites in pick order and the row mask they cover.
    """
    n_rows, n_sites = cov.shape
    w = np.ones(n_rows) if weights is None else np.asarray(weights, dtype=np.float64)
    # Tiny bonus per row so zero-weight rows are still worth covering after the rest.
    w_eff = w + 1e-9 * max(float(w.max(initial=0.0)), 1.0)
    smaj = _site_major(cov) if site_major is None else site_major
    covered = np.zeros(n_rows, dtype=bool)
    gain = (
        np.bincount(
            cov.indices,
            weights=w_eff[np.repeat(np.arange(n_rows), np.diff(cov.indptr))],
            minlength=n_sites,
        )
        if cov.nnz
        else np.zeros(n_sites)
    )
    mask = np.ones(n_sites, dtype=bool) if allowed is None else allowed.copy()
    chosen: list[int] = []

    def take(site: int) -> None:
        rows = smaj.indices[smaj.indptr[site] : smaj.indptr[site + 1]]
        new = rows[~covered[rows]].astype(np.int64)
        covered[new] = True
        if new.size:
            cols = gather_rows(cov, new)
            lens = np.diff(cov.indptr)[new]
            gain[:] -= np.bincount(cols, weights=np.repeat(w_eff[new], lens), minlength=n_sites)
        chosen.append(site)
        mask[site] = False

    for s in forced:
        if int(s) not in chosen:
            take(int(s))
    limit = n_sites if k is None else k
    while len(chosen) < limit:
        cand = np.where(mask, gain, -1.0)
        best = int(np.argmax(cand))
        if cand[best] <= 1e-12 * max(float(w_eff.max(initial=1.0)), 1.0):
            break
        take(best)
    return chosen, covered


def greedy_cover(
    cov: sp.csr_array,
    *,
    forced: Sequence[int] = (),
    allowed: NDArray[np.bool_] | None = None,
    site_major: sp.csr_array | None = None,
) -> list[int]:
    """Greedy set cover followed by redundancy removal; covers every coverable row."""
    smaj = _site_major(cov) if site_major is None else site_major
    chosen, _ = greedy_max_cover(cov, None, None, forced=forced, allowed=allowed, site_major=smaj)
    return drop_redundant(cov, chosen, keep=forced, site_major=smaj)


def drop_redundant(
    cov: sp.csr_array,
    sites: Sequence[int],
    *,
    keep: Sequence[int] = (),
    site_major: sp.csr_array | None = None,
) -> list[int]:
    """Remove sites whose rows are all covered by other chosen sites.

    Sites are tried smallest coverage first; ``keep`` sites are never removed.
    """
    smaj = _site_major(cov) if site_major is None else site_major
    count = np.zeros(cov.shape[0], dtype=np.int64)
    chosen = [int(s) for s in dict.fromkeys(int(s) for s in sites)]
    for s in chosen:
        count[smaj.indices[smaj.indptr[s] : smaj.indptr[s + 1]]] += 1
    keep_set = {int(s) for s in keep}
    sizes = {s: int(smaj.indptr[s + 1] - smaj.indptr[s]) for s in chosen}
    result = set(chosen)
    for s in sorted(chosen, key=lambda t: (sizes[t], t)):
        if s in keep_set:
            continue
        rows = smaj.indices[smaj.indptr[s] : smaj.indptr[s + 1]]
        if np.all(count[rows] >= 2):
            count[rows] -= 1
            result.discard(s)
    return sorted(result)


def max_cover_upper_bound(
    cov: sp.csr_array,
    weights: NDArray[np.float64] | None,
    k: int,
    picks: Sequence[int],
    *,
    allowed: NDArray[np.bool_] | None = None,
    site_major: sp.csr_array | None = None,
) -> float:
    r"""Upper bound on the weight ``k`` allowed sites can cover (submodularity bound).

    For any set :math:`S` and any :math:`k` sites :math:`O`,
    :math:`f(O) \le f(S \cup O) \le f(S) + \sum_{o \in O} \Delta_o(S)`, so
    :math:`f(S)` plus the ``k`` largest marginal gains :math:`\Delta_j(S)` bounds the
    optimum (Nemhauser et al. 1978; Leskovec et al. 2007). The bound is evaluated for
    every prefix of ``picks`` (the empty set included) and the smallest is returned.

    Parameters
    ----------
    cov
        Demand-major boolean coverage (rows × sites).
    weights
        Row weights (ones when None), non-negative.
    k
        Number of sites the optimum may choose among ``allowed``.
    picks
        Sites in the order a heuristic chose them (typically greedy).
    allowed
        Mask of sites the optimum may choose (default all).

    Returns
    -------
    float
        A proven upper bound on the best covered weight with ``k`` allowed sites.
    """
    n_rows, n_sites = cov.shape
    w = np.ones(n_rows) if weights is None else np.asarray(weights, dtype=np.float64)
    smaj = _site_major(cov) if site_major is None else site_major
    row_of = np.repeat(np.arange(n_rows), np.diff(cov.indptr))
    gain = np.bincount(cov.indices, weights=w[row_of], minlength=n_sites) if cov.nnz \
        else np.zeros(n_sites)
    mask = np.ones(n_sites, dtype=bool) if allowed is None else np.asarray(allowed, bool)
    covered = np.zeros(n_rows, dtype=bool)
    value = 0.0
    k = max(int(k), 0)

    def bound() -> float:
        g = gain[mask]
        if k == 0 or g.size == 0:
            return value
        top = g if g.size <= k else np.partition(g, g.size - k)[g.size - k:]
        return value + float(np.maximum(top, 0.0).sum())

    best = bound()
    for site in picks:
        rows = smaj.indices[smaj.indptr[site] : smaj.indptr[site + 1]]
        new = rows[~covered[rows]].astype(np.int64)
        if new.size:
            covered[new] = True
            value += float(w[new].sum())
            cols = gather_rows(cov, new)
            lens = np.diff(cov.indptr)[new]
            gain -= np.bincount(cols, weights=np.repeat(w[new], lens), minlength=n_sites)
        best = min(best, bound())
    return min(best, float(w.sum()))


@njit(cache=True, nogil=True)
def _best_pick(indptr: NDArray[np.integer], indices: NDArray[np.integer],
               data: NDArray[np.float64], w: NDArray[np.float64],
               current: NDArray[np.float64], order: NDArray[np.int64],
               ub: NDArray[np.float64]) -> int:
    """Site of ``order`` saving the most ``Σ w_i max(current_i - t_ji, 0)``; -1 if none.

    ``ub`` holds upper bounds on every site's saving (stale savings: they only shrink)
    and ``order`` the candidates by decreasing bound; the scan stops once no bound can
    beat the best exact saving, and updates ``ub`` with the savings it computes.
    """
    best = 0.0
    best_j = -1
    for idx in range(order.size):
        j = order[idx]
        if ub[j] <= best:
            break
        g = 0.0
        for p in range(indptr[j], indptr[j + 1]):
            d = current[indices[p]] - data[p]
            if d > 0.0:
                g += w[indices[p]] * d
        ub[j] = g
        if g > best:
            best = g
            best_j = j
    return best_j


def greedy_layout(
    times: sp.csr_array,
    k: int,
    *,
    weights: NDArray[np.float64] | None = None,
    fixed: NDArray[np.int64] | None = None,
    forbidden: NDArray[np.int64] | None = None,
    deadline: float | None = None,
) -> NDArray[np.int64]:
    """Pick ``k`` sites greedily by the largest drop in total weighted response time.

    The fallback layout of the models whose answer is a set of sites (p-median,
    p-center) when the exact solver has no answer in time. Fixed sites come first; each
    further pick saves the most ``Σ_i w_i t_i`` (``t_i``: the cell's best response
    time so far), an unreached cell costing more than any stored pair (``10 * max + 1``
    seconds), so reaching cells comes first. Savings only shrink as sites are added
    (submodularity), so stale savings are upper bounds and each pick scans the sites by
    decreasing bound until none can beat the best (compiled; 1,000 × 20,000 with 14 M
    pairs, k = 10: about 0.15 s).

    Parameters
    ----------
    times
        Canonical sites × demand response times, seconds (``as_time_matrix``).
    k
        Number of sites to return, fixed sites included (fewer when no further site
        saves anything).
    weights
        Demand weights (default ones); cells with weight 0 do not count.
    fixed, forbidden
        Sites always / never picked.
    deadline
        ``time.perf_counter()`` value; once passed, the remaining picks are the sites
        with the largest (stale) savings, without re-evaluation.

    Returns
    -------
    numpy.ndarray
        The chosen site indices (int64), sorted ascending.
    """
    n_sites, n_demand = times.shape
    w = np.ones(n_demand) if weights is None else np.asarray(weights, dtype=np.float64)
    unit = weights is None or bool(np.all(w == 1.0))
    data = np.asarray(times.data, dtype=np.float64)
    indices, indptr = times.indices, times.indptr
    big = 10.0 * float(data.max(initial=0.0)) + 1.0
    current = np.where(w > 0, big, 0.0)
    contrib = (big - data) if unit else w[indices] * (big - data)  # no gather when unit
    csum = np.zeros(contrib.size + 1)
    np.cumsum(contrib, out=csum[1:])
    ub = csum[indptr[1:]] - csum[indptr[:-1]]
    allowed = np.ones(n_sites, dtype=bool)
    if forbidden is not None:
        allowed[forbidden] = False
    chosen: list[int] = []

    def take(j: int) -> None:
        lo, hi = indptr[j], indptr[j + 1]
        cells = indices[lo:hi]
        current[cells] = np.minimum(current[cells], data[lo:hi])
        chosen.append(j)
        allowed[j] = False

    for j in () if fixed is None else fixed:
        if allowed[int(j)]:
            take(int(j))
    while len(chosen) < k and allowed.any():
        cand = np.flatnonzero(allowed)
        order = cand[np.argsort(-ub[cand], kind="stable")]
        if deadline is not None and time.perf_counter() > deadline:
            chosen.extend(int(j) for j in order[: k - len(chosen)] if ub[j] > 0.0)
            break
        j = _best_pick(indptr, indices, data, w, current, order, ub)
        if j < 0:
            break
        take(int(j))
    return np.asarray(sorted(chosen), dtype=np.int64)
