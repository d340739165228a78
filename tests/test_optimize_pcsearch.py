"""Vertex substitution for the p-center (``_pcsearch.improve_center``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from lowalt.optimize import _pcsearch
from lowalt.optimize._pcsearch import dense_times, improve_center


def worst(t: np.ndarray, sites: np.ndarray) -> float:
    return float(t[list(sites)].min(axis=0).max())


@pytest.mark.parametrize("seed", range(20))
def test_never_worse_keeps_the_count_and_the_fixed_sites(seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = rng.uniform(10, 400, (12, 30))
    start = rng.choice(12, 3, replace=False)
    fixed = start[:1]
    out = improve_center(dense_times(sp.csr_array(t)), start, fixed=fixed)
    assert out.size == 3 and np.unique(out).size == 3
    assert fixed[0] in out
    assert worst(t, out) <= worst(t, start)
    # A local optimum: no single swap of a non-fixed site lowers the worst time.
    for a, b in itertools.product([s for s in out if s != fixed[0]], range(12)):
        if b not in out:
            swapped = np.where(out == a, b, out)
            assert worst(t, swapped) >= worst(t, out) - 1e-4  # float32 inside


def test_one_swap_reaches_the_optimum() -> None:
    # Cells at 0, 10, 20, 30 on a line; sites at the cells. {0, 10} serves 30 at 20;
    # {0, 20} (one swap away) serves every cell within 10.
    pos = np.array([0.0, 10.0, 20.0, 30.0])
    t = np.abs(pos[:, None] - pos[None, :])
    out = improve_center(dense_times(sp.csr_array(t + 1.0)), np.array([0, 1]))
    assert worst(t, out) == 10.0


def test_unreachable_pairs_and_allowed_sites() -> None:
    t = np.array([[5.0, 0.0, 0.0],   # site 0 reaches cell 0 only (zeros: unreachable)
                  [0.0, 5.0, 9.0],
                  [1.0, 1.0, 1.0]])
    mat = dense_times(sp.csr_array(t))
    assert improve_center(mat, np.array([0, 1])).tolist() in ([0, 2], [1, 2])
    # Site 2 may not enter: nothing to gain.
    assert improve_center(mat, np.array([0, 1]),
                          allowed=np.array([True, True, False])).tolist() == [0, 1]


def test_large_matrices_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pcsearch, "MAX_DENSE_ENTRIES", 10)
    t = np.random.default_rng(0).uniform(1, 9, (4, 5))
    assert dense_times(sp.csr_array(t)) is None
    assert improve_center(None, np.array([3, 0])).tolist() == [0, 3]


def test_pcenter_truncation_keeps_stored_zero_times_and_drops_larger_ones() -> None:
    from lowalt.optimize.pcenter import _truncated

    m = sp.csr_array((np.array([0.0, 5.0, 7.0, 3.0]), (np.array([0, 0, 1, 1]),
                                                       np.array([0, 1, 0, 2]))), shape=(3, 3))
    out = _truncated(m, 5.0)
    assert out.shape == m.shape  # the empty last row stays
    assert out.nnz == 3  # the stored 0 s stays (a site on its cell), 7 s goes
    assert out.has_sorted_indices
    assert sorted(zip(*sp.coo_array(out).coords, out.data, strict=True)) == [
        (0, 0, 0.0), (0, 1, 5.0), (1, 2, 3.0)]
    assert _truncated(m, 7.0) is m
