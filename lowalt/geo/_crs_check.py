"""A metric CRS checked against the data it will be used on.

A thin wrapper of :func:`lowalt.geo.crs.check_crs_fits` that turns its refusals into one
:class:`~lowalt.errors.ScenarioError` naming the scenario file, the key path (the data's key
when the data themselves span too much, ``metric_crs`` when the CRS does not fit them) and a
fix. It takes plain values: the studies pass the scenario's CRS, file name and keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from lowalt.errors import ScenarioError
from lowalt.geo.crs import ExtentError, check_crs_fits

__all__ = ["check_crs"]


def check_crs(
    metric_crs: str,
    bounds_lonlat: Iterable[float],
    data_key: str,
    *,
    scenario_file: str | None = None,
) -> None:
    """Refuse ``metric_crs`` when it does not serve data within ``bounds_lonlat``.

    Parameters
    ----------
    metric_crs
        The projected CRS for metric work (``"EPSG:4547"``).
    bounds_lonlat
        ``(west, south, east, north)`` of the data, WGS84 degrees.
    data_key
        The scenario key of the data (``"area.boundary_file"``), for the message.
    scenario_file
        The scenario file, for the message (``None``: the message names no file).

    Raises
    ------
    ScenarioError
        See :func:`lowalt.geo.crs.check_crs_fits`.
    """
    try:
        check_crs_fits(metric_crs, tuple(float(v) for v in bounds_lonlat))  # type: ignore[arg-type]
    except ValueError as exc:
        data_error = isinstance(exc, ExtentError)
        raise ScenarioError(
            f"{exc}.",
            file=scenario_file,
            key_path=data_key if data_error else "metric_crs",
            fix=(
                f"check the coordinates of {data_key} (lon/lat, WGS84, one region)."
                if data_error
                else "set metric_crs to a projected CRS whose area of use holds the data "
                "(EPSG:4547 for Wuhan)."
            ),
        ) from None
