"""Take a headless-Chromium screenshot of a saved lowalt web map.

Usage::

    python tools/screenshot_map.py MAP.html OUT.png [--size 1200x800] [--wait-ms 0]
        [--engine auto|playwright|cli] [--offline]

Needs Debian's ``chromium`` (``apt-get install chromium``). With the ``playwright``
Python package installed (``pip install playwright``; never ``playwright install``: it
drives ``/usr/bin/chromium``) the page is loaded, the tool waits until Leaflet has drawn
the map (plus ``--wait-ms``) and screenshots it; ``--offline`` then also keeps every
non-file request (tiles) off the network. Without playwright it falls back to the
Chromium command line (``--screenshot``). Chromium 156 headless sometimes hangs when
``--virtual-time-budget`` is given, so on that path it is off by default (the screenshot
is taken after the page's load event, which is enough for the inline overlays); a hung
run is killed and retried. Network access is not required for an offline map
(``build_map(offline=True)``): the basemap tiles are then missing but every overlay
renders.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """Return the path of a Chromium executable, or ``None``."""
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def have_playwright() -> bool:
    """Whether the ``playwright`` Python package is importable."""
    return importlib.util.find_spec("playwright") is not None


def screenshot(
    html: Path,
    out: Path,
    *,
    size: tuple[int, int] = (1200, 800),
    wait_ms: int = 0,
    chromium: str | None = None,
    timeout_s: float = 45.0,
    attempts: int = 3,
    engine: str = "auto",
    offline: bool = False,
) -> Path:
    """Render ``html`` headless and write a PNG to ``out``; return ``out``.

    Parameters
    ----------
    engine
        ``"playwright"``, ``"cli"`` (Chromium's ``--screenshot``) or ``"auto"``
        (playwright when installed).
    offline
        Playwright only: answer every non-file request with an error (no tiles fetched).

    Raises
    ------
    FileNotFoundError
        If the page or Chromium is missing, or playwright is asked for but not installed.
    RuntimeError
        If Chromium fails or writes no screenshot.
    """
    html, out = Path(html).resolve(), Path(out).resolve()
    if not html.is_file():
        raise FileNotFoundError(html)
    exe = chromium or find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium not found; apt-get install chromium")
    if engine not in ("auto", "playwright", "cli"):
        raise ValueError(f"engine must be auto, playwright or cli, not {engine!r}")
    if engine == "playwright" and not have_playwright():
        raise FileNotFoundError("playwright not installed; pip install playwright")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    if engine == "playwright" or (engine == "auto" and have_playwright()):
        return _playwright_shot(html, out, exe, size, wait_ms, timeout_s, offline)
    error = "no attempt made"
    for _ in range(max(1, attempts)):
        with tempfile.TemporaryDirectory(prefix="lowalt-chromium-") as profile:
            cmd = [
                exe,
                *CHROMIUM_FLAGS,
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


def _playwright_shot(
    html: Path,
    out: Path,
    exe: str,
    size: tuple[int, int],
    wait_ms: int,
    timeout_s: float,
    offline: bool,
) -> Path:
    """Screenshot with playwright driving ``exe``, once Leaflet has drawn the map."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import Route, sync_playwright

    def route(r: Route) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            r.abort()

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=exe, args=list(CHROMIUM_FLAGS), timeout=timeout_s * 1000
            )
            try:
                page = browser.new_page(viewport={"width": size[0], "height": size[1]})
                page.set_default_timeout(timeout_s * 1000)
                if offline:
                    page.route("**/*", route)
                page.goto(html.as_uri(), wait_until="load")
                if page.locator(".leaflet-container").count():
                    page.wait_for_function(
                        "() => Object.values(window).some((v) => window.L && v instanceof L.Map)"
                    )
                    page.wait_for_timeout(250)  # let the canvas renderer paint
                if wait_ms > 0:
                    page.wait_for_timeout(wait_ms)
                page.screenshot(path=str(out))
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise RuntimeError(f"playwright/chromium failed: {exc}") from exc
    if not out.is_file():
        raise RuntimeError("playwright wrote no screenshot")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="saved map (.html)")
    parser.add_argument("out", type=Path, help="screenshot (.png)")
    parser.add_argument("--size", default="1200x800", help="WIDTHxHEIGHT in pixels")
    parser.add_argument(
        "--wait-ms", type=int, default=0, help="extra wait (cli: virtual time budget; 0: off)"
    )
    parser.add_argument(
        "--engine", choices=("auto", "playwright", "cli"), default="auto", help="default: auto"
    )
    parser.add_argument(
        "--offline", action="store_true", help="playwright: block all non-file requests"
    )
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    try:
        screenshot(
            args.html,
            args.out,
            size=(width, height),
            wait_ms=args.wait_ms,
            engine=args.engine,
            offline=args.offline,
        )
    except (FileNotFoundError, RuntimeError, ValueError) as exc:
        print(f"screenshot_map: {exc}", file=sys.stderr)
        return 2
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
