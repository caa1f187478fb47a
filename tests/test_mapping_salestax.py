"""Sales tax codes, tax items, discount, subtotal and group lines: the app's records go to qbsim
as the sync job sends them and come back to the same app fields (round trips)."""

from __future__ import annotations

from typing import Any

import pytest

from qbsim import Company
from qbsim.testing import CompanyBuilder, query
from syncengine import mapping, qbxml
from syncengine.mapping.compare import covers


class RoundTrip:
    """App records sent to one qbsim company; app ID <-> QuickBooks ID as the sync job keeps."""

    def __init__(self, company: Company) -> None:
        self.company = company
        self.qb_ids: dict[int, str] = {}
        self.kinds: dict[int, str] = {}

    def send(self, app_id: int, entity_type: str, data: dict[str, Any]) -> dict[str, Any]:
        """Add the record; QuickBooks' whole Ret of it."""
        request = mapping.request_for(
            entity_type, data, self.qb_ids.__getitem__, request_id="1", record="r"
        )
        answer = qbxml.parse_response(self.company.process(qbxml.message_set([request]).to_xml()))
        (response,) = answer.responses
        assert not response.is_error, response.status_message
        kind = mapping.qb_type(entity_type, data)
        id_field = mapping.id_field(entity_type)
        self.qb_ids[app_id], self.kinds[app_id] = response.record[id_field], kind
        return self.ret(app_id)

    def ret(self, app_id: int) -> dict[str, Any]:
        kind, qb_id = self.kinds[app_id], self.qb_ids[app_id]
        if kind.startswith("Item") or kind == "Customer":
            return query(self.company, kind, ListID=[qb_id])[0]
        return query(self.company, kind, TxnID=[qb_id], IncludeLineItems=True)[0]

    def back(self, app_id: int, entity_type: str) -> dict[str, Any]:
        """The app fields the sync job reads from QuickBooks' copy."""
        app_of = {qb: app for app, qb in self.qb_ids.items()}
        ret = self.ret(app_id)
        return mapping.from_qbxml(entity_type, self.kinds[app_id], ret, lambda t, i: app_of.get(i))

    def agrees(self, app_id: int, entity_type: str, data: dict[str, Any]) -> None:
        """QuickBooks holds every synced field the app gives, as the app gives it."""
        app = mapping.comparable(entity_type, data)
        qb = mapping.comparable(entity_type, self.back(app_id, entity_type))
        for name, value in app.items():
            assert covers(value, qb.get(name)), (name, value, qb.get(name))


ITEMS: dict[int, dict[str, Any]] = {
    1: {"name": "Labor", "kind": "service", "price": "40", "sales_tax_code": "Tax"},
    2: {"name": "Parts", "kind": "non_inventory", "price": "15", "sales_tax_code": "Non"},
    3: {"name": "State Tax", "kind": "sales_tax", "rate_percent": "6.25"},
    4: {"name": "County Tax", "kind": "sales_tax", "rate_percent": "0.5"},
    5: {"name": "Both Taxes", "kind": "sales_tax_group", "members": [{"item": 3}, {"item": 4}]},
    6: {"name": "Discount 5%", "kind": "discount", "rate_percent": "5", "sales_tax_code": "Tax"},
    7: {"name": "Subtotal", "kind": "subtotal", "description": "Subtotal"},
    8: {
        "name": "Kit",
        "kind": "group",
        "description": "Install kit",
        "members": [{"item": 1, "quantity": "2"}, {"item": 2, "quantity": "1"}],
    },
}


@pytest.fixture
def trip() -> RoundTrip:
    """A company with the accounts items post to; every item of :data:`ITEMS` sent."""
    builder = CompanyBuilder()
    for name, kind in (("Services", "Income"), ("Sales", "Income"), ("Sales Discounts", "Income")):
        builder.account(name, kind)
    builder.account("Cost of Goods Sold", "CostOfGoodsSold")
    trip = RoundTrip(builder.build())
    for app_id, data in ITEMS.items():
        trip.send(app_id, "item", data)
    trip.send(20, "customer", {"name": "Acme", "sales_tax_code": "Tax"})
    return trip


@pytest.mark.parametrize("app_id", sorted(ITEMS))
def test_every_item_kind_comes_back_as_sent(trip, app_id):
    """Tax items (rate), a tax group and a group (members), discount and subtotal items and
    coded items read back into the fields the app sent."""
    trip.agrees(app_id, "item", ITEMS[app_id])


def test_a_group_items_mod_replaces_its_members(trip):
    """A Mod of a group item sends its members again: QuickBooks ends with the app's."""
    ret = trip.ret(8)
    data = {**ITEMS[8], "members": [{"item": 2, "quantity": "3"}]}
    request = mapping.request_for(
        "item",
        data,
        trip.qb_ids.__getitem__,
        request_id="2",
        record="r",
        target=(ret["ListID"], ret["EditSequence"]),
    )
    trip.company.process(qbxml.message_set([request]).to_xml())
    assert trip.back(8, "item")["members"] == [{"item": 2, "quantity": "3"}]


def test_a_customers_tax_code_comes_back(trip):
    """The customer's sales tax code travels by name and reads back."""
    assert trip.back(20, "customer")["sales_tax_code"] == "Tax"


def test_a_taxed_invoice_with_a_discount_and_a_group_round_trips(trip):
    """The tax item, each line's code, the subtotal and discount lines and the group line come
    back as the app sent them, and QuickBooks taxes what the codes say."""
    invoice = {
        "customer": 20,
        "ref_number": "1001",
        "sales_tax_item": 5,
        "lines": [
            {"item": 1, "quantity": "2", "rate": "40", "sales_tax_code": "Tax"},
            {"item": 2, "quantity": "4", "rate": "15", "sales_tax_code": "Non"},
            {"item": 7, "amount": "140.00"},
            {"item": 6, "amount": "-7.00", "sales_tax_code": "Tax"},
        ],
        "groups": [{"item": 8, "quantity": "1"}],
    }
    ret = trip.send(30, "invoice", invoice)
    trip.agrees(30, "invoice", invoice)
    # Subtotal: 80 + 60 - 7 + the kit's 2 x 40 + 15 = 228.00; taxable: 80 - 7 x 80/140 = 76.00,
    # plus the kit's 80.00: 156.00 -> 6.25 % = 9.75, 0.5 % = 0.78.
    assert (ret["Subtotal"], ret["SalesTaxTotal"]) == ("228.00", "10.53")
    assert trip.back(30, "invoice")["groups"] == [{"item": 8, "quantity": "1"}]


def test_a_mod_sends_the_groups_again(trip):
    """A Mod sends every line and group as new (-1): QuickBooks ends with exactly the app's."""
    receipt = {"customer": 20, "lines": [{"item": 2, "quantity": "1", "rate": "15"}]}
    trip.send(40, "sales_receipt", {**receipt, "groups": [{"item": 8}]})
    before = trip.ret(40)
    request = mapping.request_for(
        "sales_receipt",
        receipt,
        trip.qb_ids.__getitem__,
        request_id="2",
        record="r",
        target=(before["TxnID"], before["EditSequence"]),
    )
    assert "SalesReceiptLineGroupMod" not in request.text
    trip.company.process(qbxml.message_set([request]).to_xml())
    after = trip.ret(40)
    assert "SalesReceiptLineGroupRet" not in after
    assert after["TotalAmount"] == "15.00"
