"""Every record action says what the next sync will do with the record, read from its PSRs,
its flags and the settings — not from what the action itself just did (issue 13, section 1)."""

from __future__ import annotations

import pytest

from syncengine.settings import SyncSettings
from tests.cli_workspace import app_of, make_workspace, qbsync, record_id

KEEPS = "The next sync sends nothing of it: QuickBooks keeps its copy"


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


@pytest.fixture
def invoice(shop):
    return record_id(shop, "invoice", "1001")


def _cli(capsys, shop, *argv) -> str:
    """Run a command that must succeed; its ``note`` (what follows from it)."""
    ran = qbsync(capsys, "--db", shop, *argv, "--json")
    assert ran.code == 0, ran.err
    return ran.json["note"]


def _synced(capsys, shop, invoice) -> None:
    _cli(capsys, shop, "record", "set-status", str(invoice), "approved")
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0


def _psr_of(shop, invoice) -> int:
    with app_of(shop) as app:
        [psr] = [p for p in app.queue.find() if p.entity_id == invoice]
    return psr.id


def test_close_after_undo_and_prevent_says_the_deletion_still_goes(shop, invoice, capsys):
    """Undo sync, prevent sync, close: the deletion is still queued, and close says so."""
    _synced(capsys, shop, invoice)
    _cli(capsys, shop, "record", "undo-sync", str(invoice))
    deletion = _psr_of(shop, invoice)
    prevented = _cli(capsys, shop, "record", "prevent-sync", str(invoice))
    closed = _cli(capsys, shop, "record", "close", str(invoice))
    for note in (prevented, closed):
        assert f"next sync deletes it in QuickBooks (PSR {deletion})" in note
        assert f"delete PSR {deletion} from the queue" in note
    assert "nothing goes to QuickBooks" not in closed


def test_once_the_deletion_is_out_of_the_queue_quickbooks_keeps_its_copy(shop, invoice, capsys):
    """The last step of the playbook: deleting the PSR says QuickBooks keeps the invoice."""
    _synced(capsys, shop, invoice)
    _cli(capsys, shop, "record", "undo-sync", str(invoice))
    _cli(capsys, shop, "record", "prevent-sync", str(invoice))
    note = _cli(capsys, shop, "queue", "delete", str(_psr_of(shop, invoice)))
    assert KEEPS in note and "marked prevent sync" in note


def test_a_change_waiting_for_the_wizard_says_so(shop, invoice, capsys):
    """Wizard on: an invoice set to approved waits for approval; the note does not promise
    the next sync."""
    qbsync(capsys, "--db", shop, "wizard", "enable")
    note = _cli(capsys, shop, "record", "set-status", str(invoice), "approved")
    psr = _psr_of(shop, invoice)
    assert note.startswith(f"PSR {psr} (add) queued")
    assert (
        f"the next sync leaves PSR {psr} (add) in the queue: not approved in the sync wizard"
        in (note)
    )


def test_undo_sync_in_an_area_that_does_not_sync_says_the_deletion_waits(shop, invoice, capsys):
    """Customer invoices switched off: undo sync says its deletion waits for the area."""
    _synced(capsys, shop, invoice)
    with app_of(shop) as app:
        SyncSettings(app.store).set("sync.customer_invoices", False)
    note = _cli(capsys, shop, "record", "undo-sync", str(invoice))
    assert "the customer_invoices area does not sync" in note
    assert "The next sync deletes" not in note


def test_allow_sync_with_a_queued_psr_says_it_goes(shop, capsys):
    """Allow sync on a customer whose add is still queued: the next sync adds it."""
    _cli(capsys, shop, "record", "prevent-sync", "2")
    note = _cli(capsys, shop, "record", "allow-sync", "2")
    assert f"The next sync adds it to QuickBooks (PSR {_psr_of(shop, 2)})" in note


def test_resync_of_a_queued_record_under_the_wizard_says_it_waits(shop, capsys):
    """Resync of a queued customer with the wizard on: it waits for approval."""
    qbsync(capsys, "--db", shop, "wizard", "enable")
    note = _cli(capsys, shop, "record", "resync", "2")
    assert "not approved in the sync wizard" in note


def test_a_status_that_does_not_sync_says_what_quickbooks_holds(shop, invoice, capsys):
    """A synced invoice closed (no queued change): QuickBooks keeps its copy."""
    _synced(capsys, shop, invoice)
    assert KEEPS in _cli(capsys, shop, "record", "close", str(invoice))


def test_a_never_synced_draft_says_when_it_queues(shop, invoice, capsys):
    """A draft sent for approval: QuickBooks does not have it, and it queues once approved."""
    note = _cli(capsys, shop, "record", "set-status", str(invoice), "pending_approval")
    assert note.startswith("The next sync sends nothing of it: QuickBooks does not have it;")
    assert "it queues at status approved, sent, paid, closed (it is pending_approval)" in note


def test_deleting_a_payment_under_the_wizard_says_the_deletion_waits(shop, invoice, capsys):
    """Wizard on: a deleted payment's deletion waits for approval before QuickBooks hears."""
    _synced(capsys, shop, invoice)
    with app_of(shop) as app:
        customer = app.invoices.get(invoice)["customer"]
        applied = [{"invoice": invoice, "amount": "85"}]
        payment = app.payments.add(customer=customer, amount="85", applied=applied).id
        app.payments.set_status(payment, "received")
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0
    qbsync(capsys, "--db", shop, "wizard", "enable")
    note = _cli(capsys, shop, "record", "delete-payment", str(payment))
    assert "not approved in the sync wizard" in note and "The next sync deletes" not in note


def test_a_transaction_outside_the_settings_date_range_says_it_waits(shop, invoice, capsys):
    """A manual sync's date range in the settings: an invoice dated before it waits."""
    with app_of(shop) as app:
        app.invoices.update(invoice, txn_date="2025-03-01")
        SyncSettings(app.store).set("range.from_date", "2025-04-01")
    note = _cli(capsys, shop, "record", "set-status", str(invoice), "approved")
    assert "dated 2025-03-01, outside the date range from 2025-04-01" in note
