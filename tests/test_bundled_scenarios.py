"""Every bundled scenario, loaded by name as a user would, gives its slide's numbers.

Expected numbers are the slides' (../shared/slides.md); they are read from the
trace's own steps, the same steps the app shows and --trace prints.
"""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import sys

import numpy as np
import pytest

from tui_backprop.bundled import ORDER, bundled_names, bundled_path
from tui_backprop.cli import resolve
from tui_backprop.notes import PLACEHOLDER, check_notes, notes_in, notes_starting_at
from tui_backprop.places import check_bookmarks
from tui_backprop.scenario import load_scenario
from tui_backprop.trace import Trace
from tui_backprop.writers import write_jsonl


def steps_of(name: str, iteration: int = 1) -> list:
    trace = Trace(resolve(name))
    return trace.iteration(iteration).steps


def one(steps, kind: str, **match):
    found = [
        s for s in steps if s.kind == kind and all(getattr(s, k) == v for k, v in match.items())
    ]
    assert len(found) == 1, (kind, match, found)
    return found[0]


def value(steps, node: str) -> float:
    return one(steps, "node_value", node=node).numbers["value"]


def test_every_slide_example_is_bundled():
    assert bundled_names() == list(ORDER)


def test_forward_propagation():
    steps = steps_of("forward-propagation")
    assert (value(steps, "node_0"), value(steps, "node_1"), value(steps, "output")) == (5, 1, 9)
    assert one(steps, "node_value", node="output").text == "output = 5 × 2 + 1 × (-1) = 9"
    assert {s.phase for s in steps} == {"forward"}
    assert {(s.epoch, s.iteration) for s in steps} == {(1, 1)}


def test_activation_tanh():
    steps = steps_of("activation-tanh")
    assert value(steps, "node_0") == math.tanh(5)
    assert value(steps, "node_1") == math.tanh(1)
    assert value(steps, "output") == pytest.approx(1.2382242525694254, rel=1e-15, abs=0)
    assert value(steps, "output") != 9  # the figure's 9 is the slide's mistake


def test_baseline_and_fixed():
    steps = steps_of("baseline")
    error = one(steps, "error")
    assert (error.numbers["prediction"], error.numbers["target"]) == (9, 13)
    assert error.numbers["error"] == -4  # the slide's "Actual - Predicted = 4", signed our way
    fixed = one(steps_of("baseline-fixed"), "error")
    assert (fixed.numbers["prediction"], fixed.numbers["error"]) == (13, 0)
    assert "-0" not in fixed.text


def test_squared_error_table():
    steps = steps_of("squared-error")
    rows = [
        (
            s.numbers["prediction"],
            s.numbers["target"],
            s.numbers["error"],
            s.numbers["squared_error"],
        )
        for s in steps
        if s.kind == "error"
    ]
    assert rows == [(10, 20, -10, 100), (8, 3, 5, 25), (6, 1, 5, 25)]  # not "2": 6 - 1 = 5
    loss = one(steps, "loss")
    assert (loss.numbers["total"], loss.numbers["loss"]) == (150, 50)


def test_single_weight():
    trace = Trace(resolve("single-weight"))
    first = trace.iteration(1).steps
    assert value(first, "prediction") == 6
    assert one(first, "error").numbers["error"] == -4
    assert one(first, "node_slope", node="prediction").numbers["slope"] == -8
    slope = one(first, "weight_slope", weight="x->prediction")
    assert slope.numbers["slope"] == -24
    assert slope.numbers["factors"] == [{"loss_slope": -8, "node_value": 3, "activation_slope": 1}]
    update = one(first, "weight_update", weight="x->prediction")
    assert update.numbers["new"] == pytest.approx(2.24, rel=1e-15)
    assert update.text == "x->prediction: 2 − 0.01 × (-24) = 2.24"
    second = trace.iteration(2).steps
    assert value(second, "prediction") == pytest.approx(6.72, rel=1e-15)
    assert one(second, "error").numbers["error"] == pytest.approx(-3.28, rel=1e-14)
    # gradient descent settles toward w = 10/3
    last = trace.iteration(trace.updates).new_params.weights[0][0, 0]
    assert abs(last - 10 / 3) < 0.01
    ws = [trace.iteration(n).params.weights[0][0, 0] for n in range(1, trace.updates + 1)]
    assert all(a < b < 10 / 3 for a, b in zip(ws, ws[1:], strict=False))


