"""The numbers behind the plots, against direct evaluation (no textual)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tui_backprop import plots
from tui_backprop.cli import resolve
from tui_backprop.trace import Trace


def trace_of(name: str) -> Trace:
    return Trace(resolve(name))


def loss_step(trace: Trace, number: int) -> int:
    """The step that shows the batch loss (after the points' errors)."""
    record = trace.iteration(number)
    return record.first_index + record.revealed_at[("loss",)]


def update_step(trace: Trace, number: int) -> int:
    return trace.phase_start_in(number, "update")


# -- loss against one weight ---------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 5, 25])
def test_single_weight_curve_is_3w_minus_10_squared(number):
    trace = trace_of("single-weight")
    curve = plots.loss_curve(trace, update_step(trace, number), "x->prediction", points=301)
    assert np.allclose(curve.losses, (3 * curve.ws - 10) ** 2, rtol=1e-12, atol=1e-12)
    assert curve.loss == pytest.approx((3 * curve.w - 10) ** 2)


def test_single_weight_curve_minimum_is_at_ten_thirds():
    trace = trace_of("single-weight")
    curve = plots.loss_curve(trace, 0, "x->prediction", points=2001)
    spacing = curve.ws[1] - curve.ws[0]
    assert abs(curve.ws[np.argmin(curve.losses)] - 10 / 3) <= spacing
    assert curve.minimum == pytest.approx(10 / 3, abs=0.05)


def test_single_weight_first_iteration_matches_the_slide():
    trace = trace_of("single-weight")
    curve = plots.loss_curve(trace, update_step(trace, 1), "x->prediction")
    assert curve.w == 2 and curve.loss == pytest.approx(16)
    assert curve.slope == pytest.approx(-24)
    assert curve.next_w == pytest.approx(2.24)
    assert curve.next_loss == pytest.approx((3 * 2.24 - 10) ** 2)  # 10.7584
    assert curve.learning_rate == 0.01


def test_single_weight_window_holds_the_point_the_step_and_the_minimum():
    trace = trace_of("single-weight")
    lows, highs = set(), set()
    for number in range(1, trace.updates + 1):
        curve = plots.loss_curve(trace, update_step(trace, number), "x->prediction")
        assert curve.ws[0] < min(curve.w, curve.next_w, 10 / 3)
        assert curve.ws[-1] > max(curve.w, curve.next_w, 10 / 3)
        lows.add(round(curve.ws[0], 9))
        highs.add(round(curve.ws[-1], 9))
    # the window does not move while the lecturer steps: the point walks instead
    assert len(lows) == 1 and len(highs) == 1


def test_the_point_walks_downhill_and_the_tangent_flattens():
    trace = trace_of("single-weight")
    curves = [plots.loss_curve(trace, update_step(trace, n), "x->prediction") for n in range(1, 7)]
    losses = [c.loss for c in curves]
    slopes = [abs(c.slope) for c in curves]
    assert losses == sorted(losses, reverse=True)
    assert slopes == sorted(slopes, reverse=True)
    assert all(c.w < c.next_w < 10 / 3 for c in curves)


@pytest.mark.parametrize(
    ("scenario", "name", "number"),
    [
        ("single-weight", "x->prediction", 1),
        ("single-weight", "x->prediction", 9),
        ("two-inputs", "x2->prediction", 2),
        ("sgd", "x1->y", 7),
        ("sgd", "bias:y", 7),
        ("backprop-relu", "b2->out", 1),
        ("backprop-relu", "x2->a2", 1),
    ],
)
def test_tangent_slope_is_backprop_and_finite_difference_slope(scenario, name, number):
    trace = trace_of(scenario)
    index = update_step(trace, number)
    curve = plots.loss_curve(trace, index, name, points=20001)
    record = trace.iteration(number)
    layer, row, col = trace.position(name)
    backprop = (
        record.backward.bias_slopes[layer][row]
        if col is None
        else record.backward.weight_slopes[layer][row, col]
    )
    (x0, y0), (x1, y1) = curve.tangent
    assert curve.slope == pytest.approx(backprop)
    assert (y1 - y0) / (x1 - x0) == pytest.approx(backprop)
    assert x0 <= curve.w <= x1
    assert y0 + (curve.w - x0) * (y1 - y0) / (x1 - x0) == pytest.approx(curve.loss)
    # the curve's own slope at w, from its samples
    finite = np.interp(curve.w, curve.ws, np.gradient(curve.losses, curve.ws))
    assert finite == pytest.approx(backprop, rel=1e-3, abs=1e-3)


def test_curve_in_the_final_pass_has_no_slope():
    trace = trace_of("single-weight")
    curve = plots.loss_curve(trace, len(trace) - 1, "x->prediction")
    assert curve.slope is None and curve.tangent is None and curve.next_w is None
    assert curve.loss == pytest.approx(trace.iteration(trace.iterations).loss)


def test_curve_of_another_weight_holds_the_others_at_pre_update_values():
    trace = trace_of("two-inputs")
    number = 2
    curve = plots.loss_curve(trace, update_step(trace, number), "x1->prediction", points=11)
    w2 = trace.iteration(number).params.weights[0][0, 1]
    assert np.allclose(curve.losses, (3 * curve.ws + 4 * w2 - 6) ** 2)


# -- the landscape -------------------------------------------------------------------


def direct_loss(trace: Trace, number: int, names, values) -> float:
    record = trace.iteration(number)
    params = record.params.copy()
    for name, value in zip(names, values, strict=True):
        layer, row, col = trace.position(name)
        if col is None:
            params.biases[layer][row] = value
        else:
            params.weights[layer][row, col] = value
    batch = record.batch
    scenario = trace.scenario
    return trace.network.loss(params, scenario.data_inputs[batch], scenario.targets[batch])


@pytest.mark.parametrize(
    ("scenario", "names", "number"),
    [
        ("two-inputs", ("x1->prediction", "x2->prediction"), 3),
        ("sgd", ("x2->y", "bias:y"), 11),
        ("backprop-relu", ("x2->a2", "b2->out"), 1),
    ],
)
def test_grid_equals_direct_evaluation(scenario, names, number):
    trace = trace_of(scenario)
    grid = plots.loss_grid(trace, update_step(trace, number), *names, size=(23, 17))
    assert grid.grid.shape == (17, 23)
    for i, j in [(0, 0), (16, 22), (8, 11), (3, 19), (15, 2)]:
        expected = direct_loss(trace, number, names, (grid.wa[j], grid.wb[i]))
        assert grid.grid[i, j] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_two_inputs_landscape_is_the_slides_bowl():
    trace = trace_of("two-inputs")
    grid = plots.loss_grid(trace, 0, "x1->prediction", "x2->prediction", size=9)
    a, b = np.meshgrid(grid.wa, grid.wb)
    assert np.allclose(grid.grid, (3 * a + 4 * b - 6) ** 2)


def test_path_starts_at_the_files_weights_and_follows_the_trace():
    trace = trace_of("two-inputs")
    number = 4
    grid = plots.loss_grid(trace, update_step(trace, number), "x1->prediction", "x2->prediction")
    assert tuple(grid.path[0]) == (1.0, 2.0)  # the file's weights
    assert list(grid.path_iterations) == [1, 2, 3, 4]
    for n, point in zip(grid.path_iterations, grid.path, strict=True):
        params = trace.iteration(int(n)).params
        assert np.allclose(point, params.weights[0][0])
    assert np.allclose(grid.path[1], (0.7, 1.6))  # the slide's updated weights
    assert grid.current == tuple(grid.path[-1])
    assert np.allclose(grid.next, trace.iteration(number).new_params.weights[0][0])


def test_grid_window_holds_the_whole_path_and_the_next_point():
    trace = trace_of("sgd")
    grid = plots.loss_grid(trace, update_step(trace, 30), "x1->y", "bias:y")
    for a, b in [*grid.path, grid.next]:
        assert grid.wa[0] < a < grid.wa[-1]
        assert grid.wb[0] < b < grid.wb[-1]


def test_long_runs_sample_the_path():
    scenario = dataclasses.replace(resolve("single-weight"), epochs=5000)
    trace = Trace(scenario)
    numbers, values = plots.weight_path(trace, ["x->prediction"], 4000)
    assert len(numbers) <= plots.MAX_PATH + 2
    assert numbers[0] == 1 and numbers[-1] == 4000
    for n, value in zip(numbers[::37], values[::37, 0], strict=True):
        assert value == trace.params_before(int(n)).weights[0][0, 0]


def test_a_what_if_change_starts_a_new_path():
    trace = trace_of("two-inputs")
    before = plots.weight_path(trace, ["x1->prediction"], 4)[1][:, 0]
    trace.set_weight(2, "x1->prediction", 5.0)
    after = plots.weight_path(trace, ["x1->prediction"], 4)[1][:, 0]
    assert after[0] == before[0] and after[1] == 5.0
    assert after[2] == trace.iteration(3).params.weights[0][0, 0]


# -- the loss history ----------------------------------------------------------------


def test_history_matches_losses_until():
    trace = trace_of("sgd")
    for number in (1, 2, 17, trace.updates):
        before = plots.loss_history(trace, trace.first_index(number))
        after = plots.loss_history(trace, loss_step(trace, number))
        just_before = plots.loss_history(trace, loss_step(trace, number) - 1)
        assert list(before.iterations) == list(range(1, number))
        assert list(just_before.iterations) == list(range(1, number))
        assert list(after.iterations) == list(range(1, number + 1))
        assert np.array_equal(after.losses, trace.losses_until(number))
        assert np.array_equal(before.losses, trace.losses_until(number - 1))
        assert after.losses[-1] == pytest.approx(trace.iteration(number).loss)


def test_history_marks_epochs_only_when_an_epoch_has_several_batches():
    sgd = plots.loss_history(trace_of("sgd"), 0)
    assert sgd.updates == 90
    assert list(sgd.epoch_boundaries[:3]) == [3.5, 6.5, 9.5]
    assert len(sgd.epoch_boundaries) == 29
    single = plots.loss_history(trace_of("single-weight"), 0)
    assert len(single.epoch_boundaries) == 0 and len(single.losses) == 0


def test_history_after_training_holds_every_update():
    trace = trace_of("single-weight")
    history = plots.loss_history(trace, len(trace) - 1)
    assert len(history.losses) == trace.updates
    assert history.losses[0] == 16


def test_trainable_names_include_trained_biases_only():
    assert plots.trainable_names(resolve("sgd")) == [
        "x1->y",
        "x2->y",
        "bias:y",
    ]
    assert plots.trainable_names(resolve("single-weight")) == ["x->prediction"]


def test_plots_import_no_textual():
    import subprocess
    import sys

    code = "import sys, tui_backprop.plots; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"
