"""Timings for lowalt.flight.visibility (run by hand: ``python benchmarks/bench_visibility.py``).

One source, 50,000 targets in a 10 x 10 km square, 5 star-shaped obstacles of
10-40 vertices each. Also compares the numpy crossing test with a shapely 2
alternative (prepared shrunk polygons + ``shapely.intersects`` on line strings).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon

from lowalt.flight.visibility import ObstacleSet, cost_field, shortest_path

N_TARGETS = 50_000
SIDE_M = 10_000.0


def star(rng: np.random.Generator, cx: float, cy: float, n: int, r_m: float) -> Polygon:
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    rad = r_m * rng.uniform(0.4, 1.0, n)
    return Polygon(np.c_[cx + rad * np.cos(ang), cy + rad * np.sin(ang)])


def wind_cost(wx: float, wy: float, air_mps: float) -> Callable[[Any, Any], Any]:
    """Flight time (s) of a straight leg under a uniform wind (inf if no headway)."""

    def cost(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
        length = np.hypot(dx, dy)
        with np.errstate(invalid="ignore", divide="ignore"):
            ux, uy = dx / length, dy / length
            along, cross = ux * wx + uy * wy, ux * wy - uy * wx
            gs = along + np.sqrt(np.maximum(air_mps**2 - cross**2, 0.0))
            t = np.where(gs > 0, length / gs, np.inf)
        return np.where(length == 0, 0.0, t)

    return cost


def timed(label: str, fn: Callable[[], Any], repeat: int = 5) -> Any:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<58s} {best * 1e3:9.2f} ms")
    return out


def main() -> None:
    rng = np.random.default_rng(7)
    centres = [(2500, 2500), (7000, 3000), (5000, 5500), (2500, 7500), (7500, 7800)]
    polys = [star(rng, cx, cy, int(rng.integers(10, 41)), 1300.0) for cx, cy in centres]
    targets = rng.uniform(0, SIDE_M, (N_TARGETS, 2))
    source = np.array([400.0, 300.0])
    print(
        f"{len(polys)} obstacles, {sum(len(p.exterior.coords) - 1 for p in polys)} vertices, "
        f"{N_TARGETS} targets"
    )

    timed("ObstacleSet.from_polygons", lambda: ObstacleSet.from_polygons(polys))
    obs = ObstacleSet.from_polygons(polys)
    print(f"  bend vertices V = {len(obs.vertices_xy)}")
    timed(
        "visibility matrix (first call, cached afterwards)",
        lambda: ObstacleSet.from_polygons(polys).visibility,
        repeat=3,
    )
    _ = obs.visibility
    res = timed("cost_field, Euclidean (graph cached)", lambda: cost_field(source, targets, obs))
    n_bend = int(np.sum(res.via_vertex >= 0))
    print(
        f"  direct {np.sum(res.via_vertex == -1)}, via vertex {n_bend}, "
        f"none {np.sum(res.via_vertex == -2)}"
    )
    timed(
        "cost_field, Euclidean, cold ObstacleSet (incl. prep + graph)",
        lambda: cost_field(source, targets, ObstacleSet.from_polygons(polys)),
        repeat=3,
    )
    wind = wind_cost(6.0, -4.0, 15.0)
    timed("cost_field, wind-time cost", lambda: cost_field(source, targets, obs, wind))
    timed("cost_field, max_cost = 4000 m", lambda: cost_field(source, targets, obs, max_cost=4e3))
    empty = ObstacleSet.from_polygons([])
    timed("cost_field, no obstacles (numpy fast path)", lambda: cost_field(source, targets, empty))
    timed(
        "shortest_path, corner to corner",
        lambda: shortest_path(source, (9600.0, 9700.0), obs),
        repeat=20,
    )
    timed("ObstacleSet.inside, 50k points", lambda: obs.inside(targets))

    # crossing test: numpy (used) vs a shapely 2 alternative, source -> all targets
    src = np.broadcast_to(source, targets.shape)
    mine = timed("crossing test, numpy edge groups (used)", lambda: obs._crosses(src, targets))
    shrunk = shapely.buffer(obs._merged, -1e-7 * SIDE_M, join_style="mitre")
    parts = shapely.get_parts(shrunk)
    shapely.prepare(parts)
    tree = shapely.STRtree(parts)

    def with_shapely() -> np.ndarray:
        lines = shapely.linestrings(np.stack([src, targets], axis=1))
        i, j = tree.query(lines)  # bounding boxes only
        hit = shapely.intersects(parts[j], lines[i])  # prepared polygons
        out = np.zeros(len(lines), dtype=bool)
        out[i[hit]] = True
        return out

    theirs = timed("crossing test, shapely STRtree + prepared intersects", with_shapely)
    print(f"  disagreements: {int(np.sum(mine != theirs))}")


if __name__ == "__main__":
    main()
