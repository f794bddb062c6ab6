"""The lesson as numbered steps: a pure, lazily built function of the scenario.

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

from tui_backprop.engine import Backward, Forward, Network, Params, batches
from tui_backprop.numbers import DEFAULT_DECIMALS, clean_zero, fmt, fmt_factor
from tui_backprop.scenario import Scenario

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

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def words(self) -> str:
        return WORDS[self.kind]

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
    """One weight update's worth of lesson: numbers from the engine, then its steps."""

    number: int  # 1-based; the final pass is number = updates + 1
    epoch: int
    final: bool
    batch: np.ndarray  # indices of the points in this batch
    params: Params  # weights before this iteration's update
    forward: Forward
    errors: np.ndarray | None  # (batch points, outputs)
    squared_errors: np.ndarray | None  # (batch points,)
    loss: float | None
    backward: Backward | None
    new_params: Params | None
    first_index: int
    steps: list[Step] = field(default_factory=list)
    # when (offset within the iteration) each element is revealed, for the app
    revealed_at: dict[tuple, int] = field(default_factory=dict)
    shown_point: list[int] = field(default_factory=list)


class Trace:
    """The ordered steps of a scenario's lesson; index with trace[i] (0-based)."""

    CACHE_ITERATIONS = 8

    def __init__(self, scenario: Scenario, decimals: int = DEFAULT_DECIMALS) -> None:
        self.scenario = scenario
        self.decimals = decimals
        self.network, self.initial_params = Network.from_scenario(scenario)
        self.updates = scenario.iterations
        self.iterations = self.updates + 1 if scenario.has_targets else 1
        self.layer_nodes = scenario.layer_nodes
        self._batches_per_epoch = scenario.batches_per_epoch if scenario.has_targets else 1
        self._epoch_data: tuple[int, list] = (0, [])  # one epoch's batches, sliced once
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
        # sparse checkpoints of the weights at the start of iterations (flat memory)
        self._checkpoint_every = max(32, -(-self.updates // 256))
        self._checkpoints: dict[int, Params] = {1: self.initial_params}
        self._losses = np.full(max(self.updates, 1), np.nan)
        self._losses_known = 0  # losses of iterations 1.._losses_known are filled in
        self._cache: OrderedDict[int, Iteration] = OrderedDict()
        # what-if: from iteration `_rate_from` on, the learning rate is `_rate`
        self._rate_from, self._rate = 1, scenario.learning_rate
        self.departures: list[str] = []  # how this run departs from the file, for the header

    # -- what-if: depart from the file's values --------------------------------------

    def learning_rate(self, iteration: int) -> float:
        return self._rate if iteration >= self._rate_from else self.scenario.learning_rate

    def _forget_from(self, iteration: int) -> None:
        """Drop everything computed for this iteration and after."""
        self._checkpoints = {k: p for k, p in self._checkpoints.items() if k <= iteration}
        self._cache = OrderedDict((k, v) for k, v in self._cache.items() if k < iteration)
        self._losses_known = min(self._losses_known, iteration - 1)
        self._losses[iteration - 1 :] = np.nan

    def set_weight(self, iteration: int, name: str, value: float) -> None:
        """Recompute from the start of `iteration` with one weight or bias changed."""
        params = self.params_before(iteration).copy()
        layer, row, col = self.position(name)
        if col is None:
            params.biases[layer][row] = value
        else:
            params.weights[layer][row, col] = value
        self._forget_from(iteration)
        self._checkpoints[iteration] = params
        self.departures.append(f"{name} = {fmt(value, self.decimals)} (iteration {iteration})")

    def set_learning_rate(self, iteration: int, rate: float) -> None:
        """From the start of `iteration` on, train with another learning rate."""
        start = self.params_before(iteration)
        if self._rate_from < iteration and self._rate != self.scenario.learning_rate:
            raise ValueError("the learning rate was already changed in an earlier iteration")
        self._rate_from, self._rate = iteration, rate
        self._forget_from(iteration)
        self._checkpoints[iteration] = start
        self.departures.append(f"learning rate {fmt(rate, 6)} (iteration {iteration})")

    def set_decimals(self, decimals: int) -> None:
        """Formulas are rebuilt with more or fewer decimals; the numbers do not change."""
        self.decimals = decimals
        self._cache.clear()

    def position(self, name: str) -> tuple[int, int, int | None]:
        """(layer, row, col) of a weight FROM->TO, or (layer, row, None) for bias:NODE."""
        layers = self.layer_nodes
        if name.startswith("bias:"):
            node = name[5:]
            for k, names in enumerate(layers[1:]):
                if node in names and self.scenario.layers[k].bias is not None:
                    return k, names.index(node), None
            raise KeyError(name)
        source, _, target = name.partition("->")
        for k in range(1, len(layers)):
            if target in layers[k] and source in layers[k - 1]:
                return k - 1, layers[k].index(target), layers[k - 1].index(source)
        raise KeyError(name)

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
        count += batch_size * outputs + 1
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
        if not self.scenario.has_targets:
            return 1
        if iteration > self.updates:
            return self.scenario.epochs
        return (iteration - 1) // self.batches_per_epoch + 1

    def batch_of(self, iteration: int) -> np.ndarray:
        if not self.scenario.has_targets or iteration > self.updates:
            return np.arange(self.scenario.points)
        return self._batch_data(iteration)[0]

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
        """Weights at the start of an iteration, replayed from the nearest checkpoint."""
        if iteration not in self._checkpoints:
            previous = self._cache.get(iteration - 1)
            if previous is not None and previous.new_params is not None:
                return previous.new_params  # stepping in order: no replay
        start = max(k for k in self._checkpoints if k <= iteration)
        params = self._checkpoints[start]
        network, losses, every = self.network, self._losses, self._checkpoint_every
        with np.errstate(all="ignore"):
            for number in range(start, iteration):
                _, inputs, targets = self._batch_data(number)
                forward = network.forward(params, inputs)
                backward = network.backward(params, forward, targets)
                errors = forward.values[-1] - targets
                losses[number - 1] = network.reduce((errors * errors).sum(axis=-1))
                params = network.update(params, backward, self.learning_rate(number))
                if (number + 1) % every == 0:
                    self._checkpoints[number + 1] = params
        self._losses_known = max(self._losses_known, iteration - 1)
        return params

    def _batch_data(self, iteration: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point indices, inputs, targets) of an iteration's batch; sliced once an epoch."""
        epoch = (iteration - 1) // self._batches_per_epoch + 1 if self.scenario.shuffle else 1
        if self._epoch_data[0] != epoch:  # unshuffled, every epoch is the same
            scenario = self.scenario
            self._epoch_data = (
                epoch,
                [
                    (batch, scenario.data_inputs[batch], scenario.targets[batch])
                    for batch in batches(scenario, epoch)
                ],
            )
        return self._epoch_data[1][(iteration - 1) % self._batches_per_epoch]

    def walk_params(self, params: Params, first: int, last: int) -> Iterator[Params]:
        """From the weights at the start of `first`: those at the start of first + 1 ..
        last, one update at a time (for plotting a path; what-if changes are honoured)."""
        for number in range(first, last):
            checkpoint = self._checkpoints.get(number + 1)
            if checkpoint is not None:
                params = checkpoint
            else:
                batch = self.batch_of(number)
                inputs, targets = self.scenario.data_inputs[batch], self.scenario.targets[batch]
                with np.errstate(all="ignore"):
                    params = self.network.train_step(
                        params, inputs, targets, self.learning_rate(number)
                    )
            yield params

    def losses_until(self, iteration: int) -> np.ndarray:
        """Batch loss before each update 1..iteration (for the loss history)."""
        last = min(iteration, self.updates)
        if last > self._losses_known:
            self.params_before(last + 1)
        return self._losses[:last].copy()

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
        scenario, network = self.scenario, self.network
        final = scenario.has_targets and number > self.updates
        batch = self.batch_of(number)
        params = self.params_before(number)
        inputs = scenario.data_inputs[batch]
        with np.errstate(all="ignore"):
            forward = network.forward(params, inputs)
            errors = squared = loss = backward = new_params = None
            if scenario.has_targets:
                targets = scenario.targets[batch]
                errors = forward.values[-1] - targets
                squared = network.squared_errors(forward.values[-1], targets)
                loss = float(network.reduce(squared))
                if not final:
                    self._losses[number - 1] = loss
                    self._losses_known = max(self._losses_known, number)
                    backward = network.backward(params, forward, targets)
                    new_params = network.update(params, backward, self.learning_rate(number))
        record = Iteration(
            number=number,
            epoch=self.epoch_of(number),
            final=final,
            batch=batch,
            params=params,
            forward=forward,
            errors=errors,
            squared_errors=squared,
            loss=loss,
            backward=backward,
            new_params=new_params,
            first_index=self.first_index(number),
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
                    self.add(
                        "forward",
                        "node_value",
                        f"{node} = {layer.activation}({self.f(z)}) = {self.f(value)}",
                        reveals=[("value", point, node)],
                        point=point,
                        node=node,
                        numbers={"pre_activation": z, "value": value},
                    )

    # -- loss ------------------------------------------------------------------

    def write_loss(self) -> None:
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
        if scenario.loss == "mse":
            text = f"mean squared error = {self.f(total)} / {count} = {self.f(loss)}"
        elif scenario.loss == "half_sse":
            text = f"loss = 0.5 × {self.ff(total)} = {self.f(loss)}"
        else:
            text = f"loss = total squared error = {self.f(loss)}"
        self.add(
            "loss",
            "loss",
            f"total squared error = {summed}; {text}",
            reveals=[("loss",)],
            numbers={"points": [int(p) for p in record.batch], "total": total, "loss": loss},
        )

    # -- backward --------------------------------------------------------------

    def write_backward(self) -> None:
        record, scenario = self.record, self.scenario
        backward = record.backward
        names = self.trace.layer_nodes
        count = len(record.batch)
        for k in reversed(range(len(scenario.layers))):
            layer = scenario.layers[k]
            for j, node in enumerate(layer.nodes):
                for row, point in enumerate(record.batch):
                    point = int(point)
                    slope = clean_zero(backward.node_slopes[k][row, j])
                    prefix = f"point {point + 1}: " if count > 1 else ""
                    self.add(
                        "backward",
                        "node_slope",
                        f"{prefix}slope({node}) = {self.node_slope_formula(k, j, row)} "
                        f"= {self.f(slope)}",
                        reveals=[("node_slope", point, node)],
                        point=point,
                        node=node,
                        numbers={"slope": slope},
                    )
            for j, node in enumerate(layer.nodes):
                for i, source in enumerate(names[k]):
                    edge = f"{source}->{node}"
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
                    self.add(
                        "backward",
                        "bias_slope",
                        f"slope(bias:{node}) = {self.product_sum(factors)} = {self.f(slope)}",
                        reveals=[("bias_slope", node)],
                        bias=f"bias:{node}",
                        node=node,
                        numbers={"slope": slope, "factors": factors},
                    )

    def node_slope_formula(self, k: int, j: int, row: int) -> str:
        record, scenario = self.record, self.scenario
        if k == len(scenario.layers) - 1:
            error = record.errors[row, j]
            count = len(record.batch)
            if scenario.loss == "mse" and count > 1:
                return f"2 × error / {count} = 2 × {self.ff(error)} / {count}"
            if scenario.loss == "half_sse":
                return f"error = {self.f(error)}"
            return f"2 × error = 2 × {self.ff(error)}"
        backward = record.backward
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
        rate = self.trace.learning_rate(record.number)
        names = self.trace.layer_nodes
        for k, layer in enumerate(scenario.layers):
            old_w, new_w = record.params.weights[k], record.new_params.weights[k]
            slopes = record.backward.weight_slopes[k]
            for j, node in enumerate(layer.nodes):
                for i, source in enumerate(names[k]):
                    edge = f"{source}->{node}"
                    self.add_update(
                        "weight_update",
                        edge,
                        old_w[j, i],
                        slopes[j, i],
                        new_w[j, i],
                        rate,
                        weight=edge,
                        node=node,
                    )
            if layer.bias is not None and layer.train_bias:
                old_b, new_b = record.params.biases[k], record.new_params.biases[k]
                for j, node in enumerate(layer.nodes):
                    self.add_update(
                        "bias_update",
                        f"bias:{node}",
                        old_b[j],
                        record.backward.bias_slopes[k][j],
                        new_b[j],
                        rate,
                        bias=f"bias:{node}",
                        node=node,
                    )

    def add_update(self, kind, name, old, slope, new, rate, **fields) -> None:
        old, slope, new = clean_zero(old), clean_zero(slope), clean_zero(new)
        key = "weight" if kind == "weight_update" else "bias"
        element = fields[key] if key == "weight" else fields["node"]
        self.add(
            "update",
            kind,
            f"{name}: {self.f(old)} − {self.ff(rate)} × {self.ff(slope)} = {self.f(new)}",
            reveals=[(f"new_{key}", element)],
            numbers={"old": old, "slope": slope, "learning_rate": rate, "new": new},
            **fields,
        )


def _sum_text(count: int, term: Callable[[int], str]) -> str:
    """t0 + t1 + ... ; past MAX_TERMS terms, the first few, "…", and the last.

    Only the terms shown are formatted: a 16-term sum costs 6 terms' work.
    """
    shown = range(count) if count <= MAX_TERMS else [*range(MAX_TERMS - 1), None, count - 1]
    return " + ".join("…" if i is None else term(i) for i in shown)
