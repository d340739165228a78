"""Corridor study: one origin-destination pair, several aircraft, a reported time to check.

For each aircraft the route is planned with :func:`lowalt.flight.routing.plan_route` around the
scenario's airspace (with runway departure/arrival legs where given); the study reports
length, airborne and block time, range margin, whether the reported time is met, and the
average speed the reported time implies. Ground freight is compared on a road graph read or
downloaded with osmnx, or, without one, estimated as straight line x detour factor at an
average speed (labelled as an estimate).
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from pyproj import Geod

from lowalt.errors import LowaltError, NoRouteError, ScenarioError, located
from lowalt.flight.aircraft import Wind
from lowalt.flight.profiles import AircraftProfile, resolve_profile
from lowalt.flight.routing import Route, RunwayProcedure, load_runways, plan_route
from lowalt.geo.crs import WGS84, true_north_grid_bearing_deg
from lowalt.scenario.schema import AircraftOverride, GroundConfig, RunwayUse, Scenario
from lowalt.studies._inputs import check_scenario_crs, scenario_airspace

__all__ = [
    "CorridorInputs",
    "CorridorResult",
    "GroundResult",
    "corridor_inputs",
    "ground_freight",
    "run_corridor",
]

log = logging.getLogger(__name__)
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class GroundResult:
    """Ground freight between the end points.

    Attributes
    ----------
    method
        ``"road graph"`` or ``"estimate"`` (straight line x detour factor).
    distance_m, time_s
        Road distance and driving time.
    source
        Where the graph came from, or how the estimate was made.
    track_lonlat
        Road path as (lon, lat) points (empty for the estimate).
    """

    method: str
    distance_m: float
    time_s: float
    source: str
    track_lonlat: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class CorridorResult:
    """Everything a corridor study computed."""

    scenario: Scenario
    great_circle_m: float
    routes: dict[str, Route]
    failures: dict[str, str]
    ground: GroundResult | None
    zones: tuple[Any, ...] = field(default=())


def _procedure(use: RunwayUse | None, runways: dict[str, Any], key: str, s: Scenario) -> Any:
    if use is None:
        return None
    if use.runway not in runways:
        raise ScenarioError(
            f"runway {use.runway!r} is not in the runways file.",
            file=str(s.path),
            key_path=f"{key}.runway",
            fix=f"use one of: {', '.join(sorted(runways))}.",
        )
    return RunwayProcedure(runways[use.runway], use.direction_deg, use.straight_m)


MIN_CORRIDOR_M = 100.0
"""Shortest corridor planned (great circle between the end points), metres."""


@dataclass(frozen=True)
class CorridorInputs:
    """A corridor study's inputs, read and checked (nothing planned yet)."""

    zones: tuple[Any, ...]
    departure: RunwayProcedure | None
    arrival: RunwayProcedure | None
    profiles: tuple[AircraftProfile, ...]
    great_circle_m: float
    ground: GroundResult | None
    """Ground freight from a road-graph file or the estimate (None: download at run time)."""


def corridor_inputs(s: Scenario) -> CorridorInputs:
    """Read and check the inputs of ``s.corridor``: airspace, runways, aircraft, end points.

    Raises
    ------
    ScenarioError
        For an unknown aircraft profile or runway id, an unreadable road graph or one with
        no path between the end points, end points closer than
        :data:`MIN_CORRIDOR_M`, a corridor longer than every aircraft's range, or a metric CRS
        that does not serve the end points.
    """
    c = s.corridor
    assert c is not None
    crs = s.metric_crs
    o, d = (c.origin.lon, c.origin.lat), (c.destination.lon, c.destination.lat)
    _, _, gc = _GEOD.inv(o[0], o[1], d[0], d[1])
    if gc < MIN_CORRIDOR_M:
        raise ScenarioError(
            f"origin {c.origin.name!r} and destination {c.destination.name!r} are "
            f"{gc:.1f} m apart: there is no corridor to plan.",
            file=str(s.path),
            key_path="corridor.destination",
            fix=f"give end points at least {MIN_CORRIDOR_M:g} m apart.",
        )
    bounds = (min(o[0], d[0]), min(o[1], d[1]), max(o[0], d[0]), max(o[1], d[1]))
    check_scenario_crs(s, bounds, "corridor.destination")
    profiles = []
    for i, spec in enumerate(c.aircraft):
        plain = spec.as_mapping() if isinstance(spec, AircraftOverride) else spec
        try:
            profiles.append(resolve_profile(plain, key_path=f"corridor.aircraft[{i}]"))
        except ScenarioError as exc:
            raise ScenarioError(
                exc.message, file=str(s.path), key_path=exc.key_path, fix=exc.fix
            ) from None
    longest = max(p.range_m for p in profiles)
    if gc > longest:
        raise ScenarioError(
            f"the end points are {gc / 1000:,.1f} km apart (great circle), beyond the range of "
            f"every aircraft listed (longest {longest / 1000:,.1f} km).",
            file=str(s.path),
            key_path="corridor.aircraft",
            fix="check the end points' coordinates, or add an aircraft with the range.",
        )
    zones = tuple(scenario_airspace(s).zones)
    runways = {}
    if c.runways_file:
        with located(s.path, "corridor.runways_file", "give LineString runways with an id."):
            runways = load_runways(s.resolve(c.runways_file), metric_crs=crs)
    dep = _procedure(c.departure, runways, "corridor.departure", s)
    arr = _procedure(c.arrival, runways, "corridor.arrival", s)
    ground = None if c.ground.download else ground_freight(o, d, c.ground, s, gc)
    return CorridorInputs(zones, dep, arr, tuple(profiles), float(gc), ground)


