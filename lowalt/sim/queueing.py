r"""Analytic cross-checks of the dispatch simulation: Erlang, M/M/c per dock, hypercube, MEXCLP.

* :func:`erlang_b`, :func:`erlang_c`, :func:`mmc`, :func:`offered_load`,
  :func:`mmc_by_dock` — the M/M/c queue per dock, from :mod:`lowalt.sim.erlang`
  (re-exported here).
* :func:`hypercube` — Larson's (1975) approximate hypercube procedure for the whole system,
  one unit per drone, each cell dispatching along its fastest-first dock list:

  .. math::

     P(\text{k-th preferred unit serves a call from } j) \approx
     Q(N, \rho, k-1)\, \prod_{l<k} \rho_{a_{jl}}\, (1 - \rho_{a_{jk}}), \qquad
     \rho_n = \sum_{j,k: a_{jk}=n} \lambda_j \tau_{nj}\, P(\cdot) + \frac{\bar\tau}{N}\,
     \lambda P_{\text{queued}}

  with Larson's correction factor :math:`Q(N,\rho,j)` from the M/M/N state probabilities
  (Larson & Odoni, *Urban Operations Research*, §5.5) and unit-cell service times
  :math:`\tau_{nj}` (Jarvis' extension). Preference lists are cut at ``max_units`` units;
  calls beyond them are treated as queued (spread evenly over all units). Each cell's
  dispatch probabilities are rescaled every iteration so that they and the queued share
  sum to 1, the queued share being Erlang C :math:`P_Q` when the list holds every unit and
  at least :math:`P_Q` otherwise (with unequal busy probabilities the raw products do not
  add up exactly).
* :func:`expected_coverage` — MEXCLP (Daskin 1983): a cell with ``m`` drones within the
  target is covered with probability :math:`1-q^m`; with a per-dock ``q`` the product
  :math:`1 - \prod_k q_k^{n_k}` ("local" busy fractions).
* :func:`compare` — all of them beside a :class:`~lowalt.sim.result.SimResult`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.special import gammaln

from lowalt.sim.erlang import (
    DockLoad,
    DockQueues,
    MMc,
    _service_s,
    erlang_b,
    erlang_c,
    mmc,
    mmc_by_dock,
    offered_load,
    offered_load_from_calls,
)
from lowalt.sim.fleet import FleetParams, ResponseTable
from lowalt.sim.result import SimResult

__all__ = [
    "Comparison",
    "DockLoad",
    "DockQueues",
    "Hypercube",
    "MMc",
    "compare",
    "erlang_b",
    "erlang_c",
    "expected_coverage",
    "hypercube",
    "mmc",
    "mmc_by_dock",
    "offered_load",
    "offered_load_from_calls",
]

FloatArray = npt.NDArray[np.float64]


def _larson_q(n: int, rho: float, jmax: int) -> FloatArray:
    """Larson's correction factors Q(N, ρ, j), j = 0..jmax-1, for the M/M/N queue."""
    a = n * rho
    ks = np.arange(n)
    # log P_k / P_0 = k log a - log k!  (k < N); P_0 from the M/M/N normalisation.
    logp = ks * math.log(a) - gammaln(ks + 1) if a > 0 else np.where(ks == 0, 0.0, -np.inf)
    logtail = (n * math.log(a) - gammaln(n + 1) - math.log(1 - rho)) if a > 0 else -np.inf
    top = max(logp.max(), logtail)
    log_p0 = -(top + math.log(np.exp(logp - top).sum() + math.exp(logtail - top)))
    p = np.exp(logp + log_p0)
    out = np.empty(jmax)
    for j in range(jmax):
        if j >= n:
            out[j] = 1.0
            continue
        kk = ks[j:]
        # P{first j sampled busy, (j+1)-th free | k busy} = k!/(k-j)! (N-j-1)! (N-k) / N!
        lw = gammaln(kk + 1) - gammaln(kk - j + 1) + gammaln(n - j) - gammaln(n + 1)
        prob = float(np.sum(p[j:] * np.exp(lw) * (n - kk)))
        denom = rho**j * (1 - rho)
        out[j] = prob / denom if denom > 0 else 1.0
    return out


