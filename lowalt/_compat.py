"""Old flat module names (before the subpackages), kept importable with a deprecation warning.

``import lowalt.aircraft`` (say) still works: it gives the module that now lives at
``lowalt.flight.aircraft`` (the same module object, so attributes set on one are seen through
the other) and warns once that the old name will be removed. The stable public names
``lowalt.routing``, ``lowalt.reach``, ``lowalt.placement_gdf``, ``lowalt.optimize``,
``lowalt.scenario`` and ``lowalt.network`` are real modules and do not warn.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType

__all__ = ["MOVED", "install"]

MOVED: dict[str, str] = {
    "units": "flight.units",
    "_yaml": "scenario._yaml",
    "_scenario_errors": "scenario._errors",
    "crs": "geo.crs",
    "_crs_check": "geo._crs_check",
    "grid": "geo.grid",
    "geodata": "geo.layers",
    "airspace": "geo.airspace",
    "clearance": "geo.clearance",
    "ed269": "geo.ed269",
    "docks": "geo.docks",
    "_route_io": "geo._route_io",
    "aircraft": "flight.aircraft",
    "profiles": "flight.profiles",
    "visibility": "flight.visibility",
    "_runway": "flight._runway",
    "_crossings": "flight._crossings",
    "guarantee": "flight.guarantee",
    "demand_model": "sim.demand",
    "sim_fleet": "sim.fleet",
    "sim_result": "sim.result",
    "simulate": "sim.simulate",
    "queueing": "sim.queueing",
    "pipeline": "studies.reach",
    "study_corridor": "studies.corridor",
    "study_network": "studies.network",
    "study_placement": "studies.placement",
    "study_availability": "studies.availability",
    "webmap": "outputs.webmap",
    "basemaps": "outputs.basemaps",
    "routemap": "outputs.routemap",
    "outputs": "outputs.reach",
    "placement_outputs": "outputs.placement",
    "availability_outputs": "outputs.availability",
    "route_outputs": "outputs.routes",
    "report": "outputs.reports.reach",
    "availability_report": "outputs.availability_report",
    "report_schema": "outputs.reports",
    "_escape": "outputs._escape",
    "_offline_assets": "outputs._offline_assets",
    "_atomic": "outputs._atomic",
}
"""Old module name (under ``lowalt.``) -> its new dotted name (under ``lowalt.``)."""


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``lowalt.<old>`` and loads it as the module at its new name."""

    def __init__(self) -> None:
        self._specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        prefix, _, old = fullname.partition(".")
        if prefix != "lowalt" or old not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = "lowalt." + MOVED[spec.name.partition(".")[2]]
        warnings.warn(
            f"{spec.name} moved to {new}; import it from there (the old name will be removed)",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(new)
        self._specs[new] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run; undo the import system's relabelling of the module's ``__spec__``."""
        module.__spec__ = self._specs[module.__name__]


def install() -> None:
    """Put the old-name finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.append(_Alias())
