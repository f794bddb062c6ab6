"""Keeping Python's garbage collector out of the lecturer's keys.

A big network's lesson keeps hundreds of thousands of objects alive (the iterations
built); a full collection walks them all, 50-120 ms, and it came in the middle of keys.
So after the work done in a pause, what is alive is frozen (gc.freeze) and the collector
no longer walks it. But frozen garbage is never collected, and Textual's discarded
Strips are cyclic garbage (about 600 objects a key): once the frozen objects have grown
by half since the last real collection, a real collection is due. It waits for a longer
pause (`collect_due`, when the lecturer stops to talk), unless garbage has piled up to
four times that, when the next pause collects at once.

Counting the frozen objects (gc.get_freeze_count) walks all of them, 4-9 ms; so they are
counted once after each real collection, and what each pause freezes is counted as it
is frozen (gc.get_objects lists only the objects not frozen yet).
"""

from __future__ import annotations

import gc

GROWTH = 1.5  # a real collection is due when the frozen objects grew by half...
SLACK = 50_000  # ...and by this many objects at least
OVERDUE = 4  # four times that growth: collected in the next pause, however short
IDLE_SECONDS = 1.0  # a pause this long collects what is due

_after_collection = 0  # objects frozen right after the last real collection
_frozen_since = 0  # objects frozen by the pauses since then


def _allowance() -> float:
    return _after_collection * (GROWTH - 1) + SLACK


def settle() -> None:
    """In a pause: freeze what is alive; collect first if garbage is long overdue."""
    global _frozen_since
    if _frozen_since > OVERDUE * _allowance():
        collect()
        return
    _frozen_since += len(gc.get_objects())  # the objects not frozen yet: this pause's
    gc.freeze()


def due() -> bool:
    return _frozen_since > _allowance()


def collect_due() -> None:
    """In a longer pause: the real collection, if one is due."""
    if due():
        collect()


def collect() -> None:
    global _after_collection, _frozen_since
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _after_collection = gc.get_freeze_count()
    _frozen_since = 0


def release() -> None:
    """A lesson closes: everything goes back to the collector."""
    global _after_collection, _frozen_since
    gc.unfreeze()
    _after_collection = 0
    _frozen_since = 0
