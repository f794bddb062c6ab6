"""The NumPy engine: the slides' numbers, exact; gradients against finite differences.

Every expected number below is either printed in ../shared/slides.md or derived by hand
in a comment next to it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from slide_networks import BACKPROP_RELU, SINGLE_WEIGHT

from tui_backprop.engine import ACTIVATIONS, Network, Params, batch_order, batches, train
from tui_backprop.optimizers import OPTIMIZERS
from tui_backprop.scenario import Scenario, parse_scenario
from tui_backprop.training import fresh_state, update


def sgd_update(network: Network, params: Params, backward, rate: float) -> Params:
    """One plain gradient-descent update through the training loop's update."""
    state = fresh_state(params, OPTIMIZERS["sgd"], network.train_bias)
    return update(state, backward, rate, OPTIMIZERS["sgd"], {}, network.train_bias).params


def scenario(text: str) -> Scenario:
    return parse_scenario(text, "inline.toml")


def run_once(s: Scenario):
    """Forward and backward on all points with the scenario's starting weights."""
    network, params = Network.from_scenario(s)
    forward = network.forward(params, s.data_inputs)
    backward = network.backward(params, forward, s.targets) if s.has_targets else None
    return network, params, forward, backward


CHAPTER_1 = """\
title = "forward propagation"
[network]
inputs = ["x1", "x2"]
[[network.layers]]
nodes = ["node_0", "node_1"]
activation = "{hidden}"
weights = [[1, 1], [-1, 1]]
[[network.layers]]
nodes = ["output"]
weights = [[{w_out}]]
[data]
inputs = [[2, 3]]
{targets}
"""


def chapter_1(hidden="identity", w_out="2, -1", targets=""):
    return scenario(CHAPTER_1.format(hidden=hidden, w_out=w_out, targets=targets))


TWO_INPUTS = """\
title = "two inputs"
[network]
inputs = ["x1", "x2"]
[[network.layers]]
nodes = ["prediction"]
weights = [[1, 2]]
[data]
inputs = [[3, 4]]
targets = [6]
[training]
learning_rate = 0.01
epochs = 2
"""


SQUARED_ERROR = """\
title = "squared error"
[network]
inputs = ["x"]
loss = "{loss}"
[[network.layers]]
nodes = ["prediction"]
weights = [[1]]
[data]
inputs = [[10], [8], [6]]
targets = [20, 3, 1]
"""


# -- 1. forward propagation -------------------------------------------------------------


def test_forward_propagation_chapter_1():
    _, _, forward, backward = run_once(chapter_1())
    assert backward is None
    np.testing.assert_array_equal(forward.values[0], [[2, 3]])
    np.testing.assert_array_equal(forward.pre_activations[0], [[5, 1]])  # 2+3, -2+3
    np.testing.assert_array_equal(forward.values[1], [[5, 1]])
    np.testing.assert_array_equal(forward.values[2], [[9]])  # 5*2 + 1*(-1)
    assert forward.values[2][0, 0] == 9.0


# -- 2. activation functions ------------------------------------------------------------


def test_tanh_hidden_nodes_output():
    _, _, forward, _ = run_once(chapter_1(hidden="tanh"))
    output = forward.values[2][0, 0]
    assert output == pytest.approx(1.2382242525694254, rel=1e-15, abs=0)
    np.testing.assert_allclose(forward.values[1], [[math.tanh(5), math.tanh(1)]], rtol=1e-15)
    np.testing.assert_array_equal(forward.pre_activations[0], [[5, 1]])


