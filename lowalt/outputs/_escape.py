"""The one escaping path for scenario text that reaches a web page, a script or a plot.

Why one module: scenario files are untrusted input, and their text (names, descriptions,
aircraft ids, GeoJSON property values) ends up in several very different places:

- **HTML** (popups, tooltips, legends, notes boxes, ``<title>``, and Leaflet layer-control
  labels, which Leaflet sets with ``innerHTML``);
- **branca/Jinja templates**: folium writes each element's script through a Jinja macro and
  branca then parses that output *again* as a template, so ``{{ ... }}`` in a layer name runs
  Python during ``lowalt run`` (and ``{% ... %}`` can build a script that fires in the
  browser);
- **JavaScript** (GeoJSON properties inside ``<script>``, where ``</script>`` or the line
  separators U+2028/U+2029 would end the script or the string);
- **matplotlib**, which reads text between two ``$`` as mathtext: a ``$`` in a scenario or
  department name garbles the plot or crashes ``savefig``.

Every map and plot module calls the functions here and nothing else:

- :func:`html_text` for any text placed in HTML, in a folium ``name=`` or in a page title;
- :func:`script_json` for any value embedded in a ``<script>`` (always added verbatim);
- :func:`literal_plot_text` on every matplotlib figure before it is laid out and saved
  (:func:`save_plot` does both, and draws glyphs the font lacks as boxes without a warning).
"""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["html_text", "literal_plot_text", "save_plot", "script_json"]

# Control characters that have no business in a label: C0 (except tab, newline, carriage
# return), DEL, C1 (HTML maps &#128;-&#159; to Windows-1252 glyphs) and lone surrogates
# (not encodable as UTF-8: writing the page would fail). Each becomes U+FFFD.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# After html.escape (which handles & < > " '): template and JS delimiters, the backslash
# and the JS line separators become numeric character references, which HTML decodes back
# to the same characters for display but which no template engine or JS parser reads.
_HTML_EXTRA = str.maketrans(
    {
        "{": "&#123;",  # Jinja {{ }}, {% %}, {# #}; JS ${...}
        "}": "&#125;",
        "$": "&#36;",  # JS template literal ${...}; matplotlib mathtext
        "`": "&#96;",  # JS template literal
        "\\": "&#92;",  # JS/JSON escapes
        "\u2028": "&#8232;",  # LINE SEPARATOR: ends a JS string literal in older engines
        "\u2029": "&#8233;",  # PARAGRAPH SEPARATOR: likewise
    }
)

# Characters escaped inside script_json's output (``\\uXXXX`` is valid in JSON and JS strings).
_SCRIPT_EXTRA = {
    "<": "\\u003c",  # </script>, <!--
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
# A brace that opens a Jinja delimiter ({{, {%, {#) can only sit inside a JSON string
# (structurally "{" is followed by '"' or "}"), so \u007b keeps the JSON valid.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
_SURROGATE = re.compile("[\ud800-\udfff]")


def html_text(value: object) -> str:
    """Return ``str(value)`` as inert HTML text, safe in any template or script around it.

    Escapes ``& < > " '`` (so the text is safe between tags and inside quoted attributes,
    and ``</script>`` cannot appear); turns braces, ``$``, the backtick, the backslash and
    U+2028/U+2029 into numeric character references (so neither branca's second Jinja pass
    nor a JS template literal nor a JS string can read them); replaces other control
    characters and lone surrogates by U+FFFD. A browser shows the result as the original
    text.

    Use it for everything that reaches a page: popup and tooltip HTML, legend and notes
    boxes, ``folium.FeatureGroup(name=...)`` and other layer names (Leaflet's layer control
    inserts them as HTML), and the page ``<title>``.

    Parameters
    ----------
    value : object
        Any value; ``str(value)`` is escaped.

    Returns
    -------
    str
        The escaped text.
    """
    text = _CONTROL.sub("\ufffd", str(value))
    return html.escape(text, quote=True).translate(_HTML_EXTRA)


def script_json(value: object) -> str:
    r"""Return ``value`` as JSON safe to embed inside a ``<script>`` element.

    ``<``, ``>``, ``&`` and U+2028/U+2029 are written as ``\uXXXX`` escapes, so the text
    cannot close the script (``</script>``), open a comment, or end a string; a ``{`` that
    would open a Jinja delimiter (``{{``, ``{%``, ``{#``) is written ``\u007b``; lone
    surrogates are written as escapes (a UTF-8 page could not hold them). The result is
    still valid JSON and a valid JavaScript expression with the same value. Add it to the
    page verbatim (:class:`lowalt.outputs._offline_assets.RawHtml`), never through a template.

    Raises
    ------
    ValueError
        For ``nan``/``inf`` (not JSON).
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    for char, code in _SCRIPT_EXTRA.items():
        text = text.replace(char, code)
    text = _JINJA_OPEN.sub(r"\\u007b", text)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def literal_plot_text(fig: Figure) -> None:
    """Make every text of ``fig`` draw literally: no mathtext, no TeX.

    Sets ``parse_math=False`` and ``usetex=False`` on each ``Text`` in the figure (titles,
    suptitle, axis labels, legend entries, annotations, tick labels made so far), so
    ``$``, backslash, ``_`` and ``^`` in data show as typed and cannot crash ``savefig``.
    Call it after the last text is added and before ``tight_layout``/``savefig`` (those
    lay the text out). Tick labels matplotlib makes later come from numbers.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, changed in place.
    """
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)


def save_plot(fig: Figure, path: Path) -> Path:
    """Lay out ``fig`` with its text drawn literally, save it as ``path`` and close it.

    Text in scripts the default font lacks (a Chinese scenario name, say) is drawn as boxes;
    matplotlib's "Glyph ... missing" warnings are dropped, since they would only repeat that
    for every character. No ``Software`` metadata is written, so the file is reproducible.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    import matplotlib.pyplot as plt

    literal_plot_text(fig)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig.tight_layout()
        fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return path
