"""Bad-input catalogue, part 2: bounds everywhere (no infinity, physical upper limits, unique
ids), safe YAML, and the same rules for values read from GeoJSON and CSV files.

Every case exits 2 with exactly one ``lowalt: error:`` line naming the file the bad value is in
(the scenario, or the data file for values read from files), the key path and a fix; no
traceback; nothing written to the output folder.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from lowalt.cli import main

from .conftest import _DELETE, metric_to_lonlat, square_feature, write_fc

INF = float("inf")
CIRCLE = {"lat": 30.5, "lon": 114.4, "radius_m": 100}
CORRIDOR = {
    "origin": {"name": "A", "lat": 30.500, "lon": 114.400},
    "destination": {"name": "B", "lat": 30.520, "lon": 114.420},
    "aircraft": ["dock_multirotor"],
}


def _corridor(**kw: Any) -> dict[str, Any]:
    return {"area": None, "corridor": {**CORRIDOR, **kw}}


def _network(**kw: Any) -> dict[str, Any]:
    return {"area": None, "network": {"routes_file": "r.geojson", **kw}}


def _dept(**kw: Any) -> dict[str, Any]:
    return {"availability.departments": [{"name": "fire", "calls_per_day": 3, **kw}]}


def _file(name: str, text: str):
    def make(d: Path) -> None:
        (d / name).write_text(text)

    return make


def _fc(name: str, features: list[dict[str, Any]]):
    def make(d: Path) -> None:
        write_fc(d / name, features)

    return make


def _point(x: float, y: float, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": list(metric_to_lonlat(x, y))},
    }


def _line(coords: list[tuple[float, float]], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]},
    }


def _route(rid: str, lon0: float, **props: Any) -> dict[str, Any]:
    band = {"lower_m": 90, "upper_m": 120, "corridor_half_width_m": 100, **props}
    return _line([(lon0, 30.50), (lon0 + 0.05, 30.55)], id=rid, **band)


def _zone(**props: Any) -> dict[str, Any]:
    base = {"name": "z", "restriction": "prohibited", "lower_m": 0, "upper_m": 120}
    return square_feature(3000, 3000, 3500, 3500, **{**base, **props})


def _docks(*props: dict[str, Any]):
    return _fc("d.geojson", [_point(100 * i, 0, **p) for i, p in enumerate(props)])


def _special(kind: str, name: str):
    """A referenced path that is not a plain file: folder, symlink loop, FIFO, huge file."""

    def make(d: Path) -> None:
        p = d / name
        if kind == "folder":
            p.mkdir()
        elif kind == "loop":
            os.symlink(d / f"{name}.b", p)
            os.symlink(p, d / f"{name}.b")
        elif kind == "fifo":
            os.mkfifo(p)
        elif kind == "huge":
            with p.open("wb") as fh:  # sparse: no disk used
                fh.truncate(600 * 2**20)
        elif kind == "huge_csv":
            with p.open("wb") as fh:
                fh.truncate(65 * 2**20)

    return make


DOCKS_FILE = {"docks": {"layout": "file", "file": "d.geojson"}}
WEIGHTS = {"demand.weights_file": "w.geojson"}
AIRSPACE = {"airspace.files": ["a.geojson"]}
RUNWAYS = {"runways_file": "rw.geojson", "arrival": {"runway": "r1", "direction_deg": 10}}
WIND = {"availability.fleet": {"wind_file": "wind.csv"}, "availability.days": 1}
HOURS = "wind_mps\n" + "3\n" * 24

# name: (overrides, key path expected in the message, optional file maker, file named)
# The file named is the scenario (tiny.yaml) unless the bad value is in a data file.
CASES: dict[str, tuple[Any, ...]] = {
    # --- infinity and NaN, one of each kind of field
    "aircraft speed inf": ({"aircraft.cruise_speed_mps": INF}, "aircraft.cruise_speed_mps"),
    "aircraft climb 'inf' as text": ({"aircraft.climb_rate_mps": "inf"}, "aircraft.climb_rate_mps"),
    "target -inf": ({"guarantee.target_s": -INF}, "guarantee.target_s"),
    "zone radius inf": (
        {"airspace.zones": [{"name": "z", "circle": {**CIRCLE, "radius_m": INF}}]},
        "airspace.zones[0].circle.radius_m",
    ),
    "polygon point inf": (
        {
            "airspace.zones": [
                {"name": "z", "polygon_lonlat": [[114.4, 30.5], [INF, 30.5], [114.5, 30.6]]}
            ]
        },
        "airspace.zones[0].polygon_lonlat[1][0]",
    ),
    "optimize time limit inf": ({"optimize": {"time_limit_s": INF}}, "optimize.time_limit_s"),
    "dock count inf": ({"docks": {"layout": "modeled", "count": INF}}, "docks.count"),
    "department calls inf": (_dept(calls_per_day=INF), "availability.departments[0].calls_per_day"),
    "hourly weight inf": (
        _dept(hourly_profile=[1.0] * 5 + [INF] + [1.0] * 18),
        "availability.departments[0].hourly_profile[5]",
    ),
    "fleet endurance inf": (
        {"availability.fleet": {"endurance_s": INF}},
        "availability.fleet.endurance_s",
    ),
    "reliability target nan": (
        {"availability.reliability_targets": [float("nan")]},
        "availability.reliability_targets[0]",
    ),
    "corridor claimed time inf": (_corridor(claimed_time_s=INF), "corridor.claimed_time_s"),
    "corridor override speed inf": (
        _corridor(aircraft=[{"base": "v2000cg", "cruise_speed_mps": INF}]),
        "corridor.aircraft[0].cruise_speed_mps",
    ),
    "network layer height inf": (_network(layer_height_m=INF), "network.layer_height_m"),
    "network time limit inf": (_network(time_limit_s=INF), "network.time_limit_s"),
    "design wind inf": ({"wind.design_speed_mps": INF}, "wind.design_speed_mps"),
    # --- physical upper bounds
    "airspeed of 1000 m/s": ({"aircraft.cruise_speed_mps": 1000}, "aircraft.cruise_speed_mps"),
    "climb of 80 m/s": ({"aircraft.climb_rate_mps": 80}, "aircraft.climb_rate_mps"),
    "cruise at 30 km": ({"aircraft.cruise_altitude_m": 30_000}, "aircraft.cruise_altitude_m"),
    "zone radius 600 km": (
        {"airspace.zones": [{"name": "z", "circle": {**CIRCLE, "radius_m": 600_000}}]},
        "airspace.zones[0].circle.radius_m",
    ),
    "zone above 20 km": (
        {"airspace.zones": [{"name": "z", "upper_m": 25_000, "circle": CIRCLE}]},
        "airspace.zones[0].upper_m",
    ),
    "drones total of two million": (
        {"docks": {"layout": "modeled", "count": 5, "drones_total": 2_000_000}},
        "docks.drones_total",
    ),
    "101 drones in a dock": (
        {"docks.sites": [{"name": "a", "lat": 30.5, "lon": 114.4, "drones": 101}]},
        "docks.sites[0].drones",
    ),
    "1e30 drones in a dock": (
        {"docks.sites": [{"name": "a", "lat": 30.5, "lon": 114.4, "drones": 1e30}]},
        "docks.sites[0].drones",
    ),
    "solver time limit of 12 days": (
        {"optimize": {"time_limit_s": 1_000_000}},
        "optimize.time_limit_s",
    ),
    "1000 drones per dock": (
        {"optimize": {"drones": {"total": 3, "max_per_dock": 1000}}},
        "optimize.drones.max_per_dock",
    ),
    "corridor wind of 200 m/s": (_corridor(wind_speed_mps=200), "corridor.wind_speed_mps"),
    "override climb of 80 m/s": (
        _corridor(aircraft=[{"base": "v2000cg", "climb_rate_mps": 80}]),
        "corridor.aircraft[0].climb_rate_mps",
    ),
    "network band at 30 km": (_network(band_max_m=30_000), "network.band_max_m"),
    "reported count of 2e9": (
        _network(reported_counts={"cargo": 2_000_000_000}),
        "network.reported_counts.cargo",
    ),
    "days of a century": ({"availability.days": 36_500}, "availability.days"),
    # Found by the exploring schema fuzzer: both were tracebacks (CP-SAT's 32-bit seed; an
    # empty department list reached the demand model).
    "seed beyond 32 bits": ({"availability.seed": 2**31}, "availability.seed"),
    "empty department list": ({"availability.departments": []}, "availability.departments"),
    "wait of two days": (
        {"availability.fleet": {"max_wait_s": 172_800}},
        "availability.fleet.max_wait_s",
    ),
    # --- text
    "name of 300 characters": ({"name": "x" * 300}, "name"),
    "bell character in a dock name": (
        {"docks.sites": [{"name": "a\x07b", "lat": 30.5, "lon": 114.4}]},
        "docks.sites[0].name",
    ),
    "description of 20,000 characters": ({"description": "y" * 20_000}, "description"),
    # --- ids that key results
    "duplicate dock names": (
        {
            "docks.sites": [
                {"name": "a", "lat": 30.5, "lon": 114.4},
                {"name": "a", "lat": 30.5, "lon": 114.4},
            ]
        },
        "docks.sites",
    ),
    "duplicate departments": (
        {
            "availability.departments": [
                {"name": "fire", "calls_per_day": 3},
                {"name": "fire", "calls_per_day": 2},
            ]
        },
        "availability.departments",
    ),
    "duplicate aircraft ids": (_corridor(aircraft=["v2000cg", "v2000cg"]), "corridor.aircraft"),
    "override with a taken id": (
        _corridor(aircraft=["v2000cg", {"base": "eh216s", "id": "v2000cg"}]),
        "corridor.aircraft",
    ),
    "override keeping the base id": (
        _corridor(aircraft=["v2000cg", {"base": "v2000cg", "cruise_speed_mps": 40}]),
        "corridor.aircraft",
    ),
    "override with an unknown field": (
        _corridor(aircraft=[{"base": "v2000cg", "cruise_sped": 40}]),
        "corridor.aircraft[0].cruise_sped",
    ),
    "duplicate trade-off counts": ({"optimize": {"tradeoff_k": [1, 2, 1]}}, "optimize.tradeoff_k"),
    "duplicate reliability targets": (
        {"availability.reliability_targets": [0.95, 0.95]},
        "availability.reliability_targets",
    ),
    # --- referenced paths that are not plain files
    "water file is a folder": (
        {"area.water_file": "water"},
        "area.water_file",
        _special("folder", "water"),
    ),
    "water file is a symlink loop": (
        {"area.water_file": "loop.geojson"},
        "area.water_file",
        _special("loop", "loop.geojson"),
    ),
    "water file is a FIFO": (
        {"area.water_file": "pipe.geojson"},
        "area.water_file",
        _special("fifo", "pipe.geojson"),
    ),
    "water file of 600 MiB": (
        {"area.water_file": "big.geojson"},
        "area.water_file",
        _special("huge", "big.geojson"),
    ),
    "wind file of 65 MiB": (
        WIND | {"availability.fleet": {"wind_file": "big.csv"}},
        "availability.fleet.wind_file",
        _special("huge_csv", "big.csv"),
    ),
    # --- values read from files: the message names the data file
    "docks file drones 1e30": (DOCKS_FILE, "docks.file", _docks({"drones": 1e30}), "d.geojson"),
    "docks file drones 2.5": (DOCKS_FILE, "docks.file", _docks({"drones": 2.5}), "d.geojson"),
    "docks file drones -1": (DOCKS_FILE, "docks.file", _docks({"drones": -1}), "d.geojson"),
    "docks file drones 101": (DOCKS_FILE, "docks.file", _docks({"drones": 101}), "d.geojson"),
    "docks file duplicate names": (
        DOCKS_FILE,
        "docks.file",
        _docks({"name": "a"}, {"name": "a"}),
        "d.geojson",
    ),
    "weight inf": (
        WEIGHTS,
        "demand.weights_file",
        _fc("w.geojson", [square_feature(0, 0, 500, 500, weight=INF)]),
        "w.geojson",
    ),
    "weight negative": (
        WEIGHTS,
        "demand.weights_file",
        _fc("w.geojson", [square_feature(0, 0, 500, 500, weight=-2)]),
        "w.geojson",
    ),
    "weight of 1e12": (
        WEIGHTS,
        "demand.weights_file",
        _fc("w.geojson", [square_feature(0, 0, 500, 500, weight=1e12)]),
        "w.geojson",
    ),
    "airspace file upper below lower": (
        AIRSPACE,
        "airspace.files[0]",
        _fc("a.geojson", [_zone(lower_m=90, upper_m=50)]),
        "a.geojson",
    ),
    "airspace file upper inf": (
        AIRSPACE,
        "airspace.files[0]",
        _fc("a.geojson", [_zone(upper_m=INF)]),
        "a.geojson",
    ),
    "airspace file upper 30 km": (
        AIRSPACE,
        "airspace.files[0]",
        _fc("a.geojson", [_zone(upper_m=30_000)]),
        "a.geojson",
    ),
    "ED-269 file with an infinite limit": (
        {"airspace.files": ["zones.json"]},
        "airspace.files[0]",
        _file(
            "zones.json",
            json.dumps(
                {
                    "features": [
                        {
                            "name": "x",
                            "restriction": "PROHIBITED",
                            "geometry": [
                                {
                                    "upperLimit": INF,
                                    "horizontalProjection": {
                                        "type": "Circle",
                                        "center": [114.4, 30.5],
                                        "radius": 100,
                                    },
                                }
                            ],
                        }
                    ]
                }
            ),
        ),
        "zones.json",
    ),
    "duplicate route ids": (
        _network(),
        "network.routes_file",
        _fc("r.geojson", [_route("r1", 114.30), _route("r1", 114.40)]),
        "r.geojson",
    ),
    "route band inf": (
        _network(),
        "network.routes_file",
        _fc("r.geojson", [_route("r1", 114.30, upper_m=INF)]),
        "r.geojson",
    ),
    "route half-width of 1e9 m": (
        _network(),
        "network.routes_file",
        _fc("r.geojson", [_route("r1", 114.30, corridor_half_width_m=1e9)]),
        "r.geojson",
    ),
    "duplicate runway ids": (
        _corridor(**RUNWAYS),
        "features[1].id",
        _fc(
            "rw.geojson",
            [
                _line([(114.41, 30.51), (114.41, 30.52)], id="r1"),
                _line([(114.42, 30.51), (114.42, 30.52)], id="r1"),
            ],
        ),
        "rw.geojson",
    ),
    "wind file shorter than the run": (
        WIND | {"availability.days": 7},
        "availability.fleet.wind_file",
        _file("wind.csv", "wind_mps\n" + "3\n" * 10),
        "wind.csv",
    ),
    "wind file with inf": (
        WIND,
        "availability.fleet.wind_file",
        _file("wind.csv", HOURS + "inf\n"),
        "wind.csv",
    ),
    "wind file of 150 m/s": (
        WIND,
        "availability.fleet.wind_file",
        _file("wind.csv", "wind_mps\n150\n" + "3\n" * 23),
        "wind.csv",
    ),
}


def _case(case: str) -> tuple[dict[str, Any], str, Any, str]:
    overrides, key_path, *rest = CASES[case]
    make = rest[0] if rest else None
    named = rest[1] if len(rest) > 1 else "tiny.yaml"
    return overrides, key_path, make, named


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_bounds(case: str, tiny_world, tmp_path: Path, capsys) -> None:
    from .test_bad_input import check_refused

    overrides, key_path, make, named = _case(case)
    check_refused(overrides, key_path, make, tiny_world, tmp_path, capsys, file_name=named)


def test_catalogue_size() -> None:
    assert len(CASES) >= 35


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("airspeed of 1000 m/s", ("350", "m/s")),
        ("climb of 80 m/s", ("50", "m/s")),
        ("cruise at 30 km", ("20,000", " m")),
        ("zone radius 600 km", ("500,000", " m")),
        ("101 drones in a dock", ("100", "drones")),
        ("1e30 drones in a dock", ("100", "drones")),
        ("solver time limit of 12 days", ("86,400", " s")),
        ("aircraft speed inf", ("finite", "350")),
        ("duplicate dock names", ("'a'", "sites[0]", "sites[1]")),
        ("duplicate aircraft ids", ("'v2000cg'", "aircraft[0]", "aircraft[1]")),
        ("docks file drones 1e30", ("feature 0", "drones")),
        ("duplicate route ids", ("'r1'", "features 0 and 1")),
        ("wind file shorter than the run", ("10", "168")),
        ("wind file with inf", ("line 26", "wind_mps")),
    ],
)
def test_messages_carry_bounds_units_and_positions(
    case: str, words: tuple[str, ...], tiny_world, tmp_path: Path, capsys
) -> None:
    overrides, _, make, _ = _case(case)
    if make is not None:
        make(tmp_path)
    if overrides.get("area", 0) is None:
        overrides = {**overrides, "area": _DELETE}
    assert main([str(tiny_world(overrides)), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    for w in words:
        assert w in err, err


BILLION_LAUGHS = "name: lol\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else ', '.join(['lol'] * 9)}]\n"
    for i in range(10)
)


def _write(name: str, text: str):
    def make(d: Path) -> Path:
        p = d / name
        p.write_text(text)
        return p

    return make


def _path_of(kind: str):
    def make(d: Path) -> Path:
        p = d / "s.yaml"
        _special(kind, "s.yaml")(d)
        return p

    return make


def _huge_scenario(d: Path) -> Path:
    p = d / "s.yaml"
    with p.open("wb") as fh:
        fh.write(b"name: big\n")
        fh.truncate(2 * 2**20)
    return p


# name: (file maker returning the scenario path, words the message must hold)
FILE_CASES = {
    "duplicate top-level key": (
        _write("s.yaml", "name: a\narea:\n  boundary_file: z.geojson\nname: b\n"),
        ("'name' appears twice", "lines 1 and 4"),
    ),
    "duplicate nested key": (
        _write("s.yaml", "name: a\naircraft:\n  cruise_speed_mps: 10\n  cruise_speed_mps: 12\n"),
        ("'cruise_speed_mps' appears twice", "lines 3 and 4"),
    ),
    "billion laughs": (_write("s.yaml", BILLION_LAUGHS), ("alias",)),
    "self-referring alias": (_write("s.yaml", "name: a\nx: &x [1, *x]\n"), ("alias",)),
    "nesting 10,000 deep": (_write("s.yaml", "name: " + "[" * 10_000), ("nested",)),
    "scenario of 2 MiB": (_huge_scenario, ("MiB",)),
    "scenario is a folder": (_path_of("folder"), ("folder",)),
    "scenario is a symlink loop": (_path_of("loop"), ("symbolic link",)),
    "scenario is a FIFO": (_path_of("fifo"), ("regular file",)),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_unusable_scenario_files(case: str, tmp_path: Path, capsys) -> None:
    make, words = FILE_CASES[case]
    p = make(tmp_path)
    t = time.perf_counter()
    code = main([str(p), "--out", str(tmp_path / "out")])
    elapsed = time.perf_counter() - t
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [ln for ln in err.splitlines() if ln.startswith("lowalt: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert "s.yaml" in lines[0] and "Fix:" in lines[0], lines[0]
    for w in words:
        assert w in lines[0], lines[0]
    assert elapsed < 2.0, f"{case} took {elapsed:.2f} s"
    assert not (tmp_path / "out").exists()


def test_billion_laughs_is_a_real_bomb() -> None:
    import yaml

    doc = yaml.safe_load(BILLION_LAUGHS)  # PyYAML shares the aliased lists...
    inner: Any = doc["l9"]
    n = 1
    while isinstance(inner, list):
        n *= len(inner)
        inner = inner[0]
    assert n == 9**10  # ...which expand to 3.5 billion strings when walked
    assert len(BILLION_LAUGHS) < 1024


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_scenario(tmp_path: Path, capsys) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("name: a\n")
    p.chmod(0)
    assert main([str(p), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "s.yaml" in err and "Fix:" in err and "Traceback" not in err


def test_override_model_has_exactly_the_profile_fields() -> None:
    import dataclasses

    from lowalt.flight.profiles import AircraftProfile
    from lowalt.scenario.schema import PROFILE_BOUNDS, AircraftOverride

    fields = {f.name for f in dataclasses.fields(AircraftProfile)} - {"field_sources"}
    assert set(AircraftOverride.model_fields) - {"base"} == fields
    for name, (bound, _) in PROFILE_BOUNDS.items():
        assert (
            AircraftOverride.model_json_schema()["properties"][name]["anyOf"][0]["maximum"] == bound
        ), name


def test_typed_override_resolves_like_the_mapping() -> None:
    from lowalt.flight.profiles import PROFILES, resolve_profile
    from lowalt.scenario.schema import AircraftOverride

    spec = {"base": "sf_ark40", "cruise_speed_mps": 10.0, "id": "slow_ark"}
    typed = resolve_profile(AircraftOverride.model_validate(spec).as_mapping())
    assert typed == resolve_profile(spec)
    assert typed.id == "slow_ark" and typed.provenance == "modeled"
    assert resolve_profile(AircraftOverride(base="eh216s").as_mapping()) == PROFILES["eh216s"]


def test_schema_publishes_maxima() -> None:
    from lowalt.scenario.schema import Scenario

    defs = Scenario.model_json_schema()["$defs"]
    assert defs["AircraftConfig"]["properties"]["cruise_speed_mps"]["maximum"] == 350
    assert defs["FleetConfig"]["properties"]["endurance_s"]["maximum"] == 86_400
    assert defs["DockSite"]["properties"]["drones"]["maximum"] == 100
    assert defs["GuaranteeConfig"]["properties"]["target_s"]["maximum"] == 86_400
