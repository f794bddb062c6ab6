"""What the lesson's line-API widgets share: rows cached as Strips, and their base style.

Both are dropped when the widget's styles change (a new theme, a class toggled).
"""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

# Steps whose rows a widget keeps drawn ahead: the next, the next iteration's first, the
# one before (LessonScreen._draw_ahead).
READY_STEPS = 3


class CachedRows(ScrollView, can_focus=False):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._strips: dict[int, Strip] = {}
        self._base_style: Style | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._base_style = None

    @property
    def base_style(self) -> Style:
        """rich_style walks the ancestors each time: once per style change is enough."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def set_virtual_size(self, size: Size) -> None:
        """A new scroll range. Setting virtual_size lays the whole screen out again;
        that is only needed when a scrollbar comes or goes (the view's size changes),
        so otherwise the range and the scrollbars are updated in place."""
        old, view = self.virtual_size, self.scrollable_content_region.size
        if size == old:
            return
        bars_stay = (
            view.width
            and view.height
            and (size.width > view.width) == (old.width > view.width)
            and (size.height > view.height) == (old.height > view.height)
        )
        if not bars_stay:
            self.virtual_size = size
            return
        self.set_reactive(CachedRows.virtual_size, size)
        self._scroll_update(size)
        if self.scroll_x > self.max_scroll_x or self.scroll_y > self.max_scroll_y:
            self.scroll_to(
                min(self.scroll_x, self.max_scroll_x),
                min(self.scroll_y, self.max_scroll_y),
                animate=False,
                immediate=True,
            )
