"""Turn a pydantic ``ValidationError`` into one message with a key path and a fix."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

__all__ = ["UNION_TAGS", "format_key_path", "format_validation_error", "unit_of"]

UNION_TAGS = ("profile id", "override")
"""Tags of the scenario's tagged unions; they appear in pydantic locations, never in key paths."""

_UNITS = (
    ("_mps", "m/s"),
    ("_kmh", "km/h"),
    ("_deg", "degrees"),
    ("_km", "km"),
    ("_mb", "MB"),
    ("_kg", "kg"),
    ("_m", "m"),
    ("_s", "s"),
)
_NOUNS = {
    "drones": "drones",
    "drones_total": "drones",
    "total": "drones",
    "max_per_dock": "drones",
    "max_drones_per_dock": "drones",
    "count": "docks",
    "best_worst_case_k": "docks",
    "backup_k": "docks",
    "tradeoff_k": "docks",
    "days": "days",
    "max_cells": "cells",
    "calls_per_day": "calls per day",
    "directions": "directions",
    "lloyd_iterations": "iterations",
    "num_workers": "threads",
}


def unit_of(key: str) -> str:
    """Return the unit of a key from its suffix (``_mps`` -> ``m/s``); "" when it has none."""
    for suffix, unit in _UNITS:
        if key.endswith(suffix):
            return unit
    return _NOUNS.get(key, "")


