"""Round trips: each app entity and transaction type reaches QuickBooks through a sync job,
its link keeps the ListID/TxnID and EditSequence, and the import does not bring it back."""

from __future__ import annotations

import pytest

from tests.sync_world import World, acme, labor


def test_customer_arrives_with_its_fields():
    """A customer's name, phone, address and terms arrive in QuickBooks."""
    w = World()
    w.app.customers.add(name="Acme", phone="555-0100", bill_city="Austin", terms="Net 30")
    w.sync()
    ret = w.qb_named("Customer", "Acme")
    assert (ret["Phone"], ret["BillAddress"]["City"], ret["TermsRef"]["FullName"]) == (
        "555-0100",
        "Austin",
        "Net 30",
    )


def test_link_keeps_list_id_and_edit_sequence():
    """The record's link holds QuickBooks' ListID and current EditSequence."""
    w = World()
    customer = acme(w)
    w.sync()
    ret = w.qb_named("Customer", "Acme")
    link = w.link(customer)
    assert (link.qb_id, link.edit_sequence, link.qb_type) == (
        ret["ListID"],
        ret["EditSequence"],
        "Customer",
    )


def test_job_goes_under_its_parent_customer():
    """A customer with a parent becomes a job: FullName Parent:Job."""
    w = World()
    w.app.customers.add(name="Roof", parent=acme(w))
    w.sync()
    assert w.qb_named("Customer", "Acme:Roof")["Sublevel"] == "1"


def test_vendor_arrives_with_its_address():
    """A vendor's address goes as VendorAddress."""
    w = World()
    w.app.vendors.add(name="Bolt Supply", addr1="1 Main St", account_number="A-7")
    w.sync()
    ret = w.qb_named("Vendor", "Bolt Supply")
    assert (ret["VendorAddress"]["Addr1"], ret["AccountNumber"]) == ("1 Main St", "A-7")


def test_employee_arrives_with_first_and_last_name():
    """An employee's first and last name arrive; QuickBooks names it from them."""
    w = World()
    w.app.employees.add(first_name="Ann", last_name="Lee", email="ann@example.com")
    w.sync()
    ret = w.qb_named("Employee", "Ann Lee")
    assert (ret["FirstName"], ret["LastName"], ret["Email"]) == ("Ann", "Lee", "ann@example.com")


@pytest.mark.parametrize(
    ("kind", "qb_kind"),
    [
        ("service", "ItemService"),
        ("inventory", "ItemInventory"),
        ("non_inventory", "ItemNonInventory"),
        ("other_charge", "ItemOtherCharge"),
    ],
)
def test_item_of_each_kind_arrives_with_the_accounts_it_needs(kind, qb_kind):
    """Each item kind becomes its QuickBooks item type; missing accounts are created."""
    w = World()
    item = w.app.items.add(name="Thing", kind=kind, price="10").id
    report = w.sync()
    assert w.qb_named(qb_kind, "Thing") and w.link(item).qb_type == qb_kind
    assert report.failed == 0


def test_invoice_arrives_with_its_lines():
    """An approved invoice goes with its customer, reference number and item lines."""
    w = World()
    lines = [{"item": labor(w), "quantity": 2, "rate": "85"}]
    invoice = w.app.invoices.add(
        customer=acme(w), ref_number="1001", lines=lines, status="approved"
    ).id
    w.sync()
    ret = w.qb("Invoice", RefNumber="1001", IncludeLineItems=True)[0]
    assert (ret["CustomerRef"]["FullName"], ret["InvoiceLineRet"][0]["Amount"]) == (
        "Acme",
        "170.00",
    )
    assert w.link(invoice).qb_id == ret["TxnID"]


