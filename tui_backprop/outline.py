"""A scenario's title and network, read from its TOML without NumPy or checks.

The first frame draws these while the rest of the lesson loads (NumPy alone takes
45 ms). The file is checked in full before the app starts (cli.py); this reader only
gives up (None) on anything unexpected, and the full reader then says what is wrong.
The default node names live here, so both readers name nodes alike.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any


def default_input_names(count: int) -> list[str]:
    return [f"x{i + 1}" for i in range(count)]


def default_node_names(layer: int, is_output: bool, count: int) -> list[str]:
    """Layer `layer` (0 = the first after the inputs)."""
    if is_output:
        return ["out"] if count == 1 else [f"out{i + 1}" for i in range(count)]
    return [f"h{layer + 1}_{i + 1}" for i in range(count)]


@dataclass(frozen=True)
class Outline:
    title: str
    layers: tuple[tuple[str, ...], ...]  # layers[0] are the inputs
    biases: tuple[bool, ...]  # biases[k]: layer k + 1 has a bias
    activations: tuple[str, ...]  # per layer after the inputs


# a missing file, bad TOML, or a table or list where it does not belong
UNREADABLE = (
    OSError,
    UnicodeDecodeError,
    tomllib.TOMLDecodeError,
    TypeError,
    KeyError,
    AttributeError,
)


def read_outline(path: str | Path) -> Outline | None:
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return _outline(doc)
    except UNREADABLE:
        return None


def _outline(doc: dict[str, Any]) -> Outline | None:
    title, network = doc["title"], doc["network"]
    specs = network["layers"]
    if not (isinstance(title, str) and isinstance(specs, list) and specs):
        return None
    inputs = _names(network["inputs"], default_input_names)
    layers = [inputs]
    for index, spec in enumerate(specs):
        is_output = index == len(specs) - 1
        layers.append(_names(spec["nodes"], partial(default_node_names, index, is_output)))
    activations = tuple(spec.get("activation", "identity") for spec in specs)
    if not all(isinstance(a, str) for a in activations):
        return None
    biases = tuple("bias" in spec for spec in specs)
    return Outline(title, tuple(layers), biases, activations)


def _names(value: Any, defaults: Callable[[int], list[str]]) -> tuple[str, ...]:
    """A layer's names as written, or `defaults(count)`; TypeError if neither."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 256:
        return tuple(defaults(value))
    if isinstance(value, list) and value and all(isinstance(n, str) and n for n in value):
        return tuple(value)
    raise TypeError(value)
