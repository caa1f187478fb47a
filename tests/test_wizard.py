"""The sync wizard: candidates in both directions, all checked, a badge; "Approve checked"
keeping or clearing the unchecked; approved changes pending until the connector runs; the
log of pending, successful and failed syncs; switched off, everything flows directly."""

from __future__ import annotations

import pytest

from qbsim.testing import add, send
from syncengine import qbxml
from syncengine.errors import RecordError
from syncengine.store import NotFound, Refused
from syncengine.wizard import Wizard
from tests.sync_world import World, acme


def _on(w: World) -> Wizard:
    wizard = Wizard(w.store)
    wizard.enable()
    return wizard


def _ids(wizard: Wizard, direction: str, record: str) -> list[int]:
    frame = wizard.candidates(direction)
    return list(frame[frame.record == record].id)


def _customers_in_quickbooks(w: World) -> list[str]:
    return sorted(r["Name"] for r in w.qb("Customer"))


# -- export candidates ----------------------------------------------------------------------
def test_wizard_is_off_by_default_and_everything_flows():
    """With the wizard off, a sync sends every queued change at once."""
    w = World()
    acme(w)
    w.sync()
    assert not Wizard(w.store).enabled and _customers_in_quickbooks(w) == ["Acme"]


def test_queued_changes_are_offered_checked():
    """Switched on, the wizard offers every queued change, each checked and waiting."""
    w = World()
    acme(w)
    wizard = _on(w)
    [row] = wizard.candidates("export").itertuples()
    assert (row.record, row.action, row.checked, row.state) == (
        "customer 'Acme'",
        "add",
        True,
        "waiting",
    )


def test_badge_counts_what_waits_in_each_direction():
    """The badge counts the waiting candidates per direction."""
    w = World()
    acme(w), w.app.customers.add(name="Beta")
    assert _on(w).badge() == {"export": 2, "import": 0}


def test_changes_made_since_are_offered_without_refresh():
    """A change queued after the wizard was switched on is offered at once; refresh finds
    nothing left to offer."""
    w = World()
    wizard = _on(w)
    acme(w)
    assert wizard.badge()["export"] == 1 and wizard.refresh() == 0


def test_change_not_yet_approved_does_not_sync():
    """With the wizard on, a sync leaves unapproved changes in the queue."""
    w = World()
    customer = acme(w)
    _on(w)
    w.sync()
    assert _customers_in_quickbooks(w) == [] and w.last_psr(customer).state == "queued"


def test_approved_change_is_pending_until_the_connector_runs():
    """An approved change shows as pending in the log until the next sync sends it."""
    w = World()
    acme(w)
    wizard = _on(w)
    wizard.approve_checked()
    assert list(wizard.log().outcome) == ["pending"] and _customers_in_quickbooks(w) == []
    w.sync()
    assert list(wizard.log().outcome) == ["successful"] and _customers_in_quickbooks(w) == ["Acme"]


def test_synced_candidate_leaves_the_wizard():
    """Once QuickBooks took an approved change its candidate is synced, no longer shown."""
    w = World()
    acme(w)
    wizard = _on(w)
    wizard.approve_checked()
    w.sync()
    assert wizard.candidates().empty and set(w.store.wizard.frame().state) == {"synced"}


def test_kept_unchecked_change_comes_back_after_the_next_run():
    """An unchecked change kept at approval leaves the badge, and is offered again, checked,
    once the next sync has run."""
    w = World()
    acme(w), w.app.customers.add(name="Beta")
    wizard = _on(w)
    wizard.check(_ids(wizard, "export", "customer 'Beta'"), False)
    result = wizard.approve_checked(unchecked="keep")
    assert (result.total, result.kept, wizard.badge()["export"]) == (1, 1, 0)
    assert list(wizard.candidates("export").state) == ["approved", "kept"]
    w.sync()
    [row] = wizard.candidates("export").itertuples()
    assert (row.record, row.state, row.checked) == ("customer 'Beta'", "waiting", True)
    assert _customers_in_quickbooks(w) == ["Acme"]


def test_cleared_unchecked_change_does_not_come_back():
    """An unchecked change cleared at approval is deleted from the queue and not offered
    again; QuickBooks never hears of it."""
    w = World()
    acme(w)
    beta = w.app.customers.add(name="Beta").id
    wizard = _on(w)
    wizard.check(_ids(wizard, "export", "customer 'Beta'"), False)
    result = wizard.approve_checked(unchecked="clear")
    w.sync()
    wizard.refresh()
    assert result.cleared == 1 and w.last_psr(beta).state == "removed"
    assert wizard.candidates().empty and _customers_in_quickbooks(w) == ["Acme"]


def test_failed_export_is_logged_and_offered_again():
    """An approved change QuickBooks refuses is logged failed and offered again for approval."""
    w = World()
    w.company.process(qbxml.MessageSet([qbxml.add("Vendor", {"Name": "Acme"})]).to_xml())
    acme(w)
    wizard = _on(w)
    wizard.approve_checked()
    w.sync()
    assert list(wizard.log().outcome) == ["failed"] and wizard.badge()["export"] == 1


