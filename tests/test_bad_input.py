"""The bad-input catalogue: every case exits 2 with one message naming the file, the key path
and a fix; no traceback; nothing written to the output folder."""

import json
from pathlib import Path

import pytest

from lowalt.cli import main

from .conftest import REPO, square_feature, write_fc

BOW = [[114.40, 30.50], [114.41, 30.51], [114.41, 30.50], [114.40, 30.51]]
CIRCLE = {"lat": 30.5, "lon": 114.4, "radius_m": 100}


def _file(name: str, text: str):
    def make(d: Path) -> None:
        (d / name).write_text(text)

    return make


def _fc(name: str, features: list[dict]):
    def make(d: Path) -> None:
        write_fc(d / name, features)

    return make


POINT = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "Point", "coordinates": [114.4, 30.5]},
}
SWAPPED = {
    "type": "Feature",
    "properties": {},
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[30.5, 114.4], [30.6, 114.4], [30.6, 114.5], [30.5, 114.4]]],
    },
}
BOWTIE = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "Polygon", "coordinates": [[*BOW, BOW[0]]]},
}

# name: (overrides, key path expected in the message, optional file maker)
CASES = {
    "unknown top-level key": ({"colour": "red"}, "colour", None),
    "unknown nested key": ({"aircraft.speed": 3}, "aircraft.speed", None),
    "typo in a key": ({"aircraft.cruise_speed_ms": 12}, "aircraft.cruise_speed_ms", None),
    "text for a number": ({"guarantee.target_s": "5 min"}, "guarantee.target_s", None),
    "negative speed": ({"aircraft.cruise_speed_mps": -3}, "aircraft.cruise_speed_mps", None),
    "zero climb rate": ({"aircraft.climb_rate_mps": 0}, "aircraft.climb_rate_mps", None),
    "list for a section": ({"aircraft": [1, 2]}, "aircraft", None),
    "mapping for a list": ({"airspace.files": {"a": "b"}}, "airspace.files", None),
    "unknown layout": ({"docks.layout": "random"}, "docks.layout", None),
    "unknown restriction": (
        {"airspace.zones": [{"name": "z", "restriction": "maybe", "circle": CIRCLE}]},
        "airspace.zones[0].restriction",
        None,
    ),
    "swapped lat/lon": (
        {"docks.sites": [{"name": "a", "lat": 114.4, "lon": 30.5}]},
        "docks.sites[0].lat",
        None,
    ),
    "longitude out of range": (
        {"docks.sites": [{"name": "a", "lat": 30.5, "lon": 214.4}]},
        "docks.sites[0].lon",
        None,
    ),
    "swapped polygon point": (
        {
            "airspace.zones": [
                {"name": "z", "polygon_lonlat": [[114.40, 30.50], [30.51, 114.41], [114.42, 30.50]]}
            ]
        },
        "airspace.zones[0].polygon_lonlat[1]",
        None,
    ),
    "polygon of two points": (
        {"airspace.zones": [{"name": "z", "polygon_lonlat": [[114.40, 30.50], [114.41, 30.51]]}]},
        "airspace.zones[0]",
        None,
    ),
    "self-intersecting polygon": (
        {"airspace.zones": [{"name": "z", "polygon_lonlat": BOW}]},
        "airspace.zones[0].polygon_lonlat",
        None,
    ),
    "zero-area polygon": (
        {
            "airspace.zones": [
                {"name": "z", "polygon_lonlat": [[114.40, 30.50], [114.41, 30.51], [114.42, 30.52]]}
            ]
        },
        "airspace.zones[0].polygon_lonlat",
        None,
    ),
    "upper below lower": (
        {"airspace.zones": [{"name": "z", "lower_m": 90, "upper_m": 50, "circle": CIRCLE}]},
        "airspace.zones[0]",
        None,
    ),
    "circle and polygon": (
        {"airspace.zones": [{"name": "z", "circle": CIRCLE, "polygon_lonlat": BOW}]},
        "airspace.zones[0]",
        None,
    ),
    "no shape": ({"airspace.zones": [{"name": "z"}]}, "airspace.zones[0]", None),
    "zero radius": (
        {"airspace.zones": [{"name": "z", "circle": {**CIRCLE, "radius_m": 0}}]},
        "airspace.zones[0].circle.radius_m",
        None,
    ),
    "missing boundary file": ({"area.boundary_file": "nope.geojson"}, "area.boundary_file", None),
    "missing water file": ({"area.water_file": "nope.geojson"}, "area.water_file", None),
    "missing docks file": (
        {"docks": {"layout": "file", "file": "nope.geojson"}},
        "docks.file",
        None,
    ),
    "listed layout without sites": ({"docks.sites": []}, "docks", None),
    "file layout without file": ({"docks": {"layout": "file"}}, "docks", None),
    "fewer drones than docks": (
        {"docks": {"layout": "modeled", "count": 5, "drones_total": 3}},
        "docks",
        None,
    ),
    "geographic metric CRS": ({"metric_crs": "EPSG:4326"}, "metric_crs", None),
    "unknown CRS": ({"metric_crs": "EPSG:999999"}, "metric_crs", None),
    "future schema version": ({"schema_version": 2}, "schema_version", None),
    "grid too large for memory": (
        {"demand.grid_spacing_m": 10, "demand.memory_limit_mb": 300},
        "demand.grid_spacing_m",
        None,
    ),
    "grid too large": (
        {"demand.grid_spacing_m": 10, "demand.max_cells": 1000},
        "demand.grid_spacing_m",
        None,
    ),
    "grid finer than allowed": ({"demand.grid_spacing_m": 5}, "demand.grid_spacing_m", None),
    "target no dock can meet": ({"guarantee.target_s": 20}, "guarantee.target_s", None),
    "share above one": ({"guarantee.required_share": 1.5}, "guarantee.required_share", None),
    "wind direction 360": ({"wind.from_deg": 360}, "wind.from_deg", None),
    "no wind directions": ({"wind.directions": 0}, "wind.directions", None),
    "output name with a path": ({"output.name": "../evil"}, "output.name", None),
    "dock far away": (
        {"docks.sites": [{"name": "a", "lat": 30.5, "lon": 116.9}]},
        "docks.sites[0]",
        None,
    ),
    "dock in a no-fly zone": (
        {
            "airspace.zones": [
                {"name": "nfz", "circle": {"lat": 30.5, "lon": 114.4, "radius_m": 3000}}
            ]
        },
        "docks.sites[0]",
        None,
    ),
    "boundary of points": (
        {"area.boundary_file": "b.geojson"},
        "area.boundary_file",
        _fc("b.geojson", [POINT]),
    ),
    "boundary self-intersecting": (
        {"area.boundary_file": "b.geojson"},
        "area.boundary_file",
        _fc("b.geojson", [BOWTIE]),
    ),
    "boundary with swapped coordinates": (
        {"area.boundary_file": "b.geojson"},
        "area.boundary_file",
        _fc("b.geojson", [SWAPPED]),
    ),
    "boundary without features": (
        {"area.boundary_file": "b.geojson"},
        "area.boundary_file",
        _fc("b.geojson", []),
    ),
    "boundary not GeoJSON": (
        {"area.boundary_file": "b.geojson"},
        "area.boundary_file",
        _file("b.geojson", "not json at all"),
    ),
    "weights without weight": (
        {"demand.weights_file": "w.geojson"},
        "demand.weights_file",
        _fc("w.geojson", [square_feature(0, 0, 500, 500, w=2)]),
    ),
    "docks file with bad drones": (
        {"docks": {"layout": "file", "file": "d.geojson"}},
        "docks.file",
        _fc("d.geojson", [{**POINT, "properties": {"drones": -1}}]),
    ),
    "optimize without area": ({"area": None, "optimize": {}}, "(top level)", None),
    "drones that do not fit": (
        {"optimize": {"drones": {"total": 50, "max_per_dock": 2}}},
        "optimize.drones.total",
        None,
    ),
    "corridor with unknown aircraft": (
        {
            "corridor": {
                "origin": {"name": "a", "lat": 30.5, "lon": 114.4},
                "destination": {"name": "b", "lat": 30.6, "lon": 114.5},
                "aircraft": ["concorde"],
            }
        },
        "corridor.aircraft[0]",
        None,
    ),
    "corridor runway without file": (
        {
            "corridor": {
                "origin": {"name": "a", "lat": 30.5, "lon": 114.4},
                "destination": {"name": "b", "lat": 30.6, "lon": 114.5},
                "aircraft": ["v2000cg"],
                "arrival": {"runway": "x", "direction_deg": 10},
            }
        },
        "corridor",
        None,
    ),
    "availability without area": ({"area": None, "availability": {}}, "(top level)", None),
    "availability unknown key": ({"availability.years": 1}, "availability.years", None),
    "unknown call profile": (
        {"availability.departments": [{"name": "fire", "calls_per_day": 3, "hourly_profile": "x"}]},
        "availability.departments[0].hourly_profile",
        None,
    ),
    "23 hourly weights": (
        {
            "availability.departments": [
                {"name": "fire", "calls_per_day": 3, "hourly_profile": [1.0] * 23}
            ]
        },
        "availability.departments[0].hourly_profile",
        None,
    ),
    "reliability target of 95": (
        {"availability.reliability_targets": [95]},
        "availability.reliability_targets[0]",
        None,
    ),
    "no calls at all": (
        {"availability.departments": [{"name": "fire", "calls_per_day": 0}]},
        "availability.departments",
        None,
    ),
    "wind file missing": (
        {"availability.fleet": {"wind_file": "wind.csv"}},
        "availability.fleet.wind_file",
        None,
    ),
    "wind file with text": (
        {"availability.fleet": {"wind_file": "wind.csv"}},
        "availability.fleet.wind_file",
        _file("wind.csv", "wind_mps\n3.5\ncalm\n"),
    ),
    "wind file without column": (
        {"availability.fleet": {"wind_file": "wind.csv"}},
        "availability.fleet.wind_file",
        _file("wind.csv", "speed\n3.5\n"),
    ),
}


