"""The `?` screen: every key of the lesson, grouped, in the lesson's words.

A panel over the bottom of the screen only, so the step (its formula and the network)
stays in view while the class reads the keys. Any key closes it; when the list is
longer than the panel, the arrow and page keys scroll it instead.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_backprop.app.actions import GROUP_TITLES, GROUPS, LessonAction, rows

MIN_PANEL_ROWS = 8  # below this the panel covers more of the step rather than be unusable
SCROLL_KEYS = {
    "down": "scroll_down",
    "up": "scroll_up",
    "pagedown": "page_down",
    "pageup": "page_up",
}
COLUMN_WIDTH = 38  # cells per column of groups: the panel has as many as fit


def split_into_columns(sizes: list[int], columns: int) -> list[list[int]]:
    """Indices of consecutive groups per column, in order, each column about as tall."""
    columns = max(1, min(columns, len(sizes)))
    target = sum(sizes) / columns
    split: list[list[int]] = [[]]
    height = 0
    for index, size in enumerate(sizes):
        if split[-1] and height + size / 2 > target and len(split) < columns:
            split.append([])
            height = 0
        split[-1].append(index)
        height += size
    return split


def key_width(actions: list[LessonAction]) -> int:
    return max(len(row.key_name) for row in actions)


def group_height(actions: list[LessonAction], room: int) -> int:
    """Lines a group takes in a column `room` cells wide: title, rows (wrapped), gap."""
    words_room = max(8, room - key_width(actions) - 1)
    return 2 + sum(-(-len(row.words) // words_room) for row in actions)


class KeyRow(Horizontal):
    """One action: its keys, then what it does (wrapped beside the keys)."""

    DEFAULT_CSS = """
    KeyRow { height: auto; }
    KeyRow > .key-name { color: $text-accent; text-style: bold; margin-right: 1; }
    KeyRow > .key-words { width: 1fr; color: $foreground; }
    """

    def __init__(self, row: LessonAction, key_width: int) -> None:
        super().__init__()
        self.row = row
        self.key_width = key_width

    def compose(self) -> ComposeResult:
        key = Static(self.row.key_name, classes="key-name", markup=False)
        key.styles.width = self.key_width
        yield key
        yield Static(self.row.words, classes="key-words", markup=False)


class KeysHelpScreen(ModalScreen[None]):
    """Keys grouped as GROUPS, over the rows below `keep_rows` (the step stays visible)."""

    DEFAULT_CSS = """
    KeysHelpScreen {
        background: $background 0%;
    }
    #keys-panel {
        dock: bottom;
        width: 100%;
        background: $surface;
        border-top: heavy $accent;
        border-title-color: $text-accent;
        border-title-style: bold;
        padding: 0 1;
    }
    #keys-columns { height: auto; }
    .keys-column { width: 1fr; height: auto; margin-right: 2; }
    .keys-group { height: auto; margin-bottom: 1; }
    .keys-group-title { color: $text-primary; text-style: bold underline; }
    """

    def __init__(self, keep_rows: int = 0) -> None:
        super().__init__()
        self.keep_rows = keep_rows
        self.closing = False

    def compose(self) -> ComposeResult:
        width, height = self.app.size
        groups = [rows(group) for group in GROUPS]
        columns = max(1, min(len(GROUPS), (width - 2) // COLUMN_WIDTH))
        room = (width - 2) // columns - 2  # a column's cells, less its margin
        sizes = [group_height(group, room) for group in groups]
        panel = VerticalScroll(id="keys-panel", can_focus=False)
        panel.styles.height = max(MIN_PANEL_ROWS, height - self.keep_rows)
        panel.border_title = "Keys · any key closes · ↑↓ scroll · ctrl+p: actions by name"
        with panel, Horizontal(id="keys-columns"):
            for column in split_into_columns(sizes, columns):
                with Vertical(classes="keys-column"):
                    for index in column:
                        yield self._group(GROUPS[index], groups[index])

    def _group(self, group: str, actions: list[LessonAction]) -> Vertical:
        width = key_width(actions)
        return Vertical(
            Static(GROUP_TITLES[group], classes="keys-group-title", markup=False),
            *(KeyRow(row, width) for row in actions),
            classes="keys-group",
            id=f"keys-{group}",
        )

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if self.closing:
            return
        panel = self.query_one("#keys-panel", VerticalScroll)
        scroll = SCROLL_KEYS.get(event.key)
        if scroll is not None and panel.max_scroll_y > 0:
            getattr(panel, f"action_{scroll}")()
            return
        self.close()

    def on_click(self, event: events.Click) -> None:
        """A click above the panel, on the lesson, closes it too."""
        panel = self.query_one("#keys-panel")
        if not panel.region.contains(event.screen_x, event.screen_y):
            self.close()

    def close(self) -> None:
        """Once: keys typed fast arrive before the screen is gone, and must not pop more."""
        if not self.closing:
            self.closing = True
            self.dismiss()
