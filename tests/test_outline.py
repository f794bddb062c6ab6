"""The outline (title and network read without NumPy, for the first frame) says what the
full reader says, and gives up on what it cannot read."""

from __future__ import annotations

import pytest

from tui_backprop.bundled import ORDER, bundled_path
from tui_backprop.outline import read_outline
from tui_backprop.scenario import load_scenario

COUNTS = """\
title = "Counts"
[network]
inputs = 3
[[network.layers]]
nodes = 2
activation = "relu"
weights = "random"
bias = 0
[[network.layers]]
nodes = 1
weights = "random"
[data]
inputs = [[1, 2, 3]]
targets = [1]
"""


@pytest.mark.parametrize("name", ORDER)
def test_the_outline_of_each_bundled_scenario_is_the_full_readers(name):
    path = bundled_path(name)
    outline, scenario = read_outline(path), load_scenario(path)
    assert outline is not None
    assert outline.title == scenario.title
    assert list(outline.layers) == scenario.layer_nodes
    assert outline.biases == tuple(layer.bias is not None for layer in scenario.layers)
    assert outline.activations == tuple(layer.activation for layer in scenario.layers)


def test_counts_get_the_default_names(tmp_path):
    path = tmp_path / "counts.toml"
    path.write_text(COUNTS, encoding="utf-8")
    expected = (("x1", "x2", "x3"), ("h1_1", "h1_2"), ("out",))
    assert read_outline(path).layers == expected
    assert load_scenario(path).layer_nodes == list(expected)
    assert read_outline(path).biases == (True, False)
    assert read_outline(path).activations == ("relu", "identity")


@pytest.mark.parametrize(
    "text",
    [
        "title = ",  # not TOML
        'title = "t"\n',  # no network
        'title = "t"\n[network]\ninputs = 2\nlayers = 3\n',  # layers not tables
        'title = "t"\n[network]\ninputs = "x"\n[[network.layers]]\nnodes = 1\n',
        "title = 5\n[network]\ninputs = 2\n[[network.layers]]\nnodes = 1\n",
        'title = "t"\n[network]\ninputs = 2\n[[network.layers]]\nnodes = []\n',
    ],
)
def test_what_it_cannot_read_gives_none(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert read_outline(path) is None


def test_a_missing_file_gives_none(tmp_path):
    assert read_outline(tmp_path / "missing.toml") is None
