"""The maths, and nothing else: forward values, loss, slopes, updates (NumPy).

Shapes: values per layer are (points, nodes); weights are (nodes, nodes of the layer
before), one row per receiving node, as scenario files write them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tui_backprop.scenario import Scenario

Array = np.ndarray


def _sigmoid(z: Array) -> Array:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function, without exp overflow


ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    # name: (activation(z), slope of the activation at z)
    "identity": (lambda z: z + 0.0, lambda z: np.ones_like(z)),
    "relu": (lambda z: np.maximum(z, 0.0) + 0.0, lambda z: (z > 0).astype(float)),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
}


@dataclass(frozen=True)
class Params:
    """The trainable numbers: one weight matrix and (maybe) one bias vector per layer."""

    weights: tuple[Array, ...]
    biases: tuple[Array | None, ...]

    def copy(self) -> Params:
        return Params(
            tuple(w.copy() for w in self.weights),
            tuple(None if b is None else b.copy() for b in self.biases),
        )

    def value(self, position: tuple[int, int, int | None]) -> float:
        """The weight at (layer, row, col), or with col None the bias at (layer, row)."""
        layer, row, col = position
        return float(self.biases[layer][row] if col is None else self.weights[layer][row, col])


@dataclass(frozen=True)
class Forward:
    """Values of one forward pass. values[0] is the input; values[k] is layer k's output."""

    pre_activations: list[Array]  # per layer k >= 1, index k - 1
    values: list[Array]


@dataclass(frozen=True)
class Backward:
    """Slopes of the batch loss, all from the same (pre-update) weights."""

    node_slopes: list[Array]  # per layer: slope of loss w.r.t. each node's value, per point
    activation_slopes: list[Array]  # per layer: slope of the activation at each node, per point
    weight_slopes: list[Array]  # per layer: like the weights
    bias_slopes: list[Array | None]  # per layer with a bias: one per node


