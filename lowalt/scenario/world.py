"""Scenario sections that describe the world a reach check runs in.

The area and its grid, airspace, the aircraft, docks, demand, the guarantee, wind and the
ground data (places and runways). Used by :class:`lowalt.scenario.schema.Scenario`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from lowalt.limits import (
    MAX_AIRSPEED_MPS,
    MAX_DISTANCE_M,
    MAX_DRONES_PER_DOCK,
    MAX_HEIGHT_M,
    MAX_LIST,
    MAX_RADIUS_M,
    MAX_TIME_LIMIT_S,
    MAX_TOTAL,
    MAX_VERTICAL_RATE_MPS,
    MAX_WIND_MPS,
    MIN_POSITIVE,
)
from lowalt.scenario._types import (
    FilePath,
    Latitude,
    Longitude,
    Name,
    Provenance,
    Restriction,
    Text,
    _Model,
    _refuse_duplicates,
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


