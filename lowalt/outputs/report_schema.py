"""JSON Schemas (draft 2020-12) of the JSON reports lowalt writes, one per report kind.

Hand-written from the code that builds each report, so a change of format is a reviewed
change. The kinds, their files and the functions that build them:

- ``reach``: ``{stem}_report.json``, :func:`lowalt.outputs.reach_report.build_report`;
- ``placement``: ``{stem}_placement.json``, :func:`lowalt.studies.placement.placement_summary`;
- ``corridor``: ``{stem}_corridor.json``, :func:`lowalt.studies.corridor.corridor_report`;
- ``network``: ``{stem}_network.json``, :func:`lowalt.studies.network.network_report`;
- ``availability``: ``{stem}_availability.json``,
  :func:`lowalt.outputs.availability_report.availability_summary`.

Every report carries ``report_schema_version`` (:data:`SCHEMA_VERSION`); the schemas pin it
with ``const``. Units: times in seconds (``_s``), distances in metres (``_m``), areas in km²
(``_km2``), speeds in m/s (``_mps``) or km/h (``_kmh``), angles in degrees, positions in
WGS84 degrees, shares between 0 and 1. ``null`` stands for a number that is not finite
(an unreachable time, a share of nothing) or for a part that does not apply.

The rendered files live in ``docs/report_schema/<kind>.schema.json`` (written by
``tools/report_schemas.py --write``; tests/test_report_schema.py checks they are current and
that real reports validate). This module imports nothing from lowalt, so it stays cheap to
import.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["REPORT_FILE_SUFFIX", "REPORT_KINDS", "SCHEMA_VERSION", "report_schema"]

SCHEMA_VERSION = 1
"""The ``report_schema_version`` described (``outputs.reach_report.REPORT_SCHEMA_VERSION``)."""

REPORT_KINDS: tuple[str, ...] = ("reach", "placement", "corridor", "network", "availability")
"""The report kinds, in the order a run writes them."""

REPORT_FILE_SUFFIX: dict[str, str] = {
    "reach": "_report.json",
    "placement": "_placement.json",
    "corridor": "_corridor.json",
    "network": "_network.json",
    "availability": "_availability.json",
}
"""How each kind's file name ends (after the output stem)."""

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_PROVENANCE = ("confirmed", "derived", "modeled")
_SOLVE_STATUS = ("optimal", "feasible", "infeasible", "unknown")
_RESTRICTIONS = ("prohibited", "authorization_required", "conditional")

Schema = dict[str, Any]


# --- small builders ---------------------------------------------------------------------------


def _num(
    description: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: float | None = None,
    exclusive_maximum: float | None = None,
    nullable: bool = False,
) -> Schema:
    """Build a number schema (optionally also ``null``) with bounds.

    Parameters
    ----------
    description
        What the number is, with its unit.
    minimum, maximum, exclusive_minimum, exclusive_maximum
        Inclusive and exclusive bounds (omitted when ``None``).
    nullable
        Whether ``null`` is allowed (a non-finite value, or not applicable).

    Returns
    -------
    dict
        The schema.
    """
    s: Schema = {"type": ["number", "null"] if nullable else "number", "description": description}
    bounds = {
        "minimum": minimum,
        "maximum": maximum,
        "exclusiveMinimum": exclusive_minimum,
        "exclusiveMaximum": exclusive_maximum,
    }
    s.update({k: v for k, v in bounds.items() if v is not None})
    return s


def _int(description: str, *, minimum: int | None = 0, maximum: int | None = None) -> Schema:
    """Build an integer schema (a count unless ``minimum`` says otherwise)."""
    s: Schema = {"type": "integer", "description": description}
    if minimum is not None:
        s["minimum"] = minimum
    if maximum is not None:
        s["maximum"] = maximum
    return s


def _str(description: str, *, enum: tuple[str, ...] | None = None, min_length: int = 0) -> Schema:
    """Build a string schema, optionally limited to ``enum``."""
    s: Schema = {"type": "string", "description": description}
    if enum is not None:
        s["enum"] = list(enum)
    if min_length:
        s["minLength"] = min_length
    return s


def _bool(description: str, *, nullable: bool = False) -> Schema:
    """Build a boolean schema (optionally also ``null``)."""
    return {"type": ["boolean", "null"] if nullable else "boolean", "description": description}


def _arr(
    items: Schema,
    description: str,
    *,
    min_items: int | None = None,
    max_items: int | None = None,
    unique: bool = False,
) -> Schema:
    """Build an array schema of ``items``."""
    s: Schema = {"type": "array", "description": description, "items": items}
    if min_items is not None:
        s["minItems"] = min_items
    if max_items is not None:
        s["maxItems"] = max_items
    if unique:
        s["uniqueItems"] = True
    return s


def _obj(
    description: str, properties: dict[str, Schema], *, optional: tuple[str, ...] = ()
) -> Schema:
    """Build a closed object schema: all but ``optional`` required, no other keys."""
    unknown = set(optional) - set(properties)
    if unknown:
        raise ValueError(f"optional keys not among the properties: {sorted(unknown)}")
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [k for k in properties if k not in optional],
        "additionalProperties": False,
    }


def _map(description: str, values: Schema) -> Schema:
    """Build an object schema with free keys (names from the data), values of one schema."""
    return {"type": "object", "description": description, "additionalProperties": values}


