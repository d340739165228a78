r"""Depth-first LP branch and bound for set-cover decisions ("a cover of at most T?").

Decides whether the rows of a boolean matrix (rows × columns) can be covered with at
most :math:`T` columns. Each node solves the covering LP
:math:`\min \sum_j x_j` s.t. :math:`\sum_{j \in N_i} x_j \ge 1` (``= 1`` for rows a
caller marks exact), :math:`l \le x \le u`, with GLOP through MathOpt's incremental
solver, so a child starts from its parent's basis after a bound change. The LP holds
only the rows that matter (row generation): it starts from the rows a caller names, and
rows the node's LP solution leaves short of 1 are added, for the whole tree, and the LP
is solved again. Nodes are pruned by a bound recomputed from the LP duals :math:`y` in
exact Lagrangian form,

.. math::

    L(y) = \sum_i y_i + \sum_j \min(d_j l_j,\ d_j u_j), \qquad
    d_j = 1 - \sum_{i \ni j} y_i,

which is a valid lower bound for any :math:`y \ge 0` (free on exact rows) whatever
the LP's tolerances, and pruned when :math:`L(y) > T`. The same :math:`d_j` fix
columns in a subtree (reduced-cost fixing). Before each LP, compiled code (``_reduce``)
propagates over all rows (a row whose columns are all closed kills the node, a row
with one free column forces it) and closes dominated columns: a column closed above a
node is one whose opening was refuted, so a free column whose open rows are a subset
of a closed column's open rows is closed too (swapping it for the closed column would
turn any cover into one already refuted). The branching column is the most fractional
one, and the child that opens it is explored first, right after its parent (one bound
change from the basis GLOP holds); any other node (a sibling, a backtrack, a node taken
from another worker) starts from its parent's final basis, kept with the node, instead
of the basis of whatever node was solved last. Every node's LP solution is also
rounded greedily to a cover (``_round``). With several workers, each runs depth first
on its own stack and its own LP, and a worker out of nodes takes another's oldest open
node; rows that join the LP join every worker's.

Why the dominance rule holds in any order: a column is closed either because opening it
was refuted for the problem on *all* rows (an exhausted subtree, a reduced cost on the
LP's rows, a covered exact row, or this rule) or because it has no open row left (and
never will below), and the subset test runs on all rows, so a swap turns a cover into
one that is refuted whatever rows the LP held. The final "infeasible" waits for every
worker's subtree.

This module is one concept, kept whole at about 680 lines: the node LP (row generation, warm
bases), the bounds, the dominance rule and the work-stealing workers are one search whose
invariants (above) hold only together; split across modules they would be harder to check.

Measured on the 5,000 × 500 p-center benchmark just below its optimum (267.50 s; 1,414
rows × 473 columns after dominance, LP 18.96, :math:`T = 20`): CP-SAT (one worker,
``linearization_level = 2``) did not refute even a 528-row subset in 145 s, and HiGHS's
MIP solver took 70 s on it. This search refutes the whole problem in 16.9 s with one
worker (about 650 LPs, the LP ending with about 1,100 rows) and 8.8 s with two.
Starting each node that does not follow its parent from the parent's basis halved the
dual simplex pivots (on the seed-0 refutation from the p-center run, one worker: 138,000
to 75,000, 17.3 s to 12.7 s; with two workers the refutations of instance seeds 0–3
went from 8.9, 13.8–16.1, 15.8–20.3 and 37.9–44.6 s to 7.2, 12.1, 12.3 and 27.4 s). The
plain version (all rows, no dominance, no row generation) took 31 s on the 528-row
subset alone, dominance brought that to 18.7 s (1,372 LPs instead of about 2,500).
Its nodes are plain LPs, so it is fast when the LP bound is most of the story and slow
when a proof needs the clause learning and cuts of CP-SAT; callers choose per model by
measurement.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from numba import njit
from numpy.typing import NDArray
from ortools.math_opt import (
    callback_pb2,
    model_parameters_pb2,
    model_update_pb2,
    parameters_pb2,
    result_pb2,
    solution_pb2,
)
from ortools.math_opt.core.python import solver as core_solver

from lowalt.optimize._common import rows_covered_by
from lowalt.optimize._mip import build_proto
from lowalt.optimize._setcover import CoverOutcome

__all__ = ["decide_cover_bb"]

INTEGRALITY_TOL = 1e-6
"""An LP value within this of 0 or 1 counts as integral."""
PRUNE_TOL = 1e-9
"""A node is pruned when its Lagrangian bound exceeds the cap by more than this."""
LIMIT_MARGIN = 1e-6
"""GLOP stops a node's dual simplex once its objective exceeds cap + this; the node is
then pruned only if the recomputed bound also exceeds the cap."""
ROW_VIOLATION = 1e-6
"""A row whose LP cover is below 1 by more than this is added to the LP."""
ROWS_PER_ROUND = 100
"""Most rows added to the LP per round (the most violated first)."""
ROUNDING = True
"""Round every node's LP solution to a cover (``_round``)."""
ROUND_EXTRA = 3
"""A rounding gives up after cap + this many columns."""
DOMINATE = True
"""Close free columns dominated by closed ones (see ``_reduce``)."""
MIN_LP_S = 0.01
"""Shortest time limit given to one LP solve (seconds)."""
RESTORE_BASIS = True
"""A node that does not directly follow its parent (a sibling, a backtrack, a stolen
node) starts its dual simplex from the parent's final basis, not from the basis GLOP
holds (the last node solved, possibly far away in the tree)."""
USE_PREPROCESSING = False
"""GLOP presolve off: nodes differ by a few bounds, so a warm start beats a presolve."""


