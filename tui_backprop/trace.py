"""The lesson as numbered steps: a pure, lazily built function of the scenario
(and its what-if overrides).

Step N is always the same step N, so replay, stepping back and tests rest on it.
Steps are built one iteration (one weight update) at a time; weights at the start of
any iteration are found again from sparse checkpoints, so memory stays flat however
long the run.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tui_backprop.engine import Backward, Forward, Params
from tui_backprop.functions import ACTIVATIONS, LOG_FLOOR, LOSSES
from tui_backprop.numbers import DEFAULT_DECIMALS, clean_zero, fmt, fmt_factor
from tui_backprop.param import Param
from tui_backprop.scenario import Position, Scenario
from tui_backprop.training import Override, SetLearningRate, SetWeight, Training, Update

PHASES = ("forward", "loss", "backward", "update")

# The slides' own words for each kind of step: what the lecturer says out loud.
WORDS = {
    "input": "The data point's values go into the input nodes.",
    "weighted_sum": "Multiply each value feeding the node by its weight and add them up.",
    "node_value": "The node's value: the weighted sum, through the activation function.",
    "error": "Error = prediction − target; the squared error is the error squared.",
    "loss": "The loss function aggregates the errors of the batch's points into one number.",
    "node_slope": "Slope of the loss function w.r.t. the value at this node.",
    "weight_slope": "Slope for a weight = slope of the loss w.r.t. the value at the node we "
    "feed into × the value of the node that feeds into our weight × the slope of the "
    "activation function at the node we feed into.",
    "bias_slope": "A bias is a weight whose feeding value is always 1.",
    "weight_update": "Take a small step downhill: new weight = weight − learning rate × slope.",
    "bias_update": "The bias takes the same small step downhill as the weights.",
    # variants: WORDS[f"{kind}:{variant}"] replaces WORDS[kind] for those steps
    "point_loss": "Each point's loss: how unlikely the network found the point's true class.",
    "loss:log": "The loss of the batch is the mean of its points' losses.",
    "node_slope:paired": "With these two together, the slope at the node's weighted sum is "
    "simply prediction − target (divided by the batch's size): the activation's slope "
    "cancels the log's.",
    "node_slope:chain": "Going back one layer multiplies the slope by one more factor: the "
    "activation's slope at the node after times the weight between them. Sigmoid's slope is "
    "at most 0.25, so with weights near 1 every layer shrinks the slope at least 4 times.",
    "node_slope:jacobian": "Softmax: each output depends on every sum, so the slope at a sum "
    "adds up the slopes of all outputs, each times ∂p_j/∂z = p_j (δ − p).",
    "weight_update:momentum": "Momentum: the step remembers the last ones. velocity = momentum x "
    "velocity - learning rate x slope; new weight = weight + velocity.",
    "bias_update:momentum": "The bias keeps a velocity of its own, updated the same way.",
    "weight_update:adam": "Adam: a running mean of the slopes (m) and of their squares (v), "
    "corrected for starting at 0, set each weight's own step size.",
    "bias_update:adam": "The bias keeps its own m and v, updated the same way.",
}

MAX_TERMS = 6  # sums longer than this are written with an ellipsis


@dataclass(frozen=True)
class Step:
    """One thing a lecturer would say out loud, with the numbers it shows."""

    index: int  # 0-based position in the trace; shown to people as index + 1
    epoch: int
    iteration: int
    phase: str
    kind: str
    text: str
    final: bool = False
    point: int | None = None
    node: str | None = None
    weight: str | None = None
    bias: str | None = None
    numbers: dict[str, Any] = field(default_factory=dict)
    variant: str = ""  # picks other words for the same kind of step (see WORDS)

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def words(self) -> str:
        return WORDS.get(f"{self.kind}:{self.variant}", WORDS[self.kind])

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "step": self.number,
            "epoch": self.epoch,
            "iteration": self.iteration,
            "phase": self.phase,
            "kind": self.kind,
            "text": self.text,
        }
        if self.final:
            record["final"] = True
        for key in ("point", "node", "weight", "bias"):
            value = getattr(self, key)
            if value is not None:
                record[key] = value
        record.update(_jsonable(self.numbers))
        return record


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else fmt(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


@dataclass
class Iteration:
    """One weight update's worth of lesson: numbers from the training run, then its steps."""

    number: int  # 1-based; the final pass is number = updates + 1
    epoch: int
    final: bool
    batch: np.ndarray  # indices of the points in this batch
    params: Params  # weights before this iteration's update
    forward: Forward
    errors: np.ndarray | None  # (batch points, outputs): prediction − target
    point_losses: np.ndarray | None  # (batch points,): each point's loss
    loss: float | None
    backward: Backward | None
    new_params: Params | None
    first_index: int
    update: Update | None = None  # the training run's numbers, optimizer state included
    steps: list[Step] = field(default_factory=list)
    # when (offset within the iteration) each element is revealed, for the app
    revealed_at: dict[tuple, int] = field(default_factory=dict)
    shown_point: list[int] = field(default_factory=list)

    @property
    def squared_errors(self) -> np.ndarray | None:
        """Each point's loss (its squared error, for the squared-error losses)."""
        return self.point_losses


