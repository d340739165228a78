"""Aircraft profiles: catalogue values, validation, overrides."""

from __future__ import annotations

import pytest

from lowalt.errors import ScenarioError
from lowalt.flight.profiles import (
    CATEGORIES,
    PROFILES,
    AircraftProfile,
    resolve_profile,
    with_overrides,
)

BRIEF_IDS = {
    "dock_multirotor", "hkn_light_logistics", "sf_ark40", "v2000cg", "eh216s",
    "cargo5t_fast", "cargo5t_slow", "ec135_sightseeing",
}  # fmt: skip


def test_catalogue_has_the_brief_profiles_labelled() -> None:
    assert set(PROFILES) >= BRIEF_IDS
    for key, p in PROFILES.items():
        assert p.id == key
        assert p.category in CATEGORIES
        assert p.provenance in {"confirmed", "derived", "modeled"}
        assert p.source
        assert p.min_altitude_m <= p.cruise_altitude_m <= p.max_altitude_m
        for name, src in p.field_sources.items():
            assert hasattr(p, name), (key, name)
            assert src.startswith(("[C]", "[D]", "[E]")), (key, name)


def test_confirmed_numbers_from_the_facts_file() -> None:
    assert PROFILES["hkn_light_logistics"].payload_kg == 30.0
    assert PROFILES["hkn_light_logistics"].range_m == 28_000.0
    assert PROFILES["sf_ark40"].range_m == 15_000.0
    v = PROFILES["v2000cg"]
    assert (v.payload_kg, v.range_m, v.mtow_kg) == (400.0, 200_000.0, 2000.0)
    assert v.cruise_speed_mps == pytest.approx(200 / 3.6)
    e = PROFILES["eh216s"]
    assert e.cruise_speed_mps == pytest.approx(25.0)
    assert (e.range_m, e.endurance_s) == (30_000.0, 1500.0)
    fast, slow = PROFILES["cargo5t_fast"], PROFILES["cargo5t_slow"]
    assert fast.payload_kg == 5000.0 and fast.cruise_speed_mps == pytest.approx(526 / 3.6)
    assert slow.mtow_kg == 5250.0 and slow.cruise_speed_mps == pytest.approx(50.0)
    assert fast.needs_runway and slow.needs_runway
    assert fast.climb_mode == "along_track"
    assert PROFILES["dock_multirotor"].climb_mode == "vertical"
    assert PROFILES["dock_multirotor"].max_altitude_m == 120.0
    assert PROFILES["ec135_sightseeing"].max_altitude_m == 300.0


def test_overrides_validate_and_label() -> None:
    p = with_overrides(PROFILES["v2000cg"], {"cruise_speed_mps": 50.0})
    assert p.cruise_speed_mps == 50.0
    assert p.field_sources["cruise_speed_mps"] == "scenario override"
    assert PROFILES["v2000cg"].cruise_speed_mps == pytest.approx(200 / 3.6)
    with pytest.raises(ScenarioError, match="unknown aircraft profile field"):
        with_overrides(p, {"cruise_sped": 1.0})
    with pytest.raises(ScenarioError, match="cruise_speed_mps"):
        with_overrides(p, {"cruise_speed_mps": -3})
    with pytest.raises(ScenarioError, match="cruise_altitude_m"):
        with_overrides(p, {"cruise_altitude_m": 5000.0})
    with pytest.raises(ScenarioError, match="finite number"):
        with_overrides(p, {"range_m": "far"})


def test_resolve_profile() -> None:
    assert resolve_profile("eh216s") is PROFILES["eh216s"]
    p = resolve_profile({"base": "sf_ark40", "range_m": 20_000.0})
    assert p.range_m == 20_000.0 and p.id == "sf_ark40"
    with pytest.raises(ScenarioError, match="unknown aircraft profile 'nope'"):
        resolve_profile("nope")
    with pytest.raises(ScenarioError, match="base"):
        resolve_profile({"range_m": 1.0})


def test_constructor_rejects_bad_category() -> None:
    base = PROFILES["dock_multirotor"]
    with pytest.raises(ScenarioError, match="category"):
        AircraftProfile(**{**base.__dict__, "category": "balloon"})
