"""Reveal mode, predict-then-check and the narration panel, driven by keys.

Numbers are the slides' backprop-relu ones (shared/slides.md section 7): step 21 is
slope(a2->b2) = 12 × 1 × 1 = 12; step 22 slope(a1) = 24; step 24
slope(x1->a1) = 24 × 0.5 × 0 = 0.
"""

from __future__ import annotations

from conftest import narration_text, record_notifications

from tui_backprop.app.app import BackpropApp
from tui_backprop.app.widgets.lesson_header import LessonHeader
from tui_backprop.cli import resolve

SIZE = (100, 34)


def header(screen) -> str:
    return str(screen.query_one(LessonHeader).render())


async def answer(pilot, text: str) -> None:
    await pilot.pause()
    pilot.app.screen.query_one("#ask-input").value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_reveal_uncovers_factor_by_factor_and_back_covers():
    app = BackpropApp(resolve("backprop-relu"), 20, reveal=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        formulas = [screen.view.formula]
        for _ in range(4):
            await pilot.press("space")
            formulas.append(screen.view.formula)
        assert formulas == [
            "slope(a2->b2) = ? × ? × ? = ?",
            "slope(a2->b2) = 12 × ? × ? = ?",
            "slope(a2->b2) = 12 × 1 × ? = ?",
            "slope(a2->b2) = 12 × 1 × 1 = ?",
            "slope(a2->b2) = 12 × 1 × 1 = 12",
        ]
        assert "reveal 4/4" in header(screen)
        await pilot.press("space")  # all shown: on to step 22, covered
        assert screen.index == 21 and screen.view.formula.endswith("= ?")
        assert screen.view.nodes["a1"].slope is None  # its own number stays off the network
        await pilot.press("left")  # back: step 21 as it was left, uncovered
        assert screen.index == 20 and screen.view.formula.endswith("= 12")
        await pilot.press("left")  # back again: covers its result
        assert screen.index == 20 and screen.view.formula == "slope(a2->b2) = 12 × 1 × 1 = ?"
        await pilot.press("m")  # reveal off: everything shown, as without --reveal
        assert screen.view.formula == "slope(a2->b2) = 12 × 1 × 1 = 12"
        assert "reveal" not in header(screen)


async def test_reveal_hides_the_notes_numbers_until_uncovered():
    app = BackpropApp(resolve("backprop-relu"), 20, reveal=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        # its own note waits for the numbers; the earlier notes keep theirs
        assert "b2's slope is ?, so this weight's slope is ? × ? × 1 = ?." in screen.view.note
        assert "a1's value is 0, so" in screen.view.note
        assert screen.view.slide == ""  # the slide's 18 would give the answer away
        for _ in range(4):
            await pilot.press("space")
        assert "this weight's slope is 12 × 1 × 1 = 12" in screen.view.note
        assert "The slide prints 18 here; computed: 12" in screen.view.slide


async def test_predict_right_missing_factor_and_wrong_sign():
    app = BackpropApp(resolve("backprop-relu"), 19)  # step 20 shown; reveal off
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        seen = record_notifications(app)
        await pilot.pause()
        await pilot.press("t")  # asks for step 21's number, covered meanwhile
        await pilot.pause()
        assert screen.index == 20 and screen.view.formula == "slope(a2->b2) = ? × ? × ? = ?"
        await answer(pilot, "12")
        assert seen[-1][0] == "Right: 12."
        assert screen.view.formula.endswith("= 12")
        assert "predicted 1/1" in header(screen)

        await pilot.press("t")  # step 22: slope(a1) = 24
        await answer(pilot, "−24")
        assert "wrong sign" in seen[-1][0] and "The answer is 24." in seen[-1][0]
        assert "predicted 1/2" in header(screen)

        screen.go(22)  # step 23 shown; t asks for step 24: 24 × 0.5 × 0 = 0
        await pilot.press("t")
        await answer(pilot, "12")
        assert "without the activation's slope" in seen[-1][0], seen[-1]
        assert "predicted 1/3" in header(screen)

        await pilot.press("t")  # step 25; Escape asks nothing and counts nothing
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert "predicted 1/3" in header(screen) and screen.view.formula.endswith("= 0")


async def test_notes_follow_a_what_if_edit():
    app = BackpropApp(resolve("backprop-relu"), 10)  # step 11: the error
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        assert "= 7 − 4 = 3." in screen.view.note
        # x1->a1 = 0.5 leaves a1 at 0; x2->a2 = 2 makes a2 = 0.5 × 4 + 1 × 2 = 4,
        # b1 = 4, b2 = 12, out = 1 × 4 + 2 × 12 = 28, error 24
        screen.trace.set_weight(1, "x2->a2", 2)
        screen.show()
        await pilot.pause()
        assert "= 28 − 4 = 24." in screen.view.note
        assert "= 28 − 4 = 24." in " ".join(narration_text(screen).split())
