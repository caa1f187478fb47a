"""Sales orders and the invoices made from them (``InvoiceAdd`` with ``LinkToTxnID``).

Evidence: QBXML-NOTES.md §16-17 (Intuit's API-salesorderadd/-invoiceadd pages, the LETSYNC copy
of the OSR field texts, CDR), the real SalesOrderRet captures (flowlink_raw_mixed.inner.xml,
mozu_SalesOrderModRs_tax_8.25pct.xml) and Intuit's status-code table (570).

- ``LinkToTxnID`` in an InvoiceAdd brings every open line of the customer's sales order into the
  invoice (ItemRef, Desc, the quantity still to invoice, Rate, ClassRef, SalesTaxCodeRef), ahead
  of the request's own lines (order inferred). Only sales orders link: the SDK cannot link an
  invoice to an estimate [official API-invoiceadd], so an estimate's TxnID, an unknown TxnID or
  another customer's order is 3120 (code inferred, as for a payment's unknown invoice).
- An order that is closed (IsManuallyClosed) or fully invoiced is skipped with warning 570 in
  Intuit's words when the invoice has other lines; with nothing else to save it is refused
  (3180, code inferred: QuickBooks refuses an empty transaction).
- Each order line's ``Invoiced`` is the quantity its linked invoice lines carry (so a Mod, void
  or delete of the invoice moves it back); a line without a Quantity counts as invoiced once
  linked (inferred). ``IsFullyInvoiced`` turns true once every line is invoiced in full or
  manually closed. The order is not stamped modified by the link (inferred, as applying a
  payment leaves an invoice's EditSequence alone in the CBINV capture).
- The invoice keeps which of its lines came from which order line under ``ORDER_LINKS`` (qbsim's
  own bookkeeping, never shown); queries with ``IncludeLinkedTxns`` show ``LinkedTxn`` on both
  sides, LinkType QUANTYPE, Amount the linked lines' total (sign inferred). The Add answer
  does not list the link [CDR].
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qbsim import status
from qbsim.errors import StatusError
from qbsim.model.base import CompanyState, Record, linked_txn, money, owner, to_decimal
from qbsim.model.txn_kinds import TxnKind
from qbsim.model.txn_lines import cents, new_line

ORDER_LINKS = "_SalesOrderLinks"  # on an invoice: [[order TxnID, order line, invoice line], ...]
_COPIED = ("ItemRef", "Desc", "ClassRef", "SalesTaxCodeRef")
_TRUE = ("true", "1")


# -- linking an invoice -------------------------------------------------------------------
def link_orders(
    state: CompanyState, kind: TxnKind, ret: dict[str, Any], data: dict[str, Any]
) -> StatusError | None:
    """Bring the open lines of each ``LinkToTxnID`` order into the invoice ``ret``; the 570
    warning when an order had nothing open, ``None`` when all went in."""
    wanted = data.get("LinkToTxnID")
    if not wanted:
        return None
    ids = [wanted] if isinstance(wanted, str) else list(wanted)
    lines = kind.lines[0]
    brought: list[dict[str, Any]] = []
    links: list[list[Any]] = []
    warning = None
    for txn_id in ids:
        order = _customer_order(state, txn_id, owner(ret))
        opened = _open_lines(state, order)
        if not opened:
            warning = warning or status.cannot_link_closed(txn_id)
        for line in opened:
            links.append([order.id, line["TxnLineID"], len(brought)])
            brought.append(new_line(state, kind, lines, _invoice_line(line)))
    if not brought and not ret.get(lines.ret):
        assert warning is not None
        raise status.txn_not_saved("Invoice", warning.message)
    if links:
        ret[lines.ret] = brought + ret.get(lines.ret, [])
        ret[ORDER_LINKS] = links
    return warning


def _customer_order(state: CompanyState, txn_id: str, customer_id: str | None) -> Record:
    order = state.find("SalesOrder", txn_id)
    if order is None or owner(order.ret) != customer_id:
        raise status.not_found(txn_id)
    return order


def _open_lines(state: CompanyState, order: Record) -> list[dict[str, Any]]:
    if order.ret.get("IsManuallyClosed") in _TRUE:
        return []
    linked = _invoiced_lines(state, order)
    lines = order.ret.get("SalesOrderLineRet", [])
    return [line for line in lines if not _line_done(line, line["TxnLineID"] in linked)]


def _line_done(line: dict[str, Any], linked: bool) -> bool:
    """Invoiced in full (a line without a Quantity: once linked at all) or closed by hand."""
    if line.get("IsManuallyClosed") in _TRUE:
        return True
    if "Quantity" not in line:
        return linked
    return to_decimal(line.get("Invoiced")) >= to_decimal(line["Quantity"])


def _invoice_line(line: dict[str, Any]) -> dict[str, Any]:
    """An InvoiceLineAdd-like dict for what is left of one order line."""
    data = {key: line[key] for key in _COPIED if key in line}
    if "Quantity" not in line:
        data["Amount"] = line.get("Amount", "0.00")
        return data
    left = to_decimal(line["Quantity"]) - to_decimal(line.get("Invoiced"))
    data["Quantity"] = f"{left.normalize():f}"
    if "Rate" in line:
        data["Rate"] = line["Rate"]
    else:
        share = left / to_decimal(line["Quantity"])
        data["Amount"] = money(cents(to_decimal(line.get("Amount")) * share))
    return data


def settle_links(record: Record) -> None:
    """After the invoice's lines have TxnLineIDs: name them in ``ORDER_LINKS``."""
    lines = record.ret.get("InvoiceLineRet", [])
    for link in record.ret.get(ORDER_LINKS, []):
        if isinstance(link[2], int):
            link[2] = lines[link[2]]["TxnLineID"]


