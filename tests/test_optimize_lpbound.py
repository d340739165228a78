"""LP bounds for set covering and their reduced-cost restrictions, against brute force."""

from __future__ import annotations

import itertools
import math
import threading
import time

import numpy as np
import pytest
import scipy.sparse as sp
from ortools.util.python.pybind_solve_interrupter import PySolveInterrupter
from scipy.optimize import linprog

from lowalt.optimize import SolveStatus, _lpbound, solve_lscp, solve_pcenter
from lowalt.optimize import _lazy as lazy_module
from lowalt.optimize import lscp as lscp_module
from lowalt.optimize import pcenter as pcenter_module
from lowalt.optimize._coverage import dominated_columns, dominated_rows
from lowalt.optimize._coverbb import decide_cover_bb
from lowalt.optimize._lazy import lazy_min_cover
from lowalt.optimize._lpbound import cover_lp, restriction
from lowalt.optimize._setcover import CostBudget, solve_cover_cpsat

from .test_optimize_bounds import geometric, random_cov


def all_covers(cov: sp.csr_array, cap: int) -> list[tuple[int, ...]]:
    """Every set of at most ``cap`` sites covering every row (brute force)."""
    dense = cov.toarray()
    n = dense.shape[1]
    out = []
    for size in range(1, cap + 1):
        for combo in itertools.combinations(range(n), size):
            if dense[:, list(combo)].any(axis=1).all():
                out.append(combo)
    return out


def min_cover(cov: sp.csr_array) -> int:
    dense = cov.toarray()
    n = dense.shape[1]
    for size in range(1, n + 1):
        for combo in itertools.combinations(range(n), size):
            if dense[:, list(combo)].any(axis=1).all():
                return size
    raise AssertionError("no cover")


def lp_value(cov: sp.csr_array) -> float:
    m, n = cov.shape
    res = linprog(np.ones(n), A_ub=-cov.toarray().astype(float), b_ub=-np.ones(m),
                  bounds=(0, None), method="highs")
    assert res.status == 0
    return float(res.fun)


def far() -> float:
    return time.perf_counter() + 60.0


@pytest.mark.parametrize("seed", range(25))
def test_lp_bound_is_a_feasible_dual_below_the_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cov = random_cov(rng, int(rng.integers(8, 30)), int(rng.integers(5, 11)), p=0.25)
    lp = cover_lp(cov, deadline=far())
    assert lp is not None and lp.optimal
    colsum = sp.csr_array(cov, dtype=float).T @ lp.y
    assert np.all(lp.y >= 0) and np.all(colsum <= 1.0 + 1e-12)
    assert lp.bound <= lp.y.sum() + 1e-12
    assert lp.bound == pytest.approx(lp_value(cov), abs=1e-6)
    assert lp.bound <= min_cover(cov)
    assert np.allclose(lp.reduced, np.maximum(1.0 - colsum, 0.0))


def test_row_generation_reaches_the_full_lp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_lpbound, "LP_INITIAL_ROWS", 6)
    monkeypatch.setattr(_lpbound, "LP_BATCH_ROWS", 4)
    monkeypatch.setattr(_lpbound, "PURGE_MIN_ROWS", 2)
    t = geometric(400, 40, seed=3)
    cov = sp.csr_array(t.T <= 300.0)
    lp = cover_lp(cov, deadline=far())
    assert lp is not None and lp.optimal and lp.rounds > 2
    assert lp.bound == pytest.approx(lp_value(cov), abs=1e-6)


