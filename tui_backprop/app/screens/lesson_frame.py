"""The lesson's panels and how they are sized: shared by the lesson screen and the
opening frame, which draws the lesson's first frame before the lesson has loaded, so
the two frames are the same (docs/performance.md, start-up)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Container
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from tui_backprop.app.widgets.data_panel import DataPanel
from tui_backprop.app.widgets.formula_line import FormulaLine
from tui_backprop.app.widgets.lesson_header import LessonHeader
from tui_backprop.app.widgets.narration_panel import NarrationPanel
from tui_backprop.app.widgets.network_canvas import NetworkCanvas
from tui_backprop.diagram import Shape
from tui_backprop.layout import Needs, NetworkLayout, fit_network
from tui_backprop.sizing import WIDE, PanelPlan
from tui_backprop.view import StepView

MIN_WIDTH, MIN_HEIGHT = 60, 18
FRAME_CLASS = "lesson-frame"  # app.tcss lays out the screens that carry it
DIVERGING = ("⚠ diverging", "bold $text-error")  # the header's badge for a step's warning


def compose_panels(screen: Screen, shape: Shape, plots: Widget | None = None) -> ComposeResult:
    """Header, formula, data rows; the network and, beside or below it, the narration
    (and the plots); the message for a terminal too small; the footer."""
    # Classes set before the panels are styled: set later, each restyles every panel
    # (about 10 ms before the first frame).
    screen.add_class(FRAME_CLASS)
    screen.set_class(screen.app.size.width >= WIDE, "-wide")
    yield LessonHeader(id="header")
    yield FormulaLine(id="formula")
    yield DataPanel(id="data")
    with Container(id="body"):
        yield NetworkCanvas(shape, id="network")
        with Container(id="side"):
            yield NarrationPanel(id="narration")
            if plots is not None:
                yield plots
    yield Static(id="too-small")
    yield Footer()


def size_panels(
    screen: Screen,
    width: int,
    height: int,
    formula_rows: int,
    plan: PanelPlan,
    narration_shown: bool = True,
    plot: bool = False,
    zoomed: bool = False,
) -> None:
    """Give each panel its size from the plan: only a resize, a new iteration's wider
    numbers, decimals or a what-if change them, never a step."""
    small = width < MIN_WIDTH or height < MIN_HEIGHT
    screen.set_class(small, "-too-small")
    if small:  # (updating a Static lays the screen out again: only when it shows)
        screen.query_one("#too-small", Static).update(
            f"The terminal is {width}×{height}; this lesson needs at least "
            f"{MIN_WIDTH}×{MIN_HEIGHT}. Enlarge the window or reduce the font size."
        )
    screen.set_class(width >= WIDE, "-wide")
    screen.query_one("#formula").styles.height = formula_rows
    screen.query_one("#data").styles.height = plan.data_height
    side = screen.query_one("#side")
    network = screen.query_one(NetworkCanvas)
    network.display = not (plot and zoomed)
    side.display = plan.side_open or (plot and zoomed)
    screen.query_one(NarrationPanel).display = narration_shown and not plot
    side.styles.width, side.styles.height = plan.side
    if plan.network is not None:
        network.styles.width, network.styles.height = plan.network


def panel_layout(shape: Shape, needs: Needs, width: int, height: int) -> NetworkLayout:
    """The network laid out for a canvas of `width` x `height` cells (a column kept for
    its scrollbar, and never below 10 x 3): the opening and the lesson lay it out alike,
    so the lesson replaces the opening without a visible change."""
    return fit_network(shape, needs, max(width - 1, 10), max(height, 3))


def point_vectors(view: StepView) -> str:
    """The current point's vectors in full, for the narration when the data table's
    columns are condensed."""
    row = next((r for r in view.rows if r.current), None)
    if row is None:
        return ""
    text = f"point {row.point}: inputs ({', '.join(row.inputs)})"
    if row.prediction:
        text += f", prediction ({row.prediction})"
    if row.target:
        text += f", target ({row.target})"
    if row.error:
        text += f", error ({row.error})"
    return text


def step_narration(view: StepView, condensed: bool) -> list[Content]:
    """The narration's lines about the step itself: the slide's own number, the
    scenario's note, the step in words, and the point's vectors if condensed."""
    lines: list[Content] = []
    if view.slide:  # what the slide printed here, beside the computed number
        lines.append(Content.styled(view.slide, "bold $text-warning"))
    if view.note:  # the scenario's narration, newest first: it is about this step
        lines.append(Content(view.note))
    lines.append(Content.styled(view.words, "italic"))
    if condensed:
        lines.append(Content.styled(point_vectors(view), "$text-muted"))
    return lines


def warning_lines(view: StepView) -> list[Content]:
    return [Content.styled(f"⚠ {view.warning}", "bold $text-error")] if view.warning else []
