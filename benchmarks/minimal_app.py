"""The yardstick for start-up and step latency: one Static and a Footer, nothing else.

Run it on its own with `python benchmarks/minimal_app.py`; space changes the text, as
a step of the real app does, so the same harness can time a key press in both.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static

READY = "Minimal Textual app: ready"


class MinimalApp(App):
    BINDINGS = [("space", "bump", "Next"), ("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static(READY, id="text")
        yield Footer()

    def action_bump(self) -> None:
        self.count += 1
        self.query_one("#text", Static).update(f"{READY} ({self.count} presses)")


if __name__ == "__main__":
    MinimalApp().run()
