"""The first frame, drawn while NumPy and the lesson load (about 150 ms at start-up);
then the lesson takes its place.

With the first frame the child process prepared (first_frame.py: step 1's view and
sizes, for this terminal's size), it is the lesson's own first frame, drawn by the same
panels, so the lesson replaces it without a visible change. Without one (not ready in
time, as big-network's; a terminal of another size, --reveal, --autoplay, a classroom,
no fork), it is the network from the file's outline, with no numbers.

Nothing here imports NumPy or the trace: that is what lets this frame come first.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.screen import Screen

from tui_backprop import diagram
from tui_backprop.app.actions import LESSON, TOOLS, bindings
from tui_backprop.app.screens.lesson_frame import (
    DIVERGING,
    compose_panels,
    panel_layout,
    size_panels,
    step_narration,
    warning_lines,
)
from tui_backprop.app.widgets.data_panel import DataPanel
from tui_backprop.app.widgets.formula_line import FormulaLine
from tui_backprop.app.widgets.lesson_header import LessonHeader
from tui_backprop.app.widgets.narration_panel import NarrationPanel
from tui_backprop.app.widgets.network_canvas import NetworkCanvas
from tui_backprop.first_frame import FirstFrame
from tui_backprop.outline import Outline
from tui_backprop.sizing import PanelPlan, plan_panels
from tui_backprop.view import blank_view


class OpeningScreen(Screen):
    """Shows the first frame; once it is on the terminal, `open_lesson` builds the
    lesson's screen, which replaces this one."""

    # the lesson's keys, so that the footer is the lesson's (a key pressed here waits
    # for the lesson: on_key)
    BINDINGS = bindings(TOOLS) + bindings(LESSON)

    DEFAULT_CSS = """
    OpeningScreen NetworkCanvas {
        height: 1fr;
    }
    """

    def __init__(
        self,
        outline: Outline,
        frame: FirstFrame | None,
        open_lesson: Callable[[], Screen | None],
    ) -> None:
        super().__init__()
        self.outline = outline
        self.frame = frame
        self.open_lesson = open_lesson
        self.shape = diagram.network_shape(
            list(outline.layers), list(outline.biases), list(outline.activations)
        )
        self.keys: list[events.Key] = []  # pressed before the lesson was there: given to it
        self._fitted: tuple[int, int] | None = None
        self._opening = False  # the lesson's load is scheduled
        self.is_lesson_frame = False  # the prepared frame, for this terminal's size
        self._hold = ExitStack()  # the terminal's updates, held until the frame is whole

    def compose(self) -> ComposeResult:
        frame = self.frame
        self.is_lesson_frame = frame is not None and tuple(self.app.size) == frame.size
        if self.is_lesson_frame:
            yield from compose_panels(self, self.shape)
        else:
            yield LessonHeader(id="header")
            yield NetworkCanvas(self.shape, id="network")

    # Longest the first paint is held for its lines (they come with the first Resize, a
    # few milliseconds after the mount; the timer only guards against it never coming).
    HOLD_SECONDS = 0.5

    def on_mount(self) -> None:
        # Textual paints once before the screen's first Resize, where the lines are
        # drawn: that paint, with the network alone, reached the terminal 25-30 ms
        # before the whole frame (two frames where one was meant). Held, it is not
        # written, and the whole frame comes first.
        self._hold.enter_context(self.app.batch_update())
        self.set_timer(self.HOLD_SECONDS, self._hold.close)
        if self.is_lesson_frame:
            # The sizes and the network now, as the lesson does (the network's scrolling
            # then goes the same way); the lines, which wrap, once the widths are known.
            self._fit()
            self.query_one(NetworkCanvas).show(self.frame.view)

    def on_resize(self) -> None:
        """The lines are drawn here: they depend on the panels' widths, known from the
        first layout on (the paint before is held: on_mount)."""
        self._draw()
        self.refresh()  # all of it in one paint (a panel may not know its size yet)
        self._hold.close()
        if not self._opening:
            self._opening = True
            self.call_after_refresh(self._open)  # once this frame is on the terminal

    def on_key(self, event: events.Key) -> None:
        """A lecturer who presses space as the app opens gets that step: the key waits
        for the lesson (Textual's priority keys, such as ctrl+q, still act at once)."""
        event.stop()
        self.keys.append(events.Key(event.key, event.character))

    def _draw(self) -> None:
        if self.is_lesson_frame:
            self._draw_lesson_frame()
        else:
            self._draw_outline()

    def _fit(self) -> PanelPlan:
        """What LessonScreen's _fit does, from the child's data."""
        frame = self.frame
        width, height = self.app.size
        plan = plan_panels(width, height, frame.formula_rows, frame.panels)
        size_panels(self, width, height, frame.formula_rows, plan)
        fitted = (plan.net_width, plan.net_height)
        if fitted != self._fitted:  # (as LessonScreen: a new layout only for a new size)
            self._fitted = fitted
            layout = panel_layout(self.shape, frame.needs, *fitted)
            self.query_one(NetworkCanvas).set_layout(layout)
        return plan

    def _draw_lesson_frame(self) -> None:
        """What LessonScreen's _fit and show draw for the step, from the child's data."""
        frame, view = self.frame, self.frame.view
        plan = self._fit()
        canvas = self.query_one(NetworkCanvas)
        header = self.query_one(LessonHeader)
        header.set_lines(header.lines_for(view, [DIVERGING] if view.warning else []))
        self.query_one(FormulaLine).show(view)
        data = self.query_one(DataPanel)
        lines, data.condensed = data.lines_for(
            view, frame.inputs, frame.outputs, frame.panels.has_targets, plan.data_rows
        )
        data.set_lines(lines)
        canvas.show(view)
        narration = warning_lines(view) + step_narration(view, data.condensed)
        self.query_one(NarrationPanel).show(narration)

    def _draw_outline(self) -> None:
        """The network's names and nothing computed yet, over the whole screen."""
        title = Content.styled(self.outline.title, "bold")
        self.query_one(LessonHeader).set_lines([Content.assemble(title, " · opening…")])
        view = blank_view(self.outline.title, self.outline.layers)
        width, height = self.app.size
        needs = diagram.needs_of(self.shape, [view])
        layout = panel_layout(self.shape, needs, width, height - 1)  # below the header
        canvas = self.query_one(NetworkCanvas)
        canvas.set_layout(layout)
        canvas.show(view)
        self._show_the_inputs()

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
        if self.is_lesson_frame:
            # The lesson's own first paint comes before it knows its panels' widths (a
            # short header, lines not wrapped): over a frame the same as its next one,
            # hold the terminal until then, rather than flicker.
            self.app.delay_update(0.1)
        self.app.switch_screen(lesson)
        keys, self.keys = self.keys, []
        lesson.call_after_refresh(lambda: [self.app.post_message(key) for key in keys])
