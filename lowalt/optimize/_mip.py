"""Vectorised MIP/LP building and solving through OR-Tools ``math_opt`` (HiGHS).

Models are written straight into a ``ModelProto`` from numpy arrays, so building a
model with millions of nonzeros costs no per-term Python call. HiGHS is called
through ``math_opt`` (not ``pywraplp``, which drops the incumbent on a time limit).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import TypedDict, Unpack

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from ortools.math_opt import (
    callback_pb2,
    model_parameters_pb2,
    model_pb2,
    parameters_pb2,
    result_pb2,
)
from ortools.math_opt.core.python import solver as core_solver
from ortools.util.python.pybind_solve_interrupter import PySolveInterrupter

from lowalt.optimize._budget import MODEL_ENTRY_S

GRACE_S = 1.0
"""Seconds past ``time_limit_s`` after which a timer interrupts HiGHS (it overruns its limit)."""

BARRIER_MIN_S = 0.1
"""Least time (s, besides ``MODEL_ENTRY_S`` per nonzero) to start IPX: a late start has no limit."""

MIN_SOLVE_S = 0.05
"""Below this many seconds left after building, the solver is not started at all."""

__all__ = [
    "MipOutcome",
    "ModelOptions",
    "build_proto",
    "run_solver",
    "solve_mip",
    "time_limited",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MipOutcome:
    """Solver answer: ``status`` in optimal/feasible/infeasible/unknown, values may be None."""

    status: str
    values: NDArray[np.float64] | None
    objective: float
    bound: float


def _solve(
    proto: model_pb2.ModelProto,
    stype: int,
    params: parameters_pb2.SolveParametersProto,
    model_params: model_parameters_pb2.ModelSolveParametersProto,
    interrupter: PySolveInterrupter,
) -> result_pb2.SolveResultProto:
    return core_solver.solve(
        proto,
        stype,
        parameters_pb2.SolverInitializerProto(),
        params,
        model_params,
        None,
        callback_pb2.CallbackRegistrationProto(),
        None,
        interrupter,
    )


def time_limited(time_limit_s: float) -> parameters_pb2.SolveParametersProto:
    """Solve parameters with ``time_limit_s`` (seconds) as the solver's time limit."""
    params = parameters_pb2.SolveParametersProto()
    params.time_limit.seconds = int(time_limit_s)
    params.time_limit.nanos = int((time_limit_s - int(time_limit_s)) * 1e9)
    return params


def run_solver(
    proto: model_pb2.ModelProto,
    stype: int,
    params: parameters_pb2.SolveParametersProto,
    model_params: model_parameters_pb2.ModelSolveParametersProto,
    time_limit_s: float,
    interrupter: PySolveInterrupter | None = None,
) -> result_pb2.SolveResultProto:
    """Solve ``proto`` with math_opt, interrupting it ``GRACE_S`` after ``time_limit_s``.

    A caller's ``interrupter`` lets another thread stop the solve early (it is also the
    one the time-limit timer triggers).
    """
    interrupter = PySolveInterrupter() if interrupter is None else interrupter
    timer = threading.Timer(max(time_limit_s, 0.0) + GRACE_S, interrupter.interrupt)
    timer.daemon = True
    timer.start()
    try:
        return _solve(proto, stype, params, model_params, interrupter)
    finally:
        timer.cancel()


def build_proto(
    c: NDArray[np.float64],
    a: sp.csr_array,
    row_lb: NDArray[np.float64],
    row_ub: NDArray[np.float64],
    *,
    var_lb: NDArray[np.float64] | None = None,
    var_ub: NDArray[np.float64] | None = None,
    integer: NDArray[np.bool_] | None = None,
    maximize: bool = False,
    offset: float = 0.0,
) -> model_pb2.ModelProto:
    """Write ``min/max c·x + offset`` s.t. ``row_lb <= A x <= row_ub`` into a ``ModelProto``.

    Variables have ids ``0..n-1`` and constraints ``0..m-1`` (rows of ``a``); default
    variable bounds are [0, 1], continuous.
    """
    n = c.size
    m = a.shape[0]
    proto = model_pb2.ModelProto()
    v = proto.variables
    ids = np.arange(n, dtype=np.int64)
    v.ids.extend(ids)
    v.lower_bounds.extend(np.zeros(n) if var_lb is None else var_lb)
    v.upper_bounds.extend(np.ones(n) if var_ub is None else var_ub)
    v.integers.extend(np.zeros(n, dtype=bool) if integer is None else integer)
    obj = proto.objective
    obj.maximize = maximize
    obj.offset = offset
    nz = np.nonzero(c)[0]
    obj.linear_coefficients.ids.extend(nz)
    obj.linear_coefficients.values.extend(c[nz])
    lc = proto.linear_constraints
    lc.ids.extend(np.arange(m, dtype=np.int64))
    lc.lower_bounds.extend(np.where(np.isfinite(row_lb), row_lb, -math.inf))
    lc.upper_bounds.extend(np.where(np.isfinite(row_ub), row_ub, math.inf))
    csr = sp.csr_array(a, dtype=np.float64)
    csr.sort_indices()
    mat = proto.linear_constraint_matrix
    mat.row_ids.extend(np.repeat(np.arange(m, dtype=np.int64), np.diff(csr.indptr)))
    mat.column_ids.extend(csr.indices.astype(np.int64))
    mat.coefficients.extend(csr.data)
    return proto


