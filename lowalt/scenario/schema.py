"""Scenario files: the validated, frozen description of one lowalt run.

A scenario is a YAML file validated by the pydantic models below: unknown keys
are rejected, every key carries its unit in its name, and every default is
stated here (and in the key table, docs/scenario_keys.md). Relative paths inside a scenario
are resolved against the scenario file's folder. Coordinates typed into a
scenario are WGS84 degrees and always named (``lat``/``lon``) or ordered
explicitly (``polygon_lonlat``), so a swapped pair is caught.

Scenario text is untrusted. Every number must be finite and lie within a
physical bound stated in its description (and published as ``maximum`` in the
JSON Schema); every text has a length cap; names hold no control characters;
ids that results are keyed by are unique. The YAML reader
(:mod:`lowalt.scenario._yaml`) refuses duplicate keys, alias bombs and files over
1 MiB, and every referenced file is checked to be a readable regular file
under a size cap (:func:`lowalt.geo.files.check_data_file`) before anything reads it. The
bounds live in :mod:`lowalt.limits` (re-exported here) and are also applied to the values read
from geodata and CSV files (:mod:`lowalt.geo.layers`, :mod:`lowalt.geo.docks`,
:mod:`lowalt.geo.airspace`, :mod:`lowalt.network.checks`, the wind file).

Nothing downstream reads YAML: :func:`load_scenario` returns a :class:`Scenario`, and the
studies (:mod:`lowalt.studies`) hand each domain function the plain values it needs.

The sections live in :mod:`lowalt.scenario.world` (area, airspace, aircraft, docks, demand,
guarantee, wind, ground) and :mod:`lowalt.scenario.study_sections` (corridor, network,
placement, availability, output), their building blocks in :mod:`lowalt.scenario._types`;
this module holds the :class:`Scenario` itself and the loader, and re-exports every section.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from lowalt.errors import ScenarioError
from lowalt.geo.crs import ensure_projected
from lowalt.geo.files import check_data_file
from lowalt.limits import (  # the bounds live in lowalt.limits; re-exported here
    MAX_AIRSPEED_MPS,
    MAX_CSV_BYTES,
    MAX_DRONES_PER_DOCK,
    MAX_GEODATA_BYTES,
    MAX_HEIGHT_M,
    MAX_NAME_CHARS,
    MAX_RADIUS_M,
    MAX_TEXT_CHARS,
    MAX_TIME_LIMIT_S,
    MAX_TOTAL,
    MAX_VERTICAL_RATE_MPS,
    MAX_WEIGHT,
    MAX_WIND_MPS,
    PROFILE_BOUNDS,
)
from lowalt.scenario._errors import format_validation_error
from lowalt.scenario._types import Name, Text, _Model
from lowalt.scenario._yaml import MAX_BYTES, YAMLLimitError, read_text_capped, safe_load
from lowalt.scenario.study_sections import (
    AircraftOverride,
    AvailabilityConfig,
    CorridorConfig,
    DepartmentSpec,
    DronesConfig,
    FleetConfig,
    NetworkConfig,
    OptimizeConfig,
    OutputConfig,
)
from lowalt.scenario.world import (
    AircraftConfig,
    AirspaceConfig,
    AreaConfig,
    CircleSpec,
    DemandConfig,
    DocksConfig,
    DockSite,
    GroundConfig,
    GuaranteeConfig,
    PlaceSpec,
    RunwayUse,
    WindConfig,
    ZoneSpec,
)

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
