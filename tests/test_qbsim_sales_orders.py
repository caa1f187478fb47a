"""qbsim sales orders and estimates: non-posting forms, numbering, and invoices made from a
sales order with LinkToTxnID (invoiced quantities, IsFullyInvoiced, LinkedTxn, 570, 3120)."""

from __future__ import annotations

import pytest

from qbsim.generate import generate_company
from tests.test_qbsim_txns import NOT_IN_LIST, Books, line, ref, x


@pytest.fixture
def books() -> Books:
    return Books()


def _order(books: Books, *lines: str, customer: str = "Acme"):
    lines = lines or (
        line("Labor", "4", tag="SalesOrderLineAdd"),
        line("Nails", "10", tag="SalesOrderLineAdd"),
    )
    return books.add("SalesOrder", ref("CustomerRef", customer), *lines)


def _from_order(books: Books, order, *lines: str, customer: str = "Acme"):
    link = x("LinkToTxnID", order.findtext("TxnID"))
    body = x("InvoiceAdd", ref("CustomerRef", customer), link, *lines)
    return books.rs(x("InvoiceAddRq", body))


def _order_now(books: Books, order, linked: bool = True):
    include = (x("IncludeLineItems", "true"), x("IncludeLinkedTxns", "true" if linked else "false"))
    return books.query("SalesOrder", x("TxnID", order.findtext("TxnID")), *include)[0]


def _invoiced(order) -> list[str]:
    return [one.findtext("Invoiced") for one in order.findall("SalesOrderLineRet")]


def _mod(ret, kind: str, *children: str) -> str:
    ids = (x("TxnID", ret.findtext("TxnID")), x("EditSequence", ret.findtext("EditSequence")))
    return x(f"{kind}ModRq", x(f"{kind}Mod", *ids, *children))


# -- the forms themselves --------------------------------------------------------------------
def test_sales_order_is_numbered_dated_and_open(books):
    """A new order: RefNumber 1, DueDate from the customer's Net 30, open, lines Invoiced 0."""
    order = _order(books)
    assert order.findtext("RefNumber") == "1"
    assert order.findtext("DueDate") == "2026-02-04"
    assert order.findtext("TotalAmount") == "220.00"
    assert order.findtext("IsManuallyClosed") == "false"
    assert order.findtext("IsFullyInvoiced") == "false"
    assert _invoiced(order) == ["0", "0"]
    assert order.findtext("SalesOrderLineRet/IsManuallyClosed") == "false"


def test_sales_order_moves_no_balance(books):
    """Non-posting: the customer's balance and A/R stay as they were."""
    _order(books)
    assert books.customer("Acme").findtext("Balance") == "0.00"
    no_ar = books.rs(x("AccountQueryRq", x("FullName", "Accounts Receivable")))
    assert no_ar.get("statusCode") == "500"  # no A/R account was ever needed


def test_estimate_is_numbered_active_and_non_posting(books):
    """An estimate numbers itself apart from orders, is active, and moves no balance."""
    _order(books)
    estimate = books.add(
        "Estimate", ref("CustomerRef", "Acme"), line("Labor", "3", tag="EstimateLineAdd")
    )
    assert estimate.findtext("RefNumber") == "1"
    assert estimate.findtext("IsActive") == "true"
    assert estimate.findtext("TotalAmount") == "150.00"
    assert estimate.findtext("DueDate") == "2026-02-04"
    assert books.customer("Acme").findtext("Balance") == "0.00"


def test_sales_order_mod_adds_a_line_and_drops_the_rest(books):
    """As in the MOZU capture: a Mod naming only a -1 line leaves just that line."""
    order = _order(books)
    mod = _mod(
        order, "SalesOrder", x("SalesOrderLineMod", x("TxnLineID", "-1"), ref("ItemRef", "Nails"))
    )
    changed = books.ok(mod)
    assert len(changed.findall("SalesOrderLineRet")) == 1
    assert changed.findtext("SalesOrderLineRet/Invoiced") == "0"
    assert changed.findtext("Subtotal") == "2.00"


