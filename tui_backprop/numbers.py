"""How numbers are written for people: exact when short, rounded when not, never "-0"."""

from __future__ import annotations

import math
from functools import lru_cache

DEFAULT_DECIMALS = 4


def fmt(x: float, decimals: int = DEFAULT_DECIMALS) -> str:
    """Round to `decimals`, drop trailing zeros; a zero never shows as -0."""
    return _fmt(float(x), decimals)


@lru_cache(maxsize=16384)  # an iteration of big-network writes 64,000 numbers, 7,000 distinct
def _fmt(x: float, decimals: int) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x != 0 and (abs(x) >= 1e9 or abs(x) < 0.5 * 10.0**-decimals):
        mantissa = f"{x:.{max(decimals - 1, 1)}e}"
        head, _, exp = mantissa.partition("e")
        head = head.rstrip("0").rstrip(".")
        return f"{head}e{int(exp)}"
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def fmt_factor(x: float, decimals: int = DEFAULT_DECIMALS) -> str:
    """A number inside a product: negatives in brackets, as written on the slides."""
    return _fmt_factor(float(x), decimals)


@lru_cache(maxsize=16384)
def _fmt_factor(x: float, decimals: int) -> str:
    text = _fmt(x, decimals)
    return f"({text})" if text.startswith("-") else text


def clean_zero(x: float) -> float:
    """-0.0 becomes 0.0 so that no reader ever sees a signed zero."""
    return 0.0 if x == 0 else float(x)
