"""Start-up and key latency measured through a real pseudo-terminal, beside the minimal app.

Only the command line, the pty and the bytes are used: the step counts and the markers
come from `backprop-tui NAME --trace jsonl` / `--trace text`, never from the app's code,
so the harness keeps working while the lesson screen is rewritten.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pty_session import Answer, Session

HERE = Path(__file__).resolve().parent
MINIMAL_READY = "Minimal Textual app: ready"  # the Static's text in minimal_app.py
ROWS_READY = "Rows yardstick: ready"  # rows_app.py's

QUIET_GAP = 0.020  # "last byte": the last one before 20 ms without output
IDLE_GAP = 0.100  # the app is idle: nothing for 100 ms (a key's later frames included)
READY_QUIET = 0.5  # after the first frame, before the first key

BIG_CYCLE = ["}", "left", "space"] + ["space"] * 17  # 10% of keys cross an iteration
KIND = {  # what each key of the big-network cycle does, for the breakdown
    0: "} (enters a new iteration)",
    1: "left (back across the boundary)",
    2: "space (into the next iteration)",
}


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def app_command(*args: str) -> list[str]:
    executable = shutil.which("backprop-tui", path=str(Path(sys.executable).parent))
    return ([executable] if executable else [sys.executable, "-m", "tui_backprop"]) + list(args)


def minimal_command() -> list[str]:
    return [sys.executable, str(HERE / "minimal_app.py")]


def environment(animations: bool) -> dict[str, str]:
    """A terminal's environment. PYTHONDONTWRITEBYTECODE goes too: `pip install .` writes
    the bytecode a user's start-up reads, and without it a development checkout would
    compile every module of the app at each start (65 ms measured), which no user pays."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEXTUAL") and k not in ("COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")
    }
    env.update(TERM="xterm-256color", COLORTERM="truecolor")
    if not animations:
        env["TEXTUAL_ANIMATIONS"] = "none"
    return env


def words(*names: str) -> Callable[[str], bool]:
    """True once every name is on screen as a word (spaces in a name: any run of spaces)."""
    patterns = [
        re.compile(r"(?<![\w.])" + r" *".join(map(re.escape, name.split())) + r"(?![\w])")
        for name in names
    ]
    return lambda text: all(p.search(text) for p in patterns)


@dataclass
class Lesson:
    """What the command line tells about a scenario: title, steps, nodes, step 1."""

    name: str
    title: str
    steps: int
    nodes: list[str]
    first_formula: str

    @classmethod
    def read(cls, name: str) -> Lesson:
        steps = [json.loads(line) for line in trace(name, "jsonl") if line.strip()]
        nodes = sorted({s["node"] for s in steps if s.get("node")})
        # Step 1's formula is "point 1: x1 = 0.5, x2 = 1": its first input's value.
        first = re.search(r"\bx1 = [^,]+", steps[0]["text"])
        assert first, f"{name}: step 1 {steps[0]['text']!r} has no x1 = ..."
        return cls(name, title(name), len(steps), nodes, first.group())


