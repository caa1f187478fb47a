"""qbsim inventory: QuantityOnHand and AverageCost move with every transaction that moves stock.

Purchases come in at cost and re-weight the average (Intuit's own example: 10 at $5.00 plus
100 at $6.00 is $5.91); sales go out at the average; credit memos bring stock back; deleting,
voiding or changing a transaction moves it back (QBXML-NOTES §18).
"""

from __future__ import annotations

import pytest

from qbsim.errors import QBXMLRPError
from tests.test_qbsim_txns import Books, line, ref, x


def account(name: str, account_type: str) -> str:
    return x("AccountAddRq", x("AccountAdd", x("Name", name), x("AccountType", account_type)))


class StockBooks(Books):
    """Books with an inventory item "Widget" (10 on hand at $5.00, sold at $9.00)."""

    def __init__(self) -> None:
        super().__init__()
        self.ok(
            account("Inventory Asset", "OtherCurrentAsset"),
            account("Cost of Goods Sold", "CostOfGoodsSold"),
            x(
                "ItemInventoryAddRq",
                x(
                    "ItemInventoryAdd",
                    x("Name", "Widget"),
                    x("SalesPrice", "9.00"),
                    ref("IncomeAccountRef", "Sales"),
                    x("PurchaseCost", "5.00"),
                    ref("COGSAccountRef", "Cost of Goods Sold"),
                    ref("AssetAccountRef", "Inventory Asset"),
                    x("QuantityOnHand", "10"),
                ),
            ),
        )

    def stock(self, name: str = "Widget") -> tuple[str, str]:
        item = self.query("ItemInventory", x("FullName", name))[0]
        return item.findtext("QuantityOnHand"), item.findtext("AverageCost")

    def buy(self, quantity: str, cost: str, tag: str = "Bill") -> object:
        return self.add(
            tag,
            ref("VendorRef", "Bolt Supply"),
            x("ItemLineAdd", ref("ItemRef", "Widget"), x("Quantity", quantity), x("Cost", cost)),
        )

    def sale(self, kind: str, quantity: str) -> object:
        extra = [ref("CustomerRef", "Acme")]
        return self.add(kind, *extra, line("Widget", quantity, tag=f"{kind}LineAdd"))

    def delete(self, kind: str, ret) -> None:
        self.ok(x("TxnDelRq", x("TxnDelType", kind), x("TxnID", ret.findtext("TxnID"))))

    def void(self, kind: str, ret) -> None:
        self.ok(x("TxnVoidRq", x("TxnVoidType", kind), x("TxnID", ret.findtext("TxnID"))))


@pytest.fixture
def books() -> StockBooks:
    return StockBooks()


def test_a_bill_brings_stock_in_and_reweights_the_average(books):
    """Intuit's example: 10 at $5.00 plus 100 bought at $6.00 leaves 110 at $5.91."""
    books.buy("100", "6.00")
    assert books.stock() == ("110", "5.91")


def test_an_invoice_takes_stock_out_at_the_average(books):
    """Selling 4 at $9.00 lowers the quantity; the average cost stays $5.00."""
    books.sale("Invoice", "4")
    assert books.stock() == ("6", "5.00")


def test_a_sales_receipt_takes_stock_out(books):
    """A sales receipt sells like an invoice."""
    books.sale("SalesReceipt", "3")
    assert books.stock() == ("7", "5.00")


def test_a_credit_memo_brings_stock_back(books):
    """Goods credited come back into stock at the average cost."""
    books.sale("CreditMemo", "2")
    assert books.stock() == ("12", "5.00")


def test_an_item_receipt_brings_stock_in(books):
    """Received without a bill, items still come into stock at cost."""
    books.buy("10", "7.00", tag="ItemReceipt")
    assert books.stock() == ("20", "6.00")


def test_deleting_a_bill_takes_its_stock_back_out(books):
    """The bill's units and cost leave again; the average returns to $5.00."""
    bill = books.buy("10", "7.00")
    books.delete("Bill", bill)
    assert books.stock() == ("10", "5.00")


