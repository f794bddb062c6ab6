"""The lesson as numbered steps: order, numbering, random access, texts and numbers."""

from __future__ import annotations

import math
import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slide_networks import BACKPROP_RELU, SINGLE_WEIGHT

from tui_backprop.engine import Network, batches, train
from tui_backprop.scenario import Scenario, parse_scenario
from tui_backprop.trace import PHASES, Trace

# A minus sign directly before a zero that is not followed by more digits: "-0", "(-0)",
# "-0.0"; but not "-0.5" or "-0.0001".
MINUS_ZERO = re.compile(r"-0(?:\.0+)?(?![\d.])")


def scenario(text: str) -> Scenario:
    return parse_scenario(text, "inline.toml")


# 7 points in batches of 3 (3, 3, then 1), 3 epochs, reshuffled: 9 updates.
SGD7 = """\
title = "sgd7"
[network]
inputs = 2
[[network.layers]]
nodes = ["h1", "h2"]
activation = "tanh"
weights = [[0.5, -0.3], [0.2, 0.4]]
bias = [0.1, -0.1]
[[network.layers]]
nodes = ["y"]
weights = [[1, -1]]
bias = 0.5
[data]
inputs = [[0, 1], [1, 0], [1, 1], [2, 1], [0, 2], [1, 2], [2, 2]]
targets = [1, 2, 3, 4, 5, 6, 7]
[training]
learning_rate = 0.05
batch_size = 3
epochs = 3
shuffle = true
seed = 5
"""


FORWARD_ONLY = """\
title = "forward propagation"
[network]
inputs = ["x1", "x2"]
[[network.layers]]
nodes = ["node_0", "node_1"]
weights = [[1, 1], [-1, 1]]
[[network.layers]]
nodes = ["output"]
weights = [[2, -1]]
[data]
inputs = [[2, 3]]
"""


@pytest.fixture(scope="module")
def sgd7() -> Scenario:
    return scenario(SGD7)


@pytest.fixture(scope="module")
def sgd7_steps(sgd7):
    return list(Trace(sgd7))


def single_weight(epochs: int) -> Scenario:
    return scenario(SINGLE_WEIGHT.format(epochs=epochs))


def by_iteration(steps):
    groups: dict[int, list] = {}
    for step in steps:
        groups.setdefault(step.iteration, []).append(step)
    return groups


def find(steps, kind, **fields):
    found = [
        s for s in steps if s.kind == kind and all(getattr(s, k) == v for k, v in fields.items())
    ]
    assert len(found) == 1, (kind, fields, len(found))
    return found[0]


# -- numbering ---------------------------------------------------------------------------


def test_len_equals_the_number_of_steps_iterated(sgd7, sgd7_steps):
    assert len(Trace(sgd7)) == len(sgd7_steps)
    # by hand: per iteration of b points, 6b forward + (b + 1) loss + (3b + 9) backward
    # + 9 update = 10b + 19; epoch = 49 + 49 + 29; final pass = 7 * 6 + 7 + 1
    assert len(sgd7_steps) == 3 * (49 + 49 + 29) + 50


def test_index_is_the_position(sgd7_steps):
    assert [s.index for s in sgd7_steps] == list(range(len(sgd7_steps)))
    assert all(s.number == s.index + 1 for s in sgd7_steps)
    assert all(s.to_json()["step"] == s.index + 1 for s in sgd7_steps)


def test_trace_i_has_index_i(sgd7):
    trace = Trace(sgd7)
    for i in range(len(trace)):
        assert trace[i].index == i


def test_random_access_equals_iteration_on_a_fresh_trace(sgd7, sgd7_steps):
    expected = [s.to_json() for s in sgd7_steps]
    order = list(range(len(expected)))
    random.Random(1234).shuffle(order)
    trace = Trace(sgd7)
    for i in order:
        assert trace[i].to_json() == expected[i], i


