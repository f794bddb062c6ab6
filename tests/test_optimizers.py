"""Momentum and Adam against a training loop written out here in plain NumPy.

The loop below knows the bundled sgd network (y = w1·x1 + w2·x2 + b, mean squared
error) and nothing of the program: its own batches (the documented shuffle: NumPy's
default_rng([seed, epoch]).permutation), its own slopes (2/n Σ (y − t) x), and each
optimizer's rule as in the issue (momentum) and the Adam paper's Algorithm 1.
"""

from __future__ import annotations

import numpy as np
import pytest

from tui_backprop.cli import resolve
from tui_backprop.engine import train
from tui_backprop.numbers import fmt_factor
from tui_backprop.trace import Trace


def written_out(scenario, optimizer: str, rate: float, settings: dict):
    """Every update's (weights, state) of the linear sgd network, by hand."""
    x, t = scenario.data_inputs, scenario.targets[:, 0]
    theta = np.array([0.5, 0.5, 0.0])  # w1, w2, b as in the scenario file
    velocity = np.zeros(3)
    m, v = np.zeros(3), np.zeros(3)
    step = 0
    history = []
    for epoch in range(1, scenario.epochs + 1):
        order = np.random.default_rng([scenario.seed, epoch]).permutation(len(x))
        for start in range(0, len(x), 3):
            batch = order[start : start + 3]
            xb, tb = x[batch], t[batch]
            error = xb @ theta[:2] + theta[2] - tb
            loss = np.mean(error**2)
            slope = np.array(
                [np.mean(2 * error * xb[:, 0]), np.mean(2 * error * xb[:, 1]), np.mean(2 * error)]
            )
            step += 1
            before = theta.copy()
            if optimizer == "momentum":
                old_velocity = velocity.copy()
                velocity = settings["momentum"] * velocity - rate * slope
                theta = theta + velocity
                state = {"velocity_before": old_velocity, "velocity": velocity.copy()}
            elif optimizer == "adam":
                b1, b2, eps = settings["beta_1"], settings["beta_2"], settings["epsilon"]
                old_m, old_v = m.copy(), v.copy()
                m = b1 * m + (1 - b1) * slope
                v = b2 * v + (1 - b2) * slope**2
                m_hat = m / (1 - b1**step)
                v_hat = v / (1 - b2**step)
                theta = theta - rate * m_hat / (np.sqrt(v_hat) + eps)
                state = {
                    "t": step,
                    "m_before": old_m,
                    "v_before": old_v,
                    "m": m.copy(),
                    "v": v.copy(),
                    "m_hat": m_hat,
                    "v_hat": v_hat,
                }
            else:
                theta = theta - rate * slope
                state = {}
            history.append((batch, loss, slope, before, theta.copy(), state))
    return history


def full_loss(scenario, theta) -> float:
    x, t = scenario.data_inputs, scenario.targets[:, 0]
    return float(np.mean((x @ theta[:2] + theta[2] - t) ** 2))


ADAM = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}


@pytest.mark.parametrize(
    ("name", "optimizer", "settings"),
    [("momentum", "momentum", {"momentum": 0.9}), ("adam", "adam", ADAM)],
)
def test_every_update_step_matches_the_written_out_loop(name, optimizer, settings):
    scenario = resolve(name)
    assert scenario.optimizer == optimizer
    history = written_out(scenario, optimizer, 0.05, settings)
    assert len(history) == 90
    trace = Trace(scenario)
    names = ["x1->y", "x2->y", "bias:y"]
    for number in (1, 2, 3, 4, 17, 90):
        batch, loss, slope, before, after, state = history[number - 1]
        record = trace.iteration(number)
        np.testing.assert_array_equal(record.batch, batch)
        assert record.loss == pytest.approx(loss, rel=1e-12)
        updates = [s for s in record.steps if s.phase == "update"]
        assert [s.weight or s.bias for s in updates] == names
        for i, step in enumerate(updates):
            numbers = step.to_json()
            assert numbers["old"] == pytest.approx(before[i], rel=1e-10, abs=1e-12)
            assert numbers["slope"] == pytest.approx(slope[i], rel=1e-10, abs=1e-12)
            assert numbers["new"] == pytest.approx(after[i], rel=1e-10, abs=1e-12)
            shown = numbers["optimizer"]
            assert shown["name"] == optimizer
            for key, value in state.items():
                expected = value if key == "t" else value[i]
                assert shown[key] == pytest.approx(expected, rel=1e-10, abs=1e-12), key
            for key, value in settings.items():
                assert shown[key] == value
    final = history[-1][4]
    params = train(scenario)
    np.testing.assert_allclose(
        [params.weights[0][0, 0], params.weights[0][0, 1], params.biases[0][0]], final, rtol=1e-10
    )


