import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from shapely.geometry import box

from lowalt.errors import AirspaceError
from lowalt.geo.airspace import Airspace, Zone, load_airspace
from lowalt.geo.ed269 import zones_from_ed269, zones_to_ed269
from lowalt.scenario.schema import load_scenario
from lowalt.studies._inputs import scenario_airspace

CRS = "EPSG:4547"


def _doc(**over) -> dict:
    feat = {
        "identifier": "Z1",
        "name": "Stadium",
        "restriction": "REQ_AUTHORISATION",
        "reason": ["SENSITIVE"],
        "applicability": [
            {
                "startDateTime": "2025-05-01T08:00:00+08:00",
                "endDateTime": "2025-05-01T20:00:00+08:00",
            }
        ],
        "geometry": [
            {
                "uomDimensions": "FT",
                "lowerLimit": 0,
                "lowerVerticalReference": "AGL",
                "upperLimit": 400,
                "upperVerticalReference": "AGL",
                "horizontalProjection": {
                    "type": "Circle",
                    "center": [114.40, 30.50],
                    "radius": 500,
                },
            }
        ],
    }
    feat.update(over)
    return {"features": [feat]}


def test_circle_in_feet_with_time_window() -> None:
    (z,) = zones_from_ed269(_doc(), metric_crs=CRS)
    assert z["restriction"] == "authorization_required"
    assert z["upper_m"] == pytest.approx(121.92)
    assert z["geometry"].area == pytest.approx(3.14159 * 500**2, rel=0.002)
    zone = Zone(**z)
    assert zone.active_at(datetime(2025, 5, 1, 5, 0, tzinfo=UTC))  # 13:00 in Wuhan
    assert not zone.active_at(datetime(2025, 5, 1, 13, 0, tzinfo=UTC))  # 21:00 in Wuhan


def test_round_trip_polygon() -> None:
    zone = Zone(
        "Box",
        "prohibited",
        0.0,
        120.0,
        box(500000, 3370000, 502000, 3371000),
        provenance="modeled",
        source="test",
    )
    out = zones_to_ed269([zone], metric_crs=CRS)
    assert out["features"][0]["restriction"] == "PROHIBITED"
    assert out["features"][0]["applicability"] == [{"permanent": "YES"}]
    (back,) = zones_from_ed269(json.loads(json.dumps(out)), metric_crs=CRS)
    # coordinates are rounded to 1e-7 degrees (about 1 cm)
    assert back["geometry"].symmetric_difference(zone.geometry).area < 1e-5 * zone.geometry.area
    assert (back["lower_m"], back["upper_m"]) == (0.0, 120.0)


@pytest.mark.parametrize(
    ("over", "key"),
    [
        ({"restriction": "MAYBE"}, "features[0].restriction"),
        (
            {
                "geometry": [
                    {
                        "lowerLimit": 0,
                        "upperLimit": 100,
                        "lowerVerticalReference": "AMSL",
                        "horizontalProjection": {
                            "type": "Circle",
                            "center": [114.4, 30.5],
                            "radius": 5,
                        },
                    }
                ]
            },
            "features[0].geometry[0].lowerVerticalReference",
        ),
        (
            {
                "geometry": [
                    {
                        "lowerLimit": 0,
                        "upperLimit": 100,
                        "horizontalProjection": {
                            "type": "Circle",
                            "center": [30.5, 114.4],
                            "radius": 5,
                        },
                    }
                ]
            },
            "features[0].geometry[0]",
        ),
        (
            {"applicability": [{"startDateTime": "2025-05-01T08:00:00"}]},
            "features[0].applicability[0]",
        ),
    ],
)
def test_bad_zones_name_the_field(over: dict, key: str) -> None:
    with pytest.raises(AirspaceError) as e:
        zones_from_ed269(_doc(**over), metric_crs=CRS)
    assert e.value.key_path == key


def test_scenario_reads_ed269_files(tiny_world, tmp_path: Path) -> None:
    (tmp_path / "zones.json").write_text(json.dumps(_doc()))
    p = tiny_world({"airspace.files": ["zones.json"]})
    air = scenario_airspace(load_scenario(p))
    assert [z.name for z in air.zones] == ["Stadium"]
    plain = load_airspace([tmp_path / "zones.json"], metric_crs=CRS)  # the domain: plain paths
    assert plain.zones == air.zones and plain.crs == air.crs
    assert isinstance(air, Airspace)
    assert air.to_ed269()["features"][0]["name"] == "Stadium"
    assert yaml.safe_dump(air.to_ed269())


def test_typed_zones_are_plain_values_with_located_errors() -> None:
    from lowalt.errors import ScenarioError
    from lowalt.geo.airspace import TypedZone

    circle = TypedZone("c", "prohibited", 0.0, 120.0, center_lonlat=(114.4, 30.5), radius_m=500.0)
    air = load_airspace(zones=[circle], metric_crs=CRS)
    assert air.zones[0].geometry.area == pytest.approx(3.14159 * 500.0**2, rel=0.01)
    line = TypedZone("l", "prohibited", 0.0, 120.0, polygon_lonlat=((114.4, 30.5),) * 3)
    with pytest.raises(ScenarioError) as e:
        load_airspace(zones=[circle, line], metric_crs=CRS, scenario_file="s.yaml")
    assert e.value.file == "s.yaml" and e.value.key_path == "airspace.zones[1].polygon_lonlat"
    with pytest.raises(ValueError, match="restriction 'closed'"):
        TypedZone("x", "closed", 0.0, 120.0, center_lonlat=(114.4, 30.5), radius_m=1.0)
    with pytest.raises(ValueError, match="exactly one"):
        TypedZone("x", "prohibited", 0.0, 120.0)
