"""The Markdown handout: a golden file for backprop-relu, and its parts checked directly.

Regenerate the golden file after an intended change with

    UPDATE_GOLDEN=1 python -m pytest tests/test_handout.py

and read the diff before committing it.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from slide_networks import BACKPROP_RELU

from tui_backprop import handout
from tui_backprop.functions import LOSSES
from tui_backprop.handout import cell, md, write_handout
from tui_backprop.scenario import parse_scenario
from tui_backprop.trace import Trace

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOLDEN = TESTS / "golden" / "backprop-relu.handout.md"
SCENARIO_FILE = REPO / "scenarios" / "backprop-relu.toml"

# The slides' backprop-relu network with a short note per phase.
NOTED_BACKPROP_RELU = (
    BACKPROP_RELU
    + """
[notes]
forward = "The forward pass."
loss = "The loss."
backward = "The backward pass."
update = "The update."
"""
)

SGD = """\
title = "SGD"
[network]
inputs = ["x1", "x2"]
[[network.layers]]
nodes = ["y"]
weights = [[0.5, 0.5]]
bias = 0
[data]
inputs = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 1]]
targets = [1, 0, 3, 2, 4]
[training]
learning_rate = 0.05
batch_size = 2
epochs = 4
shuffle = true
seed = 7
[notes]
forward = "Forward note."
"""

TWO_OUTPUTS = """\
title = "Two | outputs"
[network]
inputs = 1
loss = "half_sse"
[[network.layers]]
nodes = 2
weights = [1, -1]
[data]
inputs = [1, 2]
targets = [[1, 0], [2, 1]]
"""

FORWARD_ONLY = """\
title = "Forward only"
[network]
inputs = ["x1", "x2"]
[[network.layers]]
nodes = ["out"]
weights = [[2, -1]]
[data]
inputs = [[2, 3]]
[notes]
forward = "Just the forward pass."
loss = "Never shown: there is no loss phase."
"""


def backprop_relu_text() -> str:
    return SCENARIO_FILE.read_text(encoding="utf-8")


def render(text: str, decimals: int = 4, name: str = "scenario.toml") -> str:
    out = io.StringIO()
    write_handout(Trace(parse_scenario(text, name), decimals=decimals), out)
    return out.getvalue()


def numbered_items(text: str) -> list[int]:
    return [int(m.group(1)) for m in re.finditer(r"^(\d+)\. ", text, re.MULTILINE)]


def test_golden_backprop_relu():
    text = render(backprop_relu_text(), name="backprop-relu.toml")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8", newline="\n")
    assert GOLDEN.is_file(), f"no golden file; create it with UPDATE_GOLDEN=1 ({GOLDEN})"
    expected = GOLDEN.read_text(encoding="utf-8")
    assert text == expected, (
        "the handout differs from tests/golden/backprop-relu.handout.md; if the change is "
        "intended, regenerate it with UPDATE_GOLDEN=1 and review the diff"
    )


def test_backprop_relu_has_the_slides_numbers():
    text = render(backprop_relu_text())
    for number in ("= 18", "= 12", "= 21", "= 42"):
        assert number in text
    assert "slope(b2->out) = 6 × 3 × 1 = 18" in text
    assert "slope(a2->b2) = 12 × 1 × 1 = 12" in text
    assert "slope(x1->a2) = 42 × 0.5 × 1 = 21" in text
    assert "slope(x2->a2) = 42 × 1 × 1 = 42" in text
    assert "| 1 | 7 | 4 | 3 | 9 |" in text  # the slides' loss table: prediction 7, target 4


def test_backprop_relu_sections_and_every_step_in_order():
    scenario = parse_scenario(backprop_relu_text(), "backprop-relu.toml")
    trace = Trace(scenario)
    text = render(backprop_relu_text())
    assert text.startswith(f"# {scenario.title}\n")
    assert text.endswith("\n") and not text.endswith("\n\n")
    headings = re.findall(r"^(#+ .*)$", text, re.MULTILINE)
    assert "## The network" in headings and "## The data" in headings
    for layer in scenario.layers:
        assert any(h.startswith(f"### {layer.name} (") for h in headings)
    assert "| a1 | relu | 2 | -2 | none |" in text
    assert "| b2 | relu | 2 | 3 | none |" in text
    assert "| point | x1 | x2 | target |" in text
    # every step of the lesson, with the app's numbers, in order
    assert numbered_items(text) == list(range(1, len(trace) + 1))
    for step in trace:
        assert f"{step.number}. {step.text}\n" in text
    phases = [h for h in headings if h.startswith("### ") and "steps" in h]
    assert [p.split(" (")[0] for p in phases] == [
        "### Forward pass",
        "### Loss",
        "### Backward pass",
        "### Update",
        "### Forward pass",
        "### Loss",
    ]
    assert "## After training: forward pass and loss on the trained weights" in text


def test_notes_appear_once_at_their_phase():
    text = render(NOTED_BACKPROP_RELU)
    for note in ("The forward pass.", "The loss.", "The backward pass.", "The update."):
        assert text.count(f"> {note}\n") == 1
    assert text.index("> The backward pass.") > text.index("### Backward pass")
    # after the phase's first step, where the note first shows
    assert text.index("13. ") < text.index("> The backward pass.") < text.index("14. ")


def test_loss_table_after_each_loss_phase():
    text = render(TWO_OUTPUTS)
    assert "# Two | outputs" in text  # a heading, not a table: no escape needed
    header = "| point | output | prediction | target | error | squared error |"
    assert text.count(header) == 2  # iteration 1 and the final pass
    trace = Trace(parse_scenario(TWO_OUTPUTS))
    record = trace.iteration(1)
    loss = next(s for s in record.steps if s.kind == "loss").numbers
    assert f"| total |  |  |  |  | {handout.fmt(loss['total'])} |" in text
    mean = handout.fmt(loss["total"] / len(loss["points"]))
    assert f"| mean |  |  |  |  | {mean} |" in text
    assert f"Batch loss (half_sse, {LOSSES['half_sse'].meaning}): " in text
    for step in record.steps:
        if step.kind == "error":
            n = step.numbers
            row = (
                f"| {step.point + 1} | {step.node} | {handout.fmt(n['prediction'])} | "
                f"{handout.fmt(n['target'])} | {handout.fmt(n['error'])} | "
                f"{handout.fmt(n['squared_error'])} |"
            )
            assert row in text


def test_long_run_shows_two_iterations_a_loss_table_and_the_final_pass():
    scenario = parse_scenario(SGD)
    trace = Trace(scenario)
    assert trace.updates == 12
    text = render(SGD)
    headings = re.findall(r"^## (.*)$", text, re.MULTILINE)
    assert headings[2].startswith("Epoch 1 of 4, iteration 1 of 12")
    assert headings[3].startswith("Epoch 1 of 4, iteration 2 of 12")
    assert headings[4] == "Iterations 3 to 12"
    assert headings[5].startswith("After training")
    assert "The final pass on the trained weights follows in full." in text
    losses = trace.losses_until(trace.updates)
    for number in range(1, 13):
        row = f"| {number} | {trace.epoch_of(number)} | {handout.fmt(losses[number - 1])} |"
        assert row in text
    # iterations 1 and 2 and the final pass in full, with the app's step numbers
    expected = [
        step.number for number in (1, 2, trace.iterations) for step in trace.iteration(number).steps
    ]
    assert numbered_items(text) == expected
    assert text.count("> Forward note.") == 1


def test_long_loss_table_is_sampled(monkeypatch):
    monkeypatch.setattr(handout, "MAX_LOSS_ROWS", 5)
    text = render(SGD)
    table = text.split("## Iterations 3 to 12", 1)[1].split("## After training", 1)[0]
    rows = re.findall(r"^\| (\d+) \|", table, re.MULTILINE)
    assert rows[0] == "1" and rows[-1] == "12" and len(rows) == 5
    assert "5 of the 12 iterations are listed" in table


def test_three_updates_are_written_in_full():
    text = render(SGD.replace("epochs = 4", "epochs = 1"))  # 5 points, batches of 2
    assert "## Iterations 3 to" not in text
    assert len(re.findall(r"^## Epoch 1 of 1, iteration \d of 3", text, re.MULTILINE)) == 3


def test_forward_only():
    text = render(FORWARD_ONLY)
    assert "No targets: the lesson is one forward pass." in text
    assert "## Forward pass (points 1)" in text
    assert "| point | x1 | x2 |\n" in text
    assert "prediction | target" not in text
    assert "> Just the forward pass." in text
    assert "Never shown" not in text
    assert numbered_items(text) == [1, 2]


def test_decimals_follow_the_trace():
    assert "= 0.4465" in render(backprop_relu_text(), decimals=4)
    two = render(backprop_relu_text(), decimals=2)
    assert "= 0.4465" not in two and "= 0.45" in two


def test_bias_and_fixed_bias_in_the_network_table():
    text = render(SGD.replace("bias = 0", "bias = 0.5\ntrain_bias = false"))
    assert "| y | identity | 0.5 | 0.5 | 0.5 (fixed) |" in text
    assert "| y | identity | 0.5 | 0.5 | 0 |" in render(SGD)


def test_escaping():
    assert cell("a | b") == "a \\| b"
    assert cell("two\nlines") == "two lines"
    assert md("2 * 3 * 4") == "2 \\* 3 \\* 4"
    assert md("h1_1 -> out") == "h1_1 -> out"  # an underscore inside a word is harmless
    assert md("_a_") == "\\_a\\_"
    assert md("# not a heading") == "\\# not a heading"
    text = render(FORWARD_ONLY.replace('"Just the forward pass."', '"x * y | z"'))
    assert "> x \\* y | z" in text


def test_handout_imports_no_textual():
    code = (
        "import sys, tui_backprop.handout, tui_backprop.template; "
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=60)


@pytest.mark.parametrize("name", ["sgd", "single-weight", "activation-tanh", "two-inputs"])
def test_bundled_scenarios_make_handouts(name):
    path = REPO / "scenarios" / f"{name}.toml"
    if not path.is_file():
        pytest.skip(f"{path.name} is not there")
    text = render(path.read_text(encoding="utf-8"))
    assert text.startswith("# ")
    assert "\n## The network\n" in text and "\n## The data\n" in text
