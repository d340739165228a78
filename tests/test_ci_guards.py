"""CI refuses to skip: the helpers that decide between skip (local) and fail (``CI=true``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import conftest

Failed = pytest.fail.Exception
Skipped = pytest.skip.Exception


def _fake_chromium(folder: Path, name: str) -> Path:
    exe = folder / name
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    return exe


def test_chromium_is_found_on_path_under_either_name(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert conftest.find_chromium() is None
    exe = _fake_chromium(tmp_path, "chromium-browser")
    assert conftest.find_chromium() == str(exe)
    exe = _fake_chromium(tmp_path, "chromium")
    assert conftest.find_chromium() == str(exe)  # the Debian name first


@pytest.mark.parametrize(("ci", "outcome"), [("true", Failed), ("", Skipped), ("false", Skipped)])
def test_missing_chromium_fails_only_under_ci(ci: str, outcome: type[BaseException],
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="needs chromium on PATH"):
        conftest.require_chromium()


def test_shared_data_fails_under_ci_when_the_shared_folder_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shared").mkdir()
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")
    monkeypatch.delenv("LOWALT_X_DIR", raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Failed, match="CI must use it"):
        conftest.shared_data_file("LOWALT_X_DIR", "x.txt")
    monkeypatch.setenv("LOWALT_X_DIR", str(tmp_path / "missing"))
    with pytest.raises(Failed, match=r"x\.txt not found"):
        conftest.shared_data_file("LOWALT_X_DIR", "x.txt")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.txt").write_text("1")
    monkeypatch.setenv("LOWALT_X_DIR", str(tmp_path / "data"))
    assert conftest.shared_data_file("LOWALT_X_DIR", "x.txt") == tmp_path / "data" / "x.txt"


def test_shared_data_skips_without_ci_or_without_the_shared_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOWALT_X_DIR", raising=False)
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")  # absent
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Skipped):
        conftest.shared_data_file("LOWALT_X_DIR", "x.txt")
    (tmp_path / "shared").mkdir()
    monkeypatch.delenv("CI")
    with pytest.raises(Skipped):
        conftest.shared_data_file("LOWALT_X_DIR", "x.txt")


def test_ci_script_exports_the_shared_data_and_the_exploring_profile() -> None:
    ci = (conftest.REPO / ".ci" / "run").read_text()
    assert "export CI=true" in ci
    assert 'export LOWALT_ORLIB_DIR="$PWD/../shared/orlib"' in ci
    assert 'export LOWALT_SWAIN55_DIR="$PWD/../shared/swain55"' in ci
    assert "export LOWALT_HYPOTHESIS_PROFILE=explore" in ci
    assert "browser tests will be skipped" not in ci


def test_this_run_is_configured_as_ci_says() -> None:
    """Under CI, the shared data folders this run was given exist (the tests cannot skip)."""
    if not conftest.under_ci() or not conftest.SHARED.is_dir():
        pytest.skip("only under CI=true with ../shared")
    for env in ("LOWALT_ORLIB_DIR", "LOWALT_SWAIN55_DIR"):
        assert Path(os.environ[env]).is_dir(), env
