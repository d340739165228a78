"""The reach report (``{stem}_report.json``): its model and its builder.

Whether every scene of the area is reached within the target time, in calm air and in the
design wind, with per-dock figures (fields also listed in docs/user_guide.md, "Reports"). Pure
data: built from a :class:`~lowalt.studies.reach.RunResult`, no timings or absolute paths,
so the same scenario always gives the same report. Non-finite numbers (unreachable cells)
are written as ``null``; shares are rounded to 6 decimals, areas to 0.001 km², times to
0.1 s.

One concept kept whole (about 530 lines): the report's models and the builder that fills
them read field by field side by side; split, every field would be described in one file
and computed in another.
"""

from __future__ import annotations

import math
from importlib.metadata import version
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

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
    SourceProvenance,
    Version,
    absent_when_none,
    version_field,
)

if TYPE_CHECKING:
    from lowalt.flight.guarantee import GuaranteeStats
    from lowalt.flight.reach import ReachField
    from lowalt.studies.reach import RunResult

__all__ = [
    "MAX_LISTED_CELLS",
    "ReachReport",
    "build_reach_report",
    "dock_rows",
    "verdict_text",
]

MAX_LISTED_CELLS = 500
"""Most unreached cells listed per condition (slowest first)."""

_TIMES = "over the cells reached at all; null when none is"


# --- models ------------------------------------------------------------------------------------


class WorstCell(ReportModel):
    """Where the slowest response is."""

    lon: Lon
    lat: Lat
    on_water: bool = Field(description="Whether it is on water.")


class UnreachedCell(ReportModel):
    """One unreached cell."""

    lon: Lon
    lat: Lat
    time_s: NonNegative | None = Field(description="Its response time, s; null when unreachable.")


class Condition(ReportModel):
    """The promise under one condition, checked on the full demand grid."""

    label: str = Field(
        description="The condition in words, e.g. 'calm air', 'wind 8 m/s from 80°'."
    )
    wind_speed_mps: NonNegative = Field(description="Wind speed, m/s (0 in calm air).")
    wind_from_deg: Bearing | None = Field(
        description="Direction the wind blows from, degrees clockwise from true north; null in "
        "calm air and for the per-cell worst direction."
    )
    holds: bool = Field(description="Whether the promise holds under this condition.")
    reached_share: Share = Field(description="Cells reached within target_s (share, 0-1).")
    reached_area_km2: NonNegative = Field(description="Area reached within target_s, km².")
    weighted_share: Share = Field(description="Demand weight reached within target_s (share, 0-1).")
    unreached_cells: Count = Field(description="Cells not reached within target_s.")
    unreached_area_km2: NonNegative = Field(description="Area not reached within target_s, km².")
    unreached_on_water_cells: Count = Field(description="Unreached cells on water.")
    unreachable_cells: Count = Field(
        description="Cells no dock can serve at all (e.g. inside a blocking zone)."
    )
    double_covered_share: Share = Field(
        description="Cells with two or more docks within target_s (share, 0-1)."
    )
    worst_time_s: NonNegative | None = Field(
        description="Slowest response time over all cells, s; null when some cell is unreachable."
    )
    worst_cell: WorstCell = Field(description="Where the slowest response is.")
    mean_s: NonNegative | None = Field(description=f"Mean response time, s ({_TIMES}).")
    p50_s: NonNegative | None = Field(description=f"Median response time, s ({_TIMES}).")
    p90_s: NonNegative | None = Field(description=f"90th percentile response time, s ({_TIMES}).")
    p99_s: NonNegative | None = Field(description=f"99th percentile response time, s ({_TIMES}).")
    unreached_listed: tuple[UnreachedCell, ...] = Field(
        max_length=MAX_LISTED_CELLS, description="Up to 500 unreached cells, slowest first."
    )


class Verdict(ReportModel):
    """Whether the promise holds."""

    calm: bool = Field(description="In calm air.")
    design_wind: bool | None = Field(
        description="In the design wind from its worst single direction; null without a design "
        "wind."
    )
    summary: tuple[Annotated[str, Field(description="One sentence.")], ...] = Field(
        min_length=1,
        max_length=2,
        description="One sentence per condition (calm air, then the design wind).",
    )


