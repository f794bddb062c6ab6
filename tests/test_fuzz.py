"""Fuzz the lesson screen: random keys, terminal sizes and clicks on every bundled scenario.

Keys come from every binding of LessonScreen (its own BINDINGS and those of the
project's base classes, read from the classes, so new bindings are fuzzed too); "q"
is left out because it quits. Prompts opened by a key (go to, edit a weight, the
learning rate, bookmarks) get random text, then enter or escape. Between the keys:
terminal resizes from 40x12 to 250x80 and clicks on random nodes and weight labels
(cells of their boxes on the network canvas).

Invariants:
- no exception anywhere in the app (run_test re-raises it when the context exits);
- 0 <= screen.index < len(screen.trace) after every action; the index is also
  guarded on every assignment, so the failing line is in the traceback;
- at random moments the screen's text equals the text of the step reached by going
  straight to it: screen_text(covered_view(fresh Trace, index, ...)) (with any what-if edits
  the screen made replayed on the fresh trace, and in reveal mode as many of the step's
  numbers uncovered as on screen).

Keys are posted the way a terminal sends them, without waiting for the app to finish
each one; the test lets the app catch up every 10 to 30 keys.

Environment:
    FUZZ_KEYS=N     keys per bundled scenario (default 300)
    FUZZ_SECONDS=T  stop a scenario after T seconds even if its keys are not all sent
                    (default 6, so the whole file stays under 90 s on a small machine;
                    0 means no limit: FUZZ_KEYS=2000 FUZZ_SECONDS=0 for a long run)
    FUZZ_SEED=S     base seed (default 20261128, so a run reproduces; FUZZ_SEED=random
                    draws a new one, printed; a failure names the seed either way)

The seed fixes the sequence of actions, not the timing: keys are not waited for, so
how far the app got between two of them can differ from run to run. A failure prints
the last actions, which is usually enough to replay it by hand in a Pilot test.

Reproduce a failure with the seed it prints, for example:
    FUZZ_SEED=1234 pytest tests/test_fuzz.py -k big-network
"""

from __future__ import annotations

import difflib
import operator
import os
import random
import time
import warnings
from collections import deque
from pathlib import Path

import pytest
from textual import events
from textual.binding import Binding
from textual.keys import _character_to_key, key_to_character
from textual.pilot import OutOfBounds, Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList

from tui_backprop.app.app import BackpropApp
from tui_backprop.app.screens.goto import GoToScreen
from tui_backprop.app.screens.lesson import LessonScreen
from tui_backprop.app.widgets.formula_line import FormulaLine
from tui_backprop.app.widgets.lesson_header import LessonHeader
from tui_backprop.app.widgets.network_canvas import NetworkCanvas
from tui_backprop.bundled import bundled_names, bundled_path
from tui_backprop.reveal import covered_view
from tui_backprop.scenario import load_scenario
from tui_backprop.trace import Trace
from tui_backprop.view import screen_text

KEYS_PER_SCENARIO = int(os.environ.get("FUZZ_KEYS", "300"))
SECONDS_PER_SCENARIO = float(os.environ.get("FUZZ_SECONDS", "6"))
DEFAULT_SEED = 20261128


def base_seed() -> int:
    chosen = os.environ.get("FUZZ_SEED", "").strip()
    if chosen == "random":
        return random.SystemRandom().randrange(10**9)
    return int(chosen) if chosen else DEFAULT_SEED


BASE_SEED = base_seed()
SMALLEST, LARGEST = (40, 12), (250, 80)
RESIZE_CHANCE = 0.02  # per action
CLICK_CHANCE = 0.03
CHECK_SCREEN_CHANCE = 0.5  # per catch-up pause
PROMPT_CHECK_CHANCE = 0.1  # per key: wait for it and answer any prompt it opened
SKIPPED_KEYS = {"q"}  # quits the app
WORDS = (
    "forward",
    "loss",
    "backward",
    "update",
    "final",
    "end",
    "iteration:",
    "epoch:",
    "x1",
    "hidden",
    "",
    " ",
    "-1",
    "0",
    "3.5",
    "1e308",
    "½",
    "é",
    "🙂",
)


def lesson_bindings() -> list[Binding]:
    """LessonScreen's bindings with those of the project's own base classes."""
    found = []
    for cls in LessonScreen.__mro__:
        if not cls.__module__.startswith("tui_backprop"):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            found.append(binding if isinstance(binding, Binding) else Binding(*binding))
    return found


def fuzz_keys() -> list[str]:
    keys = []
    for binding in lesson_bindings():
        if binding.action.split(".")[-1] == "quit":
            continue
        for key in binding.key.split(","):
            key = key.strip()
            if key and key not in SKIPPED_KEYS and key not in keys:
                keys.append(key)
    return keys


