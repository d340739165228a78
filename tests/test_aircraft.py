import math

import numpy as np
import pytest

from lowalt.flight.aircraft import Aircraft, Wind, leg_time_s


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


def test_strong_crosswind_with_tailwind_makes_no_headway() -> None:
    """A crosswind above the airspeed cannot be held even when the tailwind is strong.

    Wind 15 m/s blowing east, airspeed 10 m/s, track 53.13° left of east (leg 600 m E, 800 m N):
    tailwind 9 m/s, crosswind 12 m/s > 10. Without the crosswind condition the clipped square
    root gives a "ground speed" of 9 m/s and a finite 111 s.
    """
    w = Wind(15.0, from_deg=270.0)
    t = leg_time_s(np.array([600.0, 600.0, -600.0]), np.array([800.0, -800.0, 800.0]), 10.0, w)
    assert np.isinf(t).all(), t
    # the same tailwind with a crosswind just under the airspeed: finite, crabbing
    w = Wind(math.hypot(9.0, 8.0), from_deg=270.0)
    u = np.array([9.0, 8.0]) / math.hypot(9.0, 8.0)
    t = float(leg_time_s(1000.0 * u[0], 1000.0 * u[1], 10.0, w))
    assert t == pytest.approx(1000.0 / (math.sqrt(100.0 - 64.0) + 9.0))


class _ExactWind:
    """A wind whose vector is given exactly (no trigonometry), for boundary cases."""

    is_calm = False

    def __init__(self, wx: float, wy: float) -> None:
        self._v = (wx, wy)

    def vector_mps(self) -> tuple[float, float]:
        return self._v


def test_crosswind_equal_to_airspeed_with_tailwind_is_infinite() -> None:
    # air moving (6, 8) m/s, track east at 8 m/s airspeed: crosswind exactly 8, tailwind 6
    t = leg_time_s(1000.0, 0.0, 8.0, _ExactWind(6.0, 8.0))  # type: ignore[arg-type]
    assert math.isinf(float(t))
    # a hair under the airspeed: the crab holds and the tailwind adds
    t = leg_time_s(1000.0, 0.0, 8.0, _ExactWind(6.0, 7.9))  # type: ignore[arg-type]
    assert float(t) == pytest.approx(1000.0 / (math.sqrt(64.0 - 7.9**2) + 6.0))


@pytest.mark.parametrize("airspeed", [5.0, 10.0, 15.0])
def test_leg_time_matches_the_crab_formula_on_every_bearing(airspeed: float) -> None:
    """Every bearing against an independent per-leg formula, wind 12 m/s from 200°."""
    w = Wind(12.0, from_deg=200.0)
    wx, wy = w.vector_mps()
    bearings = np.radians(np.arange(0.0, 360.0, 2.5))
    dx, dy = 700.0 * np.sin(bearings), 700.0 * np.cos(bearings)
    got = leg_time_s(dx, dy, airspeed, w)
    for x, y, g in zip(dx, dy, got, strict=True):
        ux, uy = x / 700.0, y / 700.0
        tail, cross = wx * ux + wy * uy, abs(wx * uy - wy * ux)
        if cross >= airspeed or math.sqrt(airspeed**2 - cross**2) + tail <= 0:
            assert math.isinf(g), (x, y, g)
        else:
            assert g == pytest.approx(700.0 / (math.sqrt(airspeed**2 - cross**2) + tail))


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


def test_sub_metre_legs_are_flown_with_the_wind() -> None:
    w = Wind(5.0, from_deg=270.0)  # blows east
    t = leg_time_s(np.array([0.5, -0.5, 0.0]), np.array([0.0, 0.0, 0.8]), 15.0, w)
    assert t == pytest.approx([0.5 / 20.0, 0.5 / 10.0, 0.8 / math.sqrt(15.0**2 - 5.0**2)])


def test_crab_just_under_the_airspeed_and_a_crawl_into_the_wind() -> None:
    # crosswind 7.99 of 8 m/s: crab component sqrt(64 - 63.84) = 0.4, plus the 6 m/s tailwind
    t = leg_time_s(1000.0, 0.0, 8.0, _ExactWind(6.0, 7.99))  # type: ignore[arg-type]
    assert float(t) == pytest.approx(1000.0 / (math.sqrt(64.0 - 7.99**2) + 6.0))
    # headwind 14.5 of 15 m/s: 0.5 m/s over the ground, slow but finite
    t = leg_time_s(1000.0, 0.0, 15.0, _ExactWind(-14.5, 0.0))  # type: ignore[arg-type]
    assert float(t) == pytest.approx(2000.0)
    # only a crosswind of 7.99 with no tailwind: 0.4 m/s
    t = leg_time_s(1000.0, 0.0, 8.0, _ExactWind(0.0, 7.99))  # type: ignore[arg-type]
    assert float(t) == pytest.approx(1000.0 / math.sqrt(64.0 - 7.99**2))


def test_wind_equal_to_the_cruise_speed_makes_no_headway() -> None:
    assert drone(cruise_speed_mps=15.0).makes_headway(Wind(15.0)) is False
    assert drone(cruise_speed_mps=15.0).makes_headway(Wind(14.9)) is True


def test_small_rates_and_zero_launch_delay_are_valid() -> None:
    ac = drone(climb_rate_mps=0.5, descent_rate_mps=0.5, cruise_speed_mps=0.5, launch_delay_s=0.0)
    assert ac.overhead_s == 2 * 120.0 / 0.5


@pytest.mark.parametrize("delay", [-1.0, -0.5, math.inf, math.nan])
def test_bad_launch_delay_is_refused(delay: float) -> None:
    with pytest.raises(ValueError, match="launch_delay_s must be a finite number >= 0"):
        drone(launch_delay_s=delay)


def test_scenario_aircraft_copies_every_field_and_max_ground_speed() -> None:
    from lowalt.scenario.schema import AircraftConfig
    from lowalt.studies._inputs import scenario_aircraft

    cfg = AircraftConfig(name="x1", cruise_speed_mps=12, climb_rate_mps=4, descent_rate_mps=2,
                         launch_delay_s=7, cruise_altitude_m=80)
    ac = scenario_aircraft(cfg)
    assert ac == Aircraft("x1", cruise_speed_mps=12.0, climb_rate_mps=4.0,
                          descent_rate_mps=2.0, launch_delay_s=7.0, cruise_altitude_m=80.0)
    assert ac.max_ground_speed_mps(Wind(5.0, from_deg=33.0)) == 17.0
