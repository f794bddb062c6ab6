"""Run the corpus of malformed scenarios in tests/bad_scenarios/ through the command line.

Each file in the folder makes exactly one mistake a person could make in a scenario; its
entry in tests/bad_scenarios/expected.toml says where the error must point and what the
message must say. Every case must end with exit status 2 and one short message on stderr
that names the file, never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BAD = Path(__file__).resolve().parent / "bad_scenarios"
EXPECTED_FILE = BAD / "expected.toml"
EXPECTED: dict[str, dict] = tomllib.loads(EXPECTED_FILE.read_text(encoding="utf-8"))

MAX_LINES = 4
TIMEOUT = 60

# The scenario every bad file starts from (issue 2's contract): it must be accepted, so
# each file in the corpus fails because of its one mistake and nothing else.
BASELINE = """\
title = "Backpropagation with ReLU"
[network]
inputs = ["x1", "x2"]
loss = "mse"
[[network.layers]]
name = "hidden 1"
nodes = ["a1", "a2"]
activation = "relu"
weights = [[2, -2], [4, -1]]
[[network.layers]]
nodes = ["out"]
weights = [[1, 2]]
[data]
inputs = [[0.5, 1.0]]
targets = [[4]]
[training]
learning_rate = 0.01
batch_size = 1
epochs = 1
shuffle = false
seed = 0
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT,
    )


def _show(proc: subprocess.CompletedProcess[str]) -> str:
    return f"\n--- exit {proc.returncode}\n--- stdout:\n{proc.stdout}\n--- stderr:\n{proc.stderr}"


def test_expected_entries_are_well_formed():
    assert len(EXPECTED) >= 45
    for name, entry in EXPECTED.items():
        assert name.endswith(".toml"), name
        assert set(entry) <= {"where", "contains", "missing"}, (name, entry)
        assert isinstance(entry.get("where"), str), name
        contains = entry.get("contains")
        assert isinstance(contains, list) and 1 <= len(contains) <= 2, name
        for phrase in contains:
            assert isinstance(phrase, str) and phrase and phrase == phrase.lower(), (name, phrase)
        assert isinstance(entry.get("missing", False), bool), name


def test_corpus_and_expectations_match():
    """Every path in the folder has an entry, and every entry has its path (or is missing)."""
    on_disk = {p.name for p in BAD.iterdir() if p.name != EXPECTED_FILE.name}
    present = {name for name, entry in EXPECTED.items() if not entry.get("missing", False)}
    missing = {name for name, entry in EXPECTED.items() if entry.get("missing", False)}
    assert sorted(on_disk - present) == [], "files without an entry in expected.toml"
    assert sorted(present - on_disk) == [], "entries in expected.toml without a file"
    assert sorted(missing & on_disk) == [], "entries marked missing = true that exist"
    assert missing, "the corpus must include a missing file"


def test_baseline_is_accepted(tmp_path):
    path = tmp_path / "baseline.toml"
    path.write_text(BASELINE, encoding="utf-8")
    proc = run_cli(str(path), "--check")
    assert proc.returncode == 0, _show(proc)
    assert "Traceback" not in proc.stdout + proc.stderr, _show(proc)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_scenario(name: str):
    entry = EXPECTED[name]
    path = BAD / name
    if entry.get("missing", False):
        assert not path.exists()
    else:
        assert path.exists()

    proc = run_cli(str(path), "--check")

    assert "Traceback" not in proc.stdout and "Traceback" not in proc.stderr, _show(proc)
    assert proc.returncode == 2, _show(proc)
    err = proc.stderr.strip()
    assert err, "nothing on stderr" + _show(proc)
    assert len(err.splitlines()) <= MAX_LINES, "more than one short message" + _show(proc)
    assert name in err, "the message does not name the file" + _show(proc)

    # Match the place and phrases in the message itself, not in the file name (whose
    # words, like "missing" or "title", would otherwise make the check pass trivially).
    body = err.replace(str(path), " ").replace(name, " ").lower()
    where = entry["where"]
    if where:
        assert where.lower() in body, f"the message does not name {where!r}" + _show(proc)
    for phrase in entry["contains"]:
        assert phrase.lower() in body, f"the message does not say {phrase!r}" + _show(proc)


def test_unknown_option_is_a_usage_error():
    proc = run_cli("--frobnicate")
    assert proc.returncode == 2, _show(proc)
    assert "Traceback" not in proc.stdout + proc.stderr, _show(proc)
    assert proc.stderr.strip(), _show(proc)


def test_unknown_option_with_a_scenario_is_a_usage_error():
    proc = run_cli(str(BAD / "empty.toml"), "--frobnicate")
    assert proc.returncode == 2, _show(proc)
    assert "Traceback" not in proc.stdout + proc.stderr, _show(proc)
