"""Network checks: airspace findings, pairwise conflicts, CP-SAT layers, the 24-route file."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box

from lowalt.flight.routing import load_zones, plan_route
from lowalt.geo.airspace import Zone
from lowalt.network.checks import (
    NetworkRoute,
    assign_layers,
    check_against_airspace,
    load_routes,
    network_stats,
    pairwise_conflicts,
)

REPO = Path(__file__).resolve().parents[1]
ROUTES = REPO / "geodata" / "routes.geojson"


def route(
    rid: str, coords: list[tuple[float, float]], lo: float = 60, hi: float = 90
) -> NetworkRoute:
    return NetworkRoute(rid, LineString(coords), lo, hi, 50.0)


def test_crossing_routes_in_the_same_band_conflict() -> None:
    a = route("a", [(0, 0), (1000, 0)])
    b = route("b", [(500, -500), (500, 500)])
    (c,) = pairwise_conflicts([a, b])
    assert (c.a, c.b, c.tracks_cross) == ("a", "b", True)
    assert c.overlap_area_m2 == pytest.approx(100.0 * 100.0)
    assert c.vertical_overlap_m == pytest.approx(30.0)


def test_separated_bands_do_not_conflict() -> None:
    a = route("a", [(0, 0), (1000, 0)], 60, 90)
    b = route("b", [(500, -500), (500, 500)], 90, 120)  # touching bands are separated
    assert pairwise_conflicts([a, b]) == ()
    assert len(pairwise_conflicts([a, b], ignore_altitude=True)) == 1
    far = route("c", [(0, 5000), (1000, 5000)])
    assert pairwise_conflicts([a, far]) == ()


def test_terminal_radius_ignores_a_shared_port() -> None:
    a = route("a", [(0, 0), (1000, 0)])
    b = route("b", [(0, 0), (0, 1000)])
    assert len(pairwise_conflicts([a, b])) == 1
    assert pairwise_conflicts([a, b], terminal_radius_m=200.0) == ()


def test_layers_triangle_needs_three_path_needs_two() -> None:
    rs = [route(k, [(0, i * 1000), (10, i * 1000)]) for i, k in enumerate("abc")]
    tri = assign_layers(rs, [("a", "b"), ("b", "c"), ("a", "c")], layer_height_m=30,
                        band_min_m=60, band_max_m=180)  # fmt: skip
    assert tri.n_layers == 3 and tri.status == "OPTIMAL" and tri.layers_lower_bound == 3
    assert len(set(tri.layers.values())) == 3
    path = assign_layers(rs, [("a", "b"), ("b", "c")], layer_height_m=30, band_min_m=60,
                         band_max_m=180)  # fmt: skip
    assert path.n_layers == 2 and path.status == "OPTIMAL"
    assert path.layers["a"] != path.layers["b"] != path.layers["c"]
    assert path.displacement_m == pytest.approx(30.0)  # all prefer 60-90; one moves up
    lo, hi = path.bands["b"]
    assert hi - lo == 30.0 and lo >= 60.0 and path.wall_time_s >= 0
    from lowalt.errors import InfeasibleError

    with pytest.raises(InfeasibleError, match="more than the 2 layers"):
        assign_layers(rs, [("a", "b"), ("b", "c"), ("a", "c")], layer_height_m=30,
                      band_min_m=60, band_max_m=120)  # fmt: skip


def _chromatic(n: int, edges: list[tuple[int, int]]) -> int:
    for k in range(1, n + 1):
        for col in itertools.product(range(k), repeat=n):
            if all(col[i] != col[j] for i, j in edges):
                return k
    return n


def test_layer_count_matches_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(8):
        n = rng.randint(3, 7)
        edges = [e for e in itertools.combinations(range(n), 2) if rng.random() < 0.5]
        rs = [route(f"r{i}", [(0, i * 1000), (10, i * 1000)]) for i in range(n)]
        res = assign_layers(rs, [(f"r{i}", f"r{j}") for i, j in edges], layer_height_m=20,
                            band_min_m=0, band_max_m=200)  # fmt: skip
        assert res.status == "OPTIMAL"
        assert res.n_layers == _chromatic(n, edges)
        assert all(res.layers[f"r{i}"] != res.layers[f"r{j}"] for i, j in edges)


def test_airspace_check_reports_where_and_how_much() -> None:
    z = Zone("Z", "prohibited", 0.0, 150.0, box(1000, -1000, 3000, 1000))
    r = route("a", [(0, 0), (4000, 0)], 100, 130)
    (f,) = check_against_airspace([r], [z])
    c = f.crossing
    assert c.inside_length_m == pytest.approx(2000.0)
    assert c.entry_along_m == pytest.approx(1000.0)
    assert c.penetration_m == pytest.approx(1000.0)
    assert c.vertical_overlap_m == pytest.approx(30.0) and f.conflict
    above = route("b", [(0, 0), (4000, 0)], 200, 230)
    (g,) = check_against_airspace([above], [z])
    assert g.crossing.vertical_overlap_m == pytest.approx(-50.0) and not g.conflict
    side = route("c", [(0, 1030), (4000, 1030)])
    (h,) = check_against_airspace([side], [z])
    assert h.crossing.inside_length_m == 0 and h.crossing.corridor_intrusion_m == pytest.approx(20)


def test_route_file_counts_and_labels() -> None:
    raw = json.loads(ROUTES.read_text(encoding="utf-8"))
    props = [f["properties"] for f in raw["features"]]
    assert len(props) == 24
    types = sorted(p["type"] for p in props)
    assert (types.count("passenger"), types.count("cargo"), types.count("monitoring")) == (8, 15, 1)
    status = [p["status"] for p in props]
    assert (status.count("open"), status.count("in_progress")) == (15, 9)
    for p in props:
        assert p["provenance"] in {"confirmed", "derived", "modeled"}
        assert p["source"].strip() and "UNCONFIRMED" in p["source"]
        assert p["lower_m"] < p["upper_m"] and p["corridor_half_width_m"] > 0
        assert p["route_basis"] in {"confirmed", "modeled"}
    gdf = gpd.read_file(ROUTES)
    assert gdf.crs.to_epsg() == 4326 and (gdf.geom_type == "LineString").all()
    assert gdf["id"].is_unique and gdf.geometry.is_valid.all()
    rs = load_routes(ROUTES)
    stats = network_stats(rs)
    assert stats["by_type"] == {"passenger": 8, "cargo": 15, "monitoring": 1}
    assert stats["by_status"] == {"open": 15, "in_progress": 9}
    assert stats["total_length_km"] > 100


def test_route_file_build_is_reproducible(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_routes.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "routes.geojson").read_bytes() == ROUTES.read_bytes()


def test_planned_route_joins_the_network() -> None:
    zones = load_zones(REPO / "geodata" / "airspace.geojson")
    r = plan_route((114.268, 30.585), (114.334, 30.535), "sf_ark40", zones)
    nr = NetworkRoute.from_route(r, id="wushang", type="cargo")
    assert (nr.lower_m, nr.upper_m) == (285.0, 315.0)
    assert nr.length_m == pytest.approx(r.length_m)


def test_no_routes_in_the_layered_band_is_no_conflict() -> None:
    """A band above every route leaves nothing to layer: no pairs, not a shapely TypeError
    on an empty STRtree query (found by an exploring run of the schema property tests)."""
    from lowalt.network.checks import pairwise_conflicts

    assert pairwise_conflicts([]) == ()
    assert pairwise_conflicts([], ignore_altitude=True) == ()
