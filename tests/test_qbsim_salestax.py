"""Sales tax, discount, subtotal and group lines in qbsim, checked against the arithmetic of the
real captures in ``../shared/reference/qbxml-samples`` (QBXML-NOTES §14 and §15)."""

from __future__ import annotations

import pytest

from qbsim import Company
from qbsim.testing import CompanyBuilder, RequestRefused, add, mod, query, rets, send, status_of


@pytest.fixture
def shop() -> Company:
    """A taxing company: a 6 % and a 0.25 % tax item, a group of both, and a taxable service."""
    company = (
        CompanyBuilder()
        .vendor("State Board")
        .customer("Acme", SalesTaxCodeRef="Tax")
        .item_service("Labor", price="39.00", SalesTaxCodeRef="Tax")
        .item_service("Parts", price="72.00")
        .account("Discounts", "Income")
        .build()
    )
    add(
        company,
        "ItemSalesTax",
        {"Name": "CT State Tax", "TaxRate": "6", "TaxVendorRef": "State Board"},
    )
    add(company, "ItemSalesTax", {"Name": "County", "TaxRate": "0.25"})
    members = [{"FullName": "CT State Tax"}, {"FullName": "County"}]
    add(company, "ItemSalesTaxGroup", {"Name": "Both", "ItemSalesTaxRef": members})
    return company


def _invoice(company: Company, **fields) -> dict:
    return add(company, "Invoice", {"CustomerRef": "Acme", **fields})


def test_a_new_company_has_the_tax_and_non_codes():
    """SalesTaxCodeQuery answers the two codes every US company file has."""
    codes = {c["Name"]: c["IsTaxable"] for c in query(Company(seed=1), "SalesTaxCode")}
    assert codes == {"Tax": "true", "Non": "false"}


def test_tax_is_the_rate_of_the_taxable_lines_rounded_to_the_cent(shop):
    """CBINV: 39.00 + 144.00 taxable at 6 % → 10.98, BalanceRemaining 193.98."""
    lines = [
        {"ItemRef": "Labor", "Quantity": "1"},
        {"ItemRef": "Parts", "Quantity": "2", "SalesTaxCodeRef": "Tax"},
    ]
    inv = _invoice(shop, ItemSalesTaxRef="CT State Tax", InvoiceLineAdd=lines)
    got = [inv[k] for k in ("Subtotal", "SalesTaxPercentage", "SalesTaxTotal", "BalanceRemaining")]
    assert got == ["183.00", "6.00", "10.98", "193.98"]


def test_a_third_of_a_cent_rounds_down(shop):
    """MOZU: 2.80 at 8.25 % = 0.231 → 0.23, TotalAmount 3.03."""
    add(shop, "ItemSalesTax", {"Name": "goulet", "TaxRate": "8.25"})
    line = {"ItemRef": "Parts", "Rate": "2.8", "SalesTaxCodeRef": "Tax"}
    receipt = add(
        shop,
        "SalesReceipt",
        {"CustomerRef": "Acme", "ItemSalesTaxRef": "goulet", "SalesReceiptLineAdd": [line]},
    )
    assert (receipt["SalesTaxTotal"], receipt["TotalAmount"]) == ("0.23", "3.03")


def test_non_lines_are_not_taxed_for_a_taxable_customer(shop):
    """QBXG-SR: a customer coded Tax, a 5 % item, every line Non → 0.00 tax."""
    add(shop, "ItemSalesTax", {"Name": "MA State Tax", "TaxRate": "5"})
    lines = [{"ItemRef": "Parts", "Rate": "150.00", "SalesTaxCodeRef": "Non"}]
    receipt = add(
        shop,
        "SalesReceipt",
        {"CustomerRef": "Acme", "ItemSalesTaxRef": "MA State Tax", "SalesReceiptLineAdd": lines},
    )
    assert receipt["CustomerSalesTaxCodeRef"]["FullName"] == "Tax"
    assert [receipt["SalesTaxPercentage"], receipt["SalesTaxTotal"]] == ["5.00", "0.00"]
    assert receipt["TotalAmount"] == "150.00"