class AircraftFigures(ReportModel):
    """The aircraft flown from the docks."""

    name: str = Field(description="Display name.")
    cruise_speed_mps: Positive = Field(description="True airspeed in cruise, m/s.")
    climb_rate_mps: Positive = Field(description="Vertical speed up, m/s.")
    descent_rate_mps: Positive = Field(description="Vertical speed down, m/s.")
    launch_delay_s: NonNegative = Field(description="Call to airborne, s.")
    cruise_altitude_m: Positive = Field(description="Cruise height, m above ground.")
    overhead_s: NonNegative = Field(description="Launch + climb + descent time, s.")
    calm_reach_radius_m: NonNegative = Field(
        description="Distance flown in calm air within target_s after the overhead, m."
    )
    provenance: SourceProvenance = Field(description="Where the performance figures come from.")
    source: str = Field(description="Citation or derivation of the figures.")


class ReachInputs(ReportModel):
    """What was checked."""

    metric_crs: str = Field(description="Projected CRS of the metric work, e.g. 'EPSG:4547'.")
    area_km2: NonNegative = Field(description="Area of the demand grid, km².")
    grid_spacing_m: Positive = Field(description="Demand grid spacing, m.")
    cells: int = Field(ge=1, description="Demand grid cells.")
    water_cells: Count = Field(description="Cells on water.")
    weighted: bool = Field(description="Whether cells carry demand weights other than 1.")
    docks: Count = Field(description="Docks.")
    drones: Count = Field(description="Drones over all docks.")
    dock_layout: Literal["modeled", "listed", "file"] = Field(
        description="How the docks were given."
    )
    aircraft: AircraftFigures = Field(description="The aircraft flown from the docks.")
    blocking_zones: tuple[Annotated[str, Field(description="Zone name.")], ...] = Field(
        description="Airspace zones flown around at cruise height."
    )
    unservable_cells: Count = Field(
        description="Cells inside blocking zones (no drone may serve them)."
    )
    true_north_grid_deg: float = Field(
        description="Angle from grid north to true north at the area's centre, degrees."
    )


class InputProvenance(ReportModel):
    """Provenance values of the inputs (sorted, distinct)."""

    area_boundary: tuple[ProvenanceValue, ...] = Field(description="Of the area outline.")
    water: tuple[ProvenanceValue, ...] = Field(description="Of the water polygons.")
    airspace: tuple[ProvenanceValue, ...] = Field(description="Of the airspace zones.")
    docks: tuple[ProvenanceValue, ...] = Field(description="Of the dock sites.")
    aircraft: SourceProvenance = Field(description="Of the aircraft figures.")


class DirectionCheck(ReportModel):
    """The promise with the design wind from one direction."""

    from_deg: Bearing = Field(
        description="Direction the wind blows from, degrees clockwise from true north."
    )
    reached_share: Share = Field(description="Cells reached within target_s (share, 0-1).")
    worst_time_s: NonNegative | None = Field(
        description="Slowest response time, s; null when some cell is unreachable."
    )
    holds: bool = Field(description="Whether the promise holds from this direction.")


class DesignWind(ReportModel):
    """The design wind checked from every direction."""

    speed_mps: Positive = Field(description="Design wind speed, m/s.")
    directions_checked: int = Field(
        ge=1,
        description="Directions checked: one when wind.from_deg is given, else wind.directions "
        "evenly spaced.",
    )
    worst_direction_from_deg: Bearing = Field(
        description="The direction with the lowest reached share, degrees from true north."
    )
    by_direction: tuple[DirectionCheck, ...] = Field(
        min_length=1, description="One entry per direction checked."
    )
    every_direction: Condition = Field(
        description="The promise with the worst direction taken per cell (a bound)."
    )


