"""Shared fixtures: tiny worlds near Optics Valley whose answers can be worked out by hand."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import shutil
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml
from hypothesis import settings

from lowalt.geo.crs import DEFAULT_METRIC_CRS, WGS84, transformer

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
"""The shared OR-Library / Swain 55 data folder CI uses when it exists (``../shared``)."""

# Hypothesis profiles. ``lowalt`` (the default, for local runs): the same examples on every
# run. ``explore`` (``LOWALT_HYPOTHESIS_PROFILE=explore``, what ``.ci/run`` uses): new examples
# each run, drawn from the seed ``LOWALT_HYPOTHESIS_SEED`` (a fresh random one when unset). The
# seed is printed in the pytest header and again after failures, so a run can be replayed. No
# profile keeps an example database (nothing is written into the repository).
settings.register_profile("lowalt", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False, database=None)
HYPOTHESIS_PROFILE = os.environ.get("LOWALT_HYPOTHESIS_PROFILE", "lowalt")
settings.load_profile(HYPOTHESIS_PROFILE)
HYPOTHESIS_SEED: int | None = None
if HYPOTHESIS_PROFILE == "explore":
    HYPOTHESIS_SEED = int(os.environ.get("LOWALT_HYPOTHESIS_SEED") or random.randrange(2**32))


def _replay_hint() -> str:
    if HYPOTHESIS_SEED is None:
        return f"hypothesis profile {HYPOTHESIS_PROFILE!r} (derandomized: same examples every run)"
    return (
        f"hypothesis profile 'explore', seed {HYPOTHESIS_SEED}; replay with "
        f"LOWALT_HYPOTHESIS_PROFILE=explore LOWALT_HYPOTHESIS_SEED={HYPOTHESIS_SEED}"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Hand the exploring profile's seed to Hypothesis (its ``--hypothesis-seed`` option)."""
    if HYPOTHESIS_SEED is not None and config.getoption("hypothesis_seed", None) is None:
        config.option.hypothesis_seed = str(HYPOTHESIS_SEED)


def pytest_report_header(config: pytest.Config) -> str:
    """Name the Hypothesis profile and seed at the top of every run."""
    return "lowalt: " + _replay_hint()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Repeat the seed after a failed run, next to the failures."""
    if exitstatus != 0:
        terminalreporter.write_line("lowalt: " + _replay_hint())


def under_ci() -> bool:
    """Whether this run is CI (``CI=true``), where a missing requirement fails, not skips."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the test locally; under ``CI=true`` fail it: CI must not go green by skipping."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: this test must run, not skip)", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    """The Chromium executable on ``PATH`` (``chromium`` or ``chromium-browser``), or ``None``."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """Chromium's path for browser tests; skip (fail under ``CI=true``) without it/playwright."""
    exe = find_chromium()
    if exe is None:
        skip_or_fail("needs chromium on PATH (chromium or chromium-browser)")
    if importlib.util.find_spec("playwright") is None:
        skip_or_fail("needs the playwright package")
    return exe


def shared_data_file(env: str, name: str) -> Path:
    """``$env/name``; skip when absent, but fail under ``CI=true`` when ``../shared`` exists.

    CI (``.ci/run``) exports ``env`` pointing into ``../shared`` when that folder holds the data;
    a run that has the shared folder yet cannot find the file would otherwise go green silently.
    """
    root = os.environ.get(env)
    path = Path(root) / name if root else None
    if path is None or not path.is_file():
        reason = f"{name} not found (set {env})"
        if under_ci() and SHARED.is_dir():
            pytest.fail(f"{reason}; {SHARED} exists, so CI must use it", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the Chromium executable (skips locally, fails under ``CI=true``, when absent)."""
    return require_chromium()

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
