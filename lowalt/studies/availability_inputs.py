"""Inputs of the availability study, read from the scenario: departments, fleet, wind, size.

:func:`build_demand_model` and :func:`build_fleet` turn the scenario's ``availability`` section
into the plain :mod:`lowalt.sim` values; :func:`check_availability_size` bounds the number of
simulated calls before anything is allocated. ``lowalt validate`` runs all three
(:mod:`lowalt.checks`), so a bad input is refused before a run starts.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lowalt._memory import count_limit
from lowalt.errors import InfeasibleError, ScenarioError
from lowalt.scenario.schema import AvailabilityConfig, Scenario
from lowalt.sim.demand import (
    DEFAULT_DEPARTMENTS,
    PROFILES,
    DemandModel,
    Department,
)
from lowalt.sim.fleet import FleetParams, wind_series

__all__ = [
    "BYTES_PER_CALL",
    "MAX_SIMULATED_CALLS",
    "build_demand_model",
    "build_fleet",
    "check_availability_size",
]


def _config(s: Scenario) -> AvailabilityConfig:
    if s.availability is None:
        msg = "the scenario has no 'availability' section"
        raise ValueError(msg)
    return s.availability


def build_demand_model(s: Scenario) -> DemandModel:
    """Return the scenario's departments (or the 11 modeled defaults), scaled as asked."""
    a = _config(s)
    if a.departments is None:
        model = DemandModel(DEFAULT_DEPARTMENTS)
    else:
        depts = []
        for d in a.departments:
            profile = d.hourly_profile
            hourly = PROFILES[profile] if isinstance(profile, str) else tuple(profile)
            depts.append(
                Department(
                    name=d.name,
                    calls_per_day=d.calls_per_day,
                    hourly_profile=hourly,
                    mission_on_scene_s=d.on_scene_s,
                    priority=d.priority,
                    spatial=d.spatial,
                    on_scene_cv=d.on_scene_cv,
                    on_scene_km=d.on_scene_km,
                    provenance=d.provenance,
                )
            )
        model = DemandModel(tuple(depts), name="scenario departments")
    base = sum(d.calls_per_day for d in model.departments)
    if base <= 0:
        raise InfeasibleError(
            "every department has 0 calls per day: there is nothing to simulate.",
            file=str(s.path),
            key_path="availability.departments",
            fix="give at least one department a calls_per_day above 0.",
        )
    return model.scaled_to(a.calls_per_day) if a.calls_per_day is not None else model


MAX_SIMULATED_CALLS = 5_000_000
"""Most calls one availability run draws (calls per day x days); the default run draws 18,000."""

BYTES_PER_CALL = 2_000
"""Peak memory per drawn call (two call sets, the simulations and the drones search), bytes."""


def check_availability_size(s: Scenario, model: DemandModel) -> int:
    """Refuse a simulation whose calls would not fit, before any call is drawn.

    Returns the expected number of calls (``calls_per_day x days``).

    Raises
    ------
    ScenarioError
        When the expected calls exceed :data:`MAX_SIMULATED_CALLS` or the memory available.
    """
    a = _config(s)
    expected = math.ceil(model.calls_per_day * a.days)
    limit = count_limit(MAX_SIMULATED_CALLS, BYTES_PER_CALL)
    if expected > limit:
        raise ScenarioError(
            f"{a.days:,} days at {model.calls_per_day:,.1f} calls/day is about {expected:,} "
            f"calls, above the limit of {limit:,} (at most {MAX_SIMULATED_CALLS:,}, and "
            f"{BYTES_PER_CALL:,} bytes a call must fit in 80 % of the free memory).",
            file=str(s.path),
            key_path="availability.days",
            fix="simulate fewer days, or lower availability.calls_per_day or the "
            "departments' rates.",
        )
    return expected


def _read_wind_file(s: Scenario, path: Path) -> npt.NDArray[np.float64]:
    """Hourly wind of ``availability.fleet.wind_file``: one finite 0-100 m/s row per hour.

    The file must be a regular file of at most 64 MiB and cover every simulated hour
    (``days x 24`` rows, hour 0 = 00:00 of day 0); a shorter file is refused rather than
    repeated, so a 10-row file cannot silently stand for a year. Rows past the run are unused.
    """
    from lowalt.geo.files import check_data_file
    from lowalt.limits import MAX_CSV_BYTES, MAX_WIND_MPS

    key = "availability.fleet.wind_file"
    where = f"{s.path} -> {path}"
    check_data_file(
        path,
        cap_bytes=MAX_CSV_BYTES,
        what="wind file",
        fix="paths are relative to the scenario file's folder; check the name.",
        scenario_file=str(s.path),
        key_path=key,
    )
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError(
            f"cannot read the wind file {path}: {exc}.",
            file=str(s.path),
            key_path=key,
            fix="give a UTF-8 CSV with a header row and a 'wind_mps' column, one row per hour.",
        ) from None
    if not rows or "wind_mps" not in rows[0]:
        raise ScenarioError(
            f"{path} has no 'wind_mps' column (or no rows).",
            file=str(s.path),
            key_path=key,
            fix="give a CSV with a header row and a 'wind_mps' column, one row per hour (m/s).",
        )
    values = []
    for i, r in enumerate(rows, start=2):
        try:
            v = float(r["wind_mps"])
        except (TypeError, ValueError):
            v = math.nan
        if not (math.isfinite(v) and 0 <= v <= MAX_WIND_MPS):
            why = (
                f"is above the maximum of {MAX_WIND_MPS:g} m/s"
                if math.isfinite(v) and v > MAX_WIND_MPS
                else "is not a finite number >= 0"
            )
            raise ScenarioError(
                f"line {i}: wind_mps {r['wind_mps']!r} {why}.",
                file=where,
                key_path=key,
                fix=f"give hourly wind speeds in m/s (finite, 0 to {MAX_WIND_MPS:g}), one per row.",
            )
        values.append(v)
    hours = _config(s).days * 24
    if len(values) < hours:
        raise ScenarioError(
            f"the wind file has {len(values):,} hourly rows but the run simulates "
            f"{_config(s).days:,} days = {hours:,} hours; a short file is not repeated.",
            file=where,
            key_path=key,
            fix=f"give at least {hours:,} rows (one per simulated hour)"
            + (
                f", or lower availability.days to {len(values) // 24:,} or fewer."
                if len(values) >= 24
                else "."
            ),
        )
    return np.asarray(values, dtype=np.float64)


def build_fleet(s: Scenario, n_hours: int) -> FleetParams:
    """Fleet parameters with the hourly wind series (modeled or from ``wind_file``)."""
    f = _config(s).fleet
    if f.wind_file is not None:
        wind = _read_wind_file(s, s.resolve(f.wind_file))
    else:
        wind = wind_series(
            n_hours,
            np.random.default_rng([_config(s).seed, 1]),
            mean_mps=f.wind_mean_mps,
            weibull_k=f.wind_weibull_k,
            persistence=f.wind_persistence,
        )
    return FleetParams(
        endurance_s=f.endurance_s,
        recharge_s=f.recharge_s,
        recharge_proportional=f.recharge_proportional,
        swap_s=f.swap_s,
        launch_wind_limit_mps=f.launch_wind_limit_mps,
        wind_mps=wind,
        maintenance_prob=f.maintenance_prob,
        maintenance_s=f.maintenance_s,
        max_wait_s=math.inf if f.max_wait_s is None else f.max_wait_s,
    )
