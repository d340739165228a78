"""Data files checked before anything reads them: a readable regular file under a size cap.

Every file a scenario names (geodata layers, CSV files, the scenario itself) passes
:func:`check_data_file` before it is opened, so a folder, a FIFO, a device, a symbolic-link
loop, an unreadable file or one over its cap is refused with one located message (the file,
the key naming it, a fix) rather than hanging or exhausting memory. Caps are in
:mod:`lowalt.limits`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lowalt.errors import ScenarioError

__all__ = ["check_data_file"]


def check_data_file(
    path: Path,
    *,
    cap_bytes: int,
    what: str,
    fix: str,
    scenario_file: str | None = None,
    key_path: str | None = None,
    size_fix: str = "give a smaller file (clip it to the area, or simplify its geometry).",
) -> None:
    """Check that ``path`` is a readable regular file of at most ``cap_bytes`` bytes.

    Nothing is read. A symlink loop, a folder, a FIFO or device, a file that cannot be opened
    and a file over the cap are refused.

    Parameters
    ----------
    path
        The file.
    cap_bytes
        Largest size accepted, bytes.
    what
        What the file is, for messages ("scenario file", "dock layer").
    fix
        The fix given when the file does not exist.
    size_fix
        The fix given when the file is over ``cap_bytes``.
    scenario_file, key_path
        The scenario naming the file and the key, for messages; without a scenario the
        message names ``path`` itself.

    Raises
    ------
    ScenarioError
        Naming the file, the key and a fix.
    """
    file = str(path) if scenario_file is None else scenario_file
    shown = "" if scenario_file is None else f" {path}"

    def fail(message: str, fix_: str) -> ScenarioError:
        return ScenarioError(message, file=file, key_path=key_path, fix=fix_)

    try:
        st = path.stat()
    except FileNotFoundError:
        raise fail(f"{what} not found{':' if shown else ''}{shown}.", fix) from None
    except (OSError, ValueError) as exc:  # ELOOP, ENAMETOOLONG, EACCES on a parent folder
        reason = getattr(exc, "strerror", None) or str(exc)
        raise fail(
            f"cannot open the {what}{shown}: {reason}.",
            "point it at a regular file (a symbolic link may not lead back to itself).",
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise fail(f"the {what}{shown} is a folder, not a file.", "name a file inside it.")
    if not stat.S_ISREG(st.st_mode):
        raise fail(
            f"the {what}{shown} is not a regular file (a FIFO, socket or device).",
            "give a regular file.",
        )
    if st.st_size > cap_bytes:
        raise fail(
            f"the {what}{shown} is {st.st_size / 2**20:,.1f} MiB; the limit is "
            f"{cap_bytes / 2**20:g} MiB.",
            size_fix,
        )
    if not os.access(path, os.R_OK):
        raise fail(
            f"the {what}{shown} cannot be read (permission denied).", "check its permissions."
        )
