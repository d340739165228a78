r"""LP lower bounds for set covering, and the reduced-cost restrictions they imply.

The covering LP :math:`\min \sum_j x_j` s.t. :math:`\sum_{j \in N_i} x_j \ge 1`,
:math:`x \ge 0` is solved by row generation with HiGHS (interior point): solve on a subset
of rows (reduced by row and column dominance), add the rows its solution leaves
uncovered, drop rows that are slack with a zero dual, repeat.

Every step yields a proof, even when stopped early: a subset's dual :math:`y \ge 0`,
extended by zeros and scaled so that :math:`\sum_{i \ni j} y_i \le 1` for every site,
is dual feasible for the full problem, so every cover has at least
:math:`L = \sum_i y_i` sites (weak duality).

Reduced-cost restrictions. With :math:`d_j = 1 - \sum_{i \ni j} y_i \ge 0`, any cover
:math:`x` of at most :math:`T` sites satisfies

.. math::

    \sum_j d_j x_j + \sum_i y_i \Big(\sum_{j \in N_i} x_j - 1\Big)
    = \sum_j x_j - L \le T - L,

and every term on the left is non-negative. Hence no site with :math:`d_j > T - L` is
used, and every row with :math:`y_i > T - L` is covered *exactly once*. When the LP is
nearly tight (:math:`T - L` small), these restrictions turn a hard "no cover of
:math:`T` sites" proof into a small one: on the 50,000 × 2,000 benchmark
(:math:`L = 14.98`), CP-SAT refutes 15 sites in about 0.2 s on the 586 rows with
:math:`y_i > 0`, where the unrestricted model ran for more than 10 minutes.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from ortools.math_opt import model_parameters_pb2, parameters_pb2
from ortools.util.python.pybind_solve_interrupter import PySolveInterrupter

from lowalt.optimize._budget import MODEL_ENTRY_S
from lowalt.optimize._coverage import dominated_columns, dominated_rows, pick_rows
from lowalt.optimize._mip import BARRIER_MIN_S, MIN_SOLVE_S, build_proto, run_solver, time_limited

__all__ = ["CoverLP", "Restriction", "cover_lp", "restriction"]

logger = logging.getLogger(__name__)

LP_INITIAL_ROWS = 1000
"""Rows in the first LP subset (half the least-covered rows, half a seeded sample)."""
LP_BATCH_ROWS = 1000
"""Violated rows added per round: half the most violated, half a seeded sample (fewest rounds)."""
PURGE_MIN_ROWS = 500
"""Slack rows with a zero dual are dropped once there are at least this many."""
_SAFETY = 1e-7
"""Absolute margin against rounding: bounds are lowered and restrictions loosened by it."""


@dataclass(frozen=True)
class CoverLP:
    r"""A proven LP lower bound for a covering matrix and the dual that proves it.

    Attributes
    ----------
    bound
        :math:`L = \sum_i y_i` (already lowered by a rounding margin): every cover of
        the matrix has at least ``bound`` sites.
    y
        Dual value per row (non-negative, zero outside the generated rows), scaled so
        that no site's column sums above 1.
    reduced
        Reduced cost per site, :math:`d_j = 1 - \sum_{i \ni j} y_i \ge 0`.
    optimal
        True when the LP optimum over *all* rows was reached (``bound`` is then the LP
        value up to the margin).
    rounds
        LP solves performed.
    """

    bound: float
    y: NDArray[np.float64]
    reduced: NDArray[np.float64]
    optimal: bool
    rounds: int


@dataclass(frozen=True)
class Restriction:
    """What every cover with at most ``cap`` sites must satisfy, by the LP argument.

    ``impossible``: the LP bound alone exceeds ``cap``. Otherwise ``allowed_sites``
    (bool per site) and ``exact_rows`` (bool per row: covered exactly once).
    """

    cap: int
    impossible: bool
    allowed_sites: NDArray[np.bool_]
    exact_rows: NDArray[np.bool_]


def restriction(lp: CoverLP, cap: int) -> Restriction:
    """Return the reduced-cost restrictions on covers of at most ``cap`` sites."""
    slack = cap - lp.bound
    if slack < 0:
        return Restriction(cap, True, np.zeros(lp.reduced.size, dtype=bool),
                           np.zeros(lp.y.size, dtype=bool))
    return Restriction(cap, False, lp.reduced <= slack + _SAFETY, lp.y > slack + _SAFETY)


def _solve_lp(local: sp.csr_array, time_limit_s: float,
              interrupter: PySolveInterrupter | None = None,
              ) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Solve the covering LP of ``local`` with HiGHS's interior point; ``(x, y)`` or None.

    Measured on the rounds of the 50k × 2k benchmark (about 1,300 × 1,300, 180k
    nonzeros): 0.92 s where GLOP's dual simplex took 1.19 s and HiGHS's dual simplex
    1.27 s; the whole 50k × 2k LSCP proof went from 16.1–19.0 s with GLOP (13 runs) to
    12.3–17.0 s (12 runs). Starting GLOP from the previous round's basis saved only
    about 5 %, because dominance changes the rows and sites every round.
    """
    m, n = local.shape
    if time_limit_s < BARRIER_MIN_S + MODEL_ENTRY_S * local.nnz:
        # HiGHS hands IPX ``time_limit - elapsed``; when presolve and setup have used the
        # whole limit that is negative, which IPX reads as *no* limit, and math_opt's
        # interrupter does not reach IPX either (measured: 1,000 × 20,000, 700k
        # nonzeros, a 0.3 s limit ran 11 s to the optimum). Too little time: no LP.
        logger.debug("cover_lp: %.3f s is too little for an LP with %d nonzeros",
                     time_limit_s, local.nnz)
        return None
    proto = build_proto(np.ones(n), local, np.ones(m), np.full(m, math.inf),
                        var_ub=np.full(n, math.inf))
    params = time_limited(time_limit_s)
    params.lp_algorithm = parameters_pb2.LP_ALGORITHM_BARRIER
    res = run_solver(proto, parameters_pb2.SOLVER_TYPE_HIGHS, params,
                     model_parameters_pb2.ModelSolveParametersProto(), time_limit_s,
                     interrupter)
    if res.termination.reason != 1:  # TERMINATION_REASON_OPTIMAL
        return None
    sol = res.solutions[0]
    x = np.zeros(n)
    pv = sol.primal_solution.variable_values
    x[np.asarray(pv.ids, dtype=np.int64)] = pv.values
    y = np.zeros(m)
    dv = sol.dual_solution.dual_values
    y[np.asarray(dv.ids, dtype=np.int64)] = dv.values
    return x, np.maximum(y, 0.0)


