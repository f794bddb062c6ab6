"""Where nodes, labels and edges go, and how an edge becomes braille dots (no Textual)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_backprop.layout import (
    BRAILLE_BITS,
    COMPACT,
    DENSE,
    NORMAL,
    Box,
    Segment,
    braille_cells,
    braille_char,
    choose_sizes,
    layout_network,
    layout_width,
    rasterize,
)

RELU = [("x1", "x2"), ("a1", "a2"), ("b1", "b2"), ("out",)]


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


def test_braille_cells_combine_dots_of_one_cell():
    cells = braille_cells([(0, 0), (1, 3), (2, 4)])
    assert cells == {(0, 0): 0x01 | 0x80, (1, 1): 0x01}
    assert braille_char(0x01 | 0x80) == "⢁"
    assert len(set(BRAILLE_BITS.values())) == 8 and sum(BRAILLE_BITS.values()) == 0xFF


@pytest.mark.parametrize("sizes", [NORMAL, COMPACT, DENSE])
def test_nodes_and_labels_never_overlap_and_edges_join_them(sizes):
    layers = [("x1", "x2", "x3"), ("a1", "a2", "a3", "a4"), ("b1", "b2"), ("out",)]
    layout = layout_network(layers, [True, False, True], sizes)
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
    if sizes.show_labels:
        assert set(layout.labels) == expected | {
            f"bias:{n}" for n in ("a1", "a2", "a3", "a4", "out")
        }


def test_each_receiving_node_has_a_row_per_incoming_weight():
    layout = layout_network(RELU, [False] * 3, NORMAL)
    for node in ("a1", "a2", "b1", "b2", "out"):
        box = layout.nodes[node]
        rows = sorted(b.y for n, b in layout.labels.items() if n.endswith(f"->{node}"))
        assert rows == list(range(box.y + 1, box.y + 3))


def test_sizes_fit_the_width_and_widen_for_long_names():
    assert choose_sizes(RELU, [False] * 3, 200).label_width == NORMAL.label_width
    compact = choose_sizes(RELU, [False] * 3, 78)
    assert compact.content_lines == COMPACT.content_lines
    assert layout_width(4, compact) <= 78
    assert choose_sizes(RELU, [False] * 3, 200, roomy=False).content_lines == 2
    named = choose_sizes([("x1", "x2"), ("prediction",)], [False], 78, roomy=False)
    assert named.node_width >= len("prediction") + 6
    wide = [tuple(f"x{i}" for i in range(8)), tuple(f"h{i}" for i in range(16)), ("t1",)]
    assert not choose_sizes(wide, [False, False], 300).show_labels  # 8+ ports: edges only
