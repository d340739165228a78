"""The JSON reports match their models and schemas (outputs.reports, docs/report_schema/).

Real reports come from small runs through the command line: a tiny world with a placement and
an availability study (with and without a design wind), a tiny corridor without a claimed
time on a road graph, and the shipped corridor and network scenarios (the network also with a
band too thin to layer). Each must validate against its schema and read back into its model
unchanged (byte for byte); broken copies must not validate. Every schema is strict: each
object lists its required keys and admits no others.
"""

from __future__ import annotations

import copy
import json
import sys
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from lowalt.cli import main
from lowalt.outputs import reports as rs
from lowalt.outputs.reports._base import Report, ReportModel, Version
from tests.conftest import REPO, TINY_OPTIMIZE, tiny_scenario
from tests.test_studies import OSM

jsonschema = pytest.importorskip("jsonschema")

ReportDict = dict[str, Any]


def _validator(kind: str) -> Any:
    return jsonschema.Draft202012Validator(rs.report_schema(kind))


def _errors(kind: str, report: ReportDict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(kind).iter_errors(report)
    ]


# --- the schemas themselves --------------------------------------------------------------------


def _tools() -> Any:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import report_schemas
    finally:
        sys.path.pop(0)
    return report_schemas


def test_committed_docs_are_current() -> None:
    tool = _tools()
    assert tool.stale() == [], "run: python tools/report_schemas.py --write"
    for kind in rs.REPORT_KINDS:
        committed = json.loads((tool.DOCS / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert committed == rs.report_schema(kind)


def test_check_mode_flags_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tool = _tools()
    assert tool.main(["--write", "--dir", str(tmp_path)]) == 0
    assert tool.main(["--check", "--dir", str(tmp_path)]) == 0
    first = sorted(p.name for p in tmp_path.iterdir())
    assert first == sorted([*(f"{k}.schema.json" for k in rs.REPORT_KINDS), "README.md"])
    (tmp_path / "reach.schema.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "old.schema.json").write_text("{}\n", encoding="utf-8")
    assert tool.main(["--check", "--dir", str(tmp_path)]) == 1
    assert "STALE" in capsys.readouterr().out
    assert tool.main(["--write", "--dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == first
    assert tool.main(["--check", "--dir", str(tmp_path)]) == 0


@pytest.mark.parametrize("kind", rs.REPORT_KINDS)
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    schema = rs.report_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["report_schema_version"]["const"] == rs.SCHEMA_VERSION
    assert schema["$id"] == f"urn:lowalt:report-schema:{kind}:{rs.SCHEMA_VERSION}"
    assert schema["description"].endswith(f"File: {{stem}}{rs.REPORT_FILE_SUFFIX[kind]}.")
    assert schema["additionalProperties"] is False


def test_every_closed_object_requires_only_its_own_keys() -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "required" in node and "properties" in node:
                assert set(node["required"]) <= set(node["properties"]), node["required"]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for kind in rs.REPORT_KINDS:
        walk(rs.report_schema(kind))


def test_version_and_kinds() -> None:
    assert typing.get_args(Version) == (rs.SCHEMA_VERSION,)
    assert set(rs.REPORT_FILE_SUFFIX) == set(rs.REPORT_KINDS)
    for kind in rs.REPORT_KINDS:
        model = rs.report_model(kind)
        assert issubclass(model, Report) and model.report_kind == kind
        assert model.model_fields["report_schema_version"].annotation == Version
    with pytest.raises(ValueError, match="unknown report kind"):
        rs.report_schema("grid")
    a = rs.report_schema("reach")
    a["properties"].clear()
    assert rs.report_schema("reach")["properties"]  # every call returns a fresh schema


# --- strictness --------------------------------------------------------------------------------


def _models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """``model`` and every model its fields hold (at any depth, through containers)."""
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        yield m
        for info in m.model_fields.values():
            stack = [info.annotation]
            while stack:
                t = stack.pop()
                if isinstance(t, type) and issubclass(t, BaseModel):
                    todo.append(t)
                stack.extend(typing.get_args(t))


@pytest.mark.parametrize("kind", rs.REPORT_KINDS)
def test_every_model_is_closed_frozen_and_strict(kind: str) -> None:
    models = list(_models(rs.report_model(kind)))
    assert len(models) > 3
    for m in models:
        assert issubclass(m, ReportModel), m
        config = m.model_config
        assert config.get("extra") == "forbid", m
        assert config.get("frozen") and config.get("strict"), m
        assert config.get("allow_inf_nan") is False, m


def _object_nodes(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema node that describes a JSON object, with where it is."""
    if isinstance(node, dict):
        kinds = node.get("type")
        if kinds == "object" or (isinstance(kinds, list) and "object" in kinds):
            yield path, node
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for name, child in value.items():
                    yield from _object_nodes(child, f"{path}/{key}/{name}")
            elif key not in ("if", "then", "else", "not", "const", "enum"):
                yield from _object_nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _object_nodes(child, f"{path}/{i}")


@pytest.mark.parametrize("kind", rs.REPORT_KINDS)
def test_every_object_in_the_schema_is_closed(kind: str) -> None:
    """No object admits a key it does not describe; fixed objects require all but the optional."""
    schema = rs.report_schema(kind)
    models = {m.__name__: m for m in _models(rs.report_model(kind))}
    nodes = list(_object_nodes(schema))
    assert len(nodes) > 5
    for path, node in nodes:
        if "properties" in node:
            assert node.get("additionalProperties") is False, path
            assert "patternProperties" not in node, path
            model = rs.report_model(kind) if path == "#" else models.get(path.rsplit("/")[-1])
            assert model is not None, f"{path}: no model of that name"
            optional = set(model.absent_keys)
            assert set(node["required"]) == set(node["properties"]) - optional, path
            for key in optional:  # present means a value: never null
                assert {"type": "null"} not in node["properties"][key].get("anyOf", []), path
                assert "null" not in node["properties"][key].get("type", []), path
        else:  # a map: free keys (names from the data), every value of one schema
            assert isinstance(node.get("additionalProperties"), dict), path
            assert "patternProperties" not in node, path


# --- real reports ------------------------------------------------------------------------------

_OPTIMIZE = {**TINY_OPTIMIZE, "time_limit_s": 5}


def _tiny(folder: Path, name: str, **extra: Any) -> Path:
    """The tiny world (tests/conftest.py) at a 130 s target, with top-level ``extra`` keys."""
    return tiny_scenario(folder, {"name": name, "guarantee.target_s": 130, **extra},
                         f"{name}.yaml")


def _tiny_corridor(folder: Path) -> Path:
    """A 3 km corridor without a claimed time, ground freight on a road graph."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roads.osm").write_text(OSM, encoding="utf-8")
    doc = {
        "name": "tiny corridor",
        "corridor": {
            "origin": {"name": "A", "lat": 30.500, "lon": 114.400},
            "destination": {"name": "B", "lat": 30.520, "lon": 114.420},
            "aircraft": ["dock_multirotor"],
            "ground": {"graph_file": "roads.osm"},
        },
    }
    path = folder / "tiny_corridor.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _thin_band_network(folder: Path) -> Path:
    """The shipped route network with a band holding one layer: no layer assignment."""
    folder.mkdir(parents=True, exist_ok=True)
    doc = yaml.safe_load((REPO / "scenarios/pilot_routes.yaml").read_text(encoding="utf-8"))
    doc["network"]["routes_file"] = str(REPO / "geodata/routes.geojson")
    doc["airspace"]["files"] = [str(REPO / "geodata/airspace.geojson")]
    doc["network"]["band_max_m"] = 90
    doc["output"] = {"name": "thin"}
    path = folder / "thin.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


_AVAILABILITY = {
    "days": 5,
    "calls_per_day": 30,
    "reliability_targets": [0.5],
    "allocation_time_limit_s": 5,
}

# name -> (writes the scenario into a folder, {kind: report file in the output folder})
_RUNS: dict[str, tuple[Callable[[Path], Path], dict[str, str]]] = {
    "tiny": (
        lambda d: _tiny(d, "tiny", optimize=_OPTIMIZE, availability=_AVAILABILITY),
        {
            "reach": "tiny_report.json",
            "placement": "tiny_placement.json",
            "availability": "tiny_availability.json",
        },
    ),
    "calm": (
        lambda d: _tiny(
            d,
            "calm",
            wind={"design_speed_mps": 0},
            optimize={**_OPTIMIZE, "backup_k": None, "tradeoff_k": []},
            availability={**_AVAILABILITY, "design_wind_day": False},
        ),
        {
            "reach": "calm_report.json",
            "placement": "calm_placement.json",
            "availability": "calm_availability.json",
        },
    ),
    # Missions of 754 km on scene keep every drone busy: calls that wait are never served
    # (found by the schema fuzzer: the mean wait of the waiting calls is infinite -> null).
    "grounded": (
        lambda d: _tiny(
            d,
            "grounded",
            wind={"design_speed_mps": 44},
            optimize=None,
            availability={
                **_AVAILABILITY,
                "days": 1,
                "departments": [
                    {"name": "far", "calls_per_day": 20.0, "on_scene_km": 754, "on_scene_cv": 5.8}
                ],
            },
        ),
        {"availability": "grounded_availability.json"},
    ),
    "corridor": (
        lambda d: REPO / "scenarios/hankou_north_huahu_corridor.yaml",
        {"corridor": "hankou_north_huahu_corridor.json"},
    ),
    "tiny_corridor": (_tiny_corridor, {"corridor": "tiny_corridor_corridor.json"}),
    "network": (
        lambda d: REPO / "scenarios/pilot_routes.yaml",
        {"network": "pilot_routes_network.json"},
    ),
    "thin_network": (_thin_band_network, {"network": "thin_network.json"}),
}


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, str]]:
    """Run a named scenario once per module; the text of its reports by kind."""
    done: dict[str, dict[str, str]] = {}

    def get(name: str) -> dict[str, str]:
        if name not in done:
            make, files = _RUNS[name]
            root = tmp_path_factory.mktemp(name)
            scenario = make(root / "in")
            assert main([str(scenario), "--out", str(root / "out"), "-q"]) in (0, 1)
            done[name] = {
                kind: (root / "out" / f).read_text(encoding="utf-8") for kind, f in files.items()
            }
        return done[name]

    return get


@pytest.fixture(scope="module")
def reports(texts: Callable[[str], dict[str, str]]) -> Callable[[str], dict[str, ReportDict]]:
    """The reports of a named run, parsed, by kind."""

    def get(name: str) -> dict[str, ReportDict]:
        return {kind: json.loads(text) for kind, text in texts(name).items()}

    return get


_CASES = [(name, kind) for name, (_, files) in _RUNS.items() for kind in files]


@pytest.mark.parametrize(("run", "kind"), _CASES, ids=[f"{r}-{k}" for r, k in _CASES])
def test_real_report_validates(
    reports: Callable[[str], dict[str, ReportDict]], run: str, kind: str
) -> None:
    report = reports(run)[kind]
    assert report["report_schema_version"] == rs.SCHEMA_VERSION
    assert _errors(kind, report) == []


@pytest.mark.parametrize(("run", "kind"), _CASES, ids=[f"{r}-{k}" for r, k in _CASES])
def test_real_report_reads_back_into_its_model_byte_for_byte(
    texts: Callable[[str], dict[str, str]], run: str, kind: str
) -> None:
    """The model holds the whole file: types (int or float), key order, absent keys."""
    text = texts(run)[kind]
    model = rs.report_model(kind).model_validate_json(text)
    assert model.to_json() == text


def _with_unknown_key(report: ReportDict) -> Iterator[tuple[str, ReportDict]]:
    """Copies of ``report`` with an unknown key added to one object (each object in turn)."""

    def paths(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        if isinstance(node, dict):
            yield path
            for k, v in node.items():
                yield from paths(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from paths(v, (*path, i))

    for path in paths(report, ()):
        broken = copy.deepcopy(report)
        node: Any = broken
        for part in path:
            node = node[part]
        node["zz_unknown"] = {"zz": [None]}
        yield "/".join(map(str, path)) or "(top)", broken


@pytest.mark.parametrize(("run", "kind"), _CASES, ids=[f"{r}-{k}" for r, k in _CASES])
def test_an_unknown_key_fails_at_every_level(
    reports: Callable[[str], dict[str, ReportDict]], run: str, kind: str
) -> None:
    validator = _validator(kind)
    accepted = [
        where
        for where, broken in _with_unknown_key(reports(run)[kind])
        if validator.is_valid(broken)
    ]
    assert accepted == []


def test_the_runs_cover_both_branches(reports: Callable[[str], dict[str, ReportDict]]) -> None:
    """The conditional parts of the schemas are exercised both ways by the runs above."""
    assert reports("tiny")["reach"]["design_wind"] is not None
    assert reports("calm")["reach"]["design_wind"] is None
    assert reports("tiny")["availability"]["design_wind_day"] is not None
    assert reports("calm")["availability"]["design_wind_day"] is None
    grounded = reports("grounded")["availability"]["design_wind_day"]
    assert grounded["mean_wait_of_waiting_s"] is None  # waits without end
    assert grounded["calls_waited"] > 0
    assert reports("calm")["placement"]["current_layout"]["design_wind"] is None
    assert "claim" in reports("corridor")["corridor"]
    tiny = reports("tiny_corridor")["corridor"]
    assert "claim" not in tiny and tiny["ground"]["method"] == "road graph"
    assert reports("network")["network"]["layers"] is not None
    thin = reports("thin_network")["network"]
    assert thin["layers"] is None and thin["layering_error"]


# --- broken reports fail -----------------------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[ReportDict], None]:
    """Set the value at a slash-separated path (list indices as numbers)."""

    def edit(report: ReportDict) -> None:
        *head, last = path.split("/")
        node: Any = report
        for part in head:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return edit


def _drop(path: str) -> Callable[[ReportDict], None]:
    """Delete the key at a slash-separated path."""

    def edit(report: ReportDict) -> None:
        *head, last = path.split("/")
        node: Any = report
        for part in head:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return edit


_BROKEN = [
    ("tiny", "reach", "wrong type", _set("target_s", "300")),
    ("tiny", "reach", "missing key", _drop("docks")),
    ("tiny", "reach", "nested missing key", _drop("conditions/0/worst_cell/on_water")),
    ("tiny", "reach", "unknown key", _set("inputs/cells_total", 3)),
    ("tiny", "reach", "share above 1", _set("conditions/0/reached_share", 1.5)),
    ("tiny", "reach", "wrong version", _set("report_schema_version", 2)),
    ("tiny", "reach", "null where not allowed", _set("verdict/calm", None)),
    ("tiny", "reach", "wind figure without design wind", _set("design_wind", None)),
    ("calm", "reach", "wind figure missing", _set("docks/0/reach_area_wind_km2", 1.0)),
    ("tiny", "placement", "unknown status", _set("answers/min_docks_calm/status", "proven")),
    ("tiny", "placement", "unknown answer key", _set("answers/min_docks_gusty", {})),
    ("tiny", "placement", "drones as text", _set("answers/drones/docks/0/drones", "3")),
    ("tiny", "availability", "unknown policy", _set("inputs/policy", "random")),
    ("tiny", "availability", "missing kind", _drop("kind")),
    ("tiny", "availability", "ci95 of three", _set("drones_needed/0/ci95", [0.1, 0.2, 0.3])),
    ("corridor", "corridor", "claim without verdicts", _drop("aircraft/0/meets_claim")),
    ("tiny_corridor", "corridor", "verdict without claim", _set("aircraft/0/meets_claim", True)),
    ("tiny_corridor", "corridor", "unknown ground method", _set("ground/method", "guess")),
    ("corridor", "corridor", "latitude out of range", _set("origin/lat", 114.3)),
    ("network", "network", "layers and an error", _set("layering_error", "no")),
    ("network", "network", "lower-case layer status", _set("layers/status", "optimal")),
    ("network", "network", "unknown restriction", _set("airspace/0/restriction", "closed")),
    ("thin_network", "network", "no layers and no error", _set("layering_error", None)),
]


@pytest.mark.parametrize(
    ("run", "kind", "what", "edit"), _BROKEN, ids=[f"{k}-{w}" for _, k, w, _ in _BROKEN]
)
def test_broken_report_fails(
    reports: Callable[[str], dict[str, ReportDict]],
    run: str,
    kind: str,
    what: str,
    edit: Callable[[ReportDict], None],
) -> None:
    report = copy.deepcopy(reports(run)[kind])
    edit(report)
    assert _errors(kind, report), f"{what}: accepted"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, rs.report_schema(kind))
