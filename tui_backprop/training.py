"""The one training loop: batches, forward, backward, optimizer, what-if overrides.

Everything that needs weights at some point of a run (the lesson's trace, the plots,
the gradient check, the jump to the end, engine.train) asks a Training. A what-if
edit is not a change to a run but a different run: the scenario plus a list of
overrides (a weight set at the start of an iteration, a learning rate from an
iteration on). Training.with_override gives that run, reusing what is still valid.

Weights (with the optimizer's state) are kept at sparse checkpoints, so any
iteration's start is a short replay away and memory stays flat however long the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from tui_backprop.engine import Backward, Forward, Network, Params, batches
from tui_backprop.numbers import fmt
from tui_backprop.optimizers import OPTIMIZERS, Optimizer
from tui_backprop.param import Param
from tui_backprop.scenario import Position, Scenario

Array = np.ndarray


@dataclass(frozen=True)
class SetWeight:
    """What if this weight (or bias) were `value` at the start of `iteration`?"""

    iteration: int
    param: Param
    value: float

    def describe(self, decimals: int) -> str:
        return f"{self.param} = {fmt(self.value, decimals)} (iteration {self.iteration})"


@dataclass(frozen=True)
class SetLearningRate:
    """What if the learning rate were `rate` from `iteration` on?"""

    iteration: int
    rate: float

    def describe(self, decimals: int) -> str:
        return f"learning rate {fmt(self.rate, 6)} (iteration {self.iteration})"


Override = SetWeight | SetLearningRate


@dataclass(frozen=True)
class State:
    """Everything that carries from one update to the next."""

    params: Params
    updates_done: int  # the optimizer's t before the next update
    slots: dict[str, Params]  # the optimizer's per-weight state (momentum's velocity, ...)

    def slot_values(self, position: Position) -> dict[str, float]:
        return {name: slot.value(position) for name, slot in self.slots.items()}


@dataclass(frozen=True)
class Update:
    """One iteration's numbers. `after` is None in the final pass (no update)."""

    number: int
    batch: Array  # indices of the batch's points
    inputs: Array
    targets: Array | None
    before: State  # weights the iteration starts from (its overrides applied)
    forward: Forward
    point_losses: Array | None
    loss: float | None
    backward: Backward | None
    learning_rate: float
    after: State | None


