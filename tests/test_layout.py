"""Where nodes, labels and edges go, and how an edge becomes braille dots (no Textual)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_backprop.diagram import network_shape
from tui_backprop.layout import (
    BRAILLE_BITS,
    Box,
    Needs,
    Segment,
    Shape,
    braille_cells,
    braille_char,
    braille_grid,
    fit_network,
    rasterize,
)

RELU = [("x1", "x2"), ("a1", "a2"), ("b1", "b2"), ("out",)]


def shape_of(layers, biases, activation="relu") -> Shape:
    activations = [activation] * (len(layers) - 2) + ["identity"]
    return network_shape(layers, biases, activations)


def relu_needs(node: int = 9, label: int = 8) -> Needs:
    """Widest node line and label per column, like backprop-relu's at 4 decimals."""
    return Needs((5, node, node, node), (0, label, label, label))


def overlap(a: Box, b: Box) -> bool:
    return not (
        a.x + a.width <= b.x
        or b.x + b.width <= a.x
        or a.y + a.height <= b.y
        or b.y + b.height <= a.y
    )


@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_a_rasterised_segment_is_connected_and_ends_at_its_ends(x0, y0, x1, y1):
    dots = rasterize(Segment(x0 / 2, y0 / 4, x1 / 2, y1 / 4))
    assert dots[0] == (x0, y0) and dots[-1] == (x1, y1)
    for (ax, ay), (bx, by) in itertools.pairwise(dots):
        assert max(abs(ax - bx), abs(ay - by)) == 1  # 8-connected, no gaps, no repeats
    assert len(dots) == max(abs(x1 - x0), abs(y1 - y0)) + 1


@given(st.lists(st.tuples(*[st.floats(-5, 80, allow_nan=False)] * 4), min_size=1, max_size=20))
def test_rasterize_draws_numpys_rounded_linspace(ends):
    """The dots are NumPy's rint(linspace(...)) of the ends on the dot grid, though
    drawn in plain Python (the first frame comes before NumPy is imported)."""
    for x0, y0, x1, y1 in ends:
        a, b, c, d = round(x0 * 2), round(y0 * 4), round(x1 * 2), round(y1 * 4)
        steps = max(abs(c - a), abs(d - b))
        xs = np.rint(np.linspace(a, c, steps + 1)).astype(int).tolist()
        ys = np.rint(np.linspace(b, d, steps + 1)).astype(int).tolist()
        assert rasterize(Segment(x0, y0, x1, y1)) == list(zip(xs, ys, strict=True))


def test_braille_cells_combine_dots_of_one_cell():
    cells = braille_cells([(0, 0), (1, 3), (2, 4)])
    assert cells == {(0, 0): 0x01 | 0x80, (1, 1): 0x01}
    assert braille_char(0x01 | 0x80) == "⢁"
    assert len(set(BRAILLE_BITS.values())) == 8 and sum(BRAILLE_BITS.values()) == 0xFF


SIZES = [(79, 13), (99, 21), (135, 48), (250, 76), (40, 8)]


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("dense", [False, True], ids=["labels", "dense"])
def test_nodes_and_labels_never_overlap_and_edges_join_them(width, height, dense):
    if dense:  # more than 8 weights into a node: no label per weight, edges only
        layers = [tuple(f"x{i}" for i in range(9)), ("a1", "a2", "a3"), ("out",)]
        biases = [True, False]
    else:
        layers = [("x1", "x2", "x3"), ("a1", "a2", "a3", "a4"), ("b1", "b2"), ("out",)]
        biases = [True, False, True]
    shape = shape_of(layers, biases)
    needs = Needs(tuple([7] * len(layers)), tuple([0] + [9] * (len(layers) - 1)))
    layout = fit_network(shape, needs, width, height)
    boxes = list(layout.nodes.values()) + list(layout.labels.values())
    for a, b in itertools.combinations(boxes, 2):
        assert not overlap(a, b), (a, b)
    for box in boxes:
        assert box.x >= 0 and box.x + box.width <= layout.width
        assert box.y >= 0 and box.y + box.height <= layout.height
    for name, segment in layout.edges.items():
        source, target = name.split("->")
        src = layout.nodes[source]
        assert segment.x0 == src.x + src.width  # leaves the feeding node's right side
        assert src.y <= segment.y0 <= src.y + src.height
        end = layout.labels.get(name, layout.nodes[target])
        assert segment.x1 == end.x - 0.5  # arrives just left of its label (or node)
    expected = {f"{s}->{t}" for a, b in itertools.pairwise(layers) for s in a for t in b}
    assert set(layout.edges) == expected
    assert layout.show_labels == (not dense)
    if dense:
        assert not layout.labels
    else:
        biased = [n for k, names in enumerate(layers[1:]) if biases[k] for n in names]
        assert set(layout.labels) == expected | {f"bias:{n}" for n in biased}


