"""Scenario files: the validated, frozen description of one lowalt run.

A scenario is a YAML file validated by the pydantic models below: unknown keys
are rejected, every key carries its unit in its name, and every default is
stated here (and in the README's key table). Relative paths inside a scenario
are resolved against the scenario file's folder. Coordinates typed into a
scenario are WGS84 degrees and always named (``lat``/``lon``) or ordered
explicitly (``polygon_lonlat``), so a swapped pair is caught.

Scenario text is untrusted. Every number must be finite and lie within a
physical bound stated in its description (and published as ``maximum`` in the
JSON Schema); every text has a length cap; names hold no control characters;
ids that results are keyed by are unique. The YAML reader
(:mod:`lowalt.scenario._yaml`) refuses duplicate keys, alias bombs and files over
1 MiB, and every referenced file is checked to be a readable regular file
under a size cap before anything reads it. The bounds below are also applied
to the values read from geodata and CSV files (:mod:`lowalt.geo.layers`,
:mod:`lowalt.geo.docks`, :mod:`lowalt.geo.airspace`, :mod:`lowalt.network.checks`, the wind file).

Nothing downstream reads YAML: :func:`load_scenario` returns a :class:`Scenario`
and each stage takes the part it needs.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from lowalt.errors import ScenarioError
from lowalt.geo.crs import ensure_projected
from lowalt.scenario._errors import UNION_TAGS, format_validation_error
from lowalt.scenario._yaml import MAX_BYTES, YAMLLimitError, read_text_capped, safe_load

__all__ = [
    "MAX_AIRSPEED_MPS",
    "MAX_CSV_BYTES",
    "MAX_DRONES_PER_DOCK",
    "MAX_GEODATA_BYTES",
    "MAX_HEIGHT_M",
    "MAX_NAME_CHARS",
    "MAX_RADIUS_M",
    "MAX_TEXT_CHARS",
    "MAX_TIME_LIMIT_S",
    "MAX_TOTAL",
    "MAX_VERTICAL_RATE_MPS",
    "MAX_WEIGHT",
    "MAX_WIND_MPS",
    "PROFILE_BOUNDS",
    "AircraftConfig",
    "AircraftOverride",
    "AirspaceConfig",
    "AreaConfig",
    "AvailabilityConfig",
    "CircleSpec",
    "CorridorConfig",
    "DemandConfig",
    "DepartmentSpec",
    "DockSite",
    "DocksConfig",
    "DronesConfig",
    "FleetConfig",
    "GroundConfig",
    "GuaranteeConfig",
    "NetworkConfig",
    "OptimizeConfig",
    "OutputConfig",
    "PlaceSpec",
    "RunwayUse",
    "Scenario",
    "WindConfig",
    "ZoneSpec",
    "check_data_file",
    "load_scenario",
]

SCHEMA_VERSION = 1

# ------------------------------------------------------------------ physical bounds
# One place for the upper bounds of every quantity a scenario or a data file may give.
MAX_AIRSPEED_MPS = 350.0
"""Fastest true airspeed of anything lowalt models (the fastest profile flies 146 m/s)."""
MAX_VERTICAL_RATE_MPS = 50.0
"""Fastest climb or descent (light aircraft climb 3-8 m/s, fighters ~250 m/s)."""
MAX_HEIGHT_M = 20_000.0
"""Highest height above ground of a flight, zone, band or layer (low altitude is < 1,000 m)."""
MAX_RADIUS_M = 500_000.0
"""Largest radius of a circle (zone) and largest lateral distance, 500 km."""
MAX_DISTANCE_M = 100_000.0
"""Largest lattice spacing, straight leg or lateral margin, 100 km."""
MAX_RANGE_M = 20_000_000.0
"""Longest range of an aircraft, 20,000 km (half the Earth's circumference)."""
MAX_TIME_LIMIT_S = 86_400.0
"""Longest solver time limit, response target, wait or turnaround: one day."""
MAX_ENDURANCE_S = 2_592_000.0
"""Longest endurance or maintenance outage: 30 days."""
MAX_WIND_MPS = 100.0
"""Strongest wind (the strongest gust ever measured was 113 m/s; drones stop near 15)."""
MAX_DRONES_PER_DOCK = 100
"""Most drones one dock holds (real docks hold 1-4)."""
MAX_TOTAL = 1_000_000
"""Largest total: drones, docks asked for, counts reported."""
MAX_CALLS_PER_DAY = 100_000.0
"""Most calls per day (Wuhan's grid has about 49)."""
MAX_WEIGHT = 1_000_000.0
"""Largest relative weight (demand weights, hourly profile weights)."""
MAX_MASS_KG = 1_000_000.0
"""Heaviest mass (the heaviest aircraft ever built weighed 640 t)."""
MIN_POSITIVE = 0.001
"""Smallest value of a quantity that must be positive, in its own unit (m/s, s, m, ...): rules
out denormal numbers such as 5e-324, whose reciprocals overflow to infinity."""

MAX_NAME_CHARS = 200
"""Longest name or id."""
MAX_TEXT_CHARS = 10_000
"""Longest free text (descriptions, sources)."""
MAX_PATH_CHARS = 4096
"""Longest file path."""
MAX_LIST = 10_000
"""Longest list of zones, sites, polygon points."""
MAX_GEODATA_BYTES = 512 * 2**20
"""Largest geodata file (GeoJSON, GeoPackage, road graph) read, 512 MiB."""
MAX_CSV_BYTES = 64 * 2**20
"""Largest CSV file (hourly wind) read, 64 MiB."""

PROFILE_BOUNDS: dict[str, tuple[float, str]] = {
    "cruise_speed_mps": (MAX_AIRSPEED_MPS, "m/s"),
    "climb_rate_mps": (MAX_VERTICAL_RATE_MPS, "m/s"),
    "descent_rate_mps": (MAX_VERTICAL_RATE_MPS, "m/s"),
    "min_altitude_m": (MAX_HEIGHT_M, "m"),
    "max_altitude_m": (MAX_HEIGHT_M, "m"),
    "cruise_altitude_m": (MAX_HEIGHT_M, "m"),
    "range_m": (MAX_RANGE_M, "m"),
    "payload_kg": (MAX_MASS_KG, "kg"),
    "corridor_half_width_m": (MAX_DISTANCE_M, "m"),
    "endurance_s": (MAX_ENDURANCE_S, "s"),
    "mtow_kg": (MAX_MASS_KG, "kg"),
    "departure_straight_m": (MAX_DISTANCE_M, "m"),
    "approach_straight_m": (MAX_DISTANCE_M, "m"),
    "launch_delay_s": (MAX_TIME_LIMIT_S, "s"),
    "max_crosswind_mps": (MAX_WIND_MPS, "m/s"),
    "min_runway_m": (MAX_DISTANCE_M, "m"),
}
"""Upper bound and unit of every numeric field of an aircraft profile (lowalt.flight.profiles)."""

_NAME_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _no_control(pattern: re.Pattern[str], allowed: str) -> Callable[[str], str]:
    def check(v: str) -> str:
        m = pattern.search(v)
        if m:
            msg = (
                f"contains the control character {m.group()!r} at position {m.start()}. "
                f"Fix: remove it ({allowed})."
            )
            raise ValueError(msg)
        return v

    return check


def _sane_path(p: Path) -> Path:
    text = str(p)
    if len(text) > MAX_PATH_CHARS or "\x00" in text:
        msg = (
            f"is not a usable file path ({len(text)} characters"
            f"{', with a NUL byte' if chr(0) in text else ''}). "
            f"Fix: give a path of at most {MAX_PATH_CHARS} characters."
        )
        raise ValueError(msg)
    return p


Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_NAME_CHARS,
        json_schema_extra={"pattern": r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"},
    ),
    AfterValidator(
        _no_control(_NAME_CONTROL, "names may hold tabs and newlines, no other control characters")
    ),
]
Text = Annotated[
    str,
    Field(
        max_length=MAX_TEXT_CHARS,
        json_schema_extra={"pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"},
    ),
    AfterValidator(_no_control(_TEXT_CONTROL, "text may hold tabs and line breaks only")),
]
FilePath = Annotated[Path, AfterValidator(_sane_path)]
Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS84 latitude, degrees")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS84 longitude, degrees")]
Restriction = Literal["prohibited", "authorization_required", "conditional"]
Provenance = Literal["confirmed", "derived", "modeled"]


