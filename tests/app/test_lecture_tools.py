"""The lecture tools of issue 6 in the running app: what-if, gradient check, decimals,
screenshots, bookmarks, autoplay and --start-at."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from conftest import canvas_box_text, wait_until

from tui_backprop.app.app import BackpropApp
from tui_backprop.app.messages import ElementClicked
from tui_backprop.app.screens.lecture_tools import parse_number
from tui_backprop.cli import resolve
from tui_backprop.scenario import parse_scenario
from tui_backprop.trace import Trace

SIZE = (100, 34)


def widget_text(widget) -> str:
    """The widget's characters, without styles (the screen as a reader sees it)."""
    return "\n".join(line.text.rstrip() for line in widget.render_lines(widget.region.reset_offset))


async def answer(pilot, key: str, text: str) -> None:
    """Press `key`, type `text` into the prompt that opens, and submit it."""
    await pilot.press(key)
    await pilot.pause()
    pilot.app.screen.query_one("#ask-input").value = text
    await pilot.press("enter")
    await pilot.pause()


def header(screen) -> str:
    return widget_text(screen.query_one("#header"))


def narration(screen) -> str:
    """The narration's whole text, scrolled off lines included."""
    return screen.query_one("#narration").content.plain


def svg_lines(svg: str) -> list[str]:
    """The text of an SVG screenshot, line by line: Rich writes one <text> per styled
    run (spaces between runs left out), so each run is put back at its column."""
    root = ET.fromstring(svg)
    runs = []
    for element in root.iter("{http://www.w3.org/2000/svg}text"):
        clip = element.get("clip-path", "")
        text = html.unescape(element.text or "").replace("\xa0", " ")
        if "-line-" not in clip or not text:
            continue
        line = int(clip.rsplit("-line-", 1)[1].rstrip(")"))
        runs.append((line, float(element.get("x")), float(element.get("textLength")), text))
    cell = min(length / len(text) for _, _, length, text in runs)
    rows: dict[int, list[str]] = {}
    for line, x, _, text in runs:
        row = rows.setdefault(line, [])
        column = round(x / cell)
        row.extend(" " * (column + len(text) - len(row)))
        row[column : column + len(text)] = text
    return ["".join(rows.get(i, [])).rstrip() for i in range(max(rows) + 1)]


async def test_edit_weight_recomputes_like_a_file_with_that_weight():
    scenario = resolve("two-inputs")
    app = BackpropApp(scenario)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        screen.post_message(ElementClicked("x1->prediction"))
        await pilot.pause()
        await answer(pilot, "e", "5")
        assert screen.index == 0  # the start of the iteration that was edited
        assert "what-if" in header(screen)  # the header says so; the narration says what
        assert "x1->prediction = 5" in narration(screen)
        edited = scenario.layers[0].weights.copy()
        edited[0, 0] = 5
        layers = (
            scenario.layers[0].__class__(**{**scenario.layers[0].__dict__, "weights": edited}),
        )
        expected = Trace(scenario.with_changes(layers=layers))
        assert [s.to_json() for s in screen.trace] == [s.to_json() for s in expected]
        # back to the file's values
        await pilot.press("u")
        await pilot.pause()
        assert "what-if" not in header(screen)
        assert [s.to_json() for s in screen.trace] == [s.to_json() for s in Trace(scenario)]