def _nullable(schema: Schema, description: str) -> Schema:
    """Allow ``schema`` or ``null``."""
    return {"description": description, "anyOf": [schema, {"type": "null"}]}


def _ref(name: str, description: str | None = None) -> Schema:
    """Point to ``$defs/name`` (with a description of this use, if given)."""
    s: Schema = {"$ref": f"#/$defs/{name}"}
    if description is not None:
        s["description"] = description
    return s


def _share(description: str, *, nullable: bool = False) -> Schema:
    """Build a number schema for a share between 0 and 1."""
    return _num(f"{description} (share, 0-1).", minimum=0, maximum=1, nullable=nullable)


def _lon(description: str = "Longitude, degrees WGS84.") -> Schema:
    return _num(description, minimum=-180, maximum=180)


def _lat(description: str = "Latitude, degrees WGS84.") -> Schema:
    return _num(description, minimum=-90, maximum=90)


def _lonlat(description: str) -> Schema:
    """Build a ``[lon, lat]`` pair schema, degrees WGS84."""
    return {
        "type": "array",
        "description": f"{description} [lon, lat], degrees WGS84.",
        "prefixItems": [_lon(), _lat()],
        "items": False,
        "minItems": 2,
    }


def _version() -> Schema:
    return {
        "const": SCHEMA_VERSION,
        "description": f"Format version of the report (this schema describes version "
        f"{SCHEMA_VERSION}).",
    }


def _scenario(*, with_description: bool = False) -> Schema:
    props: dict[str, Schema] = {
        "name": _str("The scenario's name (free text from the scenario).", min_length=1),
        "file": {
            "type": ["string", "null"],
            "description": "The scenario's file name (no folder); null when built in memory.",
        },
    }
    if with_description:
        props["description"] = _str("The scenario's description (free text, may be empty).")
    return _obj("The scenario this report answers.", props)


def _document(kind: str, title: str, description: str, root: Schema, defs: Schema) -> Schema:
    """Wrap a root object schema into a schema document for ``kind``."""
    doc: Schema = {
        "$schema": _DIALECT,
        "$id": f"urn:lowalt:report-schema:{kind}:{SCHEMA_VERSION}",
        "title": title,
        "description": f"{description} File: {{stem}}{REPORT_FILE_SUFFIX[kind]}.",
        **{k: v for k, v in root.items() if k != "description"},
    }
    if defs:
        doc["$defs"] = defs
    return doc


# --- reach -------------------------------------------------------------------------------------


def _condition() -> Schema:
    times = "over the cells reached at all; null when none is"
    return _obj(
        "The promise under one condition, checked on the full demand grid.",
        {
            "label": _str("The condition in words, e.g. 'calm air', 'wind 8 m/s from 80°'."),
            "wind_speed_mps": _num("Wind speed, m/s (0 in calm air).", minimum=0),
            "wind_from_deg": _num(
                "Direction the wind blows from, degrees clockwise from true north; null in "
                "calm air and for the per-cell worst direction.",
                minimum=0,
                exclusive_maximum=360,
                nullable=True,
            ),
            "holds": _bool("Whether the promise holds under this condition."),
            "reached_share": _share("Cells reached within target_s"),
            "reached_area_km2": _num("Area reached within target_s, km².", minimum=0),
            "weighted_share": _share("Demand weight reached within target_s"),
            "unreached_cells": _int("Cells not reached within target_s."),
            "unreached_area_km2": _num("Area not reached within target_s, km².", minimum=0),
            "unreached_on_water_cells": _int("Unreached cells on water."),
            "unreachable_cells": _int(
                "Cells no dock can serve at all (e.g. inside a blocking zone)."
            ),
            "double_covered_share": _share("Cells with two or more docks within target_s"),
            "worst_time_s": _num(
                "Slowest response time over all cells, s; null when some cell is unreachable.",
                minimum=0,
                nullable=True,
            ),
            "worst_cell": _obj(
                "Where the slowest response is.",
                {"lon": _lon(), "lat": _lat(), "on_water": _bool("Whether it is on water.")},
            ),
            "mean_s": _num(f"Mean response time, s ({times}).", minimum=0, nullable=True),
            "p50_s": _num(f"Median response time, s ({times}).", minimum=0, nullable=True),
            "p90_s": _num(f"90th percentile response time, s ({times}).", minimum=0, nullable=True),
            "p99_s": _num(f"99th percentile response time, s ({times}).", minimum=0, nullable=True),
            "unreached_listed": _arr(
                _obj(
                    "One unreached cell.",
                    {
                        "lon": _lon(),
                        "lat": _lat(),
                        "time_s": _num(
                            "Its response time, s; null when unreachable.", minimum=0, nullable=True
                        ),
                    },
                ),
                "Up to 500 unreached cells, slowest first.",
                max_items=500,
            ),
        },
    )


