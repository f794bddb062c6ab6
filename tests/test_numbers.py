"""How numbers are written for people: tui_backprop.numbers.fmt, fmt_factor, clean_zero."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_backprop.numbers import DEFAULT_DECIMALS, clean_zero, fmt, fmt_factor

NEGATIVE_ZERO_TEXT = re.compile(r"^-0(\.0*)?(e.*)?$")


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1.23456, 4, "1.2346"),  # rounds half up at the 5th decimal
        (1.23454, 4, "1.2345"),
        (2 / 3, 4, "0.6667"),
        (2 / 3, 2, "0.67"),
        (2 / 3, 6, "0.666667"),
        (-2 / 3, 4, "-0.6667"),
        (3.14159, 0, "3"),
        (1.23456, 12, "1.23456"),
    ],
)
def test_fmt_rounds_to_the_requested_decimals(value, decimals, expected):
    assert fmt(value, decimals) == expected


def test_fmt_default_is_four_decimals():
    assert DEFAULT_DECIMALS == 4
    assert fmt(1 / 7) == "0.1429"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.0, "2"),
        (2.5, "2.5"),
        (2.50000001, "2.5"),
        (-2.5, "-2.5"),
        (0.1 + 0.2, "0.3"),  # 0.30000000000000004 is shown as the slide writes it
        (100.0, "100"),
        (100, "100"),
        (-24.0, "-24"),
        (2.24, "2.24"),
        (1.0 - 1e-12, "1"),
    ],
)
def test_fmt_strips_trailing_zeros_and_the_point(value, expected):
    assert fmt(value) == expected


def test_fmt_keeps_zeros_before_the_point():
    assert fmt(10.0) == "10"
    assert fmt(1000.0) == "1000"
    assert fmt(120.5) == "120.5"


@pytest.mark.parametrize("value", [-0.0, 0.0, -1e-300 * 0.0, 0])
def test_fmt_zero_is_never_signed(value):
    assert fmt(value) == "0"
    assert fmt(value, 0) == "0"
    assert fmt(value, 12) == "0"


@pytest.mark.parametrize("value", [-0.00001, -4e-5, -1e-300])
def test_fmt_tiny_negative_is_not_rounded_to_minus_zero(value):
    text = fmt(value)
    assert not NEGATIVE_ZERO_TEXT.match(text), text
    assert text.startswith("-")
    assert float(text) == pytest.approx(value, rel=1e-3)


def test_fmt_rounding_to_zero_from_below_shows_zero():
    # -0.5 rounds (half to even) to 0 with no decimals: written "0", never "-0".
    assert fmt(-0.5, 0) == "0"
    assert fmt(-0.00005000000001, 4) != "-0"


def test_fmt_nan_and_infinities():
    assert fmt(math.nan) == "nan"
    assert fmt(math.inf) == "inf"
    assert fmt(-math.inf) == "-inf"
    assert fmt(float("nan"), 2) == "nan"


@pytest.mark.parametrize("value", [1e-7, 1.5e-7, -2.5e-9, 3e-12, 5e-324, 4e-5])
def test_fmt_tiny_numbers_stay_visible_and_readable(value):
    """A number too small for the decimals is not shown as 0: it keeps its size."""
    text = fmt(value)
    assert text != "0"
    assert float(text) == pytest.approx(value, rel=1e-3)
    assert len(text) <= 12, text
    assert "e" in text  # not a long string of zeros


def test_fmt_tiny_examples_exact():
    assert fmt(1e-7) == "1e-7"
    assert fmt(1.5e-7) == "1.5e-7"
    assert fmt(-2.5e-9) == "-2.5e-9"


@pytest.mark.parametrize("value", [1e9, 1.5e10, -1e12, 1e300, 6.02214076e23])
def test_fmt_huge_numbers_are_short(value):
    text = fmt(value)
    assert float(text) == pytest.approx(value, rel=1e-3)
    assert len(text) <= 12, text


def test_fmt_huge_examples_exact():
    assert fmt(1e9) == "1e9"
    assert fmt(1.5e10) == "1.5e10"
    assert fmt(-1e12) == "-1e12"
    assert fmt(123456789.0) == "123456789"


def test_fmt_accepts_numpy_scalars():
    np = pytest.importorskip("numpy")
    assert fmt(np.float64(2.5)) == "2.5"
    assert fmt(np.float32(0.25)) == "0.25"
    assert fmt(np.int64(7)) == "7"
    assert fmt(np.float64(-0.0)) == "0"


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 12))
def test_fmt_never_shows_minus_zero_and_has_no_trailing_zeros(value, decimals):
    text = fmt(value, decimals)
    assert not NEGATIVE_ZERO_TEXT.match(text), (value, decimals, text)
    mantissa = text.split("e")[0]
    if "." in mantissa:
        assert not mantissa.endswith("0"), text
        assert not mantissa.endswith("."), text
    assert text != ""


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=1e-3, max_value=1e8) | st.floats(min_value=-1e8, max_value=-1e-3),
    st.integers(3, 8),
)
def test_fmt_is_the_value_rounded(value, decimals):
    text = fmt(value, decimals)
    assert "e" not in text
    assert abs(float(text) - value) <= 0.5 * 10.0**-decimals * (1 + 1e-9) + 1e-15 * abs(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-3, "(-3)"),
        (-1.5, "(-1.5)"),
        (-24.0, "(-24)"),
        (3, "3"),
        (0.01, "0.01"),
        (-0.0, "0"),
        (0.0, "0"),
    ],
)
def test_fmt_factor_brackets_negatives(value, expected):
    assert fmt_factor(value) == expected


def test_fmt_factor_brackets_tiny_and_infinite_negatives():
    text = fmt_factor(-1e-7)
    assert text.startswith("(-") and text.endswith(")")
    assert fmt_factor(-math.inf) == "(-inf)"
    assert fmt_factor(math.inf) == "inf"


def test_fmt_factor_uses_the_decimals():
    assert fmt_factor(-2 / 3, 2) == "(-0.67)"
    assert fmt_factor(2 / 3, 2) == "0.67"


def test_clean_zero_drops_the_sign_of_zero_only():
    assert math.copysign(1.0, clean_zero(-0.0)) == 1.0
    assert clean_zero(-0.0) == 0.0
    assert clean_zero(-2.5) == -2.5
    assert clean_zero(3) == 3.0 and isinstance(clean_zero(3), float)
