"""The command line, run as a user runs it: `python -m tui_backprop ...` in a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from slide_networks import BACKPROP_RELU

import tui_backprop
from tui_backprop.scenario import load_scenario
from tui_backprop.trace import Trace

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "scenarios"
TIMEOUT = 60

# Issue 2's field list for --trace jsonl, per kind.
COMMON_FIELDS = {"step", "epoch", "iteration", "phase", "kind", "text"}
KIND_FIELDS = {
    "node_value": {"point", "node", "pre_activation", "value"},
    "error": {"point", "node", "prediction", "target", "error", "squared_error"},
    "loss": {"points", "total", "loss"},
    "node_slope": {"node", "slope"},
    "weight_slope": {"weight", "slope", "factors"},
    "bias_slope": {"bias", "slope"},
    "weight_update": {"weight", "old", "slope", "learning_rate", "new"},
    "bias_update": {"bias", "old", "slope", "learning_rate", "new"},
}
FACTOR_FIELDS = {"loss_slope", "node_value", "activation_slope"}

# Every kind of step: tanh hidden layer (weighted_sum + node_value), trained biases,
# two points per batch, two epochs.
ALL_KINDS = """\
title = "All kinds"
description = "Every kind of step."
[network]
inputs = ["x1", "x2"]
[[network.layers]]
nodes = ["h1", "h2"]
activation = "tanh"
weights = [[0.5, -0.25], [1, 0.75]]
bias = [0.1, -0.2]
[[network.layers]]
nodes = ["y"]
weights = [[1, -1]]
bias = 0.5
[data]
inputs = [[1, 2], [0, 1], [2, 0]]
targets = [1, 0, 2]
[training]
learning_rate = 0.1
batch_size = 2
epochs = 2
"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        cwd=cwd,
        env=env,
    )


