"""The JSON report of a reach check (fields documented in README.md, "The report").

Pure data: built from a :class:`~lowalt.studies.reach.RunResult`, no file I/O, no
timings or absolute paths, so the same scenario always gives the same report.
Non-finite numbers (unreachable cells) are written as ``null``.
"""

from __future__ import annotations

import math
from importlib.metadata import version
from typing import Any

import numpy as np

from lowalt.flight.guarantee import GuaranteeStats
from lowalt.flight.reach import ReachField
from lowalt.studies.reach import RunResult, lonlat

__all__ = ["REPORT_SCHEMA_VERSION", "build_report", "dock_table", "verdict_text"]

REPORT_SCHEMA_VERSION = 1
_MAX_LISTED_CELLS = 500


def _num(x: float, nd: int = 1) -> float | None:
    return round(float(x), nd) if math.isfinite(x) else None


def _stats(
    st: GuaranteeStats, field: ReachField, result: RunResult, *, per_cell_worst: bool = False
) -> dict[str, Any]:
    w = result.world
    worst_ll = lonlat(w, w.grid.xy[[st.worst_cell]])[0]
    unreached = np.flatnonzero(~(field.time_s <= field.target_s))
    order = unreached[np.lexsort((unreached, -np.nan_to_num(field.time_s[unreached], posinf=1e18)))]
    listed = order[:_MAX_LISTED_CELLS]
    ll = lonlat(w, w.grid.xy[listed]) if len(listed) else np.empty((0, 2))
    return {
        "label": st.label,
        "wind_speed_mps": field.wind.speed_mps,
        "wind_from_deg": None if field.wind.is_calm or per_cell_worst else field.wind.from_deg,
        "holds": st.holds,
        "reached_share": round(st.reached_share, 6),
        "reached_area_km2": round(st.reached_area_km2, 3),
        "weighted_share": round(st.weighted_share, 6),
        "unreached_cells": int(st.cells - st.reached_cells),
        "unreached_area_km2": round((st.cells - st.reached_cells) * w.grid.cell_area_km2, 3),
        "unreached_on_water_cells": int(w.grid.on_water[unreached].sum()),
        "unreachable_cells": st.unreachable_cells,
        "double_covered_share": round(st.double_share, 6),
        "worst_time_s": _num(st.worst_time_s),
        "worst_cell": {
            "lon": float(worst_ll[0]),
            "lat": float(worst_ll[1]),
            "on_water": bool(w.grid.on_water[st.worst_cell]),
        },
        "mean_s": _num(st.mean_s),
        "p50_s": _num(st.p50_s),
        "p90_s": _num(st.p90_s),
        "p99_s": _num(st.p99_s),
        "unreached_listed": [
            {"lon": float(a), "lat": float(b), "time_s": _num(float(field.time_s[i]))}
            for (a, b), i in zip(ll, listed, strict=True)
        ],
    }


def dock_table(result: RunResult) -> list[dict[str, Any]]:
    """Per-dock figures: position, drones, service area and reach area (km²)."""
    w = result.world
    cell_km2 = w.grid.cell_area_km2
    ll = lonlat(w, w.docks.xy)
    n = w.docks.n
    service = np.bincount(result.calm.dock[result.calm.dock >= 0], minlength=n)
    wind = result.wind_fields[result.worst_wind] if result.worst_wind is not None else None
    rows = []
    for i in range(n):
        row: dict[str, Any] = {
            "name": w.docks.names[i],
            "lon": float(ll[i, 0]),
            "lat": float(ll[i, 1]),
            "drones": int(w.docks.drones[i]),
            "provenance": w.docks.provenance[i],
            "service_area_km2": round(float(service[i]) * cell_km2, 3),
            "reach_area_calm_km2": round(float(result.calm.dock_reach_cells[i]) * cell_km2, 3),
        }
        if wind is not None:
            row["reach_area_wind_km2"] = round(float(wind.dock_reach_cells[i]) * cell_km2, 3)
        rows.append(row)
    return rows


