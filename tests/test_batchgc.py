"""The collector settings a rehearsal runs with, and that it gives them back."""

from __future__ import annotations

import gc

import pytest

from syncengine.batchgc import FIRST_THRESHOLD, batch_collector


def test_inside_a_batch_young_objects_are_collected_less_often() -> None:
    """The first threshold is raised for the run, the others kept."""
    before = gc.get_threshold()
    with batch_collector():
        inside = gc.get_threshold()
    assert inside[0] == max(FIRST_THRESHOLD, before[0])
    assert inside[1:] == before[1:]


def test_settings_and_frozen_objects_are_given_back() -> None:
    """A notebook kernel that ran a rehearsal collects as it did before."""
    before = gc.get_threshold()
    with batch_collector():
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_settings_are_given_back_when_the_run_fails() -> None:
    """An exception inside the batch still restores the collector."""
    before = gc.get_threshold()
    with pytest.raises(RuntimeError, match="boom"), batch_collector():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_during_the_batch_are_still_collected() -> None:
    """Freezing what existed does not stop the collector from freeing new garbage cycles."""
    with batch_collector():
        node: list = []
        node.append(node)
        del node
        assert gc.collect() >= 1