def _reach_inputs() -> Schema:
    aircraft = _obj(
        "The aircraft flown from the docks.",
        {
            "name": _str("Display name."),
            "cruise_speed_mps": _num("True airspeed in cruise, m/s.", exclusive_minimum=0),
            "climb_rate_mps": _num("Vertical speed up, m/s.", exclusive_minimum=0),
            "descent_rate_mps": _num("Vertical speed down, m/s.", exclusive_minimum=0),
            "launch_delay_s": _num("Call to airborne, s.", minimum=0),
            "cruise_altitude_m": _num("Cruise height, m above ground.", exclusive_minimum=0),
            "overhead_s": _num("Launch + climb + descent time, s.", minimum=0),
            "calm_reach_radius_m": _num(
                "Distance flown in calm air within target_s after the overhead, m.", minimum=0
            ),
            "provenance": _str("Where the performance figures come from.", enum=_PROVENANCE),
            "source": _str("Citation or derivation of the figures."),
        },
    )
    return _obj(
        "What was checked.",
        {
            "metric_crs": _str("Projected CRS of the metric work, e.g. 'EPSG:4547'."),
            "area_km2": _num("Area of the demand grid, km².", minimum=0),
            "grid_spacing_m": _num("Demand grid spacing, m.", exclusive_minimum=0),
            "cells": _int("Demand grid cells.", minimum=1),
            "water_cells": _int("Cells on water."),
            "weighted": _bool("Whether cells carry demand weights other than 1."),
            "docks": _int("Docks."),
            "drones": _int("Drones over all docks."),
            "dock_layout": _str("How the docks were given.", enum=("modeled", "listed", "file")),
            "aircraft": aircraft,
            "blocking_zones": _arr(
                _str("Zone name."), "Airspace zones flown around at cruise height."
            ),
            "unservable_cells": _int("Cells inside blocking zones (no drone may serve them)."),
            "true_north_grid_deg": _num(
                "Angle from grid north to true north at the area's centre, degrees."
            ),
        },
    )


def _reach_dock() -> Schema:
    return _obj(
        "One dock. reach_area_wind_km2 is present exactly when design_wind is not null.",
        {
            "name": _str("Dock name (free text from the scenario or the dock file)."),
            "lon": _lon(),
            "lat": _lat(),
            "drones": _int("Drones in the dock."),
            "provenance": _str("Provenance of the site, e.g. 'modeled' or a source."),
            "service_area_km2": _num(
                "Area for which this dock is the fastest in calm air, km².", minimum=0
            ),
            "reach_area_calm_km2": _num(
                "Area this dock reaches within target_s in calm air, km².", minimum=0
            ),
            "reach_area_wind_km2": _num(
                "Area this dock reaches within target_s in the worst wind direction, km².",
                minimum=0,
            ),
        },
        optional=("reach_area_wind_km2",),
    )


def _design_wind() -> Schema:
    by_direction = _obj(
        "The promise with the design wind from one direction.",
        {
            "from_deg": _num(
                "Direction the wind blows from, degrees clockwise from true north.",
                minimum=0,
                exclusive_maximum=360,
            ),
            "reached_share": _share("Cells reached within target_s"),
            "worst_time_s": _num(
                "Slowest response time, s; null when some cell is unreachable.",
                minimum=0,
                nullable=True,
            ),
            "holds": _bool("Whether the promise holds from this direction."),
        },
    )
    return _obj(
        "The design wind checked from every direction.",
        {
            "speed_mps": _num("Design wind speed, m/s.", exclusive_minimum=0),
            "directions_checked": _int(
                "Directions checked: one when wind.from_deg is given, else wind.directions "
                "evenly spaced.",
                minimum=1,
            ),
            "worst_direction_from_deg": _num(
                "The direction with the lowest reached share, degrees from true north.",
                minimum=0,
                exclusive_maximum=360,
            ),
            "by_direction": _arr(by_direction, "One entry per direction checked.", min_items=1),
            "every_direction": _ref("condition"),
        },
    )


def _reach_schema() -> Schema:
    with_wind = {
        "if": {"properties": {"design_wind": {"type": "object"}}},
        "then": {
            "properties": {
                "conditions": {"minItems": 2},
                "verdict": {"properties": {"design_wind": {"type": "boolean"}}},
                "docks": {"items": {"required": ["reach_area_wind_km2"]}},
            }
        },
        "else": {
            "properties": {
                "conditions": {"maxItems": 1},
                "verdict": {"properties": {"design_wind": {"type": "null"}}},
                "docks": {"items": {"not": {"required": ["reach_area_wind_km2"]}}},
            }
        },
    }
    root = _obj(
        "",
        {
            "report_schema_version": _version(),
            "lowalt_version": _str("Version of lowalt that wrote the report."),
            "scenario": _scenario(with_description=True),
            "target_s": _num(
                "Response-time target, s (call to drone on scene).", exclusive_minimum=0
            ),
            "required_share": _num(
                "Share of the area that must be reached within target_s for the promise to "
                "hold (share, 0-1).",
                exclusive_minimum=0,
                maximum=1,
            ),
            "verdict": _obj(
                "Whether the promise holds.",
                {
                    "calm": _bool("In calm air."),
                    "design_wind": _bool(
                        "In the design wind from its worst single direction; null without a "
                        "design wind.",
                        nullable=True,
                    ),
                    "summary": _arr(
                        _str("One sentence."),
                        "One sentence per condition (calm air, then the design wind).",
                        min_items=1,
                        max_items=2,
                    ),
                },
            ),
            "inputs": _reach_inputs(),
            "provenance": _obj(
                "Provenance values of the inputs (sorted, distinct).",
                {
                    "area_boundary": _arr(_str("Provenance value."), "Of the area outline."),
                    "water": _arr(_str("Provenance value."), "Of the water polygons."),
                    "airspace": _arr(_str("Provenance value."), "Of the airspace zones."),
                    "docks": _arr(_str("Provenance value."), "Of the dock sites."),
                    "aircraft": _str("Of the aircraft figures.", enum=_PROVENANCE),
                },
            ),
            "warnings": _arr(
                _str("One finding."),
                "Non-fatal findings (docks on water or outside the area, cruise above the "
                "height limit).",
            ),
            "conditions": _arr(
                _ref("condition"),
                "Calm air, then (with a design wind) the worst single wind direction.",
                min_items=1,
                max_items=2,
            ),
            "design_wind": _nullable(_design_wind(), "The design wind; null without one."),
            "docks": _arr(_reach_dock(), "Per-dock figures, in dock order."),
        },
    )
    root.update(with_wind)
    return _document(
        "reach",
        "lowalt reach report",
        "Whether every scene of the area is reached within the target time, in calm air and "
        "in the design wind, with per-dock figures.",
        root,
        {"condition": _condition()},
    )


