"""The availability report (``{stem}_availability.json``): its model and its builder.

The guarantee under load: a simulated period of calls dispatched to the docks' drones,
analytic cross-checks, and the fewest drones for each reliability target (fields also listed
in docs/user_guide.md, "Reports"). The report holds no timings or absolute paths: the same
scenario gives byte-identical files. Shares are 0-1 rounded to 6 decimals, times seconds
rounded to 0.1 s, positions to 1e-6 degree.

One concept kept whole (about 560 lines): the report's models and the builder that fills
them read field by field side by side; split, every field would be described in one file
and computed in another.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import ConfigDict, Field

from lowalt.outputs.reports import SCHEMA_VERSION
from lowalt.outputs.reports._base import (
    Bearing,
    Count,
    Lat,
    Lon,
    NonNegative,
    Positive,
    ProvenanceValue,
    Report,
    ReportModel,
    ScenarioRef,
    Share,
    SolveStatus,
    Version,
    absent_when_none,
    version_field,
)

if TYPE_CHECKING:
    from lowalt.sim.result import SimResult
    from lowalt.studies.availability import AvailabilityStudy, DronesAnswer

__all__ = ["AvailabilityReport", "build_availability_report"]

_P = "percentile response time, s; null when there is none"


# --- models ------------------------------------------------------------------------------------


class Percentiles(ReportModel):
    """Response-time percentiles (call to drone on scene)."""

    p50: NonNegative | None = Field(description=f"50th {_P}.")
    p90: NonNegative | None = Field(description=f"90th {_P}.")
    p99: NonNegative | None = Field(description=f"99th {_P}.")


class DepartmentCalls(ReportModel):
    """One department's calls."""

    department: str = Field(description="Department name.")
    calls: Count = Field(description="Calls.")
    share_within_target: Share | None = Field(
        description="Its calls answered within target_s; null without calls (share, 0-1)."
    )
    percentiles_s: Percentiles = Field(description="Its response-time percentiles.")


class WorstCell(ReportModel):
    """A cell with a low share within the target (at least 3 calls)."""

    cell: Count = Field(description="Cell index in the demand grid.")
    lon: Lon
    lat: Lat
    share_within_target: Share = Field(
        description="Its calls answered within target_s (share, 0-1)."
    )
    calls: int = Field(ge=3, description="Calls in the cell.")


class Simulation(ReportModel):
    """The simulated calls with the scenario's docks and drones."""

    calls: Count = Field(description="Calls simulated.")
    share_within_target: Share | None = Field(
        description="Calls with a drone on scene within target_s; null without calls (share, 0-1)."
    )
    share_within_target_at_zero_load: Share | None = Field(
        description="The same if every drone were always free; null without calls (share, 0-1)."
    )
    percentiles_s: Percentiles = Field(
        description="Response-time percentiles (call to drone on scene)."
    )
    mean_response_s: NonNegative | None = Field(
        description="Mean response time of served calls, s; null when none is served."
    )
    calls_waited: Count = Field(description="Calls that waited for a drone.")
    mean_wait_of_waiting_s: NonNegative | None = Field(
        description="Mean wait of the calls that waited, s (0 when none did); null when a call "
        "that waited was never served (its wait has no end)."
    )
    unserved: Count = Field(description="Calls never served (waited longer than max_wait_s).")
    diverted: Count = Field(description="Calls taken by a drone other than the nearest.")
    battery_truncated: Count = Field(description="Missions cut short by the battery.")
    fleet_utilization: Share | None = Field(description="Share of drone-time busy (share, 0-1).")
    max_dock_utilization: Share | None = Field(
        description="Busiest dock's share of drone-time busy (share, 0-1)."
    )
    km_per_flight: NonNegative | None = Field(
        description="Mean distance flown per served call, km; null when none is served."
    )
    by_department: tuple[DepartmentCalls, ...] = Field(
        description="Per department, in scenario order."
    )
    worst_cells: tuple[WorstCell, ...] = Field(
        max_length=10, description="Up to 10 cells with the lowest share."
    )


