"""Tests for lowalt.outputs._escape: HTML/template/JS escaping, script JSON, literal plot text.

The browser side (every scenario kind, every free-text field, opened in Chromium) is in
``tests/test_browser_escaping.py``.
"""

from __future__ import annotations

import html
import io
import json
import re
import warnings
from pathlib import Path

import folium
import jinja2
import matplotlib.pyplot as plt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import RendererAgg

import lowalt
from lowalt.outputs._escape import html_text, literal_plot_text, script_json
from lowalt.outputs._offline_assets import LayerControl

HOSTILE = (
    "a{{ 7*7 }}b c{% if 1 %}x{% endif %}d {# c #} ${alert(1)} `t` "
    "<img src=x onerror=alert(1)> <script>alert(1)</script> '\";alert(1)// "
    "</script><script>alert(1)</script> \u2028 \u2029 $\\frac{1}{2}$ \\ _ ^ & %"
)


# --------------------------------------------------------------------------- html_text


def test_html_special_characters() -> None:
    assert html_text("a & b < c > d") == "a &amp; b &lt; c &gt; d"


def test_double_quote() -> None:
    assert html_text('say "hi"') == "say &quot;hi&quot;"


def test_single_quote() -> None:
    assert html_text("it's") == "it&#x27;s"


def test_braces() -> None:
    assert html_text("{{ 7*7 }}") == "&#123;&#123; 7*7 &#125;&#125;"


def test_jinja_statement() -> None:
    assert html_text("{% if 1 %}") == "&#123;% if 1 %&#125;"


def test_jinja_comment() -> None:
    assert "{#" not in html_text("{# c #}")


def test_dollar() -> None:
    assert html_text("${x}") == "&#36;&#123;x&#125;"


def test_backtick() -> None:
    assert html_text("`x`") == "&#96;x&#96;"


def test_backslash() -> None:
    assert html_text("a\\b") == "a&#92;b"


def test_script_end_tag() -> None:
    out = html_text("</script><script>alert(1)</script>")
    assert "<" not in out and ">" not in out
    assert out == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"


def test_line_separator() -> None:
    assert html_text("a\u2028b") == "a&#8232;b"


def test_paragraph_separator() -> None:
    assert html_text("a\u2029b") == "a&#8233;b"


def test_control_characters_and_lone_surrogates() -> None:
    assert html_text("a\x00b\x1bc\x7fd\x85e\ud800f") == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf"
    assert html_text("tab\tnew\nline") == "tab\tnew\nline"  # harmless whitespace stays


def test_non_strings_and_unicode() -> None:
    assert html_text(3.5) == "3.5"
    assert html_text(None) == "None"
    assert html_text("汉口北 ±°") == "汉口北 ±°"


def test_no_delimiter_survives() -> None:
    out = html_text(HOSTILE)
    for bad in ("<", ">", '"', "'", "{", "}", "$", "`", "\\", "\u2028", "\u2029"):
        assert bad not in out, bad


def test_jinja_leaves_escaped_text_alone() -> None:
    out = html_text(HOSTILE)
    assert jinja2.Template(out).render() == out  # branca's second pass changes nothing
    assert html.unescape(out) == HOSTILE  # and the browser shows the original


@given(st.text())
def test_browser_shows_the_original_text(text: str) -> None:
    out = html_text(text)
    jinja = jinja2.Environment(keep_trailing_newline=True).from_string(out).render()
    assert jinja == out.replace("\r\n", "\n").replace("\r", "\n")  # Jinja's newline rules
    assert not re.search(r"[<>\"'{}$`\\\u2028\u2029]", out)
    shown = html.unescape(out)
    assert shown == re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]", "\ufffd", text)


# --------------------------------------------------------------------------- script_json


def test_script_json_cannot_close_the_script() -> None:
    out = script_json({"t": "</script><script>alert(1)</script><!--"})
    assert "<" not in out and ">" not in out
    assert json.loads(out) == {"t": "</script><script>alert(1)</script><!--"}


def test_script_json_escapes_ampersand() -> None:
    assert script_json("a&b") == '"a\\u0026b"'


def test_script_json_line_separators() -> None:
    assert script_json("a\u2028b\u2029c") == '"a\\u2028b\\u2029c"'


def test_script_json_jinja_delimiters() -> None:
    value = {"a": "{{ 7*7 }}", "b": ["{% if 1 %}x{% endif %}", "{# c #}"], "c": {"d": {}}}
    out = script_json(value)
    assert not re.search(r"\{[{%#]", out)
    assert jinja2.Template(out).render() == out
    assert json.loads(out) == value


def test_script_json_lone_surrogate_is_an_escape() -> None:
    out = script_json("a\ud800b")
    out.encode("utf-8")  # a page holding it can be written
    assert out == '"a\\ud800b"'


def test_script_json_rejects_nan() -> None:
    with pytest.raises(ValueError, match="JSON"):
        script_json(float("nan"))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
)


@given(_JSON)
def test_script_json_round_trips(value: object) -> None:
    out = script_json(value)
    assert json.loads(out) == json.loads(json.dumps(value))
    assert not re.search(r"[<>&\u2028\u2029]|\{[{%#]", out)


# --------------------------------------------------------------------------- one path


