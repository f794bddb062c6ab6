"""The activations and the losses: each one object in one table.

An activation carries its function, its slope and the text the lesson shows; a loss
carries its value per point, how a batch's points are combined, its slope w.r.t. the
predictions and the text the lesson shows. Adding one means adding an entry here (and
its tests); the scenario reader, the engine, the trace and the handout all read these
tables.

Shapes: z and values are (..., points, nodes); a loss's points are the second-to-last
axis of its predictions and the last axis of its per-point losses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

LOG_FLOOR = 1e-12  # logs of numbers below this (0 included) are taken at this number


def _sigmoid(z: Array) -> Array:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function, without exp overflow


def _softmax(z: Array) -> Array:
    shifted = z - z.max(axis=-1, keepdims=True)  # exp of at most 0: no overflow
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Activation:
    """f(z) per node; `slope` is f'(z) for functions of one node's sum only.

    softmax depends on all the layer's sums: it has no per-node slope (`slope` is None)
    and its slopes go through the full Jacobian, dp_j/dz_k = p_j (δ_jk − p_k).
    """

    name: str
    function: Callable[[Array], Array]
    slope: Callable[[Array], Array] | None
    formula: str  # how the lesson writes it
    slope_formula: str
    output_only: bool = False

    @property
    def elementwise(self) -> bool:
        return self.slope is not None

    def chain(self, z: Array, values: Array, value_slopes: Array) -> Array:
        """Slope of the loss at each node's sum from the slopes at the nodes' values."""
        if self.slope is not None:
            return value_slopes * self.slope(z)
        # softmax: dL/dz_k = sum_j dL/dp_j * p_j (δ_jk − p_k) = p_k (g_k − sum_j g_j p_j)
        return values * (value_slopes - (value_slopes * values).sum(axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "identity", lambda z: z + 0.0, lambda z: np.ones_like(z), "identity(z) = z", "1"
        ),
        Activation(
            "relu",
            lambda z: np.maximum(z, 0.0) + 0.0,
            lambda z: (z > 0).astype(float),
            "relu(z) = max(0, z)",
            "1 if z > 0, else 0",
        ),
        Activation(
            "sigmoid",
            _sigmoid,
            lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)),
            "sigmoid(z) = 1 / (1 + e^−z)",
            "sigmoid(z) × (1 − sigmoid(z))",
        ),
        Activation("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, "tanh(z)", "1 − tanh(z)²"),
        Activation(
            "softmax",
            _softmax,
            None,
            "softmax: p_k = exp(z_k) / Σ_j exp(z_j)",
            "∂p_j/∂z_k = p_j (δ_jk − p_k)",
            output_only=True,
        ),
    )
}


def _log(p: Array) -> Array:
    return np.log(np.maximum(p, LOG_FLOOR))


def clipped(p: Array) -> bool:
    """True if a log of the loss was taken at LOG_FLOOR instead of at p."""
    return bool(np.any(np.asarray(p) < LOG_FLOOR))


@dataclass(frozen=True)
class Loss:
    """A loss: per point `point_loss(p, t)`, per batch `reduce`, and its slope w.r.t. p.

    `scale(n)` is what the per-point sum over the batch is multiplied by (1/n for a
    mean), so the batch's slope is scale(n) × the slope of the per-point loss.
    """

    name: str
    title: str  # how the lesson names it
    point_loss: Callable[[Array, Array], Array]  # (..., n, outputs) -> (..., n)
    point_slope: Callable[[Array, Array], Array]  # d point_loss / dp, (..., n, outputs)
    scale: Callable[[int], float]
    meaning: str  # for the handout and the docs
    point_formula: str  # how the lesson writes one point's loss
    slope_formula: str  # how it writes the slope of one point's loss w.r.t. p
    uses_logs: bool = False
    # an output activation whose slopes fold into this loss's: slope at the sum = p − t
    partner: str | None = None
    complement: bool = False  # logs of 1 − p as well (binary cross-entropy)
    # squared-error losses: the lesson's words for the batch loss and the output's slope,
    # format strings over {total}, {total_factor}, {count}, {loss}, {error}, {error_factor}
    batch_text: str = ""
    slope_text: str = ""  # over a batch of several points
    slope_text_one: str = ""  # for a single point

    def reduce(self, point_losses: Array) -> Array:
        """The batch loss from per-point losses (last axis = points)."""
        return self.scale(point_losses.shape[-1]) * point_losses.sum(axis=-1)

    def slope(self, predictions: Array, targets: Array) -> Array:
        """Slope of the batch loss w.r.t. each prediction."""
        return self.scale(predictions.shape[-2]) * self.point_slope(predictions, targets)


def _squared(p: Array, t: Array) -> Array:
    return ((p - t) ** 2).sum(axis=-1)


def _squared_slope(p: Array, t: Array) -> Array:
    return 2.0 * (p - t)


def _cross_entropy(p: Array, t: Array) -> Array:
    return -(t * _log(p)).sum(axis=-1)


def _cross_entropy_slope(p: Array, t: Array) -> Array:
    return -t / np.maximum(p, LOG_FLOOR)


def _binary_cross_entropy(p: Array, t: Array) -> Array:
    return -(t * _log(p) + (1.0 - t) * _log(1.0 - p)).sum(axis=-1)


def _binary_cross_entropy_slope(p: Array, t: Array) -> Array:
    return (1.0 - t) / np.maximum(1.0 - p, LOG_FLOOR) - t / np.maximum(p, LOG_FLOOR)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "mse",
            "mean squared error",
            _squared,
            _squared_slope,
            lambda n: 1.0 / n,
            "mean over the batch's points of the squared error",
            "(prediction − target)²",
            "2 × (p − t)",
            batch_text="mean squared error = {total} / {count} = {loss}",
            slope_text="2 × error / {count} = 2 × {error_factor} / {count}",
            slope_text_one="2 × error = 2 × {error_factor}",
        ),
        Loss(
            "sse",
            "total squared error",
            _squared,
            _squared_slope,
            lambda n: 1.0,
            "sum over the batch's points of the squared error",
            "(prediction − target)²",
            "2 × (p − t)",
            batch_text="loss = total squared error = {loss}",
            slope_text="2 × error = 2 × {error_factor}",
            slope_text_one="2 × error = 2 × {error_factor}",
        ),
        Loss(
            "half_sse",
            "half the total squared error",
            _squared,
            _squared_slope,
            lambda n: 0.5,
            "0.5 × the sum over the batch's points of the squared error",
            "(prediction − target)²",
            "2 × (p − t)",
            batch_text="loss = 0.5 × {total_factor} = {loss}",
            slope_text="error = {error}",
            slope_text_one="error = {error}",
        ),
        Loss(
            "cross_entropy",
            "cross-entropy",
            _cross_entropy,
            _cross_entropy_slope,
            lambda n: 1.0 / n,
            "mean over the batch's points of −Σ_k t_k log p_k (categorical cross-entropy)",
            "−Σ_k t_k log p_k",
            "−t / p",
            uses_logs=True,
            partner="softmax",
        ),
        Loss(
            "binary_cross_entropy",
            "binary cross-entropy",
            _binary_cross_entropy,
            _binary_cross_entropy_slope,
            lambda n: 1.0 / n,
            "mean over the batch's points of −[t log p + (1 − t) log(1 − p)]",
            "−[t log p + (1 − t) log(1 − p)]",
            "(1 − t) / (1 − p) − t / p",
            uses_logs=True,
            partner="sigmoid",
            complement=True,
        ),
    )
}

PAIRED = "{activation} and {loss} together: p − t"