async def test_edit_in_a_later_iteration_keeps_the_history():
    scenario = resolve("single-weight")
    app = BackpropApp(scenario, start=Trace(scenario).first_index(3) + 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        before = [screen.trace[i].to_json() for i in range(screen.trace.first_index(3))]
        screen.post_message(ElementClicked("x->prediction"))
        await pilot.pause()
        await answer(pilot, "e", "3.3333333333")
        assert screen.index == screen.trace.first_index(3)
        after = [screen.trace[i].to_json() for i in range(screen.trace.first_index(3))]
        assert after == before
        # the loss at the minimum of (3w - 10)^2 is (almost) zero from here on
        assert screen.trace.iteration(3).loss == pytest.approx(0, abs=1e-15)


@pytest.mark.parametrize("typed", ["abc", "inf", "nan", "1e999", "", "--2"])
async def test_a_non_number_is_refused_and_nothing_changes(typed: str):
    app = BackpropApp(resolve("two-inputs"), start=3)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        before = [s.to_json() for s in screen.trace]
        screen.post_message(ElementClicked("x2->prediction"))
        await pilot.pause()
        await answer(pilot, "e", typed)
        assert screen.index == 3
        assert [s.to_json() for s in screen.trace] == before
        assert not screen.trace.departures
        if typed:
            assert any("nothing changed" in n.message for n in app._notifications)


async def test_edit_needs_a_selected_weight():
    app = BackpropApp(resolve("backprop-relu"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is not None and app.screen.__class__.__name__ == "LessonScreen"
        assert any("Select a weight" in n.message for n in app._notifications)


async def test_large_learning_rate_diverges_with_a_warning_not_a_crash():
    scenario = resolve("two-inputs").with_changes(epochs=400)
    app = BackpropApp(scenario)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        with np.errstate(all="raise"):  # the app must not rely on NumPy warnings
            await answer(pilot, "a", "0.1")
            assert "what-if" in header(screen)
            assert "learning rate 0.1" in narration(screen)
            await pilot.press("end")
            await pilot.pause()
        text = header(screen)
        assert "⚠" in text
        losses = screen.trace.losses_until(screen.trace.updates)
        assert losses[1] > losses[0] and not np.isfinite(losses[-1])
        for key in ("left", "left", "[", "{", "home", "end"):
            await pilot.press(key)
        await pilot.pause()
        assert screen.index == len(screen.trace) - 1


async def test_learning_rate_must_be_positive():
    app = BackpropApp(resolve("two-inputs"))
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, "a", "-0.1")
        assert app.screen.trace.learning_rate(1) == 0.01
        assert any("positive" in n.message for n in app._notifications)


async def test_gradient_check_shows_estimates_beside_the_slopes():
    app = BackpropApp(resolve("backprop-relu"), start=26)  # slope(x2->a2) = 42
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("c")
        await pilot.pause()
        text = narration(screen)
        assert "Gradient check" in text and "1e-6" in text
        assert "▶ x2->a2 42 ✓ fd 42 (rel. diff" in text  # the step's own slope, first
        assert "a2->b2 12 ✓ fd 12" in text  # not the slide's 18
        assert "b2->out 18 ✓ fd 18" in text
        assert "✗" not in text
        await pilot.press("c")
        await pilot.pause()
        assert "Gradient check" not in narration(screen)


async def test_decimals_key_changes_every_number_shown():
    app = BackpropApp(resolve("backprop-relu"), start=46)  # out = 2.90947 after training
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        shown = []
        for _ in range(4):
            await pilot.press("d")
            await pilot.pause()
            shown.append((screen.decimals, screen.view.nodes["out"].value, screen.view.formula))
            # and the screen shows them: on the formula line and in out's box
            assert screen.view.formula in widget_text(screen.query_one("#formula"))
            assert f"= {shown[-1][1]}" in canvas_box_text(screen, "out")
        by_decimals = {d: (value, formula) for d, value, formula in shown}
        assert by_decimals[6][0] == "2.90947" and "= 2.90947" in by_decimals[6][1]
        assert by_decimals[2][0] == "2.91" and "= 2.91" in by_decimals[2][1]


async def test_screenshot_key_saves_an_svg_and_says_where(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = BackpropApp(resolve("backprop-relu"), start=14)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
    saved = tmp_path / "backprop-tui-backprop-relu-step15.svg"
    assert saved.is_file()
    ET.parse(saved)  # well-formed SVG
    assert any(
        "15. slope(b2->out) = 6 × 3 × 1 = 18" in line for line in svg_lines(saved.read_text())
    )
    assert any(str(saved) in n.message for n in app._notifications)


def test_screenshot_command_renders_the_place(tmp_path):
    target = tmp_path / "shot.svg"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui_backprop",
            "backprop-relu",
            "--screenshot",
            str(target),
            "--start-at",
            "backward",
            "--size",
            "100x30",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    root = ET.parse(target).getroot()
    assert root.tag.endswith("svg")
    lines = svg_lines(target.read_text())
    assert any("13. slope(out) = 2 × error = 2 × 3 = 6" in line for line in lines), lines
    # the header, compact below 100 columns: step 13/49 of the backward phase
    assert re.search(r"\b13/49 · backward\b", lines[0]), lines[0]


def test_start_at_a_bad_place_is_a_clean_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "backprop-relu", "--start-at", "iteration:7"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "iteration 7 is outside 1..2" in done.stderr and "Traceback" not in done.stderr


BOOKMARKS = """
title = "Bookmarked"
[network]
inputs = ["x"]
[[network.layers]]
nodes = ["y"]
weights = [[2]]
[data]
inputs = [3]
targets = [10]
[training]
epochs = 4
[[bookmarks]]
name = "the slope"
step = "backward"
note = "-24, as on the slide"
[[bookmarks]]
name = "third update"
step = "iteration:3:update"
"""


async def test_bookmarks_key_lists_and_jumps():
    scenario = parse_scenario(BOOKMARKS, "bookmarked.toml")
    app = BackpropApp(scenario)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        step = screen.trace[screen.index]
        assert (step.iteration, step.phase) == (3, "update")
        assert step.index == 0 or screen.trace[step.index - 1].phase != "update"
        await pilot.press("g")
        await pilot.pause()
        app.screen.query_one("#goto-input").value = "the slope"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.trace[screen.index].text == "slope(y) = 2 × error = 2 × (-4) = -8"


async def test_autoplay_from_the_command_line_plays():
    app = BackpropApp(resolve("backprop-relu"), 0, autoplay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.playing
        await wait_until(pilot, lambda: screen.index >= 3, "autoplay stepping")
        await pilot.press("p")
        await pilot.pause()
        assert not screen.playing
        assert not screen.timer._active.is_set(), "autoplay's timer kept running after p"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("2", 2.0), ("-0.5", -0.5), ("0,25", 0.25), ("−3", -3.0), ("1e-3", 0.001), (" 7 ", 7.0)],
)
def test_parse_number_reads_what_people_type(typed: str, value: float):
    assert parse_number(typed) == value
