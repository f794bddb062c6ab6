"""The loss over two weights as a heat map, with the path the weights took.

A line-API widget: each cell is "▀" with the upper grid row as its foreground colour
and the lower one as its background, so a cell shows two rows of the map. The colour
follows the square root of the loss between the map's min and max (for a squared
error that is about the size of the error, so a bowl's rings come out evenly spaced),
on the viridis ramp: perceptually even, and readable on dark and light themes.
The last two lines are the legend: the two weights' ranges, then the colour scale.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tui_backprop.layout import Segment as Line
from tui_backprop.layout import rasterize
from tui_backprop.numbers import fmt
from tui_backprop.plots import LossGrid

VIRIDIS = (
    "#440154", "#481a6c", "#472f7d", "#414487", "#39568c", "#31688e", "#2a788e", "#23888e",
    "#1f988b", "#22a884", "#35b779", "#54c568", "#7ad151", "#a5db36", "#d2e21b", "#fde725",
)  # fmt: skip
RAMP = tuple(Color.parse(c) for c in VIRIDIS)
LEGEND_LINES = 2
PATH, STEP = -2, -3  # levels of the path and of the step, drawn over the map


def colour_levels(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Index into RAMP for each value: sqrt scale between low and high; -1 if not finite."""
    span = high - low
    share = (values - low) / span if span > 0 else np.zeros_like(values)
    share = np.sqrt(np.clip(share, 0.0, 1.0))
    levels = np.minimum((share * len(RAMP)).astype(int), len(RAMP) - 1)
    return np.where(np.isfinite(values), levels, -1)


def sample(grid: LossGrid, across: int, down: int) -> np.ndarray:
    """The grid resampled (nearest value) to `down` pixel rows (top = largest wb) by
    `across` pixel columns."""
    rows, cols = grid.grid.shape
    i = np.round(np.linspace(rows - 1, 0, down)).astype(int)
    j = np.round(np.linspace(0, cols - 1, across)).astype(int)
    return grid.grid[np.ix_(i, j)]


def to_pixel(grid: LossGrid, a: float, b: float, across: int, down: int) -> tuple[int, int]:
    """Pixel (column, row) of the point (a, b); row 0 is the top; (-1, -1), off the map,
    for a point that overflowed."""
    x, y = to_pixel_float(grid, a, b, across, down)
    if not (np.isfinite(x) and np.isfinite(y)):
        return -1, -1
    return int(round(x)), int(round(y))


def to_pixel_float(grid: LossGrid, a: float, b: float, across: int, down: int):
    wa, wb = grid.wa, grid.wb
    with np.errstate(all="ignore"):
        x = (a - wa[0]) / (wa[-1] - wa[0]) * (across - 1)
        y = (wb[-1] - b) / (wb[-1] - wb[0]) * (down - 1)
    return float(x), float(y)


def path_pixels(grid: LossGrid, points: np.ndarray, across: int, down: int):
    """Pixels on the straight pieces joining consecutive points (inside the map).

    Points that overflowed (a what-if run diverging to inf or nan) are left out, and the
    rest are held within a few map widths, so a far-off point cannot make the line
    drawing loop over billions of pixels."""
    finite = [(a, b) for a, b in points if np.isfinite(a) and np.isfinite(b)]
    reach = 4 * max(across, down)
    pixels = [
        (min(max(x, -reach), reach), min(max(y, -reach), reach))
        for x, y in (to_pixel_float(grid, a, b, across, down) for a, b in finite)
        if np.isfinite(x) and np.isfinite(y)
    ]
    pixels = [(int(round(x)), int(round(y))) for x, y in pixels]
    dots = set(pixels[:1])
    for (x0, y0), (x1, y1) in zip(pixels, pixels[1:], strict=False):
        # rasterize works on a 2 x 4 dot grid per cell: feed it pixel units
        for x, y in rasterize(Line(x0 / 2, y0 / 4, x1 / 2, y1 / 4)):
            dots.add((x, y))
    return {(x, y) for x, y in dots if 0 <= x < across and 0 <= y < down}


