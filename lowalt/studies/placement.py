"""Placement study: answer a scenario's ``optimize`` questions with :mod:`lowalt.optimize`.

Candidate sites are land cells (outside no-fly zones) on a lattice of
``candidate_spacing_m`` plus, optionally, the scenario's current docks. The solver sees
demand on a sub-grid of ``demand_spacing_m`` (each point weighted by the cells it stands
for); every layout it returns is then checked exactly on the full demand grid with
:func:`lowalt.flight.reach.compute_reach`, so the reported coverage never rests on the sub-grid.

Demand that no candidate can reach within the target (e.g. the middle of a lake, farther
from every shore than a drone flies in the time) makes full coverage impossible; rather than
fail, the study names those cells and solves for the rest.

Design wind: a pair counts as covered only if it is within the target whatever the wind
direction (:func:`lowalt.flight.reach.reach_matrix` with ``wind_speed_mps``).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from lowalt import progress
from lowalt._memory import count_limit
from lowalt.errors import InfeasibleError, ScenarioError
from lowalt.flight.aircraft import Wind
from lowalt.flight.guarantee import GuaranteeStats, envelope, evaluate
from lowalt.flight.reach import compute_reach, reach_matrix
from lowalt.optimize import (
    PlacementResult,
    SolveStatus,
    solve_backup,
    solve_lscp,
    solve_mclp,
    solve_mexclp,
    solve_pcenter,
)
from lowalt.studies.reach import World, wind_fields

__all__ = ["Answer", "PlacementStudy", "check_placement", "run_placement"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """One question answered.

    Attributes
    ----------
    key
        ``min_docks_calm``, ``min_docks_wind``, ``best_worst_case``, ``backup``, ``drones``
        or ``tradeoff_k{k}``.
    question
        The question in words.
    result
        The solver's result (sites index the study's candidates; for ``drones``, the docks).
    sites_xy
        (K, 2) chosen positions, metres.
    drones
        (K,) drones per chosen site (1 each unless the question spreads drones).
    unreachable_points
        Solver demand points no candidate reaches (left out of the model).
    check
        The layout checked on the full grid (calm air, or every wind direction).
    """

    key: str
    question: str
    result: PlacementResult
    sites_xy: npt.NDArray[np.float64]
    drones: npt.NDArray[np.int64]
    unreachable_points: int
    check: GuaranteeStats | None


@dataclass(frozen=True)
class PlacementStudy:
    """Everything a placement study computed."""

    world: World
    candidates_xy: npt.NDArray[np.float64]
    demand_xy: npt.NDArray[np.float64]
    demand_weight: npt.NDArray[np.float64]
    answers: dict[str, Answer]
    current_calm: GuaranteeStats
    current_wind: GuaranteeStats | None


def _candidates(world: World) -> npt.NDArray[np.float64]:
    s, g = world.scenario, world.grid
    assert s.optimize is not None
    step = max(1, round(s.optimize.candidate_spacing_m / g.spacing_m))
    on_lattice = (g.col % step == 0) & (g.row % step == 0)
    water = g.on_water
    pts = g.xy[on_lattice & ~water & ~world.unservable]
    if s.optimize.include_current_docks:
        pts = np.vstack([world.docks.xy, pts])
    return np.asarray(pts, dtype=np.float64)


def _demand(world: World) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    s, g = world.scenario, world.grid
    assert s.optimize is not None
    if s.optimize.demand_spacing_m is None or s.optimize.demand_spacing_m <= g.spacing_m:
        return g.xy, g.weight
    f = max(1, round(s.optimize.demand_spacing_m / g.spacing_m))
    block = (g.col // f) * (g.ny // f + 2) + (g.row // f)
    _, first, inverse = np.unique(block, return_index=True, return_inverse=True)
    # Each block is represented by its cell nearest the block centre, weighted by its cells.
    cx = np.bincount(inverse, weights=g.xy[:, 0]) / np.bincount(inverse)
    cy = np.bincount(inverse, weights=g.xy[:, 1]) / np.bincount(inverse)
    d = np.hypot(g.xy[:, 0] - cx[inverse], g.xy[:, 1] - cy[inverse])
    order = np.lexsort((np.arange(g.n), d, inverse))
    rep = order[np.r_[0, np.flatnonzero(np.diff(inverse[order])) + 1]]
    weight = np.bincount(inverse, weights=g.weight).astype(np.float64, copy=False)
    del first
    return g.xy[rep], weight


MAX_PLACEMENT_PAIRS = 100_000_000
"""Most candidate-site x demand-point pairs a placement run evaluates (4x Optics Valley's)."""

BYTES_PER_PAIR = 24
"""Peak memory per site-demand pair (two sparse time matrices and the solver's copies), bytes."""


def _check_drones_fit(world: World) -> None:
    s = world.scenario
    d = s.optimize.drones if s.optimize is not None else None
    if d is None:
        return
    docks = world.docks
    if d.total < docks.n:
        raise InfeasibleError(
            f"{d.total} drones cannot fill {docks.n} docks.",
            file=str(s.path),
            key_path="optimize.drones.total",
            fix="give at least one drone per dock.",
        )
    if d.total > docks.n * d.max_per_dock:
        raise InfeasibleError(
            f"{d.total} drones do not fit in {docks.n} docks of {d.max_per_dock}.",
            file=str(s.path),
            key_path="optimize.drones.total",
            fix="raise optimize.drones.max_per_dock or lower the total.",
        )


def check_placement(world: World) -> tuple[int, int]:
    """Check a placement's inputs before anything is built: drones fit, the matrix fits.

    Returns ``(candidate sites, demand points)``.

    Raises
    ------
    InfeasibleError
        When ``optimize.drones`` cannot fill, or does not fit in, the docks.
    ScenarioError
        When the site x demand pairs exceed :data:`MAX_PLACEMENT_PAIRS` or the memory
        available.
    """
    _check_drones_fit(world)
    s = world.scenario
    n_sites, n_demand = len(_candidates(world)), len(_demand(world)[0])
    pairs = n_sites * n_demand
    limit = count_limit(MAX_PLACEMENT_PAIRS, BYTES_PER_PAIR)
    if pairs > limit:
        raise ScenarioError(
            f"placement would evaluate {n_sites:,} candidate sites x {n_demand:,} demand points "
            f"= {pairs:,} pairs, above the limit of {limit:,} (at most "
            f"{MAX_PLACEMENT_PAIRS:,}, and {BYTES_PER_PAIR} bytes a pair must fit in 80 % of "
            "the free memory).",
            file=str(s.path),
            key_path="optimize.candidate_spacing_m",
            fix="raise optimize.candidate_spacing_m or optimize.demand_spacing_m.",
        )
    return n_sites, n_demand


def _restrict(
    m: sparse.csr_array, w: npt.NDArray[np.float64]
) -> tuple[sparse.csr_array, npt.NDArray[np.float64], int]:
    """Drop demand columns with no entry; returns the matrix, weights and how many were dropped."""
    reach = np.asarray((m != 0).sum(axis=0)).ravel() > 0
    return m[:, reach].tocsr(), w[reach], int((~reach).sum())


def _check(world: World, sites_xy: npt.NDArray[np.float64], wind: bool) -> GuaranteeStats:
    s, g, ac = world.scenario, world.grid, world.aircraft
    kw: dict[str, Any] = {
        "target_s": s.guarantee.target_s,
        "obstacles": world.obstacles,
        "unservable": world.unservable,
    }
    if not wind:
        f = compute_reach(g.xy, sites_xy, ac, Wind.calm(), label="calm air", **kw)
        return evaluate(f, g, s.guarantee.required_share)
    speed = s.wind.design_speed_mps
    n = s.wind.directions
    fields = wind_fields(world, sites_xy, [360.0 * i / n for i in range(n)])
    return evaluate(
        envelope(fields, f"wind {speed:g} m/s, every direction"), g, s.guarantee.required_share
    )


def run_placement(world: World) -> PlacementStudy:
    """Answer every question of ``world.scenario.optimize``.

    Raises
    ------
    InfeasibleError
        When no candidate reaches any demand within the target.
    """
    with progress.task("placement solves") as bar:
        return _run_placement(world, bar)


def _run_placement(world: World, bar: progress.Task) -> PlacementStudy:
    s = world.scenario
    o = s.optimize
    assert o is not None
    ac, target = world.aircraft, s.guarantee.target_s
    check_placement(world)
    cand = _candidates(world)
    dxy, dw = _demand(world)
    unserv = _point_mask(world, dxy)
    solve_kw: dict[str, Any] = {
        "time_limit_s": o.time_limit_s,
        "num_workers": o.num_workers,
        "seed": o.seed,
    }
    mkw: dict[str, Any] = {
        "obstacles": world.obstacles,
        "unservable": unserv,
        "true_north_grid_deg": world.true_north_grid_deg,
    }
    log.info("placement: %d candidate sites, %d demand points", len(cand), len(dxy))
    calm = reach_matrix(dxy, cand, ac, max_time_s=target, **mkw)
    if calm.nnz == 0:
        raise InfeasibleError(
            f"no candidate site reaches any demand within {target:g} s.",
            file=str(s.path),
            key_path="optimize.candidate_spacing_m",
            fix="raise the target or check the area and airspace.",
        )
    answers: dict[str, Answer] = {}

    def add(
        key: str,
        question: str,
        res: PlacementResult,
        dropped: int,
        wind: bool,
        sites_xy: npt.NDArray[np.float64] | None = None,
        drones: npt.NDArray[np.int64] | None = None,
    ) -> None:
        xy = cand[list(res.sites)] if sites_xy is None else sites_xy
        dr = np.ones(len(xy), dtype=np.int64) if drones is None else drones
        check = _check(world, xy, wind) if len(xy) else None
        answers[key] = Answer(key, question, res, xy, dr, dropped, check)
        bar.advance(note=key)
        log.info(
            "%s: %s, objective %g (bound %g, %s, %.1f s)",
            key,
            question,
            res.objective,
            res.bound,
            res.status.value,
            res.wall_time_s,
        )

    if o.min_docks:
        m, w, dropped = _restrict(calm, dw)
        add(
            "min_docks_calm",
            f"fewest docks reaching every reachable scene within {target:g} s in calm air",
            solve_lscp(m, target, **solve_kw),
            dropped,
            False,
        )
        if s.wind.design_speed_mps > 0:
            windy = reach_matrix(
                dxy,
                cand,
                ac,
                max_time_s=target,
                wind_speed_mps=s.wind.design_speed_mps,
                directions=s.wind.directions,
                **mkw,
            )
            m, w, dropped = _restrict(windy, dw)
            if m.shape[1]:
                add(
                    "min_docks_wind",
                    f"fewest docks reaching every reachable scene within "
                    f"{target:g} s whatever the direction of a {s.wind.design_speed_mps:g} m/s "
                    "wind",
                    solve_lscp(m, target, **solve_kw),
                    dropped,
                    True,
                )
    if o.best_worst_case_k is not None or o.tradeoff_k:
        horizon = reach_matrix(dxy, cand, ac, max_time_s=target * o.horizon_factor, **mkw)
        hm, _, hdrop = _restrict(horizon, dw)
    if o.best_worst_case_k is not None:
        k = o.best_worst_case_k
        add(
            "best_worst_case",
            f"smallest worst-case time with {k} docks (calm air)",
            solve_pcenter(hm, k, **solve_kw),
            hdrop,
            False,
        )
        on_water = _point_mask(world, dxy, world.grid.on_water)
        if on_water.any():
            land = horizon[:, ~on_water].tocsr()
            lm, _, ldrop = _restrict(land, dw[~on_water])
            add(
                "best_worst_case_land",
                f"smallest worst-case time with {k} docks for scenes on land (calm air)",
                solve_pcenter(lm, k, **solve_kw),
                ldrop,
                False,
            )
    if o.backup_k is not None:
        m, w, dropped = _restrict(calm, dw)
        add(
            "backup",
            f"most demand reached by two docks within {target:g} s with {o.backup_k} docks",
            _with_current_incumbent(
                solve_backup(m, target, o.backup_k, weights=w, **solve_kw), m, w, world, o
            ),
            dropped,
            False,
        )
    if o.drones is not None:
        add_drones(world, dxy, dw, mkw, solve_kw, add)
    for k in o.tradeoff_k:
        m, w, dropped = _restrict(calm, dw)
        add(
            f"tradeoff_mclp_k{k}",
            f"most demand within {target:g} s with {k} docks",
            solve_mclp(m, target, k, weights=w, **solve_kw),
            dropped,
            False,
        )
        add(
            f"tradeoff_pcenter_k{k}",
            f"smallest worst-case time with {k} docks",
            solve_pcenter(hm, k, **solve_kw),
            hdrop,
            False,
        )
    current_calm = _check(world, world.docks.xy, False)
    current_wind = _check(world, world.docks.xy, True) if s.wind.design_speed_mps > 0 else None
    return PlacementStudy(world, cand, dxy, dw, answers, current_calm, current_wind)


def _with_current_incumbent(
    res: PlacementResult,
    m: sparse.csr_array,
    w: npt.NDArray[np.float64],
    world: World,
    o: Any,
) -> PlacementResult:
    """Keep the better of the solver's backup layout and the current docks (when they fit k).

    The current docks are the first candidates when ``include_current_docks`` is set. A
    time-limited solver answer can be worse than that known layout; the study then reports
    the current layout as the incumbent, with the solver's bound and the recomputed gap.
    """
    n = world.docks.n
    if not o.include_current_docks or o.backup_k is None or n > o.backup_k:
        return res
    covered_twice = np.asarray((m[:n] > 0).sum(axis=0)).ravel() >= 2
    value = float(w[covered_twice].sum())
    if value <= res.objective:
        return res
    bound = max(res.bound, value) if math.isfinite(res.bound) else res.bound
    gap = abs(bound - value) / max(abs(value), 1e-9) if math.isfinite(bound) else float("inf")
    status = SolveStatus.OPTIMAL if gap <= 1e-9 else SolveStatus.FEASIBLE
    extras = {**res.extras, "incumbent": "current docks (better than the solver's answer)"}
    return dataclasses.replace(
        res,
        sites=tuple(range(n)),
        objective=value,
        gap=gap,
        status=status,
        extras=MappingProxyType(extras),
    )


def add_drones(
    world: World,
    dxy: npt.NDArray[np.float64],
    dw: npt.NDArray[np.float64],
    mkw: dict[str, Any],
    solve_kw: dict[str, Any],
    add: Any,
) -> None:
    """Spread the scenario's drones over its docks (every dock keeps at least one)."""
    s = world.scenario
    o = s.optimize
    assert o is not None
    assert o.drones is not None
    d = o.drones
    target = s.guarantee.target_s
    docks = world.docks
    _check_drones_fit(world)
    m = reach_matrix(dxy, docks.xy, world.aircraft, max_time_s=target, **mkw)
    m, w, dropped = _restrict(m, dw)
    res = solve_mexclp(
        m,
        target,
        d.total,
        d.busy_probability,
        capacity=d.max_per_dock,
        weights=w,
        fixed_sites=range(docks.n),
        **solve_kw,
    )
    per = res.extras.get("drones_per_site", {})
    drones = np.array([int(per.get(i, 0)) for i in range(docks.n)], dtype=np.int64)
    add(
        "drones",
        f"spread {d.total} drones over the {docks.n} docks (busy probability "
        f"{d.busy_probability:g}, at most {d.max_per_dock} per dock) to maximise expected "
        f"demand reached within {target:g} s",
        res,
        dropped,
        False,
        sites_xy=docks.xy,
        drones=drones,
    )


def _point_mask(
    world: World, xy: npt.NDArray[np.float64], flags: npt.NDArray[np.bool_] | None = None
) -> npt.NDArray[np.bool_]:
    """Per-cell flags (default: unservable) for solver demand points, looked up on the grid."""
    g = world.grid
    col = np.rint((xy[:, 0] - g.x0_m) / g.spacing_m).astype(np.int64)
    row = np.rint((xy[:, 1] - g.y0_m) / g.spacing_m).astype(np.int64)
    lookup = np.zeros((g.ny, g.nx), dtype=bool)
    lookup[g.row, g.col] = world.unservable if flags is None else flags
    return lookup[row, col]

