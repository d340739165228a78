"""The README stays true: its key table matches the schema and its Python example runs."""

import re
import subprocess
import sys

from .conftest import REPO


def test_readme_key_table_matches_schema() -> None:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        from scenario_keys import table
    finally:
        sys.path.pop(0)
    readme = (REPO / "README.md").read_text()
    block = re.search(r"<!-- keys:start -->\n(.*)\n<!-- keys:end -->", readme, re.S)
    assert block, "README lacks the key-table markers"
    assert block.group(1).strip() == table().strip(), "run: python tools/scenario_keys.py --write"


_EXPECTED = re.compile(r"#\s*->\s?(.*)$")


def documented_output(code: str) -> list[str]:
    """The output a README example documents: each ``# -> text`` comment, in order.

    The comment ends a ``print(...)`` line or stands on the line after it (for long output).
    """
    return [m.group(1) for line in code.splitlines() if (m := _EXPECTED.search(line))]


def test_documented_output_is_parsed() -> None:
    code = "print(1)  # -> 1\nprint(2, 3)\n# -> 2 3\nx = 4  # not output\n"
    assert documented_output(code) == ["1", "2 3"]


def test_readme_python_examples_print_what_they_document() -> None:
    """Every README Python example runs, and prints exactly its ``# ->`` comments, line by line."""
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) >= 4
    for code in blocks:
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
        assert proc.returncode == 0, f"{code}\n{proc.stderr}"
        assert proc.stdout.splitlines() == expected, code


def test_readme_quick_start_is_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Quick start \(two commands\)\n\n```bash\n(.*?)```", readme, re.S)
    assert block
    lines = [ln for ln in block.group(1).splitlines() if ln.strip()]
    assert len(lines) == 2
    assert "run_scenario.py" in lines[0] and "pytest" in lines[1]
    ci = (REPO / ".ci" / "run").read_text()
    assert lines[1].split("#")[0].strip() in ci
