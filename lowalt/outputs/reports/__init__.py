"""Typed JSON reports: one pydantic model per report kind, its builder, and its JSON Schema.

Each kind has a module holding its models and the builder that turns a study's result into
the top-level model:

- ``reach``: ``{stem}_report.json``, :func:`lowalt.outputs.reports.reach.build_reach_report`;
- ``placement``: ``{stem}_placement.json``,
  :func:`lowalt.outputs.reports.placement.build_placement_report`;
- ``corridor``: ``{stem}_corridor.json``,
  :func:`lowalt.outputs.reports.corridor.build_corridor_report`;
- ``network``: ``{stem}_network.json``,
  :func:`lowalt.outputs.reports.network.build_network_report`;
- ``availability``: ``{stem}_availability.json``,
  :func:`lowalt.outputs.reports.availability.build_availability_report`.

The file and its JSON Schema both come from the model (:mod:`lowalt.outputs.reports._base`):
``report.to_json()`` is the file's text, ``Model.json_schema()`` (or :func:`report_schema`)
its schema, rendered into ``docs/report_schema/`` by ``tools/report_schemas.py --write``.
Every report carries ``report_schema_version`` (:data:`SCHEMA_VERSION`). Units: times in
seconds (``_s``), distances in metres (``_m``), areas in km² (``_km2``), speeds in m/s
(``_mps``) or km/h (``_kmh``), angles in degrees, positions in WGS84 degrees, shares between
0 and 1. ``null`` stands for a number that is not finite (an unreachable time, a share of
nothing) or for a part that does not apply.

This module imports no model: the kinds and file names are cheap to read (the command line's
argument parser lists them); :func:`report_model` imports a kind's module when asked.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from lowalt.outputs.reports._base import Report

__all__ = ["REPORT_FILE_SUFFIX", "REPORT_KINDS", "SCHEMA_VERSION", "report_model", "report_schema"]

SCHEMA_VERSION: Final = 1
"""The ``report_schema_version`` every report carries and its schema pins."""

REPORT_KINDS: tuple[str, ...] = ("reach", "placement", "corridor", "network", "availability")
"""The report kinds, in the order a run writes them."""

REPORT_FILE_SUFFIX: dict[str, str] = {
    "reach": "_report.json",
    "placement": "_placement.json",
    "corridor": "_corridor.json",
    "network": "_network.json",
    "availability": "_availability.json",
}
"""How each kind's file name ends (after the output stem)."""

_MODELS: dict[str, str] = {
    "reach": "ReachReport",
    "placement": "PlacementReport",
    "corridor": "CorridorReport",
    "network": "NetworkReport",
    "availability": "AvailabilityReport",
}


def report_model(kind: str) -> type[Report]:
    """Return the top-level model of one report kind.

    Parameters
    ----------
    kind
        One of :data:`REPORT_KINDS`.

    Returns
    -------
    type
        The :class:`~lowalt.outputs.reports._base.Report` subclass.

    Raises
    ------
    ValueError
        For an unknown kind.
    """
    if kind not in _MODELS:
        raise ValueError(f"unknown report kind {kind!r}; expected one of {', '.join(REPORT_KINDS)}")
    module = importlib.import_module(f"{__name__}.{kind}")
    model: type[Report] = getattr(module, _MODELS[kind])
    return model


def report_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of one report kind, generated from its model.

    Parameters
    ----------
    kind
        One of :data:`REPORT_KINDS`.

    Returns
    -------
    dict
        A fresh, JSON-ready schema document (the caller may change it).

    Raises
    ------
    ValueError
        For an unknown kind.
    """
    return report_model(kind).json_schema()
