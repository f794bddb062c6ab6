"""What the screen shows: every number of the slide, the round trip, sizes, the picker."""

from __future__ import annotations

import asyncio
import random
import re
import time

import pytest
from conftest import canvas_box_text, narration_text
from textual import events
from textual.content import Content
from textual.geometry import Region
from textual.widgets import OptionList, Static

from tui_backprop.app.screens.lesson import LessonScreen
from tui_backprop.app.screens.picker import PickerScreen
from tui_backprop.app.widgets.data_panel import DataPanel
from tui_backprop.app.widgets.formula_line import FormulaLine
from tui_backprop.app.widgets.lesson_header import LessonHeader
from tui_backprop.app.widgets.narration_panel import NarrationPanel
from tui_backprop.app.widgets.network_canvas import NetworkCanvas
from tui_backprop.bundled import bundled_names
from tui_backprop.view import screen_text

SIZE = (100, 34)
NEGATIVE_ZERO = re.compile(r"(?<![\d.])-0(?:\.0*)?(?![\d.])")


def network_of(screen: LessonScreen) -> NetworkCanvas:
    return screen.query_one("#network", NetworkCanvas)


def panels(screen: LessonScreen, text_of) -> dict[str, str]:
    """The painted text of every panel, and of each node box and weight label as the
    network canvas draws it, by a readable key."""
    layout = network_of(screen).layout_info
    texts = {
        "header": text_of(screen.query_one(LessonHeader)),
        "formula": text_of(screen.query_one(FormulaLine)),
        "narration": narration_text(screen),
        "data": text_of(screen.query_one(DataPanel)),
    }
    for name in layout.nodes:
        texts[f"node {name}"] = canvas_box_text(screen, name)
    for name in layout.labels:
        texts[f"weight {name}"] = canvas_box_text(screen, name)
    return texts


def signature(screen: LessonScreen, text_of) -> tuple[str, dict[str, str]]:
    return screen_text(screen.view), panels(screen, text_of)


def plain(widget) -> str:
    """What a panel shows, independent of layout and scrolling: its Content as text."""
    content = widget.content
    assert isinstance(content, Content), type(content)
    return content.plain


def shown(screen: LessonScreen) -> tuple[str, ...]:
    """The screen's text: the step's view, every panel's text, the whole network canvas
    (scrolled off parts included) and where it is scrolled to, in a fixed order."""
    canvas = network_of(screen)
    widgets = [
        screen.query_one(LessonHeader),
        screen.query_one(FormulaLine),
        screen.query_one(NarrationPanel),
        screen.query_one(DataPanel),
    ]
    return (
        screen_text(screen.view),
        *(plain(widget) for widget in widgets),
        "\n".join(canvas.text_lines()),
        str(canvas.scroll_offset),
    )


async def tap(app, key: str, index: int) -> None:
    """Press a key the way Pilot does (a Key event to the app), without waiting for the
    repaint, until the step index is `index` (the screen is updated in the same call)."""
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    screen = app.screen
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if screen.index == index:
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"{key} did not reach step {index + 1}; at {screen.index + 1}")


# -- every number of slide 7 on screen, at its step ----------------------------------

# (0-based index, widget key, number that must appear there); the formulas are from
# /work/shared/slides.md section 7 and the bundled scenario's trace.
SLIDE_NUMBERS = [
    (0, "node x1", "0.5"),
    (0, "node x2", "1"),
    (2, "node a1", "0"),  # relu(-1)
    (4, "node a2", "1"),
    (6, "node b1", "1"),
    (8, "node b2", "3"),
    (9, "node out", "7"),  # the output
    (10, "data", "3"),  # error 7 - 4
    (12, "node out", "6"),  # slope of the loss w.r.t. the output
    (13, "weight b1->out", "6"),
    (14, "weight b2->out", "18"),
    (15, "node b1", "6"),
    (16, "node b2", "12"),
    (17, "weight a1->b1", "0"),
    (18, "weight a2->b1", "6"),
    (19, "weight a1->b2", "0"),
    (20, "weight a2->b2", "12"),  # the slide prints 18 here; 12 is right
    (21, "node a1", "24"),
    (22, "node a2", "42"),
    (23, "weight x1->a1", "0"),
    (24, "weight x2->a1", "0"),
    (25, "weight x1->a2", "21"),
    (26, "weight x2->a2", "42"),
]

SLOPES = {  # what the StepView says once the backward pass has reached each element
    "out": "6",
    "b1": "6",
    "b2": "12",
    "a1": "24",
    "a2": "42",
    "b1->out": "6",
    "b2->out": "18",
    "a1->b1": "0",
    "a2->b1": "6",
    "a1->b2": "0",
    "a2->b2": "12",
    "x1->a1": "0",
    "x2->a1": "0",
    "x1->a2": "21",
    "x2->a2": "42",
}

END_OF_BACKWARD = 26