class Trace:
    """The ordered steps of a scenario's lesson; index with trace[i] (0-based).

    The numbers come from a Training (the one training loop); the trace only numbers
    the steps and writes them. A what-if edit replaces the training by one with an
    extra override.
    """

    CACHE_ITERATIONS = 8

    def __init__(self, scenario: Scenario, decimals: int = DEFAULT_DECIMALS) -> None:
        self.scenario = scenario
        self.decimals = decimals
        self.training = Training(scenario)
        self.network = self.training.network
        self.initial_params = self.training.initial.params
        self.updates = scenario.iterations
        self.iterations = self.updates + 1 if scenario.has_targets else 1
        self.layer_nodes = scenario.layer_nodes
        self._batches_per_epoch = self.training.batches_per_epoch
        size = scenario.batch_size if scenario.has_targets else scenario.points
        self._batch_size = size
        self._last_batch = scenario.points - size * (self.batches_per_epoch - 1)
        self._full_count = self.steps_in_iteration(size, final=False)
        self._last_count = self.steps_in_iteration(self._last_batch, final=False)
        self._epoch_count = self._full_count * (self.batches_per_epoch - 1) + self._last_count
        if scenario.has_targets:
            self._final_count = self.steps_in_iteration(scenario.points, final=True)
            self.total = self._epoch_count * scenario.epochs + self._final_count
        else:
            self._final_count = 0
            self.total = self.steps_in_iteration(scenario.points, final=True)
        self._cache: OrderedDict[int, Iteration] = OrderedDict()

    # -- what-if: depart from the file's values --------------------------------------

    @property
    def departures(self) -> list[str]:
        """How this run departs from the file, for the header."""
        return self.training.describe_overrides(self.decimals)

    @property
    def _checkpoints(self) -> dict:
        return self.training.checkpoints

    def learning_rate(self, iteration: int) -> float:
        return self.training.learning_rate(iteration)

    def _override(self, override: Override) -> None:
        self.training = self.training.with_override(override)
        self.network = self.training.network
        self._cache = OrderedDict((k, v) for k, v in self._cache.items() if k < override.iteration)

    def set_weight(self, iteration: int, name: str | Param, value: float) -> None:
        """Recompute from the start of `iteration` with one weight or bias changed."""
        param = Param.parse(name)
        self.position(param)  # KeyError for a weight the network does not have
        self._override(SetWeight(iteration, param, float(value)))

    def set_learning_rate(self, iteration: int, rate: float) -> None:
        """From the start of `iteration` on, train with another learning rate."""
        self._override(SetLearningRate(iteration, float(rate)))

    def set_decimals(self, decimals: int) -> None:
        """Formulas are rebuilt with more or fewer decimals; the numbers do not change."""
        self.decimals = decimals
        self._cache.clear()

    def position(self, name: str | Param) -> Position:
        """(layer, row, col) of a weight FROM->TO, or (layer, row, None) for bias:NODE."""
        return self.scenario.position(name)

    # -- sizes and positions (arithmetic only, nothing computed) --------------------

    @property
    def batches_per_epoch(self) -> int:
        return self._batches_per_epoch

    def steps_in_iteration(self, batch_size: int, final: bool) -> int:
        forward = 1 + sum(
            len(layer.nodes) * (1 if layer.activation == "identity" else 2)
            for layer in self.scenario.layers
        )
        count = batch_size * forward
        if not self.scenario.has_targets:
            return count
        outputs = len(self.scenario.layers[-1].nodes)
        per_point = 1 if LOSSES[self.scenario.loss].uses_logs else outputs
        count += batch_size * per_point + 1
        if final:
            return count
        previous = len(self.scenario.inputs)
        for layer in self.scenario.layers:
            nodes = len(layer.nodes)
            trained_bias = nodes if layer.bias is not None and layer.train_bias else 0
            count += batch_size * nodes + 2 * (nodes * previous + trained_bias)
            previous = nodes
        return count

    def __len__(self) -> int:
        return self.total

    def iteration_of(self, index: int) -> tuple[int, int]:
        """(iteration number, offset of the step within it) for a 0-based index."""
        if not 0 <= index < self.total:
            raise IndexError(f"step {index + 1} is outside 1..{self.total}")
        if not self.scenario.has_targets:
            return 1, index
        epochs_done, rest = divmod(index, self._epoch_count)
        if epochs_done >= self.scenario.epochs:
            return self.updates + 1, index - self._epoch_count * self.scenario.epochs
        full_batches = self.batches_per_epoch - 1
        batch, offset = divmod(rest, self._full_count)
        if batch >= full_batches:
            batch, offset = full_batches, rest - full_batches * self._full_count
        return epochs_done * self.batches_per_epoch + batch + 1, offset

    def first_index(self, iteration: int) -> int:
        if not self.scenario.has_targets or iteration == 1:
            return 0
        done = iteration - 1
        epochs_done, batch = divmod(done, self.batches_per_epoch)
        return epochs_done * self._epoch_count + batch * self._full_count

    def epoch_of(self, iteration: int) -> int:
        return self.training.epoch_of(iteration)

    def batch_of(self, iteration: int) -> np.ndarray:
        return self.training.batch(iteration)[0]

    # -- steps --------------------------------------------------------------------

    def __getitem__(self, index: int) -> Step:
        if index < 0:
            index += self.total
        number, offset = self.iteration_of(index)
        return self.iteration(number).steps[offset]

    def __iter__(self) -> Iterator[Step]:
        for number in range(1, self.iterations + 1):
            yield from self.iteration(number).steps

    def params_before(self, iteration: int) -> Params:
        """Weights at the start of an iteration (what-if overrides applied)."""
        return self.training.state_before(iteration).params

    def losses_until(self, iteration: int) -> np.ndarray:
        """Batch loss before each update 1..iteration (for the loss history)."""
        return self.training.losses_until(iteration)

    def iteration(self, number: int) -> Iteration:
        cached = self._cache.get(number)
        if cached is not None:
            self._cache.move_to_end(number)
            return cached
        built = self._build(number)
        self._cache[number] = built
        if len(self._cache) > self.CACHE_ITERATIONS:
            self._cache.popitem(last=False)
        return built

    def _build(self, number: int) -> Iteration:
        update = self.training.run(number)
        errors = None
        if update.targets is not None:
            with np.errstate(all="ignore"):
                errors = update.forward.values[-1] - update.targets
        record = Iteration(
            number=number,
            epoch=self.epoch_of(number),
            final=self.scenario.has_targets and number > self.updates,
            batch=update.batch,
            params=update.before.params,
            forward=update.forward,
            errors=errors,
            point_losses=update.point_losses,
            loss=update.loss,
            backward=update.backward,
            new_params=None if update.after is None else update.after.params,
            first_index=self.first_index(number),
            update=update,
        )
        _StepWriter(self, record).write()
        return record

    # -- places in the lesson --------------------------------------------------------

    def phase_starts(self) -> Iterator[int]:
        """0-based indices where a phase begins, in order (computed lazily)."""
        for number in range(1, self.iterations + 1):
            record = self.iteration(number)
            previous = None
            for step in record.steps:
                if step.phase != previous:
                    yield step.index
                    previous = step.phase

    def phase_start_in(self, number: int, phase: str) -> int | None:
        for step in self.iteration(number).steps:
            if step.phase == phase:
                return step.index
        return None