class _Lp:
    """The covering LP of some rows of ``pool`` in GLOP (OR-Tools math_opt, incremental).

    Each solve is a dual simplex from the previous basis after a change of column bounds
    or the addition of rows. Constraint ``k`` is pool row ``self.rows[k]``.
    """

    def __init__(self, pool: sp.csr_array, exact: NDArray[np.bool_], rows: NDArray[np.int64],
                 cap: int) -> None:
        self.pool = pool
        self.exact = exact
        self.rows = np.zeros(0, dtype=np.int64)
        n_cols = pool.shape[1]
        proto = build_proto(np.ones(n_cols), sp.csr_array((0, n_cols)), np.ones(0), np.ones(0))
        self.solver = core_solver.new(parameters_pb2.SOLVER_TYPE_GLOP, proto,
                                      parameters_pb2.SolverInitializerProto())
        params = parameters_pb2.SolveParametersProto()
        params.lp_algorithm = parameters_pb2.LP_ALGORITHM_DUAL_SIMPLEX
        params.threads = 1
        params.glop.use_dual_simplex = True
        params.glop.objective_upper_limit = cap + LIMIT_MARGIN
        params.glop.use_preprocessing = USE_PREPROCESSING
        self.params = params
        self.model_params = model_parameters_pb2.ModelSolveParametersProto()
        self.callbacks = callback_pb2.CallbackRegistrationProto()
        self.n_cols = n_cols
        self.lo = np.zeros(n_cols)
        self.hi = np.ones(n_cols)
        self._matrix_t: tuple[int, sp.csr_array] = (-1, pool)
        self.basis: Basis | None = None
        self.add_rows(rows)

    def matrix_t(self) -> sp.csr_array:
        """Columns × LP rows (cached until rows join)."""
        if self._matrix_t[0] != self.rows.size:
            self._matrix_t = (self.rows.size, sp.csr_array(self.pool[self.rows].T))
        return self._matrix_t[1]

    def _update(self, update: model_update_pb2.ModelUpdateProto) -> None:
        if not self.solver.update(update):
            msg = "GLOP refused an incremental model update"
            raise RuntimeError(msg)

    def add_rows(self, rows: NDArray[np.int64]) -> None:
        """Add pool ``rows`` (not in the LP yet) as constraints."""
        if rows.size == 0:
            return
        first = self.rows.size
        ids = np.arange(first, first + rows.size, dtype=np.int64)
        block = self.pool[rows]
        block.sort_indices()
        update = model_update_pb2.ModelUpdateProto()
        lc = update.new_linear_constraints
        lc.ids.extend(ids)
        lc.lower_bounds.extend(np.ones(rows.size))
        lc.upper_bounds.extend(np.where(self.exact[rows], 1.0, np.inf))
        mat = update.linear_constraint_matrix_updates
        mat.row_ids.extend(np.repeat(ids, np.diff(block.indptr)))
        mat.column_ids.extend(block.indices.astype(np.int64))
        mat.coefficients.extend(np.ones(block.nnz))
        self._update(update)
        self.rows = np.concatenate([self.rows, rows])

    def _set_start(self, basis: Basis) -> None:
        """Make ``basis`` the next solve's starting basis (rows added since: basic)."""
        start = self.model_params.initial_basis
        start.CopyFrom(basis.proto)
        if self.rows.size > basis.n_rows:
            status = start.constraint_status
            status.ids.extend(range(basis.n_rows, self.rows.size))
            status.values.extend([solution_pb2.BASIS_STATUS_BASIC]
                                 * (self.rows.size - basis.n_rows))

    def set_bounds(self, lo: NDArray[np.float64], hi: NDArray[np.float64]) -> None:
        """Change only the column bounds that differ from the current ones."""
        idx = np.flatnonzero((lo != self.lo) | (hi != self.hi))
        if idx.size:
            update = model_update_pb2.ModelUpdateProto()
            vu = update.variable_updates
            vu.lower_bounds.ids.extend(idx)
            vu.lower_bounds.values.extend(lo[idx])
            vu.upper_bounds.ids.extend(idx)
            vu.upper_bounds.values.extend(hi[idx])
            self._update(update)
        self.lo, self.hi = lo.copy(), hi.copy()

    def solve(self, deadline: float, basis: Basis | None = None
              ) -> tuple[str, NDArray[np.float64] | None, NDArray[np.float64] | None]:
        """Solve; return the status, primal values and duals of the LP's rows (None if absent).

        Status: ``"optimal"``, ``"limit"`` (stopped at the objective limit),
        ``"infeasible"`` or ``"other"`` (including stopped at ``deadline``, a
        ``time.perf_counter()`` value: one LP of a large model can take minutes).
        ``basis`` (from ``self.basis`` after an earlier solve) is where the simplex starts
        instead of the basis GLOP holds; rows added since start basic. The final basis
        of this solve is left in ``self.basis`` (None when GLOP gives none).
        """
        left = max(deadline - time.perf_counter(), MIN_LP_S)
        self.params.time_limit.seconds = int(left)
        self.params.time_limit.nanos = int((left - int(left)) * 1e9)
        if basis is not None:
            self._set_start(basis)
        try:
            res = self.solver.solve(self.params, self.model_params, None, self.callbacks,
                                    None, None)
        finally:
            if basis is not None:
                self.model_params.ClearField("initial_basis")
        values = duals = None
        self.basis = None
        for sol in res.solutions:
            if sol.HasField("basis") and self.basis is None:
                self.basis = Basis(sol.basis, self.rows.size)
            if sol.HasField("primal_solution") and values is None:
                pv = sol.primal_solution.variable_values
                values = np.zeros(self.n_cols)
                values[np.asarray(pv.ids, dtype=np.int64)] = np.asarray(pv.values)
            if sol.HasField("dual_solution") and duals is None:
                dv = sol.dual_solution.dual_values
                duals = np.zeros(self.rows.size)
                duals[np.asarray(dv.ids, dtype=np.int64)] = np.asarray(dv.values)
        reason = res.termination.reason
        if reason == result_pb2.TERMINATION_REASON_OPTIMAL:
            return "optimal", values, duals
        if reason == result_pb2.TERMINATION_REASON_INFEASIBLE:
            return "infeasible", None, None
        if reason == result_pb2.TERMINATION_REASON_NO_SOLUTION_FOUND:
            return "limit", None, duals
        return "other", values, duals


