"""Basemaps for the web maps, and the GCJ-02 shift some Chinese tile services need.

Registry (:data:`BASEMAPS`), by the name a scenario gives in ``output.basemap``:

``osm`` (default)
    OpenStreetMap tiles, WGS84 coordinates.
``none``
    No tiles: the overlays alone (nothing is requested from the network).
``tianditu`` / ``tianditu_img``
    天地图 Tianditu vector (``vec_w`` + ``cva_w`` labels) or imagery (``img_w`` + ``cia_w``)
    in Web Mercator. Tianditu uses CGCS2000, which agrees with WGS84 to well under a metre,
    so overlays are drawn unshifted. Needs a user key (``tk=``), free from
    https://console.tianditu.gov.cn/ ; the key ends up in the saved page.
``amap`` / ``amap_img``
    高德 AMap/Gaode vector or imagery tiles. These are drawn in GCJ-02, the obfuscated datum
    required for maps published in mainland China, so every overlay is shifted to GCJ-02
    (a few hundred metres in Wuhan) before it is drawn on them.

:func:`wgs84_to_gcj02` is the widely published GCJ-02 formula (Krasovsky ellipsoid
constants, no added noise), applied inside the usual rough mainland-China rectangle
(72.004–137.8347° E, 0.8293–55.8271° N; points outside it are returned unchanged; the
rectangle also takes in e.g. Korea and Taiwan, as the public formula does).
:func:`gcj02_to_wgs84` inverts it by fixed-point iteration (to ~1e-9°).

Raster overlays (``ImageOverlay``) are axis-aligned images and cannot follow a varying
offset by moving their bounds. :func:`lowalt.outputs.webmap.raster_overlay` therefore warps its
PNG straight onto the GCJ-02 Web-Mercator pixel grid (exact per pixel). For other images,
:func:`shift_image_bounds` moves the bounds by the offset at their centre, and
:func:`image_shift_error_m` measures what that leaves: the formula's ``sin(6πλ)`` terms
(period 1/3° of longitude, ≈ 32 km) make the offset vary by tens of metres across a city.
Measured over Wuhan (max over the image): 10 km square 11–20 m, 30 km square 27–59 m,
60 km square 31–67 m, against an offset of ≈ 585–590 m (see ``tests/test_basemaps.py``).

Files written by lowalt always stay in WGS84; the shift is for drawing only.
"""

from __future__ import annotations

import math
import os
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import folium
import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod

from lowalt.geo.crs import WGS84

__all__ = [
    "BASEMAPS",
    "DEFAULT_BASEMAP",
    "KEY_ENV",
    "Basemap",
    "add_basemap",
    "basemap_of",
    "check_basemap",
    "for_basemap",
    "gcj02_to_wgs84",
    "get_basemap",
    "image_shift_error_m",
    "in_gcj02_region",
    "needs_gcj02",
    "shift_gdf",
    "shift_image_bounds",
    "wgs84_to_gcj02",
]

DEFAULT_BASEMAP = "osm"
KEY_ENV = "LOWALT_TIANDITU_KEY"
"""Environment variable read for the Tianditu key when none is passed."""

# Krasovsky 1940 semi-major axis and first eccentricity squared, as in the public formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_GEOD = Geod(ellps="WGS84")
_KEY_RE = re.compile(r"^[A-Za-z0-9]{8,64}$")

Datum = Literal["wgs84", "gcj02"]


@dataclass(frozen=True)
class Basemap:
    """One tile basemap.

    Attributes
    ----------
    name
        Registry name (``output.basemap`` in a scenario).
    label
        Layer-control label.
    tiles
        Leaflet URL template (``{s}``, ``{z}``, ``{x}``, ``{y}``; ``{key}`` for the user key);
        empty for ``none``.
    attribution
        Attribution HTML (static text, no data).
    datum
        Datum the tiles are drawn in: ``"wgs84"`` or ``"gcj02"`` (overlays are shifted).
    labels
        Optional second URL template drawn over the tiles (Tianditu's annotation layer).
    subdomains
        Values of ``{s}``.
    max_zoom
        Highest zoom the service provides.
    needs_key
        Whether ``tiles`` contains ``{key}``.
    """

    name: str
    label: str
    tiles: str
    attribution: str
    datum: Datum = "wgs84"
    labels: str = ""
    subdomains: str = "abc"
    max_zoom: int = 18
    needs_key: bool = False

    @property
    def gcj02(self) -> bool:
        """Whether overlays must be shifted to GCJ-02 to line up with these tiles."""
        return self.datum == "gcj02"


def _tianditu(layer: str) -> str:
    return (
        f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        f"&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
    )


_TIANDITU_ATTR = (
    '&copy; <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a> '
    "(National Geomatics Center of China)"
)
_AMAP_ATTR = '&copy; <a href="https://www.amap.com/">高德地图 AutoNavi</a> (GCJ-02)'

