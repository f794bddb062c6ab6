"""How a slope becomes a weight update: sgd, momentum, adam (one table).

Each optimizer works on one array of trainable numbers at a time (a layer's weights or
its biases) with its own state arrays of the same shape (its "slots"), so per-weight
state is there to show. `t` counts updates from 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Optimizer:
    """An update rule. `step(w, g, slots, lr, t, settings) -> (new w, new slots)`."""

    name: str
    slots: tuple[str, ...]  # per-weight state kept between updates, starting at 0
    defaults: dict[str, float]  # settings ([training] keys) and their default values
    step: Callable[..., tuple[Array, dict[str, Array]]]
    rule: str  # the update, as the lesson writes it

    def shown(
        self, slots: Mapping[str, float], t: int, settings: Mapping[str, float]
    ) -> dict[str, float]:
        """The per-weight numbers an update step shows, from the state after it."""
        if self.name != "adam":
            return dict(slots)
        m, v = slots["m"], slots["v"]
        return {
            "t": t,
            "m": m,
            "v": v,
            "m_hat": m / (1.0 - settings["beta_1"] ** t),
            "v_hat": v / (1.0 - settings["beta_2"] ** t),
        }


def _sgd(w, g, slots, lr, t, settings):
    return w - lr * g, {}


def _momentum(w, g, slots, lr, t, settings):
    velocity = settings["momentum"] * slots["velocity"] - lr * g
    return w + velocity, {"velocity": velocity}


def _adam(w, g, slots, lr, t, settings):
    beta_1, beta_2 = settings["beta_1"], settings["beta_2"]
    m = beta_1 * slots["m"] + (1.0 - beta_1) * g
    v = beta_2 * slots["v"] + (1.0 - beta_2) * g * g
    m_hat = m / (1.0 - beta_1**t)
    v_hat = v / (1.0 - beta_2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + settings["epsilon"]), {"m": m, "v": v}


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("sgd", (), {}, _sgd, "new = weight − learning rate × slope"),
        Optimizer(
            "momentum",
            ("velocity",),
            {"momentum": 0.9},
            _momentum,
            "velocity = momentum × velocity − learning rate × slope; new = weight + velocity",
        ),
        Optimizer(
            "adam",
            ("m", "v"),
            {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8},
            _adam,
            "m = β1·m + (1 − β1)·slope; v = β2·v + (1 − β2)·slope²; m̂ = m / (1 − β1^t); "
            "v̂ = v / (1 − β2^t); new = weight − learning rate × m̂ / (√v̂ + ε)",
        ),
    )
}

# every setting any optimizer takes, and the optimizer it belongs to
SETTINGS: dict[str, str] = {key: o.name for o in OPTIMIZERS.values() for key in o.defaults}
