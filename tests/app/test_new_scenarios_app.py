"""The app steps through the new kinds of step (softmax outputs, cross-entropy,
optimizer state, the vanishing-gradient chain) without losing its place."""

from __future__ import annotations

import pytest

SIZE = (100, 34)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("momentum", "velocity = 0.9 × "),
        ("adam", "m̂ = "),
        ("classification", "(p − t) / 9"),
        ("vanishing-gradients", "running product"),
    ],
)
async def test_first_iteration_step_by_step(lesson, name, shown):
    app = lesson(name)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        count = len(screen.trace.iteration(1).steps)
        formulas = []
        for index in range(1, count + 1):
            await pilot.press("l")
            assert screen.index == index
            assert screen.view.formula == screen.trace[index].text
            formulas.append(screen.view.formula)
        assert any(shown in f for f in formulas), shown
        await pilot.press("end")
        assert screen.index == len(screen.trace) - 1
        assert screen.view.loss is not None
