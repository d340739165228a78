"""Command line: ``lowalt [run] [SCENARIO] [--out DIR]``, ``lowalt validate``, ``lowalt schema``.

Exit codes: 0 success; 1 the check ran but the promise does not hold and
``--strict`` was given; 2 bad input (scenario, geodata, infeasible target,
unwritable output) with one message and no traceback; anything else is a bug
and shows its traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from lowalt.errors import LowaltError

__all__ = ["DEFAULT_SCENARIO", "main"]

log = logging.getLogger("lowalt")

DEFAULT_SCENARIO = Path("scenarios") / "optics_valley_grid.yaml"
EXIT_OK, EXIT_NOT_HOLDING, EXIT_BAD_INPUT = 0, 1, 2


def _default_scenario() -> Path:
    """``scenarios/optics_valley_grid.yaml`` in the working folder, else beside the package."""
    if DEFAULT_SCENARIO.is_file():
        return DEFAULT_SCENARIO
    beside = Path(__file__).resolve().parent.parent / DEFAULT_SCENARIO
    return beside if beside.is_file() else DEFAULT_SCENARIO


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lowalt",
        description="Check and plan low-altitude drone operations. With no command, runs a "
        f"scenario (default {DEFAULT_SCENARIO}).",
    )
    from lowalt import __version__

    p.add_argument("--version", action="version", version=f"lowalt {__version__}")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    p.add_argument("-q", "--quiet", action="store_true", help="only errors")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run a scenario and write its map, report and layers")
    _run_args(run)
    val = sub.add_parser("validate", help="check a scenario and its input files without running")
    val.add_argument("scenario", type=Path)
    sub.add_parser("schema", help="print the scenario JSON Schema (for editor autocompletion)")
    return p


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scenario",
        nargs="?",
        type=Path,
        default=None,
        help=f"scenario YAML file (default: {DEFAULT_SCENARIO})",
    )
    p.add_argument("--out", type=Path, default=Path("maps"), help="output folder (default: maps/)")
    p.add_argument(
        "--strict", action="store_true", help="exit with 1 when the promise does not hold"
    )


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 0 else logging.INFO)
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    if verbose < 2:
        logging.getLogger("pyogrio").setLevel(logging.WARNING)


_GLOBAL_FLAGS = frozenset({"-v", "-vv", "--verbose", "-q", "--quiet"})


def _normalise(args: list[str]) -> list[str]:
    """Make the plain form ``lowalt [SCENARIO] [--out DIR]`` mean ``lowalt run ...``."""
    first = next((a for a in args if not a.startswith("-")), None)
    if first in {"run", "validate", "schema"} or (
        first is None and {"-h", "--help", "--version"} & set(args)
    ):
        return args
    i = 0
    while i < len(args) and args[i] in _GLOBAL_FLAGS:
        i += 1
    return [*args[:i], "run", *args[i:]]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = _normalise(list(sys.argv[1:] if argv is None else argv))
    args = _parser().parse_args(args_list)
    _configure_logging(args.verbose, args.quiet)
    try:
        if args.command == "schema":
            from lowalt.scenario import Scenario

            print(json.dumps(Scenario.model_json_schema(), indent=2))
            return EXIT_OK
        if args.command == "validate":
            return _validate(args.scenario)
        return _run(args.scenario or _default_scenario(), args.out, args.strict)
    except LowaltError as exc:
        print(f"lowalt: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("lowalt: interrupted", file=sys.stderr)
        return 130


def _validate(path: Path) -> int:
    from lowalt.pipeline import prepare
    from lowalt.scenario import load_scenario

    world = prepare(load_scenario(path))
    print(f"{path}: valid ({world.grid.n} cells, {world.docks.n} docks)")
    return EXIT_OK


def _run(path: Path, out: Path, strict: bool) -> int:
    from lowalt.outputs import write_outputs
    from lowalt.pipeline import analyse, prepare
    from lowalt.report import verdict_text
    from lowalt.scenario import load_scenario

    t0 = time.perf_counter()
    scenario = load_scenario(path)
    result = analyse(prepare(scenario))
    files = write_outputs(result, out)
    lines = [verdict_text(result.calm_stats)]
    if result.worst_wind is not None:
        lines.append(verdict_text(result.wind_stats[result.worst_wind]))
    for line in lines:
        print(line)
    for kind in ("map", "report", "geopackage"):
        if kind in files:
            print(f"{kind}: {files[kind]}")
    log.info("done in %.1f s", time.perf_counter() - t0)
    holds = result.calm_stats.holds and (
        result.worst_wind is None or result.wind_stats[result.worst_wind].holds
    )
    return EXIT_NOT_HOLDING if strict and not holds else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
