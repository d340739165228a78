"""Aircraft performance profiles for route planning, with a labelled default catalogue.

An :class:`AircraftProfile` says how fast an aircraft cruises, climbs and descends, which
altitude band it flies in (metres above ground level, AGL), how far it can go and how
wide a corridor it needs. Fixed-wing profiles also say that they need a runway and how
long the straight departure and approach legs along the runway axis are.

:data:`PROFILES` holds the defaults, keyed by short ids. Every number comes from the
project's facts file (``wuhan_facts.md``; tags [C] confirmed, [D] derived, [E] estimated);
``field_sources`` says, per field, which tag and source it rests on. A profile whose key
performance numbers include an estimate has ``provenance="modeled"``. Scenarios change
fields with :func:`with_overrides` or :func:`resolve_profile`, which validate names and
values and raise :class:`~lowalt.errors.ScenarioError` with the offending key.

Units: metres, seconds, metres per second, kilograms. Altitudes are AGL.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from lowalt.errors import ScenarioError
from lowalt.flight.units import kmh_to_mps, knots_to_mps
from lowalt.limits import PROFILE_BOUNDS

__all__ = [
    "CATEGORIES",
    "PROFILES",
    "AircraftProfile",
    "resolve_profile",
    "with_overrides",
]

CATEGORIES = ("multirotor", "evtol", "fixed_wing", "helicopter")
PROVENANCES = ("confirmed", "derived", "modeled")

_POSITIVE = (
    "cruise_speed_mps",
    "climb_rate_mps",
    "descent_rate_mps",
    "range_m",
    "corridor_half_width_m",
)
_NON_NEGATIVE = (
    "min_altitude_m",
    "payload_kg",
    "departure_straight_m",
    "approach_straight_m",
    "launch_delay_s",
)
_OPTIONAL_POSITIVE = ("endurance_s", "mtow_kg", "max_crosswind_mps", "min_runway_m")


@dataclass(frozen=True)
class AircraftProfile:
    """Performance and operating envelope of one aircraft class.

    Attributes
    ----------
    id, name
        Short key (as in :data:`PROFILES`) and display name.
    category
        One of :data:`CATEGORIES`. ``fixed_wing`` climbs and descends along the track;
        the others climb and descend vertically over their pads (see ``climb_mode``).
    cruise_speed_mps
        True airspeed in cruise, m/s.
    climb_rate_mps, descent_rate_mps
        Vertical speeds, m/s.
    min_altitude_m, max_altitude_m, cruise_altitude_m
        Altitude band the aircraft may cruise in and its default cruise height, m AGL.
    range_m
        Usable range, metres of horizontal track.
    payload_kg
        Design payload, kg.
    corridor_half_width_m
        Lateral half-width of the corridor protecting its track, metres.
    endurance_s, mtow_kg
        Usable endurance (s) and maximum take-off mass (kg); ``None`` when unknown.
    needs_runway
        Whether it takes off and lands on a runway (then use runway procedures).
    departure_straight_m, approach_straight_m
        Minimum straight climb-out past the departure end and straight-in final before
        the landing threshold, along the runway axis, metres.
    launch_delay_s
        From dispatch to airborne (dock lid and take-off, or taxi and take-off roll), s.
    max_crosswind_mps, min_runway_m
        Crosswind limit on the runway (m/s) and runway length needed (m), or ``None``.
    crewed
        Whether a pilot is on board (manned aircraft are outside drone rules).
    provenance, source
        ``confirmed``/``derived``/``modeled`` for the profile as a whole, and a summary.
    field_sources
        Per-field tag and source, e.g. ``{"range_m": "[C] 28 km, http://..."}``.
    """

    id: str
    name: str
    category: str
    cruise_speed_mps: float
    climb_rate_mps: float
    descent_rate_mps: float
    min_altitude_m: float
    max_altitude_m: float
    cruise_altitude_m: float
    range_m: float
    payload_kg: float
    corridor_half_width_m: float
    endurance_s: float | None = None
    mtow_kg: float | None = None
    needs_runway: bool = False
    departure_straight_m: float = 0.0
    approach_straight_m: float = 0.0
    launch_delay_s: float = 0.0
    max_crosswind_mps: float | None = None
    min_runway_m: float | None = None
    crewed: bool = False
    provenance: str = "modeled"
    source: str = ""
    field_sources: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False, repr=False
    )

    def __post_init__(self) -> None:
        def bad(name: str, why: str) -> ScenarioError:
            value = getattr(self, name)
            return ScenarioError(
                f"aircraft profile {self.id!r}: {name} = {value!r} {why}.",
                key_path=f"profiles.{self.id}.{name}",
            )

        if self.category not in CATEGORIES:
            raise bad("category", f"is not one of {', '.join(CATEGORIES)}")
        if self.provenance not in PROVENANCES:
            raise bad("provenance", f"is not one of {', '.join(PROVENANCES)}")
        for name in (
            *_POSITIVE,
            *_NON_NEGATIVE,
            *_OPTIONAL_POSITIVE,
            "max_altitude_m",
            "cruise_altitude_m",
        ):
            v = getattr(self, name)
            if v is None and name in _OPTIONAL_POSITIVE:
                continue
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise bad(name, "must be a finite number")
            if name in _NON_NEGATIVE and v < 0:
                raise bad(name, "must be >= 0")
            if name not in _NON_NEGATIVE and v <= 0:
                raise bad(name, "must be > 0")
            bound, unit = PROFILE_BOUNDS[name]
            if v > bound:
                raise bad(name, f"must be at most {bound:,g} {unit}")
        lo, hi, h = self.min_altitude_m, self.max_altitude_m, self.cruise_altitude_m
        if not lo <= h <= hi:
            raise bad("cruise_altitude_m", f"must lie in the band {lo:g}..{hi:g} m AGL")
        if self.needs_runway and self.category != "fixed_wing":
            raise bad("needs_runway", "is only supported for fixed_wing profiles")
        object.__setattr__(self, "field_sources", MappingProxyType(dict(self.field_sources)))

    @property
    def climb_mode(self) -> str:
        """``"along_track"`` (fixed wing climbs while flying) or ``"vertical"`` (over the pad)."""
        return "along_track" if self.category == "fixed_wing" else "vertical"

    @property
    def cruise_speed_kmh(self) -> float:
        """Cruise true airspeed, km/h."""
        return self.cruise_speed_mps * 3.6

    def source_of(self, name: str) -> str:
        """Tag and source of one field (falls back to the profile's ``source``)."""
        return self.field_sources.get(name, f"[{self.provenance}] {self.source}")


_FIELDS = {f.name for f in dataclasses.fields(AircraftProfile)} - {"field_sources"}


def with_overrides(
    profile: AircraftProfile, overrides: Mapping[str, Any], *, key_path: str = "aircraft"
) -> AircraftProfile:
    """Return a copy of ``profile`` with some fields replaced (scenario-configurable).

    Overridden fields are labelled ``"scenario override"`` in ``field_sources`` and the
    profile's provenance becomes ``modeled`` unless ``provenance`` is overridden too.

    Parameters
    ----------
    profile
        The base profile.
    overrides
        Field name -> new value, in the units of :class:`AircraftProfile`.
    key_path
        Where the overrides live in the scenario, for error messages.

    Raises
    ------
    ScenarioError
        On an unknown field name or an invalid value (names the key).
    """
    unknown = sorted(set(overrides) - _FIELDS - {"id"})
    if unknown:
        raise ScenarioError(
            f"unknown aircraft profile field(s): {', '.join(unknown)}.",
            key_path=key_path,
            fix=f"use some of: {', '.join(sorted(_FIELDS))}.",
        )
    srcs = dict(profile.field_sources)
    srcs.update(dict.fromkeys(overrides, "scenario override"))
    changes = {"provenance": "modeled", **dict(overrides), "field_sources": srcs}
    try:
        return dataclasses.replace(profile, **changes)
    except ScenarioError as exc:
        raise ScenarioError(exc.message, key_path=key_path, fix=exc.fix) from None
    except TypeError as exc:  # e.g. a string where a number belongs
        raise ScenarioError(
            f"invalid aircraft profile override: {exc}.", key_path=key_path
        ) from None


def resolve_profile(
    spec: str | AircraftProfile | Mapping[str, Any],
    *,
    key_path: str = "aircraft",
) -> AircraftProfile:
    """Turn a scenario value into a profile.

    Parameters
    ----------
    spec
        A profile id from :data:`PROFILES`; a profile; or a mapping
        ``{"base": "<id>", <field>: <value>, ...}`` applying overrides (in the units of
        :class:`AircraftProfile`: m, s, m/s, kg) to a base. A scenario's validated override
        is handed down as such a mapping (``AircraftOverride.as_mapping()``).
    key_path
        Where the spec lives in the scenario, for error messages.

    Raises
    ------
    ScenarioError
        On an unknown id, a mapping without ``base``, or an invalid override.
    """
    if isinstance(spec, AircraftProfile):
        return spec
    if isinstance(spec, str):
        if spec not in PROFILES:
            raise ScenarioError(
                f"unknown aircraft profile {spec!r}.",
                key_path=key_path,
                fix=f"use one of: {', '.join(PROFILES)}.",
            )
        return PROFILES[spec]
    if isinstance(spec, Mapping) and isinstance(spec.get("base"), str):
        base = resolve_profile(spec["base"], key_path=f"{key_path}.base")
        rest = {k: v for k, v in spec.items() if k != "base"}
        return with_overrides(base, rest, key_path=key_path)
    raise ScenarioError(
        "an aircraft profile must be an id or a mapping with a 'base' id.",
        key_path=key_path,
        fix="write e.g. {base: v2000cg, cruise_speed_mps: 50}.",
    )


# --------------------------------------------------------------------------- catalogue
_F = "wuhan_facts.md"
_HKN = "http://youdao168.com/?id=672ec6ab98b51.html"
_DJI = "https://developer.dji.com/doc/payload-sdk-tutorial/cn/model-instruction/choose-hardware-platform.html"
_WUSHANG = "http://news.xnnews.com.cn/snxw/202411/t20241114_3806083.shtml"
_V2000 = "http://www.xunzhengchuang.cn/news/focus/content/post_1297922.html"
_EHANG = "http://gd.people.com.cn/BIG5/n2/2024/0408/c123932-40803006.html"
_W5000 = "https://flightglobal.com/aerospace/chinas-air-white-whale-unveils-large-unmanned-cargo-aircraft/160361.article"
_FH98 = "https://infosurhoy.com/news/sf-trial-to-carry-cargo-on-large-uav-successful/"
_FP98 = "http://m.yibaidns.com/a/202405/07/WS66396bbfa31082fc043c5909.html"
_SIGHT = "https://blog.bobobk.com/financial/2024/11-15/10320080.html"
_KODIAK = "https://www.aopa.org/news-and-media/all-news/2022/september/pilot/fast-back-kodiak"
_KODIAK_ROUTE = "https://xd56b.com/home/dkjj/2025/0818/50562.html"
_PROSPERITY = "https://hsgd.net.cn/page86.html?article_id=127021"
_CORRIDOR_E = f"[E] {_F} §5.3 planning defaults (no Chinese source found)"
_E = "[E] modeling estimate, not in any source"


def _p(**kw: Any) -> AircraftProfile:
    return AircraftProfile(**kw)


PROFILES: Mapping[str, AircraftProfile] = MappingProxyType(
    {
        p.id: p
        for p in (
            _p(
                id="dock_multirotor", name="Dock multirotor (shared-drone grid class)",
                category="multirotor", cruise_speed_mps=15.0, climb_rate_mps=5.0,
                descent_rate_mps=3.0, min_altitude_m=60.0, max_altitude_m=120.0,
                cruise_altitude_m=100.0, range_m=31_500.0, endurance_s=2100.0, payload_kg=0.0,
                corridor_half_width_m=50.0, launch_delay_s=60.0, provenance="modeled",
                source=f"{_F} §6.4 [E] dock-grid defaults, consistent with the [D] 16.7 m/s "
                "'5 km in 5 min'; DJI dock drones fly 41-54 min [C]",
                field_sources={
                    "cruise_speed_mps": f"[E] {_F} §6.4", "launch_delay_s": f"[E] {_F} §6.4",
                    "endurance_s": f"[E] {_F} §6.4 usable 35 min; DJI M3D 50 min [C] {_DJI}",
                    "range_m": "[D] 15 m/s x 2,100 s",
                    "max_altitude_m": "[C] 120 m true-height limit for light/small drones "
                    "outside controlled airspace (UAS Regulation art. 19)",
                    "corridor_half_width_m": _CORRIDOR_E, "payload_kg": f"{_E} (sensors only)",
                },
            ),
            _p(
                id="hkn_light_logistics", name="Light logistics drone (Hankou North port class)",
                category="multirotor", cruise_speed_mps=18.0, climb_rate_mps=5.0,
                descent_rate_mps=3.0, min_altitude_m=60.0, max_altitude_m=120.0,
                cruise_altitude_m=100.0, range_m=28_000.0, endurance_s=1740.0, payload_kg=30.0,
                mtow_kg=95.0, corridor_half_width_m=100.0, launch_delay_s=60.0,
                provenance="modeled",
                source=f"payload 30 kg and range 28 km [C] {_HKN}; speed [D] from Hankou North"
                " -> expo centre (~14 km) in ~15 min",
                field_sources={
                    "payload_kg": f"[C] {_HKN}", "range_m": f"[C] {_HKN}",
                    "cruise_speed_mps": "[D] 14 km in ~15 min incl. launch, climb, descent",
                    "endurance_s": f"[E] DJI FlyCart 30 (30 kg class) 29 min [C] {_DJI}",
                    "mtow_kg": f"[E] FlyCart 30: 65 kg aircraft + 30 kg payload [C] {_DJI}",
                    "corridor_half_width_m": _CORRIDOR_E,
                },
            ),
            _p(
                id="sf_ark40", name="SF Fengyi Ark-40 class logistics drone",
                category="multirotor", cruise_speed_mps=15.0, climb_rate_mps=2.5,
                descent_rate_mps=3.0, min_altitude_m=150.0, max_altitude_m=300.0,
                cruise_altitude_m=300.0, range_m=15_000.0, payload_kg=10.0, mtow_kg=40.0,
                corridor_half_width_m=100.0, launch_delay_s=60.0, provenance="modeled",
                source=f"40+ kg aircraft, 15 km max range, ~300 m in ~2 min [C] {_WUSHANG}",
                field_sources={
                    "range_m": f"[C] {_WUSHANG}", "mtow_kg": f"[C] '40+ kg' {_WUSHANG}",
                    "climb_rate_mps": "[D] ~300 m in ~2 min", "cruise_altitude_m": "[C] ~300 m",
                    "cruise_speed_mps": "[D] ~10 km in <15 min airborne incl. climb/descent",
                    "payload_kg": _E, "corridor_half_width_m": _CORRIDOR_E,
                },
            ),
            _p(
                id="v2000cg", name="AutoFlight V2000CG class cargo eVTOL", category="evtol",
                cruise_speed_mps=kmh_to_mps(200.0), climb_rate_mps=5.0, descent_rate_mps=3.0,
                min_altitude_m=150.0, max_altitude_m=1000.0, cruise_altitude_m=300.0,
                range_m=200_000.0, payload_kg=400.0, mtow_kg=2000.0, corridor_half_width_m=300.0,
                launch_delay_s=120.0, provenance="modeled",
                source=f"MTOW 2 t, payload 400 kg, up to 200 km/h, range 200 km [C] {_V2000}",
                field_sources={
                    "cruise_speed_mps": f"[C] 'up to 200 km/h' {_V2000}",
                    "range_m": f"[C] 200 km ({_F} §6.5; Hubei Daily says 250 km)",
                    "payload_kg": f"[C] {_V2000}", "mtow_kg": f"[C] {_V2000}",
                    "min_altitude_m": _CORRIDOR_E, "max_altitude_m": f"[E] {_F} §4 corridor",
                    "climb_rate_mps": _E, "descent_rate_mps": _E, "launch_delay_s": _E,
                    "corridor_half_width_m": _CORRIDOR_E,
                },
            ),
            _p(
                id="eh216s", name="EHang EH216-S passenger eVTOL", category="evtol",
                cruise_speed_mps=kmh_to_mps(90.0), climb_rate_mps=3.0, descent_rate_mps=2.0,
                min_altitude_m=150.0, max_altitude_m=300.0, cruise_altitude_m=200.0,
                range_m=30_000.0, endurance_s=1500.0, payload_kg=200.0,
                corridor_half_width_m=150.0, launch_delay_s=120.0, provenance="modeled",
                source=f"2 seats, cruise 90 km/h, max range 30 km / 25 min [C] {_EHANG}",
                field_sources={
                    "cruise_speed_mps": f"[C] {_EHANG}", "range_m": f"[C] {_EHANG}",
                    "endurance_s": f"[C] {_EHANG}", "payload_kg": f"{_E} (2 seats [C])",
                    "min_altitude_m": _CORRIDOR_E, "max_altitude_m": _CORRIDOR_E,
                    "corridor_half_width_m": _CORRIDOR_E,
                },
            ),
            _p(
                id="cargo5t_fast", name="5-t payload unmanned cargo aircraft (W5000-like)",
                category="fixed_wing", cruise_speed_mps=kmh_to_mps(526.0), climb_rate_mps=7.5,
                descent_rate_mps=5.0, min_altitude_m=300.0, max_altitude_m=1000.0,
                cruise_altitude_m=600.0, range_m=2_600_000.0, payload_kg=5000.0, mtow_kg=10_800.0,
                corridor_half_width_m=1000.0, needs_runway=True, departure_straight_m=5000.0,
                approach_straight_m=10_000.0, launch_delay_s=300.0, max_crosswind_mps=15.0,
                min_runway_m=1200.0, provenance="modeled",
                source=f"W5000: MTOW 10.8 t, payload 5 t, max cruise 526 km/h, range 2,600 km, "
                f"take-off/landing 800-1,200 m [C] {_W5000}; 'fast' reading of the 5-t claim",
                field_sources={
                    "cruise_speed_mps": f"[C] max cruise {_W5000}",
                    "range_m": f"[C] {_W5000}", "payload_kg": f"[C] {_W5000}",
                    "mtow_kg": f"[C] {_W5000}", "min_runway_m": "[C] upper of 800-1,200 m",
                    "min_altitude_m": f"[E] {_F} §4 (its cruise altitude is 6,000 m [C])",
                    "cruise_altitude_m": f"[E] {_F} §4", "approach_straight_m": _E,
                    "departure_straight_m": _E, "climb_rate_mps": _E, "descent_rate_mps": _E,
                    "corridor_half_width_m": _E, "max_crosswind_mps": _E,
                },
            ),
            _p(
                id="cargo5t_slow", name="5-t MTOW unmanned cargo aircraft (FH-98-like)",
                category="fixed_wing", cruise_speed_mps=kmh_to_mps(180.0), climb_rate_mps=5.0,
                descent_rate_mps=4.0, min_altitude_m=300.0, max_altitude_m=1000.0,
                cruise_altitude_m=600.0, range_m=1_200_000.0, endurance_s=8 * 3600.0,
                payload_kg=1500.0, mtow_kg=5250.0, corridor_half_width_m=1000.0,
                needs_runway=True, departure_straight_m=4000.0, approach_straight_m=8000.0,
                launch_delay_s=300.0, max_crosswind_mps=12.0, provenance="modeled",
                source=f"FH-98: MTOW 5.25 t, payload 1.5 t, cruise 180 km/h [C] {_FH98}; "
                "'slow' reading of the 5-t claim",
                field_sources={
                    "cruise_speed_mps": f"[C] {_FH98}", "payload_kg": f"[C] {_FH98}",
                    "mtow_kg": f"[C] {_FH98}",
                    "range_m": f"[E] FP-98 1,200 km [C] {_FP98} used for FH-98",
                    "endurance_s": f"[E] FP-98 8 h [C] {_FP98} used for FH-98",
                    "cruise_altitude_m": f"[E] {_F} §4", "approach_straight_m": _E,
                    "departure_straight_m": _E, "climb_rate_mps": _E, "descent_rate_mps": _E,
                    "corridor_half_width_m": _E, "max_crosswind_mps": _E,
                },
            ),
            _p(
                id="ec135_sightseeing", name="EC135 sightseeing helicopter",
                category="helicopter", cruise_speed_mps=28.0, climb_rate_mps=5.0,
                descent_rate_mps=4.0, min_altitude_m=150.0, max_altitude_m=300.0,
                cruise_altitude_m=250.0, range_m=600_000.0, endurance_s=3 * 3600.0,
                payload_kg=500.0, corridor_half_width_m=300.0, launch_delay_s=120.0,
                crewed=True, provenance="modeled",
                source=f"Yangtze sightseeing: EC135, <=300 m, ~25 km in 15-20 min [C] {_SIGHT}",
                field_sources={
                    "max_altitude_m": f"[C] <=300 m {_SIGHT}",
                    "cruise_speed_mps": "[D] ~25 km in 15-20 min at sightseeing pace",
                    "range_m": _E, "endurance_s": _E, "payload_kg": _E,
                    "corridor_half_width_m": _CORRIDOR_E,
                },
            ),
            _p(
                id="kodiak100", name="Kodiak 100 short-haul turboprop (manned)",
                category="fixed_wing", cruise_speed_mps=knots_to_mps(175.0), climb_rate_mps=6.0,
                descent_rate_mps=5.0, min_altitude_m=300.0, max_altitude_m=3000.0,
                cruise_altitude_m=1500.0, range_m=1_800_000.0, payload_kg=1200.0,
                corridor_half_width_m=2000.0, needs_runway=True, departure_straight_m=3000.0,
                approach_straight_m=8000.0, launch_delay_s=300.0, max_crosswind_mps=10.0,
                crewed=True, provenance="modeled",
                source=f"~175 KTAS [C] {_KODIAK}; 1.2 t payload, flies below 3,000 m [C] "
                f"{_KODIAK_ROUTE}; manned, so drone clearance rules do not bind it",
                field_sources={
                    "cruise_speed_mps": f"[C] {_KODIAK}", "payload_kg": f"[C] {_KODIAK_ROUTE}",
                    "max_altitude_m": "[C] below 3,000 m", "range_m": _E,
                    "corridor_half_width_m": _E, "climb_rate_mps": _E, "descent_rate_mps": _E,
                },
            ),
            _p(
                id="prosperity", name="AutoFlight Prosperity (Shengshilong) passenger eVTOL",
                category="evtol", cruise_speed_mps=kmh_to_mps(200.0), climb_rate_mps=5.0,
                descent_rate_mps=3.0, min_altitude_m=150.0, max_altitude_m=300.0,
                cruise_altitude_m=150.0, range_m=250_000.0, payload_kg=500.0, mtow_kg=2400.0,
                corridor_half_width_m=300.0, launch_delay_s=120.0, provenance="modeled",
                source=f"5 seats, MTOW 2.4 t, 200 km/h, ~250 km, demo cruise 150 m [C] "
                f"{_PROSPERITY}",
                field_sources={
                    "cruise_speed_mps": f"[C] {_PROSPERITY}", "range_m": f"[C] {_PROSPERITY}",
                    "mtow_kg": f"[C] {_PROSPERITY}", "cruise_altitude_m": "[C] demo at 150 m",
                    "payload_kg": f"{_E} (5 seats [C])", "corridor_half_width_m": _CORRIDOR_E,
                },
            ),
        )
    }
)  # fmt: skip
"""Default profiles by id; all ``modeled`` (each mixes confirmed and estimated numbers)."""
