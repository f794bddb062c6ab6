"""What the screen shows at step N, as plain strings: a pure function of the trace.

The app only paints this. Because it never depends on how step N was reached,
stepping back shows exactly what was shown before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui_backprop.numbers import fmt
from tui_backprop.param import Param

if TYPE_CHECKING:  # the network is drawn before NumPy (and the trace) is imported
    from tui_backprop.trace import Iteration, Step, Trace

FACTOR_NAMES = (
    ("loss_slope", "slope of the loss w.r.t. the node fed into"),
    ("node_value", "value of the node feeding the weight"),
    ("activation_slope", "slope of the activation at the node fed into"),
)


# softmax outputs (and sigmoid with binary cross-entropy): the slope is taken at the
# node's weighted sum, so the activation's slope is already inside the first factor
FACTOR_NAMES_AT_SUM = (
    ("loss_slope", "slope of the loss at the weighted sum of the node fed into (p − t)"),
    ("node_value", "value of the node feeding the weight"),
    ("activation_slope", "1: the activation's slope is inside the first factor"),
)


def _slopes_at_sum(trace: Trace, record: Iteration, node: str | None) -> bool:
    backward = record.backward
    if backward is None or node is None:
        return False
    last = len(trace.layer_nodes) - 1
    for k, names in enumerate(trace.layer_nodes[1:]):
        if node in names:
            return backward.value_slopes[k] is not None or (k == last - 1 and bool(backward.paired))
    return False


@dataclass(frozen=True)
class NodeView:
    name: str
    layer: int  # 0 = inputs
    pre_activation: str | None
    value: str | None
    slope: str | None
    sign: int  # sign of the value shown (-1, 0, 1), for colour beside the text
    slope_sign: int
    active: bool
    activation_slope: str | None = None  # f'(z), once the node's slope is known
    target: str | None = None  # output nodes, once the point's error is known
    error: str | None = None
    changed: str | None = None  # the number this step just set: "z", "value", "slope"...
    tint: str | None = None  # "fed" or "feeding": a factor of the weight slope shown


@dataclass(frozen=True)
class WeightView:
    name: str  # FROM->TO or bias:NODE
    value: str
    slope: str | None
    new: str | None
    sign: int
    slope_sign: int
    active: bool
    changed: str | None = None  # "slope" or "new" when this step just set it


@dataclass(frozen=True)
class DataRow:
    point: int  # 1-based, as shown
    inputs: tuple[str, ...]
    prediction: str
    target: str
    error: str
    squared_error: str
    in_batch: bool
    current: bool


@dataclass(frozen=True)
class StepView:
    index: int
    total: int
    title: str
    epoch: int
    epochs: int
    iteration: int
    updates: int
    final: bool
    phase: str
    batch: tuple[int, ...]  # 1-based point numbers
    shown_point: int  # 1-based
    step: Step | StepMark | None  # None: the blank view of the opening frame
    formula: str
    words: str
    factors: tuple[tuple[str, str, str], ...]  # (name, meaning, value) for a slope
    note: str
    nodes: dict[str, NodeView]
    weights: dict[str, WeightView]
    active_edges: tuple[str, ...]
    edge_direction: str  # "forward" or "backward"
    rows: tuple[DataRow, ...]
    hidden_rows: int
    total_error: str | None
    loss: str | None
    warning: str = ""
    slide: str = ""  # what the slide printed here, beside the computed number, and why
    # the formula split into (text, role): role "fed", "feeding", "act" for the three
    # factors of a weight's slope, "result" for the number the step computes
    formula_parts: tuple[tuple[str, str | None], ...] = ()
    extra: dict = field(default_factory=dict)
    # the data table's words: squared-error losses, or a cross-entropy's
    error_column: str = "error"
    point_loss_column: str = "squared error"
    total_label: str = "total squared error"

    def header(self) -> str:
        if self.final:
            where = "after training"
        elif self.updates:
            where = f"epoch {self.epoch}/{self.epochs} · iteration {self.iteration}/{self.updates}"
        else:
            where = "forward pass"
        points = ", ".join(map(str, self.batch[:8])) + (" …" if len(self.batch) > 8 else "")
        return f"step {self.index + 1}/{self.total} · {self.phase} · {where} · points {points}"


@dataclass(frozen=True)
class StepMark:
    """What the panels read of a step (its number, node and weight): the first frame's
    stand-in for the trace's Step, which holds NumPy arrays (first_frame.py)."""

    index: int
    node: str | None = None
    weight: str | None = None

    @property
    def number(self) -> int:
        return self.index + 1


