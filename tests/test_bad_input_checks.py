"""Bad-input catalogue, part 3: the checks that need the data (the metric CRS against the data's
area, extents and the antimeridian, corridor end points, sizes of what a run allocates, the
basemap key). Each case exits 2 with one message naming the file, the key path and a fix, no
traceback and nothing in the output folder; ``validate`` refuses it first with the same
message (tests/test_validate_matches_run.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import _DELETE, write_fc

WUHAN_ROUTE = [[114.30, 30.55], [114.40, 30.60]]


def _route(coords: list[list[float]], rid: str = "r1") -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "id": rid,
            "lower_m": 60,
            "upper_m": 120,
            "corridor_half_width_m": 100,
            "provenance": "modeled",
            "source": "test",
        },
        "geometry": {"type": "LineString", "coordinates": coords},
    }


def _polygon(ring: list[list[float]]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"name": "z", "provenance": "modeled", "source": "test"},
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }


def _fc(name: str, features: list[dict[str, Any]]):
    def make(d: Path) -> None:
        write_fc(d / name, features)

    return make


def _corridor(origin: tuple[float, float], dest: tuple[float, float], aircraft: list[str]
              ) -> dict[str, Any]:
    return {
        "area": _DELETE,
        "corridor": {
            "origin": {"name": "A", "lat": origin[1], "lon": origin[0]},
            "destination": {"name": "B", "lat": dest[1], "lon": dest[0]},
            "aircraft": aircraft,
        },
    }


def _network(file: str = "routes.geojson") -> dict[str, Any]:
    return {"area": _DELETE, "network": {"routes_file": file}}


ANTIMERIDIAN = [[179.9, 30.0], [-179.9, 30.0], [-179.9, 30.1], [179.9, 30.1]]

# name: (overrides, key path expected in the message, optional file maker)
CASES: dict[str, tuple[dict[str, Any], str, Any]] = {
    "metric CRS for another continent (UTM zone 1)": (
        {"metric_crs": "EPSG:32601"},
        "metric_crs",
        None,
    ),
    "metric CRS distorting distances (Web Mercator)": (
        {"metric_crs": "EPSG:3857"},
        "metric_crs",
        None,
    ),
    "local CRS centred far from the data": (
        {"metric_crs": "+proj=tmerc +lon_0=60 +ellps=GRS80 +units=m +no_defs"},
        "metric_crs",
        None,
    ),
    "boundary across the antimeridian": (
        {"area.boundary_file": "dateline.geojson"},
        "area.boundary_file",
        _fc("dateline.geojson", [_polygon(ANTIMERIDIAN)]),
    ),
    "boundary parts 2,900 km apart": (
        {"area.boundary_file": "far.geojson"},
        "area.boundary_file",
        _fc(
            "far.geojson",
            [
                _polygon([[114.40, 30.50], [114.41, 30.50], [114.41, 30.51], [114.40, 30.51]]),
                _polygon([[87.60, 43.80], [87.61, 43.80], [87.61, 43.81], [87.60, 43.81]]),
            ],
        ),
    ),
    "corridor origin equals destination": (
        _corridor((114.40, 30.50), (114.40, 30.50), ["dock_multirotor"]),
        "corridor.destination",
        None,
    ),
    "corridor end points 40 m apart": (
        _corridor((114.40, 30.50), (114.4004, 30.5001), ["dock_multirotor"]),
        "corridor.destination",
        None,
    ),
    "corridor beyond every aircraft's range": (
        _corridor((114.30, 30.60), (112.94, 28.23), ["dock_multirotor", "eh216s"]),
        "corridor.aircraft",
        None,
    ),
    "corridor across the antimeridian": (
        _corridor((179.95, 30.0), (-179.95, 30.0), ["cargo5t_fast"]),
        "corridor.destination",
        None,
    ),
    "corridor under a metric CRS for another continent": (
        {
            **_corridor((114.30, 30.60), (114.50, 30.50), ["dock_multirotor"]),
            "metric_crs": "EPSG:32601",
        },
        "metric_crs",
        None,
    ),
    "corridor road graph unreadable": (
        {
            **_corridor((114.30, 30.60), (114.50, 30.50), ["dock_multirotor"]),
            "corridor.ground": {"graph_file": "roads.osm"},
        },
        "corridor.ground.graph_file",
        lambda d: (d / "roads.osm").write_text("<osm><node id='1'"),
    ),
    "network routes in Europe under the Wuhan CRS": (
        _network(),
        "metric_crs",
        _fc("routes.geojson", [_route([[2.30, 48.85], [2.40, 48.90]])]),
    ),
    "network route across the antimeridian": (
        _network(),
        "network.routes_file",
        _fc("routes.geojson", [_route([[179.9, 30.0], [-179.9, 30.1]])]),
    ),
    "Tianditu basemap without a key": (
        {"output.basemap": "tianditu"},
        "output.basemap_key",
        None,
    ),
    "placement matrix beyond the pair limit": (
        {
            "demand.grid_spacing_m": 10,
            "optimize": {"candidate_spacing_m": 10, "demand_spacing_m": None},
        },
        "optimize.candidate_spacing_m",
        None,
    ),
    "availability calls beyond the limit": (
        {"availability": {"days": 3650, "calls_per_day": 2000}},
        "availability.days",
        None,
    ),
}


@pytest.fixture(autouse=True)
def _no_tianditu_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOWALT_TIANDITU_KEY", raising=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case: str, tiny_world, tmp_path: Path, capsys) -> None:
    from .test_bad_input import check_refused

    overrides, key_path, make = CASES[case]
    check_refused(overrides, key_path, make, tiny_world, tmp_path, capsys)
