"""The LP branch and bound for set-cover decisions (``_coverbb``), against brute force."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
import scipy.sparse as sp

from lowalt.optimize import _lazy as lazy_module
from lowalt.optimize import pcenter as pcenter_module
from lowalt.optimize import solve_pcenter
from lowalt.optimize._coverbb import _bitsets, _lagrangian, _reduce, decide_cover_bb
from lowalt.optimize._lazy import lazy_min_cover
from lowalt.optimize._lpbound import cover_lp
from lowalt.optimize._setcover import solve_cover_cpsat

from .test_optimize_bounds import geometric, random_cov
from .test_optimize_lpbound import far, min_cover


def brute_pcenter(t: np.ndarray, k: int) -> float:
    """Smallest worst time over every set of ``k`` sites (sites × demand ``t``)."""
    return min(float(t[list(c)].min(axis=0).max())
               for c in itertools.combinations(range(t.shape[0]), k))


VARIANTS = {
    "all rows": {},
    "row generation": {"initial_rows": "half"},
    "two workers": {"workers": 2},
    "both": {"initial_rows": "half", "workers": 2},
}


def check_decisions(cov: sp.csr_array, rng: np.random.Generator, variant: str) -> None:
    """Every cap from the optimum - 2 to the optimum + 1 against brute force."""
    dense = cov.toarray()
    best = min_cover(cov)
    kw: dict[str, object] = dict(VARIANTS[variant])
    if kw.get("initial_rows") == "half":
        kw["initial_rows"] = rng.choice(cov.shape[0], cov.shape[0] // 2, replace=False)
    for cap in range(max(best - 2, 0), best + 2):
        out = decide_cover_bb(cov, cap, deadline=far(), **kw)
        if cap < best:
            assert out.status == "infeasible", (cap, best)
        else:
            assert out.status == "feasible"
            assert out.value == out.columns.size <= cap
            assert dense[:, out.columns].any(axis=1).all()


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("seed", range(40))
def test_decisions_match_brute_force(seed: int, variant: str) -> None:
    rng = np.random.default_rng(seed)
    cov = random_cov(rng, int(rng.integers(6, 22)), int(rng.integers(4, 11)),
                     p=float(rng.uniform(0.15, 0.45)))
    check_decisions(cov, rng, variant)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("seed", range(4))
def test_deep_trees_agree_with_cp_sat(seed: int, variant: str) -> None:
    """150 × 60 random instances whose refutations take 30-700 LPs (too large for brute
    force): the decisions at the optimum and one below agree with CP-SAT's optimum."""
    rng = np.random.default_rng(seed)
    cov = random_cov(rng, 150, 60, 0.15)
    ref = solve_cover_cpsat(cov, time_limit_s=60, num_workers=1)
    assert ref.status == "optimal"
    kw: dict[str, object] = dict(VARIANTS[variant])
    if kw.get("initial_rows") == "half":
        kw["initial_rows"] = rng.choice(150, 20, replace=False)
    assert decide_cover_bb(cov, ref.value - 1, deadline=far(), **kw).status == "infeasible"
    out = decide_cover_bb(cov, ref.value, deadline=far(), **kw)
    assert out.status == "feasible" and out.columns.size <= ref.value
    assert cov.toarray()[:, out.columns].any(axis=1).all()


def reduce(dense: np.ndarray, lo: list[float], hi: list[float], cap: int = 9,
           exact: list[bool] | None = None) -> tuple[bool, np.ndarray, np.ndarray]:
    """Run ``_reduce`` on a small dense matrix; (alive, lo, hi)."""
    cov = sp.csr_array(np.asarray(dense, dtype=np.float64))
    cov_t = sp.csr_array(cov.T)
    ex = np.zeros(cov.shape[0], dtype=bool) if exact is None else np.asarray(exact)
    lo_a, hi_a = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    alive = _reduce(cov.indptr.astype(np.int32), cov.indices.astype(np.int32),
                    cov_t.indptr.astype(np.int32), cov_t.indices.astype(np.int32), ex,
                    _bitsets(cov_t, cov.shape[0]),
                    _bitsets(sp.csr_array(ex[None, :]), cov.shape[0])[0], lo_a, hi_a, cap,
                    True)
    return alive, lo_a, hi_a


def test_reduce_closes_columns_dominated_by_refuted_ones() -> None:
    # Rows × columns. Column 1's rows {0} lie inside closed column 0's {0, 1}: closed.
    # Row 0 then forces column 3, which leaves column 2 without an open row (useless).
    dense = [[1, 1, 0, 1],
             [1, 0, 1, 1],
             [0, 0, 1, 1]]
    alive, lo, hi = reduce(dense, [0, 0, 0, 0], [0, 1, 1, 1])
    assert alive and hi.tolist() == [0, 0, 0, 1] and lo.tolist() == [0, 0, 0, 1]
    # Nothing is closed while no column is refuted.
    alive, lo, hi = reduce(dense, [0, 0, 0, 0], [1, 1, 1, 1])
    assert alive and hi.tolist() == [1, 1, 1, 1]
    # Rows an open column covers do not count: with column 2 open, columns 1 and 3 are
    # left with row 0, inside column 0, and are closed; row 0 then has no column: dead.
    assert not reduce(dense, [0, 0, 1, 0], [0, 1, 1, 1])[0]