def blank_view(title: str, layers: tuple[tuple[str, ...], ...]) -> StepView:
    """The network before the lesson has numbers: each node's name, nothing computed
    (the first frame, drawn from the file while the trace loads)."""
    nodes = {
        name: NodeView(name, k, None, None, None, 0, 0, False)
        for k, names in enumerate(layers)
        for name in names
    }
    return StepView(
        index=0,
        total=0,
        title=title,
        epoch=0,
        epochs=0,
        iteration=0,
        updates=0,
        final=False,
        phase="",
        batch=(),
        shown_point=0,
        step=None,
        formula="",
        words="",
        factors=(),
        note="",
        nodes=nodes,
        weights={},
        active_edges=(),
        edge_direction="forward",
        rows=(),
        hidden_rows=0,
        total_error=None,
        loss=None,
    )


def _sign(x: float) -> int:
    return 0 if not math.isfinite(x) or x == 0 else (1 if x > 0 else -1)


MAX_ROWS = 12


def build_view(
    trace: Trace, index: int, decimals: int | None = None, pending: bool = False
) -> StepView:
    """Everything visible at step `index` (0-based); `pending`: the step's own numbers
    are still covered (reveal mode), so the network and the notes do not show them."""
    from tui_backprop.notes import slide_text  # (not at import: the opening needs no notes)

    d = trace.decimals if decimals is None else decimals
    number, offset = trace.iteration_of(index)
    record = trace.iteration(number)
    step = record.steps[offset]
    scenario = trace.scenario
    point = record.shown_point[offset]
    known = {key for key, at in record.revealed_at.items() if at < offset + (not pending)}
    row_of = {int(p): r for r, p in enumerate(record.batch)}
    row = row_of[point]

    tints = {}
    if step.kind == "weight_slope":
        tints = {Param.parse(step.weight).source: "feeding", step.node: "fed"}
    nodes: dict[str, NodeView] = {}
    for k, names in enumerate(trace.layer_nodes):
        for j, name in enumerate(names):
            value = pre = slope = None
            value_num = slope_num = 0.0
            if ("value", point, name) in known:
                value_num = float(record.forward.values[k][row, j])
                value = fmt(value_num, d)
            if k and ("z", point, name) in known:
                pre = fmt(record.forward.pre_activations[k - 1][row, j], d)
            act = target = error = None
            if k and ("node_slope", point, name) in known:
                slope_num = float(record.backward.node_slopes[k - 1][row, j])
                slope = fmt(slope_num, d)
                act = fmt(record.backward.activation_slopes[k - 1][row, j], d)
            if k == len(scenario.layers) and ("error", point, name) in known:
                target = fmt(scenario.targets[point][j], d)
                error = fmt(record.errors[row][j], d)
            own = step.node == name and step.weight is None and step.bias is None
            nodes[name] = NodeView(
                name,
                k,
                pre,
                value,
                slope,
                _sign(value_num),
                _sign(slope_num),
                active=own,
                activation_slope=act,
                target=target,
                error=error,
                changed=_node_change(step, k) if own or (k == 0 and step.kind == "input") else None,
                tint=tints.get(name),
            )

    weights: dict[str, WeightView] = {}
    previous = scenario.inputs
    for k, layer in enumerate(scenario.layers):
        for j, node in enumerate(layer.nodes):
            for i, source in enumerate(previous):
                edge = str(Param.weight(source, node))
                weights[edge] = _weight_view(
                    record,
                    known,
                    edge,
                    ("weight_slope", edge),
                    ("new_weight", edge),
                    record.params.weights[k][j, i],
                    None if record.backward is None else record.backward.weight_slopes[k][j, i],
                    None if record.new_params is None else record.new_params.weights[k][j, i],
                    active=step.weight == edge,
                    d=d,
                )
            if layer.bias is not None:
                name = str(Param.bias(node))
                weights[name] = _weight_view(
                    record,
                    known,
                    name,
                    ("bias_slope", node),
                    ("new_bias", node),
                    record.params.biases[k][j],
                    None if record.backward is None else record.backward.bias_slopes[k][j],
                    None if record.new_params is None else record.new_params.biases[k][j],
                    active=step.bias == name,
                    d=d,
                )
        previous = layer.nodes

    active_edges, direction = _active_edges(trace, step)
    factors = ()
    if step.kind in ("weight_slope", "bias_slope") and len(step.numbers["factors"]) == 1:
        only = step.numbers["factors"][0]
        names = FACTOR_NAMES_AT_SUM if _slopes_at_sum(trace, record, step.node) else FACTOR_NAMES
        factors = tuple((key, meaning, fmt(only[key], d)) for key, meaning in names)

    rows, hidden, total_error, loss = _data_rows(trace, record, known, point, d)
    warning = ""
    if record.loss is not None and not math.isfinite(record.loss):
        warning = "the loss is not finite: the learning rate is too large and training diverged"
    elif record.loss is not None and number > 1:
        first = trace.losses_until(1)
        if len(first) and math.isfinite(first[0]) and record.loss > 100 * max(first[0], 1e-12):
            warning = (
                f"the loss has grown from {fmt(first[0], d)} to {fmt(record.loss, d)}: "
                "the learning rate is too large"
            )

    return StepView(
        index=index,
        total=len(trace),
        title=scenario.title,
        epoch=record.epoch,
        epochs=scenario.epochs,
        iteration=number,
        updates=trace.updates,
        final=record.final,
        phase=step.phase,
        batch=tuple(int(p) + 1 for p in record.batch),
        shown_point=point + 1,
        step=step,
        formula=step.text,
        formula_parts=_formula_parts(step),
        words=step.words,
        factors=factors,
        note=_note(trace, index, record.final, pending),
        slide=slide_text(trace, index),
        nodes=nodes,
        weights=weights,
        active_edges=active_edges,
        edge_direction=direction,
        rows=rows,
        hidden_rows=hidden,
        total_error=total_error,
        loss=loss,
        warning=warning,
        **_column_names(scenario.loss),
    )


