"""Run a scenario: load and check inputs, compute reach, check the guarantee.

The one module (with :mod:`lowalt.cli`) that knows every stage. Data flows
scenario -> geodata/airspace -> aircraft -> docks/grid -> reach -> guarantee,
and :mod:`lowalt.outputs.reach` writes the results. Each stage logs one line.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from lowalt import progress
from lowalt._memory import FIXED_BYTES, available_memory_bytes, bytes_per_cell
from lowalt.errors import InfeasibleError, ScenarioError
from lowalt.flight.aircraft import Aircraft, Wind
from lowalt.flight.guarantee import GuaranteeStats, envelope, evaluate
from lowalt.flight.reach import ReachField, candidate_pairs, compute_reach
from lowalt.flight.visibility import ObstacleSet
from lowalt.geo.airspace import Airspace, Zone
from lowalt.geo.crs import WGS84, true_north_grid_bearing_deg
from lowalt.geo.docks import Docks
from lowalt.geo.grid import DemandGrid, GridTooLargeError, apply_weights, build_grid
from lowalt.geo.layers import POLYGON_TYPES, read_layer
from lowalt.scenario.schema import Scenario
from lowalt.studies._inputs import (
    check_scenario_crs,
    scenario_aircraft,
    scenario_airspace,
    scenario_docks,
)

__all__ = ["RunResult", "World", "analyse", "check_overhead", "prepare", "wind_fields"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class World:
    """A scenario's inputs, loaded, checked and projected to its metric CRS."""

    scenario: Scenario
    zone: gpd.GeoDataFrame
    water: gpd.GeoDataFrame | None
    sites: gpd.GeoDataFrame | None
    area_m: BaseGeometry
    airspace: Airspace
    blocking: tuple[Zone, ...]
    obstacles: ObstacleSet | None
    unservable: npt.NDArray[np.bool_]
    grid: DemandGrid
    aircraft: Aircraft
    docks: Docks
    true_north_grid_deg: float
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class RunResult:
    """Everything a scenario run computed."""

    world: World
    calm: ReachField
    calm_stats: GuaranteeStats
    wind_fields: tuple[ReachField, ...]
    wind_stats: tuple[GuaranteeStats, ...]
    worst_wind: int | None
    wind_envelope: ReachField | None
    wind_envelope_stats: GuaranteeStats | None
    timings_s: dict[str, float]


def _layer(s: Scenario, path: object, what: str, key: str) -> gpd.GeoDataFrame:
    return read_layer(
        s.resolve(path),  # type: ignore[arg-type]
        geom_types=POLYGON_TYPES,
        what=what,
        key_path=key,
        scenario_file=str(s.path),
    )


