"""Write a set of output files all-or-nothing.

Files are built in a temporary folder inside the output folder and moved into place (same
file system, ``os.replace``) only when every one of them is complete; on any failure the
temporary folder is removed and nothing in the output folder changes.

The temporary folder is named ``.lowalt-<pid>-<random>``. A run killed before it could clean
up (``SIGKILL``, power loss) leaves it behind; the next run into the same folder removes every
such folder whose process is gone (and any older unnamed ``.lowalt-*`` folder), so a folder
being written by a live run is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from pyogrio.errors import DataLayerError, DataSourceError

from lowalt.errors import LowaltError

__all__ = ["TMP_PREFIX", "remove_stale_temporaries", "write_atomically"]

TMP_PREFIX = ".lowalt-"
"""Prefix of the temporary folders :func:`write_atomically` builds outputs in."""

_OWNED = re.compile(r"^\.lowalt-(\d+)-")

WRITE_ERRORS: tuple[type[BaseException], ...] = (OSError, DataSourceError, DataLayerError)
"""What a full disk, a read-only folder or a GDAL driver failure raises while writing."""


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    except OSError:
        return False
    return True


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Remove temporary folders left in ``out_dir`` by runs that no longer exist.

    Returns the folders removed. Folders of live processes are kept.
    """
    removed: list[Path] = []
    try:
        entries = list(out_dir.iterdir())
    except OSError:
        return removed
    for p in entries:
        if not p.name.startswith(TMP_PREFIX) or p.is_symlink() or not p.is_dir():
            continue
        owner = _OWNED.match(p.name)
        if owner is not None and _alive(int(owner.group(1))):
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


def write_atomically(out_dir: Path, build: Callable[[Path], dict[str, Path]]) -> dict[str, Path]:
    """Run ``build(tmp_dir)`` and move the files it returns into ``out_dir``.

    Parameters
    ----------
    out_dir
        Destination folder (created if missing).
    build
        Writes files into the temporary folder it is given and returns ``{kind: path}``.

    Returns
    -------
    dict
        ``{kind: final path}``.

    Raises
    ------
    LowaltError
        When the folder cannot be created or written (full disk, permissions, a GDAL driver
        failure such as GeoPackage's "database or disk is full").
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(out_dir)
        tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=out_dir))
    except OSError as exc:
        raise LowaltError(
            f"cannot write to the output folder {out_dir} ({exc.strerror or exc}).",
            fix="choose a writable folder with --out DIR.",
        ) from None
    try:
        files = build(tmp)
        final: dict[str, Path] = {}
        for kind, p in files.items():
            os.chmod(p, 0o644)
            target = out_dir / p.name
            os.replace(p, target)
            final[kind] = target
        return final
    except WRITE_ERRORS as exc:
        raise LowaltError(
            f"writing outputs to {out_dir} failed ({exc}).",
            fix="check free space and permissions, or use --out DIR.",
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