def test_random_access_after_clearing_the_cache(sgd7, sgd7_steps):
    trace = Trace(sgd7)
    list(trace)  # fill whatever it keeps
    rng = random.Random(99)
    for _ in range(60):
        trace._cache.clear()
        i = rng.randrange(len(trace))
        assert trace[i].to_json() == sgd7_steps[i].to_json()


def test_random_access_jumping_back_and_forth(sgd7, sgd7_steps):
    trace = Trace(sgd7)
    for i in [len(trace) - 1, 0, 200, 5, len(trace) - 60, 130, 129, 1]:
        assert trace[i].to_json() == sgd7_steps[i].to_json()


def test_negative_and_out_of_range_indices(sgd7, sgd7_steps):
    trace = Trace(sgd7)
    assert trace[-1].to_json() == sgd7_steps[-1].to_json()
    with pytest.raises(IndexError):
        trace[len(trace)]
    with pytest.raises(IndexError):
        trace[-len(trace) - 1]


def test_iterating_twice_gives_the_same_steps(sgd7, sgd7_steps):
    assert [s.to_json() for s in Trace(sgd7)] == [s.to_json() for s in sgd7_steps]


@settings(max_examples=40, deadline=None)
@given(
    points=st.integers(1, 6),
    batch=st.integers(1, 6),
    epochs=st.integers(1, 3),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**32),
    order_seed=st.integers(0, 1000),
)
def test_numbering_holds_for_any_batching(points, batch, epochs, shuffle, seed, order_seed):
    """len, trace[i].index and random access agree for every way of cutting the data."""
    batch = min(batch, points)
    s = scenario(
        f"""\
title = "p"
[network]
inputs = 1
[[network.layers]]
nodes = 2
activation = "sigmoid"
weights = [[0.5], [-1]]
bias = 0.1
[[network.layers]]
nodes = 1
weights = [[1, 2]]
[data]
inputs = {list(range(points))}
targets = {[2 * p - 1 for p in range(points)]}
[training]
batch_size = {batch}
epochs = {epochs}
shuffle = {str(shuffle).lower()}
seed = {seed}
"""
    )
    steps = list(Trace(s))
    trace = Trace(s)
    assert len(trace) == len(steps)
    assert [x.index for x in steps] == list(range(len(steps)))
    updates = epochs * -(-points // batch)
    assert max(x.iteration for x in steps) == updates + 1
    order = list(range(len(steps)))
    random.Random(order_seed).shuffle(order)
    for i in order[:40]:
        assert trace[i].to_json() == steps[i].to_json()
    for number in range(1, updates + 2):
        first = trace.iteration(number).steps[0]
        assert first.iteration == number and first.kind == "input"


# -- order and structure --------------------------------------------------------------------


def test_phase_order_within_each_iteration(sgd7_steps):
    for number, steps in by_iteration(sgd7_steps).items():
        phases = [s.phase for s in steps]
        ranks = [PHASES.index(p) for p in phases]
        assert ranks == sorted(ranks), number
        blocks = [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p]
        if steps[0].final:
            assert blocks == ["forward", "loss"]
        else:
            assert blocks == list(PHASES)


def test_iterations_epochs_and_batches(sgd7, sgd7_steps):
    groups = by_iteration(sgd7_steps)
    assert sorted(groups) == list(range(1, 11))  # 9 updates + the final pass
    for number in range(1, 10):
        epoch = (number - 1) // 3 + 1
        assert {s.epoch for s in groups[number]} == {epoch}
    for epoch in (1, 2, 3):
        seen = []
        for number in range(3 * epoch - 2, 3 * epoch + 1):
            loss_step = find(groups[number], "loss")
            points = loss_step.numbers["points"]
            inputs = [s.point for s in groups[number] if s.kind == "input"]
            assert inputs == points
            assert points == [int(p) for p in batches(sgd7, epoch)[(number - 1) % 3]]
            seen.append(points)
        assert [len(p) for p in seen] == [3, 3, 1]
        assert sorted(p for batch in seen for p in batch) == list(range(7))


def test_shuffle_changes_the_batches_between_epochs(sgd7_steps):
    groups = by_iteration(sgd7_steps)
    per_epoch = [
        [tuple(find(groups[n], "loss").numbers["points"]) for n in range(3 * e - 2, 3 * e + 1)]
        for e in (1, 2, 3)
    ]
    assert len(set(map(tuple, per_epoch))) > 1


def test_final_pass(sgd7_steps):
    final = [s for s in sgd7_steps if s.final]
    assert final and final == sgd7_steps[-len(final) :]
    assert {s.iteration for s in final} == {10}  # updates + 1
    assert {s.phase for s in final} == {"forward", "loss"}
    assert all(s.to_json()["final"] is True for s in final)
    assert all("final" not in s.to_json() for s in sgd7_steps if not s.final)
    assert find(final, "loss").numbers["points"] == list(range(7))


def test_final_pass_uses_the_trained_weights(sgd7, sgd7_steps):
    network, _ = Network.from_scenario(sgd7)
    trained = train(sgd7)
    loss = network.loss(trained, sgd7.data_inputs, sgd7.targets)
    final_loss = find([s for s in sgd7_steps if s.final], "loss")
    assert final_loss.numbers["loss"] == pytest.approx(loss, rel=1e-12)


def test_backward_goes_from_the_output_layer_back(sgd7_steps):
    layer_of = {"h1": 0, "h2": 0, "y": 1}
    first = by_iteration(sgd7_steps)[1]
    layers = [layer_of[s.node] for s in first if s.phase == "backward"]
    assert layers == sorted(layers, reverse=True)
    assert first[[s.phase for s in first].index("backward")].kind == "node_slope"
    assert first[[s.phase for s in first].index("backward")].node == "y"


def test_one_update_step_per_weight_and_trained_bias(sgd7, sgd7_steps):
    first = by_iteration(sgd7_steps)[1]
    updated = [s.weight or s.bias for s in first if s.phase == "update"]
    assert len(updated) == len(set(updated)) == 9
    assert sorted(updated) == sorted(sgd7.edge_names() + ["bias:h1", "bias:h2", "bias:y"])


def test_untrained_bias_has_no_slope_or_update_steps():
    s = scenario(SGD7.replace("bias = 0.5", "bias = 0.5\ntrain_bias = false"))
    steps = list(Trace(s))
    assert not [x for x in steps if x.bias == "bias:y"]
    assert [x for x in steps if x.bias == "bias:h1"]


def test_forward_only_scenario():
    trace = Trace(scenario(FORWARD_ONLY))
    steps = list(trace)
    assert len(trace) == len(steps) == 4  # input, node_0, node_1, output
    assert {(s.epoch, s.iteration, s.phase) for s in steps} == {(1, 1, "forward")}
    assert trace.iterations == 1 and trace.updates == 0
    output = find(steps, "node_value", node="output")
    assert output.numbers["value"] == 9
    assert output.text.endswith("5 × 2 + 1 × (-1) = 9")
    assert find(steps, "node_value", node="node_0").text.endswith("2 × 1 + 3 × 1 = 5")
    assert not any(s.final for s in steps)
    assert len(trace.losses_until(10)) == 0


# -- the slides' numbers in the steps --------------------------------------------------------


@pytest.fixture(scope="module")
def relu_steps():
    return list(Trace(scenario(BACKPROP_RELU)))


def test_backprop_relu_forward_texts(relu_steps):
    first = [s for s in relu_steps if s.iteration == 1]
    assert find(first, "weighted_sum", node="a1").text.endswith("0.5 × 2 + 1 × (-2) = -1")
    a1 = find(first, "node_value", node="a1")
    assert a1.text.endswith("relu(-1) = 0")
    assert (a1.numbers["pre_activation"], a1.numbers["value"]) == (-1, 0)
    assert find(first, "node_value", node="b2").numbers["value"] == 3
    out = find(first, "node_value", node="out")
    assert out.numbers["value"] == 7
    assert out.text.endswith("1 × 1 + 3 × 2 = 7")


def test_backprop_relu_loss(relu_steps):
    first = [s for s in relu_steps if s.iteration == 1]
    error = find(first, "error")
    assert error.numbers == {"prediction": 7, "target": 4, "error": 3, "squared_error": 9}
    assert (error.point, error.node) == (0, "out")
    loss = find(first, "loss")
    assert loss.numbers == {"points": [0], "total": 9, "loss": 9}


@pytest.mark.parametrize(
    ("node", "slope"), [("out", 6), ("b1", 6), ("b2", 12), ("a1", 24), ("a2", 42)]
)
def test_backprop_relu_node_slopes(relu_steps, node, slope):
    step = find(relu_steps, "node_slope", node=node)
    assert step.numbers["slope"] == slope
    assert step.text.endswith(f"= {slope}")


def test_backprop_relu_output_node_slope_text(relu_steps):
    assert find(relu_steps, "node_slope", node="out").text.endswith("2 × 3 = 6")


@pytest.mark.parametrize(
    ("edge", "loss_slope", "node_value", "activation_slope", "slope"),
    [
        ("b1->out", 6, 1, 1, 6),
        ("b2->out", 6, 3, 1, 18),
        ("a1->b1", 6, 0, 1, 0),
        ("a2->b1", 6, 1, 1, 6),
        ("a1->b2", 12, 0, 1, 0),
        ("a2->b2", 12, 1, 1, 12),  # the slide prints 18 here: a slide mistake
        ("x1->a1", 24, 0.5, 0, 0),
        ("x2->a1", 24, 1, 0, 0),
        ("x1->a2", 42, 0.5, 1, 21),
        ("x2->a2", 42, 1, 1, 42),
    ],
)
def test_backprop_relu_weight_slopes(
    relu_steps, edge, loss_slope, node_value, activation_slope, slope
):
    step = find(relu_steps, "weight_slope", weight=edge)
    assert step.numbers["slope"] == slope
    assert step.numbers["factors"] == [
        {"loss_slope": loss_slope, "node_value": node_value, "activation_slope": activation_slope}
    ]
    assert step.text.endswith(f"{loss_slope} × {node_value} × {activation_slope} = {slope}")
    assert step.node == edge.split("->")[1]


def test_backprop_relu_b2_out_text_exactly(relu_steps):
    step = find(relu_steps, "weight_slope", weight="b2->out")
    assert "6 × 3 × 1 = 18" in step.text
    assert step.to_json()["factors"] == [{"loss_slope": 6, "node_value": 3, "activation_slope": 1}]


@pytest.mark.parametrize(
    ("edge", "old", "new"),
    [
        ("x1->a2", 4, 3.79),
        ("x2->a2", -1, -1.42),
        ("a2->b2", 3, 2.88),
        ("b2->out", 2, 1.82),
        ("x1->a1", 2, 2),
        ("a1->b2", 2, 2),
    ],
)
def test_backprop_relu_updates(relu_steps, edge, old, new):
    step = find(relu_steps, "weight_update", weight=edge)
    assert step.numbers["old"] == old
    assert step.numbers["learning_rate"] == 0.01
    assert step.numbers["new"] == pytest.approx(new, rel=1e-12)
    assert step.text.endswith(f"= {new}")


def test_backprop_relu_final_pass_on_the_updated_weights(relu_steps):
    final = [s for s in relu_steps if s.final]
    assert {s.iteration for s in final} == {2}
    # a2 = 0.5 * 3.79 - 1.42 = 0.475; out = 0.94 * 0.475 * 0.94 + 1.82 * 0.475 * 2.88
    assert find(final, "node_value", node="a2").numbers["value"] == pytest.approx(0.475)
    assert find(final, "error").numbers["prediction"] == pytest.approx(2.90947)


def test_no_minus_zero_in_backprop_relu_texts(relu_steps):
    for step in relu_steps:
        assert not MINUS_ZERO.search(step.text), step.text


def test_minus_zero_regex_finds_what_it_should():
    assert MINUS_ZERO.search("a = -0")
    assert MINUS_ZERO.search("(-0) × 2")
    assert MINUS_ZERO.search("-0.0 + 1")
    assert not MINUS_ZERO.search("-0.5 + 10 - 1")
    assert not MINUS_ZERO.search("x = -0.0001")


NEGATIVE_ZEROS = """\
title = "negative zeros"
[network]
inputs = 1
[[network.layers]]
nodes = 1
activation = "relu"
weights = [[-1]]
bias = -0.0
[[network.layers]]
nodes = 1
weights = [[-2]]
bias = [-0.0]
[data]
inputs = [0, 0]
targets = [-0.0, 0]
[training]
batch_size = 2
"""


def test_zeros_computed_as_minus_zero_show_as_0():
    """0 × (-1) is -0.0 in floating point; no text or JSON number shows the sign."""
    steps = list(Trace(scenario(NEGATIVE_ZEROS)))
    assert steps

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)
        elif isinstance(value, float):
            yield value

    for step in steps:
        assert not MINUS_ZERO.search(step.text), step.text
        for number in walk(step.to_json()):
            assert not (number == 0 and np.signbit(number)), step.to_json()


