"""Command line: ``lowalt [run] [SCENARIO] [--out DIR]``, ``lowalt validate``, ``lowalt schema``.

Exit codes: 0 success; 1 the check ran but the promise does not hold and
``--strict`` was given; 2 bad input (scenario, geodata, infeasible target,
unwritable output) with one message and no traceback; 130 interrupted and 143
terminated (SIGTERM), after removing the temporary output folder; anything else
is a bug and shows its traceback. ``validate`` and ``run`` share one input check
(:mod:`lowalt.checks`).
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from lowalt import progress
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
    from lowalt.outputs.reports import REPORT_KINDS

    schema = sub.add_parser(
        "schema", help="print the scenario JSON Schema (for editor autocompletion)"
    )
    schema.add_argument(
        "--report",
        choices=REPORT_KINDS,
        default=None,
        help="print the JSON Schema of a report kind instead (docs/report_schema/)",
    )
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
    """Move -v/-q to the front; make ``lowalt [SCENARIO] [--out DIR]`` mean ``lowalt run ...``."""
    flags = [a for a in args if a in _GLOBAL_FLAGS]
    rest = [a for a in args if a not in _GLOBAL_FLAGS]
    first = next((a for a in rest if not a.startswith("-")), None)
    if first in {"run", "validate", "schema"} or (
        first is None and {"-h", "--help", "--version"} & set(rest)
    ):
        return [*flags, *rest]
    return [*flags, "run", *rest]


class _Terminated(Exception):
    """SIGTERM arrived: unwind so that temporary output folders are removed."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    args_list = _normalise(list(sys.argv[1:] if argv is None else argv))
    args = _parser().parse_args(args_list)
    _configure_logging(args.verbose, args.quiet)
    progress.enable(None if args.quiet else sys.stderr)
    try:
        if args.command == "schema":
            if args.report is not None:
                from lowalt.outputs.reports import report_schema

                doc = report_schema(args.report)
                print(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False))
                return EXIT_OK
            from lowalt.scenario.schema import Scenario

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
    except _Terminated:
        print("lowalt: terminated", file=sys.stderr)
        return 143
    finally:
        progress.enable(None)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _validate(path: Path) -> int:
    from lowalt.checks import check_inputs
    from lowalt.scenario.schema import load_scenario

    checked = check_inputs(load_scenario(path))
    print(f"{path}: valid ({'; '.join(checked.summary)})")
    return EXIT_OK


def _run(path: Path, out: Path, strict: bool) -> int:
    from lowalt.checks import check_inputs
    from lowalt.outputs._atomic import write_atomically
    from lowalt.scenario.schema import load_scenario

    t0 = time.perf_counter()
    scenario = load_scenario(path)
    # The same checks as ``lowalt validate``, before any study runs.
    checked = check_inputs(scenario)
    stem = scenario.output_stem
    writers: list[Callable[[Path], dict[str, Path]]] = []
    lines: list[str] = []
    holds = True
    # Compute every study first: any error leaves the output folder untouched.
    if checked.world is not None:
        from lowalt.outputs.reach import write_reach_files
        from lowalt.outputs.reports.reach import verdict_text
        from lowalt.studies.reach import analyse

        result = analyse(checked.world)
        lines.append(verdict_text(result.calm_stats))
        if result.worst_wind is not None:
            lines.append(verdict_text(result.wind_stats[result.worst_wind]))
        holds = result.calm_stats.holds and (
            result.worst_wind is None or result.wind_stats[result.worst_wind].holds
        )
        writers.append(lambda tmp: write_reach_files(result, tmp, stem))
        if scenario.optimize is not None:
            from lowalt.outputs.placement import write_placement_files
            from lowalt.studies.placement import run_placement

            placement = run_placement(result.world)
            lines.extend(_placement_lines(placement))
            writers.append(lambda tmp: write_placement_files(placement, result, tmp, stem))
        if scenario.availability is not None:
            from lowalt.outputs.availability import write_availability_files
            from lowalt.outputs.availability_report import verdict_lines
            from lowalt.studies.availability import run_availability

            worst = (
                result.wind_fields[result.worst_wind].wind.from_deg
                if result.worst_wind is not None
                else None
            )
            availability = run_availability(result.world, wind_from_deg=worst)
            lines.extend(verdict_lines(availability))
            writers.append(lambda tmp: write_availability_files(availability, result, tmp, stem))
    if checked.corridor is not None:
        from lowalt.outputs.routes import write_corridor_files
        from lowalt.studies.corridor import CorridorInputs, run_corridor

        assert isinstance(checked.corridor, CorridorInputs)
        corridor = run_corridor(scenario, checked.corridor)
        lines.extend(_corridor_lines(corridor))
        writers.append(lambda tmp: write_corridor_files(corridor, tmp, stem))
    if checked.network is not None:
        from lowalt.outputs.routes import write_network_files
        from lowalt.studies.network import NetworkInputs, run_network

        assert isinstance(checked.network, NetworkInputs)
        network = run_network(scenario, checked.network)
        lines.extend(_network_lines(network))
        writers.append(lambda tmp: write_network_files(network, tmp, stem))

    def build(tmp: Path) -> dict[str, Path]:
        files: dict[str, Path] = {}
        for w in writers:
            files.update(w(tmp))
        return files

    files = write_atomically(out, build)
    for line in lines:
        print(line)
    for kind in (
        "map",
        "report",
        "geopackage",
        "corridor_map",
        "corridor_report",
        "network_map",
        "network_report",
        "placement_map",
        "placement_report",
        "availability_map",
        "availability_report",
        "availability_cdf",
    ):
        if kind in files:
            print(f"{kind.replace('_', ' ')}: {files[kind]}")
    log.info("done in %.1f s", time.perf_counter() - t0)
    return EXIT_NOT_HOLDING if strict and not holds else EXIT_OK