def _first_duplicate(keys: Sequence[Hashable]) -> tuple[Hashable, int, int] | None:
    """Return the first key seen twice and its two positions, or ``None``."""
    first: dict[Hashable, int] = {}
    for i, k in enumerate(keys):
        if k in first:
            return k, first[k], i
        first[k] = i
    return None


def _refuse_duplicates(keys: Sequence[Hashable], what: str, where: str, fix: str) -> None:
    dup = _first_duplicate(keys)
    if dup is not None:
        k, a, b = dup
        msg = f"{what} {k!r} appears twice, at {where}[{a}] and {where}[{b}]. Fix: {fix}"
        raise ValueError(msg)


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class AreaConfig(_Model):
    """The service area and what lies in it."""

    boundary_file: FilePath = Field(description="GeoJSON/GPKG polygon(s) of the service area.")
    water_file: FilePath | None = Field(
        default=None, description="Polygons of water bodies; docks are never placed on water."
    )
    sites_file: FilePath | None = Field(
        default=None, description="Points of interest shown on the map (not used in computation)."
    )


class CircleSpec(_Model):
    """A circle given by its centre (WGS84) and radius."""

    lat: Latitude
    lon: Longitude
    radius_m: float = Field(
        ge=MIN_POSITIVE, le=MAX_RADIUS_M, description="Radius, metres (at most 500 km)."
    )


