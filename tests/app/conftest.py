"""Shared fixtures for the app tests: no animations, a lesson app, screen text."""

from __future__ import annotations

import re
import time

import pytest
import textual.constants
from textual.geometry import Region
from textual.widget import Widget

from tui_backprop.app.app import BackpropApp
from tui_backprop.cli import resolve

SIZE = (100, 34)


@pytest.fixture(autouse=True)
def no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """TEXTUAL_ANIMATIONS=none; textual reads it at import, so set the constant too."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def lesson():
    """lesson(name="backprop-relu", start=0) -> a BackpropApp on that bundled scenario."""

    def make(name: str = "backprop-relu", start: int = 0) -> BackpropApp:
        return BackpropApp(resolve(name), start)

    return make


def widget_text(widget: Widget) -> str:
    """The characters the widget paints (border and title included), without styles."""
    width, height = widget.outer_size
    lines = widget.render_lines(Region(0, 0, width, height))
    return "\n".join(line.text.rstrip() for line in lines)


def narration_text(screen) -> str:
    """The narration's whole text, scrolled off lines included (unwrapped)."""
    return screen.query_one("#narration").content.plain


def canvas_box_text(screen, name: str) -> str:
    """What the network canvas draws inside a node's box or on a weight's label row
    (scrolled off or not): the element as the canvas shows it."""
    canvas = screen.query_one("#network")
    layout = canvas.layout_info
    box = layout.nodes.get(name) or layout.labels[name]
    lines = canvas.text_lines()
    return "\n".join(lines[y][box.x : box.x + box.width] for y in range(box.y, box.y + box.height))


async def wait_until(pilot, condition, what: str, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds: a wait on the app's state, which ends
    as soon as it holds (`timeout` only bounds a wait that never ends)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await pilot.pause()


async def click_element(pilot, name: str) -> None:
    """Click a node or weight label on the canvas, scrolling it into view first."""
    canvas = pilot.app.screen.query_one("#network")
    layout = canvas.layout_info
    box = layout.nodes.get(name) or layout.labels[name]
    canvas.scroll_to_region(
        Region(box.x, box.y, box.width, box.height), animate=False, immediate=True, force=True
    )
    await pilot.pause()
    x = box.x + box.width // 2 - canvas.scroll_offset.x
    y = box.y + box.height // 2 - canvas.scroll_offset.y
    assert 0 <= x < canvas.size.width and 0 <= y < canvas.size.height, (name, x, y)
    assert await pilot.click(canvas, offset=(x, y)), name


NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def numbers_in(text: str) -> list[str]:
    """The numbers in a piece of screen text, as written ("-2", "0.94", "18")."""
    return NUMBER.findall(text)


@pytest.fixture
def text_of():
    return widget_text


@pytest.fixture
def numbers():
    return numbers_in


@pytest.fixture
def app_without_scenario() -> BackpropApp:
    return BackpropApp(None)


def record_notifications(app) -> list[tuple[str, str]]:
    """(message, severity) of every notification from now on, even after it expires."""
    seen: list[tuple[str, str]] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        seen.append((str(message), kwargs.get("severity", "information")))
        return notify(message, *args, **kwargs)

    app.notify = recording
    return seen
