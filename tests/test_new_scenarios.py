"""The bundled classification and vanishing-gradients scenarios against derivations.

Classification: its training loop is written out below in NumPy (tanh layer, softmax,
cross-entropy, full batch, slopes by the chain rule on paper). Vanishing gradients:
each factor sigmoid′(z)·w from math.exp by hand. (momentum and adam are in
test_optimizers.py.)
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from tui_backprop.cli import resolve
from tui_backprop.handout import write_handout
from tui_backprop.trace import Trace


def test_classification_reads_its_csv():
    s = resolve("classification")
    assert s.points == 9 and s.loss == "cross_entropy"
    assert s.layers[-1].activation == "softmax" and s.layers[-1].nodes == ("red", "green", "blue")
    np.testing.assert_array_equal(s.data_inputs[0], [-1.0, 0.2])
    np.testing.assert_array_equal(s.targets.argmax(axis=1), [0, 0, 0, 1, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(s.targets.sum(axis=1), np.ones(9))


def written_out_classifier(s):
    x, t = s.data_inputs, s.targets
    w1, b1 = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]]), np.zeros(3)
    w2, b2 = np.zeros((3, 3)), np.zeros(3)
    losses = []
    for _ in range(40):
        h = np.tanh(x @ w1.T + b1)
        z = h @ w2.T + b2
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        losses.append(-np.mean(np.log((p * t).sum(axis=1))))
        dz = (p - t) / len(x)  # softmax + cross-entropy, mean over the points
        dh = dz @ w2
        dz1 = dh * (1 - h**2)  # tanh′ = 1 − tanh²
        w2, b2 = w2 - 0.5 * dz.T @ h, b2 - 0.5 * dz.sum(axis=0)
        w1, b1 = w1 - 0.5 * dz1.T @ x, b1 - 0.5 * dz1.sum(axis=0)
    h = np.tanh(x @ w1.T + b1)
    z = h @ w2.T + b2
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return losses, -np.mean(np.log((p * t).sum(axis=1))), p


def test_classification_trains_as_the_written_out_loop_does():
    s = resolve("classification")
    trace = Trace(s)
    losses, final, p = written_out_classifier(s)
    assert losses[0] == pytest.approx(math.log(3), rel=1e-14)  # p = 1/3 for every class
    np.testing.assert_allclose(trace.losses_until(40), losses, rtol=1e-10)
    final_loss = next(
        step for step in trace.iteration(trace.iterations).steps if step.kind == "loss"
    )
    assert final_loss.numbers["loss"] == pytest.approx(final, rel=1e-10)
    assert final == pytest.approx(0.044, abs=0.001)  # the figure in the scenario's comment
    np.testing.assert_array_equal(p.argmax(axis=1), s.targets.argmax(axis=1))


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def node_slopes(trace: Trace) -> dict:
    return {s.node: s for s in trace.iteration(1).steps if s.kind == "node_slope"}


def test_vanishing_gradients_factors_by_hand():
    trace = Trace(resolve("vanishing-gradients"))
    zs, value = [], 1.0  # input 1, every weight 1
    for _ in range(6):
        zs.append(value)
        value = sigmoid(value)
    out = value  # identity output, weight 1
    slope_out = 2 * (out - 2)
    steps = node_slopes(trace)
    assert steps["out"].numbers["slope"] == pytest.approx(slope_out, rel=1e-13)
    product = 1.0
    for layer in range(6, 0, -1):  # h6 down to h1
        if layer == 6:
            factor = 1.0  # the identity output: slope 1, weight 1
        else:
            s = sigmoid(zs[layer])  # the node after: h(layer + 1), whose sum is zs[layer]
            factor = s * (1 - s)
        product *= factor
        step = steps[f"h{layer}"]
        assert step.variant == "chain"
        assert step.numbers["factor"] == pytest.approx(factor, rel=1e-12)
        assert step.numbers["running_product"] == pytest.approx(product, rel=1e-12)
        assert step.numbers["slope"] == pytest.approx(slope_out * product, rel=1e-12)
        assert "factor sigmoid′(z)·w" in step.text or layer == 6
    # the claim of the scenario's comment: about 1,700 times smaller at h1
    ratio = steps["out"].numbers["slope"] / steps["h1"].numbers["slope"]
    assert 1600 < ratio < 1800


def test_relu_twin_keeps_the_slope():
    trace = Trace(resolve("vanishing-gradients-relu"))
    steps = node_slopes(trace)
    for layer in range(1, 7):
        step = steps[f"h{layer}"]
        assert step.numbers["slope"] == -2.0  # 2 × (1 − 2), times factors of exactly 1
        assert step.numbers["factor"] == 1.0 and step.numbers["running_product"] == 1.0


def test_classification_handout_has_a_row_per_point():
    out = io.StringIO()
    write_handout(Trace(resolve("classification")), out)
    text = out.getvalue()
    assert "| point | p(red) | p(green) | p(blue) | target | loss |" in text
    # every point starts at p = 1/3 for each class: loss log 3 = 1.0986
    assert "| 1 | 0.3333 | 0.3333 | 0.3333 | 1, 0, 0 | 1.0986 |" in text
    assert "| 9 | 0.3333 | 0.3333 | 0.3333 | 0, 0, 1 | 1.0986 |" in text
