"""Scenario files: the validated, frozen description of one lowalt run.

A scenario is a YAML file validated by the pydantic models below: unknown keys
are rejected, every key carries its unit in its name, and every default is
stated here (and in the README's key table). Relative paths inside a scenario
are resolved against the scenario file's folder. Coordinates typed into a
scenario are WGS84 degrees and always named (``lat``/``lon``) or ordered
explicitly (``polygon_lonlat``), so a swapped pair is caught.

Nothing downstream reads YAML: :func:`load_scenario` returns a :class:`Scenario`
and each stage takes the part it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from lowalt._scenario_errors import format_validation_error
from lowalt.crs import ensure_projected
from lowalt.errors import ScenarioError

__all__ = [
    "AircraftConfig",
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
    "load_scenario",
]

SCHEMA_VERSION = 1
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegFloat = Annotated[float, Field(ge=0)]
Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS84 latitude, degrees")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS84 longitude, degrees")]
Restriction = Literal["prohibited", "authorization_required", "conditional"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AreaConfig(_Model):
    """The service area and what lies in it."""

    boundary_file: Path = Field(description="GeoJSON/GPKG polygon(s) of the service area.")
    water_file: Path | None = Field(
        default=None, description="Polygons of water bodies; docks are never placed on water."
    )
    sites_file: Path | None = Field(
        default=None, description="Points of interest shown on the map (not used in computation)."
    )


class CircleSpec(_Model):
    """A circle given by its centre (WGS84) and radius."""

    lat: Latitude
    lon: Longitude
    radius_m: PositiveFloat = Field(description="Radius, metres.")


class ZoneSpec(_Model):
    """An airspace zone typed into the scenario (ED-269 style)."""

    name: str = Field(min_length=1, description="Zone name (shown on the map, escaped).")
    restriction: Restriction = Field(default="prohibited", description="ED-269 restriction.")
    lower_m: NonNegFloat = Field(default=0.0, description="Lower limit, metres above ground.")
    upper_m: PositiveFloat = Field(default=120.0, description="Upper limit, metres above ground.")
    polygon_lonlat: list[tuple[Longitude, Latitude]] | None = Field(
        default=None, description="Outline as [lon, lat] pairs (closing the ring is optional)."
    )
    circle: CircleSpec | None = Field(default=None, description="A circle instead of a polygon.")
    provenance: Literal["confirmed", "derived", "modeled"] = Field(
        default="modeled", description="Where the zone comes from."
    )
    source: str = Field(default="typed into the scenario", description="URL or derivation.")

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

    files: tuple[Path, ...] = Field(
        default=(), description="GeoJSON/GPKG zone layers with restriction, lower_m, upper_m."
    )
    zones: tuple[ZoneSpec, ...] = ()
    blocking_restrictions: tuple[Restriction, ...] = Field(
        default=("prohibited", "authorization_required"),
        description="Zones of these restrictions may not be crossed at cruise altitude.",
    )
    clearance_m: NonNegFloat = Field(
        default=0.0, description="Extra lateral margin kept from blocking zones, metres."
    )
    max_true_height_m: PositiveFloat = Field(
        default=120.0,
        description="Ceiling of suitable airspace for light/small drones (national rule), metres.",
    )


class AircraftConfig(_Model):
    """Flight performance of the responding aircraft (a dock multirotor by default)."""

    name: str = Field(default="dock multirotor", description="Display name.")
    cruise_speed_mps: PositiveFloat = Field(default=15.0, description="True airspeed in cruise.")
    climb_rate_mps: PositiveFloat = Field(default=5.0, description="Vertical speed up.")
    descent_rate_mps: PositiveFloat = Field(default=3.0, description="Vertical speed down.")
    launch_delay_s: NonNegFloat = Field(
        default=60.0, description="Call to airborne: dispatch, lid opening and take-off."
    )
    cruise_altitude_m: PositiveFloat = Field(default=120.0, description="Metres above ground.")
    provenance: Literal["confirmed", "derived", "modeled"] = Field(
        default="modeled", description="Whether the figures are confirmed for this type."
    )
    source: str = Field(
        default="planning defaults, wuhan_facts.md section 6.4 [E]", description="Where from."
    )


class DockSite(_Model):
    """One dock typed into the scenario."""

    name: str = Field(min_length=1, description="Dock name (shown on the map, escaped).")
    lat: Latitude
    lon: Longitude
    drones: Annotated[int, Field(ge=1)] = Field(default=1, description="Drones in this dock.")


class DocksConfig(_Model):
    """Where the docks are and how many drones they hold."""

    layout: Literal["modeled", "listed", "file"] = Field(
        default="modeled",
        description=(
            "'modeled': generate a lattice layout; 'listed': use 'sites'; 'file': load 'file'."
        ),
    )
    count: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=128, description="Number of docks to generate (layout 'modeled')."
    )
    drones_total: Annotated[int, Field(ge=1)] | None = Field(
        default=None,
        description="Drones spread over the docks (layout 'modeled'); default one per dock.",
    )
    sites: tuple[DockSite, ...] = Field(default=(), description="Docks (layout 'listed').")
    file: Path | None = Field(
        default=None, description="Point layer; optional properties name, drones (layout 'file')."
    )
    lloyd_iterations: Annotated[int, Field(ge=0, le=200)] = Field(
        default=30, description="Smoothing steps of the modeled layout (centroidal Voronoi)."
    )

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

    grid_spacing_m: Annotated[float, Field(ge=10.0)] = Field(
        default=100.0, description="Cell size; a cell is in the area when its centre is."
    )
    include_water: bool = Field(default=True, description="Count scenes on lakes as demand.")
    weights_file: Path | None = Field(
        default=None,
        description="Polygons with a numeric 'weight' property; cells outside get weight 1.",
    )
    max_cells: Annotated[int, Field(ge=1)] = Field(
        default=2_000_000, description="Refuse grids larger than this (explicit cap)."
    )
    memory_limit_mb: Annotated[float, Field(gt=0)] | None = Field(
        default=None,
        description="Refuse grids whose run would need more memory than this (null: 80 % of "
        "the memory available when the run starts).",
    )


class GuaranteeConfig(_Model):
    """The promise being checked."""

    target_s: PositiveFloat = Field(default=300.0, description="Response-time target, seconds.")
    required_share: Annotated[float, Field(gt=0, le=1)] = Field(
        default=1.0, description="Share of area (and weighted demand) that must be reached."
    )


class WindConfig(_Model):
    """Wind conditions to check besides calm air."""

    design_speed_mps: NonNegFloat = Field(
        default=8.0, description="Design wind at cruise altitude; 0 checks calm air only."
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

    name: str = Field(min_length=1, description="Name (shown on the map, escaped).")
    lat: Latitude
    lon: Longitude


class RunwayUse(_Model):
    """Join or leave a runway along its axis."""

    runway: str = Field(min_length=1, description="Runway id in corridor.runways_file.")
    direction_deg: Annotated[float, Field(ge=0, lt=360)] = Field(
        description="Direction of travel on the runway (grid bearing); 190 = southbound at Huahu."
    )
    straight_m: NonNegFloat | None = Field(
        default=None, description="Straight leg along the axis; null = the aircraft's default."
    )


class GroundConfig(_Model):
    """Ground freight for comparison."""

    graph_file: Path | None = Field(
        default=None, description="Road graph (.osm XML or .graphml) read with osmnx."
    )
    download: bool = Field(
        default=False, description="Download the road graph with osmnx (needs the internet)."
    )
    detour_factor: Annotated[float, Field(ge=1.0, le=5.0)] = Field(
        default=1.3, description="Road distance / straight line, used when no graph is given."
    )
    average_speed_kmh: PositiveFloat = Field(
        default=50.0, description="Truck average speed when the graph has no speeds, km/h."
    )


class CorridorConfig(_Model):
    """A point-to-point corridor planned for several aircraft and checked against a claim."""

    origin: PlaceSpec
    destination: PlaceSpec
    aircraft: tuple[str | dict[str, Any], ...] = Field(
        min_length=1,
        description="Profile ids (see lowalt.profiles) or {base: id, <field>: value} overrides.",
    )
    runways_file: Path | None = Field(default=None, description="Runway centrelines (by id).")
    departure: RunwayUse | None = None
    arrival: RunwayUse | None = None
    claimed_time_s: PositiveFloat | None = Field(
        default=None, description="Reported door-to-door flight time to check, seconds."
    )
    wind_speed_mps: NonNegFloat = Field(default=0.0, description="Uniform wind speed.")
    wind_from_deg: Annotated[float, Field(ge=0, lt=360)] = Field(
        default=0.0, description="Direction the wind blows from (true), degrees."
    )
    blocking_restrictions: tuple[Restriction, ...] = Field(
        default=("prohibited",), description="Zones of these restrictions are flown around."
    )
    ground: GroundConfig = GroundConfig()

    @model_validator(mode="after")
    def _runways(self) -> CorridorConfig:
        if (self.departure or self.arrival) and self.runways_file is None:
            msg = "departure/arrival name a runway: give runways_file"
            raise ValueError(msg)
        return self


class NetworkConfig(_Model):
    """A route network checked against airspace and itself."""

    routes_file: Path = Field(description="LineString routes with lower_m/upper_m bands.")
    terminal_radius_m: NonNegFloat = Field(
        default=500.0, description="Overlaps this close to a shared end point are not conflicts."
    )
    layer_height_m: PositiveFloat = Field(default=30.0, description="Height of one layer.")
    band_min_m: NonNegFloat = Field(default=60.0, description="Bottom of the layered band, m AGL.")
    band_max_m: PositiveFloat = Field(default=300.0, description="Top of the layered band, m AGL.")
    time_limit_s: PositiveFloat = Field(default=10.0, description="CP-SAT time limit.")
    reported_counts: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict,
        description="Counts to check, by type or status (e.g. passenger: 8, open: 15).",
    )


class DronesConfig(_Model):
    """Spread drones over docks (MEXCLP, Daskin 1983)."""

    total: Annotated[int, Field(ge=1)] = Field(description="Drones to spread over the docks.")
    busy_probability: Annotated[float, Field(ge=0, lt=1)] = Field(
        default=0.1, description="Chance a drone is busy when a call comes (modeled)."
    )
    max_per_dock: Annotated[int, Field(ge=1)] = Field(default=4, description="Dock capacity.")


class OptimizeConfig(_Model):
    """Station placement questions (OR-Tools; every answer proven optimal or with its gap)."""

    candidate_spacing_m: Annotated[float, Field(ge=10)] = Field(
        default=500.0, description="Land cells on this lattice are candidate dock sites."
    )
    include_current_docks: bool = Field(
        default=True, description="The scenario's docks are candidate sites too."
    )
    demand_spacing_m: Annotated[float, Field(ge=10)] | None = Field(
        default=200.0,
        description="Demand points for the solver (a sub-grid, weighted by the cells it stands "
        "for); null = every cell. Every chosen layout is then checked on the full grid.",
    )
    min_docks: bool = Field(
        default=True, description="Fewest docks for the target in calm air and design wind."
    )
    best_worst_case_k: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="Best worst-case time with k docks (p-center)."
    )
    backup_k: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="Most demand reached by two docks, with k docks."
    )
    drones: DronesConfig | None = Field(
        default=None, description="Spread drones over the scenario's docks (MEXCLP)."
    )
    tradeoff_k: tuple[Annotated[int, Field(ge=1)], ...] = Field(
        default=(), description="Dock counts for the trade-off plot (coverage, worst case)."
    )
    horizon_factor: Annotated[float, Field(ge=1.0, le=3.0)] = Field(
        default=1.5, description="p-center considers times up to this x the target."
    )
    time_limit_s: PositiveFloat = Field(default=120.0, description="Per solve.")
    num_workers: Annotated[int, Field(ge=1, le=64)] = Field(default=2, description="Threads.")
    seed: Annotated[int, Field(ge=0)] = Field(default=0, description="Solver random seed.")


ProfileName = Literal["flat", "patrol", "emergency", "traffic", "evening", "events"]


class DepartmentSpec(_Model):
    """One department calling for drones (replaces the 11 modeled defaults when listed)."""

    name: str = Field(min_length=1, description="Department name (shown in reports, escaped).")
    calls_per_day: NonNegFloat = Field(description="Mean calls per day.")
    hourly_profile: ProfileName | tuple[NonNegFloat, ...] = Field(
        default="flat",
        description="Time of day: a named profile or 24 hourly weights (hour 0 = 00:00-01:00).",
    )
    on_scene_s: NonNegFloat = Field(default=600.0, description="Mean time on scene, seconds.")
    on_scene_cv: NonNegFloat = Field(
        default=0.5, description="Coefficient of variation of the time on scene (gamma)."
    )
    on_scene_km: NonNegFloat = Field(default=0.0, description="Distance flown on scene, km.")
    priority: Annotated[int, Field(ge=1)] = Field(
        default=3, description="1 = most urgent; larger numbers may be preempted by smaller."
    )
    spatial: Literal["uniform", "weighted"] = Field(
        default="weighted",
        description="Where calls fall: every cell alike, or by the demand weights.",
    )
    provenance: Literal["confirmed", "derived", "modeled"] = Field(
        default="modeled", description="Where the rate comes from."
    )

    @field_validator("hourly_profile")
    @classmethod
    def _24_hours(cls, v: object) -> object:
        if isinstance(v, tuple) and (len(v) != 24 or sum(v) <= 0):
            msg = "give 24 hourly weights (not all zero), or a profile name"
            raise ValueError(msg)
        return v


class FleetConfig(_Model):
    """Drones and docks under load: battery, turnaround, wind grounding, maintenance."""

    endurance_s: PositiveFloat = Field(default=2100.0, description="Usable flight per sortie.")
    recharge_s: NonNegFloat = Field(
        default=2700.0, description="Dock charge time, empty to usable-full."
    )
    recharge_proportional: bool = Field(
        default=True, description="Charge time pro rata to the flight time used."
    )
    swap_s: NonNegFloat | None = Field(
        default=None, description="Battery-swap turnaround; replaces charging when set."
    )
    launch_wind_limit_mps: PositiveFloat = Field(
        default=12.0, description="No launch while the wind exceeds this."
    )
    wind_mean_mps: NonNegFloat = Field(
        default=4.5, description="Mean of the modeled hourly wind (Weibull, at cruise height)."
    )
    wind_weibull_k: Annotated[float, Field(ge=0.5, le=10)] = Field(
        default=2.0, description="Weibull shape of the modeled wind (2 = Rayleigh)."
    )
    wind_persistence: Annotated[float, Field(ge=0, lt=1)] = Field(
        default=0.85, description="Hour-to-hour autocorrelation of the modeled wind."
    )
    wind_file: Path | None = Field(
        default=None,
        description="CSV of hourly wind with a 'wind_mps' column (replaces the modeled wind).",
    )
    maintenance_prob: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.02, description="Chance a drone goes down for maintenance on a given day."
    )
    maintenance_s: NonNegFloat = Field(default=14_400.0, description="Length of one outage.")
    max_wait_s: PositiveFloat | None = Field(
        default=None, description="Calls waiting longer are abandoned (null: never)."
    )


class AvailabilityConfig(_Model):
    """The guarantee under load: simulated calls, busy and grounded drones (needs 'area')."""

    days: Annotated[int, Field(ge=1, le=3650)] = Field(default=365, description="Days simulated.")
    seed: Annotated[int, Field(ge=0)] = Field(default=0, description="Random seed.")
    policy: Literal["nearest_free", "priority_preempt"] = Field(
        default="nearest_free", description="Dispatch policy."
    )
    calls_per_day: PositiveFloat | None = Field(
        default=None,
        description="Scale the departments to this total (null: their own rates; the "
        "defaults sum to 49.1/day, calibrated on 53,000 flights in 1,080 days).",
    )
    departments: tuple[DepartmentSpec, ...] | None = Field(
        default=None, description="Departments (null: the 11 modeled defaults)."
    )
    fleet: FleetConfig = FleetConfig()
    dispatch_horizon_s: PositiveFloat = Field(
        default=600.0, description="A call never takes a drone slower than this (it waits)."
    )
    reliability_targets: tuple[Annotated[float, Field(gt=0, lt=1)], ...] = Field(
        default=(0.95, 0.99),
        description="Shares of calls within the target to find the fewest drones for.",
    )
    max_drones_per_dock: Annotated[int, Field(ge=1, le=100)] = Field(
        default=4, description="Dock capacity in the drones search."
    )
    allocation_time_limit_s: PositiveFloat = Field(
        default=10.0, description="MEXCLP time limit per fleet size in the drones search."
    )
    design_wind_day: bool = Field(
        default=True,
        description="Also simulate the calls on days of design wind (wind.design_speed_mps "
        "from the worst single direction of the reach check).",
    )
    map_block_m: Annotated[float, Field(ge=100)] = Field(
        default=1000.0, description="Square size for the simulated per-area reliability layer."
    )

    @field_validator("reliability_targets")
    @classmethod
    def _sorted_targets(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(sorted(set(v)))


class OutputConfig(_Model):
    """What to write."""

    name: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_.-]+$", description="File stem; default: scenario stem."
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
    name: str = Field(min_length=1, description="Title of the run (map title, report).")
    description: str = Field(default="", description="Free text, copied to the report.")
    metric_crs: str = Field(default="EPSG:4547", description="Projected CRS for metric work.")
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
    path: Path | None = Field(default=None, exclude=True)

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
        return (self.path.parent / p).resolve()

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
        A YAML file.

    Returns
    -------
    Scenario
        The frozen, validated scenario, with ``path`` set and every referenced file checked to
        exist.

    Raises
    ------
    ScenarioError
        Naming the file, the key path and a fix, for a missing file, bad YAML, an unknown key, a
        wrong type or value, or a referenced file that does not exist.
    """
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(
            "scenario file not found.",
            file=str(p),
            fix="check the path; scenarios live in scenarios/ "
            "(e.g. scenarios/optics_valley_grid.yaml).",
        )
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(
            f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}.",
            file=str(p),
            fix="fix the YAML syntax (indentation, colons, quotes).",
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
    refs: list[tuple[str, Path | None]] = []
    if s.area is not None:
        refs += [
            ("area.boundary_file", s.area.boundary_file),
            ("area.water_file", s.area.water_file),
            ("area.sites_file", s.area.sites_file),
            ("docks.file", s.docks.file if s.docks.layout == "file" else None),
            ("demand.weights_file", s.demand.weights_file),
        ]
        if s.availability is not None:
            refs.append(("availability.fleet.wind_file", s.availability.fleet.wind_file))
    if s.corridor is not None:
        refs += [
            ("corridor.runways_file", s.corridor.runways_file),
            ("corridor.ground.graph_file", s.corridor.ground.graph_file),
        ]
    if s.network is not None:
        refs.append(("network.routes_file", s.network.routes_file))
    refs += [(f"airspace.files[{i}]", f) for i, f in enumerate(s.airspace.files)]
    for key, ref in refs:
        if ref is not None and not s.resolve(ref).is_file():
            raise ScenarioError(
                f"file not found: {s.resolve(ref)}.",
                file=str(s.path),
                key_path=key,
                fix="paths are relative to the scenario file's folder; check the name.",
            )
