"""The data as the slides' table: prediction, target, error, squared error.

Plain Content lines with right-aligned columns: a Rich Table re-laid out on every
step cost up to 60 ms on the big network; these lines cost well under one.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_backprop.view import StepView

MAX_INPUT_COLUMNS = 4  # more inputs than this share one column


class DataPanel(Static):
    _shape: tuple = ()

    def show(self, view: StepView, inputs: tuple[str, ...], has_targets: bool) -> None:
        merged = len(inputs) > MAX_INPUT_COLUMNS
        header = ["", "point", *(["inputs"] if merged else inputs), "prediction"]
        if has_targets:
            header += ["target", view.error_column, view.point_loss_column]
        rows = []
        for row in view.rows:
            mark = "▶" if row.current else ("•" if row.in_batch else " ")
            shown = row.inputs
            if merged:
                shown = (", ".join(row.inputs[: MAX_INPUT_COLUMNS - 1]) + ", …",)
            cells = [mark, str(row.point), *shown, row.prediction or "·"]
            if has_targets:
                cells += [row.target, row.error or "·", row.squared_error or "·"]
            rows.append((cells, "bold" if row.in_batch else "dim"))
        widths = [
            max(len(cells[i]) for cells in [header] + [c for c, _ in rows])
            for i in range(len(header))
        ]

        def line(cells: list[str]) -> str:
            return "  ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True))

        lines = [Content.styled(line(header), "bold")]
        lines += [Content.styled(line(cells), style) for cells, style in rows]
        if view.hidden_rows:
            lines.append(Content.styled(f"   … and {view.hidden_rows} more points", "dim"))
        if has_targets:
            total = view.total_error if view.total_error is not None else "·"
            loss = view.loss if view.loss is not None else "·"
            lines.append(Content.styled(f"{view.total_label} {total}   loss {loss}", "bold"))
        shape = (len(lines), has_targets)
        self.update(Content("\n").join(lines), layout=shape != self._shape)  # same height
        self._shape = shape
