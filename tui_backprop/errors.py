"""The one error type users see: it names the file, the place and what to change."""

from __future__ import annotations


class ScenarioError(Exception):
    """A scenario file that cannot be used, with where and why."""

    def __init__(self, file: str, where: str, message: str, hint: str = "") -> None:
        self.file = file
        self.where = where
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.where) if p]
        text = ": ".join([*parts, self.message])
        if self.hint:
            text += f"; {self.hint}"
        return text