async def test_every_slide_number_is_on_screen_at_its_step(lesson, text_of, numbers):
    """Nodes and weight labels have a fixed size, so their painted text is read at once;
    the panels whose height follows their text are read after a repaint."""
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        previous = panels(screen, text_of)
        seen: list[tuple[str, str]] = []
        for index in range(END_OF_BACKWARD + 1):
            if index:
                await tap(app, "l", index)
            if any(at == index and key == "data" for at, key, _ in SLIDE_NUMBERS):
                await pilot.pause()
            texts = panels(screen, text_of)
            header = plain(screen.query_one(LessonHeader))
            assert f"{index + 1}/{len(screen.trace)}" in header.replace(" ", ""), header
            # The step's formula, numbers in, is on the formula line.
            formula = screen.trace[index].text
            assert formula in plain(screen.query_one(FormulaLine)), (index, formula)
            for at, key, number in SLIDE_NUMBERS:
                if at == index:
                    assert number in numbers(texts[key]), (index, key, number, texts[key])
                    if index:  # something new appeared in that widget at this step
                        assert texts[key] != previous[key], (index, key, texts[key])
                    seen.append((key, number))
            # Numbers stay on screen for the rest of the forward and backward pass.
            for key, number in seen:
                assert number in numbers(texts[key]), (index, key, number, texts[key])
            for key, text in texts.items():
                assert not NEGATIVE_ZERO.search(text), (index, key, text)
            previous = texts

        # At the end of the backward pass every slope of the slide is known at once.
        view = screen.view
        for name, slope in SLOPES.items():
            element = view.nodes.get(name) or view.weights[name]
            assert element.slope == slope, (name, element.slope)
        # The data panel: prediction 7, target 4, error 3, squared error 9.
        await pilot.pause()
        data = numbers(text_of(screen.query_one(DataPanel)))
        for number in ("7", "4", "3", "9"):
            assert number in data, (number, data)


async def test_the_update_shows_old_and_new_weights(lesson, text_of, numbers):
    app = lesson(start=26)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        news = {  # steps 28..37
            "x1->a1": "2",
            "x2->a1": "-2",
            "x1->a2": "3.79",
            "x2->a2": "-1.42",
            "a1->b1": "0",
            "a2->b1": "0.94",
            "a1->b2": "2",
            "a2->b2": "2.88",
            "b1->out": "0.94",
            "b2->out": "1.82",
        }
        for offset, (name, new) in enumerate(news.items(), start=27):
            await tap(app, "l", offset)
            assert screen.trace[screen.index].weight == name
            assert screen.view.weights[name].new == new
            label = canvas_box_text(screen, name)
            assert new in numbers(label), (name, label)
            # The formula line has old -> new with the numbers in.
            old = screen.view.weights[name].value
            formula = numbers(plain(screen.query_one(FormulaLine)).splitlines()[0])
            assert formula[-1] == new and old in formula, (name, formula)
        # After training: the output 2.909(47) and the loss 1.189(256), rounded as shown.
        await pilot.press("end")
        texts = panels(screen, text_of)
        assert screen.view.loss is not None
        assert screen.view.loss in numbers(texts["data"])
        # the header's long form says "after training", its compact form (below 100
        # columns) "final"
        assert re.search(r"after training|· final\b", texts["header"]), texts["header"]


# -- the round trip -----------------------------------------------------------------


async def painted_screen(pilot) -> str:
    """The exported screen once it has settled: the Footer rebuilds its keys after every
    step (their enabled state changes), and is blank for a moment meanwhile."""
    shot = None
    for _ in range(20):
        await pilot.pause()
        latest = pilot.app.export_screenshot()
        if latest == shot:
            return latest
        shot = latest
    return shot


# Steps whose painted screen (edges and all) is compared too: the first step,
# a weight slope, an update, the last step after training.
PAINTED = (0, 14, 29, 48)


async def test_forward_and_back_show_exactly_the_same_screens(lesson):
    """Every step of backprop-relu, forward with l and back with h: the same text in
    every widget (and the same view), at every step; the same as going straight there
    with screen.go or the g key. At PAINTED steps the whole painted screen is compared
    too (a repaint per step would make this test several times slower)."""
    app = lesson()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        last = len(screen.trace) - 1
        assert last == 48
        forward = {0: shown(screen)}
        painted = {0: await painted_screen(pilot)}
        for index in range(1, last + 1):
            with app.batch_update():  # no repaint between steps: the text is compared
                await tap(app, "l", index)
                forward[index] = shown(screen)
            assert forward[index] != forward[index - 1], f"step {index + 1} shows no change"
            if index in PAINTED:
                painted[index] = await painted_screen(pilot)
        for index in range(last - 1, -1, -1):
            with app.batch_update():
                await tap(app, "h", index)
                back = shown(screen)
            assert back == forward[index], f"step {index + 1} differs going back"
            if index in PAINTED:
                assert await painted_screen(pilot) == painted[index], (
                    f"step {index + 1} is painted differently going back"
                )
        # Straight to each step from elsewhere, in a scrambled order.
        order = list(range(last + 1))
        random.Random(4).shuffle(order)
        for index in order:
            screen.go(index)
            assert shown(screen) == forward[index], f"step {index + 1} differs when jumped to"
            if index in PAINTED:
                assert await painted_screen(pilot) == painted[index], (
                    f"step {index + 1} is painted differently when jumped to"
                )
        # And with the g key.
        for index in (14, last):
            await pilot.press("g", *str(index + 1), "enter")
            assert screen.index == index
            assert shown(screen) == forward[index]
            assert await painted_screen(pilot) == painted[index]


