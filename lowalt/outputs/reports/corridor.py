"""The corridor report (``{stem}_corridor.json``): its model and its builder.

One origin-destination corridor flown by several aircraft around the airspace, against a
claimed time and ground freight (fields also listed in docs/user_guide.md, "Reports").
Lengths are rounded to 0.1 m, times to 0.1 s, positions to 1e-6 degree.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from lowalt.outputs.reports import SCHEMA_VERSION
from lowalt.outputs.reports._base import (
    Bearing,
    Lat,
    Lon,
    LonLat,
    NonNegative,
    Positive,
    Report,
    ReportModel,
    ScenarioRef,
    SourceProvenance,
    UniqueStrings,
    Version,
    absent_when_none,
    version_field,
)

if TYPE_CHECKING:
    from lowalt.scenario.schema import PlaceSpec
    from lowalt.studies.corridor import CorridorResult

__all__ = ["CLAIM_NOTE", "CorridorReport", "build_corridor_report"]

CLAIM_NOTE = "claimed time compared with airborne time (take-off to landing)"
"""How the claim is compared (``claim.note``)."""


# --- models ------------------------------------------------------------------------------------


class Place(ReportModel):
    """A named end point."""

    name: str = Field(min_length=1, description="Name (free text from the scenario).")
    lat: Lat
    lon: Lon


class CorridorWind(ReportModel):
    """The uniform wind flown in."""

    speed_mps: NonNegative = Field(description="Wind speed, m/s.")
    from_deg: Bearing = Field(
        description="Direction the wind blows from, degrees clockwise from true north."
    )


class AircraftRoute(ReportModel):
    """One aircraft's route.

    meets_claim and minutes_over_claim are present exactly when the scenario gives a claimed
    time.
    """

    aircraft: str = Field(description="Aircraft profile id.")
    name: str = Field(description="Aircraft display name.")
    provenance: SourceProvenance = Field(description="Where the performance figures come from.")
    length_m: NonNegative = Field(description="Route length, m.")
    cruise_altitude_m: NonNegative = Field(description="Cruise height, m above ground.")
    flight_time_s: NonNegative = Field(description="Airborne time, take-off to landing, s.")
    block_time_s: NonNegative = Field(description="Flight time plus launch or taxi, s.")
    range_m: NonNegative = Field(description="The aircraft's range, m.")
    range_ok: bool = Field(description="Whether range and endurance suffice for the route.")
    zones_crossed: UniqueStrings = Field(
        description="Zones the route's track enters (sorted, zone names)."
    )
    waypoints: tuple[
        Annotated[LonLat, Field(description="One waypoint, [lon, lat], degrees WGS84.")], ...
    ] = Field(min_length=2, description="The route's waypoints, origin first.")
    meets_claim: bool | None = absent_when_none("Whether flight_time_s is within the claimed time.")
    minutes_over_claim: float | None = absent_when_none(
        "flight_time_s minus the claimed time, minutes (negative: faster)."
    )


class NoRoute(ReportModel):
    """An aircraft without a route."""

    aircraft: str = Field(description="Aircraft profile id.")
    reason: str = Field(description="Why, in words.")


class Claim(ReportModel):
    """The claimed time and what it implies."""

    claimed_time_s: Positive = Field(description="The claimed door-to-door time, s.")
    implied_speed_great_circle_kmh: NonNegative = Field(
        description="Speed the claim implies over the great circle, km/h."
    )
    implied_speed_routed_kmh: NonNegative | None = Field(
        description="Speed the claim implies over the median routed length, km/h; null when no "
        "aircraft has a route."
    )
    met_by: UniqueStrings = Field(
        description="Aircraft meeting the claim (sorted aircraft profile ids)."
    )
    note: str = Field(description="How the claim is compared.")


class Ground(ReportModel):
    """Ground freight between the end points."""

    method: Literal["road graph", "estimate"] = Field(
        description="'road graph' (shortest drive on a graph) or 'estimate' (straight line x "
        "detour factor at an average speed)."
    )
    distance_m: NonNegative = Field(description="Road distance, m.")
    time_s: NonNegative = Field(description="Driving time, s.")
    source: str = Field(description="Where the graph came from, or how the estimate was made.")


class CorridorReport(Report):
    """One origin-destination corridor flown by several aircraft around the airspace.

    Compared with a claimed time and with ground freight. claim is present when the scenario
    gives corridor.claimed_time_s; ground is written by every run (a road-graph drive or a
    labelled estimate) and is absent only from reports of results built without it.
    """

    model_config = ConfigDict(
        title="lowalt corridor report",
        json_schema_extra={
            "if": {"required": ["claim"]},
            "then": {
                "properties": {
                    "aircraft": {"items": {"required": ["meets_claim", "minutes_over_claim"]}}
                }
            },
            "else": {
                "properties": {
                    "aircraft": {
                        "items": {
                            "not": {
                                "anyOf": [
                                    {"required": ["meets_claim"]},
                                    {"required": ["minutes_over_claim"]},
                                ]
                            }
                        }
                    }
                }
            },
        },
    )
    report_kind = "corridor"

    report_schema_version: Version = version_field()
    scenario: ScenarioRef = Field(description="The scenario this report answers.")
    origin: Place = Field(description="Where the corridor starts.")
    destination: Place = Field(description="Where the corridor ends.")
    great_circle_m: NonNegative = Field(
        description="Great-circle distance between the end points, m."
    )
    wind: CorridorWind = Field(description="The uniform wind flown in.")
    aircraft: tuple[AircraftRoute, ...] = Field(description="One route per aircraft that has one.")
    no_route: tuple[NoRoute, ...] = Field(description="Aircraft for which no route exists.")
    claim: Claim | None = absent_when_none("The claimed time and what it implies.")
    ground: Ground | None = absent_when_none("Ground freight between the end points.")

    @model_validator(mode="after")
    def _claim_verdicts_agree(self) -> CorridorReport:
        """Each route says whether it meets the claim exactly when there is one."""
        claim = self.claim is not None
        for row in self.aircraft:
            if (row.meets_claim is not None) != claim or (
                row.minutes_over_claim is not None
            ) != claim:
                raise ValueError(
                    "aircraft: meets_claim and minutes_over_claim exactly when there is a claim"
                )
        return self


# --- builder -----------------------------------------------------------------------------------


def _place(p: PlaceSpec) -> Place:
    return Place(name=p.name, lat=p.lat, lon=p.lon)


def build_corridor_report(res: CorridorResult) -> CorridorReport:
    """Build the corridor report of a corridor study.

    Parameters
    ----------
    res
        The corridor study (:func:`lowalt.studies.corridor.run_corridor`).

    Returns
    -------
    CorridorReport
        The report; ``.to_json()`` gives the file's text.
    """
    s = res.scenario
    c = s.corridor
    assert c is not None
    claimed = c.claimed_time_s
    rows = tuple(
        AircraftRoute(
            aircraft=pid,
            name=r.profile.name,
            provenance=r.profile.provenance,  # type: ignore[arg-type]  # checked by the model
            length_m=round(r.length_m, 1),
            cruise_altitude_m=r.cruise_altitude_m,
            flight_time_s=round(r.flight_time_s, 1),
            block_time_s=round(r.block_time_s, 1),
            range_m=r.range_check.range_m,
            range_ok=r.range_check.ok,
            zones_crossed=tuple(sorted({z.zone for z in r.zones if z.inside_length_m > 0})),
            waypoints=tuple((round(x, 6), round(y, 6)) for x, y in r.waypoints_lonlat),
            meets_claim=bool(r.flight_time_s <= claimed) if claimed is not None else None,
            minutes_over_claim=(
                round((r.flight_time_s - claimed) / 60.0, 2) if claimed is not None else None
            ),
        )
        for pid, r in res.routes.items()
    )
    claim = None
    if claimed is not None:
        lengths = [r.length_m for r in res.routes.values()]
        routed = float(np.median(lengths)) if lengths else math.nan
        claim = Claim(
            claimed_time_s=claimed,
            implied_speed_great_circle_kmh=round(res.great_circle_m / claimed * 3.6, 1),
            implied_speed_routed_kmh=(
                round(routed / claimed * 3.6, 1) if math.isfinite(routed) else None
            ),
            met_by=tuple(sorted(row.aircraft for row in rows if row.meets_claim)),
            note=CLAIM_NOTE,
        )
    ground = None
    if res.ground is not None:
        g = res.ground
        ground = Ground(
            method=g.method,  # type: ignore[arg-type]  # "road graph" or "estimate"
            distance_m=round(g.distance_m, 1),
            time_s=round(g.time_s, 1),
            source=g.source,
        )
    return CorridorReport(
        report_schema_version=SCHEMA_VERSION,
        scenario=ScenarioRef(name=s.name, file=s.path.name if s.path else None),
        origin=_place(c.origin),
        destination=_place(c.destination),
        great_circle_m=round(res.great_circle_m, 1),
        wind=CorridorWind(speed_mps=c.wind_speed_mps, from_deg=c.wind_from_deg),
        aircraft=rows,
        no_route=tuple(NoRoute(aircraft=k, reason=v) for k, v in res.failures.items()),
        claim=claim,
        ground=ground,
    )
