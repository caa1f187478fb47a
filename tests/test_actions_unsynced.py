"""Unsynced entities (rule 8) and the duplicate-name fixes (rule 4): the list with each error
and its fix, Resync, Clear ID; renaming, or deleting the PSR so the import links the record.
Every sync goes through qbsim."""

from __future__ import annotations

import pytest

from qbsim.testing import add, mod, send
from syncengine.actions import ActionRefused, Actions
from syncengine.reports import guide
from tests.sync_world import World, acme, labor


def _world() -> tuple[World, Actions]:
    w = World()
    return w, Actions(w.store)


def _name_taken(w: World) -> int:
    """QuickBooks already has a customer Acme; the app's Acme fails to sync with 3100."""
    add(w.company, "Customer", {"Name": "Acme"})
    customer = w.app.customers.add(name="Acme", phone="555-0100").id
    w.sync()
    return customer


def _deleted_in_quickbooks(w: World) -> int:
    """Acme synced, deleted in QuickBooks, then edited in the app: the Mod fails with 3120."""
    customer = acme(w)
    w.sync()
    send(w.company, "ListDelRq", {"ListDelType": "Customer", "ListID": w.link(customer).qb_id})
    w.app.customers.update(customer, phone="555-0100")
    w.sync()
    return customer


def _row(actions: Actions, entity_id: int) -> dict:
    frame = actions.unsynced()
    rows = frame[frame["entity_id"] == entity_id].to_dict("records")
    assert len(rows) == 1, frame
    return rows[0]


def test_unsynced_lists_a_failed_psr_with_its_error_and_fix():
    """A record QuickBooks refused is listed with the status code, message and the fix."""
    w, actions = _world()
    customer = _name_taken(w)
    row = _row(actions, customer)
    assert (row["state"], row["error_code"], row["name"]) == ("failed", 3100, "Acme")
    assert "already in use" in row["message"] and "Rename the record" in row["fix"]


def test_unsynced_fix_is_the_status_code_guides():
    """A failed PSR's fix is the status-code guide's entry for its code."""
    w, actions = _world()
    customer = _name_taken(w)
    assert _row(actions, customer)["fix"] == guide.hint(3100, "add")


def test_unsynced_lists_a_record_whose_psr_was_deleted():
    """A record kept out of QuickBooks by deleting its PSR is listed, with Resync as the fix."""
    w, actions = _world()
    customer = acme(w)
    actions.delete_psr(w.last_psr(customer).id)
    row = _row(actions, customer)
    assert row["state"] == "not in QuickBooks" and row["fix"].startswith("Resync")


def test_unsynced_leaves_out_proxied_records():
    """A proxied record is out of syncing on purpose, not unsynced."""
    w, actions = _world()
    customer = acme(w)
    actions.proxy(customer)
    assert actions.unsynced().empty


def test_unsynced_leaves_out_transactions_not_ready_to_sync():
    """A draft invoice is not expected in QuickBooks, so it is not listed."""
    w, actions = _world()
    w.app.invoices.add(customer=acme(w), lines=[{"item": labor(w), "quantity": 1}])
    w.sync()
    assert actions.unsynced().empty


def test_resync_adds_a_record_quickbooks_does_not_have():
    """Resync queues an add again for a record whose PSR was deleted; the sync adds it."""
    w, actions = _world()
    customer = acme(w)
    actions.delete_psr(w.last_psr(customer).id)
    result = actions.resync(customer)
    w.sync()
    assert result.done == f"PSR {w.last_psr(customer).id} (add) queued"
    assert w.link(customer).qb_id == w.qb_named("Customer", "Acme")["ListID"]


def test_resync_sends_the_app_values_of_a_record_quickbooks_has():
    """Resync of a synced record queues a Mod carrying the app's fields."""
    w, actions = _world()
    customer = acme(w)
    w.sync()
    w.app.customers.update(customer, email="ap@acme.example")
    actions.delete_psr(w.last_psr(customer).id)
    actions.resync(customer)
    w.sync()
    assert w.qb_named("Customer", "Acme")["Email"] == "ap@acme.example"


def test_resync_of_a_queued_record_changes_nothing():
    """A record already in the queue is left as it is, and the result says so."""
    w, actions = _world()
    customer = acme(w)
    result = actions.resync(customer)
    assert result.done.startswith("already queued") and len(w.psrs(customer)) == 1


def test_resync_refuses_a_transaction_not_at_a_sync_status():
    """A draft invoice cannot be resynced: set its status first."""
    w, actions = _world()
    invoice = w.app.invoices.add(customer=acme(w), lines=[{"item": labor(w), "quantity": 1}])
    with pytest.raises(ActionRefused, match=r"is at status draft; it syncs at approved, .*: set"):
        actions.resync(invoice.id)


