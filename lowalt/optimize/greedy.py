"""Greedy heuristics: set cover, max cover and redundancy removal.

These give the warm starts (incumbents and solver hints) for the exact models. All
operate on a demand-major boolean coverage matrix (rows × sites) and its site-major
transpose, in O(nnz) per call plus O(n_sites) per pick.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from lowalt.optimize._coverage import gather_rows

__all__ = ["drop_redundant", "greedy_cover", "greedy_max_cover", "max_cover_upper_bound"]


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