def test_activation_functions_and_their_slopes():
    z = np.array([-2.0, -0.5, 0.5, 2.0])
    f, df = ACTIVATIONS["identity"].function, ACTIVATIONS["identity"].slope
    np.testing.assert_array_equal(f(z), z)
    np.testing.assert_array_equal(df(z), [1, 1, 1, 1])
    f, df = ACTIVATIONS["relu"].function, ACTIVATIONS["relu"].slope
    np.testing.assert_array_equal(f(z), [0, 0, 0.5, 2])
    np.testing.assert_array_equal(df(z), [0, 0, 1, 1])
    f, df = ACTIVATIONS["sigmoid"].function, ACTIVATIONS["sigmoid"].slope
    np.testing.assert_allclose(f(z), 1 / (1 + np.exp(-z)), rtol=1e-14)
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(df(z), s * (1 - s), rtol=1e-13)
    f, df = ACTIVATIONS["tanh"].function, ACTIVATIONS["tanh"].slope
    np.testing.assert_allclose(f(z), np.tanh(z), rtol=1e-15)
    np.testing.assert_allclose(df(z), 1 / np.cosh(z) ** 2, rtol=1e-13)


def test_relu_of_a_negative_sum_is_a_plain_zero():
    f = ACTIVATIONS["relu"].function
    out = f(np.array([-1.0, -0.0]))
    assert not np.any(np.signbit(out))


def test_sigmoid_does_not_overflow_for_large_sums():
    f, df = ACTIVATIONS["sigmoid"].function, ACTIVATIONS["sigmoid"].slope
    with np.errstate(all="raise"):
        out = f(np.array([-1000.0, 1000.0]))
        slopes = df(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 1.0])
    np.testing.assert_array_equal(slopes, [0.0, 0.0])


# -- 3. baseline -----------------------------------------------------------------------------


def test_baseline_error_is_minus_4():
    network, params, forward, _ = run_once(chapter_1(targets="targets = [13]"))
    assert forward.values[-1][0, 0] == 9.0
    error = forward.values[-1] - np.array([[13.0]])
    assert error[0, 0] == -4.0  # prediction - target
    assert network.loss(params, np.array([[2.0, 3.0]]), np.array([[13.0]])) == 16.0


def test_baseline_fixed_weights_error_0():
    network, params, forward, backward = run_once(
        chapter_1(w_out="3, -2", targets="targets = [13]")
    )
    assert forward.values[-1][0, 0] == 13.0  # 5*3 + 1*(-2)
    assert network.loss(params, np.array([[2.0, 3.0]]), np.array([[13.0]])) == 0.0
    for slopes in backward.weight_slopes:
        np.testing.assert_array_equal(slopes, np.zeros_like(slopes))


# -- 4. squared error table -----------------------------------------------------------------


def test_squared_error_table():
    s = scenario(SQUARED_ERROR.format(loss="mse"))
    network, params, forward, _ = run_once(s)
    predictions = forward.values[-1]
    np.testing.assert_array_equal(predictions[:, 0], [10, 8, 6])
    np.testing.assert_array_equal((predictions - s.targets)[:, 0], [-10, 5, 5])
    squared = network.squared_errors(predictions, s.targets)
    np.testing.assert_array_equal(squared, [100, 25, 25])
    assert squared.sum() == 150
    assert network.reduce(squared) == 50
    assert network.loss(params, s.data_inputs, s.targets) == 50


@pytest.mark.parametrize(("loss", "expected"), [("mse", 50), ("sse", 150), ("half_sse", 75)])
def test_losses_of_the_table(loss, expected):
    s = scenario(SQUARED_ERROR.format(loss=loss))
    network, params = Network.from_scenario(s)
    assert network.loss(params, s.data_inputs, s.targets) == expected


def test_squared_error_sums_over_output_nodes():
    network = Network(["identity"], "mse", [True])
    predictions = np.array([[1.0, 2.0], [0.0, 0.0]])
    targets = np.array([[0.0, 0.0], [3.0, 4.0]])
    np.testing.assert_array_equal(network.squared_errors(predictions, targets), [5, 25])
    assert network.reduce(network.squared_errors(predictions, targets)) == 15


# -- 5. a single weight -----------------------------------------------------------------------


