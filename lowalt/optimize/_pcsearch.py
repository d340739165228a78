"""Vertex substitution for the p-center: swap one site for another while the worst time falls.

Given ``k`` sites, each pass tries every (site out, site in) pair and applies the one
with the smallest worst response time, as long as it is strictly smaller (the fast
interchange of Mladenović, Labbé and Hansen 2003, for the max objective). Per entering
site ``b`` the worst time after removing each site ``a`` comes from the closest and
second-closest times of every cell: cells served by ``a`` fall back to their second
time, the others keep their closest; both improved by ``b``. That is O(cells + k) per
entering site, so one pass is O(sites × cells) on a dense float32 copy of the matrix.

Used on every cover the p-center search finds: a cover found for radius ``r`` usually
has a worst time just under ``r``; measured on the 5,000 × 500 benchmark (k = 20) this
search takes it well below, so the exact search needs fewer probes.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from numba import njit
from numpy.typing import NDArray

__all__ = ["MAX_DENSE_ENTRIES", "dense_times", "improve_center"]

MAX_DENSE_ENTRIES = 16_000_000
"""Larger matrices (sites × cells) are not searched (a dense float32 copy: 64 MB)."""
MAX_PASSES = 200
"""Most swaps applied."""


@njit(cache=True, nogil=True)
def _serve(
    t: NDArray[np.float32], chosen: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.float32], NDArray[np.float32]]:  # pragma: no cover
    """Closest chosen position, closest and second-closest time of every cell."""
    n = t.shape[1]
    best = np.zeros(n, dtype=np.int64)
    d1 = np.full(n, np.inf, dtype=np.float32)
    d2 = np.full(n, np.inf, dtype=np.float32)
    for p in range(chosen.size):
        row = t[chosen[p]]
        for i in range(n):
            v = row[i]
            if v < d1[i]:
                d2[i] = d1[i]
                d1[i] = v
                best[i] = p
            elif v < d2[i]:
                d2[i] = v
    return best, d1, d2


@njit(cache=True, nogil=True)
def _best_swap(t: NDArray[np.float32], chosen: NDArray[np.int64], in_set: NDArray[np.bool_],
               allowed: NDArray[np.bool_], fixed: NDArray[np.bool_]
               ) -> tuple[float, int, int]:  # pragma: no cover
    """Smallest worst time over single swaps: (worst, position out, site in); -1 if none."""
    k = chosen.size
    best, d1, d2 = _serve(t, chosen)
    n = t.shape[1]
    top = np.inf
    out_pos = -1
    site_in = -1
    g_max = np.empty(k, dtype=np.float32)
    h_max = np.empty(k, dtype=np.float32)
    for b in range(t.shape[0]):
        if in_set[b] or not allowed[b]:
            continue
        row = t[b]
        g_max[:] = -np.inf
        h_max[:] = -np.inf
        for i in range(n):
            v = row[i]
            g = d1[i] if d1[i] < v else v
            h = d2[i] if d2[i] < v else v
            a = best[i]
            if g > g_max[a]:
                g_max[a] = g
            if h > h_max[a]:
                h_max[a] = h
        # Largest and second-largest group maxima of g (cells keeping their closest site).
        m1 = -np.inf
        m2 = -np.inf
        arg1 = -1
        for a in range(k):
            if g_max[a] > m1:
                m2 = m1
                m1 = g_max[a]
                arg1 = a
            elif g_max[a] > m2:
                m2 = g_max[a]
        for a in range(k):
            if fixed[chosen[a]]:
                continue
            others = m2 if a == arg1 else m1
            worst = others if others > h_max[a] else h_max[a]
            if worst < top:
                top = worst
                out_pos = a
                site_in = b
    return top, out_pos, site_in


def dense_times(mat: sp.csr_array) -> NDArray[np.float32] | None:
    """Sites × cells times as a dense float32 array (inf = unreachable), or None.

    None when the matrix has more than ``MAX_DENSE_ENTRIES`` entries. Build it once and
    pass it to every ``improve_center`` call on the same matrix.
    """
    n_sites, n_cells = mat.shape
    if n_sites * n_cells > MAX_DENSE_ENTRIES:
        return None
    t = np.full((n_sites, n_cells), np.inf, dtype=np.float32)
    coo = sp.coo_array(mat)
    t[coo.row, coo.col] = coo.data
    return t


def improve_center(t: NDArray[np.float32] | None, sites: NDArray[np.int64], *,
                   allowed: NDArray[np.bool_] | None = None,
                   fixed: NDArray[np.int64] | None = None,
                   deadline: float | None = None) -> NDArray[np.int64]:
    """Lower the worst response time of ``sites`` by single swaps (best swap first).

    Parameters
    ----------
    t
        Sites × cells response times, seconds, from ``dense_times`` (None: the matrix
        was too large, and ``sites`` come back unchanged).
    sites
        Starting sites (row indices of ``t``); their number is kept.
    allowed
        Sites that may enter (default: all).
    fixed
        Sites that never leave.
    deadline
        ``time.perf_counter()`` value after which no further pass starts (one pass is
        O(sites × cells): 16 M entries, about 0.05 s).

    Returns
    -------
    numpy.ndarray
        Sorted sites, no worse than ``sites`` (``sites`` itself when no swap helps).
    """
    sites = np.unique(np.asarray(sites, dtype=np.int64))
    if t is None or sites.size == 0 or t.shape[1] == 0:
        return sites
    n_sites = t.shape[0]
    allow = np.ones(n_sites, dtype=bool) if allowed is None else np.asarray(allowed, bool)
    fix = np.zeros(n_sites, dtype=bool)
    if fixed is not None:
        fix[np.asarray(fixed, dtype=np.int64)] = True
    in_set = np.zeros(n_sites, dtype=bool)
    in_set[sites] = True
    _, d1, _ = _serve(t, sites)
    current = float(d1.max())
    for _ in range(MAX_PASSES):
        if deadline is not None and time.perf_counter() > deadline:
            break
        worst, pos, site = _best_swap(t, sites, in_set, allow, fix)
        if pos < 0 or not worst < current:
            break
        in_set[sites[pos]] = False
        in_set[site] = True
        sites[pos] = site
        current = worst
    return np.sort(sites)