class Training:
    """A scenario's run (with what-if overrides); iteration numbers start at 1."""

    def __init__(self, scenario: Scenario, overrides: tuple[Override, ...] = ()) -> None:
        self.scenario = scenario
        self.overrides = tuple(overrides)
        self.network, initial = Network.from_scenario(scenario)
        self.optimizer = OPTIMIZERS[scenario.optimizer]
        self.settings = {**self.optimizer.defaults, **scenario.optimizer_settings}
        self.updates = scenario.iterations
        self.batches_per_epoch = scenario.batches_per_epoch if scenario.has_targets else 1
        self.initial = fresh_state(initial, self.optimizer, self.network.train_bias)
        self.checkpoint_every = max(32, -(-self.updates // 256))
        # states at the start of iterations, before that iteration's overrides
        self.checkpoints: dict[int, State] = {1: self.initial}
        self._next: tuple[int, State] | None = None  # the state after the latest update
        self._losses = np.full(max(self.updates, 1), np.nan)
        self._losses_known = 0  # losses of iterations 1.._losses_known are filled in
        self._epoch_data: tuple[int, list] = (0, [])

    def with_override(self, override: Override) -> Training:
        """The same run with one more override; what came before it is reused."""
        changed = Training(self.scenario, (*self.overrides, override))
        start = override.iteration
        changed.checkpoints.update({k: s for k, s in self.checkpoints.items() if k <= start})
        known = min(self._losses_known, start - 1)
        changed._losses[:known] = self._losses[:known]
        changed._losses_known = known
        return changed

    def describe_overrides(self, decimals: int) -> list[str]:
        return [o.describe(decimals) for o in self.overrides]

    # -- the schedule -------------------------------------------------------------

    def learning_rate(self, number: int) -> float:
        rate, since = self.scenario.learning_rate, 0
        for o in self.overrides:
            if isinstance(o, SetLearningRate) and since <= o.iteration <= number:
                rate, since = o.rate, o.iteration
        return rate

    def epoch_of(self, number: int) -> int:
        if not self.scenario.has_targets:
            return 1
        if number > self.updates:
            return self.scenario.epochs
        return (number - 1) // self.batches_per_epoch + 1

    def batch(self, number: int) -> tuple[Array, Array, Array | None]:
        """(point indices, inputs, targets) of an iteration's batch; the final pass (and
        a forward-only scenario) uses every point."""
        scenario = self.scenario
        if not scenario.has_targets or number > self.updates:
            every = np.arange(scenario.points)
            return every, scenario.data_inputs, scenario.targets
        epoch = (number - 1) // self.batches_per_epoch + 1 if scenario.shuffle else 1
        if self._epoch_data[0] != epoch:  # unshuffled, every epoch is the same
            self._epoch_data = (
                epoch,
                [
                    (batch, scenario.data_inputs[batch], scenario.targets[batch])
                    for batch in batches(scenario, epoch)
                ],
            )
        return self._epoch_data[1][(number - 1) % self.batches_per_epoch]

    # -- the loop -------------------------------------------------------------------

    def _with_overrides(self, number: int, state: State) -> State:
        params = state.params
        for o in self.overrides:
            if isinstance(o, SetWeight) and o.iteration == number:
                params = params.with_value(self.scenario.position(o.param), o.value)
        return state if params is state.params else State(params, state.updates_done, state.slots)

    def _raw_state(self, number: int) -> State:
        if self._next is not None and self._next[0] == number:
            return self._next[1]  # stepping in order: no replay
        start = max(k for k in self.checkpoints if k <= number)
        state = self.checkpoints[start]
        with np.errstate(all="ignore"):
            for n in range(start, number):
                state = self._advance(n, self._with_overrides(n, state))
        return state

    def state_before(self, number: int) -> State:
        """Weights and optimizer state at the start of iteration `number` (1-based)."""
        return self._with_overrides(number, self._raw_state(number))

    def _advance(self, number: int, state: State, forward: Forward | None = None) -> State:
        """The state after iteration `number`'s update (its loss is recorded too)."""
        _, inputs, targets = self.batch(number)
        network = self.network
        if forward is None:
            forward = network.forward(state.params, inputs)
        backward = network.backward(state.params, forward, targets)
        if number <= self.updates:
            self._losses[number - 1] = network.reduce(
                network.point_losses(forward.values[-1], targets)
            )
            self._losses_known = max(self._losses_known, number)
        after = self.step(state, backward, self.learning_rate(number))
        if (number + 1) % self.checkpoint_every == 0:
            self.checkpoints[number + 1] = after
        self._next = (number + 1, after)
        return after

    def step(self, state: State, backward: Backward, learning_rate: float) -> State:
        """One optimizer update of every weight and trained bias."""
        return update(
            state, backward, learning_rate, self.optimizer, self.settings, self.network.train_bias
        )

    def run(self, number: int) -> Update:
        """Iteration `number` in full: forward, loss, and (before the final pass) the
        backward pass and the update."""
        batch, inputs, targets = self.batch(number)
        before = self.state_before(number)
        network = self.network
        rate = self.learning_rate(number)
        with np.errstate(all="ignore"):
            forward = network.forward(before.params, inputs)
            point_losses = loss = backward = after = None
            if targets is not None:
                point_losses = network.point_losses(forward.values[-1], targets)
                loss = float(network.reduce(point_losses))
                if number <= self.updates:
                    backward = network.backward(before.params, forward, targets)
                    after = self._advance(number, before, forward)
        return Update(
            number,
            batch,
            inputs,
            targets,
            before,
            forward,
            point_losses,
            loss,
            backward,
            rate,
            after,
        )

    def walk(self, state: State, first: int, last: int) -> Iterator[State]:
        """From the state at the start of `first`: those at the start of first + 1 ..
        last, one update at a time (overrides honoured)."""
        for number in range(first, last):
            checkpoint = self.checkpoints.get(number + 1)
            if checkpoint is not None:
                state = self._with_overrides(number + 1, checkpoint)
                yield state
                continue
            with np.errstate(all="ignore"):
                state = self._with_overrides(number + 1, self._advance(number, state))
            yield state

    def losses_until(self, number: int) -> Array:
        """Batch loss before each update 1..number (for the loss history)."""
        last = min(number, self.updates)
        if last > self._losses_known:
            self._raw_state(last + 1)
        return self._losses[:last].copy()

    def final_params(self) -> Params:
        """The weights after the whole run: the jump to the end."""
        return self.state_before(self.updates + 1).params


def update(
    state: State,
    backward: Backward,
    learning_rate: float,
    optimizer: Optimizer,
    settings: dict[str, float],
    train_bias: list[bool],
) -> State:
    """One optimizer update of every weight and every trained bias (all slopes taken
    at the weights before it)."""
    t = state.updates_done + 1
    new: dict[str, list] = {"weights": [], "biases": []}
    slots = {name: {"weights": [], "biases": []} for name in optimizer.slots}
    for k, weights in enumerate(state.params.weights):
        bias = state.params.biases[k]
        trained = bias is not None and train_bias[k]
        parts = (
            ("weights", weights, backward.weight_slopes[k]),
            ("biases", bias, backward.bias_slopes[k] if trained else None),
        )
        for part, value, slope in parts:
            if slope is None:  # no bias, or one that does not train: left as it is
                new[part].append(value)
                for name in slots:
                    slots[name][part].append(None)
                continue
            earlier = {name: getattr(slot, part)[k] for name, slot in state.slots.items()}
            value, later = optimizer.step(value, slope, earlier, learning_rate, t, settings)
            new[part].append(value)
            for name, kept in later.items():
                slots[name][part].append(kept)
    return State(
        Params(tuple(new["weights"]), tuple(new["biases"])),
        t,
        {name: Params(tuple(s["weights"]), tuple(s["biases"])) for name, s in slots.items()},
    )


def fresh_state(params: Params, optimizer: Optimizer, train_bias: list[bool]) -> State:
    """The state before the first update: the optimizer's slots all 0."""
    zeros = Params(
        tuple(np.zeros_like(w) for w in params.weights),
        tuple(
            None if b is None or not train else np.zeros_like(b)
            for b, train in zip(params.biases, train_bias, strict=True)
        ),
    )
    return State(params, 0, {name: zeros for name in optimizer.slots})
