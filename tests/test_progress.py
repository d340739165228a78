"""Progress bars: drawn on terminals only, never in quiet mode or into files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lowalt import progress
from lowalt.cli import main


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _off():
    yield
    progress.enable(None)


def test_bar_counts_to_the_total() -> None:
    out = _Tty()
    progress.enable(out)
    with progress.task("wind", total=4) as bar:
        for i in range(4):
            bar.advance(note=f"step {i}")
    text = out.getvalue()
    assert text.startswith("\rwind [")
    assert "4/4" in text.splitlines()[-1]
    assert "#" * 24 in text
    assert text.endswith("\n")


def test_counter_without_total() -> None:
    out = _Tty()
    progress.enable(out)
    with progress.task("solves") as bar:
        bar.advance()
        bar.advance()
    assert "2 done" in out.getvalue()


def test_nothing_drawn_when_not_a_terminal_or_disabled() -> None:
    out = io.StringIO()
    progress.enable(out)
    with progress.task("wind", total=2) as bar:
        bar.advance()
    progress.enable(None)
    with progress.task("wind", total=2) as bar:
        bar.advance()
    assert out.getvalue() == ""


def test_cli_draws_bars_on_a_terminal_but_not_with_q(
    tiny_world, tmp_path: Path, monkeypatch
) -> None:
    scenario = tiny_world()
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    assert main([str(scenario), "--out", str(tmp_path / "a")]) == 0
    assert "reach in a 5 m/s wind [" in err.getvalue()
    assert "8/8" in err.getvalue()
    quiet = _Tty()
    monkeypatch.setattr("sys.stderr", quiet)
    assert main([str(scenario), "--out", str(tmp_path / "b"), "-q"]) == 0
    assert "reach in" not in quiet.getvalue()
