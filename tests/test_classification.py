"""Softmax, cross-entropy and binary cross-entropy: every number against a derivation.

By hand (math.exp / math.log on the few numbers of a tiny network), the full softmax
Jacobian written out as a double loop, and central finite differences of the loss for
every slope (gradcheck). Never against the program's own output.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tui_backprop.engine import Network, Params
from tui_backprop.errors import ScenarioError
from tui_backprop.functions import LOG_FLOOR
from tui_backprop.gradcheck import check_iteration
from tui_backprop.scenario import parse_scenario
from tui_backprop.trace import Trace
from tui_backprop.view import build_view

# 2 inputs -> 3 softmax outputs; point 1 (1, 2) is class 0 ("a"), point 2 (0, 1) class "c"
SOFTMAX = """\
title = "tiny classification"
[network]
inputs = ["x1", "x2"]
loss = "{loss}"
[[network.layers]]
nodes = ["a", "b", "c"]
activation = "{activation}"
weights = [[1, 0], [0, 1], [0, 0]]
bias = 0
[data]
inputs = [[1, 2], [0, 1]]
targets = {targets}
[training]
learning_rate = 0.5
"""


def tiny(loss="cross_entropy", activation="softmax", targets='[0, "c"]'):
    text = SOFTMAX.format(loss=loss, activation=activation, targets=targets)
    return parse_scenario(text, "tiny.toml")


def by_hand_softmax(zs):
    exps = [math.exp(z) for z in zs]
    return [e / sum(exps) for e in exps]


# z for point 1: (1·1 + 2·0, 1·0 + 2·1, 0) = (1, 2, 0); point 2: (0, 1, 0)
P1 = by_hand_softmax([1, 2, 0])
P2 = by_hand_softmax([0, 1, 0])
T1, T2 = [1, 0, 0], [0, 0, 1]


def steps_of(trace, kind, **fields):
    return [
        s
        for s in trace.iteration(1).steps
        if s.kind == kind and all(getattr(s, k) == v for k, v in fields.items())
    ]


def test_class_targets_are_read_as_one_hot():
    s = tiny()
    np.testing.assert_array_equal(s.targets, [T1, T2])
    assert np.array_equal(tiny(targets="[[1, 0, 0], [0, 0, 1]]").targets, s.targets)
    assert np.array_equal(tiny(targets='["a", 2]').targets, s.targets)


def test_softmax_values_and_cross_entropy_by_hand():
    trace = Trace(tiny())
    values = {(s.point, s.node): s.numbers["value"] for s in steps_of(trace, "node_value")}
    for j, node in enumerate("abc"):
        assert values[(0, node)] == pytest.approx(P1[j], rel=1e-14)
        assert values[(1, node)] == pytest.approx(P2[j], rel=1e-14)
    losses = [s.numbers["point_loss"] for s in steps_of(trace, "point_loss")]
    assert losses == pytest.approx([-math.log(P1[0]), -math.log(P2[2])], rel=1e-14)
    (loss,) = steps_of(trace, "loss")
    expected = (-math.log(P1[0]) - math.log(P2[2])) / 2
    assert loss.numbers["loss"] == pytest.approx(expected, rel=1e-14)
    assert "cross-entropy = mean of the points' losses" in loss.text


def test_softmax_with_cross_entropy_slope_is_p_minus_t_over_n():
    trace = Trace(tiny())
    for j, node in enumerate("abc"):
        first, second = steps_of(trace, "node_slope", node=node)
        assert first.numbers["slope"] == pytest.approx((P1[j] - T1[j]) / 2, rel=1e-13)
        assert second.numbers["slope"] == pytest.approx((P2[j] - T2[j]) / 2, rel=1e-13)
        assert first.numbers["paired"] == "softmax and cross-entropy together: p − t"
        assert first.variant == "paired" and "(p − t) / 2" in first.text
    # weight x2->b: (p_b − t_b)/2 · x2 summed over both points, and the factors say so
    (step,) = steps_of(trace, "weight_slope", weight="x2->b")
    expected = (P1[1] - 0) / 2 * 2 + (P2[1] - 0) / 2 * 1
    assert step.numbers["slope"] == pytest.approx(expected, rel=1e-13)
    products = [
        f["loss_slope"] * f["activation_slope"] * f["node_value"] for f in step.numbers["factors"]
    ]
    assert sum(products) == pytest.approx(expected, rel=1e-13)
    combined = [f["loss_slope"] * f["activation_slope"] for f in step.numbers["factors"]]
    assert combined == pytest.approx([(P1[1] - 0) / 2, (P2[1] - 0) / 2], rel=1e-13)
    (bias,) = steps_of(trace, "bias_slope", bias="bias:c")
    assert bias.numbers["slope"] == pytest.approx((P1[2] - 0) / 2 + (P2[2] - 1) / 2, rel=1e-13)


def test_the_jsonl_carries_the_combined_factor():
    trace = Trace(tiny())
    (step,) = steps_of(trace, "weight_slope", weight="x1->a")
    record = json.loads(json.dumps(step.to_json()))
    first = record["factors"][0]
    assert first["loss_slope"] * first["activation_slope"] == pytest.approx(
        (P1[0] - 1) / 2, rel=1e-13
    )


def jacobian_by_loops(p, g):
    """dL/dz_k = Σ_j dL/dp_j · p_j (δ_jk − p_k), one term at a time."""
    out = []
    for k in range(len(p)):
        total = 0.0
        for j in range(len(p)):
            delta = 1.0 if j == k else 0.0
            total += g[j] * p[j] * (delta - p[k])
        out.append(total)
    return out


def test_softmax_with_mse_goes_through_the_full_jacobian():
    trace = Trace(tiny(loss="mse", targets="[[1, 0, 0], [0, 0, 1]]"))
    # mse over 2 points: dL/dp_j = 2 (p_j − t_j) / 2
    g1 = [2 * (p - t) / 2 for p, t in zip(P1, T1, strict=True)]
    g2 = [2 * (p - t) / 2 for p, t in zip(P2, T2, strict=True)]
    want1, want2 = jacobian_by_loops(P1, g1), jacobian_by_loops(P2, g2)
    for k, node in enumerate("abc"):
        first, second = steps_of(trace, "node_slope", node=node)
        assert first.variant == "jacobian" and "Σ_i" in first.text
        assert first.numbers["slope"] == pytest.approx(want1[k], rel=1e-12, abs=1e-15)
        assert second.numbers["slope"] == pytest.approx(want2[k], rel=1e-12, abs=1e-15)
        assert first.numbers["value_slopes"] == pytest.approx(g1, rel=1e-13)


@pytest.mark.parametrize(
    ("loss", "activation", "targets"),
    [
        ("cross_entropy", "softmax", '[0, "c"]'),
        ("mse", "softmax", "[[1, 0, 0], [0, 0, 1]]"),
        ("cross_entropy", "sigmoid", "[[1, 0, 0], [0, 0, 1]]"),  # no softmax: −t/p
        ("binary_cross_entropy", "sigmoid", "[[1, 0, 1], [0, 0, 1]]"),
        ("binary_cross_entropy", "tanh", "[[1, 0, 0], [0, 1, 0]]"),  # logs of 1 − p > 1
    ],
)
def test_every_slope_agrees_with_finite_differences(loss, activation, targets):
    trace = Trace(tiny(loss=loss, activation=activation, targets=targets))
    checks = check_iteration(trace, 1)
    assert len(checks) == 9  # 6 weights and 3 biases
    failing = [c for c in checks.values() if not c.ok]
    assert not failing, failing


def test_binary_cross_entropy_by_hand():
    text = """\