class _StepWriter:
    """Turns one iteration's numbers into its steps, in lecture order."""

    def __init__(self, trace: Trace, record: Iteration) -> None:
        self.trace = trace
        self.record = record
        self.scenario = trace.scenario
        self.d = trace.decimals

    def f(self, x: float) -> str:
        return fmt(x, self.d)

    def ff(self, x: float) -> str:
        return fmt_factor(x, self.d)

    def add(self, phase: str, kind: str, text: str, reveals=(), **fields: Any) -> None:
        record = self.record
        offset = len(record.steps)
        step = Step(
            index=record.first_index + offset,
            epoch=record.epoch,
            iteration=record.number,
            phase=phase,
            kind=kind,
            text=text,
            final=record.final,
            **fields,
        )
        record.steps.append(step)
        for key in reveals:
            record.revealed_at.setdefault(key, offset)
        if step.point is not None:
            shown = step.point
        else:
            shown = record.shown_point[-1] if record.shown_point else int(record.batch[-1])
        record.shown_point.append(shown)

    def write(self) -> None:
        self.write_forward()
        if self.record.errors is not None:
            self.write_loss()
        if self.record.backward is not None:
            self.write_backward()
            self.write_update()

    # -- forward ---------------------------------------------------------------

    def write_forward(self) -> None:
        scenario, record = self.scenario, self.record
        names = self.trace.layer_nodes
        for row, point in enumerate(record.batch):
            point = int(point)
            values = record.forward.values
            inputs = ", ".join(
                f"{n} = {self.f(v)}" for n, v in zip(names[0], values[0][row], strict=True)
            )
            self.add(
                "forward",
                "input",
                f"point {point + 1}: {inputs}",
                reveals=[("value", point, n) for n in names[0]],
                point=point,
                numbers={"inputs": [clean_zero(v) for v in values[0][row]]},
            )
            for k, layer in enumerate(scenario.layers):
                weights = record.params.weights[k]
                bias = record.params.biases[k]
                for j, node in enumerate(layer.nodes):
                    z = clean_zero(record.forward.pre_activations[k][row, j])
                    value = clean_zero(values[k + 1][row, j])
                    feeding = len(names[k])

                    def term(
                        i,
                        k=k,
                        j=j,
                        row=row,
                        weights=weights,
                        bias=bias,
                        feeding=feeding,
                        values=values,
                    ):
                        if i == feeding:
                            return self.ff(bias[j])
                        return f"{self.ff(values[k][row, i])} × {self.ff(weights[j, i])}"

                    terms = _sum_text(feeding + (bias is not None), term)
                    weighted = f"{terms} = {self.f(z)}"
                    if layer.activation == "identity":
                        self.add(
                            "forward",
                            "node_value",
                            f"{node} = {weighted}",
                            reveals=[("z", point, node), ("value", point, node)],
                            point=point,
                            node=node,
                            numbers={"pre_activation": z, "value": value},
                        )
                        continue
                    self.add(
                        "forward",
                        "weighted_sum",
                        f"z({node}) = {weighted}",
                        reveals=[("z", point, node)],
                        point=point,
                        node=node,
                        numbers={"pre_activation": z},
                    )
                    if ACTIVATIONS[layer.activation].elementwise:
                        formula = f"{layer.activation}({self.f(z)})"
                    else:  # softmax: this node's exp over the sum of the layer's exps
                        sums = record.forward.pre_activations[k][row]
                        below = _sum_text(len(sums), lambda m, s=sums: f"exp({self.ff(s[m])})")
                        formula = f"exp({self.ff(z)}) / ({below})"
                    self.add(
                        "forward",
                        "node_value",
                        f"{node} = {formula} = {self.f(value)}",
                        reveals=[("value", point, node)],
                        point=point,
                        node=node,
                        numbers={"pre_activation": z, "value": value},
                    )

    # -- loss ------------------------------------------------------------------

    def write_loss(self) -> None:
        if LOSSES[self.scenario.loss].uses_logs:
            self.write_log_loss()
        else:
            self.write_squared_loss()

    def write_squared_loss(self) -> None:
        record, scenario = self.record, self.scenario
        outputs = scenario.layers[-1].nodes
        predictions = record.forward.values[-1]
        targets = scenario.targets[record.batch]
        for row, point in enumerate(record.batch):
            point = int(point)
            for j, node in enumerate(outputs):
                error = clean_zero(record.errors[row, j])
                with np.errstate(over="ignore"):
                    squared = clean_zero(np.square(record.errors[row, j]))
                self.add(
                    "loss",
                    "error",
                    f"point {point + 1}, {node}: error = {self.f(predictions[row, j])} − "
                    f"{self.ff(targets[row, j])} = {self.f(error)}; squared error = "
                    f"{self.ff(error)}² = {self.f(squared)}",
                    reveals=[("error", point, node)],
                    point=point,
                    node=node,
                    numbers={
                        "prediction": clean_zero(predictions[row, j]),
                        "target": clean_zero(targets[row, j]),
                        "error": error,
                        "squared_error": squared,
                    },
                )
        squared = record.squared_errors
        total = clean_zero(squared.sum())
        loss = clean_zero(record.loss)
        count = len(record.batch)
        terms = _sum_text(count, lambda i: self.f(squared[i]))
        summed = f"{terms} = {self.f(total)}" if count > 1 else self.f(total)
        text = LOSSES[scenario.loss].batch_text.format(
            total=self.f(total), total_factor=self.ff(total), count=count, loss=self.f(loss)
        )
        self.add(
            "loss",
            "loss",
            f"total squared error = {summed}; {text}",
            reveals=[("loss",)],
            numbers={"points": [int(p) for p in record.batch], "total": total, "loss": loss},
        )

    def write_log_loss(self) -> None:
        """Cross-entropy losses: one step per point (all its outputs), then the mean."""
        record, scenario = self.record, self.scenario
        outputs = scenario.layers[-1].nodes
        predictions = record.forward.values[-1]
        targets = scenario.targets[record.batch]
        binary = LOSSES[scenario.loss].complement
        any_clipped = False
        for row, point in enumerate(record.batch):
            point = int(point)
            p, t = predictions[row], targets[row]
            # the probabilities whose logs are taken, with their weights t (or 1 − t)
            # the logs taken: (weight t or 1 − t, probability, how the lesson names it)
            logs = [(t[j], p[j], f"p({node})") for j, node in enumerate(outputs) if t[j] != 0]
            if binary:
                logs += [
                    (1 - t[j], 1 - p[j], f"(1 − p({node}))")
                    for j, node in enumerate(outputs)
                    if t[j] != 1
                ]

            def weighted(w: float, log: str) -> str:
                return log if w == 1 else f"{self.ff(w)} × {log}"

            named = " + ".join(
                weighted(w, f"log{label}" if label[0] == "(" else f"log {label}")
                for w, _, label in logs
            )
            numbers = " + ".join(weighted(w, f"log({self.f(q)})") for w, q, _ in logs)
            if len(logs) > 1:
                named, numbers = f"({named})", f"({numbers})"
            clipped = [q for _, q, _ in logs if q < LOG_FLOOR]
            any_clipped |= bool(clipped)
            value = clean_zero(record.point_losses[row])
            text = f"point {point + 1}: loss = −{named} = −{numbers} = {self.f(value)}"
            if not logs:
                text = f"point {point + 1}: loss = 0 (every target is 0)"
            if clipped:
                text += f" (log of a probability below {LOG_FLOOR:g} taken at {LOG_FLOOR:g})"
            self.add(
                "loss",
                "point_loss",
                text,
                reveals=[("error", point, node) for node in outputs],
                point=point,
                numbers={
                    "predictions": [clean_zero(v) for v in p],
                    "targets": [clean_zero(v) for v in t],
                    "point_loss": value,
                    "clipped": bool(clipped),
                },
            )
        losses = record.point_losses
        total = clean_zero(losses.sum())
        loss = clean_zero(record.loss)
        count = len(record.batch)
        terms = _sum_text(count, lambda i: self.f(losses[i]))
        name = LOSSES[scenario.loss].title
        summed = f"({terms}) / {count}" if count > 1 else terms
        text = f"{name} = mean of the points' losses = {summed} = {self.f(loss)}"
        if any_clipped:
            text += f" (some logs clipped at {LOG_FLOOR:g})"
        self.add(
            "loss",
            "loss",
            text,
            reveals=[("loss",)],
            variant="log",
            numbers={
                "points": [int(p) for p in record.batch],
                "total": total,
                "loss": loss,
                "clipped": any_clipped,
            },
        )

    # -- backward --------------------------------------------------------------

    def write_backward(self) -> None:
        record, scenario = self.record, self.scenario
        backward = record.backward
        names = self.trace.layer_nodes
        count = len(record.batch)
        last = len(scenario.layers) - 1
        for k in reversed(range(len(scenario.layers))):
            layer = scenario.layers[k]
            for j, node in enumerate(layer.nodes):
                for row, point in enumerate(record.batch):
                    point = int(point)
                    slope = clean_zero(backward.node_slopes[k][row, j])
                    prefix = f"point {point + 1}: " if count > 1 else ""
                    numbers: dict[str, Any] = {"slope": slope}
                    variant = ""
                    at = f"slope({node})"
                    if k == last and backward.paired:
                        variant, at = "paired", f"slope at z({node})"
                        numbers.update(at="sum", paired=backward.paired)
                    elif backward.value_slopes[k] is not None:
                        variant, at = "jacobian", f"slope at z({node})"
                        numbers.update(
                            at="sum",
                            value_slopes=[clean_zero(g) for g in backward.value_slopes[k][row]],
                        )
                    text = f"{prefix}{at} = {self.node_slope_formula(k, j, row)} = {self.f(slope)}"
                    chain = self.chain_factors(k, row)
                    if chain is not None:  # a chain of single nodes: one factor per layer
                        factor, product = chain
                        after = scenario.layers[k + 1].activation
                        text += (
                            f"; factor {after}′(z)·w = {self.f(factor)}, running product "
                            f"from the output = {self.f(product)}"
                        )
                        variant = "chain"
                        numbers.update(factor=clean_zero(factor), running_product=product)
                    self.add(
                        "backward",
                        "node_slope",
                        text,
                        reveals=[("node_slope", point, node)],
                        point=point,
                        node=node,
                        numbers=numbers,
                        variant=variant,
                    )
            for j, node in enumerate(layer.nodes):
                for i, source in enumerate(names[k]):
                    edge = str(Param.weight(source, node))
                    factors = [
                        {
                            "loss_slope": clean_zero(backward.node_slopes[k][row, j]),
                            "node_value": clean_zero(record.forward.values[k][row, i]),
                            "activation_slope": clean_zero(backward.activation_slopes[k][row, j]),
                        }
                        for row in range(count)
                    ]
                    slope = clean_zero(backward.weight_slopes[k][j, i])
                    self.add(
                        "backward",
                        "weight_slope",
                        f"slope({edge}) = {self.product_sum(factors)} = {self.f(slope)}",
                        reveals=[("weight_slope", edge)],
                        weight=edge,
                        node=node,
                        numbers={"slope": slope, "factors": factors},
                    )
            if layer.bias is not None and layer.train_bias:
                for j, node in enumerate(layer.nodes):
                    factors = [
                        {
                            "loss_slope": clean_zero(backward.node_slopes[k][row, j]),
                            "node_value": 1.0,
                            "activation_slope": clean_zero(backward.activation_slopes[k][row, j]),
                        }
                        for row in range(count)
                    ]
                    slope = clean_zero(backward.bias_slopes[k][j])
                    bias = str(Param.bias(node))
                    self.add(
                        "backward",
                        "bias_slope",
                        f"slope({bias}) = {self.product_sum(factors)} = {self.f(slope)}",
                        reveals=[("bias_slope", node)],
                        bias=bias,
                        node=node,
                        numbers={"slope": slope, "factors": factors},
                    )

    def chain_factors(self, k: int, row: int) -> tuple[float, float] | None:
        """For a hidden layer of one node in a chain of one-node layers up to the output:
        (this layer's factor activation′(z)·w of the layer after, the product of the
        factors from the output down to here), so a lesson can show slopes vanish."""
        layers = self.scenario.layers
        if k == len(layers) - 1 or any(len(layer.nodes) != 1 for layer in layers[k:]):
            return None
        backward, weights = self.record.backward, self.record.params.weights
        product = 1.0
        for m in range(len(layers) - 1, k, -1):  # from the output down
            factor = float(weights[m][0, 0] * backward.activation_slopes[m][row, 0])
            product *= factor
        return factor, clean_zero(product)

    def node_slope_formula(self, k: int, j: int, row: int) -> str:
        record, scenario = self.record, self.scenario
        backward = record.backward
        count = len(record.batch)
        if k == len(scenario.layers) - 1:
            p = record.forward.values[-1][row]
            t = scenario.targets[record.batch][row]
            if backward.paired:
                shown = f"({self.f(p[j])} − {self.ff(t[j])})"
                return f"(p − t) / {count} = {shown} / {count}" if count > 1 else f"p − t = {shown}"
            if backward.value_slopes[k] is not None:  # softmax through its Jacobian
                g = backward.value_slopes[k][row]
                return "Σ_i slope(p_i) × p_i × (δ − p_k) = " + _sum_text(
                    len(p),
                    lambda i: (
                        f"{self.ff(g[i])} × {self.ff(p[i])} × ({int(i == j)} − {self.f(p[j])})"
                    ),
                )
            if LOSSES[scenario.loss].uses_logs:
                scale = f" / {count}" if count > 1 else ""
                return f"{LOSSES[scenario.loss].slope_formula}{scale} at p = {self.f(p[j])}, " + (
                    f"t = {self.ff(t[j])}"
                )
            error = record.errors[row, j]
            loss = LOSSES[scenario.loss]
            return (loss.slope_text if count > 1 else loss.slope_text_one).format(
                error=self.f(error), error_factor=self.ff(error), count=count
            )
        weights = record.params.weights[k + 1]
        return _sum_text(
            weights.shape[0],
            lambda m: (
                f"{self.ff(weights[m, j])} × {self.ff(backward.node_slopes[k + 1][row, m])}"
                f" × {self.ff(backward.activation_slopes[k + 1][row, m])}"
            ),
        )

    def product_sum(self, factors: list[dict[str, float]]) -> str:
        return _sum_text(
            len(factors),
            lambda i: (
                f"{self.ff(factors[i]['loss_slope'])} × {self.ff(factors[i]['node_value'])}"
                f" × {self.ff(factors[i]['activation_slope'])}"
            ),
        )

    # -- update ----------------------------------------------------------------

    def write_update(self) -> None:
        record, scenario = self.record, self.scenario
        update = record.update
        rate = update.learning_rate
        names = self.trace.layer_nodes
        for k, layer in enumerate(scenario.layers):
            for j, node in enumerate(layer.nodes):
                for i, source in enumerate(names[k]):
                    edge = str(Param.weight(source, node))
                    self.add_update("weight_update", edge, (k, j, i), rate, weight=edge, node=node)
            if layer.bias is not None and layer.train_bias:
                for j, node in enumerate(layer.nodes):
                    bias = str(Param.bias(node))
                    self.add_update("bias_update", bias, (k, j, None), rate, bias=bias, node=node)

    def add_update(self, kind: str, name: str, position: Position, rate: float, **fields) -> None:
        training, update = self.trace.training, self.record.update
        before, after = update.before, update.after
        old = clean_zero(before.params.value(position))
        slope = clean_zero(training.network.slope(update.backward, position))
        new = clean_zero(after.params.value(position))
        numbers: dict[str, Any] = {"old": old, "slope": slope, "learning_rate": rate, "new": new}
        optimizer, settings = training.optimizer, training.settings
        f, ff = self.f, self.ff
        if optimizer.name == "sgd":
            numbers["optimizer"] = {"name": "sgd"}  # no state: the slope alone sets the step
            text = f"{name}: {f(old)} − {ff(rate)} × {ff(slope)} = {f(new)}"
        else:
            state = {
                key: v if key == "t" else clean_zero(v)
                for key, v in optimizer.shown(
                    after.slot_values(position), after.updates_done, settings
                ).items()
            }
            earlier = {key: clean_zero(v) for key, v in before.slot_values(position).items()}
            numbers["optimizer"] = {
                "name": optimizer.name,
                **settings,
                **{f"{key}_before": v for key, v in earlier.items()},
                **state,
            }
            if optimizer.name == "momentum":
                v = state["velocity"]
                text = (
                    f"{name}: velocity = {ff(settings['momentum'])} × {ff(earlier['velocity'])} − "
                    f"{ff(rate)} × {ff(slope)} = {f(v)}; new = {f(old)} + {ff(v)} = {f(new)}"
                )
            else:
                b1, b2, t = settings["beta_1"], settings["beta_2"], state["t"]
                text = (
                    f"{name}: t = {t}; m = {ff(b1)} × {ff(earlier['m'])} + {ff(1 - b1)} × "
                    f"{ff(slope)} = {f(state['m'])}; v = {ff(b2)} × {ff(earlier['v'])} + "
                    f"{ff(1 - b2)} × {ff(slope)}² = {f(state['v'])}; m̂ = {ff(state['m'])} / "
                    f"(1 − {ff(b1)}^{t}) = {f(state['m_hat'])}; v̂ = {ff(state['v'])} / "
                    f"(1 − {ff(b2)}^{t}) = {f(state['v_hat'])}; new = {f(old)} − {ff(rate)} × "
                    f"{ff(state['m_hat'])} / (√{ff(state['v_hat'])} + {settings['epsilon']:g}) "
                    f"= {f(new)}"
                )
        key = "weight" if kind == "weight_update" else "bias"
        element = fields[key] if key == "weight" else fields["node"]
        self.add(
            "update",
            kind,
            text,
            reveals=[(f"new_{key}", element)],
            numbers=numbers,
            variant="" if optimizer.name == "sgd" else optimizer.name,
            **fields,
        )


def _sum_text(count: int, term: Callable[[int], str]) -> str:
    """t0 + t1 + ... ; past MAX_TERMS terms, the first few, "…", and the last.

    Only the terms shown are formatted: a 16-term sum costs 6 terms' work.
    """
    shown = range(count) if count <= MAX_TERMS else [*range(MAX_TERMS - 1), None, count - 1]
    return " + ".join("…" if i is None else term(i) for i in shown)
