r"""Location set covering (LSCP, Toregas et al. 1971): fewest docks reaching every cell.

Formulation
-----------
.. math::

    \min \sum_{j \in J} x_j \quad
    \text{s.t.} \sum_{j \in N_i} x_j \ge 1 \;\; \forall i \in I, \qquad
    x_j = 1 \;\; (j \in F), \quad x_j = 0 \;\; (j \in X), \quad x_j \in \{0, 1\}

====================  ======================================================
Symbol                Meaning
====================  ======================================================
:math:`I`             demand cells (matrix columns)
:math:`J`             candidate sites (matrix rows)
:math:`t_{ji}`        response time from site j to cell i, seconds
:math:`S`             target response time, seconds
:math:`N_i`           :math:`\{j : t_{ji} \le S\}`, sites covering cell i
:math:`F, X`          fixed (existing) and forbidden sites
====================  ======================================================

Method (chosen by measurement, 2 cores, see ``benchmarks/bench_optimize.py``):
cells with identical :math:`N_i` are merged (hashing), the fixed docks' cells are
dropped, and so is every cell whose :math:`N_i` contains another cell's (covered with
it; ``dominated_rows``: 50k × 2k benchmark, 43,259 unique cells -> 19,697). A greedy
cover improved by the row-weighting local search (``_localsearch``) gives the incumbent
while, in a second thread, the prover (``_Prover``) solves the LP
relaxation by row generation (HiGHS); its dual proves :math:`\lceil L \rceil` docks are
needed. When the LP is nearly tight, "no cover with :math:`\lceil L \rceil` docks" is
refuted under the LP's reduced-cost restrictions (see ``_lpbound``), raising the bound
by one each time: by CP-SAT when the slack :math:`\lceil L \rceil - L` is small, by
the LP branch and bound of ``_coverbb`` when it is larger (``BRANCH_MIN_SLACK``). Every
LP round is a proof, so the refutation is first tried
with the dual of the first nearly tight round, and a success ends the LP early (50k ×
2k benchmark: proven 16 after LP round 3 to 7 of about 16; whole proof 2.7–7.1 s
over instance seeds 0–5). The search, woken by each new bound,
stops once its cover meets it. Otherwise it resumes with the proven bound as its target,
beside a second search with another seed (``_search_on``), and then lazy
row generation solves the model on a growing subset of cells with CP-SAT, each subset
reduced by row and column dominance and by the same restrictions; a subset
optimum that covers all cells is optimal.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from ortools.util.python.pybind_solve_interrupter import PySolveInterrupter

from lowalt.optimize._budget import ENTRY_PASS_S, fits
from lowalt.optimize._checks import check_options, check_seconds, check_site_sets
from lowalt.optimize._common import raise_unreachable, rows_covered_by
from lowalt.optimize._coverage import coverage_rows, dedupe_rows, dominated_rows
from lowalt.optimize._lazy import LazyOutcome, heuristic_cover, lazy_min_cover
from lowalt.optimize._localsearch import CoverSearch
from lowalt.optimize._lpbound import CoverLP, cover_lp
from lowalt.optimize._matrix import TimeMatrix, as_time_matrix
from lowalt.optimize.greedy import greedy_cover
from lowalt.optimize.result import PlacementResult, SolveStatus, make_result

__all__ = ["solve_lscp"]

logger = logging.getLogger(__name__)

DOMINANCE_SHARE = 0.2
"""Most of the remaining budget the row-dominance reduction may take."""
LP_SHARE = 0.6
"""Share of the budget the LP bound may use (beside the local search when 2 workers)."""
LP_MIN_NNZ = 50_000
"""Smaller models skip the LP bound: CP-SAT proves them directly in milliseconds."""
REFUTE_SHARE = 0.4
"""Share of the remaining budget for each "no cover of lb sites" refutation attempt
after the LP (beside the search when 2 workers)."""
EARLY_REFUTE_SLACK = 0.05
"""While the LP runs, a round whose bound is within this of its ceiling is used at once
for a short refutation (``EARLY_REFUTE_S``) in place of the LP's last rounds."""
EARLY_REFUTE_S = 2.0
"""Seconds per refutation attempt during the LP (the LP pauses, the search goes on)."""
EARLY_RETRY_RATIO = 0.8
"""After a failed attempt during the LP, the next waits for a round whose slack is below
this share of the failed one."""
YIELD_S = 1e-4
"""Sleep of the search thread at each stop check: hands the GIL to the prover's Python steps."""
SEARCH_AFTER_LP_SHARE = 0.5
"""Share of the budget left after the LP and the refutations in which the local search
resumes with the proven bound as its target (CP-SAT's lazy loop gets the rest)."""
REFUTE_MAX_SLACK = 0.5
"""Refutations are tried only while ``lb - LP bound`` is at most this (beyond, they rarely end)."""
BRANCH_MIN_SLACK = 0.2
"""Refutations with a larger slack use the LP branch and bound (``_coverbb``), smaller CP-SAT."""
BRANCH_REFUTE_SHARE = 0.75
"""Budget share of a slow branch-and-bound refutation beside the search (1 worker: REFUTE_SHARE)."""


