"""Check a route network against airspace and against itself; stack crossings in layers.

A network is a sequence of :class:`NetworkRoute`: a track (metric LineString), an
altitude band ``lower_m..upper_m`` (m AGL) and a corridor half-width. Build them from
the route file (:func:`load_routes`, ``geodata/routes.geojson``) or from planned routes
(:meth:`NetworkRoute.from_route`).

* :func:`check_against_airspace`: which zone each route meets, where (entry point,
  length inside), and by how much horizontally and vertically.
* :func:`pairwise_conflicts`: corridors that overlap horizontally (STRtree) and whose
  altitude bands overlap (bands that only touch do not overlap).
* :func:`assign_layers`: CP-SAT assignment of altitude layers so that conflicting
  routes are vertically separated (CCAR-92 §92.513: separate unavoidable crossings by
  altitude), with the fewest layers, then the least displacement.
* :func:`network_stats`: counts by type/status/profile, lengths, crossings.

Metric work in ``metric_crs`` (default EPSG:4547), reported points in WGS84 (lon, lat).
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from ortools.sat.python import cp_model
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon
from shapely.strtree import STRtree

from lowalt.errors import GeodataError, InfeasibleError
from lowalt.flight._crossings import ZoneCrossing, zone_crossings
from lowalt.flight.routing import Route
from lowalt.geo.airspace import Zone
from lowalt.geo.crs import DEFAULT_METRIC_CRS, WGS84, transformer
from lowalt.limits import MAX_DISTANCE_M, MAX_HEIGHT_M

__all__ = [
    "AirspaceFinding",
    "Conflict",
    "LayerAssignment",
    "NetworkRoute",
    "assign_layers",
    "check_against_airspace",
    "load_routes",
    "network_stats",
    "pairwise_conflicts",
]

ROUTE_TYPES = ("passenger", "cargo", "monitoring")
ROUTE_STATUSES = ("open", "in_progress")


@dataclass(frozen=True, eq=False)
class NetworkRoute:
    """One route of a network: metric track, altitude band (m AGL), corridor half-width (m)."""

    id: str
    track_xy: LineString
    lower_m: float
    upper_m: float
    corridor_half_width_m: float
    name: str = ""
    type: str = "cargo"
    status: str = "open"
    profile: str = ""
    provenance: str = "modeled"
    source: str = ""
    metric_crs: str = DEFAULT_METRIC_CRS
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        lo, hi, hw = self.lower_m, self.upper_m, self.corridor_half_width_m
        finite = all(math.isfinite(v) for v in (lo, hi, hw))
        if not (finite and 0 <= lo < hi <= MAX_HEIGHT_M and 0 < hw <= MAX_DISTANCE_M):
            raise GeodataError(
                f"route {self.id!r}: band {lo}..{hi} m or half-width {hw} m is invalid (need "
                f"finite 0 <= lower < upper <= {MAX_HEIGHT_M:,g}, 0 < hw <= "
                f"{MAX_DISTANCE_M:,g})",
                fix="fix the route's lower_m, upper_m and corridor_half_width_m.",
            )

    @cached_property
    def corridor_xy(self) -> Polygon:
        """Track buffered by the half-width (round caps), metres."""
        return self.track_xy.buffer(self.corridor_half_width_m, quad_segs=16)

    @property
    def length_m(self) -> float:
        """Track length, metres."""
        return float(self.track_xy.length)

    @classmethod
    def from_route(
        cls,
        route: Route,
        *,
        id: str,
        vertical_half_m: float = 15.0,
        **kw: Any,
    ) -> NetworkRoute:
        """Wrap a planned route; band = cruise altitude ± ``vertical_half_m`` (default 15 m)."""
        h = route.cruise_altitude_m
        return cls(
            id=id,
            track_xy=route.track_xy,
            lower_m=max(0.0, h - vertical_half_m),
            upper_m=h + vertical_half_m,
            corridor_half_width_m=route.profile.corridor_half_width_m,
            profile=route.profile.id,
            metric_crs=route.metric_crs,
            **kw,
        )


def load_routes(
    src: str | Path | gpd.GeoDataFrame, *, metric_crs: str = DEFAULT_METRIC_CRS
) -> tuple[NetworkRoute, ...]:
    """Read a route layer (e.g. ``geodata/routes.geojson``) into network routes.

    Needs LineStrings with ``id`` (unique: results and layers are keyed by it), ``lower_m``,
    ``upper_m``, ``corridor_half_width_m``; ``name``, ``type``, ``status``, ``profile``,
    ``provenance``, ``source`` are kept.

    Raises
    ------
    GeodataError
        For a layer without a CRS or a needed column, a repeated id, or an invalid band.
    """
    gdf = src if isinstance(src, gpd.GeoDataFrame) else gpd.read_file(src)
    if gdf.crs is None:
        raise GeodataError("route layer has no CRS", fix="GeoJSON is WGS84; set it")
    gdf = gdf.to_crs(metric_crs)
    need = {"id", "lower_m", "upper_m", "corridor_half_width_m"}
    if need - set(gdf.columns):
        raise GeodataError(f"route layer lacks {', '.join(sorted(need - set(gdf.columns)))}")
    known = {"id", "name", "type", "status", "profile", "provenance", "source", "geometry"}
    first: dict[str, int] = {}
    for i, rid in enumerate(gdf["id"]):
        key = str(rid)
        if key in first:
            raise GeodataError(
                f"route id {key!r} appears twice, at features {first[key]} and {i}.",
                file=None if isinstance(src, gpd.GeoDataFrame) else str(src),
                key_path=f"features[{i}].id",
                fix="give every route its own id (conflicts and layers are keyed by it).",
            )
        first[key] = i
    out = []
    for rec in gdf.to_dict("records"):
        out.append(
            NetworkRoute(
                id=str(rec["id"]),
                track_xy=rec["geometry"],
                lower_m=float(rec["lower_m"]),
                upper_m=float(rec["upper_m"]),
                corridor_half_width_m=float(rec["corridor_half_width_m"]),
                metric_crs=metric_crs,
                extra={k: v for k, v in rec.items() if k not in known and k not in need},
                **{k: str(rec[k]) for k in known - {"id", "geometry"} if k in rec},
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class AirspaceFinding:
    """One route meeting one zone (see :class:`~lowalt.flight._crossings.ZoneCrossing`)."""

    route_id: str
    crossing: ZoneCrossing

    @property
    def conflict(self) -> bool:
        """Whether the track is inside the zone within its altitude band."""
        return self.crossing.conflict


def check_against_airspace(
    routes: Iterable[NetworkRoute], zones: Iterable[Zone]
) -> tuple[AirspaceFinding, ...]:
    """Every (route, zone) pair where the route's corridor reaches into the zone.

    The altitudes flown are the route's band over its whole length. Zones must be in the
    routes' metric CRS. ``crossing.at_endpoint`` flags a zone around the route's own end
    (e.g. its own airport).
    """
    zones = tuple(zones)
    out: list[AirspaceFinding] = []
    for r in routes:
        inv = transformer(r.metric_crs, WGS84)
        band = (r.lower_m, r.upper_m)

        def flown(s0: float, s1: float, band: tuple[float, float] = band) -> tuple[float, float]:
            return band

        def to_lonlat(x: float, y: float, inv: Transformer = inv) -> tuple[float, float]:
            lon, lat = inv.transform(x, y)
            return float(lon), float(lat)

        found = zone_crossings(
            r.track_xy,
            r.corridor_half_width_m,
            zones,
            flown,
            to_lonlat,
        )
        out.extend(AirspaceFinding(r.id, c) for c in found)
    return tuple(out)


@dataclass(frozen=True)
class Conflict:
    """Two routes whose corridors overlap (and, unless ignored, whose bands overlap)."""

    a: str
    b: str
    overlap_area_m2: float
    location_lonlat: tuple[float, float]
    tracks_cross: bool
    vertical_overlap_m: float


def pairwise_conflicts(
    routes: Sequence[NetworkRoute],
    *,
    ignore_altitude: bool = False,
    terminal_radius_m: float = 0.0,
) -> tuple[Conflict, ...]:
    """Pairs of routes in conflict, by STRtree over corridors then exact overlap.

    Parameters
    ----------
    routes
        The network, all in one metric CRS.
    ignore_altitude
        Report horizontal overlaps regardless of bands (use this as input to
        :func:`assign_layers`, which replaces the bands).
    terminal_radius_m
        Ignore overlap within this radius (m) of an endpoint the two routes share (ends
        closer than the radius): a common port sequences its traffic in time.

    Returns
    -------
    tuple of Conflict
        ``a < b`` by position in ``routes``; ``vertical_overlap_m`` > 0 overlap, <= 0 gap.
    """
    if len(routes) < 2:  # no pair (STRtree cannot query an empty list)
        return ()
    polys = [r.corridor_xy for r in routes]
    tree = STRtree(polys)
    left, right = tree.query(polys, predicate="intersects")
    out = []
    for i, j in sorted({(int(i), int(j)) for i, j in zip(left, right, strict=True) if i < j}):
        a, b = routes[i], routes[j]
        vov = min(a.upper_m, b.upper_m) - max(a.lower_m, b.lower_m)
        if vov <= 0 and not ignore_altitude:
            continue
        inter = polys[i].intersection(polys[j])
        if terminal_radius_m > 0:
            ea = [Point(a.track_xy.coords[k]) for k in (0, -1)]
            eb = [Point(b.track_xy.coords[k]) for k in (0, -1)]
            shared = [p for p in ea if any(p.distance(q) <= terminal_radius_m for q in eb)]
            if shared:
                discs = shapely.union_all([p.buffer(terminal_radius_m) for p in shared])
                inter = inter.difference(discs)
        if inter.area <= 1e-6:
            continue
        c = inter.representative_point()
        lon, lat = transformer(a.metric_crs, WGS84).transform(c.x, c.y)
        cross = a.track_xy.intersection(b.track_xy)
        if terminal_radius_m > 0 and not cross.is_empty:
            cross = cross.intersection(inter.buffer(1.0))
        out.append(
            Conflict(a.id, b.id, float(inter.area), (float(lon), float(lat)),
                     not cross.is_empty, float(vov))
        )  # fmt: skip
    return tuple(out)


@dataclass(frozen=True)
class LayerAssignment:
    """Result of :func:`assign_layers`.

    ``layers`` maps route id -> layer index (0 = lowest), ``bands`` -> (lower, upper) m
    AGL of that layer. ``status`` is ``"OPTIMAL"`` only when both the layer count and
    the displacement were proven optimal, else ``"FEASIBLE"``. ``layers_lower_bound`` is
    the proven minimum layer count; ``displacement_m`` the summed |layer centre - band
    centre| change.
    """

    layers: dict[str, int]
    bands: dict[str, tuple[float, float]]
    n_layers: int
    n_available: int
    layers_lower_bound: int
    displacement_m: float
    status: str
    wall_time_s: float


def assign_layers(
    routes: Sequence[NetworkRoute],
    conflicts: Iterable[Conflict | tuple[str, str]],
    *,
    layer_height_m: float,
    band_min_m: float,
    band_max_m: float,
    time_limit_s: float = 10.0,
    workers: int = 8,
) -> LayerAssignment:
    """Give every route a layer so that conflicting routes get different layers.

    Layers are ``[band_min_m + k h, band_min_m + (k + 1) h]`` for ``h = layer_height_m``
    (adjacent layers only touch). CP-SAT minimises the number of layers used, then (with
    that number fixed) the total displacement from each route's current band centre.

    Raises
    ------
    InfeasibleError
        If fewer layers fit in the band than needed, or no assignment is found in time.
    """
    t0 = time.perf_counter()
    h = float(layer_height_m)
    if not (h > 0 and band_max_m > band_min_m):
        raise InfeasibleError(f"layer height {h} m / band {band_min_m}..{band_max_m} m invalid")
    k_max = math.floor((band_max_m - band_min_m) / h + 1e-9)
    if k_max < 1:
        raise InfeasibleError(f"no {h:g} m layer fits in {band_min_m:g}..{band_max_m:g} m")
    index = {r.id: i for i, r in enumerate(routes)}
    pairs = set()
    for c in conflicts:
        a, b = (c.a, c.b) if isinstance(c, Conflict) else c
        if a in index and b in index and a != b:
            pairs.add((min(index[a], index[b]), max(index[a], index[b])))
    centre = [(r.lower_m + r.upper_m) / 2 for r in routes]
    pref = [min(k_max - 1, max(0, round((c - band_min_m) / h - 0.5))) for c in centre]

    def build(n_fixed: int | None) -> tuple[cp_model.CpModel, list[Any], Any, Any]:
        m = cp_model.CpModel()
        x = [m.new_int_var(0, k_max - 1, f"x{i}") for i in range(len(routes))]
        top = m.new_int_var(1, k_max, "layers")
        for xi in x:
            m.add(xi <= top - 1)
        for i, j in sorted(pairs):
            m.add(x[i] != x[j])
        dev = []
        for i, xi in enumerate(x):
            d = m.new_int_var(0, k_max, f"d{i}")
            m.add_abs_equality(d, xi - pref[i])
            dev.append(d)
        if n_fixed is None:
            m.minimize(top)
        else:
            m.add(top == n_fixed)
            m.minimize(sum(dev))
        return m, x, top, dev

    def solve(m: cp_model.CpModel) -> tuple[cp_model.CpSolver, Any]:
        s = cp_model.CpSolver()
        s.parameters.max_time_in_seconds = max(0.1, time_limit_s - (time.perf_counter() - t0))
        s.parameters.num_workers = workers
        return s, s.solve(m)

    m1, x1, top1, _ = build(None)
    s1, st1 = solve(m1)
    if st1 == cp_model.INFEASIBLE:
        raise InfeasibleError(
            f"the conflicts need more than the {k_max} layers of {h:g} m that fit in "
            f"{band_min_m:g}..{band_max_m:g} m AGL"
        )
    if st1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleError(f"no layer assignment found within {time_limit_s:g} s")
    n = int(s1.value(top1))
    bound = math.ceil(s1.best_objective_bound - 1e-9)
    m2, x2, _, _ = build(n)
    s2, st2 = solve(m2)
    if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        vals = [int(s2.value(v)) for v in x2]
    else:  # keep the phase-1 solution
        vals, st2 = [int(s1.value(v)) for v in x1], cp_model.FEASIBLE
    optimal = st1 == cp_model.OPTIMAL and st2 == cp_model.OPTIMAL
    bands = {
        r.id: (band_min_m + v * h, band_min_m + (v + 1) * h)
        for r, v in zip(routes, vals, strict=True)
    }
    disp = sum(abs(band_min_m + (v + 0.5) * h - c) for v, c in zip(vals, centre, strict=True))
    return LayerAssignment(
        layers={r.id: v for r, v in zip(routes, vals, strict=True)},
        bands=bands,
        n_layers=n,
        n_available=k_max,
        layers_lower_bound=bound,
        displacement_m=float(disp),
        status="OPTIMAL" if optimal else "FEASIBLE",
        wall_time_s=time.perf_counter() - t0,
    )


def network_stats(
    routes: Sequence[NetworkRoute], conflicts: Sequence[Conflict] | None = None
) -> dict[str, Any]:
    """Count routes, lengths and crossings of a network.

    Returns
    -------
    dict
        ``n_routes``; ``by_type``, ``by_status``, ``by_profile``, ``by_type_status``
        (``"type/status"``) counts; ``total_length_km`` and ``length_km_by_type``;
        ``crossings`` (pairs whose tracks intersect other than at a shared endpoint);
        ``conflicts`` (if given).
    """
    crossings = 0
    for a, b in itertools.combinations(routes, 2):
        inter = a.track_xy.intersection(b.track_xy)
        if inter.is_empty:
            continue
        ends = shapely.union_all(
            [Point(r.track_xy.coords[k]) for r in (a, b) for k in (0, -1)]
        ).buffer(1.0)
        crossings += int(not inter.difference(ends).is_empty)
    by_type_len: dict[str, float] = {}
    for r in routes:
        by_type_len[r.type] = by_type_len.get(r.type, 0) + r.length_m / 1000
    out: dict[str, Any] = {
        "n_routes": len(routes),
        "by_type": dict(Counter(r.type for r in routes)),
        "by_status": dict(Counter(r.status for r in routes)),
        "by_profile": dict(Counter(r.profile for r in routes)),
        "by_type_status": dict(Counter(f"{r.type}/{r.status}" for r in routes)),
        "total_length_km": float(np.sum([r.length_m for r in routes]) / 1000),
        "length_km_by_type": {k: round(v, 3) for k, v in by_type_len.items()},
        "crossings": crossings,
    }
    if conflicts is not None:
        out["conflicts"] = len(conflicts)
    return out