# --- placement ---------------------------------------------------------------------------------


def _check() -> Schema:
    return _obj(
        "A layout checked exactly on the full demand grid.",
        {
            "label": _str("The condition, e.g. 'calm air', 'wind 8 m/s, every direction'."),
            "reached_share": _share("Cells reached within target_s"),
            "unreached_area_km2": _num("Area not reached within target_s, km².", minimum=0),
            "worst_time_s": _num(
                "Slowest response time, s; null when some cell is unreachable.",
                minimum=0,
                nullable=True,
            ),
            "p99_s": _num(
                "99th percentile response time over the cells reached at all, s.",
                minimum=0,
                nullable=True,
            ),
            "double_covered_share": _share("Cells with two or more docks within target_s"),
            "holds": _bool("Whether the promise holds for this layout."),
        },
    )


def _answer() -> Schema:
    return _obj(
        "One question answered by the solver, with its layout and the full-grid check.",
        {
            "question": _str("The question in words."),
            "status": _str(
                "'optimal' only when proven (objective equals the bound); a time-limited "
                "answer is 'feasible' with its bound and gap.",
                enum=_SOLVE_STATUS,
            ),
            "objective": _num(
                "The answer's objective: docks (min_docks_*), worst-case time in s "
                "(best_worst_case*, tradeoff_pcenter_k*), demand weight reached "
                "(tradeoff_mclp_k*), reached twice (backup) or expected reached (drones); "
                "null when not finite.",
                nullable=True,
            ),
            "bound": _num(
                "Best proven bound on the objective; null when not finite.", nullable=True
            ),
            "gap": _num(
                "Relative gap |bound - objective| / |objective| (0 = proven); null when not "
                "finite.",
                minimum=0,
                nullable=True,
            ),
            "wall_time_s": _num("Solver wall time, s (varies between runs).", minimum=0),
            "sites": _int("Docks in the answer's layout."),
            "drones": _int("Drones over the answer's layout."),
            "unreachable_demand_points": _int(
                "Solver demand points no candidate reaches within the target (left out)."
            ),
            "full_grid_check": _nullable(
                _ref("check"),
                "The layout checked on the full grid (calm air, or every wind direction for "
                "min_docks_wind); null for an empty layout.",
            ),
            "docks": _arr(
                _obj(
                    "One dock of the layout.",
                    {"lon": _lon(), "lat": _lat(), "drones": _int("Drones in this dock.")},
                ),
                "The layout's docks.",
            ),
        },
    )


def _placement_schema() -> Schema:
    answers = {
        "type": "object",
        "description": "The answers by key: min_docks_calm, min_docks_wind, best_worst_case, "
        "best_worst_case_land, backup, drones, tradeoff_mclp_k{k}, tradeoff_pcenter_k{k} "
        "(only the questions the scenario asks).",
        "propertyNames": {
            "pattern": "^(min_docks_(calm|wind)|best_worst_case(_land)?|backup|drones"
            "|tradeoff_(mclp|pcenter)_k[1-9][0-9]*)$"
        },
        "additionalProperties": _ref("answer"),
    }
    root = _obj(
        "",
        {
            "report_schema_version": _version(),
            "scenario": _scenario(),
            "target_s": _num("Response-time target, s.", exclusive_minimum=0),
            "candidate_sites": _int("Candidate dock sites the solver chose from."),
            "demand_points": _int("Solver demand points (sub-grid of the demand grid).", minimum=1),
            "current_layout": _obj(
                "The scenario's own docks, checked on the full grid.",
                {
                    "docks": _int("Docks."),
                    "drones": _int("Drones over all docks."),
                    "provenance": _arr(_str("Provenance value."), "Of the dock sites."),
                    "calm": _ref("check"),
                    "design_wind": _nullable(
                        _ref("check"),
                        "In the design wind from every direction; null without a design wind.",
                    ),
                },
            ),
            "answers": answers,
        },
    )
    return _document(
        "placement",
        "lowalt placement report",
        "The placement study: every optimize question answered with its status, bound and "
        "gap, each layout re-checked on the full demand grid. Layouts are optimized on "
        "modeled inputs.",
        root,
        {"check": _check(), "answer": _answer()},
    )


# --- corridor ----------------------------------------------------------------------------------


def _place(description: str) -> Schema:
    return _obj(
        description,
        {
            "name": _str("Name (free text from the scenario).", min_length=1),
            "lat": _lat(),
            "lon": _lon(),
        },
    )