class ReachDock(ReportModel):
    """One dock. reach_area_wind_km2 is present exactly when design_wind is not null."""

    name: str = Field(description="Dock name (free text from the scenario or the dock file).")
    lon: Lon
    lat: Lat
    drones: Count = Field(description="Drones in the dock.")
    provenance: str = Field(description="Provenance of the site, e.g. 'modeled' or a source.")
    service_area_km2: NonNegative = Field(
        description="Area for which this dock is the fastest in calm air, km²."
    )
    reach_area_calm_km2: NonNegative = Field(
        description="Area this dock reaches within target_s in calm air, km²."
    )
    reach_area_wind_km2: NonNegative | None = absent_when_none(
        "Area this dock reaches within target_s in the worst wind direction, km²."
    )


class ScenarioWithDescription(ScenarioRef):
    """The scenario this report answers."""

    description: str = Field(description="The scenario's description (free text, may be empty).")


class ReachReport(Report):
    """Whether every scene of the area is reached within the target time.

    Checked in calm air and in the design wind from every direction, with per-dock figures.
    """

    model_config = ConfigDict(
        title="lowalt reach report",
        json_schema_extra={
            "if": {"properties": {"design_wind": {"type": "object"}}},
            "then": {
                "properties": {
                    "conditions": {"minItems": 2},
                    "verdict": {"properties": {"design_wind": {"type": "boolean"}}},
                    "docks": {"items": {"required": ["reach_area_wind_km2"]}},
                }
            },
            "else": {
                "properties": {
                    "conditions": {"maxItems": 1},
                    "verdict": {"properties": {"design_wind": {"type": "null"}}},
                    "docks": {"items": {"not": {"required": ["reach_area_wind_km2"]}}},
                }
            },
        },
    )
    report_kind = "reach"

    report_schema_version: Version = version_field()
    lowalt_version: str = Field(description="Version of lowalt that wrote the report.")
    scenario: ScenarioWithDescription = Field(description="The scenario this report answers.")
    target_s: Positive = Field(description="Response-time target, s (call to drone on scene).")
    required_share: float = Field(
        gt=0,
        le=1,
        description="Share of the area that must be reached within target_s for the promise "
        "to hold (share, 0-1).",
    )
    verdict: Verdict = Field(description="Whether the promise holds.")
    inputs: ReachInputs = Field(description="What was checked.")
    provenance: InputProvenance = Field(
        description="Provenance values of the inputs (sorted, distinct)."
    )
    warnings: tuple[Annotated[str, Field(description="One finding.")], ...] = Field(
        description="Non-fatal findings (docks on water or outside the area, cruise above the "
        "height limit)."
    )
    conditions: tuple[Condition, ...] = Field(
        min_length=1,
        max_length=2,
        description="Calm air, then (with a design wind) the worst single wind direction.",
    )
    design_wind: DesignWind | None = Field(description="The design wind; null without one.")
    docks: tuple[ReachDock, ...] = Field(description="Per-dock figures, in dock order.")

    @model_validator(mode="after")
    def _wind_parts_agree(self) -> ReachReport:
        """With a design wind: two conditions, a wind verdict and every dock's wind area."""
        wind = self.design_wind is not None
        if (len(self.conditions) == 2) != wind:
            raise ValueError("conditions: two exactly when there is a design wind")
        if (self.verdict.design_wind is not None) != wind:
            raise ValueError("verdict.design_wind: a boolean exactly when there is a design wind")
        if any((d.reach_area_wind_km2 is not None) != wind for d in self.docks):
            raise ValueError("docks: reach_area_wind_km2 exactly when there is a design wind")
        return self


# --- builder -----------------------------------------------------------------------------------


def _num(x: float, nd: int = 1) -> float | None:
    return round(float(x), nd) if math.isfinite(x) else None


