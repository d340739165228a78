"""Discrete-event simulation of drone dispatch from docks: the guarantee under load.

Calls (:func:`lowalt.sim.demand.generate_calls`) arrive in time order; each is
served by a drone from one of the docks that reach its cell within the response
table's horizon (:func:`response_table`, built on :func:`lowalt.flight.reach.reach_matrix`),
fastest first. A dock can launch when it has a drone that is not flying, not
turning round (charge or swap), not in maintenance, and the dock's wind is at or
below the launch limit in that hour. The mission model is in :mod:`lowalt.sim.fleet`.

Policies
--------
``"nearest_free"``
    The fastest dock that can launch now. If none, the call waits (FIFO) and takes
    the first drone that becomes able to launch at one of its docks.
``"priority_preempt"``
    As above, but waiting calls are served most urgent first (then FIFO), and a call
    that finds no dock able to launch takes a drone *on scene* of a strictly less
    urgent call (priority number larger) whose home dock reaches the call's cell:
    the drone flies straight from that scene (climb + cruise + descent, no launch
    delay) if its battery covers the diversion, the new time on scene (cut if needed)
    and the flight home. The diversion closest in time wins, if within ``max_divert_s``.
    The abandoned call keeps its response; it is marked ``preempted``.

The event loop is a hand-written ``heapq`` loop (arrivals are merged from the sorted
call arrays, so only drone-free, maintenance and wind-change events go through the
heap). Runs are reproducible: calls carry their own random draws; ``seed`` drives
the maintenance schedule only.
"""

from __future__ import annotations

import bisect
import heapq
import math
import time
from typing import Literal

import numpy as np
import numpy.typing as npt

from lowalt.flight.aircraft import Aircraft
from lowalt.flight.reach import reach_matrix
from lowalt.flight.visibility import ObstacleSet
from lowalt.sim.demand import Calls
from lowalt.sim.fleet import FleetParams, ResponseTable
from lowalt.sim.result import SimResult

__all__ = ["POLICIES", "Policy", "response_table", "simulate"]

Policy = Literal["nearest_free", "priority_preempt"]
POLICIES: tuple[str, ...] = ("nearest_free", "priority_preempt")

_FREE, _MAINT_START, _MAINT_END, _WIND_OK = 0, 1, 2, 3


def response_table(
    cells_xy: npt.NDArray[np.float64],
    docks_xy: npt.NDArray[np.float64],
    aircraft: Aircraft,
    *,
    horizon_s: float = 600.0,
    wind_speed_mps: float = 0.0,
    obstacles: ObstacleSet | None = None,
    unservable: npt.NDArray[np.bool_] | None = None,
    true_north_grid_deg: float = 0.0,
    wind_from_deg: float | None = None,
) -> ResponseTable:
    """Dock x cell response times up to ``horizon_s`` for :func:`simulate`.

    Parameters
    ----------
    cells_xy, docks_xy
        (N, 2) cells and (K, 2) docks, metres, metric CRS.
    aircraft
        Performance (launch delay, climb, descent, cruise speed).
    horizon_s
        Longest response considered, s: a call never takes a drone from a dock slower than
        this (it waits instead). Larger = more candidates per call, slower runs.
    wind_speed_mps, obstacles, unservable, true_north_grid_deg, wind_from_deg
        As in :func:`lowalt.flight.reach.reach_matrix` (wind > 0 = worst-direction times unless
        ``wind_from_deg`` gives the direction).

    Returns
    -------
    ResponseTable
    """
    m = reach_matrix(
        cells_xy,
        docks_xy,
        aircraft,
        max_time_s=horizon_s,
        wind_speed_mps=wind_speed_mps,
        obstacles=obstacles,
        unservable=unservable,
        true_north_grid_deg=true_north_grid_deg,
        wind_from_deg=wind_from_deg,
    )
    return ResponseTable(
        times=m,
        launch_s=aircraft.launch_delay_s,
        vertical_s=aircraft.climb_s + aircraft.descent_s,
        # Ground speed for km flown and diversions: the headwind bound, or airspeed as the
        # mean over a directional wind's legs.
        speed_mps=aircraft.cruise_speed_mps
        if wind_from_deg is not None
        else max(aircraft.cruise_speed_mps - wind_speed_mps, 1e-9),
        cells_xy=np.asarray(cells_xy, dtype=np.float64),
        docks_xy=np.asarray(docks_xy, dtype=np.float64),
    )