def test_layer_control_does_not_render_names_twice(tmp_path: Path) -> None:
    """Folium's own control runs ``{{ }}`` in a layer name; lowalt's writes it verbatim."""

    def page(control: type[folium.LayerControl]) -> str:
        m = folium.Map(tiles=None)
        folium.FeatureGroup(name="q{{ 7*7 }}z").add_to(m)  # deliberately not escaped
        control().add_to(m)
        return m.get_root().render()

    # q and z are not hex digits, so no random element id can contain the marker ("a49b"
    # once matched inside a uuid-based id and failed the test).
    assert "q49z" in page(folium.LayerControl)  # the hole this module closes
    text = page(LayerControl)
    assert "q49z" not in text and '"q{{ 7*7 }}z"' in text


def test_every_map_module_uses_the_one_path() -> None:
    """No private escaper, no bare html.escape, no folium LayerControl outside outputs._escape."""
    pkg = Path(lowalt.__file__).parent
    bad = []
    for path in sorted(pkg.rglob("*.py")):
        if path.name == "_escape.py":
            continue
        src = path.read_text(encoding="utf-8")
        for pattern in (
            r"html\.escape\(",
            r"\bdef _esc\b",
            r"\bdef _e\b",
            r"folium\.LayerControl\(",
        ):
            if re.search(pattern, src):
                bad.append(f"{path.name}: {pattern}")
        if "folium" in src and "FeatureGroup(" in src:
            for call in re.findall(r"FeatureGroup\(\s*name=([^,\n]+)", src):
                if not call.startswith("html_text("):
                    bad.append(f"{path.name}: FeatureGroup(name={call})")
    assert not bad, bad


# --------------------------------------------------------------------------- matplotlib


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    """Every (text, ismath) the Agg renderer draws."""
    out: list[tuple[str, object]] = []
    original = RendererAgg.draw_text

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):  # type: ignore[no-untyped-def]
        out.append((s, ismath))
        return original(self, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    monkeypatch.setattr(RendererAgg, "draw_text", draw_text)
    return out


def test_plot_text_is_literal(drawn: list[tuple[str, object]]) -> None:
    title = "$x$ costs $5"
    names = ["$\\frac{1}{2}$", "a_b^c \\ d", "$\\undefinedcommand{$"]  # last: bad mathtext
    fig, ax = plt.subplots()
    for k, name in enumerate(names):
        ax.plot([0, 1], [k, k + 1], label=name)
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.annotate("$y^2$", (0.5, 0.5))
    ax.legend()
    fig.suptitle(HOSTILE)
    literal_plot_text(fig)
    with warnings.catch_warnings():  # DejaVu Sans has no glyph for U+2028/U+2029
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig.tight_layout()
        fig.savefig(io.BytesIO(), format="png", backend="agg")
    plt.close(fig)
    for text in (title, *names, "$x_1$", "$y^2$", HOSTILE):
        assert (text, False) in drawn, text  # drawn as typed, not as mathtext
    assert all(ismath is False for _, ismath in drawn)


def test_without_it_mathtext_crashes() -> None:
    """Why the helper exists: a ``$`` pair in a name is parsed, and bad math raises."""
    fig, ax = plt.subplots()
    ax.set_title("$\\undefinedcommand{$")
    with pytest.raises(ValueError, match=r"undefinedcommand|Unknown symbol|Expected"):
        fig.savefig(io.BytesIO(), format="png", backend="agg")
    plt.close(fig)


def test_script_json_is_compact_and_keeps_unicode() -> None:
    # compact separators and UTF-8 text as is (not \uXXXX): smaller pages, readable source
    assert script_json({"a": [1, 2.5], "名": "武汉 café"}) == '{"a":[1,2.5],"名":"武汉 café"}'


def test_plot_text_is_literal_even_when_the_rc_asks_for_tex() -> None:
    import matplotlib as mpl

    with mpl.rc_context({"text.usetex": True}):
        fig, ax = plt.subplots()
        ax.set_title("$x$")
        ax.set_xlabel("a_b")
        texts = [ax.title, ax.xaxis.label]
        assert all(t.get_usetex() for t in texts)  # the rc setting reached them
        literal_plot_text(fig)
        assert [(t.get_usetex(), t.get_parse_math()) for t in texts] == [(False, False)] * 2
    plt.close(fig)


def test_save_plot_writes_closes_and_draws_literally(tmp_path: Path, drawn) -> None:
    from lowalt.outputs._escape import save_plot

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="$\\undefinedcommand{$")
    ax.legend()
    ax.set_title("武汉 costs $5")  # CJK glyphs missing from DejaVu: no warning escapes
    before = fig.subplotpars.left
    other = plt.figure()  # now the current figure: save_plot must close fig, not this one
    path = tmp_path / "plot.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert save_plot(fig, path) == path
    png = path.read_bytes()
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    assert not plt.fignum_exists(fig.number)  # closed
    assert plt.fignum_exists(other.number)
    plt.close(other)
    assert fig.subplotpars.left != before  # laid out (tight_layout)
    assert ("武汉 costs $5", False) in drawn
    assert ("$\\undefinedcommand{$", False) in drawn


def test_save_plot_silences_only_missing_glyphs(tmp_path: Path) -> None:
    from lowalt.outputs._escape import save_plot

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.set_ylabel("y", fontsize=200)  # decorations too large for the figure
    with pytest.warns(UserWarning, match="Tight layout not applied"):
        save_plot(fig, tmp_path / "cramped.png")