def test_two_inputs():
    trace = Trace(resolve("two-inputs"))
    first = trace.iteration(1).steps
    assert value(first, "prediction") == 11
    assert one(first, "error").numbers["error"] == 5
    slopes = [
        one(first, "weight_slope", weight=w).numbers["slope"]
        for w in ("x1->prediction", "x2->prediction")
    ]
    assert slopes == [30, 40]
    new = [
        one(first, "weight_update", weight=w).numbers["new"]
        for w in ("x1->prediction", "x2->prediction")
    ]
    assert new == pytest.approx([0.7, 1.6], rel=1e-15)
    second = trace.iteration(2).steps
    assert value(second, "prediction") == pytest.approx(8.5, rel=1e-15)
    assert one(second, "error").numbers["error"] == pytest.approx(2.5, rel=1e-14)  # not -2.5


def test_backprop_relu():
    steps = steps_of("backprop-relu")
    assert [value(steps, n) for n in ("a1", "a2", "b1", "b2", "out")] == [0, 1, 1, 3, 7]
    assert one(steps, "weighted_sum", node="a1").numbers["pre_activation"] == -1
    assert one(steps, "error").numbers["error"] == 3  # target 4, not the seed copy's 10
    node_slope = {s.node: s.numbers["slope"] for s in steps if s.kind == "node_slope"}
    assert node_slope == {"out": 6, "b1": 6, "b2": 12, "a1": 24, "a2": 42}
    weight_slope = {s.weight: s.numbers["slope"] for s in steps if s.kind == "weight_slope"}
    assert [weight_slope[w] for w in ("b1->out", "b2->out")] == [6, 18]
    assert [weight_slope[w] for w in ("a1->b1", "a2->b1", "a1->b2", "a2->b2")] == [0, 6, 0, 12]
    assert weight_slope["a2->b2"] != 18  # the slide's mistake
    assert [weight_slope[w] for w in ("x1->a1", "x2->a1", "x1->a2", "x2->a2")] == [0, 0, 21, 42]
    assert all("-0" not in s.text.replace("-0.", "") for s in steps)
    assert all(
        math.copysign(1, s.numbers["slope"]) == 1
        for s in steps
        if s.kind == "weight_slope" and s.numbers["slope"] == 0
    )


def test_sgd_batches_epochs_and_a_falling_loss():
    scenario = resolve("sgd")
    trace = Trace(scenario)
    assert scenario.shuffle and scenario.batch_size < scenario.points
    assert 6 <= scenario.points <= 12 and scenario.epochs > 1
    for epoch in (1, 2):
        firsts = [
            (epoch - 1) * trace.batches_per_epoch + b + 1 for b in range(trace.batches_per_epoch)
        ]
        seen = np.concatenate([trace.iteration(n).batch for n in firsts])
        assert sorted(seen) == list(range(scenario.points))  # every point once per epoch
    assert list(trace.iteration(1).batch) != list(trace.iteration(4).batch)  # reshuffled
    final = trace.iteration(trace.iterations)
    assert final.final and len(final.batch) == scenario.points
    start = trace.network.loss(trace.initial_params, scenario.data_inputs, scenario.targets)
    assert final.loss < start / 10


def test_big_network_shape():
    scenario = resolve("big-network")
    assert [len(scenario.inputs)] + [len(layer.nodes) for layer in scenario.layers] == [
        8,
        16,
        16,
        4,
    ]
    assert scenario.points == 200 and scenario.batch_size < scenario.points


