"""Every key of issue 4's table, and the mouse detail view, driven by Pilot.

Assertions are on state the issue specifies (the step index, the header's
phase and step number, the numbers shown), not on exact layout.
"""

from __future__ import annotations

import re
import time

import pytest
from conftest import click_element, narration_text, record_notifications, wait_until
from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from tui_backprop.app.screens.goto import GoToScreen
from tui_backprop.app.screens.keys_help import KeysHelpScreen
from tui_backprop.app.screens.lesson import LessonScreen
from tui_backprop.app.widgets.formula_line import FormulaLine
from tui_backprop.app.widgets.lesson_header import LessonHeader

SIZE = (100, 34)


def where(trace, index: int) -> tuple[int, str]:
    """(iteration, phase) of a step: the unit a phase boundary separates."""
    return trace.iteration_of(index)[0], trace[index].phase


def is_phase_start(trace, index: int) -> bool:
    return index == 0 or where(trace, index - 1) != where(trace, index)


def header_text(screen: LessonScreen) -> str:
    return str(screen.query_one(LessonHeader).render())


def formula_text(screen: LessonScreen) -> str:
    return str(screen.query_one(FormulaLine).render())


def assert_iteration_in_header(screen: LessonScreen, number: int) -> None:
    """ "iteration n/N" in the header's long form, "it n/N" in its compact one."""
    header = header_text(screen)
    assert re.search(rf"\b(iteration|it) {number}/", header), header


def assert_header_at(screen: LessonScreen, index: int) -> None:
    """The header is one line with the step as n / total, the step's phase and the title."""
    header = header_text(screen)
    total = len(screen.trace)
    assert "\n" not in header and screen.query_one(LessonHeader).size.height == 1
    assert f"{index + 1}/{total}" in header.replace(" ", ""), header
    assert screen.trace[index].phase in header, header
    assert screen.trace.scenario.title in header


# -- next / previous ---------------------------------------------------------------