def test_each_receiving_node_has_a_row_per_incoming_weight():
    layout = fit_network(shape_of(RELU, [False] * 3), relu_needs(), 99, 21)
    for node in ("a1", "a2", "b1", "b2", "out"):
        box = layout.nodes[node]
        rows = sorted(b.y for n, b in layout.labels.items() if n.endswith(f"->{node}"))
        assert len(rows) == 2 and rows[1] == rows[0] + 1  # one row each, next to each other
        assert box.y < rows[0] and rows[-1] < box.y + box.height - 1  # inside the box's sides
        for n, b in layout.labels.items():
            if n.endswith(f"->{node}"):
                assert b.x + b.width == box.x  # just left of the node


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_line_of_a_node_has_its_own_row_inside_the_box(width, height):
    shape = shape_of(RELU, [False] * 3)
    layout = fit_network(shape, relu_needs(), width, height)
    for k, names in enumerate(shape.layers):
        for name in names:
            box, rows = layout.nodes[name], dict(layout.content_rows[name])
            assert list(rows) == list(shape.lines[k])
            assert len(set(rows.values())) == len(rows)
            assert all(box.y < y < box.y + box.height - 1 for y in rows.values()), name


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize(("node", "label"), [(9, 8), (13, 19), (24, 30)])
def test_numbers_always_fit_and_the_layout_grows_rather_than_cut(width, height, node, label):
    """Each node box holds its widest line between its borders with a space before it,
    each label box its widest label; where the terminal is too small the layout is
    larger than asked (the canvas scrolls), never cut."""
    shape = shape_of(RELU, [False] * 3)
    needs = relu_needs(node, label)
    layout = fit_network(shape, needs, width, height)
    for k, names in enumerate(shape.layers):
        for name in names:
            box = layout.nodes[name]
            assert box.width - 3 >= needs.node[k], (name, box)
            assert box.width - 3 >= len(name) + 1  # " name" whole in the top border
    for name, box in layout.labels.items():
        column = 1 + next(k for k, names in enumerate(RELU[1:]) if name.split("->")[1] in names)
        assert box.width >= needs.label[column], (name, box)
    assert layout.width >= width and layout.height >= height
    right = max(b.x + b.width for b in [*layout.nodes.values(), *layout.labels.values()])
    assert right <= layout.width


def test_the_network_fills_the_width_it_has():
    """Spare width widens the nodes and the edges: at a big terminal's size the network
    spans most of the width, at 80 columns it still fits without scrolling."""
    shape = shape_of(RELU, [False] * 3)
    for width, height in [(79, 13), (135, 48), (250, 76)]:
        layout = fit_network(shape, relu_needs(), width, height)
        assert layout.width == width  # no horizontal scrolling needed
        left = min(b.x for b in layout.nodes.values())
        right = max(b.x + b.width for b in layout.nodes.values())
        assert right - left >= 0.6 * width, (width, left, right)
    small = fit_network(shape, relu_needs(), 79, 13)
    big = fit_network(shape, relu_needs(), 135, 48)
    assert big.nodes["a1"].width > small.nodes["a1"].width  # nodes grow too
    assert big.nodes["a1"].height > small.nodes["a1"].height


def test_long_names_widen_their_nodes():
    shape = shape_of([("x1", "x2"), ("prediction",)], [False])
    layout = fit_network(shape, Needs((5, 7), (0, 8)), 78, 12)
    assert layout.nodes["prediction"].width >= len(" prediction ") + 2


@given(st.lists(st.tuples(*[st.floats(0, 60, allow_nan=False)] * 4), min_size=1, max_size=40))
def test_all_edges_at_once_make_the_cells_of_each_edge_rasterised_alone(ends):
    """braille_grid (the base picture) draws what rasterize draws edge by edge."""
    segments = [Segment(x0, y0 / 2, x1, y1 / 2) for x0, y0, x1, y1 in ends]
    expected = braille_cells([dot for segment in segments for dot in rasterize(segment)])
    assert braille_grid(segments) == expected