class ZoneSpec(_Model):
    """An airspace zone typed into the scenario (ED-269 style)."""

    name: Name = Field(
        description="Zone name (shown on the map, escaped; at most 200 characters). Names may "
        "repeat: they label zones (several volumes of one ED-269 zone share a name) and key "
        "nothing."
    )
    restriction: Restriction = Field(default="prohibited", description="ED-269 restriction.")
    lower_m: float = Field(
        default=0.0,
        ge=0,
        le=MAX_HEIGHT_M,
        description="Lower limit, metres above ground (at most 20,000 m).",
    )
    upper_m: float = Field(
        default=120.0,
        ge=MIN_POSITIVE,
        le=MAX_HEIGHT_M,
        description="Upper limit, metres above ground (at most 20,000 m).",
    )
    polygon_lonlat: list[tuple[Longitude, Latitude]] | None = Field(
        default=None,
        max_length=MAX_LIST,
        description="Outline as [lon, lat] pairs (closing the ring is optional; at most 10,000).",
    )
    circle: CircleSpec | None = Field(default=None, description="A circle instead of a polygon.")
    provenance: Provenance = Field(default="modeled", description="Where the zone comes from.")
    source: Text = Field(
        default="typed into the scenario",
        description="URL or derivation (at most 10,000 characters).",
    )

    @model_validator(mode="after")
    def _one_shape(self) -> ZoneSpec:
        if (self.polygon_lonlat is None) == (self.circle is None):
            msg = "give exactly one of 'polygon_lonlat' or 'circle'"
            raise ValueError(msg)
        if self.upper_m <= self.lower_m:
            msg = f"upper_m ({self.upper_m}) must be above lower_m ({self.lower_m})"
            raise ValueError(msg)
        if self.polygon_lonlat is not None and len(self.polygon_lonlat) < 3:
            msg = "a polygon needs at least 3 [lon, lat] points"
            raise ValueError(msg)
        return self


class AirspaceConfig(_Model):
    """Airspace the flights must respect."""

    files: tuple[FilePath, ...] = Field(
        default=(),
        max_length=100,
        description="GeoJSON/GPKG zone layers with restriction, lower_m, upper_m (at most 100 "
        "files of 512 MiB; lower_m and upper_m finite, 0-20,000 m, upper above lower).",
    )
    zones: tuple[ZoneSpec, ...] = Field(
        default=(), max_length=MAX_LIST, description="Zones typed in (at most 10,000)."
    )
    blocking_restrictions: tuple[Restriction, ...] = Field(
        default=("prohibited", "authorization_required"),
        description="Zones of these restrictions may not be crossed at cruise altitude.",
    )
    clearance_m: float = Field(
        default=0.0,
        ge=0,
        le=MAX_DISTANCE_M,
        description="Extra lateral margin kept from blocking zones, metres (at most 100 km).",
    )
    max_true_height_m: float = Field(
        default=120.0,
        ge=MIN_POSITIVE,
        le=MAX_HEIGHT_M,
        description="Ceiling of suitable airspace for light/small drones (national rule), metres "
        "(at most 20,000 m).",
    )