def cover_lp(
    cov: sp.csr_array,
    *,
    deadline: float,
    seed: int = 0,
    on_round: Callable[[CoverLP], None] | None = None,
    interrupter: PySolveInterrupter | None = None,
) -> CoverLP | None:
    """Bound the minimum cover of every row of ``cov`` by its LP relaxation.

    Parameters
    ----------
    cov
        Demand-major boolean coverage (rows × sites); every row needs a site.
    deadline
        ``time.perf_counter()`` value at which to stop (the best bound so far is kept).
    seed
        Seed of the initial row sample (half the least-covered rows, half a sample).
    on_round
        Called after every round with the best bound so far (each is a valid proof, so
        another thread can use it before the LP is done).
    interrupter
        Stops the row generation, also mid-solve, once interrupted from another thread
        (the best bound so far is returned).

    Returns
    -------
    CoverLP or None
        None when not even the first LP finished before the deadline.
    """
    n_rows, n_sites = cov.shape
    a = sp.csr_array(cov, dtype=np.float64)
    at = sp.csr_array(a.T)
    deg = np.diff(cov.indptr).astype(np.int64)
    rng = np.random.default_rng(seed)
    active = np.sort(pick_rows(np.arange(n_rows), deg, LP_INITIAL_ROWS, rng))
    best: CoverLP | None = None
    rounds = 0
    purged_at = -math.inf
    while True:
        remaining = deadline - time.perf_counter()
        if remaining < MIN_SOLVE_S or (interrupter is not None and interrupter.interrupted):
            break
        sub = cov[active]
        keep = ~dominated_rows(sub)
        active = active[keep]
        sub = sub[np.nonzero(keep)[0]]
        cand = np.unique(sub.indices).astype(np.int64)
        cand = cand[~dominated_columns(sub, cand)]
        out = _solve_lp(sp.csr_array(sub[:, cand], dtype=np.float64), remaining, interrupter)
        if out is None:
            break
        rounds += 1
        xl, yl = out
        x = np.zeros(n_sites)
        x[cand] = xl
        y = np.zeros(n_rows)
        y[active] = yl
        colsum = at @ y
        scale = max(1.0, float(colsum.max(initial=0.0)))
        y /= scale
        bound = float(y.sum()) * (1.0 - 1e-12) - _SAFETY
        lhs = a @ x
        violated = np.nonzero(lhs < 1.0 - 1e-9)[0]
        if best is None or bound > best.bound or violated.size == 0:
            reduced = np.maximum(1.0 - colsum / scale, 0.0)
            best = CoverLP(bound, y, reduced, violated.size == 0, rounds)
        if on_round is not None:
            on_round(best)
        logger.debug("cover_lp round %d: %d rows x %d sites, LP %.5f, bound %.5f, %d violated",
                     rounds, active.size, cand.size, float(x.sum()), bound, violated.size)
        if violated.size == 0:
            break
        slack_rows = (yl <= 1e-12) & ((a[active] @ x) > 1.0 + 1e-9)
        # Purging keeps the LP value; doing it only after a strict rise rules out cycling.
        if slack_rows.sum() >= PURGE_MIN_ROWS and x.sum() > purged_at + 1e-9:
            active = active[~slack_rows]
            purged_at = float(x.sum())
        by_violation = violated[np.argsort(lhs[violated], kind="stable")]
        half = LP_BATCH_ROWS // 2
        new, others = by_violation[:half], by_violation[half:]
        if others.size > LP_BATCH_ROWS - half:
            others = rng.choice(others, LP_BATCH_ROWS - half, replace=False)
        new = np.concatenate([new, others])
        active = np.union1d(active, new)
    return None if best is None else replace(best, rounds=rounds)
