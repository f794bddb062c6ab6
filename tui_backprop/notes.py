"""Narration anchored to places in the lesson, with numbers filled in from the trace.

A note never runs ahead of the lesson: it shows from its anchor step on, and a
placeholder may only name a number the lesson has reached by then (checked once, by
check_notes). Numbers are read from the trace's own steps, so after a what-if the
notes say what the formulas say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui_backprop.errors import ScenarioError
from tui_backprop.numbers import fmt, fmt_factor

if TYPE_CHECKING:
    from tui_backprop.trace import Iteration, Step, Trace

PHASES = ("forward", "loss", "backward", "update")

# Step kinds an anchor may name, and which of the step's fields names it (None: no name).
ANCHOR_KINDS = {
    "weighted_sum": "node",
    "node_value": "node",
    "error": "node",
    "loss": None,
    "node_slope": "node",
    "weight_slope": "weight",
    "bias_slope": "bias",
    "weight_update": "weight",
    "bias_update": "bias",
}

# The number a step computes: what a [[slide]] record at that step is compared with.
OWN_NUMBER = {
    "weighted_sum": "pre_activation",
    "node_value": "value",
    "error": "error",
    "loss": "loss",
    "node_slope": "slope",
    "weight_slope": "slope",
    "bias_slope": "slope",
    "weight_update": "new",
    "bias_update": "new",
}

# Placeholders: name -> what it names ("node", "output", "computed", "element" or None).
PLACEHOLDERS = {
    "value": "node",
    "z": "computed",
    "target": "output",
    "error": "output",
    "slope": "node_or_element",
    "weight": "element",
    "new": "element",
    "loss": None,
    "lr": None,
    "point": None,
    "batch_size": None,
}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ANCHOR = re.compile(
    r"^(?:(?P<every>every:)|(?P<final>final:)|iteration:(?P<iteration>\d+):)?(?P<place>.+)$"
)
EVERY, FINAL = None, 0  # Anchor.iteration for "every:" and "final:"


@dataclass(frozen=True)
class Anchor:
    """A place in the lesson: a phase's first step or a step KIND:NAME, in one iteration
    (iteration EVERY: every training iteration that has it; FINAL: the pass after
    training)."""

    text: str
    kind: str  # "phase" or a step kind
    name: str  # the phase, or the element's name ("" for the loss)
    iteration: int | None = 1

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)


@dataclass(frozen=True)
class Note:
    at: Anchor
    text: str
    plain: bool = False  # from the old [notes] table: shown as written, no placeholders


@dataclass(frozen=True)
class SlideMark:
    """A number the slide printed at a step, and why it differs (if it does)."""

    at: Anchor
    printed: float
    why: str = ""


# -- reading ------------------------------------------------------------------------


def parse_anchor(text: str, nodes: tuple[str, ...], elements: tuple[str, ...]) -> Anchor:
    """An anchor from its text; ValueError says what is wrong with it."""
    match = _ANCHOR.match(text.strip())
    if not match:
        raise ValueError("is empty")
    iteration: int | None = 1
    if match.group("every"):
        iteration = EVERY
    elif match.group("final"):
        iteration = FINAL
    elif match.group("iteration"):
        iteration = int(match.group("iteration"))
        if iteration < 1:
            raise ValueError("iteration numbers start at 1")
    place = match.group("place")
    if place in PHASES:
        return Anchor(text, "phase", place, iteration)
    kind, _, name = place.partition(":")
    if kind not in ANCHOR_KINDS:
        raise ValueError(
            f'"{place}" is not a phase ({", ".join(PHASES)}) or KIND:NAME with a kind of '
            f"--trace jsonl ({', '.join(ANCHOR_KINDS)})"
        )
    field = ANCHOR_KINDS[kind]
    if field is None:
        if name:
            raise ValueError(f'the kind "{kind}" takes no name: write "{kind}:"')
        return Anchor(text, kind, "", iteration)
    if field == "bias" and name and not name.startswith("bias:"):
        name = f"bias:{name}"
    known = {
        "node": nodes,
        "weight": tuple(e for e in elements if "->" in e),
        "bias": tuple(e for e in elements if e.startswith("bias:")),
    }[field]
    if name not in known:
        raise ValueError(f'{kind} needs {_what(field)}; "{name}" is not one{_close(name, known)}')
    return Anchor(text, kind, name, iteration)


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def check_placeholder(inner: str, places) -> str:
    """'' if `{inner}` names a known number, else what is wrong with it. `places` has the
    scenario's names: nodes, computed (not inputs), outputs, elements (weights, biases)."""
    kind, _, name = inner.partition(":")
    if kind not in PLACEHOLDERS:
        return f"unknown placeholder {{{inner}}}; known: " + ", ".join(
            f"{{{k}}}" if PLACEHOLDERS[k] is None else f"{{{k}:...}}" for k in PLACEHOLDERS
        )
    what = PLACEHOLDERS[kind]
    if what is None:
        return f"{{{kind}}} takes no name" if name else ""
    known, noun = {
        "node": (places.nodes, "a node"),
        "computed": (places.computed, "a node after the inputs"),
        "output": (places.outputs, "an output node"),
        "node_or_element": (
            places.computed + places.elements,
            "a node after the inputs, a weight FROM->TO or bias:NODE",
        ),
        "element": (places.elements, "a weight FROM->TO or bias:NODE"),
    }[what]
    if name not in known:
        return f"{{{inner}}}: {kind} needs {noun}; {name or 'nothing'} is not one" + _close(
            name, known
        )
    return ""


