"""The numbers behind the app's pictures (pure: NumPy, no textual).

Three pictures, each a function of the trace and a step index, so stepping back shows
exactly what was shown before:

- loss_history: the batch loss before each update so far, with the epoch boundaries.
- loss_curve: the batch loss of the current iteration's batch as one weight varies,
  every other weight (and bias) held at the iteration's pre-update values; the
  current point, the tangent whose slope is the weight's backprop slope, and the
  step to the weight after this iteration's update (``weight - learning_rate * slope``
  with sgd; momentum and adam take their own step).
- loss_grid: the same batch loss over two weights (a heat map), with the path the
  two weights took from iteration 1 to now.

All losses come from ``Network.loss_at``: one vectorised forward pass for every
weight setting on the curve or grid.

Windows (the range of weight values drawn), chosen so the picture stays still while
the lecturer steps and the point visibly walks:

- Both pictures cover the weight's values over the whole run (sampled at most
  MAX_PATH times) for short runs (at most FULL_RUN updates: replaying them costs
  milliseconds), or over the run so far for long ones; plus the current value and
  the value after this iteration's update.
- The curve also looks for the curve's minimum over a wider search window
  (SEARCH_REACH times the run's spread on either side). When it has one (the lowest
  point is inside the search window and the curve is not flat), the window is
  centred on it, so the U is symmetric and its bottom is in the picture.
- A margin of MARGIN times the half-width is added on each side, and the half-width
  is at least max(0.5, |weight| / 4), so a weight that barely moves still shows
  some of its curve.

Names: a weight is "FROM->TO" as on the screen; a bias is "bias:NODE".
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np

from tui_backprop.scenario import Position, Scenario
from tui_backprop.trace import Trace

MAX_PATH = 200  # at most this many points on a weight path
FULL_RUN = 1000  # runs with at most this many updates use the whole run for windows
SEARCH_REACH = 3.0
MARGIN = 0.25
TANGENT_SHARE = 0.15  # the tangent spans this share of the window on each side
TANGENT_SLACK = 0.05  # the plot shows this share of the curve's height below it
MAX_HISTORY = 2000  # longer loss histories are thinned to this many points
GRID_WORK = 2_000_000  # a landscape costs at most about this many node values


# -- names and positions -------------------------------------------------------------


def trainable_names(scenario: Scenario) -> list[str]:
    """Every weight ("FROM->TO") and every trained bias ("bias:NODE"), in layer order."""
    return [str(p) for p in scenario.trainable_params()]


def _slope_at(trace: Trace, record, position: Position) -> float | None:
    if record.backward is None:
        return None
    return trace.network.slope(record.backward, position)


# -- the weights' path over the run (sampled, cached per trace) ----------------------


class _Run:
    """Sampled trainable values at the start of iterations, filled in on demand."""

    def __init__(self, trace: Trace) -> None:
        self.training = trace.training  # a what-if change starts a new run
        self.names = trainable_names(trace.scenario)
        self.positions = [trace.position(n) for n in self.names]
        every = trace.training.checkpoint_every  # the run keeps weights there
        stride = max(1, math.ceil(trace.updates / MAX_PATH))
        if stride > every:  # land on the trace's checkpoints: free to look up
            stride = math.ceil(stride / every) * every
        self.stride = stride
        self.every = every
        self.samples: dict[int, np.ndarray] = {}

    def numbers(self, until: int) -> list[int]:
        """The sampled iteration numbers 1..until (always 1 and until itself)."""
        numbers = list(range(1, until + 1, self.stride))
        if numbers[-1] != until:
            numbers.append(until)
        return numbers

    def values(self, trace: Trace, numbers: list[int]) -> np.ndarray:
        """(len(numbers), trainables): the values at the start of those iterations."""
        missing = sorted(n for n in numbers if n not in self.samples)
        training = self.training
        state, at = None, 0
        for number in missing:
            if state is None or number - at > self.every:
                state = training.state_before(number)
            else:
                state = list(training.walk(state, at, number))[-1]
            at = number
            self.samples[number] = np.array([state.params.value(p) for p in self.positions])
        return np.array([self.samples[n] for n in numbers])


_RUNS: weakref.WeakKeyDictionary[Trace, _Run] = weakref.WeakKeyDictionary()


def _run(trace: Trace) -> _Run:
    run = _RUNS.get(trace)
    if run is None or run.training is not trace.training:
        run = _RUNS[trace] = _Run(trace)
    return run


def weight_path(trace: Trace, names: list[str], until: int) -> tuple[np.ndarray, np.ndarray]:
    """(iteration numbers, values (count, len(names))) at the start of iterations 1..until,
    sampled at most about MAX_PATH times (the first and last are always there)."""
    run = _run(trace)
    numbers = run.numbers(until)
    columns = [run.names.index(n) for n in names]
    return np.array(numbers), run.values(trace, numbers)[:, columns]


def _extent(trace: Trace, names: list[str], number: int) -> np.ndarray:
    """The values the weights take over the run (short runs) or the run so far."""
    until = trace.iterations if trace.updates <= FULL_RUN else number
    return weight_path(trace, names, until)[1]


# -- the pictures --------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # holds arrays: compared by identity
class LossHistory:
    iterations: np.ndarray  # 1-based iteration numbers whose loss is known by now
    losses: np.ndarray  # batch loss before each of those updates
    epoch_boundaries: np.ndarray  # x positions between epochs (empty if one batch each)
    updates: int  # all the run's updates: the x axis spans 1..updates


@dataclass(frozen=True, eq=False)  # holds arrays: compared by identity
class LossCurve:
    name: str
    ws: np.ndarray
    losses: np.ndarray
    w: float  # the weight's value now (before this iteration's update)
    loss: float  # the batch loss at w
    slope: float | None  # backprop's slope for the weight (None in the final pass)
    tangent: tuple[tuple[float, float], tuple[float, float]] | None
    next_w: float | None  # after the update (w - learning_rate * slope with sgd)
    next_loss: float | None  # this batch's loss at next_w, all else unchanged
    minimum: float | None  # where the curve is lowest, if it has a lowest point
    learning_rate: float


@dataclass(frozen=True, eq=False)  # holds arrays: compared by identity
class LossGrid:
    names: tuple[str, str]
    wa: np.ndarray  # across (x)
    wb: np.ndarray  # up (y)
    grid: np.ndarray  # grid[i, j] = loss at (wa[j], wb[i])
    path_iterations: np.ndarray
    path: np.ndarray  # (count, 2): (wa, wb) at the start of those iterations
    current: tuple[float, float]
    next: tuple[float, float] | None  # after this iteration's update


def loss_history(trace: Trace, index: int) -> LossHistory:
    """Batch losses known at step `index`: every earlier update's, and this one's once
    its loss step has been shown. Longer than MAX_HISTORY: thinned evenly."""
    number, offset = trace.iteration_of(index)
    known = number - 1
    if number <= trace.updates:
        revealed = trace.iteration(number).revealed_at.get(("loss",))
        if revealed is not None and revealed <= offset:
            known = number
    known = min(known, trace.updates)
    losses = trace.losses_until(known) if known else np.empty(0)
    per_epoch = trace.batches_per_epoch
    boundaries = np.empty(0)
    if per_epoch > 1:
        boundaries = np.arange(per_epoch, trace.updates, per_epoch) + 0.5
    iterations = np.arange(1, known + 1)
    if known > MAX_HISTORY:  # thinned evenly for drawing; the latest is always kept
        keep = np.unique(np.linspace(0, known - 1, MAX_HISTORY).round().astype(int))
        iterations, losses = iterations[keep], losses[keep]
    return LossHistory(iterations, losses, boundaries, trace.updates)


def _batch(trace: Trace, record) -> tuple[np.ndarray, np.ndarray]:
    scenario = trace.scenario
    return scenario.data_inputs[record.batch], scenario.targets[record.batch]


def _losses(trace: Trace, record, positions: list[Position], values: np.ndarray):
    inputs, targets = _batch(trace, record)
    with np.errstate(all="ignore"):
        return trace.network.loss_at(record.params, inputs, targets, positions, values)


def _window(values: np.ndarray, floor: float) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    half = max((hi - lo) / 2, floor)
    centre = (lo + hi) / 2
    return centre - half * (1 + MARGIN), centre + half * (1 + MARGIN)


def loss_curve(trace: Trace, index: int, name: str, points: int = 101) -> LossCurve:
    """The batch loss as the weight `name` varies, at step `index` (see the module doc)."""
    number, _ = trace.iteration_of(index)
    record = trace.iteration(number)
    position = trace.position(name)
    rate = trace.learning_rate(number)
    w = record.params.value(position)
    slope = _slope_at(trace, record, position)
    next_w = None if record.new_params is None else record.new_params.value(position)
    seen = [*_extent(trace, [name], number)[:, 0], w]
    if next_w is not None:
        seen.append(next_w)
    seen = np.array([v for v in seen if math.isfinite(v)] or [0.0])
    floor = max(0.5, abs(w) / 4 if math.isfinite(w) else 0.0)
    lo, hi = float(seen.min()), float(seen.max())

    # look for the lowest point of the curve over a wider window
    reach = SEARCH_REACH * max(hi - lo, floor)
    search = np.linspace(lo - reach, hi + reach, 401)
    found = _losses(trace, record, [position], search[:, None])
    minimum = None
    if np.all(np.isfinite(found)):
        i = int(np.argmin(found))
        flat = found.max() - found.min() <= 1e-12 * (1 + abs(found.max()))
        if 0 < i < len(search) - 1 and not flat:
            minimum = float(search[i])
    if minimum is not None:
        half = max(minimum - lo, hi - minimum, floor)
        start, stop = minimum - half * (1 + MARGIN), minimum + half * (1 + MARGIN)
    else:
        start, stop = _window(seen, floor)
    ws = np.linspace(start, stop, points)
    losses = _losses(trace, record, [position], ws[:, None])
    loss = float(_losses(trace, record, [position], np.array([[w]]))[0])
    tangent = next_loss = None
    if slope is not None:
        tangent = _tangent(w, loss, slope, ws, losses)
        next_loss = float(_losses(trace, record, [position], np.array([[next_w]]))[0])
    return LossCurve(name, ws, losses, w, loss, slope, tangent, next_w, next_loss, minimum, rate)


def _tangent(w, loss, slope, ws, losses):
    """A piece of the tangent at (w, loss): TANGENT_SHARE of the window on each side,
    shortened so that it stays between the curve's highest loss and a little
    (TANGENT_SLACK of the curve's height) below its lowest."""
    reach = TANGENT_SHARE * float(ws[-1] - ws[0])
    finite = losses[np.isfinite(losses)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (loss, loss)
    left = right = reach
    if slope != 0:
        slack = TANGENT_SLACK * (high - low)
        room_up, room_down = max(high - loss, 0.0), max(loss - low + slack, 0.0)
        # going right the tangent climbs for a positive slope, falls for a negative one
        right = min(reach, (room_up if slope > 0 else room_down) / abs(slope))
        left = min(reach, (room_down if slope > 0 else room_up) / abs(slope))
    return (w - left, loss - slope * left), (w + right, loss + slope * right)


def affordable_size(
    trace: Trace, index: int, names: list[str], across: int, up: int
) -> tuple[int, int]:
    """(across, up) scaled down, keeping its shape, so that the grid at step `index`
    costs at most about GRID_WORK node values: settings x batch points x nodes from
    the first chosen weight's layer on. Small networks get every pixel; big ones a
    coarser map."""
    number, _ = trace.iteration_of(index)
    points = len(trace.batch_of(number))
    first = min(trace.position(n)[0] for n in names)
    nodes = sum(len(layer.nodes) for layer in trace.scenario.layers[first:])
    per_setting = max(1, points * nodes)
    settings = max(GRID_WORK // per_setting, 16)
    if across * up <= settings:
        return across, up
    scale = math.sqrt(settings / (across * up))
    return max(4, int(across * scale)), max(4, int(up * scale))


def loss_grid(
    trace: Trace, index: int, name_a: str, name_b: str, size: int | tuple[int, int] = 41
) -> LossGrid:
    """The batch loss over two weights at step `index`, with the path so far.

    size is the number of values per axis, or (across, up)."""
    across, up = (size, size) if isinstance(size, int) else size
    number, _ = trace.iteration_of(index)
    record = trace.iteration(number)
    names = [name_a, name_b]
    positions = [trace.position(n) for n in names]
    current = np.array([record.params.value(p) for p in positions])
    seen = [_extent(trace, names, number), current[None]]
    after = None
    if record.new_params is not None:
        after = np.array([record.new_params.value(p) for p in positions])
        seen.append(after[None])
    seen = np.concatenate(seen)
    seen = np.where(np.isfinite(seen), seen, 0.0)
    axes = []
    for k in range(2):
        floor = max(0.5, abs(current[k]) / 4 if math.isfinite(current[k]) else 0.0)
        start, stop = _window(seen[:, k], floor)
        axes.append(np.linspace(start, stop, (across, up)[k]))
    wa, wb = axes
    grid_a, grid_b = np.meshgrid(wa, wb)
    grid = _losses(trace, record, positions, np.stack([grid_a, grid_b], axis=-1))
    path_numbers, path = weight_path(trace, names, number)
    return LossGrid(
        (name_a, name_b),
        wa,
        wb,
        grid,
        path_numbers,
        path,
        (float(current[0]), float(current[1])),
        None if after is None else (float(after[0]), float(after[1])),
    )