def test_single_weight_slope_and_update():
    s = scenario(SINGLE_WEIGHT.format(epochs=1))
    network, params, forward, backward = run_once(s)
    assert forward.values[-1][0, 0] == 6.0
    assert backward.node_slopes[0][0, 0] == -8.0  # 2 * (6 - 10)
    assert backward.weight_slopes[0][0, 0] == -24.0  # 2 * (-4) * 3
    new = sgd_update(network, params, backward, s.learning_rate)
    assert new.weights[0][0, 0] == pytest.approx(2.24, rel=1e-12)
    after = network.forward(new, s.data_inputs).values[-1][0, 0]
    assert after == pytest.approx(6.72, rel=1e-12)
    assert after - 10 == pytest.approx(-3.28, rel=1e-12)


def test_single_weight_update_does_not_change_the_old_params():
    s = scenario(SINGLE_WEIGHT.format(epochs=1))
    network, params, _, backward = run_once(s)
    sgd_update(network, params, backward, s.learning_rate)
    assert params.weights[0][0, 0] == 2.0
    assert s.layers[0].weights[0, 0] == 2.0


def test_single_weight_train_converges_geometrically():
    # error e_n = 3 w_n - 10; w_{n+1} = w_n - 0.01 * 6 e_n  =>  e_{n+1} = 0.82 e_n, e_0 = -4
    s = scenario(SINGLE_WEIGHT.format(epochs=30))
    for n in (1, 2, 5, 30):
        w = train(s, n).weights[0][0, 0]
        assert 3 * w - 10 == pytest.approx(-4 * 0.82**n, rel=1e-9)
    assert train(s).weights[0][0, 0] == pytest.approx(10 / 3 - 4 / 3 * 0.82**30, rel=1e-12)


def test_single_weight_loss_curve_is_a_parabola():
    s = scenario(SINGLE_WEIGHT.format(epochs=1))
    network, params = Network.from_scenario(s)
    w = np.linspace(-2.0, 6.0, 81)
    losses = network.loss_at(params, s.data_inputs, s.targets, [(0, 0, 0)], w[:, None])
    assert losses.shape == (81,)
    np.testing.assert_allclose(losses, (3 * w - 10) ** 2, rtol=1e-12, atol=1e-12)


def test_single_weight_loss_curve_minimum_is_at_10_over_3():
    s = scenario(SINGLE_WEIGHT.format(epochs=1))
    network, params = Network.from_scenario(s)
    w = np.linspace(0.0, 6.0, 60001)  # spacing 1e-4
    losses = network.loss_at(params, s.data_inputs, s.targets, [(0, 0, 0)], w[:, None])
    best = w[int(np.argmin(losses))]
    assert abs(best - 10 / 3) <= 1e-4
    assert losses.min() <= (3 * 1e-4) ** 2


# -- 6. two inputs ------------------------------------------------------------------------------


def test_two_inputs_gradient_and_update():
    s = scenario(TWO_INPUTS)
    network, params, forward, backward = run_once(s)
    assert forward.values[-1][0, 0] == 11.0  # 3*1 + 4*2
    np.testing.assert_array_equal(backward.weight_slopes[0], [[30, 40]])  # 2 * 5 * [3, 4]
    new = sgd_update(network, params, backward, s.learning_rate)
    np.testing.assert_allclose(new.weights[0], [[0.7, 1.6]], rtol=1e-12)
    prediction = network.forward(new, s.data_inputs).values[-1][0, 0]
    assert prediction == pytest.approx(8.5, rel=1e-12)
    assert prediction - 6 == pytest.approx(2.5, rel=1e-12)  # not -2.5


def test_two_inputs_train_one_step_equals_update():
    s = scenario(TWO_INPUTS)
    np.testing.assert_allclose(train(s, 1).weights[0], [[0.7, 1.6]], rtol=1e-12)
    # second update: error 2.5, gradient 2 * 2.5 * [3, 4] = [15, 20]
    np.testing.assert_allclose(train(s, 2).weights[0], [[0.55, 1.4]], rtol=1e-12)


# -- 7. backpropagation with ReLU -----------------------------------------------------------------


def test_backprop_relu_forward():
    _, _, forward, _ = run_once(scenario(BACKPROP_RELU))
    np.testing.assert_array_equal(forward.pre_activations[0], [[-1, 1]])
    np.testing.assert_array_equal(forward.values[1], [[0, 1]])
    np.testing.assert_array_equal(forward.values[2], [[1, 3]])
    np.testing.assert_array_equal(forward.values[3], [[7]])


