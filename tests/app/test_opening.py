"""The opening frame: the network drawn from the file's outline, then the lesson."""

from __future__ import annotations

import pytest
from conftest import wait_until, widget_text
from svg_text import svg_lines
from textual.geometry import Region

from tui_backprop.app.app import BackpropApp
from tui_backprop.app.screens.lesson import LessonScreen
from tui_backprop.app.screens.opening import OpeningScreen
from tui_backprop.bundled import bundled_path
from tui_backprop.first_frame import first_frame
from tui_backprop.outline import read_outline
from tui_backprop.scenario import load_scenario


def opening_app(path, start: int = 0) -> BackpropApp:
    outline = read_outline(path)
    assert outline is not None
    return BackpropApp(None, start, opening=(outline, path, lambda: None))


def lesson_shown(app) -> bool:
    return isinstance(app.screen, LessonScreen) and app.screen.view is not None


class Held:
    """Keeps the opening screen up: Textual's Ready reaches it, and the lesson waits
    for the test to call `release()`."""

    def __init__(self, monkeypatch) -> None:
        self.waiting: list[OpeningScreen] = []
        self.real = OpeningScreen._open
        monkeypatch.setattr(OpeningScreen, "_open", lambda screen: self.waiting.append(screen))

    async def until_ready(self, pilot) -> OpeningScreen:
        await wait_until(pilot, lambda: self.waiting, "the opening frame painted")
        assert len(self.waiting) == 1, "the lesson is opened once"
        return self.waiting[0]

    def release(self) -> None:
        self.real(self.waiting.pop())


@pytest.fixture
def held(monkeypatch) -> Held:
    return Held(monkeypatch)


async def test_the_network_comes_first_then_the_lesson(held):
    app = opening_app(bundled_path("backprop-relu"))
    async with app.run_test(size=(100, 34)) as pilot:
        screen = await held.until_ready(pilot)
        assert app.screen is screen
        canvas = screen.query_one("#network").text_lines()
        drawn = "\n".join(canvas)
        for name in ("x1", "x2", "a1", "a2", "b1", "b2", "out"):
            assert f" {name} " in drawn, name
        header = widget_text(screen.query_one("#header"))
        assert header.strip() == "Backpropagation with ReLU · opening…"
        unnamed = drawn
        for name in ("x1", "x2", "a1", "a2", "b1", "b2"):
            unnamed = unnamed.replace(name, "")
        assert "= ·" in unnamed  # the values' places, empty: nothing computed yet
        assert not any(c.isdigit() for c in unnamed), unnamed
        held.release()
        await wait_until(pilot, lambda: lesson_shown(app), "the lesson")
        assert app.screen.index == 0
        assert "x1 = 0.5" in widget_text(app.screen.query_one("#formula"))


async def test_keys_pressed_while_opening_reach_the_lesson(held):
    app = opening_app(bundled_path("backprop-relu"))
    async with app.run_test(size=(100, 34)) as pilot:
        await held.until_ready(pilot)
        await pilot.press("space", "space", "space")
        assert isinstance(app.screen, OpeningScreen)  # held: the keys wait
        held.release()
        await wait_until(
            pilot,
            lambda: lesson_shown(app) and app.screen.index == 3,
            "step 4 after three spaces",
        )


async def test_opening_at_a_step(held):
    app = opening_app(bundled_path("backprop-relu"), start=12)
    async with app.run_test(size=(80, 24)) as pilot:
        await held.until_ready(pilot)
        held.release()
        await wait_until(pilot, lambda: lesson_shown(app), "the lesson")
        assert app.screen.index == 12