def test_a_group_taxes_each_member_and_adds_the_rounded_amounts(shop):
    """QuickBooks help on tax groups: 6 % of 10.10 = 0.606 → 0.61, 0.25 % = 0.02525 → 0.03;
    0.64 where the combined 6.25 % would give 0.63."""
    line = {"ItemRef": "Parts", "Rate": "10.10", "SalesTaxCodeRef": "Tax"}
    inv = _invoice(shop, ItemSalesTaxRef="Both", InvoiceLineAdd=[line])
    assert (inv["SalesTaxPercentage"], inv["SalesTaxTotal"]) == ("6.25", "0.64")


def test_the_customer_supplies_the_tax_item_and_the_item_the_line_code(shop):
    """With neither given, the header takes the customer's tax item and code, a line its
    item's code (MOZU, CBINV)."""
    customer = query(shop, "Customer", FullName=["Acme"])[0]
    mod(shop, "Customer", customer, {"ItemSalesTaxRef": {"FullName": "CT State Tax"}})
    inv = _invoice(shop, InvoiceLineAdd=[{"ItemRef": "Labor"}])
    assert inv["ItemSalesTaxRef"]["FullName"] == "CT State Tax"
    assert inv["InvoiceLineRet"][0]["SalesTaxCodeRef"]["FullName"] == "Tax"
    assert inv["SalesTaxTotal"] == "2.34"


def test_subtotal_and_percentage_discount_follow_artco(shop):
    """ARTCO: 1782.00, subtotal 1782.00, -5 % → -89.10; 1178.00 + 190.00, subtotal 1368.00
    (the discount under the first subtotal left out), -15 % → -205.20; Subtotal 2855.70."""
    add(shop, "ItemSubtotal", {"Name": "Sub"})
    for name, pct in (("5% off", "5"), ("15% off", "15")):
        add(
            shop,
            "ItemDiscount",
            {"Name": name, "DiscountRatePercent": pct, "AccountRef": "Discounts"},
        )
    lines = [
        {"ItemRef": "Parts", "Rate": "1782.00"},
        {"ItemRef": "Sub"},
        {"ItemRef": "5% off"},
        {"ItemRef": "Parts", "Rate": "1178.00"},
        {"ItemRef": "Parts", "Rate": "190.00"},
        {"ItemRef": "Sub"},
        {"ItemRef": "15% off"},
    ]
    inv = _invoice(shop, InvoiceLineAdd=lines)
    amounts = [line["Amount"] for line in inv["InvoiceLineRet"]]
    assert amounts == ["1782.00", "1782.00", "-89.10", "1178.00", "190.00", "1368.00", "-205.20"]
    assert inv["InvoiceLineRet"][2]["RatePercent"] == "-5.00"
    assert inv["Subtotal"] == "2855.70"


def test_a_taxable_discount_lowers_the_taxed_amount(shop):
    """A flat discount coded Tax comes off the taxable base (inferred, §15)."""
    add(
        shop,
        "ItemDiscount",
        {
            "Name": "Ten off",
            "DiscountRate": "10",
            "AccountRef": "Discounts",
            "SalesTaxCodeRef": "Tax",
        },
    )
    lines = [{"ItemRef": "Labor", "Rate": "110.00"}, {"ItemRef": "Ten off"}]
    inv = _invoice(shop, ItemSalesTaxRef="CT State Tax", InvoiceLineAdd=lines)
    assert inv["InvoiceLineRet"][1]["Amount"] == "-10.00"
    assert (inv["Subtotal"], inv["SalesTaxTotal"]) == ("100.00", "6.00")