class ModelOptions(TypedDict, total=False):
    """Optional parts of a model, as ``build_proto`` takes them."""

    var_lb: NDArray[np.float64] | None
    var_ub: NDArray[np.float64] | None
    integer: NDArray[np.bool_] | None
    maximize: bool
    offset: float


def solve_mip(
    c: NDArray[np.float64],
    a: sp.csr_array,
    row_lb: NDArray[np.float64],
    row_ub: NDArray[np.float64],
    *,
    hint: NDArray[np.float64] | None = None,
    time_limit_s: float = 60.0,
    num_workers: int = 2,
    seed: int = 0,
    solver: str = "highs",
    **options: Unpack[ModelOptions],
) -> MipOutcome:
    """Solve ``min/max c·x + offset`` s.t. ``row_lb <= A x <= row_ub``, bounds, integrality.

    ``solver`` is ``"highs"`` (MIP or LP), ``"highs_barrier"`` (LP by interior point) or
    ``"glop"`` (LP only). ``time_limit_s`` (s)
    covers the whole call: the time spent building the model is deducted from the
    solver's limit, and the solve is interrupted ``GRACE_S`` after that. ``options``
    (``var_lb``, ``var_ub``, ``integer``, ``maximize``, ``offset``) go to ``build_proto``.
    """
    t_start = time.perf_counter()
    n = c.size
    ids = np.arange(n, dtype=np.int64)
    least = (BARRIER_MIN_S if solver == "highs_barrier" else MIN_SOLVE_S) + MODEL_ENTRY_S * a.nnz
    if time_limit_s < least:
        # Building the model cannot be interrupted, and IPX runs without any limit once
        # HiGHS's setup has used it up (see ``BARRIER_MIN_S``): with too little time
        # the model is not even built.
        logger.debug("math_opt %s: %.3f s is too little for %d nonzeros", solver,
                     time_limit_s, a.nnz)
        return MipOutcome("unknown", None, math.nan, math.nan)
    proto = build_proto(c, a, row_lb, row_ub, **options)
    # The limit covers the whole call: what building the model took is deducted.
    time_limit_s = max(time_limit_s - (time.perf_counter() - t_start), 0.0)
    if time_limit_s < MIN_SOLVE_S:
        logger.debug("math_opt %s: no time left after building the model", solver)
        return MipOutcome("unknown", None, math.nan, math.nan)
    params = time_limited(time_limit_s)
    del num_workers  # HiGHS threads are global in math_opt; it runs its default
    params.random_seed = seed
    params.relative_gap_tolerance = 0.0
    params.absolute_gap_tolerance = 1e-6
    model_params = model_parameters_pb2.ModelSolveParametersProto()
    if hint is not None:
        h = model_params.solution_hints.add()
        h.variable_values.ids.extend(ids)
        h.variable_values.values.extend(hint)
    stype = (
        parameters_pb2.SOLVER_TYPE_GLOP if solver == "glop" else parameters_pb2.SOLVER_TYPE_HIGHS
    )
    if solver == "highs_barrier":
        params.lp_algorithm = parameters_pb2.LP_ALGORITHM_BARRIER
    res = run_solver(proto, stype, params, model_params, time_limit_s)
    reason = res.termination.reason
    tr = result_pb2
    values = None
    objective = math.nan
    for sol in res.solutions:
        if sol.HasField("primal_solution") and (
            sol.primal_solution.feasibility_status == 2  # SOLUTION_STATUS_FEASIBLE
        ):
            pv = sol.primal_solution.variable_values
            values = np.zeros(n)
            values[np.asarray(pv.ids, dtype=np.int64)] = np.asarray(pv.values)
            objective = sol.primal_solution.objective_value
            break
    bounds = res.termination.objective_bounds
    bound = bounds.dual_bound
    if reason == tr.TERMINATION_REASON_OPTIMAL:
        status = "optimal"
    elif reason in (tr.TERMINATION_REASON_INFEASIBLE,):
        status = "infeasible"
    elif values is not None:
        status = "feasible"
    else:
        status = "unknown"
    if not math.isfinite(bound):
        bound = math.nan
    logger.debug("math_opt %s: %s obj=%s bound=%s", solver, status, objective, bound)
    return MipOutcome(status, values, float(objective), float(bound))
