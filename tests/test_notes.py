"""Anchored notes and slide records: where they land, what they say, what --check rejects.

Expected numbers are the slides' (backprop-relu: shared/slides.md section 7), worked by hand.
"""

from __future__ import annotations

import io
import json

import pytest

from tests.slide_networks import BACKPROP_RELU, SINGLE_WEIGHT
from tui_backprop.cli import main
from tui_backprop.errors import ScenarioError
from tui_backprop.handout import write_handout
from tui_backprop.notes import check_notes, notes_at, notes_starting_at, slide_at
from tui_backprop.scenario import parse_scenario
from tui_backprop.trace import Trace
from tui_backprop.view import build_view
from tui_backprop.writers import write_jsonl, write_text

# Step numbers of backprop-relu's first iteration (1-based), as the lesson orders them.
ERROR_STEP = 11
OUT_SLOPE_STEP = 13
B2_SLOPE_STEP = 17
A2_B2_STEP = 21
UPDATE_STEP = 28

NOTES = '''
[[notes]]
at = "forward"
text = "Forward: multiply and add."

[[notes]]
at = "weight_slope:a2->b2"
text = """b2's slope is {slope:b2}, so this weight's slope is \\
{slope:b2} × {value:a2} × 1 = {slope:a2->b2}."""

[[notes]]
at = "error:out"
text = "error = {value:out} − {target:out} = {error:out}"

[[notes]]
at = "weight_update:x1->a2"
text = "Step downhill with learning rate {lr}: {weight:x1->a2} becomes {new:x1->a2}."

[[notes]]
at = "every:loss:"  # the loss step itself; "loss" alone is the phase
text = "The loss is {loss}."

[[notes]]
at = "final:loss:"
text = "After training the loss is {loss}."

[[slide]]
at = "weight_slope:a2->b2"
printed = 18
why = "the slide used b2->out's slope, {slope:b2->out}, where b2's slope, {slope:b2}, belongs"
'''


def relu(extra: str = NOTES) -> Trace:
    return Trace(parse_scenario(BACKPROP_RELU + extra, "relu.toml"))


def test_note_shows_from_its_step_on_with_the_slides_numbers():
    trace = relu()
    assert notes_starting_at(trace, A2_B2_STEP - 1) == [
        "b2's slope is 12, so this weight's slope is 12 × 1 × 1 = 12."
    ]
    assert not any("b2's slope" in n for n in notes_at(trace, A2_B2_STEP - 2))  # never earlier
    assert notes_at(trace, B2_SLOPE_STEP - 1) == []  # backward phase, nothing anchored yet
    assert notes_at(trace, ERROR_STEP - 1) == ["error = 7 − 4 = 3"]
    assert notes_at(trace, 0) == ["Forward: multiply and add."]
    assert "Forward: multiply and add." in notes_at(trace, 5)  # still shown in its phase
    # the update: weight 4, slope 21, new 4 − 0.01 × 21 = 3.79
    assert notes_at(trace, UPDATE_STEP - 1) == []
    assert notes_at(trace, UPDATE_STEP + 1) == [
        "Step downhill with learning rate 0.01: 4 becomes 3.79."
    ]


def test_every_repeats_each_training_iteration_and_final_is_the_pass_after():
    trace = relu()
    assert notes_starting_at(trace, 11) == ["The loss is 9."]  # iteration 1's loss step
    final_loss = trace.first_index(2) + 11  # iteration 2 (after training): its loss step
    assert trace[final_loss].kind == "loss"
    # after one update: a2 = 0.5 × 3.79 + 1 × (−1.42) = 0.475, b1 = 0.475 × 0.94 = 0.4465,
    # b2 = 0.475 × 2.88 = 1.368, out = 0.4465 × 0.94 + 1.368 × 1.82 = 2.90947,
    # squared error (2.90947 − 4)² = 1.18926, shown with 4 decimals
    assert notes_starting_at(trace, final_loss) == ["After training the loss is 1.1893."]
    assert not any("Forward" in n for n in notes_at(trace, trace.first_index(2)))


def test_every_spans_the_epochs_and_the_smaller_last_batch():
    # three points in batches of 2: iterations of 2, 1, 2, 1 points; then the final pass
    extra = '[[notes]]\nat = "every:loss:"\ntext = "{batch_size} points, loss {loss}"\n'
    text = SINGLE_WEIGHT.format(epochs=2).replace("[[3]]", "[[3], [1], [2]]")
    text = text.replace("targets = [10]", "targets = [10, 4, 7]") + "batch_size = 2\n" + extra
    trace = Trace(parse_scenario(text, "three.toml"))
    check_notes(trace)
    shown = [n for i in range(len(trace)) for n in notes_starting_at(trace, i)]
    assert [n.split(",")[0] for n in shown] == ["2 points", "1 points", "2 points", "1 points"]
    # the first batch: predictions 6 and 2 against 10 and 4, errors −4, −2: (16 + 4) / 2 = 10
    assert shown[0] == "2 points, loss 10"


