"""The network as text: each node and weight drawn into cells with a role, never cut.

A pure function of the layout, the step's view and how far its animation has run, so
the app only maps roles to the theme's colours and repaints the rows that changed.
Roles: the parts of the picture that get a colour of their own (see app/roles.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from tui_backprop.layout import (
    Box,
    Needs,
    NetworkLayout,
    Shape,
    braille_cells,
    braille_char,
    braille_grid,
    rasterize,
)
from tui_backprop.param import Param
from tui_backprop.view import NodeView, StepView, WeightView

# what each content line of a node shows, and the prefix it is written with
LINE_PREFIX = {"z": "z ", "value": "= ", "act": "f′ ", "slope": "∂ ", "target": "t ", "error": "e "}
LONG_PREFIX = {"target": "target ", "error": "error "}
UNKNOWN = "·"


@dataclass(frozen=True)
class Span:
    x: int
    y: int
    text: str
    role: str


Cells = dict[tuple[int, int], tuple[str, str]]  # (x, y) -> (character, role)


def network_shape(
    layers: list[tuple[str, ...]], biases: list[bool], activations: list[str]
) -> Shape:
    """Content lines per layer: inputs their value; others z (unless identity), value,
    the activation's slope and the loss's slope; outputs also target and error."""
    lines = [("value",)]
    for k, activation in enumerate(activations):
        kinds = [] if activation == "identity" else ["z"]
        kinds += ["value", "act", "slope"]
        if k == len(activations) - 1:
            kinds += ["target", "error"]
        lines.append(tuple(kinds))
    return Shape(tuple(layers), tuple(biases), tuple(lines))


# -- what the numbers need --------------------------------------------------------


def node_line(node: NodeView, kind: str) -> str | None:
    """The number a node's content line shows, or None while unknown."""
    return {
        "z": node.pre_activation,
        "value": node.value,
        "act": node.activation_slope,
        "slope": node.slope,
        "target": node.target,
        "error": node.error,
    }[kind]


def label_text(weight: WeightView) -> tuple[tuple[str, str], ...]:
    """A weight's label as (text, role) pieces: value; value ∂slope; or old→new."""
    prefix = (("b ", "muted"),) if Param.parse(weight.name).is_bias else ()
    value = (weight.value, sign_role(weight.value))
    if weight.new is not None:
        return (*prefix, (weight.value, "muted"), ("→", "muted"), (weight.new, "number"))
    if weight.slope is not None:
        return (*prefix, value, (" ∂", "muted"), (weight.slope, "number"))
    return (*prefix, value)


def label_width(weight: WeightView) -> int:
    """Cells the label needs at its widest (value ∂slope, or old→new), and one more."""
    prefix = 2 if Param.parse(weight.name).is_bias else 0
    widest = max(
        len(weight.value) + 2 + len(weight.slope or ""),
        len(weight.value) + 1 + len(weight.new or ""),
    )
    return prefix + widest + 1


def sign_role(text: str) -> str:
    return "negative" if text.startswith("-") else "number"


def needs_of(
    shape: Shape, views: list[StepView], numbers: dict[str, dict[str, list[str]]] | None = None
) -> Needs:
    """The widest line of each column over these views and, for the nodes, over
    `numbers` (view.node_numbers: every batch point's, not only the shown point's)."""
    node = [0] * len(shape.layers)
    label = [0] * len(shape.layers)
    for k, names in enumerate(shape.layers):
        for name in names:
            for kind in shape.lines[k]:
                texts = [UNKNOWN, *(numbers or {}).get(name, {}).get(kind, ())]
                texts += [node_line(view.nodes[name], kind) or UNKNOWN for view in views]
                node[k] = max(node[k], len(LINE_PREFIX[kind]) + max(map(len, texts)))
    layer_of = {name: k for k, names in enumerate(shape.layers) for name in names}
    for view in views:
        for name, weight in view.weights.items():
            k = layer_of[Param.parse(name).target]
            label[k] = max(label[k], label_width(weight))
    return Needs(tuple(node), tuple(label))


# -- drawing ------------------------------------------------------------------------


