"""backprop-tui benchmarks: keys and start-up through a real terminal, and the jump to the end.

    python benchmarks/run.py              # everything; 4-5 minutes on 2 cores (7 if very busy)
    python benchmarks/run.py --quick      # one round, fewer keys: about 1.5 minutes
    python benchmarks/run.py --only keys startup jump inprocess
    python benchmarks/run.py --only startup --startup-runs 31

Everything is measured side by side with a yardstick in one run on one machine, and
printed as one table of targets (figure, baseline, ratio, target, met or missed),
then the details. Progress goes to stderr.

keys:      each app runs on its own pseudo-terminal of 120x40 (pty.fork, TERM=
           xterm-256color), animations off (TEXTUAL_ANIMATIONS=none) unless said. After
           its first frame and half a second of quiet, keys are written one at a time;
           for each we record when its output bytes arrive. "last byte" is the last one
           before 20 ms without output (the gap not counted); "to idle" the last one
           before 100 ms without output, which takes in a second frame painted a little
           later; the next key goes only then. The minimal app (a Static updated on
           space, and a Footer: benchmarks/minimal_app.py) gets space; backprop-relu
           gets space from step 1 to the end, then home (not counted), and again;
           big-network gets cycles of `}` (a new iteration), left (back across the
           boundary), space (into the next iteration) and 17 spaces, so a tenth of its
           keys cross an iteration. Rounds alternate the apps; a new process per round.
           Each key's answer also counts the screen rows it repainted; the rows
           yardstick (benchmarks/rows_app.py) repaints as many rows as a relu key does,
           from strips made in advance: what Textual itself needs for that much change.
           With animations on (TEXTUAL_ANIMATIONS unset) the same, fewer keys.
startup:   spawn to the first output containing the title and every node name (the
           network drawn), and to the first containing step 1's formula ("x1 = 0.5"),
           escape sequences stripped; the minimal app's first frame is its Static's text.
jump:      Trace(s)[len - 1] against a plain NumPy training loop, time and peak memory.
inprocess: the older in-process key latency (App.run_test); not run unless asked for.

Only the command line and the bytes on the pty are used for keys and start-up (step
counts, titles and node names come from `backprop-tui NAME --trace`), so the harness
keeps working while the app is rewritten.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pty_session import TERMINAL  # noqa: E402
from terminal import (  # noqa: E402
    IDLE_GAP,
    QUIET_GAP,
    Keys,
    Lesson,
    bench_keys,
    bench_startup,
    percentile,
    progress,
    title,
)

TARGET_RELU_MEDIAN = 1.5  # x the minimal app's median, key to last byte
TARGET_BIG_P95 = 4.0  # x the minimal app's median
TARGET_ANIMATED = 2.0  # x the same key with animations off
TARGET_FIRST_FRAME = 1.3  # x the minimal app's first frame
TARGET_NUMBERS_FRAME = 1.5

PARTS = ("keys", "startup", "jump", "inprocess")


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> list[str]:
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("numpy", "textual", "rich")
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"machine: {platform.platform()}; {os.cpu_count()} CPUs ({cpu_model()})",
        f"python {platform.python_version()} ({platform.python_implementation()}); {versions}",
        f"load average when the table was printed: {load} (other work competes for the CPUs)",
    ]


class Table:
    """The targets: one row each, the figure beside its baseline."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.notes: list[str] = []

    def add(self, what: str, figure: str, baseline: str, ratio: float, target: float) -> None:
        self.rows.append(
            f"   {what:54} {figure:>10} {baseline:>10} {ratio:6.2f}x {f'<= {target:g}x':>8}  "
            f"{met(ratio <= target)}"
        )

    def lines(self) -> list[str]:
        head = f"   {'':54} {'figure':>10} {'baseline':>10} {'ratio':>7} {'target':>8}  verdict"
        return [head, *self.rows, *self.notes]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    return percentile(values, 95) if values else float("nan")


