"""Settings: which areas sync and from which source documents, the export behaviours (mark
paid, new part kind, validate the shared lists first, stop an area at its first error,
create default accounts), each checked when set and each seen in what reaches QuickBooks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from qbsim import Company
from qbsim.model.base import fixed_clock
from qbsim.testing import add
from syncengine import qbxml
from syncengine.app.scope import AREAS
from syncengine.errors import RecordError
from syncengine.settings import SyncSettings
from syncengine.store import PsrFilter, Refused
from syncengine.sync import run_job
from syncengine.transports.simulated import SimulatedTransport
from tests.sync_world import World, acme, labor


class Recording(SimulatedTransport):
    """The simulated transport, keeping every request it carried."""

    def __init__(self, company) -> None:
        super().__init__(company)
        self.requests: list[str] = []

    def send(self, request_xml: str) -> str:
        self.requests.append(request_xml)
        return super().send(request_xml)

    def count(self, request_type: str) -> int:
        return sum(request.count(f"<{request_type}") for request in self.requests)


def _labor(w: World) -> int:
    found = w.app.items.find("Labor")
    return found[0].id if found else labor(w)


def _invoice(w: World, customer: int, ref: str = "1001", **fields) -> int:
    lines = [{"item": _labor(w), "quantity": 1, "rate": "85"}]
    fields.setdefault("status", "approved")
    return w.app.invoices.add(customer=customer, ref_number=ref, lines=lines, **fields).id


def _time_entry(w: World) -> int:
    employee = w.app.employees.add(first_name="Ann", last_name="Lee").id
    return w.app.time_entries.add(employee=employee, duration="1:30", status="approved").id


def _open(w: World, entity_id: int) -> list[str]:
    return [p.action for p in w.psrs(entity_id) if p.state in ("queued", "failed")]


# -- checked when set -----------------------------------------------------------------------
def test_frame_lists_every_setting_with_its_property():
    """The settings frame shows each setting's value, default, meaning and property name."""
    frame = SyncSettings(World().store).frame().set_index("key")
    assert frame.loc["sync.time", "property"] == "time"
    assert frame.loc["export.mark_paid", "value"] is False


def test_value_outside_the_choices_is_refused():
    """A new part kind other than service or inventory is refused, naming the choices."""
    settings = SyncSettings(World().store)
    with pytest.raises(RecordError, match=r"items\.new_part_kind .*allowed: service, inventory"):
        settings.new_part_kind = "bundle"


def test_area_needs_at_least_one_source():
    """Invoices fed by no source document are refused: switch the area off instead."""
    with pytest.raises(RecordError, match="choose at least one source document"):
        SyncSettings(World().store).invoice_sources = []


def test_auto_sync_interval_has_a_minimum():
    """An auto-sync interval under a minute is refused."""
    with pytest.raises(RecordError, match="at most every 60 seconds"):
        SyncSettings(World().store).every_seconds = 5


def test_date_range_cannot_end_before_it_begins():
    """A manual-sync range whose last date is before its first is refused."""
    settings = SyncSettings(World().store)
    settings.date_from = date(2025, 2, 1)
    with pytest.raises(RecordError, match=r"end \(2025-01-31\) before it begins"):
        settings.date_to = date(2025, 1, 31)


def test_settings_the_engine_keeps_are_refused():
    """The import marks are the sync job's; setting one by hand is refused."""
    with pytest.raises(Refused, match="each import moves it to where it stopped"):
        SyncSettings(World().store).set("import.modified_mark", "2025-01-06T09:00:00")


def test_unknown_setting_is_refused():
    """A key that is not a setting is refused, listing the known ones."""
    with pytest.raises(RecordError, match="no such setting; known: delete_action"):
        SyncSettings(World().store).set("sync.payroll", True)


# -- areas and sources ----------------------------------------------------------------------
def test_time_entries_sync_as_time_tracking():
    """The time area covers time entries only, and they reach QuickBooks as TimeTracking."""
    w = World()
    _time_entry(w)
    w.sync()
    assert AREAS["time"] == ("time_entry",) and len(w.qb("TimeTracking")) == 1