def test_reduce_keeps_exact_rows_exact() -> None:
    dense = [[1, 1, 0],
             [1, 0, 1],
             [0, 1, 1]]
    # Column 1's open rows {0, 2} are not inside column 0's {0, 1}: kept.
    assert reduce(dense, [0, 0, 0], [0, 1, 1])[2].tolist() == [0, 1, 1]
    # Row 0 exact and covered by open column 0: column 1 (also on row 0) is closed, and
    # row 2 is then left to column 2 alone, which opens.
    alive, lo, hi = reduce(dense, [1, 0, 0], [1, 1, 1], exact=[True, False, False])
    assert alive and hi.tolist() == [1, 0, 1] and lo.tolist() == [1, 0, 1]
    # Two open columns on an exact row: dead.
    assert not reduce(dense, [1, 1, 0], [1, 1, 1], exact=[True, False, False])[0]
    # A column is not dominated by a closed one that covers other exact rows.
    dense = [[1, 1, 0, 1],
             [1, 0, 1, 1],
             [0, 0, 1, 1]]
    alive, lo, hi = reduce(dense, [0, 0, 0, 0], [0, 1, 1, 1], exact=[False, True, False])
    assert alive and hi.tolist() == [0, 1, 1, 1] and lo.tolist() == [0, 0, 0, 0]
    # Without the exact row, column 1 is closed, row 0 forces column 3, and column 2 is
    # left with no open row.
    alive, lo, hi = reduce(dense, [0, 0, 0, 0], [0, 1, 1, 1])
    assert alive and hi.tolist() == [0, 0, 0, 1] and lo.tolist() == [0, 0, 0, 1]


def test_reduce_propagates_units_and_the_cap() -> None:
    dense = [[1, 0, 0],
             [0, 1, 1],
             [0, 0, 1]]
    alive, lo, hi = reduce(dense, [0, 0, 0], [1, 1, 1])
    assert alive and lo.tolist() == [1, 0, 1]  # rows 0 and 2 have one column each
    assert hi.tolist() == [1, 0, 1]  # then column 1 covers nothing open: useless
    assert not reduce(dense, [0, 0, 0], [1, 1, 1], cap=1)[0]  # two forced, cap 1
    assert not reduce(dense, [0, 0, 0], [0, 1, 1])[0]  # row 0 has no column left


def test_lagrangian_bound_holds_for_any_nonnegative_duals() -> None:
    """Weak duality: every y >= 0 bounds every cover within the column bounds."""
    rng = np.random.default_rng(7)
    for _ in range(30):
        cov = sp.csr_array(random_cov(rng, 10, 7), dtype=np.float64)
        lo = (rng.random(7) < 0.2).astype(float)
        hi = np.maximum(lo, (rng.random(7) < 0.8).astype(float))
        bound, _ = _lagrangian(sp.csr_array(cov.T), rng.normal(0.2, 0.5, 10),
                               np.zeros(10, dtype=bool), lo, hi)
        dense = cov.toarray() > 0
        for x in itertools.product((0.0, 1.0), repeat=7):
            xa = np.array(x)
            if np.all(xa >= lo) and np.all(xa <= hi) and dense[:, xa > 0].any(axis=1).all():
                assert xa.sum() >= bound - 1e-9


def test_trivial_decisions_and_limits() -> None:
    cov = sp.csr_array(np.eye(4, dtype=bool))
    assert decide_cover_bb(cov[:0], 0, deadline=far()).status == "feasible"
    assert decide_cover_bb(cov, 0, deadline=far()).status == "infeasible"
    assert decide_cover_bb(cov, 3, deadline=far()).status == "infeasible"
    out = decide_cover_bb(cov, 4, deadline=far())
    assert out.status == "feasible" and sorted(out.columns) == [0, 1, 2, 3]
    # A hard instance stopped at once is "unknown", never "infeasible".
    rng = np.random.default_rng(3)
    big = random_cov(rng, 300, 120, p=0.05)
    assert decide_cover_bb(big, 10, deadline=time.perf_counter() - 1.0).status == "unknown"
    assert decide_cover_bb(big, 10, deadline=far(), stop=lambda: True).status == "unknown"


@pytest.mark.parametrize("seed", range(12))
def test_lazy_decisions_by_branch_and_bound_match_cp_sat(seed: int) -> None:
    t = geometric(70, 16, seed=900 + seed)
    cov = sp.csr_array(t.T <= 300.0)
    cov = cov[np.diff(cov.indptr) > 0]
    opt = min_cover(cov)
    lp = cover_lp(cov, deadline=far())
    for cap in (opt - 1, opt):
        for bound in (lp, None):  # without the LP, refutations are the search's own
            a = lazy_min_cover(cov, cap=cap, lp=bound, deadline=far(), decider="branch",
                               initial_rows=10)
            b = lazy_min_cover(cov, cap=cap, lp=bound, deadline=far(), decider="cpsat",
                               initial_rows=10)
            assert a.status == b.status == ("feasible" if cap >= opt else "infeasible")
            if a.status == "feasible":
                assert len(a.sites) <= cap
                assert cov.toarray()[:, a.sites].any(axis=1).all()