KEYS = fuzz_keys()


def post_key(pilot: Pilot, key: str, char: str | None = None) -> None:
    """Send a key as the terminal driver would, without waiting for the app."""
    event = events.Key(key, key_to_character(key) if char is None else char)
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)


def post_text(pilot: Pilot, text: str) -> None:
    for char in text:
        post_key(pilot, char if char.isalnum() else _character_to_key(char), char)


# -- what-if edits are recorded so a fresh trace can replay them -----------------------


@pytest.fixture
def recorded_edits(monkeypatch):
    """Every successful Trace.set_weight / set_learning_rate, kept on the trace itself."""
    for name in ("set_weight", "set_learning_rate"):
        original = getattr(Trace, name)

        def wrapper(self, *args, _original=original, _name=name):
            result = _original(self, *args)
            self.__dict__.setdefault("_fuzz_edits", []).append((_name, args))
            return result

        monkeypatch.setattr(Trace, name, wrapper)


@pytest.fixture
def guarded_index(monkeypatch):
    """Fail at the very assignment that puts LessonScreen.index outside the trace."""

    def get(self):
        return self.__dict__["_fuzz_index"]

    def set_(self, value):
        trace = self.__dict__.get("trace")
        if trace is not None:
            index = operator.index(value)
            assert 0 <= index < len(trace), f"index set to {value!r}, outside 0..{len(trace) - 1}"
        self.__dict__["_fuzz_index"] = value

    monkeypatch.setattr(LessonScreen, "index", property(get, set_), raising=False)


def fresh_text(screen: LessonScreen) -> str:
    """The screen of step `index` reached directly, with the same what-if edits."""
    trace = Trace(screen.scenario, decimals=screen.trace.decimals)
    for name, args in screen.trace.__dict__.get("_fuzz_edits", []):
        getattr(trace, name)(*args)
    # reveal mode: as many of the step's numbers uncovered as on screen
    return screen_text(covered_view(trace, screen.index, screen.decimals, screen.numbers_shown()))


def plain(widget) -> str:
    content = widget.content
    return getattr(content, "plain", str(content))


# -- the fuzzer ------------------------------------------------------------------------


