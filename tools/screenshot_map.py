"""Take a headless-Chromium screenshot of a saved lowalt web map.

Usage::

    python tools/screenshot_map.py MAP.html OUT.png [--size 1200x800] [--wait-ms 3000]

Needs Debian's ``chromium`` (``apt-get install chromium``). Network access is not
required for an offline map (``build_map(offline=True)``): the basemap tiles are then
missing but every overlay renders.
"""

from __future__ import annotations

import argparse
import shutil
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
    wait_ms: int = 3000,
    chromium: str | None = None,
    timeout_s: float = 90.0,
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
            f"--virtual-time-budget={wait_ms}",
            f"--screenshot={out}",
            f"--window-size={size[0]},{size[1]}",
            html.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="saved map (.html)")
    parser.add_argument("out", type=Path, help="screenshot (.png)")
    parser.add_argument("--size", default="1200x800", help="WIDTHxHEIGHT in pixels")
    parser.add_argument("--wait-ms", type=int, default=3000, help="virtual time budget")
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
