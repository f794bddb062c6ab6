"""What the lesson's line-API widgets share: rows cached as Strips, and their base style.

Both are dropped when the widget's styles change (a new theme, a class toggled).
"""

from __future__ import annotations

from rich.style import Style
from textual.scroll_view import ScrollView
from textual.strip import Strip


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