def _corridor_row() -> Schema:
    return _obj(
        "One aircraft's route. meets_claim and minutes_over_claim are present exactly when "
        "the scenario gives a claimed time.",
        {
            "aircraft": _str("Aircraft profile id."),
            "name": _str("Aircraft display name."),
            "provenance": _str("Where the performance figures come from.", enum=_PROVENANCE),
            "length_m": _num("Route length, m.", minimum=0),
            "cruise_altitude_m": _num("Cruise height, m above ground.", minimum=0),
            "flight_time_s": _num("Airborne time, take-off to landing, s.", minimum=0),
            "block_time_s": _num("Flight time plus launch or taxi, s.", minimum=0),
            "range_m": _num("The aircraft's range, m.", minimum=0),
            "range_ok": _bool("Whether range and endurance suffice for the route."),
            "zones_crossed": _arr(
                _str("Zone name."), "Zones the route's track enters (sorted).", unique=True
            ),
            "waypoints": _arr(
                _lonlat("One waypoint,"), "The route's waypoints, origin first.", min_items=2
            ),
            "meets_claim": _bool("Whether flight_time_s is within the claimed time."),
            "minutes_over_claim": _num(
                "flight_time_s minus the claimed time, minutes (negative: faster)."
            ),
        },
        optional=("meets_claim", "minutes_over_claim"),
    )


def _corridor_schema() -> Schema:
    claim = _obj(
        "The claimed time and what it implies.",
        {
            "claimed_time_s": _num("The claimed door-to-door time, s.", exclusive_minimum=0),
            "implied_speed_great_circle_kmh": _num(
                "Speed the claim implies over the great circle, km/h.", minimum=0
            ),
            "implied_speed_routed_kmh": _num(
                "Speed the claim implies over the median routed length, km/h; null when no "
                "aircraft has a route.",
                minimum=0,
                nullable=True,
            ),
            "met_by": _arr(
                _str("Aircraft profile id."), "Aircraft meeting the claim (sorted).", unique=True
            ),
            "note": _str("How the claim is compared."),
        },
    )
    ground = _obj(
        "Ground freight between the end points.",
        {
            "method": _str(
                "'road graph' (shortest drive on a graph) or 'estimate' (straight line x "
                "detour factor at an average speed).",
                enum=("road graph", "estimate"),
            ),
            "distance_m": _num("Road distance, m.", minimum=0),
            "time_s": _num("Driving time, s.", minimum=0),
            "source": _str("Where the graph came from, or how the estimate was made."),
        },
    )
    root = _obj(
        "",
        {
            "report_schema_version": _version(),
            "scenario": _scenario(),
            "origin": _place("Where the corridor starts."),
            "destination": _place("Where the corridor ends."),
            "great_circle_m": _num("Great-circle distance between the end points, m.", minimum=0),
            "wind": _obj(
                "The uniform wind flown in.",
                {
                    "speed_mps": _num("Wind speed, m/s.", minimum=0),
                    "from_deg": _num(
                        "Direction the wind blows from, degrees clockwise from true north.",
                        minimum=0,
                        exclusive_maximum=360,
                    ),
                },
            ),
            "aircraft": _arr(_corridor_row(), "One route per aircraft that has one."),
            "no_route": _arr(
                _obj(
                    "An aircraft without a route.",
                    {"aircraft": _str("Aircraft profile id."), "reason": _str("Why, in words.")},
                ),
                "Aircraft for which no route exists.",
            ),
            "claim": claim,
            "ground": ground,
        },
        optional=("claim", "ground"),
    )
    root.update(
        {
            "if": {"required": ["claim"]},
            "then": {
                "properties": {
                    "aircraft": {"items": {"required": ["meets_claim", "minutes_over_claim"]}}
                }
            },
            "else": {
                "properties": {
                    "aircraft": {
                        "items": {
                            "not": {
                                "anyOf": [
                                    {"required": ["meets_claim"]},
                                    {"required": ["minutes_over_claim"]},
                                ]
                            }
                        }
                    }
                }
            },
        }
    )
    return _document(
        "corridor",
        "lowalt corridor report",
        "One origin-destination corridor flown by several aircraft around the airspace, "
        "against a claimed time and ground freight. claim is present when the scenario gives "
        "corridor.claimed_time_s; ground is written by every run (a road-graph drive or a "
        "labelled estimate) and is absent only from reports of results built without it.",
        root,
        {},
    )


# --- network -----------------------------------------------------------------------------------


def _band() -> Schema:
    return {
        "type": "array",
        "description": "[lower, upper], m above ground.",
        "prefixItems": [_num("Lower, m AGL.", minimum=0), _num("Upper, m AGL.", minimum=0)],
        "items": False,
        "minItems": 2,
    }


def _network_stats() -> Schema:
    counts = _int("Routes.")
    return _obj(
        "Network statistics.",
        {
            "n_routes": _int("Routes."),
            "by_type": _map("Routes by type (e.g. passenger, cargo, monitoring).", counts),
            "by_status": _map("Routes by status (e.g. open, in_progress).", counts),
            "by_profile": _map("Routes by aircraft profile id.", counts),
            "by_type_status": _map("Routes by 'type/status'.", counts),
            "total_length_km": _num("Summed track length, km.", minimum=0),
            "length_km_by_type": _map(
                "Summed track length by route type, km.", _num("Length, km.", minimum=0)
            ),
            "crossings": _int("Route pairs whose tracks cross other than at a shared end."),
            "conflicts": _int("Route pairs in conflict (see conflicts)."),
        },
    )