def test_area_switched_off_keeps_its_records_out_of_quickbooks():
    """With time off an approved time entry stays in the app; the employee still syncs."""
    w = World()
    SyncSettings(w.store).time = False
    _time_entry(w)
    w.sync()
    assert w.qb("TimeTracking") == [] and len(w.qb("Employee")) == 1


def test_area_switched_off_takes_its_queued_records_out_of_the_queue():
    """Switching an area off cancels its queued adds, saying why."""
    w = World()
    invoice = _invoice(w, acme(w))
    SyncSettings(w.store).customer_invoices = False
    psr = w.last_psr(invoice)
    assert psr.state == "cancelled" and "customer_invoices area does not sync" in psr.note


def test_area_switched_back_on_queues_what_quickbooks_lacks():
    """An invoice approved while its area was off is queued, and sent, once it is back on."""
    w = World()
    settings = SyncSettings(w.store)
    settings.customer_invoices = False
    invoice = _invoice(w, acme(w))
    w.sync()
    settings.customer_invoices = True
    w.sync()
    assert _open(w, invoice) == [] and len(w.qb("Invoice")) == 1


def test_deletion_in_an_area_switched_off_waits():
    """A synced invoice deleted while its area is off stays in QuickBooks until it is on."""
    w = World()
    invoice = _invoice(w, acme(w))
    w.sync()
    SyncSettings(w.store).customer_invoices = False
    w.app.invoices.delete(invoice)
    w.sync()
    assert len(w.qb("Invoice")) == 1 and _open(w, invoice) == ["delete"]


def _quickbooks_time(w: World) -> None:
    """Two hours of Ann Lee's time entered in QuickBooks."""
    entry = {"TxnDate": "2025-01-06", "EntityRef": {"FullName": "Ann Lee"}, "Duration": "PT2H0M"}
    add(w.company, "TimeTracking", entry)


def test_area_switched_off_is_not_imported():
    """Time entered in QuickBooks while the time area is off does not reach the app."""
    w = World()
    SyncSettings(w.store).time = False
    _time_entry(w)
    w.sync()
    _quickbooks_time(w)
    w.sync()
    assert len(w.app.time_entries.all()) == 1


def test_area_switched_on_reads_what_quickbooks_holds_again():
    """Switching an area on makes the next import read QuickBooks from the start, so time
    entered there while it was off comes in, however long ago."""
    w = World(company=Company(clock=fixed_clock(step=timedelta(hours=3))))
    settings = SyncSettings(w.store)
    settings.time = False
    w.app.employees.add(first_name="Ann", last_name="Lee")
    w.sync()
    _quickbooks_time(w)
    add(w.company, "Customer", {"Name": "Later"})  # the import mark moves hours past the time
    w.sync()
    settings.time = True
    w.sync()
    assert len(w.app.time_entries.all()) == 1


def test_packing_list_invoices_stay_out_when_only_billing_feeds_invoices():
    """With customer billing as the only source, an invoice from a packing list never goes."""
    w = World()
    SyncSettings(w.store).invoice_sources = ["billing"]
    customer = acme(w)
    _invoice(w, customer, source="ship_document")
    _invoice(w, customer, "1002")
    w.sync()
    assert [r["RefNumber"] for r in w.qb("Invoice")] == ["1002"]


def test_choosing_a_source_again_queues_its_invoices():
    """Choosing packing lists again queues the packing-list invoices left out."""
    w = World()
    settings = SyncSettings(w.store)
    settings.invoice_sources = ["billing"]
    invoice = _invoice(w, acme(w), source="ship_document")
    settings.invoice_sources = ["billing", "ship_document"]
    assert _open(w, invoice) == ["add"] and settings.last_rescope.queued == 1


# -- behaviours -----------------------------------------------------------------------------
def test_invoice_is_marked_paid_after_export():
    """With mark paid on, an invoice QuickBooks took is paid in the app, and nothing queues."""
    w = World()
    SyncSettings(w.store).mark_paid = True
    invoice = _invoice(w, acme(w))
    w.sync()
    assert w.app.invoices.get(invoice).status == "paid" and _open(w, invoice) == []