def check_refused(
    overrides: dict, key_path: str, make, tiny_world, tmp_path: Path, capsys,
    file_name: str = "tiny.yaml",
) -> str:
    """Run a catalogue case: exit 2, one message naming ``file_name``, the key path and a fix,
    no traceback, nothing in the output folder. Returns the message."""
    if make is not None:
        make(tmp_path)
    if overrides.get("area", 0) is None:
        overrides = {k: v for k, v in overrides.items() if k != "area"}
        from .conftest import _DELETE

        overrides["area"] = _DELETE
    path = tiny_world(overrides)
    out = tmp_path / "out"
    code = main([str(path), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [ln for ln in err.splitlines() if ln.startswith("lowalt: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert file_name in lines[0]
    assert key_path in lines[0], lines[0]
    assert "Fix:" in lines[0]
    assert not out.exists() or not any(out.iterdir())
    return lines[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case: str, tiny_world, tmp_path: Path, capsys) -> None:
    overrides, key_path, make = CASES[case]
    check_refused(overrides, key_path, make, tiny_world, tmp_path, capsys)


def test_catalogue_size() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "name: [unclosed\n", "\t\x00bad"])
def test_unusable_files(text: str, tmp_path: Path, capsys) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    assert main([str(p), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "Fix:" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_unwritable_output(tiny_world, tmp_path: Path, capsys) -> None:
    (tmp_path / "blocker").write_text("a file, not a folder")
    assert main([str(tiny_world()), "--out", str(tmp_path / "blocker" / "maps")]) == 2
    assert "output folder" in capsys.readouterr().err


def test_catalogue_uses_real_files() -> None:
    assert json.loads((REPO / "geodata" / "east_lake_zone.geojson").read_text())["features"]