def linked_orders(state: CompanyState, invoice: Record | dict[str, Any]) -> list[Record]:
    """The sales orders an invoice (a Record or a Ret) was made from."""
    ret = invoice.ret if isinstance(invoice, Record) else invoice
    ids = dict.fromkeys(link[0] for link in ret.get(ORDER_LINKS, []))
    found = (state.find("SalesOrder", txn_id) for txn_id in ids)
    return [order for order in found if order is not None]


# -- what the order shows -------------------------------------------------------------------
def _invoices_of(state: CompanyState, order: Record) -> list[Record]:
    customer_id = owner(order.ret)
    if customer_id is None:
        return []
    return [
        invoice
        for invoice in state.owned_by("Invoice", customer_id)
        if any(link[0] == order.id for link in invoice.ret.get(ORDER_LINKS, []))
    ]


def _invoiced_lines(state: CompanyState, order: Record) -> dict[str, Decimal]:
    """Order line TxnLineID -> the quantity its linked invoice lines (still there) carry."""
    invoiced: dict[str, Decimal] = {}
    for invoice in _invoices_of(state, order):
        quantities = _line_quantities(invoice)
        for txn_id, order_line, invoice_line in invoice.ret.get(ORDER_LINKS, []):
            if txn_id == order.id and invoice_line in quantities:
                total = invoiced.get(order_line, Decimal(0)) + quantities[invoice_line]
                invoiced[order_line] = total
    return invoiced


def refresh_order(state: CompanyState, order: Record) -> None:
    """Recompute each line's ``Invoiced`` and the order's ``IsFullyInvoiced``."""
    invoiced = _invoiced_lines(state, order)
    lines = order.ret.get("SalesOrderLineRet", [])
    for line in lines:
        line["Invoiced"] = f"{invoiced.get(line['TxnLineID'], Decimal(0)).normalize():f}"
        line.setdefault("IsManuallyClosed", "false")
    done = bool(lines) and all(_line_done(one, one["TxnLineID"] in invoiced) for one in lines)
    order.ret["IsFullyInvoiced"] = "true" if done else "false"
    state.mark(order)


def _line_quantities(invoice: Record) -> dict[str, Decimal]:
    return {
        line["TxnLineID"]: to_decimal(line.get("Quantity"))
        for line in invoice.ret.get("InvoiceLineRet", [])
    }


def order_links(state: CompanyState, record: Record) -> list[dict[str, Any]]:
    """LinkedTxn entries for the order links of an invoice or a sales order."""
    if record.kind == "Invoice":
        orders = linked_orders(state, record)
        return [_link_to(order, _linked_amount(record, order.id)) for order in orders]
    invoices = _invoices_of(state, record)
    return [_link_to(invoice, _linked_amount(invoice, record.id)) for invoice in invoices]


def _linked_amount(invoice: Record, order_id: str) -> Decimal:
    mine = {link[2] for link in invoice.ret.get(ORDER_LINKS, []) if link[0] == order_id}
    lines = invoice.ret.get("InvoiceLineRet", [])
    amounts = (to_decimal(line.get("Amount")) for line in lines if line["TxnLineID"] in mine)
    return sum(amounts, Decimal(0))


def _link_to(record: Record, amount: Decimal) -> dict[str, Any]:
    return linked_txn(record, amount, "QUANTYPE")


def is_invoiced(state: CompanyState, order: Record) -> bool:
    """Whether any invoice was made from this sales order."""
    return bool(_invoices_of(state, order))
