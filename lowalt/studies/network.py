"""Network study: a route network against airspace, against itself, and stacked into layers.

Inputs: a LineString route layer with altitude bands (``lower_m``/``upper_m``, m AGL) and
corridor half-widths, and the scenario's airspace. Outputs: which routes enter which zones
(where, how deep, how much vertical overlap), which pairs of routes conflict (corridors overlap
and bands overlap), a CP-SAT assignment of uncrewed routes in the layered band to the fewest
vertically separated layers, network statistics, and a check of reported counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import geopandas as gpd

from lowalt.errors import InfeasibleError, ScenarioError, located
from lowalt.geo.airspace import Zone
from lowalt.geo.crs import WGS84
from lowalt.geo.layers import read_layer
from lowalt.network.checks import (
    AirspaceFinding,
    Conflict,
    LayerAssignment,
    NetworkRoute,
    assign_layers,
    check_against_airspace,
    load_routes,
    network_stats,
    pairwise_conflicts,
)
from lowalt.scenario.schema import Scenario
from lowalt.studies._inputs import check_scenario_crs, scenario_airspace

__all__ = ["NetworkInputs", "NetworkResult", "network_inputs", "run_network"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NetworkResult:
    """Everything a network study computed."""

    scenario: Scenario
    routes_gdf: gpd.GeoDataFrame
    routes: tuple[NetworkRoute, ...]
    zones: tuple[Zone, ...]
    findings: tuple[AirspaceFinding, ...]
    conflicts: tuple[Conflict, ...]
    layered: tuple[str, ...]
    assignment: LayerAssignment | None
    layering_error: str | None
    stats: dict[str, Any]


def _crewed(r: NetworkRoute) -> bool:
    return str(r.extra.get("crewed", "false")).lower() in {"true", "1", "yes"}


@dataclass(frozen=True)
class NetworkInputs:
    """A network study's inputs, read and checked (nothing computed yet)."""

    routes_gdf: gpd.GeoDataFrame
    routes: tuple[NetworkRoute, ...]
    zones: tuple[Zone, ...]


def network_inputs(s: Scenario) -> NetworkInputs:
    """Read and check the inputs of ``s.network``: the layered band, routes and airspace.

    Raises
    ------
    GeodataError, ScenarioError
        For an unreadable or malformed route layer, a band that holds no layer, or a metric
        CRS that does not serve the routes.
    """
    n = s.network
    assert n is not None
    if n.band_max_m - n.band_min_m < n.layer_height_m:
        raise ScenarioError(
            f"the layered band {n.band_min_m:g}-{n.band_max_m:g} m holds no "
            f"{n.layer_height_m:g} m layer.",
            file=str(s.path),
            key_path="network.band_max_m",
            fix="raise band_max_m or lower layer_height_m.",
        )
    gdf = read_layer(
        s.resolve(n.routes_file),
        geom_types={"LineString"},
        what="route layer",
        key_path="network.routes_file",
        scenario_file=str(s.path),
        required_columns=("id", "lower_m", "upper_m", "corridor_half_width_m"),
    )
    check_scenario_crs(s, gdf.to_crs(WGS84).total_bounds, "network.routes_file")
    with located(
        s.path, "network.routes_file", "give LineString routes with unique ids and valid bands."
    ):
        routes = load_routes(gdf, metric_crs=s.metric_crs)
    return NetworkInputs(gdf, tuple(routes), tuple(scenario_airspace(s).zones))


def run_network(s: Scenario, inputs: NetworkInputs | None = None) -> NetworkResult:
    """Check the network of ``s.network``.

    ``inputs`` are the checked inputs from :func:`network_inputs` (read here when not given).

    Raises
    ------
    GeodataError, ScenarioError
        For an unreadable or malformed route layer.
    """
    n = s.network
    assert n is not None
    inputs = network_inputs(s) if inputs is None else inputs
    gdf, routes, zones = inputs.routes_gdf, inputs.routes, inputs.zones
    findings = check_against_airspace(routes, zones)
    conflicts = pairwise_conflicts(routes, terminal_radius_m=n.terminal_radius_m)
    layered = tuple(
        r.id
        for r in routes
        if not _crewed(r) and r.lower_m < n.band_max_m and r.upper_m > n.band_min_m
    )
    sub = [r for r in routes if r.id in layered]
    flat = pairwise_conflicts(sub, ignore_altitude=True, terminal_radius_m=n.terminal_radius_m)
    assignment, err = None, None
    try:
        assignment = assign_layers(
            sub,
            flat,
            layer_height_m=n.layer_height_m,
            band_min_m=n.band_min_m,
            band_max_m=n.band_max_m,
            time_limit_s=n.time_limit_s,
            workers=2,
        )
    except InfeasibleError as exc:
        err = exc.message
    stats = network_stats(routes, conflicts)
    log.info(
        "network: %d routes, %d airspace findings, %d conflicts, %s layers",
        len(routes),
        len(findings),
        len(conflicts),
        assignment.n_layers if assignment else "no",
    )
    return NetworkResult(
        s, gdf, routes, zones, findings, conflicts, layered, assignment, err, stats
    )

