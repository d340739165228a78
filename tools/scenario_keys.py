"""Print the scenario key table (markdown) from the schema: ``python tools/scenario_keys.py``.

``--write`` updates docs/scenario_keys.md in place.

docs/scenario_keys.md embeds this table between the markers ``<!-- keys:start -->`` and
``<!-- keys:end -->``; tests/test_docs.py fails when they drift apart.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from lowalt.scenario.schema import Scenario


def _type_name(ann: Any) -> str:
    """Plain-language type of an annotation."""
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        text = " or ".join(_type_name(a) for a in inner)
        return f"{text} or null" if len(inner) < len(args) else text
    if origin in (list, tuple):
        if origin is tuple and len(args) == 2 and args[1] is not Ellipsis:
            return "[lon, lat]"
        return f"list of {_type_name(args[0])}"
    names = {float: "number", int: "integer", str: "text", bool: "true/false", Path: "file path"}
    return names.get(ann, getattr(ann, "__name__", str(ann)))


def _sub(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for a in typing.get_args(ann):
        found = _sub(a)
        if found:
            return found
    return None


def rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str, str]]:
    out = []
    for name, f in model.model_fields.items():
        if name == "path":
            continue
        key = f"{prefix}{name}"
        sub = _sub(f.annotation)
        if f.default is PydanticUndefined and f.default_factory is None:
            default = "**required**"
        elif sub is not None and isinstance(f.default, BaseModel):
            default = "(section)"
        else:
            d = f.default
            default = "null" if d is None else f"`{list(d) if isinstance(d, tuple) else d}`"
        desc = (
            f.description or (sub.__doc__ or "").strip().splitlines()[0]
            if sub
            else f.description or ""
        )
        kind = (
            "list of mappings"
            if sub and "tuple" in str(f.annotation)
            else ("mapping" if sub else _type_name(f.annotation))
        )
        kind = kind.replace("|", "or")
        out.append((key, kind, default, desc.replace("|", "\\|")))
        if sub is not None:
            item = "[]." if "tuple" in str(f.annotation) or "list" in str(f.annotation) else "."
            out.extend(rows(sub, f"{key}{item}"))
    return out


def table() -> str:
    lines = ["| key | type | default | meaning (units in the key name) |", "|---|---|---|---|"]
    for key, kind, default, desc in rows(Scenario):
        lines.append(f"| `{key}` | {kind.replace('|', 'or')} | {default} | {desc} |")
    return "\n".join(lines)


KEYS_DOC = Path(__file__).resolve().parent.parent / "docs" / "scenario_keys.md"
"""The document that embeds the table between the key markers."""


def write_table(doc: Path = KEYS_DOC) -> None:
    """Replace the table between the document's key markers."""
    import re

    text = doc.read_text(encoding="utf-8")
    new = re.sub(
        r"<!-- keys:start -->.*<!-- keys:end -->",
        lambda _: f"<!-- keys:start -->\n{table()}\n<!-- keys:end -->",
        text,
        flags=re.S,
    )
    if new == text and "<!-- keys:start -->" not in text:
        raise SystemExit(f"{doc} lacks the <!-- keys:start --> / <!-- keys:end --> markers")
    doc.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    import sys

    if "--write" in sys.argv:
        write_table()
    else:
        print(table())
