"""Data points from a CSV file: a header row naming the columns, then one row per point.

Columns: one per network input; for targets, one per output node, or `target` for a
single output, or (cross-entropy) one `class` column holding a 0-based index or an
output node's name. Every mistake is a ScenarioError naming the CSV file, its line and
the column.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tui_backprop.errors import ScenarioError


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def read_points(
    path: Path,
    inputs: list[str],
    outputs: tuple[str, ...],
    loss: str,
    class_of: Callable[..., int],
    max_bytes: int,
    max_points: int,
):
    """(inputs, targets or None, (file, line of row r)) from the CSV file at `path`."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(shown, "", f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise ScenarioError(shown, "", f"is {len(raw):,} bytes; at most {max_bytes:,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(
            shown, "", "is not UTF-8 text", "save the file with UTF-8 encoding"
        ) from None
    reader = csv.reader(io.StringIO(text))
    try:
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise ScenarioError(shown, f"line {reader.line_num}", f"is not valid CSV: {exc}") from None
    if not rows:
        raise ScenarioError(
            shown, "", "is empty", f"a header row first: {', '.join([*inputs, *outputs])}"
        )
    header_line, header = rows[0]
    columns = [cell.strip() for cell in header]
    allowed = [*inputs, *outputs]
    if len(outputs) == 1:
        allowed.append("target")
    if loss == "cross_entropy":
        allowed.append("class")
    for c, column in enumerate(columns):
        if column not in allowed:
            close = difflib.get_close_matches(column, allowed, n=1, cutoff=0.6)
            raise ScenarioError(
                shown,
                f"line {header_line}, column {c + 1}",
                f'unknown column "{column}"',
                f'did you mean "{close[0]}"?' if close else "columns: " + ", ".join(allowed),
            )
        if columns.count(column) > 1:
            raise ScenarioError(shown, f"line {header_line}", f'column "{column}" is named twice')
    for name_ in inputs:
        if name_ not in columns:
            raise ScenarioError(
                shown,
                f"line {header_line}",
                f'missing column "{name_}" (one column per network input)',
            )
    target_columns = [c for c in columns if c in outputs or c in ("target", "class")]
    if "class" in target_columns and len(target_columns) > 1:
        raise ScenarioError(
            shown,
            f"line {header_line}",
            'a "class" column replaces the output columns; give one or the other',
        )
    if target_columns and target_columns != ["class"] and target_columns != ["target"]:
        for name_ in outputs:
            if name_ not in columns:
                raise ScenarioError(
                    shown,
                    f"line {header_line}",
                    f'missing column "{name_}" (one column per output node, or none)',
                )
    body = rows[1:]
    if not body:
        raise ScenarioError(shown, "", "has a header but no data rows")
    if len(body) > max_points:
        raise ScenarioError(shown, "", f"has {len(body)} rows; at most {max_points}")
    data_inputs = np.empty((len(body), len(inputs)))
    targets = np.zeros((len(body), len(outputs))) if target_columns else None
    for r, (line, row) in enumerate(body):
        if len(row) != len(columns):
            raise ScenarioError(
                shown,
                f"line {line}",
                f"has {_count(len(row), 'value')}; the header has {len(columns)}",
            )
        for column, cell in zip(columns, row, strict=True):
            where = f'line {line}, column "{column}"'
            if column == "class":
                targets[r, class_of(cell, where, outputs, shown)] = 1.0
                continue
            try:
                value = float(cell)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise ScenarioError(shown, where, f'"{cell.strip()}" is not a finite number')
            if column in inputs:
                data_inputs[r, inputs.index(column)] = value
            else:
                targets[r, 0 if column == "target" else outputs.index(column)] = value
    lines = [line for line, _ in body]
    return data_inputs, targets, (shown, lambda r: f"line {lines[r]}")