def test_backprop_relu_all_slopes():
    _, _, _, backward = run_once(scenario(BACKPROP_RELU))
    # output node: 2 * (7 - 4)
    np.testing.assert_array_equal(backward.node_slopes[2], [[6]])
    # output weights: 6 * [1, 3]
    np.testing.assert_array_equal(backward.weight_slopes[2], [[6, 18]])
    # hidden 2 node slopes: [1, 2] * 6
    np.testing.assert_array_equal(backward.node_slopes[1], [[6, 12]])
    # hidden 1 -> hidden 2 weights: rows = into b1, b2; columns = from a1 (0), a2 (1)
    np.testing.assert_array_equal(backward.weight_slopes[1], [[0, 6], [0, 12]])  # not 18
    # hidden 1 node slopes: a1 = 0*6 + 2*12 = 24; a2 = 1*6 + 3*12 = 42
    np.testing.assert_array_equal(backward.node_slopes[0], [[24, 42]])
    np.testing.assert_array_equal(backward.activation_slopes[0], [[0, 1]])
    # input -> hidden 1: into a1 (ReLU flat) 0, 0; into a2 0.5*42, 1*42
    np.testing.assert_array_equal(backward.weight_slopes[0], [[0, 0], [21, 42]])


def test_backprop_relu_update_uses_the_weights_before_the_update():
    """Every slope comes from the old weights: hand-derived from the slides' slopes.

    Had the output weights been updated first (to 0.94, 1.82), hidden 2's node slopes
    would be 5.64 and 10.92 and the hidden weights would move differently.
    """
    s = scenario(BACKPROP_RELU)
    network, params, _, backward = run_once(s)
    new = sgd_update(network, params, backward, 0.01)
    np.testing.assert_allclose(new.weights[2], [[1 - 0.06, 2 - 0.18]], rtol=1e-14)
    np.testing.assert_allclose(new.weights[1], [[0, 1 - 0.06], [2, 3 - 0.12]], rtol=1e-14)
    np.testing.assert_allclose(new.weights[0], [[2, -2], [4 - 0.21, -1 - 0.42]], rtol=1e-14)
    for a, b in zip(train(s, 1).weights, new.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    # the trained network's prediction: a2 = 0.5*3.79 - 1.42 = 0.475, b1 = 0.475*0.94,
    # b2 = 0.475*2.88, out = 0.94*b1 + 1.82*b2 = 2.90947
    assert network.forward(new, s.data_inputs).values[-1][0, 0] == pytest.approx(2.90947)


def test_bias_slope_is_a_weight_with_value_1():
    s = scenario(
        """\
title = "bias"
[network]
inputs = ["x"]
[[network.layers]]
nodes = ["y"]
weights = [[2]]
bias = 1
[data]
inputs = [3]
targets = [10]
[training]
learning_rate = 0.1
"""
    )
    network, params, forward, backward = run_once(s)
    assert forward.values[-1][0, 0] == 7.0  # 3*2 + 1
    assert backward.weight_slopes[0][0, 0] == -18.0  # 2 * (7 - 10) * 3
    assert backward.bias_slopes[0][0] == -6.0  # 2 * (7 - 10) * 1
    new = sgd_update(network, params, backward, 0.1)
    assert new.biases[0][0] == pytest.approx(1.6)  # 1 - 0.1 * (-6)
    assert new.weights[0][0, 0] == pytest.approx(3.8)  # 2 - 0.1 * (-18)


def test_untrained_bias_stays_put():
    s = scenario(
        """\
title = "bias"
[network]
inputs = ["x"]
[[network.layers]]
nodes = ["y"]
weights = [[2]]
bias = 1
train_bias = false
[data]
inputs = [3]
targets = [10]
"""
    )
    network, params, _, backward = run_once(s)
    new = sgd_update(network, params, backward, 0.1)
    assert new.biases[0][0] == 1.0
    assert new.weights[0][0, 0] != 2.0


@pytest.mark.parametrize(("loss", "scale"), [("mse", 2 / 3), ("sse", 2.0), ("half_sse", 1.0)])
def test_output_node_slope_per_loss(loss, scale):
    s = scenario(SQUARED_ERROR.format(loss=loss))
    _, _, _, backward = run_once(s)
    np.testing.assert_allclose(backward.node_slopes[0][:, 0], scale * np.array([-10, 5, 5]))
    # weight slope: sum over points of slope * input: scale * (-100 + 40 + 30) = -30 scale
    assert backward.weight_slopes[0][0, 0] == pytest.approx(-30 * scale, rel=1e-14)


# -- property tests: random small networks -------------------------------------------------------

FLOATS = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False, width=64)
ACTIVATION_NAMES = sorted(ACTIVATIONS)  # softmax anywhere: the Jacobian is checked too
SQUARED_LOSSES = ["mse", "sse", "half_sse"]  # the log losses have their own test below


