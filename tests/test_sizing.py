"""The lesson screen's panel sizes, computed without Textual. Expected figures are
derived by hand from the rules (and match the 80x24 screens: backprop-relu's network
has rows 7-19, sgd's rows 9-20)."""

from __future__ import annotations

import pytest

from tui_backprop.bundled import bundled_path
from tui_backprop.scenario import load_scenario
from tui_backprop.sizing import PanelPlan, Panels, neighbours, plan_panels, wrapped_rows
from tui_backprop.trace import Trace

RELU = Panels(points=1, batch_size=1, has_targets=True)
SGD = Panels(points=9, batch_size=3, has_targets=True)


@pytest.mark.parametrize(
    ("size", "formula", "panels", "expected"),
    [
        # 24 rows: header 1, formula 2, data 3 (names, the point, the totals) leave 17;
        # the narration takes a quarter (4), the network 13
        ((80, 24), 2, RELU, PanelPlan(1, 3, True, ("1fr", 4), ("1fr", 13), 80, 13)),
        # 9 points, batches of 3: the batch's 3 rows; 15 left, narration 3, network 12
        ((80, 24), 2, SGD, PanelPlan(3, 5, True, ("1fr", 3), ("1fr", 12), 80, 12)),
        # 120 columns: the narration beside the network, 32% of the width (38)
        ((120, 40), 1, RELU, PanelPlan(1, 3, True, (38, "1fr"), (82, "1fr"), 82, 34)),
        # 55 rows show up to 10 data rows: all 9 points; 200 x 32% = 64 columns beside
        ((200, 55), 1, SGD, PanelPlan(9, 11, True, (64, "1fr"), (136, "1fr"), 136, 41)),
    ],
)
def test_the_panels_at_the_reviewed_sizes(size, formula, panels, expected):
    assert plan_panels(*size, formula, panels) == expected


def test_hiding_the_narration_gives_the_network_its_rows():
    hidden = Panels(1, 1, True, narration_shown=False)
    assert plan_panels(80, 24, 2, hidden) == PanelPlan(1, 3, False, ("1fr", 0), ("1fr", 17), 80, 17)
    assert plan_panels(120, 40, 1, hidden).side == (0, "1fr")


def test_a_plot_takes_half_and_at_least_ten_rows_or_the_whole_body():
    plot = Panels(1, 1, True, plot_shown=True)
    # half of 17 is 8, less than the 10 a plot needs: 10, the network 7
    assert plan_panels(80, 24, 2, plot) == PanelPlan(1, 3, True, ("1fr", 10), ("1fr", 7), 80, 7)
    zoomed = Panels(1, 1, True, plot_shown=True, plot_zoomed=True)
    assert plan_panels(80, 24, 2, zoomed) == PanelPlan(1, 3, False, ("1fr", "1fr"), None, 80, 17)


def test_a_classroom_status_line_and_a_short_terminal():
    room = Panels(1, 1, True, fixed_rows=3)
    assert plan_panels(80, 24, 2, room).net_height == 12  # 16 left: narration 4
    # 12 rows: 5 left for the body; the narration keeps 1 so the network has its 4
    assert plan_panels(80, 12, 2, RELU) == PanelPlan(1, 3, True, ("1fr", 1), ("1fr", 4), 80, 4)
    # 8 rows: the body never goes below 4, and the narration gives way
    assert plan_panels(80, 8, 2, RELU) == PanelPlan(1, 3, True, ("1fr", 0), ("1fr", 4), 80, 4)


@pytest.mark.parametrize(
    ("text", "width", "rows"),
    [
        ("short", 10, 1),
        ("aa bb cc", 5, 2),  # "aa bb" / "cc"
        ("aa bb cc", 4, 3),  # "aa" / "bb" / "cc"
        ("abcdefghij", 4, 3),  # folded: "abcd" / "efgh" / "ij"
        ("x abcdefghij", 4, 4),  # a long word starts its own row: "x" / "abcd" / ...
    ],
)
def test_wrapped_rows(text, width, rows):
    assert wrapped_rows(text, width) == rows


def test_an_iteration_is_sized_with_its_neighbours_and_the_final_pass_alone():
    sgd = Trace(load_scenario(bundled_path("sgd")))  # 90 updates
    assert list(neighbours(sgd, 1)) == [1, 2]
    assert list(neighbours(sgd, 45)) == [44, 45, 46]
    assert list(neighbours(sgd, 90)) == [89, 90]
    assert list(neighbours(sgd, 91)) == [91]  # the pass after training
    relu = Trace(load_scenario(bundled_path("backprop-relu")))  # 1 update
    assert list(neighbours(relu, 1)) == [1]
    assert list(neighbours(relu, 2)) == [2]
