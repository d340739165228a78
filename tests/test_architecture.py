"""Imports flow one way: scenario -> geodata/airspace -> aircraft -> reach -> outputs.

Each module sits at a level; it may import lowalt modules of a lower level only (and private
helpers of its own level). ``cli`` and ``pipeline`` are the only modules that know every stage.
"""

import ast
from pathlib import Path

import lowalt

LEVELS = {
    "errors": 0,
    "_atomic": 1,
    "_memory": 0,
    "progress": 0,
    "report_schema": 0,
    "placement_gdf": 6,
    "units": 0,
    "crs": 0,
    "basemaps": 1,
    "_scenario_errors": 0,
    "_offline_assets": 0,
    "_escape": 0,
    "_yaml": 0,
    "_crs_check": 2,
    "scenario": 1,
    "geodata": 2,
    "clearance": 2,
    "visibility": 2,
    "ed269": 2,
    "airspace": 3,
    "aircraft": 3,
    "profiles": 3,
    "grid": 3,
    "demand_model": 3,
    "docks": 4,
    "reach": 4,
    "routing": 4,
    "_crossings": 4,
    "_route_io": 4,
    "_runway": 4,
    "sim_fleet": 4,
    "sim_result": 4,
    "guarantee": 5,
    "network": 5,
    "optimize": 5,
    "queueing": 5,
    "simulate": 5,
    "pipeline": 6,
    "study_corridor": 6,
    "study_network": 6,
    "study_placement": 7,
    "study_availability": 7,
    "availability_report": 8,
    "report": 7,
    "webmap": 7,
    "routemap": 7,
    "outputs": 8,
    "route_outputs": 8,
    "placement_outputs": 9,
    "availability_outputs": 9,
    "checks": 8,
    "cli": 10,
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lowalt."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names if a.name.startswith("lowalt."))
    return names


def test_every_module_has_a_level() -> None:
    pkg = Path(lowalt.__file__).parent
    mods = {p.stem for p in pkg.glob("*.py") if p.stem != "__init__"}
    mods |= {p.name for p in pkg.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert mods <= set(LEVELS), f"give these modules a level: {sorted(mods - set(LEVELS))}"


def test_imports_point_back_along_the_flow() -> None:
    pkg = Path(lowalt.__file__).parent
    bad = []
    for path in pkg.rglob("*.py"):
        rel = path.relative_to(pkg)
        me = rel.parts[0] if len(rel.parts) > 1 else path.stem
        if me == "__init__":
            continue
        for other in _imports(path):
            if other == me:
                continue
            if LEVELS.get(other, 99) >= LEVELS[me] and not (
                other.startswith("_") and LEVELS.get(other) == LEVELS[me]
            ):
                bad.append(f"{rel} imports lowalt.{other}")
    assert not bad, "imports against the flow:\n" + "\n".join(bad)
