"""Exact least-cost paths around polygonal no-fly areas, vectorized for many targets.

All coordinates are metric x/y (metres) in one projected CRS; this module does no
CRS handling. Travel cost comes from a vectorized callback ``cost_fn(dx_m, dy_m)``
that must be a *gauge*: positively homogeneous (``c(k d) = k c(d)``, ``k > 0``) and
convex, possibly asymmetric and possibly ``np.inf`` for impossible headings
(time under a uniform wind qualifies). Then least-cost paths around polygons bend
only at convex obstacle vertices, so the visibility graph is exact, and by the
triangle inequality ``c(a + b) <= c(a) + c(b)`` a target visible from the source is
never reached more cheaply by bending, even with an asymmetric cost. (A wind-time
formula that clamps an excessive crosswind to a finite time instead of ``inf`` is
not convex; then no method here is exact.)

Algorithms
----------
* :func:`shortest_path` (one target) runs A* over the visibility graph built
  lazily, never the full graph: a vertex taken from the queue lists only legs along
  bitangent lines (a least-cost path touches each bend vertex tangentially, or the
  bend could be cut at no extra cost), and legs are tested for visibility in
  batches, cheapest ``g + h`` first, only as far as the search gets; the heuristic
  ``h(v) = cost_fn(t - v)`` is a consistent lower bound. Visibility tests use a
  two-level circle index over the obstacle edges. 100 obstacles with 2,000 vertices:
  about 60-90 ms including the set-up (``benchmarks/bench_routing.py``).
* :func:`cost_field` (many targets) builds the full vertex-to-vertex visibility
  matrix once per :class:`ObstacleSet` (cached) with a per-vertex angular setup
  that grows with vertices x edges^2: fine for tens to hundreds of vertices (the
  reach studies); with thousands, call :func:`shortest_path` per target instead.

Geometry conventions
--------------------
* Obstacles are exploded to polygons and merged with ``unary_union``, so
  overlapping or edge-sharing obstacles act as one (a shared edge is interior).
  Paths may run along boundaries and through vertices, e.g. between two
  obstacles that touch at a single point.
* ``clearance_m`` inflates obstacles with a *mitred* buffer (``mitre_limit=2``):
  a superset of the exact round buffer, so true clearance is at least
  ``clearance_m``; sharp corners protrude up to ``2 * clearance_m``.
* Crossing tests run against obstacles shrunk by ``1e-7 * extent`` (1 mm for
  10 km), so boundary contact is robust; a leg dipping less than that into an
  obstacle, or an obstacle part thinner than twice that, is not seen.

This module is one concept, kept whole at about 570 lines: :class:`ObstacleSet` and the two
searches on its visibility graph (A* for one target, Dijkstra for a field) share the edge
index, the radial sweeps and the tolerances above, and read best side by side. The
vectorized segment kernels they call are in :mod:`lowalt.flight._segments`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from lowalt.errors import AirspaceError, NoRouteError
from lowalt.flight._segments import (
    _bitangent,
    _dist2,
    _EdgeIndex,
    _explode,
    _hits,
    _in_wedge,
    _pseudo_angle,
    _ranges,
    _touch,
    _xy,
    euclid,
)

__all__ = ["CostFn", "FieldResult", "ObstacleSet", "Path", "cost_field", "euclid", "shortest_path"]

F64 = NDArray[np.float64]
CostFn = Callable[[F64, F64], F64]

_MITRE_LIMIT = 2.0
_SHRINK_REL = 1e-7  # interior tolerance, relative to the obstacle extent
_TURN_TOL = 1e-9  # relative tolerance of the convex-vertex and wedge tests
_EDGE_GROUP = 32  # obstacle edges per bounding-box group in the crossing test
_BLOCK = 1 << 20  # max elements of one (segments x edges) or (targets x vertices) block
_BATCH_REL = 0.01  # legs tested per batch in _astar: f within this x h(source)
_CHUNK = 8  # shrunk edges per bounding circle in the lazy (single-query) crossing test


@dataclass(frozen=True, eq=False)
class ObstacleSet:
    """Polygonal no-fly areas prepared for visibility queries; build with :meth:`from_polygons`.

    Attributes
    ----------
    polygons
        The obstacles as given, exploded to polygons and inflated by ``clearance_m``.
    vertices_xy
        (V, 2) candidate bend points in metres: the convex vertices (interior angle
        < 180 deg) of the merged obstacles, hole rings included.
    """

    polygons: tuple[Polygon, ...]
    vertices_xy: F64
    _merged: BaseGeometry = field(repr=False)  # prepared MultiPolygon of the union
    _wedges: F64 = field(repr=False)  # (V, 2, 2) unit in/out edge directions per vertex
    _edges: tuple[F64, F64, F64] = field(repr=False)  # shrunk edges p->q, group boxes

    @classmethod
    def from_polygons(
        cls, polygons: Iterable[BaseGeometry] | BaseGeometry, *, clearance_m: float = 0.0
    ) -> ObstacleSet:
        """Prepare obstacles: explode, validate, inflate by ``clearance_m`` (metres), merge.

        Raises
        ------
        AirspaceError
            On non-polygon or invalid geometry, or a negative/non-finite clearance.
        """
        if not (np.isfinite(clearance_m) and clearance_m >= 0.0):
            msg = f"clearance_m must be a finite number >= 0, got {clearance_m!r}"
            raise AirspaceError(msg)
        polys = _explode(polygons)
        for i, p in enumerate(polys):
            if not p.is_valid:
                msg = f"no-fly obstacle #{i} is invalid: {shapely.is_valid_reason(p)}"
                raise AirspaceError(msg, fix="repair it with shapely.make_valid")
        if clearance_m > 0.0:
            polys = _explode(
                [p.buffer(clearance_m, join_style="mitre", mitre_limit=_MITRE_LIMIT) for p in polys]
            )
        merged = [orient(p, 1.0) for p in _explode(shapely.unary_union(polys))] if polys else []
        verts, wedges = [np.zeros((0, 2))], [np.zeros((0, 2, 2))]
        for ring in (r for poly in merged for r in (poly.exterior, *poly.interiors)):
            c = np.asarray(ring.coords)[:-1]  # oriented: obstacle interior on the left
            c = c[np.any(c != np.roll(c, 1, axis=0), axis=1)]
            ein, eout = c - np.roll(c, 1, axis=0), np.roll(c, -1, axis=0) - c
            li, lo = np.hypot(*ein.T), np.hypot(*eout.T)
            keep = ein[:, 0] * eout[:, 1] - ein[:, 1] * eout[:, 0] > _TURN_TOL * li * lo
            verts.append(c[keep])
            wedges.append(np.stack([ein / li[:, None], eout / lo[:, None]], axis=1)[keep])
        x0, y0, x1, y1 = shapely.total_bounds(merged) if merged else np.zeros(4)
        eps = _SHRINK_REL * max(x1 - x0, y1 - y0, 1.0)
        shrunk = _explode([p.buffer(-eps, join_style="mitre") for p in merged])
        rings = [np.asarray(r.coords) for g in shrunk for r in (g.exterior, *g.interiors)]
        pe = np.concatenate([c[:-1] for c in rings]) if rings else np.zeros((0, 2))
        qe = np.concatenate([c[1:] for c in rings]) if rings else np.zeros((0, 2))
        lo_hi = np.zeros((0, 4))
        if len(pe):  # bounding box of each group of _EDGE_GROUP consecutive edges
            at = np.arange(0, len(pe), _EDGE_GROUP)
            lo_hi = np.c_[
                np.minimum.reduceat(np.minimum(pe, qe), at),
                np.maximum.reduceat(np.maximum(pe, qe), at),
            ]
        union = shapely.multipolygons(merged) if merged else shapely.MultiPolygon()
        shapely.prepare(union)
        vx, wx = np.concatenate(verts), np.concatenate(wedges)
        return cls(tuple(polys), vx, union, wx, (pe, qe, lo_hi))

    def is_empty(self) -> bool:
        """Whether there are no obstacles at all."""
        return bool(self._merged.is_empty)

    def inside(self, xy: ArrayLike) -> NDArray[np.bool_]:
        """Whether points (M, 2) in metres are strictly inside an obstacle (boundary: no); (M,)."""
        pts = _xy(xy)
        if self.is_empty():
            return np.zeros(len(pts), dtype=bool)
        return shapely.contains_xy(self._merged, pts[:, 0], pts[:, 1])

    def blocked(self, a_xy: ArrayLike, b_xy: ArrayLike) -> NDArray[np.bool_]:
        """Whether segments a->b, (M, 2) and (M, 2) in metres, pass through an obstacle interior.

        Touching a boundary, running along an edge or through a vertex is allowed; a
        segment with an endpoint strictly inside an obstacle is blocked. Returns (M,).
        """
        a, b = np.broadcast_arrays(_xy(a_xy), _xy(b_xy))
        return self._crosses(a, b) | self.inside(a) | self.inside(b)

    def _crosses(self, a: F64, b: F64) -> NDArray[np.bool_]:
        """Whether segments a->b (n, 2) touch the shrunk obstacles; (n,)."""
        p, q, boxes = self._edges
        out = np.zeros(len(a), dtype=bool)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        for g, (x0, y0, x1, y1) in enumerate(boxes):
            near = (hi[:, 0] >= x0) & (lo[:, 0] <= x1) & (hi[:, 1] >= y0) & (lo[:, 1] <= y1)
            idx = np.flatnonzero(near & ~out)
            sl = slice(g * _EDGE_GROUP, (g + 1) * _EDGE_GROUP)
            for s in range(0, len(idx), _BLOCK // _EDGE_GROUP):
                sub = idx[s : s + _BLOCK // _EDGE_GROUP]
                out[sub] = _hits(a[sub], b[sub], p[sl], q[sl])
        return out

    def _radial(self, o: F64) -> tuple[F64, NDArray[np.intp]]:
        """Angular visibility structure around origins ``o`` (n, 2).

        Returns flattened sorted pseudo-angles of all shrunk-obstacle vertices seen
        from each origin (offset by 8 per origin) and, per angular interval, the
        nearest shrunk edge crossed by rays in it (-1 = none); both (n * E,).
        """
        p, q = self._edges[0], self._edges[1]
        n, ne = len(o), len(p)
        br = np.sort(_pseudo_angle(p[:, 0] - o[:, :1], p[:, 1] - o[:, 1:]), axis=1)
        mid = 0.5 * (br + np.concatenate([br[:, 1:], br[:, :1] + 4.0], axis=1)) % 4.0
        pm = np.where(mid < 1.0, mid, np.where(mid < 3.0, 2.0 - mid, mid - 4.0))
        ux, uy = np.where((mid >= 1.0) & (mid < 3.0), -1.0, 1.0) * (1.0 - np.abs(pm)), pm
        near = np.full((n, ne), -1, dtype=np.intp)
        ex, ey = q[:, 0] - p[:, 0], q[:, 1] - p[:, 1]
        step = max(1, _BLOCK // max(1, ne * ne))
        for c in range(0, n, step):  # ray at each interval midpoint vs every edge
            rx, ry = p[:, 0] - o[c : c + step, :1, None], p[:, 1] - o[c : c + step, 1:, None]
            cx, cy = ux[c : c + step, :, None], uy[c : c + step, :, None]
            with np.errstate(invalid="ignore", divide="ignore"):
                den = cx * ey - cy * ex
                dist = (rx * ey - ry * ex) / den
                lam = (rx * cy - ry * cx) / den
            dist[~((dist > 0.0) & (lam >= 0.0) & (lam <= 1.0))] = np.inf
            k = np.argmin(dist, axis=2)
            hit = np.isfinite(np.take_along_axis(dist, k[..., None], axis=2)[..., 0])
            near[c : c + step] = np.where(hit, k, -1)
        return (br + 8.0 * np.arange(n)[:, None]).ravel(), near.ravel()

    def _visible(
        self, rad: tuple[F64, NDArray[np.intp]], k: NDArray[np.intp], o: F64, t: F64
    ) -> NDArray[np.bool_]:
        """Whether targets ``t`` (m, 2) see their origins ``o`` (m, 2), index ``k`` in ``rad``."""
        p, q = self._edges[0], self._edges[1]
        ne = len(p)
        if ne == 0:
            return np.ones(len(t), dtype=bool)
        dx, dy = t[:, 0] - o[:, 0], t[:, 1] - o[:, 1]
        ang = np.nan_to_num(_pseudo_angle(dx, dy))
        pos = np.searchsorted(rad[0], ang + 8.0 * k, side="right") - 1 - k * ne
        e = rad[1][k * ne + np.where(pos < 0, ne - 1, pos)]
        pe, ee = p[e], q[e] - p[e]
        side_t = ee[:, 0] * (t[:, 1] - pe[:, 1]) - ee[:, 1] * (t[:, 0] - pe[:, 0])
        side_o = ee[:, 0] * (o[:, 1] - pe[:, 1]) - ee[:, 1] * (o[:, 0] - pe[:, 0])
        seen: NDArray[np.bool_] = (e < 0) | (side_t * side_o > 0.0) | ((dx == 0.0) & (dy == 0.0))
        return seen

    @cached_property
    def _vertex_radial(self) -> tuple[F64, NDArray[np.intp]]:
        return self._radial(self.vertices_xy)

    @cached_property
    def visibility(self) -> NDArray[np.bool_]:
        """(V, V) symmetric boolean vertex-to-vertex visibility matrix (cached, cost-free)."""
        v, w = self.vertices_xy, self._wedges
        i, j = np.triu_indices(len(v), 1)
        d = v[j] - v[i]
        ok = ~_in_wedge(w[i, 0], w[i, 1], d[:, 0], d[:, 1])
        ok &= ~_in_wedge(w[j, 0], w[j, 1], -d[:, 0], -d[:, 1])
        i, j = i[ok], j[ok]
        ok = self._visible(self._vertex_radial, i, v[i], v[j])
        vis = np.zeros((len(v), len(v)), dtype=bool)
        vis[i[ok], j[ok]] = vis[j[ok], i[ok]] = True
        return vis

    @cached_property
    def _index(self) -> _EdgeIndex:
        """Two-level circle index over the shrunk edges for :meth:`_sees` (built once)."""
        p, q = self._edges[0], self._edges[1]
        parts = shapely.get_parts(self._merged)
        if len(p) == 0 or len(parts) == 0:
            z, e = np.zeros(0, dtype=np.intp), np.zeros(0)
            return _EdgeIndex(
                np.zeros((0, 2)), e, e, np.zeros(1, dtype=np.intp), e[:, None], e, z, z
            )
        x0, y0 = np.min(np.minimum(p, q), axis=0)
        x1, y1 = np.max(np.maximum(p, q), axis=0)
        extent = max(x1 - x0, y1 - y0, 1.0)
        margin = 1e-9 * extent  # covers rounding in the distance tests
        # runs of <= _CHUNK consecutive edges of one ring, with bounding circles
        ring_start = np.r_[True, np.any(q[:-1] != p[1:], axis=1)]
        first = np.flatnonzero(ring_start)[np.cumsum(ring_start) - 1]
        start_run = ring_start | ((np.arange(len(p)) - first) % _CHUNK == 0)
        at = np.flatnonzero(start_run)
        lo = np.minimum.reduceat(np.minimum(p, q), at)
        hi = np.maximum.reduceat(np.maximum(p, q), at)
        cen = 0.5 * (lo + hi)
        run = np.cumsum(start_run) - 1
        r2 = np.maximum(np.sum((p - cen[run]) ** 2, axis=1), np.sum((q - cen[run]) ** 2, axis=1))
        rad = np.sqrt(np.maximum.reduceat(r2, at)) + margin
        size = np.diff(np.r_[at, len(p)])
        # per merged polygon: a centre inside it, a core disk inside the shrunk polygon
        # (a segment through it is blocked for sure), and a circle around all its runs
        c = shapely.centroid(parts)
        off = ~shapely.contains(parts, c)
        c[off] = shapely.point_on_surface(parts[off])
        core = shapely.distance(c, shapely.boundary(parts)) - 10.0 * _SHRINK_REL * extent
        centre = shapely.get_coordinates(c)
        _, owner = shapely.STRtree(parts).query_nearest(shapely.points(p[at]), all_matches=False)
        order = np.argsort(owner, kind="stable")
        owner, cen, rad, at, size = owner[order], cen[order], rad[order], at[order], size[order]
        reach = np.zeros(len(parts))
        np.maximum.at(reach, owner, np.hypot(*(cen - centre[owner]).T) + rad)
        reach += margin
        bounds = np.searchsorted(owner, np.arange(len(parts) + 1)).astype(np.intp)
        core2 = np.where(core > 0.0, core * core, -1.0)
        return _EdgeIndex(centre, core2, reach * reach, bounds, cen, rad * rad, at, size)

    def _sees(self, o: F64, t: F64) -> NDArray[np.bool_]:
        """Whether segments from one origin ``o`` (2,) to ``t`` (M, 2) miss the shrunk edges.

        Same predicate as :meth:`_crosses` (negated), narrowed by :attr:`_index`: a
        segment through a core disk is blocked at once; the others are tested only
        against the edges of runs whose circle they pass, within polygons whose circle
        they pass. Work: about (segments x polygons) plus the nearby edges.
        """
        ix, (p, q) = self._index, self._edges[:2]
        out = np.ones(len(t), dtype=bool)
        if len(ix.centre) == 0 or len(t) == 0:
            return out
        v = t - o
        vv = np.sum(v * v, axis=1)
        vv[vv == 0.0] = 1.0  # zero-length segments (v = 0): distance to the origin
        w = ix.centre - o
        step = max(1, _BLOCK // len(w))
        for c0 in range(0, len(t), step):
            sl = slice(c0, c0 + step)
            d2 = _dist2(v[sl, None, :], vv[sl, None], w)
            out[sl] = ~np.any(d2 <= ix.core2, axis=1)
            m, part = np.nonzero(out[sl, None] & (d2 <= ix.reach2))
            j, k = _ranges(ix.bounds[part], ix.bounds[part + 1])
            m = c0 + m[j]
            near = _dist2(v[m], vv[m], ix.run_centre[k] - o) <= ix.run_r2[k]
            m, k = m[near], k[near]
            j, e = _ranges(ix.run_first[k], ix.run_first[k] + ix.run_size[k])
            hit = _touch(np.broadcast_to(o, (len(e), 2)), t[m[j]], p[e], q[e])
            out[m[j][hit]] = False
        return out

    def _astar(self, s: F64, t: F64, cost_fn: CostFn) -> tuple[float, list[int]]:
        """Least cost from ``s`` to ``t`` (each (2,)) and the bend vertices in order.

        A* over the visibility graph, built lazily (partial-expansion A*): a vertex
        taken from the queue lists its candidate legs, only along bitangent lines (a
        leg of a least-cost path is tangent to the obstacle at each bend vertex, else
        the bend could be cut with a cost no higher, by the triangle inequality) and
        only to vertices it would improve, sorted by ``f = g + h``. Legs are tested for
        visibility in batches as the search reaches their ``f`` (the rest wait in the
        queue under the smallest waiting ``f``), so legs that could only lead to paths
        costlier than the answer are never tested. The heuristic ``h = cost_fn(t - v)``
        is a consistent lower bound (triangle inequality again), so the result is
        exact. Returns ``(inf, [])`` without a path.
        """
        n = len(self.vertices_xy)
        tgt, src = n, n + 1  # node ids: vertices 0..n-1, then the target and the source
        v = np.vstack([self.vertices_xy, t, s])
        wdg = np.concatenate([self._wedges, np.zeros((2, 2, 2))])  # no wedge at t, s
        ein, eout = wdg[:, 0], wdg[:, 1]
        h = np.asarray(cost_fn(t[0] - v[:, 0], t[1] - v[:, 1]), dtype=np.float64).reshape(n + 2)
        h[tgt] = 0.0
        g, fkey = np.full(n + 2, np.inf), np.full(n + 2, np.inf)
        g[src] = fkey[src] = 0.0
        pred = np.full(n + 2, src, dtype=np.intp)
        closed = np.zeros(n + 2, dtype=bool)
        slack = _BATCH_REL * float(h[src]) if np.isfinite(h[src]) else 0.0
        pending: dict[int, tuple[F64, NDArray[np.intp], F64, int]] = {}
        heap: list[tuple[float, int, int]] = [(0.0, 0, src)]  # (f, 0 new / 1 more legs, node)

        def settle(u: int) -> None:
            closed[u] = True
            d = v[: n + 1] - v[u]
            ok = ~closed[: n + 1] & np.isfinite(h[: n + 1])
            ok &= _bitangent(ein[: n + 1], eout[: n + 1], d[:, 0], d[:, 1])
            ok &= _bitangent(ein[u], eout[u], d[:, 0], d[:, 1])
            idx = np.flatnonzero(ok)
            ng = g[u] + np.asarray(cost_fn(d[idx, 0], d[idx, 1]), dtype=np.float64).reshape(-1)
            f = ng + h[idx]
            keep = np.flatnonzero((ng < g[idx]) & (f < g[tgt]))
            keep = keep[np.argsort(f[keep], kind="stable")]
            pending[u] = (f[keep], idx[keep], ng[keep], 0)

        def advance(u: int, limit: float) -> None:
            f, idx, ng, pos = pending.pop(u)
            end = max(pos + 1, int(np.searchsorted(f, limit, side="right")))
            fi, ii, gi = f[pos:end], idx[pos:end], ng[pos:end]
            keep = ~closed[ii] & (gi < g[ii]) & (fi < g[tgt])
            fi, ii, gi = fi[keep], ii[keep], gi[keep]
            if len(ii):
                seen = self._sees(v[u], v[ii])
                fi, ii, gi = fi[seen], ii[seen], gi[seen]
                g[ii], pred[ii], fkey[ii] = gi, u, fi  # ii are distinct: one leg per vertex
                for fv, i in zip(fi.tolist(), ii.tolist(), strict=True):
                    heapq.heappush(heap, (fv, 0, i))
            if end < len(f) and f[end] < g[tgt]:
                pending[u] = (f, idx, ng, end)
                heapq.heappush(heap, (float(f[end]), 1, u))

        while heap:
            f, more, u = heapq.heappop(heap)
            if f >= g[tgt]:
                break  # every remaining path costs at least the target's cost
            if not more:
                if closed[u] or f != fkey[u]:
                    continue  # stale entry
                settle(u)
            if u in pending:
                advance(u, f + slack)
        bends: list[int] = []
        k = int(pred[tgt]) if np.isfinite(g[tgt]) else src
        while k != src:
            bends.append(k)
            k = int(pred[k])
        return float(g[tgt]), bends[::-1]

    def _dijkstra(self, s: F64, cost_fn: CostFn, max_cost: float) -> tuple[F64, NDArray[np.intp]]:
        """Least cost from source ``s`` (2,) to every vertex, and predecessors (-1 = source)."""
        v, w = self.vertices_xy, self._wedges
        vis, n = self.visibility, len(v)
        d = s - v  # from each vertex back to the source
        ok = ~_in_wedge(w[:, 0], w[:, 1], d[:, 0], d[:, 1])
        src = np.broadcast_to(s, (int(ok.sum()), 2))
        ok[ok] = self._visible(self._vertex_radial, np.flatnonzero(ok), v[ok], src)
        dist = np.full(n, np.inf)
        dist[ok] = cost_fn(-d[ok, 0], -d[ok, 1])
        pred = np.where(np.isfinite(dist), -1, -2).astype(np.intp)
        ww = np.full((n, n), np.inf)
        ii, jj = np.nonzero(vis)
        ww[ii, jj] = cost_fn(v[jj, 0] - v[ii, 0], v[jj, 1] - v[ii, 1])
        open_ = np.ones(n, dtype=bool)
        for _ in range(n):
            u = int(np.argmin(np.where(open_, dist, np.inf)))
            if not (open_[u] and dist[u] <= max_cost and np.isfinite(dist[u])):
                break
            open_[u] = False
            alt = dist[u] + ww[u]
            better = open_ & (alt < dist)
            dist[better], pred[better] = alt[better], u
        return dist, pred


@dataclass(frozen=True, eq=False)
class FieldResult:
    """Least costs from one source to many targets.

    Attributes
    ----------
    cost
        (M,) least cost per target in ``cost_fn`` units; ``np.inf`` if inside an
        obstacle, unreachable, or costlier than ``max_cost``.
    via_vertex
        (M,) index into ``vertices_xy`` of the last bend, -1 = direct, -2 = no path.
    source_xy, targets_xy
        (2,) and (M, 2) in metres, as queried.
    vertices_xy
        (V, 2) bend candidates in metres (``ObstacleSet.vertices_xy``).
    vertex_cost, vertex_pred
        (V,) least cost to each vertex and its predecessor (-1 = source, -2 = none).
    """

    cost: F64
    via_vertex: NDArray[np.intp]
    source_xy: F64
    targets_xy: F64
    vertices_xy: F64
    vertex_cost: F64
    vertex_pred: NDArray[np.intp]

    def path(self, i: int) -> F64:
        """Waypoints (K, 2) in metres from the source to target ``i``, both included.

        Raises
        ------
        NoRouteError
            If target ``i`` has no path (infinite cost).
        """
        if not np.isfinite(self.cost[i]):
            msg = f"target {i} at {tuple(self.targets_xy[i])} has no path from the source"
            raise NoRouteError(msg)
        pts, k = [self.targets_xy[i]], int(self.via_vertex[i])
        while k >= 0:
            pts.append(self.vertices_xy[k])
            k = int(self.vertex_pred[k])
        pts.append(self.source_xy)
        return np.array(pts[::-1])


@dataclass(frozen=True, eq=False)
class Path:
    """A least-cost path: waypoints (K, 2) in metres including both ends, cost, length (m)."""

    waypoints_xy: F64
    cost: float
    length_m: float


def cost_field(
    source_xy: ArrayLike,
    targets_xy: ArrayLike,
    obstacles: ObstacleSet,
    cost_fn: CostFn = euclid,
    *,
    max_cost: float = np.inf,
) -> FieldResult:
    """Exact least cost from one source (2,) to many targets (M, 2), coordinates in metres.

    Targets visible from the source cost ``cost_fn(target - source)``; the others
    ``min(vertex_cost[v] + cost_fn(target - v))`` over vertices v visible from the
    target, found by trying vertices in increasing order of that key (a lower bound
    of the cost via v) until a visible one turns up. Only targets whose direct cost
    (a lower bound) is ``<= max_cost`` are evaluated; costs above it are reported as inf.
    """
    s, t, obs = _xy(source_xy)[0], _xy(targets_xy), obstacles
    m, verts = len(t), obs.vertices_xy
    cost, via = np.full(m, np.inf), np.full(m, -2, dtype=np.intp)
    vcost, vpred = np.full(len(verts), np.inf), np.full(len(verts), -2, dtype=np.intp)
    direct = np.asarray(cost_fn(t[:, 0] - s[0], t[:, 1] - s[1]), dtype=np.float64)
    cand = np.flatnonzero(direct <= max_cost)
    seen = np.ones(len(cand), dtype=bool)
    if not obs.is_empty():
        cand = cand[~obs.inside(t[cand])] if not obs.inside(s)[0] else cand[:0]
        k0, src = np.zeros(len(cand), dtype=np.intp), np.broadcast_to(s, (len(cand), 2))
        seen = obs._visible(obs._radial(s[None]), k0, src, t[cand])
    ok = seen & np.isfinite(direct[cand])
    cost[cand[ok]], via[cand[ok]] = direct[cand[ok]], -1
    rest = cand[~ok]
    if rest.size and len(verts):
        vcost, vpred = obs._dijkstra(s, cost_fn, max_cost)
    use = np.flatnonzero(vcost <= max_cost)
    v = verts[use]
    step = max(1, _BLOCK // max(1, len(use)))
    for c0 in range(0, rest.size if use.size else 0, step):  # blocks of targets x vertices
        idx = rest[c0 : c0 + step]
        dx, dy = t[idx, :1] - v[:, 0], t[idx, 1:] - v[:, 1]
        key = vcost[use] + np.asarray(cost_fn(dx, dy), dtype=np.float64)
        key[key > max_cost] = np.inf
        rows = np.arange(len(idx))
        while rows.size:  # best remaining vertex per target; keep it if visible
            j = np.argmin(key[rows], axis=1)
            k = key[rows, j]
            rows, j, k = rows[np.isfinite(k)], j[np.isfinite(k)], k[np.isfinite(k)]
            free = obs._visible(obs._vertex_radial, use[j], v[j], t[idx[rows]])
            cost[idx[rows[free]]], via[idx[rows[free]]] = k[free], use[j[free]]
            key[rows[~free], j[~free]] = np.inf
            rows = rows[~free]
    over = cost > max_cost
    cost[over], via[over] = np.inf, -2
    return FieldResult(cost, via, s, t, verts, vcost, vpred)


def shortest_path(
    a_xy: ArrayLike, b_xy: ArrayLike, obstacles: ObstacleSet, cost_fn: CostFn = euclid
) -> Path:
    """Least-cost path from ``a_xy`` to ``b_xy`` (each (2,), metres) around the obstacles.

    Raises
    ------
    NoRouteError
        If an endpoint is strictly inside an obstacle (naming it) or no path of
        finite cost exists.
    """
    a, b = _xy(a_xy)[0], _xy(b_xy)[0]
    for name, p in (("start", a), ("end", b)):
        if obstacles.inside(p)[0]:
            ids = np.flatnonzero(shapely.intersects_xy(np.array(obstacles.polygons), *p))
            which = ", ".join(f"#{i}" for i in ids) or "?"
            msg = f"{name} point ({p[0]:.1f}, {p[1]:.1f}) is inside no-fly obstacle {which}"
            fix = "move the point out of the no-fly area or reduce clearance_m"
            raise NoRouteError(msg, fix=fix)
    if obstacles.is_empty():
        cost = float(cost_fn(np.asarray(b[0] - a[0]), np.asarray(b[1] - a[1])))
        bends: list[int] = []
    else:
        cost, bends = obstacles._astar(a, b, cost_fn)
    if not np.isfinite(cost):
        msg = (
            f"no route from ({a[0]:.1f}, {a[1]:.1f}) to ({b[0]:.1f}, {b[1]:.1f}): every path is "
            "blocked by no-fly obstacles or has infinite cost (e.g. no headway against the wind)"
        )
        raise NoRouteError(msg)
    wp = np.vstack([a, obstacles.vertices_xy[bends], b])
    inner = wp[1:-1]  # drop zero-length legs (a bend at an endpoint or a repeated point)
    keep = np.any(inner != wp[:-2], axis=1) & np.any(inner != b, axis=1)
    wp = np.vstack([a, inner[keep], b])
    length = float(np.hypot(*np.diff(wp, axis=0).T).sum())
    return Path(wp, cost, length)
