"""The conflict rule on export: 3200 re-reads the record, the app's changed fields win,
QuickBooks keeps (and the app takes) the rest; 3120 says the QuickBooks record is gone."""

from __future__ import annotations

from qbsim.errors import StatusError
from qbsim.testing import mod, send
from tests.sync_world import World

STALE = 'The provided edit sequence "1" is out-of-date. '


def _synced_acme(w: World) -> int:
    customer = w.app.customers.add(name="Acme", phone="555-0100", email="a@example.com").id
    w.sync()
    return customer


def _edit_in_quickbooks(w: World, **fields: str) -> None:
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), fields)


def test_apps_changed_field_wins_a_conflict():
    """Changed on both sides: the app's phone is sent with QuickBooks' new EditSequence."""
    w = World()
    customer = _synced_acme(w)
    _edit_in_quickbooks(w, Phone="555-0199", Email="qb@example.com")
    w.app.customers.update(customer, phone="555-0111")
    w.sync()
    assert w.qb_named("Customer", "Acme")["Phone"] == "555-0111"


def test_quickbooks_field_the_app_did_not_change_is_kept():
    """QuickBooks' email survives the resend and is taken into the app."""
    w = World()
    customer = _synced_acme(w)
    _edit_in_quickbooks(w, Phone="555-0199", Email="qb@example.com")
    w.app.customers.update(customer, phone="555-0111")
    w.sync()
    assert w.qb_named("Customer", "Acme")["Email"] == "qb@example.com"
    assert w.app.customers.get(customer)["email"] == "qb@example.com"


def test_conflict_goes_to_the_sync_log_and_the_report():
    """The conflict names the field, both values and which one was sent."""
    w = World()
    customer = _synced_acme(w)
    _edit_in_quickbooks(w, Phone="555-0199")
    w.app.customers.update(customer, phone="555-0111")
    report = w.sync()
    assert report.conflicts == 1
    note = report.conflict_notes[0]
    assert "phone is '555-0199' in QuickBooks and '555-0111' in the app" in note
    log = w.store.log.frame(job_id=report.job_id)
    assert (log.action == "conflict").sum() == 1


def test_conflict_resend_leaves_the_psr_done_without_error():
    """A 3200 settled by the rule is not an error: the PSR is done, the link current."""
    w = World()
    customer = _synced_acme(w)
    _edit_in_quickbooks(w, Phone="555-0199")
    w.app.customers.update(customer, phone="555-0111")
    report = w.sync()
    assert (w.last_psr(customer).state, report.error_count) == ("done", 0)
    assert w.link(customer).edit_sequence == w.qb_named("Customer", "Acme")["EditSequence"]


def test_stale_edit_sequence_twice_fails_the_psr():
    """3200 again after the re-read fails the PSR with its explanation (retried once)."""
    w = World()
    customer = _synced_acme(w)
    w.company.request_hooks.append(
        lambda tag, element: StatusError(3200, STALE) if tag == "CustomerModRq" else None
    )
    w.app.customers.update(customer, phone="555-0111")
    w.sync()
    psr = w.last_psr(customer)
    assert (psr.state, psr.error_code) == ("failed", 3200) and "sync again" in psr.error_hint


def test_modify_of_a_record_deleted_in_quickbooks_fails_with_3120():
    """A Mod QuickBooks answers 3120 fails: the record is gone, Clear ID to add it again."""
    w = World()
    customer = _synced_acme(w)
    send(w.company, "ListDelRq", {"ListDelType": "Customer", "ListID": w.link(customer).qb_id})
    w.app.customers.update(customer, phone="555-0111")
    w.sync()
    psr = w.last_psr(customer)
    assert (psr.state, psr.error_code) == ("failed", 3120) and "Clear ID" in psr.error_hint
    assert w.link(customer).qb_deleted_at is not None


def test_deleting_a_record_already_gone_in_quickbooks_is_done():
    """A delete QuickBooks answers 3120 (already gone) is as good as done."""
    w = World()
    w.store.settings.write_raw("delete_action.customer", "delete")
    customer = _synced_acme(w)
    send(w.company, "ListDelRq", {"ListDelType": "Customer", "ListID": w.link(customer).qb_id})
    w.app.customers.delete(customer)
    report = w.sync()
    assert w.last_psr(customer).state == "done" and report.failed == 0
