"""Bounds, deadlines and multi-cover reductions of lowalt.optimize, against brute force."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
import scipy.sparse as sp

from lowalt.optimize import SolveStatus, _coverage, solve_backup, solve_mclp, solve_mexclp
from lowalt.optimize._coverage import coverage_rows, dominated_columns, dominated_rows
from lowalt.optimize._matrix import as_time_matrix
from lowalt.optimize._multicover import cover_counts, greedy_multicover, lazy_multicover
from lowalt.optimize.greedy import greedy_max_cover, max_cover_upper_bound

TARGET = 300.0


def random_cov(rng: np.random.Generator, m: int, n: int, p: float = 0.35) -> sp.csr_array:
    d = rng.random((m, n)) < p
    d[np.arange(m), rng.integers(0, n, m)] = True
    return sp.csr_array(d)


def geometric(n_dem: int, n_sites: int, seed: int, side_m: float = 12_000.0) -> np.ndarray:
    """Sites × demand times (s) at 4 km = 300 s, unreachable beyond 6 km."""
    rng = np.random.default_rng(seed)
    dem = rng.uniform(0, side_m, (n_dem, 2))
    sites = rng.uniform(0, side_m, (n_sites, 2))
    d = np.linalg.norm(sites[:, None] - dem[None], axis=2) * (TARGET / 4000.0)
    d[d > 1.5 * TARGET] = np.inf
    return d


@pytest.mark.parametrize("seed", range(40))
def test_submodular_bound_is_above_the_brute_force_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(3, 12)), int(rng.integers(2, 8))
    cov = random_cov(rng, m, n)
    w = rng.integers(0, 5, m).astype(float)
    k = int(rng.integers(1, n + 1))
    d = cov.toarray()
    best = max(w[d[:, list(c)].any(1)].sum() for c in itertools.combinations(range(n), k))
    picks, _ = greedy_max_cover(cov, w, k)
    bound = max_cover_upper_bound(cov, w, k, picks)
    assert best - 1e-9 <= bound <= w.sum() + 1e-9


def test_submodular_bound_is_tight_when_k_cannot_reach_everything() -> None:
    # Three disjoint sites of weight 5, 3, 1; k = 2 covers 8 of 9: the bound says 8.
    cov = sp.csr_array(np.array([[1, 0, 0]] * 5 + [[0, 1, 0]] * 3 + [[0, 0, 1]], dtype=bool))
    picks, _ = greedy_max_cover(cov, None, 2)
    assert max_cover_upper_bound(cov, None, 2, picks) == pytest.approx(8.0)


def test_mclp_reports_a_real_bound_when_the_mip_gives_none() -> None:
    t = geometric(3000, 200, 1, side_m=30_000.0)
    res = solve_mclp(t, TARGET, 5, time_limit_s=1e-3)
    total = float(t.shape[1])
    assert res.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    # Five 4-km discs cover at most 5·π·16/900 ≈ 28 % of a 900 km² square.
    assert res.bound < 0.5 * total
    assert res.objective <= res.bound


@pytest.mark.parametrize("seed", range(6))
def test_mexclp_places_every_drone_that_fits(seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = geometric(60, 8, seed)
    w = rng.uniform(0, 1e-7, t.shape[1])  # tiny weights: the MIP gap lets drones idle
    for d, cap, max_sites in [(10, 3, None), (30, 3, None), (9, 4, 3)]:
        res = solve_mexclp(t, TARGET, d, 0.4, capacity=cap, weights=w, max_sites=max_sites)
        alloc = res.extras["drones_per_site"]
        room = cap * (t.shape[0] if max_sites is None else max_sites)
        assert sum(alloc.values()) == min(d, room)
        assert max(alloc.values()) <= cap
        if max_sites is not None:
            assert len(alloc) <= max_sites


@pytest.mark.parametrize("seed", range(30))
def test_double_dominance_keeps_the_multicover_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(3, 9)), int(rng.integers(3, 8))
    d = rng.random((m, n)) < 0.5
    for i in range(m):
        d[i, rng.choice(n, 2, replace=False)] = True
    d[:, -1] = d[:, 0]  # an identical pair of columns
    cov = sp.csr_array(d)
    cand = np.arange(n)
    kept = cand[~dominated_columns(cov, cand, times=2)]

    def best(cols: np.ndarray) -> int:
        for r in range(len(cols) + 1):
            for c in itertools.combinations(cols, r):
                if (d[:, list(c)].sum(axis=1) >= 2).all():
                    return r
        return 10**6

    assert best(kept) == best(cand)


@pytest.mark.parametrize("seed", range(10))
def test_greedy_and_lazy_multicover_meet_every_need(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, n = 12, 7
    d = rng.random((m, n)) < 0.4
    for i in range(m):
        d[i, rng.choice(n, 2, replace=False)] = True
    cov = sp.csr_array(d)
    need = rng.integers(1, 3, m)
    smaj = sp.csr_array(cov.T)
    g = greedy_multicover(cov, need)
    assert (cover_counts(smaj, g, m) >= need).all()
    out = lazy_multicover(cov, need, deadline=time.perf_counter() + 10.0)
    assert out.status == "optimal"
    best = min(r for r in range(n + 1) for c in itertools.combinations(range(n), r)
               if (d[:, list(c)].sum(axis=1) >= need).all())
    assert len(out.sites) == best == out.bound


def test_backup_cover_mode_keeps_its_deadline_and_double_covers() -> None:
    t = geometric(6000, 400, 3, side_m=20_000.0)
    t[:, (t <= TARGET).sum(axis=0) < 2] = 0.0  # every cell needs two sites in reach
    t0 = time.perf_counter()
    res = solve_backup(t, TARGET, time_limit_s=0.5)
    wall = time.perf_counter() - t0
    assert wall < 0.5 + 2.0
    assert res.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert ((t[list(res.sites)] <= TARGET).sum(axis=0) >= 2).all()
    assert res.bound <= res.objective


def test_backup_budget_mode_answers_at_a_tiny_limit_with_a_valid_bound() -> None:
    t = geometric(3000, 200, 4, side_m=20_000.0)
    k = 8
    res = solve_backup(t, TARGET, k, time_limit_s=1e-3)
    assert len(res.sites) <= k
    assert res.objective > 0  # the greedy answer comes back, not an empty layout
    assert res.objective <= res.bound <= t.shape[1]
    double = ((t[list(res.sites)] <= TARGET).sum(axis=0) >= 2)
    assert res.objective == pytest.approx(float(double[(t <= TARGET).sum(axis=0) >= 2].sum()))


@pytest.mark.parametrize("seed", range(12))
def test_mclp_lp_and_greedy_bounds_hold_on_tiny_instances(seed: int) -> None:
    t = geometric(14, 7, seed, side_m=16_000.0)
    w = np.random.default_rng(seed).integers(1, 9, t.shape[1]).astype(float)
    k = 2
    reach = t <= TARGET
    best = max(float(w[reach[list(c)].any(axis=0)].sum())
               for c in itertools.combinations(range(t.shape[0]), k))
    res = solve_mclp(t, TARGET, k, weights=w)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(best)
    for key in ("lp_bound", "greedy_bound"):
        if key in res.extras:
            assert res.extras[key] >= best - 1e-6


def test_mclp_integral_lp_is_proven_without_branching() -> None:
    # Two far-apart clusters and one site each: the LP optimum is integral.
    t = np.full((3, 6), np.inf)
    t[0, :3] = 100.0
    t[1, 3:] = 100.0
    t[2, 0] = 100.0
    t[2, 3] = 100.0
    res = solve_mclp(t, TARGET, 1, weights=[1, 1, 1, 2, 2, 2])
    assert res.status is SolveStatus.OPTIMAL
    assert res.sites == (1,)
    assert res.objective == pytest.approx(6.0)


def test_mexclp_and_pmedian_fall_back_to_greedy_when_the_budget_is_gone() -> None:
    from lowalt.optimize import solve_pmedian

    t = geometric(400, 30, 5, side_m=15_000.0)
    res = solve_mexclp(t, TARGET, 20, 0.3, capacity=2, time_limit_s=1e-6)
    assert res.status is SolveStatus.FEASIBLE
    assert sum(res.extras["drones_per_site"].values()) == 20
    assert res.objective <= res.bound
    full = np.nan_to_num(t, posinf=1e4)
    pm = solve_pmedian(full, 5, time_limit_s=1e-6)
    assert pm.status is SolveStatus.FEASIBLE and len(pm.sites) == 5
    assert pm.objective == pytest.approx(float(full[list(pm.sites)].min(axis=0).sum()))
    exact = solve_pmedian(full, 5)
    assert exact.status is SolveStatus.OPTIMAL
    assert exact.objective <= pm.objective + 1e-6


@pytest.mark.parametrize("seed", range(20))
def test_coverage_rows_matches_a_dense_comparison(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_sites, n_dem = int(rng.integers(1, 30)), int(rng.integers(1, 50))
    t = rng.uniform(0, 400, (n_sites, n_dem))
    t[rng.random((n_sites, n_dem)) < 0.4] = np.inf  # unreachable pairs
    forbidden = np.sort(rng.choice(n_sites, int(rng.integers(0, n_sites + 1)), replace=False))
    cov = coverage_rows(as_time_matrix(t), 200.0, forbidden.astype(np.int64))
    expected = t <= 200.0
    expected[forbidden] = False
    assert cov.shape == (n_dem, n_sites) and cov.dtype == bool
    np.testing.assert_array_equal(cov.toarray(), expected.T)
    for i in range(n_dem):  # site indices ascend within every row
        row = cov.indices[cov.indptr[i] : cov.indptr[i + 1]]
        assert np.all(np.diff(row) > 0)


@pytest.mark.parametrize("path", ["pairwise", "bitsets", "counts"])
@pytest.mark.parametrize("seed", range(40))
def test_dominated_rows_match_the_pairwise_definition(seed: int, path: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A row is flagged iff some row earlier in (size, index) order lies within it."""
    if path != "pairwise":
        monkeypatch.setattr(_coverage, "_DENSE_ROWS_WORK", -1.0)
    monkeypatch.setattr(_coverage, "_BITSET_BYTES", 1 << 40 if path == "bitsets" else 0)
    rng = np.random.default_rng(700 + seed)
    d = rng.random((int(rng.integers(1, 40)), int(rng.integers(1, 80)))) < rng.uniform(0.03, 0.7)
    if seed % 3 == 0:
        d = np.vstack([d, d[: d.shape[0] // 2]])  # identical rows: the lowest index stays
    protect = rng.random(d.shape[0]) < 0.2
    deg = d.sum(axis=1)
    expected = np.array([
        not protect[a] and any(
            b != a and (deg[b], b) < (deg[a], a) and not np.any(d[b] & ~d[a])
            for b in range(d.shape[0]))
        for a in range(d.shape[0])
    ])
    cov = sp.csr_array(d)
    np.testing.assert_array_equal(dominated_rows(cov, protect=protect), expected)
    # Every flagged row contains a kept row: a cover of the kept rows covers it too.
    kept = np.nonzero(~dominated_rows(cov))[0]
    for a in np.nonzero(dominated_rows(cov))[0]:
        assert any(not np.any(d[b] & ~d[a]) for b in kept)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("seed", range(12))
def test_full_cover_search_skips_only_what_the_covering_lp_rules_out(
        seed: int, workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from scipy.optimize import linprog

    from lowalt.optimize import mclp as mclp_module
    from lowalt.optimize.mclp import _full_cover_search

    from .test_optimize_lpbound import min_cover

    rng = np.random.default_rng(900 + seed)
    cov = random_cov(rng, int(rng.integers(8, 30)), int(rng.integers(4, 12)), p=0.25)
    d = cov.toarray()
    lp = linprog(np.ones(d.shape[1]), A_ub=-d.astype(float), b_ub=-np.ones(d.shape[0]),
                 bounds=(0, None)).fun
    opt = min_cover(cov)
    calls: list[int] = []
    real_run = mclp_module.CoverSearch.run

    def counted(self: object, **kw: object) -> list[int]:
        calls.append(1)
        return real_run(self, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(mclp_module.CoverSearch, "run", counted)
    for cap in range(1, d.shape[1] + 1):
        calls.clear()
        found = _full_cover_search(cov, np.ones(d.shape[1], dtype=bool), cap,
                                   time.perf_counter() + 30.0, seed, workers)
        assert d[:, found].any(axis=1).all()  # always a full cover
        if cap >= opt:  # tiny instances: the search reaches the optimum
            assert len(found) <= cap
        if workers == 1 and lp > cap + 1e-6 and len(found) > cap:
            assert not calls  # ruled out by the LP before any search


@pytest.mark.parametrize("seed", range(6))
def test_mip_lp_by_interior_point_matches_glop(seed: int) -> None:
    from lowalt.optimize._mip import solve_mip

    rng = np.random.default_rng(950 + seed)
    cov = random_cov(rng, 40, 12, p=0.2).astype(float)
    m, n = cov.shape
    a = sp.vstack([sp.hstack([-cov, sp.eye_array(m)]),
                   sp.hstack([sp.csr_array(np.ones((1, n))), sp.csr_array((1, m))])]).tocsr()
    c = np.concatenate([np.zeros(n), rng.integers(1, 9, m).astype(float)])
    row_lb, row_ub = np.full(m + 1, -np.inf), np.concatenate([np.zeros(m), [3.0]])
    glop = solve_mip(c, a, row_lb, row_ub, maximize=True, solver="glop")
    ipm = solve_mip(c, a, row_lb, row_ub, maximize=True, solver="highs_barrier")
    assert glop.status == ipm.status == "optimal"
    assert ipm.objective == pytest.approx(glop.objective, rel=1e-6)