@st.composite
def random_networks(draw):
    depth = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 4)) for _ in range(depth + 1)]
    activations = [draw(st.sampled_from(ACTIVATION_NAMES)) for _ in range(depth)]
    loss = draw(st.sampled_from(SQUARED_LOSSES))
    with_bias = [draw(st.booleans()) for _ in range(depth)]
    train_bias = [draw(st.booleans()) for _ in range(depth)]
    points = draw(st.integers(1, 5))
    weights = tuple(
        draw(arrays(np.float64, (sizes[k + 1], sizes[k]), elements=FLOATS)) for k in range(depth)
    )
    biases = tuple(
        draw(arrays(np.float64, (sizes[k + 1],), elements=FLOATS)) if with_bias[k] else None
        for k in range(depth)
    )
    inputs = draw(arrays(np.float64, (points, sizes[0]), elements=FLOATS))
    targets = draw(arrays(np.float64, (points, sizes[-1]), elements=FLOATS))
    network = Network(activations, loss, train_bias)
    return network, Params(weights, biases), inputs, targets


def away_from_relu_kinks(network: Network, params: Params, inputs: np.ndarray) -> bool:
    forward = network.forward(params, inputs)
    return all(
        activation.name != "relu" or np.all(np.abs(z) >= 1e-3)
        for activation, z in zip(network.activations, forward.pre_activations, strict=True)
    )


def with_value(params: Params, kind: str, k: int, index: tuple, value: float) -> Params:
    changed = params.copy()
    target = changed.weights[k] if kind == "weight" else changed.biases[k]
    target[index] = value
    return changed


def central_difference(network, params, inputs, targets, kind, k, index) -> float:
    array = params.weights[k] if kind == "weight" else params.biases[k]
    x = float(array[index])
    h = 1e-6 * max(1.0, abs(x))
    up = network.loss(with_value(params, kind, k, index, x + h), inputs, targets)
    down = network.loss(with_value(params, kind, k, index, x - h), inputs, targets)
    return (up - down) / ((x + h) - (x - h))


def every_parameter(params: Params):
    for k, w in enumerate(params.weights):
        for index in np.ndindex(w.shape):
            yield "weight", k, index
    for k, b in enumerate(params.biases):
        if b is not None:
            for index in np.ndindex(b.shape):
                yield "bias", k, index


def analytic(backward, kind, k, index) -> float:
    slopes = backward.weight_slopes[k] if kind == "weight" else backward.bias_slopes[k]
    return float(slopes[index])


def assert_close_slope(g: float, fd: float, loss: float, what) -> None:
    # relative 1e-6, with a floor for the rounding noise of a difference quotient of
    # a loss of this size (about 1e-10 * loss / step-relative)
    tolerance = 1e-6 * max(abs(g), abs(fd)) + 1e-7 * (1.0 + abs(loss))
    assert abs(g - fd) <= tolerance, (what, g, fd)


