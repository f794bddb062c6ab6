"""Backprop's slopes against central finite differences, on every bundled scenario."""

from __future__ import annotations

import pytest

from tui_backprop.bundled import bundled_names
from tui_backprop.cli import resolve
from tui_backprop.gradcheck import check_iteration, relative_difference
from tui_backprop.trace import Trace


@pytest.mark.parametrize("name", bundled_names())
def test_gradient_check_agrees_on_every_bundled_scenario(name: str):
    trace = Trace(resolve(name))
    if not trace.updates:
        assert check_iteration(trace, 1) == {}
        return
    for iteration in sorted({1, trace.updates}):
        checks = check_iteration(trace, iteration)
        expected = [str(p) for p in trace.scenario.trainable_params()]
        assert sorted(checks) == sorted(expected)  # every weight and every trained bias
        failing = [c for c in checks.values() if not c.ok]
        assert not failing, failing[:3]


def test_single_weight_estimate_is_the_slides_slope():
    check = check_iteration(Trace(resolve("single-weight")), 1)["x->prediction"]
    assert check.backprop == -24
    assert check.finite_difference == pytest.approx(-24, rel=1e-9)
    assert check.ok


def test_a_wrong_slope_is_caught():
    trace = Trace(resolve("backprop-relu"))
    record = trace.iteration(1)
    record.backward.weight_slopes[1][1, 1] = 18  # the slide's mistake for a2->b2
    checks = check_iteration(trace, 1)
    assert not checks["a2->b2"].ok
    assert checks["a2->b2"].finite_difference == pytest.approx(12, rel=1e-6)
    assert all(c.ok for name, c in checks.items() if name != "a2->b2")


def test_a_wrong_bias_slope_is_caught():
    trace = Trace(resolve("sgd"))
    record = trace.iteration(1)
    assert "bias:y" in check_iteration(trace, 1)
    true_slope = float(record.backward.bias_slopes[-1][0])
    record.backward.bias_slopes[-1][0] = true_slope + 1.0
    checks = check_iteration(trace, 1)
    assert not checks["bias:y"].ok
    assert checks["bias:y"].finite_difference == pytest.approx(true_slope, rel=1e-6, abs=1e-8)
    assert all(c.ok for name, c in checks.items() if name != "bias:y")


def test_relative_difference():
    assert relative_difference(2.0, 2.0) == 0
    assert relative_difference(-24.0, -24.000024) == pytest.approx(1e-6, rel=1e-3)
    assert relative_difference(0.0, 1e-13) == pytest.approx(0.1)  # scale floored at 1e-12
