"""Check backprop's slopes against central finite differences of the batch loss."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui_backprop.trace import Trace

RELATIVE_TOLERANCE = 1e-6
# Slopes near zero: rounding in L(w ± h) leaves about 1e-10 of noise in the estimate.
ABSOLUTE_TOLERANCE = 1e-8
TOLERANCE_TEXT = "relative difference ≤ 1e-6 (or absolute ≤ 1e-8 near zero)"
STEP = 1e-6  # relative to the weight's size, at least this much


@dataclass(frozen=True)
class SlopeCheck:
    name: str
    backprop: float
    finite_difference: float
    relative_difference: float

    @property
    def ok(self) -> bool:
        return (
            self.relative_difference <= RELATIVE_TOLERANCE
            or abs(self.backprop - self.finite_difference) <= ABSOLUTE_TOLERANCE
        )


def relative_difference(a: float, b: float) -> float:
    scale = max(abs(a), abs(b), 1e-12)
    return 0.0 if a == b else abs(a - b) / scale


def check_iteration(trace: Trace, iteration: int) -> dict[str, SlopeCheck]:
    """Every weight's and trained bias's slope of an iteration against
    (L(w + h) - L(w - h)) / 2h, keyed by the weight's name."""
    record = trace.iteration(iteration)
    if record.backward is None:
        return {}
    scenario = trace.scenario
    params = scenario.trainable_params()
    positions = [scenario.position(p) for p in params]
    base_values = np.array([record.params.value(p) for p in positions])
    steps = STEP * np.maximum(1.0, np.abs(base_values))
    count = len(params)
    shifts = np.diag(steps)
    values = np.concatenate([base_values + shifts, base_values - shifts])
    inputs = scenario.data_inputs[record.batch]
    targets = scenario.targets[record.batch]
    with np.errstate(all="ignore"):
        losses = trace.network.loss_at(record.params, inputs, targets, positions, values)
        estimates = (losses[:count] - losses[count:]) / (2 * steps)
    checks = {}
    for n, (param, position) in enumerate(zip(params, positions, strict=True)):
        name = str(param)
        slope = trace.network.slope(record.backward, position)
        estimate = float(estimates[n])
        checks[name] = SlopeCheck(name, slope, estimate, relative_difference(slope, estimate))
    return checks