def test_single_weight_steps():
    steps = list(Trace(single_weight(2)))
    first = [s for s in steps if s.iteration == 1]
    assert find(first, "node_value").text.endswith("3 × 2 = 6")
    error = find(first, "error")
    assert (error.numbers["error"], error.numbers["squared_error"]) == (-4, 16)
    assert find(first, "node_slope").numbers["slope"] == -8
    slope = find(first, "weight_slope")
    assert slope.numbers["slope"] == -24
    assert slope.text.endswith("(-8) × 3 × 1 = -24")
    update = find(first, "weight_update")
    assert "2 − 0.01 × (-24) = 2.24" in update.text
    assert update.numbers["new"] == pytest.approx(2.24, rel=1e-12)
    second = find([s for s in steps if s.iteration == 2], "error")
    assert second.numbers["prediction"] == pytest.approx(6.72, rel=1e-12)
    assert second.numbers["error"] == pytest.approx(-3.28, rel=1e-12)
    assert "6.72" in second.text and "-3.28" in second.text


def test_decimals_change_the_texts_not_the_numbers():
    hidden = "weights = [[1, 1], [-1, 1]]"
    s = scenario(FORWARD_ONLY.replace(hidden, hidden + '\nactivation = "tanh"'))
    four, two = list(Trace(s)), list(Trace(s, decimals=2))
    assert [a.numbers for a in four] == [b.numbers for b in two]
    out4, out2 = find(four, "node_value", node="output"), find(two, "node_value", node="output")
    assert out4.text.endswith("= 1.2382")
    assert out2.text.endswith("= 1.24")
    assert out4.numbers["value"] == pytest.approx(1.2382242525694254, rel=1e-15)


