"""The top line: title, step n/N, phase, iteration; badges for play, what-if, warning."""

from __future__ import annotations

from textual.content import Content

from tui_backprop.app.widgets.text_rows import TextRows
from tui_backprop.view import StepView

COMPACT_BELOW = 100  # columns: below this, the header uses its short form


def header_parts(view: StepView, width: int) -> list[str]:
    """Where we are, shortest form first dropped: at 80 columns title, n/N, phase, it."""
    if width < COMPACT_BELOW:
        where = (
            "final"
            if view.final
            else (f"it {view.iteration}/{view.updates}" if view.updates else "")
        )
        return [f"{view.index + 1}/{view.total}", view.phase, where]
    return [view.header()]


class LessonHeader(TextRows):
    """Always one line: the title gives way first, never the step or the phase."""

    DEFAULT_CSS = """
    LessonHeader {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def show(self, view: StepView, *, badges: list[tuple[str, str]] = ()) -> None:
        self.set_lines(self.lines_for(view, badges))

    def lines_for(self, view: StepView, badges: list[tuple[str, str]] = ()) -> list[Content]:
        width = max(self.size.width - 2, 20)
        where = " · ".join(p for p in header_parts(view, width) if p)
        badge = Content.assemble(*(Content.styled(" " + text, style) for text, style in badges))
        room = width - len(where) - badge.cell_length - 3
        title = view.title if len(view.title) <= room else view.title[: max(room - 1, 0)] + "…"
        parts = [Content.styled(title, "bold"), Content(" · ")] if room > 3 else []
        return [Content.assemble(*parts, Content(where), badge)]
