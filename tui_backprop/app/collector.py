"""Keeping Python's garbage collector out of the lecturer's keys.

A big network's lesson keeps hundreds of thousands of objects alive (the iterations
built); a full collection walks them all, 50-120 ms, and it came in the middle of keys.
So after the work done in a pause, what is alive is frozen (gc.freeze) and the collector
no longer walks it. But frozen garbage is never collected, and Textual's discarded
Strips are cyclic garbage (about 600 objects a key): when the frozen objects have grown
by half since the last real collection, the pause collects first.
"""

from __future__ import annotations

import gc

GROWTH = 1.5  # collect when the frozen objects grew by half...
SLACK = 50_000  # ...and by this many objects at least

_after_collection = 0  # objects frozen right after the last real collection


def settle() -> None:
    """In a pause: freeze what is alive, collecting first if garbage has piled up."""
    global _after_collection
    if gc.get_freeze_count() > _after_collection * GROWTH + SLACK:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _after_collection = gc.get_freeze_count()
    else:
        gc.freeze()


def release() -> None:
    """A lesson closes: everything goes back to the collector."""
    global _after_collection
    gc.unfreeze()
    _after_collection = 0
