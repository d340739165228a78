"""Benchmark lowalt.optimize against PySAL spopt on identical seeded instances.

Instances: demand cells and candidate sites uniform in a 518 km² square, response
time = distance / speed with speed chosen so that 4 km = 300 s (the target). Each
case runs lowalt and then, if importable, spopt (PuLP + CBC) on the same matrix with
the same solver time limit; spopt runs in a child process killed at
``--spopt-timeout`` seconds wall time (model building included), reported as
"killed at N s" (no result). Ratios only where both finish. The last column states
each issue target (proven optimum within a wall time, or a speed-up over spopt) and
whether this run met it. Default run: about 8-10 minutes on 2 cores.

Before the timed cases each lowalt model is solved once on a small instance (the
warm-up, timed and printed on its own line). lowalt's compiled kernels (numba) are
compiled on the first call after an install or a code change and cached on disk after
that; the warm-up keeps that one-time cost (about 5 s on 2 cores) out of the first
case's time. ``--no-warmup`` times the cases as they come (the first one then includes
the compilation when the cache is cold).

Example::

    python benchmarks/bench_optimize.py --orlib /path/to/orlib
    python benchmarks/bench_optimize.py --quick
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from lowalt.optimize import solve_lscp, solve_mclp, solve_pcenter

SIDE_M = float(np.sqrt(518.0) * 1000.0)
RADIUS_M = 4000.0
TARGET_S = 300.0
SPEED_MPS = RADIUS_M / TARGET_S


def instance(n_dem: int, n_sites: int, seed: int, full: bool) -> sp.csr_array:
    """Sites × demand response-time matrix (sparse within the target unless ``full``)."""
    rng = np.random.default_rng(seed)
    dem = rng.uniform(0.0, SIDE_M, (n_dem, 2))
    sites = rng.uniform(0.0, SIDE_M, (n_sites, 2))
    if full:
        d = np.linalg.norm(sites[:, None, :] - dem[None, :, :], axis=2)
        return sp.csr_array(d / SPEED_MPS)
    m = cKDTree(sites).sparse_distance_matrix(cKDTree(dem), RADIUS_M, output_type="coo_matrix")
    return sp.csr_array((m.data / SPEED_MPS, (m.row, m.col)), shape=(n_sites, n_dem))


def run_spopt(model: str, mat: sp.csr_array, k: int, limit: float, queue: mp.Queue) -> None:
    import pulp
    from spopt.locate import LSCP, MCLP, PCenter

    t0 = time.perf_counter()
    cost = mat.toarray().T  # clients × facilities
    cost[cost == 0] = 1e9 if model != "pcenter" else cost[cost == 0]
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=limit, threads=2)
    if model == "lscp":
        m = LSCP.from_cost_matrix(cost, TARGET_S).solve(solver)
    elif model == "mclp":
        m = MCLP.from_cost_matrix(cost, np.ones(cost.shape[0]), TARGET_S, p_facilities=k)
        m = m.solve(solver)
    else:
        m = PCenter.from_cost_matrix(cost, p_facilities=k).solve(solver)
    queue.put((time.perf_counter() - t0, float(m.problem.objective.value()),
               pulp.LpStatus[m.problem.status]))


def spopt_case(model: str, mat: sp.csr_array, k: int, limit: float, timeout: float
               ) -> tuple[float, float, str]:
    try:
        import spopt  # noqa: F401
    except ImportError:
        return float("nan"), float("nan"), "not installed"
    ctx = mp.get_context("fork")
    q: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=run_spopt, args=(model, mat, k, limit, q))
    t0 = time.perf_counter()
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return time.perf_counter() - t0, float("nan"), f"killed at {timeout:g}s"
    if q.empty():
        return time.perf_counter() - t0, float("nan"), "crashed"
    return q.get()


def row(name: str, lw: tuple[float, float, float, str], spo: tuple[float, float, str],
        target: str) -> None:
    t, obj, bound, status = lw
    st, sobj, sstat = spo
    both = np.isfinite(sobj) and t > 0
    ratio = f"{st / t:6.1f}x" if both else "   n/a"
    print(f"{name:<24} {t:8.2f} {obj:10.4g} {bound:10.4g} {status:<9} | "
          f"{st:8.2f} {sobj:10.4g} {sstat:<18} | {ratio} | {target}", flush=True)


def verdict(status: str, wall: float, limit_s: float | None, spopt_s: float, ratio: float | None,
            obj_ok: bool = True) -> str:
    """Target text and met / MISS for one case."""
    parts = []
    if limit_s is not None:
        ok = status == "optimal" and wall <= limit_s and obj_ok
        parts.append(f"proven <= {limit_s:g}s: {'met' if ok else 'MISS'}")
    if ratio is not None:
        ok = np.isfinite(spopt_s) and wall > 0 and spopt_s / wall >= ratio
        parts.append(f">= {ratio:g}x spopt: {'met' if ok else 'MISS'}")
    return "; ".join(parts)


def parse_size(text: str) -> tuple[int, int]:
    a, b = text.lower().split("x")
    return int(a), int(b)


# (label, model, size, k, target wall time for a proven optimum or None, speed-up target)
CASES = [
    ("LSCP", "lscp", "50000x2000", 0, 15.0, None),
    ("LSCP", "lscp", "20000x1000", 0, None, None),
    ("MCLP", "mclp", "50000x2000", 20, 30.0, None),
    ("MCLP", "mclp", "1000x100", 5, None, 20.0),
    ("p-center", "pcenter", "5000x500", 20, 10.0, None),
]


def _matches(case: tuple, pattern: str) -> bool:
    model, _, size = pattern.partition(":")
    return case[1] == model.lower() and (not size or case[2] == size.lower())


def solve(model: str, mat: sp.csr_array, k: int, limit: float, seed: int):
    """Run one lowalt model on ``mat`` (benchmark conventions)."""
    if model == "lscp":
        return solve_lscp(mat, TARGET_S, time_limit_s=limit, seed=seed)
    if model == "mclp":
        return solve_mclp(mat, TARGET_S, k, time_limit_s=limit, seed=seed)
    return solve_pcenter(mat, k, time_limit_s=limit, seed=seed)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=30.0, help="solver limit, both tools")
    ap.add_argument("--spopt-timeout", type=float, default=90.0, help="spopt wall time cap")
    ap.add_argument("--no-spopt", action="store_true")
    ap.add_argument("--orlib", type=Path, default=os.environ.get("LOWALT_ORLIB_DIR"))
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    ap.add_argument("--case", action="append", default=None, metavar="MODEL[:SIZE]",
                    help="run only matching cases, e.g. lscp:50000x2000 or pcenter (repeatable)")
    ap.add_argument("--no-orlib", action="store_true", help="skip the OR-Library rows")
    ap.add_argument("--repeat", type=int, default=1, help="run each lowalt case N times")
    ap.add_argument("--no-warmup", action="store_true",
                    help="no untimed small solve first (first case includes numba compilation)")
    args = ap.parse_args(argv)
    cases = CASES
    if args.quick:
        cases = [("LSCP", "lscp", "1000x100", 0, None, None),
                 ("MCLP", "mclp", "1000x100", 5, None, 20.0),
                 ("p-center", "pcenter", "1000x100", 20, None, None)]
    if args.case:
        cases = [c for c in cases if any(_matches(c, pat) for pat in args.case)]
    print(f"{'case':<24} {'lowalt s':>8} {'objective':>10} {'bound':>10} {'status':<9} | "
          f"{'spopt s':>8} {'objective':>10} {'status':<18} | ratio  | target")
    lim = args.time_limit
    if not args.no_warmup:
        t0 = time.perf_counter()
        small = instance(600, 150, 0, full=True)  # seed 0: every cell within 300 s
        for model, k in (("lscp", 0), ("mclp", 5), ("pcenter", 5)):
            solve(model, small, k, lim, args.seed)
        print(f"{'warm-up (600 x 150)':<24} {time.perf_counter() - t0:8.2f} "
              "(compiles numba kernels on a cold cache; not part of any row)", flush=True)

    def spo(model: str, mat: sp.csr_array, k: int) -> tuple[float, float, str]:
        if args.no_spopt:
            return float("nan"), float("nan"), "skipped"
        return spopt_case(model, mat, k, lim, args.spopt_timeout)

    for label, model, size, k, limit_s, ratio in cases:
        nd, ns = parse_size(size)
        mat = instance(nd, ns, args.seed, full=model == "pcenter")
        name = f"{label} {size}" if model == "lscp" else f"{label} k={k} {size}"
        s_res: tuple[float, float, str] | None = None
        for _ in range(max(args.repeat, 1)):
            r = solve(model, mat, k, lim, args.seed)
            if s_res is None:
                s_res = spo(model, mat, k)
            row(name, (r.wall_time_s, r.objective, r.bound, r.status.value), s_res,
                verdict(r.status.value, r.wall_time_s, limit_s,
                        s_res[0] if np.isfinite(s_res[1]) else float("nan"), ratio))
    if args.orlib and not args.no_orlib:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from test_optimize_public import PMED, orlib_distances

        for name in sorted(PMED, key=lambda s: int(s[4:])):
            path = Path(args.orlib) / f"{name}.txt"
            if not path.is_file():
                continue
            d, p = orlib_distances(path)
            r = solve_pcenter(d, p, time_limit_s=lim, seed=args.seed)
            ok = "ok" if r.objective == PMED[name][2] else f"MISS (opt {PMED[name][2]})"
            print(f"{'p-center ' + name:<24} {r.wall_time_s:8.2f} {r.objective:10.4g} "
                  f"{r.bound:10.4g} {r.status.value:<9} | published {PMED[name][2]} {ok}")


if __name__ == "__main__":
    main()