def test_notes_follow_a_what_if():
    trace = relu()
    trace.set_weight(1, "x1->a1", 0.5)  # a1 = 0.5 × 0.5 + 1 × (−2) < 0: still 0
    trace.set_weight(1, "x2->a2", 2)  # a2 = 0.5 × 4 + 1 × 2 = 4, b2 = 4 × 3 = 12
    # out = 1 × 4 + 2 × 12 = 28, error 24
    assert notes_at(trace, ERROR_STEP - 1) == ["error = 28 − 4 = 24"]


def test_slide_record_at_its_step():
    trace = relu()
    mark, value = slide_at(trace, A2_B2_STEP - 1)
    assert (mark.printed, value) == (18, 12)
    assert slide_at(trace, A2_B2_STEP - 2) is None
    view = build_view(trace, A2_B2_STEP - 1)
    assert "18" in view.slide and "12" in view.slide
    assert "b2->out's slope, 18, where b2's slope, 12, belongs" in view.slide


def test_trace_text_and_jsonl_carry_notes_and_the_slide():
    trace = relu()
    out = io.StringIO()
    write_jsonl(trace, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == len(trace)
    step = records[A2_B2_STEP - 1]
    assert step["weight"] == "a2->b2"
    assert step["slide"] == {"printed": 18, "value": 12}
    assert step["note"] == "b2's slope is 12, so this weight's slope is 12 × 1 × 1 = 12."
    assert records[0]["note"] == "Forward: multiply and add."
    assert sum("slide" in r for r in records) == 1
    assert "note" not in records[1]

    text = io.StringIO()
    write_text(trace, text)
    lines = text.getvalue().splitlines()
    at = next(i for i, line in enumerate(lines) if "slope(a2->b2) =" in line)
    assert "slide: The slide prints 18 here; computed: 12" in lines[at + 1]
    assert "note: b2's slope is 12" in lines[at + 2]


def test_two_notes_at_one_step_become_a_list():
    extra = '[[notes]]\nat = "loss:"\ntext = "A."\n[[notes]]\nat = "loss:"\ntext = "B {loss}."\n'
    out = io.StringIO()
    write_jsonl(relu(extra), out)
    loss = [json.loads(line) for line in out.getvalue().splitlines()][11]
    assert loss["kind"] == "loss" and loss["note"] == ["A.", "B 9."]


def test_handout_quotes_notes_before_their_step_and_the_slide_after():
    out = io.StringIO()
    write_handout(relu(), out)
    text = out.getvalue()
    slide = text.index("> **Slide:** The slide prints 18 here; computed: 12")
    note = text.index("> b2's slope is 12")
    assert text.index("21. ") < slide < note < text.index("22. ")


@pytest.mark.parametrize(
    ("extra", "where", "words"),
    [
        ('[[notes]]\nat = "forward"\ntext = "{value:out}"\n', "notes[0].text", "{value:out}"),
        (
            '[[notes]]\nat = "weight_slope:a1->b2"\ntext = "{slope:a2->b2}"\n',
            "notes[0].text",
            "{slope:a2->b2}",
        ),
        ('[[notes]]\nat = "loss"\ntext = "{slope:out}"\n', "notes[0].text", "{slope:out}"),
        (  # iteration 2 is the pass after training: it has no backward phase
            '[[notes]]\nat = "iteration:2:backward"\ntext = "x"\n',
            "notes[0].at",
            "no such step",
        ),
        ('[[notes]]\nat = "iteration:9:forward"\ntext = "x"\n', "notes[0].at", "outside 1..2"),
        ('[[notes]]\nat = "final:update"\ntext = "x"\n', "notes[0].at", "pass after training"),
        (
            '[[slide]]\nat = "node_slope:b2"\nprinted = 18\nwhy = "{new:a2->b2}"\n',
            "slide[0].why",
            "{new:a2->b2}",
        ),
    ],
)
def test_check_rejects_notes_that_run_ahead(extra, where, words, capsys, tmp_path):
    with pytest.raises(ScenarioError) as caught:
        check_notes(relu(extra))
    assert caught.value.where == where and words in str(caught.value)
    path = tmp_path / "ahead.toml"
    path.write_text(BACKPROP_RELU + extra)
    assert main([str(path), "--check"]) == 2
    error = capsys.readouterr().err
    assert str(path) in error and where in error and words in error
    assert "Traceback" not in error


@pytest.mark.parametrize(
    ("extra", "where", "words"),
    [
        ('[[notes]]\nat = "forward"\ntext = "{valu:a1}"\n', "notes[0].text", "{valu:a1}"),
        ('[[notes]]\nat = "forward"\ntext = "{value:a9}"\n', "notes[0].text", "a9"),
        ('[[notes]]\nat = "forward"\ntext = "{error:a1}"\n', "notes[0].text", "output node"),
        ('[[notes]]\nat = "forward"\ntext = "{lr:x}"\n', "notes[0].text", "takes no name"),
        ('[[notes]]\nat = "loss"\ntext = "{z:x1}"\n', "notes[0].text", "after the inputs"),
        ('[[notes]]\nat = "loss"\ntext = "{slope:x1}"\n', "notes[0].text", "after the inputs"),
        ('[[notes]]\nat = "weight_slope:a2->b9"\ntext = "x"\n', "notes[0].at", "a2->b2"),
        ('[[notes]]\nat = "slope:a2"\ntext = "x"\n', "notes[0].at", "not a phase"),
        ('[[notes]]\nat = "bias_slope:a2"\ntext = "x"\n', "notes[0].at", "bias:NODE"),
        ('[[notes]]\nat = "loss:out"\ntext = "x"\n', "notes[0].at", "takes no name"),
        ('[[notes]]\nat = "forward"\n', "notes[0].text", "missing"),
        ('[[notes]]\nat = "forward"\ntext = "x"\nwhen = 1\n', "notes[0].when", "unknown key"),
        ('[[slide]]\nat = "backward"\nprinted = 1\n', "slide[0].at", "is a phase"),
        ('[[slide]]\nat = "loss"\nprinted = "9"\n', "slide[0].printed", "expected a number"),
    ],
)
def test_loader_rejects_unknown_names(extra, where, words):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(BACKPROP_RELU + extra, "bad.toml")
    assert caught.value.where == where and words in str(caught.value)


def test_the_steps_own_number_counts_as_reached():
    trace = relu('[[notes]]\nat = "node_slope:out"\ntext = "{slope:out}"\n')
    check_notes(trace)
    assert notes_at(trace, OUT_SLOPE_STEP - 1) == ["6"]


def test_old_notes_table_still_shows_at_the_start_of_its_phase():
    old = '[notes]\nforward = "F {not a placeholder}"\nbackward = "B"\n'
    trace = relu(old)
    check_notes(trace)
    assert notes_at(trace, 0) == ["F {not a placeholder}"]
    assert notes_at(trace, OUT_SLOPE_STEP - 1) == ["B"]
    assert notes_at(trace, OUT_SLOPE_STEP - 2) == []  # loss phase: no note


def test_single_weight_every_iteration_uses_that_iterations_weight():
    # slides section 5: weight 2, slope −24, new 2.24; then slope 2 × (−3.28) × 3 = −19.68
    extra = (
        '[[notes]]\nat = "every:weight_update:x->prediction"\n'
        'text = "{weight:x->prediction} − {lr} × {slope:x->prediction} = {new:x->prediction}"\n'
    )
    trace = Trace(parse_scenario(SINGLE_WEIGHT.format(epochs=2) + extra, "single.toml"))
    check_notes(trace)
    first = [i for i in range(len(trace)) if trace[i].kind == "weight_update"]
    # a negative factor of a product in brackets, as the formulas write it
    assert notes_starting_at(trace, first[0]) == ["2 − 0.01 × (-24) = 2.24"]
    assert notes_starting_at(trace, first[1]) == ["2.24 − 0.01 × (-19.68) = 2.4368"]


def test_negative_factors_get_brackets_once():
    extra = (
        '[[notes]]\nat = "forward"\n'
        'text = "{weight:x2->a1} × 2, 2 × ({weight:x2->a1}), {weight:x2->a1} alone"\n'
    )
    assert notes_at(relu(extra), 0) == ["(-2) × 2, 2 × (-2), -2 alone"]


def test_trace_from_the_command_line_carries_notes_and_slide(capsys, tmp_path):
    path = tmp_path / "relu.toml"
    path.write_text(BACKPROP_RELU + NOTES, encoding="utf-8")
    assert main([str(path), "--trace", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[A2_B2_STEP - 1]["slide"] == {"printed": 18, "value": 12}
    assert records[ERROR_STEP - 1]["note"] == "error = 7 − 4 = 3"
    assert main([str(path), "--trace", "text"]) == 0
    text = capsys.readouterr().out
    assert "note: error = 7 − 4 = 3" in text
    assert "slide: The slide prints 18 here; computed: 12 (the slide used b2->out's slope" in text
    assert main([str(path), "--check"]) == 0
