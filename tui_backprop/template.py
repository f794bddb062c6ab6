"""A commented scenario template: every key of the format, its default and its meaning.

`backprop-tui --init FILE.toml` writes it. As written it is a working lesson (the
slides' "Backpropagation with ReLU" network) that passes `--check`; the first line names
the JSON Schema so that editors with a TOML language server validate and complete it.
"""

from __future__ import annotations

from pathlib import Path

# The schema is written beside the template (and ships in the package), so an editor
# finds it offline and it always matches the installed version.
SCHEMA_FILE = "scenario.schema.json"
SCHEMA_URL = f"./{SCHEMA_FILE}"


def schema_path() -> Path:
    """The JSON Schema: packaged in a wheel, or docs/ in a source checkout."""
    packaged = Path(__file__).resolve().parent / SCHEMA_FILE
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "docs" / SCHEMA_FILE


TEMPLATE = (
    f"#:schema {SCHEMA_URL}\n"
    + '''\
# A backprop-tui scenario: one lesson. Check it with  backprop-tui FILE.toml --check
# and open it with  backprop-tui FILE.toml . The format is described in full in
# docs/scenario-format.md. Lines starting with # are comments; an optional key that is
# commented out takes the default written beside it. Unknown keys are errors.

title = "Backpropagation with ReLU"          # required; shown in the header and the picker
description = "One round of backpropagation through two ReLU layers."  # default ""
source = "Chapter 2: Backpropagation in practice"                      # default ""

[network]                      # required
inputs = ["x1", "x2"]          # required: input node names, or a count: inputs = 2
                               # (a count names them x1, x2, ...)
                               # names: up to 16 letters, digits, _ . or ', unique across
                               # the network; weights are called FROM->TO (x1->a1) and
                               # biases bias:NODE (bias:out)
loss = "mse"                   # default "mse": mean over the batch's points of the
                               # squared error; "sse": their sum; "half_sse": 0.5 * sum
                               # (squared error of a point = sum over the output nodes of
                               # (prediction - target)^2); "cross_entropy": mean over the
                               # points of -sum_k t_k log p_k (with softmax outputs);
                               # "binary_cross_entropy": mean of -[t log p + (1-t) log(1-p)]
                               # (one sigmoid output, targets 0 or 1)

# One [[network.layers]] table per layer after the inputs, in order; the last one is the
# output layer. At most 16 layers and 256 nodes per layer.
[[network.layers]]
name = "hidden 1"              # default "hidden N" (N = 1, 2, ...), "output" for the last
nodes = ["a1", "a2"]           # required: node names, or a count (a count names the nodes
                               # hN_1, hN_2, ... in layer N; out, or out1, out2, ... in
                               # the output layer)
activation = "relu"            # default "identity"; or "relu", "sigmoid", "tanh",
                               # "softmax" (the output layer only)
weights = [[2, -2], [4, -1]]   # required: one row per node of this layer, holding the
                               # weights into it, one per node of the layer before:
                               # a1 = 2 * x1 - 2 * x2, a2 = 4 * x1 - 1 * x2
                               # or weights = "random": drawn from training.seed (normal,
                               # sd 1/sqrt(nodes of the layer before), rounded to 2 decimals)
# bias = [0.1, 0.2]            # default: no bias; one number per node, or one number
                               # shared by every node of the layer: bias = 0.5
# train_bias = true            # default true; false keeps the biases fixed during updates
                               # (only with a bias)

[[network.layers]]
name = "hidden 2"
nodes = ["b1", "b2"]
activation = "relu"
weights = [[0, 1], [2, 3]]

[[network.layers]]
name = "output"
nodes = ["out"]
activation = "identity"
weights = [[1, 2]]

[data]                         # required
inputs = [[0.5, 1.0]]          # required: one row per data point, one number per input
                               # node (with a single input node a bare number will do:
                               # inputs = [0.5, 2.0]); at most 100,000 points
targets = [[4]]                # default: none, and then the lesson is the forward pass only;
                               # one row per data point, one number per output node (with
                               # a single output node a bare number will do: targets = [4]);
                               # with cross_entropy: one class per point, an index from 0
                               # or an output node's name: targets = [0, 2, "cat"]
# file = "points.csv"          # instead of inputs and targets: a CSV file beside this one,
                               # header row first: one column per input node, one per
                               # output node (or "target" for one output, or "class")

[training]                     # optional; every key has a default
learning_rate = 0.01           # default 0.01; must be positive: new = old - rate * slope
batch_size = 1                 # default: every point (full batch); one update per batch
epochs = 1                     # default 1; passes over the data (at most 1,000,000 updates)
shuffle = false                # default false; true: reshuffle the points each epoch
seed = 0                       # default 0; seeds the shuffling and weights = "random"
# optimizer = "sgd"            # default "sgd"; "momentum" or "adam"
# momentum = 0.9               # optimizer = "momentum" only, default 0.9:
                               # velocity = momentum * velocity - rate * slope; new = old + velocity
# beta_1 = 0.9                 # optimizer = "adam" only, defaults 0.9, 0.999, 1e-8:
# beta_2 = 0.999               # m = beta_1 m + (1 - beta_1) slope; v likewise with slope^2;
# epsilon = 1e-8               # new = old - rate * m_hat / (sqrt(v_hat) + epsilon)

# Notes: lecture narration, each anchored to a place in the lesson and shown from that
# step on (never earlier), within its phase. Optional; as many as you like.
# at is a phase, "forward", "loss", "backward", "update" (its first step), or one step
# named as in --trace jsonl, KIND:NAME:
#   "weighted_sum:a1", "node_value:a1", "error:out", "loss:" (the loss step itself),
#   "node_slope:b2", "weight_slope:a2->b2", "bias_slope:bias:NODE",
#   "weight_update:a2->b2", "bias_update:bias:NODE"
# optionally prefixed with "iteration:N:" (default: the first iteration), "every:"
# (each training iteration) or "final:" (the pass after training), e.g.
# "iteration:2:node_value:out".
# In text, placeholders are filled with the lesson's numbers at that step (also after
# a what-if): {value:NODE} {z:NODE} {target:NODE} {error:NODE} {loss} {slope:NODE}
# {slope:FROM->TO} {weight:FROM->TO} (before this iteration's update) {new:FROM->TO}
# {lr} {point} {batch_size}; bias:NODE works wherever FROM->TO does. A number the
# lesson has not reached at that step is an error of --check.
[[notes]]
at = "forward"
text = "Each node's value is the weighted sum of the values feeding it, activated."

[[notes]]
at = "error:out"
text = "error = prediction − target = {value:out} − {target:out} = {error:out}."

[[notes]]
at = "weight_slope:a2->b2"
text = """b2's slope is {slope:b2}, so this weight's slope is \\
{slope:b2} × {value:a2} × 1 = {slope:a2->b2}."""  # """: text over lines

[[notes]]
at = "every:update"
text = "Every weight takes a small step downhill: new = old − {lr} × slope."

# Slide: a number the slide prints at a step (at as for notes, but one step: "loss"
# means the loss step). The app, the handout and --trace show it beside the computed
# number, with why (placeholders as in notes; why is optional).
[[slide]]
at = "weight_slope:a2->b2"
printed = 18
why = "the slide used b2->out's slope, {slope:b2->out}, where b2's slope, {slope:b2}, belongs"

# (The old form, one plain note per phase, still loads:
#  [notes]
#  forward = "..."   and loss, backward, update.)

# Bookmarks: named places in the lesson; the app lists them and jumps to them, and
# backprop-tui FILE.toml --start-at NAME opens there. Each needs a name and a step;
# the note is optional (default "").
# step is a step number (step = 12), or one of:
#   "forward", "loss", "backward", "update"  that phase of the first iteration
#   "iteration:N"          the start of iteration N (one iteration = one weight update)
#   "iteration:N:PHASE"    that phase of iteration N, e.g. "iteration:2:backward"
#   "epoch:N"              the first iteration of epoch N
#   "final"                the forward pass and loss on the trained weights
#   "end"                  the last step
#   a step as KIND:NAME, as in notes' at, e.g. "weight_slope:a2->b2"
[[bookmarks]]
name = "slopes"
step = "backward"
note = "Where the slopes come from."

[[bookmarks]]
name = "the slide's 18"
step = "weight_slope:a2->b2"

[[bookmarks]]
name = "after training"
step = "final"
'''
)


def write_template(path: str | Path) -> Path:
    """Write TEMPLATE to `path` and the schema beside it; never overwrite the template."""
    path = Path(path)
    with path.open("x", encoding="utf-8", newline="\n") as out:
        out.write(TEMPLATE)
    schema = path.parent / SCHEMA_FILE
    if not schema.exists():
        schema.write_text(schema_path().read_text(encoding="utf-8"), encoding="utf-8")
    return path
