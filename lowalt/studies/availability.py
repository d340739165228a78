"""The guarantee under load: simulate a year of calls and find the drones each reliability needs.

Given a prepared :class:`~lowalt.studies.reach.World` with an ``availability`` section, this
study

1. builds the demand model (the 11 modeled departments, or the scenario's own), the
   fleet (battery, turnaround, wind grounding from a modeled or supplied hourly wind,
   maintenance) and the dock x cell response table (:func:`lowalt.sim.simulate.response_table`);
2. simulates ``days`` days of calls with the scenario's docks and drones
   (:func:`lowalt.sim.simulate.simulate`) and puts the analytic models beside it (M/M/c per
   dock, Larson's hypercube, MEXCLP; :func:`lowalt.sim.queueing.compare`);
3. for each reliability target (default 95 % and 99 % of calls within the target), finds
   the fewest drones, and where to put them, by bisection over the fleet size D, starting
   from today's fleet: each D is spread over the scenario's docks by MEXCLP (Daskin's busy
   probability ``q = offered drone-hours / D`` from the demand model's *expected* rates,
   :func:`lowalt.optimize.solve_mexclp`, which places greedily any drone its MIP leaves
   idle within the gap tolerance) and judged by simulating two independent draws of calls (the
   study's and a second one, common random numbers across D), pooled. The simulated share
   is not guaranteed monotone in D (each D gets its own allocation), so the answer reports
   the share at D - 1 too, and a Wilson 95 % interval;
4. simulates the same calls on design-wind days: flight times in the design wind from the
   worst direction for each cell, and every dock grounded when the design wind exceeds the
   launch limit.

Everything is seeded: the same scenario gives the same numbers.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from scipy import sparse

from lowalt import progress
from lowalt.errors import InfeasibleError
from lowalt.optimize import PlacementResult, solve_mexclp
from lowalt.scenario.schema import AvailabilityConfig
from lowalt.sim.demand import (
    Calls,
    DemandModel,
    expected_cell_rates,
    generate_calls,
)
from lowalt.sim.fleet import FleetParams, ResponseTable
from lowalt.sim.queueing import (
    Comparison,
    DockLoad,
    Hypercube,
    compare,
    hypercube,
    offered_load,
    offered_load_from_calls,
)
from lowalt.sim.result import SimResult
from lowalt.sim.simulate import Policy, response_table, simulate
from lowalt.studies.availability_inputs import (
    _config,
    build_demand_model,
    build_fleet,
    check_availability_size,
)
from lowalt.studies.reach import World

__all__ = [
    "AvailabilityStudy",
    "DronesAnswer",
    "build_demand_model",
    "build_fleet",
    "check_availability_size",
    "drones_for_share",
    "run_availability",
    "wilson95",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DronesAnswer:
    """The fewest drones found to reach one reliability target.

    Attributes
    ----------
    target_share
        Required share of calls reached within the target time, 0-1.
    met
        Whether some fleet size up to the search's maximum reached it.
    drones
        (K,) drones per dock of the answer (of the largest fleet tried when not met).
    simulated_share
        Share within the target with ``drones``, pooled over the call streams.
    stream_shares
        The same per call stream (the study's calls, then an independent draw).
    ci95
        Wilson 95 % interval of ``simulated_share`` (binomial, calls as trials).
    share_one_fewer
        Pooled share with one drone fewer (its own MEXCLP allocation); ``nan`` when D = 1
        or not met.
    expected_share
        MEXCLP expected share ``Σ w (1 - q^m) / Σ w`` of the answer (no wind grounding).
    allocation
        MEXCLP result behind the answer's allocation (status, gap, wall time).
    evaluations
        ``(D, pooled share)`` of every fleet size tried, in order.
    limit_reason
        Why the target is out of reach when not met (geometry, wind grounding), else "".
    """

    target_share: float
    met: bool
    drones: npt.NDArray[np.int64]
    simulated_share: float
    stream_shares: tuple[float, ...]
    ci95: tuple[float, float]
    share_one_fewer: float
    expected_share: float
    allocation: PlacementResult
    evaluations: tuple[tuple[int, float], ...]
    limit_reason: str

    @property
    def total(self) -> int:
        """D, drones in the answer."""
        return int(self.drones.sum())

    @property
    def docks_used(self) -> int:
        """Docks holding at least one drone."""
        return int((self.drones > 0).sum())


@dataclass(frozen=True)
class _Eval:
    drones: npt.NDArray[np.int64]
    shares: tuple[float, ...]
    hits: int
    n: int
    result: PlacementResult

    @property
    def share(self) -> float:
        return self.hits / self.n if self.n else math.nan


def wilson95(hits: int, n: int) -> tuple[float, float]:
    """Wilson score 95 % interval of a binomial share ``hits / n``."""
    if n == 0:
        return (math.nan, math.nan)
    z = 1.959963984540054
    p = hits / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(mid - half, 0.0), min(mid + half, 1.0))


@dataclass(frozen=True)
class AvailabilityStudy:
    """Everything the availability study computed (see the module doc)."""

    world: World
    config: AvailabilityConfig
    model: DemandModel
    fleet: FleetParams
    calls: Calls
    table: ResponseTable
    result: SimResult
    cube: Hypercube
    comparison: Comparison
    cell_probability: npt.NDArray[np.float64]
    answers: tuple[DronesAnswer, ...]
    wind_table: ResponseTable | None
    wind_fleet: FleetParams | None
    wind_result: SimResult | None
    wind_comparison: Comparison | None
    wind_from_deg: float | None
    wind_cell_probability: npt.NDArray[np.float64] | None
    timings_s: dict[str, float]


def _table(
    world: World, wind_speed_mps: float, wind_from_deg: float | None = None
) -> ResponseTable:
    a = _config(world.scenario)
    horizon = max(a.dispatch_horizon_s, world.scenario.guarantee.target_s)
    return response_table(
        world.grid.xy,
        world.docks.xy,
        world.aircraft,
        horizon_s=horizon,
        wind_speed_mps=wind_speed_mps,
        obstacles=world.obstacles,
        unservable=world.unservable,
        true_north_grid_deg=world.true_north_grid_deg,
        wind_from_deg=wind_from_deg,
    )


def _cell_probability(
    table: ResponseTable,
    drones: npt.NDArray[np.int64],
    fleet: FleetParams,
    expected: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    target_s: float,
    n_hours: int,
) -> npt.NDArray[np.float64]:
    """P(a call in the cell gets a drone within the target), analytic, per cell.

    Larson's hypercube on the demand model's *expected* rates (every cell with demand gets a
    value; the drawn calls leave most cells empty) times the share of hours not grounded
    by wind. ``nan`` where the model puts no calls.
    """
    rate, scene = expected
    cube = hypercube(
        offered_load(table, drones, fleet, rate, scene), table, fleet, target_s=target_s
    )
    g = fleet.grounded(max(n_hours, 1), 1)
    up = 1.0 - (float(g.mean()) if g is not None else 0.0)
    return np.where(rate > 0, np.clip(cube.cell_covered * up, 0.0, 1.0), np.nan)


def _within(table: ResponseTable, target_s: float) -> sparse.csr_array:
    """Dock x cell times within the target only (absent = not within)."""
    c = sparse.coo_array(table.times)
    keep = c.data <= target_s
    return sparse.csr_array((c.data[keep], (c.row[keep], c.col[keep])), shape=c.shape)


def drones_for_share(
    target_share: float,
    streams: Sequence[Calls],
    table: ResponseTable,
    fleet: FleetParams,
    expected: DockLoad,
    *,
    target_s: float,
    max_per_dock: int,
    start: int | None = None,
    policy: Policy = "nearest_free",
    seed: int = 0,
    mexclp_time_limit_s: float = 10.0,
    cache: dict[int, _Eval] | None = None,
    bar: progress.Task | None = None,
) -> DronesAnswer:
    """Fewest drones (and where) so the simulated share within ``target_s`` reaches a target.

    Parameters
    ----------
    target_share
        Required share of calls reached within ``target_s``, in (0, 1).
    streams
        Independent draws of calls; each fleet size is simulated on all of them (common
        random numbers) and judged on the pooled share.
    table, fleet
        The response table over the candidate docks, the fleet.
    expected
        Expected load (:func:`lowalt.sim.queueing.offered_load` of the demand model's mean cell
        rates, any drones): MEXCLP weights and its busy probability come from it, not from
        the drawn calls, so the allocation is not fitted to the calls it is checked on.
    target_s
        Response target, s.
    max_per_dock
        Drones a dock holds at most; the search tries D in ``[1, K * max_per_dock]``.
    start
        First fleet size tried (e.g. today's); default ``K * max_per_dock``.
    policy, seed
        As in :func:`lowalt.sim.simulate.simulate`.
    mexclp_time_limit_s
        Time limit of each MEXCLP allocation, s (an unproven allocation keeps its gap).
    cache
        Evaluations by D, shared between targets.
    bar
        Progress bar advanced after each new fleet size.

    Returns
    -------
    DronesAnswer
    """
    cache = {} if cache is None else cache
    erlangs = float((expected.lam_per_s * expected.mean_service_s).sum())
    rate = expected.cell_rate_per_s
    cover = sparse.csr_array(_within(table, target_s), dtype=bool)
    # Weights as multiples of the mean cell rate: calls/s are ~1e-9 and would sit below
    # the MIP's absolute tolerances.
    pos = rate[rate > 0]
    weight = rate / (float(pos.mean()) if pos.size else 1.0)
    k = table.n_docks
    d_max = k * max_per_dock
    tried: list[tuple[int, float]] = []

    def q_for(d: int) -> float:
        return min(erlangs / max(d, 1), 0.99)

    def evaluate(d: int) -> _Eval:
        if d not in cache:
            res = solve_mexclp(
                _within(table, target_s),
                target_s,
                d,
                q_for(d),
                capacity=max_per_dock,
                weights=weight,
                time_limit_s=mexclp_time_limit_s,
                num_workers=1,
                seed=seed,
            )
            per = res.extras.get("drones_per_site", {})
            drones = np.array([int(per.get(i, 0)) for i in range(k)], dtype=np.int64)
            sims = [
                simulate(c, table, drones, fleet, policy=policy, target_s=target_s, seed=seed + i)
                for i, c in enumerate(streams)
            ]
            hits = sum(int(r.within().sum()) for r in sims)
            n = sum(r.n_calls for r in sims)
            cache[d] = _Eval(drones, tuple(r.share_within() for r in sims), hits, n, res)
            if bar is not None:
                bar.advance(note=f"{d} drones: {cache[d].share:.2%}")
            log.info(
                "drones search: D=%d on %d docks -> %.4f within %g s (MEXCLP %s)",
                d,
                int((drones > 0).sum()),
                cache[d].share,
                target_s,
                res.status.value,
            )
        return cache[d]

    def ok(d: int) -> bool:
        e = evaluate(d)
        tried.append((d, e.share))
        return e.share >= target_share

    first = d_max if start is None else min(max(start, 1), d_max)
    if ok(first):
        lo, hi = 0, first  # D = 0 serves nobody
    elif first < d_max and ok(d_max):
        lo, hi = first, d_max
    else:
        return _answer(target_share, False, evaluate(d_max), math.nan, cover, rate, q_for, tried)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    fewer = evaluate(hi - 1).share if hi > 1 else math.nan
    return _answer(target_share, True, evaluate(hi), fewer, cover, rate, q_for, tried)


def _answer(
    target_share: float,
    met: bool,
    e: _Eval,
    fewer: float,
    cover: sparse.csr_array,
    rate: npt.NDArray[np.float64],
    q_for: Callable[[int], float],
    tried: list[tuple[int, float]],
) -> DronesAnswer:
    d = int(e.drones.sum())
    return DronesAnswer(
        target_share=target_share,
        met=met,
        drones=e.drones,
        simulated_share=e.share,
        stream_shares=e.shares,
        ci95=wilson95(e.hits, e.n),
        share_one_fewer=fewer,
        expected_share=_expected_share(e.drones, cover, rate, q_for(d)),
        allocation=e.result,
        evaluations=tuple(tried),
        limit_reason="",
    )


def _expected_share(
    drones: npt.NDArray[np.int64],
    cover: sparse.csr_array,
    rate: npt.NDArray[np.float64],
    q: float,
) -> float:
    """MEXCLP expected share of calls reached, ``Σ w (1 - q^m) / Σ w``."""
    m = sparse.csr_array(cover, dtype=np.float64).T @ drones.astype(np.float64)
    total = float(rate.sum())
    return float(np.sum(rate * (1.0 - q**m)) / total) if total > 0 else math.nan


def _limit_reason(answer: DronesAnswer, study_geo: float, grounded: float) -> str:
    if answer.met:
        return ""
    return (
        f"not reachable by adding drones at these docks: even {answer.total} drones give "
        f"{answer.simulated_share:.2%}. Calls the docks cannot reach in time at zero load: "
        f"{1 - study_geo:.2%}; hours grounded by wind: {grounded:.2%}. Add docks (placement "
        "study) or raise the launch wind limit."
    )


def run_availability(world: World, wind_from_deg: float | None = None) -> AvailabilityStudy:
    """Run the availability study of ``world.scenario`` (see the module doc).

    Parameters
    ----------
    world
        The prepared scenario (with an ``availability`` section).
    wind_from_deg
        Direction of the design wind on the simulated design-wind days (true bearing it
        blows from, degrees), e.g. the worst single direction of the reach check. Default:
        ``wind.from_deg``; when that is null too, every leg gets a full headwind (the
        "whatever the direction" bound, pessimistic).

    Raises
    ------
    InfeasibleError
        When the docks reach no cell within the dispatch horizon, or no call is drawn.
    """
    s = world.scenario
    a = _config(s)
    target = s.guarantee.target_s
    timings: dict[str, float] = {}
    t = time.perf_counter()
    model = build_demand_model(s)
    check_availability_size(s, model)
    fleet = build_fleet(s, a.days * 24)
    table = _table(world, 0.0)
    if table.times.nnz == 0:
        raise InfeasibleError(
            "no dock reaches any cell within the dispatch horizon.",
            file=str(s.path),
            key_path="availability.dispatch_horizon_s",
            fix="raise availability.dispatch_horizon_s or check the docks and the aircraft.",
        )
    calls = generate_calls(model, world.grid.weight, a.days, np.random.default_rng([a.seed, 0]))
    if len(calls) == 0:
        raise InfeasibleError(
            f"no call was drawn in {a.days} day(s) at {model.calls_per_day:g} calls/day.",
            file=str(s.path),
            key_path="availability.days",
            fix="simulate more days or raise availability.calls_per_day.",
        )
    timings["setup"] = time.perf_counter() - t

    t = time.perf_counter()
    drones = world.docks.drones.astype(np.int64)
    result = simulate(calls, table, drones, fleet, policy=a.policy, target_s=target, seed=a.seed)
    load = offered_load_from_calls(calls, table, drones, fleet)
    cube = hypercube(load, table, fleet, target_s=target)
    comparison = compare(result, table, load, fleet, cube=cube)
    timings["simulate"] = time.perf_counter() - t

    t = time.perf_counter()
    cache: dict[int, _Eval] = {}
    rate, scene = expected_cell_rates(model, world.grid.weight)
    expected = offered_load(table, np.ones(table.n_docks, np.int64), fleet, rate, scene)
    cell_p = _cell_probability(table, drones, fleet, (rate, scene), target, a.days * 24)
    second = generate_calls(model, world.grid.weight, a.days, np.random.default_rng([a.seed, 2]))
    answers = []
    with progress.task("drones search: fleet sizes simulated") as bar:
        for share in a.reliability_targets:
            ans = drones_for_share(
                share,
                (calls, second),
                table,
                fleet,
                expected,
                target_s=target,
                max_per_dock=a.max_drones_per_dock,
                start=int(drones.sum()),
                policy=a.policy,
                mexclp_time_limit_s=a.allocation_time_limit_s,
                seed=a.seed,
                cache=cache,
                bar=bar,
            )
            if not ans.met:
                reason = _limit_reason(ans, comparison.geometric_coverage, comparison.p_grounded)
                ans = replace(ans, limit_reason=reason)
            answers.append(ans)
    timings["drones_search"] = time.perf_counter() - t

    wind_table = wind_fleet = wind_result = wind_prob = wind_comparison = wind_dir = None
    if a.design_wind_day:
        t = time.perf_counter()
        speed = s.wind.design_speed_mps
        wind_dir = wind_from_deg if wind_from_deg is not None else s.wind.from_deg
        wind_table = _table(world, speed, wind_dir)
        wind_fleet = replace(fleet, wind_mps=np.array([speed]))
        wind_result = simulate(
            calls, wind_table, drones, wind_fleet, policy=a.policy, target_s=target, seed=a.seed
        )
        wload = offered_load_from_calls(calls, wind_table, drones, wind_fleet)
        wind_comparison = compare(wind_result, wind_table, wload, wind_fleet)
        wind_prob = _cell_probability(
            wind_table, drones, wind_fleet, (rate, scene), target, a.days * 24
        )
        timings["design_wind"] = time.perf_counter() - t
    return AvailabilityStudy(
        world=world,
        config=a,
        model=model,
        fleet=fleet,
        calls=calls,
        table=table,
        result=result,
        cube=cube,
        comparison=comparison,
        cell_probability=cell_p,
        answers=tuple(answers),
        wind_table=wind_table,
        wind_fleet=wind_fleet,
        wind_result=wind_result,
        wind_comparison=wind_comparison,
        wind_from_deg=wind_dir,
        wind_cell_probability=wind_prob,
        timings_s=timings,
    )
