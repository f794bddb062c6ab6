"""Rows of text drawn through the line API: a step repaints only the rows it changed.

Static.update re-renders and, when its height may change, re-lays out the screen; the
lesson's panels have fixed sizes, so drawing them row by row from cached strips keeps a
key's cost near a bare Textual app's (docs/performance.md).
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip

from tui_backprop.app.widgets.cached_rows import CachedRows


class TextRows(CachedRows):
    """Shows a list of Content lines; wraps them to the width when `wrap` is set."""

    wrap = False

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.content = Content("")  # everything shown, as one Content (tests read it)
        self._given: list[Content] = []
        self._rows: list[Content] = []
        self._width = 0

    def render(self) -> Content:
        return self.content

    def set_lines(self, lines: list[Content]) -> bool:
        """Show these lines; True when they differ from what was shown."""
        if lines == self._given:
            return False
        self._given = lines
        self.content = Content("\n").join(lines)
        self._layout_rows()
        return True

    def _layout_rows(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        self._width = width
        rows = self._given
        if self.wrap and width > 0:
            rows = [piece for line in rows for piece in (line.wrap(width) or [Content("")])]
        old = self._rows
        self._rows = rows
        if len(rows) != len(old):
            self._strips.clear()
            self._resize_rows(Size(width, len(rows)))
            self.refresh()
            return
        top = self.scroll_offset.y
        changed = [y for y, (a, b) in enumerate(zip(old, rows, strict=True)) if a != b]
        for y in changed:
            self._strips.pop(y, None)
        regions = [Region(0, y - top, self.size.width, 1) for y in changed]
        if regions:
            self.refresh(*regions)

    def _resize_rows(self, size: Size) -> None:
        """A new number of rows relays out the screen only when a scrollbar comes or
        goes (the text's width changes); otherwise the scroll range is updated in place."""
        height = self.scrollable_content_region.height
        if (len(self._rows) > height) == (self.virtual_size.height > height) and height:
            self.set_reactive(TextRows.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def on_resize(self) -> None:
        if self.size.width and self.scrollable_content_region.width != self._width:
            self._strips.clear()
            self._layout_rows()
            self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.scrollable_content_region.width
        strip = self._strips.get(index)
        if strip is None:
            line = self._rows[index] if index < len(self._rows) else Content("")
            strip = Strip(line.render_segments(), line.cell_length)
            self._strips[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, None).apply_style(self.base_style)
