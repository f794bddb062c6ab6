"""The one training loop: overrides (what-if), checkpoints, and every user of it agreeing.

Expected numbers are derived by hand: for the single-weight slide (x = 3, target 10)
an update with learning rate r multiplies the error by 1 − 18r (the slope is
2 · error · 3, and the prediction moves by 3 · r · slope).
"""

from __future__ import annotations

import numpy as np
import pytest
from slide_networks import SINGLE_WEIGHT

from tui_backprop import plots
from tui_backprop.engine import batches, train
from tui_backprop.param import Param
from tui_backprop.scenario import parse_scenario
from tui_backprop.trace import Trace
from tui_backprop.training import SetLearningRate, SetWeight, Training


def single_weight(epochs: int):
    return parse_scenario(SINGLE_WEIGHT.format(epochs=epochs), "single.toml")


def error_before(training: Training, number: int) -> float:
    return 3 * training.state_before(number).params.weights[0][0, 0] - 10


def test_plain_run_by_hand():
    training = Training(single_weight(6))
    for n in range(1, 8):
        assert error_before(training, n) == pytest.approx(-4 * 0.82 ** (n - 1), rel=1e-12)


def test_learning_rate_override_applies_from_its_iteration_on():
    training = Training(single_weight(6), (SetLearningRate(3, 0.02),))
    assert training.learning_rate(2) == 0.01
    assert training.learning_rate(3) == training.learning_rate(6) == 0.02
    # updates 1 and 2 at 0.01 (factor 0.82), from update 3 on at 0.02 (factor 0.64)
    for n in range(3, 8):
        expected = -4 * 0.82**2 * 0.64 ** (n - 3)
        assert error_before(training, n) == pytest.approx(expected, rel=1e-12)


def test_a_later_learning_rate_override_takes_over():
    training = Training(single_weight(6), (SetLearningRate(2, 0.02), SetLearningRate(4, 0.005)))
    assert [training.learning_rate(n) for n in range(1, 7)] == [0.01, 0.02, 0.02, 0.005] + [
        0.005
    ] * 2
    expected = -4 * 0.82 * 0.64**2 * 0.91**2  # 1 − 18 · 0.005 = 0.91
    assert error_before(training, 6) == pytest.approx(expected, rel=1e-12)


def test_weight_override_sets_the_weight_at_the_start_of_its_iteration():
    training = Training(single_weight(6), (SetWeight(3, Param.parse("x->prediction"), 3.0),))
    # before iteration 3 the weight is 3 (error −1); then the error shrinks by 0.82 each update
    assert training.state_before(3).params.weights[0][0, 0] == 3.0
    assert error_before(training, 2) == pytest.approx(-4 * 0.82, rel=1e-12)
    for n in range(3, 8):
        assert error_before(training, n) == pytest.approx(-1 * 0.82 ** (n - 3), rel=1e-12)


def test_with_override_equals_a_fresh_run_with_the_same_overrides():
    scenario = single_weight(300)
    used = Training(scenario)
    used.state_before(250)  # checkpoints and losses all the way out
    changed = used.with_override(SetLearningRate(100, 0.003))
    fresh = Training(scenario, (SetLearningRate(100, 0.003),))
    for n in (1, 99, 100, 101, 200, 301):
        assert changed.state_before(n).params.weights[0][0, 0] == pytest.approx(
            fresh.state_before(n).params.weights[0][0, 0], rel=0, abs=0
        )
    np.testing.assert_array_equal(changed.losses_until(300), fresh.losses_until(300))


def test_trace_what_if_is_an_override_list():
    trace = Trace(single_weight(6))
    trace.set_weight(3, "x->prediction", 3.0)
    trace.set_learning_rate(4, 0.02)
    assert trace.training.overrides == (
        SetWeight(3, Param.weight("x", "prediction"), 3.0),
        SetLearningRate(4, 0.02),
    )
    assert trace.departures == [
        "x->prediction = 3 (iteration 3)",
        "learning rate 0.02 (iteration 4)",
    ]
    expected = -1 * 0.82 * 0.64**2  # weight 3 at iteration 3, then one update at 0.01
    error = next(s for s in trace.iteration(6).steps if s.kind == "error")
    assert error.numbers["error"] == pytest.approx(expected, rel=1e-12)


def test_every_user_of_the_loop_agrees_on_the_end_of_a_shuffled_run():
    """engine.train (the jump to the end), the trace, and the plots' weight path."""
    text = (
        SINGLE_WEIGHT.format(epochs=5)
        .replace("inputs = [[3]]", "inputs = [[3], [1], [2], [-1]]")
        .replace("targets = [10]", "targets = [10, 2, 5, -3]")
    ) + "batch_size = 2\nshuffle = true\nseed = 7\n"
    scenario = parse_scenario(text, "shuffled.toml")
    # the loop written out: the same batches, plain gradient descent
    w = 2.0
    for epoch in range(1, 6):
        for batch in batches(scenario, epoch):
            x, t = scenario.data_inputs[batch, 0], scenario.targets[batch, 0]
            w -= 0.01 * np.mean(2 * (w * x - t) * x)
    trace = Trace(scenario)
    assert train(scenario).weights[0][0, 0] == pytest.approx(w, rel=1e-12)
    assert trace.params_before(trace.iterations).weights[0][0, 0] == pytest.approx(w, rel=1e-12)
    numbers, values = plots.weight_path(trace, ["x->prediction"], trace.iterations)
    assert numbers[-1] == trace.iterations
    assert values[-1, 0] == pytest.approx(w, rel=1e-12)
