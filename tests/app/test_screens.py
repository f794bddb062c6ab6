"""What the screen shows: every number of the slide, the round trip, sizes, the picker."""

from __future__ import annotations

import asyncio
import io
import random
import re
import time

from rich.console import Console
from textual import events
from textual.content import Content
from textual.widgets import OptionList, Static

from tui_backprop.app.screens.lesson import LessonScreen
from tui_backprop.app.screens.picker import PickerScreen
from tui_backprop.app.widgets.data_panel import DataPanel
from tui_backprop.app.widgets.explanation_panel import ExplanationPanel
from tui_backprop.app.widgets.lesson_header import LessonHeader
from tui_backprop.bundled import bundled_names
from tui_backprop.view import screen_text

SIZE = (100, 34)
NEGATIVE_ZERO = re.compile(r"(?<![\d.])-0(?:\.0*)?(?![\d.])")


def network_of(screen: LessonScreen):
    return screen.query_one("#network")


def panels(screen: LessonScreen, text_of) -> dict[str, str]:
    """The painted text of every widget that shows a number, by a readable key."""
    network = network_of(screen)
    texts = {
        "header": text_of(screen.query_one(LessonHeader)),
        "explanation": text_of(screen.query_one(ExplanationPanel)),
        "data": text_of(screen.query_one(DataPanel)),
    }
    for name, node in network.nodes.items():
        texts[f"node {name}"] = text_of(node)
    for name, label in network.labels.items():
        texts[f"weight {name}"] = text_of(label)
    return texts


def signature(screen: LessonScreen, text_of) -> tuple[str, dict[str, str]]:
    return screen_text(screen.view), panels(screen, text_of)


def plain(widget: Static) -> str:
    """What a Static shows, independent of layout: Content as text, a rich table rendered."""
    visual = widget.visual
    if isinstance(visual, Content):
        return visual.plain
    console = Console(width=200, file=io.StringIO(), color_system=None, record=True)
    console.print(widget.content)
    return console.export_text()


def shown(screen: LessonScreen) -> tuple[str, ...]:
    """The screen's text: the step's view, then every widget's text, in a fixed order."""
    network = network_of(screen)
    widgets = [
        screen.query_one(LessonHeader),
        screen.query_one(ExplanationPanel),
        screen.query_one(DataPanel),
        *network.nodes.values(),
        *network.labels.values(),
    ]
    return (screen_text(screen.view), *(plain(widget) for widget in widgets))


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
            # The step's formula, numbers in, is in the explanation panel.
            formula = screen.trace[index].text
            assert formula in plain(screen.query_one(ExplanationPanel)), (index, formula)
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
            label = text_of(network_of(screen).labels[name])
            assert new in numbers(label), (name, label)
            # The explanation has old -> new with the numbers in.
            old = screen.view.weights[name].value
            formula = numbers(plain(screen.query_one(ExplanationPanel)).splitlines()[0])
            assert formula[-1] == new and old in formula, (name, formula)
        # After training: the output 2.909(47) and the loss 1.189(256), rounded as shown.
        await pilot.press("end")
        texts = panels(screen, text_of)
        assert screen.view.loss is not None
        assert screen.view.loss in numbers(texts["data"])
        assert "after training" in texts["header"]


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


async def test_80x24_shows_the_whole_network(lesson, text_of, numbers):
    app = lesson(start=22)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.pause()
        whole = app.screen.region
        network = network_of(screen)
        assert network.nodes
        for name, node in network.nodes.items():
            assert node.region.area > 0, name
            assert whole.contains_region(node.region), (name, node.region)
        for name, label in network.labels.items():
            assert label.region.area > 0, name
            assert whole.contains_region(label.region), (name, label.region)
        assert "42" in numbers(text_of(network.nodes["a2"]))
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
        assert all(node.region.area == 0 for node in network_of(screen).nodes.values())
        # Keys still work, nothing raises.
        await pilot.press("l", "h", "question_mark", "question_mark")
        assert screen.index == 17
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen
        assert screen.index == 17
        assert not message.display or message.region.area == 0
        for name, node in network_of(screen).nodes.items():
            assert node.region.area > 0, name
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


# -- the explanation panel ------------------------------------------------------------


async def test_the_phase_note_can_be_read_in_full(lesson, text_of):
    """backprop-relu's step 21 carries the slide's 18 -> 12 correction and its note; the
    panel may be longer than its share of a 100x34 screen, so its end must scroll into view."""
    app = lesson(start=20)  # step 21: slope(a2->b2) = 12 × 1 × 1 = 12
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        note = screen.view.note
        assert "The slide prints 18 here; computed: 12" in screen.view.slide
        assert "b2's slope is 12" in note
        panel = screen.query_one(ExplanationPanel)
        painted = " ".join(text_of(panel).split())
        assert " ".join(note.split()) in painted, painted
        assert screen.view.slide in painted, painted
        geometry = screen.find_widget(panel)
        if geometry.visible_region != geometry.region:  # cut off: it must scroll
            scroller = next(
                (a for a in panel.ancestors if getattr(a, "allow_vertical_scroll", False)),
                None,
            )
            assert scroller is not None, "the explanation is cut off and cannot scroll"
            scroller.scroll_end(animate=False)
            await pilot.pause()
            geometry = screen.find_widget(panel)
            # The panel's last line (the end of the note) is now on screen.
            assert geometry.visible_region.bottom == geometry.region.bottom
