import json
import subprocess
import sys
from pathlib import Path

import pytest

from lowalt.cli import main

from .conftest import REPO, square_feature, write_fc


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_tiny_world_end_to_end(tiny_world, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    code, stdout, _ = _run(capsys, [str(tiny_world()), "--out", str(out)])
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "tiny.gpkg",
        "tiny.html",
        "tiny_bands.geojson",
        "tiny_docks.geojson",
        "tiny_report.json",
        "tiny_unreached.geojson",
    ]
    report = json.loads((out / "tiny_report.json").read_text())
    calm = report["conditions"][0]
    # 21 x 21 cells, dock in the centre: farthest cell centre (1000, 1000) m -> 1414.2 m at
    # 10 m/s, plus 30 s overhead (launch 10 + climb 50/5 + descent 50/5).
    assert calm["worst_time_s"] == pytest.approx(30 + 1000 * 2**0.5 / 10, abs=0.05)
    assert calm["holds"] is True
    assert report["inputs"]["cells"] == 441
    assert "HOLDS in calm air" in stdout


def test_reports_are_deterministic(tiny_world, tmp_path: Path, capsys) -> None:
    p = tiny_world()
    _run(capsys, [str(p), "--out", str(tmp_path / "a")])
    _run(capsys, [str(p), "--out", str(tmp_path / "b")])
    a = (tmp_path / "a" / "tiny_report.json").read_bytes()
    assert a == (tmp_path / "b" / "tiny_report.json").read_bytes()


def test_guarantee_failure_is_a_verdict_not_an_error(tiny_world, tmp_path: Path, capsys) -> None:
    code, stdout, _ = _run(
        capsys, [str(tiny_world({"guarantee.target_s": 100})), "--out", str(tmp_path / "o")]
    )
    assert code == 0
    assert "DOES NOT HOLD" in stdout
    code, _, _ = _run(
        capsys,
        [str(tiny_world({"guarantee.target_s": 100})), "--out", str(tmp_path / "o"), "--strict"],
    )
    assert code == 1


BAD_CASES = {
    "unknown key": ({"aircraft.speed": 3}, "aircraft.speed"),
    "wrong type": ({"demand.grid_spacing_m": "fine"}, "demand.grid_spacing_m"),
    "swapped lat/lon": (
        {"docks.sites": [{"name": "a", "lat": 114.4, "lon": 30.5}]},
        "docks.sites[0].lat",
    ),
    "self-intersecting zone": (
        {
            "airspace.zones": [
                {
                    "name": "bow",
                    "polygon_lonlat": [
                        [114.40, 30.50],
                        [114.41, 30.51],
                        [114.41, 30.50],
                        [114.40, 30.51],
                    ],
                }
            ]
        },
        "airspace.zones[0].polygon_lonlat",
    ),
    "missing file": ({"area.water_file": "missing.geojson"}, "area.water_file"),
    "target no dock can meet": ({"guarantee.target_s": 20}, "guarantee.target_s"),
    "grid too large": (
        {"demand.grid_spacing_m": 10, "demand.max_cells": 1000},
        "demand.grid_spacing_m",
    ),
    "dock in a no-fly zone": (
        {
            "airspace.zones": [
                {"name": "nfz", "circle": {"lat": 30.5, "lon": 114.4, "radius_m": 3000}}
            ]
        },
        "docks.sites[0]",
    ),
    "dock far away": (
        {"docks.sites": [{"name": "a", "lat": 30.5, "lon": 116.9}]},
        "docks.sites[0]",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_exit_2_one_message_no_output(
    case: str, tiny_world, tmp_path: Path, capsys
) -> None:
    overrides, key_path = BAD_CASES[case]
    out = tmp_path / "out"
    code, _stdout, err = _run(capsys, [str(tiny_world(overrides)), "--out", str(out)])
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.startswith("lowalt: error:")]
    assert len(lines) == 1, err
    assert "tiny.yaml" in lines[0] and key_path in lines[0] and "Fix:" in lines[0]
    assert "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_invalid_geometry_in_a_referenced_file(tiny_world, tmp_path: Path, capsys) -> None:
    bow = square_feature(0, 0, 100, 100)
    bow["geometry"]["coordinates"][0][1], bow["geometry"]["coordinates"][0][2] = (
        bow["geometry"]["coordinates"][0][2],
        bow["geometry"]["coordinates"][0][1],
    )
    write_fc(tmp_path / "water.geojson", [bow])
    code, _, err = _run(
        capsys,
        [str(tiny_world({"area.water_file": "water.geojson"})), "--out", str(tmp_path / "o")],
    )
    assert code == 2
    assert "water.geojson" in err and "area.water_file" in err and "Self-intersection" in err


def test_unwritable_output_folder(tiny_world, tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = _run(capsys, [str(tiny_world()), "--out", str(blocker / "sub")])
    assert code == 2
    assert "output folder" in err


def test_validate_and_schema(tiny_world, capsys) -> None:
    code, out, _ = _run(capsys, ["validate", str(tiny_world())])
    assert code == 0 and "valid" in out
    code, out, _ = _run(capsys, ["schema"])
    assert code == 0
    assert "grid_spacing_m" in json.loads(out)["$defs"]["DemandConfig"]["properties"]


def test_default_scenario_end_to_end(tmp_path: Path) -> None:
    """The README's run command, as a subprocess from the repository root."""
    out = tmp_path / "maps"
    proc = subprocess.run(
        [sys.executable, "run_scenario.py", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "optics_valley_grid_report.json").read_text())
    assert report["inputs"]["docks"] == 128 and report["inputs"]["drones"] == 186
    assert report["inputs"]["area_km2"] == pytest.approx(518.06, rel=0.01)
    assert report["inputs"]["cells"] == pytest.approx(51_806, rel=0.01)
    assert len(report["conditions"]) == 2
    assert report["design_wind"]["directions_checked"] == 36
    assert set(report["provenance"]["docks"]) == {"modeled"}
    html = (out / "optics_valley_grid.html").read_text()
    for layer in ("Docks", "Zone boundary", "Lakes", "Airspace", "Calm air", "MODELED"):
        assert layer in html
    assert "calm air" in proc.stdout


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.startswith("lowalt ")


def test_default_scenario_report_is_byte_identical(tmp_path: Path) -> None:
    for out in ("a", "b"):
        assert (
            main(
                [
                    str(REPO / "scenarios/optics_valley_grid.yaml"),
                    "--out",
                    str(tmp_path / out),
                    "-q",
                ]
            )
            == 0
        )
    a = (tmp_path / "a" / "optics_valley_grid_report.json").read_bytes()
    assert a == (tmp_path / "b" / "optics_valley_grid_report.json").read_bytes()


def test_schema_of_each_report(capsys) -> None:
    from lowalt.outputs.reports import REPORT_KINDS

    for kind in REPORT_KINDS:
        code, out, _ = _run(capsys, ["schema", "--report", kind])
        assert code == 0
        doc = REPO / "docs" / "report_schema" / f"{kind}.schema.json"
        assert out == doc.read_text(encoding="utf-8")