BASEMAPS: Mapping[str, Basemap] = MappingProxyType(
    {
        b.name: b
        for b in (
            Basemap("osm", "OpenStreetMap (online only)", "OpenStreetMap", ""),
            Basemap("none", "", "", ""),
            Basemap(
                "tianditu",
                "Tianditu vector (online only)",
                _tianditu("vec"),
                _TIANDITU_ATTR,
                labels=_tianditu("cva"),
                subdomains="01234567",
                needs_key=True,
            ),
            Basemap(
                "tianditu_img",
                "Tianditu imagery (online only)",
                _tianditu("img"),
                _TIANDITU_ATTR,
                labels=_tianditu("cia"),
                subdomains="01234567",
                needs_key=True,
            ),
            Basemap(
                "amap",
                "AMap/Gaode (GCJ-02, online only)",
                "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                "&style=8&x={x}&y={y}&z={z}",
                _AMAP_ATTR,
                datum="gcj02",
                subdomains="1234",
            ),
            Basemap(
                "amap_img",
                "AMap/Gaode imagery (GCJ-02, online only)",
                "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
                _AMAP_ATTR,
                datum="gcj02",
                subdomains="1234",
            ),
        )
    }
)

_MAP_BASEMAP: weakref.WeakKeyDictionary[folium.Map, Basemap] = weakref.WeakKeyDictionary()


def get_basemap(name: str) -> Basemap:
    """Return the registry entry ``name`` (case-insensitive).

    Raises
    ------
    ValueError
        If ``name`` is not in :data:`BASEMAPS`.
    """
    spec = BASEMAPS.get(str(name).strip().lower())
    if spec is None:
        msg = f"unknown basemap {name!r}; choose one of: {', '.join(BASEMAPS)}"
        raise ValueError(msg)
    return spec


def needs_gcj02(basemap: str | Basemap | folium.Map) -> bool:
    """Whether overlays drawn on ``basemap`` (a name, spec or lowalt-built map) need GCJ-02."""
    if isinstance(basemap, folium.Map):
        spec = basemap_of(basemap)
        return spec is not None and spec.gcj02
    return (basemap if isinstance(basemap, Basemap) else get_basemap(basemap)).gcj02


def basemap_of(m: folium.Map) -> Basemap | None:
    """Return the basemap :func:`add_basemap` put on ``m`` (``None`` if not called)."""
    return _MAP_BASEMAP.get(m)


def _resolve_key(spec: Basemap, key: str | None) -> str:
    key = key or os.environ.get(KEY_ENV) or None
    if key is None:
        msg = (
            f"basemap {spec.name!r} needs a Tianditu key: get a free browser key at "
            f"https://console.tianditu.gov.cn/ and pass basemap_key=... (scenario: "
            f"output.basemap_key) or set the {KEY_ENV} environment variable; "
            "or choose basemap 'osm', 'amap' or 'none'"
        )
        raise ValueError(msg)
    if not _KEY_RE.match(key):
        msg = f"basemap {spec.name!r}: the key must be 8-64 letters or digits (Tianditu: 32 hex)"
        raise ValueError(msg)
    return key


def check_basemap(name: str, key: str | None = None) -> Basemap:
    """Check that basemap ``name`` can be drawn with ``key`` (or the environment's key).

    Raises
    ------
    ValueError
        For an unknown name, or a Tianditu basemap without a (well-formed) key.
    """
    spec = get_basemap(name)
    if spec.needs_key:
        _resolve_key(spec, key)
    return spec


def add_basemap(m: folium.Map, name: str = DEFAULT_BASEMAP, *, key: str | None = None) -> Basemap:
    """Add the tile layer(s) of basemap ``name`` to ``m`` and return its spec.

    ``osm`` adds exactly the layer lowalt maps always had; ``none`` adds nothing. A key is
    needed for Tianditu (``key`` or the :data:`KEY_ENV` environment variable) and ignored
    by the others. The map remembers its basemap (:func:`basemap_of`, :func:`for_basemap`).

    Raises
    ------
    ValueError
        For an unknown name, or a Tianditu basemap without a (well-formed) key.
    """
    spec = get_basemap(name)
    token = _resolve_key(spec, key) if spec.needs_key else ""
    if spec.name == "osm":
        folium.TileLayer("OpenStreetMap", name=spec.label).add_to(m)
    elif spec.tiles:
        options: dict[str, Any] = {"attr": spec.attribution, "subdomains": spec.subdomains}
        options |= {"max_zoom": spec.max_zoom, "max_native_zoom": spec.max_zoom}
        url = spec.tiles.replace("{key}", token)
        folium.TileLayer(url, name=spec.label, **options).add_to(m)
        if spec.labels:
            folium.TileLayer(
                spec.labels.replace("{key}", token),
                name=spec.label.replace(" (online only)", " labels"),
                overlay=True,
                **options,
            ).add_to(m)
    _MAP_BASEMAP[m] = spec
    return spec