class EdgeDots(dict):
    """Each edge's braille dots, rasterised the first time the edge is lit."""

    def __init__(self, layout: NetworkLayout) -> None:
        super().__init__()
        self.segments = layout.edges

    def __missing__(self, name: str) -> list:
        dots = self[name] = rasterize(self.segments[name])
        return dots

    def get(self, name: str, default=None):
        return self[name] if name in self.segments else default


def base_edges(layout: NetworkLayout) -> tuple[dict[str, list], Cells]:
    """Every edge's braille dots (on demand), and the cells they all make (drawn under
    everything)."""
    grid = braille_grid(list(layout.edges.values()))
    cells = {key: (braille_char(bits), "edge") for key, bits in grid.items()}
    return EdgeDots(layout), cells


def draw_node(
    box: Box,
    node: NodeView,
    kinds: tuple[str, ...],
    rows: dict[str, int],
    *,
    hide: str | None = None,
) -> tuple[Span, ...]:
    """One node box: border (its colour says active or tinted), name, content lines.

    `hide`: a content line whose new number is still on its way (animation)."""
    if node.active:
        border = "border-active"
    elif node.tint:
        border = node.tint
    else:
        border = "border-input" if node.layer == 0 else "border"
    inner = box.width - 2
    title = f" {node.name} "[:inner]
    left = (inner - len(title)) // 2
    top = "╭" + "─" * left + title + "─" * (inner - left - len(title)) + "╮"
    spans = [Span(box.x, box.y, top[: left + 1], border)]
    spans.append(Span(box.x + 1 + left, box.y, title, "name-active" if node.active else "name"))
    spans.append(Span(box.x + 1 + left + len(title), box.y, top[left + 1 + len(title) :], border))
    by_row = {row: kind for kind, row in rows.items()}
    # "target" and "error" in full when both fit, else both as "t" and "e"
    long_words = all(
        inner - 1 >= len(LONG_PREFIX[kind]) + len(node_line(node, kind) or UNKNOWN)
        for kind in LONG_PREFIX
        if kind in rows
    )
    for y in range(box.y + 1, box.y + box.height - 1):
        spans.append(Span(box.x, y, "│", border))
        kind = by_row.get(y)
        text_spans: list[tuple[str, str]] = []
        if kind is not None:
            number = node_line(node, kind)
            if kind == hide:
                number = None
            prefix = LINE_PREFIX[kind]
            if kind in LONG_PREFIX and long_words:
                prefix = LONG_PREFIX[kind]
            role = "unknown" if number is None else sign_role(number)
            if number is not None and node.changed == kind:
                role = "changed"
            elif number is not None and node.tint == "feeding" and kind == "value":
                role = "feeding"
            elif number is not None and node.tint == "fed" and kind in ("slope", "act"):
                role = "fed" if kind == "slope" else "act"
            text_spans = [(prefix, "muted"), (number or UNKNOWN, role)]
        used = sum(len(t) for t, _ in text_spans)
        x = box.x + 1
        spans.append(Span(x, y, " ", "inside"))
        x += 1
        for text, role in text_spans:
            spans.append(Span(x, y, text, role))
            x += len(text)
        if inner - 1 - used > 0:
            spans.append(Span(x, y, " " * (inner - 1 - used), "inside"))
        spans.append(Span(box.x + box.width - 1, y, "│", border))
    bottom = "╰" + "─" * inner + "╯"
    spans.append(Span(box.x, box.y + box.height - 1, bottom, border))
    return tuple(spans)


@lru_cache(maxsize=4096)
def _node_drawing(box, node, kinds, rows, hide):
    """draw_node, remembered: most nodes look the same from one step to the next."""
    return draw_node(box, node, kinds, dict(rows), hide=hide)