def _placement_lines(study: object) -> list[str]:
    from lowalt.studies.placement import PlacementStudy

    assert isinstance(study, PlacementStudy)
    out = []
    for key, a in study.answers.items():
        if key.startswith("tradeoff_"):
            continue
        r = a.result
        proof = "proven optimal" if r.is_optimal else f"{r.status.value}, gap {r.gap:.1%}"
        check = ""
        if a.check is not None:
            check = f"; full grid: {100 * a.check.reached_share:.2f} % within target"
        out.append(
            f"{key}: {len(a.sites_xy)} docks, objective {r.objective:g} ({proof}, "
            f"{r.wall_time_s:.1f} s){check}"
        )
    return out


def _corridor_lines(res: object) -> list[str]:
    from lowalt.studies.corridor import CorridorResult

    assert isinstance(res, CorridorResult)
    c = res.scenario.corridor
    assert c is not None
    out = []
    for pid, r in res.routes.items():
        claim = ""
        if c.claimed_time_s is not None:
            verdict = "meets" if r.flight_time_s <= c.claimed_time_s else "misses"
            claim = f"; {verdict} the reported {c.claimed_time_s / 60:g} min"
        out.append(
            f"{pid}: {r.length_m / 1000:.1f} km, {r.flight_time_s / 60:.1f} min airborne{claim}"
        )
    out.extend(f"{pid}: no route ({why})" for pid, why in res.failures.items())
    if c.claimed_time_s is not None:
        kmh = res.great_circle_m / c.claimed_time_s * 3.6
        out.append(
            f"{c.claimed_time_s / 60:g} min implies {kmh:.0f} km/h over the "
            f"{res.great_circle_m / 1000:.1f} km straight line"
        )
    return out


def _network_lines(res: object) -> list[str]:
    from lowalt.studies.network import NetworkResult

    assert isinstance(res, NetworkResult)
    a = res.assignment
    inside = sum(1 for f in res.findings if f.conflict)
    layers = (
        f"{a.n_layers} altitude layers separate them ({a.status})"
        if a is not None
        else f"layering failed: {res.layering_error}"
    )
    ceiling = res.scenario.airspace.max_true_height_m
    high = sum(
        1
        for r in res.routes
        if r.upper_m > ceiling and str(r.extra.get("crewed", "false")).lower() != "true"
    )
    return [
        f"{len(res.routes)} routes: {inside} route-zone conflicts, "
        f"{len(res.conflicts)} route-route conflicts; {layers}; {high} uncrewed route(s) "
        f"reach above {ceiling:g} m (controlled airspace, authorization needed)"
    ]


if __name__ == "__main__":
    raise SystemExit(main())
