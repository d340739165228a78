"""Open the availability map in headless Chromium: layers, toggles, escaping, no errors.

Uses the browser fixtures of :mod:`tests.test_browser` (skipped without Chromium/playwright).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import metric_to_lonlat
from tests.test_browser import (  # noqa: F401  (fixtures)
    EVIL,
    Session,
    _run,
    browser,
    pytestmark,
    session,
)


def test_availability_map(
    session: Session,  # noqa: F811
    tiny_world: Callable[..., Path],
    tmp_path: Path,
) -> None:
    lon, lat = metric_to_lonlat(0, 0)
    scenario = tiny_world(
        {
            "name": f"tiny {EVIL}",
            "docks.sites": [{"name": EVIL, "lat": lat, "lon": lon, "drones": 2}],
            "availability": {
                "days": 20,
                "calls_per_day": 30,
                "reliability_targets": [0.5],
                "allocation_time_limit_s": 5,
                "map_block_m": 500,
            },
        }
    )
    html = _run(scenario, tmp_path / "out") / "tiny_availability.html"
    session.open(html)
    session.screenshot("availability_tiny", tmp_path)
    names = [n.strip() for n in session.overlays()]
    for prefix in (
        "P(response within 5 min): 2 drones today",
        "P(response within 5 min): design-wind days",
        "Simulated share within 5 min per 500 m block",
        "Drones for 50 % of calls",
        "Docks (1, 2 drones)",
        "Response time: Calm air",
    ):
        assert any(n.startswith(prefix) for n in names), (prefix, names)
    assert "P(drone on scene within 5 min)" in session.page.locator("body").inner_text()

    before = session.paths()
    session.toggle("Simulated share within 5 min")
    blocks = session.paths() - before
    assert blocks >= 4  # 2.1 km box in 500 m blocks: up to 25 with calls
    session.toggle("Drones for 50 % of calls")
    assert session.paths() == before + blocks + 1
    session.toggle("Drones for 50 % of calls")
    session.toggle("Simulated share within 5 min")
    assert session.paths() == before

    session.toggle("Drones for 50 % of calls")
    assert session.open_all() > 0  # every popup/tooltip, no element made from data text
    session.assert_literal(f"tiny {EVIL}")
    session.clean()
