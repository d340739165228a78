r"""The M/M/c queue and the offered load per dock: each dock on its own, no cross-dock help.

* :func:`erlang_b`, :func:`erlang_c`, :func:`mmc` — the M/M/c queue (``a = λ·E[S]``
  erlangs on ``c`` servers): :math:`P(\text{wait}) = C(c, a)`, utilisation ``a / c``.
* :func:`offered_load` — arrival rate and mean service time per dock, counting the
  calls whose fastest dock it is; service = out + on scene + back + turnaround
  (:mod:`lowalt.sim.fleet` mission model); :func:`offered_load_from_calls` from
  simulated calls instead of expected rates.
* :func:`mmc_by_dock` — each dock as an independent M/M/c queue.

The whole-system models (hypercube, MEXCLP) are in :mod:`lowalt.sim.queueing`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lowalt.sim.demand import Calls
from lowalt.sim.fleet import FleetParams, ResponseTable

__all__ = [
    "DockLoad",
    "DockQueues",
    "MMc",
    "erlang_b",
    "erlang_c",
    "mmc",
    "mmc_by_dock",
    "offered_load",
    "offered_load_from_calls",
]

FloatArray = npt.NDArray[np.float64]


def erlang_b(c: int, a: float) -> float:
    """Erlang B blocking probability of ``c`` servers offered ``a`` erlangs (stable recursion)."""
    if c < 0 or a < 0:
        msg = f"need c >= 0 and a >= 0, got c={c}, a={a}"
        raise ValueError(msg)
    b = 1.0
    for n in range(1, c + 1):
        b = a * b / (n + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Erlang C: probability an arrival waits in M/M/c with ``a`` erlangs (1 when a >= c)."""
    if c <= 0 or a >= c:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


@dataclass(frozen=True)
class MMc:
    """M/M/c measures.

    Attributes
    ----------
    servers
        c.
    offered_erlangs
        a = λ·E[S].
    utilization
        Busy share of each server, min(a / c, 1).
    p_wait
        Erlang C: share of arrivals finding all servers busy.
    p_block
        Erlang B: the same share if calls were lost instead of queued.
    mean_wait_s
        Mean wait over all calls, s (``inf`` when saturated).
    """

    servers: int
    offered_erlangs: float
    utilization: float
    p_wait: float
    p_block: float
    mean_wait_s: float


def mmc(lam_per_s: float, mean_service_s: float, c: int) -> MMc:
    """Solve M/M/c: arrival rate ``lam_per_s`` (1/s), mean service ``mean_service_s`` (s)."""
    a = lam_per_s * mean_service_s
    pw = erlang_c(c, a)
    wait = pw * mean_service_s / (c - a) if a < c else math.inf
    return MMc(
        servers=c,
        offered_erlangs=a,
        utilization=min(a / c, 1.0) if c > 0 else math.nan,
        p_wait=pw,
        p_block=erlang_b(c, a),
        mean_wait_s=wait,
    )


@dataclass(frozen=True)
class DockLoad:
    """Offered load per dock and per cell.

    Attributes
    ----------
    cell_rate_per_s
        (N,) call rate per cell, 1/s.
    cell_on_scene_s
        (N,) mean time on scene per cell, s.
    lam_per_s
        (K,) rate of calls whose fastest dock is this one, 1/s.
    mean_service_s
        (K,) mean drone busy time of those calls from this dock, s.
    drones
        (K,) drones per dock.
    """

    cell_rate_per_s: FloatArray
    cell_on_scene_s: FloatArray
    lam_per_s: FloatArray
    mean_service_s: FloatArray
    drones: npt.NDArray[np.int64]

    @property
    def system_utilization(self) -> float:
        """Offered drone-busy share of the whole fleet, Σλτ / Σc (MEXCLP's q)."""
        return float((self.lam_per_s * self.mean_service_s).sum() / max(self.drones.sum(), 1))


def _service_s(
    response_s: FloatArray, on_scene_s: FloatArray, table: ResponseTable, fleet: FleetParams
) -> FloatArray:
    """Busy time of a mission with these response and on-scene times (mission model)."""
    out = response_s - table.launch_s
    scene = np.clip(fleet.endurance_s - 2.0 * out, 0.0, on_scene_s)
    fl = 2.0 * out + scene
    return response_s + scene + out + fleet.turnaround_s(fl)


def offered_load(
    table: ResponseTable,
    drones: npt.ArrayLike,
    fleet: FleetParams,
    cell_rate_per_s: npt.ArrayLike,
    on_scene_s: npt.ArrayLike,
) -> DockLoad:
    """Arrival rate and mean service time per dock (each cell homed at its fastest dock).

    Parameters
    ----------
    table
        Response table.
    drones
        (K,) drones per dock.
    fleet
        Turnaround and endurance.
    cell_rate_per_s
        (N,) calls per second per cell.
    on_scene_s
        Mean on-scene time, s: scalar or (N,).
    """
    rate = np.asarray(cell_rate_per_s, dtype=np.float64)
    scene = np.broadcast_to(np.asarray(on_scene_s, dtype=np.float64), rate.shape)
    home = table.nearest_dock
    ok = (home >= 0) & (rate > 0)
    k = table.n_docks
    svc = _service_s(table.min_time_s[ok], scene[ok], table, fleet)
    lam = np.bincount(home[ok], weights=rate[ok], minlength=k)
    work = np.bincount(home[ok], weights=rate[ok] * svc, minlength=k)
    mean = np.divide(work, lam, out=np.zeros(k), where=lam > 0)
    return DockLoad(rate, np.array(scene), lam.astype(np.float64, copy=False), mean,
                    np.asarray(drones, dtype=np.int64))


def offered_load_from_calls(
    calls: Calls, table: ResponseTable, drones: npt.ArrayLike, fleet: FleetParams
) -> DockLoad:
    """:func:`offered_load` with the rates and on-scene means observed in ``calls``."""
    n = table.n_cells
    counts = np.bincount(calls.cell, minlength=n).astype(np.float64)
    tot = np.bincount(calls.cell, weights=calls.on_scene_s, minlength=n)
    mean_all = float(calls.on_scene_s.mean()) if len(calls) else 0.0
    scene = np.divide(tot, counts, out=np.full(n, mean_all), where=counts > 0)
    return offered_load(table, drones, fleet, counts / calls.horizon_s, scene)


@dataclass(frozen=True)
class DockQueues:
    """Independent M/M/c queue per dock: (K,) arrays (see :class:`MMc`)."""

    utilization: FloatArray
    p_wait: FloatArray
    p_block: FloatArray
    offered_erlangs: FloatArray


def mmc_by_dock(load: DockLoad) -> DockQueues:
    """Each dock alone as an M/M/c queue with its own calls (no help from neighbours)."""
    k = len(load.drones)
    rows = [mmc(load.lam_per_s[i], load.mean_service_s[i], int(load.drones[i])) for i in range(k)]
    return DockQueues(
        utilization=np.array([r.utilization for r in rows]),
        p_wait=np.array([r.p_wait for r in rows]),
        p_block=np.array([r.p_block for r in rows]),
        offered_erlangs=np.array([r.offered_erlangs for r in rows]),
    )
