"""GeoDataFrame adapter for the placement models: points in, chosen sites out.

:func:`place` takes demand points (or polygons, placed at their centroids) and candidate
sites as GeoDataFrames in any CRS, builds the sites x demand response-time matrix from the
flight model (:func:`lowalt.flight.reach.reach_matrix`: launch + climb + cruise + descent, optional
design wind, optional no-fly polygons) in a projected CRS, runs one model of
:mod:`lowalt.optimize` and returns the result with the chosen sites as a GeoDataFrame.

Example
-------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> from lowalt.flight.aircraft import Aircraft
>>> from lowalt.optimize.placement_gdf import place
>>> demand = gpd.GeoDataFrame(geometry=[Point(114.40, 30.50), Point(114.45, 30.50)], crs=4326)
>>> sites = gpd.GeoDataFrame({"name": ["a", "b"]},
...     geometry=[Point(114.46, 30.50), Point(114.425, 30.50)], crs=4326)
>>> ac = Aircraft("demo", 15, 5, 3, 60, 120)
>>> res, chosen = place(demand, sites, "lscp", aircraft=ac, target_s=300)
>>> res.status.value, list(chosen["name"])
('optimal', ['b'])
"""

from __future__ import annotations

from typing import Any, Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from scipy import sparse

from lowalt.flight.aircraft import Aircraft
from lowalt.flight.reach import reach_matrix
from lowalt.flight.visibility import ObstacleSet
from lowalt.geo.crs import DEFAULT_METRIC_CRS, check_lonlat, ensure_projected
from lowalt.optimize import (
    PlacementResult,
    solve_backup,
    solve_lscp,
    solve_mclp,
    solve_pcenter,
    solve_pmedian,
)

__all__ = ["MODELS", "Model", "place", "response_matrix"]

Model = Literal["lscp", "mclp", "pcenter", "backup", "pmedian"]
MODELS: tuple[str, ...] = ("lscp", "mclp", "pcenter", "backup", "pmedian")