def test_revealed_at_points_to_the_step_that_shows_it(sgd7):
    trace = Trace(sgd7)
    record = trace.iteration(2)
    assert record.revealed_at
    for key, offset in record.revealed_at.items():
        step = record.steps[offset]
        if key[0] == "weight_slope":
            assert (step.kind, step.weight) == ("weight_slope", key[1])
        elif key == ("loss",):
            assert step.kind == "loss"
        elif key[0] == "error":
            assert (step.kind, step.point, step.node) == ("error", key[1], key[2])
        else:
            assert 0 <= offset < len(record.steps)


def test_a_diverging_run_is_traced_without_crashing():
    # learning rate 1: e_(n+1) = (1 - 18) e_n, so |error| passes 1e154 at iteration 126
    s = scenario(SINGLE_WEIGHT.format(epochs=130).replace("0.01", "1"))
    steps = list(Trace(s))
    errors = [x for x in steps if x.kind == "error"]
    assert errors[0].numbers["error"] == -4
    assert errors[1].numbers["error"] == pytest.approx(68)  # -4 * (-17)
    assert math.isinf(errors[125].numbers["squared_error"])  # 2.6e154 ** 2 overflows


# -- long runs: lazily built, bounded memory ---------------------------------------------------


@pytest.fixture(scope="module")
def long_trace():
    return Trace(single_weight(10_000))


