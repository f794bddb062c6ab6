"""The edges, drawn under the nodes as braille lines (line API, cached rows)."""

from __future__ import annotations

from rich.segment import Segment as RichSegment
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tui_backprop.layout import Segment, braille_cells, braille_char, rasterize


class EdgeCanvas(Widget):
    """Every edge as a line; active ones in the accent colour, a pulse along them."""

    COMPONENT_CLASSES = {"edge-canvas--edge", "edge-canvas--active", "edge-canvas--pulse"}

    pulse: reactive[float] = reactive(1.0)

    def __init__(self, edges: dict[str, Segment], width: int, height: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.canvas_width = width
        self.canvas_height = height
        self._dots = {name: rasterize(segment) for name, segment in edges.items()}
        self._base = self._cells(self._dots.values())
        self.active: tuple[str, ...] = ()
        self.backward = False
        self._rows: dict[int, Strip] = {}

    @staticmethod
    def _cells(dot_lists) -> dict[tuple[int, int], int]:
        dots = [dot for dots in dot_lists for dot in dots]
        return braille_cells(dots)

    def set_active(self, edges: tuple[str, ...], backward: bool) -> None:
        edges = tuple(e for e in edges if e in self._dots)
        if edges == self.active and backward == self.backward:
            return
        rows = self._rows_of(self.active + edges)
        self.active = edges
        self.backward = backward
        self._repaint(rows)

    def _rows_of(self, edges: tuple[str, ...]) -> set[int]:
        return {y // 4 for name in edges for _, y in self._dots[name]}

    def _repaint(self, rows: set[int]) -> None:
        """Redraw only the rows these edges cross: the nodes over the rest stay as drawn."""
        for y in rows:
            self._rows.pop(y, None)
        if rows:
            self.refresh(*(Region(0, y, self.canvas_width, 1) for y in sorted(rows)))

    def watch_pulse(self) -> None:
        self._repaint(self._rows_of(self.active))

    def _active_cells(self) -> tuple[dict, dict]:
        lit, head = [], []
        for name in self.active:
            dots = self._dots[name]
            if self.backward:
                dots = dots[::-1]
            reach = max(1, round(len(dots) * self.pulse))
            lit.append(dots[:reach])
            head.append(dots[max(0, reach - 3) : reach] if self.pulse < 1 else [])
        return self._cells(lit), self._cells(head)

    def render_line(self, y: int) -> Strip:
        cached = self._rows.get(y)
        if cached is not None:
            return cached
        base_style = self.rich_style
        edge = base_style + self.get_component_rich_style("edge-canvas--edge")
        active = base_style + self.get_component_rich_style("edge-canvas--active")
        pulse = base_style + self.get_component_rich_style("edge-canvas--pulse")
        lit, head = self._active_cells() if self.active else ({}, {})
        segments = []
        for x in range(self.canvas_width):
            key = (x, y)
            if key in head:
                segments.append(RichSegment(braille_char(head[key] | lit[key]), pulse))
            elif key in lit:
                segments.append(RichSegment(braille_char(lit[key] | self._base[key]), active))
            elif key in self._base:
                segments.append(RichSegment(braille_char(self._base[key]), edge))
            else:
                segments.append(RichSegment(" ", base_style))
        strip = Strip(segments, self.canvas_width).simplify()
        self._rows[y] = strip
        return strip
