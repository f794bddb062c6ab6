"""The command line: open the app, or list, check and print scenarios without it."""

from __future__ import annotations

import argparse
import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_backprop import __version__
from tui_backprop.bundled import (
    DEFAULT,
    bundled_names,
    bundled_path,
    closest_names,
    is_bundled,
)
from tui_backprop.errors import ScenarioError
from tui_backprop.outline import read_outline

if TYPE_CHECKING:  # NumPy: not before the first frame (check_in_parallel)
    from tui_backprop.first_frame import FirstFrame
    from tui_backprop.scenario import Scenario

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backprop-tui",
        description="Step through backpropagation one keypress at a time.",
        epilog="SCENARIO is a .toml file or the name of a bundled scenario (see --list). "
        "To serve the lesson to web browsers: backprop-tui serve --help.",
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
    parser.add_argument(
        "--start-at",
        metavar="WHERE",
        help="open at a step number, forward, loss, backward, update, "
        "iteration:N, epoch:N, final, end, or a bookmark's name",
    )
    parser.add_argument(
        "--autoplay", type=float, metavar="SECONDS", help="start playing, one step every SECONDS"
    )
    parser.add_argument(
        "--reveal",
        action="store_true",
        help="reveal mode: each step's numbers covered, one uncovered per Next (key m)",
    )
    parser.add_argument(
        "--handout",
        metavar="FILE.md",
        help="write the lesson as a Markdown handout ('-' for stdout) and exit",
    )
    parser.add_argument(
        "--screenshot",
        metavar="FILE.svg",
        help="render the screen (at --start-at) to an SVG file and exit",
    )
    parser.add_argument(
        "--size",
        default="120x40",
        metavar="WxH",
        help="terminal size for --screenshot (default 120x40)",
    )
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="colour theme, e.g. backprop-high-contrast or textual-light "
        "(default: $TEXTUAL_THEME, else textual-dark; a wrong name lists them all)",
    )
    parser.add_argument(
        "--init",
        metavar="FILE.toml",
        help="write a commented scenario template to start from, and exit",
    )
    add_room_arguments(parser)
    parser.add_argument("--version", action="version", version=f"backprop-tui {__version__}")
    return parser


def add_room_arguments(parser: argparse.ArgumentParser) -> None:
    room = parser.add_mutually_exclusive_group()
    room.add_argument(
        "--lead", metavar="ROOM", help="publish this lesson's place (step, what-if edits) to ROOM"
    )
    room.add_argument(
        "--follow", metavar="ROOM", help="follow the leader of ROOM; f catches up after stepping"
    )


def build_serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backprop-tui serve",
        description="Serve the lesson to web browsers: each visit gets its own copy of the app.",
        epilog="Add ?fontsize=N to the address for larger text on a projector.",
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="scenario file or bundled name (default: the picker)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--start-at", metavar="WHERE", help="as without serve")
    add_room_arguments(parser)
    return parser


def scenario_path(argument: str) -> Path:
    """A path to a .toml file, or a bundled scenario's name (its file)."""
    path = Path(argument)
    if path.exists() or argument.endswith(".toml") or "/" in argument:
        return path
    bundled = bundled_path(argument)
    if bundled is None:
        close = closest_names(argument)
        hint = f"did you mean {' or '.join(close)}?" if close else "see backprop-tui --list"
        raise ScenarioError(argument, "", "no such file or bundled scenario", hint)
    return bundled


def resolve(argument: str) -> Scenario:
    """A path to a .toml file, or a bundled scenario's name, read and checked."""
    from tui_backprop.scenario import load_scenario

    return load_scenario(scenario_path(argument))