def verdict_text(st: GuaranteeStats) -> str:
    """One sentence saying whether the promise holds under one condition."""
    minutes = st.target_s / 60.0
    if st.holds:
        return (
            f"HOLDS in {st.label}: {100 * st.reached_share:.2f} % of the area is reached within "
            f"{minutes:g} min (worst {st.worst_time_s:.0f} s)."
        )
    worst = "unreachable" if not math.isfinite(st.worst_time_s) else f"{st.worst_time_s:.0f} s"
    return (
        f"DOES NOT HOLD in {st.label}: {100 * st.reached_share:.2f} % of the area is reached "
        f"within {minutes:g} min; {st.cells - st.reached_cells} cells "
        f"({100 * (1 - st.reached_share):.2f} %) are not; worst {worst}."
    )


def build_report(result: RunResult) -> dict[str, Any]:
    """Build the report as a JSON-ready dict (see README.md for every field)."""
    w = result.world
    s, ac, g = w.scenario, w.aircraft, w.grid
    conditions = [_stats(result.calm_stats, result.calm, result)]
    design: dict[str, Any] | None = None
    if result.worst_wind is not None:
        i = result.worst_wind
        conditions.append(_stats(result.wind_stats[i], result.wind_fields[i], result))
        assert result.wind_envelope is not None
        assert result.wind_envelope_stats is not None
        design = {
            "speed_mps": s.wind.design_speed_mps,
            "directions_checked": len(result.wind_fields),
            "worst_direction_from_deg": result.wind_fields[i].wind.from_deg,
            "by_direction": [
                {
                    "from_deg": f.wind.from_deg,
                    "reached_share": round(st.reached_share, 6),
                    "worst_time_s": _num(st.worst_time_s),
                    "holds": st.holds,
                }
                for f, st in zip(result.wind_fields, result.wind_stats, strict=True)
            ],
            "every_direction": _stats(
                result.wind_envelope_stats, result.wind_envelope, result, per_cell_worst=True
            ),
        }
    calm_v = verdict_text(result.calm_stats)
    wind_v = (
        verdict_text(result.wind_stats[result.worst_wind])
        if result.worst_wind is not None
        else None
    )
    return {
        "report_schema_version": REPORT_SCHEMA_VERSION,
        "lowalt_version": version("lowalt"),
        "scenario": {
            "name": s.name,
            "file": s.path.name if s.path else None,
            "description": s.description,
        },
        "target_s": s.guarantee.target_s,
        "required_share": s.guarantee.required_share,
        "verdict": {
            "calm": result.calm_stats.holds,
            "design_wind": (
                result.wind_stats[result.worst_wind].holds
                if result.worst_wind is not None
                else None
            ),
            "summary": [calm_v, *([wind_v] if wind_v else [])],
        },
        "inputs": {
            "metric_crs": g.crs,
            "area_km2": round(g.n * g.cell_area_km2, 3),
            "grid_spacing_m": g.spacing_m,
            "cells": g.n,
            "water_cells": int(g.on_water.sum()),
            "weighted": bool(np.any(g.weight != 1.0)),
            "docks": w.docks.n,
            "drones": int(w.docks.drones.sum()),
            "dock_layout": s.docks.layout,
            "aircraft": {
                "name": ac.name,
                "cruise_speed_mps": ac.cruise_speed_mps,
                "climb_rate_mps": ac.climb_rate_mps,
                "descent_rate_mps": ac.descent_rate_mps,
                "launch_delay_s": ac.launch_delay_s,
                "cruise_altitude_m": ac.cruise_altitude_m,
                "overhead_s": round(ac.overhead_s, 3),
                "calm_reach_radius_m": round(
                    max(s.guarantee.target_s - ac.overhead_s, 0.0) * ac.cruise_speed_mps, 1
                ),
                "provenance": s.aircraft.provenance,
                "source": s.aircraft.source,
            },
            "blocking_zones": [z.name for z in w.blocking],
            "unservable_cells": int(w.unservable.sum()),
            "true_north_grid_deg": round(w.true_north_grid_deg, 4),
        },
        "provenance": _provenance(result),
        "warnings": list(w.warnings),
        "conditions": conditions,
        "design_wind": design,
        "docks": dock_table(result),
    }


def _provenance(result: RunResult) -> dict[str, Any]:
    w = result.world

    def col(gdf: Any) -> list[str]:
        if gdf is None or "provenance" not in gdf:
            return []
        return sorted({str(v) for v in gdf["provenance"]})

    return {
        "area_boundary": col(w.zone),
        "water": col(w.water),
        "airspace": sorted({z.provenance for z in w.airspace.zones}),
        "docks": sorted(set(w.docks.provenance)),
        "aircraft": w.scenario.aircraft.provenance,
    }
