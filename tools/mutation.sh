#!/usr/bin/env bash
# Opt-in mutation testing with mutmut (not part of the test command or CI).
#
#   tools/mutation.sh --install              # once: .mutation/venv with mutmut, layered on .venv
#   tools/mutation.sh [MODULE TESTS...]      # default: lowalt/outputs/_escape.py with tests/test_escape.py
#   tools/mutation.sh lowalt/flight/aircraft.py tests/test_aircraft.py
#
# Runs in a scratch copy (.mutation/work): the tree is never mutated. Prints mutmut's results
# (killed / survived per mutant) and the score; `cd .mutation/work && mutmut show NAME` shows a
# mutant's diff. Record scores and surviving (equivalent) mutants in docs/mutation.md.
#
# mutmut gets its own virtual environment so that its dependencies (libcst, textual, ...) never
# change the project's .venv; it sees .venv's packages through a plain path entry, which leaves
# out the editable install of lowalt, so the tests import the mutated copy.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MV="$ROOT/.mutation/venv"
MUTMUT_VERSION="3.8.1"

if [ "${1:-}" = "--install" ]; then
  [ -x .venv/bin/python ] || { echo "error: no .venv (pip install -e '.[test]' first)" >&2; exit 2; }
  python3 -m venv "$MV"
  "$MV/bin/python" -m pip install --quiet "mutmut==$MUTMUT_VERSION"
  base=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  own=$("$MV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$base" > "$own/zz_lowalt_base_venv.pth"  # after mutmut's own packages
  echo "installed mutmut $MUTMUT_VERSION into $MV"
  exit 0
fi
[ -x "$MV/bin/mutmut" ] || { echo "error: run tools/mutation.sh --install first" >&2; exit 2; }

MODULE=${1:-lowalt/outputs/_escape.py}
shift || true
TESTS=("$@")
[ ${#TESTS[@]} -gt 0 ] || TESTS=(tests/test_escape.py)

WORK="$ROOT/.mutation/work"
rm -rf "$WORK"
mkdir -p "$WORK"
cp -r lowalt tests geodata scenarios tools pyproject.toml "$WORK/"
find "$WORK" -name __pycache__ -prune -exec rm -rf {} +
tests_toml=$(printf '"%s", ' "${TESTS[@]}")
# The whole package is copied (the tests import all of it); every other file is left alone.
others=$(cd "$WORK" && find lowalt -name '*.py' ! -path "$MODULE" -printf '"%p", ')
cat >> "$WORK/pyproject.toml" <<EOF

[tool.mutmut]
source_paths = ["lowalt/"]
do_not_mutate = [${others%, }]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = [${tests_toml%, }]
also_copy = ["tests", "geodata", "scenarios", "tools"]
EOF

cd "$WORK"
export PATH="$MV/bin:$PATH"
mutmut run || true
mutmut results --all true > results.txt 2>&1 || mutmut results > results.txt 2>&1 || true
cat results.txt
python - <<'EOF'
import re
from pathlib import Path

rows = [ln.strip() for ln in Path("results.txt").read_text().splitlines() if ":" in ln]
status = [ln.rsplit(":", 1)[1].strip() for ln in rows if re.match(r"^\S+__mutmut_\d+:", ln)]
killed = sum(s in ("killed", "timeout", "segfault") for s in status)
survived = sum(s in ("survived", "suspicious", "no tests") for s in status)
total = killed + survived
print(f"mutants: {len(status)}, killed {killed}, survived {survived}, "
      f"score {100 * killed / max(total, 1):.1f} %")
EOF
