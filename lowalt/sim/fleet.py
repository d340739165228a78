"""Inputs of the dispatch simulation: the dock x cell response table and the fleet parameters.

Shared by :mod:`lowalt.sim.simulate` and :mod:`lowalt.sim.queueing` (both one level up), so the
simulation and its analytic cross-checks read the same flight times and the same mission
model. Times are seconds, distances metres unless a name says ``_km``.

Mission model (one call, one drone)
-----------------------------------
``response = wait + T[k, c]`` where ``T`` is the reach time (launch + climb + cruise +
descent, :func:`lowalt.flight.reach.reach_matrix`). The drone is then on scene for the call's
``on_scene_s`` and flies back in ``T[k, c] - launch_s`` (same leg, calm/worst-wind
symmetric). Battery: the flight (out + scene + back) is capped at ``endurance_s`` by cutting
the time on scene (the call is marked *truncated*). After landing the dock turns the drone
round in ``swap_s`` (battery swap) or ``recharge_s`` (full charge), pro rata to the energy
used when ``recharge_proportional``. The drone is *busy* from launch to the end of the
turnaround.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
from scipy import sparse, special
from scipy.signal import lfilter

__all__ = ["FleetParams", "ResponseTable", "wind_series"]


@dataclass(frozen=True)
class FleetParams:
    """Drone and dock parameters of the simulation (defaults: wuhan_facts.md §6.4, [E]).

    Attributes
    ----------
    endurance_s
        Usable flight time per sortie, s (35 min).
    recharge_s
        Dock charge time from empty to usable-full, s (45 min).
    recharge_proportional
        Charge time pro rata to the flight time used (``recharge_s * flight / endurance``);
        otherwise always the full ``recharge_s``.
    swap_s
        Battery-swap turnaround, s; when set it replaces charging (e.g. 120).
    launch_wind_limit_mps
        No launch while the dock's wind exceeds this, m/s (DJI Dock 3: 12; Dock 2: 8).
    wind_mps
        Hourly wind speed at the docks, m/s: (H,) for all docks or (H, K) per dock; hour 0 is
        00:00 of day 0; used cyclically when shorter than the run (a design-wind day is one
        value). A scenario's ``wind_file`` must cover every simulated hour: the loader refuses
        a shorter file rather than repeat it. ``None``: never grounded.
    maintenance_prob
        Probability a drone goes down for maintenance on a given day.
    maintenance_s
        Duration of one maintenance outage, s (starts at a uniform time of day; a drone out
        on a mission goes down when it is back).
    max_wait_s
        Calls still waiting after this long are abandoned (response ``inf``).
    """

    endurance_s: float = 35 * 60.0
    recharge_s: float = 45 * 60.0
    recharge_proportional: bool = True
    swap_s: float | None = None
    launch_wind_limit_mps: float = 12.0
    wind_mps: npt.NDArray[np.float64] | None = None
    maintenance_prob: float = 0.0
    maintenance_s: float = 4 * 3600.0
    max_wait_s: float = math.inf

    def __post_init__(self) -> None:
        if not self.endurance_s > 0:
            msg = f"endurance_s must be > 0, got {self.endurance_s}"
            raise ValueError(msg)
        for name in ("recharge_s", "maintenance_s", "max_wait_s"):
            if not getattr(self, name) >= 0:
                msg = f"{name} must be >= 0, got {getattr(self, name)}"
                raise ValueError(msg)
        if self.swap_s is not None and not self.swap_s >= 0:
            msg = f"swap_s must be >= 0, got {self.swap_s}"
            raise ValueError(msg)
        if not 0.0 <= self.maintenance_prob <= 1.0:
            msg = f"maintenance_prob must be in [0, 1], got {self.maintenance_prob}"
            raise ValueError(msg)

    def turnaround_s(self, flight_s: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Dock turnaround after a flight of ``flight_s`` seconds (swap or charge), s."""
        f = np.asarray(flight_s, dtype=np.float64)
        if self.swap_s is not None:
            return np.full_like(f, self.swap_s)
        if self.recharge_proportional:
            return self.recharge_s * np.minimum(f, self.endurance_s) / self.endurance_s
        return np.full_like(f, self.recharge_s)

    def grounded(self, n_hours: int, n_docks: int) -> npt.NDArray[np.bool_] | None:
        """(n_hours, K) whether each dock may not launch in each hour; ``None`` if never."""
        if self.wind_mps is None:
            return None
        w = np.asarray(self.wind_mps, dtype=np.float64)
        if w.ndim == 1:
            w = w[:, None]
        if w.ndim != 2 or w.shape[1] not in (1, n_docks) or w.shape[0] == 0:
            msg = f"wind_mps must be (H,) or (H, {n_docks}), got {w.shape}"
            raise ValueError(msg)
        reps = -(-n_hours // w.shape[0])
        g = np.tile(w, (reps, 1))[:n_hours] > self.launch_wind_limit_mps
        return np.broadcast_to(g, (n_hours, n_docks)).copy()


@dataclass(frozen=True)
class ResponseTable:
    """Dock -> cell response times up to a horizon, with the geometry of the legs.

    Attributes
    ----------
    times
        (K, N) sparse seconds (launch + climb + cruise + descent); absent = beyond the horizon.
    launch_s
        Ground part of every response (call to take-off), s; the return leg is ``t - launch_s``.
    vertical_s
        Climb + descent, s (paid again by a drone diverted from one scene to another).
    speed_mps
        Cruise ground speed used to convert cruise time to distance, m/s; ``None`` = unknown
        (no flown km, no preemption).
    cells_xy, docks_xy
        (N, 2), (K, 2) positions, metres; needed for priority preemption (diversions).
    """

    times: sparse.csr_array
    launch_s: float = 0.0
    vertical_s: float = 0.0
    speed_mps: float | None = None
    cells_xy: npt.NDArray[np.float64] | None = None
    docks_xy: npt.NDArray[np.float64] | None = None

    @property
    def n_docks(self) -> int:
        """K."""
        return int(self.times.shape[0])

    @property
    def n_cells(self) -> int:
        """N."""
        return int(self.times.shape[1])

    @property
    def horizon_s(self) -> float:
        """Largest stored time, s."""
        return float(self.times.data.max()) if self.times.nnz else 0.0

    @cached_property
    def by_cell(
        self,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """``(indptr, dock, time)``: each cell's docks, fastest first (CSR over cells)."""
        t = sparse.csr_array(self.times).T.tocsr()
        t.sum_duplicates()
        cell = np.repeat(np.arange(t.shape[0]), np.diff(t.indptr))
        order = np.lexsort((t.indices, t.data, cell))
        return (
            t.indptr.astype(np.int64),
            t.indices[order].astype(np.int64),
            t.data[order].astype(np.float64),
        )

    @cached_property
    def nearest_dock(self) -> npt.NDArray[np.int64]:
        """(N,) fastest dock per cell, -1 when none within the horizon."""
        indptr, dock, _ = self.by_cell
        has = np.diff(indptr) > 0
        out = np.full(self.n_cells, -1, dtype=np.int64)
        out[has] = dock[indptr[:-1][has]]
        return out

    @cached_property
    def min_time_s(self) -> npt.NDArray[np.float64]:
        """(N,) fastest response per cell (the geometric guarantee), s; ``inf`` when none."""
        indptr, _, time = self.by_cell
        has = np.diff(indptr) > 0
        out = np.full(self.n_cells, np.inf)
        out[has] = time[indptr[:-1][has]]
        return out

    def transit_km(self, response_s: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Cruise distance of a leg from its response time, km (0 when speed unknown)."""
        r = np.asarray(response_s, dtype=np.float64)
        if self.speed_mps is None:
            return np.zeros_like(r)
        cruise = np.maximum(r - self.launch_s - self.vertical_s, 0.0)
        return np.where(np.isfinite(r), cruise * self.speed_mps / 1000.0, 0.0)


def wind_series(
    n_hours: int,
    rng: np.random.Generator | int | None = None,
    *,
    mean_mps: float = 4.5,
    weibull_k: float = 2.0,
    persistence: float = 0.85,
) -> npt.NDArray[np.float64]:
    """Hourly wind speeds, m/s: Weibull marginal with AR(1) persistence (Gaussian copula).

    Parameters
    ----------
    n_hours
        Length of the series.
    rng
        Generator or seed.
    mean_mps
        Mean wind speed at cruise height, m/s (**modeled** default for 120 m over Wuhan).
    weibull_k
        Weibull shape (2 = Rayleigh).
    persistence
        Lag-1 autocorrelation of the underlying Gaussian (0 = independent hours).

    Returns
    -------
    numpy.ndarray
        (n_hours,) m/s.
    """
    rng = np.random.default_rng(rng)
    if not 0.0 <= persistence < 1.0:
        msg = f"persistence must be in [0, 1), got {persistence}"
        raise ValueError(msg)
    e = rng.standard_normal(max(n_hours, 1))
    # AR(1) z_t = a z_{t-1} + sqrt(1 - a^2) e_t, started stationary at z_0 = e_0.
    s = math.sqrt(1.0 - persistence**2)
    rest = lfilter([s], [1.0, -persistence], e[1:], zi=[persistence * e[0]])[0]
    z = np.concatenate([e[:1], rest])[:n_hours]
    u = special.ndtr(z)
    scale = mean_mps / math.gamma(1.0 + 1.0 / weibull_k)
    speeds: npt.NDArray[np.float64] = scale * (-np.log1p(-np.clip(u, 0.0, 1 - 1e-16))) ** (
        1.0 / weibull_k
    )
    return speeds