def test_momentum_update_text_shows_the_velocity():
    trace = Trace(resolve("momentum"))
    step = next(s for s in trace.iteration(2).steps if s.kind == "weight_update")
    v = step.numbers["optimizer"]
    before, slope = fmt_factor(v["velocity_before"]), fmt_factor(step.numbers["slope"])
    assert f"velocity = 0.9 × {before} − 0.05 × {slope} = " in step.text
    assert v["velocity_before"] != 0  # the second update: a velocity carried over
    assert step.words.startswith("Momentum")


def test_adam_update_text_shows_m_v_and_the_corrections():
    trace = Trace(resolve("adam"))
    step = next(s for s in trace.iteration(3).steps if s.kind == "bias_update")
    for part in ("t = 3", "m = 0.9 ×", "v = 0.999 ×", "m̂ =", "(1 − 0.9^3)", "v̂ =", "√"):
        assert part in step.text, part
    assert step.words.startswith("The bias keeps its own m and v")


def test_first_adam_step_is_the_learning_rate_for_every_weight():
    # t = 1: m̂ = g and v̂ = g², so the step is rate · g / (|g| + ε) ≈ ±rate
    trace = Trace(resolve("adam"))
    for step in trace.iteration(1).steps:
        if step.phase == "update":
            n = step.numbers
            assert abs(n["new"] - n["old"]) == pytest.approx(0.05, rel=1e-6)


def test_what_if_learning_rate_keeps_the_optimizer_state():
    scenario = resolve("momentum")
    trace = Trace(scenario)
    trace.set_learning_rate(4, 0.01)
    history = written_out(scenario, "momentum", 0.05, {"momentum": 0.9})
    velocity_after_3 = history[2][5]["velocity"]
    step = next(s for s in trace.iteration(4).steps if s.kind == "weight_update")
    n = step.numbers
    assert n["optimizer"]["velocity_before"] == pytest.approx(velocity_after_3[0], rel=1e-12)
    expected = 0.9 * velocity_after_3[0] - 0.01 * n["slope"]
    assert n["optimizer"]["velocity"] == pytest.approx(expected, rel=1e-12)
    assert n["learning_rate"] == 0.01


def test_the_lessons_claims_about_the_three_loss_histories():
    """What the scenarios' notes and comments say, from the written-out loop."""
    scenario = resolve("sgd")
    runs = {
        "sgd": written_out(scenario, "sgd", 0.05, {}),
        "momentum": written_out(scenario, "momentum", 0.05, {"momentum": 0.9}),
        "adam": written_out(scenario, "adam", 0.05, ADAM),
    }
    start = np.array([0.5, 0.5, 0.0])
    assert full_loss(scenario, start) == pytest.approx(4.0)
    by_epoch = {k: [full_loss(scenario, h[4]) for h in run[2::3]] for k, run in runs.items()}
    assert by_epoch["sgd"][-1] == pytest.approx(0.004, abs=0.0005)
    assert by_epoch["momentum"][-1] < 0.0005
    assert by_epoch["adam"][-1] == pytest.approx(0.001, abs=0.0003)
    # momentum overshoots: its loss rises again somewhere in epochs 3 to 6
    rises = [e + 1 for e in range(1, 8) if by_epoch["momentum"][e] > by_epoch["momentum"][e - 1]]
    assert any(3 <= e <= 6 for e in rises), by_epoch["momentum"][:8]
    # adam starts more slowly than momentum
    assert by_epoch["adam"][0] > by_epoch["momentum"][0]


def test_sgd_update_steps_name_their_optimizer_in_jsonl():
    trace = Trace(resolve("sgd"))
    for step in trace.iteration(1).steps:
        if step.phase == "update":
            record = step.to_json()
            assert record["optimizer"] == {"name": "sgd"}
            assert record["new"] == pytest.approx(record["old"] - 0.05 * record["slope"])
