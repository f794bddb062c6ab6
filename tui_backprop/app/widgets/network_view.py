"""The network: layers as columns, nodes as boxes, weights on their edges."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Container, ScrollableContainer

from tui_backprop.app.widgets.edge_canvas import EdgeCanvas
from tui_backprop.app.widgets.node_box import NodeBox
from tui_backprop.app.widgets.weight_label import WeightLabel
from tui_backprop.layout import NetworkLayout, Sizes, layout_network
from tui_backprop.view import StepView


class NetworkView(ScrollableContainer, can_focus=False):
    """Scrolls when the network is larger than its space."""

    def __init__(
        self,
        layers: list[tuple[str, ...]],
        biases: list[bool],
        sizes: Sizes,
        min_height: int = 0,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.network_layers = layers
        self.layout_info: NetworkLayout = layout_network(layers, biases, sizes, min_height)
        self.compact = sizes.content_lines < 3
        self.nodes: dict[str, NodeBox] = {}
        self.labels: dict[str, WeightLabel] = {}
        self.selected: str | None = None
        self.edges: EdgeCanvas | None = None
        self._pending: StepView | None = None

    def compose(self) -> ComposeResult:
        info = self.layout_info
        canvas = Container(id="network-canvas")
        canvas.styles.width = info.width
        canvas.styles.height = info.height
        with canvas:
            self.edges = EdgeCanvas(info.edges, info.width, info.height, id="edges")
            self.edges.styles.width = info.width
            self.edges.styles.height = info.height
            yield self.edges
            for k, names in enumerate(self.network_layers):
                for name in names:
                    box = info.nodes[name]
                    node = NodeBox(name, k, self.compact)
                    node.styles.offset = (box.x, box.y)
                    node.styles.width = box.width
                    node.styles.height = box.height
                    self.nodes[name] = node
                    yield node
            for name, box in info.labels.items():
                label = WeightLabel(name, box.width, self.compact, classes="weight")
                label.styles.offset = (box.x, box.y)
                label.styles.width = box.width
                self.labels[name] = label
                yield label

    def on_mount(self) -> None:
        if self._pending is not None:
            self.show(self._pending)

    def show(self, view: StepView) -> None:
        if self.edges is None or not self.edges.is_mounted:
            self._pending = view
            return
        for name, node in self.nodes.items():
            node.show(view.nodes[name])
        for name, label in self.labels.items():
            label.show(view.weights[name], selected=name == self.selected)
        self.edges.set_active(view.active_edges, view.edge_direction == "backward")
        active = next((n for n in view.nodes.values() if n.active), None)
        target = self.nodes.get(active.name) if active else None
        if target is None:
            weight = next((w for w in view.weights.values() if w.active), None)
            target = self.labels.get(weight.name) if weight else None
        if target is not None:
            self.scroll_to_widget(target, animate=False)
