"""Hostile scenario text in every free-text field of every scenario kind, run and opened.

Each scenario kind (reach/grid, placement, availability, corridor, network) is run through
``lowalt.cli.main`` with one hostile string, tagged per field, written into every field a
user controls: scenario name, description, aircraft name/source, dock names, zone
names/sources, the boundary/water/sites/airspace files' property values *and keys*,
department names, corridor end points, aircraft ids (profile overrides), runway ids, and
the routes file's ids, names and properties. The string holds Jinja/JS template syntax,
HTML, JS-string breakouts, U+2028/U+2029 and mathtext. Checks: the run exits 0 (plots
with ``$`` in names are written), no template was evaluated in any written file, and
every HTML map, opened in headless Chromium with ``alert``/``confirm``/``prompt`` and
``console`` hooked, opens no dialog, runs nothing from the text, has no page error and
shows the tagged text literally (layer control, notes, title, every popup and tooltip).

Uses the browser fixture of :mod:`tests.test_browser` (skipped without Chromium/playwright).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from lowalt.cli import main
from tests.conftest import metric_to_lonlat, square_feature, write_fc
from tests.test_browser import (  # noqa: F401  (fixtures, markers)
    BLANK_PNG,
    browser,
    pytestmark,
)

# Four "$": read as mathtext, the text between them would not parse and savefig would fail.
# Tagged (see ``tag``), it stays within the scenario's 200-character limit for names.
HOSTILE = (
    "a-{{ 7*7 }}-b c-{% if 1 %}x{% endif %}-d {# n #} ${alert(1)} `x` "
    "<img src=x onerror=alert(1)> '\";alert(1)// </script><script>alert(1)</script> "
    "\u2028 \u2029 $\\frac{1}{2}$ \\ _ ^ & $5"
)
EVALUATED = ("a-49-b", "c-x-d")  # what a Jinja pass over the text would leave


def tag(field: str) -> str:
    """The hostile string labelled with the field it is written into."""
    return f"[{field}] {HOSTILE}"


# A property KEY can be hostile too (GeoJSON keys are free text).
HOSTILE_KEY = "key a-{{ 7*7 }}-b <img src=x onerror=alert(1)> $x$"

# Hooks installed before any page script: record alert/confirm/prompt/console calls.
_HOOKS = """
window.__fired = [];
for (const name of ['alert', 'confirm', 'prompt']) {
    const original = window[name].bind(window);
    window[name] = (...args) => { window.__fired.push(name + ':' + args.join(' '));
                                  return original(...args); };
}
for (const name of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = console[name].bind(console);
    console[name] = (...args) => { window.__fired.push('console.' + name + ':' + args.join(' '));
                                   return original(...args); };
}
"""

_MAP_JS = "Object.values(window).find((v) => v instanceof L.Map)"

# Open every popup and tooltip of every layer (shown or not), one after the other, and
# collect the text the user reads: title, body text, layer-control labels, each popup and
# tooltip. Also report anything an injection would leave behind.
_COLLECT = f"""async () => {{
    const m = {_MAP_JS};
    const texts = [document.title, document.body.textContent];
    const bad = [];
    const check = (where) => {{
        if (document.querySelector('img[src="x"], [onerror]')) bad.push('element: ' + where);
        for (const s of document.scripts) {{
            if (s.textContent.trim().startsWith('alert(1)')) bad.push('script: ' + where);
        }}
    }};
    const control = document.querySelector('.leaflet-control-layers');
    control.querySelectorAll('label').forEach((l) => texts.push(l.textContent));
    // every overlay on, so that each layer's features exist and can open their popups
    control.querySelectorAll('.leaflet-control-layers-overlays input').forEach((i) => {{
        if (!i.checked) i.click();
    }});
    let n = 0;
    m.eachLayer((l) => {{
        if (l.getPopup && l.getPopup()) {{
            l.openPopup();
            texts.push(l.getPopup().getElement().textContent);
            check('popup ' + n++);
            m.closePopup();
        }}
        if (l.getTooltip && l.getTooltip()) {{
            l.openTooltip();
            texts.push(l.getTooltip().getElement().textContent);
            check('tooltip ' + n++);
            l.closeTooltip();
        }}
    }});
    await new Promise((r) => setTimeout(r, 300));  // an injected onerror would fire by now
    check('end');
    return {{texts, bad, opened: n, fired: window.__fired}};
}}"""


class Page:
    """One browser page with everything it reported."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.blocked: list[str] = []

    def read(self, html: Path) -> dict[str, Any]:
        """Open ``html``, open every popup and tooltip; the texts and what went wrong."""
        self.page.goto(html.resolve().as_uri(), wait_until="load")
        self.page.wait_for_selector(".leaflet-container .leaflet-control-layers")
        self.page.wait_for_function(f"() => {_MAP_JS} !== undefined")
        got = self.page.evaluate(_COLLECT)
        assert got["bad"] == [], got["bad"]
        assert got["fired"] == [], got["fired"]  # no alert/confirm/prompt/console call
        assert self.dialogs == [], self.dialogs
        assert self.errors == [], self.errors
        assert self.blocked == [], self.blocked
        assert got["opened"] > 0
        return got


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.add_init_script(_HOOKS)
    p = context.new_page()
    p.set_default_timeout(15_000)
    out = Page(p)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        elif r.request.resource_type == "image":
            r.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            out.blocked.append(url)
            r.abort()

    def dialog(d: Any) -> None:
        out.dialogs.append(d.message)
        d.dismiss()

    p.route("**/*", route)
    p.on("pageerror", lambda exc: out.errors.append(f"pageerror: {exc}"))
    p.on("console", lambda msg: msg.type == "error" and out.errors.append(msg.text))
    p.on("dialog", dialog)
    yield out
    context.close()


