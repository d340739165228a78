"""Airspace zones with altitude bands, and which of them block a flight.

A :class:`Zone` is a horizontal outline (metric CRS) with lower and upper
limits in metres above ground and an ED-269-style restriction
(``prohibited``, ``authorization_required``, ``conditional``). A zone blocks a
flight cruising at height ``h`` when its restriction is one the scenario treats
as blocking and ``lower_m <= h <= upper_m``: the flight must then go around it.
A scene inside a blocking zone, or inside any zone of a blocking restriction
whose lower limit is at or below the cruise height (the descent would enter
it), cannot be served.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from lowalt.errors import AirspaceError, ScenarioError
from lowalt.geo.crs import WGS84, transformer
from lowalt.geo.ed269 import is_ed269, read_ed269, zones_to_ed269
from lowalt.geo.layers import POLYGON_TYPES, read_layer
from lowalt.limits import MAX_HEIGHT_M

__all__ = ["Airspace", "TypedZone", "Zone", "load_airspace"]

log = logging.getLogger(__name__)

RESTRICTIONS = ("prohibited", "authorization_required", "conditional")


@dataclass(frozen=True)
class Zone:
    """One airspace volume.

    Attributes
    ----------
    name, restriction, reason
        Labels (restriction in ED-269 vocabulary, lower case).
    lower_m, upper_m
        Vertical limits, metres above ground.
    geometry
        Outline in the airspace's metric CRS.
    provenance, source
        Where the zone comes from.
    """

    name: str
    restriction: str
    lower_m: float
    upper_m: float
    geometry: BaseGeometry
    provenance: str = "modeled"
    source: str = ""
    reason: str = "OTHER"
    windows: tuple[tuple[datetime, datetime], ...] = ()
    """Times the zone is active (start inclusive, end exclusive, timezone-aware); empty =
    permanent."""

    def active_at(self, when: datetime) -> bool:
        """Whether the zone is active at ``when`` (a timezone-aware datetime)."""
        return not self.windows or any(a <= when < b for a, b in self.windows)

    def cuts(self, altitude_m: float) -> bool:
        """Whether the zone's altitude band contains ``altitude_m``."""
        return self.lower_m <= altitude_m <= self.upper_m


@dataclass(frozen=True)
class Airspace:
    """All zones of a scenario, in one metric CRS."""

    zones: tuple[Zone, ...]
    crs: str

    def active_at(self, when: datetime) -> Airspace:
        """Return the zones active at ``when`` (timezone-aware)."""
        return Airspace(tuple(z for z in self.zones if z.active_at(when)), self.crs)

    def blocking(self, altitude_m: float, restrictions: tuple[str, ...]) -> tuple[Zone, ...]:
        """Zones a flight cruising at ``altitude_m`` must go around."""
        return tuple(z for z in self.zones if z.restriction in restrictions and z.cuts(altitude_m))

    def unservable(self, altitude_m: float, restrictions: tuple[str, ...]) -> tuple[Zone, ...]:
        """Zones whose ground a flight cruising at ``altitude_m`` may not descend into."""
        return tuple(
            z for z in self.zones if z.restriction in restrictions and z.lower_m <= altitude_m
        )

    def to_ed269(self, title: str = "lowalt zones") -> dict[str, object]:
        """Return the zones as ED-269 JSON (see :mod:`lowalt.geo.ed269`)."""
        return zones_to_ed269(self.zones, metric_crs=self.crs, title=title)

    def to_wgs84(self) -> gpd.GeoDataFrame:
        """Return the zones as a WGS84 GeoDataFrame (for maps and exports)."""
        gdf = gpd.GeoDataFrame(
            {
                "name": [z.name for z in self.zones],
                "restriction": [z.restriction for z in self.zones],
                "reason": [z.reason for z in self.zones],
                "lower_m": [z.lower_m for z in self.zones],
                "upper_m": [z.upper_m for z in self.zones],
                "provenance": [z.provenance for z in self.zones],
                "source": [z.source for z in self.zones],
            },
            geometry=[z.geometry for z in self.zones],
            crs=self.crs,
        )
        return gdf.to_crs(WGS84)


