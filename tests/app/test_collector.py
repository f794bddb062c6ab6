"""The collector helper: what is frozen in a pause is collected once garbage piles up,
and all of it goes back to the collector when a lesson closes."""

from __future__ import annotations

import gc

import pytest

from tui_backprop.app import collector


class Cycle:
    def __init__(self) -> None:
        self.me = self  # only the cycle collector can free it


@pytest.fixture(autouse=True)
def restore_collector():
    yield
    collector.release()
    gc.collect()


def test_garbage_frozen_in_pauses_is_collected_once_it_piles_up():
    collector.release()
    gc.collect()
    collector.settle()  # the first real collection: the baseline
    baseline = gc.get_freeze_count()
    batch = collector.SLACK // 10
    grew = []
    for _ in range(40):
        alive = [Cycle() for _ in range(batch)]
        collector.settle()  # frozen while alive (as a step's strips are)...
        del alive  # ...and garbage by the next pause: only a real collection frees it
        grew.append(gc.get_freeze_count() - baseline)
    bound = baseline * (collector.GROWTH - 1) + collector.SLACK + 2 * batch
    assert max(grew) <= bound  # never more than the slack: collected, not leaked
    assert min(grew[10:]) < max(grew)  # and it did drop when collected


def test_release_hands_everything_back():
    collector.settle()
    assert gc.get_freeze_count() > 0
    collector.release()
    assert gc.get_freeze_count() == 0
