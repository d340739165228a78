"""Airport clearance (净空保护) zones from runway geometry.

Hubei publishes airport clearance core zones by one rule: the runway
centreline ± 10 km laterally and 20 km beyond each runway end. For an airport
with several runways the published zone is the convex hull of the per-runway
rectangles; that is how the published Ezhou Huahu corners come out
(43.7 km × 21.8 km for two 3,600 m runways 1,900 m apart).

All geometry here is planar, in a projected metric CRS (metres; the project
default is EPSG:4547, :data:`lowalt.geo.crs.DEFAULT_METRIC_CRS`). Bearings are
degrees clockwise from north: *grid* north for :class:`Runway` (the metric
CRS's y axis), *true* north for :meth:`Runway.from_lonlat`, which does the
conversion geodesically.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from lowalt.errors import AirspaceError
from lowalt.geo.crs import DEFAULT_METRIC_CRS, WGS84, ensure_projected, transformer

__all__ = [
    "DEFAULT_BEYOND_END_M",
    "DEFAULT_LATERAL_M",
    "Runway",
    "clearance_zone",
    "runway_rectangle",
]

DEFAULT_LATERAL_M = 10_000.0
"""Half-width of the clearance core zone either side of the runway axis, metres."""

DEFAULT_BEYOND_END_M = 20_000.0
"""Extent of the clearance core zone beyond each runway end, metres."""

_GEOD = Geod(ellps="WGS84")
_MIN_LENGTH_M = 1.0


def _as_xy(value: Sequence[float], what: str, name: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        msg = f"runway {name!r}: {what} must be a pair of numbers (x, y) in metres"
        raise AirspaceError(msg) from exc
    if not (math.isfinite(x) and math.isfinite(y)):
        msg = f"runway {name!r}: {what} ({x}, {y}) is not finite"
        raise AirspaceError(msg)
    return x, y


@dataclass(frozen=True)
class Runway:
    """A runway as the segment between its two thresholds, in a metric CRS.

    Parameters
    ----------
    name
        Label, e.g. ``"04L/22R"``.
    threshold_a_xy
        Planar (x, y) of one threshold, metres, in the metric CRS the caller
        works in (EPSG:4547 by project convention).
    threshold_b_xy
        Planar (x, y) of the other threshold, metres, same CRS.

    Raises
    ------
    AirspaceError
        If a coordinate is not finite or the runway is shorter than 1 m.
    """

    name: str
    threshold_a_xy: tuple[float, float]
    threshold_b_xy: tuple[float, float]

    def __post_init__(self) -> None:
        a = _as_xy(self.threshold_a_xy, "threshold_a_xy", self.name)
        b = _as_xy(self.threshold_b_xy, "threshold_b_xy", self.name)
        object.__setattr__(self, "threshold_a_xy", a)
        object.__setattr__(self, "threshold_b_xy", b)
        if math.hypot(b[0] - a[0], b[1] - a[1]) < _MIN_LENGTH_M:
            msg = f"runway {self.name!r} has zero length (thresholds coincide)"
            raise AirspaceError(msg, fix="give two distinct threshold positions")

    @classmethod
    def from_centre(
        cls,
        name: str,
        centre_xy: Sequence[float],
        heading_deg: float,
        length_m: float,
    ) -> Runway:
        """Build a runway from its midpoint, grid heading and length.

        Parameters
        ----------
        name
            Label.
        centre_xy
            Planar (x, y) of the runway midpoint, metres, metric CRS.
        heading_deg
            Direction of the axis, degrees clockwise from *grid* north (the
            CRS's +y axis). Either direction of the axis gives the same runway.
        length_m
            Runway length, metres (> 0).

        Returns
        -------
        Runway
            Threshold A lies at ``centre - length/2`` along the heading,
            threshold B at ``centre + length/2``.

        Raises
        ------
        AirspaceError
            If the length is not a positive finite number or the heading is
            not finite.
        """
        cx, cy = _as_xy(centre_xy, "centre_xy", name)
        if not math.isfinite(heading_deg):
            msg = f"runway {name!r}: heading {heading_deg} is not finite"
            raise AirspaceError(msg)
        if not (math.isfinite(length_m) and length_m >= _MIN_LENGTH_M):
            msg = f"runway {name!r}: length {length_m} m must be a positive finite number"
            raise AirspaceError(msg)
        theta = math.radians(heading_deg)
        ux, uy = math.sin(theta), math.cos(theta)
        half = length_m / 2.0
        return cls(name, (cx - ux * half, cy - uy * half), (cx + ux * half, cy + uy * half))

    @classmethod
    def from_lonlat(
        cls,
        name: str,
        centre_lonlat: Sequence[float],
        true_heading_deg: float,
        length_m: float,
        *,
        metric_crs: str = DEFAULT_METRIC_CRS,
    ) -> Runway:
        """Build a runway from a WGS84 midpoint and a *true* heading.

        The thresholds are placed geodesically (WGS84 ellipsoid) at
        ``length_m / 2`` either side of the midpoint and then projected, so
        grid convergence of the metric CRS is accounted for.

        Parameters
        ----------
        name
            Label.
        centre_lonlat
            (lon, lat) of the runway midpoint, degrees, EPSG:4326.
        true_heading_deg
            Axis direction, degrees clockwise from true north.
        length_m
            Runway length, metres (> 0).
        metric_crs
            Projected CRS of the result, default EPSG:4547.

        Returns
        -------
        Runway
            With thresholds in ``metric_crs`` metres.

        Raises
        ------
        AirspaceError
            If inputs are not finite or the length is not positive.
        """
        ensure_projected(metric_crs)
        lon, lat = _as_xy(centre_lonlat, "centre_lonlat", name)
        if not (math.isfinite(true_heading_deg) and math.isfinite(length_m)):
            msg = f"runway {name!r}: heading and length must be finite"
            raise AirspaceError(msg)
        if length_m < _MIN_LENGTH_M:
            msg = f"runway {name!r}: length {length_m} m must be positive"
            raise AirspaceError(msg)
        lons, lats, _ = _GEOD.fwd(
            [lon, lon],
            [lat, lat],
            [true_heading_deg + 180.0, true_heading_deg],
            [length_m / 2.0, length_m / 2.0],
        )
        xs, ys = transformer(WGS84, metric_crs).transform(lons, lats)
        return cls(name, (float(xs[0]), float(ys[0])), (float(xs[1]), float(ys[1])))

    @property
    def length_m(self) -> float:
        """Threshold-to-threshold length, metres (planar, in the metric CRS)."""
        (ax, ay), (bx, by) = self.threshold_a_xy, self.threshold_b_xy
        return math.hypot(bx - ax, by - ay)

    @property
    def heading_deg(self) -> float:
        """Grid bearing from threshold A to B, degrees clockwise from grid north, [0, 360)."""
        (ax, ay), (bx, by) = self.threshold_a_xy, self.threshold_b_xy
        return math.degrees(math.atan2(bx - ax, by - ay)) % 360.0

    @property
    def centre_xy(self) -> tuple[float, float]:
        """Planar midpoint of the runway, metres."""
        (ax, ay), (bx, by) = self.threshold_a_xy, self.threshold_b_xy
        return ((ax + bx) / 2.0, (ay + by) / 2.0)


def _check_distance(value: float, what: str, *, allow_zero: bool) -> float:
    value = float(value)
    ok = math.isfinite(value) and (value >= 0.0 if allow_zero else value > 0.0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        msg = f"{what} = {value} m must be finite and {bound}"
        raise AirspaceError(msg)
    return value


def runway_rectangle(
    runway: Runway,
    *,
    lateral_m: float = DEFAULT_LATERAL_M,
    beyond_end_m: float = DEFAULT_BEYOND_END_M,
) -> Polygon:
    """Return the clearance rectangle of one runway.

    Parameters
    ----------
    runway
        Runway in a metric CRS (metres).
    lateral_m
        Half-width either side of the runway axis, metres (> 0).
    beyond_end_m
        Extension past each threshold along the axis, metres (>= 0).

    Returns
    -------
    shapely.geometry.Polygon
        Rectangle of ``(length + 2 * beyond_end_m) × (2 * lateral_m)`` metres,
        counter-clockwise exterior, same CRS as the runway.

    Raises
    ------
    AirspaceError
        If a distance is negative or not finite.
    """
    lateral_m = _check_distance(lateral_m, "lateral_m", allow_zero=False)
    beyond_end_m = _check_distance(beyond_end_m, "beyond_end_m", allow_zero=True)
    a = np.asarray(runway.threshold_a_xy, dtype=np.float64)
    b = np.asarray(runway.threshold_b_xy, dtype=np.float64)
    u = (b - a) / runway.length_m  # unit vector along the axis
    n = np.array([-u[1], u[0]])  # unit normal (left of A -> B)
    start = a - u * beyond_end_m
    end = b + u * beyond_end_m
    corners = [
        start - n * lateral_m,
        end - n * lateral_m,
        end + n * lateral_m,
        start + n * lateral_m,
    ]
    return orient(Polygon([tuple(c) for c in corners]), sign=1.0)


def clearance_zone(
    runways: Sequence[Runway],
    *,
    lateral_m: float = DEFAULT_LATERAL_M,
    beyond_end_m: float = DEFAULT_BEYOND_END_M,
) -> Polygon:
    """Return an airport's clearance core zone (净空保护区) in the runways' metric CRS.

    For each runway the rectangle "axis ± ``lateral_m``, ``beyond_end_m`` past
    each end" is built; the zone is the convex hull of their union.

    Parameters
    ----------
    runways
        One or more runways, all in the same projected CRS (metres).
    lateral_m
        Half-width either side of each runway axis, metres. Default 10,000.
    beyond_end_m
        Extension beyond each runway end, metres. Default 20,000.

    Returns
    -------
    shapely.geometry.Polygon
        Valid convex polygon, counter-clockwise exterior, coordinates in
        metres in the runways' CRS. For a single runway of length L it is an
        (L + 2 * beyond_end_m) × (2 * lateral_m) rectangle.

    Raises
    ------
    AirspaceError
        If ``runways`` is empty, contains something that is not a
        :class:`Runway`, or a distance is negative or not finite. Degenerate
        runways (zero length, non-finite coordinates) already fail when the
        :class:`Runway` is built.
    """
    runways = list(runways)
    if not runways:
        msg = "clearance_zone needs at least one runway"
        raise AirspaceError(msg)
    for rw in runways:
        if not isinstance(rw, Runway):  # callers without a type checker
            msg = f"expected Runway, got {type(rw).__name__}"  # type: ignore[unreachable]
            raise AirspaceError(msg)
    rects = [runway_rectangle(rw, lateral_m=lateral_m, beyond_end_m=beyond_end_m) for rw in runways]
    hull = MultiPolygon(rects).convex_hull
    if not isinstance(hull, Polygon) or hull.is_empty or not hull.is_valid:
        msg = "clearance zone is degenerate"
        raise AirspaceError(msg)
    return orient(hull, sign=1.0)
