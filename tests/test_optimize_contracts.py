"""API contracts of the public solvers of ``lowalt.optimize`` (issue 22, item 7).

Every rule is checked on every solver that takes the argument:

* response times: nan (dense, or a stored sparse entry) and negative times raise
  ``ValueError``; ``inf`` (dense), a stored ``inf`` or an absent sparse entry all mean
  unreachable and give the same answer;
* ``time_limit_s`` finite and > 0; ``k`` (and ``n_drones``) a positive integer, the same
  rule everywhere (``bool`` and floats refused, numpy integers accepted, ``k=0`` raises);
  ``num_workers`` an integer >= 1; ``seed`` an integer >= 0; weights finite, >= 0, one
  per demand column; ``target_s`` finite and > 0; site lists integer indices in range,
  never both fixed and forbidden;
* a time-limited answer always has a layout, and its status and bound stay honest;
* every solver returns within ``time_limit_s + 1 s`` on 20,000 × 1,000 inputs, dense and
  sparse (see ``test_time_limit_is_honoured_on_large_inputs``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

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

TARGET = 120.0
"""Target response time (s) of the small instances: every finite time is below it."""

SOLVERS: dict[str, Callable[..., PlacementResult]] = {
    "lscp": solve_lscp,
    "mclp": solve_mclp,
    "pcenter": solve_pcenter,
    "backup": solve_backup,
    "mexclp": solve_mexclp,
    "pmedian": solve_pmedian,
}
MODELS = list(SOLVERS)
DEFAULTS: dict[str, dict[str, Any]] = {
    "lscp": {"target_s": TARGET},
    "mclp": {"target_s": TARGET, "k": 2},
    "pcenter": {"k": 2},
    "backup": {"target_s": TARGET},
    "mexclp": {"target_s": TARGET, "n_drones": 3, "busy_probability": 0.3},
    "pmedian": {"k": 2},
}
COUNT_ARG = {"mclp": "k", "pcenter": "k", "backup": "k", "pmedian": "k", "mexclp": "n_drones"}
"""The site (or drone) count of each model; ``solve_lscp`` has none."""
WEIGHTED = [m for m in MODELS if m != "lscp"]
TARGETED = ["lscp", "mclp", "backup", "mexclp"]
MAXIMISE = {"mclp", "mexclp"}


def solve(model: str, times: Any, **overrides: Any) -> PlacementResult:
    """Call ``model`` on ``times`` with its default arguments, ``overrides`` on top."""
    kwargs = {**DEFAULTS[model], **overrides}
    return SOLVERS[model](times, **kwargs)


def small_times(seed: int = 0, n_sites: int = 8, n_demand: int = 30) -> np.ndarray:
    """Sites × demand times (s) in [10, 100], about 20 % ``inf``; sites 0 and 1 reach all."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(10.0, 100.0, (n_sites, n_demand))
    t[2:][rng.random((n_sites - 2, n_demand)) < 0.2] = np.inf
    return t


def absent_sparse(t: np.ndarray) -> sp.csr_array:
    """The finite entries of ``t`` as a sparse matrix (absent = unreachable)."""
    rows, cols = np.nonzero(np.isfinite(t))
    return sp.csr_array((t[rows, cols], (rows, cols)), shape=t.shape)


def assert_honest(model: str, res: PlacementResult) -> None:
    """Status and bound agree: OPTIMAL only when proven; the bound is on the right side."""
    assert res.sites, f"{model}: empty layout"
    if res.status is SolveStatus.OPTIMAL:
        assert abs(res.objective - res.bound) <= 1e-6 * max(1.0, abs(res.objective))
    if not math.isnan(res.bound):
        if model in MAXIMISE:
            assert res.objective <= res.bound + 1e-9
        else:
            assert res.objective >= res.bound - 1e-9


# --- response times ---------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_nan_in_a_dense_matrix_raises(model: str) -> None:
    t = small_times()
    t[3, 7] = np.nan
    with pytest.raises(ValueError, match=r"1 nan value\(s\), the first at \(site 3, demand 7\)"):
        solve(model, t)


@pytest.mark.parametrize("model", MODELS)
def test_nan_stored_in_a_sparse_matrix_raises(model: str) -> None:
    t = small_times()
    s = absent_sparse(t)
    s.data[5] = np.nan
    with pytest.raises(ValueError, match=r"nan value\(s\), the first at stored entry"):
        solve(model, s)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("bad", [-5.0, -np.inf])
@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_negative_times_raise(model: str, bad: float, kind: str) -> None:
    t = small_times()
    t[1, 2] = bad
    times = t if kind == "dense" else sp.csr_array(np.where(np.isfinite(t) | (t < 0), t, 0.0))
    with pytest.raises(ValueError, match=r"negative value\(s\), the first at \(site 1, demand 2\)"):
        solve(model, times)