title = "one sigmoid"
[network]
inputs = ["x"]
loss = "binary_cross_entropy"
[[network.layers]]
nodes = ["y"]
activation = "sigmoid"
weights = [[0.5]]
[data]
inputs = [[2], [-1]]
targets = [1, 0]
"""
    trace = Trace(parse_scenario(text, "bce.toml"))
    p1, p2 = 1 / (1 + math.exp(-1)), 1 / (1 + math.exp(0.5))  # z = 1 and −0.5
    (loss,) = steps_of(trace, "loss")
    expected = (-math.log(p1) - math.log(1 - p2)) / 2
    assert loss.numbers["loss"] == pytest.approx(expected, rel=1e-14)
    first, second = steps_of(trace, "node_slope", node="y")
    assert first.numbers["slope"] == pytest.approx((p1 - 1) / 2, rel=1e-13)
    assert second.numbers["slope"] == pytest.approx((p2 - 0) / 2, rel=1e-13)
    assert first.numbers["paired"] == "sigmoid and binary cross-entropy together: p − t"
    (weight,) = steps_of(trace, "weight_slope", weight="x->y")
    assert weight.numbers["slope"] == pytest.approx((p1 - 1) / 2 * 2 + p2 / 2 * -1, rel=1e-13)
    (update,) = steps_of(trace, "weight_update")
    slope = ((p1 - 1) * 2 + p2 * -1) / 2
    assert update.numbers["new"] == pytest.approx(0.5 - 0.01 * slope, rel=1e-14)


def test_a_log_of_zero_is_clipped_and_the_step_says_so():
    # z = (0, 800): p(a) = e^−800 underflows to 0; the log is taken at 1e-12
    text = SOFTMAX.format(loss="cross_entropy", activation="softmax", targets="[0]")
    text = text.replace("[[1, 0], [0, 1], [0, 0]]", "[[0, 0], [0, 800], [0, 0]]")
    text = text.replace("inputs = [[1, 2], [0, 1]]", "inputs = [[0, 1]]")
    trace = Trace(parse_scenario(text, "clip.toml"))
    (point,) = steps_of(trace, "point_loss")
    assert point.numbers["point_loss"] == pytest.approx(-math.log(1e-12), rel=1e-14)
    assert point.numbers["clipped"] is True
    assert "1e-12" in point.text
    (loss,) = steps_of(trace, "loss")
    assert loss.numbers["clipped"] is True and "clipped at 1e-12" in loss.text
    # the slope at the sum needs no log: p − t = 0 − 1 for a
    (slope,) = steps_of(trace, "node_slope", node="a")
    assert slope.numbers["slope"] == pytest.approx(-1.0, abs=1e-300)
    assert LOG_FLOOR == 1e-12


@pytest.mark.parametrize(
    ("change", "where", "phrase"),
    [
        (('targets = [0, "c"]', 'targets = [0, "d"]'), "data.targets[1]", "not a class"),
        (('targets = [0, "c"]', "targets = [0, 3]"), "data.targets[1]", "outside 0..2"),
        (
            ('targets = [0, "c"]', "targets = [[1, 0, 0], [0.5, 0, 0]]"),
            "data.targets[1]",
            "one-hot",
        ),
        (('activation = "softmax"', 'activation = "sigmoid"\n'), None, None),
    ],
)
def test_class_target_errors(change, where, phrase):
    text = SOFTMAX.format(loss="cross_entropy", activation="softmax", targets='[0, "c"]')
    text = text.replace(*change)
    if where is None:
        parse_scenario(text, "ok.toml")  # cross-entropy without softmax is allowed
        return
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bad.toml")
    assert info.value.where == where and phrase in info.value.message


def test_binary_targets_must_be_0_or_1():
    text = SOFTMAX.format(
        loss="binary_cross_entropy", activation="sigmoid", targets="[[1, 0, 0.5], [0, 0, 1]]"
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bad.toml")
    assert info.value.where == "data.targets[0]" and "0 or 1" in info.value.message


# -- property: random classification networks against finite differences -------------


@st.composite
def classifiers(draw):
    inputs, hidden, outputs = (
        draw(st.integers(1, 3)),
        draw(st.integers(1, 3)),
        draw(st.integers(2, 4)),
    )
    points = draw(st.integers(1, 4))
    loss = draw(st.sampled_from(["cross_entropy", "binary_cross_entropy"]))
    output = draw(
        st.sampled_from(
            ["softmax", "sigmoid", "identity"]
            if loss == "cross_entropy"
            else ["sigmoid", "softmax"]
        )
    )
    floats = st.floats(-2, 2, allow_nan=False, width=64)
    w1 = np.array(
        draw(st.lists(floats, min_size=hidden * inputs, max_size=hidden * inputs))
    ).reshape(hidden, inputs)
    w2 = np.array(
        draw(st.lists(floats, min_size=outputs * hidden, max_size=outputs * hidden))
    ).reshape(outputs, hidden)
    b2 = np.array(draw(st.lists(floats, min_size=outputs, max_size=outputs)))
    x = np.array(
        draw(st.lists(floats, min_size=points * inputs, max_size=points * inputs))
    ).reshape(points, inputs)
    if loss == "cross_entropy":
        classes = draw(st.lists(st.integers(0, outputs - 1), min_size=points, max_size=points))
        t = np.eye(outputs)[classes]
    else:
        t = np.array(
            draw(
                st.lists(
                    st.sampled_from([0.0, 1.0]),
                    min_size=points * outputs,
                    max_size=points * outputs,
                )
            )
        ).reshape(points, outputs)
    network = Network(["tanh", output], loss, [True, True])
    return network, Params((w1, w2), (None, b2)), x, t


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(classifiers())
def test_classification_slopes_agree_with_finite_differences(case):
    network, params, x, t = case
    forward = network.forward(params, x)
    p = forward.values[-1]
    assume(np.all(p > 1e-6))  # identity outputs must stay inside the logs' domain
    if network.loss_name == "binary_cross_entropy":
        assume(np.all(p < 1 - 1e-6))
    backward = network.backward(params, forward, t)
    loss = network.loss(params, x, t)
    for k in range(2):
        arrays = [("w", params.weights[k], backward.weight_slopes[k])]
        if params.biases[k] is not None:
            arrays.append(("b", params.biases[k], backward.bias_slopes[k]))
        for kind, array, slopes in arrays:
            for index in np.ndindex(array.shape):
                h = 1e-6 * max(1.0, abs(array[index]))
                up, down = params.copy(), params.copy()
                (up.weights if kind == "w" else up.biases)[k][index] += h
                (down.weights if kind == "w" else down.biases)[k][index] -= h
                fd = (network.loss(up, x, t) - network.loss(down, x, t)) / (2 * h)
                tolerance = 1e-6 * max(abs(fd), abs(slopes[index])) + 1e-7 * (1 + abs(loss))
                assert abs(slopes[index] - fd) <= tolerance, (kind, k, index, slopes[index], fd)


def test_the_screen_names_the_combined_factor():
    text = SOFTMAX.format(loss="cross_entropy", activation="softmax", targets="[0]")
    text = text.replace("inputs = [[1, 2], [0, 1]]", "inputs = [[1, 2]]")
    trace = Trace(parse_scenario(text, "one.toml"))
    (step,) = steps_of(trace, "weight_slope", weight="x2->a")
    view = build_view(trace, step.index)
    (loss_slope, value, activation) = view.factors
    assert "(p − t)" in loss_slope[1] and activation[2] == "1"
    assert float(loss_slope[2]) == pytest.approx(P1[0] - 1, abs=5e-5)  # one point: n = 1


def test_point_loss_text_names_the_true_class():
    trace = Trace(tiny())
    first, second = steps_of(trace, "point_loss")
    assert first.text.startswith("point 1: loss = −log p(a) = −log(0.2447) = 1.4076")
    assert second.text.startswith("point 2: loss = −log p(c) = −log(0.2119) = 1.5514")
    # by hand: −log(e / (e + e² + 1)) = 1.40760596..., −log(1 / (1 + e + 1)) = 1.55144471...


def test_the_data_table_names_cross_entropy_columns():
    trace = Trace(tiny())
    (loss,) = steps_of(trace, "loss")
    view = build_view(trace, loss.index)
    assert (view.error_column, view.point_loss_column) == ("p − t", "loss")
    # the row's loss column is the point's loss: −log p(a) for point 1, by hand
    assert float(view.rows[0].squared_error) == pytest.approx(-math.log(P1[0]), abs=5e-5)
    squared = build_view(Trace(tiny(loss="mse", targets="[[1, 0, 0], [0, 0, 1]]")), 0)
    assert squared.point_loss_column == "squared error"
