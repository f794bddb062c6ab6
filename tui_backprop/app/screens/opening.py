"""The first frame: the lesson's title and network, drawn from the file's outline while
NumPy and the lesson load (about 150 ms at start-up); then the lesson takes its place.

Nothing here imports NumPy or the trace: that is what lets this frame come first.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.screen import Screen

from tui_backprop import diagram
from tui_backprop.app.widgets.lesson_header import LessonHeader
from tui_backprop.app.widgets.network_canvas import NetworkCanvas
from tui_backprop.layout import fit_network
from tui_backprop.outline import Outline
from tui_backprop.view import blank_view


class OpeningScreen(Screen):
    """Shows the network with no numbers yet; once that frame is on the terminal,
    `open_lesson` builds the lesson's screen, which replaces this one."""

    DEFAULT_CSS = """
    OpeningScreen NetworkCanvas {
        height: 1fr;
    }
    """

    def __init__(self, outline: Outline, open_lesson: Callable[[], Screen | None]) -> None:
        super().__init__()
        self.outline = outline
        self.open_lesson = open_lesson
        self.shape = diagram.network_shape(
            list(outline.layers), list(outline.biases), list(outline.activations)
        )
        self.view = blank_view(outline.title, outline.layers)
        self.needs = diagram.needs_of(self.shape, [self.view])
        self.keys: list[events.Key] = []  # pressed before the lesson was there: given to it

    def compose(self) -> ComposeResult:
        yield LessonHeader(id="header")
        yield NetworkCanvas(self.shape, id="network")

    def on_mount(self) -> None:
        title = Content.styled(self.outline.title, "bold")
        self.query_one(LessonHeader).set_lines([Content.assemble(title, " · opening…")])
        self._fit()
        self.query_one(NetworkCanvas).show(self.view)

    def on_key(self, event: events.Key) -> None:
        """A lecturer who presses space as the app opens gets that step: the key waits
        for the lesson (Textual's priority keys, such as ctrl+q, still act at once)."""
        event.stop()
        self.keys.append(events.Key(event.key, event.character))

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width, height = self.app.size
        layout = fit_network(self.shape, self.needs, max(width - 1, 10), max(height - 1, 3))
        self.query_one(NetworkCanvas).set_layout(layout)

    def open_after_this_frame(self) -> None:
        """Called on Textual's Ready. The frame Textual composes first falls inside its
        start-up batch and is never written, so: paint again, and load once that
        paint is on the terminal (the load blocks for about 150 ms)."""
        self._show_the_inputs()
        self.refresh()
        self.call_after_refresh(self._open)

    def _show_the_inputs(self) -> None:
        """Where step 1 begins (a tall network's inputs sit in the middle of its height)."""
        canvas = self.query_one(NetworkCanvas)
        nodes = canvas.layout_info.nodes
        boxes = [nodes[name] for name in self.outline.layers[0]]
        region = Region.from_union([Region(b.x, b.y, b.width, b.height) for b in boxes])
        canvas.scroll_to_region(region, animate=False, immediate=True, force=True, top=True)

    def _open(self) -> None:
        lesson = self.open_lesson()
        if lesson is None:
            return
        self.app.switch_screen(lesson)
        keys, self.keys = self.keys, []
        lesson.call_after_refresh(lambda: [self.app.post_message(key) for key in keys])