def _column_names(loss: str) -> dict[str, str]:
    from tui_backprop.functions import LOSSES  # NumPy: by now the trace has it

    if not LOSSES[loss].uses_logs:
        return {}
    return {"error_column": "p − t", "point_loss_column": "loss", "total_label": "sum of losses"}


AFTER_TRAINING = (
    "After training: the same forward pass and loss, with the weights after the last update."
)


def _note(trace: Trace, index: int, final: bool, pending: bool) -> str:
    """The notes anchored in this step's phase, up to this step (never ahead of it),
    the newest first."""
    from tui_backprop.notes import notes_at

    lines = notes_at(trace, index, pending)[::-1]  # newest first: it is about this step
    return "\n".join([AFTER_TRAINING, *lines] if final else lines)


def _weight_view(
    record: Iteration, known, name, slope_key, new_key, old, slope, new, *, active: bool, d: int
) -> WeightView:
    # formatting is the cost on a big network: each number once per iteration and decimals
    cache = record.__dict__.setdefault("_formatted", {})
    key = (name, d)
    texts = cache.get(key)
    if texts is None:
        texts = cache[key] = (
            fmt(old, d),
            None if slope is None else fmt(slope, d),
            None if new is None else fmt(new, d),
            _sign(float(old)),
            0 if slope is None else _sign(float(slope)),
        )
    value, slope_text, new_text, sign, slope_sign = texts
    shown_slope = slope_text if slope_key in known else None
    shown_new = new_text if new_key in known else None
    changed = None
    if active:
        changed = "new" if shown_new is not None else ("slope" if shown_slope else None)
    return WeightView(
        name,
        value,
        shown_slope,
        shown_new,
        sign,
        slope_sign if shown_slope is not None else 0,
        active,
        changed,
    )


NODE_CHANGES = {
    "input": "value",
    "weighted_sum": "z",
    "node_value": "value",
    "error": "error",
    "node_slope": "slope",
}


def _node_change(step: Step, layer: int) -> str | None:
    return NODE_CHANGES.get(step.kind) if layer or step.kind == "input" else None


FACTOR_ROLES = ("fed", "feeding", "act")


def _formula_parts(step: Step) -> tuple[tuple[str, str | None], ...]:
    """The formula in pieces: a single point's weight slope as its three tinted factors
    and the result; any other step as its text with the result marked."""
    head, sep, result = step.text.rpartition(" = ")
    if not sep or step.kind == "input":
        return ((step.text, None),)
    if step.kind in ("weight_slope", "bias_slope") and len(step.numbers["factors"]) == 1:
        name, eq, product = head.partition(" = ")
        factors = product.split(" × ")
        if eq and len(factors) == 3:
            parts: list[tuple[str, str | None]] = [(name + " = ", None)]
            for i, (text, role) in enumerate(zip(factors, FACTOR_ROLES, strict=True)):
                parts += [(" × ", None)] * (i > 0) + [(text, role)]
            return (*parts, (" = ", None), (result, "result"))
    return ((head + " = ", None), (result, "result"))