def fail(message: str) -> int:
    print(f"backprop-tui: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        return serve_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.decimals is not None and not 0 <= args.decimals <= 12:
        parser.error(f"--decimals must be from 0 to 12, not {args.decimals}")

    if args.init:
        return write_init(args.init)
    if args.autoplay is not None and not 0.05 <= args.autoplay <= 60:
        parser.error(f"--autoplay must be from 0.05 to 60 seconds, not {args.autoplay}")
    size = parse_size(parser, args.size)

    if args.list:
        return to_stdout(write_list)

    printed = args.check or args.trace or args.handout  # no app: the notes always checked
    start_at = None if printed else args.start_at
    lesson_given = args.scenario or args.start_at or args.autoplay or args.lead or args.follow
    try:
        path = scenario_path(args.scenario or DEFAULT)
    except ScenarioError as error:
        return fail(str(error))
    quick = lesson_given and not (printed or args.screenshot)
    outline = read_outline(path) if quick else None
    if outline is not None:  # the first frame drawn first, while NumPy and the lesson load
        # the lesson's first frame prepared by the check, unless the lesson opens
        # differently: covered numbers, playing, a classroom's status line
        plain = not (args.reveal or args.autoplay or args.lead or args.follow)
        verdict = check_in_parallel(path, start_at, terminal_size() if plain else None)
    else:
        checked = check_file(path, start_at, skip_bundled=not printed)
        if isinstance(checked, str):
            return fail(checked)
        scenario, start = checked

    if args.check:
        print(f"{scenario.path}: ok: {scenario.title}")
        return 0
    if args.trace:
        return print_trace(scenario, args.trace, args.decimals)
    if args.handout:
        return write_handout_file(scenario, args.handout, args.decimals)

    room = room_link(args)
    if isinstance(room, int):
        return room

    from tui_backprop.app.app import run_app, save_screenshot  # Textual only from here

    if outline is not None:  # the child checked the file while Textual was imported
        start, take_frame = verdict()
        if isinstance(start, str):
            take_frame()
            return fail(start)
    theme = args.theme or os.environ.get("TEXTUAL_THEME") or None
    if theme is not None:
        from tui_backprop.app.themes import theme_names

        if theme not in theme_names():
            where = "--theme" if args.theme else "TEXTUAL_THEME"
            return fail(
                f"{where}: no theme named {theme!r}; choose one of: {', '.join(theme_names())}"
            )
    if args.screenshot:
        return save_screenshot(scenario, start, args.screenshot, size, theme, args.reveal)
    if outline is not None:
        opening = (outline, path, take_frame)
        return run_app(None, start, args.autoplay, theme, room, args.reveal, opening)
    opened = scenario if lesson_given else None
    return run_app(opened, start, args.autoplay, theme, room, args.reveal)


def check_file(path: Path, start_at: str | None, skip_bundled: bool) -> tuple[Scenario, int] | str:
    """Read and check the file, and find --start-at's step: the scenario and that step,
    or the message to fail with. Notes and bookmarks are checked against the whole
    lesson, which for a big network builds its largest iterations (0.9 s); with
    `skip_bundled`, a bundled lesson skips that: the test suite checks those."""
    from tui_backprop.scenario import load_scenario

    try:
        scenario = load_scenario(path)
        if (scenario.bookmarks or scenario.notes or scenario.slides) and not (
            skip_bundled and is_bundled(path)
        ):
            from tui_backprop.notes import check_notes
            from tui_backprop.places import check_bookmarks
            from tui_backprop.trace import Trace

            trace = Trace(scenario)
            check_bookmarks(trace)
            check_notes(trace)
    except ScenarioError as error:
        return str(error)
    except OSError as error:  # e.g. a bundled folder made unreadable
        return f"{path}: {error}"
    try:
        return scenario, 0 if start_at is None else resolve_start(scenario, start_at)
    except ValueError as error:
        return f"--start-at: {error}"


FrameTaker = Callable[[], "FirstFrame | None"]


def check_in_parallel(
    path: Path, start_at: str | None, frame_size: tuple[int, int] | None
) -> Callable[[], tuple[int | str, FrameTaker]]:
    """Check the file as the app will open it, in a child process while this one loads
    Textual: on two cores, the check (NumPy alone is 50-90 ms) delays nothing. A bad file
    still fails before Textual starts. The child then prepares the lesson's first frame
    for a terminal of `frame_size` (step 1's numbers, without NumPy in the app).

    Returns what waits for the verdict: the step to open at, or the message to fail
    with; and what takes the first frame when the app is about to draw it: the frame if
    it has come by then (or within `timeout` seconds), else None and the child is ended.
    The app does not wait for it: big-network's frame takes longer than Textual's
    start, and the app then opens on the network alone."""
    if not hasattr(os, "fork"):  # Windows: check first, then open
        answer = verdict_of(check_file(path, start_at, skip_bundled=True)), no_frame
        return lambda: answer
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # never returns: whatever happens, the child ends here
        try:
            os.close(reading)
            with os.fdopen(writing, "wb") as answers:
                answer_in_child(answers, path, start_at, frame_size)
        except BaseException:  # the parent checks again if it had no verdict
            pass
        finally:
            os._exit(0)
    os.close(writing)
    answers = os.fdopen(reading, "rb")
    taken: list = []

    def take_frame(timeout: float = 0.0) -> FirstFrame | None:
        if not taken:  # once: the pipe is closed and the child reaped after
            ready = select.select([answers], [], [], timeout)[0]
            taken.append(receive(answers) if ready else None)
            answers.close()
            if taken[0] is None:
                os.kill(child, signal.SIGKILL)  # a frame too late to be of use
            os.waitpid(child, 0)
        return taken[0]

    def wait() -> tuple[int | str, FrameTaker]:
        verdict = receive(answers)  # ours, through our own pipe
        if verdict is None:  # the child broke down: the check, here
            take_frame()
            return verdict_of(check_file(path, start_at, skip_bundled=True)), no_frame
        return verdict, take_frame

    return wait


def no_frame(timeout: float = 0.0) -> None:
    return None


def verdict_of(checked: tuple[Scenario, int] | str) -> int | str:
    return checked if isinstance(checked, str) else checked[1]


def answer_in_child(
    answers, path: Path, start_at: str | None, frame_size: tuple[int, int] | None
) -> None:
    """The verdict first, then (if there is one to make) the first frame."""
    checked = check_file(path, start_at, skip_bundled=True)
    send(answers, verdict_of(checked))
    if frame_size is None or isinstance(checked, str):
        return
    from tui_backprop.first_frame import first_frame

    send(answers, first_frame(*checked, frame_size))


def send(stream, value) -> None:
    data = pickle.dumps(value)
    stream.write(struct.pack("!I", len(data)) + data)
    stream.flush()


def receive(stream):
    """The next value sent, or None at the end of the stream."""
    head = stream.read(4)
    if len(head) < 4:
        return None
    size = struct.unpack("!I", head)[0]
    data = stream.read(size)
    return pickle.loads(data) if len(data) == size else None


def terminal_size() -> tuple[int, int] | None:
    """The terminal's columns and rows as Textual will read them, or None."""
    for stream in (sys.__stderr__, sys.__stdout__):
        try:
            return tuple(os.get_terminal_size(stream.fileno()))
        except (OSError, AttributeError, ValueError):
            continue
    return None


def resolve_start(scenario: Scenario, where: str) -> int:
    from tui_backprop.places import resolve_place
    from tui_backprop.trace import Trace

    return resolve_place(Trace(scenario), where)


def room_link(args):
    """(role, room file) for --lead/--follow, None without them, or an exit status."""
    name, role = (args.lead, "lead") if args.lead else (args.follow, "follow")
    if name is None:
        return None
    from tui_backprop.classroom.room import RoomError, private_directory, room_path

    try:
        path = room_path(name)
        private_directory(path.parent)
    except ValueError as error:
        return fail(f"--{role}: {error}")
    except RoomError as error:
        return fail(f"--{role}: {error}")
    return role, path


def serve_main(argv: list[str]) -> int:
    parser = build_serve_parser()
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be from 1 to 65535, not {args.port}")
    forwarded: list[str] = []
    title = "backprop-tui"
    if args.scenario is not None:
        try:
            scenario = resolve(args.scenario)
        except ScenarioError as error:
            return fail(str(error))
        forwarded.append(str(Path(scenario.path).resolve()))
        title = f"backprop-tui: {scenario.title}"
    if args.start_at is not None:
        if args.scenario is None:
            return fail("--start-at: name the scenario too (backprop-tui serve SCENARIO ...)")
        try:
            resolve_start(scenario, args.start_at)
        except ValueError as error:
            return fail(f"--start-at: {error}")
        forwarded += ["--start-at", args.start_at]
    room = room_link(args)
    if isinstance(room, int):
        return room
    if room is not None:
        forwarded += [f"--{room[0]}", args.lead or args.follow]
        if args.scenario is None:
            return fail(f"--{room[0]}: name the scenario too (backprop-tui serve SCENARIO ...)")

    from tui_backprop.classroom.serve import serve

    return serve(forwarded, args.host, args.port, title)


def write_list(out) -> None:
    from tui_backprop.scenario import load_scenario

    names = bundled_names()
    width = max(map(len, names), default=0)
    for name in names:
        out.write(f"{name:<{width}}  {load_scenario(bundled_path(name)).title}\n")


def parse_size(parser: argparse.ArgumentParser, text: str) -> tuple[int, int]:
    width, x, height = text.lower().partition("x")
    if not (x and width.isdigit() and height.isdigit()):
        parser.error(f"--size must look like 120x40, not {text!r}")
    size = int(width), int(height)
    if not (20 <= size[0] <= 500 and 10 <= size[1] <= 300):
        parser.error(f"--size {text} is outside 20x10 .. 500x300")
    return size


def write_init(target: str) -> int:
    from tui_backprop.template import write_template

    try:
        write_template(Path(target))
    except FileExistsError:
        return fail(f"{target}: already exists; choose another name or remove it first")
    except OSError as error:
        return fail(f"{target}: cannot be written ({error.strerror or error})")
    print(f"wrote {target}: edit it, then run backprop-tui {target} --check")
    return 0


def write_handout_file(scenario: Scenario, target: str, decimals: int | None) -> int:
    from tui_backprop.handout import write_handout
    from tui_backprop.trace import Trace

    trace = Trace(scenario, decimals=4 if decimals is None else decimals)
    if target == "-":
        return to_stdout(lambda out: write_handout(trace, out))
    try:
        with open(target, "w", encoding="utf-8") as out:
            write_handout(trace, out)
    except OSError as error:
        return fail(f"{target}: cannot be written ({error.strerror or error})")
    print(f"wrote {target}")
    return 0


def print_trace(scenario: Scenario, form: str, decimals: int | None) -> int:
    from tui_backprop.trace import Trace
    from tui_backprop.writers import write_jsonl, write_text

    trace = Trace(scenario, decimals=6 if decimals is None else decimals)
    return to_stdout(lambda out: (write_text if form == "text" else write_jsonl)(trace, out))


def to_stdout(write) -> int:
    try:
        write(sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` closed the pipe: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