class Department(ReportModel):
    """One department's calls."""

    name: str = Field(description="Department name (free text from the scenario).")
    calls_per_day: NonNegative = Field(description="Mean calls per day.")
    priority: int = Field(ge=1, description="1 = most urgent.")
    mean_on_scene_s: NonNegative = Field(description="Mean time on scene, s.")
    on_scene_km: NonNegative = Field(description="Distance flown on scene, km.")
    spatial: Literal["uniform", "weighted", "array"] = Field(
        description="Where calls fall: every cell alike, by grid weight, or a weight array."
    )
    provenance: str = Field(description="'modeled' or a source.")


class Fleet(ReportModel):
    """The fleet's battery, turnaround, wind and maintenance."""

    endurance_s: Positive = Field(description="Usable flight per sortie, s.")
    recharge_s: NonNegative = Field(description="Full recharge in the dock, s.")
    recharge_proportional: bool = Field(description="Whether recharge is pro rata to the flight.")
    swap_s: NonNegative | None = Field(
        description="Battery swap time, s; null when batteries are recharged in place."
    )
    launch_wind_limit_mps: Positive = Field(description="Wind above which docks are grounded, m/s.")
    wind: Literal["modeled", "file"] = Field(description="Where the hourly wind comes from.")
    mean_wind_mps: NonNegative | None = Field(
        description="Mean hourly wind, m/s; null without a wind series."
    )
    hours_grounded_share: Share | None = Field(
        description="Hours with the wind above the launch limit (share, 0-1)."
    )
    maintenance_prob: Share = Field(description="Chance of an outage per drone-day (share, 0-1).")
    maintenance_s: NonNegative = Field(description="Length of one outage, s.")
    max_wait_s: Positive | None = Field(
        description="Longest a call waits before it is dropped, s; null: calls wait as long as "
        "it takes."
    )


class AvailabilityInputs(ReportModel):
    """What was simulated."""

    days: int = Field(ge=1, description="Days simulated.")
    seed: Count = Field(description="Random seed.")
    policy: Literal["nearest_free", "priority_preempt"] = Field(description="Dispatch policy.")
    calls_per_day: NonNegative = Field(description="Mean calls per day over all departments.")
    departments: tuple[Department, ...] = Field(
        min_length=1, description="The departments, in scenario order."
    )
    docks: Count = Field(description="Docks.")
    drones: Count = Field(description="Drones over all docks.")
    dock_provenance: tuple[ProvenanceValue, ...] = Field(description="Of the dock sites.")
    fleet: Fleet = Field(description="The fleet's battery, turnaround, wind and maintenance.")
    dispatch_horizon_s: Positive = Field(
        description="A call takes a drone at most this far away in time, else it waits, s."
    )


class Agreement(ReportModel):
    """How one analytic measure agrees with the simulation over the docks."""

    mean_abs: NonNegative | None = Field(description="Mean absolute gap (share).")
    max_abs: NonNegative | None = Field(description="Largest absolute gap (share).")
    corr: float | None = Field(
        ge=-1,
        le=1,
        description="Correlation; null when undefined (fewer than 3 docks or no spread).",
    )


class AgreementByMeasure(ReportModel):
    """Per-dock agreement of analytic measures with the simulation.

    Keys as written (aliases); build it with ``model_validate`` from a dict so keyed.
    """

    mmc: Agreement = Field(alias="dock_busy: mmc vs sim", description="Per-dock busy share, M/M/c.")
    hypercube: Agreement = Field(
        alias="dock_busy: hypercube vs sim", description="Per-dock busy share, hypercube."
    )
    erlang_c: Agreement = Field(
        alias="p_all_busy: erlang_c vs sim", description="Per-dock P(no drone free), Erlang C."
    )


class ModelShares(ReportModel):
    """Share of calls within target_s by model."""

    simulated: Share | None = Field(description="Simulation (share, 0-1).")
    mexclp_system_q: Share | None = Field(description="MEXCLP with one system-wide q (share, 0-1).")
    mexclp_local_q: Share | None = Field(description="MEXCLP with a q per dock (share, 0-1).")
    hypercube: Share | None = Field(description="Larson's hypercube (share, 0-1).")
    zero_load: Share | None = Field(description="Every drone always free (share, 0-1).")


class Analytic(ReportModel):
    """Analytic models beside the simulation."""

    offered_fleet_utilization: NonNegative | None = Field(
        description="Offered drone-hours / drone-hours available (MEXCLP busy probability q)."
    )
    wind_grounded_dock_hours: Share | None = Field(
        description="Dock-hours grounded by wind (share, 0-1)."
    )
    share_within_target: ModelShares = Field(description="Share of calls within target_s by model.")
    agreement: AgreementByMeasure = Field(
        description="Per-dock agreement of analytic measures with the simulation."
    )
    hypercube_converged: bool = Field(description="Whether the hypercube iteration converged.")