async def test_a_file_broken_after_its_check_closes_the_app_with_its_message(tmp_path, held):
    path = tmp_path / "lesson.toml"
    path.write_text(bundled_path("backprop-relu").read_text(encoding="utf-8"), encoding="utf-8")
    app = opening_app(path)
    path.write_text(  # changed between the check and the load: a misspelt table
        path.read_text(encoding="utf-8").replace("[[network.layers]]", "[[network.layer]]", 1),
        encoding="utf-8",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await held.until_ready(pilot)
        held.release()
        await wait_until(pilot, lambda: app.return_code == 2, "exit status 2")
    assert app.failure is not None and str(path) in app.failure


async def test_a_file_gone_after_its_check_closes_the_app_with_its_message(tmp_path, held):
    path = tmp_path / "lesson.toml"
    path.write_text(bundled_path("backprop-relu").read_text(encoding="utf-8"), encoding="utf-8")
    app = opening_app(path)
    path.unlink()
    async with app.run_test(size=(80, 24)) as pilot:
        await held.until_ready(pilot)
        held.release()
        await wait_until(pilot, lambda: app.return_code == 2, "exit status 2")
    assert app.failure is not None and app.failure.startswith(f"{path}: ")


async def test_a_tall_network_opens_on_its_inputs(held):
    """big-network's inputs sit in the middle of its height: the opening scrolls to
    them, where step 1 begins."""
    app = opening_app(bundled_path("big-network"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await held.until_ready(pilot)
        await pilot.pause()
        canvas = screen.query_one("#network")
        assert canvas.max_scroll_y > 0
        shown = Region(*canvas.scroll_offset, *canvas.size)
        for name in (f"x{i}" for i in range(1, 9)):
            box = canvas.layout_info.nodes[name]
            assert shown.contains_region(Region(box.x, box.y, box.width, box.height)), name


async def test_quitting_while_opening_or_as_the_lesson_arrives(held):
    for release_first in (False, True):
        app = opening_app(bundled_path("backprop-relu"))
        async with app.run_test(size=(80, 24)) as pilot:
            await held.until_ready(pilot)
            if release_first:
                held.release()
            await pilot.press("ctrl+q")
            if not release_first:
                held.release()
        assert app.return_code == 0 and app.failure is None


def prepared_app(name: str, size: tuple[int, int], start: int = 0) -> BackpropApp:
    """The app as `backprop-tui NAME` opens it on a terminal of `size`: with the first
    frame the check prepared (here in-process; the command line's child process sends
    the same data through a pipe)."""
    path = bundled_path(name)
    frame = first_frame(load_scenario(path), start, size)
    return BackpropApp(None, start, opening=(read_outline(path), path, lambda: frame))


@pytest.mark.parametrize(
    ("name", "size", "start"),
    [
        ("backprop-relu", (80, 24), 0),
        ("backprop-relu", (120, 40), 0),
        ("backprop-relu", (200, 55), 0),
        ("backprop-relu", (80, 24), 30),  # an update's old -> new
        ("sgd", (80, 24), 0),
        ("big-network", (120, 40), 0),
        ("big-network", (120, 40), 1462),  # the slope of t1, deep in the backward pass
        ("classification", (100, 34), 0),
    ],
)
async def test_the_prepared_opening_is_the_lessons_first_frame(held, name, size, start):
    """The lesson replaces the opening frame without a visible change: the same text
    in every cell."""
    app = prepared_app(name, size, start)
    async with app.run_test(size=size) as pilot:
        screen = await held.until_ready(pilot)
        assert screen.is_lesson_frame
        await pilot.pause()
        opening = svg_lines(app.export_screenshot())
        held.release()
        await wait_until(pilot, lambda: lesson_shown(app), "the lesson")
        await pilot.pause()
        lesson = svg_lines(app.export_screenshot())
    assert f"{start + 1}. " in "\n".join(opening)  # step n's formula, numbers and all
    assert opening == lesson


async def test_a_frame_prepared_for_another_size_is_not_used(held):
    app = prepared_app("backprop-relu", (120, 40))
    async with app.run_test(size=(80, 24)) as pilot:  # the terminal changed meanwhile
        screen = await held.until_ready(pilot)
        assert not screen.is_lesson_frame
        assert "opening…" in widget_text(screen.query_one("#header"))


class Written:
    """The screens' text at each paint Textual would write to the terminal (a paint
    made while updates are held is thrown away, so it is not counted)."""

    def __init__(self, monkeypatch) -> None:
        self.frames: list[str] = []
        real = BackpropApp._display

        def display(app, screen, renderable) -> None:
            if renderable is not None and not app._batch_count:
                strips = screen._compositor.render_strips()
                self.frames.append("\n".join(strip.text for strip in strips))
            real(app, screen, renderable)

        monkeypatch.setattr(BackpropApp, "_display", display)


@pytest.mark.parametrize("prepared", [True, False], ids=["lesson frame", "outline"])
async def test_the_first_frame_written_is_whole(held, monkeypatch, prepared):
    """The opening's first paint on the terminal has the title and the whole network
    (and, from the prepared frame, step 1's formula): Textual paints once before the
    screen's first Resize, where the lines are drawn, and that paint reached the
    terminal 25-30 ms before the rest."""
    written = Written(monkeypatch)
    if prepared:
        app = prepared_app("backprop-relu", (120, 40))
    else:
        app = opening_app(bundled_path("backprop-relu"))
    async with app.run_test(size=(120, 40)) as pilot:
        await held.until_ready(pilot)
        await wait_until(pilot, lambda: any("a1" in frame for frame in written.frames), "a paint")
    first = next(frame for frame in written.frames if "a1" in frame)
    assert "Backpropagation with ReLU" in first
    for name in ("x1", "x2", "a1", "a2", "b1", "b2", "out"):
        assert f" {name} " in first, name
    if prepared:
        assert "x1 = 0.5" in first
