"""What is happening now: the formula with the numbers in, in the slides' words."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_backprop.view import StepView


class ExplanationPanel(Static):
    """The current step; or, after a click, everything known about one element."""

    _height = -1

    def show(
        self,
        view: StepView,
        details: tuple[str, list[str]] | None = None,
        extra: list[Content] | None = None,
    ) -> None:
        lines = [Content.styled(f"{view.step.number}. {view.formula}", "bold")]
        for _key, meaning, value in view.factors:
            lines.append(Content.assemble("   ", Content.styled(value, "bold"), f"  {meaning}"))
        lines.extend(extra or [])
        if view.slide:
            lines.append(Content.styled(view.slide, "bold $text-warning"))
        if view.note:  # the narration, newest first: it is about this step
            lines.append(Content.styled(view.note, "italic"))
        lines.append(Content.styled(view.words, "$text-muted"))
        if details is not None:
            element, formulas = details
            lines.append(Content.styled(f"{element}: its formulas so far", "bold $text-accent"))
            lines.extend(Content(f"   {line}") for line in formulas or ["(nothing computed yet)"])
        content = Content("\n").join(lines)
        height = content.get_height(self.styles, self.content_size.width or 80)
        self.update(content, layout=height != self._height)  # relayout only for a new height
        self._height = height
