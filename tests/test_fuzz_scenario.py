"""Fuzz the scenario loader: whatever the file holds, lowalt answers with exit 0 or 2 and one
message, never a traceback."""

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lowalt.cli import main

from .conftest import REPO

KEYS = [
    "name",
    "area",
    "boundary_file",
    "aircraft",
    "cruise_speed_mps",
    "docks",
    "layout",
    "sites",
    "lat",
    "lon",
    "guarantee",
    "target_s",
    "wind",
    "design_speed_mps",
    "demand",
    "grid_spacing_m",
    "airspace",
    "zones",
    "polygon_lonlat",
    "circle",
    "radius_m",
    "optimize",
    "corridor",
    "network",
    "bogus",
    "metric_crs",
    "schema_version",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        ["EPSG:4547", "modeled", "listed", "zone.geojson", "../geodata/east_lake_zone.geojson"]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=20,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=st.dictionaries(st.sampled_from(KEYS), values, max_size=8))
def test_any_document_is_valid_or_one_clean_error(doc, tmp_path_factory, capsys) -> None:
    d: Path = tmp_path_factory.mktemp("fuzz")
    (d / "zone.geojson").write_text((REPO / "geodata" / "east_lake_zone.geojson").read_text())
    p = d / "s.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True))
    code = main(["validate", str(p)])
    err = capsys.readouterr().err
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 2:
        lines = [ln for ln in err.splitlines() if ln.startswith("lowalt: error:")]
        assert len(lines) == 1, err


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_any_text_is_valid_or_one_clean_error(text, tmp_path_factory, capsys) -> None:
    p = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    p.write_text(text)
    code = main(["validate", str(p)])
    err = capsys.readouterr().err
    assert code in (0, 2)
    assert "Traceback" not in err
