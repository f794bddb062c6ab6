"""Reveal mode and predict-then-check, mixed into the lesson screen.

The rules live below the app (tui_backprop.reveal, tui_backprop.predict); this only
keeps the state (how many numbers of the step are uncovered, the score) and asks.
"""

from __future__ import annotations

from tui_backprop.app.screens.ask_value import AskValueScreen
from tui_backprop.app.screens.lecture_tools import parse_number
from tui_backprop.predict import Score, can_predict, judge, question
from tui_backprop.reveal import stages

REVEAL_HELP = "Reveal mode: each step's numbers covered, one uncovered per Next"
PREDICT_HELP = "Predict the number this step computes (the next step's if it is shown)"


class NarrationTools:
    """State: reveal on/off, numbers uncovered at `_reveal_index`, the prediction score."""

    reveal = False
    _uncovered = 0  # numbers of the step at _reveal_index that are shown
    _reveal_index = -1
    _uncover_on_arrival = False  # stepping back: the earlier step arrives uncovered
    _asking = False  # a prediction is being typed: the step stays covered
    score: Score | None = None

    def numbers_shown(self) -> int | None:
        """How many of this step's numbers are uncovered (None: all of them)."""
        if self._reveal_index != self.index:
            self._reveal_index = self.index
            total = stages(self.trace[self.index])
            self._uncovered = total if self._uncover_on_arrival else 0
            self._uncover_on_arrival = False
        if self._asking:
            return 0
        return self._uncovered if self.reveal else None

    def reveal_status(self) -> str:
        """For the header: reveal mode and the score, once something was asked."""
        parts = []
        if self.reveal:
            total = stages(self.trace[self.index])
            parts.append(f"reveal {min(self._uncovered, total)}/{total}" if total else "reveal")
        if self.score is not None and self.score.asked:
            parts.append(str(self.score))
        return " · ".join(parts)

    def uncover_next(self) -> bool:
        """Next in reveal mode: uncover one more number; False when all are shown."""
        if not self.reveal or self._reveal_index != self.index:
            return False
        if self._uncovered >= stages(self.trace[self.index]):
            return False
        self._uncovered += 1
        self.show()
        return True

    def cover_previous(self) -> bool:
        """Back in reveal mode: cover the last uncovered number; False at none."""
        if not self.reveal or self._reveal_index != self.index or self._uncovered == 0:
            self._uncover_on_arrival = self.reveal
            return False
        self._uncovered = min(self._uncovered, stages(self.trace[self.index])) - 1
        self.show()
        return True

    def action_toggle_reveal(self) -> None:
        self.reveal = not self.reveal
        self._reveal_index = self.index
        self._uncovered = 0 if self.reveal else stages(self.trace[self.index])
        self.show()
        self.notify(
            "Reveal mode: numbers covered; Next uncovers one at a time."
            if self.reveal
            else "Reveal mode off: every number shown."
        )

    def action_predict(self) -> None:
        step = self.trace[self.index]
        uncovered = self.reveal and self._uncovered >= stages(step)
        if not self.reveal or uncovered or not can_predict(step):
            # the number is on screen already: ask about the next step's
            if self.index + 1 >= len(self.trace):
                self.notify("Nothing left to predict: this is the last step.")
                return
            self.go(self.index + 1)
            step = self.trace[self.index]
        if not can_predict(step):
            self.notify("Nothing to predict here: the data point's values are given.")
            return
        self._asking = True
        self.show()
        index = self.index

        def check(text: str | None) -> None:
            self._asking = False
            if text is None or index != self.index:
                self.show()
                return
            try:
                guess = parse_number(text)
            except ValueError as error:
                self.show()
                self.notify(f"{error}; try again with p.", severity="error")
                return
            verdict = judge(self.trace, index, guess)
            if self.score is None:
                self.score = Score()
            self.score.add(verdict)
            self._uncovered = stages(step)  # the answer is shown now
            self.show()
            self.notify(
                verdict.message,
                title=str(self.score),
                severity="information" if verdict.right else "warning",
            )

        self.app.push_screen(AskValueScreen(question(step) + " Your guess:"), check)
