"""``qbsync record``: undo sync, prevent and allow sync, set a transaction's status, close it,
delete a payment, resync, clear ID, and the unsynced records with their fix."""

from __future__ import annotations

import pytest

from qbsim import Company
from syncengine import qbxml
from tests.cli_workspace import app_of, make_workspace, qbsync, record_id


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


@pytest.fixture
def invoice(shop):
    return record_id(shop, "invoice", "1001")


def _record(capsys, shop, *argv):
    return qbsync(capsys, "--db", shop, "record", *argv)


def _sync(capsys, shop) -> None:
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0


def test_setting_a_sync_status_queues_the_transaction(shop, invoice, capsys):
    """``set-status INVOICE approved``: the status changes and an add is queued."""
    data = _record(capsys, shop, "set-status", str(invoice), "approved", "--json").json
    assert data["done"] == "status draft to approved" and "queued" in data["note"]


def test_an_unknown_status_is_refused(shop, invoice, capsys):
    """A status the type does not have: exit 2 with the reason."""
    ran = _record(capsys, shop, "set-status", str(invoice), "shipped")
    assert (ran.code, ran.out) == (2, "") and "shipped" in ran.err


def test_a_synced_invoice_is_undone(shop, invoice, capsys):
    """``undo-sync``: status back to draft and its deletion queued for QuickBooks."""
    _record(capsys, shop, "set-status", str(invoice), "approved")
    _sync(capsys, shop)
    ran = _record(capsys, shop, "undo-sync", str(invoice))
    assert ran.code == 0 and "sync undone: status approved to draft" in ran.out
    with app_of(shop) as app:
        assert app.queue.find(entity_type="invoice")[0].action == "delete"


def test_undoing_a_list_record_is_refused(shop, capsys):
    """A customer has no sync to undo: exit 2, the reason names the record."""
    ran = _record(capsys, shop, "undo-sync", "2")
    assert ran.code == 2
    assert ran.err.startswith("qbsync record undo-sync: customer 'Acme' (id 2) is a list record")


def test_prevent_sync_then_allow_sync(shop, capsys):
    """``prevent-sync`` flags the record; ``allow-sync`` removes the flag."""
    assert _record(capsys, shop, "prevent-sync", "2", "--json").json["done"] == (
        "marked prevent sync"
    )
    assert _record(capsys, shop, "allow-sync", "2").code == 0
    with app_of(shop) as app:
        assert app.store.flags.of(2) == set()


def test_closing_an_invoice_sets_its_closed_status(shop, invoice, capsys):
    """``close INVOICE``: status closed."""
    ran = _record(capsys, shop, "close", str(invoice), "--json")
    assert ran.json["done"] == "status draft to closed"


def test_deleting_something_that_is_no_payment_is_refused(shop, invoice, capsys):
    """``delete-payment`` on an invoice: exit 2."""
    ran = _record(capsys, shop, "delete-payment", str(invoice))
    assert ran.code == 2 and "is not a payment" in ran.err


def test_unsynced_records_show_the_fix(shop, capsys):
    """After a sync the refused vendor is unsynced, with the guide's fix for 3100."""
    _sync(capsys, shop)
    [row] = _record(capsys, shop, "unsynced", "--json").json
    assert (row["name"], row["error_code"], row["state"]) == ("Birch", 3100, "failed")
    assert "(qbsync guide 3100)" in row["fix"]


def test_the_unsynced_list_is_a_table(shop, capsys):
    """For people: a header and the vendor's line, then its fix in full below the table."""
    _sync(capsys, shop)
    lines = _record(capsys, shop, "unsynced").out.splitlines()
    assert lines[0].split()[:3] == ["entity_id", "entity_type", "name"]
    assert lines[1].split()[:3] == ["4", "vendor", "Birch"] and lines[2:4] == ["", "Fixes:"]


def test_resync_of_a_queued_record_changes_nothing(shop, capsys):
    """``resync`` on a record already in the queue says so and changes nothing."""
    ran = _record(capsys, shop, "resync", "4")
    assert ran.code == 0 and "already queued" in ran.out


def test_clear_id_adds_a_record_deleted_in_quickbooks_again(shop, capsys):
    """A customer deleted in QuickBooks while edited in the app fails with 3120; ``clear-id``
    drops its link and queues an add."""
    _sync(capsys, shop)
    company_file = shop.with_name(shop.name + ".qbsim.json")
    company = Company.load(company_file)
    with app_of(shop) as app:
        list_id = app.store.links.get(2).qb_id
    request = qbxml.list_delete("Customer", list_id)
    company.process(qbxml.MessageSet([request], on_error="stopOnError").to_xml())
    company.save(company_file)
    with app_of(shop) as app:
        app.customers.update(2, phone="555-0111")
    _sync(capsys, shop)
    ran = _record(capsys, shop, "clear-id", "2", "--json")
    assert ran.code == 0 and ran.json["done"] == f"QuickBooks ID {list_id} cleared"
    assert ran.json["note"] == (
        "PSR 5 is now an add; the next sync adds it to QuickBooks (PSR 5, again: it failed"
        " last time with status 3120)."
    )


def test_clear_id_of_a_record_quickbooks_still_has_is_refused(shop, capsys):
    """While the link says QuickBooks holds the record: exit 2."""
    _sync(capsys, shop)
    ran = _record(capsys, shop, "clear-id", "2")
    assert ran.code == 2 and ran.err.startswith("qbsync record clear-id: ")
