"""Build geodata/routes.geojson: Wuhan's 24 low-altitude pilot routes (modeled geometry).

Run from the repository root::

    python tools/build_routes.py            # writes geodata/routes.geojson
    python tools/build_routes.py --out DIR  # writes DIR/routes.geojson

Counts follow the project brief: 8 passenger, 15 cargo, 1 monitoring; 15 open, 9 in
progress. **That split is unconfirmed** (facts §1.1: sources say 8 passenger + 16 drone
routes; no source gives 15/1 or 15/9). Named routes come from facts §1.2; routes whose
endpoints are not public are placeholders (``route_basis = "modeled"``). Every endpoint
except the three airport reference points is an estimated coordinate, so every track is
``provenance = "modeled"``. Point-to-point drone routes are straight lines; riverside
sightseeing routes follow estimated riverside points; local-area routes are 16-gon
loops; fixed-wing routes into Huahu and Tianhe are planned with :func:`lowalt.flight.routing.
plan_route` around the prohibited clearance zones with runway-axis arrivals. Output is
deterministic (6 decimals, fixed order) and uses ``build_geodata``'s writer.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shapely.geometry import LineString

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_geodata as bg

from lowalt.flight.profiles import PROFILES
from lowalt.flight.routing import RunwayProcedure, load_runways, load_zones, plan_route

DEFAULT_OUT = bg.DEFAULT_OUT
SPLIT = (
    "type and status counts (8 passenger / 15 cargo / 1 monitoring; 15 open / 9 in progress) "
    "follow the project brief and are UNCONFIRMED (facts §1.1: 8 passenger + 16 drone routes); "
    "status: open if it flew before the 2025-03-18 launch event, in_progress if approved or "
    "first flown later, else modeled to fit the split"
)
SITE = {s[0]: s[4] for s in bg.SITES}
SRC_163 = "https://hb.news.163.com/24/1202/11/JIDBNK2O04089AUO.html"
SRC_ROUTES = "https://www.mpbk.net/news/b5Vx0WmVNm.html"
SRC_KODIAK = "https://xd56b.com/home/dkjj/2025/0818/50562.html"
SRC_HANSHANG = "https://english.news.cn/20250617/88ba3a99fc3f45ed964fb48e84fd0da3/c.html"
SRC_YANGXIN = "https://hsgd.net.cn/page86.html?article_id=127021"
SRC_BLOOD = "http://c184.com/express/26710.html"

# Extra estimated points [E] (lon, lat) with their ± in km; not in sites.geojson.
PTS: dict[str, tuple[float, float, float]] = {
    "hkn_industrial_city": (114.352, 30.735, 3), "baima_market": (114.300, 30.690, 5),
    "blood_centre": (114.255, 30.588, 1.5), "asia_heart": (114.215, 30.515, 3),
    "lizhen_village": (114.900, 31.040, 10), "hanshang_port": (114.335, 30.541, 2),
    "hkn_flower_town": (114.345, 30.745, 5), "zhongjiacun": (114.265, 30.551, 1),
    "yangxin": (115.215, 29.830, 5), "wudangshan_airport": (110.908, 32.592, 2),
    "jingzhou_shashi_old": (112.280, 30.310, 10), "zhongshan_rd_wuchang": (114.302, 30.553, 1),
}  # fmt: skip
NORTH_BANK = [(114.318, 30.603), (114.310, 30.595), (114.300, 30.585), (114.293, 30.575),
              (114.290, 30.567), SITE["nananzui"], (114.283, 30.552), (114.276, 30.532),
              SITE["jiangang"]]  # fmt: skip
SOUTH_BANK = [SITE["qingshan_riverside"], (114.365, 30.622), (114.340, 30.600),
              (114.318, 30.578), PTS["zhongshan_rd_wuchang"][:2]]  # fmt: skip


def P(key: str) -> tuple[float, float]:
    return SITE[key] if key in SITE else PTS[key][:2]


def loop(centre: tuple[float, float], radius_m: float) -> list[tuple[float, float]]:
    pts = [bg.GEOD.fwd(centre[0], centre[1], 22.5 * k, radius_m)[:2] for k in range(16)]
    return [(float(x), float(y)) for x, y in [*pts, pts[0]]]


# (id, name, name_zh, type, status, profile, lower, upper, geometry, basis, source, reported)
Spec = tuple[str, str, str, str, str, str, float, float, Any, str, str, str]
PAX, CARGO, MON, OPEN, PROG = "passenger", "cargo", "monitoring", "open", "in_progress"
ROUTES: list[Spec] = [
    ("hannan_wudangshan", "Hannan Airport - Shiyan Wudangshan (air bus)", "汉南机场—十堰武当山机场",
     PAX, OPEN, "kodiak100", 300, 3000, [P("hannan_airport"), P("wudangshan_airport")],
     "confirmed", SRC_ROUTES, "515 km, ~2.5 h, opened 2024-10-15, Kodiak 100, later Y-12 IV"),
    ("hannan_jingzhou", "Hannan Airport - Jingzhou (old Shashi airport)", "汉南机场—荆州",
     PAX, OPEN, "kodiak100", 300, 3000, [P("hannan_airport"), P("jingzhou_shashi_old")],
     "confirmed", SRC_ROUTES, "175 km, ~1 h, Wednesdays"),
    ("yangtze_north_sightseeing", "Yangtze north-bank sightseeing (Nananzui - Jiangang)",
     "长江北岸空中游览（南岸嘴—建港）", PAX, OPEN, "ec135_sightseeing", 150, 300, NORTH_BANK,
     "confirmed", bg.SRC_SIGHTSEEING, "<=300 m, ~25 km out and back both ways, 15-20 min, EC135"),
    ("yangtze_south_sightseeing", "Yangtze south-bank sightseeing (Qingshan - Zhongshan Rd)",
     "长江南岸空中游览（青山江滩—中山路）", PAX, OPEN, "ec135_sightseeing", 150, 300, SOUTH_BANK,
     "confirmed", bg.SRC_SIGHTSEEING, "<=300 m, ~26 km (flown out and back), 15-20 min"),
    ("huabohui_local", "Huabohui sightseeing and training (local)", "花博汇空中游览及训练",
     PAX, OPEN, "ec135_sightseeing", 150, 300, ("loop", "huabohui", 3000.0),
     "confirmed", bg.SRC_HUABOHUI, "approved early 2025; loop radius 3 km modeled"),
    ("hannan_local", "Hannan Airport sightseeing and training (local)", "汉南机场空中游览及训练",
     PAX, OPEN, "ec135_sightseeing", 150, 300, ("loop", "hannan_airport", 5000.0),
     "confirmed", bg.SRC_HUABOHUI, "approved early 2025; loop radius 5 km modeled"),
    ("huabohui_hannan_ferry", "Huabohui - Hannan Airport ferry", "花博汇—汉南机场转场",
     PAX, OPEN, "ec135_sightseeing", 150, 300, [P("huabohui"), P("hannan_airport")],
     "confirmed", bg.SRC_HUABOHUI, "approved early 2025"),
    ("huangjinkou_yangxin", "Hanyang (Huangjinkou) - Yangxin intercity sightseeing",
     "汉阳（黄金口）—阳新", PAX, PROG, "prosperity", 150, 300, [P("huangjinkou"), P("yangxin")],
     "confirmed", SRC_YANGXIN, "first flight 2025-04-10; aircraft type not stated (eVTOL assumed)"),
    ("hkn_industrial_city", "Hankou North port - Hankou North industrial city",
     "汉口北低空港—汉口北工业城", CARGO, OPEN, "hkn_light_logistics", 60, 120,
     [P("hankou_north_port"), P("hkn_industrial_city")], "confirmed", bg.SRC_HKN_ROUTES,
     "opened 2024-11-12; 30 kg, 28 km range; 4-20 min per route"),
    ("hkn_living_room", "Hankou North port - Wuhan Living Room", "汉口北低空港—武汉客厅",
     CARGO, OPEN, "hkn_light_logistics", 60, 120, [P("hankou_north_port"), P("wuhan_living_room")],
     "confirmed", bg.SRC_HKN_ROUTES, "opened 2024-11-12; re-approved early 2025"),
    ("hkn_hanzheng", "Hankou North port - Hanzheng Street", "汉口北低空港—汉正街",
     CARGO, OPEN, "hkn_light_logistics", 60, 120, [P("hankou_north_port"), P("hanzheng_street")],
     "confirmed", bg.SRC_HKN_ROUTES, "opened 2024-11-12"),
    ("hkn_expo", "Hankou North port - Wuhan International Expo Centre",
     "汉口北低空港—武汉国际会展中心", CARGO, OPEN, "hkn_light_logistics", 60, 120,
     [P("hankou_north_port"), P("wuhan_expo_centre")], "confirmed", bg.SRC_HKN_ROUTES,
     "opened 2024-11-12; ~15 min by drone vs ~30 min by car"),
    ("hkn_baima", "Hankou North port - Baima market", "汉口北低空港—白马市集",
     CARGO, OPEN, "hkn_light_logistics", 60, 120, [P("hankou_north_port"), P("baima_market")],
     "confirmed", bg.SRC_HUABOHUI, "approved early 2025; taken as the 5th route of 2024-11-12"),
    ("wushang_cross_river", "Wushang MALL - Wushang Dream Time (cross-river)",
     "武商MALL—武商梦时代", CARGO, OPEN, "sf_ark40", 270, 330,
     [P("wushang_mall"), P("wushang_dream_time")], "confirmed", bg.SRC_WUSHANG,
     "~10 km, ~300 m, 18 min gate to gate, first flight 2024-11-13, SF Ark-40"),
    ("blood_asia_heart", "Wuhan Blood Centre - Wuhan Asia Heart General Hospital",
     "武汉血液中心—武汉亚心总医院", CARGO, OPEN, "sf_ark40", 170, 230,
     [P("blood_centre"), P("asia_heart")], "confirmed", f"{SRC_BLOOD}; {SRC_163}",
     "19 min, SF Ark-40, climbs to ~200 m; 11 km by road (Qiaokou Baofeng Rd - Hanyang)"),
    ("xinzhou_lijijie", "Xinzhou Lijijie town - Lizhen village service station",
     "新洲李集街中心集镇—李镇村服务站", CARGO, OPEN, "hkn_light_logistics", 60, 120,
     [P("xinzhou_lijijie"), P("lizhen_village")], "confirmed", bg.SRC_XINZHOU,
     "rural parcels, 15 min by drone vs 40+ min by motorbike; tested 2024-11-06"),
    ("hanshang_flowers", "Hanshang port - Hankou North flower town", "汉商低空港—汉口北鲜花小镇",
     CARGO, PROG, "hkn_light_logistics", 60, 120, [P("hanshang_port"), P("hkn_flower_town")],
     "confirmed", SRC_HANSHANG, "~23 km, <30 min, 80 CNY; network opened 2025-06-16"),
    ("hanshang_optics_valley", "Hanshang port - Optics Valley Square (placeholder)",
     "汉商低空港—光谷广场（模型）", CARGO, PROG, "hkn_light_logistics", 60, 120,
     [P("hanshang_port"), P("optics_valley_square")], "modeled", SRC_HANSHANG,
     "one of the port's 10 routes; endpoint not public"),
    ("hanshang_zhongjiacun", "Hanshang port - Zhongjiacun, Hanyang (placeholder)",
     "汉商低空港—钟家村（模型）", CARGO, PROG, "hkn_light_logistics", 60, 120,
     [P("hanshang_port"), P("zhongjiacun")], "modeled", SRC_HANSHANG,
     "one of the port's 10 routes; endpoint not public"),
    ("hanshang_qingshan", "Hanshang port - Qingshan (placeholder)", "汉商低空港—青山（模型）",
     CARGO, PROG, "hkn_light_logistics", 60, 120, [P("hanshang_port"), P("qingshan_riverside")],
     "modeled", SRC_HANSHANG, "one of the port's 10 routes; endpoint not public"),
    ("wudangshan_huahu", "Shiyan Wudangshan - Ezhou Huahu cargo (manned Kodiak)",
     "十堰武当山—鄂州花湖货运", CARGO, PROG, "kodiak100", 300, 3000,
     ("plan", "wudangshan_airport", "huahu"), "confirmed", SRC_KODIAK,
     "opened 2025-08-01; manned Kodiak 100, so drone clearance rules do not bind it"),
    ("huahu_tianhe", "Ezhou Huahu - Wuhan Tianhe cargo (manned Kodiak)", "鄂州花湖—武汉天河货运",
     CARGO, PROG, "kodiak100", 300, 3000, ("plan", "huahu", "tianhe"), "confirmed", SRC_KODIAK,
     "opened 2025-08-15; ~30 min, 1.2 t, >300 km/h; manned Kodiak 100"),
    ("hkn_huahu_5t", "Hankou North port - Ezhou Huahu 5-t unmanned cargo corridor",
     "汉口北低空港—鄂州花湖 5吨级无人货运", CARGO, PROG, "cargo5t_fast", 300, 1000,
     ("plan", "hankou_north_port", "huahu"), "modeled", bg.SRC_HKN,
     "claimed: 5 t in 19 min (no source found, facts §4); arrival from the north along the axis"),
    ("hkn_local_monitoring", "Hankou North port local area (inspection, survey, photography)",
     "汉口北低空港本场（巡检、航拍、测绘）", MON, PROG, "dock_multirotor", 60, 120,
     ("loop", "hankou_north_port", 3000.0), "confirmed", bg.SRC_HUABOHUI,
     "approved early 2025 as a multi-use local route incl. inspection; loop radius 3 km modeled"),
]  # fmt: skip


def _planned(origin: str, dest: str, profile: str) -> LineString:
    root = bg.REPO_ROOT / "geodata"
    zones = load_zones(root / "airspace.geojson")
    rw = load_runways(root / "runways.geojson")
    huahu_arr = RunwayProcedure(rw["huahu_west_runway"], 190.0)  # main flow N -> S [C]
    if dest == "huahu":
        r = plan_route(P(origin), None, profile, zones, arrival=huahu_arr)
        return LineString(r.waypoints_lonlat)
    dep = RunwayProcedure(rw["huahu_west_runway"], 190.0)  # same flow for departures
    best = min(
        (plan_route(None, None, profile, zones, departure=dep,
                    arrival=RunwayProcedure(rw["tianhe_R3"], d)) for d in (37.0, 217.0)),
        key=lambda r: r.flight_time_s,
    )  # fmt: skip
    return LineString(best.waypoints_lonlat)


def _geometry(spec: Any, profile: str) -> LineString:
    if isinstance(spec, list):
        return LineString(spec)
    kind, a, b = spec
    if kind == "loop":
        return LineString(loop(P(a), float(b)))
    return _planned(a, b, profile)


def _how(spec: Any) -> str:
    if isinstance(spec, tuple) and spec[0] == "plan":
        return "planned with lowalt.routing.plan_route around prohibited zones"
    if isinstance(spec, tuple):
        return "16-gon loop around an estimated centre"
    return "straight/polyline through estimated points (facts §2 [E] or PTS in the script)"


def features() -> list[dict[str, Any]]:
    feats = []
    for rid, name, zh, rtype, status, prof, lo, hi, geo, basis, src, reported in ROUTES:
        line = _geometry(geo, prof)
        p = PROFILES[prof]
        props = {
            "id": rid, "name": name, "name_zh": zh, "type": rtype, "status": status,
            "profile": prof, "crewed": p.crewed, "lower_m": float(lo), "upper_m": float(hi),
            "altitude_ref": "AGL", "corridor_half_width_m": p.corridor_half_width_m,
            "length_km": round(bg._to_metric(line).length / 1000, 2),
            "route_basis": basis, "reported": reported, "provenance": "modeled",
            "source": f"{src}; geometry: {_how(geo)}; {SPLIT}",
        }  # fmt: skip
        feats.append(bg._feature(line, props))
    return feats


def build(out_dir: Path) -> Counter[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    feats = features()
    counts = Counter(f["properties"]["type"] for f in feats)
    counts.update(f["properties"]["status"] for f in feats)
    want = {PAX: 8, CARGO: 15, MON: 1, OPEN: 15, PROG: 9}
    if dict(counts) != want or len(feats) != 24:
        raise RuntimeError(f"route counts {dict(counts)} != {want}")
    bg._write(out_dir, "routes.geojson", "routes", feats)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    counts = build(args.out)
    print(f"wrote 24 routes to {args.out / 'routes.geojson'}: {dict(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
