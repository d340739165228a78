"""Dock sites: a modeled layout, a list typed into the scenario, or a point file.

Real dock sites of the Optics Valley grid are not public, so the default
scenario generates a **modeled** layout: a hexagonal lattice at the spacing the
area and dock count imply (518 km² / 128 docks -> 2.16 km), trimmed or grown to
exactly the requested count, smoothed by Lloyd iterations into a centroidal
Voronoi layout over the demand cells (so every dock serves a similar area), and
finally moved to the nearest land cell outside no-fly zones. Drones beyond one
per dock go to the docks with the largest service areas. The layout is
deterministic and labelled modeled everywhere it appears.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from lowalt.errors import ScenarioError
from lowalt.geo.crs import WGS84, transformer
from lowalt.geo.grid import DemandGrid
from lowalt.geo.layers import POINT_TYPES, read_layer
from lowalt.limits import MAX_DRONES_PER_DOCK

__all__ = ["Docks", "distribute_drones", "load_docks", "modeled_layout"]

_FAR_M = 100_000.0
"""A dock this far from the area is almost surely a typo."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Docks:
    """A set of docks.

    Attributes
    ----------
    names
        One name per dock.
    xy
        (K, 2) positions, metres, metric CRS.
    drones
        (K,) drones per dock.
    provenance, source
        One entry per dock.
    """

    names: tuple[str, ...]
    xy: npt.NDArray[np.float64]
    drones: npt.NDArray[np.int64]
    provenance: tuple[str, ...]
    source: tuple[str, ...]

    @property
    def n(self) -> int:
        """Number of docks."""
        return len(self.names)


def _hex_lattice(cells_xy: npt.NDArray[np.float64], spacing_m: float) -> npt.NDArray[np.float64]:
    """Hex lattice points (anchored at the cells' centroid) that fall on a cell."""
    cx, cy = cells_xy.mean(axis=0)
    minx, miny = cells_xy.min(axis=0)
    maxx, maxy = cells_xy.max(axis=0)
    dy = spacing_m * math.sqrt(3.0) / 2.0
    rows = np.arange(math.floor((miny - cy) / dy) - 1, math.ceil((maxy - cy) / dy) + 2)
    cols = np.arange(
        math.floor((minx - cx) / spacing_m) - 1, math.ceil((maxx - cx) / spacing_m) + 2
    )
    rr, cc = np.meshgrid(rows, cols, indexing="ij")
    x = cx + (cc + 0.5 * (rr % 2)) * spacing_m
    y = cy + rr * dy
    pts = np.column_stack([x.ravel(), y.ravel()])
    cell_size = (
        float(np.min(np.diff(np.unique(cells_xy[:, 0])))) if len(cells_xy) > 1 else spacing_m
    )
    dist, _ = cKDTree(cells_xy).query(pts)
    kept: npt.NDArray[np.float64] = pts[dist <= cell_size * 0.75]
    return kept