def test_a_discount_of_untaxed_lines_takes_no_tax_off(shop):
    """A taxable 5 % discount under a subtotal of a Non line (100.00) and a taxable line
    (100.00) takes off only the taxable half's share: tax = 6 % of (100.00 - 5.00) = 5.70.
    Before this rule a discount of only untaxed lines made the tax negative (rehearsal,
    seed 1: -6.36, and a payment of the whole invoice refused with 3210)."""
    add(shop, "ItemSubtotal", {"Name": "Sub"})
    add(
        shop,
        "ItemDiscount",
        {
            "Name": "5% off",
            "DiscountRatePercent": "5",
            "AccountRef": "Discounts",
            "SalesTaxCodeRef": "Tax",
        },
    )
    lines = [
        {"ItemRef": "Parts", "Rate": "100.00", "SalesTaxCodeRef": "Non"},
        {"ItemRef": "Labor", "Rate": "100.00"},
        {"ItemRef": "Sub"},
        {"ItemRef": "5% off"},
    ]
    inv = _invoice(shop, ItemSalesTaxRef="CT State Tax", InvoiceLineAdd=lines)
    assert (inv["Subtotal"], inv["SalesTaxTotal"]) == ("190.00", "5.70")
    untaxed = _invoice(shop, ItemSalesTaxRef="CT State Tax", InvoiceLineAdd=[lines[0], *lines[2:]])
    assert (untaxed["Subtotal"], untaxed["SalesTaxTotal"]) == ("95.00", "0.00")


def _kit(company: Company) -> None:
    lines = [{"ItemRef": "Labor", "Quantity": "2"}, {"ItemRef": "Parts"}]
    add(company, "ItemGroup", {"Name": "Kit", "ItemDesc": "Install kit", "ItemGroupLine": lines})


def test_a_group_line_expands_into_its_members(shop):
    """GRP: the group line carries TotalAmount = its members' sum, and they follow it with
    consecutive TxnLineIDs; the members count in Subtotal and tax."""
    _kit(shop)
    group = {"ItemGroupRef": "Kit", "Quantity": "2"}
    inv = _invoice(shop, ItemSalesTaxRef="CT State Tax", InvoiceLineGroupAdd=[group])
    (line,) = inv["InvoiceLineGroupRet"]
    members = line["InvoiceLineRet"]
    assert [(m["ItemRef"]["FullName"], m["Quantity"], m["Amount"]) for m in members] == [
        ("Labor", "4", "156.00"),
        ("Parts", "2", "144.00"),
    ]
    assert (line["Desc"], line["TotalAmount"], inv["Subtotal"]) == (
        "Install kit",
        "300.00",
        "300.00",
    )
    assert inv["SalesTaxTotal"] == "9.36"  # only Labor is taxable: 156.00 x 6 %
    counters = [int(x["TxnLineID"].split("-")[0], 16) for x in (line, *members)]
    assert counters == list(range(counters[0], counters[0] + 3))


def test_a_mod_that_sends_lines_again_replaces_the_groups(shop):
    """The engine's Mod sends every line as new (-1): groups sent again are new, ones left out
    go (lines and groups are one repeated choice in the XSD; inferred)."""
    _kit(shop)
    inv = _invoice(shop, InvoiceLineGroupAdd=[{"ItemGroupRef": "Kit"}])
    body = {
        "TxnID": inv["TxnID"],
        "EditSequence": inv["EditSequence"],
        "InvoiceLineMod": [{"TxnLineID": "-1", "ItemRef": "Parts"}],
    }
    (after,) = rets(send(shop, "InvoiceModRq", {"InvoiceMod": body}))
    assert "InvoiceLineGroupRet" not in after
    assert after["Subtotal"] == "72.00"
    body = {**body, "EditSequence": after["EditSequence"]}
    body["InvoiceLineGroupMod"] = [{"TxnLineID": "-1", "ItemGroupRef": {"FullName": "Kit"}}]
    (again,) = rets(send(shop, "InvoiceModRq", {"InvoiceMod": body}))
    assert again["Subtotal"] == "222.00"  # 72.00 + the kit's 150.00


