"""Shared fixtures: tiny worlds near Optics Valley whose answers can be worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

from lowalt.crs import DEFAULT_METRIC_CRS, WGS84, transformer

# Property tests draw the same examples on every run: CI stays deterministic.
settings.register_profile("lowalt", derandomize=True)
settings.load_profile("lowalt")

REPO = Path(__file__).resolve().parent.parent

# A metric origin near Optics Valley Square, snapped to the 100 m grid.
_X0, _Y0 = transformer(WGS84, DEFAULT_METRIC_CRS).transform(114.40, 30.50)
X0, Y0 = round(_X0 / 100) * 100, round(_Y0 / 100) * 100


def metric_to_lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = transformer(DEFAULT_METRIC_CRS, WGS84).transform(X0 + x, Y0 + y)
    return round(lon, 9), round(lat, 9)


def square_feature(x0: float, y0: float, x1: float, y1: float, **props: Any) -> dict[str, Any]:
    """A GeoJSON polygon feature for a box given in metres from the origin."""
    ring = [metric_to_lonlat(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def write_fc(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


TINY_OPTIMIZE: dict[str, Any] = {
    "candidate_spacing_m": 300,
    "demand_spacing_m": 200,
    "min_docks": True,
    "best_worst_case_k": 2,
    "backup_k": 4,
    "drones": {"total": 3, "busy_probability": 0.2, "max_per_dock": 3},
    "tradeoff_k": [1, 2],
    "time_limit_s": 20,
}
"""An optimize section that asks every placement question of the tiny world."""


def tiny_scenario(folder: Path, overrides: dict[str, Any] | None = None,
                  name: str = "tiny.yaml") -> Path:
    """Write the tiny world into ``folder``: a 2.1 x 2.1 km square, one dock at its centre.

    ``overrides`` maps dotted keys (``"guarantee.target_s"``) to values (``_DELETE``
    removes the key). Returns the scenario path.
    """
    folder.mkdir(parents=True, exist_ok=True)
    write_fc(
        folder / "zone.geojson",
        [
            square_feature(
                -1050, -1050, 1050, 1050, name="tiny", provenance="modeled", source="test"
            )
        ],
    )
    dock_lon, dock_lat = metric_to_lonlat(0, 0)
    doc: dict[str, Any] = {
        "name": "tiny",
        "area": {"boundary_file": "zone.geojson"},
        "aircraft": {
            "cruise_speed_mps": 10,
            "climb_rate_mps": 5,
            "descent_rate_mps": 5,
            "launch_delay_s": 10,
            "cruise_altitude_m": 50,
        },
        "docks": {
            "layout": "listed",
            "sites": [{"name": "centre", "lat": dock_lat, "lon": dock_lon, "drones": 2}],
        },
        "demand": {"grid_spacing_m": 100},
        "guarantee": {"target_s": 300},
        "wind": {"design_speed_mps": 5, "directions": 8},
    }
    for key, value in (overrides or {}).items():
        node = doc
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        if value is _DELETE:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    path = folder / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@pytest.fixture
def tiny_world(tmp_path: Path):
    """The tiny world (``tiny_scenario``) in ``tmp_path``.

    Returns a function that writes a scenario with dotted-key overrides and returns its path.
    """

    def make(overrides: dict[str, Any] | None = None, name: str = "tiny.yaml") -> Path:
        return tiny_scenario(tmp_path, overrides, name)

    return make


class _Delete:
    pass


_DELETE = _Delete()


@pytest.fixture
def delete() -> _Delete:
    return _DELETE
