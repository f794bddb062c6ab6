"""One name for a trainable number: a weight FROM->TO, or the bias of a node.

Every place that shows, reads or looks up a weight goes through this one value, so
"x1->h1" and "bias:h1" are written and parsed in exactly one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

BIAS_PREFIX = "bias:"
ARROW = "->"


@dataclass(frozen=True, order=True)
class Param:
    """A weight (source -> target), or with source None the bias of `target`."""

    target: str
    source: str | None = None

    @classmethod
    def weight(cls, source: str, target: str) -> Param:
        return cls(target, source)

    @classmethod
    def bias(cls, node: str) -> Param:
        return cls(node, None)

    @property
    def is_bias(self) -> bool:
        return self.source is None

    def __str__(self) -> str:
        if self.source is None:
            return f"{BIAS_PREFIX}{self.target}"
        return f"{self.source}{ARROW}{self.target}"

    @classmethod
    def parse(cls, text: str | Param) -> Param:
        """ "FROM->TO" or "bias:NODE"; ValueError says what was expected."""
        if isinstance(text, Param):
            return text
        return _parse(cls, text)

    @classmethod
    def _from_text(cls, text: str) -> Param:
        text = text.strip()
        if text.startswith(BIAS_PREFIX):
            node = text[len(BIAS_PREFIX) :].strip()
            if node:
                return cls.bias(node)
        else:
            source, arrow, target = text.partition(ARROW)
            if arrow and source.strip() and target.strip():
                return cls.weight(source.strip(), target.strip())
        raise ValueError(f'"{text}" is not a weight name; write FROM->TO or bias:NODE')

    @classmethod
    def is_name(cls, text: str | None) -> bool:
        """True for text shaped like a weight or bias name (not checked against a network)."""
        if text is None:
            return False
        try:
            cls.parse(text)
        except ValueError:
            return False
        return True


@lru_cache(maxsize=8192)  # a big network's view parses its 448 weight names at every step
def _parse(cls: type[Param], text: str) -> Param:
    return cls._from_text(text)