class Fuzzer:
    def __init__(self, pilot: Pilot, rng: random.Random, log: deque) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.rng = rng
        self.log = log
        self.lesson: LessonScreen = pilot.app.screen
        assert isinstance(self.lesson, LessonScreen), self.lesson
        self.keys = 0
        self.checks = 0

    @property
    def alive(self) -> bool:
        return self.app._exception is None and self.app.is_running

    def check_index(self, when: str) -> None:
        screen = self.app.screen
        if isinstance(screen, LessonScreen):
            self.lesson = screen
        lesson = self.lesson
        assert 0 <= lesson.index < len(lesson.trace), f"index {lesson.index} after {when}"

    def check_screen(self) -> None:
        lesson = self.lesson
        if lesson.view is None or not lesson.is_mounted:
            return
        # An animated step's result joins the formula when its numbers have arrived:
        # end the animation (as the next key would) rather than wait, since autoplay
        # may start another one at every tick.
        lesson.query_one(NetworkCanvas).finish_animation()
        assert lesson.view.index == lesson.index, "the view is not of the current step"
        shown, expected = screen_text(lesson.view), fresh_text(lesson)
        if shown != expected:
            diff = difflib.unified_diff(
                expected.splitlines(),
                shown.splitlines(),
                "straight to the step",
                "on screen",
                lineterm="",
            )
            raise AssertionError(
                f"step {lesson.index + 1} differs from going straight to it:\n"
                + "\n".join(list(diff)[:30])
            )
        view = lesson.view
        header = plain(lesson.query_one(LessonHeader))
        assert f"{view.index + 1}/{view.total}" in header, (
            f"the header shows another step: {header}"
        )
        assert view.phase in header, header
        formula = plain(lesson.query_one(FormulaLine))
        wanted = view.formula
        if lesson.query_one(NetworkCanvas).progress < 1:  # animating: the result on its way
            wanted = wanted.rpartition(" = ")[0]
        assert f"{view.step.number}. {wanted}" in formula, f"another formula: {formula}"
        self.checks += 1

    async def catch_up(self) -> None:
        await self.pilot.pause()
        await self.answer_prompts()
        self.check_index("a pause")
        if self.alive and self.rng.random() < CHECK_SCREEN_CHANCE:
            self.check_screen()

    async def answer_prompts(self) -> None:
        """Give any open prompt random text, then enter or escape (at most a few times)."""
        for _ in range(4):
            screen = self.app.screen
            if isinstance(screen, LessonScreen) or not self.alive:
                return
            if screen.query(Input):
                text = self.prompt_text(screen)
                clear = self.rng.random() < 0.7  # else type after what is there
                finish = self.rng.choice(["enter", "enter", "escape"])
                self.log.append(
                    f"prompt {type(screen).__name__}: "
                    f"{'clear, ' if clear else ''}type {text!r}, {finish}"
                )
                if clear:  # keys bound in the Input run after typed characters that
                    post_key(self.pilot, "home")  # follow them closely: wait for these
                    post_key(self.pilot, "ctrl+k")
                    await self.pilot.pause()
                post_text(self.pilot, text)
                post_key(self.pilot, finish)
            elif screen.query(OptionList):
                moves = [self.rng.choice(["down", "up"]) for _ in range(self.rng.randrange(4))]
                finish = self.rng.choice(["enter", "escape"])
                self.log.append(f"list {type(screen).__name__}: {moves} {finish}")
                for key in [*moves, finish]:
                    post_key(self.pilot, key)
            else:
                self.log.append(f"escape from {type(screen).__name__}")
                post_key(self.pilot, "escape")
            await self.pilot.pause()

    def prompt_text(self, screen: Screen) -> str:
        rng, trace = self.rng, self.lesson.trace
        if not isinstance(screen, GoToScreen):  # a number: a weight, a learning rate
            return rng.choice(
                [
                    f"{rng.uniform(-5, 5):.3g}",
                    f"{rng.uniform(0, 1):.2g}",
                    str(rng.randint(-9, 9)),
                    rng.choice(
                        [
                            "1e300",
                            "-1e300",
                            "1e-320",
                            "0",
                            "-0",
                            "0,5",
                            "−2",
                            "abc",
                            "1/2",
                            "nan",
                            "inf",
                            "",
                            " ",
                        ]
                    ),
                ]
            )
        choices = [
            str(rng.randint(1, len(trace))),
            str(rng.choice([0, len(trace), len(trace) + 1, 10**20])),
            rng.choice(WORDS),
            f"iteration:{rng.randint(0, trace.iterations + 1)}",
            f"iteration:{rng.randint(1, 3)}:{rng.choice(['forward', 'backward', 'loss', 'x'])}",
            f"epoch:{rng.randint(0, self.lesson.scenario.epochs + 1)}",
        ]
        choices += [b.name for b in self.lesson.scenario.bookmarks]
        return rng.choice(choices)

    async def resize(self) -> None:
        width = self.rng.randint(SMALLEST[0], LARGEST[0])
        height = self.rng.randint(SMALLEST[1], LARGEST[1])
        self.log.append(f"resize {width}x{height}")
        await self.pilot.resize_terminal(width, height)
        self.check_index(f"resize to {width}x{height}")

    async def click(self) -> None:
        """Click a random cell of a random node box or weight label, where it is drawn on
        the canvas now (scrolled off or hidden: the click lands wherever that is)."""
        canvas = self.lesson.query_one(NetworkCanvas)
        layout = canvas.layout_info
        if layout is None:
            return
        boxes = [*layout.nodes.items(), *layout.labels.items()]
        name, box = self.rng.choice(boxes)
        x = box.x + self.rng.randrange(box.width) - canvas.scroll_offset.x
        y = box.y + self.rng.randrange(box.height) - canvas.scroll_offset.y
        self.log.append(f"click {name} at canvas cell ({x}, {y})")
        try:
            await self.pilot.click(canvas, offset=(x, y))
        except OutOfBounds:
            self.log.append("  (out of bounds: not clicked)")
        self.check_index(f"click on {name}")

    async def run(self, count: int, seconds: float) -> None:
        rng = self.rng
        deadline = time.perf_counter() + seconds if seconds > 0 else float("inf")
        next_pause = rng.randint(10, 30)
        while self.keys < count and self.alive and time.perf_counter() < deadline:
            roll = rng.random()
            if roll < RESIZE_CHANCE:
                await self.resize()
                continue
            if roll < RESIZE_CHANCE + CLICK_CHANCE:
                await self.click()
                continue
            key = rng.choice(KEYS)
            self.log.append(f"key {key}")
            post_key(self.pilot, key)
            self.keys += 1
            self.check_index(f"key {key}")
            # "g" opens the go-to prompt: a selector or digits, then enter or escape; any
            # other key may open a prompt too (a weight, the learning rate, bookmarks),
            # so now and then let the app catch up and answer whatever is open.
            if key == "g" or rng.random() < PROMPT_CHECK_CHANCE:
                await self.pilot.pause()
                await self.answer_prompts()
            next_pause -= 1
            if next_pause <= 0:
                await self.catch_up()
                next_pause = rng.randint(10, 30)
        if self.alive:
            await self.catch_up()
            await self.answer_prompts()
            self.check_screen()


