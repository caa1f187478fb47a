"""The sync wizard view over a real workspace: sections with checkboxes, the badge, Approve
checked with keep or clear, and the log, driven by clicks."""

from __future__ import annotations

import pytest

from syncengine.ui import WizardView
from tests.sync_world import World


@pytest.fixture
def world() -> World:
    """Three new customers queued (PSRs 1-3), the wizard still off."""
    world = World()
    for name in ("Acme", "Birch", "Cedar"):
        world.app.customers.add(name=name)
    return world


def _on(world: World) -> WizardView:
    view = WizardView(world.store)
    view.enable.click()
    return view


def test_off_the_view_says_so_and_approve_is_disabled(world):
    """With the wizard off nothing waits, Approve is disabled with why, and can be turned on."""
    view = WizardView(world.store)
    assert "Waiting for approval: 0</b> (the wizard is off" in view.badge.value
    assert view.approve.disabled and "turn it on first" in view.approve.tooltip
    assert not view.enable.disabled


def test_turned_on_every_queued_change_is_offered_checked(world):
    """Turning the wizard on offers the three adds, each checked; the badge counts them."""
    view = _on(world)
    assert view.said == "the sync wizard is on: changes wait here for approval"
    assert "Waiting for approval: 3" in view.badge.value
    shown = [(b.description, b.value) for b in view.boxes.values()]
    assert shown == [
        ("add customer 'Acme'", True),
        ("add customer 'Birch'", True),
        ("add customer 'Cedar'", True),
    ]
    assert "3 waiting, 0 approved" in view.sections["export"].children[0].value
    assert view.unchecked.value == "keep"


def test_approve_checked_keeps_the_unchecked(world):
    """Unchecking Birch and approving keeps it; the two others are approved and pending."""
    view = _on(world)
    view.boxes[2].value = False
    view.approve.click()
    assert view.said == (
        "approved: 2 export, 0 import; they go with the next sync\n"
        "1 unchecked kept: offered again after the next sync"
    )
    assert [b.description for b in view.boxes.values()] == ["add customer 'Birch' (kept)"]
    assert list(view.log.shown["outcome"]) == ["pending", "pending"]


def test_approve_checked_clears_the_unchecked_deleting_its_psr(world):
    """With 'clear unchecked', the unchecked change's PSR is deleted from the queue."""
    view = _on(world)
    view.boxes[2].value = False
    view.unchecked.value = "clear"
    view.approve.click()
    assert view.said.endswith("1 unchecked cleared (PSR 2 deleted from the queue)")
    assert world.store.psrs.get(2).state == "removed"
    assert "Waiting for approval: 0" in view.badge.value


def test_the_log_shows_what_the_sync_sent(world):
    """After a sync the approved changes are in the log as successful, with their job."""
    view = _on(world)
    view.approve.click()
    world.sync()
    view.refresh()
    log = view.log.shown
    assert list(log["record"]) == ["customer 'Acme'", "customer 'Birch'", "customer 'Cedar'"]
    assert set(log["outcome"]) == {"successful"} and set(log["job_id"]) == {1}
    view.log.filters["outcome"].value = "successful"
    assert len(view.log.shown) == 3


def test_approve_while_off_is_refused_in_the_view(world):
    """Clicking Approve (from code) while the wizard is off says why, raises nothing."""
    view = WizardView(world.store)
    view.approve.click()
    assert view.said.startswith("the sync wizard is off")
    assert view.errors_shown == ""