def test_a_void_zeroes_the_tax_and_the_groups(shop):
    """A voided invoice owes nothing: members, tax and balance at 0."""
    _kit(shop)
    inv = _invoice(
        shop, ItemSalesTaxRef="CT State Tax", InvoiceLineGroupAdd=[{"ItemGroupRef": "Kit"}]
    )
    send(shop, "TxnVoidRq", {"TxnVoidType": "Invoice", "TxnID": inv["TxnID"]})
    (voided,) = query(shop, "Invoice", TxnID=[inv["TxnID"]], IncludeLineItems=True)
    assert (voided["SalesTaxTotal"], voided["BalanceRemaining"]) == ("0.00", "0.00")
    assert voided["InvoiceLineGroupRet"][0]["TotalAmount"] == "0.00"


def test_lists_answer_and_refuse_like_other_items(shop):
    """ItemQuery includes the new kinds; names are unique across all items (3100); a bad tax
    item on a form is 3140."""
    _kit(shop)
    names = [item["Name"] for item in query(shop, "Item")]
    assert {"Both", "County", "CT State Tax", "Kit"} <= set(names)
    with pytest.raises(RequestRefused) as refused:
        add(shop, "ItemSubtotal", {"Name": "kit"})
    assert refused.value.code == 3100
    rs = send(
        shop, "InvoiceAddRq", {"InvoiceAdd": {"CustomerRef": "Acme", "ItemSalesTaxRef": "Nope"}}
    )
    assert status_of(rs)[0] == 3140


def test_sales_tax_preferences_appear_with_the_first_tax_item(shop):
    """PreferencesRet has SalesTaxPreferences (DefaultItemSalesTaxRef required by the XSD) once
    a tax item exists, none before."""
    assert "SalesTaxPreferences" not in rets(send(Company(seed=1), "PreferencesQueryRq", {}))[0]
    prefs = rets(send(shop, "PreferencesQueryRq", {}))[0]["SalesTaxPreferences"]
    assert prefs["DefaultItemSalesTaxRef"]["FullName"] == "CT State Tax"
    assert prefs["DefaultNonTaxableSalesTaxCodeRef"]["FullName"] == "Non"


def test_a_new_tax_code_decides_taxability(shop):
    """A company's own code (IsTaxable false) leaves its lines untaxed."""
    add(shop, "SalesTaxCode", {"Name": "OOS", "IsTaxable": "false", "Desc": "Out of state"})
    line = {"ItemRef": "Labor", "SalesTaxCodeRef": "OOS"}
    inv = _invoice(shop, ItemSalesTaxRef="CT State Tax", InvoiceLineAdd=[line])
    assert inv["SalesTaxTotal"] == "0.00"


def test_a_sales_order_is_taxed_as_an_invoice_is(shop):
    """MOZU's SalesOrderModRs carries SalesTaxPercentage and SalesTaxTotal: an order's tax is
    worked out as an invoice's, and so is an estimate's."""
    lines = [{"ItemRef": "Labor", "Quantity": "1"}]
    order = add(
        shop, "SalesOrder", {"CustomerRef": "Acme", "ItemSalesTaxRef": "CT State Tax",
                             "SalesOrderLineAdd": lines},
    )  # fmt: skip
    got = [order[k] for k in ("Subtotal", "SalesTaxPercentage", "SalesTaxTotal", "TotalAmount")]
    assert got == ["39.00", "6.00", "2.34", "41.34"]
    estimate = add(
        shop, "Estimate", {"CustomerRef": "Acme", "ItemSalesTaxRef": "CT State Tax",
                           "EstimateLineAdd": lines},
    )  # fmt: skip
    assert (estimate["SalesTaxTotal"], estimate["IsActive"]) == ("2.34", "true")
