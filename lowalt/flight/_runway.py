"""Runway procedures: join or leave a runway along its axis, carving the airport's own zone.

Planar geometry in the planning CRS (metres); bearings in degrees clockwise from grid north.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, Point

from lowalt.errors import AirspaceError, NoRouteError
from lowalt.flight.aircraft import Wind
from lowalt.flight.profiles import AircraftProfile
from lowalt.flight.visibility import ObstacleSet
from lowalt.geo.airspace import Zone
from lowalt.geo.clearance import Runway

__all__ = ["RunwayProcedure", "check_crosswind", "describe_zone", "runway_gate"]

F64 = NDArray[np.float64]
_GATE_MARGIN_M = 1.0  # the join point lies this far outside the carved zone


@dataclass(frozen=True)
class RunwayProcedure:
    """Join or leave a runway along its axis.

    Parameters
    ----------
    runway
        The runway, in the planning CRS (metres).
    direction
        Direction of travel on the runway: a grid bearing in degrees (the axis direction
        nearer to it is used; must be within 45° of the axis), or ``"a_to_b"`` /
        ``"b_to_a"`` (thresholds of :class:`~lowalt.geo.clearance.Runway`). To land at
        Huahu from the north (southbound), give ``190``.
    straight_m
        Minimum straight leg along the axis, metres: the final approach before the
        landing threshold, or the climb-out past the departure end. ``None`` = the
        profile's ``approach_straight_m`` / ``departure_straight_m``.
    """

    runway: Runway
    direction: float | str
    straight_m: float | None = None

    def __post_init__(self) -> None:
        if self.straight_m is not None and not (
            math.isfinite(self.straight_m) and self.straight_m >= 0
        ):
            raise AirspaceError(f"straight_m = {self.straight_m} must be finite and >= 0")
        self.unit_xy()  # validate the direction

    def unit_xy(self) -> F64:
        """Return the unit vector (east, north) of travel along the runway, grid axes."""
        a = np.asarray(self.runway.threshold_a_xy)
        b = np.asarray(self.runway.threshold_b_xy)
        u = (b - a) / self.runway.length_m
        if isinstance(self.direction, str):
            if self.direction not in ("a_to_b", "b_to_a"):
                raise AirspaceError(
                    f"runway direction {self.direction!r} is not 'a_to_b', 'b_to_a' or a bearing"
                )
            along: NDArray[np.float64] = u if self.direction == "a_to_b" else -u
            return along
        h = math.radians(float(self.direction))
        cos = float(np.dot(u, (math.sin(h), math.cos(h))))
        if abs(cos) < math.cos(math.radians(45.0)):
            raise AirspaceError(
                f"direction {self.direction}° is more than 45° off runway {self.runway.name!r} "
                f"(axis {self.runway.heading_deg:.1f}° either way)"
            )
        axis: NDArray[np.float64] = u if cos > 0 else -u
        return axis

    @property
    def start_xy(self) -> F64:
        """Threshold where travel starts: the landing threshold of an arrival."""
        a, b = self.runway.threshold_a_xy, self.runway.threshold_b_xy
        ab = np.subtract(b, a)
        return np.asarray(a if np.dot(ab, self.unit_xy()) > 0 else b, dtype=np.float64)

    @property
    def end_xy(self) -> F64:
        """Threshold where travel ends: the departure end of a take-off."""
        return self.start_xy + self.unit_xy() * self.runway.length_m


def describe_zone(z: Zone) -> str:
    return f"{z.restriction} zone {z.name!r} ({z.lower_m:g}-{z.upper_m:g} m AGL)"


def runway_gate(
    proc: RunwayProcedure,
    arrival: bool,
    straight_default: float,
    blocking: Sequence[Zone],
    clearance: float,
) -> tuple[F64, F64, list[Zone]]:
    """Runway end point, join/leave point on the axis, and the zones carved for the leg."""
    u = proc.unit_xy()
    p = proc.start_xy if arrival else proc.end_xy
    out = -u if arrival else u
    rw_line = LineString([proc.runway.threshold_a_xy, proc.runway.threshold_b_xy])
    own = [z for z in blocking if z.geometry.intersects(rw_line)]
    straight = straight_default if proc.straight_m is None else float(proc.straight_m)
    exit_m = 0.0
    if own:
        union = shapely.union_all([z.geometry for z in own])
        if clearance > 0:
            union = union.buffer(clearance, join_style="mitre", mitre_limit=2.0)
        x0, y0, x1, y1 = union.bounds
        far = math.hypot(x1 - x0, y1 - y0) + float(Point(p).distance(union)) + 1000.0
        pieces = shapely.get_parts(LineString([p, p + out * far]).intersection(union))
        for piece in pieces:
            c = shapely.get_coordinates(piece)
            along = (c - p) @ out
            if along.min() <= 1e-6 * far:  # the piece that starts at the runway
                exit_m = float(along.max()) + _GATE_MARGIN_M
    gate = p + out * max(straight, exit_m)
    others = [z for z in blocking if all(z is not o for o in own)]
    if others:
        obs = ObstacleSet.from_polygons([z.geometry for z in others], clearance_m=clearance)
        if obs.blocked(p, gate)[0]:
            hit = [z for z in others if LineString([p, gate]).intersects(z.geometry)]
            names = ", ".join(describe_zone(z) for z in hit) or "a zone's clearance"
            leg = "final approach" if arrival else "climb-out"
            raise NoRouteError(
                f"the straight {leg} of {max(straight, exit_m):.0f} m on runway "
                f"{proc.runway.name!r} runs into {names}.",
                fix="use the other runway direction or a shorter straight_m.",
            )
    return p, gate, own


def check_crosswind(proc: RunwayProcedure, wind: Wind, profile: AircraftProfile) -> None:
    if profile.max_crosswind_mps is None or wind.is_calm:
        return
    wx, wy = wind.vector_mps()
    u = proc.unit_xy()
    cross = abs(wx * u[1] - wy * u[0])
    if cross > profile.max_crosswind_mps:
        raise NoRouteError(
            f"crosswind {cross:.1f} m/s on runway {proc.runway.name!r} exceeds the "
            f"{profile.name} limit of {profile.max_crosswind_mps:.1f} m/s."
        )