def test_long_run_last_step(long_trace):
    trace = long_trace
    assert trace.updates == 10_000
    assert len(trace) == 7 * 10_000 + 4  # 7 steps per update, 4 in the final pass
    last = trace[len(trace) - 1]
    assert last.kind == "loss" and last.final and last.iteration == 10_001
    assert last.numbers["loss"] < 1e-20  # error -4 * 0.82**10000
    error = trace[len(trace) - 2]
    assert error.kind == "error"
    assert error.numbers["prediction"] == pytest.approx(10, rel=1e-12)


def test_long_run_middle_is_exact(long_trace):
    # error after n updates: -4 * 0.82**n, so iteration n + 1 shows it
    for n in (25, 4321, 9999):
        error = find(long_trace.iteration(n + 1).steps, "error")
        assert error.numbers["error"] == pytest.approx(-4 * 0.82**n, rel=1e-9)
        assert error.index == 7 * n + 2


def test_long_run_memory_stays_bounded(long_trace):
    trace = long_trace
    rng = random.Random(5)
    for _ in range(80):
        trace[rng.randrange(len(trace))]
    assert len(trace._checkpoints) <= 257
    assert len(trace._cache) <= Trace.CACHE_ITERATIONS


def test_long_run_step_is_the_same_when_reached_again(long_trace):
    index = 7 * 5000 + 6
    first = long_trace[index].to_json()
    long_trace[3]
    long_trace._cache.clear()
    assert long_trace[index].to_json() == first
    assert Trace(single_weight(10_000))[index].to_json() == first