def draw_label(
    box: Box, weight: WeightView, backward: bool, *, hide_new: bool = False, selected: bool = False
) -> tuple[Span, ...]:
    """A weight's label on its port row: its numbers, then the edge on into the node."""
    pieces = list(label_text(weight))
    if hide_new and weight.new is not None:
        pieces = pieces[:-2] + [(" ", "muted"), (" " * len(weight.new), "muted")]
    spans = []
    x = box.x
    for text, role in pieces:
        if weight.changed and role == "number" and text in (weight.slope, weight.new):
            role = "changed"
        if weight.active and role in ("number", "negative"):
            role = "label-active" if role == "number" else role
        if selected and role != "changed":
            role = "selected"
        spans.append(Span(x, box.y, text, role))
        x += len(text)
    fill = box.x + box.width - x
    if fill > 0:
        lit = weight.active
        arrow = "◂" if lit and backward else ("▸" if fill > 1 else " ")
        line = ("─" * (fill - 1) + "▸") if fill > 1 else " "
        if lit and backward and fill > 1:
            line = " " + arrow + "─" * (fill - 2)
        spans.append(Span(x, box.y, line, ("back" if backward else "lit") if lit else "edge"))
    return tuple(spans)


def draw_floating_label(layout: NetworkLayout, weight: WeightView) -> tuple[Span, ...]:
    """Dense networks have no label per weight: the active one floats on its edge."""
    pieces = label_text(weight)
    box = layout.floating_label(weight.name, sum(len(t) for t, _ in pieces) + 2)
    if box is None:
        return ()
    spans = [Span(box.x, box.y, " ", "inside")]
    x = box.x + 1
    for text, role in pieces:
        spans.append(Span(x, box.y, text, "changed" if text == weight.slope else role))
        x += len(text)
    spans.append(Span(x, box.y, " ", "inside"))
    return tuple(spans)


def floating_width(weight: WeightView) -> int:
    return sum(len(t) for t, _ in label_text(weight)) + 2


def lit_cells(
    dots: dict[str, list], edges: tuple[str, ...], backward: bool, progress: float
) -> Cells:
    """The lit edges, drawn from where the number starts to where it has reached."""
    lit: list[tuple[int, int]] = []
    head: list[tuple[int, int]] = []
    for name in edges:
        line = dots.get(name)
        if not line:
            continue
        if backward:
            line = line[::-1]
        reach = max(1, round(len(line) * progress))
        lit.extend(line[:reach])
        if progress < 1:
            head.extend(line[max(0, reach - 3) : reach])
    role = "back" if backward else "lit"
    cells = {key: (braille_char(bits), role) for key, bits in braille_cells(lit).items()}
    for key, bits in braille_cells(head).items():
        cells[key] = (braille_char(bits | _bits(cells.get(key))), "pulse")
    return cells


def _bits(cell: tuple[str, str] | None) -> int:
    return 0 if cell is None else ord(cell[0]) - 0x2800


def travelling_tags(layout: NetworkLayout, view: StepView, progress: float) -> tuple[Span, ...]:
    """During an animation, the number on its way: a value forward into the node, a
    slope back along the weight."""
    if progress >= 1 or not view.active_edges:
        return ()
    spans = []
    backward = view.edge_direction == "backward"
    for name in view.active_edges:
        segment = layout.edges.get(name)
        if segment is None:
            continue
        param = Param.parse(name)
        source, target = param.source, param.target
        text = view.nodes[target].slope if backward else view.nodes[source].value
        if not text:
            continue
        t = 1 - progress if backward else progress
        x = int(segment.x0 + (segment.x1 - segment.x0) * t) - len(text) // 2
        y = int(segment.y0 + (segment.y1 - segment.y0) * t)
        x = max(0, min(x, layout.width - len(text)))
        spans.append(Span(x, y, text, "pulse"))
    return tuple(spans)


@dataclass(frozen=True)
class Picture:
    """Everything drawn over the base edges, by element (so changed rows can be found)."""

    elements: dict[str, tuple[Span, ...]]
    lit: Cells

    @cached_property
    def by_row(self) -> dict[int, list[tuple[int, str, str]]]:
        """What each row draws over the base edges, as (x, text, role) in drawing
        order: lit edges, then the elements, the travelling tags last."""
        rows: dict[int, list[tuple[int, str, str]]] = {}
        for (x, y), (char, role) in self.lit.items():
            rows.setdefault(y, []).append((x, char, role))
        tags = self.elements.get("tags", ())
        for key, spans in self.elements.items():
            if key != "tags":
                for span in spans:
                    rows.setdefault(span.y, []).append((span.x, span.text, span.role))
        for span in tags:
            rows.setdefault(span.y, []).append((span.x, span.text, span.role))
        return rows


