"""The data as the slides' table: prediction, target, error, squared error."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui_backprop.view import StepView


class DataPanel(Static):
    _shape: tuple = ()

    def show(self, view: StepView, inputs: tuple[str, ...], has_targets: bool) -> None:
        table = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
        table.add_column("", no_wrap=True)
        table.add_column("point", justify="right")
        for name in inputs:
            table.add_column(name, justify="right")
        table.add_column("prediction", justify="right")
        if has_targets:
            for column in ("target", "error", "squared error"):
                table.add_column(column, justify="right")
        for row in view.rows:
            mark = "▶" if row.current else ("•" if row.in_batch else " ")
            cells = [mark, str(row.point), *row.inputs, row.prediction or "·"]
            if has_targets:
                cells += [row.target, row.error or "·", row.squared_error or "·"]
            table.add_row(*cells, style="bold" if row.in_batch else "dim")
        if view.hidden_rows:
            table.add_row("", f"+{view.hidden_rows}", *[""] * (len(inputs)), "more points")
        if has_targets:
            total = view.total_error if view.total_error is not None else "·"
            loss = view.loss if view.loss is not None else "·"
            caption = Text(f"total squared error {total}   loss {loss}", style="bold")
            table.caption = caption
            table.caption_justify = "left"
        shape = (len(view.rows), view.hidden_rows > 0, has_targets)
        self.update(table, layout=shape != self._shape)  # same rows: same size
        self._shape = shape