def _network_finding() -> Schema:
    return _obj(
        "A route whose corridor reaches into an airspace zone.",
        {
            "route": _str("Route id."),
            "zone": _str("Zone name."),
            "restriction": _str("The zone's ED-269 restriction.", enum=_RESTRICTIONS),
            "conflict": _bool("Whether the track is inside the zone within its altitude band."),
            "inside_length_m": _num("Track length inside the zone, m.", minimum=0),
            "penetration_m": _num(
                "Deepest point of the track inside the zone, m from its boundary.", minimum=0
            ),
            "vertical_overlap_m": _num(
                "Overlap of the flown band with the zone's band, m (<= 0: vertical clearance, "
                "negated)."
            ),
            "entry_lonlat": _nullable(
                _lonlat("Where the track first enters the zone,"),
                "Entry point; null when the track stays outside.",
            ),
            "at_endpoint": _bool("Whether the zone contains an end of the route."),
        },
    )


def _network_conflict() -> Schema:
    return _obj(
        "Two routes whose corridors overlap and whose altitude bands overlap.",
        {
            "a": _str("Route id."),
            "b": _str("Route id."),
            "overlap_area_m2": _num("Area where the corridors overlap, m².", minimum=0),
            "location_lonlat": _lonlat("A point of the overlap,"),
            "tracks_cross": _bool("Whether the tracks themselves cross."),
            "vertical_overlap_m": _num("Overlap of the two altitude bands, m.", minimum=0),
        },
    )


def _network_layers() -> Schema:
    return _obj(
        "The CP-SAT assignment of the layered uncrewed routes to altitude layers.",
        {
            "routes": _arr(_str("Route id."), "Routes layered (uncrewed, within the band)."),
            "layer_height_m": _num("Height of one layer, m.", exclusive_minimum=0),
            "band_m": _band(),
            "n_layers": _int("Layers used."),
            "lower_bound": _int("Proven minimum number of layers."),
            "n_available": _int("Layers that fit in the band."),
            "status": _str(
                "'OPTIMAL' when both the layer count and the displacement are proven optimal.",
                enum=("OPTIMAL", "FEASIBLE"),
            ),
            "displacement_m": _num(
                "Summed |layer centre - current band centre| change, m.", minimum=0
            ),
            "assignment": _map("The band given to each route id.", _band()),
        },
    )


def _network_schema() -> Schema:
    root = _obj(
        "",
        {
            "report_schema_version": _version(),
            "scenario": _scenario(),
            "routes": _int("Routes in the network."),
            "provenance": _arr(_str("Provenance value."), "Of the routes (sorted, distinct)."),
            "reported_counts": _arr(
                _obj(
                    "A reported count checked against the data.",
                    {
                        "what": _str("A route type or status."),
                        "reported": _int("The count reported (from the scenario)."),
                        "in_data": _int("The count in the route file."),
                        "match": _bool("Whether they agree."),
                    },
                ),
                "Reported counts (sorted by what).",
            ),
            "stats": _network_stats(),
            "airspace": _arr(_network_finding(), "Routes meeting airspace zones."),
            "conflicts": _arr(_network_conflict(), "Route pairs in conflict."),
            "layers": _nullable(
                _network_layers(), "The layer assignment; null when none was found."
            ),
            "layering_error": {
                "type": ["string", "null"],
                "description": "Why no layer assignment was found; null when one was.",
            },
            "above_true_height_limit": _obj(
                "Uncrewed routes whose band reaches above the true-height limit.",
                {
                    "limit_m": _num("The limit, m above ground.", exclusive_minimum=0),
                    "note": _str("What flying above it means."),
                    "routes": _arr(
                        _obj(
                            "One route above the limit.",
                            {
                                "route": _str("Route id."),
                                "upper_m": _num("Top of its band, m AGL.", minimum=0),
                                "profile": _str("Aircraft profile id (may be empty)."),
                            },
                        ),
                        "The routes.",
                    ),
                },
            ),
        },
    )
    root.update(
        {
            "if": {"properties": {"layers": {"type": "null"}}},
            "then": {"properties": {"layering_error": {"type": "string"}}},
            "else": {"properties": {"layering_error": {"type": "null"}}},
        }
    )
    return _document(
        "network",
        "lowalt network report",
        "A route network checked against the airspace and against itself, with a layer "
        "assignment separating conflicting uncrewed routes by altitude.",
        root,
        {},
    )


# --- availability ------------------------------------------------------------------------------


def _percentiles() -> Schema:
    p = "percentile response time, s; null when there is none"
    return _obj(
        "Response-time percentiles (call to drone on scene).",
        {
            "p50": _num(f"50th {p}.", minimum=0, nullable=True),
            "p90": _num(f"90th {p}.", minimum=0, nullable=True),
            "p99": _num(f"99th {p}.", minimum=0, nullable=True),
        },
    )


