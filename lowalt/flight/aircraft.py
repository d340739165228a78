"""Aircraft performance: response time of one flight, with wind.

Response time is modelled as::

    t = t_launch + h / v_climb + L / v_ground + h / v_descent

with ``h`` the cruise altitude (m AGL), ``L`` the horizontal track length (m)
and ``v_ground`` the ground speed along the track (m/s). Vertical phases are
flown at the dock and at the scene; the horizontal track is flown entirely at
cruise speed (acceleration and drift during the climb are neglected, which is
slightly conservative on the horizontal part).

Wind is uniform and steady. On a track with unit direction ``u`` and a wind
vector ``w`` (the direction the air moves *to*), the tailwind component is
``w_t = w . u`` and the crosswind ``w_c = |w x u|``; the aircraft crabs to hold
the track and its ground speed is ``v_g = sqrt(v_a^2 - w_c^2) + w_t``. A track
is impossible (infinite time, never a division by zero) when ``w_c >= v_a`` or
``v_g <= 0``: the aircraft cannot make headway. Leg times are translation
invariant and convex in the leg vector, so exact least-time paths around
polygons still bend only at polygon vertices (:mod:`lowalt.flight.visibility`).

Directions are compass bearings in degrees clockwise from north; the
meteorological convention is kept for wind (``from_deg`` is where it blows
from). ``x`` is east and ``y`` north in the metric CRS (grid north; see
:func:`Wind.vector_mps` for the rotation to true north).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Aircraft", "Wind", "leg_time_s"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Wind:
    """A uniform, steady wind.

    Attributes
    ----------
    speed_mps
        Wind speed, m/s (>= 0).
    from_deg
        Direction the wind blows from, degrees clockwise from true north.
    true_north_grid_deg
        Grid bearing of true north in the metric CRS at the area, degrees (see
        :func:`lowalt.geo.crs.true_north_grid_bearing_deg`); rotates the wind into grid axes.
    """

    speed_mps: float
    from_deg: float = 0.0
    true_north_grid_deg: float = 0.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.speed_mps) or self.speed_mps < 0:
            msg = f"wind speed must be a finite number >= 0 m/s, got {self.speed_mps}"
            raise ValueError(msg)

    @classmethod
    def calm(cls) -> Wind:
        """No wind."""
        return cls(0.0)

    @property
    def is_calm(self) -> bool:
        """Whether the speed is zero."""
        return self.speed_mps == 0.0

    def vector_mps(self) -> tuple[float, float]:
        """Velocity of the air in the metric CRS, (east, north) components, m/s."""
        to_rad = math.radians(self.from_deg + 180.0 + self.true_north_grid_deg)
        return self.speed_mps * math.sin(to_rad), self.speed_mps * math.cos(to_rad)


def leg_time_s(
    dx_m: npt.ArrayLike, dy_m: npt.ArrayLike, airspeed_mps: float, wind: Wind
) -> FloatArray:
    """Time to fly straight legs at cruise, seconds.

    Parameters
    ----------
    dx_m, dy_m
        Leg vectors (east, north) in metres, any matching shapes.
    airspeed_mps
        True airspeed, m/s.
    wind
        The wind.

    Returns
    -------
    numpy.ndarray
        Seconds per leg; ``inf`` where the aircraft cannot make headway; 0 for zero-length legs.
    """
    dx = np.asarray(dx_m, dtype=np.float64)
    dy = np.asarray(dy_m, dtype=np.float64)
    length = np.hypot(dx, dy)
    if wind.is_calm:
        return length / airspeed_mps
    wx, wy = wind.vector_mps()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ux = np.where(length > 0, dx / length, 0.0)
        uy = np.where(length > 0, dy / length, 0.0)
        tail = wx * ux + wy * uy
        cross = wx * uy - wy * ux
        under = airspeed_mps * airspeed_mps - cross * cross
        ground = np.sqrt(np.maximum(under, 0.0)) + tail
        ok = (under > 0) & (ground > 0)
        t = np.where(ok, length / np.where(ok, ground, 1.0), np.inf)
    return np.where(length > 0, t, 0.0)


@dataclass(frozen=True)
class Aircraft:
    """Performance of one aircraft type.

    Attributes
    ----------
    name
        Display name.
    cruise_speed_mps
        True airspeed in cruise, m/s.
    climb_rate_mps, descent_rate_mps
        Vertical speeds, m/s.
    launch_delay_s
        From the call to airborne (dispatch, dock lid, take-off), s.
    cruise_altitude_m
        Cruise height above ground, m.
    """

    name: str
    cruise_speed_mps: float
    climb_rate_mps: float
    descent_rate_mps: float
    launch_delay_s: float
    cruise_altitude_m: float

    def __post_init__(self) -> None:
        for field in (
            "cruise_speed_mps",
            "climb_rate_mps",
            "descent_rate_mps",
            "cruise_altitude_m",
        ):
            v = getattr(self, field)
            if not math.isfinite(v) or v <= 0:
                msg = f"{field} must be a finite number > 0, got {v}"
                raise ValueError(msg)
        if not math.isfinite(self.launch_delay_s) or self.launch_delay_s < 0:
            msg = f"launch_delay_s must be a finite number >= 0, got {self.launch_delay_s}"
            raise ValueError(msg)

    @property
    def climb_s(self) -> float:
        """Time to climb from the dock to cruise altitude, s."""
        return self.cruise_altitude_m / self.climb_rate_mps

    @property
    def descent_s(self) -> float:
        """Time to descend from cruise altitude to the scene, s."""
        return self.cruise_altitude_m / self.descent_rate_mps

    @property
    def overhead_s(self) -> float:
        """Fixed part of every response: launch + climb + descent, s."""
        return self.launch_delay_s + self.climb_s + self.descent_s

    def cruise_time_s(self, dx_m: npt.ArrayLike, dy_m: npt.ArrayLike, wind: Wind) -> FloatArray:
        """Cruise time of straight legs, s (``inf`` where no headway); see :func:`leg_time_s`."""
        return leg_time_s(dx_m, dy_m, self.cruise_speed_mps, wind)

    def response_time_s(self, cruise_s: npt.ArrayLike) -> FloatArray:
        """Total response time for given cruise times, s."""
        return np.asarray(cruise_s, dtype=np.float64) + self.overhead_s

    def max_ground_speed_mps(self, wind: Wind) -> float:
        """Upper bound of the ground speed in any direction, m/s (airspeed + wind speed)."""
        return self.cruise_speed_mps + wind.speed_mps

    def makes_headway(self, wind: Wind) -> bool:
        """Whether the aircraft can fly into the wind at all."""
        return self.cruise_speed_mps > wind.speed_mps