def _fit_count(
    pts: npt.NDArray[np.float64], count: int, cells_xy: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Drop the most crowded points or add the farthest cells until there are ``count``."""
    pts = pts.copy()
    while len(pts) > count:
        d, _ = cKDTree(pts).query(pts, k=2)
        pts = np.delete(pts, int(np.argmin(d[:, 1])), axis=0)
    while len(pts) < count:
        if len(pts) == 0:
            pts = cells_xy[[int(np.argmin(np.linalg.norm(cells_xy - cells_xy.mean(0), axis=1)))]]
            continue
        d, _ = cKDTree(pts).query(cells_xy)
        pts = np.vstack([pts, cells_xy[int(np.argmax(d))]])
    return pts


def modeled_layout(
    grid: DemandGrid,
    count: int,
    *,
    allowed: npt.NDArray[np.bool_],
    drones_total: int | None = None,
    lloyd_iterations: int = 30,
    source: str = "modeled layout",
) -> Docks:
    """Generate a modeled dock layout over a demand grid.

    Parameters
    ----------
    grid
        Demand cells (all of them shape the layout, water included).
    count
        Number of docks.
    allowed
        (N,) cells a dock may stand on (land, outside no-fly zones).
    drones_total
        Drones to spread; default one per dock.
    lloyd_iterations
        Smoothing steps.
    source
        Text stored as each dock's source.

    Raises
    ------
    ValueError
        When fewer allowed cells than docks exist.
    """
    land = grid.xy[allowed]
    if len(land) < count:
        msg = f"only {len(land)} cells are allowed for docks, fewer than the {count} requested"
        raise ValueError(msg)
    area_m2 = grid.n * grid.spacing_m**2
    spacing = math.sqrt(2.0 * area_m2 / (math.sqrt(3.0) * count))
    pts = _fit_count(_hex_lattice(grid.xy, spacing), count, grid.xy)
    cells_tree_w = grid.weight
    for _ in range(lloyd_iterations):
        _, owner = cKDTree(pts).query(grid.xy)
        w = np.bincount(owner, weights=cells_tree_w, minlength=count)
        sx = np.bincount(owner, weights=cells_tree_w * grid.xy[:, 0], minlength=count)
        sy = np.bincount(owner, weights=cells_tree_w * grid.xy[:, 1], minlength=count)
        has = w > 0
        pts[has] = np.column_stack([sx[has] / w[has], sy[has] / w[has]])
    snapped = _snap_unique(pts, land)
    _, owner = cKDTree(snapped).query(grid.xy)
    service = np.bincount(owner, minlength=count)
    drones = distribute_drones(service, drones_total if drones_total is not None else count)
    log.info(
        "modeled layout: %d docks (lattice spacing %.0f m), %d drones", count, spacing, drones.sum()
    )
    return Docks(
        names=tuple(f"M{i + 1:03d}" for i in range(count)),
        xy=snapped,
        drones=drones,
        provenance=("modeled",) * count,
        source=(source,) * count,
    )


def _snap_unique(
    pts: npt.NDArray[np.float64], allowed_xy: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Move each point to the nearest allowed cell, no two points on the same cell."""
    tree = cKDTree(allowed_xy)
    k = min(len(allowed_xy), 32)
    _, idx = tree.query(pts, k=k)
    idx = idx.reshape(len(pts), -1)
    taken: set[int] = set()
    out = np.empty_like(pts)
    for i in range(len(pts)):
        choice = next((int(j) for j in idx[i] if int(j) not in taken), None)
        if choice is None:  # all k nearest taken: fall back to a full search
            order = np.argsort(np.linalg.norm(allowed_xy - pts[i], axis=1), kind="stable")
            choice = next(int(j) for j in order if int(j) not in taken)
        taken.add(choice)
        out[i] = allowed_xy[choice]
    return out


def distribute_drones(service_cells: npt.ArrayLike, drones_total: int) -> npt.NDArray[np.int64]:
    """Spread drones over docks: one each, extras to the largest service areas first.

    Parameters
    ----------
    service_cells
        (K,) size of each dock's service area (any unit).
    drones_total
        Drones to spread (>= K).

    Returns
    -------
    numpy.ndarray
        (K,) drones per dock; ties go to the lower index.
    """
    s = np.asarray(service_cells, dtype=np.float64)
    k = len(s)
    if drones_total < k:
        msg = f"{drones_total} drones cannot fill {k} docks"
        raise ValueError(msg)
    drones = np.ones(k, dtype=np.int64)
    order = np.lexsort((np.arange(k), -s))
    extra = drones_total - k
    full_rounds, rest = divmod(extra, k)
    drones += full_rounds
    drones[order[:rest]] += 1
    return drones


def load_docks(
    *,
    metric_crs: str,
    sites: Sequence[tuple[str, float, float, int]] | None = None,
    file: Path | None = None,
    file_label: str | None = None,
    unservable_geoms: Sequence[BaseGeometry],
    area_m: BaseGeometry,
    water_m: BaseGeometry | None,
    warnings: list[str],
    scenario_file: str | None = None,
    key_path: str = "docks",
) -> Docks:
    """Docks given by hand (``sites``) or read from a point layer (``file``), checked.

    Give exactly one of ``sites`` and ``file``. A modeled layout is :func:`modeled_layout`.

    Parameters
    ----------
    metric_crs
        The projected CRS of the returned positions (``"EPSG:4547"``).
    sites
        ``(name, lon, lat, drones)`` per dock: WGS84 degrees, drones 1-100.
    file
        Resolved path of a point layer; optional properties ``name`` (unique), ``drones``
        (a whole number 1-100, default 1), ``provenance``, ``source``.
    file_label
        Stored as each dock's source when the layer has no ``source`` (default: ``file``).
    unservable_geoms
        Metric no-fly outlines a dock may not stand in.
    area_m, water_m
        Service area and water, metric CRS (for checks of given docks).
    warnings
        Collects non-fatal findings (docks on water or outside the area).
    scenario_file
        The scenario naming the docks, for messages.
    key_path
        Where the sites or the file live in the scenario (``"docks.sites"``, ``"docks.file"``);
        messages about one of ``sites`` name ``<key_path>[i]``.

    Returns
    -------
    Docks
        Positions in metres (``metric_crs``), in the order given.

    Raises
    ------
    ScenarioError
        For docks inside no-fly zones, implausibly far (over 100 km) from the area, or a bad
        ``drones`` value in the layer.
    GeodataError
        For an unreadable or malformed layer.
    """
    if (sites is None) == (file is None):
        msg = "give exactly one of 'sites' and 'file'"
        raise ValueError(msg)
    if sites is not None:
        lon = np.array([d[1] for d in sites])
        lat = np.array([d[2] for d in sites])
        names = tuple(d[0] for d in sites)
        drones = np.array([d[3] for d in sites], dtype=np.int64)
        prov, src = ("as given",) * len(names), ("typed into the scenario",) * len(names)
    else:
        assert file is not None
        gdf = read_layer(
            file,
            geom_types=POINT_TYPES,
            what="dock layer",
            key_path=key_path,
            scenario_file=scenario_file,
            unique_columns=("name",),  # as docks.sites[].name
        )
        lon, lat = gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()
        names = (
            tuple(str(v) for v in gdf["name"])
            if "name" in gdf
            else tuple(f"D{i + 1:03d}" for i in range(len(gdf)))
        )
        where = f"{scenario_file} -> {file}" if scenario_file else str(file)
        drones = _drones_column(gdf, where, key_path)
        prov = (
            tuple(str(v) for v in gdf["provenance"])
            if "provenance" in gdf
            else (("as given",) * len(gdf))
        )
        label = str(file) if file_label is None else file_label
        src = tuple(str(v) for v in gdf["source"]) if "source" in gdf else ((label,) * len(gdf))
    x, y = transformer(WGS84, metric_crs).transform(lon, lat)
    xy = np.column_stack([x, y]).astype(np.float64)
    _check_given(
        xy,
        names,
        key_path,
        sites is not None,
        scenario_file,
        unservable_geoms,
        area_m,
        water_m,
        warnings,
    )
    return Docks(names=names, xy=xy, drones=drones, provenance=prov, source=src)


def _drones_column(gdf: object, where: str, key: str) -> npt.NDArray[np.int64]:
    """Drones per dock of a dock layer: a whole number 1-100 each (1 without the column)."""
    import pandas as pd

    assert isinstance(gdf, pd.DataFrame)
    if "drones" not in gdf:
        return np.ones(len(gdf), dtype=np.int64)
    raw = pd.to_numeric(gdf["drones"], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(raw) | (raw < 1) | (raw > MAX_DRONES_PER_DOCK) | (raw != np.round(raw))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        v = raw[i]
        why = (
            "is not a finite number"
            if not np.isfinite(v)
            else f"is above the maximum of {MAX_DRONES_PER_DOCK} drones per dock"
            if v > MAX_DRONES_PER_DOCK
            else "is below 1"
            if v < 1
            else "is not a whole number"
        )
        raise ScenarioError(
            f"feature {i} of the dock layer: drones = {_show(gdf['drones'].iloc[i])} {why}.",
            file=where,
            key_path=key,
            fix=f"give 'drones' as a whole number from 1 to {MAX_DRONES_PER_DOCK} "
            "(or leave it out for 1).",
        )
    return raw.astype(np.int64)


def _show(raw: object) -> str:
    if isinstance(raw, float | np.floating):
        return f"{float(raw):g}"
    return repr(raw)[:80]


def _check_given(
    xy: npt.NDArray[np.float64],
    names: tuple[str, ...],
    key: str,
    indexed: bool,
    scenario_file: str | None,
    unservable_geoms: Sequence[BaseGeometry],
    area_m: BaseGeometry,
    water_m: BaseGeometry | None,
    warnings: list[str],
) -> None:
    pts = shapely.points(xy)
    far = shapely.distance(area_m, pts) > _FAR_M
    if far.any():
        i = int(np.flatnonzero(far)[0])
        raise ScenarioError(
            f"dock {names[i]!r} lies more than {_FAR_M / 1000:g} km from the area.",
            file=scenario_file,
            key_path=f"{key}[{i}]" if indexed else key,
            fix="check its coordinates (lat about 30.5 and lon about 114.4 for Optics Valley).",
        )
    for g in unservable_geoms:
        inside = shapely.contains(g, pts)
        if inside.any():
            i = int(np.flatnonzero(inside)[0])
            raise ScenarioError(
                f"dock {names[i]!r} stands inside a no-fly zone at cruise altitude.",
                file=scenario_file,
                key_path=f"{key}[{i}]" if indexed else key,
                fix="move the dock out of the zone, or drop the zone's restriction from "
                "airspace.blocking_restrictions if flights there are authorized.",
            )
    outside = ~shapely.contains(area_m, pts)
    if outside.any():
        warnings.append(
            f"{int(outside.sum())} dock(s) lie outside the service area "
            f"(first: {names[int(np.flatnonzero(outside)[0])]!r})."
        )
    if water_m is not None and not water_m.is_empty:
        wet = shapely.contains(water_m, pts)
        if wet.any():
            warnings.append(
                f"{int(wet.sum())} dock(s) stand on water "
                f"(first: {names[int(np.flatnonzero(wet)[0])]!r})."
            )