@dataclass(frozen=True)
class Hypercube:
    """Result of the approximate hypercube model.

    Attributes
    ----------
    unit_busy
        (U,) busy probability of each drone (unit).
    unit_dock
        (U,) dock of each unit.
    dock_busy
        (K,) mean busy probability of the dock's drones.
    cell_covered
        (N,) probability a call in the cell gets a drone within the target at once.
    system_utilization
        Offered fleet utilisation ρ = Σλτ̄ / N used in the correction factor.
    p_queued
        Share of calls finding every listed unit busy.
    iterations
        Fixed-point iterations run.
    converged
        Whether the largest change fell below the tolerance.
    """

    unit_busy: FloatArray
    unit_dock: npt.NDArray[np.int64]
    dock_busy: FloatArray
    cell_covered: FloatArray
    system_utilization: float
    p_queued: float
    iterations: int
    converged: bool


def hypercube(
    load: DockLoad,
    table: ResponseTable,
    fleet: FleetParams,
    *,
    target_s: float = 300.0,
    max_units: int = 24,
    tol: float = 1e-7,
    max_iter: int = 500,
) -> Hypercube:
    """Larson's approximate hypercube model with one unit per drone (see the module doc).

    Parameters
    ----------
    load
        Offered load (cell rates and on-scene means).
    table
        Response table: each cell's preference list is its docks fastest first, expanded to
        their drones.
    fleet
        For the unit-cell service times.
    target_s
        Target for ``cell_covered``, s.
    max_units
        Length of the preference lists (units); the rest counts as queued.
    tol, max_iter
        Fixed-point stopping rule on the unit busy probabilities.
    """
    drones = load.drones
    n_units = int(drones.sum())
    unit_dock = np.repeat(np.arange(len(drones)), drones)
    first_unit = np.concatenate([[0], np.cumsum(drones)[:-1]])
    indptr, dock, times = table.by_cell
    cells = np.flatnonzero((load.cell_rate_per_s > 0) & (np.diff(indptr) > 0))
    n_cells = table.n_cells
    covered = np.zeros(n_cells)
    if n_units == 0 or not len(cells):
        return Hypercube(
            np.zeros(n_units), unit_dock, np.zeros(len(drones)), covered, 0.0, 1.0, 0, True
        )
    # Preference lists: for each cell, its docks fastest first, each repeated per drone.
    lists_u, lists_t = [], []
    for c in cells.tolist():
        lo, hi = indptr[c], indptr[c + 1]
        ds, ts = dock[lo:hi], times[lo:hi]
        reps = drones[ds]
        u = np.repeat(first_unit[ds], reps) + (
            np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        )
        lists_u.append(u[:max_units])
        lists_t.append(np.repeat(ts, reps)[:max_units])
    width = max(len(x) for x in lists_u)
    a = len(cells)
    unit = np.full((a, width), -1, dtype=np.int64)
    resp = np.full((a, width), np.inf)
    for row, (u, t) in enumerate(zip(lists_u, lists_t, strict=True)):
        unit[row, : len(u)], resp[row, : len(t)] = u, t
    valid = unit >= 0
    lam = load.cell_rate_per_s[cells]
    scene = load.cell_on_scene_s[cells][:, None]
    tau = np.where(valid, _service_s(np.where(valid, resp, 0.0), scene, table, fleet), 0.0)
    tau_bar = float(np.sum(lam * tau[:, 0]) / lam.sum())
    rho_sys = float(np.sum(lam * tau[:, 0]) / n_units)
    if rho_sys >= 1.0:
        busy = np.ones(n_units)
        return Hypercube(busy, unit_dock, np.ones(len(drones)), covered, rho_sys, 1.0, 0, False)
    q = _larson_q(n_units, rho_sys, width)[None, :]
    p_q = erlang_c(n_units, n_units * rho_sys)
    complete = valid.sum(axis=1) == n_units  # list holds every unit: queued share is P_Q
    rho = np.full(n_units, rho_sys)
    uidx = np.where(valid, unit, 0)
    converged, it = False, 0
    p = np.zeros_like(tau)
    for it in range(1, max_iter + 1):  # noqa: B007 - reported
        r = np.where(valid, rho[uidx], 1.0)
        before = np.cumprod(np.concatenate([np.ones((a, 1)), r[:, :-1]], axis=1), axis=1)
        p = np.where(valid, q * before * (1.0 - r), 0.0)
        # Unequal busy probabilities break the identity Σ_k P(k-th) = 1 - P_Q; rescale each
        # cell's dispatch probabilities so they and the queued share (>= Erlang C) sum to 1.
        raw = p.sum(axis=1)
        leftover = np.where(complete, p_q, np.maximum(1.0 - raw, p_q))
        p *= ((1.0 - leftover) / np.maximum(raw, 1e-300))[:, None]
        work = np.bincount(
            uidx[valid], weights=(lam[:, None] * tau * p)[valid], minlength=n_units
        ).astype(np.float64, copy=False)
        work += float(np.sum(lam * leftover)) * tau_bar / n_units
        new = np.clip(work, 0.0, 1.0 - 1e-12)
        change = float(np.max(np.abs(new - rho)))
        rho = 0.5 * rho + 0.5 * new
        if change < tol:
            converged = True
            break
    covered[cells] = np.sum(np.where(resp <= target_s, p, 0.0), axis=1)
    dock_busy = np.bincount(unit_dock, weights=rho, minlength=len(drones)) / np.maximum(drones, 1)
    p_queued = float(np.sum(lam * np.clip(1.0 - p.sum(axis=1), 0.0, 1.0)) / lam.sum())
    return Hypercube(rho, unit_dock, dock_busy, covered, rho_sys, p_queued, it, converged)


