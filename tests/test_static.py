"""Static checks in the test command: ruff (lint) and mypy (strict typing of the package).

Both tools are pinned in the ``test`` extra, so a new release cannot turn the suite red by
itself. Locally a missing tool skips; under ``CI=true`` it fails (CI must not go green by
skipping). Settings live in ``pyproject.toml`` (``[tool.ruff]``, ``[tool.mypy]``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, skip_or_fail


def _tool(name: str) -> list[str]:
    """Command prefix that runs ``name`` from this interpreter's environment."""
    beside = Path(sys.executable).parent / name
    exe = str(beside) if beside.exists() else shutil.which(name)
    if exe is None:
        try:
            __import__(name)
        except ImportError:
            skip_or_fail(f"{name} is not installed (pip install -e '.[test]')")
        return [sys.executable, "-m", name]
    return [exe]


def test_ruff_is_clean() -> None:
    cmd = [*_tool("ruff"), "check", "lowalt", "tests", "tools", "benchmarks", "run_scenario.py"]
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_is_clean_and_strict() -> None:
    out = subprocess.run([*_tool("mypy")], cwd=REPO, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
