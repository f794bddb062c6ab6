"""The collector helper: what is frozen in a pause is collected once garbage piles up,
and all of it goes back to the collector when a lesson closes."""

from __future__ import annotations

import gc

import pytest
from conftest import wait_until

from tui_backprop.app import collector


class Cycle:
    def __init__(self) -> None:
        self.me = self  # only the cycle collector can free it


@pytest.fixture(autouse=True)
def restore_collector():
    yield
    collector.release()
    gc.collect()


def cycles_through_pauses(pauses: int, batch: int, between=None) -> list[int]:
    """Each pause freezes `batch` cycles that are alive (as a step's strips are) and
    garbage by the next pause; returns how far the frozen objects grew after each."""
    baseline = gc.get_freeze_count()
    grew = []
    for _ in range(pauses):
        alive = [Cycle() for _ in range(batch)]
        collector.settle()
        del alive  # only a real collection frees it now
        if between is not None:
            between()
        grew.append(gc.get_freeze_count() - baseline)
    return grew


@pytest.fixture
def collected():
    """The collector after a real collection: the baseline."""
    collector.release()
    gc.collect()
    collector.collect()


def test_without_a_longer_pause_garbage_is_collected_once_long_overdue(collected):
    baseline = gc.get_freeze_count()
    batch = collector.SLACK // 10
    allowance = baseline * (collector.GROWTH - 1) + collector.SLACK
    grew = cycles_through_pauses(80, batch)
    assert max(grew) <= collector.OVERDUE * allowance + 2 * batch  # collected, not leaked
    assert min(grew[40:]) < max(grew)  # and it did drop when collected
    assert max(grew) > allowance  # not before it was overdue: a lecturer's keys go first


def test_a_longer_pause_collects_what_is_due(collected):
    baseline = gc.get_freeze_count()
    batch = collector.SLACK // 10
    allowance = baseline * (collector.GROWTH - 1) + collector.SLACK
    grew = cycles_through_pauses(40, batch, between=collector.collect_due)
    assert max(grew) <= allowance + 2 * batch
    assert min(grew[10:]) < max(grew)


def test_nothing_due_nothing_collected(collected):
    assert not collector.due()
    frozen = gc.get_freeze_count()
    collector.collect_due()
    assert gc.get_freeze_count() == frozen


def test_release_hands_everything_back():
    collector.settle()
    assert gc.get_freeze_count() > 0
    collector.release()
    assert gc.get_freeze_count() == 0


async def test_the_lesson_collects_what_is_due_when_the_lecturer_pauses(lesson, monkeypatch):
    """Keys never wait for the real collection: it comes once the keys stop."""
    monkeypatch.setattr(collector, "IDLE_SECONDS", 0.2)
    monkeypatch.setattr(collector, "OVERDUE", 10**9)  # only the pause may collect
    app = lesson("backprop-relu")
    async with app.run_test(size=(100, 34)) as pilot:
        await wait_until(pilot, lambda: getattr(app.screen, "view", None) is not None, "lesson")
        monkeypatch.setattr(collector, "_frozen_since", int(collector._allowance()) + 1)
        assert collector.due()
        await pilot.press("space")
        await wait_until(pilot, lambda: not collector.due(), "the collection in the pause")
        assert app.screen.index == 1
