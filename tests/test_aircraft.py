import math

import numpy as np
import pytest

from lowalt.aircraft import Aircraft, Wind, leg_time_s


def drone(**kw: float) -> Aircraft:
    base = {
        "cruise_speed_mps": 15.0,
        "climb_rate_mps": 5.0,
        "descent_rate_mps": 3.0,
        "launch_delay_s": 60.0,
        "cruise_altitude_m": 120.0,
    }
    base.update(kw)
    return Aircraft(name="test", **base)


def test_overhead_is_launch_climb_descent() -> None:
    ac = drone()
    assert ac.climb_s == 24.0
    assert ac.descent_s == 40.0
    assert ac.overhead_s == 124.0


def test_straight_line_calm() -> None:
    ac = drone()
    # 3 km east at 15 m/s: 200 s cruise + 124 s overhead
    t = ac.response_time_s(ac.cruise_time_s(3000.0, 0.0, Wind.calm()))
    assert float(t) == pytest.approx(324.0)


def test_headwind_and_tailwind() -> None:
    # Wind from the west (270°) blows east: flying east is a tailwind, flying west a headwind.
    w = Wind(5.0, from_deg=270.0)
    east = leg_time_s(1000.0, 0.0, 15.0, w)
    west = leg_time_s(-1000.0, 0.0, 15.0, w)
    assert float(east) == pytest.approx(1000.0 / 20.0)
    assert float(west) == pytest.approx(1000.0 / 10.0)


def test_crosswind_crab_angle() -> None:
    # Wind from the north, flying east: ground speed sqrt(15² - 9²) = 12 m/s.
    t = leg_time_s(1200.0, 0.0, 15.0, Wind(9.0, from_deg=0.0))
    assert float(t) == pytest.approx(100.0)


def test_no_headway_is_infinite_not_error() -> None:
    w = Wind(20.0, from_deg=90.0)  # from the east, stronger than the airspeed
    t = leg_time_s(np.array([-1000.0, 1000.0, 0.0]), np.array([0.0, 0.0, 1000.0]), 15.0, w)
    assert math.isfinite(t[0])  # flying west = tailwind
    assert math.isinf(t[1])  # flying east into 20 m/s
    assert math.isinf(t[2])  # crosswind above the airspeed cannot be held
    assert drone().makes_headway(w) is False


def test_exact_headwind_equal_to_airspeed() -> None:
    assert math.isinf(float(leg_time_s(1000.0, 0.0, 15.0, Wind(15.0, from_deg=90.0))))


def test_zero_length_leg_is_zero() -> None:
    assert float(leg_time_s(0.0, 0.0, 15.0, Wind(20.0, 90.0))) == 0.0


def test_grid_rotation_turns_the_wind() -> None:
    # A grid whose north is 10° left of true north: true west wind blows 10° off grid east.
    wx, wy = Wind(10.0, 270.0, true_north_grid_deg=-10.0).vector_mps()
    assert math.degrees(math.atan2(wx, wy)) == pytest.approx(80.0)


@pytest.mark.parametrize("field", ["cruise_speed_mps", "climb_rate_mps", "cruise_altitude_m"])
def test_rejects_non_positive(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        drone(**{field: 0.0})


def test_rejects_negative_wind() -> None:
    with pytest.raises(ValueError, match="wind speed"):
        Wind(-1.0)


def test_vanishing_ground_speed_is_infinite_without_warnings() -> None:
    # Found by hypothesis: a headwind leaving a ground speed of 2e-16 m/s overflowed the
    # division (a RuntimeWarning, an error under the test settings); the time is simply inf.
    w = Wind(1.0 - 2**-52, from_deg=90.0)  # from the east, a hair below the airspeed
    assert math.isinf(float(leg_time_s(1e300, 0.0, 1.0, w)))