def assert_clean_failure(result: subprocess.CompletedProcess, *must_contain: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 3, result.stderr
    for text in must_contain:
        assert text in result.stderr, (text, result.stderr)


@pytest.fixture
def lesson(tmp_path) -> Path:
    path = tmp_path / "lesson.toml"
    path.write_text(ALL_KINDS, encoding="utf-8")
    return path


@pytest.fixture
def relu_file(tmp_path) -> Path:
    path = tmp_path / "relu.toml"
    path.write_text(BACKPROP_RELU, encoding="utf-8")
    return path


def bundled(name: str) -> str:
    if not (BUNDLED / f"{name}.toml").is_file():
        pytest.skip(f"bundled scenario {name} is not there yet")
    return name


# -- --check ------------------------------------------------------------------------------


def test_check_a_good_file(lesson, tmp_path):
    result = run(str(lesson), "--check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout.lower()
    assert "All kinds" in result.stdout or "lesson.toml" in result.stdout
    assert result.stderr == ""


def test_check_a_bad_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(ALL_KINDS.replace("epochs = 2", "epochs = 0"), encoding="utf-8")
    result = run(str(path), "--check")
    assert_clean_failure(result, "bad.toml", "training.epochs")


def test_check_a_misspelt_key(tmp_path):
    path = tmp_path / "typo.toml"
    path.write_text(ALL_KINDS.replace("learning_rate", "learnin_rate"), encoding="utf-8")
    result = run(str(path), "--check")
    assert_clean_failure(result, "typo.toml", "training.learnin_rate", "learning_rate")
    assert "did you mean" in result.stderr


def test_check_a_syntax_error(tmp_path):
    path = tmp_path / "syntax.toml"
    path.write_text('title = "x"\n[network\n', encoding="utf-8")
    result = run(str(path), "--check")
    assert_clean_failure(result, "syntax.toml", "line 2")


def test_check_a_bundled_scenario():
    result = run(bundled("backprop-relu"), "--check")
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout.lower()


def test_check_huge_integer_is_a_clean_error(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(
        ALL_KINDS.replace("weights = [[1, -1]]", f"weights = [[{'9' * 400}, -1]]"), encoding="utf-8"
    )
    result = run(str(path), "--check")
    assert_clean_failure(result, "huge.toml", "network.layers[1].weights")


# -- --trace text -------------------------------------------------------------------------


def test_trace_text_has_the_formulas(relu_file):
    result = run(str(relu_file), "--trace", "text")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Backpropagation with ReLU\n")
    for formula in (
        "0.5 × 2 + 1 × (-2) = -1",  # weighted sum with the numbers in
        "relu(-1) = 0",  # the activation
        "1 × 1 + 3 × 2 = 7",
        "error = 7 − 4 = 3",
        "2 × 3 = 6",  # slope of the loss at the output
        "6 × 3 × 1 = 18",  # a weight's slope as a product of three factors
        "12 × 1 × 1 = 12",  # the slide prints 18 here; 12 is right
        "42 × 0.5 × 1 = 21",
        "2 − 0.01 × 18 = 1.82",  # an update
    ):
        assert formula in out, formula
    assert "Traceback" not in result.stderr


def test_trace_text_one_line_per_step_grouped_by_phase(relu_file):
    result = run(str(relu_file), "--trace", "text")
    trace = Trace(load_scenario(relu_file))
    lines = result.stdout.splitlines()
    numbered = [line for line in lines if line.strip().split(".")[0].isdigit()]
    assert len(numbered) == len(trace)
    assert [int(line.strip().split(".")[0]) for line in numbered] == list(range(1, len(trace) + 1))
    phases = ("forward", "loss", "backward", "update")
    headings = [line.strip() for line in lines if line.strip() in phases]
    assert headings == ["forward", "loss", "backward", "update", "forward", "loss"]


def test_trace_text_mentions_epochs_and_iterations(lesson):
    out = run(str(lesson), "--trace", "text").stdout
    assert "Epoch 1" in out and "Epoch 2" in out
    assert out.lower().count("iteration") >= 4  # 2 epochs x 2 batches


def test_trace_text_of_bundled_single_weight():
    result = run(bundled("single-weight"), "--trace", "text")
    assert result.returncode == 0, result.stderr
    assert "2 − 0.01 × (-24) = 2.24" in result.stdout
    assert "3 × 2 = 6" in result.stdout


def test_decimals_option(relu_file):
    result = run(str(relu_file), "--trace", "text", "--decimals", "2")
    assert result.returncode == 0
    assert "0.4465" not in result.stdout and "0.45" in result.stdout  # b1 after the update


def test_decimals_out_of_range(relu_file):
    result = run(str(relu_file), "--trace", "text", "--decimals", "13")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "decimals" in result.stderr


# -- --trace jsonl -------------------------------------------------------------------------


def test_trace_jsonl_every_line_is_json_with_the_fields(lesson):
    result = run(str(lesson), "--trace", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    kinds = set()
    for number, record in enumerate(records, 1):
        assert record.keys() >= COMMON_FIELDS, record
        assert record["step"] == number
        assert record["phase"] in ("forward", "loss", "backward", "update")
        kinds.add(record["kind"])
        required = KIND_FIELDS.get(record["kind"], set())
        assert record.keys() >= required, (record["kind"], required - record.keys())
        if record["kind"] in ("weight_slope",):
            assert record["factors"]
            for factor in record["factors"]:
                assert set(factor) == FACTOR_FIELDS
        if record["kind"] in ("node_value", "error"):
            assert isinstance(record["point"], int)
        if record["kind"] == "loss":
            assert all(isinstance(p, int) for p in record["points"])
    assert set(KIND_FIELDS) <= kinds  # the file exercises every kind


def test_trace_jsonl_floats_are_exact(lesson):
    """The JSON numbers are the engine's floats, bit for bit (no rounding to decimals)."""
    result = run(str(lesson), "--trace", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    expected = [step.to_json() for step in Trace(load_scenario(lesson), decimals=6)]
    assert len(records) == len(expected)
    for got, want in zip(records, expected, strict=True):
        assert got == want


def test_trace_jsonl_single_weight_numbers(tmp_path):
    path = tmp_path / "sw.toml"
    path.write_text(
        'title = "sw"\n[network]\ninputs = ["x"]\n[[network.layers]]\nnodes = ["p"]\n'
        "weights = [[2]]\n[data]\ninputs = [3]\ntargets = [10]\n[training]\n"
        "learning_rate = 0.01\n",
        encoding="utf-8",
    )
    records = [
        json.loads(line) for line in run(str(path), "--trace", "jsonl").stdout.split("\n") if line
    ]
    slope = next(r for r in records if r["kind"] == "weight_slope")
    assert slope["weight"] == "x->p"
    assert slope["slope"] == -24
    assert slope["factors"] == [{"loss_slope": -8, "node_value": 3, "activation_slope": 1}]
    update = next(r for r in records if r["kind"] == "weight_update")
    assert (update["old"], update["slope"], update["learning_rate"]) == (2, -24, 0.01)
    assert update["new"] == pytest.approx(2.24, rel=1e-12)
    final = [r for r in records if r.get("final")]
    assert final and all(r["iteration"] == 2 for r in final)
    error = next(r for r in final if r["kind"] == "error")
    assert error["prediction"] == pytest.approx(6.72, rel=1e-12)


def test_trace_jsonl_of_a_forward_only_bundled_scenario():
    result = run(bundled("forward-propagation"), "--trace", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(r["epoch"], r["iteration"], r["phase"]) for r in records} == {(1, 1, "forward")}
    assert records[-1]["kind"] == "node_value" and records[-1]["value"] == 9


# -- names, --list, --version, --help ------------------------------------------------------


def test_misspelt_bundled_name_suggests_the_close_one():
    bundled("single-weight")
    result = run("single-wieght")
    assert_clean_failure(result, "single-wieght", "single-weight")


def test_unknown_name_without_a_close_one_points_to_list():
    result = run("zzzzzzzzzzzz")
    assert_clean_failure(result, "zzzzzzzzzzzz")
    assert "--list" in result.stderr


def test_missing_file(tmp_path):
    result = run(str(tmp_path / "missing.toml"), "--check")
    assert_clean_failure(result, "missing.toml")


def test_missing_file_without_check(tmp_path):
    result = run(str(tmp_path / "missing.toml"), "--trace", "text")
    assert_clean_failure(result, "missing.toml")


def test_directory_given(tmp_path):
    result = run(str(tmp_path), "--check")
    assert_clean_failure(result, str(tmp_path))


def test_list_shows_every_bundled_scenario():
    files = sorted(BUNDLED.glob("*.toml")) if BUNDLED.is_dir() else []
    if not files:
        pytest.skip("no bundled scenarios yet")
    result = run("--list")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert sorted(names) == sorted(p.stem for p in files)
    for path in files:
        title = load_scenario(path).title
        assert title in result.stdout


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert tui_backprop.__version__ in result.stdout
    assert "backprop-tui" in result.stdout


def test_help():
    result = run("--help")
    assert result.returncode == 0
    for option in ("--check", "--trace", "--list", "--version", "SCENARIO"):
        assert option in result.stdout
    assert result.stderr == ""


def test_bad_option_is_a_usage_error():
    result = run("--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "usage" in result.stderr.lower()


def test_bad_trace_form_is_a_usage_error(relu_file):
    result = run(str(relu_file), "--trace", "html")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


# -- --theme and TEXTUAL_THEME ---------------------------------------------------------------


def test_unknown_theme_lists_the_themes_and_exits_2():
    result = run("backprop-relu", "--theme", "bogus")
    assert_clean_failure(result, "--theme", "'bogus'", "backprop-high-contrast", "textual-light")


def test_unknown_textual_theme_variable_is_named_too(monkeypatch):
    monkeypatch.setenv("TEXTUAL_THEME", "bogus")
    result = run("backprop-relu")
    assert_clean_failure(result, "TEXTUAL_THEME", "'bogus'", "backprop-high-contrast")


def screenshot_background(tmp_path, *args: str) -> str:
    """The lesson drawn to SVG at 80x24; its most used fill colour is the background."""
    svg = tmp_path / "shot.svg"
    result = run("backprop-relu", "--screenshot", str(svg), "--size", "80x24", *args)
    assert result.returncode == 0, result.stderr
    fills = re.findall(r'fill="(#[0-9a-f]{6})"', svg.read_text(encoding="utf-8"))
    return max(set(fills), key=fills.count)


def test_theme_from_the_command_line_wins_over_textual_theme(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTUAL_THEME", "nord")
    assert screenshot_background(tmp_path) == "#2e3440"  # nord's background
    # black: backprop-high-contrast's background, set before the first frame
    assert screenshot_background(tmp_path, "--theme", "backprop-high-contrast") == "#000000"
    monkeypatch.setenv("TEXTUAL_THEME", "backprop-high-contrast")
    assert screenshot_background(tmp_path) == "#000000"


def test_a_bundled_scenario_is_known_and_a_copy_is_not(tmp_path):
    """Opening a bundled lesson skips the notes check (this suite runs it); a copy is
    the user's own file and is checked before the app opens."""
    from tui_backprop.bundled import bundled_path, is_bundled

    original = bundled_path("backprop-relu")
    copy = tmp_path / "backprop-relu.toml"
    copy.write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    assert is_bundled(original)
    assert not is_bundled(copy)


def test_opening_a_file_whose_note_runs_ahead_fails_before_the_app(tmp_path):
    original = Path(tui_backprop.__file__).resolve().parent.parent / "scenarios"
    text = (original / "backprop-relu.toml").read_text(encoding="utf-8")
    bad = tmp_path / "ahead.toml"
    bad.write_text(
        text + '\n[[notes]]\nat = "node_value:a1"\ntext = "the loss is {loss}"\n', encoding="utf-8"
    )
    done = run(str(bad))  # no terminal: it must fail before Textual starts
    assert done.returncode == 2, done.stdout + done.stderr
    assert "notes[" in done.stderr and "placeholder {loss}" in done.stderr


def test_a_bad_argument_found_while_the_file_is_still_being_checked(tmp_path):
    """The app's file is checked in a child process while Textual loads; a bad room
    name ends the command first. The child, still checking (a user's copy of
    big-network: its notes take the whole lesson, about a second), must end quietly."""
    original = Path(tui_backprop.__file__).resolve().parent.parent / "scenarios"
    copy = tmp_path / "big.toml"
    copy.write_text((original / "big-network.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run(str(copy), "--lead", "a b")
    assert_clean_failure(result, "room name 'a b'")


def test_the_check_in_a_child_answers_the_step_or_the_message(tmp_path):
    from tui_backprop.bundled import bundled_path
    from tui_backprop.cli import check_in_parallel

    relu = bundled_path("backprop-relu")
    start, take_frame = check_in_parallel(relu, "13", None)()
    assert start == 12 and take_frame(60) is None  # step 13; no frame asked for
    start, take_frame = check_in_parallel(relu, None, (80, 24))()
    frame = take_frame(60)  # (returns as soon as the frame has come)
    assert start == 0 and frame.size == (80, 24)
    assert frame.view.index == 0 and "x1 = 0.5" in frame.view.formula
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\n[network]\ninputs = 1\n', encoding="utf-8")
    message, take_frame = check_in_parallel(bad, None, (80, 24))()
    assert isinstance(message, str) and str(bad) in message and take_frame(60) is None


def test_a_child_that_cannot_answer_leaves_the_check_to_the_parent(monkeypatch):
    import tui_backprop.cli as cli
    from tui_backprop.bundled import bundled_path

    parent, real = os.getpid(), cli.check_file

    def check_file(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("the child breaks down")
        return real(*args, **kwargs)

    monkeypatch.setattr(cli, "check_file", check_file)
    # the parent checks, and leaves the first frame to the lesson
    start, take_frame = cli.check_in_parallel(bundled_path("backprop-relu"), "13", (80, 24))()
    assert start == 12 and take_frame(60) is None


def test_a_first_frame_not_ready_with_the_verdict_is_not_waited_for():
    """The app opens on the network alone rather than wait; the child still making its
    frame is ended (here it would never finish: the answer comes all the same)."""
    code = (
        "import signal\n"
        "import tui_backprop.first_frame as first_frame\n"
        "first_frame.first_frame = lambda *args: signal.pause()\n"
        "from tui_backprop.bundled import bundled_path\n"
        "from tui_backprop.cli import check_in_parallel\n"
        "start, take_frame = check_in_parallel(bundled_path('backprop-relu'), None, (80, 24))()\n"
        "print(start, take_frame())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 None"
