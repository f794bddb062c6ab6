"""Lecture tools on top of stepping: what-if edits, gradient check, decimals, pictures.

A base class of LessonScreen, so these bindings merge with the stepping keys while
the code stays apart from the core of the lesson screen.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from textual.content import Content
from textual.screen import Screen

from tui_backprop.app.actions import TOOLS, bindings
from tui_backprop.app.screens.ask_value import AskValueScreen
from tui_backprop.app.screens.bookmarks import BookmarksScreen
from tui_backprop.gradcheck import TOLERANCE_TEXT, check_iteration
from tui_backprop.numbers import fmt
from tui_backprop.param import Param
from tui_backprop.places import resolve_place
from tui_backprop.trace import Trace

if TYPE_CHECKING:  # the classroom (and platformdirs) load only when a room is used
    from tui_backprop.classroom.room import Edit

DECIMAL_CHOICES = (2, 3, 4, 6, 8)


def parse_number(text: str) -> float:
    """A finite number typed by a person ("0,5" is read as 0.5); ValueError otherwise."""
    cleaned = text.strip().replace("−", "-").replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", cleaned):
        raise ValueError(f'"{text}" is not a number')
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(f'"{text}" is not a finite number')
    return value


def is_weight(element: str | None) -> bool:
    return Param.is_name(element)


class LectureToolsScreen(Screen):
    BINDINGS = bindings(TOOLS)

    gradient_check = False
    _checked: tuple = (None, {})  # ((trace, iteration, edits), checks): one iteration's
    chosen_decimals: int | None = None
    what_if_edits: tuple[Edit, ...] = ()  # classroom: the edits as plain data, for followers

    # -- what if ------------------------------------------------------------------

    def action_edit_weight(self) -> None:
        element = self.details
        if not is_weight(element):
            self.notify("Select a weight first: click it, or press w.", title="Edit a weight")
            return
        number, _ = self.trace.iteration_of(self.index)
        record = self.trace.iteration(number)
        current = record.params.value(self.trace.position(element))

        def apply(text: str | None) -> None:
            if text is None:
                return
            try:
                value = parse_number(text)
            except ValueError as error:
                self.notify(f"{error}; nothing changed.", title="Edit a weight", severity="error")
                return
            self.trace.set_weight(number, element, value)
            from tui_backprop.classroom.room import Edit

            self.what_if_edits = (*self.what_if_edits, Edit("weight", number, value, element))
            self.go(self.trace.first_index(number))
            self.notify(
                f"{element} = {fmt(value, 8)} from iteration {number}; "
                "press u for the file's values."
            )

        self.app.push_screen(
            AskValueScreen(
                f"New value for {element} at the start of iteration {number}:", fmt(current, 8)
            ),
            apply,
        )

    def action_edit_learning_rate(self) -> None:
        if not self.trace.updates:
            self.notify("This scenario has no training, so no learning rate.")
            return
        number, _ = self.trace.iteration_of(self.index)
        number = min(number, self.trace.updates)

        def apply(text: str | None) -> None:
            if text is None:
                return
            try:
                rate = parse_number(text)
                if rate <= 0:
                    raise ValueError("the learning rate must be positive")
                self.trace.set_learning_rate(number, rate)
                from tui_backprop.classroom.room import Edit

                self.what_if_edits = (*self.what_if_edits, Edit("learning_rate", number, rate))
            except ValueError as error:
                self.notify(f"{error}; nothing changed.", title="Learning rate", severity="error")
                return
            self.go(self.trace.first_index(number))

        self.app.push_screen(
            AskValueScreen(
                f"Learning rate from iteration {number} on:",
                fmt(self.trace.learning_rate(number), 8),
            ),
            apply,
        )

    def action_use_file_values(self) -> None:
        if not self.trace.departures:
            self.notify("Already showing the file's values.")
            return
        self.trace = Trace(self.scenario, decimals=self.trace.decimals)
        self.what_if_edits = ()
        self.show()
        self.notify("Back to the file's values.")

    # -- checks and display ----------------------------------------------------------

    def action_toggle_gradient_check(self) -> None:
        self.gradient_check = not self.gradient_check
        self.show()

    def gradient_check_lines(self) -> list[Content]:
        """Each slope shown so far beside its finite-difference estimate."""
        if not self.gradient_check or self.view is None:
            return []
        number, _ = self.trace.iteration_of(self.index)
        key = (self.trace, number, len(self.trace.departures))
        if self._checked[0] != key:  # the same iteration's steps share one check
            self._checked = (key, check_iteration(self.trace, number))
        checks = self._checked[1]
        shown = [w for w in self.view.weights.values() if w.slope is not None]
        if not checks or not shown:
            return [Content.styled("Gradient check: no slopes yet in this step.", "$text-muted")]
        d = self.decimals
        current = self.view.step.weight
        lines = [
            Content.styled(
                f"Gradient check: backprop ✓ finite difference (central; {TOLERANCE_TEXT})", "bold"
            )
        ]
        entries = []
        for weight in shown:
            check = checks.get(weight.name)
            if check is None:
                continue
            mark = (
                Content.styled("✓", "$text-success")
                if check.ok
                else Content.styled("✗", "$text-error")
            )
            entry = Content.assemble(
                f"{weight.name} {fmt(check.backprop, d)} ",
                mark,
                f" fd {fmt(check.finite_difference, d)}",
            )
            if weight.name == current:
                entry = Content.assemble(
                    Content.styled("▶ ", "$text-accent"),
                    entry,
                    f" (rel. diff {check.relative_difference:.1e})",
                )
                lines.insert(1, Content.assemble("  ", entry))
                continue
            entries.append(entry)
        width = self.query_one("#narration").size.width or self.app.size.width
        per_line = max(1, width // 30)
        for start in range(0, len(entries), per_line):
            row = entries[start : start + per_line]
            lines.append(
                Content.assemble(
                    "  ", *[Content.assemble(e, " " * max(1, 30 - e.cell_length)) for e in row]
                ).rstrip()
            )
        return lines

    def action_toggle_animation(self) -> None:
        """Animation on or off for this run (TEXTUAL_ANIMATIONS=none starts it off)."""
        off = self.app.animation_level != "none"
        self.app.animation_level = "none" if off else "full"
        self.show()  # a running animation ends at once
        self.notify("Animation off" if off else "Animation on", timeout=1.5)

    def action_cycle_decimals(self) -> None:
        current = self.decimals
        later = [d for d in DECIMAL_CHOICES if d > current]
        self.chosen_decimals = later[0] if later else DECIMAL_CHOICES[0]
        self.trace.set_decimals(self.chosen_decimals)
        self.show()
        self.notify(f"{self.chosen_decimals} decimals", timeout=1.5)

    def action_screenshot(self) -> None:
        from tui_backprop.app.downloads import screenshot

        screenshot(self)

    def action_handout(self) -> None:
        from tui_backprop.app.downloads import handout

        handout(self)

    def action_bookmarks(self) -> None:
        bookmarks = self.scenario.bookmarks
        if not bookmarks:
            self.notify("This scenario has no bookmarks ([[bookmarks]] in its file).")
            return

        def jump(name: str | None) -> None:
            if name is None:
                return
            try:
                self.go(resolve_place(self.trace, name))
            except ValueError as error:
                self.notify(str(error), title="Bookmark", severity="error")

        self.app.push_screen(BookmarksScreen(bookmarks), jump)
