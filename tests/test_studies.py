"""Corridor and network studies end to end, on the shipped scenarios and on tiny made-up data."""

import json
from pathlib import Path

import pytest
import yaml

from lowalt.cli import main
from lowalt.errors import LowaltError
from lowalt.scenario.schema import load_scenario
from lowalt.studies.corridor import run_corridor
from lowalt.studies.network import run_network

from .conftest import REPO


def test_shipped_corridor_scenario(tmp_path: Path, capsys) -> None:
    code = main([str(REPO / "scenarios/hankou_north_huahu_corridor.yaml"), "--out", str(tmp_path)])
    assert code == 0
    report = json.loads((tmp_path / "hankou_north_huahu_corridor.json").read_text())
    by_id = {a["aircraft"]: a for a in report["aircraft"]}
    assert set(by_id) == {"cargo5t_fast", "cargo5t_slow", "v2000cg"}
    # 19 min over the 79.3 km straight line is 250 km/h (wuhan_facts.md section 4).
    assert report["claim"]["implied_speed_great_circle_kmh"] == pytest.approx(250, abs=2)
    assert report["claim"]["met_by"] == ["cargo5t_fast"]
    assert report["ground"]["method"] == "estimate"
    assert "ESTIMATE" in report["ground"]["source"]
    # The arrival flies the last leg along Huahu's runway axis (heading ~190°, southbound).
    wp = by_id["cargo5t_fast"]["waypoints"]
    assert wp[-1][1] < wp[-2][1] and abs(wp[-1][0] - wp[-2][0]) < 0.05
    html = (tmp_path / "hankou_north_huahu_corridor.html").read_text()
    assert "cargo5t_slow" in html and "MODELED" in html
    assert "19 min" in capsys.readouterr().out


def test_shipped_network_scenario(tmp_path: Path) -> None:
    assert main([str(REPO / "scenarios/pilot_routes.yaml"), "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "pilot_routes_network.json").read_text())
    assert report["routes"] == 24
    assert all(c["match"] for c in report["reported_counts"])
    assert report["layers"]["status"] == "OPTIMAL"
    above = report["above_true_height_limit"]
    assert above["limit_m"] == 120
    assert all(r["upper_m"] > 120 for r in above["routes"])
    assert report["layers"]["n_layers"] >= report["layers"]["lower_bound"] >= 1
    layers = report["layers"]["assignment"]
    conflicting = {(c["a"], c["b"]) for c in report["conflicts"]}
    for a, b in conflicting:
        if a in layers and b in layers:  # both layered: bands must not overlap
            (a0, a1), (b0, b1) = layers[a], layers[b]
            assert a1 <= b0 or b1 <= a0


OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="lowalt test">
  <node id="1" lat="30.500" lon="114.400"/>
  <node id="2" lat="30.500" lon="114.420"/>
  <node id="3" lat="30.520" lon="114.420"/>
  <node id="4" lat="30.520" lon="114.400"/>
  <node id="5" lat="30.495" lon="114.395"/>
  <node id="6" lat="30.525" lon="114.425"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="primary"/><tag k="maxspeed" v="60"/></way>
  <way id="11"><nd ref="1"/><nd ref="4"/><nd ref="3"/>
    <tag k="highway" v="residential"/><tag k="maxspeed" v="30"/></way>
  <way id="12"><nd ref="5"/><nd ref="1"/><tag k="highway" v="service"/></way>
  <way id="13"><nd ref="3"/><nd ref="6"/><tag k="highway" v="service"/></way>
</osm>
"""


def _corridor_scenario(tmp_path: Path, ground: dict) -> Path:
    doc = {
        "name": "tiny corridor",
        "corridor": {
            "origin": {"name": "A", "lat": 30.500, "lon": 114.400},
            "destination": {"name": "B <b>", "lat": 30.520, "lon": 114.420},
            "aircraft": ["dock_multirotor", {"base": "sf_ark40", "cruise_speed_mps": 10}],
            "claimed_time_s": 600,
            "ground": ground,
        },
    }
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump(doc))
    return p


def test_ground_freight_on_an_osm_file(tmp_path: Path) -> None:
    (tmp_path / "roads.osm").write_text(OSM)
    s = load_scenario(_corridor_scenario(tmp_path, {"graph_file": "roads.osm"}))
    g = run_corridor(s).ground
    assert g is not None and g.method == "road graph"
    # Fastest: the 60 km/h primary road east then north, about 1.93 + 2.22 = 4.15 km.
    assert g.distance_m == pytest.approx(4150, rel=0.03)
    assert g.time_s == pytest.approx(4150 / (60 / 3.6), rel=0.03)


def test_ground_estimate_without_a_graph(tmp_path: Path) -> None:
    s = load_scenario(_corridor_scenario(tmp_path, {"detour_factor": 1.5, "average_speed_kmh": 36}))
    res = run_corridor(s)
    assert res.ground is not None
    assert res.ground.distance_m == pytest.approx(res.great_circle_m * 1.5)
    assert res.ground.time_s == pytest.approx(res.ground.distance_m / 10)
    # Override applied: the Ark-40 copy flies at 10 m/s.
    assert res.routes["sf_ark40"].profile.cruise_speed_mps == 10


def test_unreadable_road_graph(tmp_path: Path) -> None:
    (tmp_path / "roads.osm").write_text("<osm>broken")
    s = load_scenario(_corridor_scenario(tmp_path, {"graph_file": "roads.osm"}))
    with pytest.raises(LowaltError, match="road graph") as e:
        run_corridor(s)
    assert e.value.key_path == "corridor.ground.graph_file"


def test_unknown_profile_is_a_scenario_error(tmp_path: Path, capsys) -> None:
    p = _corridor_scenario(tmp_path, {})
    doc = yaml.safe_load(p.read_text())
    doc["corridor"]["aircraft"] = ["concorde"]
    p.write_text(yaml.safe_dump(doc))
    code = main([str(p), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "corridor.aircraft[0]" in err and "concorde" in err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_network_layer_band_too_thin(tmp_path: Path) -> None:
    doc = yaml.safe_load((REPO / "scenarios/pilot_routes.yaml").read_text())
    doc["network"]["routes_file"] = str(REPO / "geodata/routes.geojson")
    doc["airspace"]["files"] = [str(REPO / "geodata/airspace.geojson")]
    doc["network"]["band_max_m"] = 70
    p = tmp_path / "n.yaml"
    p.write_text(yaml.safe_dump(doc))
    with pytest.raises(LowaltError, match="holds no") as e:
        run_network(load_scenario(p))
    assert e.value.key_path == "network.band_max_m"
