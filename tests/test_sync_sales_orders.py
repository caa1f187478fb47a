"""Sales orders through a sync job: the order reaches QuickBooks, an invoice that names it is
made from it there (``LinkToTxnID``), and a QuickBooks invoice made from an order comes back
to the app naming the app's sales order."""

from __future__ import annotations

from qbsim.testing import add
from syncengine import mapping
from syncengine.rehearsal.appgen import generate_app
from tests.sync_world import World, acme, labor


def _order(w: World, ref_number: str = "SO-1") -> int:
    lines = [{"item": labor(w), "quantity": 3, "rate": "85"}]
    customer = acme(w)
    return w.app.sales_orders.add(
        customer=customer, ref_number=ref_number, lines=lines, status="approved"
    ).id


def _invoice_from(w: World, order: int, **fields) -> int:
    data = w.app.sales_orders.get(order)
    return w.app.invoices.add(
        customer=data["customer"],
        ref_number="10001",
        lines=data["lines"],
        sales_order=order,
        status="approved",
        **fields,
    ).id


def test_sales_order_arrives_open_with_its_lines():
    """An approved sales order goes with its customer and lines, open, posting nothing."""
    w = World()
    _order(w)
    w.sync()
    [ret] = w.qb("SalesOrder", RefNumber="SO-1", IncludeLineItems=True)
    assert (ret["TotalAmount"], ret["IsFullyInvoiced"]) == ("255.00", "false")
    assert ret["SalesOrderLineRet"][0]["Quantity"] == "3"
    assert w.qb_named("Customer", "Acme")["Balance"] == "0.00"


def test_invoice_request_links_the_order_and_sends_no_lines():
    """The Add names the order's TxnID and leaves the lines to QuickBooks."""
    data = {"customer": 1, "ref_number": "7", "sales_order": 2, "lines": [{"item": 3}]}
    request = mapping.request_for(
        "invoice", data, lambda entity_id: f"TXN-{entity_id}", request_id="1", record="invoice 7"
    )
    body = request.body["InvoiceAdd"]
    assert body["LinkToTxnID"] == "TXN-2"
    assert "InvoiceLineAdd" not in body


def test_invoice_from_an_order_invoices_it_in_quickbooks():
    """The invoice arrives with the order's lines; the order is fully invoiced and linked."""
    w = World()
    order = _order(w)
    invoice = _invoice_from(w, order)
    report = w.sync()
    assert report.error_count == 0
    [ret] = w.qb("Invoice", RefNumber="10001", IncludeLineItems=True, IncludeLinkedTxns=True)
    assert ret["Subtotal"] == "255.00"
    assert [link["TxnID"] for link in ret["LinkedTxn"]] == [w.link(order).qb_id]
    [sales_order] = w.qb("SalesOrder", RefNumber="SO-1", IncludeLinkedTxns=True)
    assert sales_order["IsFullyInvoiced"] == "true"
    assert sales_order["LinkedTxn"][0]["TxnID"] == w.link(invoice).qb_id
    assert not report.imported


def test_editing_an_invoice_made_from_an_order_keeps_the_link():
    """A Mod of the invoice sends no lines, so QuickBooks keeps the linked ones."""
    w = World()
    invoice = _invoice_from(w, _order(w))
    w.sync()
    w.app.invoices.update(invoice, memo="Thank you")
    report = w.sync()
    assert report.error_count == 0
    [ret] = w.qb("SalesOrder", RefNumber="SO-1", IncludeLineItems=True)
    assert ret["IsFullyInvoiced"] == "true"
    assert w.qb("Invoice", RefNumber="10001")[0]["Memo"] == "Thank you"


def test_quickbooks_invoice_made_from_an_order_imports_naming_it():
    """Round trip back: an order and its invoice made in QuickBooks arrive in the app linked."""
    w = World()
    add(w.company, "Customer", {"Name": "Zeta"})
    add(w.company, "Account", {"Name": "Services", "AccountType": "Income"})
    item = {"Name": "Labor", "SalesOrPurchase": {"AccountRef": {"FullName": "Services"}}}
    add(w.company, "ItemService", item)
    order = add(
        w.company,
        "SalesOrder",
        {
            "CustomerRef": {"FullName": "Zeta"},
            "RefNumber": "SO-9",
            "SalesOrderLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Quantity": "2", "Rate": "5"}],
        },
    )
    link = {"CustomerRef": {"FullName": "Zeta"}, "RefNumber": "9", "LinkToTxnID": order["TxnID"]}
    add(w.company, "Invoice", link)
    report = w.sync()
    assert report.error_count == 0
    [sales_order] = w.app.sales_orders.find("SO-9")
    [invoice] = w.app.invoices.find("9")
    assert invoice["sales_order"] == sales_order.id
    assert invoice["lines"][0]["quantity"] == sales_order["lines"][0]["quantity"]


def test_generated_app_invoices_half_its_sales_orders():
    """The rehearsal generator makes sales orders; half are invoiced, each by one invoice
    naming it, for its customer, with its lines."""
    w = World()
    made = generate_app(w.store, 500, seed=2)
    orders = [w.app.sales_orders.get(i) for i in made.ids["sales_order"]]
    invoiced = [o for o in orders if o.status == "invoiced"]
    assert len(invoiced) == len(orders) // 2 > 0
    linked = [w.app.invoices.get(i) for i in made.ids["invoice"]]
    linked = [i for i in linked if i.get("sales_order")]
    assert sorted(i["sales_order"] for i in linked) == sorted(o.id for o in invoiced)
    order = w.app.sales_orders.get(linked[0]["sales_order"])
    assert (linked[0]["customer"], linked[0]["lines"]) == (order["customer"], order["lines"])
