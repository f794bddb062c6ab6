"""The top line: title, where we are in the run, and any warning."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_backprop.view import StepView


class LessonHeader(Static):
    _lines = 0

    def show(
        self, view: StepView, departed: str = "", playing: bool = False, status: str = ""
    ) -> None:
        parts = [Content.styled(view.title, "bold"), Content(" · "), Content(view.header())]
        if status:  # reveal mode, the prediction score
            parts.append(Content.styled(f" · {status}", "bold $text-accent"))
        if playing:
            parts.append(Content.styled("  ▶ playing", "$text-accent"))
        # departures and warnings get a line of their own: never cut off at the edge
        if departed:
            parts.append(Content.styled(f"\n✎ {departed}", "$text-warning"))
        if view.warning:
            parts.append(Content.styled(f"\n⚠ {view.warning}", "bold $text-error"))
        content = Content.assemble(*parts)
        lines = 1 + bool(departed) + bool(view.warning)
        self.update(content, layout=lines != self._lines)  # relayout only for a new height
        self._lines = lines
