"""The scenario's bookmarks: pick one to jump there."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_backprop.scenario import Bookmark


class BookmarksScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Stay here")]

    def __init__(self, bookmarks: tuple[Bookmark, ...]) -> None:
        super().__init__()
        self.bookmarks = bookmarks

    def compose(self) -> ComposeResult:
        options = [
            Option(f"{b.name}  ({b.step})" + (f"\n  {b.note}" if b.note else ""), id=b.name)
            for b in self.bookmarks
        ]
        yield OptionList(*options, id="bookmark-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
