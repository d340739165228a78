"""The max-coverage swap search: exact values, kept size, never worse, determinism."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
import scipy.sparse as sp

from lowalt.optimize import SolveStatus, solve_mclp
from lowalt.optimize._swapsearch import improve_max_cover
from lowalt.optimize.greedy import greedy_max_cover

from .test_optimize_localsearch import geometric_cov


def far() -> float:
    return time.perf_counter() + 60.0


def covered_weight(cov: sp.csr_array, w: np.ndarray, sites: list[int]) -> float:
    return float(w[cov.toarray()[:, sites].any(axis=1)].sum())


@pytest.mark.parametrize("seed", range(6))
def test_swap_search_value_is_exact_and_never_below_greedy(seed: int) -> None:
    cov = geometric_cov(300, 40, seed)
    w = np.random.default_rng(seed).integers(1, 9, cov.shape[0]).astype(float)
    for k in (2, 4, 7):
        start, covered = greedy_max_cover(cov, w, k)
        sites, value = improve_max_cover(cov, w, start, deadline=far())
        assert len(sites) == len(set(sites)) == len(start)
        assert value == pytest.approx(covered_weight(cov, w, sites))
        assert value >= float(w[covered].sum()) - 1e-9


@pytest.mark.parametrize("seed", range(6))
def test_swap_search_reaches_brute_force_optimum_on_tiny_models(seed: int) -> None:
    rng = np.random.default_rng(seed)
    dense = rng.random((25, 9)) < 0.25
    cov = sp.csr_array(dense)
    w = rng.integers(1, 20, 25).astype(float)
    k = 3
    best = max(float(w[dense[:, list(c)].any(axis=1)].sum())
               for c in itertools.combinations(range(9), k))
    start, _ = greedy_max_cover(cov, w, k)
    sites, value = improve_max_cover(cov, w, start, deadline=far())
    # A heuristic in general, but on these tiny models it finds the optimum (checked by brute
    # force; over seeds 0-199 it misses it on 9, see the next test).
    assert value == pytest.approx(best)
    assert value == pytest.approx(covered_weight(cov, w, sites))


def test_swap_search_rarely_misses_the_optimum_and_never_claims_more() -> None:
    """200 tiny models: the value is the layout's true coverage, never above the brute-force
    optimum, and equal to it on at least 185 (measured: 191; misses: seeds 71, 83, 91, 108,
    113, 125, 129, 134, 166, where the tabu walk stops 1-13 below the optimum)."""
    hits = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        dense = rng.random((25, 9)) < 0.25
        cov = sp.csr_array(dense)
        w = rng.integers(1, 20, 25).astype(float)
        best = max(float(w[dense[:, list(c)].any(axis=1)].sum())
                   for c in itertools.combinations(range(9), 3))
        start, covered = greedy_max_cover(cov, w, 3)
        sites, value = improve_max_cover(cov, w, start, deadline=far())
        assert value == pytest.approx(covered_weight(cov, w, sites))
        assert float(w[covered].sum()) - 1e-9 <= value <= best + 1e-9
        hits += value == pytest.approx(best)
    assert hits >= 185


def test_swap_search_respects_allowed_sites_and_is_deterministic() -> None:
    cov = geometric_cov(400, 50, 3)
    w = np.ones(cov.shape[0])
    allowed = np.ones(cov.shape[1], dtype=bool)
    allowed[::3] = False
    start, _ = greedy_max_cover(cov, w, 5, allowed=allowed)
    a = improve_max_cover(cov, w, start, allowed=allowed, deadline=far())
    b = improve_max_cover(cov, w, start, allowed=allowed, deadline=far())
    assert a == b
    assert all(allowed[s] for s in a[0])


def test_swap_search_improves_a_poor_start() -> None:
    """Two disjoint blocks; starting on the small one, one swap moves to the big one."""
    dense = np.zeros((10, 3), dtype=bool)
    dense[:2, 0] = True  # site 0: 2 rows
    dense[2:, 1] = True  # site 1: 8 rows
    dense[:5, 2] = True  # site 2: 5 rows
    sites, value = improve_max_cover(sp.csr_array(dense), np.ones(10), [0], deadline=far())
    assert sites == [1] and value == 8.0


@pytest.mark.parametrize("seed", [4, 9, 10, 11, 12])
def test_mclp_with_the_swap_search_stays_exact(seed: int) -> None:
    """MCLP models whose LP is fractional: the swap search improves greedy, the MIP proves."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(50, 600, (12, 60))
    w = rng.integers(1, 5, 60).astype(float)
    k = 3
    best = max(float(w[(t[list(c)] <= 300).any(axis=0)].sum())
               for c in itertools.combinations(range(12), k))
    res = solve_mclp(t, 300.0, k, weights=w, time_limit_s=30)
    assert res.status is SolveStatus.OPTIMAL and res.objective == pytest.approx(best)
    assert res.extras["swap_search_value"] <= best + 1e-9  # the search improved greedy
