"""Rows of text drawn through the line API: a step repaints only the rows it changed.

Static.update re-renders and, when its height may change, re-lays out the screen; the
lesson's panels have fixed sizes, so drawing them row by row from cached strips keeps a
key's cost near a bare Textual app's (docs/performance.md).
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip

from tui_backprop.app.widgets.cached_rows import READY_STEPS, CachedRows


class TextRows(CachedRows):
    """Shows a list of Content lines; wraps them to the width when `wrap` is set."""

    wrap = False

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.content = Content("")  # everything shown, as one Content (tests read it)
        self._given: list[Content] = []
        self._rows: list[Content] = []
        self._width = 0
        # prepare(): the lines of steps drawn ahead, (width, lines, rows, strips)
        self._ready: list[tuple] = []

    def render(self) -> Content:
        return self.content

    def set_lines(self, lines: list[Content]) -> bool:
        """Show these lines; True when they differ from what was shown."""
        if lines == self._given:
            return False
        self._given = lines
        self.content = Content("\n").join(lines)
        width = self._text_width()
        ready = self._find_ready(width, lines)
        if ready is not None:
            self._layout_rows(width, ready[2], ready[3])
        else:
            self._layout_rows(width, self._wrapped(lines, width), {})
        return True

    def _find_ready(self, width: int, lines: list[Content]) -> tuple | None:
        return next((r for r in self._ready if r[0] == width and r[1] == lines), None)

    def prepare(self, lines: list[Content]) -> None:
        """Between keys: wrap the lines a coming step will show and make their strips,
        so the key only swaps them in."""
        width = self._text_width()
        if self._find_ready(width, lines) is not None:
            return
        rows = self._wrapped(lines, width)
        strips = {y: self._strip(row, width) for y, row in enumerate(rows)}
        self._ready = [*self._ready[-(READY_STEPS - 1) :], (width, lines, rows, strips)]

    def _text_width(self) -> int:
        return self.scrollable_content_region.width or self.size.width

    def _wrapped(self, lines: list[Content], width: int) -> list[Content]:
        if self.wrap and width > 0:
            return [piece for line in lines for piece in (line.wrap(width) or [Content("")])]
        return lines

    def _strip(self, row: Content, width: int) -> Strip:
        """A row as drawn: padded to the width, in the widget's base style."""
        strip = Strip(row.render_segments(), row.cell_length)
        return strip.crop_extend(0, width, None).apply_style(self.base_style)

    def _layout_rows(self, width: int, rows: list[Content], strips: dict[int, Strip]) -> None:
        self._width = width
        old = self._rows
        self._rows = rows
        if len(rows) != len(old):
            self.set_virtual_size(Size(width, len(rows)))
        top = self.scroll_offset.y
        changed = [
            y
            for y in range(max(len(old), len(rows)))
            if y >= len(old) or y >= len(rows) or old[y] != rows[y]
        ]
        for y in changed:
            self._strips.pop(y, None)
            if y in strips:
                self._strips[y] = strips[y]
        size = self.size  # a property that walks to the screen: once, not per row
        visible = [y - top for y in changed if 0 <= y - top < size.height]
        if visible:
            self.refresh(*(Region(0, y, size.width, 1) for y in visible))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._ready = []

    def on_resize(self) -> None:
        width = self._text_width()
        if self.size.width and width != self._width:
            self._strips.clear()
            self._ready = []
            self._layout_rows(width, self._wrapped(self._given, width), {})
            self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.scrollable_content_region.width
        strip = self._strips.get(index)
        if strip is None or strip.cell_length != width:
            line = self._rows[index] if index < len(self._rows) else Content("")
            strip = self._strips[index] = self._strip(line, width)
        return strip.crop(scroll_x, scroll_x + width) if scroll_x else strip
