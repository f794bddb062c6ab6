"""The pty benchmark's own logic: where a key's answer ends, and finding text in escapes.

The benchmark's figures are only as good as these rules, so they are checked on
hand-made arrivals and byte streams (no timing here).
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from pty_session import Answer, screen_text  # noqa: E402
from terminal import words  # noqa: E402


def test_the_last_byte_is_the_last_before_the_first_quiet_gap():
    # a frame in three chunks, 30 ms of quiet, a second frame
    answer = Answer([0.010, 0.011, 0.012, 0.042, 0.043], size=5)
    assert answer.first() == 0.010
    assert answer.last_before_gap(0.020) == 0.012
    assert answer.last_before_gap(0.050) == 0.043
    assert answer.last() == 0.043
    assert abs(answer.longest_gap() - 0.030) < 1e-12


def test_one_chunk_is_its_own_last_byte():
    answer = Answer([0.004], size=189)
    assert answer.last_before_gap(0.020) == answer.last() == 0.004
    assert answer.longest_gap() == 0.0


def test_colours_go_and_cursor_moves_separate_text():
    stream = b"\x1b[1;1H\x1b[38;2;1;2;3mBack\x1b[1mprop\x1b[0m\x1b[5;10Hout\x1b[6;1Hx1 = 0.5"
    text = screen_text(stream)
    assert "Backprop" in text
    assert "\nout\n" in text
    assert words("Backprop", "out", "x1 = 0.5")(text)


def test_a_word_must_stand_alone():
    assert not words("out")(screen_text(b"the output layer"))
    assert not words("x1 = 0.5")(screen_text(b"x1 = 0.55"))
    assert words("x1 = 0.5")(screen_text(b"point 1: x1  =  0.5, x2 = 1"))
    # text from two places on screen does not run together into a false match
    assert not words("a1")(screen_text(b"a\x1b[3;4H1"))
