"""Run every shipped scenario at two revisions and compare their JSON reports byte for byte.

Used for moves that must not change any result (the subpackage redesign, issue 23)::

    python tools/compare_reports.py --base HEAD~1                 # all shipped scenarios
    python tools/compare_reports.py --base main --scenario pilot_routes
    python tools/compare_reports.py --base-dir /tmp/before        # reports already written

The base revision is checked out into a temporary git worktree and run with its own code
(``PYTHONPATH``); the working tree is run with the code beside this script. Every ``*.json``
file each run writes is compared byte for byte. Where two files differ, the differing key
paths are listed; wall-clock measurements (``wall_time_s``) and solver answers that both runs
stopped at their time limit are reported apart: they are not reproducible from one run to
the next, even of the same code. Exit 0 when every report is byte-identical (or differs only
there, with ``--allow-wall-clock``), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WALL_CLOCK_KEYS = frozenset({"wall_time_s"})


def run_scenarios(code_root: Path, names: list[str], out: Path) -> None:
    """Run each scenario with the lowalt package found at ``code_root``; reports go to ``out``."""
    env = dict(os.environ, PYTHONPATH=str(code_root))
    for name in names:
        scenario = code_root / "scenarios" / f"{name}.yaml"
        cmd = [sys.executable, "-c", "from lowalt.cli import main; raise SystemExit(main())",
               "-q", "run", str(scenario), "--out", str(out / name)]
        print(f"  {name} ({code_root})", flush=True)
        subprocess.run(cmd, env=env, check=True, cwd=code_root)


def _time_limited(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Both are solver answers stopped by their time limit (not proven optimal)."""
    return all("wall_time_s" in x and x.get("status") not in (None, "optimal") for x in (a, b))


def diff_paths(a: Any, b: Any, path: str = "") -> list[str]:
    """Key paths where two parsed JSON values differ.

    Inside a solver answer that both runs stopped at its time limit, differences are tagged
    ``[time-limited]``: such an answer depends on how far the search got in the time allowed.
    """
    if isinstance(a, dict) and isinstance(b, dict):
        if _time_limited(a, b) and a != b:
            return [f"{path} [time-limited]"]
        out: list[str] = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k} (only in {'base' if k in a else 'new'})")
            else:
                out.extend(diff_paths(a[k], b[k], f"{path}.{k}"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path} (length {len(a)} != {len(b)})"]
        return [p for i, (x, y) in enumerate(zip(a, b, strict=True))
                for p in diff_paths(x, y, f"{path}[{i}]")]
    return [] if a == b else [path or "."]


def compare(base: Path, new: Path, allow_wall_clock: bool) -> bool:
    """Print the comparison of every JSON file under ``base`` and ``new``; True when they agree."""
    files = sorted({p.relative_to(base) for p in base.rglob("*.json")}
                   | {p.relative_to(new) for p in new.rglob("*.json")})
    ok = True
    for rel in files:
        a, b = base / rel, new / rel
        if not a.exists() or not b.exists():
            print(f"MISSING   {rel} (only in {'base' if a.exists() else 'new'})")
            ok = False
            continue
        if a.read_bytes() == b.read_bytes():
            print(f"identical {rel} ({a.stat().st_size:,} bytes)")
            continue
        paths = diff_paths(json.loads(a.read_bytes()), json.loads(b.read_bytes()))
        wall = [p for p in paths
                if p.rsplit(".", 1)[-1] in WALL_CLOCK_KEYS or p.endswith("[time-limited]")]
        other = [p for p in paths if p not in wall]
        if not other and allow_wall_clock:
            print(f"same      {rel} except {len(wall)} wall-clock value(s) / time-limited "
                  "answer(s):")
        else:
            ok = False
            print(f"DIFFERENT {rel}: {len(other)} value(s), {len(wall)} wall-clock value(s) / "
                  "time-limited answer(s)")
        for p in (other + wall)[:40]:
            print(f"    {p}")
    return ok


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--base", help="git revision to compare against (run in a worktree)")
    src.add_argument("--base-dir", type=Path, help="reports of the base, already written")
    ap.add_argument("--new-dir", type=Path, help="reports of the working tree, already written")
    ap.add_argument("--scenario", action="append", help="scenario name (default: all shipped)")
    ap.add_argument("--allow-wall-clock", action="store_true",
                    help="accept differences in wall-clock keys and in answers that both runs "
                    "stopped at their time limit (not reproducible from run to run)")
    args = ap.parse_args(argv)
    names = args.scenario or sorted(p.stem for p in (REPO / "scenarios").glob("*.yaml"))
    with tempfile.TemporaryDirectory(prefix="lowalt-compare-") as tmp_s:
        tmp = Path(tmp_s)
        base_dir = args.base_dir
        if base_dir is None:
            tree = tmp / "base-tree"
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), args.base],
                           cwd=REPO, check=True, capture_output=True)
            try:
                print(f"base: {args.base}")
                base_dir = tmp / "base"
                run_scenarios(tree, names, base_dir)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO,
                               check=False, capture_output=True)
        new_dir = args.new_dir
        if new_dir is None:
            print("new: working tree")
            new_dir = tmp / "new"
            run_scenarios(REPO, names, new_dir)
        return 0 if compare(base_dir, new_dir, args.allow_wall_clock) else 1


if __name__ == "__main__":
    raise SystemExit(main())
