"""Self-contained web-map parts: inline Leaflet/jQuery, PNG data URIs, raw-HTML elements.

Folium pages normally pull Leaflet, jQuery, Bootstrap and Font Awesome from CDNs.
:func:`inline_assets` swaps those links for inline ``<script>``/``<style>`` blocks
read from the ``xstatic-leaflet`` and ``xstatic-jquery`` packages (Leaflet's images
become data URIs) and drops the Bootstrap/awesome-markers assets, which the lowalt
map does not use. :func:`png_data_uri` encodes a small indexed-colour PNG with
nothing but numpy and zlib. :class:`VectorLayer`, :class:`HtmlBox` and
:class:`LayerControl` put their JS/HTML into the page verbatim: branca re-parses macro
output as a Jinja template, which would evaluate ``{{ ... }}`` found in data. Text from
data is escaped by :mod:`lowalt.outputs._escape` before it gets here.
"""

from __future__ import annotations

import base64
import re
import struct
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
import numpy as np
import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
from branca.element import Element, Figure, MacroElement
from numpy.typing import NDArray

from lowalt.outputs._escape import script_json

__all__ = [
    "HtmlBox",
    "LayerControl",
    "RawHtml",
    "VectorLayer",
    "inline_assets",
    "png_data_uri",
    "script_json",
]

# Assets folium adds by default that only Marker icons/Bootstrap widgets use.
_DROPPED = re.compile(r"bootstrap|awesome|fontawesome|glyphicons", re.IGNORECASE)