def test_every_lp_round_is_reported_as_a_proof_and_an_interrupt_stops_the_rounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_lpbound, "LP_INITIAL_ROWS", 6)
    monkeypatch.setattr(_lpbound, "LP_BATCH_ROWS", 4)
    t = geometric(400, 40, seed=3)
    cov = sp.csr_array(t.T <= 300.0)
    a_t = sp.csr_array(cov, dtype=float).T
    seen: list[_lpbound.CoverLP] = []
    full = cover_lp(cov, deadline=far(), on_round=seen.append)
    assert full is not None and full.optimal and len(seen) == full.rounds > 2
    assert [r.rounds for r in seen] == sorted(r.rounds for r in seen)
    for r in seen:  # each round is a feasible dual, its bound at most the LP value
        assert np.all(r.y >= 0) and np.all(a_t @ r.y <= 1.0 + 1e-12)
        assert r.bound <= r.y.sum() and r.bound <= full.bound + 1e-9
    assert np.diff([r.bound for r in seen]).min() >= 0.0
    interrupter = PySolveInterrupter()
    first = cover_lp(cov, deadline=far(), on_round=lambda _: interrupter.interrupt(),
                     interrupter=interrupter)
    assert first is not None and first.rounds == 1 and not first.optimal
    assert first.bound == pytest.approx(seen[0].bound)


def test_lp_bound_at_an_expired_deadline_is_none() -> None:
    cov = random_cov(np.random.default_rng(0), 20, 8)
    assert cover_lp(cov, deadline=time.perf_counter() - 1.0) is None


@pytest.mark.parametrize("seed", range(40))
def test_every_small_cover_obeys_the_reduced_cost_restrictions(seed: int) -> None:
    """Soundness: each cover of ≤ cap sites uses allowed sites, covers exact rows once and
    spends at most cap - L of the reduced-cost budget (``CostBudget``)."""
    rng = np.random.default_rng(100 + seed)
    cov = random_cov(rng, int(rng.integers(6, 25)), int(rng.integers(5, 10)), p=0.3)
    lp = cover_lp(cov, deadline=far())
    assert lp is not None
    opt = min_cover(cov)
    dense = cov.toarray()
    for cap in range(max(math.ceil(lp.bound), 1), opt + 2):
        r = restriction(lp, cap)
        covers = all_covers(cov, cap)
        assert r.impossible == (cap < lp.bound)
        if r.impossible:
            assert not covers
            continue
        for combo in covers:
            assert r.allowed_sites[list(combo)].all()
            assert np.all(dense[r.exact_rows][:, list(combo)].sum(axis=1) == 1)
            x = np.zeros(dense.shape[1])
            x[list(combo)] = 1.0
            spent = lp.reduced @ x + lp.y @ (dense.astype(int) @ x - 1.0)
            assert spent <= cap - lp.bound + 1e-9


@pytest.mark.parametrize("seed", range(30))
def test_dominance_under_exact_rows_keeps_a_restricted_cover(seed: int) -> None:
    """Dropping dominated columns never loses every cover meeting the exact-row limits."""
    rng = np.random.default_rng(300 + seed)
    cov = random_cov(rng, int(rng.integers(6, 16)), int(rng.integers(5, 10)), p=0.35)
    exact = rng.random(cov.shape[0]) < 0.4
    dense = cov.toarray()
    n = dense.shape[1]

    def ok(cols: list[int]) -> bool:
        cnt = dense[:, cols].sum(axis=1)
        return bool(np.all(cnt >= 1) and np.all(cnt[exact] == 1))

    keep = np.nonzero(~dominated_columns(cov, np.arange(n), exact_rows=exact))[0]

    def smallest(cols: np.ndarray) -> int | None:
        for size in range(1, cols.size + 1):
            if any(ok([int(cols[i]) for i in c])
                   for c in itertools.combinations(range(cols.size), size)):
                return size
        return None

    # The smallest restricted cover survives dominance with its size.
    assert smallest(keep) == smallest(np.arange(n))
    protected = dominated_rows(cov, protect=exact)
    assert not np.any(protected & exact)


