"""Build lowalt's geodata layers (WGS84 GeoJSON) reproducibly from code.

Run from the repository root::

    python tools/build_geodata.py            # writes geodata/*.geojson
    python tools/build_geodata.py --out DIR  # writes somewhere else

Every number below comes from the project's facts file
(``/work/shared/reference/wuhan_facts.md``, tags [C] confirmed, [D] derived,
[E] estimated) or is a modelling choice stated next to it. Output is
deterministic: fixed feature order, coordinates rounded to 6 decimals
(~0.1 m), one feature per line, UTF-8, ``\\n`` line endings.

Geometry work is done in EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E,
metres); the files are EPSG:4326 (lon, lat) per RFC 7946, polygon exteriors
counter-clockwise.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.affinity
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, mapping
from shapely.geometry.polygon import orient

from lowalt.geo.clearance import (
    DEFAULT_BEYOND_END_M,
    DEFAULT_LATERAL_M,
    Runway,
    clearance_zone,
)
from lowalt.geo.crs import DEFAULT_METRIC_CRS, WGS84, transformer

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "geodata"
PRECISION = 6  # decimal places of lon/lat in the files (~0.1 m)
GEOD = Geod(ellps="WGS84")

Provenance = str  # "confirmed" | "derived" | "modeled"
LonLat = tuple[float, float]
RunwayPair = tuple[Runway, LineString, float]  # metric runway, WGS84 centreline, nominal m

# --------------------------------------------------------------------------- sources
# URLs as given in the facts file.
SRC_ZONE = (
    "https://wikiwand.com/zh/articles/"
    "%E6%AD%A6%E6%B1%89%E4%B8%9C%E6%B9%96%E6%96%B0%E6%8A%80%E6%9C%AF%E4%BA%A7%E4%B8%9A"
    "%E5%BC%80%E5%8F%91%E5%8C%BA"
)
SRC_TIANHE_ARP = "https://popflock.com/learn?s=Wuhan_Tianhe_International_Airport"
SRC_TIANHE_RWY = "http://otuountil.com/post/48/205302"
SRC_TIANHE_CLEARANCE = "https://www.kpfans.com/article/ja9OjmMVvK.html"
SRC_HUAHU_ARP = "https://54e1ad4b4888.kfd.me/wiki/%E9%84%82%E5%B7%9E%E6%9C%BA%E5%9C%BA"
SRC_HUAHU_RWY = "http://cpc.people.com.cn/BIG5/n1/2022/0321/c64387-32379417.html"
SRC_HUAHU_CLEARANCE = "http://ezhou.cjyun.org/p/134773.html"
SRC_HUAHU_CORNERS = "http://m.sdanke.com/wurenjibaike/44409"
SRC_HANNAN = (
    "https://wikicn.playgoteam.workers.dev/zh-mo/"
    "%E6%AD%A6%E6%B1%89%E6%B1%89%E5%8D%97%E9%80%9A%E7%94%A8%E6%9C%BA%E5%9C%BA"
)
SRC_FTC = "https://www.bkwk.cn/article/jmwhwlkjcgmhdwlltrhyxcswl.html"
SRC_EAST_LAKE = "http://wiki.china.org.cn/index.php?title=East_Lake"
SRC_HKN = "https://spc.jst.go.jp/news/241103/topic_3_03.html"
SRC_HKN_ROUTES = "http://youdao168.com/?id=672ec6ab98b51.html"
SRC_ADMIN = "https://guanggu.org/archiver/tid-9149.html"
SRC_OV_SQUARE = "https://54e1ad4b48888.kfd.me/zh-mo/%E5%85%89%E8%B0%B7%E5%B9%BF%E5%9C%BA"
SRC_DOCK = "https://nginx-sxrmtzx.sxrmapp.cn3x.com.cn/sxrmtzx/site1/mweb/202411/05/c682695.html"
SRC_WUSHANG = "http://news.xnnews.com.cn/snxw/202411/t20241114_3806083.shtml"
SRC_SIGHTSEEING = "https://blog.bobobk.com/financial/2024/11-15/10320080.html"
SRC_HUABOHUI = "https://chujupifa.com/read/-dy-article-JR4BSSJ70515AQGM.html"
SRC_HANYANG = "http://oclt.cn/page95?article_id=1096"
SRC_XINZHOU = "https://atoomu.net/society/a7d14e6a800a491f73f50bdf676c5358.html"

# --------------------------------------------------------------------------- zone
ZONE_AREA_KM2 = 518.06  # [C] SRC_ZONE
ZONE_AREA_TOLERANCE = 0.003  # the build fails if the measured area is off by more

# Hand-drawn outline of the East Lake High-tech Zone, (lon, lat), counter-clockwise,
# from the described extent [C] and general knowledge of Wuhan [E]. It is NOT an
# official boundary. It is scaled about its centroid (in EPSG:4547) to 518.06 km².
ZONE_OUTLINE: list[LonLat] = [
    # west edge: east of Zhuodaoquan Rd, from Nanwangshan past Optics Valley Square
    (114.386, 30.523), (114.383, 30.515), (114.389, 30.508), (114.392, 30.503),
    (114.387, 30.496), (114.385, 30.489), (114.383, 30.481), (114.381, 30.473),
    (114.389, 30.466),
    # south-west edge along the north-east shore of Tangxun Lake (Fozuling, Liufang)
    (114.400, 30.460), (114.412, 30.454), (114.423, 30.449), (114.433, 30.441),
    (114.441, 30.430), (114.447, 30.420),
    # south lobe (Longquan, Binhu) west of Niushan Lake down to Liangzi Lake
    (114.455, 30.410), (114.468, 30.401), (114.476, 30.391), (114.481, 30.379),
    (114.485, 30.366), (114.488, 30.354), (114.490, 30.344), (114.498, 30.336),
    # south edge: north shore of Liangzi Lake (~30.33 N)
    (114.508, 30.332), (114.518, 30.337), (114.530, 30.330), (114.543, 30.327),
    (114.556, 30.333), (114.568, 30.330), (114.580, 30.337), (114.590, 30.345),
    # east side of the south lobe (Ezhou boundary), then round Baoxie Lake
    (114.596, 30.356), (114.600, 30.368), (114.604, 30.380), (114.609, 30.392),
    (114.616, 30.401), (114.622, 30.410), (114.626, 30.421), (114.630, 30.432),
    (114.642, 30.440), (114.652, 30.449), (114.663, 30.456), (114.672, 30.468),
    # east edge: Future Tech City to the city boundary, Gedian (Ezhou), Zuoling
    (114.682, 30.479), (114.690, 30.492), (114.697, 30.506), (114.691, 30.520),
    (114.681, 30.533), (114.671, 30.545), (114.660, 30.557), (114.648, 30.569),
    (114.633, 30.578),
    # north edge: Zuoling, Huashan new town, round Yanxi Lake
    (114.617, 30.585), (114.606, 30.590), (114.588, 30.595), (114.570, 30.599),
    (114.553, 30.598), (114.540, 30.591), (114.530, 30.580), (114.524, 30.566),
    (114.512, 30.556), (114.497, 30.550), (114.484, 30.546), (114.472, 30.544),
    # north-west: south shore of East Lake, Yujiashan, Nanwangshan
    (114.461, 30.541), (114.451, 30.533), (114.441, 30.527), (114.430, 30.523),
    (114.418, 30.524), (114.407, 30.527), (114.396, 30.528),
]  # fmt: skip

# --------------------------------------------------------------------------- lakes
# (id, name, name_zh, target area km² or None to keep as drawn, outline, note)
LakeSpec = tuple[str, str, str, float | None, list[LonLat], str]
LAKES: list[LakeSpec] = [
    (
        "tangxun", "Tangxun Lake", "汤逊湖", 47.0,
        [
            (114.298, 30.428), (114.305, 30.440), (114.318, 30.446), (114.330, 30.455),
            (114.342, 30.456), (114.352, 30.463), (114.364, 30.468), (114.377, 30.466),
            (114.388, 30.458), (114.400, 30.452), (114.412, 30.446), (114.422, 30.440),
            (114.430, 30.432), (114.436, 30.422), (114.430, 30.415), (114.420, 30.420),
            (114.412, 30.428), (114.402, 30.432), (114.395, 30.425), (114.392, 30.412),
            (114.385, 30.404), (114.376, 30.410), (114.372, 30.422), (114.362, 30.428),
            (114.350, 30.425), (114.340, 30.418), (114.330, 30.412), (114.318, 30.414),
            (114.308, 30.420),
        ],
        "outline hand-drawn, scaled to a modeled 47 km²; lies along the zone's south-west edge",
    ),
    (
        "baoxie", "Baoxie Lake", "豹澥湖", 40.0,
        [
            (114.530, 30.452), (114.542, 30.462), (114.555, 30.458), (114.565, 30.468),
            (114.578, 30.470), (114.590, 30.476), (114.602, 30.472), (114.615, 30.478),
            (114.628, 30.474), (114.640, 30.466), (114.648, 30.455), (114.645, 30.444),
            (114.635, 30.440), (114.628, 30.430), (114.618, 30.422), (114.605, 30.426),
            (114.595, 30.418), (114.582, 30.422), (114.572, 30.432), (114.560, 30.430),
            (114.548, 30.436), (114.538, 30.442),
        ],
        "outline hand-drawn south of Future Tech City (which it bounds, "
        f"{SRC_FTC}), scaled to a modeled 40 km²",
    ),
    (
        "niushan", "Niushan Lake", "牛山湖", 50.0,
        [
            (114.501, 30.385), (114.511, 30.398), (114.526, 30.402), (114.538, 30.410),
            (114.554, 30.406), (114.566, 30.412), (114.581, 30.404), (114.596, 30.406),
            (114.609, 30.398), (114.618, 30.385), (114.614, 30.372), (114.604, 30.362),
            (114.591, 30.356), (114.576, 30.350), (114.561, 30.356), (114.548, 30.352),
            (114.534, 30.358), (114.521, 30.366), (114.508, 30.372),
        ],
        "outline hand-drawn north of Liangzi Lake, scaled to a modeled 50 km²; "
        "east tip modeled outside the zone (Ezhou side)",
    ),
    (
        "yandong", "Yandong Lake", "严东湖", 11.0,
        [
            (114.578, 30.548), (114.585, 30.556), (114.596, 30.558), (114.606, 30.562),
            (114.616, 30.558), (114.624, 30.550), (114.620, 30.541), (114.608, 30.538),
            (114.597, 30.540), (114.588, 30.537),
        ],
        "outline hand-drawn north of Future Tech City (which it bounds, "
        f"{SRC_FTC}), scaled to a modeled 11 km²",
    ),
    (
        "east_lake_se", "East Lake (south and east lobes only)", "东湖（南部、东部湖区）", 12.0,
        [
            (114.405, 30.540), (114.415, 30.535), (114.425, 30.532), (114.436, 30.536),
            (114.446, 30.542), (114.455, 30.550), (114.462, 30.560), (114.465, 30.572),
            (114.458, 30.580), (114.447, 30.576), (114.438, 30.568), (114.428, 30.563),
            (114.418, 30.560), (114.410, 30.552),
        ],
        "only the lobes next to the zone, hand-drawn and scaled to a modeled 12 km² "
        f"(whole lake water area 33 km² [C] {SRC_EAST_LAKE})",
    ),
    (
        "liangzi_north", "Liangzi Lake (northern part only)", "梁子湖（北部）", None,
        [
            (114.485, 30.330), (114.500, 30.326), (114.515, 30.332), (114.530, 30.324),
            (114.545, 30.321), (114.558, 30.328), (114.572, 30.324), (114.585, 30.332),
            (114.600, 30.338), (114.615, 30.345), (114.628, 30.340), (114.640, 30.330),
            (114.650, 30.315), (114.655, 30.295), (114.648, 30.275), (114.630, 30.262),
            (114.610, 30.258), (114.590, 30.265), (114.572, 30.260), (114.552, 30.268),
            (114.535, 30.262), (114.515, 30.272), (114.500, 30.285), (114.490, 30.300),
            (114.482, 30.315),
        ],
        "only the northern part near the zone's south edge, hand-drawn, not scaled; "
        "the rest of the lake is not modeled",
    ),
]  # fmt: skip

# --------------------------------------------------------------------------- airports
TIANHE_ARP: LonLat = (114.20806, 30.78361)  # [C] SRC_TIANHE_ARP
TIANHE_HEADING_TRUE_DEG = 37.0  # [E] runways 04/22, magnetic variation ~3-4 deg W
# (name, length m [C], lateral offset from the ARP m, positive = ESE of the axis)
# R2 is 2,100 m east of R1 and R3 360 m east of R2 [C]; the runway system is
# centred laterally on the ARP and all runways share one along-axis midpoint [E].
TIANHE_RUNWAYS: list[tuple[str, float, float]] = [
    ("R1", 3400.0, -1230.0),
    ("R2", 3600.0, 870.0),
    ("R3", 3200.0, 1230.0),
]

HUAHU_ARP: LonLat = (115.0296111, 30.3428556)  # [C] SRC_HUAHU_ARP
# Published clearance-zone corners [C] SRC_HUAHU_CORNERS, DMS -> decimal [D], (lon, lat).
HUAHU_CORNERS: dict[str, LonLat] = {
    "NW": (114.966403, 30.552133),
    "NE": (115.190739, 30.520767),
    "SW": (114.888128, 30.164775),
    "SE": (115.111619, 30.128789),
}
HUAHU_HEADING_TRUE_DEG = 9.9  # [D] from the published corners
HUAHU_RUNWAY_LENGTH_M = 3600.0  # [C]
HUAHU_SPACING_M = 1900.0  # [C]
HUAHU_STAGGER_M = 200.0  # [C] east runway offset 200 m south
HUAHU_CORNER_TOLERANCE_M = 500.0

HANNAN_ARP: LonLat = (114.0553611, 30.2517806)  # [C] SRC_HANNAN
HANNAN_HEADING_TRUE_DEG = 37.0  # [E] runway 04/22, same variation assumption as Tianhe
HANNAN_RUNWAY_LENGTH_M = 1600.0  # [C]

AIRSPACE_UPPER_M = 3000.0  # modelling choice: top of "low altitude" (extendable to 3,000 m)


# --------------------------------------------------------------------------- helpers
def _to_metric(geom: shapely.Geometry) -> shapely.Geometry:
    fwd = transformer(WGS84, DEFAULT_METRIC_CRS)
    return shapely.transform(geom, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))


def _to_wgs84(geom: shapely.Geometry) -> shapely.Geometry:
    inv = transformer(DEFAULT_METRIC_CRS, WGS84)
    return shapely.transform(geom, lambda c: np.column_stack(inv.transform(c[:, 0], c[:, 1])))


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    rounded = shapely.transform(geom, lambda c: np.round(c, PRECISION))
    if isinstance(rounded, Polygon):
        rounded = orient(rounded, sign=1.0)  # RFC 7946: exterior counter-clockwise
    if rounded.is_empty or not rounded.is_valid:
        msg = f"geometry became invalid after rounding: {shapely.is_valid_reason(rounded)}"
        raise RuntimeError(msg)
    return rounded


def area_km2(geom_lonlat: shapely.Geometry) -> float:
    """Area of a WGS84 geometry measured in EPSG:4547, km²."""
    return float(_to_metric(geom_lonlat).area) / 1e6


def _scaled_to_area(poly_lonlat: Polygon, target_km2: float) -> Polygon:
    """Scale a WGS84 polygon about its centroid (in EPSG:4547) to ``target_km2``."""
    metric = _to_metric(poly_lonlat)
    factor = math.sqrt(target_km2 * 1e6 / metric.area)
    scaled = shapely.affinity.scale(metric, factor, factor, origin="centroid")
    return _round(_to_wgs84(scaled))


def _offset(lonlat: LonLat, heading_deg: float, lateral_m: float, along_m: float) -> LonLat:
    """Move a point ``lateral_m`` to the right of and ``along_m`` along a true heading."""
    lon, lat, _ = GEOD.fwd(lonlat[0], lonlat[1], heading_deg + 90.0, lateral_m)
    lon, lat, _ = GEOD.fwd(lon, lat, heading_deg, along_m)
    return (float(lon), float(lat))


def _feature(geom: shapely.Geometry, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": mapping(_round(geom))}


def _write(out_dir: Path, filename: str, layer: str, features: list[dict[str, Any]]) -> None:
    for f in features:
        p = f["properties"]
        if p["provenance"] not in {"confirmed", "derived", "modeled"} or not p["source"]:
            msg = f"{filename}: feature {p.get('id')} lacks a valid provenance/source"
            raise RuntimeError(msg)
    lines = [
        "{",
        '"type": "FeatureCollection",',
        f'"name": {json.dumps(layer)},',
        '"features": [',
        ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features),
        "]",
        "}",
    ]
    (out_dir / filename).write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- layers
def build_zone() -> Polygon:
    """East Lake High-tech Zone outline (WGS84), scaled to 518.06 km² in EPSG:4547."""
    raw = orient(Polygon(ZONE_OUTLINE), sign=1.0)
    if not raw.is_valid:
        msg = f"hand-drawn zone outline is invalid: {shapely.is_valid_reason(raw)}"
        raise RuntimeError(msg)
    zone = _scaled_to_area(raw, ZONE_AREA_KM2)
    measured = area_km2(zone)
    if abs(measured / ZONE_AREA_KM2 - 1.0) > ZONE_AREA_TOLERANCE:
        msg = f"zone area {measured:.2f} km² is not within 0.3 % of {ZONE_AREA_KM2}"
        raise RuntimeError(msg)
    return zone


def build_lakes() -> list[tuple[LakeSpec, Polygon]]:
    """Modeled lake polygons (WGS84), each scaled to its target area."""
    out: list[tuple[LakeSpec, Polygon]] = []
    for spec in LAKES:
        _, name, _, target, outline, _ = spec
        poly = orient(Polygon(outline), sign=1.0)
        if not poly.is_valid:
            msg = f"lake outline {name} is invalid: {shapely.is_valid_reason(poly)}"
            raise RuntimeError(msg)
        out.append((spec, _round(poly) if target is None else _scaled_to_area(poly, target)))
    for i, (spec_a, a) in enumerate(out):
        for spec_b, b in out[i + 1 :]:
            if a.intersects(b):
                msg = f"modeled lakes {spec_a[1]} and {spec_b[1]} overlap"
                raise RuntimeError(msg)
    return out


def tianhe_runways() -> list[RunwayPair]:
    """Tianhe's three runways: metric :class:`Runway` and WGS84 centreline."""
    out = []
    for name, length, lateral in TIANHE_RUNWAYS:
        centre = _offset(TIANHE_ARP, TIANHE_HEADING_TRUE_DEG, lateral, 0.0)
        out.append(_runway_pair(name, centre, TIANHE_HEADING_TRUE_DEG, length))
    return out


