"""Open every kind of generated map in headless Chromium (playwright) and use it.

Checks per map: no page/console errors, no request leaves the machine (tiles get a blank
PNG, anything else non-file is aborted), the Leaflet map and the expected layers are in
the layer control, unticking/ticking an overlay changes the number of drawn paths, and
scenario text such as ``<img src=x onerror=alert(1)>`` shows as literal text in popups,
tooltips and titles without running. Screenshots go to ``$LOWALT_SCREENSHOT_DIR`` when
set (README images, CI artifacts), else to the test's temporary folder.

Needs Chromium on ``PATH`` (Debian's ``chromium``) and the ``playwright`` Python package
(never ``playwright install``); skipped otherwise, but failed under ``CI=true``
(``tests.conftest.require_chromium``).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from lowalt.cli import main
from lowalt.outputs._offline_assets import png_data_uri
from lowalt.outputs.basemaps import wgs84_to_gcj02
from lowalt.outputs.webmap import build_map, save_map
from tests.conftest import metric_to_lonlat, require_chromium, square_feature, write_fc
from tests.test_webmap import _layers

REPO = Path(__file__).resolve().parents[1]
EVIL = "<img src=x onerror=alert(1)>"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A light-grey tile (served for every tile request, so screenshots have a plain background).
BLANK_PNG = base64.b64decode(
    png_data_uri(np.zeros((1, 1), np.uint8), np.array([[242, 242, 240, 255]], np.uint8)).split(
        ",", 1
    )[1]
)

pytestmark = [pytest.mark.browser]

# The page's Leaflet map (folium names it map_<hex>), and the vector paths drawn on it.
_MAP_JS = "Object.values(window).find((v) => v instanceof L.Map)"
_PATHS_JS = (
    f"() => {{ let n = 0; {_MAP_JS}.eachLayer((l) => {{ if (l instanceof L.Path) n++; }});"
    " return n; }"
)


@dataclass
class Session:
    """A page plus everything it reported."""

    page: Any
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)

    def open(self, html: Path) -> None:
        """Load ``html`` and wait for Leaflet to have drawn the map."""
        self.page.goto(html.resolve().as_uri(), wait_until="load")
        self.page.wait_for_selector(".leaflet-container .leaflet-control-layers")
        self.page.wait_for_function(f"() => {_MAP_JS} !== undefined")

    def clean(self) -> None:
        """Assert no error, dialog or outside request happened."""
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs
        assert self.blocked == [], self.blocked
        assert not [u for u in self.local if u.rstrip("/").endswith("/x")], self.local

    def overlays(self) -> list[str]:
        """Names of the overlays in the layer control, as the user reads them."""
        return self.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()

    def paths(self) -> int:
        """Leaflet vector paths currently on the map."""
        return int(self.page.evaluate(_PATHS_JS))

    def toggle(self, name: str) -> None:
        """Click the overlay checkbox whose label contains ``name`` (as a user would)."""
        self.page.locator(".leaflet-control-layers").hover()
        label = self.page.locator(".leaflet-control-layers-overlays label", has_text=name)
        label.locator("input").click()
        self.page.mouse.move(5, 795)  # move off the control so it collapses again

    def click_point(self, lon: float, lat: float) -> tuple[str, str]:
        """Centre the map on a point feature, hover and click it; (tooltip, popup) text."""
        page = self.page
        page.evaluate(
            f"([lat, lon]) => {{ {_MAP_JS}.setView([lat, lon], 15, {{animate: false}}) }}",
            [lat, lon],
        )
        box = page.locator(".leaflet-container").bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x - 1, y)
        page.mouse.move(x, y)
        page.wait_for_selector(".leaflet-tooltip", timeout=3000)
        tooltip = page.locator(".leaflet-tooltip").last.inner_text()
        page.mouse.click(x, y)
        page.wait_for_selector(".leaflet-popup-content", timeout=3000)
        return tooltip, page.locator(".leaflet-popup-content").last.inner_text()

    def open_all(self) -> int:
        """Open every popup and tooltip of the layers shown, one after another; count them.

        After each one, no ``img[src=x]`` may exist (checked in the page, synchronously).
        """
        n = self.page.evaluate(
            f"""() => {{ const m = {_MAP_JS}; let n = 0; const bad = [];
            m.eachLayer((l) => {{
                const kinds = [['getPopup', 'openPopup'], ['getTooltip', 'openTooltip']];
                for (const [get, open] of kinds) {{
                    if (l[get] && l[get]()) {{
                        l[open]();
                        n++;
                        if (document.querySelector('img[src="x"], [onerror]')) bad.push(n);
                    }}
                }}
            }});
            m.closePopup();
            return bad.length ? -1 : n; }}"""
        )
        self.page.wait_for_timeout(200)  # an injected onerror would fire by now
        assert n > 0, "an element was created from data text"
        return int(n)

    def assert_literal(self, text: str) -> None:
        """``text`` appears as text and no element was made from it."""
        assert self.page.locator('img[src="x"]').count() == 0
        assert self.page.evaluate("() => document.querySelectorAll('[onerror]').length") == 0
        assert text in self.page.locator("body").inner_text()

    def screenshot(self, name: str, folder: Path) -> Path:
        """Save a PNG of the viewport to ``$LOWALT_SCREENSHOT_DIR`` or ``folder``."""
        out = Path(os.environ.get("LOWALT_SCREENSHOT_DIR") or folder) / f"{name}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(out))
        assert out.stat().st_size > 10_000
        return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=FLAGS, timeout=60_000)
        yield b
        b.close()


@pytest.fixture
def session(browser: Any) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    s = Session(page)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:")):
            s.local.append(url)
            r.continue_()
        elif r.request.resource_type == "image":
            s.tiles.append(url)
            r.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            s.blocked.append(url)
            r.abort()

    def dialog(d: Any) -> None:
        s.dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: s.errors.append(f"pageerror: {exc}"))
    page.on("console", lambda m: m.type == "error" and s.errors.append(f"console: {m.text}"))
    page.on("dialog", dialog)
    yield s
    context.close()


def _run(scenario: Path, out: Path) -> Path:
    assert main([str(scenario), "--out", str(out), "-q"]) in (0, 1)
    return out


def _shipped(name: str, tmp: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """Copy a shipped scenario into ``tmp`` (paths made absolute) after ``edit``."""
    src = REPO / "scenarios" / name
    doc = yaml.safe_load(src.read_text(encoding="utf-8"))

    def absolute(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: absolute(v) for k, v in node.items()}
        if isinstance(node, list):
            return [absolute(v) for v in node]
        if isinstance(node, str) and node.startswith("../"):
            return str((src.parent / node).resolve())
        return node

    doc = absolute(doc)
    edit(doc)
    path = tmp / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_reach_map(session: Session, tiny_world: Callable[..., Path], tmp_path: Path) -> None:
    lon, lat = metric_to_lonlat(0, 0)
    dock = {"name": EVIL, "lat": lat, "lon": lon, "drones": 2}
    scenario = tiny_world({"name": f"tiny {EVIL}", "docks.sites": [dock]})
    zone = square_feature(-1050, -1050, 1050, 1050, name=EVIL, provenance="modeled", source="t")
    write_fc(scenario.parent / "zone.geojson", [zone])  # the zone is named EVIL too
    html = _run(scenario, tmp_path / "out") / "tiny.html"
    session.open(html)
    session.screenshot("reach_tiny", tmp_path)
    names = session.overlays()
    for prefix in ("Response time: ", "Not reached within 5 min", "Zone boundary", "Docks (1, 2"):
        assert any(n.strip().startswith(prefix) for n in names), (prefix, names)
    assert session.page.title() == f"tiny {EVIL}"  # escaped in <title>, read back as text
    session.assert_literal(f"tiny {EVIL}")  # the notes box title

    before = session.paths()
    session.toggle("Docks (1, 2")
    assert session.paths() == before - 1
    session.toggle("Docks (1, 2")
    assert session.paths() == before

    tooltip, popup = session.click_point(dock["lon"], dock["lat"])
    assert tooltip == EVIL
    assert popup.splitlines()[0].endswith(f": {EVIL}")  # "Dock <id>: <name>"
    session.assert_literal(EVIL)
    assert session.open_all() == 3  # dock popup + tooltip, zone tooltip (calm air: none unreached)
    session.assert_literal(EVIL)
    session.clean()
    assert session.tiles  # OpenStreetMap tiles asked for (and served blank)


def test_placement_map(session: Session, tiny_world: Callable[..., Path], tmp_path: Path) -> None:
    lon, lat = metric_to_lonlat(0, 0)
    dock = {"name": EVIL, "lat": lat, "lon": lon, "drones": 2}
    optimize = {  # target 120 s: 30 s overhead, 900 m at 10 m/s in calm air
        "candidate_spacing_m": 300,
        "demand_spacing_m": 200,
        "min_docks": True,
        "best_worst_case_k": 2,
        "drones": {"total": 3, "busy_probability": 0.2, "max_per_dock": 3},
        "tradeoff_k": [1],  # trade-off layouts are in the plot, not on the map
        "time_limit_s": 5,
    }
    scenario = tiny_world(
        {
            "name": f"tiny {EVIL}",
            "docks.sites": [dock],
            "guarantee.target_s": 120,
            "optimize": optimize,
        }
    )
    out = _run(scenario, tmp_path / "out")
    answers = json.loads((out / "tiny_placement.json").read_text(encoding="utf-8"))["answers"]
    mapped = {k: a for k, a in answers.items() if not k.startswith("tradeoff_")}
    assert set(mapped) == {"min_docks_calm", "min_docks_wind", "best_worst_case", "drones"}
    session.open(out / "tiny_placement.html")

    names = session.overlays()
    for prefix in ("Response time: ", "Not reached within", "Zone boundary", "Docks (1, 2"):
        assert any(n.strip().startswith(prefix) for n in names), (prefix, names)
    for key, a in mapped.items():  # every optimized layout, hidden at first
        label = f"Optimized: {key} ({a['sites']} docks, {a['status']})"
        assert any(n.strip() == label for n in names), (label, names)
    assert not any("tradeoff" in n for n in names), names
    assert session.page.title() == f"tiny {EVIL}"
    session.assert_literal(f"tiny {EVIL}")  # the notes box title
    session.assert_literal("Coverage of the CURRENT (modeled) layout")

    tooltip, popup = session.click_point(dock["lon"], dock["lat"])  # the current dock
    assert tooltip == EVIL
    assert popup.splitlines()[0].endswith(f": {EVIL}")
    session.page.evaluate(f"() => {_MAP_JS}.closePopup()")

    before, labels = session.paths(), session.open_all()
    shown = 0
    for key, a in mapped.items():
        session.toggle(f"Optimized: {key} (")
        shown += a["sites"]
        assert session.paths() == before + shown, key
    session.page.evaluate(f"() => {_MAP_JS}.eachLayer((l) => l.closeTooltip && l.closeTooltip())")
    session.screenshot("placement_tiny", tmp_path)  # every optimized layout shown
    assert session.open_all() == labels + shown  # a tooltip per optimized site
    tips = session.page.locator(".leaflet-tooltip").all_inner_texts()
    assert f"drones: {mapped['drones']['drones']} drone(s)" in tips  # one dock, every drone
    session.assert_literal(EVIL)
    session.toggle("Optimized: min_docks_calm (")
    assert session.paths() == before + shown - mapped["min_docks_calm"]["sites"]
    session.clean()


def test_corridor_map(session: Session, tmp_path: Path) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["corridor"]["origin"]["name"] = EVIL

    scenario = _shipped("hankou_north_huahu_corridor.yaml", tmp_path, edit)
    html = _run(scenario, tmp_path / "out") / "hankou_north_huahu_corridor.html"
    session.open(html)
    session.screenshot("corridor_hankou_north_huahu", tmp_path)
    names = " | ".join(session.overlays())
    for expected in (
        "Airspace zones",
        "cargo5t_fast: ",
        "cargo5t_slow: ",
        "v2000cg: ",
        "End points",
    ):
        assert expected in names, names
    before = session.paths()
    session.toggle("Airspace zones")
    after = session.paths()
    assert 0 < after < before
    session.toggle("Airspace zones")
    assert session.paths() == before
    doc = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    origin = doc["corridor"]["origin"]
    tooltip, popup = session.click_point(origin["lon"], origin["lat"])
    assert tooltip == EVIL and popup.startswith(EVIL)
    session.assert_literal(EVIL)
    assert session.open_all() >= 10
    session.assert_literal(EVIL)
    session.clean()


def test_network_map(session: Session, tmp_path: Path) -> None:
    html = _run(REPO / "scenarios" / "pilot_routes.yaml", tmp_path) / "pilot_routes_network.html"
    session.open(html)
    session.screenshot("network_pilot_routes", tmp_path)
    names = " | ".join(session.overlays())
    for expected in ("Airspace zones", "Route corridors", "Routes (dashed: in progress)"):
        assert expected in names, names
    assert "Conflicts (" in names
    before = session.paths()
    session.toggle("Route corridors")  # hidden at first
    assert session.paths() == before + 24
    session.toggle("Routes (dashed")
    assert session.paths() == before
    session.toggle("Routes (dashed")
    session.toggle("Route corridors")
    assert session.paths() == before
    assert session.open_all() >= 3 * 24  # route popups + tooltips, corridor tooltips
    session.clean()


@pytest.mark.parametrize(
    ("basemap", "host"),
    [("none", None), ("amap", "autonavi.com"), ("tianditu", "tianditu.gov.cn")],
)
def test_basemaps(session: Session, tmp_path: Path, basemap: str, host: str | None) -> None:
    layers = _layers()
    key = "0123456789abcdef0123456789abcdef"
    path = tmp_path / f"{basemap}.html"
    save_map(build_map(layers, basemap=basemap, basemap_key=key), path)
    session.open(path)
    session.screenshot(f"basemap_{basemap}", tmp_path)
    session.clean()
    if host is None:
        assert session.tiles == []
    else:
        assert session.tiles and all(host in u for u in session.tiles), session.tiles[:3]
    if basemap == "tianditu":
        assert all(f"tk={key}" in u for u in session.tiles)
        assert any("Tianditu" in n for n in session.overlays())  # the labels overlay
    # Where Leaflet put the docks: GCJ-02-shifted on AMap, unshifted elsewhere.
    drawn = session.page.evaluate(
        f"""() => {{ const out = []; {_MAP_JS}.eachLayer((l) => {{
            if (l instanceof L.CircleMarker && l.feature && l.feature.properties.k === 'd') {{
                const p = l.getLatLng(); out.push([p.lng, p.lat]); }} }}); return out; }}"""
    )
    docks = layers.docks.get_coordinates().to_numpy()
    expected = (
        list(zip(*wgs84_to_gcj02(docks[:, 0], docks[:, 1]), strict=True))
        if basemap == "amap"
        else [tuple(p) for p in docks]
    )
    want = sorted([float(x), float(y)] for x, y in expected)
    assert len(drawn) == len(want) == 3
    for got, exp in zip(sorted(drawn), want, strict=True):
        assert got == pytest.approx(exp, abs=2e-6)