@pytest.mark.parametrize("name", ORDER)
def test_every_bundled_scenario_has_its_narration(name: str):
    scenario = load_scenario(bundled_path(name))
    assert scenario.title and scenario.description and scenario.source
    assert scenario.notes and not any(note.plain for note in scenario.notes)  # all anchored
    assert scenario.bookmarks  # the slides' moments
    trace = Trace(scenario)
    check_notes(trace)  # every anchor lands, no placeholder runs ahead
    check_bookmarks(trace)
    first = trace.iteration(1)
    noted = {first.steps[n.offset].phase for n in notes_in(trace, 1)}
    assert noted == {step.phase for step in first.steps}  # every phase is narrated


@pytest.mark.parametrize("name", ORDER)
def test_narration_is_written_in_the_slides_words(name: str):
    scenario = load_scenario(bundled_path(name))
    assert not re.search(r"\d", scenario.description)  # the picker gives no numbers away
    for note in scenario.notes:
        prose = PLACEHOLDER.sub("", note.text)
        assert not re.search(r"\b(copy|copies|file|seed)\b", prose, re.I), note.text
        assert not re.search(r"\w x \w| - ", prose), note.text  # × and − in prose
        # numbers come from placeholders; only the formulas' constants are typed
        typed = re.findall(r"(?<![\w.])\d+(?:\.\d+)?", prose)
        assert set(typed) <= {"0", "1", "2"}, (note.text, typed)
    texts = [note.text for note in scenario.notes]
    assert len(texts) == len(set(texts))


def slide_record(name: str, step_number: int) -> dict:
    out = io.StringIO()
    trace = Trace(resolve(name))
    write_jsonl(trace, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sum("slide" in r for r in records) == 1
    return records[step_number - 1]


def test_slide_mistakes_are_marked_where_they_happen():
    # backprop-relu: the slide prints 18 for slope(a2->b2); b2's slope 12 × a2 1 × 1 = 12
    relu = slide_record("backprop-relu", 21)
    assert relu["weight"] == "a2->b2" and relu["slide"] == {"printed": 18, "value": 12}
    assert relu["note"] == "b2's slope is 12, so this weight's slope is 12 × 1 × 1 = 12."
    # activation-tanh: the figure still prints 9; 2 tanh(5) − tanh(1)
    tanh = slide_record("activation-tanh", 6)
    assert tanh["node"] == "output" and tanh["slide"]["printed"] == 9
    assert tanh["slide"]["value"] == pytest.approx(2 * math.tanh(5) - math.tanh(1), abs=1e-15)
    # baseline: "Actual − Predicted = 4"; here 9 − 13 = −4
    base = slide_record("baseline", 5)
    assert base["kind"] == "error" and base["slide"] == {"printed": 4, "value": -4}
    # two-inputs: the new error printed as −2.5; 8.5 − 6 = 2.5 (iteration 2's error step)
    two = slide_record("two-inputs", 9 + 3)  # iteration 1 has 9 steps
    assert two["iteration"] == 2 and two["kind"] == "error"
    assert two["slide"] == {"printed": -2.5, "value": 2.5}


def test_squared_error_names_the_misprinted_third_error():
    trace = Trace(resolve("squared-error"))
    loss = next(i for i in range(len(trace)) if trace[i].kind == "loss")
    text = " ".join(notes_starting_at(trace, loss))
    assert "third error as 2" in text and "6 − 1 = 5" in text
    assert "mean squared error, 50." in text


def test_check_and_list_from_the_command_line():
    for name in ORDER:
        done = subprocess.run(
            [sys.executable, "-m", "tui_backprop", name, "--check"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0 and "ok" in done.stdout, done.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "--list"], capture_output=True, text=True, timeout=60
    ).stdout.splitlines()
    assert [line.split()[0] for line in listed] == list(ORDER)
    for line, name in zip(listed, ORDER, strict=True):
        assert load_scenario(bundled_path(name)).title in line
