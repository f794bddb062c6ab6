# ruff: noqa: E501  (issue 2's example below is kept exactly as written)
"""The scenario loader: TOML in, a checked Scenario out, or one ScenarioError.

The error tests here exercise the loader's API (ScenarioError.file / where / message /
hint); the corpus of bad files in tests/bad_scenarios/ is run through the command line
by test_bad_scenarios.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from tui_backprop.errors import ScenarioError
from tui_backprop.scenario import PHASES, Scenario, load_scenario, parse_scenario

# Issue 2's example, exactly as written there (comments and "..." notes included).
ISSUE_EXAMPLE = """\
title = "Backpropagation with ReLU"         # required
description = "One round of backpropagation through two ReLU layers."
source = "Chapter 2: Backpropagation in practice"

[network]
inputs = ["x1", "x2"]          # input node names, or a count: inputs = 2
loss = "mse"                   # "mse" (default): mean over the batch's points of the squared error
                               # "sse": sum over the batch's points; "half_sse": 0.5 * sse
                               # (squared error of a point = sum over output nodes of (prediction - target)^2)

[[network.layers]]             # one table per non-input layer, in order; the last is the output layer
name = "hidden 1"              # optional
nodes = ["a1", "a2"]           # names, or a count
activation = "relu"            # "identity" (default), "relu", "sigmoid", "tanh"
weights = [[2, -2], [4, -1]]   # one row per node of this layer: the weights into it, one per node of the layer before
                               # or weights = "random" (drawn from training.seed)
# bias = [0.1, 0.2]            # optional, one per node, or one number shared by the layer's nodes; absent = no bias
# train_bias = true            # optional; false keeps the biases fixed during updates

[[network.layers]]
nodes = ["out"]
weights = [[1, 2]]

[data]
inputs = [[0.5, 1.0]]          # one row per data point
targets = [[4]]                # one row per point; a bare number per point is fine for one output: targets = [4]
                               # targets may be omitted: then the trace is the forward pass only

[training]
learning_rate = 0.01
batch_size = 1                 # default: every point (full batch)
epochs = 1
shuffle = false                # true: reshuffle the points each epoch with seed
seed = 0

[notes]                        # optional lecture narration shown by the app, one per phase
forward = "..."
loss = "..."
backward = "..."
update = "..."
"""

# A small valid scenario; tests change one thing at a time with .replace().
MINIMAL = """\
title = "t"
[network]
inputs = ["x"]
[[network.layers]]
nodes = ["out"]
weights = [[2]]
[data]
inputs = [[3]]
targets = [[10]]
"""


def parse(text: str, file: str = "lesson.toml") -> Scenario:
    return parse_scenario(text, file)


def error_of(text: str | bytes, file: str = "lesson.toml") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, file)
    error = info.value
    assert error.file == file
    assert error.where in str(error)  # the key path (or line) is part of the message shown
    assert error.message in str(error)
    return error


def layer_toml(
    nodes: str, weights: str, extra: str = "", inputs: str = '["x1", "x2"]', data: str = ""
) -> str:
    return f"""\