PROPERTY = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@PROPERTY
@given(random_networks())
def test_backward_slopes_agree_with_central_finite_differences(case):
    network, params, inputs, targets = case
    assume(away_from_relu_kinks(network, params, inputs))
    forward = network.forward(params, inputs)
    backward = network.backward(params, forward, targets)
    loss = network.loss(params, inputs, targets)
    for kind, k, index in every_parameter(params):
        fd = central_difference(network, params, inputs, targets, kind, k, index)
        assert_close_slope(analytic(backward, kind, k, index), fd, loss, (kind, k, index))


@PROPERTY
@given(random_networks())
def test_node_slopes_of_the_output_layer_are_scaled_errors(case):
    network, params, inputs, targets = case
    forward = network.forward(params, inputs)
    backward = network.backward(params, forward, targets)
    points = inputs.shape[0]
    scale = {"mse": 2 / points, "sse": 2.0, "half_sse": 1.0}[network.loss_name]
    # a softmax layer keeps the slopes at its values apart (its node slopes are at the sums)
    softmax = network.activations[-1].name == "softmax"
    slopes = backward.value_slopes[-1] if softmax else backward.node_slopes[-1]
    np.testing.assert_allclose(slopes, scale * (forward.values[-1] - targets), rtol=1e-14, atol=0)
    for k, w in enumerate(params.weights):
        assert backward.weight_slopes[k].shape == w.shape
        if params.biases[k] is None:  # no bias, no slope for it
            assert backward.bias_slopes[k] is None
        else:
            assert backward.bias_slopes[k].shape == (w.shape[0],)
        assert backward.node_slopes[k].shape == (points, w.shape[0])


@PROPERTY
@given(random_networks(), st.floats(1e-3, 0.5))
def test_update_steps_against_the_pre_update_gradient(case, rate):
    """new = old - rate * (finite-difference slope at the OLD weights), for every weight."""
    network, params, inputs, targets = case
    assume(away_from_relu_kinks(network, params, inputs))
    backward = network.backward(params, network.forward(params, inputs), targets)
    new = sgd_update(network, params, backward, rate)
    loss = network.loss(params, inputs, targets)
    for kind, k, index in every_parameter(params):
        old_array = params.weights[k] if kind == "weight" else params.biases[k]
        new_array = new.weights[k] if kind == "weight" else new.biases[k]
        if kind == "bias" and not network.train_bias[k]:
            assert new_array[index] == old_array[index]
            continue
        step_slope = (old_array[index] - new_array[index]) / rate
        fd = central_difference(network, params, inputs, targets, kind, k, index)
        assert_close_slope(step_slope, fd, loss, (kind, k, index))