def _active_edges(trace: Trace, step: Step) -> tuple[tuple[str, ...], str]:
    """Edges that light up: into a node being computed, out of a node whose slope is."""
    scenario = trace.scenario
    layers = trace.layer_nodes
    if step.kind in ("weight_slope", "weight_update"):
        return (step.weight,), "backward" if step.kind == "weight_slope" else "forward"
    if step.node is None or step.kind in ("error", "bias_slope", "bias_update"):
        return (), "forward"
    k = next(i for i, names in enumerate(layers) if step.node in names)
    if step.phase == "forward" and k > 0:
        return tuple(str(Param.weight(s, step.node)) for s in layers[k - 1]), "forward"
    if step.kind == "node_slope" and k < len(scenario.layers):
        return tuple(str(Param.weight(step.node, t)) for t in layers[k + 1]), "backward"
    return (), "forward"


def _data_rows(trace: Trace, record: Iteration, known, point: int, d: int):
    scenario = trace.scenario
    outputs = scenario.layers[-1].nodes
    batch = [int(p) for p in record.batch]
    in_batch = set(batch)
    shown = list(range(scenario.points)) if scenario.points <= MAX_ROWS else batch[:MAX_ROWS]
    rows = []
    row_of = {p: r for r, p in enumerate(batch)}
    for p in shown:
        prediction = target = error = squared = ""
        if scenario.targets is not None:
            target = ", ".join(fmt(t, d) for t in scenario.targets[p])
        if p in row_of:
            r = row_of[p]
            if all(("value", p, n) in known for n in outputs):
                prediction = ", ".join(fmt(v, d) for v in record.forward.values[-1][r])
            if record.errors is not None and all(("error", p, n) in known for n in outputs):
                error = ", ".join(fmt(e, d) for e in record.errors[r])
                squared = fmt(record.squared_errors[r], d)
        rows.append(
            DataRow(
                p + 1,
                tuple(fmt(v, d) for v in scenario.data_inputs[p]),
                prediction,
                target,
                error,
                squared,
                p in in_batch,
                p == point,
            )
        )
    total_error = loss = None
    if ("loss",) in known:
        total_error = fmt(record.squared_errors.sum(), d)
        loss = fmt(record.loss, d)
    return tuple(rows), scenario.points - len(shown), total_error, loss


def node_numbers(trace: Trace, number: int, decimals: int) -> dict[str, dict[str, list[str]]]:
    """Every number a node can show in this iteration, for every point of its batch:
    node -> line kind ("z", "value", "act", "slope", "target", "error") -> texts.
    The diagram sizes its boxes from these, so no point's number is ever cut."""
    record = trace.iteration(number)
    scenario = trace.scenario
    last = len(scenario.layers)
    rows = range(len(record.batch))
    shown: dict[str, dict[str, list[str]]] = {}
    for k, names in enumerate(trace.layer_nodes):
        for j, name in enumerate(names):
            lines = shown[name] = {
                "value": [fmt(record.forward.values[k][r, j], decimals) for r in rows]
            }
            if not k:
                continue
            lines["z"] = [fmt(record.forward.pre_activations[k - 1][r, j], decimals) for r in rows]
            if record.backward is not None:
                backward = record.backward
                lines["slope"] = [fmt(backward.node_slopes[k - 1][r, j], decimals) for r in rows]
                lines["act"] = [
                    fmt(backward.activation_slopes[k - 1][r, j], decimals) for r in rows
                ]
            if k == last and record.errors is not None:
                points = [int(p) for p in record.batch]
                lines["target"] = [fmt(scenario.targets[p][j], decimals) for p in points]
                lines["error"] = [fmt(record.errors[r][j], decimals) for r in rows]
    return shown


def element_details(trace: Trace, index: int, element: str) -> list[str]:
    """Every formula about a node or weight so far in this iteration (for a click)."""
    number, offset = trace.iteration_of(index)
    record = trace.iteration(number)
    lines = []
    for step in record.steps[: offset + 1]:
        if (
            element in (step.node, step.weight, step.bias)
            and (step.weight is None or step.weight == element)
            and (step.bias is None or step.bias == element)
        ):
            lines.append(f"{step.number}. {step.text}")
    return lines


def screen_text(view: StepView) -> str:
    """A plain rendering of everything on screen, for tests that compare screens."""
    parts = [view.header(), view.formula, view.slide, view.words, view.note]
    for node in view.nodes.values():
        parts.append(f"{node.name} {node.pre_activation} {node.value} {node.slope}")
    for weight in view.weights.values():
        parts.append(f"{weight.name} {weight.value} {weight.slope} {weight.new}")
    for row in view.rows:
        parts.append(repr(row))
    parts.append(f"{view.total_error} {view.loss}")
    return "\n".join(parts)