class FleetSizeTried(ReportModel):
    """One fleet size tried."""

    drones: int = Field(ge=1, description="Fleet size.")
    simulated_share: Share | None = Field(description="Pooled share (share, 0-1).")


class AnswerDock(ReportModel):
    """A dock holding drones."""

    name: str = Field(description="Dock name.")
    lon: Lon
    lat: Lat
    drones: int = Field(ge=1, description="Drones in it.")


NullableShare = Annotated[Share | None, Field(description="A share (0-1); null when not finite.")]


class DronesNeeded(ReportModel):
    """The fewest drones found for one reliability target."""

    target_share: float = Field(
        gt=0, lt=1, description="Required share of calls within target_s (share, 0-1)."
    )
    met: bool = Field(description="Whether some fleet size reached it.")
    drones: int = Field(
        ge=1, description="Drones of the answer (the largest fleet tried when not met)."
    )
    docks_used: Count = Field(description="Docks holding at least one drone.")
    simulated_share: Share | None = Field(
        description="Share within target_s, pooled over two call streams (share, 0-1)."
    )
    stream_shares: tuple[
        Annotated[Share | None, Field(description="One stream's share (share, 0-1).")], ...
    ] = Field(description="Per call stream.")
    ci95: tuple[
        Annotated[Share | None, Field(description="Low (share, 0-1).")],
        Annotated[Share | None, Field(description="High (share, 0-1).")],
    ] = Field(description="Wilson 95 % interval of simulated_share [low, high] (shares).")
    share_one_fewer: Share | None = Field(
        description="Pooled share with one drone fewer; null when D = 1 or not met (share, 0-1)."
    )
    mexclp_expected_share: Share | None = Field(
        description="MEXCLP expected share of the answer (share, 0-1)."
    )
    allocation_status: SolveStatus = Field(description="Status of the MEXCLP allocation.")
    allocation_gap: NonNegative | None = Field(
        description="Relative gap of the allocation; null when not finite."
    )
    evaluations: tuple[FleetSizeTried, ...] = Field(
        min_length=1, description="Every fleet size tried, in order."
    )
    limit_reason: str = Field(description="Why the target is out of reach; empty when met.")
    docks: tuple[AnswerDock, ...] = Field(description="Docks with at least one drone.")


class DesignWindShares(ReportModel):
    """Share within target_s on design-wind days by analytic model."""

    hypercube: Share | None = Field(description="Larson's hypercube (share, 0-1).")
    mexclp_system_q: Share | None = Field(description="MEXCLP with one system-wide q (share, 0-1).")
    zero_load: Share | None = Field(description="Every drone always free (share, 0-1).")


class _DesignWindHead(ReportModel):
    """The design wind of :class:`DesignWindDay` (its first keys)."""

    wind_speed_mps: Positive = Field(description="Design wind speed, m/s.")
    wind_from_deg: Bearing | None = Field(
        description="Direction the wind blows from, degrees from true north; null: headwind on "
        "every leg (a bound)."
    )
    direction: Literal["headwind on every leg (bound)", "one direction all day"] = Field(
        description="How the wind direction is taken."
    )
    grounded: bool = Field(
        description="Whether the design wind exceeds the launch limit (all docks grounded)."
    )


class DesignWindDay(Simulation, _DesignWindHead):
    """The same calls simulated with every day at the design wind.

    The wind's keys come first, then the simulation's, then the analytic shares.
    """

    analytic_share_within_target: DesignWindShares | None = absent_when_none(
        "Share within target_s on design-wind days by analytic model."
    )


class AvailabilityReport(Report):
    """The guarantee under load: a simulated period of calls dispatched to the docks' drones.

    Beside it, analytic cross-checks and the fewest drones for each reliability target. Call
    rates are modeled.
    """

    model_config = ConfigDict(title="lowalt availability report")
    report_kind = "availability"

    report_schema_version: Version = version_field()
    kind: Literal["availability"] = Field(description="Report kind.")
    scenario: ScenarioRef = Field(description="The scenario this report answers.")
    target_s: Positive = Field(description="Response-time target, s.")
    inputs: AvailabilityInputs = Field(description="What was simulated.")
    simulation: Simulation = Field(
        description="The simulated calls with the scenario's docks and drones."
    )
    analytic: Analytic = Field(description="Analytic models beside the simulation.")
    drones_needed: tuple[DronesNeeded, ...] = Field(
        description="One answer per reliability target, in scenario order."
    )
    design_wind_day: DesignWindDay | None = Field(
        description="Design-wind days; null when not simulated."
    )