class Basis:
    """A simplex basis of an ``_Lp`` and the number of LP rows it covers."""

    __slots__ = ("n_rows", "proto")

    def __init__(self, proto: solution_pb2.BasisProto, n_rows: int) -> None:
        self.proto = solution_pb2.BasisProto()
        self.proto.CopyFrom(proto)
        self.n_rows = n_rows


class _Node:
    """A subproblem that survived its LP: column bounds (after fixing) and LP values."""

    __slots__ = ("basis", "hi", "lo", "values")

    def __init__(self, lo: NDArray[np.float64], hi: NDArray[np.float64],
                 values: NDArray[np.float64], basis: Basis | None) -> None:
        self.lo, self.hi, self.values, self.basis = lo, hi, values, basis


_Item = tuple[NDArray[np.float64], NDArray[np.float64], "Basis | None", object]
"""An open node: column bounds, its parent's final basis and its parent's token."""


@njit(cache=True, nogil=True)
def _reduce(r_ptr: NDArray[np.int32], r_idx: NDArray[np.int32], c_ptr: NDArray[np.int32],
            c_idx: NDArray[np.int32], exact: NDArray[np.bool_], bits: NDArray[np.uint64],
            exact_bits: NDArray[np.uint64],
            lo: NDArray[np.float64], hi: NDArray[np.float64], cap: int, dominate: bool
            ) -> bool:  # pragma: no cover - compiled
    """Propagate and close dominated columns in place; False when the node is dead.

    Over all rows: a node with more than ``cap`` open columns, an uncovered row with no
    free column, or an exact row covered twice is dead; an uncovered row with one free
    column opens it; a covered exact row closes its free columns. With ``dominate``,
    over the rows that no open column covers (open rows): a free column whose open rows
    are a subset of a closed column's, with the same exact rows, is closed, and so is a
    free column with no open row. ``bits`` holds each column's rows as a bitset
    (``exact_bits`` the exact rows).

    Dominance is taken over all rows, not only those in the LP: with rows joining the LP
    later, a column closed on the LP's rows alone might be needed by a later row.
    """
    n_rows = r_ptr.size - 1
    n_cols = c_ptr.size - 1
    n_words = bits.shape[1]
    count = np.zeros(n_rows, dtype=np.int64)
    open_bits = np.zeros(n_words, dtype=np.uint64)
    while True:
        changed = False
        n_open = 0
        for j in range(n_cols):
            if lo[j] > 0.5:
                n_open += 1
        if n_open > cap:
            return False
        for i in range(n_rows):
            c = 0
            for p in range(r_ptr[i], r_ptr[i + 1]):
                if lo[r_idx[p]] > 0.5:
                    c += 1
            count[i] = c
        for i in range(n_rows):
            if count[i] > 0:
                if exact[i]:
                    if count[i] > 1:
                        return False
                    for p in range(r_ptr[i], r_ptr[i + 1]):
                        j = r_idx[p]
                        if hi[j] > 0.5 and lo[j] < 0.5:
                            hi[j] = 0.0
                            changed = True
                continue
            n_free = 0
            last = -1
            for p in range(r_ptr[i], r_ptr[i + 1]):
                j = r_idx[p]
                if hi[j] > 0.5:  # lo is 0 here: the row is uncovered
                    n_free += 1
                    last = j
            if n_free == 0:
                return False
            if n_free == 1:
                lo[last] = 1.0
                changed = True
        if changed:
            continue
        if not dominate:
            return True
        for w in range(n_words):
            open_bits[w] = 0
        for i in range(n_rows):
            if count[i] == 0:
                open_bits[i >> 6] |= np.uint64(1) << np.uint64(i & 63)
        for j in range(n_cols):
            if not (hi[j] > 0.5 and lo[j] < 0.5):
                continue
            first = -1
            for p in range(c_ptr[j], c_ptr[j + 1]):
                i = c_idx[p]
                if count[i] == 0:
                    first = i
                    break
            if first < 0:
                hi[j] = 0.0  # no open row: useless (or it would cover an exact row twice)
                changed = True
                continue
            for p in range(r_ptr[first], r_ptr[first + 1]):
                z = r_idx[p]
                if z == j or hi[z] > 0.5:
                    continue
                ok = True
                for w in range(n_words):
                    if (bits[j, w] & open_bits[w] & ~bits[z, w]) != 0 or (
                            (bits[j, w] ^ bits[z, w]) & exact_bits[w]) != 0:
                        ok = False
                        break
                if ok:
                    hi[j] = 0.0
                    changed = True
                    break
        if not changed:
            return True