def huahu_runways() -> list[RunwayPair]:
    """Huahu's two runways around the derived zone centre (mean of the corners)."""
    centre: LonLat = (
        float(np.mean([c[0] for c in HUAHU_CORNERS.values()])),
        float(np.mean([c[1] for c in HUAHU_CORNERS.values()])),
    )
    h = HUAHU_HEADING_TRUE_DEG
    half_gap, half_stagger = HUAHU_SPACING_M / 2.0, HUAHU_STAGGER_M / 2.0
    west = _offset(centre, h, -half_gap, +half_stagger)
    east = _offset(centre, h, +half_gap, -half_stagger)
    return [
        _runway_pair("west runway", west, h, HUAHU_RUNWAY_LENGTH_M),
        _runway_pair("east runway", east, h, HUAHU_RUNWAY_LENGTH_M),
    ]


def hannan_runways() -> list[RunwayPair]:
    """Hannan's single runway 04/22 centred on the airport coordinate."""
    return [_runway_pair("04/22", HANNAN_ARP, HANNAN_HEADING_TRUE_DEG, HANNAN_RUNWAY_LENGTH_M)]


def _runway_pair(name: str, centre: LonLat, heading_true_deg: float, length_m: float) -> RunwayPair:
    """Metric runway, its WGS84 centreline and its nominal (published) length in m."""
    rw = Runway.from_lonlat(name, centre, heading_true_deg, length_m)
    line = _to_wgs84(LineString([rw.threshold_a_xy, rw.threshold_b_xy]))
    return rw, line, length_m