# --- builder -----------------------------------------------------------------------------------


def _r(x: float, nd: int = 6) -> float | None:
    x = float(x)
    return round(x, nd) if math.isfinite(x) else None


def _percentiles(res: SimResult, mask: npt.NDArray[np.bool_] | None = None) -> Percentiles:
    r = res.response_s if mask is None else res.response_s[mask]
    if r.size == 0:
        return Percentiles(p50=None, p90=None, p99=None)
    p50, p90, p99 = np.percentile(r, (50, 90, 99), method="inverted_cdf")
    return Percentiles(p50=_r(p50, 1), p90=_r(p90, 1), p99=_r(p99, 1))


def _simulation(res: SimResult, study: AvailabilityStudy) -> dict[str, Any]:
    """Build the fields of :class:`Simulation` (also the body of :class:`DesignWindDay`)."""
    from lowalt.studies.reach import lonlat

    s: dict[str, Any] = res.summary()
    within = res.within()
    by_dept = []
    for k, name in enumerate(res.department_names):
        mask = res.department == k
        n = int(mask.sum())
        by_dept.append(
            DepartmentCalls(
                department=name,
                calls=n,
                share_within_target=_r(within[mask].mean()) if n else None,
                percentiles_s=_percentiles(res, mask),
            )
        )
    ll = lonlat(study.world, study.world.grid.xy)
    worst = tuple(
        WorstCell(
            cell=c,
            lon=round(float(ll[c, 0]), 6),
            lat=round(float(ll[c, 1]), 6),
            share_within_target=round(float(share), 6),
            calls=n,
        )
        for c, share, n in res.worst_cells(10, min_calls=3)
    )
    return {
        "calls": res.n_calls,
        "share_within_target": _r(s["share_within_target"]),
        "share_within_target_at_zero_load": _r(s["share_within_target_at_zero_load"]),
        "percentiles_s": _percentiles(res),
        "mean_response_s": _r(s["mean_response_s"], 1),
        "calls_waited": s["calls_waited"],
        "mean_wait_of_waiting_s": _r(s["mean_wait_of_waiting_s"], 1),
        "unserved": s["unserved"],
        "diverted": s["diverted"],
        "battery_truncated": s["truncated"],
        "fleet_utilization": _r(s["fleet_utilization"]),
        "max_dock_utilization": _r(s["max_dock_utilization"]),
        "km_per_flight": _r(s["km_per_flight"], 3),
        "by_department": tuple(by_dept),
        "worst_cells": worst,
    }


def _agreement(gap: dict[str, float]) -> Agreement:
    return Agreement(mean_abs=_r(gap["mean_abs"]), max_abs=_r(gap["max_abs"]), corr=_r(gap["corr"]))


def _answer(a: DronesAnswer, study: AvailabilityStudy) -> DronesNeeded:
    from lowalt.studies.reach import lonlat

    w = study.world
    ll = lonlat(w, w.docks.xy)
    r = a.allocation
    low, high = a.ci95
    return DronesNeeded(
        target_share=a.target_share,
        met=a.met,
        drones=a.total,
        docks_used=a.docks_used,
        simulated_share=_r(a.simulated_share),
        stream_shares=tuple(_r(x) for x in a.stream_shares),
        ci95=(_r(low), _r(high)),
        share_one_fewer=_r(a.share_one_fewer),
        mexclp_expected_share=_r(a.expected_share),
        allocation_status=r.status.value,
        allocation_gap=_r(r.gap),
        evaluations=tuple(
            FleetSizeTried(drones=d, simulated_share=_r(x)) for d, x in a.evaluations
        ),
        limit_reason=a.limit_reason,
        docks=tuple(
            AnswerDock(name=name, lon=round(float(x), 6), lat=round(float(y), 6), drones=int(n))
            for name, (x, y), n in zip(w.docks.names, ll, a.drones, strict=True)
            if n > 0
        ),
    )


