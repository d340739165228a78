"""Every scenario shipped in scenarios/ validates (files exist, geodata loads, inputs check)."""

import pytest

from lowalt.cli import main

from .conftest import REPO

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))


def test_there_are_scenarios() -> None:
    names = {p.name for p in SCENARIOS}
    assert {"optics_valley_grid.yaml", "optics_valley_placement.yaml",
            "hankou_north_huahu_corridor.yaml", "pilot_routes.yaml"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_validates(path, capsys) -> None:
    assert main(["validate", str(path)]) == 0
    assert "valid" in capsys.readouterr().out
