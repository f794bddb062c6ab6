"""Steps drawn ahead in the pauses between keys (the next step, the step before, the
next iteration's first step) look exactly as when drawn on the spot, and the keys that
cross an iteration find them ready."""

from __future__ import annotations

import pytest
from conftest import wait_until, widget_text

from tui_backprop import diagram
from tui_backprop.app.app import BackpropApp
from tui_backprop.app.screens.lesson import LessonScreen
from tui_backprop.app.widgets.network_canvas import NetworkCanvas
from tui_backprop.cli import resolve

# keys that cross iterations both ways: `}` into an iteration, back over its start,
# into it again, a step within it
CROSSINGS = ("right_curly_bracket", "left", "space", "space", "left_curly_bracket", "left")


async def settled(pilot) -> LessonScreen:
    """The screen once its pause's work is done (what it draws ahead, drawn)."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, LessonScreen) and app.screen.ahead_done,
        "the pause's work",
    )
    return app.screen


PANELS = ("#header", "#formula", "#data", "#narration")


def drawn(screen: LessonScreen) -> tuple:
    """What the screen draws, whatever is scrolled into view: the text panels' text
    and every row of the network, with its styles."""
    canvas = screen.query_one(NetworkCanvas)
    rows = [[(segment.text, segment.style) for segment in row] for row in canvas.drawn_rows()]
    return (screen.index, [widget_text(screen.query_one(panel)) for panel in PANELS], rows)


async def drawn_at(name: str, size: tuple[int, int], index: int) -> tuple:
    """The same for a lesson opened at step `index`: drawn on the spot."""
    app = BackpropApp(resolve(name), index)
    async with app.run_test(size=size) as pilot:
        return drawn(await settled(pilot))


@pytest.mark.parametrize(("name", "size"), [("sgd", (80, 24)), ("big-network", (120, 40))])
async def test_a_step_drawn_ahead_looks_as_drawn_on_the_spot(name, size):
    app = BackpropApp(resolve(name), 0)
    seen = []
    async with app.run_test(size=size) as pilot:
        for key in CROSSINGS:
            await settled(pilot)
            await pilot.press(key)
            seen.append(drawn(await settled(pilot)))
    for shown in seen:
        assert shown == await drawn_at(name, size, shown[0]), f"step {shown[0] + 1}"


async def test_keys_across_an_iteration_find_the_step_drawn(monkeypatch):
    """`}`, and the step back over an iteration's start, draw no picture at the key:
    the pause before drew it."""
    drawn = []
    real = diagram.draw
    monkeypatch.setattr(diagram, "draw", lambda *args: drawn.append(args[3]) or real(*args))
    app = BackpropApp(resolve("sgd"), 0)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("right_curly_bracket", "left"):
            screen = await settled(pilot)
            index = screen.index
            before = screen.trace.iteration_of(index)[0]
            drawn.clear()
            await pilot.press(key)
            await wait_until(pilot, lambda s=screen, i=index: s.index != i, key)
            assert screen.trace.iteration_of(screen.index)[0] != before, key
            assert not any(view is screen.view for view in drawn), key
