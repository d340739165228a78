"""Routing timings against the issue's targets; run by hand: ``python benchmarks/bench_routing.py``.

* One route between two far corners of a 50 x 50 km square among 100 seeded random,
  non-overlapping obstacles (about 20 vertices each, half convex, half star-shaped
  concave; 2,000 vertices): ``ObstacleSet.from_polygons`` + ``shortest_path`` cold
  (fresh obstacle set, what a single ``plan_route`` call does) and warm, Euclidean and
  with a wind-time cost, and a full ``plan_route`` on the same obstacles as zones in
  EPSG:4547. Target: <= 100 ms.
* pyvisgraph (``pip install pyvisgraph``) on the same polygons and endpoints in the
  same run: graph build + shortest path, path lengths compared (also for four more
  seeded endpoint pairs, against warm lowalt queries). pyvisgraph takes
  polygons as lists of points and casts its point-in-polygon rays only to x = 10,000,
  so it gets the coordinates in kilometres (in metres it returns paths through
  obstacles); its build is pure Python: over a minute for 2,000 vertices.
* The 24-route network: ``run_network(load_scenario(...))`` on
  ``scenarios/pilot_routes.yaml`` (else ``scenarios/wuhan_pilot_routes.yaml``):
  conflicts plus CP-SAT layer assignment. Target: <= 5 s.

Options: ``--repeat N`` (median of N, default 7), ``--obstacles N`` (default 100),
``--workers N`` (pyvisgraph build processes, default 1), ``--no-pyvisgraph``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from shapely.affinity import translate
from shapely.geometry import Polygon

from lowalt.flight.aircraft import Wind, leg_time_s
from lowalt.flight.routing import plan_route
from lowalt.flight.visibility import ObstacleSet, shortest_path
from lowalt.geo.airspace import Zone
from lowalt.geo.crs import DEFAULT_METRIC_CRS, WGS84, transformer

SIDE_M = 50_000.0
SEED = 2024
START, END = np.array([500.0, 700.0]), np.array([49_400.0, 49_200.0])
ROOT = Path(__file__).resolve().parent.parent
ROUTE_MS, NETWORK_S = 100.0, 5.0  # the targets


def make_obstacles(
    n: int = 100, *, seed: int = SEED, side_m: float = SIDE_M, n_vertices: int = 20
) -> list[Polygon]:
    """Seeded non-overlapping polygons in a ``side_m`` square: even ones convex, odd concave.

    Each lies in a disk of radius 1.2-2.6 km (rejection sampled, disks at least 150 m
    apart, 2 km from the border so the corners are free); convex ones have their
    vertices on the circle, concave (star-shaped) ones at 45-100 % of the radius.
    """
    rng = np.random.default_rng(seed)
    centres: list[np.ndarray] = []
    radii: list[float] = []
    polys: list[Polygon] = []
    while len(polys) < n:
        r = float(rng.uniform(1200.0, 2600.0))
        c = rng.uniform(r + 2000.0, side_m - r - 2000.0, 2)
        if any(np.hypot(*(c - c2)) < r + r2 + 150.0 for c2, r2 in zip(centres, radii, strict=True)):
            continue
        ang = np.sort(rng.uniform(0.0, 2.0 * np.pi, n_vertices))
        rad = r * (
            np.ones(n_vertices) if len(polys) % 2 == 0 else rng.uniform(0.45, 1.0, n_vertices)
        )
        p = Polygon(np.c_[c[0] + rad * np.cos(ang), c[1] + rad * np.sin(ang)])
        if p.is_valid:
            centres.append(c)
            radii.append(r)
            polys.append(p)
    return polys


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time (s) of ``repeat`` calls after one untimed call, and the last result."""
    times, out = [], fn()
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def wind_cost(speed_mps: float, wind: Wind) -> Callable[[Any, Any], Any]:
    """Leg time (s) at ``speed_mps`` airspeed under ``wind``, as ``plan_route`` uses."""

    def cost(dx: Any, dy: Any) -> Any:
        return leg_time_s(dx, dy, speed_mps, wind)

    return cost


def extra_pairs(obs: ObstacleSet, k: int = 4, seed: int = SEED) -> list[tuple[np.ndarray, ...]]:
    """``k`` seeded random endpoint pairs, at least 30 km apart, outside the obstacles."""
    rng = np.random.default_rng(seed + 1)
    pairs: list[tuple[np.ndarray, ...]] = []
    while len(pairs) < k:
        a, b = rng.uniform(0.0, SIDE_M, (2, 2))
        if np.hypot(*(b - a)) > 30_000.0 and not obs.inside(np.array([a, b])).any():
            pairs.append((a, b))
    return pairs


def run_pyvisgraph(
    polys: list[Polygon], pairs: list[tuple[np.ndarray, ...]], workers: int
) -> tuple[float, float, list[float]]:
    """pyvisgraph build time (s), first query time (s), path lengths (m) for ``pairs``.

    Coordinates go in as kilometres (see the module docstring).
    """
    import pyvisgraph as vg

    km = [
        [vg.Point(float(x) / 1e3, float(y) / 1e3) for x, y in np.asarray(p.exterior.coords)[:-1]]
        for p in polys
    ]
    t0 = time.perf_counter()
    graph = vg.VisGraph()
    graph.build(km, workers=workers, status=False)
    t1 = time.perf_counter()
    lengths, query = [], 0.0
    for a, b in pairs:
        path = graph.shortest_path(vg.Point(*(a / 1e3)), vg.Point(*(b / 1e3)))
        query = query or time.perf_counter() - t1
        xy = np.array([(p.x, p.y) for p in path]) * 1e3
        lengths.append(float(np.hypot(*np.diff(xy, axis=0).T).sum()))
    return t1 - t0, query, lengths


