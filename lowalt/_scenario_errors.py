"""Turn a pydantic ``ValidationError`` into one message with a key path and a fix."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

__all__ = ["format_key_path", "format_validation_error"]


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
    first = errors[0]
    loc = tuple(first["loc"])
    key_path = format_key_path(loc)
    more = f" ({len(errors) - 1} more problem(s) after this one)" if len(errors) > 1 else ""
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
    ):
        axis = "longitude" if last == 0 else "latitude"
        return (
            key_path,
            f"{axis} {value} is out of range{more}; polygon points are [lon, lat] pairs.",
            "write each point as [lon, lat], e.g. [114.40, 30.50] for Optics Valley.",
        )
    msg = first["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    fix = _fix_for(kind, first.get("ctx") or {})
    return key_path, f"{msg} (got {shown}){more}.", fix


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
        return "this key takes a mapping of sub-keys (see the README's key table)."
    if kind in {"list_type", "tuple_type"}:
        return "this key takes a list (one '- item' per line)."
    if kind == "string_pattern_mismatch":
        return "use letters, digits, '_', '-' and '.' only."
    return "see the scenario key table in README.md."
