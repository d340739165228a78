"""Row-weighting local search for set covering (incumbents for LSCP, MCLP, p-center).

The method is RWLS (Gao, Weise and Li 2015, "An efficient local search heuristic with
row weighting for the unicost set covering problem"): from a full cover of size K,
drop the site whose removal uncovers the least row weight; then repeatedly *swap*
(drop the best site to drop, add the best site for a random uncovered row, never
undoing the previous move) while the weight of every row left uncovered grows by one,
until the K-1 sites cover every row; then drop another site. Ties go to the site
changed longest ago.

Scores are kept incrementally: for a chosen site, minus the weight of the rows only it
covers; for any other site, the weight of the uncovered rows it covers. A move touches
only the rows of the two sites it changes (each update is one compiled pass over those
rows, ``_scatter_rows``), and the single site covering a row is found from the running
sum of the chosen site indices over the row.

Measured on the 50,000 × 2,000 benchmark: about 900 moves per second (about 420 when the
column sums were scipy row slices and products; same moves, same covers). The optimum
of 16 sites was reached after 2,800 to 12,100 moves on instance seeds 0–2 (seed 0 with
search seed 0: 4,806 moves, 5.6 s), where the earlier variant of this search (add
first, then drop; ties to the lowest index) stayed at 20 sites after 30 s.
Deterministic for a fixed seed. The result is a heuristic upper bound; proofs come from
the exact kernels.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from numba import njit
from numpy.typing import NDArray

__all__ = ["CoverSearch", "improve_cover"]

STALL_MOVES = 20_000
"""Default number of moves without a smaller cover after which ``improve_cover`` stops."""
_CHECK_EVERY = 16
"""Moves between two looks at the clock and the stop callback."""


@njit(cache=True, nogil=True)
def _scatter_rows(score: NDArray[np.float64], indptr: NDArray[np.integer],
                  indices: NDArray[np.integer], rows: NDArray[np.int64],
                  weights: NDArray[np.float64], sign: float) -> None:
    """Add ``sign * weights[t]`` to ``score[j]`` for every site ``j`` of row ``rows[t]``.

    The per-move column sums of the search, compiled (numba) and without copying the
    rows: 2.1 times the moves per second of the scipy row slice and product it
    replaces (50k × 2k benchmark, seed 0: 883 against 421 per second, same moves).
    """
    for t in range(rows.size):
        r = rows[t]
        w = sign * weights[t]
        for k in range(indptr[r], indptr[r + 1]):
            score[indices[k]] += w


class CoverSearch:
    """Resumable row-weighting local search over one coverage matrix.

    Parameters
    ----------
    cov
        Demand-major boolean coverage (rows × sites).
    sites
        A full cover of every row to start from.
    site_major
        ``cov`` transposed (site-major CSR), when the caller already has it.
    seed
        Seed of the random choice of uncovered rows.

    Raises
    ------
    ValueError
        When ``sites`` leaves a row uncovered.
    """

    def __init__(self, cov: sp.csr_array, sites: list[int], *,
                 site_major: sp.csr_array | None = None, seed: int = 0) -> None:
        n_rows, n_cols = cov.shape
        self._cov = cov
        self._smaj = sp.csr_array(cov.T) if site_major is None else site_major
        self._rng = np.random.default_rng(seed)
        self._chosen = np.zeros(n_cols, dtype=bool)
        self._cnt = np.zeros(n_rows, dtype=np.int64)
        self._owner = np.zeros(n_rows, dtype=np.int64)  # sum of chosen sites over the row
        self._w = np.ones(n_rows, dtype=np.float64)
        self._score = np.zeros(n_cols, dtype=np.float64)
        self._stamp = np.zeros(n_cols, dtype=np.int64)
        self._step = 0
        self._tabu = -1
        self.moves = 0
        """Swap moves made so far."""
        start = np.unique(np.asarray(sites, dtype=np.int64))
        for s in start:
            rows = self._rows_of(int(s))
            self._chosen[s] = True
            self._cnt[rows] += 1
            self._owner[rows] += s
        if n_rows and np.any(self._cnt == 0):
            msg = "CoverSearch needs a full cover to start from"
            raise ValueError(msg)
        one = np.nonzero(self._cnt == 1)[0]
        self._score -= np.bincount(self._owner[one], weights=self._w[one], minlength=n_cols)
        self.best: list[int] = [int(s) for s in start]
        """Smallest full cover found so far (sorted site indices)."""
        self._dropped = False  # whether the current state is one site below ``best``

    def _rows_of(self, site: int) -> NDArray[np.int32]:
        return self._smaj.indices[self._smaj.indptr[site] : self._smaj.indptr[site + 1]]

    def _add_column_sums(self, rows: NDArray[np.int64], weights: NDArray[np.float64],
                         sign: float) -> None:
        """Add ``sign`` times the ``weights``-weighted column sums of ``rows`` to the scores."""
        _scatter_rows(self._score, self._cov.indptr, self._cov.indices, rows, weights, sign)

    def _add(self, site: int) -> None:
        rows = self._rows_of(site)
        before = self._cnt[rows]
        newly = rows[before == 0]
        second = rows[before == 1]
        if newly.size:
            self._add_column_sums(newly, self._w[newly], -1.0)
        if second.size:  # their single owner no longer loses them on a drop
            self._score += np.bincount(self._owner[second], weights=self._w[second],
                                       minlength=self._score.size)
        self._cnt[rows] += 1
        self._owner[rows] += site
        self._chosen[site] = True
        self._score[site] = -float(self._w[newly].sum())
        self._stamp[site] = self._step

    def _remove(self, site: int) -> None:
        rows = self._rows_of(site)
        self._cnt[rows] -= 1
        self._owner[rows] -= site
        self._chosen[site] = False
        after = self._cnt[rows]
        lost = rows[after == 0]
        single = rows[after == 1]
        if lost.size:
            self._add_column_sums(lost, self._w[lost], 1.0)
        if single.size:  # their remaining owner now loses them on a drop
            self._score -= np.bincount(self._owner[single], weights=self._w[single],
                                       minlength=self._score.size)
        self._score[site] = float(self._w[lost].sum())
        self._stamp[site] = self._step

    def _pick(self, cands: NDArray[np.int64]) -> int:
        s = self._score[cands]
        tie = cands[s >= s.max() - 1e-9]
        return int(tie[np.argmin(self._stamp[tie])])

    def run(self, *, deadline: float, target: int = 0, max_moves: int | None = None,
            stall_moves: int | None = STALL_MOVES, stop: Callable[[], bool] | None = None
            ) -> list[int]:
        """Search until ``deadline`` and return the smallest full cover found.

        Parameters
        ----------
        deadline
            ``time.perf_counter()`` value at which to stop.
        target
            Stop as soon as a cover with at most ``target`` sites is found.
        max_moves
            Most swap moves in this call (None: no limit).
        stall_moves
            Stop after this many moves in this call without a smaller cover (None: never).
        stop
            Called every few moves; the search stops when it returns True.
        """
        n_rows = self._cnt.size
        limit = max(target, 1)
        since = 0
        made = 0
        while len(self.best) > limit and n_rows:
            if not self._dropped:
                self._remove(self._pick(np.flatnonzero(self._chosen)))
                self._dropped = True
            uncovered = np.nonzero(self._cnt == 0)[0]
            if uncovered.size == 0:
                self.best = [int(s) for s in np.flatnonzero(self._chosen)]
                self._dropped = False
                since = 0
                continue
            if made % _CHECK_EVERY == 0 and (
                time.perf_counter() > deadline or (stop is not None and stop())
            ):
                break
            if (max_moves is not None and made >= max_moves) or (
                stall_moves is not None and since >= stall_moves
            ):
                break
            made += 1
            since += 1
            self.moves += 1
            self._step += 1
            self._swap(uncovered)
        return list(self.best)

    def _swap(self, uncovered: NDArray[np.int64]) -> None:
        chosen = np.flatnonzero(self._chosen)
        if chosen.size > 1:
            chosen = chosen[chosen != self._tabu]
        removed = self._pick(chosen) if chosen.size else -1
        if removed >= 0:
            self._remove(removed)
            uncovered = np.nonzero(self._cnt == 0)[0]
        row = int(uncovered[self._rng.integers(uncovered.size)])
        cands = self._cov.indices[self._cov.indptr[row] : self._cov.indptr[row + 1]]
        if cands.size > 1:
            cands = cands[cands != removed]
        added = self._pick(cands.astype(np.int64))
        self._add(added)
        self._tabu = added
        still = np.nonzero(self._cnt == 0)[0]
        if still.size:
            self._w[still] += 1.0
            self._add_column_sums(still, np.ones(still.size), 1.0)


def improve_cover(
    cov: sp.csr_array,
    sites: list[int],
    *,
    site_major: sp.csr_array | None = None,
    target: int = 0,
    deadline: float,
    seed: int = 0,
    max_moves: int | None = 200_000,
    stall_moves: int | None = STALL_MOVES,
) -> list[int]:
    """Return the smallest full cover found from the full cover ``sites``.

    Parameters
    ----------
    cov
        Demand-major boolean coverage (rows × sites); ``sites`` must cover every row.
    target
        Stop as soon as a cover with at most ``target`` sites is found.
    deadline
        ``time.perf_counter()`` value at which to stop.
    max_moves, stall_moves
        Most moves, and most moves without a smaller cover (None: no limit).
    """
    if cov.shape[0] == 0 or len(sites) <= max(target, 1):
        return sorted(int(s) for s in sites)
    search = CoverSearch(cov, sites, site_major=site_major, seed=seed)
    return search.run(deadline=deadline, target=target, max_moves=max_moves,
                      stall_moves=stall_moves)
