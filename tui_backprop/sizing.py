"""How much room the lesson screen gives each panel, from the terminal's size and the
lesson's numbers: plain functions of the trace, without Textual.

The lesson screen (app/screens/lesson.py) calls them and caches what they return; they
live here so that the sizes can be computed, and tested, outside the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui_backprop import diagram
from tui_backprop.view import build_view, node_numbers

if TYPE_CHECKING:
    from tui_backprop.trace import Trace

WIDE = 120  # columns: from here on the narration sits beside the network
SIDE_SHARE = 32  # percent of the width the narration (or plot) takes beside it
MIN_NARRATION = 3  # rows the narration keeps below the network when it can
MIN_PLOT = 10  # rows a plot needs to be read


def wrapped_rows(text: str, width: int) -> int:
    """Rows `text` takes when wrapped at spaces to `width` cells (words longer than a
    row are folded), as the formula line wraps it; a plain loop, since textwrap cost
    ~60 µs a formula and a big network's iteration has thousands."""
    if len(text) <= width:
        return 1
    rows, used = 1, 0
    for word in text.split(" "):
        size = len(word)
        if used and used + 1 + size <= width:
            used += 1 + size
            continue
        if used:
            rows += 1
        used = size
        while used > width:
            rows += 1
            used -= width
    return rows


# A training iteration is sized for its own numbers and its neighbours': a size that
# changes from one iteration to the next lays the screen out again (15-30 ms on a
# big network), and neighbours differ mostly by a sign or a digit here and there.
# The size still depends only on the step shown, never on the steps seen before,
# so stepping back shows exactly what was shown.


def neighbours(trace: Trace, number: int) -> range:
    """The training iterations beside this one, itself included; the pass after
    training (a forward pass only, with the trained weights) is sized on its own."""
    updates = trace.updates
    if number > updates:
        return range(number, number + 1)
    return range(max(1, number - 1), min(number + 1, updates) + 1)


def iteration_needs(
    trace: Trace, shape: diagram.Shape, number: int, decimals: int
) -> diagram.Needs:
    """Cells the numbers of one iteration need on the network diagram."""
    record = trace.iteration(number)
    first = record.first_index
    last = first + len(record.steps) - 1
    views = [build_view(trace, first, decimals), build_view(trace, last, decimals)]
    return diagram.needs_of(shape, views, node_numbers(trace, number, decimals))


def formula_rows(trace: Trace, number: int, width: int) -> int:
    """Rows for the longest formula of one iteration at this width, and the row of a
    slope's factors' legend."""
    steps = trace.iteration(number).steps
    rows = max(wrapped_rows(f"{step.number}. {step.text}", width) for step in steps)
    slopes = any(
        step.kind in ("weight_slope", "bias_slope") and len(step.numbers["factors"]) == 1
        for step in steps
    )
    return rows + slopes


@dataclass(frozen=True)
class PanelPlan:
    """What the lesson screen gives each panel (CSS sizes) and the network (cells)."""

    data_rows: int
    data_height: int
    side_open: bool
    side: tuple  # width, height of the narration's (or plot's) column
    network: tuple | None  # width, height of the network canvas, if it is sized
    net_width: int
    net_height: int


@dataclass(frozen=True)
class Panels:
    """What the plan depends on besides the terminal: the data, and what is shown."""

    points: int
    batch_size: int
    has_targets: bool
    fixed_rows: int = 2  # header and footer (and a classroom's status line)
    narration_shown: bool = True
    plot_shown: bool = False
    plot_zoomed: bool = False


def plan_panels(width: int, height: int, formula: int, panels: Panels) -> PanelPlan:
    """The panels' sizes, by priority: header, formula (`formula` rows), the data rows,
    then the network; the narration (or a plot) gets what is left."""
    room = 3 if height < 30 else (6 if height < 45 else 10)
    points, batch = panels.points, max(panels.batch_size, 1)
    data_rows = min(points if points <= room else min(batch, room), room)
    data_height = 1 + data_rows + panels.has_targets
    body = max(height - panels.fixed_rows - formula - data_height, 4)
    plot = panels.plot_shown
    side_open = (panels.narration_shown or plot) and not panels.plot_zoomed
    if plot and panels.plot_zoomed:
        return PanelPlan(data_rows, data_height, side_open, ("1fr", "1fr"), None, width, body)
    if width >= WIDE:
        side_width = max(36, width * SIDE_SHARE // 100) if side_open else 0
        net_width = width - side_width
        return PanelPlan(
            data_rows,
            data_height,
            side_open,
            (side_width, "1fr"),
            (net_width, "1fr"),
            net_width,
            body,
        )
    below = 0
    if side_open:
        below = max(MIN_PLOT, body // 2) if plot else max(MIN_NARRATION, body // 4)
        below = min(below, body - 4)
    net_height = body - below
    return PanelPlan(
        data_rows, data_height, side_open, ("1fr", below), ("1fr", net_height), width, net_height
    )