def huahu_corner_deviations(zone_lonlat: Polygon) -> dict[str, float]:
    """Distance (m, geodesic) from each published Huahu corner to the nearest zone vertex."""
    vertices = list(zone_lonlat.exterior.coords)[:-1]
    out: dict[str, float] = {}
    for key, (lon, lat) in HUAHU_CORNERS.items():
        dists = [GEOD.inv(lon, lat, vx, vy)[2] for vx, vy in vertices]
        out[key] = float(min(dists))
    return out


# --------------------------------------------------------------------------- features
def zone_features(zone: Polygon, water_km2: float) -> list[dict[str, Any]]:
    props = {
        "id": "east_lake_hightech_zone",
        "name": "East Lake High-tech Zone (Optics Valley)",
        "name_zh": "东湖新技术开发区（光谷）",
        "provenance": "modeled",
        "source": (
            "outline hand-drawn from the described extent (west edge at Optics Valley Square, "
            "east of Zhuodaoquan Rd; east to Zuoling and the Ezhou Gedian boundary; north along "
            "Nanwangshan-Yujiashan-Huashan; south to the north shore of Liangzi Lake) and scaled "
            f"in EPSG:4547 to the confirmed area of {ZONE_AREA_KM2} km²; "
            f"extent and area: {SRC_ZONE}"
        ),
        "area_km2": round(area_km2(zone), 2),
        "area_km2_official": ZONE_AREA_KM2,
        "water_km2_modeled": round(water_km2, 2),
        "note": "NOT the official boundary; do not present as such",
    }
    return [_feature(zone, props)]