def solve_lscp(
    times: TimeMatrix | ArrayLike,
    target_s: float,
    *,
    fixed_sites: Iterable[int] | None = None,
    forbidden_sites: Iterable[int] | None = None,
    time_limit_s: float = 60.0,
    num_workers: int = 2,
    seed: int = 0,
) -> PlacementResult:
    """Find the fewest sites so every demand cell is reached within ``target_s``.

    Parameters
    ----------
    times
        Sites × demand response times, seconds (sparse: absent = unreachable;
        dense: ``inf`` = unreachable).
    target_s
        Target response time, seconds (covered when ``time <= target_s``).
    fixed_sites
        Existing docks that are always open (counted in the objective).
    forbidden_sites
        Sites that may not be opened.
    time_limit_s
        Wall-clock budget, seconds.
    num_workers
        Worker budget. With 2 or more, the LP bound runs beside the local search and
        the CP-SAT subset solves use that many workers (measured: 20k × 1k proven in
        1.2–1.3 s with 2 workers, 2.3 s with 1).
    seed
        Random seed; equal inputs and seed give equal results.

    Returns
    -------
    PlacementResult
        ``objective`` = number of sites (fixed included), ``bound`` = proven lower bound.
        Extras: ``iterations``, ``active_rows``, ``unique_rows``; ``lp_bound`` (the LP
        lower bound, fixed sites included; None when the model is small enough to skip
        it) and ``refuted`` (how many site counts the reduced-cost refutation ruled out).

    Raises
    ------
    ValueError
        When an argument is malformed: a nan or negative time, ``target_s`` or
        ``time_limit_s`` not finite and > 0, ``num_workers`` < 1, ``seed`` < 0, a site
        index that is not an integer in range, or a site both fixed and forbidden.
    InfeasibleError
        When some cell has no allowed site within the target; the error carries the
        indices as ``unreachable_demand`` (numpy array) and names the first ten.
    """
    t0 = time.perf_counter()
    time_limit_s, num_workers, seed = check_options(time_limit_s, num_workers, seed)
    target_s = check_seconds("target_s", target_s)
    deadline = t0 + time_limit_s
    mat = as_time_matrix(times)
    n_sites, n_demand = mat.shape
    fixed, forbidden = check_site_sets(fixed_sites, forbidden_sites, n_sites)
    cov = coverage_rows(mat, target_s, forbidden)
    done = rows_covered_by(cov, fixed)
    unreachable = np.nonzero((np.diff(cov.indptr) == 0) & ~done)[0]
    if unreachable.size:
        raise_unreachable(unreachable, target_s)
    open_rows = np.nonzero(~done)[0]
    if open_rows.size == 0:
        return make_result("lscp", fixed, fixed.size, fixed.size, SolveStatus.OPTIMAL,
                           time.perf_counter() - t0, iterations=0, active_rows=0,
                           unique_rows=0)
    sub = cov[open_rows]
    # The reductions only shrink the model; each is skipped when it cannot end in time
    # (20,000 cells × 1,000 sites at a 590 s target: 14 M nonzeros, about 1 s each).
    n_unique = sub.shape[0]
    if fits(deadline, 2 * ENTRY_PASS_S * sub.nnz):
        reps, _, _ = dedupe_rows(sub, np.ones(open_rows.size))
        sub, n_unique = sub[reps], int(reps.size)
    # A row containing another row is covered whenever that one is: only the minimal
    # rows matter (50k × 2k benchmark: 43,259 unique rows -> about 19,700).
    # The compiled test gets a share of the time left (random 1,000 × 20,000 at a 300 s
    # target: 1 s for no dominated row at all); rows it has no time for are kept.
    if fits(deadline, 2 * ENTRY_PASS_S * sub.nnz):
        budget_s = DOMINANCE_SHARE * max(deadline - time.perf_counter(), 0.0)
        sub = sub[np.nonzero(~dominated_rows(sub, budget_s=budget_s))[0]]
    logger.info("lscp: %d cells -> %d unique open rows -> %d minimal rows, %d sites, "
                "%d nonzeros", n_demand, n_unique, sub.shape[0], n_sites, sub.nnz)
    start = _incumbent_and_lp(sub, deadline, seed, num_workers)
    best, lp, search = start.best, start.lp, start.search
    lb = start.lb
    if search is not None and len(best) > lb:
        now = time.perf_counter()
        found = _search_on(search, start, sub, lb, seed, num_workers,
                           deadline=now + SEARCH_AFTER_LP_SHARE * max(deadline - now, 0.0))
        if len(found) < len(best):
            best = found
    if time.perf_counter() < deadline:
        out = lazy_min_cover(sub, incumbent=best, lower=lb, lp=lp, local_search=False,
                             deadline=deadline, seed=seed, num_workers=num_workers)
    else:  # out of time: the incumbent, with the bound proven so far
        out = LazyOutcome("optimal" if len(best) <= lb else "feasible", sorted(best),
                          len(best), min(lb, len(best)), 0, 0)
    sites = np.union1d(fixed, np.asarray(out.sites, dtype=np.int64))
    status = SolveStatus.OPTIMAL if out.status == "optimal" else SolveStatus.FEASIBLE
    return make_result(
        "lscp", sites, sites.size, fixed.size + max(out.bound, lb), status,
        time.perf_counter() - t0, iterations=out.iterations, active_rows=out.active_rows,
        unique_rows=n_unique, lp_bound=None if lp is None else fixed.size + lp.bound,
        refuted=start.refuted,
    )