@dataclass(frozen=True)
class TypedZone:
    """A zone typed in by hand (WGS84), before it is projected: a polygon or a circle.

    Attributes
    ----------
    name, restriction
        Labels (restriction in ED-269 vocabulary, lower case: one of ``RESTRICTIONS``).
    lower_m, upper_m
        Vertical limits, metres above ground (``0 <= lower_m < upper_m``).
    polygon_lonlat
        Outline as (lon, lat) pairs, WGS84 degrees; ``None`` for a circle.
    center_lonlat, radius_m
        Centre (lon, lat), WGS84 degrees, and radius, metres, of a circle; ``None`` and 0
        for a polygon.
    provenance, source
        Where the zone comes from.
    """

    name: str
    restriction: str
    lower_m: float
    upper_m: float
    polygon_lonlat: tuple[tuple[float, float], ...] | None = None
    center_lonlat: tuple[float, float] | None = None
    radius_m: float = 0.0
    provenance: str = "modeled"
    source: str = ""

    def __post_init__(self) -> None:
        # A scenario's zones are checked by its schema first (with located messages); these
        # plain checks guard direct callers.
        if self.restriction not in RESTRICTIONS:
            msg = f"restriction {self.restriction!r} is not one of {', '.join(RESTRICTIONS)}"
            raise ValueError(msg)
        if not 0 <= self.lower_m < self.upper_m <= MAX_HEIGHT_M:  # also refuses NaN
            msg = f"altitude limits {self.lower_m}..{self.upper_m} m are not a valid band"
            raise ValueError(msg)
        if (self.polygon_lonlat is None) == (self.center_lonlat is None):
            msg = "give exactly one of 'polygon_lonlat' or 'center_lonlat'"
            raise ValueError(msg)
        if self.center_lonlat is not None and not 0 < self.radius_m < math.inf:
            msg = f"radius_m must be a finite number > 0, got {self.radius_m}"
            raise ValueError(msg)


def load_airspace(
    files: Sequence[Path] = (),
    zones: Sequence[TypedZone] = (),
    *,
    metric_crs: str,
    scenario_file: str | None = None,
    key_path: str = "airspace",
) -> Airspace:
    """Collect zones from files and typed-in zones, in one metric CRS.

    Parameters
    ----------
    files
        Resolved paths of zone layers: ED-269 JSON, or GeoJSON / GeoPackage polygons with
        ``name``, ``restriction``, ``lower_m`` and ``upper_m`` (metres above ground).
    zones
        Zones typed in by hand (WGS84 outlines or circles).
    metric_crs
        The projected CRS of the returned outlines (``"EPSG:4547"``).
    scenario_file
        The scenario naming the files and zones, for messages (``None``: messages name the
        data file alone).
    key_path
        Where ``files`` and ``zones`` live in the scenario: messages name
        ``<key_path>.files[i]`` and ``<key_path>.zones[i]``.

    Returns
    -------
    Airspace
        The zones of the files (in order, one per feature or ED-269 volume), then the typed
        zones.

    Raises
    ------
    ScenarioError, GeodataError, AirspaceError
        For unreadable files, missing attributes, invalid geometry or limits.
    """
    crs = metric_crs
    out: list[Zone] = []
    for i, path in enumerate(files):
        key = f"{key_path}.files[{i}]"
        if _looks_ed269(path):
            try:
                out.extend(Zone(**r) for r in read_ed269(path, metric_crs=crs))
            except AirspaceError as exc:
                raise AirspaceError(
                    exc.message,
                    file=f"{scenario_file} -> {exc.file}" if scenario_file else exc.file,
                    key_path=f"{key}: {exc.key_path}",
                    fix=exc.fix,
                ) from None
            continue
        gdf = read_layer(
            path,
            geom_types=POLYGON_TYPES,
            what="airspace layer",
            key_path=key,
            scenario_file=scenario_file,
            required_columns=("name", "restriction", "lower_m", "upper_m"),
        ).to_crs(crs)
        where = f"{scenario_file} -> {path}" if scenario_file else str(path)
        for j, row in enumerate(gdf.itertuples(index=False)):
            out.append(_zone_from_row(row, f"{key} feature {j}", where))
    for i, typed in enumerate(zones):
        out.append(_zone_from_typed(typed, crs, f"{key_path}.zones[{i}]", scenario_file))
    log.info("airspace: %d zone(s)", len(out))
    return Airspace(tuple(out), crs)