def lake_features(lakes: list[tuple[LakeSpec, Polygon]]) -> list[dict[str, Any]]:
    feats = []
    for (lake_id, name, name_zh, _, _, note), poly in lakes:
        props = {
            "id": lake_id,
            "name": name,
            "name_zh": name_zh,
            "kind": "lake",
            "provenance": "modeled",
            "source": note,
            "area_km2": round(area_km2(poly), 2),
        }
        feats.append(_feature(poly, props))
    return feats


def runway_features(
    airports: Sequence[tuple[str, str, float, Provenance, str, list[RunwayPair]]],
) -> list[dict[str, Any]]:
    feats = []
    for airport, airport_zh, heading, provenance, source, runways in airports:
        for rw, line, length_m in runways:
            props = {
                "id": f"{airport.split()[1].lower()}_{rw.name.replace('/', '_').replace(' ', '_')}",
                "name": f"{airport} {rw.name}",
                "name_zh": f"{airport_zh} {rw.name}",
                "airport": airport,
                "length_m": length_m,
                "heading_deg": heading,
                "heading_ref": "true",
                "provenance": provenance,
                "source": source,
            }
            feats.append(_feature(line, props))
    return feats


def airspace_features(
    zones: Sequence[tuple[str, str, str, str, Provenance, str, Polygon, dict[str, Any]]],
) -> list[dict[str, Any]]:
    feats = []
    for zone_id, name, name_zh, restriction, provenance, source, poly, extra in zones:
        props = {
            "id": zone_id,
            "name": name,
            "name_zh": name_zh,
            "restriction": restriction,
            "reason": "AIR_TRAFFIC",
            "lower_m": 0.0,
            "upper_m": AIRSPACE_UPPER_M,
            "altitude_ref": "AGL",
            "provenance": provenance,
            "source": source,
            "area_km2": round(area_km2(poly), 2),
            **extra,
        }
        feats.append(_feature(poly, props))
    return feats