# -- sizes --------------------------------------------------------------------------


async def test_80x24_shows_the_whole_network(lesson, numbers):
    app = lesson(start=22)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.pause()
        canvas = network_of(screen)
        assert app.screen.region.contains_region(canvas.region) and canvas.region.area > 0
        # Every node box and weight label is inside the part of the canvas in view.
        in_view = Region(*canvas.scroll_offset, *canvas.size)
        layout = canvas.layout_info
        assert set(layout.nodes) == set(screen.view.nodes)
        assert set(layout.labels) == set(screen.view.weights)
        for name, box in [*layout.nodes.items(), *layout.labels.items()]:
            region = Region(box.x, box.y, box.width, box.height)
            assert in_view.contains_region(region), (name, region, in_view)
        assert "42" in numbers(canvas_box_text(screen, "a2"))
        assert not screen.query_one("#too-small").display


async def test_too_small_then_restored(lesson, text_of):
    app = lesson(start=17)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        before = signature(screen, text_of)
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        message = screen.query_one("#too-small", Static)
        assert message.display and message.region.area > 0
        text = text_of(message)
        assert re.search(r"\d+\s*[×x]\s*\d+", text), text  # says the size it needs
        assert network_of(screen).region.area == 0
        # Keys still work, nothing raises.
        await pilot.press("l", "h", "question_mark", "question_mark")
        assert screen.index == 17
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen
        assert screen.index == 17
        assert not message.display or message.region.area == 0
        assert network_of(screen).region.area > 0
        assert signature(screen, text_of) == before


async def test_resize_to_80x24_and_back(lesson, text_of):
    app = lesson(start=30)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        before = signature(screen, text_of)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.index == 30
        assert "31/" in text_of(screen.query_one(LessonHeader)).replace(" ", "")
        await pilot.press("l", "h")
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await pilot.pause()
        assert screen.index == 30
        assert signature(screen, text_of) == before


# -- the picker ---------------------------------------------------------------------


async def test_picker_lists_the_bundled_scenarios_and_opens_the_default(
    app_without_scenario, text_of
):
    app = app_without_scenario
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        picker = app.screen.query_one(OptionList)
        ids = [picker.get_option_at_index(i).id for i in range(picker.option_count)]
        assert sorted(ids) == sorted(bundled_names())
        shown = text_of(picker)
        assert "Backpropagation with ReLU" in shown
        assert ids[picker.highlighted] == "backprop-relu"
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert screen.scenario.name == "backprop-relu"
        assert screen.index == 0
        assert "Backpropagation with ReLU" in text_of(screen.query_one(LessonHeader))


async def test_picker_opens_the_highlighted_scenario(app_without_scenario):
    app = app_without_scenario
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        picker = app.screen.query_one(OptionList)
        await pilot.press("down")
        wanted = picker.get_option_at_index(picker.highlighted).id
        assert wanted != "backprop-relu"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.scenario.name == wanted


# -- the narration -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["100x34", "80x24"])
async def test_the_phase_note_can_be_read_in_full_from_the_keyboard(lesson, text_of, size):
    """backprop-relu's step 21 carries the slide's 18 -> 12 correction and the phase's
    notes. The narration gets the rows the other panels leave: where it is longer, page
    down (or j) scrolls to its end, page up (or k) back, and n hides and shows it."""
    app = lesson(start=20)  # step 21: slope(a2->b2) = 12 × 1 × 1 = 12
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        await pilot.pause()
        note = screen.view.note
        assert "The slide prints 18 here; computed: 12" in screen.view.slide
        assert "b2's slope is 12" in note
        painted = " ".join(narration_text(screen).split())
        assert " ".join(note.split()) in painted and screen.view.slide in painted
        panel = screen.query_one(NarrationPanel)
        assert panel.region.height > 0
        if size == (80, 24):
            assert panel.max_scroll_y > 0, "the note fits 80x24: this test checks nothing"
        pages = 0
        while panel.scroll_y < panel.max_scroll_y:
            await pilot.press("pagedown" if pages % 2 else "j")
            await pilot.pause()
            pages += 1
            assert pages <= 20, "page down does not reach the end of the note"
        # The narration's last line (the step's words, after the notes) is now on screen.
        assert panel.scroll_y == panel.max_scroll_y
        last_words = " ".join(screen.view.words.split()[-3:])
        assert last_words in " ".join(text_of(panel).split()), text_of(panel)
        if pages:
            await pilot.press(*["k"] * pages)
            await pilot.pause()
            assert panel.scroll_y == 0
        before = network_of(screen).size
        await pilot.press("n")
        await pilot.pause()
        assert not panel.display or panel.region.area == 0
        assert screen.index == 20
        await pilot.press("n")
        await pilot.pause()
        assert panel.region.height > 0
        assert network_of(screen).size == before