def test_resync_refuses_a_record_deleted_in_quickbooks():
    """A record QuickBooks deleted is refused by Resync: Clear ID adds it again."""
    w, actions = _world()
    customer = _deleted_in_quickbooks(w)
    with pytest.raises(ActionRefused, match=r"deleted in QuickBooks .* use Clear ID"):
        actions.resync(customer)


def test_record_deleted_in_quickbooks_is_unsynced_with_clear_id_as_fix():
    """A Mod refused because QuickBooks deleted the record shows 3120 and Clear ID."""
    w, actions = _world()
    customer = _deleted_in_quickbooks(w)
    row = _row(actions, customer)
    assert (row["state"], row["error_code"]) == ("failed", 3120) and "Clear ID" in row["fix"]


def test_clear_id_adds_a_record_deleted_in_quickbooks_again():
    """Clear ID drops the deleted ListID; the next sync adds the record as a new one."""
    w, actions = _world()
    customer = _deleted_in_quickbooks(w)
    old = w.link(customer).qb_id
    actions.clear_id(customer)
    w.sync()
    ret = w.qb_named("Customer", "Acme")
    assert ret["ListID"] != old and ret["Phone"] == "555-0100"
    assert w.link(customer).qb_id == ret["ListID"] and actions.unsynced().empty


def test_clear_id_refuses_a_record_quickbooks_still_holds():
    """Clear ID is refused while the link says QuickBooks has the record: no second copy."""
    w, actions = _world()
    customer = acme(w)
    w.sync()
    with pytest.raises(ActionRefused, match=r"is still in QuickBooks as Customer .* second copy"):
        actions.clear_id(customer)


def test_clear_id_refuses_a_record_never_synced():
    """A record with no QuickBooks ID has nothing to clear: Resync queues it."""
    w, actions = _world()
    customer = acme(w)
    with pytest.raises(ActionRefused, match=r"has no QuickBooks ID to clear.*Resync queues it"):
        actions.clear_id(customer)


def test_clear_id_refuses_a_record_the_import_deleted():
    """A record QuickBooks deleted with no app change was deleted in the app too: re-create."""
    w, actions = _world()
    customer = acme(w)
    w.sync()
    send(w.company, "ListDelRq", {"ListDelType": "Customer", "ListID": w.link(customer).qb_id})
    w.sync()
    with pytest.raises(ActionRefused, match=r"was deleted in the app as well.*re-create"):
        actions.clear_id(customer)


def test_duplicate_name_fixed_by_renaming_in_the_app():
    """Rule 4, first fix: rename the app record and sync again; QuickBooks adds it."""
    w, _actions = _world()
    customer = _name_taken(w)
    w.app.customers.update(customer, name="Acme Ltd")
    report = w.sync()
    assert report.exported_ok == {("customer", "add"): 1}
    assert w.link(customer).qb_id == w.qb_named("Customer", "Acme Ltd")["ListID"]


def test_duplicate_name_fixed_by_deleting_the_psr_and_editing_in_quickbooks():
    """Rule 4, second fix: delete the PSR, touch the record in QuickBooks; the import links it."""
    w, actions = _world()
    customer = _name_taken(w)
    result = actions.delete_psr(w.last_psr(customer).id)
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {})
    w.sync()
    assert "edit that record in QuickBooks: the next import links them" in result.note
    assert w.link(customer).qb_id == w.qb_named("Customer", "Acme")["ListID"]
    assert len(w.app.customers.all()) == 1 and len(w.qb("Customer")) == 1


def test_record_linked_by_name_can_send_its_values_by_resync():
    """After the import links a same-name record, Resync sends the app's values to it."""
    w, actions = _world()
    customer = _name_taken(w)
    actions.delete_psr(w.last_psr(customer).id)
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {})
    w.sync()
    actions.resync(customer)
    w.sync()
    assert w.qb_named("Customer", "Acme")["Phone"] == "555-0100"


def test_resync_refuses_a_transaction_whose_area_does_not_sync():
    """An approved invoice with customer invoices switched off is refused, saying why."""
    w, actions = _world()
    w.store.settings.write_raw("sync.customer_invoices", False)
    lines = [{"item": labor(w), "quantity": 1}]
    invoice = w.app.invoices.add(customer=acme(w), lines=lines, status="approved")
    with pytest.raises(ActionRefused, match=r"out of the sync's scope: the customer_invoices"):
        actions.resync(invoice.id)