async def test_next_step_keys(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert screen.index == 0
        assert_header_at(screen, 0)
        for expected, key in enumerate(("space", "right", "l"), start=1):
            await pilot.press(key)
            assert screen.index == expected, key
            assert_header_at(screen, expected)
            # The step's formula is on the formula line.
            assert screen.trace[expected].text in formula_text(screen)


async def test_previous_step_keys(lesson):
    app = lesson(start=5)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.index == 5
        expected = 5
        for key in ("left", "h", "backspace"):
            await pilot.press(key)
            expected -= 1
            assert screen.index == expected, key
            assert_header_at(screen, expected)
            assert screen.trace[expected].text in formula_text(screen)
        await pilot.press("h", "h")
        assert screen.index == 0
        for key in ("left", "h", "backspace"):  # nothing before the first step
            await pilot.press(key)
            assert screen.index == 0, key
        assert_header_at(screen, 0)


async def test_next_stops_at_the_last_step(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        last = len(screen.trace) - 1
        await pilot.press("end")
        assert screen.index == last
        await pilot.press("l", "space", "right")
        assert screen.index == last
        assert_header_at(screen, last)


# -- phases -------------------------------------------------------------------------


async def test_phase_keys_walk_every_boundary(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        trace = screen.trace
        last = len(trace) - 1
        starts = [i for i in range(len(trace)) if is_phase_start(trace, i)]
        # backprop-relu: forward, loss, backward, update, then the final forward and loss.
        assert [trace[i].phase for i in starts] == [
            "forward",
            "loss",
            "backward",
            "update",
            "forward",
            "loss",
        ]
        visited = [screen.index]
        while screen.index < last:
            before = where(trace, screen.index)
            await pilot.press("]")
            if screen.index < last:  # from the last phase, ] goes to the last step
                assert where(trace, screen.index) != before, "] did not change the phase"
            assert_header_at(screen, screen.index)
            visited.append(screen.index)
        # Every phase's first step, then the very last step.
        assert visited == starts + [last]
        # And back again with [: each press lands on a phase's first step.
        back = [screen.index]
        while screen.index > 0:
            await pilot.press("[")
            assert is_phase_start(trace, screen.index)
            assert_header_at(screen, screen.index)
            back.append(screen.index)
        assert back == visited[::-1]


async def test_previous_phase_from_the_middle_goes_to_its_start(lesson):
    app = lesson(start=20)  # inside the backward phase (steps 13..27)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.trace[20].phase == "backward"
        await pilot.press("left_square_bracket")
        assert screen.index == 12  # step 13: slope(out), the backward phase's first step
        assert screen.trace[12].phase == "backward"
        assert_header_at(screen, 12)
        await pilot.press("left_square_bracket")
        assert screen.index == 10  # step 11: the loss phase
        assert "loss" in header_text(screen)
        await pilot.press("right_square_bracket")
        assert screen.index == 12


# -- iterations ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["single-weight", "sgd"])
async def test_iteration_keys(lesson, name):
    app = lesson(name)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        trace = screen.trace
        assert trace.iterations > 3
        for number in (2, 3, 4):
            await pilot.press("}")
            assert screen.index == trace.first_index(number)
            assert trace.iteration_of(screen.index) == (number, 0)
            assert_iteration_in_header(screen, number)
        await pilot.press("l", "l", "l")
        assert trace.iteration_of(screen.index) == (4, 3)
        await pilot.press("{")  # from inside iteration 4: back to its start
        assert screen.index == trace.first_index(4)
        await pilot.press("{")  # from the start of 4: the start of 3
        assert screen.index == trace.first_index(3)
        assert_iteration_in_header(screen, 3)
        await pilot.press("left_curly_bracket", "left_curly_bracket")
        assert screen.index == 0
        await pilot.press("right_curly_bracket")
        assert screen.index == trace.first_index(2)


async def test_next_iteration_from_the_last_update_goes_to_the_end(lesson):
    app = lesson("single-weight")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        trace = screen.trace
        await pilot.press("end")
        await pilot.press("{")
        # The pass after training is its own "iteration" in the trace.
        assert screen.index < len(trace) - 1
        await pilot.press("}")
        assert screen.index == len(trace) - 1


# -- home / end / restart --------------------------------------------------------------


async def test_home_and_end(lesson):
    app = lesson(start=17)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        last = len(screen.trace) - 1
        await pilot.press("end")
        assert screen.index == last
        assert_header_at(screen, last)
        assert re.search(r"after training|· final\b", header_text(screen))
        await pilot.press("home")
        assert screen.index == 0
        assert_header_at(screen, 0)


async def test_restart(lesson):
    app = lesson(start=20)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        await click_element(pilot, "a2")
        assert screen.details == "a2"
        await pilot.press("r")
        assert screen.index == 0
        assert screen.details is None
        assert not screen.playing
        assert_header_at(screen, 0)


# -- autoplay ------------------------------------------------------------------------


def seconds(message: str) -> float:
    """The delay in a speed notification such as "one step every 0.8 s"."""
    return float(re.search(r"(\d+(?:\.\d+)?)\s*s\b", message).group(1))


async def test_autoplay_toggles_and_plus_minus_change_its_speed(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        notes = record_notifications(app)
        # - slows autoplay down: each press says the new, longer delay.
        await pilot.press("minus")
        await pilot.press("minus")
        delays = [seconds(message) for message, _ in notes]
        assert len(delays) == 2 and delays[1] > delays[0]
        await pilot.press(*["minus"] * 6)  # the slowest
        assert not screen.playing
        await pilot.press("p")
        assert screen.playing
        assert "playing" in header_text(screen)
        # the timer that steps runs, at the slowest delay announced
        slowest = seconds(notes[-1][0])
        assert slowest == max(seconds(message) for message, _ in notes)
        assert screen.timer._active.is_set() and screen.timer._interval == slowest
        # + speeds it up while it plays; "=" is the unshifted "+" key.
        await pilot.press("plus")
        await pilot.press("equals_sign")
        delays = [seconds(message) for message, _ in notes]
        assert delays[-1] < delays[-2] < delays[-3]
        await pilot.press(*["plus"] * 6)  # the fastest
        assert screen.playing
        fastest = seconds(notes[-1][0])
        assert screen.timer._interval == fastest
        begin, started = screen.index, time.monotonic()
        await wait_until(pilot, lambda: screen.index - begin >= 2, "the fastest autoplay stepping")
        # two ticks (a loaded machine drops some: the old bound of 8 ticks' time is kept)
        assert time.monotonic() - started < 8 * fastest
        await pilot.press("p")
        assert not screen.playing
        assert "playing" not in header_text(screen)
        assert not screen.timer._active.is_set(), "autoplay's timer kept running after p"


async def test_autoplay_stops_at_the_end(lesson):
    app = lesson(start=46)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        last = len(screen.trace) - 1
        assert last == 48
        await pilot.press(*["plus"] * 6, "p")
        await wait_until(pilot, lambda: not screen.playing, "autoplay stopping at the end")
        assert screen.index == last
        assert not screen.playing
        await pilot.press("p")  # at the end: nothing to play
        assert not screen.playing
        assert screen.index == last


# -- go to ---------------------------------------------------------------------------


async def test_goto_a_phase(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("g")
        assert isinstance(app.screen, GoToScreen)
        await pilot.press(*"backward", "enter")
        assert app.screen is screen
        assert screen.index == 12  # step 13, the backward phase's first step
        assert screen.trace[12].phase == "backward"
        assert screen.trace[11].phase != "backward"
        assert_header_at(screen, 12)


async def test_goto_a_step_number(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("g", "1", "5", "enter")
        assert screen.index == 14
        assert_header_at(screen, 14)
        assert "slope(b2->out)" in formula_text(screen)


async def test_goto_a_bad_entry_notifies_and_stays(lesson):
    app = lesson(start=6)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        notes = record_notifications(app)
        for count, entry in enumerate(["nowhere", "99"], start=1):
            await pilot.press("g", *entry, "enter")
            await pilot.pause()
            assert app.screen is screen, entry
            assert screen.index == 6, entry
            errors = [message for message, severity in notes if severity == "error"]
            assert len(errors) == count, f"no error notification for {entry!r}"
            assert_header_at(screen, 6)


async def test_goto_escape_cancels(lesson):
    app = lesson(start=3)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("g", "9")
        await pilot.press("escape")
        assert app.screen is screen
        assert screen.index == 3


# -- help, palette, quit ---------------------------------------------------------------


async def test_question_mark_shows_and_hides_the_keys_screen(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("question_mark")
        assert isinstance(app.screen, KeysHelpScreen)
        assert not app.screen.query("HelpPanel")  # the app's own screen, not Textual's
        await pilot.press("?")
        assert app.screen is screen


async def test_ctrl_p_opens_the_command_palette(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        assert isinstance(app.screen, LessonScreen)


async def search(pilot, text: str) -> None:
    """Type into the command palette's input at once (one search, not one a letter), and
    wait until the highlighted command is one that matches."""
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    palette.query_one(Input).value = text
    found = palette.query_one(OptionList)

    def matched() -> bool:
        option = found.highlighted is not None and found.get_option_at_index(found.highlighted)
        return bool(option) and text.lower() in str(option.prompt).lower()

    await wait_until(pilot, matched, f"the palette finding {text!r}")


async def test_command_palette_opens_a_scenario_and_runs_lesson_actions(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await search(pilot, "single-weight")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert screen.scenario.name == "single-weight"
        assert screen.index == 0
        assert screen.scenario.title in header_text(screen)
        # The lesson's own actions are there too.
        await pilot.press("ctrl+p")
        await search(pilot, "Last step")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.index == len(screen.trace) - 1


async def test_q_quits(lesson):
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
        assert not app.is_running


async def test_q_quits_the_picker(app_without_scenario):
    async with app_without_scenario.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app_without_scenario.return_code == 0


# -- mouse -------------------------------------------------------------------------------


async def test_click_a_node_shows_and_hides_its_details(lesson):
    app = lesson(start=22)  # step 23: slope(a2) has just been computed
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()  # the network is laid out after the first refresh
        before = narration_text(screen)
        await click_element(pilot, "a2")
        assert screen.details == "a2"
        text = narration_text(screen)
        assert "a2" in text
        for formula in (
            "z(a2) = 0.5 × 4 + 1 × (-1) = 1",
            "a2 = relu(1) = 1",
            "slope(a2) = 1 × 6 × 1 + 3 × 12 × 1 = 42",
        ):
            assert formula in text, text
        assert screen.index == 22  # a click does not move the step
        await click_element(pilot, "a2")
        assert screen.details is None
        assert narration_text(screen) == before


async def test_click_a_weight_shows_and_hides_its_details(lesson):
    app = lesson(start=29)  # step 30: x1->a2: 4 − 0.01 × 21 = 3.79
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        before = narration_text(screen)
        await click_element(pilot, "x1->a2")
        assert screen.details == "x1->a2"
        text = narration_text(screen)
        assert "slope(x1->a2) = 42 × 0.5 × 1 = 21" in text, text
        assert "x1->a2: 4 − 0.01 × 21 = 3.79" in text, text
        # The details follow the step: one step back the update is not known yet.
        await pilot.press("h")
        text = narration_text(screen)
        assert screen.details == "x1->a2"
        assert "slope(x1->a2) = 42 × 0.5 × 1 = 21" in text
        assert "3.79" not in text
        await click_element(pilot, "x1->a2")
        assert screen.details is None
        await pilot.press("l")
        assert narration_text(screen) == before


async def test_clicking_another_element_switches_the_details(lesson):
    app = lesson(start=26)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        await click_element(pilot, "a2")
        assert screen.details == "a2"
        await click_element(pilot, "x2->a2")
        assert screen.details == "x2->a2"
        assert "slope(x2->a2) = 42 × 1 × 1 = 42" in narration_text(screen)
        await pilot.press("escape")
        assert screen.details is None


async def test_clicking_an_edge_or_empty_canvas_selects_nothing(lesson):
    """Only a node box or a weight label is an element: a click beside them does nothing."""
    app = lesson(start=26)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        canvas = screen.query_one("#network")
        layout = canvas.layout_info
        boxes = [*layout.nodes.values(), *layout.labels.values()]
        empty = next(
            (x, y)
            for y in range(canvas.size.height)
            for x in range(canvas.size.width)
            if not any(
                b.x <= x + canvas.scroll_offset.x < b.x + b.width
                and b.y <= y + canvas.scroll_offset.y < b.y + b.height
                for b in boxes
            )
        )
        await pilot.click(canvas, offset=empty)
        assert screen.details is None
        assert screen.index == 26


async def test_a_key_during_an_animation_shows_its_own_step_at_once(lesson):
    """Next animates a step in; another key pressed before that animation ends finishes
    it and acts. The formula line shows the new step at once (the end of the interrupted
    animation used to write its own step's formula over it for the next third of a
    second), and after `back` the step before, whole."""
    app = lesson(start=40)
    async with app.run_test(size=SIZE) as pilot:
        app.animation_level = "full"
        screen = app.screen
        await pilot.pause()
        canvas = screen.query_one("#network")
        screen.action_next()  # step 42's numbers on their way
        assert canvas.progress < 1
        screen.action_next()  # at once, as a fast key would: step 43 animates in
        assert screen.index == 42 and canvas.progress < 1
        head = screen.trace[42].text.rpartition(" = ")[0]  # its result is still on its way
        assert formula_text(screen).startswith(f"43. {head} = "), formula_text(screen)
        screen.action_previous()  # back: no animation
        assert screen.index == 41
        assert formula_text(screen).startswith(f"42. {screen.trace[41].text}")
