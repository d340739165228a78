"""The row-weighting local search: incremental scores, covers, determinism, optimality."""

from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.sparse as sp

from lowalt.optimize._coverage import coverage_rows, dedupe_rows
from lowalt.optimize._localsearch import CoverSearch, improve_cover
from lowalt.optimize._matrix import as_time_matrix
from lowalt.optimize.greedy import greedy_cover

from .test_optimize_bounds import TARGET, geometric, random_cov
from .test_optimize_lpbound import min_cover


def far() -> float:
    return time.perf_counter() + 60.0


def geometric_cov(n_dem: int, n_sites: int, seed: int) -> sp.csr_array:
    cov = coverage_rows(as_time_matrix(geometric(n_dem, n_sites, seed)), TARGET)
    cov = cov[np.nonzero(np.diff(cov.indptr) > 0)[0]]
    reps, _, _ = dedupe_rows(cov, np.ones(cov.shape[0]))
    return cov[reps]


def covers_all(cov: sp.csr_array, sites: list[int]) -> bool:
    return bool(cov.toarray()[:, sites].any(axis=1).all()) if sites else cov.shape[0] == 0


def scores_from_scratch(search: CoverSearch) -> np.ndarray:
    """Score of every site recomputed from the state: -loss if chosen, gain if not."""
    dense = search._cov.toarray()
    cnt = dense[:, search._chosen].sum(axis=1)
    w = search._w
    score = np.zeros(dense.shape[1])
    for j in range(dense.shape[1]):
        rows = dense[:, j]
        if search._chosen[j]:
            score[j] = -w[rows & (cnt == 1)].sum()
        else:
            score[j] = w[rows & (cnt == 0)].sum()
    return score


@pytest.mark.parametrize("seed", range(12))
def test_incremental_scores_match_a_recomputation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cov = random_cov(rng, int(rng.integers(20, 60)), int(rng.integers(8, 20)), p=0.2)
    start = list(range(cov.shape[1]))  # every site: a full cover
    search = CoverSearch(cov, start, seed=seed)
    np.testing.assert_allclose(search._score, scores_from_scratch(search))
    for _ in range(6):
        search.run(deadline=far(), max_moves=7, stall_moves=None)
        np.testing.assert_allclose(search._score, scores_from_scratch(search), atol=1e-9)
        dense = search._cov.toarray()
        np.testing.assert_array_equal(search._cnt, dense[:, search._chosen].sum(axis=1))
        single = search._cnt == 1
        owners = np.argmax(dense[:, search._chosen], axis=1)
        np.testing.assert_array_equal(search._owner[single],
                                      np.flatnonzero(search._chosen)[owners[single]])


@pytest.mark.parametrize("seed", range(30))
def test_result_is_a_cover_no_larger_than_the_start_and_reaches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cov = random_cov(rng, int(rng.integers(5, 30)), int(rng.integers(3, 11)), p=0.25)
    start = greedy_cover(cov)
    out = improve_cover(cov, start, deadline=far(), seed=seed, stall_moves=300)
    assert covers_all(cov, out)
    assert len(out) <= len(start)
    assert out == sorted(set(out))
    # Tiny instances: the search reaches the optimum (stall limit well above need).
    assert len(out) == min_cover(cov)


@pytest.mark.parametrize("seed", range(4))
def test_geometric_instances_reach_the_optimum(seed: int) -> None:
    cov = geometric_cov(600, 14, seed)
    start = list(range(cov.shape[1]))
    out = improve_cover(cov, start, deadline=far(), seed=seed, stall_moves=1000)
    assert covers_all(cov, out)
    assert len(out) == min_cover(cov)


def test_same_seed_same_result_and_target_stops_early() -> None:
    cov = geometric_cov(2000, 120, 7)
    start = greedy_cover(cov)
    a = improve_cover(cov, start, deadline=far(), seed=3, max_moves=3000)
    b = improve_cover(cov, start, deadline=far(), seed=3, max_moves=3000)
    assert a == b
    search = CoverSearch(cov, start, seed=3)
    got = search.run(deadline=far(), target=len(start) - 1)
    assert len(got) == len(start) - 1  # stopped at the target, not below it
    assert search.moves <= 3000


def test_a_resumed_search_goes_on_from_its_state() -> None:
    cov = geometric_cov(2000, 120, 11)
    start = greedy_cover(cov)
    whole = CoverSearch(cov, start, seed=1)
    whole.run(deadline=far(), max_moves=400, stall_moves=None)
    parts = CoverSearch(cov, start, seed=1)
    for _ in range(4):
        parts.run(deadline=far(), max_moves=100, stall_moves=None)
    assert parts.moves == whole.moves == 400
    assert parts.best == whole.best
    np.testing.assert_array_equal(parts._chosen, whole._chosen)


def test_stop_callback_and_deadline_end_the_search() -> None:
    cov = geometric_cov(2000, 120, 5)
    start = greedy_cover(cov)
    search = CoverSearch(cov, start, seed=0)
    search.run(deadline=far(), stop=lambda: True, stall_moves=None)
    assert search.moves == 0
    search.run(deadline=time.perf_counter() - 1.0, stall_moves=None)
    assert search.moves == 0


def test_start_must_be_a_full_cover() -> None:
    cov = sp.csr_array(np.array([[1, 0], [0, 1]], dtype=bool))
    with pytest.raises(ValueError, match="full cover"):
        CoverSearch(cov, [0])
    assert improve_cover(cov, [1, 0], deadline=far(), stall_moves=50) == [0, 1]  # optimal
    assert improve_cover(sp.csr_array((0, 3), dtype=bool), [2], deadline=far()) == [2]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("seed", range(3))
def test_lscp_search_pair_meets_the_target_or_returns_its_best_cover(seed: int,
                                                                     workers: int) -> None:
    from lowalt.optimize.lscp import _search_on, _Start

    cov = geometric_cov(150, 14, seed=60 + seed)
    opt = min_cover(cov)
    greedy = greedy_cover(cov)

    def start() -> tuple[CoverSearch, _Start]:
        search = CoverSearch(cov, greedy, seed=seed)
        return search, _Start(greedy, None, search, greedy=greedy,
                              site_major=sp.csr_array(cov.T))

    found = _search_on(*start(), cov, opt, seed, workers, deadline=far())
    assert covers_all(cov, found) and len(found) == opt
    t0 = time.perf_counter()  # an unreachable target: both searches run to the deadline
    found = _search_on(*start(), cov, opt - 1, seed, workers, deadline=t0 + 0.3)
    assert covers_all(cov, found) and len(found) >= opt
    assert time.perf_counter() - t0 < 5.0