class AircraftConfig(_Model):
    """Flight performance of the responding aircraft (a dock multirotor by default)."""

    name: Name = Field(default="dock multirotor", description="Display name.")
    cruise_speed_mps: float = Field(
        default=15.0,
        ge=MIN_POSITIVE,
        le=MAX_AIRSPEED_MPS,
        description="True airspeed in cruise (at most 350 m/s).",
    )
    climb_rate_mps: float = Field(
        default=5.0,
        ge=MIN_POSITIVE,
        le=MAX_VERTICAL_RATE_MPS,
        description="Vertical speed up (at most 50 m/s).",
    )
    descent_rate_mps: float = Field(
        default=3.0,
        ge=MIN_POSITIVE,
        le=MAX_VERTICAL_RATE_MPS,
        description="Vertical speed down (at most 50 m/s).",
    )
    launch_delay_s: float = Field(
        default=60.0,
        ge=0,
        le=MAX_TIME_LIMIT_S,
        description="Call to airborne: dispatch, lid opening and take-off (at most 86,400 s).",
    )
    cruise_altitude_m: float = Field(
        default=120.0,
        ge=MIN_POSITIVE,
        le=MAX_HEIGHT_M,
        description="Metres above ground (at most 20,000 m).",
    )
    provenance: Provenance = Field(
        default="modeled", description="Whether the figures are confirmed for this type."
    )
    source: Text = Field(
        default="planning defaults, wuhan_facts.md section 6.4 [E]", description="Where from."
    )


class DockSite(_Model):
    """One dock typed into the scenario."""

    name: Name = Field(description="Dock name (shown on the map, escaped; unique).")
    lat: Latitude
    lon: Longitude
    drones: int = Field(
        default=1, ge=1, le=MAX_DRONES_PER_DOCK, description="Drones in this dock (1-100)."
    )


class DocksConfig(_Model):
    """Where the docks are and how many drones they hold."""

    layout: Literal["modeled", "listed", "file"] = Field(
        default="modeled",
        description=(
            "'modeled': generate a lattice layout; 'listed': use 'sites'; 'file': load 'file'."
        ),
    )
    count: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=128, description="Number of docks to generate (layout 'modeled'; at most 100,000)."
    )
    drones_total: Annotated[int, Field(ge=1, le=MAX_TOTAL)] | None = Field(
        default=None,
        description="Drones spread over the docks (layout 'modeled'; at most 1,000,000); default "
        "one per dock.",
    )
    sites: tuple[DockSite, ...] = Field(
        default=(),
        max_length=100_000,
        description="Docks (layout 'listed'); names are unique.",
    )
    file: FilePath | None = Field(
        default=None,
        description="Point layer; optional properties name (unique), drones (a whole number "
        "1-100) (layout 'file').",
    )
    lloyd_iterations: Annotated[int, Field(ge=0, le=200)] = Field(
        default=30, description="Smoothing steps of the modeled layout (centroidal Voronoi)."
    )

    @field_validator("sites")
    @classmethod
    def _unique_names(cls, v: tuple[DockSite, ...]) -> tuple[DockSite, ...]:
        _refuse_duplicates(
            [d.name for d in v], "dock name", "sites", "give every dock its own name."
        )
        return v

    @model_validator(mode="after")
    def _layout_inputs(self) -> DocksConfig:
        if self.layout == "listed" and not self.sites:
            msg = "layout 'listed' needs a non-empty 'sites' list"
            raise ValueError(msg)
        if self.layout == "file" and self.file is None:
            msg = "layout 'file' needs 'file'"
            raise ValueError(msg)
        if (
            self.layout == "modeled"
            and self.drones_total is not None
            and self.drones_total < self.count
        ):
            msg = (
                f"drones_total ({self.drones_total}) is below count ({self.count}); "
                "every dock holds a drone"
            )
            raise ValueError(msg)
        return self