def test_deleting_an_invoice_returns_its_stock(books):
    """A deleted sale puts its units back on hand."""
    invoice = books.sale("Invoice", "4")
    books.delete("Invoice", invoice)
    assert books.stock() == ("10", "5.00")


def test_voiding_an_invoice_returns_its_stock(books):
    """A voided sale has quantity 0, so its units are on hand again."""
    invoice = books.sale("Invoice", "4")
    books.void("Invoice", invoice)
    assert books.stock() == ("10", "5.00")


def test_an_invoice_mod_moves_stock_by_the_difference(books):
    """Changing a line's quantity from 4 to 1 puts 3 back."""
    invoice = books.sale("Invoice", "4")
    (only,) = invoice.findall("InvoiceLineRet")
    books.ok(
        x(
            "InvoiceModRq",
            x(
                "InvoiceMod",
                x("TxnID", invoice.findtext("TxnID")),
                x("EditSequence", invoice.findtext("EditSequence")),
                x("InvoiceLineMod", x("TxnLineID", only.findtext("TxnLineID")), x("Quantity", "1")),
            ),
        )
    )
    assert books.stock() == ("9", "5.00")


def test_selling_more_than_on_hand_goes_negative(books):
    """QuickBooks lets a sale take stock below zero (it warns only in its own window)."""
    books.sale("Invoice", "12")
    assert books.stock() == ("-2", "5.00")


def test_service_lines_move_no_stock(books):
    """Only inventory items hold stock: a labor line leaves the widget alone."""
    books.invoice("Acme", line("Labor", "3"))
    assert books.stock() == ("10", "5.00")


# -- item receipts ----------------------------------------------------------------------


def test_an_item_receipt_raises_neither_vendor_nor_ap(books):
    """Goods received without a bill are not yet owed (inferred): vendor and A/P stay put."""
    receipt = books.buy("2", "5.00", tag="ItemReceipt")
    vendor = books.query("Vendor", x("FullName", "Bolt Supply"))[0]
    assert receipt.findtext("TotalAmount") == "10.00"
    assert vendor.findtext("Balance") == "0.00"
    no_ap = books.rs(x("AccountQueryRq", x("FullName", "Accounts Payable")))
    assert no_ap.get("statusCode") == "500"  # no A/P account was needed


def test_an_item_receipt_mod_moves_stock_by_the_difference(books):
    """Receiving 10 then correcting to 4 leaves 14 on hand."""
    receipt = books.buy("10", "5.00", tag="ItemReceipt")
    (only,) = receipt.findall("ItemLineRet")
    books.ok(
        x(
            "ItemReceiptModRq",
            x(
                "ItemReceiptMod",
                x("TxnID", receipt.findtext("TxnID")),
                x("EditSequence", receipt.findtext("EditSequence")),
                x("ItemLineMod", x("TxnLineID", only.findtext("TxnLineID")), x("Quantity", "4")),
            ),
        )
    )
    assert books.stock() == ("14", "5.00")
    (again,) = books.query("ItemReceipt", x("TxnID", receipt.findtext("TxnID")))
    assert again.findtext("TotalAmount") == "20.00"


def test_deleting_an_item_receipt_takes_its_stock_out(books):
    """TxnDel of an item receipt reverses its stock."""
    receipt = books.buy("10", "7.00", tag="ItemReceipt")
    books.delete("ItemReceipt", receipt)
    assert books.stock() == ("10", "5.00")


# -- inventory adjustments ----------------------------------------------------------------


def adjust(books: StockBooks, *change: str, by: str = "QuantityAdjustment"):
    return books.add(
        "InventoryAdjustment",
        ref("AccountRef", "Cost of Goods Sold"),
        x("InventoryAdjustmentLineAdd", ref("ItemRef", "Widget"), x(by, *change)),
    )


def test_an_adjustment_by_quantity_difference_is_valued_at_average(books):
    """Three found on the shelf: 13 on hand, worth $15.00 more, average unchanged."""
    ret = adjust(books, x("QuantityDifference", "3"))
    (only,) = ret.findall("InventoryAdjustmentLineRet")
    assert (only.findtext("QuantityDifference"), only.findtext("ValueDifference")) == (
        "3",
        "15.00",
    )
    assert books.stock() == ("13", "5.00")


