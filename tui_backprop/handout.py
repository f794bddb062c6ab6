"""A Markdown handout of a lesson: the same steps, numbers and order as the app.

No Textual here: the handout is written from the Trace alone, so it can be printed from
the command line (``--handout FILE.md``) and checked by a golden-file test.
"""

from __future__ import annotations

import re
from typing import TextIO

import numpy as np

from tui_backprop.functions import LOSSES
from tui_backprop.notes import notes_in, slide_text
from tui_backprop.numbers import fmt
from tui_backprop.scenario import Layer
from tui_backprop.trace import Iteration, Step, Trace
from tui_backprop.writers import iteration_heading

PHASE_TITLES = {
    "forward": "Forward pass",
    "loss": "Loss",
    "backward": "Backward pass",
    "update": "Update",
}

FULL_RUN_MAX = 3  # runs with more updates show iterations 1 and 2, a loss table, the final pass
MAX_LOSS_ROWS = 200  # longer loss tables show every k-th iteration (first and last always)

_MARKUP = re.compile(r"([\\`*\[\]<])")
_LINE_START = re.compile(r"^([ \t]*)([>#]|[+-](?=\s))", re.MULTILINE)
_LONE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")


def md(text: str) -> str:
    """Text shown as it is: Markdown's emphasis, code, link and HTML characters escaped,
    and a line that would start a quote, heading or list.

    An underscore inside a word (``h1_1``) is left alone: it cannot start emphasis.
    """
    text = _MARKUP.sub(r"\\\1", str(text))
    text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _LONE_UNDERSCORE.sub(r"\\_", text)


