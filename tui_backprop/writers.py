"""Plain-text and JSON Lines accounts of a trace (no Textual here)."""

from __future__ import annotations

import json
from typing import TextIO

from tui_backprop.notes import notes_in, slide_at, slide_text
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
        notes = _notes_by_offset(trace, number)
        pad = " " * (width + 6)
        for offset, step in enumerate(trace.iteration(number).steps):
            if step.phase != phase:
                phase = step.phase
                out.write(f"  {phase}\n")
            out.write(f"    {step.number:>{width}}. {step.text}\n")
            slide = slide_text(trace, step.index) if trace.scenario.slides else ""
            if slide:
                out.write(f"{pad}slide: {slide}\n")
            for note in notes.get(offset, ()):
                out.write(f"{pad}note: {note}\n")


def write_jsonl(trace: Trace, out: TextIO) -> None:
    """One JSON object per step; a step where notes first show carries "note" (a string,
    or a list if several), and one the slide printed differently carries "slide"."""
    for number in range(1, trace.iterations + 1):
        notes = _notes_by_offset(trace, number)
        for offset, step in enumerate(trace.iteration(number).steps):
            record = step.to_json()
            here = notes.get(offset)
            if here:
                record["note"] = here[0] if len(here) == 1 else here
            found = slide_at(trace, step.index) if trace.scenario.slides else None
            if found:
                record["slide"] = {"printed": found[0].printed, "value": found[1]}
            out.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")


def _notes_by_offset(trace: Trace, number: int) -> dict[int, list[str]]:
    by_offset: dict[int, list[str]] = {}
    for note in notes_in(trace, number) if trace.scenario.notes else ():
        by_offset.setdefault(note.offset, []).append(note.text)
    return by_offset