def _condition(
    st: GuaranteeStats, field: ReachField, result: RunResult, *, per_cell_worst: bool = False
) -> Condition:
    from lowalt.studies.reach import lonlat

    w = result.world
    worst_ll = lonlat(w, w.grid.xy[[st.worst_cell]])[0]
    unreached = np.flatnonzero(~(field.time_s <= field.target_s))
    order = unreached[np.lexsort((unreached, -np.nan_to_num(field.time_s[unreached], posinf=1e18)))]
    listed = order[:MAX_LISTED_CELLS]
    ll = lonlat(w, w.grid.xy[listed]) if len(listed) else np.empty((0, 2))
    return Condition(
        label=st.label,
        wind_speed_mps=field.wind.speed_mps,
        wind_from_deg=None if field.wind.is_calm or per_cell_worst else field.wind.from_deg,
        holds=st.holds,
        reached_share=round(st.reached_share, 6),
        reached_area_km2=round(st.reached_area_km2, 3),
        weighted_share=round(st.weighted_share, 6),
        unreached_cells=int(st.cells - st.reached_cells),
        unreached_area_km2=round((st.cells - st.reached_cells) * w.grid.cell_area_km2, 3),
        unreached_on_water_cells=int(w.grid.on_water[unreached].sum()),
        unreachable_cells=st.unreachable_cells,
        double_covered_share=round(st.double_share, 6),
        worst_time_s=_num(st.worst_time_s),
        worst_cell=WorstCell(
            lon=float(worst_ll[0]),
            lat=float(worst_ll[1]),
            on_water=bool(w.grid.on_water[st.worst_cell]),
        ),
        mean_s=_num(st.mean_s),
        p50_s=_num(st.p50_s),
        p90_s=_num(st.p90_s),
        p99_s=_num(st.p99_s),
        unreached_listed=tuple(
            UnreachedCell(lon=float(a), lat=float(b), time_s=_num(float(field.time_s[i])))
            for (a, b), i in zip(ll, listed, strict=True)
        ),
    )


def dock_rows(result: RunResult) -> tuple[ReachDock, ...]:
    """Per-dock figures: position, drones, service area and reach area (km²).

    Parameters
    ----------
    result
        The reach check.

    Returns
    -------
    tuple of ReachDock
        One row per dock, in dock order (``reach_area_wind_km2`` only with a design wind).
    """
    from lowalt.studies.reach import lonlat

    w = result.world
    cell_km2 = w.grid.cell_area_km2
    ll = lonlat(w, w.docks.xy)
    n = w.docks.n
    service = np.bincount(result.calm.dock[result.calm.dock >= 0], minlength=n)
    wind = result.wind_fields[result.worst_wind] if result.worst_wind is not None else None
    return tuple(
        ReachDock(
            name=w.docks.names[i],
            lon=float(ll[i, 0]),
            lat=float(ll[i, 1]),
            drones=int(w.docks.drones[i]),
            provenance=w.docks.provenance[i],
            service_area_km2=round(float(service[i]) * cell_km2, 3),
            reach_area_calm_km2=round(float(result.calm.dock_reach_cells[i]) * cell_km2, 3),
            reach_area_wind_km2=(
                round(float(wind.dock_reach_cells[i]) * cell_km2, 3) if wind is not None else None
            ),
        )
        for i in range(n)
    )


def verdict_text(st: GuaranteeStats) -> str:
    """One sentence saying whether the promise holds under one condition.

    Parameters
    ----------
    st
        The promise checked under one condition.

    Returns
    -------
    str
        E.g. ``HOLDS in calm air: 99.95 % of the area is reached within 5 min (worst 290 s).``
    """
    minutes = st.target_s / 60.0
    if st.holds:
        return (
            f"HOLDS in {st.label}: {100 * st.reached_share:.2f} % of the area is reached within "
            f"{minutes:g} min (worst {st.worst_time_s:.0f} s)."
        )
    worst = "unreachable" if not math.isfinite(st.worst_time_s) else f"{st.worst_time_s:.0f} s"
    return (
        f"DOES NOT HOLD in {st.label}: {100 * st.reached_share:.2f} % of the area is reached "
        f"within {minutes:g} min; {st.cells - st.reached_cells} cells "
        f"({100 * (1 - st.reached_share):.2f} %) are not; worst {worst}."
    )


