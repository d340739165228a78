"""Open the maps of the shipped Optics Valley scenarios (full 518 km² grid) in Chromium.

The reach scenario runs as shipped; the placement and availability scenarios are cut down
(short time limits, fewer questions, 30 days) so the test takes seconds, not minutes. Uses the
browser fixtures of :mod:`tests.test_browser` (skipped without Chromium/playwright).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.test_browser import (  # noqa: F401  (fixtures)
    REPO,
    Session,
    _run,
    _shipped,
    browser,
    pytestmark,
    session,
)


def _check(session: Session, html: Path, prefixes: tuple[str, ...], shot: str) -> None:  # noqa: F811
    session.open(html)
    session.screenshot(shot, html.parent)
    names = [n.strip() for n in session.overlays()]
    for prefix in prefixes:
        assert any(n.startswith(prefix) for n in names), (prefix, names)
    assert session.paths() > 100  # docks, zone, lakes, airspace drawn
    session.clean()


def test_default_scenario_map(session: Session, tmp_path: Path) -> None:  # noqa: F811
    out = _run(REPO / "scenarios" / "optics_valley_grid.yaml", tmp_path)
    _check(
        session,
        out / "optics_valley_grid.html",
        ("Response time: Calm air", "Docks (128, 186 drones)", "Zone boundary", "Lakes"),
        "shipped_optics_valley_grid",
    )


def test_placement_scenario_map(session: Session, tmp_path: Path) -> None:  # noqa: F811
    def cut(doc: dict[str, Any]) -> None:
        doc["wind"]["directions"] = 4
        doc["optimize"].update(
            {
                "min_docks": True,
                "best_worst_case_k": None,
                "backup_k": None,
                "drones": None,
                "tradeoff_k": [],
                "time_limit_s": 5,
                "candidate_spacing_m": 1000,
                "demand_spacing_m": 400,
            }
        )

    scenario = _shipped("optics_valley_placement.yaml", tmp_path, cut)
    out = _run(scenario, tmp_path / "out")
    _check(
        session,
        out / "optics_valley_placement_placement.html",
        ("Optimized: min_docks_calm", "Docks (128, 186 drones)"),
        "shipped_optics_valley_placement",
    )


def test_availability_scenario_map(session: Session, tmp_path: Path) -> None:  # noqa: F811
    def cut(doc: dict[str, Any]) -> None:
        doc["wind"]["directions"] = 4
        doc["availability"].update(
            {"days": 30, "reliability_targets": [0.9], "allocation_time_limit_s": 2}
        )

    scenario = _shipped("optics_valley_availability.yaml", tmp_path, cut)
    out = _run(scenario, tmp_path / "out")
    _check(
        session,
        out / "optics_valley_under_load_availability.html",
        (
            "P(response within 5 min): 186 drones today",
            "P(response within 5 min): design-wind days",
            "Simulated share within 5 min per 1000 m block",
            "Drones for 90 % of calls",
        ),
        "shipped_optics_valley_availability",
    )
