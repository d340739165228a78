"""Result of a dispatch simulation: per-call records and the summary measures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["SimResult"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class SimResult:
    """Per-call records (arrays in call order) and per-dock totals of one simulation run.

    Attributes
    ----------
    response_s
        (M,) call to drone on scene, s (wait + flight); ``inf`` = never served.
    dock
        (M,) dock that served the call (the diverted drone's home dock), -1 = none.
    waited_s
        (M,) time the call waited for a drone, s (0 = a drone launched at once).
    department, priority, cell
        (M,) copied from the calls.
    nearest_dock
        (M,) fastest dock of the call's cell (its home dock for the queueing comparison), -1.
    nearest_busy
        (M,) the nearest dock had no drone able to launch when the call arrived (busy,
        turning round, in maintenance or grounded by wind).
    diverted
        (M,) served by a drone diverted from a less urgent scene (priority preemption).
    preempted
        (M,) this call's drone left the scene early for a more urgent call.
    truncated
        (M,) time on scene cut short by the battery.
    flown_km
        (M,) transit out and back plus on-scene km, km.
    department_names
        Names by department index.
    target_s
        Response target, s.
    horizon_s
        Simulated period, s (calls arrive in [0, horizon)).
    drones
        (K,) drones per dock.
    busy_s
        (K,) drone-seconds busy per dock (launch to end of turnaround).
    flying_s
        (K,) drone-seconds airborne per dock.
    down_s
        (K,) drone-seconds in maintenance per dock.
    geometric_s
        (M,) fastest possible response to the call's cell (the zero-load guarantee), s.
    n_events
        Events processed by the event loop.
    wall_s
        Wall-clock time of the event loop, s.
    policy
        Dispatch policy used.
    """

    response_s: FloatArray
    dock: IntArray
    waited_s: FloatArray
    department: IntArray
    priority: IntArray
    cell: IntArray
    nearest_dock: IntArray
    nearest_busy: BoolArray
    diverted: BoolArray
    preempted: BoolArray
    truncated: BoolArray
    flown_km: FloatArray
    department_names: tuple[str, ...]
    target_s: float
    horizon_s: float
    drones: IntArray
    busy_s: FloatArray
    flying_s: FloatArray
    down_s: FloatArray
    geometric_s: FloatArray
    n_events: int
    wall_s: float
    policy: str

    @property
    def n_calls(self) -> int:
        """M."""
        return int(self.response_s.shape[0])

    def within(self, target_s: float | None = None) -> BoolArray:
        """(M,) whether each call was reached within the target (default ``target_s``)."""
        return self.response_s <= (self.target_s if target_s is None else target_s)

    def share_within(self, target_s: float | None = None) -> float:
        """Share of all calls reached within the target."""
        return float(self.within(target_s).mean()) if self.n_calls else float("nan")

    def share_by_department(self, target_s: float | None = None) -> dict[str, float]:
        """Share reached within the target per department (``nan`` when it had no call)."""
        n = len(self.department_names)
        hits = np.bincount(self.department, weights=self.within(target_s), minlength=n)
        calls = np.bincount(self.department, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = hits / calls
        return dict(zip(self.department_names, share.tolist(), strict=True))

    def calls_by_department(self) -> dict[str, int]:
        """Count calls per department."""
        c = np.bincount(self.department, minlength=len(self.department_names))
        return dict(zip(self.department_names, c.tolist(), strict=True))

    def percentiles_s(self, q: tuple[float, ...] = (50, 90, 99)) -> dict[str, float]:
        """Response-time percentiles, s (``inf`` when that share was never served)."""
        if not self.n_calls:
            return {f"p{x:g}": float("nan") for x in q}
        v = np.percentile(self.response_s, q, method="inverted_cdf")
        return {f"p{x:g}": float(y) for x, y in zip(q, v, strict=True)}

    @property
    def waited(self) -> BoolArray:
        """(M,) calls that waited for a drone."""
        return self.waited_s > 0

    @property
    def unserved(self) -> BoolArray:
        """(M,) calls never served (no dock within the horizon, or abandoned)."""
        return ~np.isfinite(self.response_s)

    def utilization(self) -> FloatArray:
        """(K,) busy share of each dock's drone time (mission + turnaround), 0-1."""
        cap = self.drones * self.horizon_s
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(cap > 0, self.busy_s / cap, np.nan)

    def fleet_utilization(self) -> float:
        """Busy share of all drone time, 0-1."""
        return float(self.busy_s.sum() / max(self.drones.sum() * self.horizon_s, 1e-300))

    def p_nearest_busy_by_dock(self) -> FloatArray:
        """(K,) share of the calls homed at each dock that found it unable to launch.

        By PASTA this is the time share the dock has no drone available (Poisson calls).
        """
        k = len(self.drones)
        ok = self.nearest_dock >= 0
        home = self.nearest_dock[ok]
        busy = np.bincount(home, weights=self.nearest_busy[ok], minlength=k)
        n = np.bincount(home, minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, busy / np.maximum(n, 1), np.nan)

    def cell_reliability(
        self, n_cells: int | None = None, target_s: float | None = None
    ) -> tuple[FloatArray, IntArray]:
        """Per-cell share of calls reached within the target and calls per cell.

        Returns
        -------
        share, calls
            (N,) share (``nan`` where no call) and (N,) counts.
        """
        n = int(self.cell.max()) + 1 if n_cells is None and self.n_calls else (n_cells or 0)
        calls = np.bincount(self.cell, minlength=n)
        hits = np.bincount(self.cell, weights=self.within(target_s), minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(calls > 0, hits / np.maximum(calls, 1), np.nan)
        return share, calls

    def worst_cells(
        self, count: int = 10, *, min_calls: int = 5, target_s: float | None = None
    ) -> list[tuple[int, float, int]]:
        """List the least reliable cells among those with ``min_calls`` calls or more.

        Returns
        -------
        list of (cell, share within target, calls), worst first (ties: more calls first).
        """
        share, calls = self.cell_reliability(target_s=target_s)
        idx = np.flatnonzero(calls >= min_calls)
        order = idx[np.lexsort((-calls[idx], share[idx]))][:count]
        return [(int(c), float(share[c]), int(calls[c])) for c in order]

    def summary(self) -> dict[str, object]:
        """Headline measures as plain Python values."""
        fin = np.isfinite(self.flown_km)
        return {
            "policy": self.policy,
            "calls": self.n_calls,
            "days": self.horizon_s / 86_400.0,
            "target_s": self.target_s,
            "share_within_target": self.share_within(),
            "share_within_target_at_zero_load": float(np.mean(self.geometric_s <= self.target_s))
            if self.n_calls
            else float("nan"),
            "share_by_department": self.share_by_department(),
            "percentiles_s": self.percentiles_s(),
            "mean_response_s": float(np.mean(self.response_s[~self.unserved]))
            if (~self.unserved).any()
            else float("nan"),
            "calls_waited": int(self.waited.sum()),
            "share_waited": float(self.waited.mean()) if self.n_calls else float("nan"),
            "mean_wait_of_waiting_s": float(self.waited_s[self.waited].mean())
            if self.waited.any()
            else 0.0,
            "unserved": int(self.unserved.sum()),
            "diverted": int(self.diverted.sum()),
            "preempted": int(self.preempted.sum()),
            "truncated": int(self.truncated.sum()),
            "fleet_utilization": self.fleet_utilization(),
            "max_dock_utilization": float(np.nanmax(self.utilization()))
            if len(self.drones)
            else float("nan"),
            "km_per_flight": float(self.flown_km[fin & ~self.unserved].mean())
            if (fin & ~self.unserved).any()
            else float("nan"),
            "events": self.n_events,
            "wall_s": self.wall_s,
        }
