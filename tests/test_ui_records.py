"""The records view over a real workspace and a simulated company with a synced invoice,
driven as a person would: a type chosen, a name typed, a row selected, buttons clicked; what
the view then says and shows is asserted."""

from __future__ import annotations

import pytest

from syncengine.ui import RecordsView
from tests.sync_world import World, acme, labor


@pytest.fixture
def world() -> World:
    """A workspace whose approved invoice '1001' (id 3, customer Acme) has synced."""
    world = World()
    lines = [{"item": labor(world), "quantity": 1, "rate": "85"}]
    invoice = world.app.invoices.add(customer=acme(world), ref_number="1001", lines=lines)
    world.app.invoices.set_status(invoice.id, "approved")
    world.sync()
    return world


def _invoice_view(world: World) -> RecordsView:
    view = RecordsView(world.store, "invoice")
    view.table.text.value = "1001"
    view.table.select([3])
    return view


def _ids(view: RecordsView) -> list[int]:
    return [int(i) for i in view.table.shown["id"]]


def test_find_a_record_by_name_and_see_its_fields(world):
    """Typing a name leaves that record; selecting it shows its fields and the next sync."""
    world.app.customers.add(name="Birch")
    view = RecordsView(world.store)
    assert _ids(view) == [2, 4]
    view.table.text.value = "birch"
    assert _ids(view) == [4]
    view.table.select([4])
    assert view.name.value == "Birch"
    assert "<th>name</th><td>Birch</td>" in view.details.value
    assert "Next sync:" in view.details.value and "adds it" in view.details.value


def test_the_type_dropdown_lists_that_types_records_and_statuses(world):
    """Choosing invoice lists the invoice and offers the invoice statuses."""
    view = RecordsView(world.store)
    view.type.value = "invoice"
    assert _ids(view) == [3]
    assert "approved" in view.status.options and "closed" in view.status.options


def test_rename_saves_through_the_app_and_says_the_next_sync(world):
    """Renaming the synced invoice queues its change; the message ends with the next sync."""
    view = _invoice_view(world)
    view.name.value = "1002"
    view.buttons["Save"].click()
    assert world.app.invoices.get(3).name == "1002"
    assert view.said.startswith("invoice '1001' (id 3): renamed to '1002'. ")
    assert "the next sync" in view.said.lower() and "PSR" in view.said
    assert view.errors_shown == ""


def test_rename_to_nothing_or_the_same_name_is_refused(world):
    """Save with the box empty, or unchanged, says to type a new name and changes nothing."""
    view = _invoice_view(world)
    view.name.value = " "
    view.buttons["Save"].click()
    assert view.said == "invoice '1001' (id 3): type a new ref_number in the box, then Save"
    view.name.value = "1001"
    view.buttons["Save"].click()
    assert "type a new ref_number" in view.said
    assert world.app.invoices.get(3).name == "1001" and world.psrs(3)[-1].state == "done"


def test_resync_queues_a_modify_and_clear_id_is_refused_while_quickbooks_has_it(world):
    """Resync of the synced invoice queues a Mod; Clear ID says QuickBooks still holds it."""
    view = _invoice_view(world)
    view.click("Resync")
    assert view.said == (
        "invoice '1001' (id 3): PSR 4 (modify) queued. The next sync sends its changes to"
        " QuickBooks (PSR 4)."
    )
    view.click("Clear ID")
    assert view.said.startswith("invoice '1001' (id 3) is still in QuickBooks as Invoice")
    assert "qbsync-refused" in view.message.value


def test_undo_sync_then_close_warns_the_deletion_is_still_queued(world):
    """Undo sync queues the deletion; Close straight after is refused, naming that queued
    deletion; the playbook's prevent sync then close says the deletion still goes out."""
    view = _invoice_view(world)
    view.click("Undo sync")
    assert view.said.startswith("invoice '1001' (id 3): sync undone: status approved to draft")
    assert "The next sync deletes it in QuickBooks (PSR 4)" in view.said
    assert view.record_id == 3
    view.click("Close")
    assert "PSR 4 (delete) is queued to remove it from QuickBooks" in view.said
    assert "qbsync-refused" in view.message.value
    view.click("Prevent sync")
    assert "PSR 4 (delete) is still in the queue" in view.said
    view.click("Close")
    assert view.said == (
        "invoice '1001' (id 3): status draft to closed. The next sync deletes it in QuickBooks"
        " (PSR 4). To keep QuickBooks' copy, delete PSR 4 from the queue."
    )
    assert world.last_psr(3).action == "delete" and world.last_psr(3).state == "queued"
    assert view.errors_shown == ""


def test_delete_from_queue_deletes_the_records_open_psr(world):
    """After undo sync, Delete from queue removes the queued deletion and says so."""
    view = _invoice_view(world)
    view.click("Undo sync")
    psr = world.last_psr(3).id
    view.click("Delete from queue")
    assert view.said.startswith(f"invoice '1001' (id 3): PSR {psr} (delete) deleted from the queue")
    assert world.store.psrs.get(psr).state != "queued"


def test_set_status_uses_the_dropdown(world):
    """Set status moves the invoice to the status chosen in the dropdown."""
    view = _invoice_view(world)
    view.status.value = "closed"
    view.click("Set status")
    assert world.app.invoices.get(3).status == "closed"
    assert view.said.startswith("invoice '1001' (id 3): status approved to closed")


def test_undo_sync_of_a_payment_is_refused_with_its_reason(world):
    """Payments cannot be undone; the view says so and what to do instead."""
    applied = [{"invoice": 3, "amount": "85"}]
    payment = world.app.payments.add(customer=2, amount="85", applied=applied)
    world.app.payments.set_status(payment.id, "received")
    world.sync()
    view = RecordsView(world.store, "payment")
    view.click("Undo sync", payment.id)
    assert view.said == (
        f"payment (id {payment.id}): payments cannot be undone; delete the payment instead"
        " (allowed while no payment gateway processed it)"
    )
    assert view.errors_shown == ""


def test_undo_sync_of_a_never_synced_record_is_refused_with_its_reason(world):
    """An invoice QuickBooks never had cannot be undone; the view says why."""
    world.app.invoices.add(customer=2, ref_number="1003", lines=[{"item": 1, "quantity": 1}])
    view = RecordsView(world.store, "invoice")
    view.table.text.value = "1003"
    view.click("Undo sync", 4)
    assert "invoice '1003' (id 4) is not in QuickBooks (never synced)" in view.said
    assert "qbsync-refused" in view.message.value
    assert view.errors_shown == ""


def test_an_action_with_nothing_selected_says_to_select(world):
    """Prevent sync with no row selected asks for a selection."""
    view = RecordsView(world.store, "invoice")
    view.click("Prevent sync")
    assert view.said == "Prevent sync: select a record in the list first"


def test_delete_from_queue_without_an_open_psr_is_refused(world):
    """A synced record has no PSR in the queue; Delete from queue says so."""
    view = _invoice_view(world)
    view.click("Delete from queue")
    assert view.said.startswith("invoice '1001' (id 3) has no PSR in the queue")


def test_an_engine_bug_lands_in_the_output(world, monkeypatch):
    """A KeyError raised by an action is shown with its traceback in the view's Output."""
    view = _invoice_view(world)

    def broken(_txn_id: int) -> None:
        raise KeyError("status table")

    monkeypatch.setattr(view.actions, "undo_sync", broken)
    view.click("Undo sync")
    assert "KeyError: 'status table'" in view.errors_shown
    assert "Traceback (most recent call last)" in view.errors_shown
    assert "KeyError" in view.said
