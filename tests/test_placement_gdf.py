"""The GeoDataFrame adapter: real CRS handling, hand-checkable answers, clear errors."""

from __future__ import annotations

import doctest

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

import lowalt.optimize.placement_gdf as pg
from lowalt.flight.aircraft import Aircraft
from lowalt.optimize.placement_gdf import place, response_matrix

from .conftest import metric_to_lonlat

AC = Aircraft("test", 10.0, 5.0, 5.0, 10.0, 50.0)  # overhead 30 s: 300 s reach 2,700 m


def _pts(xy: list[tuple[float, float]], **cols: list) -> gpd.GeoDataFrame:
    """Points given in metres from the test origin, as lon/lat."""
    return gpd.GeoDataFrame(
        cols, geometry=[Point(*metric_to_lonlat(x, y)) for x, y in xy], crs=4326
    )


def test_module_example_runs() -> None:
    assert doctest.testmod(pg).failed == 0


def test_lscp_and_pcenter_on_a_line() -> None:
    demand = _pts([(0, 0), (4000, 0), (8000, 0)])
    sites = _pts([(0, 0), (2000, 0), (4000, 0), (6000, 0), (8000, 0)], name=list("abcde"))
    res, chosen = place(demand, sites, "lscp", aircraft=AC, target_s=300)
    # No site is within 2,700 m of all three points; b (or d) reaches two of them at 2 km.
    assert res.is_optimal and res.objective == 2
    assert len(chosen) == 2 and set(chosen["name"]) & {"b", "d"}
    res, chosen = place(demand, sites, "pcenter", aircraft=AC, k=1)
    assert list(chosen["name"]) == ["c"]  # the middle site: 4 km to each end
    assert res.objective == pytest.approx(30 + 4000 / 10, abs=0.5)
    assert chosen.crs == sites.crs and chosen["status"].iloc[0] == "optimal"


def test_weights_drive_mclp() -> None:
    demand = _pts([(0, 0), (8000, 0)], w=[1.0, 5.0])
    sites = _pts([(0, 0), (8000, 0)], name=["west", "east"])
    res, chosen = place(demand, sites, "mclp", aircraft=AC, target_s=300, k=1, weight_column="w")
    assert list(chosen["name"]) == ["east"] and res.objective == 5


def test_projected_input_and_polygons_at_centroids() -> None:
    demand = _pts([(0, 0), (500, 0)]).to_crs("EPSG:4547")
    demand.geometry = demand.geometry.buffer(50)  # polygons: counted at their centroids
    sites = _pts([(250, 0)])
    m = response_matrix(demand, sites, AC, max_time_s=300)
    assert m.shape == (1, 2) and m.nnz == 2
    assert m.toarray()[0] == pytest.approx([30 + 25.0, 30 + 25.0], abs=0.1)


def test_no_fly_polygons_are_flown_around_and_unservable() -> None:
    demand = _pts([(2000, 0), (0, 0)])
    sites = _pts([(-2000, 0)])
    wall = gpd.GeoDataFrame(
        geometry=[box(*metric_to_lonlat(-500, -300), *metric_to_lonlat(500, 300))], crs=4326
    )
    free = response_matrix(demand, sites, AC, max_time_s=10_000).toarray()[0]
    around = response_matrix(demand, sites, AC, max_time_s=10_000, no_fly=wall).toarray()[0]
    assert around[0] > free[0] + 1  # the detour costs time
    assert around[1] == 0  # the second point is inside the zone: not servable (absent)


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"model": "nearest"}, ValueError, "model must be one of"),
        ({"model": "mclp", "target_s": 300}, ValueError, "needs k"),
        ({"model": "lscp"}, ValueError, "needs target_s"),
        ({"model": "mclp", "target_s": 300, "k": 1, "weight_column": "pop"}, KeyError, "pop"),
    ],
)
def test_bad_arguments(kwargs: dict, error: type, text: str) -> None:
    demand, sites = _pts([(0, 0)]), _pts([(0, 0)])
    with pytest.raises(error, match=text):
        place(demand, sites, aircraft=AC, **kwargs)


def test_bad_frames() -> None:
    good = _pts([(0, 0)])
    no_crs = gpd.GeoDataFrame(geometry=[Point(114.4, 30.5)])
    swapped = gpd.GeoDataFrame(geometry=[Point(30.5, 114.4)], crs=4326)
    empty = gpd.GeoDataFrame(geometry=[], crs=4326)
    with pytest.raises(ValueError, match="no CRS"):
        response_matrix(no_crs, good, AC, max_time_s=300)
    with pytest.raises(ValueError, match="demand"):
        response_matrix(swapped, good, AC, max_time_s=300)
    with pytest.raises(ValueError, match="sites is empty"):
        response_matrix(good, empty, AC, max_time_s=300)
    with pytest.raises(TypeError, match="GeoDataFrame"):
        response_matrix([Point(0, 0)], good, AC, max_time_s=300)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="projected"):
        response_matrix(good, good, AC, max_time_s=300, metric_crs="EPSG:4326")
