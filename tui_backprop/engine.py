"""The maths, and nothing else: forward values, loss, slopes (NumPy).

Shapes: values per layer are (points, nodes); weights are (nodes, nodes of the layer
before), one row per receiving node, as scenario files write them. The training loop
that strings these together is in training.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tui_backprop.functions import ACTIVATIONS, LOSSES, PAIRED, Activation, Loss
from tui_backprop.scenario import Position, Scenario

Array = np.ndarray


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

    def value(self, position: Position) -> float:
        """The weight at (layer, row, col), or with col None the bias at (layer, row)."""
        layer, row, col = position
        return float(self.biases[layer][row] if col is None else self.weights[layer][row, col])

    def with_value(self, position: Position, value: float) -> Params:
        """A copy with one weight or bias set."""
        changed = self.copy()
        layer, row, col = position
        if col is None:
            changed.biases[layer][row] = value
        else:
            changed.weights[layer][row, col] = value
        return changed


@dataclass(frozen=True)
class Forward:
    """Values of one forward pass. values[0] is the input; values[k] is layer k's output."""

    pre_activations: list[Array]  # per layer k >= 1, index k - 1
    values: list[Array]


@dataclass(frozen=True)
class Backward:
    """Slopes of the batch loss, all from the same (pre-update) weights.

    For an elementwise activation, node_slopes are slopes w.r.t. the nodes' values and
    activation_slopes the activation's slope at each node. For a softmax layer, or an
    output whose activation pairs with the loss (softmax with cross-entropy, sigmoid
    with binary cross-entropy), node_slopes are the slopes at the nodes' sums and
    activation_slopes are 1, so that loss_slope × node_value × activation_slope still
    gives a weight's slope; value_slopes then keeps the slopes at the values (softmax
    only) and `paired` the lesson's words for the combined term.
    """

    node_slopes: list[Array]
    activation_slopes: list[Array]
    weight_slopes: list[Array]
    bias_slopes: list[Array | None]
    value_slopes: list[Array | None]
    paired: str | None = None


class Network:
    """A network's fixed structure (activations, loss); the weights come in as Params."""

    def __init__(self, activations: Sequence[str], loss: str, train_bias: Sequence[bool]):
        self.activations: list[Activation] = [ACTIVATIONS[name] for name in activations]
        self.loss_function: Loss = LOSSES[loss]
        self.train_bias = list(train_bias)

    @property
    def loss_name(self) -> str:
        return self.loss_function.name

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

    @property
    def paired(self) -> bool:
        """True if the output activation's slopes fold into the loss's (p − t)."""
        return self.loss_function.partner == self.activations[-1].name

    # -- forward --------------------------------------------------------------

    def forward(self, params: Params, inputs: Array) -> Forward:
        values = [np.asarray(inputs, dtype=float)]
        pre_activations = []
        for weights, bias, activation in zip(
            params.weights, params.biases, self.activations, strict=True
        ):
            z = values[-1] @ weights.T
            if bias is not None:
                z = z + bias
            pre_activations.append(z)
            values.append(activation.function(z))
        return Forward(pre_activations, values)

    # -- loss -----------------------------------------------------------------

    def point_losses(self, predictions: Array, targets: Array) -> Array:
        """Per point: the loss of that point alone (squared error summed over outputs)."""
        return self.loss_function.point_loss(predictions, targets)

    def squared_errors(self, predictions: Array, targets: Array) -> Array:
        return self.point_losses(predictions, targets)

    def reduce(self, point_losses: Array) -> Array:
        """Batch loss from per-point losses (last axis = points)."""
        return self.loss_function.reduce(point_losses)

    def loss(self, params: Params, inputs: Array, targets: Array) -> float:
        predictions = self.forward(params, inputs).values[-1]
        return float(self.reduce(self.point_losses(predictions, targets)))

    # -- backward -------------------------------------------------------------

    def backward(self, params: Params, forward: Forward, targets: Array) -> Backward:
        predictions = forward.values[-1]
        points = predictions.shape[0]
        layers = len(params.weights)
        node_slopes: list[Array] = [np.empty(0)] * layers
        activation_slopes: list[Array] = [np.empty(0)] * layers
        weight_slopes: list[Array] = [np.empty(0)] * layers
        bias_slopes: list[Array | None] = [None] * layers
        value_slopes: list[Array | None] = [None] * layers
        paired = None
        node_slope = self.loss_function.slope(predictions, targets)
        for k in reversed(range(layers)):
            activation = self.activations[k]
            z = forward.pre_activations[k]
            if k == layers - 1 and self.paired:
                # d loss / d sum = scale × (p − t): the activation's slope cancels the log's
                delta = self.loss_function.scale(points) * (predictions - targets)
                paired = PAIRED.format(activation=activation.name, loss=self.loss_function.title)
                node_slopes[k], activation_slopes[k] = delta, np.ones_like(z)
            elif activation.elementwise:
                activation_slopes[k] = activation.slope(z)
                node_slopes[k] = node_slope
                delta = node_slope * activation_slopes[k]
            else:  # softmax: the full Jacobian, summed over the layer's nodes
                delta = activation.chain(z, forward.values[k + 1], node_slope)
                value_slopes[k] = node_slope
                node_slopes[k], activation_slopes[k] = delta, np.ones_like(z)
            # slope of a weight = slope of loss w.r.t. the node fed into
            #                     x value of the node feeding the weight
            #                     x slope of the activation at the node fed into,
            # summed over the batch's points (delta is the first and last together):
            weight_slopes[k] = delta.T @ forward.values[k]
            if params.biases[k] is not None:  # a bias: a weight fed by a constant 1
                bias_slopes[k] = delta.sum(axis=0)
            # a node's slope is the sum over the weights leaving it
            node_slope = delta @ params.weights[k]
        return Backward(
            node_slopes, activation_slopes, weight_slopes, bias_slopes, value_slopes, paired
        )

    def slope(self, backward: Backward, position: Position) -> float:
        layer, row, col = position
        if col is None:
            return float(backward.bias_slopes[layer][row])
        return float(backward.weight_slopes[layer][row, col])

    # -- the loss as a function of chosen weights (plots, gradient check) ---------

    def loss_at(
        self,
        params: Params,
        inputs: Array,
        targets: Array,
        positions: Sequence[Position],
        values: Array,
    ) -> Array:
        """Batch loss with the weights at `positions` (layer, row, col) set to `values`.

        values has shape (..., len(positions)); the result has shape (...): one
        vectorised forward pass for a whole grid of weight settings. col = None
        chooses the bias of node `row` (a weight whose feeding value is always 1).
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
        for k, (weights, bias, activation) in enumerate(
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
            activations = activation.function(z)
        if activations.ndim == 2:  # no position at all: the same loss for every setting
            activations = np.broadcast_to(activations, (count, *activations.shape))
        losses = self.reduce(self.point_losses(activations, targets[None]))
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
    """The weights after `iterations` updates (default: the whole run)."""
    from tui_backprop.training import Training  # training builds on this module

    total = scenario.iterations if iterations is None else iterations
    return Training(scenario).state_before(total + 1).params