def _estimated(uncertainty_m: float, site_source: str) -> tuple[Provenance, str, float | None]:
    return (
        "modeled",
        f"coordinate estimated (facts §2 [E], ±{uncertainty_m / 1000:g} km); "
        f"site named in {site_source}",
        uncertainty_m,
    )


# (id, name, name_zh, kind, (lon, lat), (provenance, source, uncertainty_m))
SiteSpec = tuple[str, str, str, str, LonLat, tuple[Provenance, str, float | None]]
SITES: list[SiteSpec] = [
    ("tianhe_arp", "Wuhan Tianhe International Airport (ARP)", "武汉天河国际机场",
     "airport", TIANHE_ARP, ("confirmed", SRC_TIANHE_ARP, None)),
    ("huahu_arp", "Ezhou Huahu International Airport (ARP)", "鄂州花湖国际机场",
     "airport", HUAHU_ARP, ("confirmed", SRC_HUAHU_ARP, None)),
    ("hannan_airport", "Wuhan Hannan General Airport", "武汉汉南通用机场",
     "airport", HANNAN_ARP, ("confirmed", SRC_HANNAN, None)),
    ("hankou_north_port", "Hankou North low-altitude port", "汉口北低空港",
     "port", (114.322, 30.712), _estimated(1500.0, SRC_HKN)),
    ("optics_valley_square", "Optics Valley Square", "光谷广场",
     "landmark", (114.398, 30.505), _estimated(1000.0, SRC_OV_SQUARE)),
    ("zone_administration", "East Lake High-tech Zone Administrative Committee",
     "东湖高新区管委会", "government", (114.497, 30.478), _estimated(2000.0, SRC_ADMIN)),
    ("future_tech_city", "Wuhan Future Tech City (centre)", "武汉未来科技城",
     "district", (114.63, 30.50), _estimated(1000.0, SRC_FTC)),
    ("changlingshan_dock", "Shared-drone dock, Changlingshan (Guanshan Rd inspection station)",
     "豹澥街长岭山无人机机库（关山公路检测站）", "dock", (114.58, 30.48),
     _estimated(1000.0, SRC_DOCK)),
    ("east_lake_centre", "East Lake (centre)", "东湖",
     "lake", (114.38, 30.55), _estimated(1000.0, SRC_EAST_LAKE)),
    ("wuhan_living_room", "Wuhan Living Room", "武汉客厅",
     "landmark", (114.232, 30.671), _estimated(2000.0, SRC_HKN_ROUTES)),
    ("wuhan_expo_centre", "Wuhan International Expo Centre (Xinhua Rd)", "武汉国际会展中心",
     "landmark", (114.271, 30.594), _estimated(1000.0, SRC_HKN_ROUTES)),
    ("hanzheng_street", "Hanzheng Street", "汉正街",
     "landmark", (114.278, 30.572), _estimated(1000.0, SRC_HKN_ROUTES)),
    ("wushang_mall", "Wushang MALL", "武商MALL",
     "landmark", (114.268, 30.585), _estimated(1000.0, SRC_WUSHANG)),
    ("wushang_dream_time", "Wushang Dream Time", "武商梦时代",
     "landmark", (114.334, 30.535), _estimated(1000.0, SRC_WUSHANG)),
    ("nananzui", "Nananzui", "南岸嘴",
     "landmark", (114.2865, 30.5585), _estimated(1000.0, SRC_SIGHTSEEING)),
    ("jiangang", "Jiangang", "建港",
     "landmark", (114.272, 30.520), _estimated(1000.0, SRC_SIGHTSEEING)),
    ("qingshan_riverside", "Qingshan riverside park", "青山江滩",
     "landmark", (114.392, 30.642), _estimated(1000.0, SRC_SIGHTSEEING)),
    ("huabohui", "Huabohui (Caidian)", "花博汇",
     "landmark", (114.06, 30.48), _estimated(3000.0, SRC_HUABOHUI)),
    ("huangjinkou", "Hanyang low-altitude eco centre, Huangjinkou (AutoFlight base)",
     "汉阳造低空生态中心（黄金口）", "industry", (114.180, 30.547),
     _estimated(2000.0, SRC_HANYANG)),
    ("xinzhou_lijijie", "Lijijie town centre, Xinzhou", "新洲李集街",
     "town", (114.85, 31.00), _estimated(5000.0, SRC_XINZHOU)),
]  # fmt: skip


