"""docs/scenario.schema.json stays in step with the loader (tui_backprop/scenario.py).

Every bundled scenario and the --init template pass the schema; every file of the
bad-input corpus that the schema can judge fails it; the schema's keys, enums and limits
are the loader's.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from tui_backprop import scenario as loader
from tui_backprop.errors import ScenarioError
from tui_backprop.template import SCHEMA_URL, TEMPLATE, write_template

jsonschema = pytest.importorskip("jsonschema")

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SCHEMA_FILE = REPO / "docs" / "scenario.schema.json"
BAD = TESTS / "bad_scenarios"
EXPECTED_FILE = BAD / "expected.toml"
EXPECTED = tomllib.loads(EXPECTED_FILE.read_text(encoding="utf-8"))

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

# Files of the bad-input corpus the loader rejects for a reason no JSON Schema can state;
# `backprop-tui --check` catches them, an editor's schema check does not:
SCHEMA_CANNOT_TELL = {
    # shapes and counts that depend on other keys (rows per node, numbers per row)
    "bias-wrong-length.toml",
    "data-inputs-flat.toml",  # a bare number per point is fine with one input node
    "data-inputs-ragged.toml",
    "data-inputs-width-mismatch.toml",
    "layer-nodes-count-mismatch.toml",
    "targets-count-mismatch.toml",
    "targets-wrong-width.toml",
    "weights-column-count-mismatch.toml",
    "weights-flat-list.toml",  # a bare number per row is fine with one node before
    "weights-ragged.toml",
    "weights-row-count-mismatch.toml",
    # node names unique across the network
    "duplicate-input-name.toml",
    "duplicate-node-across-layers.toml",
    "duplicate-node-name.toml",
    "node-named-like-input.toml",
    # batch size against the number of data points
    "batch-size-too-large.toml",
    # inf and nan: JSON has no such numbers, so the schema's "number" cannot refuse them
    "inf-bias.toml",
    "inf-input.toml",
    "learning-rate-inf.toml",
    "nan-target.toml",
    "nan-weight.toml",
    # softmax on the output layer only: the schema describes one layer at a time
    "softmax-hidden.toml",
    # cross-entropy targets one-hot: depends on the loss and on the rows' sums
    "cross-entropy-not-one-hot.toml",
}
# Besides these, a file is left out when it is not TOML at all (syntax errors, binary,
# UTF-16, not UTF-8, a directory): there is no document for a schema to judge. Its entry
# in expected.toml has `where` = "line N" or "".


def schema_errors(document: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in VALIDATOR.iter_errors(document)
    ]


def bad_files() -> list[str]:
    if not BAD.is_dir():
        return []
    return sorted(p.name for p in BAD.glob("*.toml") if p.name != EXPECTED_FILE.name)


def test_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_template_names_the_schema_written_beside_it(tmp_path):
    assert TEMPLATE.splitlines()[0] == f"#:schema {SCHEMA_URL}"
    write_template(tmp_path / "lesson.toml")
    written = json.loads((tmp_path / SCHEMA_URL).read_text(encoding="utf-8"))
    assert written == SCHEMA


@pytest.mark.parametrize("path", sorted((REPO / "scenarios").glob("*.toml")), ids=lambda p: p.name)
def test_bundled_scenarios_pass_the_schema(path: Path):
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    assert schema_errors(document) == []


def test_there_are_bundled_scenarios():
    assert list((REPO / "scenarios").glob("*.toml"))


def test_template_passes_the_schema():
    assert schema_errors(tomllib.loads(TEMPLATE)) == []


def test_template_with_optional_keys_on_passes_the_schema():
    text = re.sub(r"^# ((?:bias|train_bias) = )", r"\1", TEMPLATE, flags=re.MULTILINE)
    assert text != TEMPLATE
    assert schema_errors(tomllib.loads(text)) == []


def _schema_key_paths(node: dict, prefix: str = "") -> set[str]:
    """Every key path the schema allows: title, network.layers[].weights, ..."""
    if "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    paths: set[str] = set()
    for key, sub in node.get("properties", {}).items():
        path = f"{prefix}{key}"
        paths.add(path)
        if "oneOf" in sub and "properties" not in sub:  # notes: [[notes]] or the old table
            sub = sub["oneOf"][0]
        if sub.get("type") == "array" and "items" in sub:
            paths |= _schema_key_paths(sub["items"], f"{path}[].")
        else:
            paths |= _schema_key_paths(sub, f"{path}.")
    return paths


def _document_key_paths(value, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, sub in value.items():
            path = f"{prefix}{key}"
            paths.add(path)
            if isinstance(sub, list) and sub and all(isinstance(v, dict) for v in sub):
                for item in sub:
                    paths |= _document_key_paths(item, f"{path}[].")
            else:
                paths |= _document_key_paths(sub, f"{path}.")
    return paths


def switched_on(keys: str) -> str:
    """The template with the commented-out keys named in `keys` (a|b|c) switched on."""
    return re.sub(rf"^# ((?:{keys}) = )", r"\1", TEMPLATE, flags=re.MULTILINE)


# Groups of the template's commented-out keys that the loader accepts together.
TEMPLATE_VARIANTS = ("bias|train_bias", "optimizer|momentum", "optimizer|beta_1|beta_2|epsilon")


def test_schema_allows_exactly_the_keys_the_loader_knows():
    # The template names every key of the format, some commented out; each group that
    # works together is accepted by the loader, so the key paths are the loader's.
    paths = _document_key_paths(tomllib.loads(TEMPLATE))
    for keys in TEMPLATE_VARIANTS:
        text = switched_on(keys)
        if "momentum" in keys:
            text = text.replace("\noptimizer = ", '\noptimizer = "momentum" #')
        if "beta_1" in keys:
            text = text.replace("\noptimizer = ", '\noptimizer = "adam" #')
        loader.parse_scenario(text, "template.toml")
        assert schema_errors(tomllib.loads(text)) == []
        paths |= _document_key_paths(tomllib.loads(text))
    # data.file replaces data.inputs and data.targets
    with_file = tomllib.loads(switched_on("file"))
    paths |= _document_key_paths(with_file)
    del with_file["data"]["inputs"], with_file["data"]["targets"]
    assert schema_errors(with_file) == []
    assert _schema_key_paths(SCHEMA) == paths


def test_additional_properties_are_false_everywhere():
    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, node.get("description")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SCHEMA)


def test_enums_and_limits_are_the_loaders():
    props = SCHEMA["properties"]
    defs = SCHEMA["$defs"]
    assert props["network"]["properties"]["loss"]["enum"] == list(loader.LOSSES)
    assert defs["layer"]["properties"]["activation"]["enum"] == list(loader.ACTIVATIONS)
    anchored, old_table = props["notes"]["oneOf"]
    assert list(old_table["properties"]) == list(loader.PHASES)
    assert anchored["items"] == {"$ref": "#/$defs/note"}
    assert props["network"]["properties"]["layers"]["maxItems"] == loader.MAX_LAYERS
    names, count = defs["names_or_count"]["oneOf"]
    assert names["maxItems"] == count["maximum"] == loader.MAX_NODES_PER_LAYER
    assert defs["name"]["maxLength"] == loader.MAX_NAME_LENGTH
    assert defs["name"]["pattern"] == loader.NAME_PATTERN.pattern
    assert defs["rows"]["maxItems"] == loader.MAX_POINTS


def test_loader_refusals_the_schema_also_refuses():
    """A few hand-made cases beyond the corpus, each refused by both."""
    base = tomllib.loads(TEMPLATE)
    cases = {
        "train_bias without bias": ("network.layers.0.train_bias", True),
        "bookmark step 0": ("bookmarks.0.step", 0),
        "empty bookmark name": ("bookmarks.0.name", " "),
        "unknown bookmark key": ("bookmarks.0.at", "x"),
        "node name too long": ("network.inputs", ["x" * 17, "x2"]),
        "weights random misspelt": ("network.layers.2.weights", "Random"),
        "seed too large": ("training.seed", 2**63),
        "empty weights row": ("network.layers.2.weights", [[]]),
    }
    for label, (path, value) in cases.items():
        document = json.loads(json.dumps(base))
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
        assert schema_errors(document), label
        with pytest.raises(ScenarioError):
            loader.parse_scenario(_to_toml(document), "case.toml")


def _to_toml(document: dict) -> str:
    """Just enough TOML writing for the template's shapes (tables, arrays of tables)."""

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return repr(v)

    lines: list[str] = []

    def table(header: str | None, data: dict) -> None:
        if header:
            lines.append(header)
        nested = []
        for key, v in data.items():
            if isinstance(v, dict):
                nested.append((f"[{key}]", v, key))
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                nested.append((None, v, key))
            else:
                lines.append(f"{key} = {value(v)}")
        for head, v, key in nested:
            if head is not None:
                prefix = header.strip("[]") + "." if header else ""
                table(f"[{prefix}{key}]", v)
            else:
                prefix = header.strip("[]") + "." if header else ""
                for item in v:
                    table(f"[[{prefix}{key}]]", item)

    table(None, document)
    return "\n".join(lines) + "\n"


