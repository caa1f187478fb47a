"""The collector settings a rehearsal runs with, and that it gives them back."""

from __future__ import annotations

import gc
import weakref

import pytest

from syncengine.rehearsal.batchgc import batch_collector


class _Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.me = self


def _cycle() -> weakref.ref:
    return weakref.ref(_Node())


def test_inside_a_batch_the_collector_is_off_then_on_again() -> None:
    """No collector pass interrupts the batch; afterwards it collects as before."""
    before = gc.get_threshold()
    with batch_collector():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0
    assert gc.isenabled()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_settings_are_given_back_when_the_run_fails() -> None:
    """An exception inside the batch still restores the collector."""
    with pytest.raises(RuntimeError, match="boom"), batch_collector():
        raise RuntimeError("boom")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    """A caller that runs with the collector off gets it back off."""
    gc.disable()
    try:
        with batch_collector():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_left_by_the_batch_are_freed_by_the_next_full_pass() -> None:
    """Garbage cycles made in the batch are not lost to the collector, only put off."""
    with batch_collector():
        node = _cycle()
        kept = [[n] for n in range(50_000)]  # far past any threshold: still no pass
        assert node() is not None
    del kept
    gc.collect()
    assert node() is None
