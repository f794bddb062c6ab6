"""Plain-text and JSON Lines accounts of a trace (no Textual here)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from tui_backprop.trace import Trace


def iteration_heading(trace: Trace, number: int) -> str:
    scenario = trace.scenario
    record = trace.iteration(number)
    points = ", ".join(str(int(p) + 1) for p in record.batch)
    if not scenario.has_targets:
        return f"Forward pass (points {points})"
    if record.final:
        return f"After training: forward pass and loss on the trained weights (points {points})"
    return (
        f"Epoch {record.epoch} of {scenario.epochs}, iteration {number} of {trace.updates} "
        f"(points {points})"
    )


def write_text(trace: Trace, out: TextIO) -> None:
    scenario = trace.scenario
    out.write(f"{scenario.title}\n{'=' * len(scenario.title)}\n")
    for line in (scenario.description, scenario.source and f"Source: {scenario.source}"):
        if line:
            out.write(f"{line}\n")
    width = len(str(len(trace)))
    for number in range(1, trace.iterations + 1):
        out.write(f"\n{iteration_heading(trace, number)}\n")
        phase = None
        for step in trace.iteration(number).steps:
            if step.phase != phase:
                phase = step.phase
                out.write(f"  {phase}\n")
            out.write(f"    {step.number:>{width}}. {step.text}\n")


def write_jsonl(steps: Iterable, out: TextIO) -> None:
    for step in steps:
        out.write(json.dumps(step.to_json(), ensure_ascii=False, allow_nan=False) + "\n")
