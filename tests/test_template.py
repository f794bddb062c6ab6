"""The scenario template of `backprop-tui --init`: valid as written, every key, no clobbering."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from tui_backprop import places
from tui_backprop.cli import main as cli_main
from tui_backprop.optimizers import OPTIMIZERS
from tui_backprop.scenario import load_scenario, parse_scenario
from tui_backprop.template import SCHEMA_URL, TEMPLATE, schema_path, write_template
from tui_backprop.trace import Trace

SCHEMA_LINE = "#:schema ./scenario.schema.json"

# Optional keys the template shows commented out, as `# key = value`, in groups the
# loader accepts together (each group with the value it needs for its optimizer).
COMMENTED_GROUPS = {
    "bias": ("bias", "train_bias"),
    "momentum": ("optimizer", "momentum"),
    "adam": ("optimizer", "beta_1", "beta_2", "epsilon"),
    "file": ("file",),
}
COMMENTED_KEYS = sorted({key for group in COMMENTED_GROUPS.values() for key in group})
SCHEMA = json.loads(schema_path().read_text(encoding="utf-8"))


def uncommented(text: str, keys=("bias", "train_bias")) -> str:
    """The template with the commented-out keys `keys` switched on."""
    pattern = re.compile(rf"^# ((?:{'|'.join(keys)}) = )", re.MULTILINE)
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
    trace = Trace(parse_scenario(TEMPLATE, "template.toml"))
    for bookmark in trace.scenario.bookmarks:
        index = places.resolve_place(trace, bookmark.step)
        assert 0 <= index < len(trace)
    assert places.resolve_place(trace, "slopes") == trace.phase_start_in(1, "backward")


def test_every_commented_out_key_is_in_a_group():
    commented = set(re.findall(r"^# (\w+) = ", TEMPLATE, re.MULTILINE))
    assert commented == set(COMMENTED_KEYS)


@pytest.mark.parametrize("group", sorted(COMMENTED_GROUPS))
def test_commented_optional_keys_work_when_switched_on(group, tmp_path):
    keys = COMMENTED_GROUPS[group]
    text = uncommented(TEMPLATE, keys)
    for key in keys:
        assert re.search(rf"^{key} = ", text, re.MULTILINE), key
    if group in ("momentum", "adam"):
        text = text.replace('optimizer = "sgd"', f'optimizer = "{group}"')
    path = tmp_path / "lesson.toml"
    if group == "file":  # the file replaces the inline points
        text = re.sub(r"^(inputs|targets) = \[\[.*$", "", text, count=0, flags=re.MULTILINE)
        (tmp_path / "points.csv").write_text("x1,x2,out\n0.5,1.0,4\n", encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    if group == "bias":
        assert scenario.layers[0].bias is not None and scenario.layers[0].train_bias
    elif group == "file":
        assert scenario.data_inputs.tolist() == [[0.5, 1.0]] and scenario.targets.tolist() == [[4]]
    else:
        assert scenario.optimizer == group
        # the values written in the template are the defaults
        assert scenario.optimizer_settings == OPTIMIZERS[group].defaults


def _schema_keys(node: dict, found: set[str]) -> set[str]:
    if "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    for key, sub in node.get("properties", {}).items():
        found.add(key)
        _schema_keys(sub.get("items", sub) if sub.get("type") == "array" else sub, found)
    return found


def _schema_enums(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        found.update(v for v in node.get("enum", []) if isinstance(v, str))
        for value in node.values():
            _schema_enums(value, found)
    elif isinstance(node, list):
        for value in node:
            _schema_enums(value, found)
    return found


def test_template_names_every_key_of_the_format():
    """Every key and every named choice the schema (kept equal to the loader by
    test_schema.py) allows, each written in the template as a key or a choice."""
    text = TEMPLATE
    tables = ("[network]", "[[network.layers]]", "[data]", "[training]", "[[notes]]", "[[slide]]")
    for table in tables:
        assert f"\n{table}" in text, table
    assert "\n[[bookmarks]]" in text
    keys = _schema_keys(SCHEMA, set()) - {"layers", "network", "data", "training", "notes"}
    keys -= {"bookmarks", "slide"}
    assert {"title", "file", "optimizer", "momentum", "beta_1", "epsilon"} <= keys
    for key in sorted(keys):
        assert re.search(rf"^(# )?{key} = ", text, re.MULTILINE), key
    enums = _schema_enums(SCHEMA, set())
    assert {"cross_entropy", "softmax", "adam"} <= enums
    for word in sorted(enums):
        assert f'"{word}"' in text, word
    for word in ('"random"', "iteration:N", "iteration:N:PHASE", "epoch:N", "FROM->TO"):
        assert word in text, word
    assert "bias:NODE" in text
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
