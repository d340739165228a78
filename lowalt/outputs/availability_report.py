"""The availability study's JSON report and response-time CDF plot.

The report (``{stem}_availability.json``, fields in README.md, "Availability report") holds
no timings or absolute paths: the same scenario gives byte-identical files. Shares are
0-1, times seconds, rounded (shares to 6 decimals, times to 0.1 s).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from lowalt.outputs._escape import save_plot
from lowalt.outputs.reach_report import REPORT_SCHEMA_VERSION
from lowalt.sim.result import SimResult
from lowalt.studies.availability import AvailabilityStudy, DronesAnswer
from lowalt.studies.reach import lonlat

__all__ = ["availability_summary", "cdf_plot", "verdict_lines"]


def _r(x: float, nd: int = 6) -> float | None:
    x = float(x)
    return round(x, nd) if math.isfinite(x) else None


def _percentiles(res: SimResult, mask: np.ndarray | None = None) -> dict[str, float | None]:
    r = res.response_s if mask is None else res.response_s[mask]
    if r.size == 0:
        return {"p50": None, "p90": None, "p99": None}
    v = np.percentile(r, (50, 90, 99), method="inverted_cdf")
    return {f"p{q}": _r(x, 1) for q, x in zip((50, 90, 99), v, strict=True)}


def _sim(res: SimResult, study: AvailabilityStudy) -> dict[str, Any]:
    s = res.summary()
    within = res.within()
    by_dept = []
    for k, name in enumerate(res.department_names):
        mask = res.department == k
        n = int(mask.sum())
        by_dept.append(
            {
                "department": name,
                "calls": n,
                "share_within_target": _r(within[mask].mean()) if n else None,
                "percentiles_s": _percentiles(res, mask),
            }
        )
    ll = lonlat(study.world, study.world.grid.xy)
    worst = [
        {
            "cell": c,
            "lon": round(float(ll[c, 0]), 6),
            "lat": round(float(ll[c, 1]), 6),
            "share_within_target": _r(share),
            "calls": n,
        }
        for c, share, n in res.worst_cells(10, min_calls=3)
    ]
    return {
        "calls": res.n_calls,
        "share_within_target": _r(s["share_within_target"]),
        "share_within_target_at_zero_load": _r(s["share_within_target_at_zero_load"]),
        "percentiles_s": _percentiles(res),
        "mean_response_s": _r(s["mean_response_s"], 1),
        "calls_waited": s["calls_waited"],
        "mean_wait_of_waiting_s": _r(s["mean_wait_of_waiting_s"], 1),
        "unserved": s["unserved"],
        "diverted": s["diverted"],
        "battery_truncated": s["truncated"],
        "fleet_utilization": _r(s["fleet_utilization"]),
        "max_dock_utilization": _r(s["max_dock_utilization"]),
        "km_per_flight": _r(s["km_per_flight"], 3),
        "by_department": by_dept,
        "worst_cells": worst,
    }


def _answer(a: DronesAnswer, study: AvailabilityStudy) -> dict[str, Any]:
    w = study.world
    ll = lonlat(w, w.docks.xy)
    r = a.allocation
    return {
        "target_share": a.target_share,
        "met": a.met,
        "drones": a.total,
        "docks_used": a.docks_used,
        "simulated_share": _r(a.simulated_share),
        "stream_shares": [_r(x) for x in a.stream_shares],
        "ci95": [_r(x) for x in a.ci95],
        "share_one_fewer": _r(a.share_one_fewer),
        "mexclp_expected_share": _r(a.expected_share),
        "allocation_status": r.status.value,
        "allocation_gap": _r(r.gap),
        "evaluations": [{"drones": d, "simulated_share": _r(x)} for d, x in a.evaluations],
        "limit_reason": a.limit_reason,
        "docks": [
            {
                "name": name,
                "lon": round(float(x), 6),
                "lat": round(float(y), 6),
                "drones": int(n),
            }
            for name, (x, y), n in zip(w.docks.names, ll, a.drones, strict=True)
            if n > 0
        ],
    }


def availability_summary(study: AvailabilityStudy) -> dict[str, Any]:
    """Build the availability report as a JSON-ready dict."""
    w = study.world
    s = w.scenario
    a = study.config
    f = study.fleet
    c = study.comparison
    grounded = f.grounded(a.days * 24, 1)
    out: dict[str, Any] = {
        "report_schema_version": REPORT_SCHEMA_VERSION,
        "kind": "availability",
        "scenario": {"name": s.name, "file": s.path.name if s.path else None},
        "target_s": s.guarantee.target_s,
        "inputs": {
            "days": a.days,
            "seed": a.seed,
            "policy": a.policy,
            "calls_per_day": _r(study.model.calls_per_day, 3),
            "departments": [
                {
                    "name": d.name,
                    "calls_per_day": _r(study.model.scale * d.calls_per_day, 3),
                    "priority": d.priority,
                    "mean_on_scene_s": d.mission_on_scene_s,
                    "on_scene_km": d.on_scene_km,
                    "spatial": d.spatial if isinstance(d.spatial, str) else "array",
                    "provenance": d.provenance,
                }
                for d in study.model.departments
            ],
            "docks": w.docks.n,
            "drones": int(w.docks.drones.sum()),
            "dock_provenance": sorted(set(w.docks.provenance)),
            "fleet": {
                "endurance_s": f.endurance_s,
                "recharge_s": f.recharge_s,
                "recharge_proportional": f.recharge_proportional,
                "swap_s": f.swap_s,
                "launch_wind_limit_mps": f.launch_wind_limit_mps,
                "wind": "file" if a.fleet.wind_file is not None else "modeled",
                "mean_wind_mps": _r(float(np.mean(f.wind_mps)), 3)
                if f.wind_mps is not None
                else None,
                "hours_grounded_share": _r(float(grounded.mean())) if grounded is not None else 0.0,
                "maintenance_prob": f.maintenance_prob,
                "maintenance_s": f.maintenance_s,
                "max_wait_s": f.max_wait_s if math.isfinite(f.max_wait_s) else None,
            },
            "dispatch_horizon_s": a.dispatch_horizon_s,
        },
        "simulation": _sim(study.result, study),
        "analytic": {
            "offered_fleet_utilization": _r(c.q_system),
            "wind_grounded_dock_hours": _r(c.p_grounded),
            "share_within_target": {
                "simulated": _r(c.sim_coverage),
                "mexclp_system_q": _r(c.mexclp_coverage),
                "mexclp_local_q": _r(c.mexclp_local_coverage),
                "hypercube": _r(c.hypercube_coverage),
                "zero_load": _r(c.geometric_coverage),
            },
            "agreement": {
                k: {kk: _r(vv) for kk, vv in v.items()} for k, v in c.agreement().items()
            },
            "hypercube_converged": study.cube.converged,
        },
        "drones_needed": [_answer(x, study) for x in study.answers],
        "design_wind_day": None,
    }
    if study.wind_result is not None:
        assert study.wind_fleet is not None
        out["design_wind_day"] = {
            "wind_speed_mps": s.wind.design_speed_mps,
            "wind_from_deg": study.wind_from_deg,
            "direction": "headwind on every leg (bound)"
            if study.wind_from_deg is None
            else "one direction all day",
            "grounded": bool(s.wind.design_speed_mps > f.launch_wind_limit_mps),
            **_sim(study.wind_result, study),
        }
        if study.wind_comparison is not None:
            wc = study.wind_comparison
            out["design_wind_day"]["analytic_share_within_target"] = {
                "hypercube": _r(wc.hypercube_coverage),
                "mexclp_system_q": _r(wc.mexclp_coverage),
                "zero_load": _r(wc.geometric_coverage),
            }
    return out


def verdict_lines(study: AvailabilityStudy) -> list[str]:
    """Plain-text headline of the study (CLI output)."""
    res = study.result
    t = study.world.scenario.guarantee.target_s
    drones = int(study.world.docks.drones.sum())
    lines = [
        f"availability: {res.share_within():.2%} of {res.n_calls:,} simulated calls reached "
        f"within {t:g} s with {study.world.docks.n} docks and {drones} drones "
        f"(zero load {study.comparison.geometric_coverage:.2%}; hypercube "
        f"{study.comparison.hypercube_coverage:.2%})"
    ]
    for a in study.answers:
        if a.met:
            lines.append(
                f"  {a.target_share:.0%} of calls: {a.total} drones on {a.docks_used} docks "
                f"(simulated {a.simulated_share:.2%}, 95% CI {a.ci95[0]:.2%}-{a.ci95[1]:.2%}; "
                f"one fewer {a.share_one_fewer:.2%})"
            )
        else:
            lines.append(f"  {a.target_share:.0%} of calls: not reached. {a.limit_reason}")
    if study.wind_result is not None:
        where = (
            "headwind on every leg"
            if study.wind_from_deg is None
            else f"from {study.wind_from_deg:g}°"
        )
        lines.append(
            f"  design-wind days ({study.world.scenario.wind.design_speed_mps:g} m/s {where}): "
            f"{study.wind_result.share_within():.2%} within {t:g} s"
        )
    return lines


def cdf_plot(study: AvailabilityStudy, path: Path) -> Path:
    """Response-time CDF per department (and design-wind days overall) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = study.result
    target = res.target_s
    x_max = max(3.0 * target, 900.0)
    grid = np.linspace(0.0, x_max, 601)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2), dpi=110)
    cmap = plt.get_cmap("tab20")
    curves: list[tuple[np.ndarray, dict[str, object]]] = []
    for k, name in enumerate(res.department_names):
        r = np.sort(res.response_s[res.department == k])
        if r.size:
            style = {"lw": 1.2, "color": cmap(k % 20), "label": f"{name} ({r.size:,})"}
            curves.append((r, style))
    r_all = np.sort(res.response_s)
    curves.append((r_all, {"lw": 2.2, "color": "k", "label": f"all calls ({r_all.size:,})"}))
    if study.wind_result is not None:
        speed = study.world.scenario.wind.design_speed_mps
        rw = np.sort(study.wind_result.response_s)
        where = "headwind" if study.wind_from_deg is None else f"from {study.wind_from_deg:g}°"
        label = f"all calls, design-wind days ({speed:g} m/s {where})"
        curves.append((rw, {"lw": 2.0, "color": "k", "ls": "--", "label": label}))
    for ax in axes:
        for r, style in curves:
            ax.plot(grid, 100 * np.searchsorted(r, grid, side="right") / r.size, **style)
        ax.axvline(target, color="#c00", lw=1, ls=":")
        ax.grid(alpha=0.3)
        ax.set(xlabel="response time: call to drone on scene (s)")
    axes[0].set(xlim=(0, x_max), ylim=(0, 100.5), ylabel="calls answered within (%)")
    axes[0].set_title("all calls", fontsize=9)
    axes[1].set(xlim=(0.5 * target, 2.0 * target), ylim=(90, 100.2))
    axes[1].set_title(f"zoom: 90-100 % around the {target:g} s target", fontsize=9)
    axes[1].legend(fontsize=7, loc="lower right", ncol=1)
    fig.suptitle(
        f"{study.world.scenario.name}: simulated response-time CDF per department "
        "(modeled call rates)",
        fontsize=10,
    )
    return save_plot(fig, path)  # scenario and department names are not mathtext
