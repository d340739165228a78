"""Call demand by city department: rates, time of day, where, how long on scene.

Each :class:`Department` has a daily call rate, a 24-hour profile, a spatial
weighting over the demand cells, a mean time on scene (with its coefficient of
variation), a distance flown on scene and a priority (1 = most urgent).
:func:`generate_calls` draws a non-homogeneous Poisson stream from a
:class:`DemandModel` by exact per-hour counts (Poisson count per day-hour, times
uniform inside the hour), fully vectorised.

Calibration of :data:`DEFAULT_DEPARTMENTS` (**modeled**, not published)
-------------------------------------------------------------------------
* Published total: **53,000 cumulative flights and 265,000 km** for the Optics
  Valley demonstration zone (jtj.wuhan.gov.cn, 2025-10-16; wuhan_facts.md §3.2),
  operations since Nov 2022: 2022-11-01 → 2025-10-16 ≈ 1,080 days ⇒
  **≈ 49.1 flights/day ≈ 17,900/year**. The default rates sum to exactly
  :data:`CALIBRATED_FLIGHTS_PER_DAY`. This is a *lower bound* of today's rate
  (the fleet grew to 186 drones only in late 2024) and it mixes routine patrols
  with emergencies: the published figure does not split them. Use
  ``DemandModel.scale`` for growth or stress tests (scale ≈ 11.2 gives ≥ 200,000
  calls a year).
* 265,000 km / 53,000 = **5.0 km per flight**. The transit out and back from
  the nearest of 128 docks is ≈ 1.5–2 km on a 2.16 km hexagonal layout, so the
  departments' ``on_scene_km`` (patrol/search legs flown on scene) are set to
  average ≈ 3.2 km; :attr:`lowalt.sim.result.SimResult.flown_km` reports the
  simulated km per flight to check it against 5.0.
* The department list follows the issue ("11 departments", itself unconfirmed:
  the reports say 6 units in 2022–23 and 32 departments in 2024). Shares,
  profiles, on-scene times and priorities are planning assumptions ([E]).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "CALIBRATED_FLIGHTS_PER_DAY",
    "DEFAULT_DEPARTMENTS",
    "PROFILES",
    "Calls",
    "DemandModel",
    "Department",
    "default_model",
    "expected_cell_rates",
    "generate_calls",
]

CALIBRATED_FLIGHTS_PER_DAY = 53_000 / 1_080
"""53,000 cumulative flights over ≈ 1,080 days (Nov 2022 - Oct 2025) ≈ 49.1 per day."""

Spatial = Literal["uniform", "weighted"] | npt.NDArray[np.float64]


def _profile(pairs: Sequence[tuple[int, int, float]], base: float = 0.0) -> tuple[float, ...]:
    """24 hourly weights: ``base`` everywhere, ``w`` on hours ``[h0, h1)``."""
    out = [base] * 24
    for h0, h1, w in pairs:
        for h in range(h0, h1):
            out[h] = w
    return tuple(out)


PROFILES: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 24,
    # Docks open at 07:00 for routine patrols (e-uav.cn, wuhan_facts.md §3.2).
    "patrol": _profile([(7, 19, 1.0), (19, 21, 0.3)], base=0.0),
    # Emergencies: quiet at night, busy day, evening shoulder (modeled).
    "emergency": _profile([(0, 6, 0.35), (6, 9, 0.9), (9, 18, 1.2), (18, 23, 1.0)], base=0.5),
    # Traffic: morning and evening peaks (modeled).
    "traffic": _profile([(0, 6, 0.1), (7, 9, 2.0), (9, 17, 0.9), (17, 19, 2.0), (19, 23, 0.6)]),
    # Public security: evening-heavy (modeled).
    "evening": _profile([(0, 3, 0.7), (3, 7, 0.2), (7, 17, 0.8), (17, 24, 1.4)]),
    # Large events: afternoons and evenings (modeled).
    "events": _profile([(10, 14, 0.6), (14, 22, 1.5)]),
}
"""Named 24-hour profiles (relative weights, normalised when used)."""


@dataclass(frozen=True)
class Department:
    """One department calling for drones.

    Attributes
    ----------
    name
        Display name.
    calls_per_day
        Mean calls per day (before :attr:`DemandModel.scale`).
    hourly_profile
        24 non-negative weights, hour 0 = 00:00-01:00 local; normalised to shares of the day.
    mission_on_scene_s
        Mean time on scene, seconds (hover, inspection, patrol legs).
    priority
        1 = most urgent; larger numbers are less urgent (preemptible by smaller numbers).
    spatial
        ``"uniform"`` (every cell alike), ``"weighted"`` (the grid weights given to
        :func:`generate_calls`) or an (N,) array of non-negative weights over the cells.
    on_scene_cv
        Coefficient of variation of the time on scene (gamma distribution; 1 = exponential,
        0 = fixed).
    on_scene_km
        Distance flown on scene, km (counted in the flown distance, not in the response).
    provenance
        ``"modeled"`` or a source.
    """

    name: str
    calls_per_day: float
    hourly_profile: tuple[float, ...]
    mission_on_scene_s: float
    priority: int
    spatial: Spatial = "weighted"
    on_scene_cv: float = 0.5
    on_scene_km: float = 0.0
    provenance: str = "modeled"

    def __post_init__(self) -> None:
        prof = np.asarray(self.hourly_profile, dtype=np.float64)
        if prof.shape != (24,) or not np.all(np.isfinite(prof)) or np.any(prof < 0):
            msg = f"{self.name}: hourly_profile must be 24 finite weights >= 0"
            raise ValueError(msg)
        if self.calls_per_day > 0 and prof.sum() <= 0:
            msg = f"{self.name}: hourly_profile is all zero but calls_per_day > 0"
            raise ValueError(msg)
        for name in ("calls_per_day", "mission_on_scene_s", "on_scene_cv", "on_scene_km"):
            v = getattr(self, name)
            if not math.isfinite(v) or v < 0:
                msg = f"{self.name}: {name} must be a finite number >= 0, got {v}"
                raise ValueError(msg)
        if isinstance(self.spatial, str) and self.spatial not in ("uniform", "weighted"):
            msg = f"{self.name}: spatial must be 'uniform', 'weighted' or a weight array"
            raise ValueError(msg)

    def hourly_share(self) -> npt.NDArray[np.float64]:
        """(24,) share of the day's calls in each hour (sums to 1)."""
        p = np.asarray(self.hourly_profile, dtype=np.float64)
        return p / p.sum() if p.sum() > 0 else np.full(24, 1 / 24)