def test_bill_is_marked_paid_after_export():
    """Vendor invoices (bills) are marked paid after export too."""
    w = World()
    SyncSettings(w.store).mark_paid = True
    vendor = w.app.vendors.add(name="Supply Co").id
    lines = [{"item": _labor(w), "quantity": 2, "rate": "40"}]
    bill = w.app.bills.add(vendor=vendor, ref_number="B-7", lines=lines, status="approved").id
    w.sync()
    assert w.app.bills.get(bill).status == "paid"


def test_invoice_keeps_its_status_without_mark_paid():
    """By default an exported invoice keeps its status."""
    w = World()
    invoice = _invoice(w, acme(w))
    w.sync()
    assert w.app.invoices.get(invoice).status == "approved"


def test_new_part_becomes_an_inventory_item_when_set():
    """With new parts as inventory items, a part with no kind arrives as ItemInventory."""
    w = World()
    SyncSettings(w.store).new_part_kind = "inventory"
    w.app.items.add(name="Bolt", price="1.25")
    w.sync()
    assert [r["Name"] for r in w.qb("ItemInventory")] == ["Bolt"]


def test_new_part_is_a_service_item_by_default():
    """By default a part with no kind arrives as a service item."""
    w = World()
    w.app.items.add(name="Bolt", price="1.25")
    w.sync()
    assert [r["Name"] for r in w.qb("ItemService")] == ["Bolt"]


def _unsent_customer(w: World) -> int:
    """A customer whose add was deleted from the queue: QuickBooks never heard of it."""
    customer = acme(w)
    w.app.queue.remove(w.last_psr(customer).id)
    return customer


def test_validate_first_adds_a_referenced_customer_never_sent():
    """Validating the shared lists first adds the invoice's customer QuickBooks never had."""
    w = World()
    customer = _unsent_customer(w)
    invoice = _invoice(w, customer)
    w.sync()
    assert _open(w, invoice) == [] and len(w.qb("Customer")) == 1
    assert "added to this job first" in w.store.log.frame(outcome="pending").message.iloc[0]


def test_without_validation_only_what_the_job_carries_goes():
    """With validation off, an invoice whose customer was never sent fails naming it."""
    w = World()
    SyncSettings(w.store).validate_lists_first = False
    customer = _unsent_customer(w)
    invoice = _invoice(w, customer)
    w.sync()
    assert "customer 'Acme', which is not in QuickBooks yet" in w.last_psr(invoice).error_message


def test_validate_first_asks_for_the_jobs_accounts_once():
    """Validating first asks QuickBooks for every account the job names in one query."""
    w = World()
    for n in range(3):
        w.app.items.add(name=f"Part {n}", kind="service", income_account=f"Income {n}")
    transport = Recording(w.company)
    run_job(w.store, transport, batch_size=1)
    assert transport.count("AccountQueryRq") == 1 and len(w.qb("ItemService")) == 3


def test_without_validation_each_set_checks_its_own_accounts():
    """With validation off, each set asks only for the accounts its records name."""
    w = World()
    SyncSettings(w.store).validate_lists_first = False
    for n in range(3):
        w.app.items.add(name=f"Part {n}", kind="service", income_account=f"Income {n}")
    transport = Recording(w.company)
    run_job(w.store, transport, batch_size=1)
    assert transport.count("AccountQueryRq") == 3


def test_missing_account_is_created_as_a_default():
    """An income account the item names and QuickBooks lacks is created, typed Income."""
    w = World()
    w.app.items.add(name="Audit", kind="service", income_account="Consulting Income")
    w.sync()
    [account] = [a for a in w.qb("Account") if a["Name"] == "Consulting Income"]
    assert account["AccountType"] == "Income"


def test_without_default_accounts_the_item_fails_naming_the_account():
    """With default accounts off, an item naming a missing account fails in QuickBooks."""
    w = World()
    SyncSettings(w.store).create_default_accounts = False
    item = w.app.items.add(name="Audit", kind="service", income_account="Consulting Income").id
    w.sync()
    psr = w.last_psr(item)
    assert psr.error_code == 3140 and "Consulting Income" in psr.error_message


