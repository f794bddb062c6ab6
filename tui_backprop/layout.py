"""Where each node, weight label and edge goes, in terminal cells (pure, tested).

Each receiving node has one "port" row per incoming weight; the weight's label sits
just left of the node on that row and its edge runs from the feeding node to the label.
Labels never overlap and every label is plainly on its edge.
"""

from __future__ import annotations

from dataclasses import dataclass

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
class Shape:
    """What the layout needs to know of a network: names per layer, and what each node shows."""

    layers: tuple[tuple[str, ...], ...]  # layers[0] are the inputs
    biases: tuple[bool, ...]  # biases[k]: layer k + 1 has a bias
    lines: tuple[tuple[str, ...], ...]  # per layer, the content lines of each node

    def ports(self, k: int) -> list[str]:
        """The weights (and bias) into each node of layer k, in port order, for `node`."""
        return [*self.layers[k - 1], *(["bias"] if self.biases[k - 1] else [])]


@dataclass(frozen=True)
class Needs:
    """Cells the numbers need: the widest node content line and label of each layer."""

    node: tuple[int, ...]  # per layer: widest content line of its nodes
    label: tuple[int, ...]  # per layer (0 for the inputs): widest weight label into it

    @staticmethod
    def widest(needs: list[Needs]) -> Needs:
        """Room for all of them: the widest of each."""
        return Needs(
            tuple(map(max, zip(*(n.node for n in needs), strict=True))),
            tuple(map(max, zip(*(n.label for n in needs), strict=True))),
        )


MIN_RUN, MAX_RUN = 2, 40  # cells of bare edge between a node and the next column's labels
MAX_NODE_GROWTH = 6  # extra cells a node box may widen by to fill the width
MAX_PADDING = 3  # blank rows above and below a node's lines, at most
MAX_GAP = 13  # blank rows between two nodes of a column, at most
DENSE_PORTS = 8  # more weights into a node than this: no label per weight


@dataclass(frozen=True)
class NetworkLayout:
    width: int
    height: int
    nodes: dict[str, Box]
    labels: dict[str, Box]  # weight or bias name -> where its label goes
    edges: dict[str, Segment]
    content_rows: dict[str, tuple[tuple[str, int], ...]]  # node -> ((line kind, row), ...)
    show_labels: bool

    def floating_label(self, weight: str, width: int) -> Box | None:
        """Where a dense network's active weight shows its label: on its edge, in the
        room kept just left of the node it feeds, so it never covers a node."""
        segment = self.edges.get(weight)
        if segment is None:
            return None
        target = self.nodes[Param.parse(weight).target]
        x = target.x - width - 1
        t = (x + width / 2 - segment.x0) / max(segment.x1 - segment.x0, 1e-9)
        y = segment.y0 + (segment.y1 - segment.y0) * min(max(t, 0.0), 1.0)
        return Box(max(x, 0), int(y), width, 1)