def zones_for(polys: list[Polygon]) -> tuple[list[Zone], Callable[[np.ndarray], tuple]]:
    """The obstacles as prohibited zones near Wuhan in EPSG:4547, and a metre -> lon/lat map."""
    fwd, inv = transformer(WGS84, DEFAULT_METRIC_CRS), transformer(DEFAULT_METRIC_CRS, WGS84)
    x0, y0 = fwd.transform(114.0, 30.3)
    zones = [
        Zone(f"Z{i}", "prohibited", 0.0, 3000.0, translate(p, x0, y0)) for i, p in enumerate(polys)
    ]

    def lonlat(xy: np.ndarray) -> tuple[float, float]:
        lon, lat = inv.transform(x0 + xy[0], y0 + xy[1])
        return float(lon), float(lat)

    return zones, lonlat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--obstacles", type=int, default=100)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--no-pyvisgraph", action="store_true")
    args = ap.parse_args()
    polys = make_obstacles(args.obstacles)
    nv = sum(len(p.exterior.coords) - 1 for p in polys)
    obs = ObstacleSet.from_polygons(polys)
    print(
        f"{len(polys)} obstacles, {nv} vertices ({len(obs.vertices_xy)} convex bend candidates), "
        f"{SIDE_M / 1e3:.0f} km square, seed {SEED}, {START} -> {END} m, median of {args.repeat}"
    )
    rows: list[tuple[str, float, str, str]] = []  # label, seconds, length, target
    notes: list[str] = []

    def cold(cost: Any = None) -> Any:
        extra = () if cost is None else (cost,)
        return shortest_path(START, END, ObstacleSet.from_polygons(polys), *extra)

    t, p = median_time(cold, args.repeat)
    length = p.length_m
    rows.append(
        ("lowalt cold: ObstacleSet + shortest_path", t, f"{length:.3f}", f"<= {ROUTE_MS:g} ms")
    )
    t, p = median_time(lambda: shortest_path(START, END, obs), args.repeat)
    rows.append(("lowalt warm: shortest_path (prepared set)", t, f"{p.length_m:.3f}", ""))
    wind = wind_cost(15.0, Wind(speed_mps=6.0, from_deg=330.0))  # crosswind
    t, p = median_time(lambda: cold(wind), args.repeat)
    rows.append(
        (
            "lowalt cold, wind-time cost (6 m/s crosswind)",
            t,
            f"{p.length_m:.3f}",
            f"<= {ROUTE_MS:g} ms",
        )
    )
    zones, lonlat = zones_for(polys)
    t, r = median_time(
        lambda: plan_route(
            lonlat(START), lonlat(END), "dock_multirotor", zones, clearance_m=0.0, check_range=False
        ),
        args.repeat,
    )
    rows.append(("plan_route (EPSG:4547, calm, incl. corridor)", t, f"{r.length_m:.3f}", ""))

    if not args.no_pyvisgraph:
        pairs = [(START, END), *extra_pairs(obs)]
        try:
            build, query, pv_lens = run_pyvisgraph(polys, pairs, args.workers)
        except ImportError:
            print("pyvisgraph is not installed: pip install pyvisgraph")
        else:
            rows.append(("pyvisgraph: build graph", build, "", ""))
            rows.append(("pyvisgraph: shortest_path", query, f"{pv_lens[0]:.3f}", ""))
            mine = [length] + [shortest_path(a, b, obs).length_m for a, b in pairs[1:]]
            rel = max(abs(x - y) / y for x, y in zip(pv_lens, mine, strict=True))
            ratio = (build + query) / rows[0][1]
            verdict = "agree" if rel <= 1e-6 else "DISAGREE"
            notes.append(
                f"path lengths: lowalt {length:.6f} m, pyvisgraph {pv_lens[0]:.6f} m; over "
                f"{len(pairs)} endpoint pairs the largest relative difference is {rel:.1e} "
                f"({verdict}). pyvisgraph build + query = {ratio:,.0f} x lowalt cold."
            )

    from lowalt.scenario.schema import load_scenario
    from lowalt.studies.network import run_network

    path = ROOT / "scenarios" / "pilot_routes.yaml"
    if not path.exists():
        path = ROOT / "scenarios" / "wuhan_pilot_routes.yaml"
    t0 = time.perf_counter()
    res = run_network(load_scenario(path))
    first = time.perf_counter() - t0
    t, _ = median_time(lambda: run_network(load_scenario(path)), 3)
    label = f"{path.name}: {len(res.routes)} routes, conflicts + layers"
    rows.append((f"{label}, first run", first, "", f"<= {NETWORK_S:g} s"))
    rows.append((f"{label}, median of 3", t, "", f"<= {NETWORK_S:g} s"))

    width = max(len(r[0]) for r in rows)
    print(f"\n{'':<{width}s} {'time':>12s} {'length m':>14s}  target")
    for label, sec, ln, target in rows:
        ok = ""
        if target:
            limit = ROUTE_MS / 1e3 if target.endswith("ms") else NETWORK_S
            ok = "ok" if sec <= limit else "MISSED"
        print(f"{label:<{width}s} {_fmt(sec):>12s} {ln:>14s}  {target} {ok}")
    for note in notes:
        print(note)


def _fmt(sec: float) -> str:
    return f"{sec * 1e3:9.1f} ms" if sec < 1.0 else f"{sec:9.2f} s"


if __name__ == "__main__":
    main()