def _points(gdf: gpd.GeoDataFrame, what: str, crs: str) -> npt.NDArray[np.float64]:
    """(N, 2) metric coordinates of ``gdf`` (centroids of non-point geometries)."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = f"{what} must be a GeoDataFrame, got {type(gdf).__name__}"
        raise TypeError(msg)
    if len(gdf) == 0:
        msg = f"{what} is empty"
        raise ValueError(msg)
    if gdf.crs is None:
        msg = f"{what} has no CRS: set one (e.g. gdf.set_crs(4326) for lon/lat degrees)"
        raise ValueError(msg)
    geom = gdf.geometry.to_numpy()
    bad = shapely.is_missing(geom) | shapely.is_empty(geom)
    if bad.any():
        msg = f"{what}: rows {np.flatnonzero(bad)[:10].tolist()} have no geometry"
        raise ValueError(msg)
    if gdf.crs.is_geographic:
        b = gdf.total_bounds
        try:
            check_lonlat([b[0], b[2]], [b[1], b[3]])
        except ValueError as exc:
            msg = f"{what}: {exc}"
            raise ValueError(msg) from exc
    metric = gdf.to_crs(crs).geometry.to_numpy()
    pts = np.where(shapely.get_type_id(metric) == 0, metric, shapely.centroid(metric))
    return shapely.get_coordinates(pts).astype(np.float64)


def response_matrix(
    demand: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    aircraft: Aircraft,
    *,
    max_time_s: float,
    metric_crs: str = DEFAULT_METRIC_CRS,
    wind_speed_mps: float = 0.0,
    no_fly: gpd.GeoDataFrame | None = None,
) -> sparse.csr_array:
    """Sites x demand response times within ``max_time_s`` (s), from two GeoDataFrames.

    Parameters
    ----------
    demand, sites
        Points (other geometries count at their centroid) in any CRS with a CRS set.
    aircraft
        Flight performance.
    max_time_s
        Horizon, s (pairs slower are left out = unreachable).
    metric_crs
        Projected CRS for distances (default CGCS2000 GK CM 114E, for Wuhan).
    wind_speed_mps
        Design wind; > 0 gives each pair its worst-direction time.
    no_fly
        Polygons flights go around (exactly); demand inside them cannot be served.
    """
    ensure_projected(metric_crs)
    dxy = _points(demand, "demand", metric_crs)
    sxy = _points(sites, "sites", metric_crs)
    obstacles = unservable = None
    if no_fly is not None and len(no_fly):
        if no_fly.crs is None:
            msg = "no_fly has no CRS"
            raise ValueError(msg)
        polys = no_fly.to_crs(metric_crs).geometry.to_numpy()
        obstacles = ObstacleSet.from_polygons(list(polys))
        unservable = obstacles.inside(dxy)
    return reach_matrix(
        dxy,
        sxy,
        aircraft,
        max_time_s=max_time_s,
        wind_speed_mps=wind_speed_mps,
        obstacles=obstacles,
        unservable=unservable,
    )


def place(
    demand: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    model: Model,
    *,
    aircraft: Aircraft,
    target_s: float | None = None,
    k: int | None = None,
    weight_column: str | None = None,
    metric_crs: str = DEFAULT_METRIC_CRS,
    wind_speed_mps: float = 0.0,
    no_fly: gpd.GeoDataFrame | None = None,
    horizon_s: float | None = None,
    **solver: Any,
) -> tuple[PlacementResult, gpd.GeoDataFrame]:
    """Run one placement model on GeoDataFrames; return the result and the chosen sites.

    Parameters
    ----------
    demand, sites
        Demand points and candidate sites (see :func:`response_matrix`).
    model
        ``"lscp"`` (needs ``target_s``), ``"mclp"`` (``target_s``, ``k``), ``"pcenter"``
        (``k``), ``"backup"`` (``target_s``, optional ``k``) or ``"pmedian"`` (``k``).
    aircraft
        Flight performance.
    target_s
        Response target, s.
    k
        Number of sites.
    weight_column
        Column of ``demand`` with non-negative weights (default: all 1).
    metric_crs, wind_speed_mps, no_fly
        See :func:`response_matrix`.
    horizon_s
        Longest time kept in the matrix for ``pcenter``/``pmedian``, s (default 3 x the
        target, or 3,600 s); pairs beyond it count as unreachable.
    **solver
        ``fixed_sites``, ``forbidden_sites``, ``time_limit_s``, ``num_workers``, ``seed``.

    Returns
    -------
    result, chosen
        The :class:`~lowalt.optimize.PlacementResult` and the rows of ``sites`` chosen (in
        the sites' CRS), with columns ``model``, ``status`` and ``objective`` added.
    """
    if model not in MODELS:
        msg = f"model must be one of {MODELS}, got {model!r}"
        raise ValueError(msg)
    needs_target = model in ("lscp", "mclp", "backup")
    needs_k = model in ("mclp", "pcenter", "pmedian")
    if needs_target and target_s is None:
        msg = f"model {model!r} needs target_s"
        raise ValueError(msg)
    if needs_k and k is None:
        msg = f"model {model!r} needs k"
        raise ValueError(msg)
    weights = None
    if weight_column is not None:
        if weight_column not in demand:
            msg = f"demand has no column {weight_column!r}"
            raise KeyError(msg)
        weights = demand[weight_column].to_numpy(dtype=np.float64)
    horizon = (
        float(target_s)
        if needs_target and model != "pmedian" and target_s is not None
        else float(horizon_s or (3 * target_s if target_s else 3600.0))
    )
    times = response_matrix(
        demand,
        sites,
        aircraft,
        max_time_s=horizon,
        metric_crs=metric_crs,
        wind_speed_mps=wind_speed_mps,
        no_fly=no_fly,
    )
    if model == "lscp":
        res = solve_lscp(times, float(target_s), **solver)  # type: ignore[arg-type]
    elif model == "mclp":
        res = solve_mclp(times, float(target_s), int(k), weights=weights, **solver)  # type: ignore[arg-type]
    elif model == "backup":
        res = solve_backup(times, float(target_s), k, weights=weights, **solver)  # type: ignore[arg-type]
    elif model == "pcenter":
        res = solve_pcenter(times, int(k), weights=weights, **solver)  # type: ignore[arg-type]
    else:
        res = solve_pmedian(times, int(k), weights=weights, **solver)  # type: ignore[arg-type]
    chosen = sites.iloc[list(res.sites)].copy()
    chosen["model"] = model
    chosen["status"] = res.status.value
    chosen["objective"] = res.objective
    return res, chosen
