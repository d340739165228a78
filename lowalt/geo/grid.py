"""The demand grid: square cells over the service area, in the metric CRS.

Cells are aligned to multiples of the spacing in the metric CRS (so the same
area and spacing always give the same cells). A cell belongs to the area when
its centre does; each cell stands for ``spacing_m ** 2`` of area. Row 0 is the
southmost row.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["DemandGrid", "GridTooLargeError", "apply_weights", "build_grid"]

log = logging.getLogger(__name__)


class GridTooLargeError(ValueError):
    """Raised when the grid would exceed the cell limit."""

    def __init__(self, estimate: int, limit: int, spacing_m: float, suggestion_m: float) -> None:
        self.estimate, self.limit = estimate, limit
        self.spacing_m, self.suggestion_m = spacing_m, suggestion_m
        super().__init__(f"about {estimate:,} cells exceed the limit of {limit:,}")


@dataclass(frozen=True)
class DemandGrid:
    """Demand cells.

    Attributes
    ----------
    xy
        (N, 2) cell centres, metres, metric CRS.
    col, row
        (N,) integer cell indices; ``x = x0_m + col * spacing_m``.
    x0_m, y0_m
        Centre of cell (0, 0), metres.
    nx, ny
        Grid extent in cells.
    spacing_m
        Cell size, metres.
    weight
        (N,) demand weight per cell (1 where none given).
    on_water
        (N,) whether the cell centre lies on water.
    crs
        The metric CRS.
    """

    xy: npt.NDArray[np.float64]
    col: npt.NDArray[np.int64]
    row: npt.NDArray[np.int64]
    x0_m: float
    y0_m: float
    nx: int
    ny: int
    spacing_m: float
    weight: npt.NDArray[np.float64]
    on_water: npt.NDArray[np.bool_]
    crs: str

    @property
    def n(self) -> int:
        """Number of cells."""
        return int(self.xy.shape[0])

    @property
    def cell_area_km2(self) -> float:
        """Area one cell stands for, km²."""
        return self.spacing_m**2 / 1e6

    def to_raster(self, values: npt.ArrayLike, fill: float = np.nan) -> npt.NDArray[np.float64]:
        """Scatter per-cell values into a (ny, nx) array; cells outside the area get ``fill``."""
        out = np.full((self.ny, self.nx), fill, dtype=np.float64)
        out[self.row, self.col] = np.asarray(values, dtype=np.float64)
        return out

    def cell_polygons(self, index: npt.ArrayLike | None = None) -> npt.NDArray[np.object_]:
        """Square cell outlines (metric CRS) for all cells or the given indices."""
        idx = np.arange(self.n) if index is None else np.asarray(index, dtype=np.int64)
        h = self.spacing_m / 2.0
        x, y = self.xy[idx, 0], self.xy[idx, 1]
        boxes: npt.NDArray[np.object_] = shapely.box(x - h, y - h, x + h, y + h)
        return boxes


def build_grid(
    area_m: BaseGeometry,
    spacing_m: float,
    crs: str,
    *,
    water_m: BaseGeometry | None = None,
    include_water: bool = True,
    max_cells: int = 2_000_000,
) -> DemandGrid:
    """Lay a square grid over an area.

    Parameters
    ----------
    area_m
        Service area (polygonal), metric CRS.
    spacing_m
        Cell size, metres (> 0).
    crs
        The metric CRS (recorded on the grid).
    water_m
        Water bodies, metric CRS; marks cells and, unless ``include_water``, drops them.
    include_water
        Keep cells on water as demand.
    max_cells
        Refuse larger grids.

    Raises
    ------
    GridTooLargeError
        When the estimated cell count exceeds ``max_cells`` (checked before allocating).
    ValueError
        When no cell centre falls inside the area.
    """
    if not spacing_m > 0:
        msg = f"spacing must be > 0 m, got {spacing_m}"
        raise ValueError(msg)
    minx, miny, maxx, maxy = area_m.bounds
    c0, c1 = math.floor(minx / spacing_m), math.ceil(maxx / spacing_m)
    r0, r1 = math.floor(miny / spacing_m), math.ceil(maxy / spacing_m)
    nx, ny = c1 - c0 + 1, r1 - r0 + 1
    estimate = int(area_m.area / spacing_m**2)
    if estimate > max_cells or nx * ny > 50 * max(max_cells, 1):
        suggestion = spacing_m * math.sqrt(max(estimate, nx * ny / 50) / max_cells) * 1.05
        raise GridTooLargeError(estimate, max_cells, spacing_m, suggestion)
    xs = (c0 + np.arange(nx)) * spacing_m
    ys = (r0 + np.arange(ny)) * spacing_m
    inside_rows: list[npt.NDArray[np.int64]] = []
    inside_cols: list[npt.NDArray[np.int64]] = []
    shapely.prepare(area_m)
    # Row by row keeps memory at O(nx) for bounding boxes much larger than the area.
    for r in range(ny):
        hit = shapely.contains_xy(area_m, xs, np.full(nx, ys[r]))
        cols = np.flatnonzero(hit)
        if cols.size:
            inside_cols.append(cols)
            inside_rows.append(np.full(cols.size, r, dtype=np.int64))
    if not inside_cols:
        msg = f"no {spacing_m:g} m cell centre falls inside the area"
        raise ValueError(msg)
    col = np.concatenate(inside_cols).astype(np.int64)
    row = np.concatenate(inside_rows)
    xy = np.column_stack([xs[col], ys[row]])
    on_water = np.zeros(len(xy), dtype=bool)
    if water_m is not None and not water_m.is_empty:
        shapely.prepare(water_m)
        on_water = shapely.contains_xy(water_m, xy[:, 0], xy[:, 1])
    if not include_water:
        keep = ~on_water
        xy, col, row, on_water = xy[keep], col[keep], row[keep], on_water[keep]
    log.info(
        "demand grid: %d cells of %g m (%.1f km²)", len(xy), spacing_m, len(xy) * spacing_m**2 / 1e6
    )
    return DemandGrid(
        xy=xy,
        col=col,
        row=row,
        x0_m=float(xs[0]),
        y0_m=float(ys[0]),
        nx=nx,
        ny=ny,
        spacing_m=float(spacing_m),
        weight=np.ones(len(xy)),
        on_water=on_water,
        crs=crs,
    )


def apply_weights(
    grid: DemandGrid, polygons_m: npt.NDArray[np.object_], weights: npt.ArrayLike
) -> DemandGrid:
    """Give cells the weight of the polygon containing their centre (later polygons win).

    Parameters
    ----------
    grid
        The demand grid.
    polygons_m
        (M,) polygons in the grid's metric CRS.
    weights
        (M,) non-negative weights; cells in no polygon keep weight 1.
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (len(polygons_m),) or not np.all(np.isfinite(w)) or np.any(w < 0):
        msg = "weights must be one finite number >= 0 per polygon"
        raise ValueError(msg)
    out = grid.weight.copy()
    for poly, value in zip(polygons_m, w, strict=True):
        shapely.prepare(poly)
        out[shapely.contains_xy(poly, grid.xy[:, 0], grid.xy[:, 1])] = value
    return replace(grid, weight=out)