def test_sequential_iteration_does_a_bounded_number_of_updates(monkeypatch):
    trace = Trace(single_weight(600))
    calls = 0
    update = trace.training.step

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return update(*args, **kwargs)

    monkeypatch.setattr(trace.training, "step", counting)
    for _ in trace:
        pass
    assert calls <= 2 * trace.updates


# -- the loss history ------------------------------------------------------------------------


def test_losses_until_single_weight_by_hand():
    trace = Trace(single_weight(30))
    losses = trace.losses_until(30)
    assert len(losses) == 30
    # before update n the error is -4 * 0.82**(n - 1)
    expected = [16 * 0.82 ** (2 * (n - 1)) for n in range(1, 31)]
    np.testing.assert_allclose(losses, expected, rtol=1e-9)
    assert len(trace.losses_until(5)) == 5
    assert len(trace.losses_until(1000)) == 30  # no more than the updates


def test_losses_until_equals_recomputation(sgd7, sgd7_steps):
    network, _ = Network.from_scenario(sgd7)
    expected = []
    for number in range(1, 10):
        epoch = (number - 1) // 3 + 1
        batch = batches(sgd7, epoch)[(number - 1) % 3]
        params = train(sgd7, number - 1)
        expected.append(network.loss(params, sgd7.data_inputs[batch], sgd7.targets[batch]))
    fresh = Trace(sgd7).losses_until(9)
    np.testing.assert_allclose(fresh, expected, rtol=1e-12)
    groups = by_iteration(sgd7_steps)
    shown = [find(groups[number], "loss").numbers["loss"] for number in range(1, 10)]
    np.testing.assert_allclose(shown, expected, rtol=1e-12)


def test_losses_until_after_random_access(sgd7):
    trace = Trace(sgd7)
    trace[300]
    before = trace.losses_until(9)
    assert not np.any(np.isnan(before))
    np.testing.assert_array_equal(before, Trace(sgd7).losses_until(9))