title = "t"
[network]
inputs = {inputs}
[[network.layers]]
nodes = {nodes}
weights = {weights}
{extra}
[data]
{data or "inputs = [[1, 2]]"}
"""


# -- the contract's example --------------------------------------------------------


def test_issue_example_is_accepted_as_written():
    s = parse(ISSUE_EXAMPLE)
    assert s.title == "Backpropagation with ReLU"
    assert s.description == "One round of backpropagation through two ReLU layers."
    assert s.source == "Chapter 2: Backpropagation in practice"
    assert s.inputs == ("x1", "x2")
    assert s.loss == "mse"
    assert len(s.layers) == 2
    hidden, output = s.layers
    assert hidden.name == "hidden 1"
    assert hidden.nodes == ("a1", "a2")
    assert hidden.activation == "relu"
    np.testing.assert_array_equal(hidden.weights, [[2, -2], [4, -1]])
    assert hidden.bias is None
    assert output.nodes == ("out",)
    assert output.activation == "identity"
    np.testing.assert_array_equal(output.weights, [[1, 2]])
    np.testing.assert_array_equal(s.data_inputs, [[0.5, 1.0]])
    np.testing.assert_array_equal(s.targets, [[4]])
    assert s.learning_rate == 0.01
    assert s.batch_size == 1
    assert s.epochs == 1
    assert s.shuffle is False
    assert s.seed == 0
    assert {n.at.name: n.text for n in s.notes} == dict.fromkeys(PHASES, "...")
    assert all(n.plain and n.at.kind == "phase" for n in s.notes)  # the old table still loads
    assert s.points == 1 and s.has_targets and s.iterations == 1


def test_issue_example_names_edges_from_to():
    s = parse(ISSUE_EXAMPLE)
    assert s.edge_names() == [
        "x1->a1",
        "x2->a1",
        "x1->a2",
        "x2->a2",
        "a1->out",
        "a2->out",
    ]
    assert s.node_names == ("x1", "x2", "a1", "a2", "out")


def test_the_scenario_remembers_its_file():
    s = parse(MINIMAL, "my/lesson.toml")
    assert s.path == "my/lesson.toml"
    assert s.name == "lesson"


def test_numbers_are_float_arrays_of_the_right_shape():
    s = parse(ISSUE_EXAMPLE)
    assert s.data_inputs.shape == (1, 2)
    assert s.targets.shape == (1, 1)
    assert s.layers[0].weights.shape == (2, 2)  # (nodes of this layer, nodes before)
    assert s.layers[1].weights.shape == (1, 2)
    for array in (s.data_inputs, s.targets, s.layers[0].weights):
        assert array.dtype == np.float64


# -- shorthands -----------------------------------------------------------------------


def test_counts_instead_of_names():
    s = parse(
        """\
