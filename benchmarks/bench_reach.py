"""Benchmark the reach check on the default scenario (run by hand).

    python benchmarks/bench_reach.py [SCENARIO] [--repeat N]

Times each stage of the default scenario and compares lowalt's reach computation
(candidate pairs from a provable radius) with a baseline measured in the same
run: the dense brute force over every dock x cell pair (numpy, same flight-time
model), which is exact by construction. Prints times, the speed-up ratio and the
largest difference between the two answers (must be 0).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from lowalt.flight.aircraft import Wind
from lowalt.flight.reach import candidate_pairs, compute_reach, pair_times_s
from lowalt.scenario.schema import load_scenario
from lowalt.studies.reach import prepare

REPO = Path(__file__).resolve().parent.parent


def _dense_best(world, wind: Wind) -> np.ndarray:
    g, d = world.grid, world.docks
    best = np.full(g.n, np.inf)
    chunk = max(1, 4_000_000 // d.n)
    for s in range(0, g.n, chunk):
        cells = np.arange(s, min(s + chunk, g.n))
        cc = np.repeat(cells, d.n)
        dd = np.tile(np.arange(d.n), len(cells))
        t = pair_times_s(
            g.xy, d.xy, cc, dd, world.aircraft, wind, world.obstacles, world.unservable
        )
        best[cells] = t.reshape(len(cells), d.n).min(axis=1)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?", default=str(REPO / "scenarios/optics_valley_grid.yaml"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    world = prepare(load_scenario(args.scenario))
    t_prep = time.perf_counter() - t0
    g, d, ac = world.grid, world.docks, world.aircraft
    s = world.scenario
    print(
        f"scenario: {s.name}\n{g.n} cells x {d.n} docks; prepare (load, grid, layout): "
        f"{t_prep:.2f} s"
    )
    kw = {
        "target_s": s.guarantee.target_s,
        "obstacles": world.obstacles,
        "unservable": world.unservable,
    }
    wind = Wind(s.wind.design_speed_mps, 80.0, world.true_north_grid_deg)
    rows = []
    for label, w in (("calm", Wind.calm()), (f"wind {wind.speed_mps:g} m/s, one direction", wind)):
        fast_t, base_t = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            f = compute_reach(g.xy, d.xy, ac, w, **kw)
            fast_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            b = _dense_best(world, w)
            base_t.append(time.perf_counter() - t0)
        diff = float(np.nanmax(np.abs(np.where(np.isfinite(b), f.time_s - b, 0.0))))
        rows.append((label, min(fast_t), min(base_t), diff))
    n_dir = s.wind.directions
    t0 = time.perf_counter()
    pairs = candidate_pairs(g.xy, d.xy, ac, Wind(s.wind.design_speed_mps), **kw)
    for i in range(n_dir):
        compute_reach(
            g.xy, d.xy, ac, Wind(s.wind.design_speed_mps, 360 * i / n_dir), pairs=pairs, **kw
        )
    t_all = time.perf_counter() - t0
    print(f"\n{'condition':34s} {'lowalt s':>9s} {'dense s':>9s} {'ratio':>7s} {'max diff s':>11s}")
    for label, a, b, diff in rows:
        print(f"{label:34s} {a:9.3f} {b:9.3f} {b / a:7.1f} {diff:11.2e}")
    print(
        f"\nall {n_dir} wind directions (shared candidate pairs): {t_all:.2f} s "
        f"({len(pairs.cell) / g.n:.1f} pairs per cell)"
    )


if __name__ == "__main__":
    main()
