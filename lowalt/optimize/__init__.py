"""Station placement on a sites × demand response-time matrix (OR-Tools, exact).

Models: :func:`solve_lscp` (fewest docks), :func:`solve_mclp` (most demand with k
docks), :func:`solve_pcenter` (best worst case), :func:`solve_backup` (double
coverage), :func:`solve_mexclp` (drones per dock, expected coverage) and
:func:`solve_pmedian` (mean response time). Every function takes the response-time
matrix in seconds (``scipy.sparse`` with absent = unreachable, or dense with
``inf``) and returns an immutable :class:`PlacementResult`.
"""

from __future__ import annotations

from lowalt.optimize.backup import solve_backup
from lowalt.optimize.lscp import solve_lscp
from lowalt.optimize.mclp import solve_mclp
from lowalt.optimize.mexclp import solve_mexclp
from lowalt.optimize.pcenter import solve_pcenter
from lowalt.optimize.pmedian import solve_pmedian
from lowalt.optimize.result import PlacementResult, SolveStatus

__all__ = [
    "PlacementResult",
    "SolveStatus",
    "solve_backup",
    "solve_lscp",
    "solve_mclp",
    "solve_mexclp",
    "solve_pcenter",
    "solve_pmedian",
]
