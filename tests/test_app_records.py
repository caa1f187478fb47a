"""The app's system of record: fields, validation naming record and field, all-or-nothing
batches, transaction statuses and when they queue, and records as DataFrames."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from syncengine.app import ENTITY_TYPES, STATUS_TABLE, App, status_frame
from syncengine.clock import FixedClock
from syncengine.errors import RecordError
from syncengine.store import NotFound, PsrDone, Refused, Store

START = datetime(2025, 1, 6, 9, 0, 0)


@pytest.fixture
def store() -> Store:
    with Store(clock=FixedClock(START)) as s:
        yield s


@pytest.fixture
def app(store: Store) -> App:
    return App(store)


@pytest.fixture
def billing(app: App) -> App:
    """An app with a customer "Acme" and a service item "Labor"."""
    app.customers.add(name="Acme")
    app.items.add(name="Labor", price="100.00")
    return app


def queued(app: App, entity_type: str) -> list[str]:
    return [p.action for p in app.queue.find(entity_type=entity_type)]


def line(quantity: object = 2, rate: object = "100.00", **more: object) -> dict:
    return {"item": "Labor", "quantity": quantity, "rate": rate, **more}


def test_customer_fields_are_kept(app):
    """A customer keeps the QuickBooks-like fields it was given."""
    acme = app.customers.add(
        name="Acme",
        company_name="Acme Ltd",
        email="ap@acme.example",
        bill_addr1="1 Main St",
        bill_city="Austin",
        bill_postal_code="78701",
    )
    assert (acme.name, acme["email"], acme["bill_city"]) == ("Acme", "ap@acme.example", "Austin")
    assert acme["is_active"] is True


def test_job_is_a_customer_with_a_parent(app):
    """A customer job names its parent customer (by name or ID)."""
    acme = app.customers.add(name="Acme")
    kitchen = app.customers.add(name="Kitchen remodel", parent="acme")
    assert kitchen["parent"] == acme.id


def test_jobs_nest_at_most_five_levels(app):
    """A sixth level of sub-customer is refused, as QuickBooks would."""
    parent = app.customers.add(name="L0").id
    for level in range(1, 6):
        parent = app.customers.add(name=f"L{level}", parent=parent).id
    with pytest.raises(RecordError, match=r'customer "L6": field parent .*at most 5 levels'):
        app.customers.add(name="L6", parent=parent)


def test_customer_cannot_be_its_own_ancestor(app):
    """Making a customer a job of its own job is refused."""
    acme = app.customers.add(name="Acme")
    job = app.customers.add(name="Job", parent=acme.id)
    with pytest.raises(RecordError, match="its own parent"):
        app.customers.update(acme.id, parent=job.id)


def test_bad_email_names_record_field_and_value(app):
    """A malformed email is refused naming the customer, the field and the value."""
    with pytest.raises(RecordError, match=r"customer \"Acme\": field email = 'acme-at-home'"):
        app.customers.add(name="Acme", email="acme-at-home")


def test_missing_name_is_required(app):
    """A customer without a name is refused."""
    with pytest.raises(RecordError, match=r"field name .*is required"):
        app.customers.add(email="a@b.example")


def test_unknown_field_is_refused(app):
    """A field the entity type does not have is refused, listing the known ones."""
    with pytest.raises(RecordError, match=r"field shoe_size .*no such field for a vendor"):
        app.vendors.add(name="Supplier", shoe_size=44)


def test_reference_to_a_missing_record_is_refused(app):
    """An invoice for a customer that does not exist names the field and value."""
    with pytest.raises(RecordError, match=r"invoice 1001: field customer = 'Nobody'"):
        app.invoices.add(ref_number="1001", customer="Nobody")


def test_ambiguous_name_asks_for_the_id(app):
    """Two customers with one name cannot be referenced by it."""
    app.customers.add(name="Acme")
    app.customers.add(name="ACME")
    with pytest.raises(RecordError, match="2 customer records are named 'Acme'; give the id"):
        app.invoices.add(customer="Acme")


def test_line_amount_must_match_quantity_times_rate(billing):
    """A line whose amount is not quantity x rate is refused, naming the line."""
    with pytest.raises(RecordError, match=r"field lines\[0\]\.amount = '150'"):
        billing.invoices.add(customer="Acme", lines=[line(amount=150)])


def test_line_amount_is_computed(billing):
    """A line given quantity and rate gets its amount."""
    invoice = billing.invoices.add(customer="Acme", lines=[line(quantity=3, rate="12.50")])
    assert invoice["lines"][0]["amount"] == Decimal("37.50")


def test_money_with_too_many_decimals_is_refused(app):
    """A price with more decimals than QuickBooks keeps is refused."""
    with pytest.raises(RecordError, match=r"field price .*more than 5 decimal places"):
        app.items.add(name="Bolt", price="0.123456")


def test_unknown_status_is_refused(billing):
    """A status the transaction type does not have is refused, listing the valid ones."""
    with pytest.raises(RecordError, match="field status = 'done': must be one of: draft"):
        billing.invoices.add(customer="Acme", status="done")


def test_list_records_have_no_status(app):
    """Giving a customer a status is refused."""
    with pytest.raises(RecordError, match="a customer has no status"):
        app.customers.add(name="Acme", status="approved")


def test_bad_row_in_a_batch_writes_nothing(app, store):
    """One bad row in add_many refuses the whole batch: no records, no PSRs."""
    rows = [{"name": "A"}, {"name": "B"}, {"name": "C", "email": "broken"}]
    with pytest.raises(RecordError, match='customer "C"'):
        app.customers.add_many(rows)
    assert store.frame("entities").empty and store.frame("psrs").empty


def test_batch_rows_may_reference_each_other(app):
    """A batch may hold a job before its parent customer; names resolve within the batch."""
    ids = app.customers.add_many([{"name": "Job", "parent": "Acme"}, {"name": "Acme"}])
    assert app.customers.get(ids[0])["parent"] == ids[1]
    assert [p.name for p in app.queue.find()] == ["Acme", "Job"]


def test_batch_from_a_dataframe_skips_empty_cells(app):
    """A DataFrame with missing cells loads, the empty cells left unset."""
    frame = pd.DataFrame({"name": ["A", "B"], "email": ["a@x.example", None], "phone": [None, 5]})
    first, second = app.customers.add_many(frame)
    assert "phone" not in app.customers.get(first).fields
    assert app.customers.get(second)["phone"] == "5"


def test_blank_value_clears_a_field(app):
    """Updating a field to an empty value removes it."""
    acme = app.customers.add(name="Acme", phone="555-0100")
    assert "phone" not in app.customers.update(acme.id, phone="").fields


def test_deleted_record_cannot_be_edited(app):
    """A deletion cannot be reversed: editing a deleted record is refused."""
    acme = app.customers.add(name="Acme")
    app.customers.delete(acme.id)
    with pytest.raises(Refused, match=r'customer "Acme" was deleted .*cannot be reversed'):
        app.customers.update(acme.id, phone="555-0100")


def test_get_of_another_type_is_not_found(app):
    """Asking the invoices for a customer's ID says what that ID is."""
    acme = app.customers.add(name="Acme")
    with pytest.raises(NotFound, match="it is a customer"):
        app.invoices.get(acme.id)


