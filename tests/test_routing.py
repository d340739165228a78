"""Route planning: hand-checkable geometry and times in EPSG:4547."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.affinity import translate
from shapely.geometry import Polygon, box

from lowalt.errors import NoRouteError
from lowalt.flight.aircraft import Wind
from lowalt.flight.profiles import PROFILES, with_overrides
from lowalt.flight.routing import RunwayProcedure, plan_route
from lowalt.geo.airspace import Zone
from lowalt.geo.clearance import Runway
from lowalt.geo.crs import DEFAULT_METRIC_CRS, WGS84, transformer

FWD = transformer(WGS84, DEFAULT_METRIC_CRS)
INV = transformer(DEFAULT_METRIC_CRS, WGS84)
X0, Y0 = FWD.transform(114.3, 30.5)
DOCK = PROFILES["dock_multirotor"]


def ll(dx: float, dy: float) -> tuple[float, float]:
    lon, lat = INV.transform(X0 + dx, Y0 + dy)
    return float(lon), float(lat)


def zone(poly: Polygon, *, lower: float = 0.0, upper: float = 3000.0, name: str = "Z") -> Zone:
    moved = translate(poly, X0, Y0)
    return Zone(name, "prohibited", lower, upper, moved)


def test_straight_route_length_and_time() -> None:
    r = plan_route(ll(-5000, 0), ll(5000, 0), DOCK, [])
    assert r.length_m == pytest.approx(10_000.0, abs=0.01)
    assert r.flight_time_s == pytest.approx(100 / 5 + 10_000 / 15 + 100 / 3, abs=1e-3)
    assert r.block_time_s == pytest.approx(r.flight_time_s + 60.0)
    assert len(r.waypoints_xy) == 2
    assert r.range_check.ok and r.range_check.margin_m == pytest.approx(21_500.0, abs=0.1)


def test_detour_around_a_square_zone() -> None:
    z = zone(box(-1000, -1000, 1000, 1000))
    r = plan_route(ll(-5000, 0), ll(5000, 0), DOCK, [z], clearance_m=0.0)
    assert r.length_m == pytest.approx(2 * math.hypot(4000, 1000) + 2000, abs=0.05)
    assert len(r.waypoints_xy) == 4
    (crossing,) = r.zones
    assert crossing.blocking and crossing.inside_length_m == pytest.approx(0.0, abs=1e-6)
    # with a clearance the mitred square grows to 2 x 1,200 m
    r2 = plan_route(ll(-5000, 0), ll(5000, 0), DOCK, [z], clearance_m=200.0)
    assert r2.length_m == pytest.approx(2 * math.hypot(3800, 1200) + 2400, abs=0.05)


def test_zone_above_the_cruise_band_does_not_block() -> None:
    z = zone(box(-1000, -1000, 1000, 1000), lower=200.0, upper=500.0)
    r = plan_route(ll(-5000, 0), ll(5000, 0), DOCK, [z], clearance_m=0.0)
    assert r.length_m == pytest.approx(10_000.0, abs=0.01)
    (crossing,) = r.zones
    assert not crossing.blocking
    assert crossing.inside_length_m == pytest.approx(2000.0, abs=0.01)
    assert crossing.vertical_overlap_m == pytest.approx(100.0 - 200.0)  # 100 m below it
    assert not crossing.conflict


def test_endpoint_inside_a_prohibited_zone_raises() -> None:
    z = zone(box(3000, -1000, 7000, 1000), name="Airport core")
    with pytest.raises(NoRouteError, match=r"destination .* inside prohibited zone 'Airport core'"):
        plan_route(ll(-5000, 0), ll(5000, 0), DOCK, [z])
    with pytest.raises(NoRouteError, match="closer than the clearance of 50 m"):
        plan_route(ll(-5000, 0), ll(2990, 0), DOCK, [z])


def test_no_path_raises() -> None:
    ring = zone(box(-2000, -2000, 2000, 2000).difference(box(-1000, -1000, 1000, 1000)))
    with pytest.raises(NoRouteError, match="no route"):
        plan_route(ll(0, 0), ll(5000, 0), DOCK, [ring], clearance_m=0.0)


def test_runway_arrival_joins_the_axis() -> None:
    # runway along grid north at (0, 0); its clearance zone 20 km x 44 km
    rw = Runway.from_centre("09", (X0, Y0), 0.0, 3000.0)
    core = zone(box(-10_000, -21_500, 10_000, 21_500), name="core")
    prof = PROFILES["cargo5t_slow"]
    arr = RunwayProcedure(rw, 180.0, straight_m=5000.0)  # land southbound, from the north
    r = plan_route(ll(-30_000, 40_000), None, prof, [core], arrival=arr, clearance_m=0.0)
    end = r.waypoints_xy[-1]
    assert end == pytest.approx(rw.threshold_b_xy, abs=1e-6)  # northern threshold
    last = r.waypoints_xy[-1] - r.waypoints_xy[-2]
    assert last[0] == pytest.approx(0.0, abs=1e-6) and last[1] < 0  # due south
    # the straight leg reaches out of the zone: 21.5 km - 1.5 km + 1 m > straight_m
    assert np.hypot(*last) == pytest.approx(20_001.0, abs=0.01)
    (c,) = r.zones
    assert c.at_endpoint and c.blocking and c.inside_length_m == pytest.approx(20_000, abs=0.01)
    # a straight leg longer than the zone wins
    arr2 = RunwayProcedure(rw, 180.0, straight_m=30_000.0)
    r2 = plan_route(ll(-30_000, 40_000), None, prof, [core], arrival=arr2, clearance_m=0.0)
    assert np.hypot(*(r2.waypoints_xy[-1] - r2.waypoints_xy[-2])) == pytest.approx(30_000.0)
    # without the procedure the airport is unreachable
    with pytest.raises(NoRouteError, match="inside prohibited zone 'core'"):
        plan_route(ll(-30_000, 40_000), ll(0, 0), prof, [core])


def test_runway_departure_and_crosswind_limit() -> None:
    rw = Runway.from_centre("18", (X0, Y0), 0.0, 2000.0)
    prof = PROFILES["cargo5t_slow"]
    dep = RunwayProcedure(rw, "a_to_b", straight_m=4000.0)  # a is south: take off northbound
    r = plan_route(None, ll(0, 50_000), prof, [], departure=dep)
    assert r.waypoints_xy[0] == pytest.approx(rw.threshold_b_xy)
    assert r.length_m == pytest.approx(50_000.0 - 1000.0, abs=0.01)
    with pytest.raises(NoRouteError, match=r"crosswind 20\.0 m/s"):
        plan_route(None, ll(0, 50_000), prof, [], departure=dep, wind=Wind(20.0, 90.0))


def test_fixed_wing_climbs_along_the_track() -> None:
    prof = PROFILES["cargo5t_slow"]  # 50 m/s, climb 5, descent 4, 600 m
    r = plan_route(ll(0, 0), ll(60_000, 0), prof, [])
    v = r.vertical
    assert v.climb_time_s == pytest.approx(120.0) and v.climb_distance_m == pytest.approx(6000)
    assert v.descent_distance_m == pytest.approx(7500.0)
    assert r.flight_time_s == pytest.approx(60_000 / 50.0, rel=1e-6)


def test_range_exceeded_raises_with_numbers() -> None:
    prof = PROFILES["hkn_light_logistics"]
    with pytest.raises(NoRouteError, match=r"30\.0 km exceeds .* range of 28\.0 km by 2\.0 km"):
        plan_route(ll(0, 0), ll(30_000, 0), prof, [])
    r = plan_route(ll(0, 0), ll(30_000, 0), prof, [], check_range=False)
    assert not r.range_check.ok and r.range_check.margin_m == pytest.approx(-2000, abs=0.1)


def test_wind_changes_time_both_ways() -> None:
    calm = plan_route(ll(0, 0), ll(10_000, 0), DOCK, [])
    head = plan_route(ll(0, 0), ll(10_000, 0), DOCK, [], wind=Wind(5.0, from_deg=90.0))
    tail = plan_route(ll(0, 0), ll(10_000, 0), DOCK, [], wind=Wind(5.0, from_deg=270.0))
    fixed = 100 / 5 + 100 / 3
    assert head.flight_time_s == pytest.approx(fixed + 10_000 / 10.0, abs=1e-3)
    assert tail.flight_time_s == pytest.approx(fixed + 10_000 / 20.0, abs=1e-3)
    assert tail.flight_time_s < calm.flight_time_s < head.flight_time_s


def test_corridor_polygon_area_and_exports() -> None:
    r = plan_route(ll(0, 0), ll(8000, 6000), DOCK, [])
    hw = DOCK.corridor_half_width_m
    assert r.corridor_xy.area == pytest.approx(2 * hw * 10_000 + math.pi * hw**2, rel=1e-3)
    gj = r.to_geojson({"id": "t"})
    assert [f["properties"]["part"] for f in gj["features"]] == ["track", "corridor"]
    assert gj["features"][0]["properties"]["id"] == "t"
    gdf = r.to_geodataframe()
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 2
    assert r.corridor_lonlat.contains(r.track_lonlat.interpolate(0.5, normalized=True))


def test_override_cruise_altitude_outside_band() -> None:
    from lowalt.errors import AirspaceError

    with pytest.raises(AirspaceError, match="outside"):
        plan_route(ll(0, 0), ll(1000, 0), DOCK, [], cruise_altitude_m=500.0)
    tall = with_overrides(DOCK, {"max_altitude_m": 600.0})
    assert plan_route(ll(0, 0), ll(1000, 0), tall, [], cruise_altitude_m=500.0).vertical
