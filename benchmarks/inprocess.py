"""Step latency in-process (App.run_test, headless), kept beside the pty figures.

It reaches into the app (BackpropApp, LessonScreen.go and .index, the trace's phases),
so it is optional (`run.py --only inprocess`) and says so when the app has changed
under it instead of failing the whole run. The pty figures in terminal.py are the
headline: they see what a terminal sees.

A space key is posted the way the terminal driver posts it, and we time
  key -> frame:   until the end of the first screen update that shows the new step
                  (layout, compositor render, and the escape sequences a terminal would
                  be sent, generated but not written);
  key -> settled: until the end of the last screen update the key caused;
  action:         the LessonScreen.go() call alone.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from minimal_app import MinimalApp
from textual import events
from textual.keys import key_to_character

from tui_backprop.bundled import bundled_path
from tui_backprop.scenario import load_scenario

TERMINAL = (120, 40)


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


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


def lesson_starts(trace) -> list[int]:
    """Where runs of steps begin: each phase of iterations 1 and 2, and just before 2."""
    from tui_backprop.trace import PHASES

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
    from tui_backprop.app.app import BackpropApp  # here: the app's internals may move

    app = BackpropApp(load_scenario(bundled_path(name)))
    holder: dict[str, object] = {}

    def screen():
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


def latency_row(label: str, result: dict[str, list[float]]) -> str:
    ms = {k: [v * 1000 for v in values] for k, values in result.items()}
    cells = []
    for key in ("first", "settled", "action"):
        cells.append(f"{statistics.median(ms[key]):7.1f} {percentile(ms[key], 95):7.1f}")
    return f"   {label:22} {cells[0]}  {cells[1]}  {cells[2]}"


def bench_inprocess(steps: int) -> list[str]:
    """The in-process table, or one line saying why the app no longer fits this harness."""
    title = (
        f"In-process step latency, space key, ms (headless run_test, "
        f"{TERMINAL[0]}x{TERMINAL[1]}, {steps} presses each, animations off; not the headline)"
    )
    try:
        progress(f"in-process: minimal app, {steps} presses")
        minimal = asyncio.run(bench_minimal(steps))
        progress(f"in-process: backprop-relu, {steps} presses")
        relu = asyncio.run(bench_lesson("backprop-relu", steps))
        progress(f"in-process: big-network, {steps} presses")
        big = asyncio.run(bench_lesson("big-network", steps))
    except (ImportError, AttributeError, TypeError) as error:  # the app changed under us
        return [title, f"   not measured: the app's internals changed ({error!r})"]
    floor = statistics.median(minimal["first"])
    relu_ratio = statistics.median(relu["first"]) / floor
    big_ratio = percentile(big["first"], 95) / floor
    return [
        title,
        f"   {'':22} {'key -> frame':>15}  {'key -> settled':>15}  {'action (go)':>15}",
        f"   {'':22} {'median':>7} {'p95':>7}  {'median':>7} {'p95':>7}  {'median':>7} {'p95':>7}",
        latency_row("minimal app (floor)", minimal),
        latency_row("backprop-relu", relu),
        latency_row("big-network", big),
        f"   key -> frame: backprop-relu median {relu_ratio:.1f}x the minimal app's median; "
        f"big-network p95 {big_ratio:.1f}x",
    ]