def _looks_ed269(path: Path) -> bool:
    """ED-269 JSON (a ``features`` list whose geometries are volume lists), not GeoJSON."""
    if path.suffix.lower() != ".json":
        return False
    try:
        return is_ed269(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return False


def _zone_from_row(row: object, where: str, scenario_file: str) -> Zone:
    def val(name: str, default: object = None) -> object:
        return getattr(row, name, default)

    restriction = str(val("restriction")).strip().lower()
    if restriction not in RESTRICTIONS:
        raise ScenarioError(
            f"restriction {restriction!r} is not one of {', '.join(RESTRICTIONS)}.",
            file=scenario_file,
            key_path=where,
            fix="use the ED-269 vocabulary in lower case.",
        )
    try:
        lower, upper = float(val("lower_m")), float(val("upper_m"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ScenarioError(
            "lower_m and upper_m must be numbers (metres above ground).",
            file=scenario_file,
            key_path=where,
            fix="write them as plain numbers.",
        ) from None
    if (
        not (np.isfinite(lower) and np.isfinite(upper))
        or upper <= lower
        or lower < 0
        or upper > MAX_HEIGHT_M
    ):
        raise ScenarioError(
            f"altitude limits {lower}..{upper} m are not a valid band.",
            file=scenario_file,
            key_path=where,
            fix=f"use finite limits with 0 <= lower_m < upper_m <= {MAX_HEIGHT_M:,g}.",
        )
    return Zone(
        name=str(val("name")),
        restriction=restriction,
        lower_m=lower,
        upper_m=upper,
        geometry=val("geometry"),  # type: ignore[arg-type]
        provenance=str(val("provenance", "unknown")),
        source=str(val("source", "")),
        reason=str(val("reason", "OTHER")),
    )


def _zone_from_typed(spec: TypedZone, crs: str, key: str, scenario_file: str | None) -> Zone:
    fwd = transformer(WGS84, crs)
    geom: BaseGeometry
    if spec.center_lonlat is not None:
        x, y = fwd.transform(*spec.center_lonlat)
        geom = Point(x, y).buffer(spec.radius_m, quad_segs=32)
    else:
        assert spec.polygon_lonlat is not None
        ring = Polygon(spec.polygon_lonlat)
        if not ring.is_valid:
            raise ScenarioError(
                f"the polygon is not valid: {shapely.is_valid_reason(ring)}.",
                file=scenario_file,
                key_path=f"{key}.polygon_lonlat",
                fix="order the [lon, lat] points around the outline so no edges cross.",
            )
        geom = shapely.transform(ring, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
        if 2.0 * geom.area / geom.length < 1.0:  # mean width under 1 m: points on one line
            raise ScenarioError(
                f"the polygon has (almost) no area ({geom.area:.2g} m² over "
                f"{geom.length / 1000:.1f} km of outline).",
                file=scenario_file,
                key_path=f"{key}.polygon_lonlat",
                fix="give at least three points that are not on one line.",
            )
    return Zone(
        name=spec.name,
        restriction=spec.restriction,
        lower_m=spec.lower_m,
        upper_m=spec.upper_m,
        geometry=geom,
        provenance=spec.provenance,
        source=spec.source,
    )