def _what(field: str) -> str:
    return {"node": "a node", "weight": "a weight FROM->TO", "bias": "bias:NODE"}[field]


def _close(name: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


# -- where anchors land, what numbers are known ----------------------------------------


@dataclass
class _Index:
    """One iteration's anchors (first offset of each) and numbers (offset known, value)."""

    anchors: dict[tuple[str, str], int]
    numbers: dict[tuple, tuple[int, float]]


_CACHE: dict[int, tuple[Any, _Index]] = {}


def _index(trace: Trace, record: Iteration) -> _Index:
    cached = _CACHE.get(id(record))
    if cached is not None and cached[0] is record:
        return cached[1]
    anchors: dict[tuple[str, str], int] = {}
    numbers: dict[tuple, tuple[int, float]] = {}
    for offset, step in enumerate(record.steps):
        anchors.setdefault(("phase", step.phase), offset)
        if step.kind in ANCHOR_KINDS:
            field = ANCHOR_KINDS[step.kind]
            anchors.setdefault((step.kind, getattr(step, field) if field else ""), offset)
        for key, value in _revealed(step, trace.scenario.inputs):
            numbers.setdefault(key, (offset, value))
    if len(_CACHE) > 16:
        _CACHE.clear()
    index = _Index(anchors, numbers)
    _CACHE[id(record)] = (record, index)
    return index


def _revealed(step: Step, inputs: tuple[str, ...]):
    """(placeholder key, value) pairs of the numbers a step shows."""
    n, p = step.numbers, step.point
    kind = step.kind
    if kind == "input":
        yield from ((("value", p, name), v) for name, v in zip(inputs, n["inputs"], strict=True))
    elif kind == "weighted_sum":
        yield ("z", p, step.node), n["pre_activation"]
    elif kind == "node_value":
        yield ("z", p, step.node), n["pre_activation"]
        yield ("value", p, step.node), n["value"]
    elif kind == "error":
        yield ("error", p, step.node), n["error"]
    elif kind == "loss":
        yield ("loss",), n["loss"]
    elif kind == "node_slope":
        yield ("slope", p, step.node), n["slope"]
    elif kind in ("weight_slope", "bias_slope"):
        yield ("slope", step.weight or step.bias), n["slope"]
    elif kind in ("weight_update", "bias_update"):
        yield ("new", step.weight or step.bias), n["new"]


def anchor_offset(trace: Trace, record: Iteration, anchor: Anchor) -> int | None:
    """Offset within the iteration where the anchor lands, or None if it has no such step."""
    if anchor.iteration is EVERY:
        if record.final:
            return None
    elif anchor.iteration == FINAL:
        if not record.final:
            return None
    elif anchor.iteration != record.number:
        return None
    return _index(trace, record).anchors.get(anchor.key)


class Unreached(Exception):
    """A placeholder names a number the lesson has not shown at this place."""


def value_of(
    trace: Trace, record: Iteration, offset: int, inner: str, covered_from: int | None = None
) -> float:
    """The number a placeholder names at a place; Unreached if not shown by then (or
    first shown at or after `covered_from`: a step still covered in reveal mode)."""
    kind, _, name = inner.partition(":")
    point = record.shown_point[offset]
    if kind == "lr":
        return trace.learning_rate(record.number)
    if kind == "point":
        return point + 1
    if kind == "batch_size":
        return len(record.batch)
    if kind == "target":
        outputs = trace.scenario.layers[-1].nodes
        return float(trace.scenario.targets[point, outputs.index(name)])
    if kind == "weight":
        return record.params.value(trace.position(name))
    if kind == "value" and name in trace.scenario.inputs:
        return float(trace.scenario.data_inputs[point, trace.scenario.inputs.index(name)])
    if kind == "loss":
        key: tuple = ("loss",)
    elif kind in ("slope", "new") and ("->" in name or name.startswith("bias:")):
        key = (kind, name)
    else:
        key = (kind, point, name)
    known = _index(trace, record).numbers.get(key)
    if known is None or known[0] > offset:
        raise Unreached(inner)
    if covered_from is not None and known[0] >= covered_from:
        raise Unreached(inner)
    return known[1]


def fill(
    trace: Trace, record: Iteration, offset: int, text: str, covered_from: int | None = None
) -> str:
    """The note's text with every placeholder replaced by its number at `offset`
    ("?" for one not shown by then). A negative factor of a product is written in
    brackets, as the formulas write it: `× {weight:b->out}` gives `× (-1)`."""

    def replace(match: re.Match) -> str:
        inner = match.group(1)
        try:
            number = value_of(trace, record, offset, inner, covered_from)
        except (Unreached, KeyError, ValueError, IndexError):
            return "?"
        before, after = text[: match.start()], text[match.end() :]
        factor = before.rstrip().endswith("×") or after.lstrip().startswith("×")
        if factor and not before.endswith("("):
            return fmt_factor(number, trace.decimals)
        return fmt(number, trace.decimals)

    return PLACEHOLDER.sub(replace, text)


# -- what a step shows --------------------------------------------------------------


@dataclass(frozen=True)
class ShownNote:
    offset: int  # where within the iteration it first shows
    text: str  # filled


def notes_in(trace: Trace, number: int, covered_at: int | None = None) -> list[ShownNote]:
    """The notes of one iteration, filled, in lesson order; numbers first shown at
    offset `covered_at` (a step still covered in reveal mode) stay "?"."""
    record = trace.iteration(number)
    shown = []
    for note in trace.scenario.notes:
        offset = anchor_offset(trace, record, note.at)
        if offset is None:
            continue
        covered_from = covered_at
        if covered_at == offset:  # a note at the covered step gives none of its numbers
            covered_from = 0
        text = note.text if note.plain else fill(trace, record, offset, note.text, covered_from)
        shown.append(ShownNote(offset, text))
    shown.sort(key=lambda n: n.offset)
    return shown


def notes_at(trace: Trace, index: int, pending: bool = False) -> list[str]:
    """Notes shown at step `index`: those of its phase anchored at or before it.
    `pending`: the step's own numbers are still covered (reveal mode)."""
    number, offset = trace.iteration_of(index)
    steps = trace.iteration(number).steps
    phase = steps[offset].phase
    notes = notes_in(trace, number, offset if pending else None)
    return [n.text for n in notes if n.offset <= offset and steps[n.offset].phase == phase]


def notes_starting_at(trace: Trace, index: int) -> list[str]:
    """Notes that first show at step `index` (for --trace and the handout)."""
    number, offset = trace.iteration_of(index)
    return [n.text for n in notes_in(trace, number) if n.offset == offset]


def slide_at(trace: Trace, index: int) -> tuple[SlideMark, float] | None:
    """The slide's record at step `index`, with the number computed there."""
    number, offset = trace.iteration_of(index)
    record = trace.iteration(number)
    for mark in trace.scenario.slides:
        if anchor_offset(trace, record, mark.at) == offset:
            step = record.steps[offset]
            return mark, float(step.numbers[OWN_NUMBER[step.kind]])
    return None


def slide_text(trace: Trace, index: int) -> str:
    """One line for a step the slide printed differently: both numbers and why."""
    found = slide_at(trace, index)
    if found is None:
        return ""
    mark, value = found
    printed, computed = fmt(mark.printed, trace.decimals), fmt(value, trace.decimals)
    text = f"The slide prints {printed} here; computed: {computed}"
    if not mark.why:
        return text
    number, offset = trace.iteration_of(index)
    return f"{text} ({fill(trace, trace.iteration(number), offset, mark.why)})"


# -- the check ------------------------------------------------------------------------


def _iterations_to_check(trace: Trace, anchor: Anchor) -> list[int]:
    """Iteration numbers whose shape the anchor must fit (one of each distinct shape)."""
    if anchor.iteration == FINAL:
        return [trace.iterations]
    if anchor.iteration is not EVERY:
        return [anchor.iteration]
    shapes = {1, max(trace.updates, 1)}
    if trace.scenario.has_targets and trace.updates >= trace.batches_per_epoch:
        shapes.add(trace.batches_per_epoch)  # an epoch's last batch may be smaller
    return sorted(shapes)


def _in_iteration(anchor: Anchor, trace: Trace) -> str:
    if anchor.iteration is EVERY:
        return ""
    if anchor.iteration == FINAL:
        if not trace.scenario.has_targets:
            return "; the lesson has no training, so no pass after it"
        return " in the pass after training"
    return f" in iteration {anchor.iteration}"


def check_notes(trace: Trace) -> None:
    """Every anchor lands somewhere and every placeholder is reached by then;
    a ScenarioError names the note, the place and the placeholder."""
    scenario = trace.scenario
    records = [
        (f"notes[{i}]", note.at, None if note.plain else note.text)
        for i, note in enumerate(scenario.notes)
    ]
    records += [(f"slide[{i}]", mark.at, mark.why) for i, mark in enumerate(scenario.slides)]
    for where, anchor, text in records:
        landed = False
        for number in _iterations_to_check(trace, anchor):
            if not 1 <= number <= trace.iterations:
                raise ScenarioError(
                    scenario.path,
                    f"{where}.at",
                    f'"{anchor.text}": iteration {number} is outside 1..{trace.iterations}',
                )
            record = trace.iteration(number)
            offset = anchor_offset(trace, record, anchor)
            if offset is None:
                continue
            landed = True
            for inner in placeholders(text or ""):
                try:
                    value_of(trace, record, offset, inner)
                except Unreached:
                    step = record.steps[offset]
                    raise ScenarioError(
                        scenario.path,
                        f"{where}.{'text' if where.startswith('notes') else 'why'}",
                        f"placeholder {{{inner}}} names a number the lesson has not reached "
                        f'at "{anchor.text}" (step {step.number}, {step.kind})',
                        "anchor the note later, or leave the number out",
                    ) from None
        if not landed:
            raise ScenarioError(
                scenario.path,
                f"{where}.at",
                f'"{anchor.text}": the lesson has no such step' + _in_iteration(anchor, trace),
            )