def expected_coverage(
    table: ResponseTable, drones: npt.ArrayLike, target_s: float, q: float | npt.ArrayLike
) -> FloatArray:
    """MEXCLP expected coverage per cell, ``1 - Π_k q_k^{n_k}`` over docks within the target.

    Parameters
    ----------
    table
        Response table.
    drones
        (K,) drones per dock.
    target_s
        Target, s.
    q
        Busy probability of a drone: scalar (Daskin's system-wide q) or (K,) per dock.

    Returns
    -------
    numpy.ndarray
        (N,) probability at least one drone within the target is free.
    """
    n = np.asarray(drones, dtype=np.float64)
    qk = np.broadcast_to(np.asarray(q, dtype=np.float64), n.shape)
    with np.errstate(divide="ignore"):
        logq = np.where(qk > 0, np.log(np.maximum(qk, 1e-300)), -np.inf)
    t = sparse.csr_array(table.times)
    within = sparse.csr_array(
        ((t.data <= target_s).astype(np.float64), t.indices, t.indptr), shape=t.shape
    )
    # Σ_k n_k log q_k over docks within the target; -inf (certain coverage) handled apart.
    finite = np.where(np.isfinite(logq), n * logq, 0.0)
    certain = (~np.isfinite(logq)) & (n > 0)
    s = within.T @ finite
    has_certain = (within.T @ certain.astype(np.float64)) > 0
    return np.where(has_certain, 1.0, 1.0 - np.exp(s))


