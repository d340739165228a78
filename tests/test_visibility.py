"""Tests for lowalt.flight.visibility: hand-checked detours, degeneracies, brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.affinity import translate
from shapely.geometry import LineString, MultiPolygon, Polygon, box

from lowalt.errors import AirspaceError, NoRouteError
from lowalt.flight.visibility import ObstacleSet, cost_field, euclid, shortest_path

SQUARE = box(4, -1, 6, 1)
# L-shaped (concave) obstacle; its crook is the free square [0, 2] x [0, 2]; (2, 2) is reflex
L_SHAPE = Polygon([(2, 0), (3, 0), (3, 3), (0, 3), (0, 2), (2, 2)])


def wind_time(wx: float, wy: float, air_mps: float = 10.0):
    """Flight time (s) of straight legs under a uniform wind (m/s); inf if no headway."""

    def cost(dx, dy):
        dx, dy = np.asarray(dx, float), np.asarray(dy, float)
        length = np.sqrt(dx * dx + dy * dy)
        with np.errstate(invalid="ignore", divide="ignore"):
            ux, uy = dx / length, dy / length
            gs = ux * wx + uy * wy + np.sqrt(np.maximum(air_mps**2 - (ux * wy - uy * wx) ** 2, 0))
            t = np.where(gs > 0, length / gs, np.inf)
        return np.where(length == 0, 0.0, t)

    return cost


def interior_crossed(a, b, geom) -> bool:
    """Exact reference: does the open segment a-b meet the interior of ``geom``?"""
    if np.array_equal(a, b):
        return bool(shapely.contains_xy(geom, *a))
    return LineString([a, b]).relate_pattern(geom, "T********")


# --- straight lines and hand-computed detours ------------------------------------------


def test_no_obstacles_is_a_straight_line_and_pure_numpy():
    obs = ObstacleSet.from_polygons([])
    assert obs.is_empty()
    assert obs.vertices_xy.shape == (0, 2)
    p = shortest_path((1, 2), (4, 6), obs)
    np.testing.assert_allclose(p.waypoints_xy, [[1, 2], [4, 6]])
    assert p.cost == pytest.approx(5.0)
    assert p.length_m == pytest.approx(5.0)
    t = np.random.default_rng(0).uniform(-100, 100, (1000, 2))
    res = cost_field((0, 0), t, obs)
    np.testing.assert_allclose(res.cost, np.hypot(t[:, 0], t[:, 1]))
    assert np.all(res.via_vertex == -1)


def test_square_detour_length_by_hand():
    # (0,0) -> (4,+-1) -> (6,+-1) -> (10,0): 2*sqrt(16 + 1) + 2
    p = shortest_path((0, 0), (10, 0), ObstacleSet.from_polygons([SQUARE]))
    assert p.cost == pytest.approx(2 * math.sqrt(17) + 2, rel=1e-12)
    assert p.length_m == pytest.approx(p.cost)
    wp = p.waypoints_xy
    np.testing.assert_allclose(wp[:, 0], [0, 4, 6, 10])
    np.testing.assert_allclose(np.abs(wp[:, 1]), [0, 1, 1, 0])
    assert wp[1, 1] == wp[2, 1]  # both bends on the same side


def test_targets_on_the_obstacle_boundary():
    obs = ObstacleSet.from_polygons([SQUARE])
    t = np.array([[5, 1], [5, -1], [6, 0], [4, 0], [4, 1]], float)
    res = cost_field((0, 0), t, obs)
    s17 = math.sqrt(17)
    # top/bottom edge midpoints via a near corner, far edge around two corners,
    # near edge and near corner directly
    np.testing.assert_allclose(res.cost, [s17 + 1, s17 + 1, s17 + 2 + 1, 4, s17])
    np.testing.assert_array_equal(res.via_vertex[3:] == -1, [True, True])


def test_concave_l_shape_from_inside_its_crook():
    # west route (1,1)->(0,2)->(0,3)->(4,5) = sqrt2 + 1 + sqrt20 (runs along the edge x=0);
    # the south route sqrt2 + 1 + sqrt26 is longer; the reflex corner (2,2) is no bend point
    obs = ObstacleSet.from_polygons([L_SHAPE])
    assert not np.any(np.all(obs.vertices_xy == [2, 2], axis=1))
    p = shortest_path((1, 1), (4, 5), obs)
    assert p.cost == pytest.approx(math.sqrt(2) + 1 + math.sqrt(20), rel=1e-12)
    np.testing.assert_allclose(p.waypoints_xy, [[1, 1], [0, 2], [0, 3], [4, 5]])
    back = shortest_path((4, 5), (1, 1), obs)  # and into the crook from outside
    assert back.cost == pytest.approx(p.cost)


def test_hole_with_a_reflex_corner_and_an_island():
    ring = Polygon(
        [(0, 0), (10, 0), (10, 10), (0, 10)], [[(2, 2), (8, 2), (8, 4), (4, 4), (4, 8), (2, 8)]]
    )
    obs = ObstacleSet.from_polygons([ring])
    # the hole's corner (4,4) is convex for the obstacle, so the path bends there
    p = shortest_path((7, 3), (3, 7), obs)
    assert p.cost == pytest.approx(2 * math.sqrt(10), rel=1e-12)
    np.testing.assert_allclose(p.waypoints_xy, [[7, 3], [4, 4], [3, 7]])
    assert shortest_path((3, 3), (3, 7.5), obs).cost == pytest.approx(4.5)  # along hole edge
    with pytest.raises(NoRouteError, match="no route"):
        shortest_path((7, 3), (12, 5), obs)  # the hole is enclosed
    res = cost_field((7, 3), [[12, 5], [5, 5], [3, 3]], obs)
    assert np.isinf(res.cost[:2]).all()
    assert res.cost[2] == pytest.approx(4.0)
    # an island obstacle in the hole: (3,4.2) -> (2.5,4.5) -> (2.5,5.5) -> (3,7.5)
    island = ObstacleSet.from_polygons([ring, box(2.5, 4.5, 3.5, 5.5)])
    q = shortest_path((3, 4.2), (3, 7.5), island)
    assert q.cost == pytest.approx(math.hypot(0.5, 0.3) + 1 + math.hypot(0.5, 2.0), rel=1e-12)


def test_target_inside_obstacle():
    obs = ObstacleSet.from_polygons([box(-50, -50, -40, -40), SQUARE])
    res = cost_field((0, 0), [[5, 0], [12, 0]], obs)
    assert np.isinf(res.cost[0])
    assert res.via_vertex[0] == -2
    assert np.isfinite(res.cost[1])
    with pytest.raises(NoRouteError, match=r"end point \(5\.0, 0\.0\) is inside .* #1"):
        shortest_path((0, 0), (5, 0), obs)
    with pytest.raises(NoRouteError, match="has no path"):
        res.path(0)


def test_source_inside_obstacle():
    obs = ObstacleSet.from_polygons([SQUARE])
    with pytest.raises(NoRouteError, match=r"start point \(5\.0, 0\.5\) is inside .* #0"):
        shortest_path((5, 0.5), (10, 0), obs)
    assert np.isinf(cost_field((5, 0.5), [[10, 0], [0, 0]], obs).cost).all()


def test_source_on_obstacle_boundary_is_allowed():
    obs = ObstacleSet.from_polygons([SQUARE])
    assert shortest_path((4, 1), (6, -1), obs).cost == pytest.approx(4.0)  # along two edges
    # (4,0) -> (4,1) -> (6,1) -> (8,0): 1 + 2 + sqrt(5)
    assert shortest_path((4, 0), (8, 0), obs).cost == pytest.approx(3 + math.sqrt(5))


# --- asymmetric cost ----------------------------------------------------------------------


def brute_force(a, b, poly: Polygon, cost_fn) -> tuple[float, list]:
    """Min cost over all vertex sequences whose legs avoid the interior (exact predicates)."""
    verts = [tuple(c) for c in np.asarray(poly.exterior.coords)[:-1]]
    best = (math.inf, [])
    for k in range(len(verts) + 1):
        for seq in itertools.permutations(verts, k):
            pts = [tuple(a), *seq, tuple(b)]
            if any(interior_crossed(p, q, poly) for p, q in itertools.pairwise(pts)):
                continue
            d = np.diff(np.array(pts, float), axis=0)
            c = float(np.sum(cost_fn(d[:, 0], d[:, 1])))
            best = min(best, (c, pts))
    return best


def test_tailwind_changes_the_side_like_brute_force():
    kite = Polygon([(1, 0), (4, -2), (9, 0), (2, 2)])
    obs = ObstacleSet.from_polygons([kite])
    wind = wind_time(6.0, 6.0)  # blowing to the north-east: (0,0)->(2,2) is pure tailwind
    for cost_fn, side in ((euclid, -1), (wind, 1)):
        ref_cost, ref_pts = brute_force((0, 0), (10, 0), kite, cost_fn)
        p = shortest_path((0, 0), (10, 0), obs, cost_fn)
        assert p.cost == pytest.approx(ref_cost, rel=1e-12)
        np.testing.assert_allclose(p.waypoints_xy, ref_pts)
        assert np.sign(p.waypoints_xy[1, 1]) == side
    # Euclid by hand: south sqrt(20) + sqrt(40) beats north sqrt(8) + sqrt(68)
    assert shortest_path((0, 0), (10, 0), obs).cost == pytest.approx(math.sqrt(20) + math.sqrt(40))
    # asymmetric: the way back costs differently and need not mirror the way out
    back = shortest_path((10, 0), (0, 0), obs, wind)
    assert back.cost == pytest.approx(brute_force((10, 0), (0, 0), kite, wind)[0], rel=1e-12)


def test_no_headway_is_infinite_and_raises():
    wind = wind_time(-12.0, 0.0)  # westward wind faster than the drone: east is impossible
    res = cost_field((0, 0), [[-10, 0], [10, 0], [10, 30]], ObstacleSet.from_polygons([]), wind)
    assert np.isfinite(res.cost[0])
    assert np.isinf(res.cost[1:]).all()
    with pytest.raises(NoRouteError, match="infinite cost"):
        shortest_path((0, 0), (10, 0), ObstacleSet.from_polygons([SQUARE]), wind)


# --- cost_field against an independent reference ------------------------------------------


def random_obstacles(rng: np.random.Generator) -> list[Polygon]:
    polys = []
    for cx, cy in [(10, 10), (30, 12), (20, 30), (8, 32)]:  # disjoint discs of radius 7
        n = int(rng.integers(4, 9))
        ang = np.sort(rng.uniform(0, 2 * np.pi, n))
        rad = rng.uniform(2, 7, n)
        polys.append(Polygon(np.c_[cx + rad * np.cos(ang), cy + rad * np.sin(ang)]))
    return polys


def reference_field(source, targets, polys, cost_fn) -> np.ndarray:
    """Full visibility graph over *all* vertices with exact shapely predicates + scipy."""
    union = shapely.union_all(polys)
    nodes = np.vstack([source, *[np.asarray(p.exterior.coords)[:-1] for p in polys]])
    n = len(nodes)
    w = np.zeros((n, n))
    for i, j in itertools.permutations(range(n), 2):
        if not interior_crossed(nodes[i], nodes[j], union):
            d = nodes[j] - nodes[i]
            w[i, j] = float(cost_fn(np.array(d[0]), np.array(d[1])))
    dist = dijkstra(csr_matrix(w), directed=True, indices=0)
    out = np.full(len(targets), np.inf)
    for k, t in enumerate(targets):
        if shapely.contains_xy(union, *t):
            continue
        vis = [i for i in range(n) if not interior_crossed(nodes[i], t, union)]
        d = t - nodes[vis]
        out[k] = np.min(dist[vis] + cost_fn(d[:, 0], d[:, 1]), initial=np.inf)
    return out


@pytest.mark.parametrize(
    ("cost_name", "offset"),
    [("euclid", 0.0), ("wind", 0.0), ("euclid", 3.4e6)],  # offset: EPSG:4547-sized numbers
)
def test_cost_field_matches_reference_and_shortest_path(cost_name, offset):
    rng = np.random.default_rng(42)
    polys = [translate(p, offset, offset) for p in random_obstacles(rng)]
    cost_fn = euclid if cost_name == "euclid" else wind_time(4.0, -3.0)
    obs = ObstacleSet.from_polygons(polys)
    source = np.array([1.0, 21.0]) + offset
    targets = rng.uniform(0, 40, (150, 2)) + offset
    res = cost_field(source, targets, obs, cost_fn)
    ref = reference_field(source, targets, polys, cost_fn)
    np.testing.assert_array_equal(np.isinf(res.cost), np.isinf(ref))
    fin = np.isfinite(ref)
    np.testing.assert_allclose(res.cost[fin], ref[fin], rtol=1e-9)
    assert np.sum(res.via_vertex >= 0) > 20  # plenty of targets need a bend
    for i in np.flatnonzero(fin)[:25]:
        p = shortest_path(source, targets[i], obs, cost_fn)
        assert p.cost == pytest.approx(res.cost[i], rel=1e-12)
        wp = res.path(i)
        np.testing.assert_allclose(wp, p.waypoints_xy)
        d = np.diff(wp, axis=0)
        assert float(np.sum(cost_fn(d[:, 0], d[:, 1]))) == pytest.approx(res.cost[i], rel=1e-9)
        assert not obs.blocked(wp[:-1], wp[1:]).any()


def test_max_cost_skips_far_targets():
    obs = ObstacleSet.from_polygons([SQUARE])
    t = np.array([[10, 0], [2, 0], [40, 0], [0, 30]], float)
    res = cost_field((0, 0), t, obs, max_cost=11.0)
    assert res.cost[0] == pytest.approx(2 * math.sqrt(17) + 2)
    assert res.cost[1] == pytest.approx(2.0)
    assert np.isinf(res.cost[2:]).all()
    assert (res.via_vertex[2:] == -2).all()
    # a detour costlier than max_cost is inf although its direct lower bound is not
    assert np.isinf(cost_field((0, 0), [[10, 0]], obs, max_cost=10.1).cost[0])

    calls = []

    def counting(dx, dy):
        calls.append(np.shape(dx))
        return euclid(dx, dy)

    far = cost_field((0, 0), np.array([[100.0, 0.0], [10.0, 0.0]]), obs, counting, max_cost=50)
    # direct (2 targets), source->vertices, vertex graph, then only the near target x 4 vertices
    assert calls[0] == (2,)
    assert calls[-1] == (1, 4)
    assert np.isinf(far.cost[0])
    calls.clear()
    cost_field((0, 0), np.array([[100.0, 0.0], [0.0, 90.0]]), obs, counting, max_cost=50)
    assert calls == [(2,)]  # no target within the bound: no graph work at all


# --- blocked: degenerate cases --------------------------------------------------------------


def test_blocked_degenerate_cases():
    unit = box(0, 0, 1, 1)
    ring = Polygon([(10, 0), (14, 0), (14, 4), (10, 4)], [[(11, 1), (13, 1), (13, 3), (11, 3)]])
    obs = ObstacleSet.from_polygons([unit, translate(L_SHAPE, 0, 10), ring])
    cases = {
        ((0, 0), (1, 0)): False,  # along an edge
        ((-1, 0), (2, 0)): False,  # along an edge, overshooting both ends
        ((0, 2), (2, 0)): False,  # grazing the vertex (1, 1)
        ((0, 0), (1, 1)): True,  # diagonal of a convex polygon, vertex to vertex
        ((-1, -1), (2, 2)): True,  # through that diagonal
        ((0.5, 0), (0.5, 1)): True,  # boundary point to boundary point through the interior
        ((0.5, -1), (0.5, 0)): False,  # ends on the boundary
        ((0.5, 0.5), (3, 3)): True,  # starts strictly inside
        ((3, 10), (0, 13)): True,  # L: diagonal between two vertices through the interior
        ((2, 10), (0, 12)): False,  # L: vertex to vertex across its free crook
        ((2, 12), (2, 10)): False,  # L: along the edge at the reflex corner
        ((11.5, 1.5), (12.5, 2.5)): False,  # inside the hole
        ((11, 1), (13, 3)): False,  # hole diagonal (free space)
        ((12, 2), (12, 5)): True,  # hole to outside
        ((9, 0), (15, 0)): False,  # along the outer edge
    }
    a = np.array([k[0] for k in cases], float)
    b = np.array([k[1] for k in cases], float)
    np.testing.assert_array_equal(obs.blocked(a, b), list(cases.values()))


def test_touching_and_overlapping_obstacles_merge():
    left, right = box(0, 0, 1, 1), box(1, 0, 2, 1)
    obs = ObstacleSet.from_polygons(MultiPolygon([left, right]))
    assert len(obs.polygons) == 2
    assert obs.blocked([[1, -1]], [[1, 2]])[0]  # shared edge counts as interior
    assert len(obs.vertices_xy) == 4  # (1, 0) and (1, 1) are straight, not bends
    corner = ObstacleSet.from_polygons([box(0, 0, 1, 1), box(1, 1, 2, 2)])
    assert not corner.blocked([[0, 2]], [[2, 0]])[0]  # passes the touching corner point
    assert shortest_path((0, 2), (2, 0), corner).cost == pytest.approx(2 * math.sqrt(2))
    overlap = ObstacleSet.from_polygons([box(0, 0, 2, 2), box(1, 1, 3, 3)])
    assert not np.any(overlap.inside(overlap.vertices_xy))  # no bend point inside another


def test_blocked_matches_exact_predicates_on_random_segments():
    rng = np.random.default_rng(3)
    polys = [*random_obstacles(rng), L_SHAPE]
    obs = ObstacleSet.from_polygons(polys)
    union = shapely.union_all(polys)
    verts = np.vstack([np.asarray(p.exterior.coords)[:-1] for p in polys])
    pts = np.vstack([verts, rng.uniform(0, 40, (60, 2))])
    i, j = np.triu_indices(len(pts), 1)
    got = obs.blocked(pts[i], pts[j])
    want = [interior_crossed(pts[a], pts[b], union) for a, b in zip(i, j, strict=True)]
    np.testing.assert_array_equal(got, want)


def test_visibility_matrix_is_cached_and_symmetric():
    obs = ObstacleSet.from_polygons(random_obstacles(np.random.default_rng(1)))
    vis = obs.visibility
    assert obs.visibility is vis
    assert np.array_equal(vis, vis.T)
    assert not vis.diagonal().any()
    v = obs.vertices_xy
    i, j = np.nonzero(np.triu(np.ones_like(vis), 1))
    np.testing.assert_array_equal(vis[i, j], ~obs.blocked(v[i], v[j]))


# --- construction ----------------------------------------------------------------------------


def test_clearance_is_a_mitred_superset_of_the_round_buffer():
    obs = ObstacleSet.from_polygons([SQUARE], clearance_m=0.5)
    assert obs.polygons[0].covers(SQUARE.buffer(0.5, quad_segs=64))
    np.testing.assert_allclose(obs.polygons[0].bounds, (3.5, -1.5, 6.5, 1.5))
    p = shortest_path((0, 0), (10, 0), obs)
    assert p.cost == pytest.approx(2 * math.hypot(3.5, 1.5) + 3)


@pytest.mark.parametrize(
    ("geoms", "kwargs", "match"),
    [
        ([LineString([(0, 0), (1, 1)])], {}, "LineString, not a polygon"),
        ([Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])], {}, "#0 is invalid"),
        ([SQUARE], {"clearance_m": -1.0}, "clearance_m"),
    ],
)
def test_bad_obstacles_raise_airspace_error(geoms, kwargs, match):
    with pytest.raises(AirspaceError, match=match):
        ObstacleSet.from_polygons(geoms, **kwargs)
