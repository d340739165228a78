import math

import numpy as np
import pytest
from shapely.geometry import box

from lowalt.flight.aircraft import Aircraft, Wind
from lowalt.flight.reach import candidate_pairs, compute_reach, pair_times_s, reach_matrix
from lowalt.flight.visibility import ObstacleSet

AC = Aircraft(
    "test",
    cruise_speed_mps=10.0,
    climb_rate_mps=5.0,
    descent_rate_mps=5.0,
    launch_delay_s=10.0,
    cruise_altitude_m=50.0,
)  # overhead 10 + 10 + 10 = 30 s


def test_single_dock_straight_line_known_answer() -> None:
    cells = np.array([[0.0, 0.0], [300.0, 400.0], [-1000.0, 0.0]])
    field = compute_reach(cells, np.array([[0.0, 0.0]]), AC, Wind.calm(), target_s=100.0)
    np.testing.assert_allclose(field.time_s, [30.0, 30.0 + 50.0, 30.0 + 100.0])
    assert field.dock.tolist() == [0, 0, 0]
    assert field.docks_within_target.tolist() == [1, 1, 0]
    assert field.dock_reach_cells.tolist() == [2]


def test_detour_around_square_equals_hand_computed_length() -> None:
    # Dock at (0, 0), scene at (10 km, 0), no-fly square [4, 6] x [-1, 1] km in between.
    # Shortest path: (0,0) -> (4,1) -> (6,1) -> (10,0) km = 2*sqrt(17) + 2 km.
    obstacles = ObstacleSet.from_polygons([box(4000, -1000, 6000, 1000)])
    t = pair_times_s(
        np.array([[10000.0, 0.0]]),
        np.array([[0.0, 0.0]]),
        np.array([0]),
        np.array([0]),
        AC,
        Wind.calm(),
        obstacles,
    )
    path_m = (2 * math.sqrt(17.0) + 2.0) * 1000.0
    assert float(t[0]) == pytest.approx(30.0 + path_m / 10.0, rel=1e-9)


def test_detour_is_longer_than_straight_line_only_when_blocked() -> None:
    obstacles = ObstacleSet.from_polygons([box(4000, -1000, 6000, 1000)])
    cells = np.array([[10000.0, 0.0], [10000.0, 5000.0]])
    f = compute_reach(
        cells, np.array([[0.0, 0.0]]), AC, Wind.calm(), target_s=1e4, obstacles=obstacles
    )
    assert f.time_s[1] == pytest.approx(30.0 + math.hypot(10000, 5000) / 10.0)
    assert f.time_s[0] > 30.0 + 10000.0 / 10.0


def test_headwind_vs_tailwind_for_one_cell() -> None:
    cells = np.array([[1000.0, 0.0]])  # 1 km east of the dock
    docks = np.array([[0.0, 0.0]])
    tail = compute_reach(cells, docks, AC, Wind(4.0, from_deg=270.0), target_s=300.0)
    head = compute_reach(cells, docks, AC, Wind(4.0, from_deg=90.0), target_s=300.0)
    assert tail.time_s[0] == pytest.approx(30.0 + 1000.0 / 14.0)
    assert head.time_s[0] == pytest.approx(30.0 + 1000.0 / 6.0)


def test_no_headway_cell_reported_unreachable() -> None:
    cells = np.array([[1000.0, 0.0], [-1000.0, 0.0]])
    f = compute_reach(cells, np.array([[0.0, 0.0]]), AC, Wind(12.0, from_deg=90.0), target_s=300.0)
    assert math.isinf(f.time_s[0])
    assert f.dock[0] == -1
    assert f.time_s[1] == pytest.approx(30.0 + 1000.0 / (10.0 + 12.0))  # 12 m/s tailwind
    assert f.dock[1] == 0