def test_bill_arrives_with_its_vendor_and_cost():
    """A bill's line rate goes as the item line's Cost."""
    w = World()
    vendor = w.app.vendors.add(name="Bolt Supply").id
    widget = w.app.items.add(name="Widget", kind="inventory", cost="2").id
    lines = [{"item": widget, "quantity": 3, "rate": "2"}]
    w.app.bills.add(vendor=vendor, ref_number="B-1", lines=lines, status="approved")
    w.sync()
    ret = w.qb("Bill", RefNumber="B-1", IncludeLineItems=True)[0]
    assert (ret["VendorRef"]["FullName"], ret["ItemLineRet"][0]["Cost"]) == ("Bolt Supply", "2.00")


def test_payment_is_applied_to_its_invoice():
    """A received payment pays the invoice it names: the invoice's balance drops."""
    w = World()
    customer, lines = acme(w), [{"item": labor(w), "quantity": 2, "rate": "85"}]
    invoice = w.app.invoices.add(
        customer=customer, ref_number="1001", lines=lines, status="approved"
    )
    applied = [{"invoice": invoice.id, "amount": "100"}]
    w.app.payments.add(customer=customer, amount="100", applied=applied, status="received")
    w.sync()
    assert w.qb("Invoice", RefNumber="1001")[0]["BalanceRemaining"] == "70.00"


def test_credit_memo_arrives():
    """An approved credit memo goes with its lines."""
    w = World()
    lines = [{"item": labor(w), "quantity": 1, "rate": "10"}]
    w.app.credit_memos.add(customer=acme(w), ref_number="CM1", lines=lines, status="approved")
    w.sync()
    assert w.qb("CreditMemo", RefNumber="CM1")[0]["TotalAmount"] == "10.00"


def test_purchase_order_arrives():
    """An approved purchase order goes with its vendor and lines."""
    w = World()
    vendor = w.app.vendors.add(name="Bolt Supply").id
    lines = [{"item": labor(w), "quantity": 4, "rate": "5"}]
    w.app.purchase_orders.add(vendor=vendor, ref_number="PO1", lines=lines, status="approved")
    w.sync()
    assert w.qb("PurchaseOrder", RefNumber="PO1")[0]["TotalAmount"] == "20.00"


def test_sales_receipt_arrives():
    """A completed sales receipt goes with its customer and lines."""
    w = World()
    lines = [{"item": labor(w), "quantity": 1, "rate": "85"}]
    w.app.sales_receipts.add(customer=acme(w), ref_number="S1", lines=lines, status="completed")
    w.sync()
    assert w.qb("SalesReceipt", RefNumber="S1")[0]["TotalAmount"] == "85.00"


def test_time_entry_arrives_for_its_employee():
    """An approved billable time entry goes with employee, job, service item and duration."""
    w = World()
    employee = w.app.employees.add(first_name="Ann", last_name="Lee").id
    roof = w.app.customers.add(name="Roof", parent=acme(w)).id
    w.app.time_entries.add(
        employee=employee,
        customer=roof,
        service_item=labor(w),
        duration="1:30",
        billable=True,
        status="approved",
    )
    w.sync()
    ret = w.qb("TimeTracking")[0]
    assert (ret["EntityRef"]["FullName"], ret["CustomerRef"]["FullName"], ret["Duration"]) == (
        "Ann Lee",
        "Acme:Roof",
        "PT1H30M0S",
    )


def test_own_records_are_not_imported_back():
    """The import skips the records the export just wrote (their EditSequence is ours)."""
    w = World()
    customer = acme(w)
    w.app.invoices.add(
        customer=customer,
        ref_number="1",
        lines=[{"item": labor(w), "quantity": 1, "rate": "1"}],
        status="approved",
    )
    report = w.sync()
    assert not report.imported and len(w.app.customers.all()) == 1


def test_every_psr_is_done_after_a_clean_sync():
    """A sync with nothing refused leaves every PSR done and the job finished."""
    w = World()
    acme(w)
    labor(w)
    report = w.sync()
    assert w.store.psrs.counts() == {"done": 2}
    assert (report.finished, report.exported, report.error_count) == (True, 2, 0)