def draw(
    layout: NetworkLayout,
    shape: Shape,
    dots: dict[str, list],
    view: StepView,
    progress: float = 1.0,
    selected: str | None = None,
) -> Picture:
    """The picture at this step; `progress` < 1 while the step's animation runs."""
    moving = progress < 1
    elements: dict[str, tuple[Span, ...]] = {}
    for k, names in enumerate(shape.layers):
        for name in names:
            node = view.nodes[name]
            hide = node.changed if moving and node.changed in ("z", "value") else None
            elements[name] = _node_drawing(
                layout.nodes[name], node, shape.lines[k], layout.content_rows[name], hide
            )
    backward = view.edge_direction == "backward"
    for name, weight in view.weights.items():
        box = layout.labels.get(name)
        if box is not None:
            elements["label:" + name] = draw_label(
                box,
                weight,
                backward,
                hide_new=moving and progress < 0.5,
                selected=name == selected,
            )
        elif weight.active:
            elements["label:" + name] = draw_floating_label(layout, weight)
    tags = travelling_tags(layout, view, progress)
    if tags:
        elements["tags"] = tags
    lit = lit_cells(dots, view.active_edges, backward, progress)
    if backward and not moving:
        for name in view.active_edges:
            segment = layout.edges.get(name)
            if segment is not None:
                lit[(int(segment.x0), int(segment.y0))] = ("◂", "back")
    return Picture(elements, lit)


BaseRow = tuple[list[str], list[str]]  # a row's characters and roles


def base_rows(width: int, height: int, base: Cells) -> list[BaseRow]:
    """The base edges row by row, composed once per layout (a step copies a row)."""
    rows = [([" "] * width, ["blank"] * width) for _ in range(height)]
    for (x, y), (char, role) in base.items():
        if 0 <= x < width and 0 <= y < height:
            rows[y][0][x], rows[y][1][x] = char, role
    return rows


def changed_spans(before: Picture | None, after: Picture) -> dict[int, tuple[int, int]] | None:
    """Per row whose drawing differs, the columns [x0, x1) that differ (None: all)."""
    if before is None:
        return None
    spans: dict[int, tuple[int, int]] = {}

    def mark(y: int, x0: int, x1: int) -> None:
        old = spans.get(y)
        spans[y] = (x0, x1) if old is None else (min(old[0], x0), max(old[1], x1))

    for key in before.elements.keys() | after.elements.keys():
        old, new = before.elements.get(key, ()), after.elements.get(key, ())
        if old != new:
            for span in (*old, *new):
                mark(span.y, span.x, span.x + len(span.text))
    for key in before.lit.keys() | after.lit.keys():
        if before.lit.get(key) != after.lit.get(key):
            mark(key[1], key[0], key[0] + 1)
    return spans


def compose_row(y: int, width: int, base: BaseRow, picture: Picture) -> list[tuple[str, str]]:
    """Row y as runs of (text, role): the base edges, with the picture drawn over."""
    chars, roles = base[0][:], base[1][:]
    for x, text, role in picture.by_row.get(y, ()):
        for i, char in enumerate(text, x):
            if 0 <= i < width:
                chars[i] = char
                roles[i] = role
    runs: list[tuple[str, str]] = []
    start = 0
    for x in range(1, width + 1):
        if x == width or roles[x] != roles[start]:
            runs.append(("".join(chars[start:x]), roles[start]))
            start = x
    return runs


def picture_text(layout: NetworkLayout, base: Cells, picture: Picture) -> list[str]:
    """The whole picture as plain lines (tests read the numbers from it)."""
    rows = base_rows(layout.width, layout.height, base)
    return [
        "".join(text for text, _ in compose_row(y, layout.width, rows[y], picture))
        for y in range(layout.height)
    ]


def element_at(layout: NetworkLayout, x: int, y: int) -> str | None:
    """The node or weight drawn at cell (x, y), for a click."""
    for name, box in layout.nodes.items():
        if box.x <= x < box.x + box.width and box.y <= y < box.y + box.height:
            return name
    for name, box in layout.labels.items():
        if box.x <= x < box.x + box.width and box.y == y:
            return name
    return None
