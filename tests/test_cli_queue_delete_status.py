"""Deleting the PSR of a transaction that never reached QuickBooks puts its status back to its
type's default (rule 5 with rule 6's "not yet synced" playbook, as Order Time does): it stays
out until someone sets a sync status again. A synced transaction keeps its status."""

from __future__ import annotations

import pytest

from tests.cli_workspace import app_of, make_workspace, qbsync, record_id


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


@pytest.fixture
def invoice(shop, capsys):
    """Invoice 1001, approved: its add waits in the queue."""
    invoice = record_id(shop, "invoice", "1001")
    assert _cli(capsys, shop, "record", "set-status", str(invoice), "approved").code == 0
    return invoice


def _cli(capsys, shop, *argv):
    return qbsync(capsys, "--db", shop, *argv)


def _psr(shop, invoice) -> int:
    with app_of(shop) as app:
        [psr] = [p for p in app.queue.find() if p.entity_id == invoice]
    return psr.id


def _status(shop, invoice) -> str:
    with app_of(shop) as app:
        return app.invoices.get(invoice).status


def test_deleting_a_never_synced_invoices_psr_puts_it_back_to_draft(shop, invoice, capsys):
    """``queue delete`` of the add: the invoice is a draft again, and the message says so."""
    ran = _cli(capsys, shop, "queue", "delete", str(_psr(shop, invoice)), "--json")
    assert ran.code == 0 and _status(shop, invoice) == "draft"
    assert "status approved back to draft" in ran.json["done"]
    assert "it queues at status approved" in ran.json["note"]


def test_an_edit_after_the_deletion_does_not_queue_it_again(shop, invoice, capsys):
    """Back at draft, an edit of the invoice stays in the app."""
    _cli(capsys, shop, "queue", "delete", str(_psr(shop, invoice)))
    with app_of(shop) as app:
        app.invoices.update(invoice, memo="edited after the PSR was deleted")
        assert [p for p in app.queue.find() if p.entity_id == invoice] == []


def test_a_synced_invoice_keeps_its_status_when_its_change_is_deleted(shop, invoice, capsys):
    """A modify of a synced invoice deleted from the queue: the status stays approved."""
    assert _cli(capsys, shop, "job", "run", "--simulated").code == 0
    with app_of(shop) as app:
        app.invoices.update(invoice, memo="a change kept out of QuickBooks")
    ran = _cli(capsys, shop, "queue", "delete", str(_psr(shop, invoice)), "--json")
    assert ran.code == 0 and _status(shop, invoice) == "approved"
    assert "back to" not in ran.json["done"]