def _two_invoices_one_doomed(w: World) -> tuple[int, int]:
    """Invoice 1001 for a customer QuickBooks refuses (3100), then invoice 1002 for another."""
    w.company.process(qbxml.MessageSet([qbxml.add("Vendor", {"Name": "Acme"})]).to_xml())
    doomed = _invoice(w, acme(w), "1001")
    fine = _invoice(w, w.app.customers.add(name="Beta").id, "1002")
    return doomed, fine


def test_area_stops_at_its_first_error_when_set():
    """With stop-at-first-error, an area's first failure holds back its other records."""
    w = World()
    SyncSettings(w.store).stop_area_on_first_error = True
    doomed, fine = _two_invoices_one_doomed(w)
    w.sync(batch_size=1)
    assert w.last_psr(doomed).state == "failed" and w.last_psr(fine).state == "queued"
    skipped = w.store.log.frame(outcome="skipped").message.iloc[0]
    assert "customer_invoices area stopped at its first error" in skipped and w.qb("Invoice") == []


def test_area_carries_on_after_an_error_by_default():
    """By default the other invoices go on after one fails."""
    w = World()
    _doomed, fine = _two_invoices_one_doomed(w)
    w.sync(batch_size=1)
    assert w.last_psr(fine).state == "done"


def test_lists_go_on_when_an_area_stops():
    """An area that stops holds back only its own records; lists still go."""
    w = World()
    SyncSettings(w.store).stop_area_on_first_error = True
    _two_invoices_one_doomed(w)
    w.app.vendors.add(name="Supply Co")
    w.sync(batch_size=1)
    assert len(w.qb("Vendor")) == 2 and w.store.psrs.find(PsrFilter(state="queued"))


def test_validate_first_adds_a_jobs_parent_too():
    """A job never sent is added with its parent customer, parent first."""
    w = World()
    parent = _unsent_customer(w)
    roof = w.app.customers.add(name="Roof", parent=parent).id
    w.app.queue.remove(w.last_psr(roof).id)
    _invoice(w, roof)
    w.sync()
    assert [r["FullName"] for r in w.qb("Customer")] == ["Acme", "Acme:Roof"]


def test_schedule_mode_is_set_by_auto_sync():
    """The schedule mode is not set by hand: starting and stopping auto sync sets it."""
    set_by = r"schedule\.mode is not set by hand: `qbsync autosync start`"
    with pytest.raises(Refused, match=set_by):
        SyncSettings(World().store).schedule_mode = "auto"


def test_wizard_switch_goes_through_the_wizard():
    """Switching the wizard on by setting offers what the queue holds."""
    w = World()
    acme(w)
    settings = SyncSettings(w.store)
    settings.wizard_enabled = True
    assert settings.wizard_enabled and w.store.wizard.badge("export") == 1


# -- one change and what it did (syncengine.settings.change) ---------------------------------
def test_change_setting_says_what_the_rescope_did_from_the_queue():
    """An area switched off: the change holds the old and new value, the re-scope, the open
    PSRs before and after, and the sentence ``settings set`` prints."""
    from syncengine.settings.change import change_setting

    w = World()
    _invoice(w, acme(w))
    done = change_setting(w.store, "sync.customer_invoices", False)
    assert (done.old, done.new, done.rescoped.cancelled) == (True, False, 1)
    assert (done.before.open_psrs, done.after.open_psrs) == (3, 2)
    assert done.text.startswith("sync.customer_invoices: true -> false. Re-scoped the queue: 1")


def test_change_setting_refuses_a_bad_value_naming_setting_and_value():
    """A refused value names the setting, the value as typed and what is allowed."""
    from syncengine.settings.change import change_setting

    with pytest.raises(Refused, match=r"^setting items.new_part_kind = 'bolt': allowed: service"):
        change_setting(World().store, "items.new_part_kind", "bolt")


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("sync.time", " Off ", False),
        ("schedule.every_seconds", "600", 600),
        ("sources.invoice", "billing, ship_document", ["billing", "ship_document"]),
        ("schedule.begin_date", "none", None),
        ("schedule.begin_date", "2025-01-01", "2025-01-01"),
    ],
)
def test_value_from_text_reads_what_a_person_types(key, text, value):
    """Switch words, numbers, lists and a cleared date read as the setting's type."""
    from syncengine.settings.change import value_from_text

    assert value_from_text(key, text) == value
