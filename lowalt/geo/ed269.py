"""EUROCAE ED-269 UAS geographical zones: read and write.

ED-269 describes each zone (``UASZoneVersion``) by an identifier, name, ``restriction``
(``PROHIBITED``, ``REQ_AUTHORISATION``, ``CONDITIONAL``, ``NO_RESTRICTION``), ``reason``,
``applicability`` (permanent, or start/end date-times) and a list of airspace volumes, each a
horizontal projection (``Polygon`` with [lon, lat] coordinates, or ``Circle`` with a centre
and a radius in metres) with lower and upper limits and their vertical reference. lowalt keeps
metres and above-ground limits: volumes in feet are converted; AMSL references are refused
(lowalt has no terrain model to convert them). Limits must be finite and at most 20,000 m
above ground (a missing upper limit means "unlimited" and is stored as 20,000 m, above anything
lowalt models); circle radii must be finite and at most 500 km.

Records read here become :class:`lowalt.geo.airspace.Zone` (``Zone(**record)``): restriction
lower-cased (``REQ_AUTHORISATION``
-> ``authorization_required``), one zone per volume, time windows from ``applicability``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, mapping

from lowalt.errors import AirspaceError
from lowalt.geo.crs import WGS84, check_lonlat, transformer
from lowalt.limits import MAX_GEODATA_BYTES, MAX_HEIGHT_M, MAX_RADIUS_M

__all__ = ["ZoneLike", "is_ed269", "read_ed269", "zones_from_ed269", "zones_to_ed269"]


class ZoneLike(Protocol):
    """What :func:`zones_to_ed269` needs of a zone (:class:`lowalt.geo.airspace.Zone` fits)."""

    @property
    def name(self) -> str: ...  # noqa: D102
    @property
    def restriction(self) -> str: ...  # noqa: D102
    @property
    def lower_m(self) -> float: ...  # noqa: D102
    @property
    def upper_m(self) -> float: ...  # noqa: D102
    @property
    def geometry(self) -> Any: ...  # noqa: D102
    @property
    def provenance(self) -> str: ...  # noqa: D102
    @property
    def source(self) -> str: ...  # noqa: D102
    @property
    def reason(self) -> str: ...  # noqa: D102
    @property
    def windows(self) -> tuple[tuple[datetime, datetime], ...]: ...  # noqa: D102


_TO_ED = {
    "prohibited": "PROHIBITED",
    "authorization_required": "REQ_AUTHORISATION",
    "conditional": "CONDITIONAL",
}
_FROM_ED = {v: k for k, v in _TO_ED.items()}
_FT = 0.3048


def is_ed269(data: Any) -> bool:
    """Whether parsed JSON looks like an ED-269 zone list (features with volume lists)."""
    feats = data.get("features") if isinstance(data, dict) else None
    return (
        bool(feats)
        and isinstance(feats, list)
        and all(isinstance(f, dict) and isinstance(f.get("geometry"), list) for f in feats)
    )


def read_ed269(path: Path, *, metric_crs: str) -> list[dict[str, Any]]:
    """Read an ED-269 JSON file into zone records (``Zone`` keyword arguments), metric CRS.

    Raises
    ------
    AirspaceError
        For unreadable JSON or any malformed zone (naming the zone and the field).
    """
    try:
        size = Path(path).stat().st_size
        if size > MAX_GEODATA_BYTES:
            raise AirspaceError(
                f"the ED-269 file is {size / 2**20:,.1f} MiB; the limit is "
                f"{MAX_GEODATA_BYTES / 2**20:g} MiB.",
                file=str(path),
                fix="split the zones over several files.",
            )
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AirspaceError(
            f"cannot read ED-269 zones ({exc}).",
            file=str(path),
            fix="give an ED-269 JSON file (a 'features' list).",
        ) from None
    try:
        return zones_from_ed269(data, metric_crs=metric_crs)
    except AirspaceError as exc:
        raise AirspaceError(
            exc.message, file=str(path), key_path=exc.key_path, fix=exc.fix
        ) from None


def _limit_m(vol: dict[str, Any], which: str, where: str) -> float:
    value = vol.get(f"{which}Limit")
    ref = str(vol.get(f"{which}VerticalReference", "AGL")).upper()
    unit = str(vol.get("uomDimensions", "M")).upper()
    if value is None:
        return 0.0 if which == "lower" else MAX_HEIGHT_M
    if ref not in {"AGL", "SFC"}:
        raise AirspaceError(
            f"{which} limit is referenced to {ref}; lowalt works above ground.",
            key_path=f"{where}.{which}VerticalReference",
            fix="convert the limit to AGL (metres above ground).",
        )
    if unit not in {"M", "FT"}:
        raise AirspaceError(
            f"unknown unit {unit!r}.", key_path=f"{where}.uomDimensions", fix="use M or FT."
        )
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise AirspaceError(
            f"{which}Limit {value!r} is not a number.",
            key_path=f"{where}.{which}Limit",
            fix="write a number.",
        ) from None
    v = v * _FT if unit == "FT" else v
    if not (np.isfinite(v) and 0 <= v <= MAX_HEIGHT_M):
        raise AirspaceError(
            f"{which}Limit {value!r} {unit} is not a finite height from 0 to "
            f"{MAX_HEIGHT_M:,g} m above ground.",
            key_path=f"{where}.{which}Limit",
            fix=f"write a finite limit of at most {MAX_HEIGHT_M:,g} m (leave upperLimit out "
            "for no upper limit).",
        )
    return v


def _windows(feature: dict[str, Any], where: str) -> tuple[tuple[datetime, datetime], ...]:
    out = []
    for i, app in enumerate(feature.get("applicability") or []):
        if str(app.get("permanent", "")).upper() == "YES":
            return ()
        try:
            a = datetime.fromisoformat(str(app["startDateTime"]).replace("Z", "+00:00"))
            b = datetime.fromisoformat(str(app["endDateTime"]).replace("Z", "+00:00"))
        except (KeyError, ValueError):
            raise AirspaceError(
                "applicability needs ISO startDateTime and endDateTime.",
                key_path=f"{where}.applicability[{i}]",
                fix="e.g. 2025-03-18T08:00:00+08:00.",
            ) from None
        if a.tzinfo is None or b.tzinfo is None or b <= a:
            raise AirspaceError(
                "applicability times need a time zone and end after start.",
                key_path=f"{where}.applicability[{i}]",
                fix="add an offset such as +08:00.",
            )
        out.append((a, b))
    return tuple(out)


def zones_from_ed269(data: dict[str, Any], *, metric_crs: str) -> list[dict[str, Any]]:
    """Convert parsed ED-269 JSON into zone records (one per volume) in ``metric_crs``."""
    if not is_ed269(data):
        raise AirspaceError(
            "not an ED-269 zone list.",
            key_path="features",
            fix="give {'features': [{..., 'geometry': [volumes]}]}.",
        )
    fwd = transformer(WGS84, metric_crs)
    zones = []
    for i, f in enumerate(data["features"]):
        where = f"features[{i}]"
        restriction = _FROM_ED.get(str(f.get("restriction", "")).upper())
        if restriction is None:
            if str(f.get("restriction", "")).upper() == "NO_RESTRICTION":
                continue
            raise AirspaceError(
                f"restriction {f.get('restriction')!r} is not ED-269.",
                key_path=f"{where}.restriction",
                fix="use PROHIBITED, REQ_AUTHORISATION or CONDITIONAL.",
            )
        windows = _windows(f, where)
        for j, vol in enumerate(f["geometry"]):
            vw = f"{where}.geometry[{j}]"
            lower, upper = _limit_m(vol, "lower", vw), _limit_m(vol, "upper", vw)
            if not lower < upper:
                raise AirspaceError(
                    f"limits {lower:g}..{upper:g} m are not a band.",
                    key_path=vw,
                    fix="lowerLimit must be below upperLimit.",
                )
            geom = _projection(vol.get("horizontalProjection") or {}, fwd, vw)
            zones.append(
                {
                    "name": str(f.get("name") or f.get("identifier") or f"zone {i}"),
                    "restriction": restriction,
                    "lower_m": lower,
                    "upper_m": upper,
                    "geometry": geom,
                    "provenance": str(f.get("provenance", "confirmed")),
                    "source": str(f.get("source", f.get("zoneAuthority", "ED-269 file"))),
                    "reason": ",".join(f.get("reason") or ["OTHER"]),
                    "windows": windows,
                }
            )
    return zones


def _projection(hp: dict[str, Any], fwd: Any, where: str) -> Any:
    kind = hp.get("type")
    try:
        if kind == "Circle":
            lon, lat = check_lonlat(hp["center"][0], hp["center"][1])
            radius = float(hp["radius"])
            if not (np.isfinite(radius) and 0 < radius <= MAX_RADIUS_M):
                raise ValueError(f"radius must be finite, > 0 and at most {MAX_RADIUS_M:,g} m")
            x, y = fwd.transform(float(lon), float(lat))
            return Point(x, y).buffer(radius, quad_segs=32)
        if kind == "Polygon":
            ring = np.asarray(hp["coordinates"][0], dtype=float)
            check_lonlat(ring[:, 0], ring[:, 1])
            poly = Polygon(ring)
            if not poly.is_valid or poly.area == 0:
                raise ValueError(f"invalid polygon: {shapely.is_valid_reason(poly)}")
            return shapely.transform(
                poly, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1]))
            )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise AirspaceError(
            f"bad horizontalProjection: {exc}.",
            key_path=where,
            fix="Polygon: coordinates [[[lon, lat], ...]]; Circle: center "
            "[lon, lat] and radius (m).",
        ) from None
    raise AirspaceError(
        f"horizontalProjection type {kind!r} is not supported.",
        key_path=where,
        fix="use Polygon or Circle.",
    )


def zones_to_ed269(
    zones: Iterable[ZoneLike], *, metric_crs: str, title: str = "lowalt zones"
) -> dict[str, Any]:
    """Write zones as ED-269 JSON (polygons in WGS84 [lon, lat], limits in metres AGL)."""
    inv = transformer(metric_crs, WGS84)
    feats = []
    for i, z in enumerate(zones):
        geom = shapely.transform(
            z.geometry, lambda c: np.column_stack(inv.transform(c[:, 0], c[:, 1]))
        )
        geom = shapely.set_precision(geom, 1e-7)
        polys = list(getattr(geom, "geoms", [geom]))
        applicability = (
            [{"permanent": "YES"}]
            if not z.windows
            else [
                {"startDateTime": a.isoformat(), "endDateTime": b.isoformat()} for a, b in z.windows
            ]
        )
        feats.append(
            {
                "identifier": f"LOWALT-{i + 1:04d}",
                "country": "CHN",
                "name": z.name,
                "type": "COMMON",
                "restriction": _TO_ED.get(z.restriction, "CONDITIONAL"),
                "reason": z.reason.split(","),
                "applicability": applicability,
                "provenance": z.provenance,
                "source": z.source,
                "geometry": [
                    {
                        "uomDimensions": "M",
                        "lowerLimit": z.lower_m,
                        "lowerVerticalReference": "AGL",
                        "upperLimit": z.upper_m,
                        "upperVerticalReference": "AGL",
                        "horizontalProjection": {
                            "type": "Polygon",
                            "coordinates": mapping(p)["coordinates"],
                        },
                    }
                    for p in polys
                ],
            }
        )
    return {"title": title, "features": feats}