def test_sales_order_and_estimate_delete(books):
    """TxnDel takes SalesOrder and Estimate; both show in TxnDeletedQuery."""
    order = _order(books)
    estimate = books.add(
        "Estimate", ref("CustomerRef", "Acme"), line("Labor", "1", tag="EstimateLineAdd")
    )
    for kind, ret in (("SalesOrder", order), ("Estimate", estimate)):
        books.ok(x("TxnDelRq", x("TxnDelType", kind), x("TxnID", ret.findtext("TxnID"))))
    deleted = books.query("TxnDeleted", x("TxnDelType", "SalesOrder"), x("TxnDelType", "Estimate"))
    assert [d.findtext("TxnDelType") for d in deleted] == ["SalesOrder", "Estimate"]


# -- invoicing an order ------------------------------------------------------------------------
def test_invoice_from_order_brings_its_lines_and_fully_invoices_it(books):
    """LinkToTxnID copies every open line; the order's lines are invoiced in full."""
    order = _order(books)
    answer = _from_order(books, order)
    assert answer.get("statusCode") == "0"
    invoice = answer[0]
    lines = invoice.findall("InvoiceLineRet")
    assert [one.findtext("ItemRef/FullName") for one in lines] == ["Labor", "Nails"]
    assert [one.findtext("Quantity") for one in lines] == ["4", "10"]
    assert invoice.findtext("Subtotal") == "220.00"
    assert invoice.find("LinkedTxn") is None  # the Add's answer does not list the link
    now = _order_now(books, order)
    assert _invoiced(now) == ["4", "10"]
    assert now.findtext("IsFullyInvoiced") == "true"
    assert now.findtext("IsManuallyClosed") == "false"
    assert books.customer("Acme").findtext("Balance") == "220.00"


def test_partly_invoiced_order_brings_only_what_is_left(books):
    """After a line is partly invoiced by a Mod of the invoice, the next link brings the rest."""
    order = _order(books, line("Nails", "10", tag="SalesOrderLineAdd"))
    first = _from_order(books, order)[0]
    line_id = first.findtext("InvoiceLineRet/TxnLineID")
    books.ok(
        _mod(first, "Invoice", x("InvoiceLineMod", x("TxnLineID", line_id), x("Quantity", "6")))
    )
    assert _invoiced(_order_now(books, order)) == ["6"]
    assert _order_now(books, order).findtext("IsFullyInvoiced") == "false"
    second = _from_order(books, order)[0]
    assert second.findtext("InvoiceLineRet/Quantity") == "4"
    assert second.findtext("InvoiceLineRet/Amount") == "8.00"
    assert _order_now(books, order).findtext("IsFullyInvoiced") == "true"


def test_linked_txn_shows_on_both_sides_only_when_asked(books):
    """IncludeLinkedTxns shows the QUANTYPE link on the order and on the invoice."""
    order = _order(books)
    invoice = _from_order(books, order)[0]
    shown = _order_now(books, order).find("LinkedTxn")
    assert shown.findtext("TxnID") == invoice.findtext("TxnID")
    assert shown.findtext("TxnType") == "Invoice"
    assert shown.findtext("LinkType") == "QUANTYPE"
    assert shown.findtext("Amount") == "220.00"
    back = books.query(
        "Invoice", x("TxnID", invoice.findtext("TxnID")), x("IncludeLinkedTxns", "true")
    )[0]
    assert back.findtext("LinkedTxn/TxnID") == order.findtext("TxnID")
    assert back.findtext("LinkedTxn/TxnType") == "SalesOrder"
    assert _order_now(books, order, linked=False).find("LinkedTxn") is None


def test_deleting_the_invoice_reopens_the_order(books):
    """TxnDel of the invoice gives the order's lines their quantities back."""
    order = _order(books)
    invoice = _from_order(books, order)[0]
    books.ok(x("TxnDelRq", x("TxnDelType", "Invoice"), x("TxnID", invoice.findtext("TxnID"))))
    now = _order_now(books, order)
    assert _invoiced(now) == ["0", "0"]
    assert now.findtext("IsFullyInvoiced") == "false"
    assert now.find("LinkedTxn") is None


def test_voiding_the_invoice_reopens_the_order(books):
    """TxnVoid zeroes the invoice's quantities, so the order is open again."""
    order = _order(books)
    invoice = _from_order(books, order)[0]
    books.ok(x("TxnVoidRq", x("TxnVoidType", "Invoice"), x("TxnID", invoice.findtext("TxnID"))))
    assert _invoiced(_order_now(books, order)) == ["0", "0"]


