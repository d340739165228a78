"""Bounds of every user-controlled size: one place, read by the schema and the domain alike.

Scenario text and the data files it names are untrusted. Every number a user can give (in the
scenario, or as an attribute of a geodata or CSV file) must be finite and lie within a physical
bound stated here; every text has a length cap; every file read has a size cap. The scenario
schema (:mod:`lowalt.scenario.schema`) publishes these bounds as ``maximum`` in its JSON Schema;
the readers of data files (:mod:`lowalt.geo.layers`, :mod:`lowalt.geo.docks`,
:mod:`lowalt.geo.airspace`, :mod:`lowalt.geo.ed269`, :mod:`lowalt.network.checks`, the wind file)
apply the same bounds to the values they read, so a value means the same wherever it is typed.

Each bound's docstring gives its unit and the reason for its size. A level-0 module: it imports
nothing from lowalt.
"""

from __future__ import annotations

__all__ = [
    "MAX_AIRSPEED_MPS",
    "MAX_CALLS_PER_DAY",
    "MAX_CSV_BYTES",
    "MAX_DISTANCE_M",
    "MAX_DRONES_PER_DOCK",
    "MAX_ENDURANCE_S",
    "MAX_GEODATA_BYTES",
    "MAX_HEIGHT_M",
    "MAX_LIST",
    "MAX_MASS_KG",
    "MAX_NAME_CHARS",
    "MAX_PATH_CHARS",
    "MAX_RADIUS_M",
    "MAX_RANGE_M",
    "MAX_TEXT_CHARS",
    "MAX_TIME_LIMIT_S",
    "MAX_TOTAL",
    "MAX_VERTICAL_RATE_MPS",
    "MAX_WEIGHT",
    "MAX_WIND_MPS",
    "MIN_POSITIVE",
    "PROFILE_BOUNDS",
]

MAX_AIRSPEED_MPS = 350.0
"""Fastest true airspeed of anything lowalt models (the fastest profile flies 146 m/s)."""
MAX_VERTICAL_RATE_MPS = 50.0
"""Fastest climb or descent (light aircraft climb 3-8 m/s, fighters ~250 m/s)."""
MAX_HEIGHT_M = 20_000.0
"""Highest height above ground of a flight, zone, band or layer (low altitude is < 1,000 m)."""
MAX_RADIUS_M = 500_000.0
"""Largest radius of a circle (zone) and largest lateral distance, 500 km."""
MAX_DISTANCE_M = 100_000.0
"""Largest lattice spacing, straight leg or lateral margin, 100 km."""
MAX_RANGE_M = 20_000_000.0
"""Longest range of an aircraft, 20,000 km (half the Earth's circumference)."""
MAX_TIME_LIMIT_S = 86_400.0
"""Longest solver time limit, response target, wait or turnaround: one day."""
MAX_ENDURANCE_S = 2_592_000.0
"""Longest endurance or maintenance outage: 30 days."""
MAX_WIND_MPS = 100.0
"""Strongest wind (the strongest gust ever measured was 113 m/s; drones stop near 15)."""
MAX_DRONES_PER_DOCK = 100
"""Most drones one dock holds, a count (real docks hold 1-4)."""
MAX_TOTAL = 1_000_000
"""Largest total, a count: drones, docks asked for, counts reported (far above any city's fleet)."""
MAX_CALLS_PER_DAY = 100_000.0
"""Most calls per day, calls/day (Wuhan's grid has about 49)."""
MAX_WEIGHT = 1_000_000.0
"""Largest relative weight, dimensionless (demand weights, hourly profile weights)."""
MAX_MASS_KG = 1_000_000.0
"""Heaviest mass (the heaviest aircraft ever built weighed 640 t)."""
MIN_POSITIVE = 0.001
"""Smallest value of a quantity that must be positive, in its own unit (m/s, s, m, ...): rules
out denormal numbers such as 5e-324, whose reciprocals overflow to infinity."""

MAX_NAME_CHARS = 200
"""Longest name or id, characters (names label maps and key results; they are not text)."""
MAX_TEXT_CHARS = 10_000
"""Longest free text (descriptions, sources), characters: a page, not a file."""
MAX_PATH_CHARS = 4096
"""Longest file path, characters (Linux PATH_MAX)."""
MAX_LIST = 10_000
"""Longest list of zones, sites, polygon points, items (far above any real airspace)."""
MAX_GEODATA_BYTES = 512 * 2**20
"""Largest geodata file (GeoJSON, GeoPackage, road graph) read, 512 MiB."""
MAX_CSV_BYTES = 64 * 2**20
"""Largest CSV file (hourly wind) read, 64 MiB."""

PROFILE_BOUNDS: dict[str, tuple[float, str]] = {
    "cruise_speed_mps": (MAX_AIRSPEED_MPS, "m/s"),
    "climb_rate_mps": (MAX_VERTICAL_RATE_MPS, "m/s"),
    "descent_rate_mps": (MAX_VERTICAL_RATE_MPS, "m/s"),
    "min_altitude_m": (MAX_HEIGHT_M, "m"),
    "max_altitude_m": (MAX_HEIGHT_M, "m"),
    "cruise_altitude_m": (MAX_HEIGHT_M, "m"),
    "range_m": (MAX_RANGE_M, "m"),
    "payload_kg": (MAX_MASS_KG, "kg"),
    "corridor_half_width_m": (MAX_DISTANCE_M, "m"),
    "endurance_s": (MAX_ENDURANCE_S, "s"),
    "mtow_kg": (MAX_MASS_KG, "kg"),
    "departure_straight_m": (MAX_DISTANCE_M, "m"),
    "approach_straight_m": (MAX_DISTANCE_M, "m"),
    "launch_delay_s": (MAX_TIME_LIMIT_S, "s"),
    "max_crosswind_mps": (MAX_WIND_MPS, "m/s"),
    "min_runway_m": (MAX_DISTANCE_M, "m"),
}
"""Upper bound and unit of every numeric field of an aircraft profile (lowalt.flight.profiles)."""