@dataclass(frozen=True)
class Comparison:
    """Simulation beside the analytic models.

    Attributes
    ----------
    sim_dock_busy, mmc_dock_busy, hypercube_dock_busy
        (K,) drone busy share per dock: simulated, M/M/c, hypercube.
    sim_p_all_busy, erlang_c_p_all_busy
        (K,) share of a dock's calls finding it unable to launch (sim) and Erlang C.
    sim_coverage, mexclp_coverage, mexclp_local_coverage, hypercube_coverage, geometric_coverage
        Call-weighted share reached within the target: simulated; MEXCLP with the
        system-wide q; MEXCLP with per-dock q (hypercube); hypercube dispatch; zero load.
    q_system
        Offered fleet utilisation (MEXCLP q).
    p_grounded
        Share of dock-hours grounded by wind; the analytic coverages are multiplied by
        ``1 - p_grounded`` (exact when one wind series grounds every dock together).
    """

    sim_dock_busy: FloatArray
    mmc_dock_busy: FloatArray
    hypercube_dock_busy: FloatArray
    sim_p_all_busy: FloatArray
    erlang_c_p_all_busy: FloatArray
    sim_coverage: float
    mexclp_coverage: float
    mexclp_local_coverage: float
    hypercube_coverage: float
    geometric_coverage: float
    q_system: float
    p_grounded: float

    @staticmethod
    def _gap(a: FloatArray, b: FloatArray) -> dict[str, float]:
        ok = np.isfinite(a) & np.isfinite(b)
        if not ok.any():
            return {"mean_abs": math.nan, "max_abs": math.nan, "corr": math.nan}
        d = np.abs(a[ok] - b[ok])
        corr = (
            float(np.corrcoef(a[ok], b[ok])[0, 1])
            if ok.sum() > 2 and a[ok].std() > 0 and b[ok].std() > 0
            else math.nan  # undefined when either side is constant (e.g. a one-day run)
        )
        return {"mean_abs": float(d.mean()), "max_abs": float(d.max()), "corr": corr}

    def agreement(self) -> dict[str, dict[str, float]]:
        """Mean/max absolute gap and correlation of each analytic measure to the simulation."""
        return {
            "dock_busy: mmc vs sim": self._gap(self.mmc_dock_busy, self.sim_dock_busy),
            "dock_busy: hypercube vs sim": self._gap(self.hypercube_dock_busy, self.sim_dock_busy),
            "p_all_busy: erlang_c vs sim": self._gap(self.erlang_c_p_all_busy, self.sim_p_all_busy),
        }

    def text(self) -> str:
        """Format a short plain-text table."""
        lines = [
            f"wind-grounded dock-hours: {self.p_grounded:.4f}; "
            f"fleet utilisation (offered, MEXCLP q): {self.q_system:.4f}; "
            f"simulated mean dock busy: {np.nanmean(self.sim_dock_busy):.4f}",
            f"share within target: sim {self.sim_coverage:.4f} | MEXCLP {self.mexclp_coverage:.4f}"
            f" | MEXCLP local-q {self.mexclp_local_coverage:.4f} | hypercube "
            f"{self.hypercube_coverage:.4f} | zero load {self.geometric_coverage:.4f}",
        ]
        for name, g in self.agreement().items():
            lines.append(
                f"{name}: mean |gap| {g['mean_abs']:.4f}, max |gap| {g['max_abs']:.4f}, "
                f"corr {g['corr']:.3f}"
            )
        return "\n".join(lines)


def compare(
    result: SimResult,
    table: ResponseTable,
    load: DockLoad,
    fleet: FleetParams,
    *,
    cube: Hypercube | None = None,
) -> Comparison:
    """Put the analytic models beside a simulation run.

    Parameters
    ----------
    result
        The simulation.
    table, load, fleet
        What the simulation used (``load`` e.g. from :func:`offered_load_from_calls`).
    cube
        A hypercube result to reuse; computed when omitted.
    """
    target = result.target_s
    cube = cube or hypercube(load, table, fleet, target_s=target)
    queues = mmc_by_dock(load)
    w = load.cell_rate_per_s
    wsum = max(float(w.sum()), 1e-300)
    q = load.system_utilization
    cov = expected_coverage(table, load.drones, target, min(q, 1.0))
    cov_local = expected_coverage(table, load.drones, target, cube.dock_busy)
    geo = (table.min_time_s <= target).astype(np.float64)
    n_hours = max(round(result.horizon_s / 3600.0), 1)
    g = fleet.grounded(n_hours, table.n_docks)
    pg = float(g.mean()) if g is not None else 0.0
    up = 1.0 - pg
    return Comparison(
        sim_dock_busy=result.utilization(),
        mmc_dock_busy=queues.utilization,
        hypercube_dock_busy=cube.dock_busy,
        sim_p_all_busy=result.p_nearest_busy_by_dock(),
        erlang_c_p_all_busy=queues.p_wait,
        sim_coverage=result.share_within(),
        mexclp_coverage=up * float(np.sum(w * cov) / wsum),
        mexclp_local_coverage=up * float(np.sum(w * cov_local) / wsum),
        hypercube_coverage=up * float(np.sum(w * cube.cell_covered) / wsum),
        geometric_coverage=float(np.sum(w * geo) / wsum),
        q_system=q,
        p_grounded=pg,
    )
