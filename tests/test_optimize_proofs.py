"""Proof checks: every model that can say OPTIMAL, against brute force on small random models.

Each model is solved on a few hundred seeded random instances with at most 9 sites, and every
site subset (every drone allocation, for MEXCLP) is enumerated for the true optimum. For every
result: its ``sites`` really achieve its ``objective`` (recomputed here); the objective is no
better than the true optimum and the ``bound`` no worse (a bound is a proof, so it must hold
whatever the status); and ``OPTIMAL`` means objective = bound = the true optimum.

The search shortcuts are switched off one at a time through their module-level switches
(``SWITCHES``), so a bookkeeping slip in a shortcut and one in the path without it are both
seen; the full seed range per variant is ``slow``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import lowalt.optimize._coverbb as coverbb
import lowalt.optimize.lscp as lscp_mod
import lowalt.optimize.mclp as mclp_mod
import lowalt.optimize.pcenter as pcenter_mod
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

TOL = 1e-6
QUICK = [*range(60), 99, 175]  # seeds per shortcut variant in the default run
# 99 and 175 are p-center instances whose bisections move the bounds: they catch a probe's
# bound update off by one (``lb = mid + 2``, ``ub = mid - 1``) that seeds 0-59 miss.
FULL = range(300)  # seeds for the default configuration (and every variant when slow)

# Shortcut switches: name -> [(module, attribute, value)]. "default" is today's behaviour.
_BB_OFF = [(coverbb, "DOMINATE", False), (coverbb, "ROUNDING", False),
           (coverbb, "RESTORE_BASIS", False)]
SWITCHES: dict[str, dict[str, list[tuple[Any, str, Any]]]] = {
    "pcenter": {
        "default": [],
        "no_descent": [(pcenter_mod, "DESCENT", False)],
        "no_polish": [(pcenter_mod, "POLISH", False)],
        "no_descent_no_polish": [(pcenter_mod, "DESCENT", False), (pcenter_mod, "POLISH", False)],
        "cpsat_decider": [(pcenter_mod, "DECIDER", "cpsat")],
        "branch_no_dominance": _BB_OFF,
        # No time for the exact probe just below the best cover: the bound then comes from
        # the LP-only, local-search and exact bisections after it.
        "bisection": [(pcenter_mod, "DESCEND_SHARE", 0.0)],
        "bisection_no_descent": [(pcenter_mod, "DESCEND_SHARE", 0.0),
                                 (pcenter_mod, "DESCENT", False)],
        "bisection_only": [(pcenter_mod, "DESCEND_SHARE", 0.0), (pcenter_mod, "DESCENT", False),
                           (pcenter_mod, "POLISH", False)],
    },
    "lscp": {
        "default": [],
        # Small models skip the LP; LP_MIN_NNZ = 0 runs it, with its early refutations.
        "lp": [(lscp_mod, "LP_MIN_NNZ", 0)],
        "lp_no_early_refutation": [(lscp_mod, "LP_MIN_NNZ", 0),
                                   (lscp_mod, "EARLY_REFUTE_SLACK", -1.0)],
        "lp_branch_refutation": [(lscp_mod, "LP_MIN_NNZ", 0),
                                 (lscp_mod, "BRANCH_MIN_SLACK", -1.0)],
        "lp_branch_no_dominance": [(lscp_mod, "LP_MIN_NNZ", 0),
                                   (lscp_mod, "BRANCH_MIN_SLACK", -1.0), *_BB_OFF],
        "no_row_dominance": [(lscp_mod, "DOMINANCE_SHARE", 0.0)],
    },
    "mclp": {
        "default": [],
        "no_swap_search": [(mclp_mod, "SWAP_SHARE", 0.0)],
        "no_lp": [(mclp_mod, "LP_SHARE", 0.0)],
    },
}


def _apply(monkeypatch: pytest.MonkeyPatch, model: str, variant: str) -> None:
    for module, name, value in SWITCHES[model][variant]:
        assert hasattr(module, name), f"{module.__name__}.{name} is gone"
        monkeypatch.setattr(module, name, value)


def _variants(model: str) -> list[Any]:
    """(variant, seeds) params: the default on every seed; each shortcut variant on a quick
    range, and on every seed as a ``slow`` param."""
    out: list[Any] = [pytest.param("default", FULL, id="default")]
    for v in SWITCHES[model]:
        if v != "default":
            out.append(pytest.param(v, QUICK, id=f"{v}-quick"))
            out.append(pytest.param(v, FULL, id=f"{v}-full", marks=pytest.mark.slow))
    return out


# ---------------------------------------------------------------- random instances


def instance(seed: int, *, max_sites: int = 9) -> tuple[np.ndarray, np.ndarray, float, int]:
    """(times sites × demand, weights, target_s, k): times on a 10 s lattice (many ties),
    some unreachable pairs, weights 0-5; every cell has two sites within the target."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, max_sites + 1))
    m = int(rng.integers(4, 26))
    t = rng.integers(3, 50, (n, m)).astype(float) * 10.0
    t[rng.random((n, m)) < 0.15] = np.inf
    target = float(rng.integers(10, 40)) * 10.0
    for j in range(m):  # two sites within the target for every cell
        for i in rng.choice(n, 2, replace=False):
            if t[i, j] > target:
                t[i, j] = float(rng.integers(3, target // 10 + 1)) * 10.0
    w = rng.integers(0, 6, m).astype(float)
    w[rng.integers(m)] = 1.0 + rng.integers(5)  # at least one weighted cell
    k = int(rng.integers(1, min(4, n - 1) + 1))
    return t, w, target, k


def subsets(n: int, k: int | None = None) -> np.ndarray:
    """Every non-empty site subset (of exactly ``k`` sites when given) as a boolean matrix."""
    masks = np.array(list(itertools.product([False, True], repeat=n)), dtype=bool)[1:]
    return masks if k is None else masks[masks.sum(axis=1) == k]


def nearest(t: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """(subsets × demand) time from each subset's nearest site."""
    return np.where(masks[:, :, None], t[None], np.inf).min(axis=1)


def chosen(res: PlacementResult, n: int) -> np.ndarray:
    mask = np.zeros((1, n), dtype=bool)
    mask[0, list(res.sites)] = True
    return mask


def check(res: PlacementResult, achieved: float, optimum: float, *, maximise: bool,
          where: str) -> None:
    """The result's claims against what its sites achieve and the brute-force optimum."""
    scale = max(1.0, abs(optimum))
    assert res.objective == pytest.approx(achieved, abs=TOL * scale), where
    sign = -1.0 if maximise else 1.0  # compare as minimisation
    obj, bound, opt = sign * res.objective, sign * res.bound, sign * optimum
    assert obj >= opt - TOL * scale, f"{where}: objective better than the optimum"
    assert bound <= opt + TOL * scale, f"{where}: bound {res.bound} past the optimum {optimum}"
    assert bound <= obj + TOL * scale, f"{where}: bound past the objective"
    if res.status is SolveStatus.OPTIMAL:
        assert res.objective == pytest.approx(optimum, abs=TOL * scale), where
        assert res.bound == pytest.approx(res.objective, abs=TOL * scale), where
    else:
        assert res.status is SolveStatus.FEASIBLE, where


def _run(seeds: Sequence[int], one: Callable[[int], bool]) -> None:
    """Run ``one`` per seed; at least half of the instances must end OPTIMAL (else the test
    would check little)."""
    optimal = sum(one(seed) for seed in seeds)
    assert optimal >= len(seeds) // 2, f"only {optimal} of {len(seeds)} proved"


# ---------------------------------------------------------------- models


@pytest.mark.parametrize(("variant", "seeds"), _variants("pcenter"))
def test_pcenter_proofs(
    variant: str, seeds: Sequence[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _apply(monkeypatch, "pcenter", variant)

    def one(seed: int) -> bool:
        t, w, _, k = instance(seed)
        t = np.where(np.isinf(t), 990.0, t)  # finite: every k-subset reaches every cell
        cells = w > 0
        masks = subsets(t.shape[0], k)
        optimum = float(nearest(t, masks)[:, cells].max(axis=1).min())
        res = solve_pcenter(t, k, weights=w, time_limit_s=20, num_workers=1, seed=seed)
        assert len(res.sites) <= k  # fewer sites when they already reach the optimum
        achieved = float(nearest(t, chosen(res, t.shape[0]))[0, cells].max())
        check(res, achieved, optimum, maximise=False, where=f"pcenter seed {seed} k={k}")
        return res.status is SolveStatus.OPTIMAL

    _run(seeds, one)


@pytest.mark.parametrize(("variant", "seeds"), _variants("lscp"))
def test_lscp_proofs(
    variant: str, seeds: Sequence[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _apply(monkeypatch, "lscp", variant)

    def one(seed: int) -> bool:
        t, _, target, _ = instance(seed)
        masks = subsets(t.shape[0])
        covers = (nearest(t, masks) <= target).all(axis=1)
        optimum = float(masks[covers].sum(axis=1).min())
        res = solve_lscp(t, target, time_limit_s=20, num_workers=2, seed=seed)  # search beside
        ok = bool((nearest(t, chosen(res, t.shape[0]))[0] <= target).all())
        assert ok, f"lscp seed {seed}: the sites do not cover every cell"
        check(res, float(len(res.sites)), optimum, maximise=False, where=f"lscp seed {seed}")
        return res.status is SolveStatus.OPTIMAL

    _run(seeds, one)


@pytest.mark.parametrize(("variant", "seeds"), _variants("mclp"))
def test_mclp_proofs(
    variant: str, seeds: Sequence[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _apply(monkeypatch, "mclp", variant)

    def one(seed: int) -> bool:
        t, w, target, k = instance(seed)
        masks = subsets(t.shape[0], k)
        optimum = float(((nearest(t, masks) <= target) @ w).max())
        res = solve_mclp(t, target, k, weights=w, time_limit_s=20, num_workers=1, seed=seed)
        assert len(res.sites) <= k
        achieved = float((nearest(t, chosen(res, t.shape[0]))[0] <= target) @ w)
        check(res, achieved, optimum, maximise=True, where=f"mclp seed {seed} k={k}")
        return res.status is SolveStatus.OPTIMAL

    _run(seeds, one)


def _double(t: np.ndarray, masks: np.ndarray, target: float) -> np.ndarray:
    """(subsets × demand) whether two chosen sites reach the cell within the target."""
    return (masks.astype(np.int64) @ (t <= target).astype(np.int64)) >= 2


@pytest.mark.parametrize("seeds", [FULL])
def test_backup_budget_proofs(seeds: range) -> None:
    def one(seed: int) -> bool:
        t, w, target, k = instance(seed)
        k = max(k, 2)
        if k > t.shape[0]:
            return True
        masks = subsets(t.shape[0], k)
        optimum = float((_double(t, masks, target) @ w).max())
        res = solve_backup(t, target, k, weights=w, time_limit_s=20, num_workers=1, seed=seed)
        assert len(res.sites) <= k
        achieved = float(_double(t, chosen(res, t.shape[0]), target)[0] @ w)
        check(res, achieved, optimum, maximise=True, where=f"backup seed {seed} k={k}")
        return res.status is SolveStatus.OPTIMAL

    _run(seeds, one)


@pytest.mark.parametrize("seeds", [FULL])
def test_backup_cover_proofs(seeds: range) -> None:
    def one(seed: int) -> bool:
        t, _, target, _ = instance(seed)
        masks = subsets(t.shape[0])
        optimum = float(masks[_double(t, masks, target).all(axis=1)].sum(axis=1).min())
        res = solve_backup(t, target, time_limit_s=20, num_workers=1, seed=seed)
        assert _double(t, chosen(res, t.shape[0]), target).all(), f"backup cover seed {seed}"
        check(res, float(len(res.sites)), optimum, maximise=False,
              where=f"backup cover seed {seed}")
        return res.status is SolveStatus.OPTIMAL

    _run(seeds, one)


@pytest.mark.parametrize("seeds", [FULL])
def test_pmedian_proofs(seeds: range) -> None:
    def one(seed: int) -> bool:
        t, w, _, k = instance(seed)
        t = np.where(np.isinf(t), 990.0, t)
        masks = subsets(t.shape[0], k)
        optimum = float((nearest(t, masks) @ w).min())
        res = solve_pmedian(t, k, weights=w, time_limit_s=20, num_workers=1, seed=seed)
        assert len(res.sites) <= k
        achieved = float(nearest(t, chosen(res, t.shape[0]))[0] @ w)
        check(res, achieved, optimum, maximise=False, where=f"pmedian seed {seed} k={k}")
        return res.status is SolveStatus.OPTIMAL

    _run(seeds, one)


def allocations(n: int, drones: int, cap: int) -> np.ndarray:
    """Every allocation of exactly ``drones`` drones to ``n`` sites, at most ``cap`` each."""
    grid = np.array(list(itertools.product(range(cap + 1), repeat=n)), dtype=np.int64)
    return grid[grid.sum(axis=1) == drones]


@pytest.mark.parametrize("seeds", [FULL])
def test_mexclp_proofs(seeds: range) -> None:
    def one(seed: int) -> bool:
        t, w, target, _ = instance(seed, max_sites=6)
        rng = np.random.default_rng(10_000 + seed)
        n = t.shape[0]
        cap = int(rng.integers(1, 3))
        drones = int(rng.integers(1, min(5, cap * n) + 1))
        q = float(rng.choice([0.1, 0.3, 0.5]))
        reach = (t <= target).astype(np.int64)

        def value(alloc: np.ndarray) -> np.ndarray:
            return (1.0 - q ** (alloc @ reach)) @ w

        optimum = float(value(allocations(n, drones, cap)).max())
        res = solve_mexclp(t, target, drones, q, capacity=cap, weights=w, time_limit_s=20,
                           num_workers=1, seed=seed)
        alloc = np.zeros(n, dtype=np.int64)
        for site, count in res.extras["drones_per_site"].items():
            alloc[int(site)] = int(count)
        assert alloc.sum() == drones and alloc.max() <= cap, (seed, alloc)
        assert set(res.sites) == set(np.flatnonzero(alloc).tolist())
        check(res, float(value(alloc)), optimum, maximise=True, where=f"mexclp seed {seed}")
        return res.status is SolveStatus.OPTIMAL

    _run(seeds, one)