def _inputs(study: AvailabilityStudy) -> AvailabilityInputs:
    w = study.world
    a = study.config
    f = study.fleet
    grounded = f.grounded(a.days * 24, 1)
    return AvailabilityInputs(
        days=a.days,
        seed=a.seed,
        policy=a.policy,
        calls_per_day=round(float(study.model.calls_per_day), 3),
        departments=tuple(
            Department(
                name=d.name,
                calls_per_day=round(float(study.model.scale * d.calls_per_day), 3),
                priority=d.priority,
                mean_on_scene_s=d.mission_on_scene_s,
                on_scene_km=d.on_scene_km,
                spatial=d.spatial if isinstance(d.spatial, str) else "array",
                provenance=d.provenance,
            )
            for d in study.model.departments
        ),
        docks=w.docks.n,
        drones=int(w.docks.drones.sum()),
        dock_provenance=tuple(sorted(set(w.docks.provenance))),
        fleet=Fleet(
            endurance_s=f.endurance_s,
            recharge_s=f.recharge_s,
            recharge_proportional=f.recharge_proportional,
            swap_s=f.swap_s,
            launch_wind_limit_mps=f.launch_wind_limit_mps,
            wind="file" if a.fleet.wind_file is not None else "modeled",
            mean_wind_mps=(_r(float(np.mean(f.wind_mps)), 3) if f.wind_mps is not None else None),
            hours_grounded_share=_r(float(grounded.mean())) if grounded is not None else 0.0,
            maintenance_prob=f.maintenance_prob,
            maintenance_s=f.maintenance_s,
            max_wait_s=f.max_wait_s if math.isfinite(f.max_wait_s) else None,
        ),
        dispatch_horizon_s=a.dispatch_horizon_s,
    )


def _design_wind_day(study: AvailabilityStudy) -> DesignWindDay | None:
    if study.wind_result is None:
        return None
    assert study.wind_fleet is not None
    s = study.world.scenario
    shares = None
    if study.wind_comparison is not None:
        wc = study.wind_comparison
        shares = DesignWindShares(
            hypercube=_r(wc.hypercube_coverage),
            mexclp_system_q=_r(wc.mexclp_coverage),
            zero_load=_r(wc.geometric_coverage),
        )
    return DesignWindDay(
        wind_speed_mps=s.wind.design_speed_mps,
        wind_from_deg=study.wind_from_deg,
        direction=(
            "headwind on every leg (bound)"
            if study.wind_from_deg is None
            else "one direction all day"
        ),
        grounded=bool(s.wind.design_speed_mps > study.fleet.launch_wind_limit_mps),
        **_simulation(study.wind_result, study),
        analytic_share_within_target=shares,
    )


def build_availability_report(study: AvailabilityStudy) -> AvailabilityReport:
    """Build the availability report of an availability study.

    Parameters
    ----------
    study
        The availability study (:func:`lowalt.studies.availability.run_availability`).

    Returns
    -------
    AvailabilityReport
        The report; ``.to_json()`` gives the file's text.
    """
    s = study.world.scenario
    c = study.comparison
    return AvailabilityReport(
        report_schema_version=SCHEMA_VERSION,
        kind="availability",
        scenario=ScenarioRef(name=s.name, file=s.path.name if s.path else None),
        target_s=s.guarantee.target_s,
        inputs=_inputs(study),
        simulation=Simulation(**_simulation(study.result, study)),
        analytic=Analytic(
            offered_fleet_utilization=_r(c.q_system),
            wind_grounded_dock_hours=_r(c.p_grounded),
            share_within_target=ModelShares(
                simulated=_r(c.sim_coverage),
                mexclp_system_q=_r(c.mexclp_coverage),
                mexclp_local_q=_r(c.mexclp_local_coverage),
                hypercube=_r(c.hypercube_coverage),
                zero_load=_r(c.geometric_coverage),
            ),
            # keyed as written ("dock_busy: mmc vs sim", ...): the fields' aliases
            agreement=AgreementByMeasure.model_validate(
                {key: _agreement(gap) for key, gap in c.agreement().items()}
            ),
            hypercube_converged=study.cube.converged,
        ),
        drones_needed=tuple(_answer(x, study) for x in study.answers),
        design_wind_day=_design_wind_day(study),
    )