title = "t"
[network]
inputs = 2
[[network.layers]]
nodes = 3
weights = [[1, 2], [3, 4], [5, 6]]
[[network.layers]]
nodes = 1
weights = [[1, 1, 1]]
[data]
inputs = [[1, 2]]
"""
    )
    assert s.inputs == ("x1", "x2")
    assert len(s.layers[0].nodes) == 3
    assert len(set(s.node_names)) == len(s.node_names) == 2 + 3 + 1
    assert len(s.layers[1].nodes) == 1


def test_count_of_output_nodes_gives_distinct_names():
    s = parse(layer_toml("2", "[[1, 2], [3, 4]]", inputs="2"))
    assert len(s.layers[0].nodes) == 2
    assert len(set(s.node_names)) == 4


def test_bare_number_targets_and_inputs_for_one_input_and_one_output():
    s = parse(
        MINIMAL.replace("inputs = [[3]]", "inputs = [3, 4]").replace(
            "targets = [[10]]", "targets = [10, 11]"
        )
    )
    np.testing.assert_array_equal(s.data_inputs, [[3], [4]])
    np.testing.assert_array_equal(s.targets, [[10], [11]])
    assert s.points == 2


def test_bare_and_row_forms_give_the_same_scenario():
    rows = parse(MINIMAL)
    bare = parse(MINIMAL.replace("[[3]]", "[3]").replace("[[10]]", "[10]"))
    np.testing.assert_array_equal(rows.data_inputs, bare.data_inputs)
    np.testing.assert_array_equal(rows.targets, bare.targets)


def test_targets_may_be_omitted():
    s = parse(MINIMAL.replace("targets = [[10]]\n", ""))
    assert s.targets is None
    assert not s.has_targets
    assert s.iterations == 0


def test_bias_list_one_per_node():
    s = parse(layer_toml('["a", "b"]', "[[1, 2], [3, 4]]", "bias = [0.1, -0.2]"))
    np.testing.assert_array_equal(s.layers[0].bias, [0.1, -0.2])
    assert s.layers[0].train_bias is True


def test_bias_one_number_shared_by_the_layer():
    s = parse(layer_toml('["a", "b", "c"]', "[[1, 2], [3, 4], [5, 6]]", "bias = 0.5"))
    np.testing.assert_array_equal(s.layers[0].bias, [0.5, 0.5, 0.5])


def test_train_bias_false_is_kept():
    s = parse(layer_toml('["a"]', "[[1, 2]]", "bias = 1\ntrain_bias = false"))
    assert s.layers[0].train_bias is False
    np.testing.assert_array_equal(s.layers[0].bias, [1.0])


def test_train_bias_true_explicit():
    s = parse(layer_toml('["a"]', "[[1, 2]]", "bias = [1]\ntrain_bias = true"))
    assert s.layers[0].train_bias is True


RANDOM = """\
title = "r"
[network]
inputs = 3
[[network.layers]]
nodes = 4
activation = "tanh"
weights = "random"
[[network.layers]]
nodes = 2
weights = "random"
[data]
inputs = [[1, 2, 3]]
[training]
seed = SEED
"""


def test_random_weights_are_reproducible_for_a_seed():
    a = parse(RANDOM.replace("SEED", "3"))
    b = parse(RANDOM.replace("SEED", "3"))
    for la, lb in zip(a.layers, b.layers, strict=True):
        np.testing.assert_array_equal(la.weights, lb.weights)
    assert a.layers[0].weights.shape == (4, 3)
    assert a.layers[1].weights.shape == (2, 4)
    for layer in a.layers:
        assert np.all(np.isfinite(layer.weights))
        assert np.any(layer.weights != 0)
        # no negative zeros that would print as -0
        assert not np.any(np.signbit(layer.weights) & (layer.weights == 0))


def test_random_weights_differ_for_another_seed():
    a = parse(RANDOM.replace("SEED", "3"))
    b = parse(RANDOM.replace("SEED", "4"))
    assert not np.array_equal(a.layers[0].weights, b.layers[0].weights)
    assert not np.array_equal(a.layers[1].weights, b.layers[1].weights)


def test_random_weights_differ_between_layers_of_the_same_shape():
    text = RANDOM.replace("nodes = 2\nweights", "nodes = 4\nweights").replace("SEED", "1")
    text = text.replace(
        '[[network.layers]]\nnodes = 4\nweights = "random"\n[data]',
        '[[network.layers]]\nnodes = 4\nweights = "random"\n'
        '[[network.layers]]\nnodes = 4\nweights = "random"\n[data]',
    )
    s = parse(text)
    assert not np.array_equal(s.layers[1].weights, s.layers[2].weights)


def test_defaults():
    s = parse(
        MINIMAL.replace("inputs = [[3]]", "inputs = [[3], [4], [5]]").replace(
            "targets = [[10]]", "targets = [10, 11, 12]"
        )
    )
    assert s.loss == "mse"
    assert s.batch_size == 3  # every point: full batch
    assert s.epochs == 1
    assert s.learning_rate == 0.01
    assert s.shuffle is False
    assert s.seed == 0
    assert s.description == "" and s.source == ""
    assert s.notes == () and s.slides == ()
    assert s.layers[0].activation == "identity"
    assert s.layers[0].bias is None
    assert s.iterations == 1


@pytest.mark.parametrize("loss", ["mse", "sse", "half_sse"])
@pytest.mark.parametrize("activation", ["identity", "relu", "sigmoid", "tanh"])
def test_every_loss_and_activation_is_accepted(loss, activation):
    text = MINIMAL.replace("[network]\n", f'[network]\nloss = "{loss}"\n').replace(
        "weights = [[2]]", f'weights = [[2]]\nactivation = "{activation}"'
    )
    s = parse(text)
    assert s.loss == loss
    assert s.layers[0].activation == activation


def test_training_values_are_read():
    text = (
        MINIMAL.replace("inputs = [[3]]", "inputs = [1, 2, 3, 4, 5]").replace(
            "targets = [[10]]", "targets = [1, 2, 3, 4, 5]"
        )
        + "[training]\nlearning_rate = 0.5\nbatch_size = 2\nepochs = 4\nshuffle = true\nseed = 9\n"
    )
    s = parse(text)
    assert s.learning_rate == 0.5
    assert s.batch_size == 2
    assert s.epochs == 4
    assert s.shuffle is True
    assert s.seed == 9
    assert s.batches_per_epoch == 3  # 2 + 2 + 1
    assert s.iterations == 12


def test_integer_learning_rate_is_a_number():
    s = parse(MINIMAL + "[training]\nlearning_rate = 1\n")
    assert s.learning_rate == 1.0


def test_load_scenario_reads_a_file(tmp_path):
    path = tmp_path / "lesson.toml"
    path.write_text(ISSUE_EXAMPLE, encoding="utf-8")
    s = load_scenario(path)
    assert s.title == "Backpropagation with ReLU"
    assert s.path == str(path)
    assert s.name == "lesson"
    assert load_scenario(str(path)).title == s.title


def test_utf8_text_with_non_ascii_is_fine(tmp_path):
    path = tmp_path / "lesson.toml"
    path.write_bytes(MINIMAL.replace('"t"', '"Rückwärts − ✓"').encode("utf-8"))
    assert load_scenario(path).title == "Rückwärts − ✓"


# -- errors: every class names the file, the place, and what to change ---------------


def test_error_str_has_file_where_message_and_hint():
    e = ScenarioError("a.toml", "training.epochs", "expected a number", "use 1")
    assert (e.file, e.where, e.message, e.hint) == (
        "a.toml",
        "training.epochs",
        "expected a number",
        "use 1",
    )
    text = str(e)
    for part in ("a.toml", "training.epochs", "expected a number", "use 1"):
        assert part in text
    assert text.index("a.toml") < text.index("training.epochs") < text.index("expected")


@pytest.mark.parametrize(
    ("text", "where", "suggestion"),
    [
        (MINIMAL + "[training]\nlearnin_rate = 0.1\n", "training.learnin_rate", "learning_rate"),
        (MINIMAL.replace("title", "titel"), "titel", "title"),
        (
            MINIMAL.replace("[[network.layers]]\n", "[[network.layers]]\nactivaton = 'relu'\n"),
            "network.layers[0].activaton",
            "activation",
        ),
        (MINIMAL + "[training]\nbatchsize = 1\n", "training.batchsize", "batch_size"),
        (MINIMAL + "[notes]\nforwrd = 'x'\n", "notes.forwrd", "forward"),
        (
            MINIMAL.replace("[data]\n", "[data]\ntarget = [1]\n").replace("targets = [[10]]\n", ""),
            "data.target",
            "targets",
        ),
    ],
)
def test_unknown_key_with_did_you_mean(text, where, suggestion):
    e = error_of(text)
    assert e.file == "lesson.toml"
    assert e.where == where
    key = where.rsplit(".", 1)[-1]
    assert key in e.message
    assert "did you mean" in e.hint
    assert suggestion in e.hint
    assert "did you mean" in str(e)


def test_unknown_key_without_close_match_lists_what_is_allowed():
    e = error_of(MINIMAL + "[training]\nzzzzzz = 1\n")
    assert e.where == "training.zzzzzz"
    assert "learning_rate" in e.hint or "learning_rate" in e.message


@pytest.mark.parametrize(
    ("text", "where", "found"),
    [
        (MINIMAL.replace('title = "t"', "title = 5"), "title", "5"),
        (MINIMAL + '[training]\nlearning_rate = "0.1"\n', "training.learning_rate", "0.1"),
        (MINIMAL + "[training]\nlearning_rate = true\n", "training.learning_rate", "true"),
        (MINIMAL + "[training]\nepochs = 1.5\n", "training.epochs", "1.5"),
        (MINIMAL + "[training]\nbatch_size = true\n", "training.batch_size", "true"),
        (MINIMAL + "[training]\nshuffle = 1\n", "training.shuffle", "1"),
        (MINIMAL + '[training]\nseed = "x"\n', "training.seed", "x"),
        (
            MINIMAL.replace("weights = [[2]]", 'weights = [["2"]]'),
            "network.layers[0].weights[0][0]",
            "2",
        ),
        (MINIMAL.replace("weights = [[2]]", "weights = 7"), "network.layers[0].weights", "7"),
        (
            MINIMAL.replace("weights = [[2]]", 'weights = "Random"'),
            "network.layers[0].weights",
            "Random",
        ),
        (MINIMAL.replace("targets = [[10]]", 'targets = ["a"]'), "data.targets[0]", "a"),
        (
            MINIMAL.replace("[[network.layers]]\n", "[[network.layers]]\nname = 3\n"),
            "network.layers[0].name",
            "3",
        ),
        (MINIMAL.replace('inputs = ["x"]', 'inputs = "x"'), "network.inputs", "x"),
        (
            MINIMAL.replace("[[network.layers]]\n", "[[network.layers]]\nactivation = 1\n"),
            "network.layers[0].activation",
            "1",
        ),
        (MINIMAL + "[notes]\nforward = 1\n", "notes.forward", "1"),
    ],
)
def test_wrong_type_names_place_and_what_was_found(text, where, found):
    e = error_of(text)
    assert e.file == "lesson.toml"
    assert e.where == where
    assert found in e.message


def test_wrong_type_says_what_was_expected():
    e = error_of(MINIMAL + '[training]\nlearning_rate = "0.1"\n')
    assert "number" in e.message
    e = error_of(MINIMAL + "[training]\nshuffle = 1\n")
    assert "true" in e.message and "false" in e.message


def test_ragged_weights():
    e = error_of(layer_toml('["a", "b"]', "[[2, -2], [4]]"))
    assert e.where == "network.layers[0].weights[1]"
    assert "2" in e.message and "1" in e.message


def test_weights_wrong_row_count():
    e = error_of(layer_toml('["a", "b"]', "[[2, -2]]"))
    assert e.where == "network.layers[0].weights"
    assert "2" in e.message and "1" in e.message


def test_weights_wrong_row_count_in_a_later_layer():
    text = ISSUE_EXAMPLE.replace("weights = [[1, 2]]", "weights = [[1, 2], [3, 4]]")
    e = error_of(text)
    assert e.where == "network.layers[1].weights"


def test_weights_row_too_long_for_the_layer_before():
    text = ISSUE_EXAMPLE.replace("weights = [[1, 2]]", "weights = [[1, 2, 3]]")
    e = error_of(text)
    assert e.where == "network.layers[1].weights[0]"
    assert "3" in e.message


def test_duplicate_node_name_across_layers():
    text = ISSUE_EXAMPLE.replace('nodes = ["out"]', 'nodes = ["a1"]')
    e = error_of(text)
    assert e.where == "network.layers[1].nodes"
    assert '"a1"' in e.message or "a1" in e.message


def test_duplicate_node_name_between_inputs_and_a_layer():
    e = error_of(ISSUE_EXAMPLE.replace('nodes = ["a1", "a2"]', 'nodes = ["x1", "a2"]'))
    assert e.where == "network.layers[0].nodes"
    assert "x1" in e.message


def test_duplicate_input_names():
    e = error_of(ISSUE_EXAMPLE.replace('inputs = ["x1", "x2"]', 'inputs = ["x1", "x1"]'))
    assert e.where == "network.inputs"
    assert "x1" in e.message


def test_duplicate_names_within_a_layer():
    e = error_of(ISSUE_EXAMPLE.replace('nodes = ["a1", "a2"]', 'nodes = ["a1", "a1"]'))
    assert e.where.startswith("network.layers[0].nodes")
    assert "a1" in e.message


def test_unknown_activation_suggests_the_close_one():
    e = error_of(ISSUE_EXAMPLE.replace('activation = "relu"', 'activation = "rellu"'))
    assert e.where == "network.layers[0].activation"
    assert "rellu" in e.message
    assert "relu" in e.hint and "did you mean" in e.hint


def test_unknown_activation_lists_the_choices():
    e = error_of(ISSUE_EXAMPLE.replace('activation = "relu"', 'activation = "swish"'))
    assert e.where == "network.layers[0].activation"
    for name in ("identity", "relu", "sigmoid", "tanh", "softmax"):
        assert name in e.message + e.hint


def test_softmax_is_for_the_output_layer_only():
    e = error_of(ISSUE_EXAMPLE.replace('activation = "relu"', 'activation = "softmax"'))
    assert e.where == "network.layers[0].activation"
    assert "output layer" in e.message


def test_unknown_loss():
    e = error_of(ISSUE_EXAMPLE.replace('loss = "mse"', 'loss = "mae"'))
    assert e.where == "network.loss"
    assert "mae" in e.message
    for name in ("mse", "sse", "half_sse"):
        assert name in e.message + e.hint


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("weights = [[1, 2]]", "weights = [[1, nan]]", "network.layers[1].weights[0][1]"),
        ("weights = [[1, 2]]", "weights = [[inf, 2]]", "network.layers[1].weights[0][0]"),
        ("inputs = [[0.5, 1.0]]", "inputs = [[0.5, -inf]]", "data.inputs[0][1]"),
        ("targets = [[4]]", "targets = [[nan]]", "data.targets[0][0]"),
        ("targets = [[4]]", "targets = [nan]", "data.targets[0]"),
        ("learning_rate = 0.01", "learning_rate = inf", "training.learning_rate"),
        ("learning_rate = 0.01", "learning_rate = nan", "training.learning_rate"),
        ("# bias = [0.1, 0.2]", "bias = [0.1, nan]", "network.layers[0].bias[1]"),
        ("# bias = [0.1, 0.2]", "bias = -inf", "network.layers[0].bias"),
        ("weights = [[1, 2]]", "weights = [[1e400, 2]]", "network.layers[1].weights[0][0]"),
    ],
)
def test_non_finite_numbers(old, new, where):
    assert old in ISSUE_EXAMPLE
    e = error_of(ISSUE_EXAMPLE.replace(old, new, 1))
    assert e.where == where
    assert "finite" in e.message


@pytest.mark.parametrize(
    ("old", "where"),
    [
        ("weights = [[1, 2]]", "network.layers[1].weights[0][0]"),
        ("inputs = [[0.5, 1.0]]", "data.inputs[0][0]"),
        ("learning_rate = 0.01", "training.learning_rate"),
    ],
)
def test_huge_integer_is_a_scenario_error_not_a_crash(old, where):
    huge = "9" * 400
    new = {
        "weights = [[1, 2]]": f"weights = [[{huge}, 2]]",
        "inputs = [[0.5, 1.0]]": f"inputs = [[{huge}, 1.0]]",
        "learning_rate = 0.01": f"learning_rate = {huge}",
    }[old]
    e = error_of(ISSUE_EXAMPLE.replace(old, new, 1))
    assert e.where == where


@pytest.mark.parametrize("value", ["0", "0.0", "-0.0", "-0.01", "-1"])
def test_learning_rate_must_be_positive(value):
    e = error_of(ISSUE_EXAMPLE.replace("learning_rate = 0.01", f"learning_rate = {value}"))
    assert e.where == "training.learning_rate"
    assert "positive" in e.message or "> 0" in e.message


def test_batch_size_larger_than_the_data():
    e = error_of(ISSUE_EXAMPLE.replace("batch_size = 1", "batch_size = 2"))
    assert e.where == "training.batch_size"
    assert "2" in e.message and "1" in e.message


def test_batch_size_zero():
    e = error_of(ISSUE_EXAMPLE.replace("batch_size = 1", "batch_size = 0"))
    assert e.where == "training.batch_size"


def test_batch_size_equal_to_the_data_is_fine():
    text = ISSUE_EXAMPLE.replace("batch_size = 1", "batch_size = 2")
    text = text.replace("inputs = [[0.5, 1.0]]", "inputs = [[0.5, 1.0], [1, 2]]")
    s = parse(text.replace("targets = [[4]]", "targets = [4, 5]"))
    assert s.batch_size == s.points == 2
    assert s.batches_per_epoch == 1


def test_epochs_zero():
    e = error_of(ISSUE_EXAMPLE.replace("epochs = 1", "epochs = 0"))
    assert e.where == "training.epochs"


def test_negative_seed():
    e = error_of(ISSUE_EXAMPLE.replace("seed = 0", "seed = -1"))
    assert e.where == "training.seed"


def test_targets_wrong_width():
    e = error_of(ISSUE_EXAMPLE.replace("targets = [[4]]", "targets = [[4, 5]]"))
    assert e.where == "data.targets[0]"
    assert "out" in e.message  # names the output nodes it expected


def test_targets_wrong_width_for_two_outputs():
    text = ISSUE_EXAMPLE.replace('nodes = ["out"]', 'nodes = ["o1", "o2"]').replace(
        "weights = [[1, 2]]", "weights = [[1, 2], [3, 4]]"
    )
    assert parse(text.replace("targets = [[4]]", "targets = [[4, 5]]")).targets.shape == (1, 2)
    e = error_of(text)  # [[4]]: one number for two outputs
    assert e.where == "data.targets[0]"
    e = error_of(text.replace("targets = [[4]]", "targets = [4]"))  # bare: only for one output
    assert e.where.startswith("data.targets")


def test_targets_wrong_count():
    e = error_of(ISSUE_EXAMPLE.replace("targets = [[4]]", "targets = [[4], [5]]"))
    assert e.where == "data.targets"
    assert "1" in e.message and "2" in e.message


def test_data_inputs_wrong_width():
    e = error_of(ISSUE_EXAMPLE.replace("inputs = [[0.5, 1.0]]", "inputs = [[0.5, 1.0, 2]]"))
    assert e.where == "data.inputs[0]"


def test_data_inputs_empty():
    e = error_of(ISSUE_EXAMPLE.replace("inputs = [[0.5, 1.0]]", "inputs = []"))
    assert e.where == "data.inputs"


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('title = "Backpropagation with ReLU"', 'title = ""', "title"),
        ('nodes = ["a1", "a2"]', "nodes = []", "network.layers[0].nodes"),
        ('nodes = ["a1", "a2"]', "nodes = 0", "network.layers[0].nodes"),
        ('inputs = ["x1", "x2"]', "inputs = 0", "network.inputs"),
        ('nodes = ["a1", "a2"]', 'nodes = ["a 1", "a2"]', "network.layers[0].nodes[0]"),
        ("# bias = [0.1, 0.2]", "bias = [0.1, 0.2, 0.3]", "network.layers[0].bias"),
        ("# bias = [0.1, 0.2]", 'bias = "a"', "network.layers[0].bias"),
        ("# train_bias = true", "train_bias = true", "network.layers[0].train_bias"),
    ],
)
def test_more_shape_and_name_errors(old, new, where):
    assert old in ISSUE_EXAMPLE
    e = error_of(ISSUE_EXAMPLE.replace(old, new, 1))
    assert e.where == where
    assert e.file == "lesson.toml"


def test_missing_required_key():
    e = error_of(ISSUE_EXAMPLE.replace('title = "Backpropagation with ReLU"', ""))
    assert "title" in e.where + e.message
    e = error_of(ISSUE_EXAMPLE.replace("weights = [[1, 2]]", ""))
    assert "network.layers[1]" in e.where
    assert "weights" in e.where + e.message


def test_missing_data_table():
    text = ISSUE_EXAMPLE.split("[data]")[0] + ISSUE_EXAMPLE.split("seed = 0\n")[1]
    e = error_of(text)
    assert "data" in e.where + e.message


def test_layers_not_tables():
    text = MINIMAL.replace('[[network.layers]]\nnodes = ["out"]\nweights = [[2]]\n', "layers = 3\n")
    e = error_of(text)
    assert e.where == "network.layers"


# -- errors about the file itself ---------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n", ""])
def test_empty_file(content):
    e = error_of(content)
    assert e.file == "lesson.toml"
    assert "empty" in e.message


def test_syntax_error_gives_line_and_column():
    text = 'title = "t"\n\n[network\ninputs = 1\n'
    e = error_of(text)
    assert e.file == "lesson.toml"
    assert "line 3" in e.where
    assert "column" in e.where
    assert "TOML" in e.message


def test_syntax_error_column_is_the_place_of_the_mistake():
    e = error_of('title = "t"\nseed = \n')
    assert e.where == "line 2, column 8"


def test_duplicate_key_is_a_syntax_error():
    e = error_of('title = "a"\ntitle = "b"\n')
    assert "line 2" in e.where


def test_unterminated_string():
    e = error_of('title = "abc\n')
    assert e.where  # a place: line/column or end of file
    assert "TOML" in e.message


def test_binary_file(tmp_path):
    path = tmp_path / "image.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.file == str(path)
    assert "binary" in info.value.message


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "t"\n# Größe\n'.encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    e = info.value
    assert e.file == str(path)
    assert "UTF-8" in e.message + e.hint
    assert "line 2" in e.where


def test_directory(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    assert info.value.file == str(tmp_path)
    assert "directory" in info.value.message


def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.file == str(path)
    assert "no such file" in info.value.message.lower()


def test_file_errors_use_the_path_given(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(ISSUE_EXAMPLE.replace("epochs = 1", "epochs = 0"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.file == str(path)
    assert info.value.where == "training.epochs"
    assert str(path) in str(info.value)


def test_scenario_error_is_an_exception_with_a_one_line_message():
    e = error_of(ISSUE_EXAMPLE.replace('loss = "mse"', 'loss = "mae"'))
    assert isinstance(e, Exception)
    assert "\n" not in str(e)
