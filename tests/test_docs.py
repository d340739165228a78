"""The documentation stays true: the README and docs/*.md.

Their Python examples run and print what they document, the scenario key table matches the
schema, the README stays short, and every relative link points to a file (and heading) that
exists.
"""

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from .conftest import REPO

README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))
"""Hand-written documents (``docs/report_schema/`` is generated and tested on its own)."""
KEYS_DOC = REPO / "docs" / "scenario_keys.md"
README_MAX_LINES = 250


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_key_table_matches_schema() -> None:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        from scenario_keys import KEYS_DOC as tool_doc
        from scenario_keys import table
    finally:
        sys.path.pop(0)
    assert tool_doc == KEYS_DOC, "tools/scenario_keys.py writes another file"
    text = KEYS_DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- keys:start -->\n(.*)\n<!-- keys:end -->", text, re.S)
    assert block, f"{_rel(KEYS_DOC)} lacks the key-table markers"
    assert block.group(1).strip() == table().strip(), "run: python tools/scenario_keys.py --write"


def test_key_table_is_linked() -> None:
    """README and user guide point to the key table (the scenarios' comments name it)."""
    for doc in (README, REPO / "docs" / "user_guide.md"):
        assert "scenario_keys.md" in doc.read_text(encoding="utf-8"), _rel(doc)


_EXPECTED = re.compile(r"#\s*->\s?(.*)$")


def documented_output(code: str) -> list[str]:
    """The output an example documents: each ``# -> text`` comment, in order.

    The comment ends a ``print(...)`` line or stands on the line after it (for long output).
    """
    return [m.group(1) for line in code.splitlines() if (m := _EXPECTED.search(line))]


def python_blocks(path: Path) -> list[str]:
    """The ```` ```python ```` blocks of a markdown file."""
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_documented_output_is_parsed() -> None:
    code = "print(1)  # -> 1\nprint(2, 3)\n# -> 2 3\nx = 4  # not output\n"
    assert documented_output(code) == ["1", "2 3"]


def test_readme_has_its_examples() -> None:
    assert len(python_blocks(README)) >= 4


_EXAMPLES = [
    pytest.param(doc, i, code, id=f"{_rel(doc)}-{i}")
    for doc in (README, *DOCS)
    for i, code in enumerate(python_blocks(doc))
]


@pytest.mark.parametrize(("doc", "index", "code"), _EXAMPLES)
def test_python_examples_print_what_they_document(doc: Path, index: int, code: str) -> None:
    """Every Python example runs, and prints exactly its ``# ->`` comments, line by line."""
    expected = documented_output(code)
    prints = [ln for ln in code.splitlines() if ln.startswith("print(")]
    assert expected and len(expected) == len(prints), f"document each print:\n{code}"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"{_rel(doc)} example {index}:\n{code}\n{proc.stderr}"
    assert proc.stdout.splitlines() == expected, f"{_rel(doc)} example {index}:\n{code}"


def test_readme_quick_start_is_two_commands() -> None:
    readme = README.read_text(encoding="utf-8")
    block = re.search(r"## Quick start \(two commands\)\n\n```bash\n(.*?)```", readme, re.S)
    assert block
    lines = [ln for ln in block.group(1).splitlines() if ln.strip()]
    assert len(lines) == 2
    assert "run_scenario.py" in lines[0] and "pytest" in lines[1]
    ci = (REPO / ".ci" / "run").read_text()
    assert lines[1].split("#")[0].strip() in ci


def test_readme_is_short() -> None:
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n <= README_MAX_LINES, f"README.md has {n} lines; move detail into docs/"


def test_readme_states_what_is_modeled() -> None:
    """The honesty statements stay in the README, not only in docs/."""
    text = README.read_text(encoding="utf-8")
    assert "## What is confirmed and what is modeled" in text
    assert "Never present a modeled dock site as an official one." in text
    assert "not confirmed" in text


_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, no punctuation, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)}


def relative_links(path: Path) -> list[str]:
    """Link targets in a markdown file that are neither web addresses nor inside code."""
    text = _CODE.sub("", path.read_text(encoding="utf-8"))
    return [t for t in _LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", t, re.I)]


def test_slug_matches_github() -> None:
    assert _slug("Quick start (two commands)") == "quick-start-two-commands"
    assert _slug("The reach report (`*_report.json`)") == "the-reach-report-_reportjson"
    assert _slug("Security: scenario text is untrusted data") == (
        "security-scenario-text-is-untrusted-data"
    )


@pytest.mark.parametrize("doc", [README, *DOCS, REPO / "maps" / "README.md"], ids=_rel)
def test_relative_links_resolve(doc: Path) -> None:
    """Every relative link points to an existing file, and an anchor to a heading in it."""
    bad = []
    for target in relative_links(doc):
        file, _, anchor = target.partition("#")
        dest = (doc.parent / file).resolve() if file else doc
        if not dest.exists():
            bad.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            bad.append(f"{target}: no heading #{anchor} in {dest.name}")
    assert not bad, f"{_rel(doc)}:\n" + "\n".join(bad)
