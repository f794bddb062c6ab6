"""backprop-tui benchmarks: start-up, step latency, and the jump to the end of a long run.

    python benchmarks/run.py            # everything; about three minutes on 2 cores
    python benchmarks/run.py --quick    # fewer repeats, for trying things out
    python benchmarks/run.py --only startup latency jump

Everything is measured side by side in one run on one machine, and printed as a table
(progress goes to stderr). What each figure measures:

1. Start-up: wall time from just before the process is spawned to the moment the first
   screen output containing a known string arrives on a pseudo-terminal of fixed size
   (120x40): the scenario's title for `backprop-tui backprop-relu`, the Static's text
   for benchmarks/minimal_app.py (one Static and a Footer). Runs alternate between the
   two; one warm-up run of each is not counted. Median and min of N runs.
2. Step latency, in-process (App.run_test, headless, animations off): a space key is
   posted the way the terminal driver posts it, and we time
     key -> frame:   until the end of the first screen update that shows the new step
                     (layout, compositor render, and the escape sequences a real terminal
                     would be sent, generated but not written);
     key -> settled: until the end of the last screen update the key caused (e.g. the
                     footer redrawn with keys greyed out), i.e. the app is idle again;
     action:         the LessonScreen.go() call alone (build the view, update widgets).
   Between keys the app is allowed to go idle. ~300 steps per scenario, taken in runs
   that start at each phase of the first two iterations and cross an iteration
   boundary. The minimal app's space key (it updates its Static) is the floor.
3. Jump to the end: time for Trace(scenario)[len - 1] on copies of single-weight and
   big-network with 10,000 weight updates, and tracemalloc's peak during it, against a
   plain NumPy training loop written out below (forward, error, slopes, update, then the
   pass over all points after training). Memory is also measured at 1,000 updates.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import gc
import importlib.metadata
import os
import platform
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from minimal_app import READY, MinimalApp  # noqa: E402
from textual import events  # noqa: E402
from textual.keys import key_to_character  # noqa: E402

from tui_backprop.app.app import BackpropApp  # noqa: E402
from tui_backprop.app.screens.lesson import LessonScreen  # noqa: E402
from tui_backprop.bundled import bundled_path  # noqa: E402
from tui_backprop.scenario import Scenario, load_scenario  # noqa: E402
from tui_backprop.trace import PHASES, Trace  # noqa: E402

TERMINAL = (120, 40)
TARGET_STARTUP_RATIO = 1.3
TARGET_SLIDE_MEDIAN_MS = 5.0
TARGET_BIG_P95_MS = 1000 / 60
TARGET_JUMP_RATIO = 2.0


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


# -- the machine ---------------------------------------------------------------------


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


# -- 1. start-up -----------------------------------------------------------------------

ANSI = re.compile(  # escape sequences, to find text that styles split up
    rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])"
)


def _child_setup() -> None:  # in the child: its own session, the pty as its terminal
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def first_frame_seconds(argv: list[str], marker: str, timeout: float = 60.0) -> float:
    """Spawn argv on a fresh pty; seconds until output containing `marker` arrives."""
    master, slave = os.openpty()
    columns, lines = TERMINAL
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEXTUAL") and k not in ("COLUMNS", "LINES")
    }
    env.update(TERM="xterm-256color", COLORTERM="truecolor")
    wanted = marker.encode()
    output = b""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        preexec_fn=_child_setup,
    )
    os.close(slave)
    try:
        while True:
            left = start + timeout - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{argv}: no {marker!r} after {timeout} s")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                tail = ANSI.sub(b"", output)[-400:].decode(errors="replace")
                raise RuntimeError(f"{argv} ended before its first frame: {tail}")
            output += chunk
            if wanted in output or wanted in ANSI.sub(b"", output):
                return time.perf_counter() - start
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the session this run started
        process.wait()
        os.close(master)


def bench_startup(repeat: int) -> list[str]:
    executable = shutil.which("backprop-tui", path=str(Path(sys.executable).parent))
    ours = [executable] if executable else [sys.executable, "-m", "tui_backprop"]
    ours.append("backprop-relu")
    title = load_scenario(bundled_path("backprop-relu")).title
    minimal = [sys.executable, str(HERE / "minimal_app.py")]
    times: dict[str, list[float]] = {"minimal": [], "ours": []}
    for run in range(repeat + 1):  # run 0 warms the file cache and .pyc files
        for key, argv, marker in (("minimal", minimal, READY), ("ours", ours, title)):
            seconds = first_frame_seconds(argv, marker)
            if run:
                times[key].append(seconds)
        progress(f"start-up run {run}/{repeat}")
    med = {k: statistics.median(v) for k, v in times.items()}
    low = {k: min(v) for k, v in times.items()}
    ratio = med["ours"] / med["minimal"]
    return [
        f"1. Start-up: process start to first frame on a {TERMINAL[0]}x{TERMINAL[1]} pty "
        f"({repeat} runs each, alternating)",
        f"   {'':34} {'median':>9} {'min':>9}",
        f"   {'minimal Textual app (Static+Footer)':34} {med['minimal']:8.3f}s "
        f"{low['minimal']:8.3f}s",
        f"   {'backprop-tui backprop-relu':34} {med['ours']:8.3f}s {low['ours']:8.3f}s",
        f"   ratio of medians {ratio:.2f}x (of mins {low['ours'] / low['minimal']:.2f}x); "
        f"target <= {TARGET_STARTUP_RATIO}x: {met(ratio <= TARGET_STARTUP_RATIO)}",
    ]


# -- 2. step latency ---------------------------------------------------------------------


def post_key(app, key: str) -> None:
    """As the terminal driver does: a Key event sent to the app's message queue."""
    event = events.Key(key, key_to_character(key))
    event.set_sender(app)
    app._driver.send_message(event)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