def _search_on(search: CoverSearch, start: _Start, cov: sp.csr_array, target: int,
               seed: int, num_workers: int, deadline: float) -> list[int]:
    """Resume ``search`` towards ``target`` sites; with 2 workers, beside a second search.

    The second search starts from the greedy cover with another seed, in a thread: the
    searches' compiled moves release the GIL, and the moves a search needs
    depend much on its seed (50k × 2k benchmark, instance seed 2: search seeds 0–9
    need 2,300 to 30,000 moves to reach 16 sites). Both stop once
    either meets ``target``. Returns the smaller cover. ``start`` gives the greedy cover
    and site-major matrix the first search was built from.
    """
    if num_workers < 2:
        return search.run(deadline=deadline, target=target, stall_moves=None)
    other = CoverSearch(cov, start.greedy, site_major=start.site_major, seed=seed + 1)
    done = threading.Event()

    def stop() -> bool:
        time.sleep(YIELD_S)  # hands the GIL to the other search (see YIELD_S)
        return done.is_set()

    def run(s: CoverSearch) -> list[int]:
        found = s.run(deadline=deadline, target=target, stall_moves=None, stop=stop)
        if len(found) <= target:
            done.set()
        return found

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(run, other)
        found = run(search)
        second = future.result()
    return second if len(second) < len(found) else found


@dataclass
class _Start:
    """Incumbent and bounds known when the LP phase ends."""

    best: list[int]
    lp: CoverLP | None
    search: CoverSearch | None
    lb: int = 0
    refuted: int = 0
    greedy: list[int] = field(default_factory=list)
    """The greedy cover the search started from (empty when there is no search)."""
    site_major: sp.csr_array | None = None
    """The coverage matrix transposed (site-major), when there is a search."""


