"""Every input check of a scenario, in one place: what ``lowalt validate`` and ``run`` share.

:func:`check_inputs` loads and checks everything a run reads (the scenario's files, the
airspace, the metric CRS against the data, the size of every allocation a user controls, the
basemap key) without computing any study. ``lowalt validate`` calls it and stops; ``lowalt
run`` calls it first and hands the checked inputs to the studies, so whatever ``run`` refuses
for an input reason, ``validate`` has already refused with the same message.
"""

from __future__ import annotations

from dataclasses import dataclass

from lowalt.errors import ScenarioError
from lowalt.outputs.basemaps import check_basemap
from lowalt.scenario.schema import Scenario
from lowalt.studies.reach import World, prepare

__all__ = ["CheckedInputs", "check_inputs"]


@dataclass(frozen=True)
class CheckedInputs:
    """A scenario's inputs, read and checked, ready for the studies.

    Attributes
    ----------
    scenario
        The validated scenario.
    world
        The prepared reach-check world (``None`` without an ``area`` section).
    corridor
        :class:`lowalt.studies.corridor.CorridorInputs` (``None`` without ``corridor``).
    network
        :class:`lowalt.studies.network.NetworkInputs` (``None`` without ``network``).
    summary
        One short line per part, for ``lowalt validate``.
    """

    scenario: Scenario
    world: World | None
    corridor: object | None
    network: object | None
    summary: tuple[str, ...]


def _basemap(s: Scenario) -> None:
    try:
        check_basemap(s.output.basemap, s.output.basemap_key)
    except ValueError as exc:
        raise ScenarioError(
            f"{exc}.",
            file=str(s.path),
            key_path="output.basemap_key" if s.output.basemap_key is None else "output.basemap",
            fix="set output.basemap_key (or LOWALT_TIANDITU_KEY), or choose basemap osm, amap "
            "or none.",
        ) from None


def check_inputs(s: Scenario) -> CheckedInputs:
    """Read and check every input of ``s``; nothing is computed or written.

    Raises
    ------
    LowaltError
        The first problem found, naming the file, the key path and a fix.
    """
    _basemap(s)
    parts: list[str] = []
    world = None
    if s.area is not None:
        world = prepare(s)
        parts.append(f"{world.grid.n} cells, {world.docks.n} docks")
        if s.optimize is not None:
            from lowalt.studies.placement import check_placement

            n_sites, n_demand = check_placement(world)
            parts.append(f"placement: {n_sites} candidate sites x {n_demand} demand points")
        if s.availability is not None:
            from lowalt.studies.availability_inputs import (
                build_demand_model,
                build_fleet,
                check_availability_size,
            )

            a = s.availability
            model = build_demand_model(s)
            calls = check_availability_size(s, model)
            build_fleet(s, a.days * 24)
            parts.append(
                f"availability: {a.days} days of {len(model.departments)} departments, "
                f"{model.calls_per_day:.1f} calls/day (about {calls:,} calls)"
            )
    corridor = None
    if s.corridor is not None:
        from lowalt.studies.corridor import corridor_inputs

        corridor = corridor_inputs(s)
        parts.append(f"corridor for {len(corridor.profiles)} aircraft")
    network = None
    if s.network is not None:
        from lowalt.studies.network import network_inputs

        network = network_inputs(s)
        parts.append(f"route network of {len(network.routes)} routes")
    return CheckedInputs(s, world, corridor, network, tuple(parts))
