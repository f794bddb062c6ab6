"""A second yardstick: the cheapest Textual app that repaints N rows on a key.

The minimal app repaints one row per key; a lesson step repaints many (the formula,
the lit edges, the narration). This app answers space by swapping N rows of a line-API
widget between two sets of strips made in advance (styled runs of text, as a lesson's
rows are), so it measures what Textual itself needs to repaint that many rows.
`python benchmarks/rows_app.py N`.
"""

from __future__ import annotations

import sys

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static

READY = "Rows yardstick: ready"
COLOURS = ("#ff8800", "#00aaff", "#88ff00", "#e0e0e0", "#aa00ff", "#ff0055")
HEIGHT = 60


def strips(shift: int, width: int = 120) -> list[Strip]:
    """Rows of six styled runs each, different for each `shift`."""
    rows = []
    for y in range(HEIGHT):
        runs = [
            Segment(
                f"{(y * 7 + k * 13 + shift) % 97:>8}.{k} ⠁⠂⠄ "[: width // 6],
                Style(color=COLOURS[(k + shift + y) % 6], bold=k % 2 == 0),
            )
            for k in range(6)
        ]
        rows.append(Strip(runs).crop_extend(0, width, None))
    return rows


class Rows(ScrollView, can_focus=False):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sets = (strips(0), strips(1))
        self.shown = 0

    def render_line(self, y: int) -> Strip:
        return self.sets[self.shown][y] if y < HEIGHT else Strip.blank(self.size.width)


class RowsApp(App):
    BINDINGS = [("space", "swap", "Next"), ("q", "quit", "Quit")]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Static(READY, id="text")
        yield Rows()
        yield Footer()

    def action_swap(self) -> None:
        """One row is the Static's; the rest are spread over the widget's height."""
        widget = self.query_one(Rows)
        widget.shown ^= 1
        height, count = widget.size.height, max(self.rows - 1, 0)
        ys = sorted({round(i * (height - 1) / max(count - 1, 1)) for i in range(count)})
        if ys:
            widget.refresh(*(Region(0, y, widget.size.width, 1) for y in ys))
        self.query_one("#text", Static).update(f"{READY} ({widget.shown})")


if __name__ == "__main__":
    RowsApp(int(sys.argv[1]) if len(sys.argv) > 1 else 30).run()