def test_an_invoiced_order_cannot_be_deleted(books):
    """3170 (inferred) for a sales order an invoice was made from."""
    order = _order(books)
    _from_order(books, order)
    code, message = books.error(
        x("TxnDelRq", x("TxnDelType", "SalesOrder"), x("TxnID", order.findtext("TxnID")))
    )
    assert code == 3170
    assert "An invoice was made from this sales order." in message


def test_unknown_link_is_3120(books):
    """A LinkToTxnID that names no sales order of the customer: 3120, nothing saved."""
    body = x("InvoiceAdd", ref("CustomerRef", "Acme"), x("LinkToTxnID", "ABC-123"))
    answer = books.rs(x("InvoiceAddRq", body))
    assert (answer.get("statusCode"), answer.get("statusMessage")) == (
        "3120",
        f'Object "ABC-123" specified in the request cannot be found.  {NOT_IN_LIST}',
    )
    assert books.query("Invoice") == []


def test_another_customers_order_is_3120(books):
    """An order of another customer cannot be found from this one."""
    order = _order(books, customer="Beta")
    assert _from_order(books, order).get("statusCode") == "3120"


def test_an_estimate_cannot_be_linked(books):
    """The SDK links invoices to sales orders only [official API-invoiceadd]: 3120."""
    estimate = books.add(
        "Estimate", ref("CustomerRef", "Acme"), line("Labor", "1", tag="EstimateLineAdd")
    )
    assert _from_order(books, estimate).get("statusCode") == "3120"


def test_fully_invoiced_order_alone_is_refused(books):
    """Linking an order with nothing open, and no other line: nothing to save (3180)."""
    order = _order(books)
    _from_order(books, order)
    answer = _from_order(books, order)
    assert answer.get("statusCode") == "3180"
    assert "because it has already been closed." in answer.get("statusMessage")


def test_closed_order_with_other_lines_saves_with_570(books):
    """A manually closed order is skipped with Intuit's 570 warning; the other lines save."""
    order = _order(books)
    books.ok(_mod(order, "SalesOrder", x("IsManuallyClosed", "true")))
    answer = _from_order(books, order, line("Labor", "1"))
    order_id = order.findtext("TxnID")
    assert (answer.get("statusCode"), answer.get("statusSeverity")) == ("570", "Warn")
    assert answer.get("statusMessage") == (
        f'Unable to link to transaction "{order_id}" because it has already been closed.'
    )
    assert answer[0].findtext("Subtotal") == "50.00"
    assert _invoiced(_order_now(books, order)) == ["0", "0"]


def test_closed_line_counts_as_invoiced(books):
    """A line closed by hand is not brought in, and counts toward IsFullyInvoiced."""
    order = _order(books)
    first_line = order.findtext("SalesOrderLineRet/TxnLineID")
    second_line = order.findall("SalesOrderLineRet")[1].findtext("TxnLineID")
    closed = books.ok(
        _mod(
            order,
            "SalesOrder",
            x("SalesOrderLineMod", x("TxnLineID", first_line), x("IsManuallyClosed", "true")),
            x("SalesOrderLineMod", x("TxnLineID", second_line)),
        )
    )
    assert closed.findtext("IsFullyInvoiced") == "false"
    invoice = _from_order(books, order)[0]
    assert [one.findtext("ItemRef/FullName") for one in invoice.findall("InvoiceLineRet")] == [
        "Nails"
    ]
    assert _order_now(books, order).findtext("IsFullyInvoiced") == "true"


def test_generated_company_has_sales_orders_and_invoices_made_from_them():
    """qbsim's generator makes sales orders and invoices most of them (LinkToTxnID)."""
    company = generate_company(600, seed=3)
    orders = list(company.state.records.get("SalesOrder", {}).values())
    invoiced = [order for order in orders if order.ret["IsFullyInvoiced"] == "true"]
    assert orders and invoiced
    assert all(line["Invoiced"] != "0" for line in invoiced[0].ret["SalesOrderLineRet"])


def test_a_line_without_quantity_is_invoiced_once(books):
    """An amount-only order line is brought in once; after that the order has nothing open."""
    order = _order(books, x("SalesOrderLineAdd", x("Desc", "Setup fee"), x("Amount", "75.00")))
    first = _from_order(books, order)
    assert first[0].findtext("InvoiceLineRet/Amount") == "75.00"
    assert _order_now(books, order).findtext("IsFullyInvoiced") == "true"
    assert _from_order(books, order).get("statusCode") == "3180"