def site_features() -> list[dict[str, Any]]:
    feats = []
    for site_id, name, name_zh, kind, lonlat, (prov, source, unc) in SITES:
        props = {
            "id": site_id,
            "name": name,
            "name_zh": name_zh,
            "kind": kind,
            "provenance": prov,
            "source": source,
            "uncertainty_m": unc,
        }
        feats.append(_feature(Point(lonlat), props))
    return feats


# --------------------------------------------------------------------------- main
def build(out_dir: Path, *, log: Callable[[str], None] = print) -> dict[str, float]:
    """Write every layer into ``out_dir`` and return the key figures.

    Parameters
    ----------
    out_dir
        Target directory (created if missing).
    log
        Where to send the one-line summaries.

    Returns
    -------
    dict
        ``zone_km2``, ``water_km2``, ``water_share``, ``tianhe_km2``,
        ``huahu_km2``, ``hannan_km2`` (areas in EPSG:4547) and
        ``huahu_max_corner_dev_m`` (geodesic metres).
    """
    out_dir.mkdir(parents=True, exist_ok=True)

    zone = build_zone()
    lakes = build_lakes()
    zone_m = _to_metric(zone)
    water_km2 = float(
        shapely.union_all([_to_metric(p) for _, p in lakes]).intersection(zone_m).area / 1e6
    )
    _write(out_dir, "east_lake_zone.geojson", "east_lake_zone", zone_features(zone, water_km2))
    _write(out_dir, "lakes.geojson", "lakes", lake_features(lakes))

    tianhe, huahu, hannan = tianhe_runways(), huahu_runways(), hannan_runways()
    rule = (
        f"runway axis ±{DEFAULT_LATERAL_M / 1000:g} km and {DEFAULT_BEYOND_END_M / 1000:g} km "
        "beyond each end, convex hull (lowalt.clearance.clearance_zone)"  # data text: kept as built
    )
    tianhe_zone = _round(_to_wgs84(clearance_zone([rw for rw, *_ in tianhe])))
    huahu_zone = _round(_to_wgs84(clearance_zone([rw for rw, *_ in huahu])))
    hannan_zone = _round(_to_wgs84(clearance_zone([rw for rw, *_ in hannan])))
    deviations = huahu_corner_deviations(huahu_zone)
    max_dev = max(deviations.values())
    if max_dev > HUAHU_CORNER_TOLERANCE_M:
        msg = f"Huahu zone corners deviate up to {max_dev:.0f} m from the published ones"
        raise RuntimeError(msg)

    airspace = airspace_features(
        [
            (
                "tianhe_clearance", "Wuhan Tianhe Airport clearance core zone",
                "武汉天河国际机场净空保护区", "prohibited", "modeled",
                f"{rule}; runway positions reconstructed from the ARP, lengths and spacings "
                f"(heading 037° true estimated); rule: {SRC_TIANHE_CLEARANCE}; "
                f"runways: {SRC_TIANHE_RWY}",
                tianhe_zone, {"rule": rule},
            ),
            (
                "huahu_clearance", "Ezhou Huahu Airport clearance core zone",
                "鄂州花湖国际机场净空保护区", "prohibited", "derived",
                f"{rule}; two 3,600 m runways 1,900 m apart, east runway 200 m south "
                f"({SRC_HUAHU_RWY}), heading 009.9° true and centre derived from the published "
                f"corners ({SRC_HUAHU_CORNERS}); rule: {SRC_HUAHU_CLEARANCE}",
                huahu_zone,
                {"rule": rule, "max_corner_deviation_m": round(max_dev, 1)},
            ),
            (
                "hannan_clearance", "Wuhan Hannan General Airport protection zone (modeled)",
                "武汉汉南通用机场净空保护区（模型）", "authorization_required", "modeled",
                f"{rule}, applied by analogy to a GA airport (not confirmed for Hannan); runway "
                f"1,600 m 04/22 ({SRC_HANNAN}), heading 037° true estimated",
                hannan_zone, {"rule": rule},
            ),
        ]
    )  # fmt: skip
    _write(out_dir, "airspace.geojson", "airspace", airspace)

    runways = runway_features(
        [
            ("Wuhan Tianhe", "武汉天河机场", TIANHE_HEADING_TRUE_DEG, "modeled",
             "lengths and spacings (R2 2,100 m east of R1, R3 360 m east of R2) from "
             f"{SRC_TIANHE_RWY}; positions reconstructed around the ARP ({SRC_TIANHE_ARP}), "
             "heading 037° true estimated", tianhe),
            ("Ezhou Huahu", "鄂州花湖机场", HUAHU_HEADING_TRUE_DEG, "derived",
             f"lengths, spacing and stagger from {SRC_HUAHU_RWY}; centre and heading derived "
             f"from the published clearance-zone corners ({SRC_HUAHU_CORNERS})", huahu),
            ("Wuhan Hannan", "武汉汉南机场", HANNAN_HEADING_TRUE_DEG, "modeled",
             f"centre and 1,600 m length from {SRC_HANNAN}; heading 037° true estimated "
             "from runway designator 04/22", hannan),
        ]
    )  # fmt: skip
    _write(out_dir, "runways.geojson", "runways", runways)
    _write(out_dir, "sites.geojson", "sites", site_features())

    figures = {
        "zone_km2": area_km2(zone),
        "water_km2": water_km2,
        "water_share": water_km2 / area_km2(zone),
        "tianhe_km2": area_km2(tianhe_zone),
        "huahu_km2": area_km2(huahu_zone),
        "hannan_km2": area_km2(hannan_zone),
        "huahu_max_corner_dev_m": max_dev,
    }
    log(f"zone: {figures['zone_km2']:.2f} km² ({len(zone.exterior.coords) - 1} vertices)")
    log(f"water in zone: {water_km2:.1f} km² ({figures['water_share']:.1%})")
    for (_, name, *_), poly in lakes:
        log(f"lake {name}: {area_km2(poly):.1f} km²")
    log(f"Tianhe clearance zone: {figures['tianhe_km2']:.1f} km²")
    log(f"Huahu clearance zone: {figures['huahu_km2']:.1f} km²")
    log("Huahu corner deviations (m): " + ", ".join(f"{k} {v:.0f}" for k, v in deviations.items()))
    log(f"Hannan protection zone: {figures['hannan_km2']:.1f} km²")
    log(f"wrote 5 layers to {out_dir}")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