class DemandConfig(_Model):
    """The grid of possible emergency scenes."""

    grid_spacing_m: Annotated[float, Field(ge=10.0, le=MAX_DISTANCE_M)] = Field(
        default=100.0,
        description="Cell size (10 m to 100 km); a cell is in the area when its centre is.",
    )
    include_water: bool = Field(default=True, description="Count scenes on lakes as demand.")
    weights_file: FilePath | None = Field(
        default=None,
        description="Polygons with a numeric 'weight' property (finite, 0-1,000,000); cells "
        "outside get weight 1.",
    )
    max_cells: Annotated[int, Field(ge=1, le=100_000_000)] = Field(
        default=2_000_000,
        description="Refuse grids larger than this (explicit cap; at most 100,000,000).",
    )
    memory_limit_mb: Annotated[float, Field(ge=MIN_POSITIVE, le=1_048_576)] | None = Field(
        default=None,
        description="Refuse grids whose run would need more memory than this (at most "
        "1,048,576 MB; null: 80 % of the memory available when the run starts).",
    )


class GuaranteeConfig(_Model):
    """The promise being checked."""

    target_s: float = Field(
        default=300.0,
        ge=MIN_POSITIVE,
        le=MAX_TIME_LIMIT_S,
        description="Response-time target, seconds (at most 86,400 s).",
    )
    required_share: Annotated[float, Field(ge=MIN_POSITIVE, le=1)] = Field(
        default=1.0, description="Share of area (and weighted demand) that must be reached."
    )


class WindConfig(_Model):
    """Wind conditions to check besides calm air."""

    design_speed_mps: float = Field(
        default=8.0,
        ge=0,
        le=MAX_WIND_MPS,
        description="Design wind at cruise altitude (at most 100 m/s); 0 checks calm air only.",
    )
    from_deg: Annotated[float, Field(ge=0, lt=360)] | None = Field(
        default=None,
        description="Direction the wind blows from (true, degrees); null = every direction.",
    )
    directions: Annotated[int, Field(ge=1, le=360)] = Field(
        default=36, description="Directions tried when from_deg is null (evenly spaced)."
    )


class PlaceSpec(_Model):
    """A named point (WGS84)."""

    name: Name = Field(description="Name (shown on the map, escaped).")
    lat: Latitude
    lon: Longitude


class RunwayUse(_Model):
    """Join or leave a runway along its axis."""

    runway: Name = Field(description="Runway id in corridor.runways_file.")
    direction_deg: Annotated[float, Field(ge=0, lt=360)] = Field(
        description="Direction of travel on the runway (grid bearing); 190 = southbound at Huahu."
    )
    straight_m: Annotated[float, Field(ge=0, le=MAX_DISTANCE_M)] | None = Field(
        default=None,
        description="Straight leg along the axis (at most 100 km); null = the aircraft's default.",
    )


class GroundConfig(_Model):
    """Ground freight for comparison."""

    graph_file: FilePath | None = Field(
        default=None, description="Road graph (.osm XML or .graphml) read with osmnx."
    )
    download: bool = Field(
        default=False, description="Download the road graph with osmnx (needs the internet)."
    )
    detour_factor: Annotated[float, Field(ge=1.0, le=5.0)] = Field(
        default=1.3, description="Road distance / straight line, used when no graph is given."
    )
    average_speed_kmh: float = Field(
        default=50.0,
        ge=MIN_POSITIVE,
        le=300,
        description="Truck average speed when the graph has no speeds, km/h (at most 300).",
    )


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


