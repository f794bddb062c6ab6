"""Reveal mode's covered formulas and predict-then-check's verdicts (no Textual).

Numbers are the slides' backprop-relu (section 7) and squared-error (section 4) ones.
"""

from __future__ import annotations

import pytest

from tests.slide_networks import BACKPROP_RELU
from tui_backprop.predict import Score, can_predict, judge, question
from tui_backprop.reveal import covered_factors, covered_parts, covered_text, stages
from tui_backprop.scenario import parse_scenario
from tui_backprop.trace import Trace
from tui_backprop.view import build_view

SQUARED_ERROR = """\
title = "squared error"
[network]
inputs = ["x"]
[[network.layers]]
nodes = ["prediction"]
weights = [[1]]
[data]
inputs = [[10], [8], [6]]
targets = [20, 3, 1]
"""


@pytest.fixture(scope="module")
def relu() -> Trace:
    return Trace(parse_scenario(BACKPROP_RELU))


def index_of(trace: Trace, kind: str, **match) -> int:
    return next(
        i
        for i in range(len(trace))
        if trace[i].kind == kind and all(getattr(trace[i], k) == v for k, v in match.items())
    )


def test_weight_slope_uncovers_factor_by_factor(relu):
    step = relu[index_of(relu, "weight_slope", weight="a2->b2")]
    assert stages(step) == 4
    assert [covered_text(step, shown) for shown in range(5)] == [
        "slope(a2->b2) = ? × ? × ? = ?",
        "slope(a2->b2) = 12 × ? × ? = ?",
        "slope(a2->b2) = 12 × 1 × ? = ?",
        "slope(a2->b2) = 12 × 1 × 1 = ?",
        "slope(a2->b2) = 12 × 1 × 1 = 12",
    ]
    factors = (("a", "x", "12"), ("b", "y", "1"), ("c", "z", "1"))
    assert [v for _, _, v in covered_factors(factors, 1)] == ["12", "?", "?"]


def test_constants_labels_and_given_numbers_stay(relu):
    out_slope = relu[index_of(relu, "node_slope", node="out")]
    assert covered_text(out_slope, 0) == "slope(out) = 2 × error = 2 × ? = ?"
    assert covered_text(relu[index_of(relu, "node_value", node="a1")], 0) == "a1 = relu(-1) = ?"
    assert covered_text(relu[index_of(relu, "error", node="out")], 0) == (
        "point 1, out: error = ? − ? = ?; squared error = ?² = ?"
    )
    assert covered_text(relu[index_of(relu, "weight_update", weight="x1->a2")], 2) == (
        "x1->a2: 4 − 0.01 × ? = ?"
    )
    assert stages(relu[0]) == 0  # the input: nothing computed


def test_covered_view_hides_the_steps_own_numbers_in_the_network_and_notes():
    trace = Trace(
        parse_scenario(
            BACKPROP_RELU
            + '[[notes]]\nat = "weight_slope:a2->b2"\ntext = "It is {slope:a2->b2}."\n'
        )
    )
    index = index_of(trace, "weight_slope", weight="a2->b2")
    covered = build_view(trace, index, pending=True)
    shown = build_view(trace, index)
    assert covered.weights["a2->b2"].slope is None and shown.weights["a2->b2"].slope == "12"
    assert covered.weights["a1->b2"].slope == "0"  # the step before: uncovered already
    assert covered.note == "It is ?." and shown.note == "It is 12."


@pytest.mark.parametrize(
    ("kind", "match", "guess", "right", "words"),
    [
        ("weight_slope", {"weight": "a2->b2"}, 12, True, "Right: 12."),
        ("weight_slope", {"weight": "a2->b2"}, 12.1, True, "Right"),  # within 1%
        ("weight_slope", {"weight": "a2->b2"}, -12, False, "wrong sign"),
        # x1->a1: 24 × 0.5 × 0 = 0; forgetting ReLU's slope 0 gives 24 × 0.5 = 12
        ("weight_slope", {"weight": "x1->a1"}, 12, False, "without the activation's slope"),
        ("weight_slope", {"weight": "x1->a2"}, 42, False, "without the value feeding"),
        ("node_value", {"node": "a1"}, -1, False, "weighted sum, before the activation"),
        ("node_slope", {"node": "out"}, 3, False, "without the 2 of 2 × error"),
        # x1->a2: 4 − 0.01 × 21 = 3.79
        ("weight_update", {"weight": "x1->a2"}, 4, False, "the old weight"),
        ("weight_update", {"weight": "x1->a2"}, 4.21, False, "step uphill"),
        ("weight_update", {"weight": "x1->a2"}, -17, False, "without the learning rate"),
        ("weight_update", {"weight": "x1->a2"}, 5, False, "the answer is 3.79"),
    ],
)
def test_judge_names_the_mistake(relu, kind, match, guess, right, words):
    index = index_of(relu, kind, **match)
    verdict = judge(relu, index, guess)
    assert verdict.right is right and words in verdict.message, verdict.message


def test_neighbouring_point_and_loss_mistakes():
    trace = Trace(parse_scenario(SQUARED_ERROR))
    third = index_of(trace, "error", point=2)  # 6 − 1 = 5
    assert judge(trace, third, 5).right
    first = index_of(trace, "error", point=0)  # 10 − 20 = −10; point 2's is 8 − 3 = 5
    verdict = judge(trace, first, 5)
    assert not verdict.right and "point 2's number" in verdict.message
    slope = index_of(trace, "node_slope", point=0)  # 2 × (−10) / 3 = −6.6667
    assert judge(trace, slope, -6.67).right
    assert "not divided by the batch's 3 points" in judge(trace, slope, -20).message
    assert "without the 2 of 2 × error" in judge(trace, slope, -10).message
    loss = index_of(trace, "loss")  # total 150, mean 50
    assert "total squared error, not its mean" in judge(trace, loss, 150).message
    assert judge(trace, loss, 50).right
    assert question(trace[loss]) == "What is the loss?"
    assert not can_predict(trace[0])


def test_score_counts():
    score = Score()
    trace = Trace(parse_scenario(SQUARED_ERROR))
    loss = index_of(trace, "loss")
    for guess in (50, 150, 50.4):
        score.add(judge(trace, loss, guess))
    assert (score.right, score.asked) == (2, 3) and str(score) == "predicted 2/3"


def test_covered_parts_keep_the_pieces_and_their_roles(relu):
    step = relu[index_of(relu, "weight_slope", weight="a2->b2")]
    parts = (
        ("slope(a2->b2) = ", None),
        ("12", "fed"),
        (" × ", None),
        ("1", "feeding"),
        (" × ", None),
        ("1", "act"),
        (" = ", None),
        ("12", "result"),
    )
    assert covered_parts(step, parts, 1) == (
        ("slope(a2->b2) = ", None),
        ("12", "fed"),
        (" × ", None),
        ("?", "feeding"),
        (" × ", None),
        ("?", "act"),
        (" = ", None),
        ("?", "result"),
    )
    assert covered_parts(step, parts, 4) == parts
    # pieces that do not spell the formula: one covered piece
    assert covered_parts(step, (("other", None),), 0) == (("slope(a2->b2) = ? × ? × ? = ?", None),)
