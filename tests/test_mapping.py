"""App records ↔ qbXML: the bodies the sync job sends and the app fields it reads back."""

from __future__ import annotations

import pytest

from qbsim.testing import CompanyBuilder, add, query
from syncengine import mapping
from syncengine.errors import RecordError
from syncengine.mapping import Unresolved
from syncengine.mapping.values import canonical_number, duration_minutes, duration_text

IDS = {1: "80000001-1", 2: "80000002-1", 3: "80000003-1"}


def request(entity_type: str, data: dict, target: tuple[str, str] | None = None):
    return mapping.request_for(
        entity_type, data, IDS.__getitem__, request_id="7", record="r", target=target
    )


def test_customer_address_terms_and_activity_go_as_qbxml():
    """A customer's fields become Name, Phone, BillAddress, TermsRef and IsActive."""
    text = request(
        "customer",
        {
            "name": "Acme",
            "phone": "555-0100",
            "bill_city": "Austin",
            "terms": "Net 30",
            "is_active": False,
        },
    ).text
    assert "<BillAddress><City>Austin</City></BillAddress>" in text
    assert "<TermsRef><FullName>Net 30</FullName></TermsRef>" in text
    assert "<IsActive>false</IsActive>" in text


def test_job_refers_to_its_parent_by_list_id():
    """A customer with a parent is a job: ParentRef carries the parent's ListID."""
    text = request("customer", {"name": "Roof", "parent": 1}).text
    assert "<ParentRef><ListID>80000001-1</ListID></ParentRef>" in text


@pytest.mark.parametrize(
    ("kind", "element"),
    [
        ("service", "ItemServiceAddRq"),
        ("inventory", "ItemInventoryAddRq"),
        ("non_inventory", "ItemNonInventoryAddRq"),
        ("other_charge", "ItemOtherChargeAddRq"),
    ],
)
def test_item_kind_picks_the_quickbooks_item_type(kind, element):
    """Each item kind becomes its own qbXML item type."""
    assert request("item", {"name": "Thing", "kind": kind}).type == element


def test_bought_and_sold_service_uses_sales_and_purchase():
    """A service item with a cost goes as SalesAndPurchase with both accounts."""
    text = request("item", {"name": "Labor", "kind": "service", "price": "85", "cost": "40"}).text
    assert "<SalesAndPurchase><SalesPrice>85</SalesPrice>" in text
    assert "<ExpenseAccountRef><FullName>Cost of Goods Sold</FullName>" in text


def test_item_accounts_name_their_types():
    """An inventory item needs an income, a COGS and an asset account, each typed."""
    accounts, _terms = mapping.shared_needs("item", {"name": "W", "kind": "inventory"})
    assert accounts == {
        "Sales": "Income",
        "Cost of Goods Sold": "CostOfGoodsSold",
        "Inventory Asset": "OtherCurrentAsset",
    }


def test_transaction_mod_sends_every_line_as_new():
    """An invoice Mod replaces the lines: each goes with TxnLineID -1."""
    data = {"customer": 1, "lines": [{"item": 2, "quantity": "2", "rate": "85", "amount": "170"}]}
    text = request("invoice", data, target=("T-1", "99")).text
    assert "<InvoiceLineMod><TxnLineID>-1</TxnLineID><ItemRef><ListID>80000002-1" in text


def test_line_amount_goes_only_without_quantity_and_rate():
    """QuickBooks computes a line's amount; only a bare amount is sent."""
    data = {"customer": 1, "lines": [{"description": "Fee", "amount": "12.50"}]}
    assert "<Amount>12.50</Amount>" in request("invoice", data).text


def test_payment_without_applications_is_auto_applied():
    """A payment naming no invoice asks QuickBooks to apply it."""
    text = request("payment", {"customer": 1, "amount": "100"}).text
    assert "<IsAutoApply>true</IsAutoApply>" in text


def test_payment_applies_to_the_invoice_txn_id():
    """A payment's applications name each invoice by its TxnID."""
    data = {"customer": 1, "amount": "100", "applied": [{"invoice": 3, "amount": "100"}]}
    assert "<AppliedToTxnAdd><TxnID>80000003-1</TxnID>" in request("payment", data).text


