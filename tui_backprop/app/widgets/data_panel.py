"""The data as the slides' table, for the points of the current step or batch.

Plain lines with right-aligned columns and a fixed number of rows (the lesson screen
decides how many): never wrapped; with many inputs or outputs the columns are condensed
and the current point's full vectors go to the narration.
"""

from __future__ import annotations

from textual.content import Content

from tui_backprop.app.widgets.text_rows import TextRows
from tui_backprop.view import DataRow, StepView


def visible_rows(view: StepView, count: int) -> list[DataRow]:
    """`count` rows: all when they fit, else the batch's, a window around the current."""
    rows = list(view.rows)
    if len(rows) > count:
        batch = [row for row in rows if row.in_batch] or rows
        rows = batch if len(batch) <= count else batch
    if len(rows) > count:
        current = next((i for i, row in enumerate(rows) if row.current), 0)
        start = max(0, min(current - count // 2, len(rows) - count))
        rows = rows[start : start + count]
    return rows


def table_lines(
    view: StepView,
    inputs: tuple[str, ...],
    outputs: tuple[str, ...],
    has_targets: bool,
    count: int,
    width: int,
) -> tuple[list[tuple[str, str]], bool]:
    """(text, style) lines, and whether columns had to be condensed to fit `width`."""
    rows = visible_rows(view, count)
    focus = view.step.node if view.step.node in outputs else outputs[0]
    for condensed in (0, 1, 2, 3):
        short = condensed == 3
        header = ["", "pt" if short else "point"]
        if condensed:
            header.append("inputs")
        else:
            header += list(inputs)
        many = condensed >= 2 and len(outputs) > 1
        names = f" ({focus})" if many else ""
        words = (
            (
                "pred",
                "target",
                view.error_column,
                view.point_loss_column.replace("squared error", "sq. err"),
            )
            if short
            else ("prediction", "target", view.error_column, view.point_loss_column)
        )
        header.append(words[0] + names)
        if has_targets:
            header += [words[1] + names, words[2] + names, words[3]]
        body = []
        for row in rows:
            mark = "▶" if row.current else ("•" if row.in_batch else " ")
            cells = [mark, str(row.point)]
            if condensed:
                shown = row.inputs[:2] + (("…",) if len(row.inputs) > 2 else ())
                cells.append(", ".join(shown))
            else:
                cells += list(row.inputs)
            picks = [row.prediction] + ([row.target, row.error] if has_targets else [])
            if many:
                j = outputs.index(focus)
                picks = [p.split(", ")[j] if p else "" for p in picks]
            cells.append(picks[0] or "·")
            if has_targets:
                cells += [picks[1], picks[2] or "·", row.squared_error or "·"]
            body.append((cells, "bold" if row.in_batch else "dim"))
        widths = [
            max(len(cells[i]) for cells in [header] + [c for c, _ in body])
            for i in range(len(header))
        ]

        def line(cells: list[str], widths=widths) -> str:
            return "  ".join(cell.rjust(w) for cell, w in zip(cells, widths, strict=True))

        lines = [(line(header), "bold")] + [(line(c), s) for c, s in body]
        if max(len(text) for text, _ in lines) <= width:
            break
    more = len(view.rows) + view.hidden_rows - len(rows)
    if has_targets:
        total = view.total_error if view.total_error is not None else "·"
        loss = view.loss if view.loss is not None else "·"
        tail = f"   ({more} more points)" if more else ""
        lines.append((f"{view.total_label} {total}   loss {loss}{tail}", "bold"))
    return lines, bool(condensed)


class DataPanel(TextRows):
    """Header, a fixed number of point rows, and the loss line."""

    DEFAULT_CSS = """
    DataPanel {
        padding: 0 1;
        color: $foreground;
        background: $background;
    }
    """

    condensed = False

    def show(self, view: StepView, inputs, outputs, has_targets: bool, count: int) -> None:
        lines, self.condensed = self.lines_for(view, inputs, outputs, has_targets, count)
        self.set_lines(lines)

    def lines_for(
        self, view: StepView, inputs, outputs, has_targets: bool, count: int
    ) -> tuple[list[Content], bool]:
        """The lines, and whether the columns were condensed."""
        lines, condensed = table_lines(
            view, inputs, outputs, has_targets, count, max(self.size.width - 2, 40)
        )
        return [Content.styled(text, style) for text, style in lines], condensed
