"""The narration: the step in the slides' words, the scenario's note, and details.

It gets the space the other panels leave, scrolls from the keyboard, and can be hidden.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class NarrationPanel(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    NarrationPanel {
        background: $surface;
        color: $foreground;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        border-top: solid $foreground-muted;
    }
    NarrationPanel > Static {
        width: 1fr;
    }
    """

    def compose(self):
        yield Static(id="narration-text")

    def show(self, lines: list[Content]) -> None:
        text = self.query_one("#narration-text", Static)
        content = Content("\n").join(lines)
        if text.content != content:
            text.update(content)
            self.scroll_home(animate=False)
