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


def test_readme_python_examples_run() -> None:
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) >= 2
    for code in blocks:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, f"{code}\n{proc.stderr}"
        assert proc.stdout.strip()


def test_readme_quick_start_is_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Quick start \(two commands\)\n\n```bash\n(.*?)```", readme, re.S)
    assert block
    lines = [ln for ln in block.group(1).splitlines() if ln.strip()]
    assert len(lines) == 2
    assert "run_scenario.py" in lines[0] and "pytest" in lines[1]
    ci = (REPO / ".ci" / "run").read_text()
    assert lines[1].split("#")[0].strip() in ci
