"""Actions on the queue (rule 5): delete a PSR, a "to be deleted" PSR cannot be reversed, proxy
and unproxy; each synced through qbsim."""

from __future__ import annotations

import pytest

from qbsim.testing import mod
from syncengine.actions import ActionRefused, Actions
from syncengine.store import NotFound
from tests.sync_world import World, acme, labor


def _world() -> tuple[World, Actions]:
    w = World()
    return w, Actions(w.store)


def _synced_acme(w: World, **fields: str) -> int:
    customer = w.app.customers.add(name="Acme", **fields).id
    w.sync()
    return customer


def _synced_invoice(w: World) -> int:
    lines = [{"item": labor(w), "quantity": 1, "rate": "85"}]
    invoice = w.app.invoices.add(customer=acme(w), ref_number="1001", lines=lines)
    w.app.invoices.set_status(invoice.id, "approved")
    w.sync()
    return invoice.id


def test_deleted_psr_keeps_the_change_out_of_quickbooks():
    """Deleting a PSR from the queue: the change never reaches QuickBooks."""
    w, actions = _world()
    customer = _synced_acme(w, phone="555-0100")
    w.app.customers.update(customer, phone="555-0111")
    actions.delete_psr(w.last_psr(customer).id)
    w.sync()
    assert w.qb_named("Customer", "Acme")["Phone"] == "555-0100"


def test_deleted_psr_stays_as_history_marked_removed():
    """A PSR deleted from the queue is kept, state removed, out of the next sync job."""
    w, actions = _world()
    customer = acme(w)
    actions.delete_psr(w.last_psr(customer).id)
    report = w.sync()
    assert (w.last_psr(customer).state, report.exported) == ("removed", 0)


def test_deleting_a_psr_warns_the_next_import_may_overwrite_the_app_record():
    """The result says the change stays out and the next import may overwrite the app."""
    w, actions = _world()
    customer = _synced_acme(w)
    w.app.customers.update(customer, phone="555-0111")
    result = actions.delete_psr(w.last_psr(customer).id)
    assert "the next import may overwrite the app record" in result.note
    assert result.record == f"customer 'Acme' (id {customer})"


def test_next_import_overwrites_the_change_of_a_deleted_psr():
    """After its PSR is deleted, an edit made in QuickBooks overwrites the app's change."""
    w, actions = _world()
    customer = _synced_acme(w, phone="555-0100")
    w.app.customers.update(customer, phone="555-0111")
    actions.delete_psr(w.last_psr(customer).id)
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {"Phone": "555-0199"})
    w.sync()
    assert w.app.customers.get(customer)["phone"] == "555-0199"


def test_psr_locked_in_a_sync_job_cannot_be_deleted():
    """A PSR a running sync job holds is refused, naming the job."""
    w, actions = _world()
    customer = acme(w)
    job = w.start()
    with pytest.raises(ActionRefused, match=r"PSR \d+ \(add customer 'Acme'\) is locked in sync"):
        actions.delete_psr(w.last_psr(customer).id)
    w.finish(job)


def test_done_psr_cannot_be_deleted():
    """A PSR QuickBooks already took is not in the queue any more: refused."""
    w, actions = _world()
    customer = _synced_acme(w)
    with pytest.raises(ActionRefused, match=r"already done \(QuickBooks took it\); only queued"):
        actions.delete_psr(w.last_psr(customer).id)


def test_unknown_psr_is_not_found():
    """An ID no PSR has raises NotFound."""
    _w, actions = _world()
    with pytest.raises(NotFound, match=r"no PSR with id 99"):
        actions.delete_psr(99)


def test_to_be_deleted_psr_cannot_be_reversed():
    """Restoring a "to be deleted" PSR is refused: re-create the record."""
    w, actions = _world()
    invoice = _synced_invoice(w)
    w.app.invoices.delete(invoice)
    refusal = r"'to be deleted' PSR .* cannot be reversed: re-create the record"
    with pytest.raises(ActionRefused, match=refusal):
        actions.restore_deleted(w.last_psr(invoice).id)


def test_to_be_deleted_psr_can_be_deleted_from_the_queue():
    """A "to be deleted" PSR deleted from the queue leaves QuickBooks' record in place."""
    w, actions = _world()
    invoice = _synced_invoice(w)
    w.app.invoices.delete(invoice)
    actions.delete_psr(w.last_psr(invoice).id)
    w.sync()
    assert [r["RefNumber"] for r in w.qb("Invoice")] == ["1001"]


def test_restore_refuses_a_psr_that_deletes_nothing():
    """Only deletions could be restored; an add is refused as not a deletion."""
    w, actions = _world()
    customer = acme(w)
    with pytest.raises(ActionRefused, match=r"is not a deletion; there is nothing to restore"):
        actions.restore_deleted(w.last_psr(customer).id)


def test_proxied_customer_is_never_synced():
    """A proxied customer's changes never reach QuickBooks and queue no PSR."""
    w, actions = _world()
    customer = _synced_acme(w, phone="555-0100")
    actions.proxy(customer)
    w.app.customers.update(customer, phone="555-0111")
    report = w.sync()
    assert (report.exported, w.qb_named("Customer", "Acme")["Phone"]) == (0, "555-0100")


def test_proxy_deletes_the_queued_psr():
    """Proxying a record with a queued PSR takes that PSR out of the queue."""
    w, actions = _world()
    customer = _synced_acme(w)
    w.app.customers.update(customer, phone="555-0111")
    result = actions.proxy(customer)
    assert w.last_psr(customer).state == "removed"
    assert "deleted from the queue" in result.note


def test_unproxied_customer_syncs_its_next_change():
    """Once the proxy is removed, the record's next change goes to QuickBooks."""
    w, actions = _world()
    customer = _synced_acme(w)
    actions.proxy(customer)
    actions.unproxy(customer)
    w.app.customers.update(customer, phone="555-0111")
    w.sync()
    assert w.qb_named("Customer", "Acme")["Phone"] == "555-0111"


def test_proxy_twice_is_refused():
    """A record already proxied is refused, saying how to sync it again."""
    w, actions = _world()
    customer = acme(w)
    actions.proxy(customer)
    with pytest.raises(ActionRefused, match=r"'Acme' .* is already proxied; to sync it, unproxy"):
        actions.proxy(customer)


def test_unproxy_without_a_proxy_is_refused():
    """Removing a proxy a record does not have is refused."""
    w, actions = _world()
    customer = acme(w)
    with pytest.raises(ActionRefused, match=r"is not proxied; nothing to remove"):
        actions.unproxy(customer)


def test_deleted_record_cannot_be_proxied():
    """A record deleted in the app is refused: a deletion cannot be reversed."""
    w, actions = _world()
    customer = acme(w)
    w.app.customers.delete(customer)
    with pytest.raises(ActionRefused, match=r"was deleted in the app .*re-create the record"):
        actions.proxy(customer)


def test_proxy_waits_for_a_running_sync_job():
    """A record whose PSR a running sync job holds cannot be proxied until the job ends."""
    w, actions = _world()
    customer = acme(w)
    job = w.start()
    with pytest.raises(ActionRefused, match=r"is locked in sync job \d+; finish or cancel"):
        actions.proxy(customer)
    w.finish(job)
