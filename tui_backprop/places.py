"""Named places in a lesson (for g, --start-at, bookmarks) and phase/iteration jumps."""

from __future__ import annotations

import re

from tui_backprop.errors import ScenarioError
from tui_backprop.notes import FINAL, anchor_offset, parse_anchor
from tui_backprop.trace import PHASES, Trace

SELECTOR_HELP = (
    "a step number (12), forward, loss, backward, update, iteration:N, iteration:N:PHASE, "
    "epoch:N, final, end, a step as KIND:NAME (weight_slope:a2->b2), or a bookmark's name"
)


def resolve_place(trace: Trace, selector: str, bookmarks: bool = True) -> int:
    """A 0-based step index for a selector; ValueError says what was wrong."""
    text = selector.strip()
    for bookmark in trace.scenario.bookmarks if bookmarks else ():
        if text == bookmark.name:
            return resolve_place(trace, bookmark.step, bookmarks=False)
    if text.isdigit():
        number = int(text)
        if not 1 <= number <= len(trace):
            raise ValueError(f"step {number} is outside 1..{len(trace)}")
        return number - 1
    if text in PHASES:
        return _phase_start(trace, 1, text)
    if text == "end":
        return len(trace) - 1
    if text == "final":
        if not trace.scenario.has_targets:
            raise ValueError("this scenario has no training, so no pass after it")
        return trace.first_index(trace.iterations)
    match = re.fullmatch(r"(iteration|epoch):(\d+)(?::(\w+))?", text)
    if match:
        kind, number, phase = match.group(1), int(match.group(2)), match.group(3)
        if kind == "epoch":
            if not 1 <= number <= trace.scenario.epochs:
                raise ValueError(f"epoch {number} is outside 1..{trace.scenario.epochs}")
            iteration = (number - 1) * trace.batches_per_epoch + 1
        else:
            iteration = number
            if not 1 <= iteration <= trace.iterations:
                raise ValueError(f"iteration {iteration} is outside 1..{trace.iterations}")
        if phase is None:
            return trace.first_index(iteration)
        if phase not in PHASES:
            raise ValueError(f'unknown phase "{phase}"; expected one of {", ".join(PHASES)}')
        return _phase_start(trace, iteration, phase)
    index = _anchor_place(trace, text)
    if index is not None:
        return index
    raise ValueError(f'"{selector}" is not a place in the lesson; use {SELECTOR_HELP}')


def _anchor_place(trace: Trace, text: str) -> int | None:
    """A step named as in --trace jsonl (KIND:NAME, maybe iteration:N:KIND:NAME)."""
    scenario = trace.scenario
    elements = tuple(scenario.edge_names()) + tuple(
        f"bias:{node}"
        for layer in scenario.layers
        if layer.bias is not None
        for node in layer.nodes
    )
    try:
        anchor = parse_anchor(text, scenario.node_names, elements)
    except ValueError:
        return None
    number = anchor.iteration or 1  # every: the first iteration
    if anchor.iteration == FINAL:
        if not trace.scenario.has_targets:
            raise ValueError("this scenario has no training, so no pass after it")
        number = trace.iterations
    if not 1 <= number <= trace.iterations:
        raise ValueError(f"iteration {number} is outside 1..{trace.iterations}")
    record = trace.iteration(number)
    offset = anchor_offset(trace, record, anchor)
    if offset is None:
        raise ValueError(f'iteration {number} has no step "{text}"')
    return record.first_index + offset


def check_bookmarks(trace: Trace) -> None:
    """Every bookmark must lead somewhere; a ScenarioError names the one that does not."""
    for i, bookmark in enumerate(trace.scenario.bookmarks):
        try:
            resolve_place(trace, bookmark.step, bookmarks=False)
        except ValueError as error:
            raise ScenarioError(trace.scenario.path, f"bookmarks[{i}].step", str(error)) from None


def _phase_start(trace: Trace, iteration: int, phase: str) -> int:
    index = trace.phase_start_in(iteration, phase)
    if index is None:
        raise ValueError(f"iteration {iteration} has no {phase} phase")
    return index


def phase_bounds(trace: Trace, index: int) -> tuple[int, int]:
    """(first, last) index of the phase that step `index` belongs to."""
    number, offset = trace.iteration_of(index)
    steps = trace.iteration(number).steps
    phase = steps[offset].phase
    first = offset
    while first > 0 and steps[first - 1].phase == phase:
        first -= 1
    last = offset
    while last + 1 < len(steps) and steps[last + 1].phase == phase:
        last += 1
    base = steps[0].index
    return base + first, base + last


def next_phase(trace: Trace, index: int) -> int:
    _, last = phase_bounds(trace, index)
    return min(last + 1, len(trace) - 1)


def previous_phase(trace: Trace, index: int) -> int:
    first, _ = phase_bounds(trace, index)
    if index > first:
        return first
    return phase_bounds(trace, first - 1)[0] if first > 0 else 0


def next_iteration(trace: Trace, index: int) -> int:
    number, _ = trace.iteration_of(index)
    if number >= trace.iterations:
        return len(trace) - 1
    return trace.first_index(number + 1)


def previous_iteration(trace: Trace, index: int) -> int:
    number, offset = trace.iteration_of(index)
    if offset > 0 or number == 1:
        return trace.first_index(number)
    return trace.first_index(number - 1)
