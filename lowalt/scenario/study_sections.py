"""Scenario sections of the studies: corridor, network, placement, availability and output.

Each section switches a study on (see :mod:`lowalt.studies`). Used by
:class:`lowalt.scenario.schema.Scenario`.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from lowalt.flight.profiles import AircraftProfile
from lowalt.limits import (
    MAX_AIRSPEED_MPS,
    MAX_CALLS_PER_DAY,
    MAX_DISTANCE_M,
    MAX_DRONES_PER_DOCK,
    MAX_ENDURANCE_S,
    MAX_HEIGHT_M,
    MAX_MASS_KG,
    MAX_NAME_CHARS,
    MAX_RANGE_M,
    MAX_TIME_LIMIT_S,
    MAX_TOTAL,
    MAX_VERTICAL_RATE_MPS,
    MAX_WEIGHT,
    MAX_WIND_MPS,
    MIN_POSITIVE,
)
from lowalt.scenario._errors import UNION_TAGS
from lowalt.scenario._types import (
    FilePath,
    Name,
    Provenance,
    Restriction,
    Text,
    _Model,
    _refuse_duplicates,
)
from lowalt.scenario.world import GroundConfig, PlaceSpec, RunwayUse


def _opt(lo: str, hi: float, description: str) -> Any:
    """Return an optional profile field: ``None`` (keep the base's value) or a bounded number."""
    bound = {"ge": MIN_POSITIVE} if lo == "gt" else {lo: 0}
    return Field(default=None, **bound, le=hi, description=description)


class AircraftOverride(_Model):
    """A catalogue profile (lowalt.flight.profiles) with some fields replaced.

    The fields are exactly those of ``lowalt.flight.profiles.AircraftProfile`` (besides ``base``),
    with
    the same bounds (:data:`PROFILE_BOUNDS`); a field left out keeps the base profile's value.
    """

    base: Name = Field(description="Id of the profile to start from (see lowalt.flight.profiles).")
    id: Name | None = Field(
        default=None, description="Id of the result (default: the base id); unique per corridor."
    )
    name: Name | None = Field(default=None, description="Display name.")
    category: Literal["multirotor", "evtol", "fixed_wing", "helicopter"] | None = Field(
        default=None, description="Aircraft category."
    )
    cruise_speed_mps: float | None = _opt("gt", MAX_AIRSPEED_MPS, "At most 350 m/s.")
    climb_rate_mps: float | None = _opt("gt", MAX_VERTICAL_RATE_MPS, "At most 50 m/s.")
    descent_rate_mps: float | None = _opt("gt", MAX_VERTICAL_RATE_MPS, "At most 50 m/s.")
    min_altitude_m: float | None = _opt("ge", MAX_HEIGHT_M, "m AGL, at most 20,000 m.")
    max_altitude_m: float | None = _opt("gt", MAX_HEIGHT_M, "m AGL, at most 20,000 m.")
    cruise_altitude_m: float | None = _opt("gt", MAX_HEIGHT_M, "m AGL, at most 20,000 m.")
    range_m: float | None = _opt("gt", MAX_RANGE_M, "At most 20,000 km.")
    payload_kg: float | None = _opt("ge", MAX_MASS_KG, "At most 1,000,000 kg.")
    corridor_half_width_m: float | None = _opt("gt", MAX_DISTANCE_M, "At most 100 km.")
    endurance_s: float | None = _opt("gt", MAX_ENDURANCE_S, "At most 2,592,000 s (30 days).")
    mtow_kg: float | None = _opt("gt", MAX_MASS_KG, "At most 1,000,000 kg.")
    needs_runway: bool | None = Field(default=None, description="Takes off from a runway.")
    departure_straight_m: float | None = _opt("ge", MAX_DISTANCE_M, "At most 100 km.")
    approach_straight_m: float | None = _opt("ge", MAX_DISTANCE_M, "At most 100 km.")
    launch_delay_s: float | None = _opt("ge", MAX_TIME_LIMIT_S, "At most 86,400 s.")
    max_crosswind_mps: float | None = _opt("gt", MAX_WIND_MPS, "At most 100 m/s.")
    min_runway_m: float | None = _opt("gt", MAX_DISTANCE_M, "At most 100 km.")
    crewed: bool | None = Field(default=None, description="A pilot is on board.")
    provenance: Provenance | None = Field(default=None, description="Where the figures come from.")
    source: Text | None = Field(default=None, description="Where from.")

    @property
    def result_id(self) -> str:
        """Id of the resulting profile (``id``, or the base id)."""
        return self.id if self.id is not None else self.base

    def as_mapping(self) -> dict[str, Any]:
        """Return ``{"base": ..., <each field given>: value}`` for ``lowalt.flight.profiles``."""
        given = {k: getattr(self, k) for k in self.model_fields_set if k != "base"}
        return {"base": self.base, **given}


_PROFILE_FIELDS = {f.name for f in dataclasses.fields(AircraftProfile)} - {"field_sources"}
if set(AircraftOverride.model_fields) - {"base"} != _PROFILE_FIELDS:  # pragma: no cover
    _diff = _PROFILE_FIELDS ^ (set(AircraftOverride.model_fields) - {"base"})
    raise RuntimeError(f"scenario.AircraftOverride and AircraftProfile differ: {sorted(_diff)}")


def _aircraft_kind(v: Any) -> str:
    return UNION_TAGS[1] if isinstance(v, dict | AircraftOverride) else UNION_TAGS[0]


AircraftChoice = Annotated[
    Annotated[Name, Tag(UNION_TAGS[0])] | Annotated[AircraftOverride, Tag(UNION_TAGS[1])],
    Discriminator(_aircraft_kind),
]
"""A profile id, or an override of one."""


class CorridorConfig(_Model):
    """A point-to-point corridor planned for several aircraft and checked against a claim."""

    origin: PlaceSpec
    destination: PlaceSpec
    aircraft: tuple[AircraftChoice, ...] = Field(
        min_length=1,
        max_length=50,
        description="Profile ids (see lowalt.flight.profiles) or "
        "{base: id, id: new id, <field>: value} "
        "overrides (at most 50; each resulting id once).",
    )
    runways_file: FilePath | None = Field(
        default=None, description="Runway centrelines (by unique id)."
    )
    departure: RunwayUse | None = None
    arrival: RunwayUse | None = None
    claimed_time_s: Annotated[float, Field(ge=MIN_POSITIVE, le=MAX_TIME_LIMIT_S)] | None = Field(
        default=None,
        description="Reported door-to-door flight time to check, seconds (at most 86,400 s).",
    )
    wind_speed_mps: float = Field(
        default=0.0, ge=0, le=MAX_WIND_MPS, description="Uniform wind speed (at most 100 m/s)."
    )
    wind_from_deg: Annotated[float, Field(ge=0, lt=360)] = Field(
        default=0.0, description="Direction the wind blows from (true), degrees."
    )
    blocking_restrictions: tuple[Restriction, ...] = Field(
        default=("prohibited",), description="Zones of these restrictions are flown around."
    )
    ground: GroundConfig = GroundConfig()

    @field_validator("aircraft")
    @classmethod
    def _unique_ids(
        cls, v: tuple[str | AircraftOverride, ...]
    ) -> tuple[str | AircraftOverride, ...]:
        ids = [a if isinstance(a, str) else a.result_id for a in v]
        _refuse_duplicates(
            ids,
            "aircraft id",
            "aircraft",
            "results are keyed by id: give one of them its own 'id:' (e.g. {base: v2000cg, "
            "id: v2000cg_slow, cruise_speed_mps: 40}).",
        )
        return v

    @model_validator(mode="after")
    def _runways(self) -> CorridorConfig:
        if (self.departure or self.arrival) and self.runways_file is None:
            msg = "departure/arrival name a runway: give runways_file"
            raise ValueError(msg)
        return self


class NetworkConfig(_Model):
    """A route network checked against airspace and itself."""

    routes_file: FilePath = Field(
        description="LineString routes with a unique 'id' and lower_m/upper_m bands (finite, "
        "0-20,000 m, upper above lower)."
    )
    terminal_radius_m: float = Field(
        default=500.0,
        ge=0,
        le=MAX_DISTANCE_M,
        description="Overlaps this close to a shared end point are not conflicts (at most 100 km).",
    )
    layer_height_m: float = Field(
        default=30.0,
        ge=MIN_POSITIVE,
        le=MAX_HEIGHT_M,
        description="Height of one layer (at most 20,000 m).",
    )
    band_min_m: float = Field(
        default=60.0,
        ge=0,
        le=MAX_HEIGHT_M,
        description="Bottom of the layered band, m AGL (at most 20,000 m).",
    )
    band_max_m: float = Field(
        default=300.0,
        ge=MIN_POSITIVE,
        le=MAX_HEIGHT_M,
        description="Top of the layered band, m AGL (at most 20,000 m).",
    )
    time_limit_s: float = Field(
        default=10.0,
        ge=MIN_POSITIVE,
        le=MAX_TIME_LIMIT_S,
        description="CP-SAT time limit (at most 86,400 s).",
    )
    reported_counts: dict[
        Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")],
        Annotated[int, Field(ge=0, le=MAX_TOTAL)],
    ] = Field(
        default_factory=dict,
        max_length=100,
        description="Counts to check, by type or status (e.g. passenger: 8, open: 15; at most "
        "100 keys of letters, digits and '_', counts up to 1,000,000).",
    )


class DronesConfig(_Model):
    """Spread drones over docks (MEXCLP, Daskin 1983)."""

    total: Annotated[int, Field(ge=1, le=MAX_TOTAL)] = Field(
        description="Drones to spread over the docks (at most 1,000,000)."
    )
    busy_probability: Annotated[float, Field(ge=0, lt=1)] = Field(
        default=0.1, description="Chance a drone is busy when a call comes (modeled)."
    )
    max_per_dock: Annotated[int, Field(ge=1, le=MAX_DRONES_PER_DOCK)] = Field(
        default=4, description="Dock capacity (at most 100)."
    )


class OptimizeConfig(_Model):
    """Station placement questions (OR-Tools; every answer proven optimal or with its gap)."""

    candidate_spacing_m: Annotated[float, Field(ge=10, le=MAX_DISTANCE_M)] = Field(
        default=500.0,
        description="Land cells on this lattice are candidate dock sites (10 m to 100 km).",
    )
    include_current_docks: bool = Field(
        default=True, description="The scenario's docks are candidate sites too."
    )
    demand_spacing_m: Annotated[float, Field(ge=10, le=MAX_DISTANCE_M)] | None = Field(
        default=200.0,
        description="Demand points for the solver (a sub-grid, weighted by the cells it stands "
        "for; 10 m to 100 km); null = every cell. Every chosen layout is then checked on the full "
        "grid.",
    )
    min_docks: bool = Field(
        default=True, description="Fewest docks for the target in calm air and design wind."
    )
    best_worst_case_k: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        default=None, description="Best worst-case time with k docks (p-center; k <= 100,000)."
    )
    backup_k: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        default=None, description="Most demand reached by two docks, with k docks (k <= 100,000)."
    )
    drones: DronesConfig | None = Field(
        default=None, description="Spread drones over the scenario's docks (MEXCLP)."
    )
    tradeoff_k: tuple[Annotated[int, Field(ge=1, le=100_000)], ...] = Field(
        default=(),
        max_length=100,
        description="Dock counts for the trade-off plot (coverage, worst case); each at most "
        "100,000, no count twice, at most 100 counts.",
    )
    horizon_factor: Annotated[float, Field(ge=1.0, le=3.0)] = Field(
        default=1.5, description="p-center considers times up to this x the target."
    )
    time_limit_s: float = Field(
        default=120.0,
        ge=MIN_POSITIVE,
        le=MAX_TIME_LIMIT_S,
        description="Per solve (at most 86,400 s).",
    )
    num_workers: Annotated[int, Field(ge=1, le=64)] = Field(default=2, description="Threads.")
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = Field(
        default=0, description="Solver random seed (0 to 2,147,483,647)."
    )

    @field_validator("tradeoff_k")
    @classmethod
    def _unique_k(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        _refuse_duplicates(v, "dock count", "tradeoff_k", "list each dock count once.")
        return v


ProfileName = Literal["flat", "patrol", "emergency", "traffic", "evening", "events"]


class DepartmentSpec(_Model):
    """One department calling for drones (replaces the 11 modeled defaults when listed)."""

    name: Name = Field(description="Department name (shown in reports, escaped; unique).")
    calls_per_day: float = Field(
        ge=0, le=MAX_CALLS_PER_DAY, description="Mean calls per day (at most 100,000)."
    )
    hourly_profile: ProfileName | tuple[Annotated[float, Field(ge=0, le=MAX_WEIGHT)], ...] = Field(
        default="flat",
        description="Time of day: a named profile or 24 hourly weights (hour 0 = 00:00-01:00; "
        "each finite, 0-1,000,000).",
    )
    on_scene_s: float = Field(
        default=600.0,
        ge=0,
        le=MAX_TIME_LIMIT_S,
        description="Mean time on scene, seconds (at most 86,400 s).",
    )
    on_scene_cv: float = Field(
        default=0.5,
        ge=0,
        le=10,
        description="Coefficient of variation of the time on scene (gamma; at most 10).",
    )
    on_scene_km: float = Field(
        default=0.0, ge=0, le=1000, description="Distance flown on scene, km (at most 1,000 km)."
    )
    priority: Annotated[int, Field(ge=1, le=100)] = Field(
        default=3,
        description="1 = most urgent; larger numbers (up to 100) may be preempted by smaller.",
    )
    spatial: Literal["uniform", "weighted"] = Field(
        default="weighted",
        description="Where calls fall: every cell alike, or by the demand weights.",
    )
    provenance: Provenance = Field(default="modeled", description="Where the rate comes from.")

    @field_validator("hourly_profile")
    @classmethod
    def _24_hours(cls, v: object) -> object:
        if isinstance(v, tuple) and (len(v) != 24 or sum(v) <= 0):
            msg = "give 24 hourly weights (not all zero), or a profile name"
            raise ValueError(msg)
        return v


class FleetConfig(_Model):
    """Drones and docks under load: battery, turnaround, wind grounding, maintenance."""

    endurance_s: float = Field(
        default=2100.0,
        ge=MIN_POSITIVE,
        le=MAX_TIME_LIMIT_S,
        description="Usable flight per sortie (at most 86,400 s).",
    )
    recharge_s: float = Field(
        default=2700.0,
        ge=0,
        le=MAX_TIME_LIMIT_S,
        description="Dock charge time, empty to usable-full (at most 86,400 s).",
    )
    recharge_proportional: bool = Field(
        default=True, description="Charge time pro rata to the flight time used."
    )
    swap_s: Annotated[float, Field(ge=0, le=MAX_TIME_LIMIT_S)] | None = Field(
        default=None,
        description="Battery-swap turnaround (at most 86,400 s); replaces charging when set.",
    )
    launch_wind_limit_mps: float = Field(
        default=12.0,
        ge=MIN_POSITIVE,
        le=MAX_WIND_MPS,
        description="No launch while the wind exceeds this (at most 100 m/s).",
    )
    wind_mean_mps: float = Field(
        default=4.5,
        ge=0,
        le=MAX_WIND_MPS,
        description="Mean of the modeled hourly wind (Weibull, at cruise height; at most 100 m/s).",
    )
    wind_weibull_k: Annotated[float, Field(ge=0.5, le=10)] = Field(
        default=2.0, description="Weibull shape of the modeled wind (2 = Rayleigh)."
    )
    wind_persistence: Annotated[float, Field(ge=0, lt=1)] = Field(
        default=0.85, description="Hour-to-hour autocorrelation of the modeled wind."
    )
    wind_file: FilePath | None = Field(
        default=None,
        description="CSV of hourly wind with a 'wind_mps' column (replaces the modeled wind; "
        "finite, 0-100 m/s; at least days x 24 rows, which are not repeated; at most 64 MiB).",
    )
    maintenance_prob: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.02, description="Chance a drone goes down for maintenance on a given day."
    )
    maintenance_s: float = Field(
        default=14_400.0,
        ge=0,
        le=MAX_ENDURANCE_S,
        description="Length of one outage (at most 2,592,000 s, 30 days).",
    )
    max_wait_s: Annotated[float, Field(ge=MIN_POSITIVE, le=MAX_TIME_LIMIT_S)] | None = Field(
        default=None,
        description="Calls waiting longer are abandoned (at most 86,400 s; null: never).",
    )