def _simulation_properties() -> dict[str, Schema]:
    by_department = _obj(
        "One department's calls.",
        {
            "department": _str("Department name."),
            "calls": _int("Calls."),
            "share_within_target": _share(
                "Its calls answered within target_s; null without calls", nullable=True
            ),
            "percentiles_s": _ref("percentiles", "Its response-time percentiles."),
        },
    )
    worst_cell = _obj(
        "A cell with a low share within the target (at least 3 calls).",
        {
            "cell": _int("Cell index in the demand grid."),
            "lon": _lon(),
            "lat": _lat(),
            "share_within_target": _share("Its calls answered within target_s"),
            "calls": _int("Calls in the cell.", minimum=3),
        },
    )
    return {
        "calls": _int("Calls simulated."),
        "share_within_target": _share(
            "Calls with a drone on scene within target_s; null without calls", nullable=True
        ),
        "share_within_target_at_zero_load": _share(
            "The same if every drone were always free; null without calls", nullable=True
        ),
        "percentiles_s": _ref("percentiles"),
        "mean_response_s": _num(
            "Mean response time of served calls, s; null when none is served.",
            minimum=0,
            nullable=True,
        ),
        "calls_waited": _int("Calls that waited for a drone."),
        "mean_wait_of_waiting_s": _num(
            "Mean wait of the calls that waited, s (0 when none did).", minimum=0
        ),
        "unserved": _int("Calls never served (waited longer than max_wait_s)."),
        "diverted": _int("Calls taken by a drone other than the nearest."),
        "battery_truncated": _int("Missions cut short by the battery."),
        "fleet_utilization": _share("Share of drone-time busy", nullable=True),
        "max_dock_utilization": _share("Busiest dock's share of drone-time busy", nullable=True),
        "km_per_flight": _num(
            "Mean distance flown per served call, km; null when none is served.",
            minimum=0,
            nullable=True,
        ),
        "by_department": _arr(by_department, "Per department, in scenario order."),
        "worst_cells": _arr(worst_cell, "Up to 10 cells with the lowest share.", max_items=10),
    }


def _availability_inputs() -> Schema:
    department = _obj(
        "One department's calls.",
        {
            "name": _str("Department name (free text from the scenario)."),
            "calls_per_day": _num("Mean calls per day.", minimum=0),
            "priority": _int("1 = most urgent.", minimum=1),
            "mean_on_scene_s": _num("Mean time on scene, s.", minimum=0),
            "on_scene_km": _num("Distance flown on scene, km.", minimum=0),
            "spatial": _str(
                "Where calls fall: every cell alike, by grid weight, or a weight array.",
                enum=("uniform", "weighted", "array"),
            ),
            "provenance": _str("'modeled' or a source."),
        },
    )
    fleet = _obj(
        "The fleet's battery, turnaround, wind and maintenance.",
        {
            "endurance_s": _num("Usable flight per sortie, s.", exclusive_minimum=0),
            "recharge_s": _num("Full recharge in the dock, s.", minimum=0),
            "recharge_proportional": _bool("Whether recharge is pro rata to the flight."),
            "swap_s": _num(
                "Battery swap time, s; null when batteries are recharged in place.",
                minimum=0,
                nullable=True,
            ),
            "launch_wind_limit_mps": _num(
                "Wind above which docks are grounded, m/s.", exclusive_minimum=0
            ),
            "wind": _str("Where the hourly wind comes from.", enum=("modeled", "file")),
            "mean_wind_mps": _num(
                "Mean hourly wind, m/s; null without a wind series.", minimum=0, nullable=True
            ),
            "hours_grounded_share": _share(
                "Hours with the wind above the launch limit", nullable=True
            ),
            "maintenance_prob": _share("Chance of an outage per drone-day"),
            "maintenance_s": _num("Length of one outage, s.", minimum=0),
            "max_wait_s": _num(
                "Longest a call waits before it is dropped, s; null: calls wait as long as it "
                "takes.",
                exclusive_minimum=0,
                nullable=True,
            ),
        },
    )
    return _obj(
        "What was simulated.",
        {
            "days": _int("Days simulated.", minimum=1),
            "seed": _int("Random seed."),
            "policy": _str("Dispatch policy.", enum=("nearest_free", "priority_preempt")),
            "calls_per_day": _num("Mean calls per day over all departments.", minimum=0),
            "departments": _arr(department, "The departments, in scenario order.", min_items=1),
            "docks": _int("Docks."),
            "drones": _int("Drones over all docks."),
            "dock_provenance": _arr(_str("Provenance value."), "Of the dock sites."),
            "fleet": fleet,
            "dispatch_horizon_s": _num(
                "A call takes a drone at most this far away in time, else it waits, s.",
                exclusive_minimum=0,
            ),
        },
    )


def _agreement() -> Schema:
    return _obj(
        "How one analytic measure agrees with the simulation over the docks.",
        {
            "mean_abs": _num("Mean absolute gap (share).", minimum=0, nullable=True),
            "max_abs": _num("Largest absolute gap (share).", minimum=0, nullable=True),
            "corr": _num(
                "Correlation; null when undefined (fewer than 3 docks or no spread).",
                minimum=-1,
                maximum=1,
                nullable=True,
            ),
        },
    )


def _analytic() -> Schema:
    return _obj(
        "Analytic models beside the simulation.",
        {
            "offered_fleet_utilization": _num(
                "Offered drone-hours / drone-hours available (MEXCLP busy probability q).",
                minimum=0,
                nullable=True,
            ),
            "wind_grounded_dock_hours": _share("Dock-hours grounded by wind", nullable=True),
            "share_within_target": _obj(
                "Share of calls within target_s by model.",
                {
                    "simulated": _share("Simulation", nullable=True),
                    "mexclp_system_q": _share("MEXCLP with one system-wide q", nullable=True),
                    "mexclp_local_q": _share("MEXCLP with a q per dock", nullable=True),
                    "hypercube": _share("Larson's hypercube", nullable=True),
                    "zero_load": _share("Every drone always free", nullable=True),
                },
            ),
            "agreement": _obj(
                "Per-dock agreement of analytic measures with the simulation.",
                {
                    "dock_busy: mmc vs sim": _ref("agreement", "Per-dock busy share, M/M/c."),
                    "dock_busy: hypercube vs sim": _ref(
                        "agreement", "Per-dock busy share, hypercube."
                    ),
                    "p_all_busy: erlang_c vs sim": _ref(
                        "agreement", "Per-dock P(no drone free), Erlang C."
                    ),
                },
            ),
            "hypercube_converged": _bool("Whether the hypercube iteration converged."),
        },
    )