def test_lazy_rejects_an_unknown_decider() -> None:
    cov = sp.csr_array(np.eye(3, dtype=bool))
    with pytest.raises(ValueError, match="decider"):
        lazy_min_cover(cov, cap=3, deadline=far(), decider="simplex")


@pytest.mark.parametrize("decider", ["branch", "cpsat"])
def test_pcenter_is_exact_with_either_decider(decider: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pcenter_module, "DECIDER", decider)
    # Without the local-search descent, so that the exact probes find the covers too.
    monkeypatch.setattr(pcenter_module, "DESCENT", False)
    calls: list[int] = []
    real = lazy_module.decide_cover_bb

    def spy(local: sp.csr_array, cap: int, **kw: object) -> object:
        calls.append(cap)
        return real(local, cap, **kw)

    monkeypatch.setattr(lazy_module, "decide_cover_bb", spy)
    for seed in range(8):
        rng = np.random.default_rng(40 + seed)
        dem, sites = rng.uniform(0, 9000.0, (80, 2)), rng.uniform(0, 9000.0, (16, 2))
        t = np.linalg.norm(sites[:, None] - dem[None], axis=2) / 13.3
        res = solve_pcenter(t, 4, time_limit_s=60)
        assert res.status.name == "OPTIMAL"
        assert res.objective == pytest.approx(brute_pcenter(t, 4))
    assert bool(calls) == (decider == "branch")


def test_each_lp_solve_stops_at_the_deadline() -> None:
    """One LP of a large model can take minutes (the Optics Valley p-center probes), so
    every GLOP solve gets the time left until the deadline as its own limit."""
    from lowalt.optimize._coverbb import MIN_LP_S, _Lp

    rng = np.random.default_rng(1)
    cov = sp.csr_array(random_cov(rng, 20_000, 3_000, 0.01), dtype=np.float64)
    lp = _Lp(cov, np.zeros(20_000, dtype=bool), np.arange(20_000), 60)
    status, _, _ = lp.solve(time.perf_counter() - 1.0)  # already past: the shortest limit
    limit = lp.params.time_limit.seconds + lp.params.time_limit.nanos * 1e-9
    assert limit == pytest.approx(MIN_LP_S)
    assert status != "optimal"  # about 1 s of simplex, stopped after 0.01 s
    lp.solve(time.perf_counter() + 30.0)
    limit = lp.params.time_limit.seconds + lp.params.time_limit.nanos * 1e-9
    assert 25.0 < limit <= 30.0


def test_a_stored_basis_restarts_the_lp_after_rows_and_bounds_change() -> None:
    """A node far from the last one solved starts from its parent's basis: rows added to
    the LP since start basic, the optimum is unchanged, and going back to the basis of
    the same bounds costs no pivots."""
    from lowalt.optimize._coverbb import _Lp

    rng = np.random.default_rng(5)
    cov = sp.csr_array(random_cov(rng, 300, 60, 0.08), dtype=np.float64)
    n_cols = cov.shape[1]
    first = np.arange(150)
    lp = _Lp(cov, np.zeros(300, dtype=bool), first, 40)
    lo, hi = np.zeros(n_cols), np.ones(n_cols)
    status, values, _ = lp.solve(time.perf_counter() + 30)
    assert status == "optimal" and lp.basis is not None and lp.basis.n_rows == 150
    root = lp.basis
    lp.add_rows(np.arange(150, 300))
    far_lo = lo.copy()
    far_lo[np.argsort(-values)[:3]] = 1.0  # a node three columns down
    lp.set_bounds(far_lo, hi)
    lp.solve(time.perf_counter() + 30)
    lp.set_bounds(lo, hi)  # back to the root's bounds, from the root's basis
    status, with_basis, _ = lp.solve(time.perf_counter() + 30, root)
    assert status == "optimal"
    assert not lp.model_params.HasField("initial_basis")  # one solve only
    fresh = _Lp(cov, np.zeros(300, dtype=bool), np.arange(300), 40)
    _, reference, _ = fresh.solve(time.perf_counter() + 30)
    assert with_basis.sum() == pytest.approx(reference.sum(), abs=1e-7)
    optimal = lp.basis  # optimal for the root's bounds on all rows
    lp.set_bounds(far_lo, hi)
    lp.solve(time.perf_counter() + 30)
    lp.set_bounds(lo, hi)
    lp._set_start(optimal)

    def pivots() -> int:
        return lp.solver.solve(lp.params, lp.model_params, None, lp.callbacks, None,
                               None).solve_stats.simplex_iterations

    assert pivots() == 0  # started from an optimal basis
    lp.model_params.ClearField("initial_basis")
    lp.set_bounds(far_lo, hi)
    lp.solve(time.perf_counter() + 30)
    lp.set_bounds(lo, hi)
    assert pivots() > 0  # from the far node's basis
