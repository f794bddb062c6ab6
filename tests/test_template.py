"""The scenario template of `backprop-tui --init`: valid as written, every key, no clobbering."""

from __future__ import annotations

import re
import tomllib

import pytest

from tui_backprop.cli import main as cli_main
from tui_backprop.scenario import parse_scenario
from tui_backprop.template import SCHEMA_URL, TEMPLATE, write_template
from tui_backprop.trace import Trace

SCHEMA_LINE = "#:schema ./scenario.schema.json"

# Optional keys the template shows commented out, as `# key = value`.
COMMENTED_KEYS = ("bias", "train_bias")


def uncommented(text: str) -> str:
    """The template with its commented-out optional keys switched on."""
    pattern = re.compile(rf"^# ((?:{'|'.join(COMMENTED_KEYS)}) = )", re.MULTILINE)
    return pattern.sub(r"\1", text)


def test_first_line_is_the_schema_comment():
    assert TEMPLATE.splitlines()[0] == SCHEMA_LINE
    assert f"#:schema {SCHEMA_URL}" == SCHEMA_LINE


def test_template_parses_as_written():
    scenario = parse_scenario(TEMPLATE, "template.toml")
    assert scenario.title
    assert scenario.has_targets
    assert [note.at.text for note in scenario.notes] == [
        "forward",
        "error:out",
        "weight_slope:a2->b2",
        "every:update",
    ]
    assert [(mark.at.text, mark.printed) for mark in scenario.slides] == [
        ("weight_slope:a2->b2", 18)
    ]
    assert [b.step for b in scenario.bookmarks] == ["backward", "weight_slope:a2->b2", "final"]


def test_template_is_the_slides_relu_lesson():
    trace = Trace(parse_scenario(TEMPLATE, "template.toml"))
    slopes = {
        s.weight: s.numbers["slope"] for s in trace.iteration(1).steps if s.kind == "weight_slope"
    }
    assert slopes["b1->out"] == 6 and slopes["b2->out"] == 18
    assert slopes["a2->b1"] == 6 and slopes["a2->b2"] == 12
    assert slopes["x1->a2"] == 21 and slopes["x2->a2"] == 42


def test_template_bookmarks_resolve():
    places = pytest.importorskip("tui_backprop.places")
    trace = Trace(parse_scenario(TEMPLATE, "template.toml"))
    for bookmark in trace.scenario.bookmarks:
        places.resolve_place(trace, bookmark.step)


def test_commented_optional_keys_work_when_switched_on():
    text = uncommented(TEMPLATE)
    assert text != TEMPLATE
    for key in COMMENTED_KEYS:
        assert re.search(rf"^{key} = ", text, re.MULTILINE), key
    scenario = parse_scenario(text, "template.toml")
    assert scenario.layers[0].bias is not None and scenario.layers[0].train_bias


def test_template_names_every_key_of_the_format():
    text = TEMPLATE
    for table in (
        "[network]",
        "[[network.layers]]",
        "[data]",
        "[training]",
        "[[notes]]",
        "[[slide]]",
        "[[bookmarks]]",
    ):
        assert f"\n{table}" in text, table
    keys = (
        "title",
        "description",
        "source",
        "inputs",
        "loss",
        "name",
        "nodes",
        "activation",
        "weights",
        "bias",
        "train_bias",
        "targets",
        "learning_rate",
        "batch_size",
        "epochs",
        "shuffle",
        "seed",
        "at",
        "text",
        "printed",
        "why",
        "step",
        "note",
    )
    for key in keys:
        assert re.search(rf"^(# )?{key} = ", text, re.MULTILINE), key
    for word in (
        '"random"',
        '"sse"',
        '"half_sse"',
        '"sigmoid"',
        '"tanh"',
        "iteration:N",
        "iteration:N:PHASE",
        "epoch:N",
        '"final"',
        '"end"',
        "FROM->TO",
        "bias:NODE",
    ):
        assert word in text, word
    assert len(tomllib.loads(text)["network"]["layers"]) == 3


def test_write_template(tmp_path):
    path = tmp_path / "lesson.toml"
    assert write_template(path) == path
    assert path.read_text(encoding="utf-8") == TEMPLATE
    assert (tmp_path / "scenario.schema.json").is_file()
    assert cli_main([str(path), "--check"]) == 0


def test_write_template_refuses_to_overwrite(tmp_path):
    path = tmp_path / "lesson.toml"
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_template(path)
    assert path.read_text(encoding="utf-8") == "mine"
    with pytest.raises(FileExistsError):
        write_template(tmp_path)  # a directory is not overwritten either