def test_to_toml_round_trips_the_template():
    document = tomllib.loads(TEMPLATE)
    assert tomllib.loads(_to_toml(document)) == document


def toml_document(name: str) -> dict | None:
    """The corpus file as a TOML document, or None when it is not one (not a file, not
    UTF-8, not TOML): then there is nothing for a schema to judge."""
    path = BAD / name
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def schema_judged_files() -> list[str]:
    """The corpus files a JSON Schema can judge, chosen when the tests are collected."""
    return [
        name
        for name in bad_files()
        if name not in SCHEMA_CANNOT_TELL and toml_document(name) is not None
    ]


def test_the_corpus_is_split_as_documented():
    judged = set(schema_judged_files())
    not_toml = {n for n in bad_files() if toml_document(n) is None}
    assert judged and not_toml
    assert set(bad_files()) >= SCHEMA_CANNOT_TELL, "a listed file is not in the corpus"
    assert judged | not_toml | SCHEMA_CANNOT_TELL == set(bad_files())
    assert not judged & SCHEMA_CANNOT_TELL
    for name in not_toml:  # what the loader says about a file that is not TOML
        assert EXPECTED[name]["where"] == "" or EXPECTED[name]["where"].startswith("line ")


@pytest.mark.parametrize("name", schema_judged_files())
def test_bad_scenarios_the_schema_can_judge_fail_it(name: str):
    path = BAD / name
    document = toml_document(name)
    with pytest.raises(ScenarioError):
        loader.load_scenario(path)
    assert schema_errors(document), f"{name} is refused by the loader but passes the schema"


def test_examples_in_the_format_reference_pass_loader_and_schema():
    doc = (REPO / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", doc, re.DOTALL)
    assert blocks, "docs/scenario-format.md has no ```toml example"
    complete = blocks[0]
    scenario = loader.parse_scenario(complete, "example.toml")
    assert [layer.nodes for layer in scenario.layers] == [("a1", "a2"), ("out",)]
    assert schema_errors(tomllib.loads(complete)) == []
    for block in blocks[1:]:  # fragments: bookmarks added to the complete example
        text = complete + "\n" + block
        loader.parse_scenario(text, "example.toml")
        assert schema_errors(tomllib.loads(text)) == []