def key_targets(table: Table, results: dict[str, Keys]) -> None:
    minimal, relu, big = results["minimal"], results["backprop-relu"], results["big-network"]
    floor, floor_idle = median(minimal.last()), median(minimal.idle())
    table.add(
        "key -> last byte, backprop-relu, median",
        ms(median(relu.last())),
        ms(floor),
        median(relu.last()) / floor,
        TARGET_RELU_MEDIAN,
    )
    table.add(
        "key -> last byte, big-network, p95 (vs a median)",
        ms(p95(big.last())),
        ms(floor),
        p95(big.last()) / floor,
        TARGET_BIG_P95,
    )
    table.add(
        "  the same to idle (later frames in), relu median",
        ms(median(relu.idle())),
        ms(floor_idle),
        median(relu.idle()) / floor_idle,
        TARGET_RELU_MEDIAN,
    )
    table.add(
        "  the same to idle (later frames in), big p95",
        ms(p95(big.idle())),
        ms(floor_idle),
        p95(big.idle()) / floor_idle,
        TARGET_BIG_P95,
    )
    rows = results["rows yardstick"]
    if rows.answers:
        cheapest = median(rows.last())
        table.notes.append(
            f"   context: a relu key repaints {median(relu.rows()):.0f} rows (the minimal app 1); "
            f"the cheapest Textual app repainting that many answers in {cheapest * 1000:.1f} ms"
            f" = {cheapest / floor:.2f}x the minimal app (benchmarks/rows_app.py)"
        )
    for result in (relu, big):
        share = result.later_frames() / max(len(result.answers), 1)
        if share > 0.1:
            table.notes.append(
                f"   note: {share:.0%} of {result.label}'s keys painted again after "
                f"{QUIET_GAP * 1000:.0f} ms of quiet; 'last byte' leaves that out, 'to idle' "
                "counts it"
            )
    for name, off in (("relu animated", relu), ("big animated", big)):
        on = results[name]
        if on.answers:
            table.add(
                f"animations on vs off: {off.label}, first byte",
                ms(median(on.first())),
                ms(median(off.first())),
                median(on.first()) / median(off.first()),
                TARGET_ANIMATED,
            )
    for name, off in (("relu animated", relu), ("big animated", big)):
        on = results[name]
        if on.answers and off.answers:
            table.add(
                f"  app CPU per key, animations on vs off, {off.label}",
                ms(on.cpu / len(on.answers)),
                ms(off.cpu / len(off.answers)),
                (on.cpu / len(on.answers)) / (off.cpu / len(off.answers)),
                TARGET_ANIMATED,
            )


def key_details(results: dict[str, Keys], rounds: int) -> list[str]:
    def cells(values: list[float]) -> str:
        return f"{median(values) * 1000:7.1f} {p95(values) * 1000:7.1f}"

    lines = [
        f"Keys through a {TERMINAL[0]}x{TERMINAL[1]} pty, ms ({rounds} round(s), a new process "
        f"each; last byte: before {QUIET_GAP * 1000:.0f} ms quiet; idle: "
        f"{IDLE_GAP * 1000:.0f} ms quiet)",
        f"   {'':16} {'keys':>5}  {'first byte':>15}  {'last byte':>15} {'max':>7}  "
        f"{'to idle':>15}  {'later':>6} {'CPU/key':>8} {'rows':>5}",
        f"   {'':16} {'':>5}  {'median':>7} {'p95':>7}  {'median':>7} {'p95':>7} {'':>7}  "
        f"{'median':>7} {'p95':>7}  {'frames':>6} {'mean':>8} {'median':>5}",
    ]
    for result in results.values():
        if not result.answers:
            continue
        n = len(result.answers)
        lines.append(
            f"   {result.label:16} {n:5}  {cells(result.first())}  {cells(result.last())} "
            f"{max(result.last()) * 1000:7.1f}  {cells(result.idle())}  "
            f"{result.later_frames():6} {result.cpu / n * 1000:8.1f} "
            f"{median(result.rows()):5.0f}"
            + (f"  ({result.unanswered} keys got no answer)" if result.unanswered else "")
        )
    gaps = [a.longest_gap() for result in results.values() for a in result.answers]
    if gaps:
        lines.append(
            f"   longest quiet time inside one key's answer: {max(gaps) * 1000:.1f} ms "
            f"(p99 {percentile(gaps, 99) * 1000:.1f} ms; idle means quiet for "
            f"{IDLE_GAP * 1000:.0f} ms, or for as long as the answer took if longer)"
        )
    lines.append("   noise: median last byte per round, ms")
    for result in results.values():
        if result.rounds:
            per = "  ".join(f"{median(r) * 1000:6.1f}" for r in result.rounds if r)
            lines.append(f"     {result.label:16} {per}")
    big = results["big-network"]
    if big.answers:
        lines.append("   big-network by key (last byte / to idle, ms)")
        for kind in sorted(set(big.kinds)):
            picked = [a for a, k in zip(big.answers, big.kinds, strict=True) if k == kind]
            last = [a.last_before_gap(QUIET_GAP) for a in picked]
            idle = [a.last() for a in picked]
            lines.append(
                f"     {kind:34} n={len(picked):4}  median {median(last) * 1000:6.1f} / "
                f"{median(idle) * 1000:6.1f}   p95 {p95(last) * 1000:6.1f} / "
                f"{p95(idle) * 1000:6.1f}"
            )
    animated = [results[n] for n in ("relu animated", "big animated") if results[n].answers]
    if animated:
        lines.append(
            "   animations on: 'first byte' is the key's first visible answer, 'to idle' the "
            "end of its animation"
        )
    return lines