async def measure_keys(
    app,
    state: Callable[[], object],
    steps: int,
    before_step: Callable[[int], object] | None = None,
    action: Callable[[], float] | None = None,
) -> dict[str, list[float]]:
    """Press space `steps` times; per press: key->frame, key->settled (and action time)."""
    app.animation_level = "none"
    paints: list[tuple[float, object]] = []
    changed = asyncio.Event()
    first, settled, actions = [], [], []
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        display = app._display
        waiting_for: list[object] = []

        def timed_display(screen, renderable) -> None:
            # A real terminal is sent renderable.render_segments(); headless skips it,
            # so do it here to count the cost of producing the escape sequences.
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            now = state()
            paints.append((time.perf_counter(), now))
            if waiting_for and now != waiting_for[0]:
                changed.set()
            display(screen, renderable)

        app._display = timed_display
        for i in range(steps):
            if before_step is not None:
                prepared = before_step(i)
                if prepared:
                    await pilot.pause()
            old = state()
            mark = len(paints)
            gc.collect(0)
            waiting_for[:] = [old]
            changed.clear()
            start = time.perf_counter()
            post_key(app, "space")
            # Only wait here: pilot.pause() would first queue a callback on every widget,
            # and that work would run ahead of the key and count against the app.
            await asyncio.wait_for(changed.wait(), timeout=30)
            waiting_for.clear()
            await pilot.pause()  # let the key's follow-up work finish: "settled"
            frames = paints[mark:]
            shown = [t for t, s in frames if s != old]
            first.append(shown[0] - start)
            settled.append(frames[-1][0] - start)
        if action is not None:
            for _ in range(min(steps, 50)):
                actions.append(action())
                await pilot.pause()
    return {"first": first, "settled": settled, "action": actions}


def lesson_starts(trace: Trace) -> list[int]:
    """Where runs of steps begin: each phase of iterations 1 and 2, and just before 2."""
    starts = set()
    for number in range(1, min(trace.iterations, 2) + 1):
        for phase in PHASES:
            index = trace.phase_start_in(number, phase)
            if index is not None:
                starts.add(index)
    if trace.iterations > 1:
        starts.add(max(trace.first_index(2) - 10, 0))
    return sorted(starts)