def _dept(
    name: str,
    share: float,
    profile: str,
    on_scene_min: float,
    priority: int,
    km: float,
) -> Department:
    return Department(
        name=name,
        calls_per_day=share * CALIBRATED_FLIGHTS_PER_DAY,
        hourly_profile=PROFILES[profile],
        mission_on_scene_s=on_scene_min * 60.0,
        priority=priority,
        on_scene_km=km,
    )


DEFAULT_DEPARTMENTS: tuple[Department, ...] = (
    # name, share of flights, profile, on-scene min, priority, on-scene km  -- all [E] modeled
    _dept("fire", 0.05, "emergency", 12, 1, 2.0),
    _dept("emergency management", 0.06, "emergency", 12, 1, 2.5),
    _dept("public security", 0.10, "evening", 10, 2, 2.5),
    _dept("traffic police", 0.14, "traffic", 10, 2, 3.0),
    _dept("forestry", 0.08, "patrol", 15, 2, 4.5),
    _dept("environmental protection", 0.12, "patrol", 10, 3, 3.5),
    _dept("water", 0.10, "patrol", 10, 3, 4.0),
    _dept("large events", 0.03, "events", 20, 3, 2.0),
    _dept("urban management", 0.20, "patrol", 8, 4, 3.0),
    _dept("power/energy inspection", 0.07, "patrol", 12, 4, 4.5),
    _dept("construction", 0.05, "patrol", 8, 4, 3.0),
)
"""The 11 departments with **modeled** shares summing to 1 of 49.1 calls/day (see module doc)."""


