"""Exact set-cover kernel on a small (sub)matrix, solved with CP-SAT.

Used by the lazy row-generation loops of LSCP, p-center and backup coverage. The
caller passes a *local* problem: rows × candidate columns, already reduced.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from ortools.sat.python import cp_model

__all__ = ["CostBudget", "CoverOutcome", "solve_cover_cpsat"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CoverOutcome:
    """Result of one kernel solve.

    ``status`` is one of ``"optimal"``, ``"feasible"``, ``"infeasible"``, ``"unknown"``.
    ``columns`` are local column positions of the best solution (empty if none);
    ``bound`` is a proven lower bound on the local minimum number of columns.
    """

    status: str
    columns: NDArray[np.int64]
    value: int
    bound: int
    wall_time_s: float


@dataclass(frozen=True)
class CostBudget:
    r"""A reduced-cost budget on covers: :math:`\sum_j d_j x_j + \sum_i y_i z_i \le s`.

    Here :math:`z_i = \sum_{j \in N_i} x_j - 1 \ge 0` is the over-cover of row
    :math:`i`. With an LP dual :math:`y` and reduced costs :math:`d` (see ``_lpbound``)
    and :math:`s = T - L`, every cover of at most :math:`T` columns satisfies it; the
    per-site and per-row restrictions are its single terms. Attributes are local:
    ``col_cost`` per column, ``row_cost`` per row (rows covered exactly once need none),
    ``slack`` = :math:`s`.
    """

    col_cost: NDArray[np.float64]
    row_cost: NDArray[np.float64]
    slack: float


BUDGET_SCALE = 1_000_000
"""CP-SAT needs integer coefficients: costs are scaled by this and rounded down, the
slack likewise (still valid: the scaled-down left side is at most the true one)."""
DECISION_PLAIN_SHARE = 0.1
"""Share of a decision's time limit spent on the objective-free first attempt."""


class _StopAtFirst(cp_model.CpSolverSolutionCallback):
    """Stop the search at the first solution (decision mode)."""

    def on_solution_callback(self) -> None:
        self.stop_search()


def _add_budget(model: cp_model.CpModel, x: list[cp_model.IntVar], local: sp.csr_array,
                budget: CostBudget, exact: NDArray[np.bool_] | None) -> None:
    """Add the scaled ``budget`` constraint (see ``CostBudget``) to ``model``."""
    col = np.maximum(np.floor(budget.col_cost * BUDGET_SCALE), 0).astype(np.int64)
    row = np.maximum(np.floor(budget.row_cost * BUDGET_SCALE), 0).astype(np.int64)
    if exact is not None:
        row[exact] = 0
    terms = [int(col[j]) * x[j] for j in np.flatnonzero(col)]
    for i in np.flatnonzero(row):
        cols = local.indices[local.indptr[i] : local.indptr[i + 1]]
        over = model.new_int_var(0, max(cols.size - 1, 0), f"z{i}")
        model.add(over == sum(x[j] for j in cols) - 1)
        terms.append(int(row[i]) * over)
    if terms:
        model.add(sum(terms) <= int(np.floor(budget.slack * BUDGET_SCALE)))


CPSAT_ENTRY_S = 1e-6
"""Seconds per nonzero (and column) to build a CP-SAT model; one too slow to build is skipped."""
CPSAT_MIN_S = 0.02
"""Least time limit (s) for any CP-SAT covering model."""


