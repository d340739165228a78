"""The package map: subpackages by concern, imports that flow one way, no cycles.

Levels (a subpackage may import only lower levels, plus its own modules):

0. ``errors``, ``progress``, ``_memory``, ``_compat``: shared helpers with no lowalt imports.
   ``limits``: the bounds every user-controlled size is checked against (read by the schema
   and the domain alike).
1. ``geo``: CRS, grids, layers, airspace, clearance, ED-269, docks.
2. ``flight``: aircraft, profiles, visibility graph, reach, routing.
3. ``optimize``, ``sim``, ``network``: side by side; none imports another.
4. ``scenario``: the schema and loader (reads domain limits and parsers; the domain never
   imports it).
5. ``studies``: one module per scenario kind; the edge between scenario and domain (resolves
   paths and hands the domain plain values).
6. ``outputs``: maps, plots, layers and reports.
7. ``checks``: the input checks shared by ``lowalt validate`` and ``lowalt run``.
8. ``cli``: the command line.

The stable public re-export modules (``lowalt.routing``, ``lowalt.reach``,
``lowalt.placement_gdf``) sit at the level of what they re-export.
"""

from __future__ import annotations

import ast
from pathlib import Path

import lowalt

PKG = Path(lowalt.__file__).parent

LEVELS = {
    "errors": 0,
    "progress": 0,
    "_memory": 0,
    "_compat": 0,
    "limits": 0,
    "geo": 1,
    "flight": 2,
    "optimize": 3,
    "sim": 3,
    "network": 3,
    "scenario": 4,
    "studies": 5,
    "outputs": 6,
    "checks": 7,
    "cli": 8,
}
# Stable public names that re-export a module of a subpackage; each counts as part of it.
SHIMS = {"routing": "flight", "reach": "flight", "placement_gdf": "optimize"}
DOMAIN = ("geo", "flight", "optimize", "sim", "network")


def _unit(rel: Path) -> str:
    """The subpackage (or top-level module) a file belongs to."""
    return rel.parts[0] if len(rel.parts) > 1 else SHIMS.get(rel.stem, rel.stem)


def _imports(path: Path) -> set[str]:
    """Top-level lowalt units a file imports (``lowalt.geo.crs`` -> ``geo``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("lowalt."):
                names.add(node.module.split(".")[1])
            elif node.module == "lowalt":
                names.update(a.name for a in node.names if a.name in LEVELS)
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names if a.name.startswith("lowalt."))
    return names


def _files() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_unit_has_a_level() -> None:
    units = {_unit(p.relative_to(PKG)) for p in _files()} - {"__init__"}
    assert units <= set(LEVELS), f"give these a level: {sorted(units - set(LEVELS))}"


def test_every_subpackage_says_what_it_owns() -> None:
    for d in sorted(p for p in PKG.iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((d / "__init__.py").read_text()))
        assert doc and len(doc) > 150, f"lowalt/{d.name}/__init__.py needs a docstring"


def test_imports_flow_one_way() -> None:
    bad = []
    for path in _files():
        rel = path.relative_to(PKG)
        me = _unit(rel)
        if me == "__init__":
            continue
        for other in _imports(path):
            if other == me:
                continue
            if LEVELS.get(other, 99) >= LEVELS[me]:
                bad.append(f"lowalt/{rel} imports lowalt.{other}")
    assert not bad, "imports against the flow:\n" + "\n".join(bad)


def test_domain_code_does_not_import_the_scenario() -> None:
    bad = [
        f"lowalt/{p.relative_to(PKG)}"
        for p in _files()
        if _unit(p.relative_to(PKG)) in DOMAIN and "scenario" in _imports(p)
    ]
    assert not bad, "domain modules importing lowalt.scenario:\n" + "\n".join(bad)


def test_no_import_cycles_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    for path in _files():
        name = ".".join(("lowalt", *path.relative_to(PKG).with_suffix("").parts))
        name = name.removesuffix(".__init__")
        deps: set[str] = set()
        for node in ast.parse(path.read_text()).body:  # module level only (not lazy imports)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lowalt"):
                deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("lowalt"))
        graph[name] = deps
    state: dict[str, int] = {}

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        for d in sorted(graph.get(n, ())):
            if d not in graph or d == n:
                continue
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*stack, n, d]))
            if d not in state:
                visit(d, [*stack, n])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [])