def test_log_runs_over_time():
    """The log lists syncs oldest first, with the time each happened."""
    w = World()
    acme(w)
    wizard = _on(w)
    wizard.approve_checked()
    w.sync()
    w.clock.advance(3600)
    w.app.customers.add(name="Beta")
    wizard.refresh()
    wizard.approve_checked()
    log = wizard.log()
    assert list(log.record) == ["customer 'Acme'", "customer 'Beta'"]
    assert list(log.outcome) == ["successful", "pending"] and log.time.is_monotonic_increasing


# -- import candidates ----------------------------------------------------------------------
def test_quickbooks_change_is_offered_for_import():
    """With the wizard on, a customer added in QuickBooks is offered, not imported."""
    w = World()
    wizard = _on(w)
    add(w.company, "Customer", {"Name": "Zeta"})
    w.sync()
    [row] = wizard.candidates("import").itertuples()
    assert (row.record, row.action, row.state) == ("customer 'Zeta'", "create", "waiting")
    assert w.app.customers.find("Zeta") == [] and wizard.badge()["import"] == 1


def test_approved_import_comes_in_with_the_next_sync():
    """An approved import is read again from QuickBooks and applied by the next sync."""
    w = World()
    wizard = _on(w)
    add(w.company, "Customer", {"Name": "Zeta", "Phone": "555-0100"})
    w.sync()
    wizard.approve_checked("import")
    w.sync()
    assert w.app.customers.find("Zeta")[0]["phone"] == "555-0100"
    assert list(wizard.log().outcome) == ["successful"]


def test_quickbooks_edit_waits_for_approval():
    """An edit made in QuickBooks to a synced customer waits as an update candidate."""
    w = World()
    customer = acme(w)
    w.sync()
    wizard = _on(w)
    send(
        w.company,
        "CustomerModRq",
        {
            "CustomerMod": {
                "ListID": w.link(customer).qb_id,
                "EditSequence": w.link(customer).edit_sequence,
                "Phone": "555-0199",
            }
        },
    )
    w.sync()
    assert list(wizard.candidates("import").action) == ["update"]
    assert "phone" not in w.app.customers.get(customer).fields


def test_cleared_import_is_not_offered_again():
    """A QuickBooks change cleared at approval is not offered by the next sync."""
    w = World()
    wizard = _on(w)
    add(w.company, "Customer", {"Name": "Zeta"})
    w.sync()
    wizard.check(list(wizard.candidates("import").id), False)
    wizard.approve_checked("import", unchecked="clear")
    w.sync()
    assert wizard.candidates().empty and w.app.customers.find("Zeta") == []


def test_deletion_in_quickbooks_waits_for_approval():
    """A customer deleted in QuickBooks stays in the app until the deletion is approved."""
    w = World()
    customer = acme(w)
    w.sync()
    wizard = _on(w)
    send(w.company, "ListDelRq", {"ListDelType": "Customer", "ListID": w.link(customer).qb_id})
    w.sync()
    assert list(wizard.candidates("import").action) == ["delete"]
    assert not w.app.customers.get(customer).deleted
    wizard.approve_checked("import")
    w.sync()
    assert w.app.customers.get(customer).deleted


# -- switching off, refusals ----------------------------------------------------------------
def test_switching_off_lets_everything_flow():
    """Switched off, whatever waited goes with the next sync, checked or not."""
    w = World()
    acme(w)
    wizard = _on(w)
    wizard.check(list(wizard.candidates().id), False)
    wizard.disable()
    w.sync()
    assert _customers_in_quickbooks(w) == ["Acme"] and wizard.badge() == {"export": 0, "import": 0}


def test_wizard_off_refuses_approval():
    """Approving while the wizard is off is refused, saying changes flow directly."""
    with pytest.raises(Refused, match="wizard is off: every change goes with the next sync"):
        Wizard(World().store).approve_checked()


def test_unchecked_rule_is_keep_or_clear():
    """An unchecked rule other than keep or clear is refused."""
    w = World()
    with pytest.raises(RecordError, match="unchecked = 'drop': keep or clear"):
        _on(w).approve_checked(unchecked="drop")


def test_only_waiting_candidates_can_be_checked():
    """Checking an approved candidate is refused, naming it."""
    w = World()
    acme(w)
    wizard = _on(w)
    wizard.approve_checked()
    with pytest.raises(Refused, match="customer 'Acme'\\) is approved; only waiting"):
        wizard.check(list(wizard.candidates().id))


def test_unknown_candidate_is_not_found():
    """Checking a candidate id that does not exist says so."""
    with pytest.raises(NotFound, match="no wizard candidate 99"):
        _on(World()).check([99])


def test_direction_is_export_or_import():
    """A direction other than export or import is refused."""
    with pytest.raises(RecordError, match="direction = 'both': export or import"):
        _on(World()).candidates("both")


def test_lists_an_approved_invoice_needs_go_with_it():
    """With lists validated first, the customer an approved invoice needs goes with it even
    if its own change was left unchecked."""
    w = World()
    customer = acme(w)
    item = w.app.items.add(name="Labor", kind="service", price="85").id
    lines = [{"item": item, "quantity": 1, "rate": "85"}]
    w.app.invoices.add(customer=customer, ref_number="1001", lines=lines, status="approved")
    wizard = _on(w)
    wizard.check(
        _ids(wizard, "export", "customer 'Acme'") + _ids(wizard, "export", "item 'Labor'"), False
    )
    wizard.approve_checked()
    w.sync()
    assert len(w.qb("Invoice")) == 1 and _customers_in_quickbooks(w) == ["Acme"]