def test_an_adjustment_to_a_new_quantity_counts_the_difference(books):
    """A stock count of 7 records a difference of -3."""
    ret = adjust(books, x("NewQuantity", "7"))
    assert ret.findtext("InventoryAdjustmentLineRet/QuantityDifference") == "-3"
    assert books.stock() == ("7", "5.00")


def test_a_value_adjustment_cannot_carry_a_value(books):
    """The schema gives NewValue maxOccurs 0: the parser refuses it and nothing moves."""
    with pytest.raises(QBXMLRPError, match="NewValue is not expected"):
        adjust(books, x("QuantityDifference", "0"), x("NewValue", "60.00"), by="ValueAdjustment")
    assert books.stock() == ("10", "5.00")


def test_an_adjustment_is_found_by_query_with_its_lines(books):
    """InventoryAdjustmentQuery with IncludeLineItems shows the line as added."""
    ret = adjust(books, x("QuantityDifference", "-1"))
    (found,) = books.query(
        "InventoryAdjustment", x("TxnID", ret.findtext("TxnID")), x("IncludeLineItems", "true")
    )
    assert found.findtext("InventoryAdjustmentLineRet/QuantityDifference") == "-1"


def test_voiding_an_adjustment_undoes_it(books):
    """A voided adjustment moves nothing: the count is back to 10."""
    ret = adjust(books, x("NewQuantity", "2"))
    books.void("InventoryAdjustment", ret)
    assert books.stock() == ("10", "5.00")


def test_adjusting_a_service_item_is_refused(books):
    """Only an inventory item holds stock; Labor is refused as a bad reference (3140)."""
    request = x(
        "InventoryAdjustmentAddRq",
        x(
            "InventoryAdjustmentAdd",
            ref("AccountRef", "Cost of Goods Sold"),
            x(
                "InventoryAdjustmentLineAdd",
                ref("ItemRef", "Labor"),
                x("QuantityAdjustment", x("QuantityDifference", "1")),
            ),
        ),
    )
    code, message = books.error(request)
    assert code == 3140 and '"Labor"' in message


# -- quantity on order ------------------------------------------------------------------


def order(books: StockBooks, quantity: str):
    return books.add(
        "PurchaseOrder",
        ref("VendorRef", "Bolt Supply"),
        line("Widget", quantity, tag="PurchaseOrderLineAdd"),
    )


def on_order(books: StockBooks) -> str:
    return books.query("ItemInventory", x("FullName", "Widget"))[0].findtext("QuantityOnOrder")


def test_a_purchase_order_counts_on_order_not_on_hand(books):
    """Ordering 6 leaves 10 on hand and puts 6 on order."""
    order(books, "6")
    assert (books.stock()[0], on_order(books)) == ("10", "6")


def test_closing_or_deleting_a_purchase_order_takes_it_off_order(books):
    """A PO closed by hand waits for nothing; a deleted one neither."""
    first, second = order(books, "6"), order(books, "2")
    books.ok(
        x(
            "PurchaseOrderModRq",
            x(
                "PurchaseOrderMod",
                x("TxnID", first.findtext("TxnID")),
                x("EditSequence", first.findtext("EditSequence")),
                x("IsManuallyClosed", "true"),
            ),
        )
    )
    assert on_order(books) == "2"
    books.delete("PurchaseOrder", second)
    assert on_order(books) == "0"


def test_an_invoice_made_from_a_sales_order_takes_its_stock_and_a_deleted_one_gives_it_back(
    books,
):
    """The order itself moves no stock (non-posting); the invoice made from it with
    LinkToTxnID takes the order's quantity out, and deleting that invoice puts it back."""
    order = books.sale("SalesOrder", "3")
    assert books.stock() == ("10", "5.00")
    link = x("LinkToTxnID", order.findtext("TxnID"))
    answer = books.rs(x("InvoiceAddRq", x("InvoiceAdd", ref("CustomerRef", "Acme"), link)))
    assert books.stock() == ("7", "5.00")
    books.delete("Invoice", answer.find("InvoiceRet"))
    assert books.stock() == ("10", "5.00")