class Scenario(_Model):
    """One lowalt scenario.

    Attributes
    ----------
    path
        The scenario file (set by :func:`load_scenario`); relative paths resolve from its folder.
    """

    schema_version: Literal[1] = Field(default=1, description="Scenario format version.")
    name: Name = Field(description="Title of the run (map title, report).")
    description: Text = Field(
        default="", description="Free text, copied to the report (at most 10,000 characters)."
    )
    metric_crs: str = Field(
        default="EPSG:4547", max_length=MAX_NAME_CHARS, description="Projected CRS for metric work."
    )
    area: AreaConfig | None = Field(
        default=None, description="The service area (runs the reach check when given)."
    )
    airspace: AirspaceConfig = AirspaceConfig()
    aircraft: AircraftConfig = AircraftConfig()
    docks: DocksConfig = DocksConfig()
    demand: DemandConfig = DemandConfig()
    guarantee: GuaranteeConfig = GuaranteeConfig()
    wind: WindConfig = WindConfig()
    optimize: OptimizeConfig | None = Field(
        default=None, description="Station placement (needs 'area')."
    )
    corridor: CorridorConfig | None = Field(
        default=None, description="A corridor study (routes per aircraft, claim check)."
    )
    network: NetworkConfig | None = Field(
        default=None, description="A route-network study (airspace, conflicts, layers)."
    )
    availability: AvailabilityConfig | None = Field(
        default=None, description="Dispatch simulation under load (needs 'area')."
    )
    output: OutputConfig = OutputConfig()
    path: SkipJsonSchema[Path | None] = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _something_to_do(self) -> Scenario:
        if self.area is None and self.corridor is None and self.network is None:
            msg = "give at least one study: 'area' (reach check), 'corridor' or 'network'"
            raise ValueError(msg)
        if self.optimize is not None and self.area is None:
            msg = "'optimize' places docks over an area: add the 'area' section"
            raise ValueError(msg)
        if self.availability is not None and self.area is None:
            msg = "'availability' simulates calls over an area: add the 'area' section"
            raise ValueError(msg)
        return self

    @field_validator("metric_crs")
    @classmethod
    def _projected(cls, v: str) -> str:
        try:
            ensure_projected(v)
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        except Exception:  # pyproj.exceptions.CRSError (a RuntimeError)
            msg = f"unknown CRS {v!r}: not found in the PROJ database"
            raise ValueError(msg) from None
        return v

    def resolve(self, p: Path) -> Path:
        """Resolve a path from the scenario against the scenario file's folder."""
        if p.is_absolute() or self.path is None:
            return p
        target = self.path.parent / p
        try:
            return target.resolve()
        except (OSError, RuntimeError):  # a symlink loop: check_data_file reports it
            return Path(os.path.abspath(target))

    @property
    def output_stem(self) -> str:
        """File stem for outputs."""
        if self.output.name:
            return self.output.name
        return self.path.stem if self.path is not None else "lowalt"


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path
        A YAML file of at most 1 MiB.

    Returns
    -------
    Scenario
        The frozen, validated scenario, with ``path`` set and every referenced file checked to
        be a readable regular file under its size cap.

    Raises
    ------
    ScenarioError
        Naming the file, the key path and a fix, for a missing, unreadable or oversized file
        (a folder, a FIFO, a symlink loop), bad YAML (duplicate keys, alias bombs), an unknown
        key, a wrong type or value (non-finite, out of bounds, a duplicated id), or a
        referenced file that is missing, unreadable or too large.
    """
    p = Path(path)
    check_data_file(
        p,
        cap_bytes=MAX_BYTES,
        what="scenario file",
        fix="check the path; scenarios live in scenarios/ "
        "(e.g. scenarios/optics_valley_grid.yaml).",
        size_fix="a scenario is a short text file: put large data in the geodata files it names.",
    )
    try:
        raw = safe_load(read_text_capped(p, MAX_BYTES))
    except YAMLLimitError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(
            f"refused YAML{where}: {exc.problem}.", file=str(p), fix=exc.fix
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(
            f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}.",
            file=str(p),
            fix="fix the YAML syntax (indentation, colons, quotes).",
        ) from None
    except OSError as exc:
        raise ScenarioError(
            f"cannot read the scenario file: {exc.strerror or exc}.",
            file=str(p),
            fix="check the file's permissions.",
        ) from None
    if not isinstance(raw, dict):
        raise ScenarioError(
            f"the top level must be a mapping of keys, not {type(raw).__name__}.",
            file=str(p),
            fix="start the file with keys such as 'name:' and 'area:'.",
        )
    raw = _check_schema_version(raw, p)
    try:
        scenario = Scenario.model_validate({**raw, "path": p.resolve()})
    except ValidationError as exc:
        key_path, message, fix = format_validation_error(exc, Scenario)
        raise ScenarioError(message, file=str(p), key_path=key_path, fix=fix) from None
    _check_files(scenario)
    return scenario


def check_data_file(
    path: Path,
    *,
    cap_bytes: int,
    what: str,
    fix: str,
    scenario_file: str | None = None,
    key_path: str | None = None,
    size_fix: str = "give a smaller file (clip it to the area, or simplify its geometry).",
) -> None:
    """Check that ``path`` is a readable regular file of at most ``cap_bytes`` bytes.

    Nothing is read. A symlink loop, a folder, a FIFO or device, a file that cannot be opened
    and a file over the cap are refused.

    Parameters
    ----------
    path
        The file.
    cap_bytes
        Largest size accepted.
    what
        What the file is, for messages ("scenario file", "dock layer").
    fix
        The fix given when the file does not exist.
    size_fix
        The fix given when the file is over ``cap_bytes``.
    scenario_file, key_path
        The scenario naming the file and the key, for messages; without a scenario the
        message names ``path`` itself.

    Raises
    ------
    ScenarioError
        Naming the file, the key and a fix.
    """
    file = str(path) if scenario_file is None else scenario_file
    shown = "" if scenario_file is None else f" {path}"

    def fail(message: str, fix_: str) -> ScenarioError:
        return ScenarioError(message, file=file, key_path=key_path, fix=fix_)

    try:
        st = path.stat()
    except FileNotFoundError:
        raise fail(f"{what} not found{':' if shown else ''}{shown}.", fix) from None
    except (OSError, ValueError) as exc:  # ELOOP, ENAMETOOLONG, EACCES on a parent folder
        reason = getattr(exc, "strerror", None) or str(exc)
        raise fail(
            f"cannot open the {what}{shown}: {reason}.",
            "point it at a regular file (a symbolic link may not lead back to itself).",
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise fail(f"the {what}{shown} is a folder, not a file.", "name a file inside it.")
    if not stat.S_ISREG(st.st_mode):
        raise fail(
            f"the {what}{shown} is not a regular file (a FIFO, socket or device).",
            "give a regular file.",
        )
    if st.st_size > cap_bytes:
        raise fail(
            f"the {what}{shown} is {st.st_size / 2**20:,.1f} MiB; the limit is "
            f"{cap_bytes / 2**20:g} MiB.",
            size_fix,
        )
    if not os.access(path, os.R_OK):
        raise fail(
            f"the {what}{shown} cannot be read (permission denied).", "check its permissions."
        )


def _check_schema_version(raw: dict[str, Any], p: Path) -> dict[str, Any]:
    if "path" in raw:
        raise ScenarioError(
            "unknown key 'path' (the scenario's own path is set by lowalt).",
            file=str(p),
            key_path="path",
            fix="remove the key.",
        )
    version = raw.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ScenarioError(
            f"schema_version {version!r} is not supported by this lowalt "
            f"(it reads {SCHEMA_VERSION}).",
            file=str(p),
            key_path="schema_version",
            fix=f"set schema_version: {SCHEMA_VERSION}, or upgrade lowalt.",
        )
    return raw


def _check_files(s: Scenario) -> None:
    geo, csv = MAX_GEODATA_BYTES, MAX_CSV_BYTES
    refs: list[tuple[str, Path | None, int, str]] = []
    if s.area is not None:
        refs += [
            ("area.boundary_file", s.area.boundary_file, geo, "service-area boundary"),
            ("area.water_file", s.area.water_file, geo, "water layer"),
            ("area.sites_file", s.area.sites_file, geo, "sites layer"),
            ("docks.file", s.docks.file if s.docks.layout == "file" else None, geo, "dock layer"),
            ("demand.weights_file", s.demand.weights_file, geo, "demand weights layer"),
        ]
        if s.availability is not None:
            refs.append(
                ("availability.fleet.wind_file", s.availability.fleet.wind_file, csv, "wind file")
            )
    if s.corridor is not None:
        refs += [
            ("corridor.runways_file", s.corridor.runways_file, geo, "runway layer"),
            ("corridor.ground.graph_file", s.corridor.ground.graph_file, geo, "road graph"),
        ]
    if s.network is not None:
        refs.append(("network.routes_file", s.network.routes_file, geo, "route layer"))
    refs += [
        (f"airspace.files[{i}]", f, geo, "airspace layer") for i, f in enumerate(s.airspace.files)
    ]
    for key, ref, cap, what in refs:
        if ref is None:
            continue
        path = s.resolve(ref)
        try:
            exists = path.exists() or path.is_symlink()
        except (OSError, ValueError):
            exists = True  # a symlink loop: check_data_file explains
        if not exists:
            raise ScenarioError(
                f"file not found: {path}.",
                file=str(s.path),
                key_path=key,
                fix="paths are relative to the scenario file's folder; check the name.",
            )
        check_data_file(
            path,
            cap_bytes=cap,
            what=what,
            fix="paths are relative to the scenario file's folder; check the name.",
            scenario_file=str(s.path),
            key_path=key,
        )
