import numpy as np
import pytest
from shapely.geometry import box

from lowalt.geo.docks import distribute_drones, modeled_layout
from lowalt.geo.grid import GridTooLargeError, apply_weights, build_grid


def test_grid_cells_are_aligned_and_counted_by_centre() -> None:
    g = build_grid(box(-50, -50, 950, 450), 100.0, "EPSG:4547")
    assert g.n == 10 * 5
    assert set(np.unique(g.xy[:, 0])) == {float(x) for x in range(0, 1000, 100)}
    assert g.cell_area_km2 == pytest.approx(0.01)
    r = g.to_raster(np.arange(g.n))
    assert r.shape == (g.ny, g.nx) and np.nansum(r) == sum(range(g.n))


def test_grid_water_marked_or_dropped() -> None:
    area, water = box(-50, -50, 950, 450), box(450, -100, 1000, 500)
    assert build_grid(area, 100.0, "EPSG:4547", water_m=water).on_water.sum() == 25
    assert build_grid(area, 100.0, "EPSG:4547", water_m=water, include_water=False).n == 25


def test_grid_guard_refuses_before_allocating() -> None:
    with pytest.raises(GridTooLargeError) as e:
        build_grid(box(0, 0, 100_000, 100_000), 1.0, "EPSG:4547", max_cells=1000)
    assert e.value.estimate == 10_000_000_000
    assert e.value.suggestion_m > 3000


def test_weights_from_polygons() -> None:
    g = build_grid(box(-50, -50, 950, 450), 100.0, "EPSG:4547")
    w = apply_weights(g, np.array([box(-50, -50, 450, 450)], dtype=object), [4.0])
    assert w.weight.sum() == pytest.approx(25 * 4 + 25)
    with pytest.raises(ValueError, match="weights"):
        apply_weights(g, np.array([box(0, 0, 1, 1)], dtype=object), [-1.0])


def test_modeled_layout_exact_count_on_allowed_cells_deterministic() -> None:
    g = build_grid(box(0, 0, 20_000, 10_000), 100.0, "EPSG:4547")
    allowed = g.xy[:, 0] < 15_000  # the east quarter is "water"
    a = modeled_layout(g, 17, allowed=allowed, drones_total=25)
    b = modeled_layout(g, 17, allowed=allowed, drones_total=25)
    assert a.n == 17 and len({tuple(p) for p in a.xy}) == 17
    assert np.all(a.xy[:, 0] < 15_000)
    assert a.drones.sum() == 25 and a.drones.min() == 1
    np.testing.assert_array_equal(a.xy, b.xy)
    assert set(a.provenance) == {"modeled"}


def test_modeled_layout_spreads_evenly() -> None:
    g = build_grid(box(0, 0, 20_000, 20_000), 100.0, "EPSG:4547")
    d = modeled_layout(g, 16, allowed=np.ones(g.n, dtype=bool))
    from scipy.spatial import cKDTree

    nearest, _ = cKDTree(d.xy).query(g.xy)
    # 16 docks on 400 km²: the best possible layout (4 x 4 square lattice) leaves 3.54 km to the
    # nearest dock; the centroidal layout must stay within 20 % of that, the raw lattice does not.
    assert nearest.max() < 1.2 * 3536
    raw = modeled_layout(g, 16, allowed=np.ones(g.n, dtype=bool), lloyd_iterations=0)
    assert cKDTree(raw.xy).query(g.xy)[0].max() > nearest.max()


def test_modeled_layout_too_many_docks() -> None:
    g = build_grid(box(0, 0, 500, 500), 100.0, "EPSG:4547")
    with pytest.raises(ValueError, match="fewer than"):
        modeled_layout(g, 100, allowed=np.ones(g.n, dtype=bool))


def test_distribute_drones() -> None:
    np.testing.assert_array_equal(distribute_drones([5, 9, 9, 1], 6), [1, 2, 2, 1])
    np.testing.assert_array_equal(distribute_drones([1, 2], 5), [2, 3])
    with pytest.raises(ValueError, match="cannot fill"):
        distribute_drones([1, 2, 3], 2)


def test_given_docks_take_plain_sites_and_name_the_key() -> None:
    from lowalt.errors import ScenarioError
    from lowalt.geo.crs import WGS84, transformer
    from lowalt.geo.docks import load_docks

    x, y = transformer(WGS84, "EPSG:4547").transform(114.4, 30.5)
    area = box(x - 5000, y - 5000, x + 5000, y + 5000)
    warnings: list[str] = []
    plain = {"metric_crs": "EPSG:4547", "area_m": area, "water_m": None, "warnings": warnings}
    docks = load_docks(sites=[("a", 114.4, 30.5, 2)], unservable_geoms=[], **plain)
    assert docks.names == ("a",) and docks.drones.tolist() == [2]
    assert np.allclose(docks.xy, [[x, y]]) and docks.source == ("typed into the scenario",)
    with pytest.raises(ScenarioError) as e:
        load_docks(
            sites=[("a", 114.4, 30.5, 1), ("far", 116.4, 30.5, 1)],
            unservable_geoms=[],
            scenario_file="s.yaml",
            key_path="docks.sites",
            **plain,
        )
    assert str(e.value).startswith("s.yaml: docks.sites[1]: dock 'far' lies more than 100 km")
    with pytest.raises(ValueError, match="exactly one of 'sites' and 'file'"):
        load_docks(unservable_geoms=[], **plain)
