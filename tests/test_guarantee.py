import math

import numpy as np
import pytest

from lowalt.flight.aircraft import Wind
from lowalt.flight.guarantee import envelope, evaluate
from lowalt.flight.reach import ReachField
from lowalt.geo.grid import DemandGrid


def _grid(n: int, weight: np.ndarray | None = None) -> DemandGrid:
    return DemandGrid(
        xy=np.zeros((n, 2)),
        col=np.arange(n),
        row=np.zeros(n, dtype=np.int64),
        x0_m=0.0,
        y0_m=0.0,
        nx=n,
        ny=1,
        spacing_m=100.0,
        weight=np.ones(n) if weight is None else weight,
        on_water=np.zeros(n, dtype=bool),
        crs="EPSG:4547",
    )


def _field(t: list[float], within: list[int] | None = None) -> ReachField:
    a = np.asarray(t, dtype=float)
    return ReachField(
        "x",
        Wind.calm(),
        a,
        np.zeros(len(a), dtype=np.int64),
        np.asarray(within or [1] * len(a)),
        np.array([len(a)]),
        300.0,
    )


def test_shares_percentiles_and_worst() -> None:
    times = [float(v) for v in range(10, 1010, 10)]  # 100 cells: 10, 20, ..., 1000 s
    st = evaluate(_field(times), _grid(100))
    assert st.reached_cells == 30 and st.reached_share == pytest.approx(0.3)
    assert st.p50_s == 500.0 and st.p90_s == 900.0 and st.p99_s == 990.0
    assert st.worst_time_s == 1000.0 and st.worst_cell == 99
    assert st.area_km2 == pytest.approx(1.0)
    assert not st.holds


def test_unreachable_cells_make_percentiles_infinite_not_nan() -> None:
    st = evaluate(_field([100.0, 100.0, math.inf]), _grid(3))
    assert st.unreachable_cells == 1
    assert math.isinf(st.worst_time_s) and math.isinf(st.p99_s)
    assert st.p50_s == 100.0 and st.mean_s == 100.0


def test_weighted_share_and_required_share() -> None:
    f = _field([100.0, 400.0])
    st = evaluate(f, _grid(2, np.array([3.0, 1.0])), required_share=0.7)
    assert st.reached_share == 0.5 and st.weighted_share == 0.75
    assert not st.holds  # area share 0.5 < 0.7 even though demand share 0.75 >= 0.7


def test_double_coverage_share() -> None:
    st = evaluate(_field([100.0, 100.0, 100.0, 100.0], within=[2, 1, 3, 0]), _grid(4))
    assert st.double_share == 0.5


def test_envelope_takes_per_cell_worst() -> None:
    a, b = _field([100.0, 300.0]), _field([200.0, 150.0])
    env = envelope([a, b], "env")
    np.testing.assert_array_equal(env.time_s, [200.0, 300.0])
