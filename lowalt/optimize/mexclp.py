r"""Maximum expected covering (MEXCLP, Daskin 1983) with drones per dock.

Formulation
-----------
.. math::

    \max \sum_{i} w_i \sum_{l=1}^{L_i} (1-q)\, q^{l-1} y_{il}
    \quad \text{s.t.} \quad
    \sum_{l} y_{il} \le \sum_{j \in N_i} n_j \;\forall i, \quad
    \sum_j n_j \le D, \quad n_j \le c_j x_j, \quad \sum_j x_j \le p

with :math:`n_j \in \mathbb{Z}_{\ge 0}`, :math:`x_j \in \{0,1\}`,
:math:`0 \le y_{il} \le 1` (integral at the optimum since the coefficients decrease in l).

====================  ======================================================
Symbol                Meaning
====================  ======================================================
:math:`q`             system-wide busy probability of a drone (0 ≤ q < 1)
:math:`D`             total drones (e.g. 186)
:math:`c_j`           drones a dock can hold
:math:`p`             maximum number of docks (optional)
:math:`N_i`           sites reaching cell i within the target :math:`S` (s)
:math:`L_i`           :math:`\min(D, \sum_{j \in N_i} c_j)` coverage levels
====================  ======================================================

``objective`` is the expected covered weight
:math:`\sum_i w_i (1 - q^{m_i})`, :math:`m_i` = drones within reach of cell i.
Solved with HiGHS (``math_opt``) after merging identical cells.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from lowalt.optimize._budget import MODEL_ENTRY_S, fits
from lowalt.optimize._checks import (
    check_count,
    check_options,
    check_probability,
    check_seconds,
    check_site_sets,
    check_weights,
)
from lowalt.optimize._coverage import coverage_rows, dedupe_rows
from lowalt.optimize._matrix import TimeMatrix, as_time_matrix
from lowalt.optimize._mip import MipOutcome, solve_mip
from lowalt.optimize.result import PlacementResult, SolveStatus, make_result

__all__ = ["solve_mexclp"]

logger = logging.getLogger(__name__)


def solve_mexclp(
    times: TimeMatrix | ArrayLike,
    target_s: float,
    n_drones: int,
    busy_probability: float,
    *,
    capacity: int | ArrayLike = 4,
    max_sites: int | None = None,
    weights: ArrayLike | None = None,
    fixed_sites: Iterable[int] | None = None,
    forbidden_sites: Iterable[int] | None = None,
    time_limit_s: float = 60.0,
    num_workers: int = 2,
    seed: int = 0,
) -> PlacementResult:
    """Allocate ``n_drones`` drones to docks maximising expected covered demand.

    Parameters
    ----------
    times, target_s, weights, time_limit_s, num_workers, seed
        See :func:`lowalt.optimize.solve_mclp`.
    n_drones
        Total drones available (D).
    busy_probability
        Probability q that a drone is busy, in [0, 1).
    capacity
        Drones per dock (scalar or per site).
    max_sites
        Maximum number of docks used (None: unlimited).
    fixed_sites
        Docks that must hold at least one drone.
    forbidden_sites
        Docks that may hold none.

    Returns
    -------
    PlacementResult
        ``sites`` = docks with ≥ 1 drone; extras ``drones_per_site`` (dict site → n).
        Every drone is placed unless capacities (or ``max_sites``) leave no room: drones
        the solver leaves idle within its gap tolerance go, one by one, where they add the
        most expected coverage (this never lowers the objective).

    Raises
    ------
    ValueError
        When an argument is malformed (see :func:`lowalt.optimize.solve_mclp`):
        ``n_drones`` not an integer >= 1 (and >= the number of fixed sites),
        ``busy_probability`` outside [0, 1), ``capacity`` not integers >= 0 (scalar or
        one per site; fixed sites need >= 1), ``max_sites`` not None or an integer >= 1
        (and >= the number of fixed sites).
    """
    t0 = time.perf_counter()
    time_limit_s, num_workers, seed = check_options(time_limit_s, num_workers, seed)
    target_s = check_seconds("target_s", target_s)
    n_drones = check_count("n_drones", n_drones,
                           fix="pass the total number of drones as an int, e.g. n_drones=20")
    busy_probability = check_probability("busy_probability", busy_probability)
    if max_sites is not None:
        max_sites = check_count("max_sites", max_sites,
                                fix="pass the most docks to use as an int, or max_sites=None")
    mat = as_time_matrix(times)
    n_sites, n_demand = mat.shape
    w = check_weights(weights, n_demand)
    fixed, forbidden = check_site_sets(fixed_sites, forbidden_sites, n_sites)
    cap = _capacities(capacity, n_sites).astype(np.float64)
    if max_sites is not None and max_sites < fixed.size:
        msg = (f"max_sites={max_sites} is smaller than the {fixed.size} fixed sites (each "
               f"holds a drone); pass max_sites >= {fixed.size} or fix fewer sites")
        raise ValueError(msg)
    if fixed.size > n_drones:
        msg = (f"n_drones={n_drones} cannot give one drone to each of the {fixed.size} "
               f"fixed sites; pass n_drones >= {fixed.size} or fix fewer sites")
        raise ValueError(msg)
    if fixed.size and float(cap[fixed].min()) < 1.0:
        bad = int(fixed[np.argmin(cap[fixed])])
        msg = (f"fixed site {bad} has capacity 0 but must hold a drone; give it a "
               "capacity >= 1 or do not fix it")
        raise ValueError(msg)
    cap[forbidden] = 0.0
    cov = coverage_rows(mat, target_s, forbidden)
    rows = np.nonzero((np.diff(cov.indptr) > 0) & (w > 0))[0]
    sub = cov[rows]
    reps, _, mw = dedupe_rows(sub, w[rows])
    sub = sp.csr_array(sub[reps], dtype=np.float64)
    q = busy_probability
    levels = np.minimum(n_drones, (sub @ cap).astype(np.int64))
    n_y = int(levels.sum())
    if not fits(t0 + time_limit_s, MODEL_ENTRY_S * (sub.nnz + 2 * n_y + 3 * n_sites)):
        # The MIP cannot be built in the time left (building cannot be interrupted).
        logger.info("mexclp: no time to build the MIP, greedy allocation")
        out = MipOutcome("unknown", None, math.nan, math.nan)
    else:
        out = _solve(sub, mw, cap, q, n_drones, n_y, levels, fixed, max_sites, t0,
                     time_limit_s, num_workers, seed)
    if out.values is None:
        # No MIP solution within the budget: one drone per fixed dock, the rest greedily.
        alloc = np.zeros(n_sites, dtype=np.int64)
        alloc[fixed] = 1
    else:
        alloc = np.rint(out.values[:n_sites]).astype(np.int64)
    alloc = _place_leftover(alloc, n_drones, cov, w, q, cap.astype(np.int64), max_sites)
    sites = np.nonzero(alloc > 0)[0]
    reach = np.asarray(cov.astype(np.float64) @ alloc.astype(np.float64)).reshape(-1)
    value = float(np.sum(w * (1.0 - q ** reach)))
    status = SolveStatus.OPTIMAL if out.status == "optimal" else SolveStatus.FEASIBLE
    bound = out.bound if np.isfinite(out.bound) else float(w[rows].sum())
    return make_result("mexclp", sites, value, max(bound, value), status,
                       time.perf_counter() - t0,
                       drones_per_site={int(s): int(alloc[s]) for s in sites})


def _solve(sub: sp.csr_array, mw: np.ndarray, cap: np.ndarray, q: float, n_drones: int,
           n_y: int, levels: np.ndarray, fixed: np.ndarray, max_sites: int | None,
           t0: float, time_limit_s: float, num_workers: int, seed: int) -> MipOutcome:
    """Build and solve the MEXCLP MIP on the merged cells ``sub`` (HiGHS)."""
    m, n_sites = sub.shape
    # Variables: n (n_sites int), x (n_sites bin), y (n_y cont).
    y_row = np.repeat(np.arange(m), levels)
    y_lvl = np.arange(n_y) - np.repeat(np.cumsum(levels) - levels, levels)
    c = np.concatenate([np.zeros(2 * n_sites), mw[y_row] * (1 - q) * q ** y_lvl])
    link = sp.hstack([
        -sub, sp.csr_array((m, n_sites)),
        sp.csr_array((np.ones(n_y), (y_row, np.arange(n_y))), shape=(m, n_y)),
    ])
    total = sp.hstack([sp.csr_array(np.ones((1, n_sites))), sp.csr_array((1, n_sites + n_y))])
    cap_rows = sp.hstack([sp.eye_array(n_sites), -sp.diags_array(cap),
                          sp.csr_array((n_sites, n_y))])
    ub_rows: list[NDArray[np.float64]] = [np.zeros(m), np.array([n_drones], float),
                                          np.zeros(n_sites)]
    lb_rows: list[NDArray[np.float64]] = [np.full(m, -np.inf), np.array([-np.inf]),
                                          np.full(n_sites, -np.inf)]
    blocks = [link, total, cap_rows]
    if max_sites is not None:
        blocks.append(sp.hstack([sp.csr_array((1, n_sites)), sp.csr_array(np.ones((1, n_sites))),
                                 sp.csr_array((1, n_y))]))
        ub_rows.append(np.array([max_sites], float))
        lb_rows.append(np.array([-np.inf]))
    a = sp.vstack(blocks).tocsr()
    var_lb = np.zeros(2 * n_sites + n_y)
    var_lb[fixed] = 1.0
    var_ub = np.concatenate([cap, np.ones(n_sites), np.ones(n_y)])
    integer = np.concatenate([np.ones(2 * n_sites, bool), np.zeros(n_y, bool)])
    remaining_s = max(time_limit_s - (time.perf_counter() - t0), 0.0)
    out = solve_mip(c, a, np.concatenate(lb_rows), np.concatenate(ub_rows), var_lb=var_lb,
                    var_ub=var_ub, integer=integer, maximize=True, time_limit_s=remaining_s,
                    num_workers=num_workers, seed=seed)
    return out


def _capacities(capacity: int | ArrayLike, n_sites: int) -> np.ndarray:
    """Return drones per dock as an int64 array of ``n_sites`` (scalar broadcast).

    Raises
    ------
    ValueError
        When ``capacity`` is not an integer >= 0 or one such integer per site.
    """
    hint = "pass an int >= 0 (capacity=4) or one int >= 0 per site row"
    if np.ndim(capacity) == 0:
        return np.full(n_sites, check_count("capacity", capacity, minimum=0, fix=hint),
                       dtype=np.int64)
    arr = np.asarray(capacity)
    if arr.ndim != 1 or arr.shape[0] != n_sites:
        msg = f"capacity must be a scalar or hold {n_sites} entries, got shape {arr.shape}; {hint}"
        raise ValueError(msg)
    if not np.issubdtype(arr.dtype, np.integer) or (arr.size and int(arr.min()) < 0):
        msg = f"capacity must hold integers >= 0, got dtype {arr.dtype}; {hint}"
        raise ValueError(msg)
    return arr.astype(np.int64)


def _place_leftover(
    alloc: np.ndarray,
    n_drones: int,
    cov: sp.csr_array,
    w: np.ndarray,
    q: float,
    cap: np.ndarray,
    max_sites: int | None,
) -> np.ndarray:
    """Place drones the MIP left unused (inside its gap tolerance), greedily, one by one.

    A drone never lowers the expected coverage ``Σ_i w_i (1 - q^{m_i})``, so every drone
    that fits is placed: each goes to the dock with the largest gain
    ``(1 - q) Σ_{i ∈ N_j} w_i q^{m_i}`` (ties: lowest index), within capacity and, when
    ``max_sites`` is set, on an already used dock once that many docks are in use.
    """
    out = alloc.copy()
    cov_f = sp.csr_array(cov, dtype=np.float64)
    smaj = sp.csr_array(cov_f.T)
    m = np.asarray(cov_f @ out.astype(np.float64)).reshape(-1)
    while out.sum() < n_drones:
        room = out < cap
        if max_sites is not None and np.count_nonzero(out) >= max_sites:
            room &= out > 0
        if not room.any():
            break
        gain = smaj @ (w * q**m)
        gain[~room] = -1.0
        j = int(np.argmax(gain))
        out[j] += 1
        m[smaj.indices[smaj.indptr[j] : smaj.indptr[j + 1]]] += 1.0
    return out