def test_a_farther_downwind_dock_can_win() -> None:
    # Cell at 0; dock A 1 km east (headwind leg), dock B 2 km west (tailwind leg); wind from west.
    cells = np.array([[0.0, 0.0]])
    docks = np.array([[1000.0, 0.0], [-2000.0, 0.0]])
    f = compute_reach(cells, docks, AC, Wind(8.0, from_deg=270.0), target_s=30.0)
    assert f.dock[0] == 1
    assert f.time_s[0] == pytest.approx(30.0 + 2000.0 / 18.0)


def test_unservable_cells_are_infinite() -> None:
    cells = np.array([[100.0, 0.0], [200.0, 0.0]])
    f = compute_reach(
        cells,
        np.array([[0.0, 0.0]]),
        AC,
        Wind.calm(),
        target_s=300.0,
        unservable=np.array([False, True]),
    )
    assert f.time_s[0] == pytest.approx(30.0 + 100.0 / 10.0) and math.isinf(f.time_s[1])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("wind_speed", [0.0, 6.0])
def test_candidate_pairs_are_exact_against_brute_force(seed: int, wind_speed: float) -> None:
    rng = np.random.default_rng(seed)
    cells = rng.uniform(0, 8000, size=(400, 2))
    docks = rng.uniform(0, 8000, size=(12, 2))
    obstacles = ObstacleSet.from_polygons([box(3000, 3000, 4000, 5000), box(6000, 500, 6500, 2500)])
    inside = obstacles.inside(cells)
    pairs = candidate_pairs(
        cells, docks, AC, Wind(wind_speed), target_s=200.0, obstacles=obstacles, unservable=inside
    )
    for from_deg in (0.0, 75.0, 200.0):
        wind = Wind(wind_speed, from_deg)
        fast = compute_reach(
            cells,
            docks,
            AC,
            wind,
            target_s=200.0,
            obstacles=obstacles,
            unservable=inside,
            pairs=pairs,
        )
        cc, dd = np.meshgrid(np.arange(len(cells)), np.arange(len(docks)), indexing="ij")
        t = pair_times_s(cells, docks, cc.ravel(), dd.ravel(), AC, wind, obstacles, inside)
        t = t.reshape(len(cells), len(docks))
        np.testing.assert_allclose(fast.time_s, t.min(axis=1), rtol=1e-12)
        np.testing.assert_array_equal(fast.docks_within_target, (t <= 200.0).sum(axis=1))
        np.testing.assert_array_equal(fast.dock_reach_cells, (t <= 200.0).sum(axis=0))


def test_reach_matrix_calm_and_worst_direction() -> None:
    cells = np.array([[0.0, 0.0], [500.0, 0.0], [3000.0, 0.0]])
    sites = np.array([[0.0, 0.0], [1000.0, 0.0]])
    m = reach_matrix(cells, sites, AC, max_time_s=200.0).toarray()
    # calm: 30 s overhead + d / 10 m/s
    np.testing.assert_allclose(m, [[30.0, 80.0, 0.0], [130.0, 80.0, 0.0]])
    w = reach_matrix(cells, sites, AC, max_time_s=200.0, wind_speed_mps=5.0).toarray()
    # worst direction = headwind: d / (10 - 5)
    np.testing.assert_allclose(w, [[30.0, 130.0, 0.0], [0.0, 130.0, 0.0]])


def test_reach_matrix_worst_direction_bounds_every_direction() -> None:
    rng = np.random.default_rng(3)
    cells = rng.uniform(0, 5000, size=(200, 2))
    sites = rng.uniform(0, 5000, size=(6, 2))
    obstacles = ObstacleSet.from_polygons([box(2000, 1000, 2600, 4000)])
    inside = obstacles.inside(cells)
    worst = reach_matrix(
        cells, sites, AC, max_time_s=1e4, wind_speed_mps=4.0, obstacles=obstacles, unservable=inside
    ).toarray()
    for from_deg in (0.0, 45.0, 170.0, 300.0):
        f = compute_reach(
            cells,
            sites,
            AC,
            Wind(4.0, from_deg),
            target_s=1e4,
            obstacles=obstacles,
            unservable=inside,
        )
        best_worst = np.where(worst > 0, worst, np.inf).min(axis=0)
        assert np.all(f.time_s <= best_worst + 1e-9)
