"""Take a headless-Chromium screenshot of a saved lowalt web map.

Usage::

    python tools/screenshot_map.py MAP.html OUT.png [--size 1200x800] [--wait-ms 0]

Needs Debian's ``chromium`` (``apt-get install chromium``). Network access is not
required for an offline map (``build_map(offline=True)``): the basemap tiles are then
missing but every overlay renders. Chromium 156 headless sometimes hangs when
``--virtual-time-budget`` is given, so it is off by default (the screenshot is taken
after the page's load event, which is enough for the inline overlays); a hung run is
killed and retried.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """Return the path of a Chromium executable, or ``None``."""
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(
    html: Path,
    out: Path,
    *,
    size: tuple[int, int] = (1200, 800),
    wait_ms: int = 0,
    chromium: str | None = None,
    timeout_s: float = 45.0,
    attempts: int = 3,
) -> Path:
    """Render ``html`` headless and write a PNG to ``out``; return ``out``.

    Raises
    ------
    FileNotFoundError
        If the page or Chromium is missing.
    RuntimeError
        If Chromium fails or writes no screenshot.
    """
    html, out = Path(html).resolve(), Path(out).resolve()
    if not html.is_file():
        raise FileNotFoundError(html)
    exe = chromium or find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium not found; apt-get install chromium")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    error = "no attempt made"
    for _ in range(max(1, attempts)):
        with tempfile.TemporaryDirectory(prefix="lowalt-chromium-") as profile:
            cmd = [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                *([f"--virtual-time-budget={wait_ms}"] if wait_ms > 0 else []),
                f"--screenshot={out}",
                f"--window-size={size[0]},{size[1]}",
                html.as_uri(),
            ]
            # Own session, so a hung run is killed with all its helper processes.
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
            )
            try:
                _, stderr = proc.communicate(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                error = f"chromium timed out after {timeout_s:g} s"
                continue
        if proc.returncode == 0 and out.is_file():
            return out
        error = f"chromium failed ({proc.returncode}): {stderr.decode(errors='replace')[-2000:]}"
    raise RuntimeError(error)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="saved map (.html)")
    parser.add_argument("out", type=Path, help="screenshot (.png)")
    parser.add_argument("--size", default="1200x800", help="WIDTHxHEIGHT in pixels")
    parser.add_argument("--wait-ms", type=int, default=0, help="virtual time budget (0: off)")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    try:
        screenshot(args.html, args.out, size=(width, height), wait_ms=args.wait_ms)
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"screenshot_map: {exc}", file=sys.stderr)
        return 2
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