def _maintenance_events(
    drones: npt.NDArray[np.int64], p: float, n_days: int, rng: np.random.Generator
) -> list[tuple[float, int, int, int]]:
    if p <= 0 or n_days <= 0:
        return []
    counts = rng.binomial(np.repeat(drones[:, None], n_days, axis=1), p)
    dock, day = np.nonzero(counts)
    reps = counts[dock, day]
    dock, day = np.repeat(dock, reps), np.repeat(day, reps)
    t = day * 86_400.0 + rng.uniform(0.0, 86_400.0, size=len(day))
    return [
        (float(a), -1 - i, _MAINT_START, int(b))
        for i, (a, b) in enumerate(zip(t, dock, strict=True))
    ]


def simulate(
    calls: Calls,
    table: ResponseTable,
    drones: npt.ArrayLike,
    fleet: FleetParams | None = None,
    *,
    policy: Policy = "nearest_free",
    target_s: float = 300.0,
    seed: int | None = 0,
    max_divert_s: float | None = None,
) -> SimResult:
    """Simulate dispatch of ``calls`` by the drones of the docks.

    Parameters
    ----------
    calls
        Calls sorted by time (:func:`lowalt.sim.demand.generate_calls`).
    table
        Dock x cell response times (:func:`response_table` or a hand-made
        :class:`~lowalt.sim.fleet.ResponseTable`); cells index ``calls.cell``.
    drones
        (K,) drones per dock.
    fleet
        Endurance, turnaround, wind grounding, maintenance, patience.
    policy
        ``"nearest_free"`` or ``"priority_preempt"`` (see the module doc).
    target_s
        Response target for the summary measures, s.
    seed
        Seed of the maintenance schedule.
    max_divert_s
        Longest diversion a preemption may start, s; default the larger of ``target_s`` and
        the slowest time stored in the table.

    Returns
    -------
    SimResult
    """
    fleet = fleet or FleetParams()
    if policy not in POLICIES:
        msg = f"policy must be one of {POLICIES}, got {policy!r}"
        raise ValueError(msg)
    dr = np.asarray(drones, dtype=np.int64)
    n_docks, n_cells = table.n_docks, table.n_cells
    if dr.shape != (n_docks,) or np.any(dr < 0):
        msg = f"drones must be {n_docks} counts >= 0, got shape {dr.shape}"
        raise ValueError(msg)
    m = len(calls)
    if m and (calls.cell.min() < 0 or calls.cell.max() >= n_cells):
        msg = "calls refer to cells outside the response table"
        raise ValueError(msg)
    preempt = policy == "priority_preempt"
    if preempt and (table.cells_xy is None or table.speed_mps is None):
        msg = "priority_preempt needs cells_xy and speed_mps in the response table"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    n_days = math.ceil(calls.n_days)
    n_hours = max(n_days * 24, 1)
    grounded = fleet.grounded(n_hours, n_docks)

    t0 = time.perf_counter()
    indptr_a, dock_a, time_a = table.by_cell
    indptr, cdk, ctt = indptr_a.tolist(), dock_a.tolist(), time_a.tolist()
    ct = calls.time_s.tolist()
    ccell = calls.cell.tolist()
    cprio = calls.priority.tolist()
    cscene = calls.on_scene_s.tolist()
    launch_s = float(table.launch_s)
    endurance = float(fleet.endurance_s)
    max_wait = float(fleet.max_wait_s)
    maint_s = float(fleet.maintenance_s)
    swap = fleet.swap_s
    rech, prop = float(fleet.recharge_s), fleet.recharge_proportional
    horizon = max(table.horizon_s, target_s) if max_divert_s is None else float(max_divert_s)

    empty: frozenset[int] = frozenset()
    gsets: list[frozenset[int]] | None = None
    heap: list[tuple[float, int, int, int]] = _maintenance_events(
        dr, fleet.maintenance_prob, n_days, rng
    )
    if grounded is not None:
        gsets = [
            frozenset(np.flatnonzero(row).tolist()) if row.any() else empty for row in grounded
        ]
        flips = np.flatnonzero((grounded[:-1] & ~grounded[1:]).any(axis=1)) + 1
        heap += [(h * 3600.0, -10_000_000 - int(h), _WIND_OK, int(h)) for h in flips]
    heapq.heapify(heap)
    last_hour = n_hours - 1

    free = dr.tolist()
    pending = [0] * n_docks
    busy = [0.0] * n_docks
    flying = [0.0] * n_docks
    down = [0.0] * n_docks
    resp = [math.inf] * m
    waited = [0.0] * m
    served_by = [-1] * m
    nbusy = [False] * m
    diverted = [False] * m
    preempted = [False] * m
    trunc = [False] * m
    scene_done = [0.0] * m  # time actually spent on scene
    # Mission state (mission id = call index), used by preemption.
    m_free = [0.0] * m
    m_scene0 = [0.0] * m
    m_scene1 = [0.0] * m
    m_used0 = [0.0] * m  # flight time used when reaching the scene
    m_fl = [0.0] * m  # flight time of the sortie as scheduled
    cancelled = [False] * m
    active: list[set[int]] = [set() for _ in range(n_docks)]
    waiting: list[tuple[int, float, int]] = []  # (priority or 0, arrival, call)
    cand_cache: dict[int, dict[int, float]] = {}
    seq = 0
    n_events = 0

    def turnaround(fl: float) -> float:
        if swap is not None:
            return float(swap)
        return rech * min(fl, endurance) / endurance if prop else rech

    def launch(i: int, k: int, now: float, r: float) -> None:
        nonlocal seq
        wait = now - ct[i]
        resp[i] = wait + r
        waited[i] = wait
        served_by[i] = k
        out = r - launch_s
        sc = cscene[i]
        if out + sc + out > endurance:
            sc = max(0.0, endurance - 2.0 * out)
            trunc[i] = True
        fl = out + sc + out
        t_free = now + r + sc + out + turnaround(fl)
        busy[k] += t_free - now
        flying[k] += fl
        scene_done[i] = sc
        free[k] -= 1
        seq += 1
        heapq.heappush(heap, (t_free, seq, _FREE, i))
        if preempt:
            m_free[i], m_scene0[i], m_scene1[i] = t_free, now + r, now + r + sc
            m_used0[i], m_fl[i] = out, fl
            active[k].add(i)

    def can_launch(k: int, now: float) -> bool:
        if free[k] <= 0:
            return False
        if gsets is None:
            return True
        return k not in gsets[min(int(now // 3600.0), last_hour)]

    def cand(c: int) -> dict[int, float]:
        d = cand_cache.get(c)
        if d is None:
            lo, hi = indptr[c], indptr[c + 1]
            d = dict(zip(cdk[lo:hi], ctt[lo:hi], strict=True))
            cand_cache[c] = d
        return d

    def serve_waiting(k: int, now: float) -> None:
        while waiting and can_launch(k, now):
            hit = -1
            j = 0
            while j < len(waiting):
                _, arr, i = waiting[j]
                if now - arr > max_wait:
                    waited[i] = max_wait
                    waiting.pop(j)
                    continue
                if k in cand(ccell[i]):
                    hit = j
                    break
                j += 1
            if hit < 0:
                return
            _, _, i = waiting.pop(hit)
            launch(i, k, now, cand(ccell[i])[k])

    def divert(i: int, now: float, lo: int, hi: int) -> bool:
        nonlocal seq
        c, p = ccell[i], cprio[i]
        cx, cy = cells_xy[c]
        best = (math.inf, -1, -1, 0.0, 0.0)
        for j in range(lo, hi):
            k = cdk[j]
            ret = ctt[j] - launch_s
            for mm in active[k]:
                if cprio[mm] <= p or not (m_scene0[mm] <= now < m_scene1[mm]):
                    continue
                ox, oy = cells_xy[ccell[mm]]
                d = vertical_s + math.hypot(cx - ox, cy - oy) / speed
                used = m_used0[mm] + (now - m_scene0[mm])
                if d < best[0] and d <= horizon and used + d + ret <= endurance:
                    best = (d, mm, k, used, ret)
        d, mm, k, used, ret = best
        if mm < 0:
            return False
        # Abandon mm: undo the rest of its sortie.
        cancelled[mm] = True
        preempted[mm] = True
        active[k].discard(mm)
        busy[k] -= m_free[mm] - now
        flying[k] -= m_fl[mm] - used
        scene_done[mm] = now - m_scene0[mm]
        sc = cscene[i]
        if used + d + sc + ret > endurance:
            sc = endurance - used - d - ret
            trunc[i] = True
        fl = used + d + sc + ret
        t_free = now + d + sc + ret + turnaround(fl)
        busy[k] += t_free - now
        flying[k] += d + sc + ret
        resp[i], waited[i], served_by[i], diverted[i] = d, 0.0, k, True
        scene_done[i] = sc
        m_free[i], m_scene0[i], m_scene1[i] = t_free, now + d, now + d + sc
        m_used0[i], m_fl[i] = used + d, fl
        active[k].add(i)
        seq += 1
        heapq.heappush(heap, (t_free, seq, _FREE, i))
        return True

    cells_xy = table.cells_xy.tolist() if preempt and table.cells_xy is not None else []
    vertical_s = float(table.vertical_s)
    speed = float(table.speed_mps or 1.0)

    def handle(ev: tuple[float, int, int, int]) -> None:
        now, _, kind, a = ev
        if kind == _FREE:
            if cancelled[a]:
                return
            k = served_by[a]
            if preempt:
                active[k].discard(a)
            if pending[k]:
                pending[k] -= 1
                down[k] += maint_s
                heapq.heappush(heap, (now + maint_s, ev[1], _MAINT_END, k))
                return
            free[k] += 1
            if waiting:
                serve_waiting(k, now)
        elif kind == _MAINT_START:
            if free[a] > 0:
                free[a] -= 1
                down[a] += maint_s
                heapq.heappush(heap, (now + maint_s, ev[1], _MAINT_END, a))
            else:
                pending[a] += 1
        elif kind == _MAINT_END:
            free[a] += 1
            if waiting:
                serve_waiting(a, now)
        elif kind == _WIND_OK and waiting and grounded is not None:
            for k in np.flatnonzero(grounded[a - 1] & ~grounded[a]).tolist():
                if waiting and free[k] > 0:
                    serve_waiting(k, now)

    for i in range(m):
        now = ct[i]
        while heap and heap[0][0] <= now:
            handle(heapq.heappop(heap))
            n_events += 1
        n_events += 1
        c = ccell[i]
        lo, hi = indptr[c], indptr[c + 1]
        if lo == hi:
            nbusy[i] = True
            continue
        gs = empty if gsets is None else gsets[min(int(now // 3600.0), last_hour)]
        k0 = cdk[lo]
        nbusy[i] = free[k0] <= 0 or k0 in gs
        for j in range(lo, hi):
            k = cdk[j]
            if free[k] > 0 and k not in gs:
                launch(i, k, now, ctt[j])
                break
        else:
            if preempt and divert(i, now, lo, hi):
                continue
            key = cprio[i] if preempt else 0
            bisect.insort(waiting, (key, now, i))
    while heap:
        handle(heapq.heappop(heap))
        n_events += 1
    for _, _arr, i in waiting:  # never served
        waited[i] = min(max_wait, math.inf)
    wall = time.perf_counter() - t0

    response = np.asarray(resp, dtype=np.float64)
    dock_arr = np.asarray(served_by, dtype=np.int64)
    done = np.asarray(scene_done, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(calls.on_scene_s > 0, done / np.maximum(calls.on_scene_s, 1e-300), 1.0)
    served = dock_arr >= 0
    waited_arr = np.asarray(waited, dtype=np.float64)
    leg = np.full(m, np.inf)  # flight time to the scene; a call never served has none
    leg[served] = response[served] - waited_arr[served]
    km = np.where(served, 2.0 * table.transit_km(leg) + calls.on_scene_km * frac, np.nan)
    return SimResult(
        response_s=response,
        dock=dock_arr,
        waited_s=waited_arr,
        department=calls.department.copy(),
        priority=calls.priority.copy(),
        cell=calls.cell.copy(),
        nearest_dock=table.nearest_dock[calls.cell],
        nearest_busy=np.asarray(nbusy, dtype=bool),
        diverted=np.asarray(diverted, dtype=bool),
        preempted=np.asarray(preempted, dtype=bool),
        truncated=np.asarray(trunc, dtype=bool),
        flown_km=km,
        department_names=calls.department_names,
        target_s=float(target_s),
        horizon_s=calls.horizon_s,
        drones=dr.copy(),
        busy_s=np.asarray(busy, dtype=np.float64),
        flying_s=np.asarray(flying, dtype=np.float64),
        down_s=np.asarray(down, dtype=np.float64),
        geometric_s=table.min_time_s[calls.cell],
        n_events=n_events,
        wall_s=wall,
        policy=policy,
    )
