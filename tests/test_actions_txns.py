"""Actions on transactions (rule 6): undo sync, prevent sync, set the status or close, delete
a payment; each synced through qbsim."""

from __future__ import annotations

import pytest

from syncengine.actions import ActionRefused, Actions
from syncengine.app import STATUS_TABLE
from tests.sync_world import World, acme, labor


def _world() -> tuple[World, Actions]:
    w = World()
    return w, Actions(w.store)


def _invoice(w: World, status: str = "approved") -> int:
    lines = [{"item": labor(w), "quantity": 1, "rate": "85"}]
    invoice = w.app.invoices.add(customer=acme(w), ref_number="1001", lines=lines)
    w.app.invoices.set_status(invoice.id, status)
    return invoice.id


def _synced_invoice(w: World) -> int:
    invoice = _invoice(w)
    w.sync()
    return invoice


def _synced_payment(w: World, **fields: object) -> int:
    invoice = _synced_invoice(w)
    customer = w.app.invoices.get(invoice)["customer"]
    applied = [{"invoice": invoice, "amount": "85"}]
    payment = w.app.payments.add(customer=customer, amount="85", applied=applied, **fields)
    w.app.payments.set_status(payment.id, "received")
    w.sync()
    return payment.id


def test_undo_sync_returns_the_status_to_the_types_default():
    """Undo sync re-opens an approved invoice as a draft."""
    w, actions = _world()
    invoice = _synced_invoice(w)
    actions.undo_sync(invoice)
    assert w.app.invoices.get(invoice).status == "draft"


def test_undo_sync_queues_a_psr_that_deletes_it_in_quickbooks():
    """After undo sync, the next sync deletes the invoice in QuickBooks."""
    w, actions = _world()
    invoice = _synced_invoice(w)
    result = actions.undo_sync(invoice)
    assert w.last_psr(invoice).action == "delete" and "deletes it in QuickBooks" in result.note
    w.sync()
    assert w.qb("Invoice") == [] and w.link(invoice).qb_deleted_at is not None


def test_undone_invoice_approved_again_is_added_again():
    """Once undo's deletion has synced, approving the invoice again adds it to QuickBooks."""
    w, actions = _world()
    invoice = _synced_invoice(w)
    actions.undo_sync(invoice)
    w.sync()
    actions.set_status(invoice, "approved")
    w.sync()
    assert w.link(invoice).qb_id == w.qb("Invoice")[0]["TxnID"]
    assert w.link(invoice).qb_deleted_at is None


def test_status_that_syncs_waits_while_undos_deletion_is_queued():
    """Approving again before undo's deletion has synced is refused: sync first."""
    w, actions = _world()
    invoice = _synced_invoice(w)
    actions.undo_sync(invoice)
    with pytest.raises(ActionRefused, match=r"status approved must wait: PSR .* sync first"):
        actions.set_status(invoice, "approved")
    assert w.app.invoices.get(invoice).status == "draft"


def test_payments_cannot_be_undone():
    """Undo sync on a payment is refused: delete the payment instead."""
    w, actions = _world()
    payment = _synced_payment(w)
    with pytest.raises(ActionRefused, match=r"payments cannot be undone; delete the payment"):
        actions.undo_sync(payment)


def test_undo_sync_needs_a_transaction_quickbooks_holds():
    """A transaction never synced has no sync to undo: delete its PSR instead."""
    w, actions = _world()
    invoice = _invoice(w)
    with pytest.raises(ActionRefused, match=r"not in QuickBooks \(never synced\).*delete its PSR"):
        actions.undo_sync(invoice)


def test_undo_sync_twice_is_refused():
    """A second undo sync while the first one's deletion is queued is refused."""
    w, actions = _world()
    invoice = _synced_invoice(w)
    actions.undo_sync(invoice)
    with pytest.raises(ActionRefused, match=r"sync is already undone: PSR"):
        actions.undo_sync(invoice)


