"""One weight, beside the end of its edge: value, slope once known, old -> new."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_backprop.app.widgets.node_box import signed
from tui_backprop.param import Param
from tui_backprop.view import WeightView


class WeightLabel(Static):
    """Shows what is known of one weight; click it for its formulas."""

    def __init__(self, name: str, width: int, compact: bool, **kwargs) -> None:
        super().__init__(**kwargs)
        self.weight_name = name
        self.label_width = width
        self.compact = compact
        self.shown: WeightView | None = None

    def show(self, view: WeightView, selected: bool = False) -> None:
        if view == self.shown and self.has_class("-selected") == selected:
            return
        self.shown = view
        self.set_class(view.active, "-active")
        self.set_class(selected, "-selected")
        prefix = "b " if Param.parse(self.weight_name).is_bias else ""
        if view.new is not None:
            new = signed(view.new, _sign(view.new))
            full, short = [Content(view.value), Content("→"), new], [Content("→"), new]
        elif view.slope is not None:
            slope = signed(view.slope, view.slope_sign)
            full = [signed(view.value, view.sign), Content(" ∂"), slope]
            short = [Content("∂"), slope]
        else:
            full = short = [signed(view.value, view.sign)]
        text = Content.assemble(prefix, *full)
        if text.cell_length > self.label_width:  # narrow: the newest number only
            text = Content.assemble(prefix, *short)
        fill = self.label_width - text.cell_length - 1
        if fill > 0 and not prefix:
            arrow = Content.styled("─" * (fill - 1) + "▸", "$foreground-muted")
            text = Content.assemble(text, " ", arrow)
        self.update(text, layout=False)  # fixed size: no relayout

    def on_click(self) -> None:
        from tui_backprop.app.messages import ElementClicked

        self.post_message(ElementClicked(self.weight_name))


def _sign(text: str) -> int:
    if text.startswith("-"):
        return -1
    return 0 if text in ("0", "nan") else 1