def cell(text: str) -> str:
    """A table cell: escaped, '|' escaped, on one line."""
    return md(" ".join(str(text).split())).replace("|", "\\|")


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(cell(h) for h in header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_handout(trace: Trace, out: TextIO) -> None:
    """Write the whole lesson of `trace` to `out` as one Markdown document."""
    _Handout(trace, out).write()


class _Handout:
    def __init__(self, trace: Trace, out: TextIO) -> None:
        self.trace = trace
        self.scenario = trace.scenario
        self.out = out
        self.started = False

    def f(self, x: float) -> str:
        return fmt(x, self.trace.decimals)

    def block(self, text: str) -> None:
        """One Markdown block, apart from the one before by a blank line."""
        if self.started:
            self.out.write("\n")
        self.started = True
        self.out.write(text.rstrip("\n") + "\n")

    # -- the document ------------------------------------------------------------

    def write(self) -> None:
        self.write_header()
        self.write_network()
        self.write_data()
        self.write_lesson()

    def write_header(self) -> None:
        scenario = self.scenario
        self.block(f"# {md(_one_line(scenario.title))}")
        if scenario.description.strip():
            self.block(md(scenario.description.strip()))
        if scenario.source.strip():
            self.block(f"Source: {md(scenario.source.strip())}")

    def write_network(self) -> None:
        scenario = self.scenario
        self.block("## The network")
        inputs = ", ".join(md(n) for n in scenario.inputs)
        lines = [f"- Inputs: {inputs}"]
        if scenario.has_targets:
            lines.append(f"- Loss: {scenario.loss} ({LOSSES[scenario.loss].meaning})")
            lines.append(f"- Learning rate: {self.f(scenario.learning_rate)}")
            lines.append(
                f"- Batch size: {scenario.batch_size} of {scenario.points} points; "
                f"epochs: {scenario.epochs}; updates: {self.trace.updates}"
            )
            if scenario.shuffle:
                lines.append(f"- Points reshuffled every epoch (seed {scenario.seed})")
        self.block("\n".join(lines))
        previous = scenario.inputs
        for index, layer in enumerate(scenario.layers):
            self.write_layer(index, layer, previous)
            previous = layer.nodes

    def write_layer(self, index: int, layer: Layer, previous: tuple[str, ...]) -> None:
        output = index == len(self.scenario.layers) - 1
        where = "output layer" if output else f"layer {index + 1}"
        self.block(f"### {md(_one_line(layer.name))} ({where}, {layer.activation})")
        header = ["node", "activation", *(f"from {name}" for name in previous), "bias"]
        rows = []
        for j, node in enumerate(layer.nodes):
            if layer.bias is None:
                bias = "none"
            else:
                bias = self.f(layer.bias[j]) + ("" if layer.train_bias else " (fixed)")
            weights = [self.f(w) for w in layer.weights[j]]
            rows.append([node, layer.activation, *weights, bias])
        self.block(table(header, rows))

    def write_data(self) -> None:
        scenario = self.scenario
        self.block("## The data")
        outputs = scenario.layers[-1].nodes
        header = ["point", *scenario.inputs]
        if scenario.has_targets:
            header += ["target"] if len(outputs) == 1 else [f"target {n}" for n in outputs]
        rows = []
        for p in range(scenario.points):
            row = [str(p + 1), *(self.f(v) for v in scenario.data_inputs[p])]
            if scenario.has_targets:
                row += [self.f(t) for t in scenario.targets[p]]
            rows.append(row)
        self.block(table(header, rows))
        if not scenario.has_targets:
            self.block("No targets: the lesson is one forward pass.")

    # -- the lesson ----------------------------------------------------------------

    def write_lesson(self) -> None:
        trace = self.trace
        updates = trace.updates
        if updates <= FULL_RUN_MAX:
            for number in range(1, trace.iterations + 1):
                self.write_iteration(number)
            return
        for number in (1, 2):
            self.write_iteration(number)
        self.write_loss_history()
        self.write_iteration(trace.iterations)

    def write_iteration(self, number: int) -> None:
        record = self.trace.iteration(number)
        self.block(f"## {md(iteration_heading(self.trace, number))}")
        notes: dict[int, list[str]] = {}
        for note in notes_in(self.trace, number) if self.scenario.notes else ():
            notes.setdefault(record.steps[note.offset].index, []).append(note.text)
        phases: dict[str, list[Step]] = {}
        for step in record.steps:
            phases.setdefault(step.phase, []).append(step)
        for phase, steps in phases.items():
            first, last = steps[0].number, steps[-1].number
            span = f"step {first}" if first == last else f"steps {first}–{last}"
            self.block(f"### {PHASE_TITLES.get(phase, phase)} ({span})")
            self.write_steps(steps, notes)
            if phase == "loss":
                self.write_loss_table(record, steps)

    def write_steps(self, steps: list[Step], notes: dict[int, list[str]]) -> None:
        """The numbered steps; after a step, what the slide printed there and the notes
        that first show there, as quotes."""
        run: list[str] = []
        for step in steps:
            run.append(f"{step.number}. {md(step.text)}")
            slide = slide_text(self.trace, step.index) if self.scenario.slides else ""
            quotes = [f"**Slide:** {md(slide)}"] if slide else []
            quotes += [md(note) for note in notes.get(step.index, ())]
            if quotes:
                self.block("\n".join(run))
                run = []
            for quote in quotes:
                self.block("\n".join(f"> {line}".rstrip() for line in quote.splitlines()))
        if run:
            self.block("\n".join(run))

    def write_loss_table(self, record: Iteration, steps: list[Step]) -> None:
        errors = [s for s in steps if s.kind == "error"]
        losses = [s for s in steps if s.kind == "loss"]
        if not losses:
            return
        loss = losses[-1].numbers
        outputs = self.scenario.layers[-1].nodes
        point_losses = [s for s in steps if s.kind == "point_loss"]
        if point_losses:  # cross-entropy: a row per point, its probabilities and its loss
            header = ["point", *(f"p({o})" for o in outputs), "target", "loss"]
            rows = [
                [
                    str(step.point + 1),
                    *(self.f(p) for p in step.numbers["predictions"]),
                    ", ".join(self.f(t) for t in step.numbers["targets"]),
                    self.f(step.numbers["point_loss"]),
                ]
                for step in point_losses
            ]
            blank = [""] * (len(header) - 2)
            rows.append(["mean", *blank, self.f(loss["loss"])])
            self.block(table(header, rows))
            name = self.scenario.loss
            self.block(f"Batch loss ({name}, {LOSSES[name].meaning}): {self.f(loss['loss'])}")
            return
        several = len(outputs) > 1
        header = [
            "point",
            *(["output"] if several else []),
            "prediction",
            "target",
            "error",
            "squared error",
        ]
        rows = []
        for step in errors:
            n = step.numbers
            rows.append(
                [
                    str(step.point + 1),
                    *([step.node] if several else []),
                    self.f(n["prediction"]),
                    self.f(n["target"]),
                    self.f(n["error"]),
                    self.f(n["squared_error"]),
                ]
            )
        count = len(loss["points"])
        blank = [""] * (len(header) - 2)
        rows.append(["total", *blank, self.f(loss["total"])])
        rows.append(["mean", *blank, self.f(loss["total"] / count)])
        self.block(table(header, rows))
        name = self.scenario.loss
        self.block(f"Batch loss ({name}, {LOSSES[name].meaning}): {self.f(loss['loss'])}")

    def write_loss_history(self) -> None:
        trace = self.trace
        updates = trace.updates
        self.block(f"## Iterations 3 to {updates}")
        self.block(
            f"Iterations 3 to {updates} repeat the same four phases on the updated weights; "
            "this handout leaves out their steps. The table gives the batch loss of every "
            "iteration, before its update. The final pass on the trained weights follows "
            "in full."
        )
        losses = trace.losses_until(updates)
        shown = _sampled(updates, MAX_LOSS_ROWS)
        if len(shown) < updates:
            self.block(
                f"({len(shown)} of the {updates} iterations are listed, evenly spaced, "
                "the first and the last included.)"
            )
        rows = [
            [str(number), str(trace.epoch_of(number)), self.f(losses[number - 1])]
            for number in shown
        ]
        self.block(table(["iteration", "epoch", "batch loss"], rows))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _sampled(count: int, limit: int) -> list[int]:
    """1..count, or `limit` of them evenly spaced with the first and the last."""
    if count <= limit:
        return list(range(1, count + 1))
    picks = np.linspace(1, count, limit).round().astype(int)
    return sorted({int(p) for p in picks})
