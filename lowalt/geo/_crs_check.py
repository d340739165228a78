"""The scenario's metric CRS checked against the data it will be used on.

A thin scenario-level wrapper of :func:`lowalt.geo.crs.check_crs_fits` that turns its refusals into
one :class:`~lowalt.errors.ScenarioError` naming the scenario file, the key path (the data's
key when the data themselves span too much, ``metric_crs`` when the CRS does not fit them) and
a fix.
"""

from __future__ import annotations

from typing import Any

from lowalt.errors import ScenarioError
from lowalt.geo.crs import ExtentError, check_crs_fits
from lowalt.scenario.schema import Scenario

__all__ = ["check_crs"]


def check_crs(s: Scenario, bounds_lonlat: Any, data_key: str) -> None:
    """Refuse ``s.metric_crs`` when it does not serve data within ``bounds_lonlat``.

    ``bounds_lonlat`` is ``(west, south, east, north)`` in degrees; ``data_key`` names the
    scenario key of the data, for the message.

    Raises
    ------
    ScenarioError
        See :func:`lowalt.geo.crs.check_crs_fits`.
    """
    try:
        check_crs_fits(s.metric_crs, tuple(float(v) for v in bounds_lonlat))  # type: ignore[arg-type]
    except ValueError as exc:
        data_error = isinstance(exc, ExtentError)
        raise ScenarioError(
            f"{exc}.",
            file=str(s.path),
            key_path=data_key if data_error else "metric_crs",
            fix=(
                f"check the coordinates of {data_key} (lon/lat, WGS84, one region)."
                if data_error
                else "set metric_crs to a projected CRS whose area of use holds the data "
                "(EPSG:4547 for Wuhan)."
            ),
        ) from None
