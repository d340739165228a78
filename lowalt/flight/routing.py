"""Plan a route from A to B for an aircraft under given airspace.

:func:`plan_route` finds the least-time horizontal track around the zones that block
the aircraft at its cruise altitude (exact visibility-graph paths,
:mod:`lowalt.flight.visibility`), adds the climb and descent, times every leg with the wind
(:func:`lowalt.flight.aircraft.leg_time_s`, crabbing), buffers the track into a corridor and
checks range and endurance. It raises :class:`~lowalt.errors.NoRouteError` with the
reason (endpoint inside which zone, no path, beyond range by how much).

Model
-----
* **Blocking zones** are those whose restriction is in ``blocking_restrictions``
  (default ``("prohibited",)``) and whose band ``lower_m..upper_m`` contains the cruise
  altitude. They are inflated by ``clearance_m`` (default: the corridor half-width, so
  the corridor stays outside them) with a mitred buffer.
* **Endpoints** without a runway procedure must lie outside every zone of a blocking
  restriction whose lower limit is at or below the cruise altitude (the vertical climb
  or descent would enter it).
* **Runway procedures** (:class:`RunwayProcedure`): a departure leaves along the runway
  axis from the departure end; an arrival joins the extended centreline and flies
  straight in to the landing threshold. The straight leg is at least ``straight_m`` long
  and reaches out to where the axis leaves the blocking zones that contain the runway
  (the airport's own clearance zone), so those zones are no obstacle to the airport's
  own traffic on that leg but stay obstacles everywhere else.
* **Vertical profile**: multirotors, eVTOLs and helicopters climb and descend vertically
  over their pads (time ``h / rate``, no horizontal distance); fixed wings climb and
  descend along the track at cruise ground speed (airborne time = horizontal time;
  slightly optimistic, as real climb speeds are lower).

Units and CRS: metres, seconds, m/s, altitudes m AGL; planning in the projected
``metric_crs`` (default EPSG:4547), inputs and exports in WGS84 (lon, lat),
``always_xy=True``. Wind bearings follow :class:`lowalt.flight.aircraft.Wind`; set its
``true_north_grid_deg`` (:func:`lowalt.geo.crs.true_north_grid_bearing_deg`) to rotate
into grid axes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, Point, Polygon

from lowalt.errors import AirspaceError, NoRouteError
from lowalt.flight._crossings import ZoneCrossing, zone_crossings
from lowalt.flight._runway import RunwayProcedure, check_crosswind, describe_zone, runway_gate
from lowalt.flight.aircraft import Wind, leg_time_s
from lowalt.flight.profiles import AircraftProfile, resolve_profile
from lowalt.flight.visibility import ObstacleSet, shortest_path
from lowalt.geo._route_io import load_runways, load_zones, route_to_geodataframe, route_to_geojson
from lowalt.geo.airspace import Airspace, Zone
from lowalt.geo.crs import DEFAULT_METRIC_CRS, WGS84, ensure_projected, transformer

__all__ = [
    "RangeCheck",
    "Route",
    "RunwayProcedure",
    "VerticalProfile",
    "ZoneCrossing",
    "load_runways",
    "load_zones",
    "plan_route",
]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class VerticalProfile:
    """Climb, cruise and descent of a route (distances m along the track, times s)."""

    mode: str  # "vertical" or "along_track"
    cruise_altitude_m: float
    peak_altitude_m: float
    climb_distance_m: float
    climb_time_s: float
    cruise_distance_m: float
    cruise_time_s: float
    descent_distance_m: float
    descent_time_s: float

    def altitude_range(self, s0: float, s1: float, length_m: float) -> tuple[float, float]:
        """Lowest and highest altitude flown between track distances ``s0 <= s1``, m AGL."""
        h = self.peak_altitude_m
        if self.mode == "vertical":
            return (0.0 if s0 <= 0.0 or s1 >= length_m else h), h

        def alt(s: float) -> float:
            up = h if self.climb_distance_m <= 0 else h * s / self.climb_distance_m
            dn = h if self.descent_distance_m <= 0 else h * (length_m - s) / self.descent_distance_m
            return max(0.0, min(h, up, dn))

        lo = min(alt(s0), alt(s1))
        top = s1 >= self.climb_distance_m and s0 <= length_m - self.descent_distance_m
        return lo, (h if top else max(alt(s0), alt(s1)))


@dataclass(frozen=True)
class RangeCheck:
    """Range and endurance against what the route needs."""

    range_m: float
    required_m: float
    endurance_s: float | None
    required_s: float

    @property
    def margin_m(self) -> float:
        """Range left after the route, metres (negative = short)."""
        return self.range_m - self.required_m

    @property
    def ok(self) -> bool:
        """Whether range and (if known) endurance suffice."""
        return self.margin_m >= 0 and (
            self.endurance_s is None or self.required_s <= self.endurance_s
        )


@dataclass(frozen=True, eq=False)
class Route:
    """A planned route. Coordinates (K, 2): metric in ``metric_crs``, and WGS84 (lon, lat).

    Attributes
    ----------
    profile
        The aircraft profile flown.
    waypoints_xy, waypoints_lonlat
        Track vertices from origin to destination (runway threshold when a procedure is
        used), metres / degrees.
    length_m
        Horizontal track length, metres.
    leg_times_s
        (K - 1,) time per leg at cruise with the wind, seconds.
    vertical
        Climb/cruise/descent breakdown.
    flight_time_s, block_time_s
        Airborne time, and that plus ``profile.launch_delay_s``, seconds.
    cruise_altitude_m
        Planned cruise altitude, m AGL.
    corridor_xy, corridor_lonlat
        Track buffered by the corridor half-width (round caps), metric / WGS84.
    zones
        Every zone within the corridor: where, how deep, vertical overlap, blocking.
    range_check
        Range/endurance against length/flight time.
    departure_gate_xy, arrival_gate_xy
        Where the straight runway legs begin/end (metric), or ``None``.
    """

    profile: AircraftProfile
    metric_crs: str
    waypoints_xy: F64
    waypoints_lonlat: F64
    length_m: float
    leg_times_s: F64
    vertical: VerticalProfile
    flight_time_s: float
    block_time_s: float
    cruise_altitude_m: float
    corridor_xy: Polygon
    corridor_lonlat: Polygon
    zones: tuple[ZoneCrossing, ...]
    range_check: RangeCheck
    wind: Wind
    departure_gate_xy: F64 | None = None
    arrival_gate_xy: F64 | None = None

    @property
    def track_xy(self) -> LineString:
        """The track as a metric LineString."""
        return LineString(self.waypoints_xy)

    @property
    def track_lonlat(self) -> LineString:
        """The track as a WGS84 (lon, lat) LineString."""
        return LineString(self.waypoints_lonlat)

    def to_geojson(self, properties: dict[str, Any] | None = None) -> dict[str, Any]:
        """GeoJSON FeatureCollection (WGS84): the track and the corridor, with properties."""
        return route_to_geojson(self, properties or {})

    def to_geodataframe(self, properties: dict[str, Any] | None = None) -> Any:
        """GeoDataFrame in EPSG:4326 with rows ``track`` and ``corridor`` (column ``part``)."""
        return route_to_geodataframe(self, properties or {})


def _placed(gate: F64 | None, end: F64 | None) -> F64:
    """Where a route leaves or joins the free air: the runway gate if any, else the end point."""
    point = gate if gate is not None else end
    if point is None:  # pragma: no cover - every branch above sets an end or a gate
        raise AirspaceError("route end without a position")
    return point


def _as_pair(xy: Sequence[float]) -> tuple[float, float]:
    """Return a transformed point as a plain ``(x, y)`` of floats."""
    return float(xy[0]), float(xy[1])


def _lonlat_to_xy(lonlat: Sequence[float], crs: str, what: str) -> F64:
    lon, lat = (float(v) for v in lonlat)
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lat) > 90 or abs(lon) > 180:
        raise AirspaceError(f"{what} ({lon}, {lat}) is not a valid (lon, lat) in degrees")
    x, y = transformer(WGS84, crs).transform(lon, lat)
    return np.array([x, y], dtype=np.float64)


def _check_endpoint(p: F64, what: str, zones: Iterable[Zone], clearance: float, crs: str) -> None:
    lon, lat = transformer(crs, WGS84).transform(*p)
    for z in zones:
        d = float(z.geometry.distance(Point(p)))
        if d == 0.0 and z.geometry.contains(Point(p)):
            raise NoRouteError(
                f"{what} ({lon:.5f}, {lat:.5f}) is inside {describe_zone(z)}.",
                fix="move the point out of the zone, or give a runway procedure if it is "
                "that airport's own traffic.",
            )
        if d < clearance:
            raise NoRouteError(
                f"{what} ({lon:.5f}, {lat:.5f}) is {d:.0f} m from {describe_zone(z)}, closer than "
                f"the clearance of {clearance:.0f} m.",
                fix="move the point or pass a smaller clearance_m.",
            )


def _vertical(profile: AircraftProfile, h: float, lengths: F64, times: F64) -> VerticalProfile:
    length, total = float(lengths.sum()), float(times.sum())
    up, down = h / profile.climb_rate_mps, h / profile.descent_rate_mps
    if profile.climb_mode == "vertical":
        return VerticalProfile("vertical", h, h, 0.0, up, length, total, 0.0, down)
    peak = (
        h
        if up + down <= total
        else total / (1 / profile.climb_rate_mps + 1 / profile.descent_rate_mps)
    )
    up, down = peak / profile.climb_rate_mps, peak / profile.descent_rate_mps
    cum_t = np.concatenate([[0.0], np.cumsum(times)])
    cum_s = np.concatenate([[0.0], np.cumsum(lengths)])
    climb_d = float(np.interp(up, cum_t, cum_s))
    desc_d = length - float(np.interp(total - down, cum_t, cum_s))
    cruise_d = max(0.0, length - climb_d - desc_d)
    cruise_t = max(0.0, total - up - down)
    return VerticalProfile("along_track", h, peak, climb_d, up, cruise_d, cruise_t, desc_d, down)


def plan_route(
    origin_lonlat: Sequence[float] | None,
    destination_lonlat: Sequence[float] | None,
    profile: AircraftProfile | str,
    airspace_zones: Iterable[Zone] | Airspace,
    *,
    wind: Wind | None = None,
    metric_crs: str = DEFAULT_METRIC_CRS,
    departure: RunwayProcedure | None = None,
    arrival: RunwayProcedure | None = None,
    clearance_m: float | None = None,
    cruise_altitude_m: float | None = None,
    blocking_restrictions: Sequence[str] = ("prohibited",),
    check_range: bool = True,
) -> Route:
    """Plan the least-time route from origin to destination around blocking zones.

    Parameters
    ----------
    origin_lonlat, destination_lonlat
        (lon, lat) in degrees WGS84. May be ``None`` when ``departure`` / ``arrival``
        is given: the route then starts at the departure end / ends at the landing
        threshold of that runway.
    profile
        An :class:`~lowalt.flight.profiles.AircraftProfile` or an id of
        :data:`~lowalt.flight.profiles.PROFILES`.
    airspace_zones
        Zones with outlines in ``metric_crs`` (metres), or an :class:`Airspace`.
    wind
        Uniform wind (default calm); the track minimises time, not distance.
    metric_crs
        Projected CRS for planning (default EPSG:4547).
    departure, arrival
        Optional runway procedures at the origin / destination.
    clearance_m
        Horizontal buffer added around blocking zones, metres (default: the profile's
        ``corridor_half_width_m``).
    cruise_altitude_m
        Cruise altitude, m AGL (default the profile's); must lie in its band.
    blocking_restrictions
        Restrictions that block when the zone's band contains the cruise altitude.
    check_range
        Raise when range or endurance is exceeded (else only report it).

    Returns
    -------
    Route

    Raises
    ------
    NoRouteError
        Endpoint inside (or within the clearance of) a blocking zone; straight runway leg
        into another zone; crosswind over the limit; no path; range/endurance exceeded.
    AirspaceError
        Invalid coordinates, CRS mismatch, or a cruise altitude outside the profile band.
    """
    prof = resolve_profile(profile)
    ensure_projected(metric_crs)
    h = prof.cruise_altitude_m if cruise_altitude_m is None else float(cruise_altitude_m)
    if not prof.min_altitude_m <= h <= prof.max_altitude_m:
        raise AirspaceError(
            f"cruise altitude {h:g} m is outside the {prof.name} band "
            f"{prof.min_altitude_m:g}-{prof.max_altitude_m:g} m AGL"
        )
    if isinstance(airspace_zones, Airspace):
        if airspace_zones.crs != metric_crs:
            raise AirspaceError(f"airspace is in {airspace_zones.crs}, planning in {metric_crs}")
        airspace_zones = airspace_zones.zones
    zones = tuple(airspace_zones)
    wind = wind or Wind.calm()
    clearance = prof.corridor_half_width_m if clearance_m is None else float(clearance_m)
    restr = tuple(blocking_restrictions)
    blocking = [z for z in zones if z.restriction in restr and z.cuts(h)]
    unservable = [z for z in zones if z.restriction in restr and z.lower_m <= h]
    ends: list[F64 | None] = [None, None]
    gates: list[F64 | None] = [None, None]
    for i, (what, lonlat, proc) in enumerate(
        (("origin", origin_lonlat, departure), ("destination", destination_lonlat, arrival))
    ):
        if proc is not None:
            straight = prof.approach_straight_m if i else prof.departure_straight_m
            ends[i], gates[i], _ = runway_gate(proc, bool(i), straight, blocking, clearance)
            check_crosswind(proc, wind, prof)
        elif lonlat is None:
            raise AirspaceError(f"{what} is None and no runway procedure was given")
        else:
            end = _lonlat_to_xy(lonlat, metric_crs, what)
            _check_endpoint(end, what, unservable, 0.0, metric_crs)
            _check_endpoint(end, what, blocking, clearance, metric_crs)
            ends[i] = end
    a, b = (_placed(g, e) for g, e in zip(gates, ends, strict=True))
    obstacles = ObstacleSet.from_polygons([z.geometry for z in blocking], clearance_m=clearance)
    speed = prof.cruise_speed_mps

    def cost(dx: F64, dy: F64) -> F64:
        return leg_time_s(dx, dy, speed, wind)

    try:
        path = shortest_path(a, b, obstacles, cost)
    except NoRouteError as exc:
        inv = transformer(metric_crs, WGS84)
        (la, pa), (lb, pb) = inv.transform(*a), inv.transform(*b)
        raise NoRouteError(
            f"no route for {prof.name} at {h:g} m AGL from ({la:.5f}, {pa:.5f}) to "
            f"({lb:.5f}, {pb:.5f}) around {len(blocking)} blocking zone(s) "
            f"({', '.join(z.name for z in blocking)}): {exc.message}",
            fix=exc.fix,
        ) from None
    pts = [ends[0]] if gates[0] is not None else []
    pts += list(path.waypoints_xy)
    if gates[1] is not None:
        pts.append(ends[1])
    wp = np.array(pts, dtype=np.float64)
    keep = np.r_[True, np.any(np.diff(wp, axis=0) != 0, axis=1)]
    wp = wp[keep]
    d = np.diff(wp, axis=0)
    lengths = np.hypot(d[:, 0], d[:, 1])
    times = leg_time_s(d[:, 0], d[:, 1], speed, wind)
    if not np.all(np.isfinite(times)):
        raise NoRouteError(f"{prof.name} cannot make headway on a runway leg in this wind.")
    vert = _vertical(prof, h, lengths, times)
    flight = float(times.sum()) + (
        vert.climb_time_s + vert.descent_time_s if vert.mode == "vertical" else 0.0
    )
    length = float(lengths.sum())
    rc = RangeCheck(prof.range_m, length, prof.endurance_s, flight)
    if check_range and not rc.ok:
        if rc.margin_m < 0:
            msg = (
                f"route of {length / 1000:.1f} km exceeds the {prof.name} range of "
                f"{prof.range_m / 1000:.1f} km by {-rc.margin_m / 1000:.1f} km."
            )
        else:
            msg = (
                f"flight time {flight / 60:.1f} min exceeds the {prof.name} endurance of "
                f"{(prof.endurance_s or 0) / 60:.1f} min."
            )
        raise NoRouteError(msg, fix="pick a closer destination or an aircraft with more range.")
    inv = transformer(metric_crs, WGS84)
    lon, lat = inv.transform(wp[:, 0], wp[:, 1])
    track = LineString(wp)
    corridor = track.buffer(prof.corridor_half_width_m, quad_segs=32)
    corridor_ll = shapely.transform(
        corridor, lambda c: np.column_stack(inv.transform(c[:, 0], c[:, 1]))
    )
    block_ids = {id(z) for z in blocking}
    crossings = zone_crossings(
        track,
        prof.corridor_half_width_m,
        zones,
        lambda s0, s1: vert.altitude_range(s0, s1, length),
        lambda x, y: _as_pair(inv.transform(x, y)),
        blocking=lambda z: id(z) in block_ids,
    )
    return Route(
        profile=prof,
        metric_crs=metric_crs,
        waypoints_xy=wp,
        waypoints_lonlat=np.column_stack([lon, lat]),
        length_m=length,
        leg_times_s=times,
        vertical=vert,
        flight_time_s=flight,
        block_time_s=flight + prof.launch_delay_s,
        cruise_altitude_m=h,
        corridor_xy=corridor,
        corridor_lonlat=corridor_ll,
        zones=crossings,
        range_check=rc,
        wind=wind,
        departure_gate_xy=gates[0],
        arrival_gate_xy=gates[1],
    )