def _bitsets(cov_t: sp.csr_array, n_rows: int) -> NDArray[np.uint64]:
    """Each row of ``cov_t`` (a column of the cover) as a bitset of ⌈n_rows / 64⌉ words."""
    n_sets = cov_t.shape[0]
    bits = np.zeros((n_sets, (n_rows + 63) // 64), dtype=np.uint64)
    sets = np.repeat(np.arange(n_sets), np.diff(cov_t.indptr))
    rows = cov_t.indices.astype(np.int64)
    np.bitwise_or.at(bits, (sets, rows >> 6), np.left_shift(np.uint64(1),
                                                            (rows & 63).astype(np.uint64)))
    return bits


def _lagrangian(cov_t: sp.csr_array, duals: NDArray[np.float64], exact: NDArray[np.bool_],
                lo: NDArray[np.float64], hi: NDArray[np.float64]
                ) -> tuple[float, NDArray[np.float64]]:
    """Lagrangian bound and reduced costs for duals ``y`` (clipped to >= 0 off exact rows).

    ``cov_t`` is columns × LP rows; ``exact`` flags the LP rows that are exact.
    """
    y = np.where(exact, duals, np.maximum(duals, 0.0))
    d = 1.0 - cov_t @ y
    return float(y.sum() + np.minimum(d * lo, d * hi).sum()), d


def _round(cov: sp.csr_array, cov_t: sp.csr_array, values: NDArray[np.float64], cap: int
           ) -> NDArray[np.int64] | None:
    """Round an LP solution to a cover within ``cap``, or None.

    Greedy over the LP's support (most newly covered rows first, ties to the larger LP
    value), then over all columns if the support does not cover every row, then without
    columns whose rows the others cover. Any cover answers the decision, whatever the
    node's bounds, so node bounds are ignored.
    """
    n_rows = cov.shape[0]
    uncovered = np.ones(n_rows)
    support = np.flatnonzero(values > INTEGRALITY_TOL)
    pool = support[np.argsort(-values[support], kind="stable")]
    chosen: list[int] = []
    while uncovered.any():
        if len(chosen) > cap + ROUND_EXTRA:
            return None
        gains = cov_t[pool] @ uncovered if pool.size else np.zeros(0)
        if pool.size == 0 or gains.max() <= 0:
            if pool.size == support.size and support.size < cov_t.shape[0]:
                pool = np.setdiff1d(np.arange(cov_t.shape[0]), chosen)
                continue
            return None
        j = int(pool[int(np.argmax(gains))])
        chosen.append(j)
        uncovered[cov_t.indices[cov_t.indptr[j]:cov_t.indptr[j + 1]]] = 0.0
        pool = pool[pool != j]
    cols = np.asarray(chosen, dtype=np.int64)
    counts = cov[:, cols].sum(axis=1)
    for j in cols[np.argsort(values[cols], kind="stable")]:  # least LP value first
        rows = cov_t.indices[cov_t.indptr[j]:cov_t.indptr[j + 1]]
        if np.all(counts[rows] > 1):
            counts[rows] -= 1
            cols = cols[cols != j]
    return np.sort(cols) if cols.size <= cap else None


class _Search:
    """The shared state of one tree search: rows in the LP, open nodes, the answer."""

    def __init__(self, cov: sp.csr_array, cov_t: sp.csr_array, exact: NDArray[np.bool_],
                 cap: int, start: NDArray[np.int64], deadline: float,
                 stop: Callable[[], bool] | None, workers: int) -> None:
        self.cov, self.cov_t, self.exact, self.cap = cov, cov_t, exact, cap
        self.deadline, self.stop = deadline, stop
        n_rows, n_cols = cov.shape
        self.rows = start  # rows in the LP, in the order they joined (append-only)
        self.in_lp = np.zeros(n_rows, dtype=bool)
        self.in_lp[start] = True
        self.bits = _bitsets(cov_t, n_rows)
        self.exact_bits = _bitsets(sp.csr_array(exact[None, :]), n_rows)[0]
        self.r_ptr, self.r_idx = cov.indptr.astype(np.int32), cov.indices.astype(np.int32)
        self.c_ptr, self.c_idx = cov_t.indptr.astype(np.int32), cov_t.indices.astype(np.int32)
        self.stacks: list[list[_Item]] = [[] for _ in range(workers)]
        self.stacks[0].append((np.zeros(n_cols), np.ones(n_cols), None, None))
        self.busy = 0
        self.lock = threading.Condition()
        self.found: NDArray[np.int64] | None = None
        self.halted = False  # deadline, stop request or a worker's failure
        self.complete = True  # False once a node is dropped without a proof
        self.error: BaseException | None = None

    def run(self) -> tuple[str, NDArray[np.int64] | None]:
        """Search with every worker; the status and, if feasible, the cover's columns."""
        threads = [threading.Thread(target=self._work, args=(w,), daemon=True)
                   for w in range(1, len(self.stacks))]
        for t in threads:
            t.start()
        self._work(0)
        for t in threads:
            t.join()
        if self.error is not None:
            raise self.error
        if self.found is not None:
            return "feasible", self.found
        if self.halted or not self.complete:
            return "unknown", None
        return "infeasible", None

    def _take(self, w: int) -> _Item | None:
        """Take worker ``w``'s newest node, else another's oldest; None means stop."""
        with self.lock:
            while True:
                if self.found is not None or self.halted:
                    return None
                own = self.stacks[w]
                if own:
                    self.busy += 1
                    return own.pop()
                victim = max(self.stacks, key=len)
                if victim:
                    self.busy += 1
                    return victim.pop(0)
                if self.busy == 0:
                    self.lock.notify_all()
                    return None
                self.lock.wait(0.05)

    def _work(self, w: int) -> None:
        try:
            lp = _Lp(self.cov, self.exact, self.rows, self.cap)
            last: object = None  # token of the node whose LP this worker solved last
            while (item := self._take(w)) is not None:
                if time.perf_counter() >= self.deadline or (
                        self.stop is not None and self.stop()):
                    with self.lock:
                        self.halted = True
                        self.busy -= 1
                        self.lock.notify_all()
                    return
                lo, hi, basis, parent = item
                # A child right after its parent starts from the basis GLOP holds; any
                # other node (a sibling, a backtrack, a stolen node) from its parent's.
                children, last = self._expand(lp, lo, hi, None if parent is last else basis)
                with self.lock:
                    self.stacks[w].extend(children)
                    self.busy -= 1
                    self.lock.notify_all()
        except BaseException as exc:  # re-raised by run()
            with self.lock:
                self.error = exc
                self.halted = True
                self.lock.notify_all()

    def _sync_rows(self, lp: _Lp) -> None:
        """Add to ``lp`` the rows other workers added to the search."""
        with self.lock:
            rows = self.rows
        if rows.size > lp.rows.size:
            lp.add_rows(rows[lp.rows.size:])

    def _add_violated(self, lp: _Lp, values: NDArray[np.float64]) -> bool:
        """Add the rows ``values`` leaves short of 1 to the search; True if any was added."""
        short = 1.0 - self.cov @ values
        with self.lock:
            short[self.in_lp] = 0.0
            rows = np.flatnonzero(short > ROW_VIOLATION)
            if rows.size > ROWS_PER_ROUND:
                rows = rows[np.argsort(-short[rows], kind="stable")[:ROWS_PER_ROUND]]
            rows = np.sort(rows)
            self.in_lp[rows] = True
            self.rows = np.concatenate([self.rows, rows])
        self._sync_rows(lp)
        return rows.size > 0

    def _evaluate(self, lp: _Lp, lo: NDArray[np.float64], hi: NDArray[np.float64],
                  start: Basis | None = None) -> _Node | None:
        """Reduce, solve (adding rows) and bound one node; None when it is pruned.

        ``lo`` and ``hi`` belong to the node and are changed in place; the first LP solve
        starts from ``start`` when given (``RESTORE_BASIS``).
        """
        cap = self.cap
        if not _reduce(self.r_ptr, self.r_idx, self.c_ptr, self.c_idx, self.exact, self.bits,
                       self.exact_bits, lo, hi, cap, DOMINATE):
            return None
        self._sync_rows(lp)
        lp.set_bounds(lo, hi)
        while True:
            status, values, duals = lp.solve(self.deadline,
                                             start if RESTORE_BASIS else None)
            start = None
            if status == "infeasible":
                return None
            if duals is None:
                if values is None:
                    self.complete = False  # no LP answer: drop the node, but no proof
                    return None
                return _Node(lo, hi, values, lp.basis)
            bound, d = _lagrangian(lp.matrix_t(), duals, self.exact[lp.rows], lo, hi)
            if bound > cap + PRUNE_TOL:
                return None
            if values is None:  # stopped at the objective limit, but the bound does not prune
                values = np.clip(lo + 0.5 * (hi - lo), lo, hi)
                break
            if not self._add_violated(lp, values):
                break
        # Reduced-cost fixing: moving a free column off its best bound costs |d_j|.
        free = hi > lo
        slack = cap + PRUNE_TOL - bound
        hi[free & (d > slack)] = 0.0
        lo[free & (-d > slack)] = 1.0
        return _Node(lo, hi, values, lp.basis)

    def _report(self, cols: NDArray[np.int64]) -> None:
        """Record a cover (the first one reported wins) and wake every worker."""
        with self.lock:
            if self.found is None:
                self.found = cols
            self.lock.notify_all()

    def _expand(self, lp: _Lp, lo: NDArray[np.float64], hi: NDArray[np.float64],
                start: Basis | None) -> tuple[list[_Item], object]:
        """Evaluate a node from ``start``: its children and its token.

        The children (closing child first) carry the token as their parent's; none when
        the node is pruned or gives a cover.
        """
        token = object()
        node = self._evaluate(lp, lo, hi, start)
        if node is None:
            return [], token
        chosen = np.flatnonzero(np.maximum(node.values, node.lo) > 0.5)
        if chosen.size <= self.cap and np.all(rows_covered_by(self.cov, chosen)):
            self._report(chosen.astype(np.int64))
            return [], token
        if ROUNDING:
            found = _round(self.cov, self.cov_t, node.values, self.cap)
            if found is not None:
                self._report(found)
                return [], token
        frac = np.abs(node.values - 0.5)
        frac[node.hi == node.lo] = np.inf
        j = int(np.argmin(frac))
        if not np.isfinite(frac[j]) or frac[j] > 0.5 - INTEGRALITY_TOL:
            # Integral but not a cover within cap (LP tolerance): no branch to take.
            self.complete = False
            return [], token
        children: list[_Item] = []
        for value in (0.0, 1.0):  # x_j = 1 is explored first (pushed last)
            c_lo, c_hi = node.lo.copy(), node.hi.copy()
            c_lo[j] = c_hi[j] = value
            children.append((c_lo, c_hi, node.basis, token))
        return children, token


def decide_cover_bb(
    local: sp.csr_array,
    cap: int,
    *,
    exact: NDArray[np.bool_] | None = None,
    initial_rows: NDArray[np.int64] | None = None,
    deadline: float,
    stop: Callable[[], bool] | None = None,
    workers: int = 1,
) -> CoverOutcome:
    """Find a cover of every row of ``local`` with at most ``cap`` columns, or refute it.

    Parameters
    ----------
    local
        Boolean rows × columns coverage (every row needs at least one column).
    cap
        Most columns allowed.
    exact
        Rows to cover exactly once (valid restrictions from an LP bound, see
        ``_lpbound.restriction``); a cover found always covers every row.
    initial_rows
        Rows the LP starts with (default: all); the others join it when a node's LP
        solution leaves them short of 1.
    deadline
        ``time.perf_counter()`` value at which to stop ("unknown").
    stop
        Polled between nodes; True stops the search ("unknown").
    workers
        Threads searching the tree. Each has its own LP; a thread that runs out of
        nodes takes the oldest open node of another (the largest subtree). Proofs are
        the same; which cover is found first, and so returned, may vary between runs.

    Returns
    -------
    CoverOutcome
        ``"feasible"`` with the local columns of a cover, ``"infeasible"`` (the tree
        is exhausted: a proof), or ``"unknown"``.
    """
    t0 = time.perf_counter()
    cov = sp.csr_array(local, dtype=np.float64)
    cov.sort_indices()
    cov_t = sp.csr_array(cov.T)
    n_rows = cov.shape[0]
    exact = np.zeros(n_rows, dtype=bool) if exact is None else np.asarray(exact, dtype=bool)

    def outcome(status: str, cols: NDArray[np.int64] | None = None) -> CoverOutcome:
        cols = np.zeros(0, dtype=np.int64) if cols is None else cols
        return CoverOutcome(status, cols, int(cols.size), 0, time.perf_counter() - t0)

    if n_rows == 0:
        return outcome("feasible")
    if cap < 1:
        return outcome("infeasible")
    start = (np.arange(n_rows, dtype=np.int64) if initial_rows is None
             else np.unique(np.asarray(initial_rows, dtype=np.int64)))
    search = _Search(cov, cov_t, exact, cap, start, deadline, stop, max(1, workers))
    status, cols = search.run()
    return outcome(status, cols)
