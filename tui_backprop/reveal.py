"""Reveal mode: a step's numbers covered with "?" and uncovered one at a time.

`slope(a2->b2) = 12 × 1 × 1 = 12` is shown as `slope(a2->b2) = ? × ? × ? = ?`; each
stage uncovers the next number, the result last. Which numbers are covered is read from
the step's formula text: what stands right of an "=" (or of a weight update's ":"),
except the constants of a formula written in words (the 2 of `2 × error`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from tui_backprop.view import StepView, build_view

if TYPE_CHECKING:
    from tui_backprop.trace import Step, Trace

COVER = "?"
NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?:e-?\d+)?(?![A-Za-z0-9_])")
_WORD = re.compile(r"[A-Za-z]{2,}")
NOTHING_TO_PREDICT = ("input",)  # the data is given, not computed


def covered_spans(step: Step) -> list[tuple[int, int]]:
    """(start, end) of each number of the formula that reveal mode covers, in order."""
    if step.kind in NOTHING_TO_PREDICT:
        return []
    text = step.text
    spans: list[tuple[int, int]] = []
    start = 0
    for clause in text.split("; "):
        spans += _clause_spans(clause, start, update=step.kind.endswith("_update"))
        start += len(clause) + 2
    return spans


def _clause_spans(clause: str, base: int, update: bool) -> list[tuple[int, int]]:
    # the label (left of the first "=", or of ": " in a weight update) stays
    mark = ": " if update else " = "
    label = clause.find(mark)
    if label < 0 and update:  # a momentum update's "new = ..." clause
        mark = " = "
        label = clause.find(mark)
    if label < 0:
        return []
    cut = label + len(mark)
    spans = []
    symbolic: list[str] | None = None  # tokens of a formula written in words
    position = cut
    for segment in clause[cut:].split(" = "):
        tokens = segment.split(" ")
        if _WORD.search(segment):  # e.g. "2 × error": its numbers are constants
            symbolic = tokens
        else:
            offset = 0
            for i, token in enumerate(tokens):
                constant = symbolic is not None and i < len(symbolic) and symbolic[i] == token
                if not constant:
                    for match in NUMBER.finditer(token):
                        at = base + position + offset + match.start()
                        spans.append((at, at + len(match.group())))
                offset += len(token) + 1
            symbolic = None
        position += len(segment) + 3
    return spans


def stages(step: Step) -> int:
    """How many presses uncover the whole step (0: nothing is covered)."""
    return len(covered_spans(step))


def covered_text(step: Step, shown: int) -> str:
    """The formula with all but the first `shown` covered numbers replaced by "?"."""
    text = step.text
    for start, end in reversed(covered_spans(step)[shown:]):
        text = text[:start] + COVER + text[end:]
    return text


def covered_factors(
    factors: tuple[tuple[str, str, str], ...], shown: int
) -> tuple[tuple[str, str, str], ...]:
    """A weight slope's three factors, in the formula's order, covered like it."""
    return tuple(
        (key, meaning, value if i < shown else COVER)
        for i, (key, meaning, value) in enumerate(factors)
    )


def covered_parts(
    step: Step, parts: tuple[tuple[str, str | None], ...], shown: int
) -> tuple[tuple[str, str | None], ...]:
    """The formula's pieces (text, role) with the same numbers covered as covered_text."""
    if "".join(text for text, _ in parts) != step.text:
        return ((covered_text(step, shown), None),)
    spans = covered_spans(step)[shown:]
    result, start = [], 0
    for text, role in parts:
        end = start + len(text)
        for left, right in reversed([s for s in spans if start <= s[0] < end]):
            text = text[: left - start] + COVER + text[right - start :]
        result.append((text, role))
        start = end
    return tuple(result)


def covered_view(trace: Trace, index: int, decimals: int, shown: int | None) -> StepView:
    """Step `index` as reveal mode shows it with `shown` numbers uncovered (None: all):
    its formula covered, and its own numbers kept out of the network, data and notes."""
    step = trace[index]
    if shown is None or shown >= stages(step):
        return build_view(trace, index, decimals)
    view = build_view(trace, index, decimals, pending=True)
    return replace(
        view,
        formula=covered_text(step, shown),
        formula_parts=covered_parts(step, view.formula_parts, shown),
        factors=covered_factors(view.factors, shown),
        slide="",
    )
