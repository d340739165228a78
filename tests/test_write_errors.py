"""Output writing: every write error is one message and exit 2 with nothing left behind, and
temporary folders of killed runs are removed by the next run into the same folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from pyogrio.errors import FeatureError

from lowalt.cli import main
from lowalt.errors import LowaltError
from lowalt.outputs import _atomic
from lowalt.outputs._atomic import TMP_PREFIX, remove_stale_temporaries, write_atomically


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_geopackage_disk_full_is_exit_2(tiny_world, tmp_path: Path, capsys, monkeypatch) -> None:
    import geopandas as gpd

    real = gpd.GeoDataFrame.to_file

    def full(self, filename, *args, **kwargs):  # the error GDAL's GPKG driver gives
        if str(filename).endswith(".gpkg"):
            raise FeatureError(
                "Could not add feature to layer at index 3: failed to execute insert : "
                "database or disk is full"
            )
        return real(self, filename, *args, **kwargs)

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", full)
    out = tmp_path / "out"
    assert main([str(tiny_world()), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("lowalt: error:")]
    assert len(lines) == 1 and "database or disk is full" in lines[0] and "Fix:" in lines[0]
    assert "Traceback" not in err
    assert list(out.iterdir()) == []  # no partial output, no temporary folder


def test_real_full_disk(tiny_world, tmp_path: Path, capsys) -> None:
    """A 64 KiB tmpfs as the output folder (needs root and mount; skipped elsewhere)."""
    mnt = tmp_path / "full"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        assert main([str(tiny_world()), "--out", str(mnt)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and "writing outputs" in err and "Fix:" in err
        assert list(mnt.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_stale_temporaries_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / f"{TMP_PREFIX}{_dead_pid()}-abc"
    legacy = tmp_path / f"{TMP_PREFIX}x1y2z3"  # named before folders carried their pid
    live = tmp_path / f"{TMP_PREFIX}{os.getppid()}-def"
    other = tmp_path / "keep-me"
    for d in (dead, legacy, live, other):
        d.mkdir()
        (d / "half-written.gpkg").write_text("x")
    assert sorted(remove_stale_temporaries(tmp_path)) == sorted([dead, legacy])
    assert not dead.exists() and not legacy.exists()
    assert live.exists() and other.exists()


def test_a_run_removes_what_a_killed_run_left(tiny_world, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{TMP_PREFIX}{_dead_pid()}-k1ll3d").mkdir()
    assert main([str(tiny_world()), "--out", str(out)]) == 0
    assert not [p for p in out.iterdir() if p.name.startswith(TMP_PREFIX)]


def test_failed_build_leaves_nothing(tmp_path: Path) -> None:
    def build(tmp: Path) -> dict[str, Path]:
        (tmp / "a.json").write_text("{}")
        raise OSError(28, "No space left on device")

    with pytest.raises(LowaltError, match="No space left on device"):
        write_atomically(tmp_path, build)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_unwinds_and_cleans_up(tiny_world, tmp_path: Path, capsys, monkeypatch) -> None:
    out = tmp_path / "out"
    real = _atomic.os.replace

    def killed(src, dst):  # SIGTERM arrives while the files are being moved into place
        os.kill(os.getpid(), signal.SIGTERM)
        return real(src, dst)

    monkeypatch.setattr(_atomic.os, "replace", killed)
    before = signal.getsignal(signal.SIGTERM)
    assert main([str(tiny_world()), "--out", str(out)]) == 143
    assert "lowalt: terminated" in capsys.readouterr().err
    assert not [p for p in out.iterdir() if p.name.startswith(TMP_PREFIX)]
    assert signal.getsignal(signal.SIGTERM) is before
