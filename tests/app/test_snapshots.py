"""Snapshots (pytest-textual-snapshot) of key screens of backprop-relu at 100x34.

Regenerate after a deliberate change of the screen with
    pytest tests/app/test_snapshots.py --snapshot-update
and look at the SVGs under tests/app/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest

from tui_backprop.app.app import BackpropApp
from tui_backprop.cli import resolve

SIZE = (100, 34)


def relu() -> BackpropApp:
    return BackpropApp(resolve("backprop-relu"))


async def settle(pilot) -> None:
    """Pause until the screen stops changing (the Footer rebuilds its keys after a step)."""
    shot = None
    for _ in range(20):
        await pilot.pause()
        latest = pilot.app.export_screenshot()
        if latest == shot:
            return
        shot = latest


def at_step(number: int):
    """run_before: go to a 1-based step with the g key, as a lecturer would."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        if number > 1:
            await pilot.press("g", *str(number), "enter")
        assert pilot.app.screen.index == number - 1
        await settle(pilot)

    return run_before


def test_first_step(snap_compare):
    assert snap_compare(relu(), terminal_size=SIZE, run_before=at_step(1))


def test_weight_slope_in_backward(snap_compare):
    # Step 15: slope(b2->out) = 6 × 3 × 1 = 18, with its three factors.
    assert snap_compare(relu(), terminal_size=SIZE, run_before=at_step(15))


def test_weight_update(snap_compare):
    # Step 30: x1->a2: 4 − 0.01 × 21 = 3.79.
    assert snap_compare(relu(), terminal_size=SIZE, run_before=at_step(30))


def test_final_loss(snap_compare):
    # Step 49: the loss after training.
    assert snap_compare(relu(), terminal_size=SIZE, run_before=at_step(49))


# The projector screens reviewed for issue 10: a node's slope (13), a weight's slope with
# its three factors (21) and an update (31), at the sizes a lecture meets.
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 55)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("step", [13, 21, 31])
def test_projector_screens(snap_compare, step, size):
    assert snap_compare(relu(), terminal_size=size, run_before=at_step(step))
