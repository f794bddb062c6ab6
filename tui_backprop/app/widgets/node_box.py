"""One node of the network: its name, value, and slope once known."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_backprop.view import NodeView

SIGN_STYLE = {-1: "$text-error", 0: "", 1: "$text-success"}


def signed(text: str, sign: int) -> Content:
    """A number in its sign's colour; the minus sign itself is always in the text."""
    style = SIGN_STYLE[sign]
    return Content.styled(text, style) if style else Content(text)


class NodeBox(Static):
    """A node as a bordered box; click it for its formulas."""

    def __init__(self, name: str, layer: int, compact: bool, **kwargs) -> None:
        super().__init__(id=None, **kwargs)
        self.node_name = name
        self.layer_index = layer
        self.compact = compact
        self.border_title = name
        self.add_class("input-node" if layer == 0 else "node")
        self.shown: NodeView | None = None

    def show(self, view: NodeView) -> None:
        if view == self.shown:
            return
        self.shown = view
        self.set_class(view.active, "-active")
        self.set_class(view.value is None, "-unknown")
        value = view.value if view.value is not None else "·"
        if self.layer_index == 0:
            self.update(Content.assemble("= ", signed(value, view.sign)), layout=False)
            return
        lines = []
        if not self.compact:
            pre = view.pre_activation if view.pre_activation is not None else "·"
            lines.append(Content.assemble("z ", pre))
        lines.append(Content.assemble("= ", signed(value, view.sign)))
        if view.slope is not None:
            lines.append(Content.assemble("∂ ", signed(view.slope, view.slope_sign)))
        else:
            lines.append(Content("∂ ·"))
        self.update(Content("\n").join(lines), layout=False)  # fixed size: no relayout

    def on_click(self) -> None:
        from tui_backprop.app.messages import ElementClicked

        self.post_message(ElementClicked(self.node_name))