def test_undo_sync_is_for_transactions():
    """Undo sync on a customer is refused: list records have no sync to undo."""
    w, actions = _world()
    customer = acme(w)
    with pytest.raises(ActionRefused, match=r"'Acme' .* is a list record, not a transaction"):
        actions.undo_sync(customer)


def test_prevent_sync_keeps_a_transaction_out_for_good():
    """A prevent-sync invoice is never queued, whatever status it reaches."""
    w, actions = _world()
    invoice = _invoice(w, status="draft")
    actions.prevent_sync(invoice)
    actions.set_status(invoice, "approved")
    actions.set_status(invoice, "sent")
    w.sync()
    assert w.psrs(invoice) == [] and w.qb("Invoice") == []


def test_prevent_sync_leaves_a_queued_psr_and_says_so():
    """Prevent sync does not touch a PSR already queued; its note names the PSR to delete."""
    w, actions = _world()
    invoice = _invoice(w)
    psr = w.last_psr(invoice)
    result = actions.prevent_sync(invoice)
    assert w.last_psr(invoice).state == "queued"
    assert f"PSR {psr.id} (add) is still in the queue" in result.note


def test_allowed_transaction_syncs_its_next_change():
    """After allow sync, the next status that syncs queues the invoice again."""
    w, actions = _world()
    invoice = _invoice(w, status="draft")
    actions.prevent_sync(invoice)
    actions.allow_sync(invoice)
    actions.set_status(invoice, "approved")
    w.sync()
    assert [r["RefNumber"] for r in w.qb("Invoice")] == ["1001"]


def test_set_status_that_syncs_queues_the_transaction():
    """Approving a complete draft invoice queues its add, and the result says so."""
    w, actions = _world()
    invoice = _invoice(w, status="draft")
    result = actions.set_status(invoice, "approved")
    assert result.done == "status draft to approved"
    assert result.note.startswith(f"PSR {w.last_psr(invoice).id} (add) queued")


def test_set_status_refuses_a_status_the_type_does_not_have():
    """An unknown status is refused, listing the type's statuses."""
    w, actions = _world()
    invoice = _invoice(w, status="draft")
    with pytest.raises(ActionRefused, match=r"status = 'shipped': must be one of: draft,"):
        actions.set_status(invoice, "shipped")


def test_close_sets_the_types_closed_like_status():
    """Close moves an invoice to closed and a time entry to billed."""
    w, actions = _world()
    invoice = _invoice(w)
    employee = w.app.employees.add(first_name="Ann", last_name="Lee").id
    entry = w.app.time_entries.add(employee=employee, duration="1:30").id
    actions.close(invoice)
    actions.close(entry)
    assert (w.app.invoices.get(invoice).status, w.app.time_entries.get(entry).status) == (
        "closed",
        "billed",
    )


def test_deleted_payment_is_deleted_in_quickbooks():
    """A payment no gateway processed can be deleted; the next sync deletes it in QuickBooks."""
    w, actions = _world()
    payment = _synced_payment(w)
    result = actions.delete_payment(payment)
    w.sync()
    assert w.app.payments.get(payment).deleted and w.qb("ReceivePayment") == []
    assert "the next sync deletes it in QuickBooks" in result.note


def test_payment_a_gateway_processed_cannot_be_deleted():
    """A payment a payment gateway processed is refused: reverse it with the gateway."""
    w, actions = _world()
    payment = _synced_payment(w, ref_number="P-1", gateway_processed=True)
    with pytest.raises(ActionRefused, match=r"'P-1' .* processed by a payment gateway"):
        actions.delete_payment(payment)
    assert len(w.qb("ReceivePayment")) == 1


def test_delete_payment_is_for_payments():
    """Delete payment on an invoice is refused: it is not a payment."""
    w, actions = _world()
    invoice = _invoice(w)
    with pytest.raises(ActionRefused, match=r"invoice '1001' .* is not a payment"):
        actions.delete_payment(invoice)


def test_every_transaction_type_has_a_closed_like_status():
    """Each type's closed-like status is one of its statuses at which it syncs."""
    for spec in STATUS_TABLE.values():
        assert spec.closed in spec.sync_at, spec.entity_type
