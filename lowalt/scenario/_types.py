"""Building blocks of the scenario models: text and path types, duplicate checks, the base model."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
)

from lowalt.limits import (
    MAX_NAME_CHARS,
    MAX_PATH_CHARS,
    MAX_TEXT_CHARS,
)

_NAME_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _no_control(pattern: re.Pattern[str], allowed: str) -> Callable[[str], str]:
    def check(v: str) -> str:
        m = pattern.search(v)
        if m:
            msg = (
                f"contains the control character {m.group()!r} at position {m.start()}. "
                f"Fix: remove it ({allowed})."
            )
            raise ValueError(msg)
        return v

    return check


def _sane_path(p: Path) -> Path:
    text = str(p)
    if len(text) > MAX_PATH_CHARS or "\x00" in text:
        msg = (
            f"is not a usable file path ({len(text)} characters"
            f"{', with a NUL byte' if chr(0) in text else ''}). "
            f"Fix: give a path of at most {MAX_PATH_CHARS} characters."
        )
        raise ValueError(msg)
    return p


Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_NAME_CHARS,
        json_schema_extra={"pattern": r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"},
    ),
    AfterValidator(
        _no_control(_NAME_CONTROL, "names may hold tabs and newlines, no other control characters")
    ),
]
Text = Annotated[
    str,
    Field(
        max_length=MAX_TEXT_CHARS,
        json_schema_extra={"pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"},
    ),
    AfterValidator(_no_control(_TEXT_CONTROL, "text may hold tabs and line breaks only")),
]
FilePath = Annotated[Path, AfterValidator(_sane_path)]
Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS84 latitude, degrees")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS84 longitude, degrees")]
Restriction = Literal["prohibited", "authorization_required", "conditional"]
Provenance = Literal["confirmed", "derived", "modeled"]


def _first_duplicate(keys: Sequence[Hashable]) -> tuple[Hashable, int, int] | None:
    """Return the first key seen twice and its two positions, or ``None``."""
    first: dict[Hashable, int] = {}
    for i, k in enumerate(keys):
        if k in first:
            return k, first[k], i
        first[k] = i
    return None


def _refuse_duplicates(keys: Sequence[Hashable], what: str, where: str, fix: str) -> None:
    dup = _first_duplicate(keys)
    if dup is not None:
        k, a, b = dup
        msg = f"{what} {k!r} appears twice, at {where}[{a}] and {where}[{b}]. Fix: {fix}"
        raise ValueError(msg)


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