@PROPERTY
@given(random_networks(), st.data())
def test_loss_at_agrees_with_direct_evaluation_on_a_grid(case, data):
    network, params, inputs, targets = case
    positions = [(k, r, c) for k, w in enumerate(params.weights) for r, c in np.ndindex(w.shape)]
    chosen = data.draw(st.lists(st.sampled_from(positions), min_size=1, max_size=2, unique=True))
    axes = [np.linspace(-1.5, 2.5, 4), np.linspace(-3.0, 1.0, 3)][: len(chosen)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    got = network.loss_at(params, inputs, targets, chosen, grid)
    assert got.shape == grid.shape[:-1]
    for cell in np.ndindex(grid.shape[:-1]):
        changed = params.copy()
        for (k, r, c), value in zip(chosen, grid[cell], strict=True):
            changed.weights[k][r, c] = value
        expected = network.loss(changed, inputs, targets)
        assert got[cell] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_loss_at_does_not_change_the_params():
    s = scenario(BACKPROP_RELU)
    network, params = Network.from_scenario(s)
    before = params.copy()
    network.loss_at(params, s.data_inputs, s.targets, [(0, 1, 0), (2, 0, 1)], np.ones((3, 2)))
    for a, b in zip(params.weights, before.weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_loss_at_at_the_current_weights_is_the_loss():
    s = scenario(BACKPROP_RELU)
    network, params = Network.from_scenario(s)
    here = network.loss_at(params, s.data_inputs, s.targets, [(2, 0, 1)], np.array([[2.0]]))
    assert here[0] == 9.0  # (7 - 4)^2


# -- training: deterministic, batches, shuffling --------------------------------------------------

SGD = """\
title = "sgd"
[network]
inputs = ["x1", "x2"]
[[network.layers]]
nodes = ["y"]
weights = [[0.5, 0.5]]
bias = 0
[data]
inputs = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0]]
targets = [1, 0, -1, 3, 2, 1, 5]
[training]
learning_rate = 0.05
batch_size = {batch}
epochs = 3
shuffle = {shuffle}
seed = {seed}
"""


def sgd(batch=3, shuffle="true", seed=7) -> Scenario:
    return scenario(SGD.format(batch=batch, shuffle=shuffle, seed=seed))


def test_train_is_deterministic():
    s = sgd()
    a, b = train(s), train(s)
    for x, y in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_array_equal(x, y)


def test_train_does_the_scenarios_number_of_updates():
    s = sgd()
    assert s.iterations == 9  # 3 epochs of batches 3, 3, 1
    final = train(s)
    again = train(s, 9)
    np.testing.assert_array_equal(final.weights[0], again.weights[0])
    assert not np.array_equal(train(s, 8).weights[0], final.weights[0])


def test_train_zero_iterations_is_the_start():
    s = sgd()
    np.testing.assert_array_equal(train(s, 0).weights[0], [[0.5, 0.5]])


@pytest.mark.parametrize("seed", [0, 1, 7, 12345])
def test_every_epoch_covers_each_point_once(seed):
    s = sgd(seed=seed)
    for epoch in (1, 2, 3):
        groups = batches(s, epoch)
        assert [len(g) for g in groups] == [3, 3, 1]
        assert sorted(int(p) for g in groups for p in g) == list(range(7))


def test_shuffle_uses_the_seed():
    orders = {seed: [tuple(batch_order(7, e, True, seed)) for e in (1, 2, 3)] for seed in (1, 2)}
    again = [tuple(batch_order(7, e, True, 1)) for e in (1, 2, 3)]
    assert orders[1] == again
    assert orders[1] != orders[2]
    # reshuffled each epoch: not the same order three times
    assert len(set(orders[1])) > 1


def test_no_shuffle_keeps_the_data_order():
    s = sgd(shuffle="false")
    for epoch in (1, 2, 3):
        assert [list(map(int, g)) for g in batches(s, epoch)] == [[0, 1, 2], [3, 4, 5], [6]]


def test_shuffled_training_depends_on_the_seed():
    a, b = train(sgd(seed=1)), train(sgd(seed=2))
    assert not np.array_equal(a.weights[0], b.weights[0])
    np.testing.assert_array_equal(train(sgd(seed=1)).weights[0], a.weights[0])


def test_full_batch_shuffle_changes_nothing_but_rounding():
    """With one batch of all points, the order cannot matter: no point lost or doubled."""
    a, b = train(sgd(batch=7, shuffle="true")), train(sgd(batch=7, shuffle="false"))
    np.testing.assert_allclose(a.weights[0], b.weights[0], rtol=1e-12)
    np.testing.assert_allclose(a.biases[0], b.biases[0], rtol=1e-12, atol=1e-15)


def test_train_matches_manual_minibatch_loop():
    """Minibatch SGD by hand: slopes of the batch's mean squared error, one step per batch."""
    s = sgd(seed=3)
    w = np.array([0.5, 0.5])
    b = 0.0
    for epoch in (1, 2, 3):
        for batch in batches(s, epoch):
            x, t = s.data_inputs[batch], s.targets[batch][:, 0]
            error = x @ w + b - t
            grad_w = 2 * error @ x / len(batch)
            grad_b = 2 * error.sum() / len(batch)
            w, b = w - 0.05 * grad_w, b - 0.05 * grad_b
    params = train(s)
    np.testing.assert_allclose(params.weights[0][0], w, rtol=1e-12)
    assert params.biases[0][0] == pytest.approx(b, rel=1e-12, abs=1e-15)