class _Prover:
    """The LP bound and the reduced-cost refutations that raise it, for one model.

    ``run`` solves the LP by row generation and then, while the LP is nearly tight,
    refutes "a cover of ``lb`` sites" with CP-SAT under the dual's restrictions (see
    ``_lpbound``). Every LP round is already a proof: once a round's bound is within
    ``EARLY_REFUTE_SLACK`` of its ceiling, a short refutation is tried at once, and a
    success ends the LP, whose last rounds would add almost nothing. With 2 workers this
    runs in a second thread beside the local search, which reads ``lb`` as its target
    and is woken by ``changed``.
    """

    def __init__(self, cov: sp.csr_array, search: CoverSearch, seed: int) -> None:
        self._cov = cov
        self._search = search
        self._seed = seed
        self._failed_slack = math.inf
        self.lb = 0
        self.refuted = 0
        self.lp: CoverLP | None = None
        self.cover: list[int] | None = None
        """A cover of ``lb`` sites found by a refutation attempt, if any."""
        self.changed = threading.Event()
        self.interrupter = PySolveInterrupter()

    def incumbent(self) -> list[int]:
        """Return the smaller of the search's cover and one found by a refutation."""
        best = self._search.best
        if self.cover is not None and len(self.cover) < len(best):
            return self.cover
        return best

    def _raise(self, lb: int) -> None:
        if lb > self.lb:
            self.lb = lb
            self.changed.set()

    def refute(self, lp: CoverLP, deadline: float) -> bool:
        """Try to prove that no cover has ``ceil(L)`` sites; True when ``lb`` rose."""
        self._raise(math.ceil(lp.bound))
        best = self.incumbent()
        if len(best) <= self.lb:
            return False
        now = time.perf_counter()
        slack = self.lb - lp.bound
        decider = "branch" if slack > BRANCH_MIN_SLACK else "cpsat"
        target = self.lb
        # Stopped once the search (running beside it) meets the target: the refutation
        # can then only fail.
        out = lazy_min_cover(self._cov, cap=target, incumbent=best, lower=target, lp=lp,
                             local_search=False, initial_rows=0, deadline=deadline,
                             seed=self._seed, expect_infeasible=True, decider=decider,
                             stop=lambda: self._search.best_size <= target)
        logger.debug("lscp: refutation of %d sites (LP round %d, slack %.4f, %s): %s, "
                     "%.2f s", self.lb, lp.rounds, slack, decider, out.status,
                     time.perf_counter() - now)
        if out.status == "infeasible":
            self.refuted += 1
            self._raise(self.lb + 1)
            return True
        if out.status == "feasible":
            self.cover = list(out.sites)
            self.changed.set()
        return False

    def _on_round(self, lp: CoverLP, lp_deadline: float) -> None:
        self._raise(math.ceil(lp.bound))
        slack = self.lb - lp.bound
        if slack > min(EARLY_REFUTE_SLACK, EARLY_RETRY_RATIO * self._failed_slack):
            return
        deadline = min(time.perf_counter() + EARLY_REFUTE_S, lp_deadline)
        if self.refute(lp, deadline):
            self.interrupter.interrupt()
        else:
            self._failed_slack = slack

    def run(self, lp_deadline: float, deadline: float, *, beside_search: bool = False
            ) -> None:
        """Solve the LP until ``lp_deadline``, then refute until ``deadline`` at most.

        ``beside_search``: the local search runs meanwhile in another thread, so a
        branch-and-bound refutation may take ``BRANCH_REFUTE_SHARE`` of the time left.
        """
        self.lp = cover_lp(self._cov, deadline=lp_deadline, seed=self._seed,
                           on_round=lambda lp: self._on_round(lp, lp_deadline),
                           interrupter=self.interrupter)
        lp = self.lp
        if lp is None:
            return
        self._raise(math.ceil(lp.bound))
        while (slack := self.lb - lp.bound) <= REFUTE_MAX_SLACK and (
                now := time.perf_counter()) < deadline:
            share = (BRANCH_REFUTE_SHARE if beside_search and slack > BRANCH_MIN_SLACK
                     else REFUTE_SHARE)
            if not self.refute(lp, now + share * (deadline - now)):
                break  # an incumbent meets lb, a cover was found, or time ran out


def _incumbent_and_lp(cov: sp.csr_array, deadline: float, seed: int, num_workers: int
                      ) -> _Start:
    """Local-search cover, the LP bound and refutations (in a second thread if allowed).

    The LP solver and CP-SAT release the GIL, so with ``num_workers >= 2`` the prover
    (``_Prover``) runs beside the local search, which goes on until the prover is done
    or the incumbent is proven optimal (measured on the 50k × 2k benchmark: the full LP
    takes about 13 s, round 8's refutation ends it after about 8 s; the search reaches
    the optimum of 16 in 5 to 13 s). Returns the cover, the LP (None for models small
    enough to skip it), the search, to be resumed once the bound is known (None when
    skipped), and the bound proven so far.
    """
    if not fits(deadline, 3 * ENTRY_PASS_S * cov.nnz):
        # No time for the search and the LP (their set-up alone is several passes over
        # the matrix): the greedy cover.
        return _Start(greedy_cover(cov), None, None)
    smaj = sp.csr_array(cov.T)
    if cov.nnz < LP_MIN_NNZ:
        return _Start(heuristic_cover(cov, smaj, deadline=deadline, seed=seed), None, None)
    now = time.perf_counter()
    remaining = max(deadline - now, 0.0)
    lp_deadline = now + LP_SHARE * remaining
    greedy = greedy_cover(cov, site_major=smaj)
    search = CoverSearch(cov, greedy, site_major=smaj, seed=seed)
    prover = _Prover(cov, search, seed)
    if num_workers < 2:  # the search runs afterwards, with the proven bound as its target
        prover.run(lp_deadline, deadline)
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(prover.run, lp_deadline, deadline, beside_search=True)

            def stop() -> bool:
                time.sleep(YIELD_S)  # lets the prover thread take the GIL (see YIELD_S)
                return future.done() or prover.changed.is_set()

            while not future.done() and time.perf_counter() < deadline:
                search.run(deadline=deadline, target=prover.lb, stall_moves=None, stop=stop)
                prover.changed.clear()
                if len(search.best) <= prover.lb:
                    prover.interrupter.interrupt()  # proven: stop the LP if still running
                    break
            future.result()
    best = prover.incumbent()
    start = _Start(best, prover.lp, search, prover.lb, prover.refuted, greedy, smaj)
    if start.lp is not None:
        logger.info("lscp: incumbent %d sites after %d moves, LP bound %.4f (%d rounds%s), "
                    "proven %d (%d refuted)", len(best), search.moves, start.lp.bound,
                    start.lp.rounds, ", LP optimal" if start.lp.optimal else "", start.lb,
                    start.refuted)
    return start
