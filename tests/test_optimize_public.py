"""Optional checks on public instances with published optima.

Set ``LOWALT_ORLIB_DIR`` (OR-Library ``pmed*.txt``) and ``LOWALT_SWAIN55_DIR``
(``swain55.csv``); each test is skipped when its file is absent, but fails under ``CI=true``
when the shared data folder ``../shared`` exists (``.ci/run`` exports both from there).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.sparse.csgraph import csgraph_from_dense, shortest_path

from lowalt.optimize import SolveStatus, solve_lscp, solve_mclp, solve_pcenter, solve_pmedian
from tests.conftest import shared_data_file

# inst: (p, p-median optimum, p-center optimum), from the OR-Library README.
PMED = {
    "pmed1": (5, 5819, 127),
    "pmed2": (10, 4093, 98),
    "pmed3": (10, 4250, 93),
    "pmed4": (20, 3034, 74),
    "pmed5": (33, 1355, 48),
    "pmed16": (5, 8162, 47),
    "pmed40": (90, 5128, 13),
}
SLOW_PMEDIAN = {"pmed16", "pmed40"}


def orlib_distances(path: Path) -> tuple[np.ndarray, int]:
    """All-pairs shortest paths as OR-Library prescribes (last repeated edge wins)."""
    lines = path.read_text().split("\n")
    n, _, p = (int(v) for v in lines[0].split())
    g = np.full((n, n), np.inf)
    for line in lines[1:]:
        parts = line.split()
        if len(parts) == 3:
            i, j, c = int(parts[0]) - 1, int(parts[1]) - 1, float(parts[2])
            g[i, j] = g[j, i] = c
    np.fill_diagonal(g, np.inf)
    d = shortest_path(csgraph_from_dense(g, null_value=np.inf), directed=False)
    return d, p


def orlib_file(name: str) -> Path:
    return shared_data_file("LOWALT_ORLIB_DIR", f"{name}.txt")


@pytest.mark.parametrize("name", sorted(PMED))
def test_orlib_pcenter(name: str) -> None:
    d, p = orlib_distances(orlib_file(name))
    assert p == PMED[name][0]
    res = solve_pcenter(d, p, time_limit_s=60)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == PMED[name][2]


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in SLOW_PMEDIAN else n for n in sorted(PMED)],
)
def test_orlib_pmedian(name: str) -> None:
    d, p = orlib_distances(orlib_file(name))
    res = solve_pmedian(d, p, time_limit_s=300)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(PMED[name][1])


def swain() -> tuple[np.ndarray, np.ndarray]:
    path = shared_data_file("LOWALT_SWAIN55_DIR", "swain55.csv")
    data = np.genfromtxt(path, delimiter=",", names=True)
    xy = np.column_stack([data["x"], data["y"]])
    d = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
    return d, np.asarray(data["demand"], dtype=float)


SWAIN_MCLP = {
    10: [425, 502, 548, 581, 609, 625],
    15: [515, 593, 625, 638, 640, 640],
    20: [573, 631, 640, 640, 640, 640],
}


@pytest.mark.parametrize("radius", sorted(SWAIN_MCLP))
def test_swain55_mclp(radius: int) -> None:
    d, w = swain()
    for p, expected in enumerate(SWAIN_MCLP[radius], start=1):
        res = solve_mclp(d, radius, p, weights=w)
        assert res.status is SolveStatus.OPTIMAL
        assert res.objective == pytest.approx(expected)


@pytest.mark.parametrize(("radius", "expected"), [(10, 9), (15, 5), (20, 3)])
def test_swain55_lscp(radius: int, expected: int) -> None:
    d, _ = swain()
    res = solve_lscp(d, radius)
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective == expected
