"""``lowalt validate`` refuses whatever ``lowalt run`` refuses for an input reason, first, and
with the same message: every case of every bad-input catalogue is run both ways."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from lowalt.cli import main

from .conftest import _DELETE

CATALOGUES = ("test_bad_input", "test_bad_input_bounds", "test_bad_input_checks")


def _cases() -> list[tuple[str, str]]:
    out = []
    for mod in CATALOGUES:
        try:
            cases = importlib.import_module(f"tests.{mod}").CASES
        except ModuleNotFoundError:
            if mod == "test_bad_input_bounds":
                continue
            raise
        out += [(mod, name) for name in sorted(cases)]
    return out


@pytest.fixture(autouse=True)
def _no_tianditu_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOWALT_TIANDITU_KEY", raising=False)


def _error_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [ln for ln in err.splitlines() if ln.startswith("lowalt: error:")]


@pytest.mark.parametrize(("catalogue", "case"), _cases())
def test_validate_refuses_what_run_refuses(
    catalogue: str, case: str, tiny_world, tmp_path: Path, capsys
) -> None:
    overrides, _key_path, *rest = importlib.import_module(f"tests.{catalogue}").CASES[case]
    make = rest[0] if rest else None
    if make is not None:
        make(tmp_path)
    if overrides.get("area", 0) is None:
        overrides = {**{k: v for k, v in overrides.items() if k != "area"}, "area": _DELETE}
    path = tiny_world(overrides)
    v_code, v_lines = _error_line(["validate", str(path)], capsys)
    r_code, r_lines = _error_line(["run", str(path), "--out", str(tmp_path / "out")], capsys)
    assert (v_code, r_code) == (2, 2)
    assert len(v_lines) == len(r_lines) == 1
    assert v_lines == r_lines