def _design_wind(result: RunResult) -> DesignWind | None:
    if result.worst_wind is None:
        return None
    assert result.wind_envelope is not None
    assert result.wind_envelope_stats is not None
    s = result.world.scenario
    return DesignWind(
        speed_mps=s.wind.design_speed_mps,
        directions_checked=len(result.wind_fields),
        worst_direction_from_deg=result.wind_fields[result.worst_wind].wind.from_deg,
        by_direction=tuple(
            DirectionCheck(
                from_deg=f.wind.from_deg,
                reached_share=round(st.reached_share, 6),
                worst_time_s=_num(st.worst_time_s),
                holds=st.holds,
            )
            for f, st in zip(result.wind_fields, result.wind_stats, strict=True)
        ),
        every_direction=_condition(
            result.wind_envelope_stats, result.wind_envelope, result, per_cell_worst=True
        ),
    )


def _provenance(result: RunResult) -> InputProvenance:
    w = result.world

    def col(gdf: Any) -> tuple[str, ...]:
        if gdf is None or "provenance" not in gdf:
            return ()
        return tuple(sorted({str(v) for v in gdf["provenance"]}))

    return InputProvenance(
        area_boundary=col(w.zone),
        water=col(w.water),
        airspace=tuple(sorted({z.provenance for z in w.airspace.zones})),
        docks=tuple(sorted(set(w.docks.provenance))),
        aircraft=w.scenario.aircraft.provenance,
    )


def build_reach_report(result: RunResult) -> ReachReport:
    """Build the reach report of a reach check.

    Parameters
    ----------
    result
        The reach check (:func:`lowalt.studies.reach.analyse`).

    Returns
    -------
    ReachReport
        The report; ``.to_json()`` gives the file's text.
    """
    w = result.world
    s, ac, g = w.scenario, w.aircraft, w.grid
    conditions = [_condition(result.calm_stats, result.calm, result)]
    wind_stats = None
    if result.worst_wind is not None:
        i = result.worst_wind
        wind_stats = result.wind_stats[i]
        conditions.append(_condition(wind_stats, result.wind_fields[i], result))
    summary = [verdict_text(result.calm_stats)]
    if wind_stats is not None:
        summary.append(verdict_text(wind_stats))
    return ReachReport(
        report_schema_version=SCHEMA_VERSION,
        lowalt_version=version("lowalt"),
        scenario=ScenarioWithDescription(
            name=s.name, file=s.path.name if s.path else None, description=s.description
        ),
        target_s=s.guarantee.target_s,
        required_share=s.guarantee.required_share,
        verdict=Verdict(
            calm=result.calm_stats.holds,
            design_wind=wind_stats.holds if wind_stats is not None else None,
            summary=tuple(summary),
        ),
        inputs=ReachInputs(
            metric_crs=g.crs,
            area_km2=round(g.n * g.cell_area_km2, 3),
            grid_spacing_m=g.spacing_m,
            cells=g.n,
            water_cells=int(g.on_water.sum()),
            weighted=bool(np.any(g.weight != 1.0)),
            docks=w.docks.n,
            drones=int(w.docks.drones.sum()),
            dock_layout=s.docks.layout,
            aircraft=AircraftFigures(
                name=ac.name,
                cruise_speed_mps=ac.cruise_speed_mps,
                climb_rate_mps=ac.climb_rate_mps,
                descent_rate_mps=ac.descent_rate_mps,
                launch_delay_s=ac.launch_delay_s,
                cruise_altitude_m=ac.cruise_altitude_m,
                overhead_s=round(ac.overhead_s, 3),
                calm_reach_radius_m=round(
                    max(s.guarantee.target_s - ac.overhead_s, 0.0) * ac.cruise_speed_mps, 1
                ),
                provenance=s.aircraft.provenance,
                source=s.aircraft.source,
            ),
            blocking_zones=tuple(z.name for z in w.blocking),
            unservable_cells=int(w.unservable.sum()),
            true_north_grid_deg=round(w.true_north_grid_deg, 4),
        ),
        provenance=_provenance(result),
        warnings=tuple(w.warnings),
        conditions=tuple(conditions),
        design_wind=_design_wind(result),
        docks=dock_rows(result),
    )