@pytest.mark.parametrize("seed", range(20))
def test_lazy_cover_with_the_lp_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(500 + seed)
    t = geometric(60, 14, seed=500 + seed)
    cov = sp.csr_array(t.T <= 300.0)
    cov = cov[np.diff(cov.indptr) > 0]
    opt = min_cover(cov)
    lp = cover_lp(cov, deadline=far())
    out = lazy_min_cover(cov, lp=lp, deadline=far(), seed=int(rng.integers(100)))
    assert out.status == "optimal" and out.value == opt
    for cap in (opt - 1, opt):
        dec = lazy_min_cover(cov, cap=cap, lp=lp, deadline=far())
        assert dec.status == ("feasible" if cap >= opt else "infeasible")


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("seed", range(4))
def test_lscp_with_the_lp_matches_brute_force(seed: int, workers: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lscp_module, "LP_MIN_NNZ", 0)  # small models normally skip the LP
    t = geometric(300, 16, seed=40 + seed)
    t = t[:, (t <= 300.0).any(axis=0)]
    res = solve_lscp(t, 300.0, fixed_sites=[0], time_limit_s=30, num_workers=workers)
    cov = sp.csr_array(t.T <= 300.0)
    cov = cov[np.diff(cov.indptr) > 0]
    assert res.status is SolveStatus.OPTIMAL
    # Brute force with site 0 forced open.
    rest = cov[np.nonzero(~cov[:, [0]].toarray().ravel())[0]]
    assert res.objective == 1 + (min_cover(rest) if rest.shape[0] else 0)
    lp_bound = res.extras["lp_bound"]
    assert lp_bound is not None and 1.0 < lp_bound <= res.objective
    assert math.ceil(lp_bound - 1e-9) + res.extras["refuted"] <= res.objective


def test_lscp_skips_the_lp_on_small_models() -> None:
    t = geometric(200, 20, seed=1)
    res = solve_lscp(t[:, (t <= 300.0).any(axis=0)], 300.0, time_limit_s=30)
    assert res.status is SolveStatus.OPTIMAL and res.extras["lp_bound"] is None


@pytest.mark.parametrize("span", [(10.0, 400.0), (1000.0, 1000.5)])
@pytest.mark.parametrize("seed", range(6))
def test_pcenter_lp_screening_keeps_the_optimum(seed: int, span: tuple[float, float]) -> None:
    """Brute-force optima; the second span puts all times within 0.05 %, closer than the
    refine tolerance: the exact bisection must still run to a single value."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(*span, (9, 16))
    k = 3
    best = min(t[list(c)].min(axis=0).max() for c in itertools.combinations(range(9), k))
    res = solve_pcenter(t, k, time_limit_s=30)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(best, abs=1e-9)
    for value, outcome in res.extras["probes"]:  # every refuted probe lies below the optimum
        assert (value < best - 1e-9) == outcome.startswith("infeasible")


def test_pcenter_probes_are_refuted_by_the_lp() -> None:
    t = np.random.default_rng(2).uniform(10, 400, (9, 16))
    res = solve_pcenter(t, 3, time_limit_s=30)
    assert any(p[1] == "infeasible (LP)" for p in res.extras["probes"])


@pytest.mark.parametrize("seed", range(5))
def test_pcenter_after_an_undecided_probe_keeps_valid_bounds(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CP-SAT never answering: the LP still raises the bound and the search lowers the ub."""

    def undecided(cov: sp.csr_array, **_: object) -> lazy_module.LazyOutcome:
        return lazy_module.LazyOutcome("unknown", [], 0, 0, 1, 0)

    monkeypatch.setattr(pcenter_module, "lazy_min_cover", undecided)
    # Without vertex substitution or the local-search descent, so the greedy cover
    # leaves probes to be undecided.
    monkeypatch.setattr(pcenter_module, "POLISH", False)
    monkeypatch.setattr(pcenter_module, "DESCENT", False)
    rng = np.random.default_rng(seed)
    t = rng.uniform(10, 400, (10, 40))
    k = 3
    best = min(t[list(c)].min(axis=0).max() for c in itertools.combinations(range(10), k))
    res = solve_pcenter(t, k, time_limit_s=30)
    outcomes = [o for _, o in res.extras["probes"]]
    assert "unknown" in outcomes
    assert res.bound <= best + 1e-9 <= res.objective + 2e-9
    assert res.objective == pytest.approx(t[list(res.sites)].min(axis=0).max())
    assert len(res.sites) <= k
    for value, outcome in res.extras["probes"]:
        if outcome.startswith("infeasible"):
            assert value < best - 1e-9
        if outcome == "feasible":
            assert value >= best - 1e-9
    assert res.status is (SolveStatus.OPTIMAL if res.bound >= res.objective
                          else SolveStatus.FEASIBLE)