@dataclass(frozen=True)
class DemandModel:
    """A set of departments and a global multiplier.

    Attributes
    ----------
    departments
        The departments (order = department index in :class:`Calls`).
    scale
        Multiplies every department's rate (growth scenarios, stress tests).
    name
        Label.
    """

    departments: tuple[Department, ...] = DEFAULT_DEPARTMENTS
    scale: float = 1.0
    name: str = "modeled departments (calibrated to 53,000 flights / 1,080 days)"

    def __post_init__(self) -> None:
        if not self.departments:
            msg = "a demand model needs at least one department"
            raise ValueError(msg)
        if not math.isfinite(self.scale) or self.scale < 0:
            msg = f"scale must be a finite number >= 0, got {self.scale}"
            raise ValueError(msg)

    @property
    def calls_per_day(self) -> float:
        """Total mean calls per day (after scale)."""
        return self.scale * sum(d.calls_per_day for d in self.departments)

    @property
    def names(self) -> tuple[str, ...]:
        """Department names."""
        return tuple(d.name for d in self.departments)

    def scaled_to(self, calls_per_day: float) -> DemandModel:
        """Return the same mix with ``scale`` set so the total is ``calls_per_day``."""
        base = sum(d.calls_per_day for d in self.departments)
        return replace(self, scale=calls_per_day / base)


def default_model(scale: float = 1.0) -> DemandModel:
    """Return the 11 modeled departments at ``scale`` × 49.1 calls/day."""
    return DemandModel(DEFAULT_DEPARTMENTS, scale=scale)


@dataclass(frozen=True)
class Calls:
    """A stream of calls, sorted by time.

    Attributes
    ----------
    time_s
        (M,) call times, seconds from the start of day 0 (00:00), ascending.
    cell
        (M,) demand-cell index.
    department
        (M,) index into ``department_names``.
    priority
        (M,) priority (1 = most urgent).
    on_scene_s
        (M,) time on scene drawn for each call, seconds.
    on_scene_km
        (M,) distance flown on scene, km.
    department_names
        Names, by department index.
    n_days
        Length of the period, days.
    """

    time_s: npt.NDArray[np.float64]
    cell: npt.NDArray[np.int64]
    department: npt.NDArray[np.int64]
    priority: npt.NDArray[np.int64]
    on_scene_s: npt.NDArray[np.float64]
    on_scene_km: npt.NDArray[np.float64]
    department_names: tuple[str, ...]
    n_days: float

    def __len__(self) -> int:
        return int(self.time_s.shape[0])

    @property
    def horizon_s(self) -> float:
        """Length of the period, seconds."""
        return self.n_days * 86_400.0


def _cell_probs(
    dept: Department, grid_weights: npt.NDArray[np.float64], n_cells: int
) -> npt.NDArray[np.float64]:
    if isinstance(dept.spatial, str):
        w = np.ones(n_cells) if dept.spatial == "uniform" else grid_weights
    else:
        w = np.asarray(dept.spatial, dtype=np.float64)
        if w.shape != (n_cells,):
            msg = f"{dept.name}: spatial weights have shape {w.shape}, expected ({n_cells},)"
            raise ValueError(msg)
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        msg = f"{dept.name}: spatial weights must be finite, >= 0 and not all zero"
        raise ValueError(msg)
    share: npt.NDArray[np.float64] = w / w.sum()
    return share