def trace(name: str, kind: str) -> list[str]:
    done = subprocess.run(
        app_command(name, "--trace", kind), capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def title(name: str) -> str:
    """The first line of the text trace (read alone: big-network's trace is long)."""
    with subprocess.Popen(
        app_command(name, "--trace", "text"), stdout=subprocess.PIPE, text=True
    ) as process:
        line = process.stdout.readline().strip()
        process.kill()
    assert line, f"{name}: no title from --trace text"
    return line


# -- start-up --------------------------------------------------------------------------------


def bench_startup(runs: int, lesson: Lesson) -> dict:
    """First frames, alternating the minimal app and ours; run 0 (warm-up) not counted."""
    times: dict[str, list[float]] = {"minimal": [], "network": [], "numbers": []}
    markers = {
        "network": words(lesson.title, *lesson.nodes),
        "numbers": words(lesson.first_formula),
    }
    for run in range(runs + 1):
        with Session(minimal_command(), environment(True)) as session:
            minimal = session.wait_for({"minimal": words(MINIMAL_READY)}, 60)
        with Session(app_command(lesson.name), environment(True)) as session:
            ours = session.wait_for(markers, 60)
        if run:
            for into in (minimal, ours):
                for key, seconds in into.items():
                    times[key].append(seconds)
        progress(f"start-up run {run}/{runs}")
    return times


# -- keys ------------------------------------------------------------------------------------


@dataclass
class Keys:
    """Every sampled key's answer in one app, with the CPU time the app used."""

    label: str
    answers: list[Answer] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    rounds: list[list[float]] = field(default_factory=list)  # last byte, per session
    cpu: float = 0.0
    unanswered: int = 0

    def first(self) -> list[float]:
        return [a.first() for a in self.answers]

    def last(self) -> list[float]:
        return [a.last_before_gap(QUIET_GAP) for a in self.answers]

    def idle(self) -> list[float]:
        return [a.last() for a in self.answers]

    def rows(self) -> list[int]:
        """Screen rows each key's answer repainted."""
        return [a.rows for a in self.answers]

    def later_frames(self) -> int:
        """Keys whose output went on after a quiet gap (a second frame, an animation)."""
        return sum(a.last() > a.last_before_gap(QUIET_GAP) for a in self.answers)


def rows_command(rows: int) -> list[str]:
    return [sys.executable, str(HERE / "rows_app.py"), str(rows)]


def minimal_plan() -> Iterator[tuple[str, str | None]]:
    while True:
        yield "space", "space"


def relu_plan(lesson: Lesson) -> Iterator[tuple[str, str | None]]:
    """From step 1: space to the end of the lesson, then home (not sampled), and again."""
    while True:
        for _ in range(lesson.steps - 1):
            yield "space", "space"
        yield "home", None


def big_plan() -> Iterator[tuple[str, str | None]]:
    """Space through an iteration, with `}`, and a space across an iteration boundary."""
    while True:
        for i, key in enumerate(BIG_CYCLE):
            yield key, KIND.get(i, "space (within an iteration)")


def run_keys(
    into: Keys,
    argv: list[str],
    ready: Callable[[str], bool],
    plan: Iterator[tuple[str, str | None]],
    count: int,
    animations: bool,
) -> None:
    """One session: wait for the first frame and quiet, then `count` sampled keys."""
    with Session(argv, environment(animations)) as session:
        session.wait_for({"ready": ready}, 60)
        session.wait_idle(READY_QUIET)
        cpu_before, sampled, this_round = session.cpu(), 0, []
        while sampled < count:
            key, kind = next(plan)
            answer = session.press(key, IDLE_GAP)
            if kind is None:
                continue
            sampled += 1
            if answer is None:
                into.unanswered += 1
                continue
            into.answers.append(answer)
            into.kinds.append(kind)
            this_round.append(answer.last_before_gap(QUIET_GAP))
        into.cpu += session.cpu() - cpu_before
        into.rounds.append(this_round)


def bench_keys(
    keys: int, rounds: int, relu: Lesson, big_title: str, animated_keys: int
) -> dict[str, Keys]:
    """Rounds alternate the apps, so a busy spell on the shared machine hits all alike."""
    names = ("minimal", "rows yardstick", "backprop-relu", "big-network")
    results = {name: Keys(name) for name in (*names, "relu animated", "big animated")}
    relu_ready, big_ready = words(relu.title), words(big_title)
    per_round, animated_round = max(keys // rounds, 1), max(animated_keys // rounds, 1)
    sessions = (  # name, command, first frame, plan of keys, animations, keys per session
        ("minimal", minimal_command(), words(MINIMAL_READY), minimal_plan, False, per_round),
        ("backprop-relu", app_command(relu.name), relu_ready, relu_plan, False, per_round),
        ("rows yardstick", None, words(ROWS_READY), minimal_plan, False, per_round),
        ("big-network", app_command("big-network"), big_ready, big_plan, False, per_round),
        ("relu animated", app_command(relu.name), relu_ready, relu_plan, True, animated_round),
        ("big animated", app_command("big-network"), big_ready, big_plan, True, animated_round),
    )
    for number in range(1, rounds + 1):
        started = time.perf_counter()
        for name, argv, ready, plan, animated, count in sessions:
            if argv is None:  # the yardstick repaints as many rows as a relu key does
                argv = rows_command(round(statistics.median(results["backprop-relu"].rows())))
            # Every session starts at step 1, so every plan starts afresh.
            steps = plan(relu) if plan is relu_plan else plan()
            if count:
                run_keys(results[name], argv, ready, steps, count, animated)
        progress(f"keys: round {number}/{rounds} ({time.perf_counter() - started:.0f} s)")
    return {name: results[name] for name in (*names, "relu animated", "big animated")}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 95)
