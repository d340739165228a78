"""Segment and edge kernels of the visibility graph: crossing, touching and wedge tests.

Vectorized over many segments against many obstacle edges (metric x/y, metres). Used by
:class:`lowalt.flight.visibility.ObstacleSet`; the tolerances are explained there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from lowalt.errors import AirspaceError

__all__ = ["F64", "euclid"]

F64 = NDArray[np.float64]

_TURN_TOL = 1e-9  # relative tolerance of the convex-vertex and wedge tests


def euclid(dx_m: F64, dy_m: F64) -> F64:
    """Euclidean leg length in metres, the default ``cost_fn``; any matching shapes."""
    return np.sqrt(dx_m * dx_m + dy_m * dy_m)


def _explode(geoms: Iterable[Any] | BaseGeometry) -> list[Polygon]:
    """Flatten (multi)polygons and collections to non-empty polygons."""
    items = [geoms] if isinstance(geoms, BaseGeometry) else list(geoms)
    out: list[Polygon] = []
    for g in items:
        if g is None or g.is_empty:
            continue
        if isinstance(g, Polygon):
            out.append(g)
        elif hasattr(g, "geoms"):
            out.extend(_explode(list(g.geoms)))
        else:
            msg = f"no-fly obstacle is a {g.geom_type}, not a polygon"
            raise AirspaceError(msg, fix="pass Polygon or MultiPolygon geometries")
    return out


def _xy(a: ArrayLike) -> F64:
    """Return ``a`` as a float64 (n, 2) array."""
    return np.asarray(a, dtype=np.float64).reshape(-1, 2)


def _in_wedge(ein: F64, eout: F64, dx: F64, dy: F64) -> NDArray[np.bool_]:
    """Whether directions (dx, dy) point strictly into the obstacle at a convex vertex.

    ``ein``/``eout`` are unit edge directions of shape (..., 2) broadcasting with dx/dy.
    """
    tol = _TURN_TOL * (np.abs(dx) + np.abs(dy))
    left_in = ein[..., 0] * dy - ein[..., 1] * dx > tol
    return left_in & (eout[..., 0] * dy - eout[..., 1] * dx > tol)


def _pseudo_angle(dx: F64, dy: F64) -> F64:
    """Diamond angle in [0, 4): monotone in atan2 angle, cheap; NaN for zero vectors."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p = dy / (np.abs(dx) + np.abs(dy))
    angle: F64 = np.where(dx >= 0, np.where(dy >= 0, p, 4.0 + p), 2.0 - p)
    return angle


def _hits(a: F64, b: F64, p: F64, q: F64) -> NDArray[np.bool_]:
    """Whether closed segments a->b (n, 2) touch any closed edge p->q (E, 2); (n,)."""
    ax, ay, bx, by = a[:, :1], a[:, 1:], b[:, :1], b[:, 1:]
    px, py, qx, qy = p[:, 0], p[:, 1], q[:, 0], q[:, 1]
    dx, dy, ex, ey = bx - ax, by - ay, qx - px, qy - py
    o1 = dx * (py - ay) - dy * (px - ax)  # side of p w.r.t. line ab
    den = dx * ey - dy * ex
    o3 = ex * (ay - py) - ey * (ax - px)  # side of a w.r.t. line pq
    hit = (o1 * (o1 + den) <= 0.0) & (o3 * (o3 - den) <= 0.0)
    coll = hit & (den == 0.0) & (o1 == 0.0)
    if coll.any():  # collinear pairs must also overlap in extent
        r, c = np.nonzero(coll)
        lo = np.maximum(np.minimum(a[r], b[r]), np.minimum(p[c], q[c]))
        hi = np.minimum(np.maximum(a[r], b[r]), np.maximum(p[c], q[c]))
        hit[r, c] = np.all(lo <= hi, axis=1)
    return np.asarray(hit.any(axis=1), dtype=np.bool_)


def _touch(a: F64, b: F64, p: F64, q: F64) -> NDArray[np.bool_]:
    """Element-wise :func:`_hits`: whether closed segment a->b touches closed edge p->q; (n,)."""
    ax, ay, bx, by = a[:, 0], a[:, 1], b[:, 0], b[:, 1]
    px, py, qx, qy = p[:, 0], p[:, 1], q[:, 0], q[:, 1]
    dx, dy, ex, ey = bx - ax, by - ay, qx - px, qy - py
    o1 = dx * (py - ay) - dy * (px - ax)
    den = dx * ey - dy * ex
    o3 = ex * (ay - py) - ey * (ax - px)
    hit = (o1 * (o1 + den) <= 0.0) & (o3 * (o3 - den) <= 0.0)
    coll = hit & (den == 0.0) & (o1 == 0.0)
    if coll.any():
        r = np.flatnonzero(coll)
        lo = np.maximum(np.minimum(a[r], b[r]), np.minimum(p[r], q[r]))
        hi = np.minimum(np.maximum(a[r], b[r]), np.maximum(p[r], q[r]))
        hit[r] = np.all(lo <= hi, axis=1)
    return hit


def _dist2(v: F64, vv: F64, w: F64) -> F64:
    """Squared distance from points ``w`` to segments 0->``v`` (broadcasting, last axis xy).

    ``vv`` is ``|v|^2`` with zero-length segments set to 1 (shape of ``v`` without its
    last axis); relative coordinates.
    """
    lam = (v[..., 0] * w[..., 0] + v[..., 1] * w[..., 1]) / vv
    lam = np.minimum(np.maximum(lam, 0.0), 1.0)
    dx, dy = w[..., 0] - lam * v[..., 0], w[..., 1] - lam * v[..., 1]
    return dx * dx + dy * dy


def _ranges(
    lo: NDArray[np.intp], hi: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Concatenated ``range(lo[i], hi[i])`` for all i, and the i of each element."""
    cnt = hi - lo
    owner = np.repeat(np.arange(len(lo)), cnt)
    return owner, lo[owner] + np.arange(len(owner)) - np.repeat(np.cumsum(cnt) - cnt, cnt)


class _EdgeIndex(NamedTuple):
    """Circles around the shrunk edges: per merged polygon, then per run of edges."""

    centre: F64  # (P, 2) a point inside each merged polygon
    core2: F64  # (P,) squared radius of a disk there inside the shrunk polygon (-1: none)
    reach2: F64  # (P,) squared radius of a circle there around all its edge runs
    bounds: NDArray[np.intp]  # (P + 1,) runs of polygon i: bounds[i]:bounds[i + 1]
    run_centre: F64  # (K, 2)
    run_r2: F64  # (K,) squared radius around the run's edges
    run_first: NDArray[np.intp]  # (K,) first edge of the run in ObstacleSet._edges
    run_size: NDArray[np.intp]  # (K,) number of edges


def _bitangent(ein: F64, eout: F64, dx: F64, dy: F64) -> NDArray[np.bool_]:
    """Whether the line along (dx, dy) through a convex vertex misses its open wedge.

    True iff neither (dx, dy) nor its opposite points strictly into the obstacle, i.e.
    the line is tangent to the obstacle there (or runs along an edge).
    """
    tol = _TURN_TOL * (np.abs(dx) + np.abs(dy))
    c1 = ein[..., 0] * dy - ein[..., 1] * dx
    c2 = eout[..., 0] * dy - eout[..., 1] * dx
    return ~(((c1 > tol) & (c2 > tol)) | ((c1 < -tol) & (c2 < -tol)))