class RawHtml(Element):
    """HTML/JS inserted verbatim (branca would otherwise parse it as a Jinja template)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "RawHtml"
        self.html = html

    def render(self, **kwargs: object) -> str:
        """Return the stored text unchanged."""
        return self.html


class _VerbatimMacro(MacroElement):
    """A macro element whose rendered header/html/script go into the page verbatim.

    :meth:`branca.element.MacroElement.render` wraps each macro's output in a new
    ``Element``, i.e. compiles it as a Jinja template and renders it again; this render
    wraps it in :class:`RawHtml` instead, so data inside cannot reach Jinja.
    """

    # branca's MacroElement.render returns nothing (Element.render's ``str`` does not apply).
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Render the macros once and add their text unchanged."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = "the element is not inside a branca Figure"
            raise TypeError(msg)
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                target = getattr(figure, part)
                target.add_child(RawHtml(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class LayerControl(folium.LayerControl, _VerbatimMacro):
    """``folium.LayerControl`` whose script is not parsed a second time as a template.

    The control's script holds every layer name (``name=`` of each layer, escaped with
    :func:`lowalt.outputs._escape.html_text`: Leaflet shows names as HTML). Folium's own control
    goes through branca's second Jinja pass, where ``{{ ... }}`` in a name would run.
    """


def _data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _script(code: str) -> str:
    return "<script>" + code.replace("</script", "<\\/script") + "</script>"


@lru_cache(maxsize=1)
def _leaflet_css() -> str:
    base = Path(xs_leaflet.BASE_DIR)
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def repl(match: re.Match[str]) -> str:
        return f"url({_data_uri(base / match.group(1), 'image/png')})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", repl, css)
    return "<style>" + css.replace("</style", "<\\/style") + "</style>"


@lru_cache(maxsize=1)
def _leaflet_js() -> str:
    base = Path(xs_leaflet.BASE_DIR)
    images = base / "images"
    icons = (
        "L.Icon.Default.imagePath = '';"
        "L.Icon.Default.mergeOptions({"
        f"iconUrl: '{_data_uri(images / 'marker-icon.png', 'image/png')}',"
        f"iconRetinaUrl: '{_data_uri(images / 'marker-icon-2x.png', 'image/png')}',"
        f"shadowUrl: '{_data_uri(images / 'marker-shadow.png', 'image/png')}'}});"
    )
    code = (base / "leaflet.js").read_text(encoding="utf-8")
    return _script(code) + _script(icons)


@lru_cache(maxsize=1)
def _jquery_js() -> str:
    return _script((Path(xs_jquery.BASE_DIR) / "jquery.min.js").read_text(encoding="utf-8"))


def _folium_template(url: str) -> Path | None:
    """Local copy of a folium plugin asset (folium ships some under ``templates/``)."""
    candidate = Path(folium.__file__).parent / "templates" / url.rsplit("/", 1)[-1]
    return candidate if candidate.is_file() else None


def _inline(name: str, url: str, *, css: bool) -> str | None:
    """Return inline HTML for one asset, ``None`` to drop it.

    Raises
    ------
    ValueError
        If the asset is neither known nor shipped with folium.
    """
    if _DROPPED.search(name) or _DROPPED.search(url):
        return None
    if "leaflet" in url and url.endswith("/leaflet.css"):
        return _leaflet_css()
    if "leaflet" in url and url.endswith("/leaflet.js"):
        return _leaflet_js()
    if "jquery" in url and url.endswith(".js"):
        return _jquery_js()
    local = _folium_template(url)
    if local is None:
        msg = f"no offline copy of web-map asset {name!r} ({url}); use offline=False"
        raise ValueError(msg)
    text = local.read_text(encoding="utf-8")
    return "<style>" + text + "</style>" if css else _script(text)


def _walk(element: Element) -> list[Element]:
    out = [element]
    for child in list(element._children.values()):
        out.extend(_walk(child))
    return out


def inline_assets(m: folium.Map) -> None:
    """Replace every CDN ``<script src>``/``<link href>`` of ``m``'s elements by inline copies.

    Idempotent: call it again after adding elements. Leaflet and jQuery come from the
    xstatic packages, plugin assets from folium's ``templates/`` folder; Bootstrap and
    awesome-markers assets are dropped (use ``CircleMarker``, not icon ``Marker``).

    Raises
    ------
    ValueError
        If an element needs an asset with no offline copy.
    """
    figure = m.get_root()
    if not isinstance(figure, Figure):
        msg = "the map is not inside a branca Figure"
        raise TypeError(msg)
    for element in _walk(m):
        for attr, css in (("default_js", False), ("default_css", True)):
            links: list[tuple[str, str]] = list(getattr(element, attr, None) or [])
            if not links:
                continue
            for name, url in links:
                html = _inline(name, url, css=css)
                if html is not None:
                    figure.header.add_child(RawHtml(html), name=f"lowalt_{name}")
            setattr(element, attr, [])  # instance attribute shadows the class list


def png_data_uri(index: NDArray[np.uint8], palette: NDArray[np.uint8]) -> str:
    """Encode an indexed-colour image as a ``data:image/png;base64,...`` URI.

    Parameters
    ----------
    index : (height, width) uint8
        Palette index per pixel; row 0 is the TOP (north) row.
    palette : (n, 4) uint8
        RGBA colours, ``n <= 256``; alpha goes into the ``tRNS`` chunk.
    """
    if index.ndim != 2 or index.size == 0:
        msg = "image must be a non-empty 2-D array"
        raise ValueError(msg)
    if palette.ndim != 2 or palette.shape[1] != 4 or not 0 < len(palette) <= 256:
        msg = "palette must be (n, 4) RGBA with 1..256 entries"
        raise ValueError(msg)
    height, width = index.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = np.zeros((height, width + 1), dtype=np.uint8)  # filter byte 0 per row
    rows[:, 1:] = index
    pal = np.asarray(palette, dtype=np.uint8)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0))
        + chunk(b"PLTE", pal[:, :3].tobytes())
        + chunk(b"tRNS", pal[:, 3].tobytes())
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class VectorLayer(MacroElement):
    """A GeoJSON layer styled and labelled from feature properties by a small JS hook.

    Properties per feature: ``k`` (key into ``styles``, Leaflet path options),
    ``p`` (popup HTML, already escaped) and ``t`` (tooltip HTML, already escaped).
    Points become ``L.circleMarker``. Add it to a ``folium.FeatureGroup``.
    """

    def __init__(self, collection: dict[str, Any], styles: dict[str, dict[str, Any]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "VectorLayer"
        self.collection = collection
        self.styles = styles

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Add the layer's script verbatim (no second Jinja pass over data)."""
        js = (
            f"(function () {{ var styles = {script_json(self.styles)};\n"
            f"L.geoJSON({script_json(self.collection)}, {{\n"
            "style: function (f) { return styles[f.properties.k]; },\n"
            "pointToLayer: function (f, ll) {\n"
            "  return L.circleMarker(ll, styles[f.properties.k]); },\n"
            "onEachFeature: function (f, l) {\n"
            "  if (f.properties.p) { l.bindPopup(f.properties.p, {maxWidth: 360}); }\n"
            "  if (f.properties.t) { l.bindTooltip(f.properties.t, {sticky: true}); } }\n"
            f"}}).addTo({_parent_name(self)}); }})();"
        )
        _figure(self).script.add_child(RawHtml(js), name=self.get_name())


class HtmlBox(MacroElement):
    """Fixed-position HTML (legend, notes) added verbatim to the page body."""

    def __init__(self, name: str, body: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = name
        self.body = body

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Add the box's HTML verbatim to the page body."""
        _figure(self).html.add_child(RawHtml(self.body), name=self.get_name())


def _figure(element: MacroElement) -> Figure:
    """Return the branca :class:`Figure` an element was added to."""
    root = element.get_root()
    if not isinstance(root, Figure):
        msg = "the element is not inside a branca Figure"
        raise TypeError(msg)
    return root


def _parent_name(element: MacroElement) -> str:
    """Return the JavaScript name of the layer an element was added to."""
    parent = element._parent
    if parent is None:
        msg = "the element was not added to a map or layer"
        raise TypeError(msg)
    return str(parent.get_name())