@pytest.mark.parametrize("model", MODELS)
def test_non_2d_or_non_numeric_times_raise(model: str) -> None:
    with pytest.raises(ValueError, match="must be 2-D"):
        solve(model, np.ones(5))
    with pytest.raises(ValueError, match="response times must be numbers"):
        solve(model, [["a", "b"], ["c", "d"]])


@pytest.mark.parametrize("model", MODELS)
def test_inf_stored_inf_and_absent_entries_all_mean_unreachable(model: str) -> None:
    t = small_times(seed=1)
    stored_inf = sp.csr_array(t)  # every inf is a stored entry
    assert np.isinf(stored_inf.data).any()
    answers = [solve(model, m, time_limit_s=30) for m in (t, absent_sparse(t), stored_inf)]
    assert {(a.sites, a.objective, a.status) for a in answers} == {
        (answers[0].sites, answers[0].objective, answers[0].status)
    }


def test_pcenter_no_longer_reads_nan_as_unreachable() -> None:
    """The reviewer's case: a nan changed the p-center answer, still labelled optimal."""
    t = small_times(seed=2)
    before = solve_pcenter(t, 2)
    assert before.status is SolveStatus.OPTIMAL
    t[0, int(np.argmax(t[0]))] = np.nan
    with pytest.raises(ValueError, match="nan is not accepted as 'unreachable'"):
        solve_pcenter(t, 2)


# --- options every solver takes ------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("limit", [-1.0, 0.0, np.nan, np.inf, -np.inf])
def test_time_limit_must_be_finite_and_positive(model: str, limit: float) -> None:
    with pytest.raises(ValueError, match=r"time_limit_s must be finite and > 0 seconds"):
        solve(model, small_times(), time_limit_s=limit)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("limit", [True, "10", None])
def test_time_limit_must_be_a_number(model: str, limit: Any) -> None:
    with pytest.raises(ValueError, match=r"time_limit_s must be a number of seconds"):
        solve(model, small_times(), time_limit_s=limit)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("workers", [0, -2])
def test_num_workers_must_be_at_least_one(model: str, workers: int) -> None:
    with pytest.raises(ValueError, match=r"num_workers must be at least 1"):
        solve(model, small_times(), num_workers=workers)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("workers", [1.0, 2.5, True, "2"])
