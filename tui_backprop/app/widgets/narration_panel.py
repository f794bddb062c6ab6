"""The narration: the step in the slides' words, the scenario's note, and details.

It gets the space the other panels leave, scrolls from the keyboard, and can be hidden.
"""

from __future__ import annotations

from textual.content import Content

from tui_backprop.app.widgets.text_rows import TextRows


class NarrationPanel(TextRows):
    DEFAULT_CSS = """
    NarrationPanel {
        background: $surface;
        color: $foreground;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        /* the lines are wrapped to the width left beside the scrollbar: keep its gutter
           whether or not it shows, so a long note never overflows sideways */
        scrollbar-gutter: stable;
        overflow-x: hidden;
        border-top: solid $foreground-muted;
    }
    """

    wrap = True

    def show(self, lines: list[Content]) -> None:
        if self.set_lines(lines):
            self.scroll_home(animate=False, immediate=True)