def startup_part(table: Table, times: dict[str, list[float]], runs: int) -> list[str]:
    floor = median(times["minimal"])
    table.add(
        "start-up: first frame, title and network",
        f"{median(times['network']):.3f} s",
        f"{floor:.3f} s",
        median(times["network"]) / floor,
        TARGET_FIRST_FRAME,
    )
    table.add(
        "start-up: first frame with step 1's numbers",
        f"{median(times['numbers']):.3f} s",
        f"{floor:.3f} s",
        median(times["numbers"]) / floor,
        TARGET_NUMBERS_FRAME,
    )
    lines = [
        f"Start-up on a {TERMINAL[0]}x{TERMINAL[1]} pty, seconds from spawn ({runs} runs each, "
        "alternating, after one warm-up)",
        f"   {'':44} {'median':>8} {'min':>8} {'max':>8}",
    ]
    for key, label in (
        ("minimal", "minimal app: its first frame"),
        ("network", "backprop-relu: title and every node drawn"),
        ("numbers", "backprop-relu: step 1's formula (x1 = 0.5)"),
    ):
        values = times[key]
        lines.append(f"   {label:44} {median(values):8.3f} {min(values):8.3f} {max(values):8.3f}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round, fewer keys and runs")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=PARTS[:3])
    parser.add_argument("--keys", type=int, default=300, help="sampled keys per app")
    parser.add_argument("--animated-keys", type=int, default=45, help="keys, animations on")
    parser.add_argument("--rounds", type=int, default=3, help="sessions per app for keys")
    parser.add_argument("--startup-runs", type=int, default=7, help="start-ups per app")
    args = parser.parse_args()
    if args.quick:
        keys, animated, rounds, startup_runs, jump_runs = 60, 20, 1, 3, 1
    else:
        keys, animated, rounds, startup_runs, jump_runs = (
            args.keys,
            args.animated_keys,
            args.rounds,
            args.startup_runs,
            3,
        )

    began = time.perf_counter()
    progress(f"load average at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    table, details = Table(), []
    if "keys" in args.only or "startup" in args.only:
        relu = Lesson.read("backprop-relu")
    if "keys" in args.only:
        started = time.perf_counter()
        results = bench_keys(keys, rounds, relu, title("big-network"), animated)
        key_targets(table, results)
        details.append(key_details(results, rounds))
        progress(f"keys: {time.perf_counter() - started:.0f} s")
    if "startup" in args.only:
        started = time.perf_counter()
        details.append(startup_part(table, bench_startup(startup_runs, relu), startup_runs))
        progress(f"startup: {time.perf_counter() - started:.0f} s")
    if "jump" in args.only:
        from jump import bench_jump

        started = time.perf_counter()
        lines, rows = bench_jump(jump_runs)
        for row in rows:
            table.add(*row)
        details.append(lines)
        progress(f"jump: {time.perf_counter() - started:.0f} s")
    if "inprocess" in args.only:
        from inprocess import bench_inprocess

        started = time.perf_counter()
        details.append(bench_inprocess(60 if args.quick else 300))
        progress(f"inprocess: {time.perf_counter() - started:.0f} s")

    print(f"backprop-tui benchmarks, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    for line in machine():
        print(line)
    if table.rows:
        print()
        print(
            f"Targets (issue 10): baseline = the minimal Textual app in this run, {TERMINAL[0]}x"
            f"{TERMINAL[1]} pty, animations off unless said"
        )
        print("\n".join(table.lines()))
    for section in details:
        print()
        print("\n".join(section))
    print(f"\n(total {time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
