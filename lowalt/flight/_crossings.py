"""Where a route's track and corridor meet airspace zones (shared by routing and network).

Geometry is planar in one metric CRS (metres); results carry WGS84 points for reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from lowalt.geo.airspace import Zone

__all__ = ["ZoneCrossing", "zone_crossings"]

BandFn = Callable[[float, float], tuple[float, float]]
"""(start, end) distance along the track, m -> (lowest, highest) altitude flown there, m AGL."""


@dataclass(frozen=True)
class ZoneCrossing:
    """How one route meets one zone.

    Attributes
    ----------
    zone, restriction, zone_lower_m, zone_upper_m
        The zone's name, restriction and vertical limits (m AGL).
    inside_length_m
        Length of the track (centreline) inside the zone, metres (0 if only the corridor
        reaches in).
    entry_lonlat, exit_lonlat
        (lon, lat) where the track first enters and last leaves the zone, degrees WGS84;
        ``None`` if the track stays outside (or starts/ends inside: then the endpoint).
    entry_along_m
        Distance along the track to the entry point, metres (``None`` if no track inside).
    penetration_m
        Deepest point of the track inside the zone, metres from its boundary (0 if outside).
    corridor_intrusion_m
        How far the corridor reaches into the zone, metres: ``penetration_m +
        half_width`` if the track enters, else ``half_width - distance``.
    altitude_lo_m, altitude_hi_m
        Altitudes flown over the zone (track inside, or nearest track part), m AGL.
    vertical_overlap_m
        ``min(hi, zone_upper) - max(lo, zone_lower)``: > 0 overlap of the flown altitudes
        with the zone's band, <= 0 vertical clearance (negated), metres.
    at_endpoint
        Whether the zone contains an endpoint of the track (e.g. its own airport).
    blocking
        Whether the planner treated the zone as an obstacle.
    """

    zone: str
    restriction: str
    zone_lower_m: float
    zone_upper_m: float
    inside_length_m: float
    entry_lonlat: tuple[float, float] | None
    exit_lonlat: tuple[float, float] | None
    entry_along_m: float | None
    penetration_m: float
    corridor_intrusion_m: float
    altitude_lo_m: float
    altitude_hi_m: float
    vertical_overlap_m: float
    at_endpoint: bool
    blocking: bool = False

    @property
    def conflict(self) -> bool:
        """Whether the track itself is inside the zone at altitudes within its band."""
        return self.inside_length_m > 0.0 and self.vertical_overlap_m > 0.0


def _max_depth(part: BaseGeometry, boundary: BaseGeometry, step_m: float = 100.0) -> float:
    """Largest distance of the (linear) ``part`` from ``boundary``, sampled every ``step_m``."""
    pts = []
    for line in getattr(part, "geoms", [part]):
        if line.length == 0:
            continue
        n = max(2, int(np.ceil(line.length / step_m)) + 1)
        pts.append(shapely.line_interpolate_point(line, np.linspace(0.0, line.length, n)))
    if not pts:
        return 0.0
    return float(shapely.distance(np.concatenate(pts), boundary).max())


def zone_crossings(
    track_xy: LineString,
    half_width_m: float,
    zones: Iterable[Zone],
    band_fn: BandFn,
    to_lonlat: Callable[[float, float], tuple[float, float]],
    *,
    blocking: Callable[[Zone], bool] = lambda z: False,
) -> tuple[ZoneCrossing, ...]:
    """Crossings of one track (metric LineString) and its corridor with every zone it meets.

    Zones farther than ``half_width_m`` from the track are skipped. Returns crossings in
    the order the zones were given.
    """
    out = []
    ends = [Point(track_xy.coords[0]), Point(track_xy.coords[-1])]
    for z in zones:
        geom = z.geometry
        dist = float(track_xy.distance(geom))
        if dist > half_width_m:
            continue
        inter = track_xy.intersection(geom)
        boundary = geom.boundary
        on_edge = inter.intersection(boundary).length if inter.length > 0 else 0.0
        inside = float(inter.length - on_edge)  # running along the boundary is not inside
        inside = inside if inside > 1e-6 else 0.0
        entry = exit_ = None
        entry_s = None
        if inside > 0.0:
            pts = shapely.get_coordinates(inter)
            s = shapely.line_locate_point(track_xy, shapely.points(pts))
            s0, s1 = float(s.min()), float(s.max())
            entry_s = s0
            a = track_xy.interpolate(s0)
            b = track_xy.interpolate(s1)
            entry, exit_ = to_lonlat(a.x, a.y), to_lonlat(b.x, b.y)
            depth = _max_depth(inter, boundary)
            lo, hi = band_fn(s0, s1)
            intrusion = depth + half_width_m
        else:
            depth = 0.0
            near = float(track_xy.project(nearest_points(track_xy, geom)[0]))
            lo, hi = band_fn(near, near)
            intrusion = half_width_m - dist
        overlap = min(hi, z.upper_m) - max(lo, z.lower_m)
        out.append(
            ZoneCrossing(
                zone=z.name,
                restriction=z.restriction,
                zone_lower_m=z.lower_m,
                zone_upper_m=z.upper_m,
                inside_length_m=inside,
                entry_lonlat=entry,
                exit_lonlat=exit_,
                entry_along_m=entry_s,
                penetration_m=depth,
                corridor_intrusion_m=float(intrusion),
                altitude_lo_m=float(lo),
                altitude_hi_m=float(hi),
                vertical_overlap_m=float(overlap),
                at_endpoint=any(geom.intersects(p) for p in ends),
                blocking=bool(blocking(z)),
            )
        )
    return tuple(out)
