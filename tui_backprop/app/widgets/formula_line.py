"""The current step's formula, whole, with a slope's three factors in their colours."""

from __future__ import annotations

from textual.content import Content

from tui_backprop.app.roles import FACTOR_MEANINGS, content_style
from tui_backprop.app.widgets.text_rows import TextRows
from tui_backprop.view import StepView


def formula_content(view: StepView, hidden: frozenset[str] = frozenset()) -> Content:
    """The formula; parts whose role is in `hidden` are still on their way (animation)."""
    pieces = [Content.styled(f"{view.step.number}. ", "bold")]
    for text, role in view.formula_parts:
        if role in hidden:
            text = " " * len(text)
        pieces.append(Content.styled(text, content_style(role) or "bold"))
    return Content.assemble(*pieces)


def legend_content(view: StepView) -> Content:
    """Under a slope: which number is which factor, in the same colours."""
    roles = {role: text for text, role in view.formula_parts if role in FACTOR_MEANINGS}
    if not roles:
        return Content("")
    step = view.step
    source, to = (step.weight or "").partition("->")[::2]
    names = {"source": source or "1 (a bias)", "to": to or step.node}
    pieces = []
    for role, meaning in FACTOR_MEANINGS.items():
        if pieces:
            pieces.append(Content("   "))
        pieces += [
            Content.styled(f" {roles[role]} ", content_style(role)),
            Content(" " + meaning.format(**names)),
        ]
    return Content.assemble(*pieces)


class FormulaLine(TextRows):
    """Fixed height for the whole lesson (the lesson screen sets it): no relayout per step."""

    DEFAULT_CSS = """
    FormulaLine {
        padding: 0 1;
        background: $surface;
        color: $foreground;
    }
    """

    wrap = True

    def show(self, view: StepView, hidden: frozenset[str] = frozenset()) -> None:
        self.set_lines(self.lines_for(view, hidden))

    @staticmethod
    def lines_for(view: StepView, hidden: frozenset[str] = frozenset()) -> list[Content]:
        lines = [formula_content(view, hidden)]
        legend = legend_content(view)
        if legend.cell_length:
            lines.append(legend)
        return lines