class LossLandscape(Widget, can_focus=False):
    """Draws a plots.LossGrid as a heat map; the path on top, the current point marked."""

    COMPONENT_CLASSES = {
        "loss-landscape--path",
        "loss-landscape--point",
        "loss-landscape--next",
        "loss-landscape--legend",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.grid: LossGrid | None = None
        self.show_next = False
        self._lines: list[Strip] = []
        self._built_for: tuple | None = None

    def show(self, grid: LossGrid, show_next: bool) -> None:
        show_next = show_next and grid.next is not None
        if grid is self.grid and show_next == self.show_next:
            return  # the same picture (a step within the same iteration)
        self.grid = grid
        self.show_next = show_next
        self._built_for = None
        self.refresh()

    def map_size(self) -> tuple[int, int]:
        """(columns, cell rows) of the heat map itself."""
        return self.size.width, max(self.size.height - LEGEND_LINES, 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._built_for = None

    def render_line(self, y: int) -> Strip:
        key = (self.size, id(self.grid), self.show_next)
        if self._built_for != key:
            self._lines = self._build()
            self._built_for = key
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.rich_style)

    # -- drawing ------------------------------------------------------------------

    def _build(self) -> list[Strip]:
        grid = self.grid
        width, rows = self.map_size()
        base = self.rich_style
        if grid is None or width < 4:
            return []
        down = rows * 2
        values = sample(grid, width, down)
        finite = grid.grid[np.isfinite(grid.grid)]
        low = float(finite.min()) if finite.size else 0.0
        high = float(finite.max()) if finite.size else 1.0
        levels = colour_levels(values, low, high)  # -1: no value; PATH, STEP: drawn on top
        palette = {level: colour for level, colour in enumerate(RAMP)}
        palette[-1] = base.bgcolor
        palette[PATH] = self.get_component_rich_style("loss-landscape--path").color
        for x, y in path_pixels(grid, np.asarray(grid.path), width, down):
            levels[y, x] = PATH
        marks: dict[tuple[int, int], tuple[str, Style]] = {}
        if self.show_next:
            next_style = self.get_component_rich_style("loss-landscape--next")
            palette[STEP] = next_style.color
            step = np.array([grid.current, grid.next])
            for x, y in path_pixels(grid, step, width, down):
                levels[y, x] = STEP
            x, y = to_pixel(grid, *grid.next, width, down)
            if 0 <= x < width and 0 <= y < down:
                marks[(x, y // 2)] = ("○", next_style)
        x, y = to_pixel(grid, *grid.current, width, down)
        if 0 <= x < width and 0 <= y < down:
            marks[(x, y // 2)] = ("●", self.get_component_rich_style("loss-landscape--point"))
        colours = [[palette[int(level)] for level in row] for row in levels]

        lines = []
        for row in range(rows):
            segments = []
            for column in range(width):
                top, bottom = colours[2 * row][column], colours[2 * row + 1][column]
                mark = marks.get((column, row))
                if mark is not None:
                    char, style = mark
                    segments.append(Segment(char, base + Style(bgcolor=bottom) + style))
                else:
                    segments.append(Segment("▀", base + Style(color=top, bgcolor=bottom)))
            lines.append(Strip(segments, width).simplify())
        lines.extend(self._legend(grid, low, high, width))
        return lines

    def _legend(self, grid: LossGrid, low: float, high: float, width: int) -> list[Strip]:
        style = self.rich_style + self.get_component_rich_style("loss-landscape--legend")
        (name_a, name_b), wa, wb = grid.names, grid.wa, grid.wb
        axes = (
            f"→ {name_a} {fmt(wa[0], 3)} … {fmt(wa[-1], 3)}   "
            f"↑ {name_b} {fmt(wb[0], 3)} … {fmt(wb[-1], 3)}"
        )
        ramp = [Segment("█", self.rich_style + Style(color=c)) for c in RAMP]
        point = self.get_component_rich_style("loss-landscape--point")
        scale = [
            Segment(f"loss {fmt(low, 3)} ", style),
            *ramp,
            Segment(f" {fmt(high, 3)} (√ scale)  ", style),
            Segment("●", self.rich_style + point),
            Segment(" now", style),
        ]
        if self.show_next:
            after = self.get_component_rich_style("loss-landscape--next")
            scale += [Segment("  ○", self.rich_style + after), Segment(" after update", style)]
        return [
            Strip([Segment(axes, style)]).crop_extend(0, width, self.rich_style),
            Strip(scale).crop_extend(0, width, self.rich_style),
        ]
