"""Sparse coverage sets and the reductions applied before any solver sees them.

A *coverage matrix* here is a boolean ``csr_array`` of shape (rows, n_sites): row
``i`` lists the sites that reach demand ``i`` within the target. Columns keep the
original site indices throughout, so no remapping of sites is ever needed.
"""

from __future__ import annotations

import logging

import numpy as np
import scipy.sparse as sp
from numba import njit
from numpy.typing import NDArray

__all__ = [
    "coverage_rows",
    "dedupe_rows",
    "dominated_columns",
    "dominated_rows",
    "gather_rows",
    "keep_entries",
    "pick_rows",
    "row_degrees",
]

logger = logging.getLogger(__name__)

_DENSE_DOMINANCE_LIMIT = 6000
"""Largest number of columns (or rows) for which the pairwise dominance test is run."""
_DENSE_ROWS = 2000
_DENSE_ROWS_WORK = 2e6
"""Up to ``_DENSE_ROWS`` rows and this many multiply-adds, one sparse product tests all pairs."""
_BITSET_BYTES = 256 * 2**20
"""Largest per-row bitset table ``dominated_rows`` builds (beyond it, it counts instead)."""
DOMINANCE_WORK_PER_S = 5e8
"""Words the compiled row-dominance test compares per second, for ``budget_s`` (with margin)."""
_DOMINANCE_WORK_LIMIT = 5e8
"""Most multiply-adds (sum of squared counts) the pairwise test may cost: about 2 s at most."""


def keep_entries(mat: sp.csr_array, keep: NDArray[np.bool_], *,
                 data: NDArray[np.generic] | None = None,
                 row_of: NDArray[np.int64] | None = None) -> sp.csr_array:
    """Return ``mat`` with only the stored entries flagged in ``keep``.

    The CSR arrays are filtered directly (no COO round trip), so every row keeps its
    index order. ``keep`` has one flag per stored entry; ``data`` gives the kept
    entries' values (default: their own); ``row_of`` is the row of every stored entry,
    when the caller already has it.
    """
    n_rows = mat.shape[0]
    if row_of is None:
        row_of = np.repeat(np.arange(n_rows), np.diff(mat.indptr))
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of[keep], minlength=n_rows), out=indptr[1:])
    values = mat.data[keep] if data is None else data
    return sp.csr_array((values, mat.indices[keep], indptr), shape=mat.shape)


def coverage_rows(
    times: sp.csr_array, target_s: float, forbidden: NDArray[np.int64] | None = None
) -> sp.csr_array:
    """Return the demand-major coverage matrix ``times <= target_s``.

    Parameters
    ----------
    times
        Canonical sites × demand response times, seconds (see ``as_time_matrix``).
    target_s
        Response-time target, seconds; a pair is covered when ``time <= target_s``.
    forbidden
        Site indices that may not be used (their columns are emptied).

    Returns
    -------
    scipy.sparse.csr_array
        Boolean (n_demand × n_sites) matrix with sorted indices.
    """
    n_sites, n_demand = times.shape
    row_of = np.repeat(np.arange(n_sites), np.diff(times.indptr))
    keep = times.data <= target_s
    if forbidden is not None and forbidden.size:
        keep &= ~np.isin(row_of, forbidden)
    kept = keep_entries(times, keep, data=np.ones(int(keep.sum()), dtype=bool),
                        row_of=row_of)
    # The CSC conversion is a counting sort (C++): a demand-major layout whose site
    # indices come out ascending; read as CSR of the transpose it is the coverage matrix.
    csc = kept.tocsc()
    csc.sort_indices()
    return sp.csr_array((csc.data, csc.indices, csc.indptr), shape=(n_demand, n_sites))


def row_degrees(cov: sp.csr_array) -> NDArray[np.int64]:
    """Return the number of stored entries per row."""
    deg: NDArray[np.int64] = np.diff(cov.indptr).astype(np.int64)
    return deg


def gather_rows(cov: sp.csr_array, rows: NDArray[np.int64]) -> NDArray[np.int64]:
    """Concatenate the column indices of ``rows`` (vectorised, no Python loop)."""
    starts = cov.indptr[rows]
    lengths = cov.indptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    cols: NDArray[np.int64] = cov.indices[offsets + np.arange(total)].astype(np.int64)
    return cols


