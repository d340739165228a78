"""Benchmark the dispatch simulation on the default scenario (run by hand).

    python benchmarks/bench_simulate.py [SCENARIO] [--days 365] [--calls-per-day 550]
        [--policy nearest_free|priority_preempt] [--horizon 600] [--seed 0]

One simulated year of the 11 modeled departments, scaled to >= 200,000 calls (about 11x
the rate calibrated on the published 53,000 flights: a stress test), on the modeled
Optics Valley layout (128 docks, 186 drones) with a modeled hourly wind series (launch
limit 12 m/s) and 2 %/drone-day maintenance outages. Prints the event-loop time against
the 20 s target, calls/s, the headline measures and the analytic cross-checks. The
calibrated load (scale 1, ~17,900 calls a year) is run too for the headline at today's rate.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from lowalt.scenario.schema import load_scenario
from lowalt.sim.demand import default_model, generate_calls
from lowalt.sim.fleet import FleetParams, wind_series
from lowalt.sim.queueing import compare, hypercube, offered_load_from_calls
from lowalt.sim.simulate import response_table, simulate
from lowalt.studies.reach import prepare

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 20.0


def _headline(res, title: str) -> None:
    s = res.summary()
    print(f"\n== {title}: {s['calls']:,} calls, policy {s['policy']} ==")
    print(
        f"within {res.target_s:g} s: {s['share_within_target']:.4f} "
        f"(zero-load geometric {s['share_within_target_at_zero_load']:.4f}); "
        f"percentiles {', '.join(f'{k} {v:.0f} s' for k, v in s['percentiles_s'].items())}"
    )
    print(
        f"waited: {s['calls_waited']:,} ({s['share_waited']:.4f}), mean wait of those "
        f"{s['mean_wait_of_waiting_s']:.0f} s; unserved {s['unserved']}; diverted "
        f"{s['diverted']}; battery-truncated {s['truncated']}"
    )
    print(
        f"fleet utilisation {s['fleet_utilization']:.4f}, busiest dock "
        f"{s['max_dock_utilization']:.4f}; km per flight {s['km_per_flight']:.2f} "
        "(published 5.0)"
    )
    for name, share in res.share_by_department().items():
        print(f"  {name:<26} {res.calls_by_department()[name]:>8,}  {share:.4f}")
    worst = res.worst_cells(5, min_calls=5)
    print("worst cells (cell, share, calls):", [(c, round(x, 3), n) for c, x, n in worst])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?", default=str(REPO / "scenarios/optics_valley_grid.yaml"))
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--calls-per-day", type=float, default=550.0)
    ap.add_argument("--policy", default="nearest_free")
    ap.add_argument("--horizon", type=float, default=600.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    t = time.perf_counter()
    world = prepare(load_scenario(args.scenario))
    t_prep = time.perf_counter() - t
    t = time.perf_counter()
    table = response_table(
        world.grid.xy,
        world.docks.xy,
        world.aircraft,
        horizon_s=args.horizon,
        obstacles=world.obstacles,
        unservable=world.unservable,
    )
    _ = table.by_cell
    t_table = time.perf_counter() - t
    target = world.scenario.guarantee.target_s if world.scenario.guarantee else 300.0
    fleet = FleetParams(wind_mps=wind_series(args.days * 24, args.seed), maintenance_prob=0.02)
    drones = world.docks.drones

    t = time.perf_counter()
    model = default_model().scaled_to(args.calls_per_day)
    calls = generate_calls(model, world.grid.weight, args.days, rng=args.seed)
    t_calls = time.perf_counter() - t
    t = time.perf_counter()
    res = simulate(calls, table, drones, fleet, policy=args.policy, target_s=target, seed=args.seed)
    t_sim = time.perf_counter() - t
    print(
        f"prepare {t_prep:.2f} s | response table {t_table:.2f} s ({table.times.nnz:,} pairs, "
        f"horizon {args.horizon:g} s) | calls {t_calls:.2f} s"
    )
    print(
        f"simulate: {len(calls):,} calls over {args.days} days in {t_sim:.2f} s "
        f"(event loop {res.wall_s:.2f} s, {res.n_events:,} events) -> "
        f"{len(calls) / t_sim:,.0f} calls/s; target <= {TARGET_S:g} s: "
        f"{'PASS' if t_sim + t_calls <= TARGET_S else 'FAIL'}"
    )
    _headline(res, f"stress load x{model.scale:.1f}")

    t = time.perf_counter()
    load = offered_load_from_calls(calls, table, drones, fleet)
    cube = hypercube(load, table, fleet, target_s=target)
    cmp = compare(res, table, load, fleet, cube=cube)
    print(
        f"\nanalytic cross-check ({time.perf_counter() - t:.2f} s; hypercube "
        f"{cube.iterations} iterations, converged {cube.converged}):"
    )
    print(cmp.text())
    busiest = np.argsort(-cmp.sim_dock_busy)[:5]
    print("busiest docks: dock, sim busy, hypercube, M/M/c | sim P(no drone), Erlang C")
    for k in busiest:
        print(
            f"  {world.docks.names[k]:<12} {cmp.sim_dock_busy[k]:.3f} "
            f"{cmp.hypercube_dock_busy[k]:.3f} {cmp.mmc_dock_busy[k]:.3f} | "
            f"{cmp.sim_p_all_busy[k]:.3f} {cmp.erlang_c_p_all_busy[k]:.3f}"
        )

    calls1 = generate_calls(default_model(), world.grid.weight, args.days, rng=args.seed + 1)
    res1 = simulate(
        calls1, table, drones, fleet, policy=args.policy, target_s=target, seed=args.seed
    )
    _headline(res1, "calibrated load x1.0 (53,000 flights / 1,080 days)")


if __name__ == "__main__":
    main()