def test_employee_name_comes_from_first_and_last(app):
    """An employee given only first and last name is named after them."""
    assert app.employees.add(first_name="Ann", last_name="Lee").name == "Ann Lee"


def test_item_kind_defaults_from_the_setting(app, store):
    """A new part with no kind takes the new-part setting; kind names are normalised."""
    store.settings.write_raw("items.new_part_kind", "inventory")
    assert app.items.add(name="Bolt")["kind"] == "inventory"
    assert app.items.add(name="Nut", kind="Non-Inventory")["kind"] == "non_inventory"


def test_transaction_date_defaults_to_the_clock(billing):
    """An invoice without a date is dated today by the injected clock."""
    assert billing.invoices.add(customer="Acme")["txn_date"] == date(2025, 1, 6)


def test_status_table_is_consistent():
    """Every transaction type's default and sync statuses are among its statuses."""
    for spec in STATUS_TABLE.values():
        assert spec.default in spec.statuses and set(spec.sync_at) <= set(spec.statuses)
        assert spec.default not in spec.sync_at
        assert not ENTITY_TYPES[spec.entity_type].is_list
    assert len(status_frame()) == len(STATUS_TABLE)


def test_new_invoice_is_a_draft_and_not_queued(billing):
    """An invoice starts in its default status and stays out of the queue."""
    invoice = billing.invoices.add(customer="Acme", lines=[line()])
    assert invoice.status == "draft" and queued(billing, "invoice") == []


def test_approved_complete_invoice_is_queued(billing):
    """An invoice reaching Approved with a customer and a line is queued as an add."""
    invoice = billing.invoices.add(customer="Acme", lines=[line()])
    billing.invoices.set_status(invoice.id, "approved")
    assert queued(billing, "invoice") == ["add"]


def test_incomplete_invoice_waits_until_complete(billing):
    """An approved invoice with no lines is not queued until its lines are recorded."""
    invoice = billing.invoices.add(customer="Acme", status="approved")
    assert billing.invoices.missing(invoice.id) == ["lines"]
    assert queued(billing, "invoice") == []
    billing.invoices.update(invoice.id, lines=[line()])
    assert queued(billing, "invoice") == ["add"]


def test_invoice_sent_back_to_draft_leaves_the_queue(billing):
    """An approved invoice moved back to draft before any sync is taken out of the queue."""
    invoice = billing.invoices.add(customer="Acme", lines=[line()], status="approved")
    billing.invoices.set_status(invoice.id, "draft")
    assert queued(billing, "invoice") == []