def solve_cover_cpsat(
    local: sp.csr_array,
    *,
    demand: NDArray[np.int64] | None = None,
    exact: NDArray[np.bool_] | None = None,
    lower: int = 0,
    upper: int | None = None,
    hint: NDArray[np.int64] | None = None,
    feasibility_only: bool = False,
    plain_first: bool = True,
    budget: CostBudget | None = None,
    time_limit_s: float = 60.0,
    num_workers: int = 1,
    seed: int = 0,
) -> CoverOutcome:
    r"""Minimise :math:`\sum_j x_j` s.t. :math:`\sum_{j \in N_i} x_j \ge b_i` for every row.

    Parameters
    ----------
    local
        Boolean rows × columns coverage of the subproblem.
    demand
        Cover requirement ``b_i`` per row (default 1; 2 for backup coverage).
    exact
        Rows that must be covered exactly ``b_i`` times (LP reduced-cost restrictions).
    lower, upper
        Known bounds on the optimum, added as constraints (``upper`` inclusive).
    hint
        Local columns of a good solution, passed to CP-SAT as a hint.
    feasibility_only
        Stop at the first solution with at most ``upper`` columns. The model is tried
        first without the objective (``DECISION_PLAIN_SHARE`` of the time), then with
        it, for its bound (which is what proves a decision infeasible).
    plain_first
        With ``feasibility_only``, whether to make the objective-free attempt. Callers
        that expect a refutation turn it off: the attempt then only costs its share
        (LSCP refutation on the 50k × 2k benchmark, seed 2: 4.0–7.2 s with it,
        2.1–4.8 s without, over 4 CP-SAT seeds).
    budget
        A reduced-cost budget to add (see ``CostBudget``). As one linear constraint
        over the columns and the over-cover variables it lets CP-SAT's propagation rule
        out sites by reduced cost at every node, not only through its LP (LSCP
        refutation of 15 sites on the 50k × 2k benchmark, seed 2, over 8 CP-SAT seeds:
        0.8–2.0 s with it, 1.9–3.8 s without; with the dual of LP round 9, 0.8–2.6 s
        against 1.7–3.6 s; on the easy seed 0 refutation it costs about 0.1 s).
    time_limit_s, num_workers, seed
        CP-SAT parameters. One worker with ``linearization_level = 2`` was measured
        best for decisions (p-center probes, refutations); LSCP minimises with 2, where
        the LNS workers find the covers (see ``solve_lscp``). With more
        workers the ``max_lp`` subsolver is added so a bound is still produced, and
        the LP-guided RINS/RENS neighbourhoods are left out: on covering models they printed
        "Infeasible LNS solution!" dumps to stderr (a known CP-SAT defect, e.g.
        google/or-tools#4099).
    """
    t0 = time.perf_counter()
    n_rows, n_cols = local.shape
    if time_limit_s < CPSAT_MIN_S + CPSAT_ENTRY_S * (local.nnz + n_cols):
        # Building the model is Python work that cannot be interrupted: with too little
        # time it is not started (the answer is "unknown", which proves nothing).
        return CoverOutcome("unknown", np.zeros(0, dtype=np.int64), 0, lower, 0.0)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{j}") for j in range(n_cols)]
    req = np.ones(n_rows, dtype=np.int64) if demand is None else demand
    for i in range(n_rows):
        cols = local.indices[local.indptr[i] : local.indptr[i + 1]]
        lits = [x[j] for j in cols]
        if exact is not None and exact[i]:
            if req[i] <= 1:
                model.add_exactly_one(lits)
            else:
                model.add(sum(lits) == int(req[i]))
        elif req[i] <= 1:
            model.add_bool_or(lits)
        else:
            model.add(sum(lits) >= int(req[i]))
    if budget is not None:
        _add_budget(model, x, local, budget, exact)
    total = sum(x)
    if lower > 0:
        model.add(total >= lower)
    if upper is not None:
        model.add(total <= upper)
    if hint is not None:
        chosen = {int(j) for j in hint}
        for j in range(n_cols):
            model.add_hint(x[j], j in chosen)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = max(1, num_workers)
    p.random_seed = seed
    p.linearization_level = 2
    if num_workers > 1:
        p.subsolvers.append("max_lp")
        p.use_rins_lns = False
    code = cp_model.UNKNOWN
    if feasibility_only and plain_first:
        # Decisions run twice: first without an objective, which finds covers fast
        # (OR-Library pmed40 probe at 13, cap 90: 0.2 s, against 3.3 s with it), then
        # with it, whose LP bound is what refutes them (5,000 × 500 p-center probe at
        # 265 s, 1,394 rows: "no cover of 20" in 27 s with it, 115 s without).
        p.max_time_in_seconds = max(DECISION_PLAIN_SHARE * time_limit_s, 0.01)
        code = solver.solve(model, _StopAtFirst())
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE):
        model.minimize(total)
        p.max_time_in_seconds = max(time_limit_s - (time.perf_counter() - t0), 0.01)
        code = solver.solve(model, _StopAtFirst() if feasibility_only else None)
    wall = time.perf_counter() - t0
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        cols = np.array([j for j in range(n_cols) if solver.boolean_value(x[j])], dtype=np.int64)
        value = int(cols.size)
        if feasibility_only:
            bound = lower
            status = "feasible"
        else:
            bound = max(lower, int(np.ceil(solver.best_objective_bound - 1e-6)))
            status = "optimal" if code == cp_model.OPTIMAL or bound >= value else "feasible"
        return CoverOutcome(status, cols, value, bound, wall)
    if code == cp_model.INFEASIBLE:
        return CoverOutcome("infeasible", np.zeros(0, dtype=np.int64), 0, lower, wall)
    return CoverOutcome("unknown", np.zeros(0, dtype=np.int64), 0, lower, wall)