def dedupe_rows(
    cov: sp.csr_array, weights: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Merge demand rows with identical coverage sets.

    Rows are grouped by a 128-bit additive hash of their site sets (two random 64-bit
    keys per site) plus their length; each group is then verified exactly, so a hash
    collision can never merge different rows.

    Returns
    -------
    reps
        One representative row index per group (ascending).
    group
        For every row, the position of its group in ``reps``.
    merged_weights
        Sum of the weights of each group's rows.
    """
    n_rows, n_cols = cov.shape
    deg = row_degrees(cov)
    rng = np.random.default_rng(0x5EED)
    keys = rng.integers(0, np.iinfo(np.int64).max, size=(2, n_cols), dtype=np.int64).view(np.uint64)
    h = np.zeros((n_rows, 3), dtype=np.uint64)
    h[:, 0] = deg.astype(np.uint64)
    nonempty = deg > 0
    if cov.nnz:
        starts = cov.indptr[:-1][nonempty]
        for k in range(2):
            vals = keys[k][cov.indices]
            h[nonempty, k + 1] = np.add.reduceat(vals, starts)
    _, first, group = np.unique(h, axis=0, return_index=True, return_inverse=True)
    group = group.reshape(-1).astype(np.int64)
    # Exact verification: every row must equal its representative, entry by entry.
    rep_of_row = first[group]
    same = rep_of_row == np.arange(n_rows)
    check = np.nonzero(~same)[0]
    if check.size:
        a = gather_rows(cov, check)
        b = gather_rows(cov, rep_of_row[check])
        seg = np.repeat(np.arange(check.size), deg[check])
        bad_entries = seg[a != b]
        if bad_entries.size:  # pragma: no cover - needs a 128-bit hash collision
            bad = check[np.unique(bad_entries)]
            logger.warning("dedupe_rows: %d hash collisions, kept unmerged", bad.size)
            group = group.copy()
            group[bad] = group.max() + 1 + np.arange(bad.size)
            _, first, group = np.unique(group, return_index=True, return_inverse=True)
    order = np.argsort(first)
    reps = first[order].astype(np.int64)
    remap = np.empty_like(order)
    remap[order] = np.arange(order.size)
    group = remap[group]
    merged = np.bincount(group, weights=weights, minlength=reps.size)
    return reps, group.astype(np.int64, copy=False), merged.astype(np.float64, copy=False)


def _subset_matrix(cov: sp.csr_array, max_rows: int = _DENSE_DOMINANCE_LIMIT,
                   max_work: float = _DOMINANCE_WORK_LIMIT) -> NDArray[np.bool_] | None:
    """``S[a, b]`` true when row a ⊆ row b, for a small matrix; None when too large.

    Too large: more than ``max_rows`` rows, or a product ``cov @ cov.T`` costing more
    than ``max_work`` multiply-adds.
    """
    n = cov.shape[0]
    if n > max_rows:
        return None
    counts = np.bincount(cov.indices, minlength=cov.shape[1]).astype(np.float64)
    if float(counts @ counts) > max_work:
        return None
    c = sp.csr_array(cov, dtype=np.int32)
    inter = (c @ c.T).toarray()
    deg = row_degrees(cov)
    subset: NDArray[np.bool_] = inter == deg[:, None]
    return subset


def dominated_columns(
    cov: sp.csr_array,
    candidates: NDArray[np.int64],
    weights: NDArray[np.float64] | None = None,
    times: int = 1,
    exact_rows: NDArray[np.bool_] | None = None,
) -> NDArray[np.bool_]:
    """Flag candidate columns whose covered rows are a subset of ``times`` others'.

    Columns are ordered by strength (more rows first, then lower index); a column is
    dropped when at least ``times`` stronger columns cover a superset of its rows. The
    ``times`` strongest of those are never dropped themselves, so in a cover where rows
    need up to ``times`` sites, a dropped column can always be swapped for a kept one
    (``times=1``: plain dominance; ``times=2``: backup coverage). For positive weights
    only the rows with a positive weight count. Rows flagged in ``exact_rows`` must be
    covered exactly once, so there a column is dominated only by columns covering the
    *same* exact rows (a swap must not cover such a row twice). Returns a mask over
    ``candidates``; all False when there are too many candidates for the pairwise test.
    """
    sub = cov[:, candidates]
    if weights is not None:
        sub = sub[weights > 0]
    colmajor = sp.csr_array(sub.T)
    s = _subset_matrix(colmajor)
    if s is None:
        return np.zeros(candidates.size, dtype=bool)
    deg = row_degrees(colmajor)
    idx = np.arange(candidates.size)
    stronger = (deg[None, :] > deg[:, None]) | (
        (deg[None, :] == deg[:, None]) & (idx[None, :] < idx[:, None])
    )
    s &= stronger
    if exact_rows is not None and np.any(exact_rows):
        if weights is not None:
            msg = "exact_rows cannot be combined with weights"
            raise ValueError(msg)
        exact = sp.csr_array(sub[np.nonzero(exact_rows)[0]].T)
        s_exact = _subset_matrix(exact)
        if s_exact is None:
            return np.zeros(candidates.size, dtype=bool)
        s &= s_exact.T  # the stronger column's exact rows lie within the weaker one's
    dominated: NDArray[np.bool_] = s.sum(axis=1) >= max(int(times), 1)
    return dominated


@njit(cache=True, nogil=True)
def _superset_rows(r_ptr: NDArray[np.integer], r_idx: NDArray[np.integer],
                   c_ptr: NDArray[np.integer], c_idx: NDArray[np.integer], n_cols: int,
                   protect: NDArray[np.bool_], bitsets: bool, max_work: int
                   ) -> NDArray[np.bool_]:
    """Flag rows ``a`` with some row ``b ⊆ a`` ordered before them (see ``dominated_rows``).

    For each row ``b`` that is not itself flagged, the candidate supersets are the rows
    of ``b``'s rarest site; each is tested with per-row bitsets (``bitsets``) or by
    counting its sites among ``b``'s marked sites (no extra memory). Once more than
    ``max_work`` words or sites have been compared (``max_work > 0``), the rows not yet
    used as ``b`` are left unflagged: every flag set is still proven.
    """
    n_rows = r_ptr.size - 1
    words = (n_cols + 63) // 64 if bitsets else 0
    bits = np.zeros((n_rows if bitsets else 0, words), dtype=np.uint64)
    deg = np.empty(n_rows, dtype=np.int64)
    for r in range(n_rows):
        deg[r] = r_ptr[r + 1] - r_ptr[r]
        if bitsets:
            for k in range(r_ptr[r], r_ptr[r + 1]):
                j = r_idx[k]
                bits[r, j >> 6] |= np.uint64(1) << np.uint64(j & 63)
    mark = np.zeros(n_cols, dtype=np.bool_)
    out = np.zeros(n_rows, dtype=np.bool_)
    work = 0
    for b in range(n_rows):
        if max_work > 0 and work > max_work:
            break
        # A flagged row's own subset flags every superset of it (the order is transitive).
        if out[b]:
            continue
        if deg[b] == 0:  # an empty row lies within every row
            for a in range(n_rows):
                if not (out[a] or protect[a] or (deg[a] == 0 and a <= b)):
                    out[a] = True
            continue
        rare = r_idx[r_ptr[b]]
        for k in range(r_ptr[b], r_ptr[b + 1]):
            j = r_idx[k]
            if c_ptr[j + 1] - c_ptr[j] < c_ptr[rare + 1] - c_ptr[rare]:
                rare = j
            mark[j] = True
        for k in range(c_ptr[rare], c_ptr[rare + 1]):
            a = c_idx[k]
            if out[a] or protect[a] or deg[a] < deg[b] or (deg[a] == deg[b] and a <= b):
                continue
            inside = True
            work += words if bitsets else deg[a]
            if bitsets:
                for t in range(words):
                    if bits[b, t] & ~bits[a, t]:
                        inside = False
                        break
            else:
                hits = 0
                for q in range(r_ptr[a], r_ptr[a + 1]):
                    if mark[r_idx[q]]:
                        hits += 1
                inside = hits == deg[b]
            if inside:
                out[a] = True
        for k in range(r_ptr[b], r_ptr[b + 1]):
            mark[r_idx[k]] = False
    return out


def dominated_rows(cov: sp.csr_array, protect: NDArray[np.bool_] | None = None, *,
                   budget_s: float | None = None) -> NDArray[np.bool_]:
    """Flag set-cover rows implied by another row (a superset of a kept row).

    Row a is redundant when some row b has ``sites(b) ⊆ sites(a)``: covering b covers
    a (also b covered ``m`` times covers a ``m`` times). Ties (identical rows) keep the
    lowest index. Rows flagged in ``protect`` (rows with an upper limit on their cover,
    such as exactly-once rows) are never flagged. Small matrices are tested pairwise
    with one sparse product; larger ones by a sparse compiled test: the 43,000 unique
    rows of the 50k × 2k benchmark take about 0.8 s (55 % flagged). ``budget_s``
    (seconds) caps the compiled test (``DOMINANCE_WORK_PER_S``); rows it has no time
    for stay unflagged, which only leaves the reduction incomplete.
    """
    n_rows, n_cols = cov.shape
    if n_rows == 0:
        return np.zeros(0, dtype=bool)
    guard = np.zeros(n_rows, dtype=bool) if protect is None else np.asarray(protect, dtype=bool)
    s = _subset_matrix(cov, max_rows=_DENSE_ROWS, max_work=_DENSE_ROWS_WORK)
    if s is not None:  # small: pairwise, no compiled code
        deg = row_degrees(cov)
        idx = np.arange(n_rows)
        # s[b, a]: b ⊆ a. a is dominated if some other b (smaller, or equal with lower index).
        s &= (deg[:, None] < deg[None, :]) | ((deg[:, None] == deg[None, :])
                                              & (idx[:, None] < idx[None, :]))
        return s.any(axis=0) & ~guard
    smaj = sp.csr_array(cov.T)
    bitsets = n_rows * ((n_cols + 63) // 64) * 8 <= _BITSET_BYTES
    max_work = 0 if budget_s is None else max(int(budget_s * DOMINANCE_WORK_PER_S), 1)
    return _superset_rows(cov.indptr, cov.indices, smaj.indptr, smaj.indices, n_cols, guard,
                          bitsets, max_work)


def pick_rows(rows: NDArray[np.int64], deg: NDArray[np.int64], n: int, rng: np.random.Generator
              ) -> NDArray[np.int64]:
    """Pick at most ``n`` of ``rows``: half with the fewest sites, half a seeded sample."""
    if rows.size <= n:
        return rows
    half = n // 2
    small = rows[np.argsort(deg[rows], kind="stable")[:half]]
    rest = np.setdiff1d(rows, small, assume_unique=True)
    return np.concatenate([small, rng.choice(rest, n - half, replace=False)])
