"""The availability study's headline (command-line text) and response-time CDF plot.

The JSON report (``{stem}_availability.json``) is built by
:mod:`lowalt.outputs.reports.availability`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lowalt.outputs._escape import save_plot
from lowalt.studies.availability import AvailabilityStudy

__all__ = ["cdf_plot", "verdict_lines"]


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
