"""The placement report (``{stem}_placement.json``): its model and its builder.

Every ``optimize`` question answered with its status, bound and gap, each layout re-checked
on the full demand grid (fields also listed in docs/user_guide.md, "Reports"). Shares are
rounded to 6 decimals, areas to 0.001 km², times to 0.1 s, objectives, bounds and gaps to 3
decimals, solver wall times to 0.01 s (the only figure that varies between runs).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import ConfigDict, Field, StringConstraints

from lowalt.outputs.reports import SCHEMA_VERSION
from lowalt.outputs.reports._base import (
    Count,
    Lat,
    Lon,
    NonNegative,
    Positive,
    ProvenanceValue,
    Report,
    ReportModel,
    ScenarioRef,
    Share,
    SolveStatus,
    Version,
    version_field,
)

if TYPE_CHECKING:
    from lowalt.flight.guarantee import GuaranteeStats
    from lowalt.geo.grid import DemandGrid
    from lowalt.studies.placement import PlacementStudy

__all__ = ["ANSWER_KEY_PATTERN", "PlacementReport", "build_placement_report"]

ANSWER_KEY_PATTERN = (
    r"^(min_docks_(calm|wind)|best_worst_case(_land)?|backup|drones"
    r"|tradeoff_(mclp|pcenter)_k[1-9][0-9]*)$"
)
"""The keys of ``answers`` (one per question the scenario asks)."""


# --- models ------------------------------------------------------------------------------------


class LayoutCheck(ReportModel):
    """A layout checked exactly on the full demand grid."""

    label: str = Field(description="The condition, e.g. 'calm air', 'wind 8 m/s, every direction'.")
    reached_share: Share = Field(description="Cells reached within target_s (share, 0-1).")
    unreached_area_km2: NonNegative = Field(description="Area not reached within target_s, km².")
    worst_time_s: NonNegative | None = Field(
        description="Slowest response time, s; null when some cell is unreachable."
    )
    p99_s: NonNegative | None = Field(
        description="99th percentile response time over the cells reached at all, s."
    )
    double_covered_share: Share = Field(
        description="Cells with two or more docks within target_s (share, 0-1)."
    )
    holds: bool = Field(description="Whether the promise holds for this layout.")


class LayoutDock(ReportModel):
    """One dock of the layout."""

    lon: Lon
    lat: Lat
    drones: Count = Field(description="Drones in this dock.")


class Answer(ReportModel):
    """One question answered by the solver, with its layout and the full-grid check."""

    question: str = Field(description="The question in words.")
    status: SolveStatus = Field(
        description="'optimal' only when proven (objective equals the bound); a time-limited "
        "answer is 'feasible' with its bound and gap."
    )
    objective: float | None = Field(
        description="The answer's objective: docks (min_docks_*), worst-case time in s "
        "(best_worst_case*, tradeoff_pcenter_k*), demand weight reached (tradeoff_mclp_k*), "
        "reached twice (backup) or expected reached (drones); null when not finite."
    )
    bound: float | None = Field(
        description="Best proven bound on the objective; null when not finite."
    )
    gap: NonNegative | None = Field(
        description="Relative gap |bound - objective| / |objective| (0 = proven); null when not "
        "finite."
    )
    wall_time_s: NonNegative = Field(description="Solver wall time, s (varies between runs).")
    sites: Count = Field(description="Docks in the answer's layout.")
    drones: Count = Field(description="Drones over the answer's layout.")
    unreachable_demand_points: Count = Field(
        description="Solver demand points no candidate reaches within the target (left out)."
    )
    full_grid_check: LayoutCheck | None = Field(
        description="The layout checked on the full grid (calm air, or every wind direction for "
        "min_docks_wind); null for an empty layout."
    )
    docks: tuple[LayoutDock, ...] = Field(description="The layout's docks.")


class CurrentLayout(ReportModel):
    """The scenario's own docks, checked on the full grid."""

    docks: Count = Field(description="Docks.")
    drones: Count = Field(description="Drones over all docks.")
    provenance: tuple[ProvenanceValue, ...] = Field(description="Of the dock sites.")
    calm: LayoutCheck = Field(description="In calm air.")
    design_wind: LayoutCheck | None = Field(
        description="In the design wind from every direction; null without a design wind."
    )