def run_corridor(s: Scenario, inputs: CorridorInputs | None = None) -> CorridorResult:
    """Plan the corridor for every aircraft of ``s.corridor``.

    ``inputs`` are the checked inputs from :func:`corridor_inputs` (read here when not given).

    Raises
    ------
    ScenarioError
        For an unknown aircraft profile or runway id.
    """
    c = s.corridor
    assert c is not None
    crs = s.metric_crs
    inputs = corridor_inputs(s) if inputs is None else inputs
    zones, dep, arr, gc = inputs.zones, inputs.departure, inputs.arrival, inputs.great_circle_m
    o, d = (c.origin.lon, c.origin.lat), (c.destination.lon, c.destination.lat)
    north = true_north_grid_bearing_deg((o[0] + d[0]) / 2, (o[1] + d[1]) / 2, crs)
    wind = Wind(c.wind_speed_mps, c.wind_from_deg, north)
    routes: dict[str, Route] = {}
    failures: dict[str, str] = {}
    for prof in inputs.profiles:
        try:
            routes[prof.id] = plan_route(
                o,
                d,
                prof,
                zones,
                wind=wind,
                metric_crs=crs,
                departure=dep,
                arrival=arr,
                blocking_restrictions=c.blocking_restrictions,
                check_range=False,
            )
        except NoRouteError as exc:
            failures[prof.id] = exc.message
    for pid, r in routes.items():
        log.info(
            "corridor %s: %.1f km, %.1f min airborne", pid, r.length_m / 1000, r.flight_time_s / 60
        )
    ground = inputs.ground if inputs.ground is not None else ground_freight(o, d, c.ground, s, gc)
    return CorridorResult(
        scenario=s,
        great_circle_m=float(gc),
        routes=routes,
        failures=failures,
        ground=ground,
        zones=zones,
    )


def ground_freight(
    origin_lonlat: tuple[float, float],
    dest_lonlat: tuple[float, float],
    cfg: GroundConfig,
    s: Scenario,
    great_circle_m: float,
) -> GroundResult:
    """Road distance and time between two points (osmnx graph, or a labelled estimate).

    Raises
    ------
    LowaltError
        When the graph cannot be read or downloaded, or holds no path between the points.
    """
    if cfg.graph_file is None and not cfg.download:
        dist = great_circle_m * cfg.detour_factor
        return GroundResult(
            method="estimate",
            distance_m=dist,
            time_s=dist / (cfg.average_speed_kmh / 3.6),
            source=f"ESTIMATE: straight line x {cfg.detour_factor:g} at "
            f"{cfg.average_speed_kmh:g} km/h (no road graph given)",
        )
    import osmnx as ox

    key = "corridor.ground.graph_file" if cfg.graph_file else "corridor.ground.download"
    try:
        if cfg.graph_file is not None:
            path = s.resolve(cfg.graph_file)
            g = (
                ox.load_graphml(path)
                if path.suffix == ".graphml"
                else ox.graph_from_xml(path, retain_all=True)
            )
            source = f"road graph {path.name} (osmnx)"
        else:
            pad = 0.05
            west, east = sorted((origin_lonlat[0], dest_lonlat[0]))
            south, north = sorted((origin_lonlat[1], dest_lonlat[1]))
            g = ox.graph_from_bbox(
                (west - pad, south - pad, east + pad, north + pad), network_type="drive"
            )
            source = "OpenStreetMap drive network downloaded with osmnx"
    except Exception as exc:  # osmnx/network/parse errors of many kinds
        raise LowaltError(
            f"cannot load the road graph ({type(exc).__name__}: {exc}).",
            file=str(s.path),
            key_path=key,
            fix="give a readable .osm or .graphml file, or drop the graph to use the estimate.",
        ) from None
    return _drive(g, origin_lonlat, dest_lonlat, cfg, source, s, key)


def _drive(
    g: Any,
    o: tuple[float, float],
    d: tuple[float, float],
    cfg: GroundConfig,
    source: str,
    s: Scenario,
    key: str,
) -> GroundResult:
    import networkx as nx
    import osmnx as ox

    g = ox.routing.add_edge_speeds(g, fallback=cfg.average_speed_kmh)
    g = ox.routing.add_edge_travel_times(g)
    gp = ox.projection.project_graph(g, to_crs=s.metric_crs)
    from lowalt.geo.crs import transformer

    fwd = transformer(WGS84, s.metric_crs)
    xs, ys = fwd.transform([o[0], d[0]], [o[1], d[1]])
    nodes = ox.distance.nearest_nodes(gp, X=list(xs), Y=list(ys))
    try:
        path = nx.shortest_path(gp, nodes[0], nodes[1], weight="travel_time")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        raise LowaltError(
            "the road graph has no path between the end points.",
            file=str(s.path),
            key_path=key,
            fix="use a graph that covers both end points.",
        ) from None
    length = time_s = 0.0
    for u, v in itertools.pairwise(path):
        data = min(gp[u][v].values(), key=lambda e: e.get("travel_time", math.inf))
        length += float(data.get("length", 0.0))
        time_s += float(data.get("travel_time", 0.0))
    track = tuple((float(g.nodes[n]["x"]), float(g.nodes[n]["y"])) for n in path)
    return GroundResult(
        method="road graph", distance_m=length, time_s=time_s, source=source, track_lonlat=track
    )

