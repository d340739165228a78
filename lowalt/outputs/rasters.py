"""Response-time rasters for the web maps: time bands, their colours, and the PNG overlays.

:func:`response_bands` cuts response times into legend bands (one per minute up to the
target, a few past it, then open-ended); :func:`classify_times` maps times to band indices;
:func:`raster_overlay` and :func:`class_overlay` resample a projected :class:`TimeRaster`
by nearest neighbour onto a regular Web-Mercator pixel grid and encode it as an
indexed-colour PNG, so that Leaflet's linear stretch between the image corners is exact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from numpy.typing import NDArray

from lowalt.geo.crs import WGS84, ensure_projected, transformer
from lowalt.outputs._offline_assets import (
    png_data_uri,
)
from lowalt.outputs.basemaps import (
    gcj02_to_wgs84,
    wgs84_to_gcj02,
)

__all__ = [
    "MAX_INNER_BANDS",
    "NOT_REACHED_COLOUR",
    "OVER_TARGET_BANDS",
    "WEB_MERCATOR",
    "Band",
    "TimeRaster",
    "class_overlay",
    "classify_times",
    "raster_overlay",
    "response_bands",
]

WEB_MERCATOR = "EPSG:3857"
NOT_REACHED_COLOUR = "#8b008b"
OVER_TARGET_BANDS = 5  # one-step bands drawn past the target before the open-ended band
MAX_INNER_BANDS = 30  # most bands up to the target (30 one-minute bands for a 30-min target)
_RASTER_PANE = "lowaltRaster"


@dataclass(frozen=True)
class TimeRaster:
    """Response times on a regular grid in a projected CRS, for the map overlay.

    ``times_s`` is (ny, nx) seconds: ``nan`` outside the area, ``inf`` not reachable.
    ``x0_m``/``y0_m`` is the centre of cell [0, 0] (row 0 is the SOUTHMOST row) in
    metres of ``crs``; ``spacing_m`` the cell size; ``target_s`` the promise (s).
    """

    label: str
    times_s: NDArray[np.float64]
    x0_m: float
    y0_m: float
    spacing_m: float
    crs: str
    target_s: float

    def __post_init__(self) -> None:
        ensure_projected(self.crs)
        if np.ndim(self.times_s) != 2:
            msg = f"raster {self.label!r}: times_s must be 2-D (ny, nx)"
            raise ValueError(msg)
        if not (self.spacing_m > 0 and self.target_s > 0):
            msg = f"raster {self.label!r}: spacing_m and target_s must be positive"
            raise ValueError(msg)
        if np.any(np.asarray(self.times_s) < 0):
            msg = f"raster {self.label!r}: negative response times"
            raise ValueError(msg)


@dataclass(frozen=True)
class Band:
    """One legend entry: times in ``(lower_s, upper_s]`` seconds drawn in ``colour``."""

    label: str
    lower_s: float
    upper_s: float
    colour: str


def _minutes(seconds: float) -> str:
    return f"{seconds / 60.0:g}"


def response_bands(target_s: float, band_step_s: float = 60.0) -> tuple[Band, ...]:
    """Legend bands: steps up to the target, ``OVER_TARGET_BANDS`` past it, then open-ended.

    The last band (``lower_s == inf``) is "not reached". Times equal to an edge fall
    in the lower band, so ``t == target_s`` counts as within the target. A target longer than
    :data:`MAX_INNER_BANDS` steps widens the step to a whole multiple of ``band_step_s`` (the
    map's palette holds 255 classes; a legend of hundreds of bands says nothing).
    """
    if not (math.isfinite(target_s) and target_s > 0 and band_step_s > 0):
        msg = "target_s and band_step_s must be finite and positive"
        raise ValueError(msg)
    band_step_s *= max(1, math.ceil(target_s / (band_step_s * MAX_INNER_BANDS)))
    inner = [float(e) for e in np.arange(0.0, target_s, band_step_s)] + [float(target_s)]
    outer = [target_s + band_step_s * k for k in range(1, OVER_TARGET_BANDS + 1)]
    greens = mpl.colormaps["Greens"](np.linspace(0.9, 0.45, len(inner) - 1))
    reds = mpl.colormaps["OrRd"](np.linspace(0.45, 0.95, len(outer) + 1))
    bands = [
        Band(f"{_minutes(lo)}–{_minutes(hi)} min", lo, hi, mpl.colors.to_hex(c))
        for lo, hi, c in zip(inner[:-1], inner[1:], greens, strict=True)
    ]
    edges = [float(target_s), *outer]
    bands += [
        Band(f"{_minutes(lo)}–{_minutes(hi)} min", lo, hi, mpl.colors.to_hex(c))
        for lo, hi, c in zip(edges[:-1], edges[1:], reds[:-1], strict=True)
    ]
    bands.append(
        Band(f"> {_minutes(edges[-1])} min", edges[-1], math.inf, mpl.colors.to_hex(reds[-1]))
    )
    bands.append(Band("not reached", math.inf, math.inf, NOT_REACHED_COLOUR))
    return tuple(bands)


def classify_times(times_s: NDArray[np.float64], bands: Sequence[Band]) -> NDArray[np.uint8]:
    """Band index per cell: 0 outside (``nan``), ``1..len(bands)`` following ``bands``."""
    t = np.asarray(times_s, dtype=np.float64)
    uppers = np.array([b.upper_s for b in bands[:-2]])
    out = np.zeros(t.shape, dtype=np.uint8)
    finite = np.isfinite(t)
    out[finite] = 1 + np.searchsorted(uppers, t[finite], side="left")
    out[np.isposinf(t)] = len(bands)
    return out


def raster_overlay(
    raster: TimeRaster,
    bands: Sequence[Band],
    *,
    px_per_cell: float = 3.0,
    max_pixels: int = 3_000_000,
    gcj02: bool = False,
) -> tuple[str, list[list[float]]] | None:
    """Warp a metric grid to a Web-Mercator PNG; ``(data_uri, [[S, W], [N, E]])`` in degrees.

    Each output pixel takes the class of the grid cell containing its centre (nearest
    neighbour, pyproj inverse transform). The image covers the cells that are inside
    the area; ``None`` if there are none. ``gcj02=True`` warps onto the GCJ-02 pixel grid
    (bounds in GCJ-02) for tiles such as AMap's, exact per pixel
    (see :mod:`lowalt.outputs.basemaps`).
    """
    cls = classify_times(raster.times_s, bands)
    return class_overlay(
        cls,
        [b.colour for b in bands],
        x0_m=raster.x0_m,
        y0_m=raster.y0_m,
        spacing_m=raster.spacing_m,
        crs=raster.crs,
        px_per_cell=px_per_cell,
        max_pixels=max_pixels,
        gcj02=gcj02,
    )


def class_overlay(
    classes: NDArray[np.uint8],
    colours: Sequence[str],
    *,
    x0_m: float,
    y0_m: float,
    spacing_m: float,
    crs: str,
    px_per_cell: float = 3.0,
    max_pixels: int = 3_000_000,
    gcj02: bool = False,
) -> tuple[str, list[list[float]]] | None:
    """Warp a classified metric grid to a Web-Mercator PNG (see :func:`raster_overlay`).

    ``classes`` is (ny, nx): 0 = transparent, ``k`` = ``colours[k - 1]``; row 0 is the
    southmost row and cell [0, 0] is centred on (``x0_m``, ``y0_m``) in ``crs`` metres.
    """
    cls = np.asarray(classes, dtype=np.uint8)
    if cls.ndim != 2 or int(cls.max(initial=0)) > len(colours):
        msg = "classes must be 2-D with values 0..len(colours)"
        raise ValueError(msg)
    rows, cols = np.nonzero(cls)
    if rows.size == 0:
        return None
    s = spacing_m
    x_lo, x_hi = x0_m + (cols.min() - 0.5) * s, x0_m + (cols.max() + 0.5) * s
    y_lo, y_hi = y0_m + (rows.min() - 0.5) * s, y0_m + (rows.max() + 0.5) * s
    t = np.linspace(0.0, 1.0, 65)
    ring_x = np.concatenate(
        [x_lo + (x_hi - x_lo) * t, np.full(65, x_hi), x_lo + (x_hi - x_lo) * t, np.full(65, x_lo)]
    )
    ring_y = np.concatenate(
        [np.full(65, y_lo), y_lo + (y_hi - y_lo) * t, np.full(65, y_hi), y_lo + (y_hi - y_lo) * t]
    )
    if gcj02:
        ring_x, ring_y = wgs84_to_gcj02(*transformer(crs, WGS84).transform(ring_x, ring_y))
        mx, my = transformer(WGS84, WEB_MERCATOR).transform(ring_x, ring_y)
    else:
        mx, my = transformer(crs, WEB_MERCATOR).transform(ring_x, ring_y)
    m_west, m_east, m_south, m_north = (
        float(np.min(mx)),
        float(np.max(mx)),
        float(np.min(my)),
        float(np.max(my)),
    )
    px = s * (m_north - m_south) / (y_hi - y_lo) / px_per_cell  # Mercator scale ~ 1 / cos(lat)
    px = max(px, math.sqrt((m_east - m_west) * (m_north - m_south) / max_pixels))
    width, height = math.ceil((m_east - m_west) / px), math.ceil((m_north - m_south) / px)
    px_x, px_y = (m_east - m_west) / width, (m_north - m_south) / height  # exact fit
    gx, gy = np.meshgrid(
        m_west + (np.arange(width) + 0.5) * px_x, m_north - (np.arange(height) + 0.5) * px_y
    )
    if gcj02:
        lon, lat = gcj02_to_wgs84(*transformer(WEB_MERCATOR, WGS84).transform(gx, gy))
        x, y = transformer(WGS84, crs).transform(lon, lat)
    else:
        x, y = transformer(WEB_MERCATOR, crs).transform(gx, gy)
    j = np.rint((np.asarray(x) - x0_m) / s).astype(np.int64)
    i = np.rint((np.asarray(y) - y0_m) / s).astype(np.int64)
    ny, nx = cls.shape
    inside = (i >= 0) & (i < ny) & (j >= 0) & (j < nx)
    image = np.zeros((height, width), dtype=np.uint8)
    image[inside] = cls[i[inside], j[inside]]
    palette = np.zeros((len(colours) + 1, 4), dtype=np.uint8)
    palette[1:] = [[*(round(255 * v) for v in mpl.colors.to_rgb(c)), 255] for c in colours]
    (lon_w, lon_e), (lat_s, lat_n) = transformer(WEB_MERCATOR, WGS84).transform(
        [m_west, m_east], [m_south, m_north]
    )
    return png_data_uri(image, palette), [[lat_s, lon_w], [lat_n, lon_e]]
