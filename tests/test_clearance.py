"""Tests for lowalt.geo.clearance (airport clearance core zones)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Polygon

from lowalt.errors import AirspaceError
from lowalt.geo.clearance import Runway, clearance_zone, runway_rectangle
from lowalt.geo.crs import DEFAULT_METRIC_CRS, WGS84, transformer

GEOD = Geod(ellps="WGS84")

# Published Huahu clearance-zone corners (Huangshi notice, DMS -> decimal), (lon, lat).
HUAHU_CORNERS = {
    "NW": (114.966403, 30.552133),
    "NE": (115.190739, 30.520767),
    "SW": (114.888128, 30.164775),
    "SE": (115.111619, 30.128789),
}


def _edge_lengths(poly: Polygon) -> list[float]:
    xy = np.asarray(poly.exterior.coords)
    return [float(d) for d in np.hypot(*np.diff(xy, axis=0).T)]


@pytest.mark.parametrize("heading_deg", [0.0, 37.0, 90.0, 189.9, 300.0])
def test_single_runway_gives_rectangle(heading_deg: float) -> None:
    length = 3600.0
    rw = Runway.from_centre("R", (500_000.0, 3_400_000.0), heading_deg, length)
    assert rw.length_m == pytest.approx(length)
    zone = clearance_zone([rw])
    assert zone.is_valid
    assert zone.exterior.is_ccw
    assert len(zone.exterior.coords) == 5  # 4 corners + closing point
    edges = sorted(_edge_lengths(zone))
    assert edges[:2] == pytest.approx([20_000.0, 20_000.0], abs=1e-6)
    assert edges[2:] == pytest.approx([length + 40_000.0] * 2, abs=1e-6)
    assert zone.area == pytest.approx((length + 40_000.0) * 20_000.0, rel=1e-9)
    assert zone.centroid.x == pytest.approx(500_000.0)
    assert zone.centroid.y == pytest.approx(3_400_000.0)


def test_custom_distances_and_rectangle_helper() -> None:
    rw = Runway("R", (0.0, 0.0), (0.0, 1000.0))
    assert rw.heading_deg == pytest.approx(0.0)
    rect = runway_rectangle(rw, lateral_m=500.0, beyond_end_m=0.0)
    assert rect.bounds == pytest.approx((-500.0, 0.0, 500.0, 1000.0))
    zone = clearance_zone([rw], lateral_m=500.0, beyond_end_m=250.0)
    assert zone.bounds == pytest.approx((-500.0, -250.0, 500.0, 1250.0))


def test_parallel_runways_are_convex_hull() -> None:
    r1 = Runway.from_centre("L", (0.0, 0.0), 0.0, 3000.0)
    r2 = Runway.from_centre("R", (2000.0, 0.0), 0.0, 3000.0)
    zone = clearance_zone([r1, r2])
    assert zone.area == pytest.approx(43_000.0 * 22_000.0)


def _huahu_zone_lonlat() -> Polygon:
    centre = (
        float(np.mean([c[0] for c in HUAHU_CORNERS.values()])),
        float(np.mean([c[1] for c in HUAHU_CORNERS.values()])),
    )
    heading = 9.9

    def offset(lateral_m: float, along_m: float) -> tuple[float, float]:
        lon, lat, _ = GEOD.fwd(centre[0], centre[1], heading + 90.0, lateral_m)
        lon, lat, _ = GEOD.fwd(lon, lat, heading, along_m)
        return (lon, lat)

    # two 3,600 m runways 1,900 m apart, the east one 200 m further south
    west = Runway.from_lonlat("W", offset(-950.0, 100.0), heading, 3600.0)
    east = Runway.from_lonlat("E", offset(950.0, -100.0), heading, 3600.0)
    zone = clearance_zone([west, east])
    inv = transformer(DEFAULT_METRIC_CRS, WGS84)
    xs, ys = zone.exterior.coords.xy
    lons, lats = inv.transform(np.asarray(xs), np.asarray(ys))
    return Polygon(zip(lons, lats, strict=True))


def test_huahu_zone_matches_published_corners() -> None:
    zone = _huahu_zone_lonlat()
    vertices = list(zone.exterior.coords)[:-1]
    for key, (lon, lat) in HUAHU_CORNERS.items():
        dist = min(GEOD.inv(lon, lat, vx, vy)[2] for vx, vy in vertices)
        assert dist < 500.0, f"{key} corner is {dist:.0f} m from the published one"


def test_from_lonlat_accounts_for_grid_convergence() -> None:
    # East of the 114E central meridian grid north is east of true north, so a
    # true heading of 9.9 deg becomes a smaller grid bearing.
    rw = Runway.from_lonlat("E", (115.04, 30.34), 9.9, 3600.0)
    assert rw.length_m == pytest.approx(3600.0, rel=1e-3)
    assert 9.0 < rw.heading_deg < 9.9


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((0.0, 0.0), (0.0, 0.0)),
        ((1.0, 2.0), (1.0, 2.0)),
        ((0.0, 0.0), (math.nan, 10.0)),
        ((math.inf, 0.0), (0.0, 10.0)),
    ],
)
def test_degenerate_runway_raises(a: tuple[float, float], b: tuple[float, float]) -> None:
    with pytest.raises(AirspaceError):
        Runway("bad", a, b)


@pytest.mark.parametrize("length_m", [0.0, -10.0, math.nan, math.inf])
def test_from_centre_bad_length_raises(length_m: float) -> None:
    with pytest.raises(AirspaceError):
        Runway.from_centre("bad", (0.0, 0.0), 40.0, length_m)


def test_bad_zone_arguments_raise() -> None:
    rw = Runway.from_centre("R", (0.0, 0.0), 40.0, 2000.0)
    with pytest.raises(AirspaceError):
        clearance_zone([])
    with pytest.raises(AirspaceError):
        clearance_zone([rw], lateral_m=0.0)
    with pytest.raises(AirspaceError):
        clearance_zone([rw], beyond_end_m=-1.0)
    with pytest.raises(AirspaceError):
        clearance_zone([rw], lateral_m=math.nan)
