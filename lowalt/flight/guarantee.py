"""The guarantee check: how much of the area a reach field serves within the target.

Every cell stands for the same area (the grid spacing squared), so area shares
are cell shares. Demand-weighted shares use the grid's weights. Percentiles use
the inverted-CDF definition (a value that actually occurs, never an
interpolation with an unreachable cell); unreachable cells count as infinitely
slow, so a percentile that falls on them is reported as unreachable (``None``
in JSON).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lowalt.flight.reach import ReachField
from lowalt.geo.grid import DemandGrid

__all__ = ["GuaranteeStats", "envelope", "evaluate"]


@dataclass(frozen=True)
class GuaranteeStats:
    """Summary of one reach field against the target.

    Attributes
    ----------
    label
        Condition name.
    target_s
        Target, seconds.
    cells, area_km2
        Demand cells and the area they stand for, km².
    reached_cells, reached_area_km2, reached_share
        Cells reached within the target, their area and the share of area (0-1).
    weighted_share
        Share of weighted demand reached within the target (equals ``reached_share`` when
        every weight is 1).
    unreachable_cells
        Cells no dock can serve at all (no headway, inside a no-fly volume).
    worst_cell, worst_time_s
        Slowest cell (index, lowest index on ties) and its time (``inf`` if unreachable).
    mean_s, p50_s, p90_s, p99_s
        Area-weighted statistics of the response time, seconds (``inf`` when they fall on
        unreachable cells; the mean is over reachable cells only).
    double_share
        Share of area reached within the target by at least two docks (backup coverage).
    required_share, holds
        The share the promise needs and whether it is met (area and weighted demand).
    """

    label: str
    target_s: float
    cells: int
    area_km2: float
    reached_cells: int
    reached_area_km2: float
    reached_share: float
    weighted_share: float
    unreachable_cells: int
    worst_cell: int
    worst_time_s: float
    mean_s: float
    p50_s: float
    p90_s: float
    p99_s: float
    double_share: float
    required_share: float
    holds: bool


def _percentiles(t: npt.NDArray[np.float64], qs: tuple[float, ...]) -> list[float]:
    """Inverted-CDF percentiles of equally weighted values (``inf`` sorts last)."""
    s = np.sort(t)
    n = len(s)
    return [float(s[min(max(int(np.ceil(q / 100.0 * n)) - 1, 0), n - 1)]) for q in qs]


def evaluate(field: ReachField, grid: DemandGrid, required_share: float = 1.0) -> GuaranteeStats:
    """Check one reach field against its target.

    Parameters
    ----------
    field
        Response times per cell.
    grid
        The demand grid the field was computed on.
    required_share
        Share of area (and weighted demand) that must be reached for the promise to hold.
    """
    t = field.time_s
    ok = t <= field.target_s
    n = grid.n
    finite = np.isfinite(t)
    worst = int(np.argmax(np.where(np.isnan(t), -np.inf, t)))
    share = float(ok.mean())
    wsum = float(grid.weight.sum())
    wshare = float(grid.weight[ok].sum() / wsum) if wsum > 0 else share
    p50, p90, p99 = _percentiles(t, (50.0, 90.0, 99.0))
    return GuaranteeStats(
        label=field.label,
        target_s=field.target_s,
        cells=n,
        area_km2=n * grid.cell_area_km2,
        reached_cells=int(ok.sum()),
        reached_area_km2=float(ok.sum() * grid.cell_area_km2),
        reached_share=share,
        weighted_share=wshare,
        unreachable_cells=int((~finite).sum()),
        worst_cell=worst,
        worst_time_s=float(t[worst]),
        mean_s=float(t[finite].mean()) if finite.any() else float("inf"),
        p50_s=p50,
        p90_s=p90,
        p99_s=p99,
        double_share=float((field.docks_within_target >= 2).mean()),
        required_share=required_share,
        holds=share >= required_share and wshare >= required_share,
    )


def envelope(fields: list[ReachField], label: str) -> ReachField:
    """Per-cell worst case over several fields (e.g. every wind direction).

    The result's ``time_s`` is the slowest of the fields' fastest times, its within-target
    counts are the per-cell minimum and per-dock minimum; ``dock`` is the fastest dock in the
    field that is worst for that cell.
    """
    if not fields:
        msg = "envelope needs at least one field"
        raise ValueError(msg)
    times = np.stack([f.time_s for f in fields])
    worst = np.argmax(times, axis=0)
    cols = np.arange(times.shape[1])
    docks = np.stack([f.dock for f in fields])[worst, cols]
    return ReachField(
        label=label,
        wind=fields[int(np.argmax([f.wind.speed_mps for f in fields]))].wind,
        time_s=times[worst, cols],
        dock=docks,
        docks_within_target=np.min(np.stack([f.docks_within_target for f in fields]), axis=0),
        dock_reach_cells=np.min(np.stack([f.dock_reach_cells for f in fields]), axis=0),
        target_s=fields[0].target_s,
    )