class Network:
    """A network's fixed structure (activations, loss); the weights come in as Params."""

    def __init__(self, activations: Sequence[str], loss: str, train_bias: Sequence[bool]):
        self.activations = list(activations)
        self.loss_name = loss
        self.train_bias = list(train_bias)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> tuple[Network, Params]:
        network = cls(
            [layer.activation for layer in scenario.layers],
            scenario.loss,
            [layer.train_bias for layer in scenario.layers],
        )
        params = Params(
            tuple(layer.weights.astype(float) for layer in scenario.layers),
            tuple(
                None if layer.bias is None else layer.bias.astype(float)
                for layer in scenario.layers
            ),
        )
        return network, params

    # -- forward --------------------------------------------------------------

    def forward(self, params: Params, inputs: Array) -> Forward:
        values = [np.asarray(inputs, dtype=float)]
        pre_activations = []
        for weights, bias, name in zip(
            params.weights, params.biases, self.activations, strict=True
        ):
            z = values[-1] @ weights.T
            if bias is not None:
                z = z + bias
            pre_activations.append(z)
            values.append(ACTIVATIONS[name][0](z))
        return Forward(pre_activations, values)

    # -- loss -----------------------------------------------------------------

    def squared_errors(self, predictions: Array, targets: Array) -> Array:
        """Per point: sum over output nodes of (prediction - target)^2."""
        return ((predictions - targets) ** 2).sum(axis=-1)

    def reduce(self, squared_errors: Array) -> Array:
        """Batch loss from per-point squared errors (last axis = points)."""
        total = squared_errors.sum(axis=-1)
        if self.loss_name == "mse":
            return total / squared_errors.shape[-1]
        if self.loss_name == "half_sse":
            return 0.5 * total
        return total

    def loss_slope_scale(self, points: int) -> float:
        """Slope of the batch loss w.r.t. a prediction = scale * error."""
        return {"mse": 2.0 / points, "sse": 2.0, "half_sse": 1.0}[self.loss_name]

    def loss(self, params: Params, inputs: Array, targets: Array) -> float:
        predictions = self.forward(params, inputs).values[-1]
        return float(self.reduce(self.squared_errors(predictions, targets)))

    # -- backward -------------------------------------------------------------

    def backward(self, params: Params, forward: Forward, targets: Array) -> Backward:
        predictions = forward.values[-1]
        points = predictions.shape[0]
        node_slope = self.loss_slope_scale(points) * (predictions - targets)
        layers = len(params.weights)
        node_slopes: list[Array] = [np.empty(0)] * layers
        activation_slopes: list[Array] = [np.empty(0)] * layers
        weight_slopes: list[Array] = [np.empty(0)] * layers
        bias_slopes: list[Array | None] = [None] * layers
        for k in reversed(range(layers)):
            activation_slope = ACTIVATIONS[self.activations[k]][1](forward.pre_activations[k])
            feeding_values = forward.values[k]
            # slope of a weight = slope of loss w.r.t. the node fed into
            #                     x value of the node feeding the weight
            #                     x slope of the activation at the node fed into,
            # summed over the batch's points:
            delta = node_slope * activation_slope
            weight_slopes[k] = delta.T @ feeding_values
            if params.biases[k] is not None:  # a bias: a weight fed by a constant 1
                bias_slopes[k] = delta.sum(axis=0)
            node_slopes[k] = node_slope
            activation_slopes[k] = activation_slope
            # a node's slope is the sum over the weights leaving it
            node_slope = delta @ params.weights[k]
        return Backward(node_slopes, activation_slopes, weight_slopes, bias_slopes)

    def update(self, params: Params, backward: Backward, learning_rate: float) -> Params:
        """new = old - learning_rate * slope, for every weight and trained bias."""
        weights = tuple(
            w - learning_rate * s
            for w, s in zip(params.weights, backward.weight_slopes, strict=True)
        )
        biases = tuple(
            None if b is None else (b - learning_rate * s if train else b)
            for b, s, train in zip(
                params.biases, backward.bias_slopes, self.train_bias, strict=True
            )
        )
        return Params(weights, biases)

    def train_step(self, params: Params, inputs: Array, targets: Array, lr: float) -> Params:
        forward = self.forward(params, inputs)
        return self.update(params, self.backward(params, forward, targets), lr)

    # -- the loss as a function of chosen weights (plots, gradient check) ---------

    def loss_at(
        self,
        params: Params,
        inputs: Array,
        targets: Array,
        positions: Sequence[tuple[int, int, int | None]],
        values: Array,
    ) -> Array:
        """Batch loss with the weights at `positions` (layer, row, col) set to `values`.

        values has shape (..., len(positions)); the result has shape (...): one
        vectorised forward pass for a whole grid of weight settings. col = None
        chooses the bias of node `row` (a weight whose feeding value is always 1),
        as Trace.position names it.
        """
        values = np.asarray(values, dtype=float)
        grid_shape = values.shape[:-1]
        flat = values.reshape(-1, len(positions))
        count = flat.shape[0]
        # the last column given for a position wins, as if set one after another
        chosen = {tuple(p): column for column, p in enumerate(positions)}
        # layers before the first chosen weight are the same for every setting: one
        # pass; from there on, one row of values per setting (axis 0)
        activations = np.asarray(inputs, float)
        for k, (weights, bias, name) in enumerate(
            zip(params.weights, params.biases, self.activations, strict=True)
        ):
            z = activations @ weights.T
            if bias is not None:
                z = z + bias
            here = [
                (row, col, column) for (layer, row, col), column in chosen.items() if layer == k
            ]
            if here:
                if z.ndim == 2:
                    z = np.broadcast_to(z, (count, *z.shape))
                    activations = np.broadcast_to(activations, (count, *activations.shape))
                z = z.copy()
                for row, col, column in here:
                    # changing one weight by d changes its node's weighted sum by
                    # d x the value feeding it (1 for a bias)
                    old = bias[row] if col is None else weights[row, col]
                    change = flat[:, column] - old
                    feeding = 1.0 if col is None else activations[:, :, col]
                    z[:, :, row] += change[:, None] * feeding
            activations = ACTIVATIONS[name][0](z)
        if activations.ndim == 2:  # no position at all: the same loss for every setting
            activations = np.broadcast_to(activations, (count, *activations.shape))
        losses = self.reduce(self.squared_errors(activations, targets[None]))
        return losses.reshape(grid_shape)


def batch_order(points: int, epoch: int, shuffle: bool, seed: int) -> Array:
    """Order of the points in an epoch (1-based epoch); the same every run."""
    if not shuffle:
        return np.arange(points)
    return np.random.default_rng([seed, epoch]).permutation(points)


def batches(scenario: Scenario, epoch: int) -> list[Array]:
    order = batch_order(scenario.points, epoch, scenario.shuffle, scenario.seed)
    size = scenario.batch_size
    return [order[i : i + size] for i in range(0, scenario.points, size)]


def train(scenario: Scenario, iterations: int | None = None) -> Params:
    """The plain training loop: `iterations` updates (default: the whole run)."""
    network, params = Network.from_scenario(scenario)
    total = scenario.iterations if iterations is None else iterations
    done = 0
    epoch = 0
    while done < total:
        epoch += 1
        for batch in batches(scenario, epoch):
            if done == total:
                break
            params = network.train_step(
                params,
                scenario.data_inputs[batch],
                scenario.targets[batch],
                scenario.learning_rate,
            )
            done += 1
    return params
