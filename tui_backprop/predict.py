"""Predict, then check: judge a class's guess of the number a step computes.

A guess is right if it rounds to the shown number or lies within 1% of it. A wrong guess
is compared with the usual mistakes (a missing factor, the wrong sign, the old weight,
another point's number); the first that it matches is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui_backprop.notes import OWN_NUMBER
from tui_backprop.numbers import fmt

if TYPE_CHECKING:
    from tui_backprop.trace import Step, Trace

RELATIVE = 0.01

WHAT = {
    "weighted_sum": "the weighted sum into {node}",
    "node_value": "the value of {node}",
    "error": "the error at {node}",
    "loss": "the loss",
    "node_slope": "the slope of the loss w.r.t. {node}",
    "weight_slope": "the slope of {weight}",
    "bias_slope": "the slope of {bias}",
    "weight_update": "the new value of {weight}",
    "bias_update": "the new value of {bias}",
}


@dataclass(frozen=True)
class Verdict:
    right: bool
    answer: str  # the number, as shown
    message: str


def can_predict(step: Step) -> bool:
    return step.kind in OWN_NUMBER


def question(step: Step) -> str:
    """What the class is asked for, in words."""
    fields = {"node": step.node, "weight": step.weight, "bias": step.bias}
    return "What is " + WHAT[step.kind].format(**fields) + "?"


def answer_of(step: Step) -> float:
    return float(step.numbers[OWN_NUMBER[step.kind]])


def close(guess: float, value: float, decimals: int) -> bool:
    """Equal as shown (same rounding) or within 1%."""
    if fmt(guess, decimals) == fmt(value, decimals):
        return True
    return abs(guess - value) <= RELATIVE * abs(value)


def judge(trace: Trace, index: int, guess: float) -> Verdict:
    step = trace[index]
    value = answer_of(step)
    shown = fmt(value, trace.decimals)
    if close(guess, value, trace.decimals):
        return Verdict(True, shown, f"Right: {shown}.")
    for mistake, wrong in _mistakes(trace, index, step, value):
        if wrong != value and close(guess, wrong, trace.decimals):
            return Verdict(
                False,
                shown,
                f"Not quite: {fmt(guess, trace.decimals)} is {mistake}. The answer is {shown}.",
            )
    return Verdict(False, shown, f"Not quite: the answer is {shown}.")


def _mistakes(trace: Trace, index: int, step: Step, value: float):
    """(what the mistake is, the number it gives), most telling first."""
    n = step.numbers
    kind = step.kind
    if kind in ("weight_slope", "bias_slope") and len(n["factors"]) == 1:
        f = n["factors"][0]
        yield (
            "the product without the activation's slope",
            f["loss_slope"] * f["node_value"],
        )
        yield (
            "the product without the value feeding the weight",
            f["loss_slope"] * f["activation_slope"],
        )
        yield "the slope at the node fed into, not the weight's", f["loss_slope"]
    if kind in ("weight_update", "bias_update"):
        yield "the old weight: the update is missing", n["old"]
        yield (
            "a step uphill: the learning rate × slope was added, not taken away",
            n["old"] + n["learning_rate"] * n["slope"],
        )
        yield "the step without the learning rate", n["old"] - n["slope"]
    if kind == "node_value" and "pre_activation" in n:
        yield "the weighted sum, before the activation function", n["pre_activation"]
    if kind == "error":
        yield "the prediction, not the error", n["prediction"]
        yield "the squared error, not the error", n["squared_error"]
    if kind == "loss":
        yield "the total squared error, not its mean", n["total"]
    if kind == "node_slope":
        yield from _output_slope_mistakes(trace, index, step)
    yield "the right size with the wrong sign", -value
    yield from _other_points(trace, index, step)


def _output_slope_mistakes(trace: Trace, index: int, step: Step):
    record = trace.iteration(step.iteration)
    errors = [s for s in record.steps if s.kind == "error" and s.point == step.point]
    count = len(record.batch)
    for error in errors:
        if error.node == step.node:
            e = error.numbers["error"]
            yield "the error without the 2 of 2 × error", e
            if trace.scenario.loss == "mse" and count > 1:
                yield f"2 × error, not divided by the batch's {count} points", 2 * e


def _other_points(trace: Trace, index: int, step: Step):
    """The same quantity for the batch's other points (a neighbouring row)."""
    if step.point is None:
        return
    record = trace.iteration(step.iteration)
    key = OWN_NUMBER[step.kind]
    for other in record.steps:
        if (
            other.kind == step.kind
            and other.node == step.node
            and other.point is not None
            and other.point != step.point
        ):
            yield (
                f"point {other.point + 1}'s number, not point {step.point + 1}'s",
                float(other.numbers[key]),
            )


@dataclass
class Score:
    right: int = 0
    asked: int = 0

    def add(self, verdict: Verdict) -> None:
        self.asked += 1
        self.right += verdict.right

    def __str__(self) -> str:
        return f"predicted {self.right}/{self.asked}"