# --------------------------------------------------------------------------- scenarios


def _props(field: str, **fixed: Any) -> dict[str, Any]:
    """Feature properties: tagged hostile values, a hostile key, then ``fixed`` values."""
    return {
        "name": tag(f"{field} name"),
        "source": tag(f"{field} source"),
        HOSTILE_KEY: tag(f"{field} key"),
        **fixed,
    }


def _ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    pts = [metric_to_lonlat(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
    return [[lon, lat] for lon, lat in pts]


def _point(x: float, y: float, **props: Any) -> dict[str, Any]:
    lon, lat = metric_to_lonlat(x, y)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def _line(points: list[tuple[float, float]], **props: Any) -> dict[str, Any]:
    coords = [list(metric_to_lonlat(x, y)) for x, y in points]
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": coords},
    }


def _grid_world(tiny_world: Callable[..., Path], extra: dict[str, Any]) -> Path:
    """The tiny world with hostile text in every free-text field of a reach check."""
    lon, lat = metric_to_lonlat(0, 0)
    lon2, lat2 = metric_to_lonlat(600, 600)
    overrides: dict[str, Any] = {
        "name": tag("scenario name"),
        "description": tag("description"),
        "aircraft.name": tag("aircraft name"),
        "aircraft.source": tag("aircraft source"),
        "docks.sites": [
            {"name": tag("dock 1"), "lat": lat, "lon": lon, "drones": 2},
            {"name": tag("dock 2"), "lat": lat2, "lon": lon2, "drones": 1},
        ],
        "area.water_file": "water.geojson",
        "area.sites_file": "sites.geojson",
        "airspace": {
            "files": ["airspace.geojson"],
            "zones": [
                {
                    "name": tag("typed zone"),
                    "source": tag("typed zone source"),
                    "restriction": "conditional",
                    "polygon_lonlat": _ring(-1000, 700, -700, 1000)[:-1],
                }
            ],
        },
        **extra,
    }
    scenario = tiny_world(overrides)
    folder = scenario.parent
    write_fc(
        folder / "zone.geojson",
        [square_feature(-1050, -1050, 1050, 1050, **_props("boundary", provenance="modeled"))],
    )
    write_fc(
        folder / "water.geojson",
        [square_feature(700, -1000, 1000, -700, **_props("water", provenance="modeled"))],
    )
    write_fc(
        folder / "sites.geojson",
        [_point(-500, -500, **_props("site", kind=tag("site kind"), provenance="modeled"))],
    )
    write_fc(
        folder / "airspace.geojson",
        [
            square_feature(
                -1000,
                -1000,
                -800,
                -800,
                **_props(
                    "airspace file",
                    restriction="prohibited",
                    lower_m=0,
                    upper_m=120,
                    provenance="modeled",
                ),
            )
        ],
    )
    return scenario


def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _corridor(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    a, b = metric_to_lonlat(-2000, -1500), metric_to_lonlat(2000, 1500)
    rwy = tag("runway id")
    write_fc(
        folder / "runways.geojson",
        [_line([(1700, 1800), (2300, 1200)], id=rwy, **_props("runway"))],
    )
    doc = {
        "name": tag("scenario name"),
        "description": tag("description"),
        "airspace": {
            "zones": [
                {
                    "name": tag("typed zone"),
                    "source": tag("typed zone source"),
                    "restriction": "conditional",
                    "polygon_lonlat": _ring(-300, -300, 300, 300)[:-1],
                }
            ]
        },
        "corridor": {
            "origin": {"name": tag("origin"), "lat": a[1], "lon": a[0]},
            "destination": {"name": tag("destination"), "lat": b[1], "lon": b[0]},
            "aircraft": [
                {"base": "dock_multirotor", "id": tag("aircraft id 1"), "name": tag("ac name")},
                {"base": "sf_ark40", "id": tag("aircraft id 2")},
            ],
            "runways_file": "runways.geojson",
            "arrival": {"runway": rwy, "direction_deg": 135},
            "claimed_time_s": 600,
        },
        "output": {"name": "c"},
    }
    return _write(folder / "c.yaml", doc)


def _network(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    band = {"lower_m": 60, "upper_m": 120, "corridor_half_width_m": 100}
    routes = [
        _line(
            [(-2000, 0), (2000, 0)],
            id=tag(f"route id {i}"),
            type=tag(f"route type {i}"),
            status=tag(f"route status {i}"),
            profile=tag(f"route profile {i}"),
            provenance=tag(f"route provenance {i}"),
            **_props(f"route {i}"),
            **band,
        )
        for i in (1, 2)
    ]
    routes[1]["geometry"]["coordinates"] = [
        list(metric_to_lonlat(0, -2000)),
        list(metric_to_lonlat(0, 2000)),
    ]
    write_fc(folder / "routes.geojson", routes)
    doc = {
        "name": tag("scenario name"),
        "description": tag("description"),
        "network": {"routes_file": "routes.geojson", "time_limit_s": 2},
        "output": {"name": "n"},
    }
    return _write(folder / "n.yaml", doc)


_OPTIMIZE = {
    "candidate_spacing_m": 700,
    "demand_spacing_m": 300,
    "min_docks": True,
    "best_worst_case_k": 1,
    "tradeoff_k": [1],  # the trade-off plot carries the scenario name
    "time_limit_s": 2,
}
_AVAILABILITY = {
    "days": 3,
    "calls_per_day": 20,
    "reliability_targets": [0.5],
    "allocation_time_limit_s": 2,
    "map_block_m": 700,
    "departments": [
        {"name": tag("department 1"), "calls_per_day": 10},
        {"name": tag("department 2"), "calls_per_day": 10, "priority": 1},
    ],
}

# kind -> (fields that must show literally in its maps, map files)
_GRID_SHOWN = (
    "scenario name",
    "aircraft name",
    "dock 1",
    "dock 2",
    "boundary name",
    "boundary source",
    "water name",
    "site name",
    "site kind",
    "site source",
    "airspace file name",
    "airspace file source",
    "typed zone",
    "typed zone source",
)
CASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "grid": (_GRID_SHOWN, ("tiny.html",)),
    "placement": (_GRID_SHOWN, ("tiny.html", "tiny_placement.html")),
    "availability": (_GRID_SHOWN, ("tiny.html", "tiny_availability.html")),
    "corridor": (
        (
            "scenario name",
            "origin",
            "destination",
            "aircraft id 1",
            "aircraft id 2",
            "ac name",
            "typed zone",
            "typed zone source",
        ),
        ("c_corridor.html",),
    ),
    "network": (
        (
            "scenario name",
            "route 1 name",
            "route 2 name",
            "route id 1",
            "route type 2",
            "route status 1",
            "route profile 2",
            "route provenance 1",
            "route 1 source",
        ),
        ("n_network.html",),
    ),
}


def _strings(node: Any) -> set[str]:
    """Every string value in a JSON document."""
    if isinstance(node, dict):
        return set().union(*(_strings(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_strings(v) for v in node))
    return {node} if isinstance(node, str) else set()


def _scenario(kind: str, tiny_world: Callable[..., Path], tmp_path: Path) -> Path:
    if kind == "grid":
        return _grid_world(tiny_world, {})
    if kind == "placement":
        return _grid_world(tiny_world, {"optimize": _OPTIMIZE})
    if kind == "availability":
        return _grid_world(tiny_world, {"availability": _AVAILABILITY})
    if kind == "corridor":
        return _corridor(tmp_path / "c")
    return _network(tmp_path / "n")


@pytest.mark.parametrize("kind", list(CASES))
def test_hostile_text_stays_text(
    kind: str, page: Page, tiny_world: Callable[..., Path], tmp_path: Path
) -> None:
    scenario = _scenario(kind, tiny_world, tmp_path)
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out), "-q"]) == 0
    shown, maps = CASES[kind]
    written = sorted(p.name for p in out.iterdir())
    assert set(maps) <= set(written), written
    if kind == "placement":
        assert "tiny_tradeoff.png" in written  # the scenario name went through matplotlib
    if kind == "availability":
        assert "tiny_response_cdf.png" in written  # department names too

    for f in out.iterdir():  # no file holds the output of a template pass
        if f.suffix in (".html", ".json", ".geojson"):
            text = f.read_text(encoding="utf-8")
            for evaluated in EVALUATED:
                assert evaluated not in text, (f.name, evaluated)
    for f in out.glob("*.json"):  # reports keep the text as data, unchanged
        assert tag("scenario name") in _strings(json.loads(f.read_text(encoding="utf-8"))), f

    texts: list[str] = []
    for name in maps:
        got = page.read(out / name)
        texts += got["texts"]
        if name.startswith("tiny"):  # coverage maps carry the scenario name as <title>
            assert got["texts"][0] == tag("scenario name")
    joined = "\n".join(texts)
    missing = [f for f in shown if tag(f) not in joined]
    assert not missing, missing