def test_num_workers_must_be_an_integer(model: str, workers: Any) -> None:
    with pytest.raises(ValueError, match=r"num_workers must be a positive integer"):
        solve(model, small_times(), num_workers=workers)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("seed", "message"), [
    (-1, r"seed must be at least 0"),
    (0.5, r"seed must be an integer >= 0"),
    (True, r"seed must be an integer >= 0"),
    (None, r"seed must be an integer >= 0"),
    (2**31, r"seed must be at most 2,147,483,647"),  # CP-SAT's seed is 32-bit: it raised
])
def test_seed_must_be_a_non_negative_integer(model: str, seed: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        solve(model, small_times(), seed=seed)


@pytest.mark.parametrize("model", MODELS)
def test_numpy_integers_and_floats_are_accepted(model: str) -> None:
    kwargs: dict[str, Any] = {"num_workers": np.int32(1), "seed": np.uint8(3),
                              "time_limit_s": np.float32(30.0)}
    if model in COUNT_ARG:
        kwargs[COUNT_ARG[model]] = np.int64(DEFAULTS[model].get(COUNT_ARG[model], 2))
    if model in TARGETED:
        kwargs["target_s"] = np.float64(TARGET)
    res = solve(model, small_times(), **kwargs)
    assert res.sites
    assert res.sites == solve(model, small_times(), seed=3, num_workers=1, time_limit_s=30).sites


# --- k and other counts ---------------------------------------------------------------


@pytest.mark.parametrize("model", list(COUNT_ARG))
@pytest.mark.parametrize("value", [0, -1])
def test_count_below_one_raises_everywhere(model: str, value: int) -> None:
    name = COUNT_ARG[model]
    with pytest.raises(ValueError, match=rf"^{name} must be at least 1, got {value}"):
        solve(model, small_times(), **{name: value})


@pytest.mark.parametrize("model", list(COUNT_ARG))
@pytest.mark.parametrize("value", [2.5, 2.0, True, np.True_, "2", np.float64(2.0)])
def test_count_must_be_an_integer(model: str, value: Any) -> None:
    name = COUNT_ARG[model]
    with pytest.raises(ValueError, match=rf"^{name} must be a positive integer, got"):
        solve(model, small_times(), **{name: value})


@pytest.mark.parametrize("model", ["mclp", "pcenter", "backup", "pmedian"])
def test_k_below_the_fixed_sites_raises(model: str) -> None:
    with pytest.raises(ValueError, match=r"k=1 is smaller than the 2 fixed sites"):
        solve(model, small_times(), k=1, fixed_sites=[0, 1])


def test_backup_k_none_is_cover_mode() -> None:
    assert solve_backup(small_times(), TARGET, None).extras["mode"] == "cover"


def test_pmedian_k_above_the_allowed_sites_raises() -> None:
    with pytest.raises(ValueError, match=r"k=8 is more than the 7 allowed sites"):
        solve_pmedian(small_times(), 8, forbidden_sites=[7])


# --- targets, weights, site lists --------------------------------------------------


@pytest.mark.parametrize("model", TARGETED)
@pytest.mark.parametrize("target", [0.0, -5.0, np.nan, np.inf])
def test_target_must_be_finite_and_positive(model: str, target: float) -> None:
    with pytest.raises(ValueError, match=r"target_s must be finite and > 0 seconds"):
        solve(model, small_times(), target_s=target)


@pytest.mark.parametrize("model", TARGETED)
def test_target_must_be_a_number(model: str) -> None:
    with pytest.raises(ValueError, match=r"target_s must be a number of seconds"):
        solve(model, small_times(), target_s="300")


@pytest.mark.parametrize("model", WEIGHTED)
@pytest.mark.parametrize(("weights", "message"), [
    (np.ones(29), r"weights has 29 entries, the matrix has 30 demand columns"),
    (np.ones((30, 1)), r"weights must be 1-D, got shape \(30, 1\)"),
    (np.r_[np.ones(29), np.nan], r"weights must be finite and >= 0, got nan at index 29"),
    (np.r_[np.inf, np.ones(29)], r"weights must be finite and >= 0, got inf at index 0"),
    (np.r_[np.ones(4), -1.0, np.ones(25)], r"weights must be finite and >= 0, got -1.0 at index 4"),
    (["a"] * 30, r"weights must be numbers"),
])
def test_weights_are_checked(model: str, weights: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        solve(model, small_times(), weights=weights)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("arg", ["fixed_sites", "forbidden_sites"])
@pytest.mark.parametrize(("sites", "message"), [
    ([8], r"contains site 8, outside 0..7"),
    ([-1], r"contains site -1, outside 0..7"),
    ([1.5], r"must hold integer site indices, got 1.5"),
    ([1.0], r"must hold integer site indices, got 1.0"),
    ([True], r"must hold integer site indices, got True"),
    ("12", r"must be a list of site indices, got a string"),
    ([[0, 1]], r"must be a flat list of site indices"),
])
def test_site_lists_are_checked(model: str, arg: str, sites: Any, message: str) -> None:
    with pytest.raises(ValueError, match=rf"^{arg} {message}"):
        solve(model, small_times(), **{arg: sites})


@pytest.mark.parametrize("model", MODELS)
def test_a_site_cannot_be_fixed_and_forbidden(model: str) -> None:
    with pytest.raises(ValueError, match=r"site\(s\) 1 are both in fixed_sites and forbidden"):
        solve(model, small_times(), fixed_sites=[1], forbidden_sites=[1, 2])


@pytest.mark.parametrize("model", MODELS)
def test_numpy_site_lists_are_accepted(model: str) -> None:
    res = solve(model, small_times(), fixed_sites=np.array([0], dtype=np.int32),
                forbidden_sites=(np.int64(5),))
    assert 0 in res.sites and 5 not in res.sites


# --- mexclp's own arguments --------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"busy_probability": 1.0}, r"busy_probability must be in \[0, 1\), got 1.0"),
    ({"busy_probability": -0.1}, r"busy_probability must be in \[0, 1\), got -0.1"),
    ({"busy_probability": np.nan}, r"busy_probability must be in \[0, 1\), got nan"),
    ({"busy_probability": True}, r"busy_probability must be a probability"),
    ({"capacity": -1}, r"capacity must be at least 0"),
    ({"capacity": 2.5}, r"capacity must be an integer >= 0"),
    ({"capacity": np.ones(3, dtype=int)}, r"capacity must be a scalar or hold 8 entries"),
    ({"capacity": np.full(8, 1.5)}, r"capacity must hold integers >= 0"),
    ({"max_sites": 0}, r"max_sites must be at least 1"),
    ({"max_sites": 1, "fixed_sites": [0, 1]}, r"max_sites=1 is smaller than the 2 fixed"),
    ({"n_drones": 1, "fixed_sites": [0, 1]}, r"n_drones=1 cannot give one drone to each"),
    ({"capacity": np.r_[0, np.ones(7, dtype=int)], "fixed_sites": [0]},
     r"fixed site 0 has capacity 0"),
])
def test_mexclp_arguments_are_checked(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        solve("mexclp", small_times(), **kwargs)


# --- time-limited answers --------------------------------------------------------------


def medium_times(n_sites: int = 300, n_demand: int = 3000, seed: int = 5) -> np.ndarray:
    """Uniform 0–600 s with about 30 % unreachable pairs (``inf``)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, 600.0, (n_sites, n_demand))
    t[rng.random(t.shape) < 0.3] = np.inf
    return t


MEDIUM_ARGS: dict[str, dict[str, Any]] = {
    "lscp": {"target_s": 40.0},
    "mclp": {"target_s": 40.0, "k": 10},
    "pcenter": {"k": 10},
    "backup": {"target_s": 40.0},
    "mexclp": {"target_s": 40.0, "n_drones": 20, "busy_probability": 0.3},
    "pmedian": {"k": 10},
}


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("limit", [1e-6, 1e-3, 0.05])
def test_a_time_limited_answer_has_a_layout_and_an_honest_status(model: str, limit: float
                                                                  ) -> None:
    t = medium_times()
    start = time.perf_counter()
    res = SOLVERS[model](t, **MEDIUM_ARGS[model], time_limit_s=limit)
    wall = time.perf_counter() - start
    assert wall <= limit + 1.0
    assert_honest(model, res)


# --- 20,000 × 1,000: the time limit is honoured ----------------------------------------

LARGE_LIMIT_S = 0.5
LARGE_ARGS: dict[str, dict[str, Any]] = {
    "lscp": {"target_s": 30.0},  # about 130 sites needed
    "mclp": {"target_s": 30.0, "k": 10},  # about a third of the demand reachable
    "pcenter": {"k": 10},
    "backup": {"target_s": 30.0},  # about 180 sites for double coverage
    "mexclp": {"target_s": 30.0, "n_drones": 20, "busy_probability": 0.3},
    "pmedian": {"k": 10},  # 14 M site-demand pairs
}


@pytest.fixture(scope="module")
def large() -> dict[str, Any]:
    """20,000 demand cells × 1,000 sites, both orientations, dense and sparse."""
    out: dict[str, Any] = {}
    for n_sites, n_demand in ((1_000, 20_000), (20_000, 1_000)):
        t = medium_times(n_sites, n_demand, seed=0)
        key = f"{n_sites}x{n_demand}"
        out[key, "dense"] = t
        out[key, "sparse"] = absent_sparse(t)
    return out


@pytest.fixture(scope="module")
def warm() -> None:
    """Load the compiled (numba) kernels once, outside the timed calls.

    The first call in a process loads every kernel from numba's disk cache (or compiles
    it after a code change: several seconds); that one-time cost is excluded here by a
    warm-up on a medium instance, with a normal and a tiny budget (the fallback paths).
    """
    t = medium_times()
    for model in MODELS:
        for limit in (0.3, 1e-3):
            SOLVERS[model](t, **MEDIUM_ARGS[model], time_limit_s=limit)


LARGE_CASES = [
    pytest.param(model, kind, shape, id=f"{model}-{kind}-{shape}")
    for shape in ("1000x20000", "20000x1000")
    for kind in ("dense", "sparse")
    for model in MODELS
]
"""Not marked slow: the 24 cases take about 20 s on 2 cores (instances and warm-up
included), the whole file about 30 s."""


@pytest.mark.parametrize(("model", "kind", "shape"), LARGE_CASES)
def test_time_limit_is_honoured_on_large_inputs(
    model: str, kind: str, shape: str, large: dict[str, Any], warm: None
) -> None:
    """Every solver returns within ``time_limit_s + 1 s``, with a layout.

    ``shape`` is sites × demand. Wall time is measured outside the call
    (``time.perf_counter``), input conversion included; the compiled kernels are loaded
    beforehand by ``warm``.
    """
    times = large[shape, kind]
    walls = []
    for _ in range(2):  # a second try only when the first overran: another process may
        start = time.perf_counter()  # have had the cores (measured 1.52 s once under load)
        res = SOLVERS[model](times, **LARGE_ARGS[model], time_limit_s=LARGE_LIMIT_S)
        walls.append(time.perf_counter() - start)
        if walls[-1] <= LARGE_LIMIT_S + 1.0:
            break
    assert walls[-1] <= LARGE_LIMIT_S + 1.0, f"{model} {kind} {shape}: {walls} s"
    assert len(res.sites) > 0
    assert_honest(model, res)