def _gamma(rng: np.random.Generator, mean: float, cv: float, n: int) -> npt.NDArray[np.float64]:
    if mean == 0 or cv == 0:
        return np.full(n, mean)
    shape = 1.0 / (cv * cv)
    return rng.gamma(shape, mean / shape, size=n)


def generate_calls(
    model: DemandModel,
    grid_weights: npt.ArrayLike,
    n_days: int,
    rng: np.random.Generator | int | None = None,
) -> Calls:
    """Draw calls over ``n_days`` days (non-homogeneous Poisson, exact per-hour counts).

    Parameters
    ----------
    model
        Departments and scale.
    grid_weights
        (N,) demand weight per cell (e.g. ``DemandGrid.weight``); sets N and the
        ``"weighted"`` spatial layer.
    n_days
        Days to simulate (>= 1).
    rng
        Generator or seed.

    Returns
    -------
    Calls
        Sorted by time; ties keep department order.
    """
    rng = np.random.default_rng(rng)
    gw = np.asarray(grid_weights, dtype=np.float64)
    n_cells = gw.shape[0]
    if n_days < 1:
        msg = f"n_days must be >= 1, got {n_days}"
        raise ValueError(msg)
    hour_start = np.arange(n_days * 24, dtype=np.float64) * 3600.0
    parts: list[tuple[npt.NDArray[np.float64], ...]] = []
    for k, d in enumerate(model.departments):
        lam = model.scale * d.calls_per_day * np.tile(d.hourly_share(), n_days)
        counts = rng.poisson(lam)
        m = int(counts.sum())
        if m == 0:
            continue
        t = np.repeat(hour_start, counts) + rng.uniform(0.0, 3600.0, size=m)
        p = _cell_probs(d, gw, n_cells)
        cdf = np.cumsum(p)
        cell = np.minimum(
            np.searchsorted(cdf, rng.uniform(0.0, cdf[-1], size=m), "right"), n_cells - 1
        )
        scene = _gamma(rng, d.mission_on_scene_s, d.on_scene_cv, m)
        parts.append((t, cell.astype(np.float64), np.full(m, k, np.float64), scene))
    if parts:
        t, cell, dept, scene = (np.concatenate(x) for x in zip(*parts, strict=True))
    else:
        t = cell = dept = scene = np.empty(0)
    order = np.argsort(t, kind="stable")
    dept_i = dept[order].astype(np.int64)
    prio = np.array([d.priority for d in model.departments], dtype=np.int64)
    km = np.array([d.on_scene_km for d in model.departments], dtype=np.float64)
    return Calls(
        time_s=t[order],
        cell=cell[order].astype(np.int64),
        department=dept_i,
        priority=prio[dept_i] if len(dept_i) else np.empty(0, np.int64),
        on_scene_s=scene[order],
        on_scene_km=km[dept_i] if len(dept_i) else np.empty(0),
        department_names=model.names,
        n_days=float(n_days),
    )


def expected_cell_rates(
    model: DemandModel, grid_weights: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Mean call rate and mean time on scene per cell (the model's expectation, not a draw).

    Parameters
    ----------
    model
        Departments and scale.
    grid_weights
        (N,) demand weight per cell, as given to :func:`generate_calls`.

    Returns
    -------
    rate_per_s, on_scene_s
        (N,) calls per second and (N,) rate-weighted mean time on scene, s (the model-wide
        mean where a cell has no calls).
    """
    gw = np.asarray(grid_weights, dtype=np.float64)
    n = gw.shape[0]
    rate = np.zeros(n)
    work = np.zeros(n)
    for d in model.departments:
        if d.calls_per_day <= 0:
            continue
        r = model.scale * d.calls_per_day / 86_400.0 * _cell_probs(d, gw, n)
        rate += r
        work += r * d.mission_on_scene_s
    total = float(rate.sum())
    mean = float(work.sum()) / total if total > 0 else 0.0
    scene = np.divide(work, rate, out=np.full(n, mean), where=rate > 0)
    return rate, scene
