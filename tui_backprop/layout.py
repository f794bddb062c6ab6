"""Where each node, weight label and edge goes, in terminal cells (pure, tested).

Each receiving node has one "port" row per incoming weight; the weight's label sits
just left of the node on that row and its edge runs from the feeding node to the label.
Labels never overlap and every label is plainly on its edge.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui_backprop.param import Param

BRAILLE_BASE = 0x2800
# dot (column, row) inside a braille cell -> bit
BRAILLE_BITS = {
    (0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (0, 3): 0x40,
    (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20, (1, 3): 0x80,
}  # fmt: skip


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Segment:
    """A straight edge from (x0, y0) to (x1, y1), in cells; may end mid-cell."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Sizes:
    node_width: int
    label_width: int
    edge_run: int
    content_lines: int
    show_labels: bool


NORMAL = Sizes(node_width=15, label_width=16, edge_run=6, content_lines=3, show_labels=True)
COMPACT = Sizes(node_width=10, label_width=8, edge_run=4, content_lines=2, show_labels=True)
DENSE = Sizes(node_width=11, label_width=0, edge_run=10, content_lines=2, show_labels=False)


@dataclass(frozen=True)
class NetworkLayout:
    width: int
    height: int
    sizes: Sizes
    nodes: dict[str, Box]
    labels: dict[str, Box]  # weight or bias name -> where its label goes
    edges: dict[str, Segment]


def choose_sizes(
    layers: list[tuple[str, ...]], biases: list[bool], width: int, roomy: bool = True
) -> Sizes:
    """The roomiest sizes whose columns fit `width`; labels off for many ports.

    Nodes widen to show their whole names (up to 22 cells) when that still fits.
    """
    most_ports = max((len(layers[k - 1]) + biases[k - 1] for k in range(1, len(layers))), default=0)
    if most_ports > 8:
        choices = [DENSE]
    else:
        choices = [NORMAL, COMPACT] if roomy else [COMPACT]
    longest = max(len(name) for names in layers for name in names)
    for sizes in choices:
        named = replace(sizes, node_width=min(max(sizes.node_width, longest + 6), 22))
        for candidate in (named, sizes):
            if layout_width(len(layers), candidate) <= width:
                return candidate
    return choices[-1]


def layout_width(columns: int, sizes: Sizes) -> int:
    gap = sizes.label_width + sizes.edge_run
    return 1 + columns * sizes.node_width + (columns - 1) * gap + 1


def layout_network(
    layers: list[tuple[str, ...]], biases: list[bool], sizes: Sizes, min_height: int = 0
) -> NetworkLayout:
    """layers[0] are the inputs; biases[k] says whether layer k + 1 has a bias."""
    gap = sizes.label_width + sizes.edge_run
    heights = []
    for k in range(len(layers)):
        ports = len(layers[k - 1]) + biases[k - 1] if k else 0
        inner = max(sizes.content_lines if k else 1, ports if sizes.show_labels else 0)
        heights.append(inner + 2)
    column_heights = [
        len(names) * h + (len(names) - 1) for names, h in zip(layers, heights, strict=True)
    ]
    height = max(max(column_heights), min_height)
    nodes: dict[str, Box] = {}
    for k, names in enumerate(layers):
        x = 1 + k * (sizes.node_width + gap)
        top = (height - column_heights[k]) // 2
        for j, name in enumerate(names):
            nodes[name] = Box(x, top + j * (heights[k] + 1), sizes.node_width, heights[k])

    labels: dict[str, Box] = {}
    edges: dict[str, Segment] = {}
    for k in range(1, len(layers)):
        for name in layers[k]:
            box = nodes[name]
            params = [Param.weight(s, name) for s in layers[k - 1]]
            if biases[k - 1]:
                params.append(Param.bias(name))
            for p, param in enumerate(params):
                port = str(param)
                if sizes.show_labels:
                    row = box.y + 1 + p
                    label = Box(box.x - sizes.label_width, row, sizes.label_width, 1)
                    labels[port] = label
                    end_x = label.x - 0.5
                else:
                    row = box.y + box.height // 2
                    end_x = box.x - 0.5
                if param.is_bias:
                    continue
                source = nodes[param.source]
                edges[port] = Segment(
                    source.x + source.width - 0.5 + 0.5,
                    source.y + source.height / 2 - 0.125,
                    end_x,
                    row + 0.5 - 0.125,
                )
    width = layout_width(len(layers), sizes)
    return NetworkLayout(width, height, sizes, nodes, labels, edges)


def rasterize(segment: Segment) -> list[tuple[int, int]]:
    """Braille dots along a segment (dot grid: 2 per cell across, 4 down)."""
    x0, y0 = round(segment.x0 * 2), round(segment.y0 * 4)
    x1, y1 = round(segment.x1 * 2), round(segment.y1 * 4)
    dots = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err = dx + dy
    while True:
        dots.append((x0, y0))
        if x0 == x1 and y0 == y1:
            return dots
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy


def braille_cells(dots: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Dots -> {(cell x, cell y): braille bits}."""
    cells: dict[tuple[int, int], int] = {}
    for x, y in dots:
        key = (x // 2, y // 4)
        cells[key] = cells.get(key, 0) | BRAILLE_BITS[(x % 2, y % 4)]
    return cells


def braille_char(bits: int) -> str:
    return chr(BRAILLE_BASE + bits)
