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
from lowalt.scenario.schema import MAX_HEIGHT_M, Scenario, ZoneSpec

__all__ = ["Airspace", "Zone", "load_airspace"]

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


def load_airspace(scenario: Scenario) -> Airspace:
    """Collect the zones of a scenario's ``airspace`` section, in its metric CRS.

    Raises
    ------
    ScenarioError, GeodataError
        For unreadable files, missing attributes, invalid geometry or limits.
    """
    crs = scenario.metric_crs
    zones: list[Zone] = []
    for i, f in enumerate(scenario.airspace.files):
        key = f"airspace.files[{i}]"
        if _looks_ed269(scenario.resolve(f)):
            try:
                zones.extend(Zone(**r) for r in read_ed269(scenario.resolve(f), metric_crs=crs))
            except AirspaceError as exc:
                raise AirspaceError(
                    exc.message,
                    file=f"{scenario.path} -> {exc.file}",
                    key_path=f"{key}: {exc.key_path}",
                    fix=exc.fix,
                ) from None
            continue
        gdf = read_layer(
            scenario.resolve(f),
            geom_types=POLYGON_TYPES,
            what="airspace layer",
            key_path=key,
            scenario_file=str(scenario.path),
            required_columns=("name", "restriction", "lower_m", "upper_m"),
        ).to_crs(crs)
        for j, row in enumerate(gdf.itertuples(index=False)):
            where = f"{scenario.path} -> {scenario.resolve(f)}"
            zones.append(_zone_from_row(row, f"{key} feature {j}", where))
    for i, spec in enumerate(scenario.airspace.zones):
        zones.append(_zone_from_spec(spec, crs, f"airspace.zones[{i}]", str(scenario.path)))
    log.info("airspace: %d zone(s)", len(zones))
    return Airspace(tuple(zones), crs)


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


def _zone_from_spec(spec: ZoneSpec, crs: str, key: str, scenario_file: str) -> Zone:
    fwd = transformer(WGS84, crs)
    geom: BaseGeometry
    if spec.circle is not None:
        x, y = fwd.transform(spec.circle.lon, spec.circle.lat)
        geom = Point(x, y).buffer(spec.circle.radius_m, quad_segs=32)
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