class AvailabilityConfig(_Model):
    """The guarantee under load: simulated calls, busy and grounded drones (needs 'area')."""

    days: Annotated[int, Field(ge=1, le=3650)] = Field(default=365, description="Days simulated.")
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = Field(
        default=0,
        description="Random seed (0 to 2,147,483,647; it also seeds the solvers, as "
        "optimize.seed does).",
    )
    policy: Literal["nearest_free", "priority_preempt"] = Field(
        default="nearest_free", description="Dispatch policy."
    )
    calls_per_day: Annotated[float, Field(ge=MIN_POSITIVE, le=MAX_CALLS_PER_DAY)] | None = Field(
        default=None,
        description="Scale the departments to this total (at most 100,000; null: their own "
        "rates; the defaults sum to 49.1/day, calibrated on 53,000 flights in 1,080 days).",
    )
    departments: tuple[DepartmentSpec, ...] | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Departments (null: the 11 modeled defaults; at most 100, names unique).",
    )
    fleet: FleetConfig = FleetConfig()
    dispatch_horizon_s: float = Field(
        default=600.0,
        ge=MIN_POSITIVE,
        le=MAX_TIME_LIMIT_S,
        description="A call never takes a drone slower than this (it waits; at most 86,400 s).",
    )
    reliability_targets: tuple[Annotated[float, Field(ge=MIN_POSITIVE, lt=1)], ...] = Field(
        default=(0.95, 0.99),
        max_length=20,
        description="Shares of calls within the target to find the fewest drones for (each "
        "listed once, at most 20; searched in increasing order).",
    )
    max_drones_per_dock: Annotated[int, Field(ge=1, le=100)] = Field(
        default=4, description="Dock capacity in the drones search."
    )
    allocation_time_limit_s: float = Field(
        default=10.0,
        ge=MIN_POSITIVE,
        le=MAX_TIME_LIMIT_S,
        description="MEXCLP time limit per fleet size in the drones search (at most 86,400 s).",
    )
    design_wind_day: bool = Field(
        default=True,
        description="Also simulate the calls on days of design wind (wind.design_speed_mps "
        "from the worst single direction of the reach check).",
    )
    map_block_m: Annotated[float, Field(ge=100, le=MAX_DISTANCE_M)] = Field(
        default=1000.0,
        description="Square size for the simulated per-area reliability layer (100 m to 100 km).",
    )

    @field_validator("reliability_targets")
    @classmethod
    def _sorted_targets(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        _refuse_duplicates(v, "reliability target", "reliability_targets", "list each share once.")
        return tuple(sorted(v))

    @field_validator("departments")
    @classmethod
    def _unique_departments(
        cls, v: tuple[DepartmentSpec, ...] | None
    ) -> tuple[DepartmentSpec, ...] | None:
        if v is not None:
            _refuse_duplicates(
                [d.name for d in v],
                "department",
                "departments",
                "give every department its own name (merge their calls_per_day).",
            )
        return v


class OutputConfig(_Model):
    """What to write."""

    name: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]+$",
        max_length=MAX_NAME_CHARS,
        description="File stem; default: scenario stem.",
    )
    geopackage: bool = Field(default=True, description="Write every layer to one .gpkg.")
    geojson: bool = Field(default=True, description="Write docks, bands, unreached as GeoJSON.")
    offline_map: bool = Field(default=True, description="Inline Leaflet so the map works offline.")
    basemap: Literal["osm", "none", "tianditu", "tianditu_img", "amap", "amap_img"] = Field(
        default="osm",
        description="Tiles under the web maps; 'amap*' shift overlays to GCJ-02 (saved files stay "
        "WGS84); 'tianditu*' need basemap_key.",
    )
    basemap_key: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9]{8,64}$",
        description="Tianditu key (tk=), or set LOWALT_TIANDITU_KEY; written into the saved map.",
    )