async def bench_lesson(name: str, steps: int) -> dict[str, list[float]]:
    app = BackpropApp(load_scenario(bundled_path(name)))
    holder: dict[str, LessonScreen] = {}

    def screen() -> LessonScreen:
        if "screen" not in holder:
            holder["screen"] = app.screen
        return holder["screen"]

    def state() -> int:
        return screen().index

    per_run = None

    def before_step(i: int) -> bool:
        nonlocal per_run
        lesson = screen()
        starts = lesson_starts(lesson.trace)
        if per_run is None:
            per_run = max(steps // len(starts), 1)
        if i % per_run == 0:
            lesson.go(starts[(i // per_run) % len(starts)])
            return True
        if lesson.index >= len(lesson.trace) - 1:
            lesson.go(0)
            return True
        return False

    def action() -> float:
        lesson = screen()
        target = lesson.index + 1 if lesson.index < len(lesson.trace) - 1 else 0
        start = time.perf_counter()
        lesson.go(target)
        return time.perf_counter() - start

    return await measure_keys(app, state, steps, before_step, action)


async def bench_minimal(steps: int) -> dict[str, list[float]]:
    app = MinimalApp()

    def action() -> float:
        start = time.perf_counter()
        app.action_bump()
        return time.perf_counter() - start

    return await measure_keys(app, lambda: app.count, steps, None, action)


def latency_row(label: str, result: dict[str, list[float]], target: str) -> str:
    ms = {k: [v * 1000 for v in values] for k, values in result.items()}
    cells = []
    for key in ("first", "settled", "action"):
        cells.append(f"{statistics.median(ms[key]):7.1f} {percentile(ms[key], 95):7.1f}")
    return f"   {label:22} {cells[0]}  {cells[1]}  {cells[2]}   {target}"


def bench_latency(steps: int) -> list[str]:
    progress(f"step latency: minimal app, {steps} presses")
    minimal = asyncio.run(bench_minimal(steps))
    progress(f"step latency: backprop-relu, {steps} presses")
    relu = asyncio.run(bench_lesson("backprop-relu", steps))
    progress(f"step latency: big-network, {steps} presses")
    big = asyncio.run(bench_lesson("big-network", steps))
    relu_median = statistics.median(relu["first"]) * 1000
    big_p95 = percentile(big["first"], 95) * 1000
    relu_settled = statistics.median(relu["settled"]) * 1000
    big_settled = percentile(big["settled"], 95) * 1000
    return [
        f"2. Step latency, space key, ms (headless run_test, {TERMINAL[0]}x{TERMINAL[1]}, "
        f"{steps} presses each, animations off)",
        f"   {'':22} {'key -> frame':>15}  {'key -> settled':>15}  {'action (go)':>15}",
        f"   {'':22} {'median':>7} {'p95':>7}  {'median':>7} {'p95':>7}  {'median':>7} {'p95':>7}",
        latency_row("minimal app (floor)", minimal, ""),
        latency_row("backprop-relu", relu, f"median < {TARGET_SLIDE_MEDIAN_MS:g}"),
        latency_row("big-network", big, f"p95 < {TARGET_BIG_P95_MS:.1f}"),
        f"   slide network median key->frame {relu_median:.1f} ms: "
        f"{met(relu_median < TARGET_SLIDE_MEDIAN_MS)} (key->settled {relu_settled:.1f} ms: "
        f"{met(relu_settled < TARGET_SLIDE_MEDIAN_MS)})",
        f"   big network p95 key->frame {big_p95:.1f} ms: {met(big_p95 < TARGET_BIG_P95_MS)} "
        f"(key->settled {big_settled:.1f} ms: {met(big_settled < TARGET_BIG_P95_MS)})",
    ]


# -- 3. jump to the end of a long run ----------------------------------------------------

ACTIVATIONS = {  # the activation and its slope, written out again on purpose
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
}
LOSS_SCALE = {"mse": lambda n: 2.0 / n, "sse": lambda n: 2.0, "half_sse": lambda n: 1.0}
LOSS_REDUCE = {"mse": np.mean, "sse": np.sum, "half_sse": lambda s: 0.5 * np.sum(s)}


def numpy_loop(s: Scenario):
    """A plain training loop: forward, error, slopes, update; then the final pass."""
    weights = [layer.weights.astype(float) for layer in s.layers]
    biases = [None if layer.bias is None else layer.bias.astype(float) for layer in s.layers]
    train_bias = [layer.train_bias for layer in s.layers]
    functions = [ACTIVATIONS[layer.activation] for layer in s.layers]
    inputs, targets, rate = s.data_inputs, s.targets, s.learning_rate
    with np.errstate(all="ignore"):
        for epoch in range(1, s.epochs + 1):
            if s.shuffle:
                order = np.random.default_rng([s.seed, epoch]).permutation(s.points)
            else:
                order = np.arange(s.points)
            for first in range(0, s.points, s.batch_size):
                batch = order[first : first + s.batch_size]
                x, t = inputs[batch], targets[batch]
                values, sums = [x], []  # forward
                for w, b, (f, _) in zip(weights, biases, functions, strict=True):
                    z = values[-1] @ w.T
                    if b is not None:
                        z = z + b
                    sums.append(z)
                    values.append(f(z))
                error = values[-1] - t  # error
                slope = LOSS_SCALE[s.loss](len(batch)) * error  # slopes, output first
                for k in reversed(range(len(weights))):
                    delta = slope * functions[k][1](sums[k])
                    weight_slope, bias_slope = delta.T @ values[k], delta.sum(axis=0)
                    slope = delta @ weights[k]
                    weights[k] = weights[k] - rate * weight_slope  # update
                    if biases[k] is not None and train_bias[k]:
                        biases[k] = biases[k] - rate * bias_slope
        values = inputs  # after training: every point forward, its error, the loss
        for w, b, (f, _) in zip(weights, biases, functions, strict=True):
            values = f(values @ w.T + (0 if b is None else b))
        loss = LOSS_REDUCE[s.loss](((values - targets) ** 2).sum(axis=1))
    return weights, biases, float(loss)


def trace_jump(s: Scenario):
    trace = Trace(s)
    step = trace[len(trace) - 1]
    return trace, step


def with_epochs(name: str, epochs: int, folder: Path) -> Scenario:
    text = bundled_path(name).read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^epochs\s*=\s*\d+", f"epochs = {epochs}", text)
    assert count == 1, f"{name}: no epochs line to change"
    path = folder / f"{name}-{epochs}-epochs.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def timed_pair(first, second, argument, repeat: int) -> tuple[list[float], list[float]]:
    """Alternate the two, so a busy moment on the machine hits both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, into in ((first, times[0]), (second, times[1])):
            gc.collect()
            start = time.perf_counter()
            function(argument)
            into.append(time.perf_counter() - start)
    return times


def peak_bytes(function, argument) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        function(argument)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench_jump(repeat: int) -> list[str]:
    lines = [
        "3. Jump to the end: Trace(s)[len - 1] against a plain NumPy training loop",
        f"   {'':28} {'updates':>8} {'trace':>9} {'loop':>9} {'ratio':>6} "
        f"{'trace peak':>11} {'loop peak':>10}  same weights",
    ]
    verdicts = []
    with tempfile.TemporaryDirectory() as folder:
        for name, per_epoch in (("single-weight", 1), ("big-network", 10)):
            peaks = {}
            for updates in (1_000, 10_000):
                s = with_epochs(name, updates // per_epoch, Path(folder))
                assert s.iterations == updates, (name, s.iterations)
                progress(f"jump: {name}, {updates} updates")
                trace, _ = trace_jump(s)
                weights, biases, _ = numpy_loop(s)
                final = trace.params_before(trace.iterations)
                difference = max(
                    float(np.max(np.abs(a - b)))
                    for a, b in zip(final.weights, weights, strict=True)
                )
                trace_times, loop_times = timed_pair(trace_jump, numpy_loop, s, repeat)
                trace_peak, loop_peak = peak_bytes(trace_jump, s), peak_bytes(numpy_loop, s)
                peaks[updates] = trace_peak
                ratio = min(trace_times) / min(loop_times)
                lines.append(
                    f"   {name:28} {updates:8,} {min(trace_times):8.3f}s {min(loop_times):8.3f}s "
                    f"{ratio:5.1f}x {trace_peak / 1e6:9.2f}MB {loop_peak / 1e6:8.2f}MB  "
                    f"{'yes' if difference < 1e-9 else 'NO'} (max diff {difference:.0e})"
                )
                if updates == 10_000:
                    verdicts.append(
                        f"   {name}: time {ratio:.1f}x the loop, target <= "
                        f"{TARGET_JUMP_RATIO:g}x: {met(ratio <= TARGET_JUMP_RATIO)}"
                    )
            growth = peaks[10_000] / peaks[1_000]
            per_update = (peaks[10_000] - peaks[1_000]) / 9_000
            verdicts.append(
                f"   {name}: peak memory x{growth:.2f} from 1,000 to 10,000 updates "
                f"({per_update:+.0f} bytes per extra update); flat (within 10%): "
                f"{met(growth <= 1.1)}"
            )
    lines.append(f"   (times: best of {repeat}; peaks: tracemalloc, in a separate run)")
    return lines + verdicts


# -- main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and steps")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("startup", "latency", "jump"),
        default=("startup", "latency", "jump"),
    )
    parser.add_argument("--steps", type=int, default=300, help="key presses per scenario")
    args = parser.parse_args()
    startup_runs, steps, jump_runs = (3, 60, 1) if args.quick else (7, args.steps, 3)

    began = time.perf_counter()
    progress(f"load average at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sections = []
    for name, run, argument in (
        ("startup", bench_startup, startup_runs),
        ("latency", bench_latency, steps),
        ("jump", bench_jump, jump_runs),
    ):
        if name in args.only:
            section_start = time.perf_counter()
            sections.append(run(argument))
            progress(f"{name}: {time.perf_counter() - section_start:.0f} s")
    print(f"backprop-tui benchmarks, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    for line in machine():
        print(line)
    for section in sections:
        print()
        print("\n".join(section))
    print(f"\n(total {time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