def in_gcj02_region(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Return True where the public GCJ-02 formula applies (the rough China rectangle)."""
    x, y = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    return (x >= 72.004) & (x <= 137.8347) & (y >= 0.8293) & (y <= 55.8271)


def _offset_deg(
    lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """GCJ-02 minus WGS84 (degrees of lon, lat) at WGS84 ``lon``/``lat``, ignoring the region."""
    x, y = lon - 105.0, lat - 35.0
    pi = math.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += common
    dlat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += common
    dlon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    rad = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * pi)
    return dlon, dlat


def wgs84_to_gcj02(
    lon: ArrayLike, lat: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Shift WGS84 lon/lat (degrees, any broadcastable shapes) to GCJ-02.

    Points outside :func:`in_gcj02_region` are returned unchanged.

    Returns
    -------
    lon, lat : ndarray
        GCJ-02 coordinates, float64, broadcast shape of the inputs.
    """
    x, y = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    dlon, dlat = _offset_deg(x, y)
    inside = in_gcj02_region(x, y)
    return np.where(inside, x + dlon, x), np.where(inside, y + dlat, y)


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tol_deg: float = 1e-10, max_iter: int = 30
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Invert :func:`wgs84_to_gcj02` by fixed-point iteration.

    Starts from ``p - offset(p)`` and repeats ``w += p - forward(w)`` until every point
    moves by less than ``tol_deg`` (the offset's gradient is ~1e-5, so 2-3 rounds suffice).

    Returns
    -------
    lon, lat : ndarray
        WGS84 coordinates; points outside the region are returned unchanged.
    """
    gx, gy = np.broadcast_arrays(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    )
    wx, wy = gx.copy(), gy.copy()
    for _ in range(max_iter):
        fx, fy = wgs84_to_gcj02(wx, wy)
        ex, ey = gx - fx, gy - fy
        wx, wy = wx + ex, wy + ey
        if not (np.nanmax(np.abs(ex), initial=0.0) > tol_deg) and not (
            np.nanmax(np.abs(ey), initial=0.0) > tol_deg
        ):
            break
    return wx, wy


def shift_gdf(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in lon/lat with every vertex shifted WGS84 -> GCJ-02.

    The result keeps the EPSG:4326 label (GCJ-02 has no EPSG code): use it for drawing
    on GCJ-02 tiles only, never for files or measurements. A ``crs=None`` frame is taken
    to be lon/lat already.
    """
    if gdf.crs is not None and gdf.crs != WGS84:
        gdf = gdf.to_crs(WGS84)
    out = gdf.copy()
    if out.empty:
        return out

    def move(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    out[out.geometry.name] = shapely.transform(out.geometry.to_numpy(), move)
    return out


def for_basemap(gdf: gpd.GeoDataFrame, basemap: str | Basemap | folium.Map) -> gpd.GeoDataFrame:
    """``gdf`` ready to draw on ``basemap``: shifted to GCJ-02 if the tiles need it.

    ``basemap`` may be a name, a spec or a map built with :func:`add_basemap`. Unshifted
    frames are returned as given (not reprojected).
    """
    return shift_gdf(gdf) if needs_gcj02(basemap) else gdf


def shift_image_bounds(bounds: ArrayLike) -> list[list[float]]:
    """Shift Leaflet image bounds ``[[S, W], [N, E]]`` by the GCJ-02 offset at their centre.

    The image keeps its size; the error this leaves is :func:`image_shift_error_m`.
    """
    (s, w), (n, e) = np.asarray(bounds, dtype=np.float64)
    cx, cy = (w + e) / 2.0, (s + n) / 2.0
    gx, gy = wgs84_to_gcj02(cx, cy)
    dx, dy = float(gx - cx), float(gy - cy)
    return [[float(s + dy), float(w + dx)], [float(n + dy), float(e + dx)]]


def image_shift_error_m(bounds: ArrayLike, samples: int = 33) -> float:
    """Largest distance (m) between the exact and the centre-offset GCJ-02 shift in ``bounds``.

    Evaluated on a ``samples`` × ``samples`` lattice over the image (corners included),
    in metres on the WGS84 ellipsoid (pyproj geodesic).
    """
    (s, w), (n, e) = np.asarray(bounds, dtype=np.float64)
    lon, lat = np.meshgrid(np.linspace(w, e, samples), np.linspace(s, n, samples))
    exact_x, exact_y = wgs84_to_gcj02(lon, lat)
    (s2, w2), _ = shift_image_bounds(bounds)
    approx_x, approx_y = lon + (w2 - w), lat + (s2 - s)
    _, _, dist = _GEOD.inv(exact_x, exact_y, approx_x, approx_y)
    return float(np.max(dist))