AnswerKey = Annotated[str, StringConstraints(pattern=ANSWER_KEY_PATTERN)]


class PlacementReport(Report):
    """The placement study: every optimize question answered with its status, bound and gap.

    Each layout is re-checked on the full demand grid. Layouts are optimized on modeled
    inputs.
    """

    model_config = ConfigDict(title="lowalt placement report")
    report_kind = "placement"

    report_schema_version: Version = version_field()
    scenario: ScenarioRef = Field(description="The scenario this report answers.")
    target_s: Positive = Field(description="Response-time target, s.")
    candidate_sites: Count = Field(description="Candidate dock sites the solver chose from.")
    demand_points: int = Field(
        ge=1, description="Solver demand points (sub-grid of the demand grid)."
    )
    current_layout: CurrentLayout = Field(
        description="The scenario's own docks, checked on the full grid."
    )
    answers: dict[AnswerKey, Answer] = Field(
        description="The answers by key: min_docks_calm, min_docks_wind, best_worst_case, "
        "best_worst_case_land, backup, drones, tradeoff_mclp_k{k}, tradeoff_pcenter_k{k} "
        "(only the questions the scenario asks)."
    )


# --- builder -----------------------------------------------------------------------------------


def _fin(x: float, nd: int = 3) -> float | None:
    return round(float(x), nd) if math.isfinite(float(x)) else None


def _check(st: GuaranteeStats, grid: DemandGrid) -> LayoutCheck:
    return LayoutCheck(
        label=st.label,
        reached_share=round(st.reached_share, 6),
        unreached_area_km2=round((st.cells - st.reached_cells) * grid.cell_area_km2, 3),
        worst_time_s=_fin(st.worst_time_s, 1),
        p99_s=_fin(st.p99_s, 1),
        double_covered_share=round(st.double_share, 6),
        holds=st.holds,
    )


def build_placement_report(study: PlacementStudy) -> PlacementReport:
    """Build the placement report of a placement study.

    Parameters
    ----------
    study
        The placement study (:func:`lowalt.studies.placement.run_placement`).

    Returns
    -------
    PlacementReport
        The report; ``.to_json()`` gives the file's text.
    """
    from lowalt.studies.reach import lonlat

    w = study.world
    g = w.grid
    answers: dict[str, Answer] = {}
    for key, a in study.answers.items():
        r = a.result
        ll = lonlat(w, a.sites_xy) if len(a.sites_xy) else np.empty((0, 2))
        answers[key] = Answer(
            question=a.question,
            status=r.status.value,
            objective=_fin(r.objective),
            bound=_fin(r.bound),
            gap=_fin(r.gap),
            wall_time_s=round(r.wall_time_s, 2),
            sites=len(a.sites_xy),
            drones=int(a.drones.sum()),
            unreachable_demand_points=a.unreachable_points,
            full_grid_check=_check(a.check, g) if a.check is not None else None,
            docks=tuple(
                LayoutDock(lon=float(x), lat=float(y), drones=int(d))
                for (x, y), d in zip(ll, a.drones, strict=True)
            ),
        )
    return PlacementReport(
        report_schema_version=SCHEMA_VERSION,
        scenario=ScenarioRef(
            name=w.scenario.name, file=w.scenario.path.name if w.scenario.path else None
        ),
        target_s=w.scenario.guarantee.target_s,
        candidate_sites=len(study.candidates_xy),
        demand_points=len(study.demand_xy),
        current_layout=CurrentLayout(
            docks=w.docks.n,
            drones=int(w.docks.drones.sum()),
            provenance=tuple(sorted(set(w.docks.provenance))),
            calm=_check(study.current_calm, g),
            design_wind=_check(study.current_wind, g) if study.current_wind is not None else None,
        ),
        answers=answers,
    )