SCENARIOS = bundled_names()


def test_every_binding_but_quit_is_fuzzed():
    assert {"space", "left", "end", "g", "p"} <= set(KEYS)
    assert "q" not in KEYS
    for binding in lesson_bindings():
        if binding.action.split(".")[-1] != "quit":
            assert any(key.strip() in KEYS for key in binding.key.split(",")), binding


@pytest.mark.parametrize("name", SCENARIOS)
async def test_fuzz_keys_resizes_and_clicks(
    name, guarded_index, recorded_edits, monkeypatch, tmp_path, capsys
):
    monkeypatch.chdir(tmp_path)  # the screenshot key writes SVG files here
    seed = f"{BASE_SEED}-{name}"
    rng = random.Random(seed)
    log: deque[str] = deque(maxlen=60)
    scenario = load_scenario(bundled_path(name))
    app = BackpropApp(scenario)
    app.animation_level = rng.choice(["none", "full"])
    size = (rng.randint(60, 250), rng.randint(18, 80))
    with capsys.disabled():
        print(
            f"\n[fuzz] {name}: FUZZ_SEED={BASE_SEED} FUZZ_KEYS={KEYS_PER_SCENARIO} "
            f"FUZZ_SECONDS={SECONDS_PER_SCENARIO:g} size {size[0]}x{size[1]} "
            f"animations {app.animation_level}",
            end="",
        )
    started = time.perf_counter()
    fuzzer = None
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            fuzzer = Fuzzer(pilot, rng, log)
            await fuzzer.run(KEYS_PER_SCENARIO, SECONDS_PER_SCENARIO)
    except BaseException as error:
        steps = "\n  ".join(log)
        raise AssertionError(
            f"fuzzing {name} failed (reproduce: FUZZ_SEED={BASE_SEED} pytest "
            f"tests/test_fuzz.py -k {name}); started at {size[0]}x{size[1]}, "
            f"animations {app.animation_level}; the last actions:\n  {steps}\n"
            f"{type(error).__name__}: {error}"
        ) from error
    with capsys.disabled():
        print(
            f" — {fuzzer.keys} keys, {fuzzer.checks} screen checks, "
            f"{time.perf_counter() - started:.1f} s",
            end="",
        )


# -- numbers that overflow -------------------------------------------------------------

DIVERGING = """\
title = "Two inputs, learning rate far too large"

[network]
inputs = ["x1", "x2"]
loss = "mse"

[[network.layers]]
name = "output"
nodes = ["prediction"]
activation = "identity"
weights = [[1, 2]]

[data]
inputs = [[3, 4]]
targets = [6]

[training]
learning_rate = 0.5
batch_size = 1
epochs = 200
"""


async def test_overflow_shows_inf_or_nan_with_a_warning(tmp_path: Path):
    path = tmp_path / "diverging.toml"
    path.write_text(DIVERGING, encoding="utf-8")
    scenario = load_scenario(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = BackpropApp(scenario)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("end")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LessonScreen)
            assert screen.index == len(screen.trace) - 1
            header = plain(screen.query_one(LessonHeader))
            shown = screen_text(screen.view)
    assert "⚠" in header, header
    assert "inf" in shown or "nan" in shown, shown
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert not runtime, [f"{w.filename}:{w.lineno}: {w.message}" for w in runtime]


def key_for(action: str) -> str | None:
    for binding in lesson_bindings():
        if binding.action == action:
            return binding.key.split(",")[0].strip()
    return None


async def test_overflow_in_every_plot(tmp_path: Path):
    """At the end of a diverged run each plot mode is drawn without raising or warning."""
    cycle = key_for("cycle_plot")
    if cycle is None:
        pytest.skip("no plots in this version")
    extras = [
        k for k in map(key_for, ("next_plot_weight", "next_plot_weight_b", "toggle_log_scale")) if k
    ]
    path = tmp_path / "diverging.toml"
    path.write_text(DIVERGING, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = BackpropApp(load_scenario(path))
        async with app.run_test(size=(160, 45)) as pilot:  # wide: plots beside the network
            await pilot.press("end")
            for _ in range(4):  # loss history, loss against a weight, landscape, none
                await pilot.press(cycle)
                await pilot.press(*extras)
                await pilot.pause()
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert not runtime, [f"{w.filename}:{w.lineno}: {w.message}" for w in runtime]
