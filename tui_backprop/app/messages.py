"""Small messages the widgets send up to the lesson screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ElementClicked(Message):
    """A node or weight was clicked: show its details."""

    element: str