def _drones_answer() -> Schema:
    return _obj(
        "The fewest drones found for one reliability target.",
        {
            "target_share": _num(
                "Required share of calls within target_s (share, 0-1).",
                exclusive_minimum=0,
                exclusive_maximum=1,
            ),
            "met": _bool("Whether some fleet size reached it."),
            "drones": _int(
                "Drones of the answer (the largest fleet tried when not met).", minimum=1
            ),
            "docks_used": _int("Docks holding at least one drone."),
            "simulated_share": _share(
                "Share within target_s, pooled over two call streams", nullable=True
            ),
            "stream_shares": _arr(_share("One stream's share", nullable=True), "Per call stream."),
            "ci95": {
                "type": "array",
                "description": "Wilson 95 % interval of simulated_share [low, high] (shares).",
                "prefixItems": [_share("Low", nullable=True), _share("High", nullable=True)],
                "items": False,
                "minItems": 2,
            },
            "share_one_fewer": _share(
                "Pooled share with one drone fewer; null when D = 1 or not met", nullable=True
            ),
            "mexclp_expected_share": _share("MEXCLP expected share of the answer", nullable=True),
            "allocation_status": _str("Status of the MEXCLP allocation.", enum=_SOLVE_STATUS),
            "allocation_gap": _num(
                "Relative gap of the allocation; null when not finite.", minimum=0, nullable=True
            ),
            "evaluations": _arr(
                _obj(
                    "One fleet size tried.",
                    {
                        "drones": _int("Fleet size.", minimum=1),
                        "simulated_share": _share("Pooled share", nullable=True),
                    },
                ),
                "Every fleet size tried, in order.",
                min_items=1,
            ),
            "limit_reason": _str("Why the target is out of reach; empty when met."),
            "docks": _arr(
                _obj(
                    "A dock holding drones.",
                    {
                        "name": _str("Dock name."),
                        "lon": _lon(),
                        "lat": _lat(),
                        "drones": _int("Drones in it.", minimum=1),
                    },
                ),
                "Docks with at least one drone.",
            ),
        },
    )


def _design_wind_day() -> Schema:
    props: dict[str, Schema] = {
        "wind_speed_mps": _num("Design wind speed, m/s.", exclusive_minimum=0),
        "wind_from_deg": _num(
            "Direction the wind blows from, degrees from true north; null: headwind on every "
            "leg (a bound).",
            minimum=0,
            exclusive_maximum=360,
            nullable=True,
        ),
        "direction": _str(
            "How the wind direction is taken.",
            enum=("headwind on every leg (bound)", "one direction all day"),
        ),
        "grounded": _bool("Whether the design wind exceeds the launch limit (all docks grounded)."),
        **_simulation_properties(),
        "analytic_share_within_target": _obj(
            "Share within target_s on design-wind days by analytic model.",
            {
                "hypercube": _share("Larson's hypercube", nullable=True),
                "mexclp_system_q": _share("MEXCLP with one system-wide q", nullable=True),
                "zero_load": _share("Every drone always free", nullable=True),
            },
        ),
    }
    return _obj(
        "The same calls simulated with every day at the design wind.",
        props,
        optional=("analytic_share_within_target",),
    )


def _availability_schema() -> Schema:
    root = _obj(
        "",
        {
            "report_schema_version": _version(),
            "kind": {"const": "availability", "description": "Report kind."},
            "scenario": _scenario(),
            "target_s": _num("Response-time target, s.", exclusive_minimum=0),
            "inputs": _availability_inputs(),
            "simulation": _obj(
                "The simulated calls with the scenario's docks and drones.",
                _simulation_properties(),
            ),
            "analytic": _analytic(),
            "drones_needed": _arr(
                _drones_answer(), "One answer per reliability target, in scenario order."
            ),
            "design_wind_day": _nullable(
                _design_wind_day(), "Design-wind days; null when not simulated."
            ),
        },
    )
    return _document(
        "availability",
        "lowalt availability report",
        "The guarantee under load: a simulated period of calls dispatched to the docks' "
        "drones, analytic cross-checks, and the fewest drones for each reliability target. "
        "Call rates are modeled.",
        root,
        {"percentiles": _percentiles(), "agreement": _agreement()},
    )


_BUILDERS = {
    "reach": _reach_schema,
    "placement": _placement_schema,
    "corridor": _corridor_schema,
    "network": _network_schema,
    "availability": _availability_schema,
}


def report_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of one report kind.

    Parameters
    ----------
    kind
        One of :data:`REPORT_KINDS`.

    Returns
    -------
    dict
        A fresh, JSON-ready schema document (the caller may change it).

    Raises
    ------
    ValueError
        For an unknown kind.
    """
    try:
        build = _BUILDERS[kind]
    except KeyError:
        raise ValueError(
            f"unknown report kind {kind!r}; expected one of {', '.join(REPORT_KINDS)}"
        ) from None
    return json.loads(json.dumps(build()))  # an independent tree, shared parts unshared