def _clean_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """Drop the parts of a pydantic location that name union members, not keys."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (part in UNION_TAGS or ("[" in part and part.endswith("]"))):
            continue  # "override", "tuple[float, ...]", "literal['flat', ...]"
        out.append(part)
    return tuple(out)


def _last_key(loc: Sequence[str | int]) -> str:
    return next((str(p) for p in reversed(loc) if isinstance(p, str)), "")


def format_key_path(loc: Sequence[str | int]) -> str:
    """Format a pydantic location as ``a.b[2].c``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """Walk the model tree along ``loc`` and return the model that holds the last key."""
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def format_validation_error(exc: ValidationError, root: type[BaseModel]) -> tuple[str, str, str]:
    """Describe the first problem in ``exc``.

    Returns
    -------
    tuple of str
        ``(key_path, message, fix)``.
    """
    errors = exc.errors(include_url=False)
    first = _most_specific(errors)
    loc = _clean_loc(first["loc"])
    key_path = format_key_path(loc)
    n_more = sum(
        1
        for e in errors
        if e is not first and _clean_loc(e["loc"]) != loc[: len(_clean_loc(e["loc"]))]
    )  # other branches of a union at this key are not more problems
    more = f" ({n_more} more problem(s) after this one)" if n_more else ""
    kind = first["type"]
    value = first.get("input")
    last = loc[-1] if loc else ""

    if kind == "extra_forbidden":
        parent = _model_at(root, loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        allowed = [a for a in allowed if a != "path"]
        close = difflib.get_close_matches(str(last), allowed, n=1)
        fix = f"did you mean '{close[0]}'? " if close else ""
        fix += f"Allowed keys here: {', '.join(allowed)}." if allowed else "remove the key."
        return key_path, f"unknown key '{last}'{more}.", fix
    if kind == "missing":
        return key_path, f"required key '{last}' is missing{more}.", f"add '{last}:' here."
    if last == "lat" and kind in {"less_than_equal", "greater_than_equal"}:
        return (
            key_path,
            f"latitude {value} is outside [-90, 90]{more}; latitude and longitude look swapped.",
            "put the latitude (about 30.5 for Wuhan) in 'lat' and the longitude (about 114) "
            "in 'lon'.",
        )
    if (
        kind in {"less_than_equal", "greater_than_equal"}
        and isinstance(last, int)
        and len(loc) >= 2
        and "polygon_lonlat" in loc
    ):
        axis = "longitude" if last == 0 else "latitude"
        return (
            key_path,
            f"{axis} {value} is out of range{more}; polygon points are [lon, lat] pairs.",
            "write each point as [lon, lat], e.g. [114.40, 30.50] for Optics Valley.",
        )
    ctx = first.get("ctx") or {}
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    key = _last_key(loc)
    unit = unit_of(key)
    in_unit = f" {unit}" if unit else ""
    if kind == "finite_number":
        bound = _upper_bound(root, loc)
        at_most = f", at most {_num(bound)}{in_unit}" if bound is not None else ""
        return (
            key_path,
            f"{shown} is not a finite number{more}; infinity and NaN are not allowed.",
            f"write a plain finite number{at_most} (units are in the key name).",
        )
    if kind == "int_parsing_size":
        bound = _upper_bound(root, loc)
        at_most = f"at most {_num(bound)}{in_unit}" if bound is not None else "a smaller number"
        return (
            key_path,
            f"{shown} is too large{more}: {key or 'the value'} must be {at_most}.",
            f"write a whole number, {at_most}.",
        )
    if kind in {"less_than_equal", "less_than"} and ("le" in ctx or "lt" in ctx):
        bound = ctx.get("le", ctx.get("lt"))
        word = "at most" if kind == "less_than_equal" else "below"
        return (
            key_path,
            f"{shown} is too large{more}: {key or 'the value'} must be {word} "
            f"{_num(bound)}{in_unit}.",
            f"use a value of {word} {_num(bound)}{in_unit} (the physical bound lowalt accepts; "
            "units are in the key name).",
        )
    if kind in {"too_long", "string_too_long"}:
        limit = ctx.get("max_length")
        what = "characters" if kind == "string_too_long" else "items"
        return (
            key_path,
            f"too long{more}: at most {limit} {what} allowed here.",
            f"shorten it to at most {limit} {what}.",
        )
    msg = first["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    fix = _fix_for(kind, ctx)
    if " Fix: " in msg:  # validators state their own fix
        msg, fix = msg.split(" Fix: ", 1)
        return key_path, f"{msg.rstrip('.')}{more}.", fix
    return key_path, f"{msg} (got {shown}){more}.", fix


def _upper_bound(root: type[BaseModel], loc: Sequence[str | int]) -> float | None:
    """Return the ``le``/``lt`` bound of the field at ``loc`` (or of its items), if any."""
    keys = [p for p in loc if isinstance(p, str)]
    if not keys:
        return None
    at = max(i for i, p in enumerate(loc) if p == keys[-1])
    parent = _model_at(root, list(loc[:at]))
    field = parent.model_fields.get(keys[-1]) if parent else None
    if field is None:
        return None
    return _find_bound([*field.metadata, field.annotation])


def _find_bound(items: Sequence[Any]) -> float | None:
    for item in items:
        for attr in ("le", "lt"):
            v = getattr(item, attr, None)
            if isinstance(v, int | float) and not isinstance(v, bool):
                return v
        meta = getattr(item, "metadata", None)
        if isinstance(meta, list):
            found = _find_bound(meta)
            if found is not None:
                return found
        args = typing.get_args(item)
        if args:
            found = _find_bound(args)
            if found is not None:
                return found
    return None


def _num(x: object) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}" if isinstance(x, int) else str(x)


def _most_specific(errors: list[Any]) -> Any:
    """Return the first error, but for a union prefer a branch that got past its type check."""
    first = errors[0]
    if len(errors) > 1 and first["type"] in {"literal_error", "string_type"}:
        loc = tuple(first["loc"])
        prefix = _clean_loc(loc)
        for e in errors[1:]:
            if _clean_loc(e["loc"])[: len(prefix)] == prefix and e["type"] not in {
                "tuple_type",
                "list_type",
                "literal_error",
                "string_type",
            }:
                return e
    return first


def _fix_for(kind: str, ctx: dict[str, Any]) -> str:
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        return "write a plain number (units are in the key name, e.g. 300 for target_s)."
    if kind == "value_error" and "CRS" in str(ctx.get("error", "")):  # metric_crs
        return "use a projected CRS in metres, e.g. EPSG:4547 (CGCS2000 GK, best for Wuhan)."
    if kind in {"bool_parsing", "bool_type"}:
        return "write true or false."
    if kind == "literal_error":
        return f"use one of {ctx.get('expected', 'the listed values')}."
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return "use a value in the allowed range."
    if kind in {"model_type", "dict_type"}:
        return "this key takes a mapping of sub-keys (see the key table in docs/scenario_keys.md)."
    if kind in {"list_type", "tuple_type"}:
        return "this key takes a list (one '- item' per line)."
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == r"^[A-Za-z0-9_.-]+$":
            return "use letters, digits, '_', '-' and '.' only."
        return f"use only characters that match {ctx.get('pattern')}."
    return "see the scenario key table in docs/scenario_keys.md."