def prepare(s: Scenario) -> World:
    """Load every input of a scenario and check it; nothing is written.

    Raises
    ------
    LowaltError
        For any problem with the inputs (with file, key path and fix).
    """
    if s.area is None:
        raise ScenarioError(
            "this scenario has no 'area' section, so there is no reach check to prepare.",
            file=str(s.path),
            key_path="area",
            fix="add an 'area:' section with boundary_file.",
        )
    crs = s.metric_crs
    warnings: list[str] = []
    zone = _layer(s, s.area.boundary_file, "service-area boundary", "area.boundary_file")
    check_scenario_crs(s, zone.to_crs(WGS84).total_bounds, "area.boundary_file")
    area_m = shapely.union_all(zone.to_crs(crs).geometry.to_numpy())
    water = (
        _layer(s, s.area.water_file, "water layer", "area.water_file")
        if s.area.water_file
        else None
    )
    water_m = (
        shapely.union_all(water.to_crs(crs).geometry.to_numpy()) if water is not None else None
    )
    sites = None
    if s.area.sites_file is not None:
        sites = read_layer(
            s.resolve(s.area.sites_file),
            geom_types={"Point"},
            what="sites layer",
            key_path="area.sites_file",
            scenario_file=str(s.path),
        )
    c = shapely.centroid(zone.geometry.union_all())
    north = true_north_grid_bearing_deg(c.x, c.y, crs)

    budget_b, per_cell_b = _memory_budget(s)
    mem_cells = max(int((budget_b - FIXED_BYTES) / per_cell_b), 1) if budget_b else None
    limit = s.demand.max_cells if mem_cells is None else min(s.demand.max_cells, mem_cells)
    try:
        grid = build_grid(
            area_m,
            s.demand.grid_spacing_m,
            crs,
            water_m=water_m,
            include_water=s.demand.include_water,
            max_cells=limit,
        )
    except GridTooLargeError as exc:
        fix = f"use grid_spacing_m: {math.ceil(exc.suggestion_m)} or more"
        if mem_cells is not None and limit == mem_cells and limit < s.demand.max_cells:
            raise ScenarioError(
                f"a {exc.spacing_m:g} m grid over this area has about {exc.estimate:,} cells; "
                f"a run needs about {_gb(FIXED_BYTES + exc.estimate * per_cell_b)} of memory "
                f"but {_gb(budget_b)} is allowed ({_budget_source(s)}).",
                file=str(s.path),
                key_path="demand.grid_spacing_m",
                fix=f"{fix} (memory grows with the number of cells), or run where more "
                "memory is free.",
            ) from None
        raise ScenarioError(
            f"a {exc.spacing_m:g} m grid over this area has about {exc.estimate:,} cells, above "
            f"the limit of {exc.limit:,} (demand.max_cells).",
            file=str(s.path),
            key_path="demand.grid_spacing_m",
            fix=f"{fix}, or raise demand.max_cells if the machine has the memory.",
        ) from None
    except ValueError as exc:
        raise ScenarioError(
            f"{exc}.",
            file=str(s.path),
            key_path="area.boundary_file",
            fix="check the boundary covers the area, or use a finer grid.",
        ) from None
    if s.demand.weights_file is not None:
        grid = _weights(s, grid)

    aircraft = scenario_aircraft(s.aircraft)
    check_overhead(s, aircraft)
    if aircraft.cruise_altitude_m > s.airspace.max_true_height_m:
        warnings.append(
            f"cruise altitude {aircraft.cruise_altitude_m:g} m is above the "
            f"{s.airspace.max_true_height_m:g} m true-height limit of suitable airspace: every "
            "flight is in controlled airspace and needs authorization."
        )
    airspace = scenario_airspace(s)
    blocking = airspace.blocking(aircraft.cruise_altitude_m, s.airspace.blocking_restrictions)
    obstacles, unservable = _obstacles(s, airspace, aircraft, grid, area_m)
    allowed = ~unservable & ~_on(water_m, grid.xy)
    docks = scenario_docks(
        s,
        grid,
        allowed,
        unservable_geoms=[
            z.geometry
            for z in airspace.unservable(
                aircraft.cruise_altitude_m, s.airspace.blocking_restrictions
            )
        ],
        area_m=area_m,
        water_m=water_m,
        warnings=warnings,
    )
    log.info(
        "inputs: %d cells, %d docks, %d drones, %d blocking zone(s)",
        grid.n,
        docks.n,
        int(docks.drones.sum()),
        len(blocking),
    )
    return World(
        scenario=s,
        zone=zone,
        water=water,
        sites=sites,
        area_m=area_m,
        airspace=airspace,
        blocking=blocking,
        obstacles=obstacles,
        unservable=unservable,
        grid=grid,
        aircraft=aircraft,
        docks=docks,
        true_north_grid_deg=north,
        warnings=tuple(warnings),
    )


def _memory_budget(s: Scenario) -> tuple[int | None, int]:
    """Memory a run may use (bytes; None if unknown) and the estimated bytes per cell."""
    per_cell = bytes_per_cell(0 if s.wind.design_speed_mps == 0 else len(_directions(s)))
    if s.demand.memory_limit_mb is not None:
        return int(s.demand.memory_limit_mb * 2**20), per_cell
    free = available_memory_bytes()
    return (None if free is None else int(0.8 * free)), per_cell


