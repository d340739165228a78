"""Reach: the fastest response time to every demand cell from any dock.

Inputs are metric (scenario CRS): cell centres, dock positions, an
:class:`~lowalt.flight.aircraft.Aircraft`, a :class:`~lowalt.flight.aircraft.Wind` and the
no-fly obstacles at cruise altitude. Output times are seconds.

Exactness. For each cell the nearest dock (straight-line) gives a response
time ``T1``. No dock farther than ``(T1 - overhead) * (v_air + v_wind)`` can be
faster, because no track is flown faster than ``v_air + v_wind`` and detours
only lengthen it; every dock within that radius is evaluated exactly (direct
leg when the segment is clear, exact least-time path around the obstacles
otherwise). The radius is widened to the target's reach so the number of docks
reaching each cell within the target is exact too. Cells whose nearest dock
cannot reach them at all (e.g. wind stronger than the airspeed) are evaluated
against their 64 nearest docks; with more docks than that such cells may be
reported unreachable when a farther dock could still reach them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.spatial import cKDTree

from lowalt.flight.aircraft import Aircraft, Wind
from lowalt.flight.visibility import ObstacleSet, cost_field

__all__ = [
    "PairSet",
    "ReachField",
    "candidate_pairs",
    "compute_reach",
    "pair_times_s",
    "reach_matrix",
]

log = logging.getLogger(__name__)

_FALLBACK_K = 64


@dataclass(frozen=True)
class PairSet:
    """Dock-cell pairs worth evaluating, grouped by cell (cells ascending).

    Attributes
    ----------
    cell, dock
        (P,) indices.
    starts
        (N,) offset of each cell's first pair in ``cell``/``dock``.
    """

    cell: npt.NDArray[np.int64]
    dock: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]


@dataclass(frozen=True)
class ReachField:
    """Fastest response per cell under one wind.

    Attributes
    ----------
    label
        What condition this is ("calm", "wind 8 m/s from 270°").
    wind
        The wind.
    time_s
        (N,) fastest response time, seconds; ``inf`` when no dock can serve the cell.
    dock
        (N,) index of the fastest dock, -1 when none.
    docks_within_target
        (N,) number of docks that reach the cell within the target.
    dock_reach_cells
        (K,) number of cells each dock reaches within the target.
    target_s
        The target used for the counts, seconds.
    """

    label: str
    wind: Wind
    time_s: npt.NDArray[np.float64]
    dock: npt.NDArray[np.int64]
    docks_within_target: npt.NDArray[np.int64]
    dock_reach_cells: npt.NDArray[np.int64]
    target_s: float


def pair_times_s(
    cells_xy: npt.NDArray[np.float64],
    docks_xy: npt.NDArray[np.float64],
    cell: npt.NDArray[np.int64],
    dock: npt.NDArray[np.int64],
    aircraft: Aircraft,
    wind: Wind,
    obstacles: ObstacleSet | None = None,
    unservable: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.float64]:
    """Response times of dock -> cell pairs, seconds.

    Parameters
    ----------
    cells_xy, docks_xy
        (N, 2) and (K, 2) positions, metres.
    cell, dock
        (P,) pair indices.
    aircraft, wind
        Performance and wind.
    obstacles
        No-fly areas at cruise altitude; paths go around them exactly.
    unservable
        (N,) cells that may not be served at all (inside a no-fly volume).

    Returns
    -------
    numpy.ndarray
        (P,) seconds, ``inf`` for impossible pairs.
    """
    d = cells_xy[cell] - docks_xy[dock]
    cruise = aircraft.cruise_time_s(d[:, 0], d[:, 1], wind)
    if obstacles is not None and not obstacles.is_empty():
        blocked = obstacles.blocked(docks_xy[dock], cells_xy[cell])
        if blocked.any():
            _detour(cruise, blocked, cells_xy, docks_xy, cell, dock, aircraft, wind, obstacles)
    t = aircraft.response_time_s(cruise)
    if unservable is not None:
        t[unservable[cell]] = np.inf
    return t


def _detour(
    cruise: npt.NDArray[np.float64],
    blocked: npt.NDArray[np.bool_],
    cells_xy: npt.NDArray[np.float64],
    docks_xy: npt.NDArray[np.float64],
    cell: npt.NDArray[np.int64],
    dock: npt.NDArray[np.int64],
    aircraft: Aircraft,
    wind: Wind,
    obstacles: ObstacleSet,
) -> None:
    """Replace blocked straight legs by exact least-time paths around the obstacles (in place)."""

    def cost(dx: npt.NDArray[np.float64], dy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return aircraft.cruise_time_s(dx, dy, wind)

    idx = np.flatnonzero(blocked)
    order = idx[np.argsort(dock[idx], kind="stable")]
    bounds = np.flatnonzero(np.diff(dock[order])) + 1
    for group in np.split(order, bounds):
        k = int(dock[group[0]])
        field = cost_field(docks_xy[k], cells_xy[cell[group]], obstacles, cost)
        cruise[group] = field.cost


def candidate_pairs(
    cells_xy: npt.NDArray[np.float64],
    docks_xy: npt.NDArray[np.float64],
    aircraft: Aircraft,
    wind: Wind,
    *,
    target_s: float,
    obstacles: ObstacleSet | None = None,
    unservable: npt.NDArray[np.bool_] | None = None,
) -> PairSet:
    """Every dock-cell pair that can be a cell's fastest or reach it within the target.

    ``wind`` only sets the speed bound, so one pair set serves every wind direction of that
    speed (and any lower speed).
    """
    tree = cKDTree(docks_xy)
    n = len(cells_xy)
    vmax = aircraft.max_ground_speed_mps(wind)
    vmin = aircraft.cruise_speed_mps - wind.speed_mps
    d1, nearest = tree.query(cells_xy)
    nearest = np.asarray(nearest, dtype=np.int64)
    # Calm path length to the nearest dock (exact around obstacles). In any wind of this speed no
    # leg is flown slower than v_air - v_wind, so the nearest dock answers within
    # L / (v_air - v_wind) of cruise, and no dock farther than that times v_air + v_wind can win.
    calm_cruise = (
        pair_times_s(cells_xy, docks_xy, np.arange(n), nearest, aircraft, Wind.calm(), obstacles)
        - aircraft.overhead_s
    )
    path_m = calm_cruise * aircraft.cruise_speed_mps
    radius = path_m / vmin * vmax if vmin > 0 else np.full(n, np.inf)
    radius = np.maximum(radius, (target_s - aircraft.overhead_s) * vmax)
    radius = np.maximum(radius, d1) * (1 + 1e-9) + 1e-6
    if unservable is not None:
        radius[unservable] = d1[unservable] + 1e-6
    finite = np.isfinite(radius)
    lists: list[npt.NDArray[np.int64]] = [np.empty(0, dtype=np.int64)] * n
    if finite.any():
        hits = tree.query_ball_point(cells_xy[finite], r=radius[finite], return_sorted=True)
        for i, h in zip(np.flatnonzero(finite), hits, strict=True):
            lists[i] = np.asarray(h, dtype=np.int64)
    if (~finite).any():
        k = min(_FALLBACK_K, len(docks_xy))
        _, knn = tree.query(cells_xy[~finite], k=k)
        knn = np.asarray(knn, dtype=np.int64).reshape(-1, k)
        for i, row in zip(np.flatnonzero(~finite), knn, strict=True):
            lists[i] = np.sort(row)
    counts = np.fromiter((len(x) for x in lists), dtype=np.int64, count=n)
    dock = np.concatenate(lists) if n else np.empty(0, dtype=np.int64)
    cell = np.repeat(np.arange(n, dtype=np.int64), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    log.debug("candidate pairs: %d (%.1f per cell)", len(cell), len(cell) / max(n, 1))
    return PairSet(cell=cell, dock=dock, starts=starts)


def compute_reach(
    cells_xy: npt.NDArray[np.float64],
    docks_xy: npt.NDArray[np.float64],
    aircraft: Aircraft,
    wind: Wind,
    *,
    target_s: float,
    obstacles: ObstacleSet | None = None,
    unservable: npt.NDArray[np.bool_] | None = None,
    pairs: PairSet | None = None,
    label: str = "",
) -> ReachField:
    """Fastest response time to every cell.

    Parameters
    ----------
    cells_xy, docks_xy
        (N, 2) cell centres and (K, 2) dock positions, metres, metric CRS.
    aircraft, wind
        Performance and wind.
    target_s
        Response-time target, seconds (for the within-target counts).
    obstacles, unservable
        See :func:`pair_times_s`.
    pairs
        Candidate pairs from :func:`candidate_pairs` for a wind of at least this speed;
        computed when omitted.
    label
        Name of the condition.

    Returns
    -------
    ReachField
    """
    if pairs is None:
        pairs = candidate_pairs(
            cells_xy,
            docks_xy,
            aircraft,
            wind,
            target_s=target_s,
            obstacles=obstacles,
            unservable=unservable,
        )
    n, k = len(cells_xy), len(docks_xy)
    t = pair_times_s(
        cells_xy, docks_xy, pairs.cell, pairs.dock, aircraft, wind, obstacles, unservable
    )
    best = np.minimum.reduceat(t, pairs.starts) if len(t) else np.full(n, np.inf)
    cand = np.where(t == best[pairs.cell], pairs.dock, np.iinfo(np.int64).max)
    dock = np.minimum.reduceat(cand, pairs.starts) if len(t) else np.full(n, -1)
    dock = np.where(np.isfinite(best), dock, -1).astype(np.int64)
    within = t <= target_s
    n_within = np.bincount(pairs.cell[within], minlength=n).astype(np.int64)
    per_dock = np.bincount(pairs.dock[within], minlength=k).astype(np.int64)
    return ReachField(
        label=label
        or ("calm" if wind.is_calm else f"wind {wind.speed_mps:g} m/s from {wind.from_deg:g}°"),
        wind=wind,
        time_s=best,
        dock=dock,
        docks_within_target=n_within,
        dock_reach_cells=per_dock,
        target_s=target_s,
    )


def reach_matrix(
    cells_xy: npt.NDArray[np.float64],
    sites_xy: npt.NDArray[np.float64],
    aircraft: Aircraft,
    *,
    max_time_s: float,
    wind_speed_mps: float = 0.0,
    directions: int = 36,
    true_north_grid_deg: float = 0.0,
    obstacles: ObstacleSet | None = None,
    unservable: npt.NDArray[np.bool_] | None = None,
    wind_from_deg: float | None = None,
) -> sparse.csr_array:
    """Sparse site x cell response times up to a horizon, for the placement models.

    Parameters
    ----------
    cells_xy, sites_xy
        (N, 2) demand cells and (S, 2) candidate sites, metres, metric CRS.
    aircraft
        Performance.
    max_time_s
        Horizon, seconds: pairs slower than this are left out (absent = not reachable).
    wind_speed_mps
        Design wind speed; 0 = calm air. With wind, each entry is the pair's time under the
        *worst* direction: exactly the headwind time ``d / (v - w)`` on a straight leg, and the
        slowest of ``directions`` evenly spaced directions on a leg that detours round obstacles.
        Coverage computed from it holds whatever the wind direction.
    directions
        Directions tried on detoured legs.
    wind_from_deg
        A wind direction (true bearing the wind blows from, degrees): each entry is then the
        pair's time in *that* wind (exact, detours included) instead of the worst direction.
    true_north_grid_deg
        Grid bearing of true north (see :class:`~lowalt.flight.aircraft.Wind`).
    obstacles, unservable
        As in :func:`pair_times_s`.

    Returns
    -------
    scipy.sparse.csr_array
        (S, N) float64 seconds; stored entries are the reachable pairs within the horizon (a
        stored value is always > 0, since every flight pays the launch/climb/descent overhead).
    """
    directional = wind_from_deg is not None and wind_speed_mps > 0
    from_deg = 0.0 if wind_from_deg is None else float(wind_from_deg)
    vmin = aircraft.cruise_speed_mps - wind_speed_mps
    n_sites, n_cells = len(sites_xy), len(cells_xy)
    if (vmin <= 0 and not directional) or max_time_s <= aircraft.overhead_s:
        return sparse.csr_array((n_sites, n_cells), dtype=np.float64)
    # Worst direction still gets this far; one direction at most with a full tailwind.
    reach_mps = aircraft.cruise_speed_mps + wind_speed_mps if directional else vmin
    radius = (max_time_s - aircraft.overhead_s) * reach_mps
    pairs = cKDTree(sites_xy).query_ball_point(cells_xy, r=radius * (1 + 1e-9) + 1e-6)
    counts = np.fromiter((len(p) for p in pairs), dtype=np.int64, count=n_cells)
    site = (
        np.concatenate([np.asarray(p, dtype=np.int64) for p in pairs])
        if counts.sum()
        else (np.empty(0, dtype=np.int64))
    )
    cell = np.repeat(np.arange(n_cells, dtype=np.int64), counts)
    if wind_speed_mps == 0 or directional:
        wind = (
            Wind(wind_speed_mps, from_deg, true_north_grid_deg)
            if directional
            else Wind.calm()
        )
        t = pair_times_s(cells_xy, sites_xy, cell, site, aircraft, wind, obstacles, unservable)
    else:
        d = np.hypot(*(cells_xy[cell] - sites_xy[site]).T)
        t = aircraft.overhead_s + d / vmin
        if unservable is not None:
            t[unservable[cell]] = np.inf
        if obstacles is not None and not obstacles.is_empty():
            blocked = obstacles.blocked(sites_xy[site], cells_xy[cell])
            if blocked.any():
                b = np.flatnonzero(blocked)
                worst = np.full(len(b), -np.inf)
                for i in range(directions):
                    w = Wind(wind_speed_mps, 360.0 * i / directions, true_north_grid_deg)
                    worst = np.maximum(
                        worst,
                        pair_times_s(
                            cells_xy, sites_xy, cell[b], site[b], aircraft, w, obstacles, unservable
                        ),
                    )
                t[b] = worst
    keep = t <= max_time_s
    m = sparse.csr_array((t[keep], (site[keep], cell[keep])), shape=(n_sites, n_cells))
    m.sort_indices()
    log.debug(
        "reach matrix: %d sites x %d cells, %d pairs within %g s",
        n_sites,
        n_cells,
        m.nnz,
        max_time_s,
    )
    return m