def test_status_change_alone_does_not_resend(billing, store):
    """A synced invoice moving between sync statuses (approved to sent) queues nothing."""
    invoice = billing.invoices.add(customer="Acme", lines=[line()], status="approved")
    job = store.jobs.create()
    store.jobs.mark_done(
        [PsrDone(i.psr_id, f"QB-{i.entity_id}", "1") for i in store.jobs.resume(job.id)]
    )
    store.jobs.finish(job.id)
    billing.invoices.set_status(invoice.id, "sent")
    assert queued(billing, "invoice") == []


def test_disabled_source_keeps_invoices_out(billing, store):
    """Invoices from a source document that the settings exclude are not queued."""
    store.settings.write_raw("sources.invoice", ["billing"])
    billing.invoices.add(customer="Acme", source="ship document", lines=[line()], status="approved")
    assert queued(billing, "invoice") == []


def test_disabled_area_keeps_time_out(app, store):
    """With time sync switched off, approved time entries are not queued."""
    store.settings.write_raw("sync.time", False)
    employee = app.employees.add(first_name="Ann", last_name="Lee")
    app.time_entries.add(employee=employee.id, duration="1:30", status="approved")
    assert queued(app, "time_entry") == []


def test_billable_time_needs_customer_and_service_item(billing):
    """Billable time is fully recorded only with a customer and a service item."""
    employee = billing.employees.add(first_name="Ann", last_name="Lee")
    entry = billing.time_entries.add(employee=employee.id, duration=1.5, billable=True)
    assert billing.time_entries.missing(entry.id) == ["customer", "service_item"]
    assert entry["duration"] == timedelta(minutes=90)


def test_time_needs_a_service_item(billing):
    """A time entry's item must be a service item."""
    billing.items.add(name="Bolt", kind="inventory")
    with pytest.raises(RecordError, match="field service_item = 'Bolt': must be a service item"):
        billing.time_entries.add(service_item="Bolt")


def test_payment_cannot_apply_more_than_its_amount(billing):
    """A payment applying more than it brings is refused."""
    invoice = billing.invoices.add(customer="Acme", lines=[line()])
    with pytest.raises(RecordError, match=r"field applied = '250.00': applies 250.00, more than"):
        billing.payments.add(
            customer="Acme", amount="200", applied=[{"invoice": invoice.id, "amount": "250.00"}]
        )


def test_payment_applies_only_to_its_customers_invoices(billing):
    """A payment cannot pay another customer's invoice."""
    other = billing.customers.add(name="Beta")
    invoice = billing.invoices.add(customer=other.id, lines=[line()])
    with pytest.raises(RecordError, match=r"applied\[0\]\.invoice .*another customer"):
        billing.payments.add(
            customer="Acme", amount="200", applied=[{"invoice": invoice.id, "amount": "200"}]
        )


def test_received_payment_records_the_gateway(billing):
    """A received payment keeps whether a payment gateway processed it, and is queued."""
    payment = billing.payments.add(
        customer="Acme", amount="200", gateway_processed="yes", status="received"
    )
    assert payment["gateway_processed"] is True
    assert queued(billing, "payment") == ["add"]


def test_customers_frame_has_typed_columns(app):
    """The customers DataFrame has one column per field and the sync state of each record."""
    app.customers.add(name="Acme", email="ap@acme.example")
    frame = app.customers.frame()
    assert frame.loc[0, ["name", "email", "psr_action", "psr_state"]].tolist() == [
        "Acme",
        "ap@acme.example",
        "add",
        "queued",
    ]
    assert str(frame["is_active"].dtype) == "boolean"


def test_invoice_frame_totals_lines(billing):
    """The invoices DataFrame shows each invoice's total; lines_frame shows each line."""
    billing.invoices.add(customer="Acme", ref_number="1001", lines=[line(), line(quantity=1)])
    assert billing.invoices.frame()["total"].tolist() == [300.0]
    assert billing.invoices.lines_frame()["amount"].tolist() == [200.0, 100.0]


def test_frame_shows_the_listid_after_sync(app, store):
    """Once synced, a record's row shows its ListID and EditSequence and no open PSR."""
    app.customers.add(name="Acme")
    job = store.jobs.create()
    store.jobs.mark_done([PsrDone(store.jobs.resume(job.id)[0].psr_id, "80000001-1", "17")])
    row = app.customers.frame().iloc[0]
    assert (row.qb_id, row.edit_sequence) == ("80000001-1", "17") and pd.isna(row.psr_state)


def test_changes_from_quickbooks_are_not_queued_back(app):
    """Records written by an import (from QuickBooks) get no PSR."""
    ids = app.customers.add_many([{"name": "Acme"}], from_quickbooks=True)
    app.customers.update(ids[0], phone="555-0100", from_quickbooks=True)
    assert app.queue.find(state=None) == []


def test_any_record_by_id(app):
    """The app finds a record by ID whatever its type, and a collection by type key."""
    acme = app.customers.add(name="Acme")
    assert app.record(acme.id).entity_type == "customer"
    assert app.collection("time_entry") is app.time_entries
