"""Brute-force and hand-checked tests for lowalt.optimize (tiny instances)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from lowalt.errors import InfeasibleError
from lowalt.optimize import (
    PlacementResult,
    SolveStatus,
    solve_backup,
    solve_lscp,
    solve_mclp,
    solve_mexclp,
    solve_pcenter,
    solve_pmedian,
)

SEEDS = range(8)
TARGET = 5.0


def tiny(seed: int, n_sites: int = 7, n_dem: int = 12) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, 10.0, size=(n_sites, n_dem)).round(1)
    t[rng.random(t.shape) < 0.2] = np.inf
    # Make every cell reachable within the target by at least two sites.
    for i in range(n_dem):
        for j in rng.choice(n_sites, 2, replace=False):
            t[j, i] = min(t[j, i], round(float(rng.uniform(0.0, TARGET)), 1))
    return t


def subsets(n: int, k: int | None = None):
    sizes = range(n + 1) if k is None else range(k + 1)
    for r in sizes:
        yield from itertools.combinations(range(n), r)


def covered(t: np.ndarray, s: tuple[int, ...], target: float = TARGET) -> np.ndarray:
    if not s:
        return np.zeros(t.shape[1], bool)
    return (t[list(s)] <= target).any(axis=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_lscp_brute_force(seed: int) -> None:
    t = tiny(seed)
    best = min(len(s) for s in subsets(t.shape[0]) if covered(t, s).all())
    res = solve_lscp(t, TARGET)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == best == res.bound
    assert covered(t, res.sites).all()
    assert res.gap == 0.0


@pytest.mark.parametrize("seed", SEEDS)
def test_lscp_sparse_input_matches_dense(seed: int) -> None:
    t = tiny(seed)
    rows, cols = np.nonzero(np.isfinite(t))
    s = sp.csr_array((t[rows, cols], (rows, cols)), shape=t.shape)
    assert solve_lscp(s, TARGET).objective == solve_lscp(t, TARGET).objective


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k", [1, 2, 3])
def test_mclp_brute_force(seed: int, k: int) -> None:
    t = tiny(seed)
    w = np.random.default_rng(seed + 100).integers(1, 9, t.shape[1]).astype(float)
    best = max(w[covered(t, s)].sum() for s in subsets(t.shape[0], k))
    res = solve_mclp(t, TARGET, k, weights=w)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(best)
    assert len(res.sites) <= k
    assert res.bound == pytest.approx(best, abs=1e-6)


def worst(t: np.ndarray, s: tuple[int, ...]) -> float:
    return float(t[list(s)].min(axis=0).max())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k", [1, 2, 3])
def test_pcenter_brute_force(seed: int, k: int) -> None:
    t = tiny(seed)
    best = min(worst(t, s) for s in itertools.combinations(range(t.shape[0]), k))
    if not np.isfinite(best):
        with pytest.raises(InfeasibleError):
            solve_pcenter(t, k)
        return
    res = solve_pcenter(t, k)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(best)
    assert res.bound == pytest.approx(best)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k", [1, 2, 3])
def test_pmedian_brute_force(seed: int, k: int) -> None:
    t = tiny(seed)
    w = np.random.default_rng(seed + 7).integers(1, 5, t.shape[1]).astype(float)
    vals = [float((w * t[list(s)].min(axis=0)).sum())
            for s in itertools.combinations(range(t.shape[0]), k)]
    best = min(vals)
    if not np.isfinite(best):
        with pytest.raises(InfeasibleError):
            solve_pmedian(t, k, weights=w)
        return
    res = solve_pmedian(t, k, weights=w)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(best)


def count_cover(t: np.ndarray, s: tuple[int, ...]) -> np.ndarray:
    if not s:
        return np.zeros(t.shape[1], int)
    return (t[list(s)] <= TARGET).sum(axis=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_backup_cover_brute_force(seed: int) -> None:
    t = tiny(seed)
    best = min(len(s) for s in subsets(t.shape[0]) if (count_cover(t, s) >= 2).all())
    res = solve_backup(t, TARGET)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == best
    assert (count_cover(t, res.sites) >= 2).all()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k", [2, 3])
def test_backup_budget_brute_force(seed: int, k: int) -> None:
    t = tiny(seed)
    w = np.random.default_rng(seed + 3).integers(1, 9, t.shape[1]).astype(float)
    best = max(w[count_cover(t, s) >= 2].sum() for s in subsets(t.shape[0], k))
    res = solve_backup(t, TARGET, k, weights=w)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(best)


def expected(t: np.ndarray, alloc: np.ndarray, w: np.ndarray, q: float) -> float:
    m = ((t <= TARGET) * alloc[:, None]).sum(axis=0)
    return float((w * (1 - q ** m)).sum())


@pytest.mark.parametrize("seed", range(4))
def test_mexclp_brute_force(seed: int) -> None:
    t = tiny(seed, n_sites=4, n_dem=8)
    w = np.random.default_rng(seed).integers(1, 9, t.shape[1]).astype(float)
    q, d, cap = 0.3, 4, 2
    best = max(
        expected(t, np.array(a), w, q)
        for a in itertools.product(range(cap + 1), repeat=t.shape[0])
        if sum(a) <= d
    )
    res = solve_mexclp(t, TARGET, d, q, capacity=cap, weights=w)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(best, rel=1e-6)
    alloc = res.extras["drones_per_site"]
    assert sum(alloc.values()) <= d
    assert max(alloc.values()) <= cap


def test_hand_solvable_line() -> None:
    # Sites at 0, 10, 20 km on a line; cells at 0..20 every 5 km; 1 s per km.
    sites = np.array([0.0, 10.0, 20.0])
    cells = np.arange(0.0, 21.0, 5.0)
    t = np.abs(sites[:, None] - cells[None, :])
    assert solve_lscp(t, 5.0).sites == (0, 1, 2)
    assert solve_lscp(t, 10.0).sites == (1,)
    res = solve_pcenter(t, 1)
    assert res.sites == (1,)
    assert res.objective == 10.0
    assert solve_mclp(t, 5.0, 1).objective == 3.0
    assert solve_pmedian(t, 1).objective == pytest.approx(30.0)


def test_lscp_infeasible_names_cells() -> None:
    t = np.array([[1.0, 9.0, 9.0], [1.0, 2.0, 9.0]])
    with pytest.raises(InfeasibleError, match="1 demand cell") as info:
        solve_lscp(t, 5.0)
    assert list(info.value.unreachable_demand) == [2]  # type: ignore[attr-defined]
    assert "2" in str(info.value)


def test_lscp_forbidden_makes_infeasible() -> None:
    t = np.array([[1.0, 9.0], [9.0, 1.0]])
    with pytest.raises(InfeasibleError):
        solve_lscp(t, 5.0, forbidden_sites=[1])


@pytest.mark.parametrize("seed", range(4))
def test_fixed_and_forbidden_brute_force(seed: int) -> None:
    t = tiny(seed)
    fixed, forbidden = {0}, {1}
    ok = [s for s in subsets(t.shape[0])
          if fixed <= set(s) and not forbidden & set(s) and covered(t, s).all()]
    res = solve_lscp(t, TARGET, fixed_sites=fixed, forbidden_sites=forbidden)
    assert res.objective == min(len(s) for s in ok)
    assert 0 in res.sites
    assert 1 not in res.sites
    w = np.ones(t.shape[1])
    best = max(w[covered(t, s)].sum() for s in subsets(t.shape[0], 2)
               if fixed <= set(s) and not forbidden & set(s))
    m = solve_mclp(t, TARGET, 2, fixed_sites=fixed, forbidden_sites=forbidden)
    assert m.objective == best
    assert 0 in m.sites
    assert 1 not in m.sites
    pc = solve_pcenter(t, 2, fixed_sites=fixed, forbidden_sites=forbidden)
    best_pc = min(worst(t, s) for s in itertools.combinations(range(t.shape[0]), 2)
                  if fixed <= set(s) and not forbidden & set(s))
    assert pc.objective == pytest.approx(best_pc)


def test_time_limit_never_claims_optimal() -> None:
    # A hard random covering instance that cannot be proven in 0.05 s.
    rng = np.random.default_rng(1)
    d = rng.uniform(0, 22.76, (4000, 2))
    s = rng.uniform(0, 22.76, (400, 2))
    t = np.linalg.norm(s[:, None, :] - d[None, :, :], axis=2) * 75.0
    res = solve_lscp(t, 300.0, time_limit_s=0.05)
    assert res.status is not SolveStatus.OPTIMAL
    assert res.bound <= res.objective
    assert res.gap > 0.0


def test_result_is_immutable_and_deterministic() -> None:
    t = tiny(3)
    a, b = solve_lscp(t, TARGET, seed=0), solve_lscp(t, TARGET, seed=0)
    assert isinstance(a, PlacementResult)
    assert a.sites == b.sites
    with pytest.raises(AttributeError):
        a.objective = 0.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        a.extras["x"] = 1  # type: ignore[index]
