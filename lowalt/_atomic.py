"""Write a set of output files all-or-nothing.

Files are built in a temporary folder inside the output folder and moved into place (same
file system, ``os.replace``) only when every one of them is complete; on any failure the
temporary folder is removed and nothing in the output folder changes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from lowalt.errors import LowaltError

__all__ = ["write_atomically"]


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
        When the folder cannot be created or written.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".lowalt-", dir=out_dir))
    except OSError as exc:
        raise LowaltError(
            f"cannot write to the output folder {out_dir} ({exc.strerror}).",
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
    except OSError as exc:
        raise LowaltError(
            f"writing outputs to {out_dir} failed ({exc}).",
            fix="check free space and permissions, or use --out DIR.",
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