def _budget_source(s: Scenario) -> str:
    if s.demand.memory_limit_mb is not None:
        return "demand.memory_limit_mb"
    return "80 % of the memory available now"


def _gb(n_bytes: float | None) -> str:
    return "unknown" if n_bytes is None else f"{n_bytes / 2**30:.1f} GB"


def _on(geom: BaseGeometry | None, xy: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    if geom is None or geom.is_empty:
        return np.zeros(len(xy), dtype=bool)
    shapely.prepare(geom)
    return np.asarray(shapely.contains_xy(geom, xy[:, 0], xy[:, 1]), dtype=bool)


def _weights(s: Scenario, grid: DemandGrid) -> DemandGrid:
    assert s.demand.weights_file is not None
    gdf = read_layer(
        s.resolve(s.demand.weights_file),
        geom_types=POLYGON_TYPES,
        what="demand weights layer",
        key_path="demand.weights_file",
        scenario_file=str(s.path),
        required_columns=("weight",),
    )
    try:
        return apply_weights(
            grid,
            gdf.to_crs(s.metric_crs).geometry.to_numpy(),
            gdf["weight"].to_numpy(dtype=np.float64),
        )
    except (TypeError, ValueError) as exc:
        raise ScenarioError(
            f"bad weights: {exc}.",
            file=str(s.path),
            key_path="demand.weights_file",
            fix="give every polygon a numeric 'weight' >= 0.",
        ) from None


def _obstacles(
    s: Scenario, airspace: Airspace, aircraft: Aircraft, grid: DemandGrid, area_m: BaseGeometry
) -> tuple[ObstacleSet | None, npt.NDArray[np.bool_]]:
    """No-fly polygons near the area (clipped to the farthest useful flight), unservable cells."""
    restr = s.airspace.blocking_restrictions
    horizon_m = 4.0 * max(s.guarantee.target_s, 1.0) * aircraft.cruise_speed_mps
    box = shapely.box(*area_m.buffer(horizon_m).bounds)
    polys = [
        shapely.intersection(z.geometry, box)
        for z in airspace.blocking(aircraft.cruise_altitude_m, restr)
    ]
    polys = [p for p in polys if not p.is_empty and p.area > 0]
    obstacles = (
        ObstacleSet.from_polygons(polys, clearance_m=s.airspace.clearance_m) if polys else None
    )
    unservable = np.zeros(grid.n, dtype=bool)
    for z in airspace.unservable(aircraft.cruise_altitude_m, restr):
        unservable |= _on(z.geometry, grid.xy)
    if obstacles is not None:
        unservable |= obstacles.inside(grid.xy)
    return obstacles, unservable


def wind_fields(
    world: World, docks_xy: npt.NDArray[np.float64], from_degs: list[float]
) -> list[ReachField]:
    """Reach of ``docks_xy`` in the design wind, one field per direction in ``from_degs``.

    One candidate-pair set (valid for every direction of the design speed) serves them all.
    """
    s, g, ac = world.scenario, world.grid, world.aircraft
    speed = s.wind.design_speed_mps
    kw: dict[str, Any] = {
        "target_s": s.guarantee.target_s,
        "obstacles": world.obstacles,
        "unservable": world.unservable,
    }
    pairs = candidate_pairs(g.xy, docks_xy, ac, Wind(speed), **kw)
    out = []
    with progress.task(f"reach in a {speed:g} m/s wind", total=len(from_degs)) as bar:
        for d in from_degs:
            out.append(
                compute_reach(
                    g.xy,
                    docks_xy,
                    ac,
                    Wind(speed, d, world.true_north_grid_deg),
                    pairs=pairs,
                    label=f"wind {speed:g} m/s from {d:g}°",
                    **kw,
                )
            )
            bar.advance(note=f"from {d:g}°")
    return out


def _directions(s: Scenario) -> list[float]:
    if s.wind.from_deg is not None:
        return [s.wind.from_deg]
    n = s.wind.directions
    return [round(360.0 * i / n, 6) for i in range(n)]


def check_overhead(s: Scenario, ac: Aircraft) -> None:
    """Refuse a target that launch, climb and descent alone already exceed.

    Raises
    ------
    InfeasibleError
        Naming ``guarantee.target_s`` and the overhead (s).
    """
    target = s.guarantee.target_s
    if ac.overhead_s >= target:
        raise InfeasibleError(
            f"no dock can meet a {target:g} s target: launch {ac.launch_delay_s:g} s + climb "
            f"{ac.climb_s:.0f} s + descent {ac.descent_s:.0f} s already take "
            f"{ac.overhead_s:.0f} s.",
            file=str(s.path),
            key_path="guarantee.target_s",
            fix=f"raise guarantee.target_s above {math.ceil(ac.overhead_s)} s, or shorten the "
            "launch delay or lower the cruise altitude.",
        )


def analyse(world: World) -> RunResult:
    """Compute reach in calm air and in the design wind, and check the guarantee.

    Raises
    ------
    InfeasibleError
        When no dock can meet the target anywhere (the fixed overhead alone exceeds it, or no
        cell is reached in calm air).
    """
    s, grid, ac, docks = world.scenario, world.grid, world.aircraft, world.docks
    target = s.guarantee.target_s
    check_overhead(s, ac)
    timings: dict[str, float] = {}
    kw = {"target_s": target, "obstacles": world.obstacles, "unservable": world.unservable}
    t0 = time.perf_counter()
    calm = compute_reach(grid.xy, docks.xy, ac, Wind.calm(), label="calm air", **kw)  # type: ignore[arg-type]
    calm_stats = evaluate(calm, grid, s.guarantee.required_share)
    timings["reach_calm_s"] = time.perf_counter() - t0
    log.info(
        "calm air: %.2f %% of the area within %g s, worst %.0f s (%.2f s)",
        100 * calm_stats.reached_share,
        target,
        calm_stats.worst_time_s,
        timings["reach_calm_s"],
    )
    if calm_stats.reached_cells == 0:
        raise InfeasibleError(
            f"no cell is reached within {target:g} s even in calm air.",
            file=str(s.path),
            key_path="guarantee.target_s",
            fix="check the docks lie in or near the area, or raise the target.",
        )
    fields: list[ReachField] = []
    stats: list[GuaranteeStats] = []
    worst: int | None = None
    env = env_stats = None
    if s.wind.design_speed_mps > 0:
        t0 = time.perf_counter()
        speed = s.wind.design_speed_mps
        fields = wind_fields(world, docks.xy, _directions(s))
        stats = [evaluate(f, grid, s.guarantee.required_share) for f in fields]
        worst = min(
            range(len(stats)), key=lambda i: (stats[i].reached_share, -stats[i].worst_time_s, i)
        )
        env = envelope(fields, f"wind {speed:g} m/s, worst direction per cell")
        env_stats = evaluate(env, grid, s.guarantee.required_share)
        timings["reach_wind_s"] = time.perf_counter() - t0
        log.info(
            "design wind %g m/s, %d direction(s): worst direction from %g°: %.2f %% within "
            "%g s (%.2f s)",
            speed,
            len(fields),
            fields[worst].wind.from_deg,
            100 * stats[worst].reached_share,
            target,
            timings["reach_wind_s"],
        )
    return RunResult(
        world=world,
        calm=calm,
        calm_stats=calm_stats,
        wind_fields=tuple(fields),
        wind_stats=tuple(stats),
        worst_wind=worst,
        wind_envelope=env,
        wind_envelope_stats=env_stats,
        timings_s=timings,
    )


def lonlat(world: World, xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Metric x/y -> (lon, lat) degrees, rounded to 6 decimals (about 0.1 m)."""
    pts = gpd.GeoSeries(shapely.points(xy), crs=world.grid.crs).to_crs(WGS84)
    return np.round(np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]), 6)