def fit_network(shape: Shape, needs: Needs, width: int, height: int) -> NetworkLayout:
    """The roomiest layout that fits width x height; wider or taller when the numbers
    need it (the view then scrolls), never cutting a number.

    Spare width widens the nodes a little and the edges a lot; spare height opens
    blank rows inside the nodes and between them, so the network fills its space.
    """
    layers = shape.layers
    columns = len(layers)
    most_ports = max((len(shape.ports(k)) for k in range(1, columns)), default=0)
    show_labels = most_ports <= DENSE_PORTS
    # dense networks have no label per weight, but keep the room for the active one's
    label = [needs.label[k] if k else 0 for k in range(columns)]
    name_width = [max(len(name) for name in names) + 4 for names in layers]
    node_width = [max(needs.node[k] + 4, name_width[k]) for k in range(columns)]
    fixed = 2 + sum(node_width) + sum(label)
    runs = columns - 1
    spare = width - fixed - runs * MIN_RUN
    if spare < 0 and runs:  # tight: nodes lose their right padding before anything scrolls
        # two borders and the space before the text; " name" still whole in the top border
        node_width = [max(needs.node[k] + 3, name_width[k] - 1) for k in range(columns)]
        fixed = 2 + sum(node_width) + sum(label)
        spare = width - fixed - runs * MIN_RUN
    grow = max(0, min(MAX_NODE_GROWTH, spare // (3 * columns))) if spare > 0 else 0
    node_width = [w + grow for w in node_width]
    spare -= grow * columns
    run = MIN_RUN + (max(0, spare) // runs if runs else 0)
    run = min(run, MAX_RUN)
    used = 2 + sum(node_width) + sum(label) + runs * run
    left = max(1, 1 + (width - used) // 2)

    inner = []
    for k in range(columns):
        ports = len(shape.ports(k)) if k and show_labels else 0
        inner.append(max(len(shape.lines[k]), ports))
    column_heights = [
        len(names) * (h + 2) + len(names) - 1 for names, h in zip(layers, inner, strict=True)
    ]
    natural = max(column_heights)
    tallest = max(len(names) for names in layers)
    spare_rows = max(0, height - natural - 2)
    padding = min(MAX_PADDING, spare_rows // (2 * tallest + 2))
    spare_rows -= 2 * padding * tallest
    gap = 1 + max(0, min(MAX_GAP - 1, spare_rows // max(tallest - 1, 1)))
    heights = [h + 2 + 2 * padding for h in inner]
    column_heights = [
        len(names) * heights[k] + (len(names) - 1) * gap for k, names in enumerate(layers)
    ]
    total_height = max(max(column_heights), height)

    nodes: dict[str, Box] = {}
    content_rows: dict[str, tuple[tuple[str, int], ...]] = {}
    x = left
    xs = []
    for k, names in enumerate(layers):
        x += label[k] + (run if k else 0)
        xs.append(x)
        top = (total_height - column_heights[k]) // 2
        for j, name in enumerate(names):
            box = Box(x, top + j * (heights[k] + gap), node_width[k], heights[k])
            nodes[name] = box
            first = box.y + 1 + padding + (inner[k] - len(shape.lines[k])) // 2
            content_rows[name] = tuple((kind, first + i) for i, kind in enumerate(shape.lines[k]))
        x += node_width[k]

    labels: dict[str, Box] = {}
    edges: dict[str, Segment] = {}
    for k in range(1, columns):
        for name in layers[k]:
            box = nodes[name]
            params = [Param.weight(s, name) for s in layers[k - 1]]
            if shape.biases[k - 1]:
                params.append(Param.bias(name))
            rows = box.height - 2
            for p, param in enumerate(params):
                port = str(param)
                if show_labels:
                    row = box.y + 1 + (rows - len(params)) // 2 + p
                    labels[port] = Box(box.x - label[k], row, label[k], 1)
                    end_x = box.x - label[k] - 0.5
                else:
                    row = box.y + box.height // 2
                    end_x = box.x - 0.5
                if param.is_bias:
                    continue
                source = nodes[param.source]
                edges[port] = Segment(
                    source.x + source.width,
                    source.y + source.height / 2 - 0.125,
                    end_x,
                    row + 0.5 - 0.125,
                )
    total_width = max(width, used)
    return NetworkLayout(total_width, total_height, nodes, labels, edges, content_rows, show_labels)


def rasterize(segment: Segment) -> list[tuple[int, int]]:
    """Braille dots along a segment (dot grid: 2 per cell across, 4 down): one dot per
    step along the longer axis, so the line is 8-connected from end to end. The dots
    are those of NumPy's rint(linspace(...)), in plain Python: the first frame is drawn
    before NumPy is imported (45 ms)."""
    x0, y0 = round(segment.x0 * 2), round(segment.y0 * 4)
    x1, y1 = round(segment.x1 * 2), round(segment.y1 * 4)
    steps = max(abs(x1 - x0), abs(y1 - y0))
    if steps == 0:
        return [(x0, y0)]
    dx, dy = (x1 - x0) / steps, (y1 - y0) / steps
    dots = [(round(i * dx + x0), round(i * dy + y0)) for i in range(steps)]
    dots.append((x1, y1))
    return dots


def braille_grid(segments: list[Segment]) -> dict[tuple[int, int], int]:
    """Every segment's dots as braille cells at once (a big network's 448 edges: 23 ms)."""
    cells: dict[tuple[int, int], int] = {}
    for segment in segments:
        braille_cells(rasterize(segment), into=cells)
    return cells


# BITS[x % 2][y % 4]: the braille bit of a dot inside its cell
BITS = tuple(tuple(BRAILLE_BITS[(column, row)] for row in range(4)) for column in range(2))


def braille_cells(
    dots: list[tuple[int, int]], into: dict[tuple[int, int], int] | None = None
) -> dict[tuple[int, int], int]:
    """Dots -> {(cell x, cell y): braille bits}, added to `into` if given."""
    cells = {} if into is None else into
    get = cells.get
    for x, y in dots:
        key = (x >> 1, y >> 2)
        cells[key] = get(key, 0) | BITS[x & 1][y & 3]
    return cells


def braille_char(bits: int) -> str:
    return chr(BRAILLE_BASE + bits)
