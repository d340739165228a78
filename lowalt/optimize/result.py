"""Immutable result type shared by every placement model."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["PlacementResult", "SolveStatus"]


class SolveStatus(enum.Enum):
    """Outcome of a placement solve.

    ``OPTIMAL`` is only reported when the objective is *proven* equal to the bound
    (a time-limited incumbent is ``FEASIBLE``, never ``OPTIMAL``).
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PlacementResult:
    """Outcome of one placement model.

    Attributes
    ----------
    model
        Model name (``"lscp"``, ``"mclp"``, ``"pcenter"``, ``"backup"``, ``"mexclp"``,
        ``"pmedian"``).
    sites
        Chosen site indices (rows of the response-time matrix), sorted ascending.
    objective
        Objective value of ``sites`` in the model's own unit (number of sites, covered
        weight, seconds, expected covered weight, weighted seconds).
    bound
        Proven bound on the optimum (lower bound when minimising, upper bound when
        maximising). ``nan`` when no bound is known.
    gap
        Relative gap ``|objective - bound| / max(|objective|, 1e-9)``; ``0.0`` when proven.
    status
        :class:`SolveStatus`.
    wall_time_s
        Wall-clock time of the whole call, seconds.
    extras
        Read-only, model-specific data (e.g. ``covered_weight``, ``uncovered_demand``,
        ``drones_per_site``, ``iterations``, ``reduced_rows``).
    """

    model: str
    sites: tuple[int, ...]
    objective: float
    bound: float
    gap: float
    status: SolveStatus
    wall_time_s: float
    extras: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def is_optimal(self) -> bool:
        """Whether the objective is proven optimal."""
        return self.status is SolveStatus.OPTIMAL

    def __getitem__(self, key: str) -> Any:
        """Return ``extras[key]``."""
        return self.extras[key]


def relative_gap(objective: float, bound: float) -> float:
    """Return ``|objective - bound| / max(|objective|, 1e-9)`` (``inf`` for a nan bound)."""
    if bound != bound or objective != objective:  # nan
        return float("inf")
    return abs(objective - bound) / max(abs(objective), 1e-9)


def make_result(
    model: str,
    sites: Any,
    objective: float,
    bound: float,
    status: SolveStatus,
    wall_time_s: float,
    **extras: Any,
) -> PlacementResult:
    """Build a :class:`PlacementResult` with sorted sites and a computed gap."""
    chosen = tuple(sorted(int(s) for s in sites))
    gap = 0.0 if status is SolveStatus.OPTIMAL else relative_gap(objective, bound)
    return PlacementResult(
        model=model,
        sites=chosen,
        objective=float(objective),
        bound=float(bound),
        gap=float(gap),
        status=status,
        wall_time_s=float(wall_time_s),
        extras=MappingProxyType(dict(extras)),
    )