def test_time_entry_duration_and_billable_status():
    """A time entry's minutes become a qbXML duration; billable becomes BillableStatus."""
    text = request("time_entry", {"employee": 1, "duration": 90, "billable": False}).text
    assert "<Duration>PT1H30M0S</Duration>" in text
    assert "<BillableStatus>NotBillable</BillableStatus>" in text


def test_answer_asks_only_for_id_and_edit_sequence():
    """Adds ask QuickBooks to answer with the ID, EditSequence and TimeModified only."""
    assert (
        "<IncludeRetElement>EditSequence</IncludeRetElement>"
        in request("vendor", {"name": "Bolt"}).text
    )


def test_name_quickbooks_cannot_store_is_refused():
    """A name longer than QuickBooks allows raises RecordError naming the field."""
    with pytest.raises(RecordError, match="Name"):
        request("customer", {"name": "x" * 42})


def test_customer_ret_reads_back_into_app_fields():
    """A CustomerRet from QuickBooks becomes the app's customer fields."""
    company = CompanyBuilder().customer("Acme", Phone="555-0100").build()
    add(company, "Customer", {"Name": "Roof", "ParentRef": "Acme", "ShipAddress": {"City": "Waco"}})
    ret = query(company, "Customer", FullName="Acme:Roof")[0]
    parent_id = ret["ParentRef"]["ListID"]
    data = mapping.from_qbxml(
        "customer", "Customer", ret, lambda t, i: 9 if i == parent_id else None
    )
    assert data == {"name": "Roof", "parent": 9, "ship_city": "Waco", "is_active": True}


def test_ret_naming_an_unknown_record_is_unresolved():
    """A job whose parent the app does not hold cannot be read."""
    company = CompanyBuilder().customer("Acme").job("Roof", customer="Acme").build()
    ret = query(company, "Customer", FullName="Acme:Roof")[0]
    with pytest.raises(Unresolved, match="Acme"):
        mapping.from_qbxml("customer", "Customer", ret, lambda t, i: None)


def test_invoice_ret_reads_lines_with_item_ids():
    """Invoice lines come back with the item's app ID, quantity, rate and amount."""
    company = CompanyBuilder().customer("Acme").item_service("Labor", price="85").build()
    add(
        company,
        "Invoice",
        {
            "CustomerRef": "Acme",
            "RefNumber": "7",
            "InvoiceLineAdd": [{"ItemRef": "Labor", "Quantity": "2"}],
        },
    )
    ret = query(company, "Invoice", IncludeLineItems=True)[0]
    data = mapping.from_qbxml("invoice", "Invoice", ret, lambda t, i: 5)
    assert data["lines"] == [{"quantity": "2", "item": 5, "rate": "85.00", "amount": "170.00"}]


def test_comparable_values_ignore_formatting():
    """85 and 85.00, "true" and True, 1:30 and 90 minutes compare equal."""
    app = mapping.comparable("item", {"name": "L", "price": "85", "is_active": True})
    qb = mapping.comparable("item", {"name": "L", "price": "85.00", "is_active": "true"})
    assert app == qb


def test_lines_cover_parts_the_app_leaves_empty():
    """QuickBooks filling a line's description does not count as a different line."""
    assert mapping.covers([{"item": 1}], [{"item": 1, "description": "Labor"}])
    assert not mapping.covers([{"item": 1}], [{"item": 2}])


def test_references_list_every_record_a_transaction_needs():
    """An invoice needs its customer and the items of its lines."""
    data = {"customer": 1, "lines": [{"item": 2}, {"description": "x"}]}
    assert mapping.references("invoice", data) == [
        ("customer", "customer", 1),
        ("lines[0].item", "item", 2),
    ]


@pytest.mark.parametrize(("text", "minutes"), [("PT1H30M0S", 90), ("PT45M", 45), ("P1DT1H", 1500)])
def test_durations_read_as_minutes(text, minutes):
    """qbXML durations read back as whole minutes."""
    assert duration_minutes(text) == minutes
    assert duration_minutes(duration_text(minutes)) == minutes


def test_canonical_numbers_are_shortest_exact():
    """Decimals compare by value: 85.00 → 85, 100 stays 100, -0 → 0."""
    assert [canonical_number(v) for v in ("85.00", "100", "-0.00", "3.50")] == [
        "85",
        "100",
        "0",
        "3.5",
    ]
