"""Ask for a place to go to: a step number, a phase, an iteration or a bookmark."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui_backprop.places import SELECTOR_HELP
from tui_backprop.scenario import Bookmark


class GoToScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Stay here")]

    def __init__(self, total: int, bookmarks: tuple[Bookmark, ...] = ()) -> None:
        super().__init__()
        self.total = total
        self.bookmarks = bookmarks

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-box"):
            yield Label(f"Go to step 1–{self.total}, or {SELECTOR_HELP}.", markup=False)
            if self.bookmarks:
                names = ", ".join(b.name for b in self.bookmarks)
                yield Label(f"Bookmarks: {names}", markup=False)
            yield Input(placeholder="e.g. 12, backward, iteration:3", id="goto-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
