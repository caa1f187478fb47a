"""Python's cyclic garbage collector, set for one long batch run such as a rehearsal.

A rehearsal allocates millions of small objects that live until it ends (the simulated
company, the job's state). With the default settings the collector's full passes walk all
of them again and again: at 30k records about a tenth of the wall time, and more the bigger
the run. Inside :func:`batch_collector` what already exists is frozen out of the collector's
passes and young objects are collected every ``first_threshold`` allocations instead of 700,
so full passes become rare; cycles are still collected. The settings are restored on exit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FIRST_THRESHOLD = 20_000


@contextmanager
def batch_collector(first_threshold: int = FIRST_THRESHOLD) -> Iterator[None]:
    """Run the block with the collector set for a long batch (see the module docstring)."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(first_threshold, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
