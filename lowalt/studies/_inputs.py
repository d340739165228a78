"""The scenario handed down as plain values: airspace, aircraft, docks, the CRS check.

The domain subpackages (:mod:`lowalt.geo`, :mod:`lowalt.flight`, ...) never see a
:class:`~lowalt.scenario.schema.Scenario`: the studies resolve its paths against the scenario
file's folder, turn its sections into plain values (paths, tuples, small frozen dataclasses
owned by the domain) and pass the scenario file name and key paths as strings, so messages
about bad input still name the file, the key and a fix. The translations several studies
share live here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from shapely.geometry.base import BaseGeometry

from lowalt.errors import ScenarioError
from lowalt.flight.aircraft import Aircraft
from lowalt.geo._crs_check import check_crs
from lowalt.geo.airspace import Airspace, TypedZone, load_airspace
from lowalt.geo.docks import Docks, load_docks, modeled_layout
from lowalt.geo.grid import DemandGrid
from lowalt.scenario.schema import AircraftConfig, Scenario, ZoneSpec

__all__ = ["check_scenario_crs", "scenario_aircraft", "scenario_airspace", "scenario_docks"]


def check_scenario_crs(s: Scenario, bounds_lonlat: Iterable[float], data_key: str) -> None:
    """Refuse the scenario's ``metric_crs`` when it does not serve data within ``bounds_lonlat``.

    Parameters
    ----------
    s
        The scenario (its ``metric_crs`` and file name).
    bounds_lonlat
        ``(west, south, east, north)`` of the data, WGS84 degrees.
    data_key
        The scenario key of the data (``"area.boundary_file"``), for the message.

    Raises
    ------
    ScenarioError
        Naming the scenario file, ``data_key`` or ``metric_crs``, and a fix.
    """
    check_crs(s.metric_crs, bounds_lonlat, data_key, scenario_file=str(s.path))


def _typed_zone(spec: ZoneSpec) -> TypedZone:
    circle = spec.circle
    return TypedZone(
        name=spec.name,
        restriction=spec.restriction,
        lower_m=spec.lower_m,
        upper_m=spec.upper_m,
        polygon_lonlat=None if spec.polygon_lonlat is None else tuple(spec.polygon_lonlat),
        center_lonlat=None if circle is None else (circle.lon, circle.lat),
        radius_m=0.0 if circle is None else circle.radius_m,
        provenance=spec.provenance,
        source=spec.source,
    )


def scenario_airspace(s: Scenario) -> Airspace:
    """Collect the zones of the scenario's ``airspace`` section, in its metric CRS.

    Parameters
    ----------
    s
        The scenario: ``airspace.files`` (resolved against the scenario's folder) and
        ``airspace.zones``.

    Returns
    -------
    Airspace
        The zones of the files, then the typed zones (outlines in metres, ``s.metric_crs``).

    Raises
    ------
    ScenarioError, GeodataError, AirspaceError
        For unreadable files, missing attributes, invalid geometry or limits (naming the
        scenario, ``airspace.files[i]`` or ``airspace.zones[i]``, and a fix).
    """
    return load_airspace(
        [s.resolve(f) for f in s.airspace.files],
        [_typed_zone(z) for z in s.airspace.zones],
        metric_crs=s.metric_crs,
        scenario_file=str(s.path),
        key_path="airspace",
    )


def scenario_aircraft(cfg: AircraftConfig) -> Aircraft:
    """Build the responding aircraft from a scenario's ``aircraft`` section.

    Parameters
    ----------
    cfg
        The section: speeds in m/s, launch delay in s, cruise altitude in m above ground.

    Returns
    -------
    Aircraft
        The same values, field for field.
    """
    return Aircraft(
        name=cfg.name,
        cruise_speed_mps=cfg.cruise_speed_mps,
        climb_rate_mps=cfg.climb_rate_mps,
        descent_rate_mps=cfg.descent_rate_mps,
        launch_delay_s=cfg.launch_delay_s,
        cruise_altitude_m=cfg.cruise_altitude_m,
    )


def scenario_docks(
    s: Scenario,
    grid: DemandGrid,
    allowed: npt.NDArray[np.bool_],
    *,
    unservable_geoms: Sequence[BaseGeometry],
    area_m: BaseGeometry,
    water_m: BaseGeometry | None,
    warnings: list[str],
) -> Docks:
    """Docks of a scenario: generated (``modeled``), typed in (``listed``) or read (``file``).

    Parameters
    ----------
    s
        The scenario (its ``docks`` section, metric CRS and file name).
    grid
        Demand cells (shape the modeled layout).
    allowed
        (N,) cells a modeled dock may stand on.
    unservable_geoms
        Metric no-fly outlines a given dock may not stand in.
    area_m, water_m
        Service area and water, metres in the metric CRS (for checks of given docks).
    warnings
        Collects non-fatal findings (docks on water or outside the area).

    Returns
    -------
    Docks
        Positions in metres (``s.metric_crs``).

    Raises
    ------
    ScenarioError
        For docks inside no-fly zones, implausibly far away, or too many for the area.
    """
    cfg = s.docks
    if cfg.layout == "modeled":
        try:
            return modeled_layout(
                grid,
                cfg.count,
                allowed=allowed,
                drones_total=cfg.drones_total,
                lloyd_iterations=cfg.lloyd_iterations,
                source=(
                    f"modeled: centroidal-Voronoi layout of {cfg.count} docks over the area, "
                    "seeded from a hexagonal lattice, moved to land outside no-fly zones; "
                    "not an official site"
                ),
            )
        except ValueError as exc:
            raise ScenarioError(
                f"{exc}.",
                file=str(s.path),
                key_path="docks.count",
                fix="lower docks.count or use a finer demand.grid_spacing_m.",
            ) from None
    listed = cfg.layout == "listed"
    assert listed or cfg.file is not None
    return load_docks(
        metric_crs=s.metric_crs,
        sites=[(d.name, d.lon, d.lat, d.drones) for d in cfg.sites] if listed else None,
        file=None if listed or cfg.file is None else s.resolve(cfg.file),
        file_label=None if listed else str(cfg.file),
        unservable_geoms=unservable_geoms,
        area_m=area_m,
        water_m=water_m,
        warnings=warnings,
        scenario_file=str(s.path),
        key_path="docks.sites" if listed else "docks.file",
    )
