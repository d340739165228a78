"""Read and validate vector layers (GeoJSON, GeoPackage, any OGR format).

Every layer passes the same checks once, at the boundary: it can be read, it has
features, it has a CRS, its coordinates fit that CRS (no swapped lat/lon, no
projected numbers labelled as degrees), and every geometry is non-empty, valid
and of an allowed type. Layers come back in WGS84 (EPSG:4326); callers project
them to the scenario's metric CRS with :func:`lowalt.geo.crs.to_metric`.

Values read from a layer obey the same rules as the scenario (:data:`COLUMN_RULES`): the
file is a regular file of at most 512 MiB, and every attribute column the caller needs
(``required_columns``) or checks (``checked_columns``) that has a rule is finite and within its
bounds (``weight``, ``drones``, ``lower_m``, ``upper_m``, ``corridor_half_width_m``), with
``upper_m`` above ``lower_m`` and ``id`` values unique. Messages name the scenario, the file, the
feature index and the property.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lowalt.errors import GeodataError, ScenarioError
from lowalt.geo.crs import WGS84
from lowalt.geo.files import check_data_file
from lowalt.limits import (
    MAX_DISTANCE_M,
    MAX_DRONES_PER_DOCK,
    MAX_GEODATA_BYTES,
    MAX_HEIGHT_M,
    MAX_NAME_CHARS,
    MAX_WEIGHT,
)

__all__ = ["COLUMN_RULES", "POINT_TYPES", "POLYGON_TYPES", "ColumnRule", "read_layer"]

log = logging.getLogger(__name__)

POLYGON_TYPES = frozenset({"Polygon", "MultiPolygon"})
POINT_TYPES = frozenset({"Point"})

_Fail = Callable[[str, str], GeodataError]


@dataclass(frozen=True)
class ColumnRule:
    """Bounds of a numeric attribute read from a layer.

    Attributes
    ----------
    lo, hi
        Smallest and largest value allowed.
    unit
        Unit shown in messages.
    lo_open
        Whether ``lo`` itself is refused (``> lo`` rather than ``>= lo``).
    integer
        Whether the value must be a whole number.
    """

    lo: float
    hi: float
    unit: str
    lo_open: bool = False
    integer: bool = False

    def describe(self) -> str:
        """Return the allowed range in words."""
        kind = "a whole number" if self.integer else "a finite number"
        lo = f"above {_fmt(self.lo)}" if self.lo_open else f"of at least {_fmt(self.lo)}"
        return f"{kind} {lo} and at most {_fmt(self.hi)}{f' {self.unit}' if self.unit else ''}"


COLUMN_RULES: dict[str, ColumnRule] = {
    "weight": ColumnRule(0.0, MAX_WEIGHT, ""),
    "drones": ColumnRule(1.0, float(MAX_DRONES_PER_DOCK), "drones", integer=True),
    "lower_m": ColumnRule(0.0, MAX_HEIGHT_M, "m"),
    "upper_m": ColumnRule(0.0, MAX_HEIGHT_M, "m", lo_open=True),
    "corridor_half_width_m": ColumnRule(0.0, MAX_DISTANCE_M, "m", lo_open=True),
}
"""Bounds of the numeric attributes lowalt reads (the same as the scenario's)."""

UNIQUE_COLUMNS = frozenset({"id"})
"""Attributes that key results: every value must be a distinct, non-empty text."""


def read_layer(
    path: Path,
    *,
    geom_types: Collection[str],
    what: str,
    key_path: str | None = None,
    scenario_file: str | None = None,
    required_columns: Collection[str] = (),
    checked_columns: Collection[str] = (),
    unique_columns: Collection[str] = (),
) -> gpd.GeoDataFrame:
    """Read one layer and validate it.

    Parameters
    ----------
    path
        The file.
    geom_types
        Allowed geometry types (e.g. :data:`POLYGON_TYPES`).
    what
        What the layer is, for messages ("service-area boundary").
    key_path, scenario_file
        Where the file was named, for messages.
    required_columns
        Attribute columns every feature must have; those with a rule in
        :data:`COLUMN_RULES` (or in :data:`UNIQUE_COLUMNS`) are checked.
    checked_columns
        Optional columns checked against :data:`COLUMN_RULES` when present.
    unique_columns
        Optional columns whose values must be distinct when present (besides ``id``).

    Returns
    -------
    geopandas.GeoDataFrame
        The layer in EPSG:4326, index reset.

    Raises
    ------
    GeodataError
        Naming the file, the feature and a fix; also when the path is not a readable regular
        file of at most 512 MiB.
    """
    where = f"{scenario_file} -> {path}" if scenario_file else str(path)

    def fail(message: str, fix: str) -> GeodataError:
        return GeodataError(message, file=where, key_path=key_path, fix=fix)

    try:
        check_data_file(
            Path(path),
            cap_bytes=MAX_GEODATA_BYTES,
            what=what,
            fix="check the path.",
            scenario_file=where,
            key_path=key_path,
        )
    except ScenarioError as exc:
        raise GeodataError(exc.message, file=exc.file, key_path=key_path, fix=exc.fix) from None
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several unrelated types
        raise fail(
            f"cannot read the {what} ({type(exc).__name__}: {exc}).",
            "give a GeoJSON or GeoPackage file with polygon or point features.",
        ) from None
    if gdf.empty:
        raise fail(f"the {what} has no features.", "add at least one feature.")
    if gdf.crs is None:
        raise fail(
            f"the {what} has no CRS.",
            "save it with a CRS (GeoJSON is WGS84 by definition; set it in QGIS on export).",
        )
    _check_geometries(gdf, geom_types, what, fail)
    if gdf.crs.is_geographic:
        _check_degrees(gdf, what, fail)
    try:
        gdf = gdf.to_crs(WGS84)
    except Exception as exc:
        raise fail(f"cannot reproject the {what} to WGS84 ({exc}).", "check its CRS.") from None
    missing = [c for c in required_columns if c not in gdf.columns]
    if missing:
        raise fail(
            f"the {what} lacks the column(s) {', '.join(missing)}.",
            f"add the properties {', '.join(missing)} to every feature.",
        )
    present = [c for c in dict.fromkeys([*required_columns, *checked_columns]) if c in gdf]
    for col in present:
        if col in COLUMN_RULES:
            _check_numbers(gdf[col], col, COLUMN_RULES[col], what, fail)
    if "lower_m" in present and "upper_m" in present:
        _check_bands(gdf, what, fail)
    unique = [c for c in present if c in UNIQUE_COLUMNS]
    unique += [c for c in unique_columns if c in gdf and c not in unique]
    for col in unique:
        _check_unique(gdf[col], col, what, fail)
    log.debug("read %d feature(s) of the %s from %s", len(gdf), what, path)
    return gdf.reset_index(drop=True)


def _check_numbers(column: pd.Series, col: str, rule: ColumnRule, what: str, fail: _Fail) -> None:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    lo_bad = values <= rule.lo if rule.lo_open else values < rule.lo
    bad = ~np.isfinite(values) | lo_bad | (values > rule.hi)
    if rule.integer:
        bad |= np.isfinite(values) & (values != np.round(values))
    if not bad.any():
        return
    i = int(np.flatnonzero(bad)[0])
    raw, v = column.iloc[i], values[i]
    if not math.isfinite(v):
        why = "is not a finite number" if not pd.isna(raw) else "is missing"
    elif v > rule.hi:
        why = f"is above the maximum of {_fmt(rule.hi)}{f' {rule.unit}' if rule.unit else ''}"
    elif rule.integer and v != round(v):
        why = "is not a whole number"
    else:
        why = f"is {'at or ' if rule.lo_open else ''}below {_fmt(rule.lo)}"
    raise fail(
        f"feature {i} of the {what}: {col} = {_show(raw)} {why}.",
        f"give every feature a '{col}' that is {rule.describe()}.",
    )


def _check_bands(gdf: gpd.GeoDataFrame, what: str, fail: _Fail) -> None:
    lo = pd.to_numeric(gdf["lower_m"], errors="coerce").to_numpy(dtype=np.float64)
    hi = pd.to_numeric(gdf["upper_m"], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~(hi > lo)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise fail(
            f"feature {i} of the {what}: upper_m = {hi[i]:g} is not above lower_m = {lo[i]:g}.",
            "give every feature an upper_m above its lower_m (metres above ground).",
        )


def _check_unique(column: pd.Series, col: str, what: str, fail: _Fail) -> None:
    first: dict[str, int] = {}
    for i, raw in enumerate(column):
        text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)
        text = text.strip()
        if not text or len(text) > MAX_NAME_CHARS:
            raise fail(
                f"feature {i} of the {what}: {col} = {_show(raw)} is "
                f"{'empty' if not text else f'longer than {MAX_NAME_CHARS} characters'}.",
                f"give every feature a '{col}' of 1 to {MAX_NAME_CHARS} characters.",
            )
        if text in first:
            raise fail(
                f"{col} {text!r} appears twice in the {what}, at features {first[text]} and {i}.",
                f"give every feature its own '{col}' (results are keyed by it).",
            )
        first[text] = i


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _show(raw: object) -> str:
    if isinstance(raw, float | np.floating):
        return f"{float(raw):g}"
    return repr(raw)[:80]


def _check_geometries(
    gdf: gpd.GeoDataFrame,
    geom_types: Collection[str],
    what: str,
    fail: _Fail,
) -> None:
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise fail(
            f"feature {i} of the {what} has an empty or missing geometry.",
            "delete the feature or draw its geometry.",
        )
    types = shapely.get_type_id(geoms)
    names = np.array(
        [
            "Point",
            "LineString",
            "LinearRing",
            "Polygon",
            "MultiPoint",
            "MultiLineString",
            "MultiPolygon",
            "GeometryCollection",
        ]
    )[types]
    bad_type = ~np.isin(names, list(geom_types))
    allowed = " or ".join(sorted(geom_types))
    if bad_type.any():
        i = int(np.flatnonzero(bad_type)[0])
        raise fail(
            f"feature {i} of the {what} is a {names[i]}; expected {allowed}.",
            f"give {allowed} features only.",
        )
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        i = int(np.flatnonzero(invalid)[0])
        reason = shapely.is_valid_reason(geoms[i])
        raise fail(
            f"feature {i} of the {what} is not a valid geometry: {reason}.",
            "fix the outline so it does not cross itself (or repair it with shapely.make_valid).",
        )


def _check_degrees(gdf: gpd.GeoDataFrame, what: str, fail: _Fail) -> None:
    minx, miny, maxx, maxy = gdf.total_bounds
    if max(abs(minx), abs(maxx)) > 180.0 or max(abs(miny), abs(maxy)) > 180.0:
        raise fail(
            f"the {what} is labelled {gdf.crs.to_string()} (degrees) but its coordinates reach "
            f"{max(abs(minx), abs(maxx), abs(miny), abs(maxy)):.0f}: they are projected metres "
            "or the CRS is wrong.",
            "save the layer with its real CRS, or reproject it to EPSG:4326.",
        )
    if max(abs(miny), abs(maxy)) > 90.0:
        raise fail(
            f"the {what} has latitudes up to {max(abs(miny), abs(maxy)):.2f}: coordinates are "
            "(lat, lon) instead of (lon, lat).",
            "swap the coordinate order: GeoJSON positions are [longitude, latitude].",
        )
