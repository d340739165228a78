"""Unit conventions and named converters.

lowalt works in SI units throughout: metres, seconds, metres per second,
degrees for bearings (clockwise from true north). Names carry their unit
(``distance_m``, ``time_s``, ``speed_mps``); conversions live only here.
"""

from __future__ import annotations

__all__ = [
    "EARTH_RADIUS_M",
    "kmh_to_mps",
    "knots_to_mps",
    "mps_to_kmh",
]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), metres."""

_KMH_PER_MPS = 3.6
_MPS_PER_KNOT = 1852.0 / 3600.0


def kmh_to_mps(speed_kmh: float) -> float:
    """Convert km/h to m/s."""
    return speed_kmh / _KMH_PER_MPS


def mps_to_kmh(speed_mps: float) -> float:
    """Convert m/s to km/h."""
    return speed_mps * _KMH_PER_MPS


def knots_to_mps(speed_kt: float) -> float:
    """Convert knots to m/s."""
    return speed_kt * _MPS_PER_KNOT
