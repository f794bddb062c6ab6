"""The command line: open the app, or list, check and print scenarios without it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui_backprop import __version__
from tui_backprop.bundled import DEFAULT, bundled_names, bundled_path, closest_names
from tui_backprop.errors import ScenarioError
from tui_backprop.scenario import Scenario, load_scenario

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backprop-tui",
        description="Step through backpropagation one keypress at a time.",
        epilog="SCENARIO is a .toml file or the name of a bundled scenario (see --list).",
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="scenario file or bundled name (default: the picker)",
    )
    parser.add_argument("--list", action="store_true", help="list the bundled scenarios")
    parser.add_argument("--check", action="store_true", help="validate the scenario and exit")
    parser.add_argument(
        "--trace",
        choices=("text", "jsonl"),
        help="print the whole lesson, one line per step, and exit",
    )
    parser.add_argument(
        "--decimals",
        type=int,
        default=None,
        metavar="N",
        help="decimals shown in formulas (default 4; 0 to 12)",
    )
    parser.add_argument("--version", action="version", version=f"backprop-tui {__version__}")
    return parser


def resolve(argument: str) -> Scenario:
    """A path to a .toml file, or a bundled scenario's name."""
    path = Path(argument)
    if path.exists() or argument.endswith(".toml") or "/" in argument:
        return load_scenario(path)
    bundled = bundled_path(argument)
    if bundled is None:
        close = closest_names(argument)
        hint = f"did you mean {' or '.join(close)}?" if close else "see backprop-tui --list"
        raise ScenarioError(argument, "", "no such file or bundled scenario", hint)
    return load_scenario(bundled)


def fail(message: str) -> int:
    print(f"backprop-tui: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.decimals is not None and not 0 <= args.decimals <= 12:
        parser.error(f"--decimals must be from 0 to 12, not {args.decimals}")

    if args.list:
        names = bundled_names()
        width = max(map(len, names), default=0)
        for name in names:
            scenario = load_scenario(bundled_path(name))
            print(f"{name:<{width}}  {scenario.title}")
        return 0

    try:
        scenario = resolve(args.scenario or DEFAULT)
    except ScenarioError as error:
        return fail(str(error))
    except OSError as error:  # e.g. a bundled folder made unreadable
        return fail(f"{args.scenario}: {error}")

    if args.check:
        print(f"{scenario.path}: ok: {scenario.title}")
        return 0
    if args.trace:
        return print_trace(scenario, args.trace, args.decimals)
    from tui_backprop.app.app import run_app  # Textual only when the app opens

    return run_app(scenario if args.scenario else None)


def print_trace(scenario: Scenario, form: str, decimals: int | None) -> int:
    from tui_backprop.trace import Trace
    from tui_backprop.writers import write_jsonl, write_text

    trace = Trace(scenario, decimals=6 if decimals is None else decimals)
    try:
        if form == "text":
            write_text(trace, sys.stdout)
        else:
            write_jsonl(trace, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` closed the pipe: not an error
        sys.stderr.close()
    return 0