@pytest.mark.parametrize("seed", [0, 2, 3])  # instances where greedy is not optimal
def test_pcenter_exact_probes_leave_the_lp_pass_its_reserve(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exact probes that find covers only at the end of their time: the exact stage stops
    at ``1 - LP_RESERVE_SHARE`` of the budget, so the LP-only pass still gets its time
    (before the reserve, each cover probe took 0.8 of what was left, and the LP pass
    got almost nothing)."""
    t = geometric(600, 40, seed=seed)
    t = t[:, np.isfinite(t).any(axis=0)]
    k = 5
    exact = solve_pcenter(t, k, time_limit_s=30)  # checked against brute force elsewhere
    assert exact.status is SolveStatus.OPTIMAL
    real = pcenter_module.lazy_min_cover
    calls: list[tuple[float, float]] = []  # (start, deadline) of every exact probe

    def slow(cov: sp.csr_array, **kw: object) -> lazy_module.LazyOutcome:
        deadline = float(kw["deadline"])  # type: ignore[arg-type]
        calls.append((time.perf_counter(), deadline))
        out = real(cov, **{**kw, "deadline": time.perf_counter() + 30})  # type: ignore[arg-type]
        time.sleep(max(deadline - time.perf_counter(), 0.0))
        if out.status == "feasible":
            return out
        return lazy_module.LazyOutcome("unknown", [], 0, 0, 1, 0)

    real_lp = pcenter_module.cover_lp
    lp_starts: list[float] = []

    def timed_lp(cov: sp.csr_array, **kw: object) -> object:
        lp_starts.append(time.perf_counter())
        return real_lp(cov, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pcenter_module, "lazy_min_cover", slow)
    monkeypatch.setattr(pcenter_module, "cover_lp", timed_lp)
    monkeypatch.setattr(pcenter_module, "POLISH", False)
    monkeypatch.setattr(pcenter_module, "DESCENT", False)
    limit_s = 2.0
    t0 = time.perf_counter()
    res = solve_pcenter(t, k, time_limit_s=limit_s)
    reserve_at = t0 + (1 - pcenter_module.LP_RESERVE_SHARE) * limit_s
    exact_stage = [deadline for start, deadline in calls if start < reserve_at]
    assert len(exact_stage) >= 2  # a cover below the greedy one, then a probe cut short
    assert max(exact_stage) <= reserve_at + 0.05  # the later ones belong to the last pass
    # The LP-only pass starts once the exact stage is over, with time left.
    assert any(max(exact_stage) <= s < t0 + limit_s - 0.05 for s in lp_starts)
    assert res.bound <= exact.objective + 1e-9 <= res.objective + 2e-9



@pytest.mark.parametrize("seed", range(6))
def test_pcenter_descent_alone_lowers_the_upper_bound(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exact probes never answering: the local-search descent still walks the cover down
    (never below the optimum), and it needs no vertex substitution to do so."""

    def undecided(cov: sp.csr_array, **_: object) -> lazy_module.LazyOutcome:
        return lazy_module.LazyOutcome("unknown", [], 0, 0, 1, 0)

    monkeypatch.setattr(pcenter_module, "lazy_min_cover", undecided)
    monkeypatch.setattr(pcenter_module, "POLISH", False)
    rng = np.random.default_rng(100 + seed)
    t = rng.uniform(10, 400, (14, 50))
    k = 3
    best = min(t[list(c)].min(axis=0).max() for c in itertools.combinations(range(14), k))
    objectives = {}
    for descent in (False, True):
        monkeypatch.setattr(pcenter_module, "DESCENT", descent)
        res = solve_pcenter(t, k, time_limit_s=30)
        for value, outcome in res.extras["probes"]:
            assert not (outcome == "feasible" and value < best - 1e-9)
            assert not (outcome.startswith("infeasible") and value >= best - 1e-9)
        assert res.objective == pytest.approx(t[list(res.sites)].min(axis=0).max())
        assert res.bound <= best + 1e-9 <= res.objective + 2e-9
        objectives[descent] = res.objective
    assert objectives[True] <= objectives[False] + 1e-9


@pytest.mark.parametrize("workers", [1, 2])
def test_lscp_refutes_odd_cycles_the_lp_cannot(workers: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Two 5-cycles: LP 5 (y = ½ on every cell), optimum 6; the refutation proves 6.

    The first LP round is already tight, so the refutation runs from that round (during
    the LP) in both worker modes."""
    monkeypatch.setattr(lscp_module, "LP_MIN_NNZ", 0)
    t = np.full((10, 10), np.inf)
    for c in range(2):
        for j in range(5):
            t[5 * c + j, [5 * c + j, 5 * c + (j + 1) % 5]] = 100.0
    res = solve_lscp(t, 300.0, time_limit_s=30, num_workers=workers)
    assert res.status is SolveStatus.OPTIMAL and res.objective == 6
    assert res.extras["lp_bound"] == pytest.approx(5.0, abs=1e-6)
    assert res.extras["refuted"] == 1


@pytest.mark.parametrize(("blocks", "lp", "optimum", "decider"), [
    ([(5, 2), (5, 2), (8, 3)], 5 + 8 / 3, 9, "branch"),
    ([(5, 2), (5, 2)], 5.0, 6, "cpsat"),
])
@pytest.mark.parametrize("workers", [1, 2])
def test_lscp_refutation_decider_follows_the_slack(
        blocks: list[tuple[int, int]], lp: float, optimum: int, decider: str, workers: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Disjoint circulant blocks (n cells, n sites, site j covering w consecutive cells):
    LP n / w each; optimum 3 for the 5-cycle (w = 2) and for n = 8, w = 3. Two 5-cycles
    and the 8-block (LP 7.67) leave the refutation of 8 sites a slack of 0.33, for the LP
    branch and bound; two 5-cycles alone (LP 5) leave none, for CP-SAT. Either way the
    one refutation proves the optimum."""
    monkeypatch.setattr(lscp_module, "LP_MIN_NNZ", 0)
    used: list[str] = []
    real = lscp_module.lazy_min_cover

    def spy(cov: sp.csr_array, **kw: object) -> lazy_module.LazyOutcome:
        if kw.get("cap") is not None:
            used.append(str(kw.get("decider", "cpsat")))
        return real(cov, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(lscp_module, "lazy_min_cover", spy)
    n = sum(size for size, _ in blocks)
    t = np.full((n, n), np.inf)
    first = 0
    for size, width in blocks:
        for j in range(size):
            t[first + j, [first + (j + d) % size for d in range(width)]] = 100.0
        first += size
    res = solve_lscp(t, 300.0, time_limit_s=30, num_workers=workers)
    assert res.status is SolveStatus.OPTIMAL and res.objective == optimum
    assert res.extras["lp_bound"] == pytest.approx(lp, abs=1e-6)
    assert res.extras["refuted"] == 1
    assert used == [decider]


@pytest.mark.parametrize("decider", ["cpsat", "branch"])
def test_lazy_cover_decision_honours_stop(decider: str) -> None:
    """A stop request ends a decision as "unknown" (never a false proof) in either mode."""
    t = geometric(300, 16, seed=61)
    cov = sp.csr_array(t[:, (t <= 300.0).any(axis=0)].T <= 300.0)
    lp = cover_lp(cov, deadline=time.perf_counter() + 30)
    assert lp is not None
    cap = math.ceil(lp.bound)
    out = lazy_min_cover(cov, cap=cap, incumbent=list(range(16)), lp=lp, local_search=False,
                         deadline=time.perf_counter() + 30, decider=decider,
                         expect_infeasible=True, stop=lambda: True)
    assert out.status == "unknown"
    free = lazy_min_cover(cov, cap=cap, incumbent=list(range(16)), lp=lp, local_search=False,
                          deadline=time.perf_counter() + 30, decider=decider,
                          expect_infeasible=True)
    assert free.status in ("feasible", "infeasible")


def test_lscp_refutation_stops_once_the_search_meets_its_target(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A refutation that can only fail (a cover of ``ceil(L)`` sites exists) ends as soon as
    the search beside it finds such a cover, not at its deadline. The 8-cell circulant
    block with 3-cell sites has LP 8/3 and optimum 3 (slack 0.33: the branch and bound).
    The search starts from all 8 sites and moves only once the refutation has started,
    and the refutation here just waits for its stop signal."""
    monkeypatch.setattr(lscp_module, "LP_MIN_NNZ", 0)
    monkeypatch.setattr(lscp_module, "greedy_cover",
                        lambda cov, site_major=None: list(range(cov.shape[1])))
    started = threading.Event()
    real = lscp_module.lazy_min_cover
    real_run = lscp_module.CoverSearch.run

    def waiting_refutation(cov: sp.csr_array, **kw: object) -> lazy_module.LazyOutcome:
        if kw.get("cap") is None:
            return real(cov, **kw)  # type: ignore[arg-type]
        started.set()
        stop = kw.get("stop")
        while time.perf_counter() < float(kw["deadline"]):  # type: ignore[arg-type]
            if callable(stop) and stop():
                break
            time.sleep(0.01)
        best = list(kw["incumbent"])  # type: ignore[call-overload]
        return lazy_module.LazyOutcome("unknown", best, len(best), int(kw["lower"]), 1, 0)  # type: ignore[call-overload]

    def late_search(self: object, **kw: object) -> list[int]:
        started.wait(10)
        return real_run(self, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(lscp_module, "lazy_min_cover", waiting_refutation)
    monkeypatch.setattr(lscp_module.CoverSearch, "run", late_search)
    t = np.full((8, 8), np.inf)
    for j in range(8):
        t[j, [(j + d) % 8 for d in range(3)]] = 100.0
    t0 = time.perf_counter()
    res = solve_lscp(t, 300.0, time_limit_s=30, num_workers=2)
    assert started.is_set()
    assert res.status is SolveStatus.OPTIMAL and res.objective == 3
    assert time.perf_counter() - t0 < 5.0  # the refutation's own deadline was about 22 s


@pytest.mark.parametrize("seed", range(4))
def test_lscp_without_a_local_search_is_still_proven(seed: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A search that never improves greedy: the refutations and CP-SAT must still find and
    prove the optimum (covers found by a refutation attempt are kept)."""
    monkeypatch.setattr(lscp_module, "LP_MIN_NNZ", 0)
    monkeypatch.setattr(lscp_module.CoverSearch, "run", lambda self, **_: list(self.best))
    t = geometric(300, 16, seed=60 + seed)
    t = t[:, (t <= 300.0).any(axis=0)]
    cov = sp.csr_array(t.T <= 300.0)
    res = solve_lscp(t, 300.0, time_limit_s=30)
    assert res.status is SolveStatus.OPTIMAL and res.objective == min_cover(cov)


def test_lazy_cover_passes_the_exact_rows_to_cp_sat(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a tight LP, the kernel must see the exactly-once rows (they make refutations fast)."""
    seen: list[int] = []
    real = lazy_module.solve_cover_cpsat

    def spy(local: sp.csr_array, **kw: object) -> object:
        exact = kw.get("exact")
        seen.append(0 if exact is None else int(np.sum(exact)))
        return real(local, **kw)

    monkeypatch.setattr(lazy_module, "solve_cover_cpsat", spy)
    t = np.full((10, 10), np.inf)  # two 5-cycles: y = 1/2 everywhere, LP 5
    for c in range(2):
        for j in range(5):
            t[5 * c + j, [5 * c + j, 5 * c + (j + 1) % 5]] = 100.0
    cov = sp.csr_array(t.T <= 300.0)
    lp = cover_lp(cov, deadline=far())
    out = lazy_min_cover(cov, cap=5, lp=lp, deadline=far())
    assert out.status == "infeasible"
    assert seen and seen[0] == 10  # slack 0 < y_i = 1/2: every cell covered exactly once


@pytest.mark.parametrize("seed", range(6))
def test_cover_decisions_match_brute_force(seed: int) -> None:
    """Decision mode (objective kept for its bound, stop at the first solution)."""
    rng = np.random.default_rng(seed)
    dense = rng.random((14, 9)) < 0.3
    dense[np.arange(14), rng.integers(0, 9, 14)] = True
    cov = sp.csr_array(dense)
    best = next(m for m in range(1, 10) for c in itertools.combinations(range(9), m)
                if dense[:, list(c)].any(axis=1).all())
    for cap in (best - 1, best, best + 1):
        out = solve_cover_cpsat(cov, upper=cap, feasibility_only=True, time_limit_s=30)
        if cap < best:
            assert out.status == "infeasible"
        else:
            assert out.status == "feasible" and out.value <= cap
            assert dense[:, out.columns].any(axis=1).all()


@pytest.mark.parametrize("seed", range(12))
def test_cover_decisions_with_the_budget_match_brute_force(seed: int) -> None:
    """The scaled budget constraint in CP-SAT, and the exact rows in the LP branch and
    bound, keep every cover of at most cap sites."""
    rng = np.random.default_rng(800 + seed)
    cov = random_cov(rng, int(rng.integers(8, 18)), int(rng.integers(6, 10)), p=0.3)
    lp = cover_lp(cov, deadline=far())
    assert lp is not None
    best = min_cover(cov)
    for cap in (best - 1, best, best + 1):
        if cap < lp.bound:
            continue
        r = restriction(lp, cap)
        cols = np.nonzero(r.allowed_sites)[0]
        budget = CostBudget(lp.reduced[cols], lp.y, cap - lp.bound)
        # CP-SAT with the budget, and the LP branch and bound with the exact rows.
        for out in (solve_cover_cpsat(cov[:, cols], exact=r.exact_rows, upper=cap,
                                      budget=budget, feasibility_only=True, time_limit_s=30),
                    decide_cover_bb(cov[:, cols], cap, exact=r.exact_rows, deadline=far())):
            if cap < best:
                assert out.status == "infeasible"
            else:
                assert out.status == "feasible" and out.value <= cap
                assert cov.toarray()[:, cols[out.columns]].any(axis=1).all()


def test_lazy_decisions_add_the_budget_only_when_the_lp_is_nearly_tight(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = lazy_module.solve_cover_cpsat

    def spy(local: sp.csr_array, **kw: object) -> object:
        seen.append(kw.get("budget") is not None)
        return real(local, **kw)

    monkeypatch.setattr(lazy_module, "solve_cover_cpsat", spy)
    t = np.full((10, 10), np.inf)  # two 5-cycles: LP 5, optimum 6
    for c in range(2):
        for j in range(5):
            t[5 * c + j, [5 * c + j, 5 * c + (j + 1) % 5]] = 100.0
    cov = sp.csr_array(t.T <= 300.0)
    lp = cover_lp(cov, deadline=far())
    assert lp is not None and lp.bound == pytest.approx(5.0, abs=1e-6)
    assert lazy_min_cover(cov, cap=5, lp=lp, deadline=far()).status == "infeasible"
    out = lazy_min_cover(cov, cap=6, lp=lp, incumbent=list(range(10)), deadline=far())
    assert out.status == "feasible"
    # cap 5: slack about 0 gets the budget; cap 6: slack 1 does not.
    assert seen == [True, False]
