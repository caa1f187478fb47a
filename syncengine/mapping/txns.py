"""Transactions (sales orders, invoices, bills, payments, credit memos, purchase orders, sales
receipts, time entries) to and from qbXML, described as data: which app field goes to which
element.

Invoices and sales receipts (``taxed``) also carry their sales tax item (by ListID), each
line's sales tax code (by FullName) and group lines (``InvoiceLineGroupAdd``: the group item and
its quantity; QuickBooks expands the members, which the app does not hold as lines).

A Mod sends every line again as a new line (``TxnLineID`` -1); QuickBooks drops the lines a
Mod leaves out, so the transaction ends up with exactly the app's lines. A payment is applied
to the invoices the app names (``AppliedToTxnAdd``) or, with none named, auto-applied.

An invoice made from a sales order (its ``sales_order``) is added with ``LinkToTxnID`` and no
lines of its own: QuickBooks brings the order's open lines, so its lines follow the order's
(a Mod leaves them alone too: a Mod's lines would replace the linked ones, and QuickBooks
cannot link again). The import reads the link back from the invoice's ``LinkedTxn``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from syncengine.mapping.values import (
    EntityOf,
    QbIdOf,
    copy_fields,
    duration_minutes,
    duration_text,
    ref_full_name,
    ref_id,
    ref_name,
    resolve,
)


@dataclass(frozen=True)
class TxnSpec:
    """How one transaction type maps: references by ListID (app field, element, entity type),
    references by FullName, plain fields, and the line element's stem and rate field."""

    entity_type: str
    refs: tuple[tuple[str, str, str], ...]
    names: tuple[tuple[str, str], ...] = ()
    plain: tuple[tuple[str, str], ...] = ()
    line: str | None = None
    rate: str = "Rate"
    taxed: bool = False  # a sales form: lines carry sales tax codes, group lines exist

    @property
    def fields(self) -> tuple[str, ...]:
        """The app fields this mapping keeps in step with QuickBooks."""
        lines = ("lines", "groups") if self.taxed else ("lines",) if self.line else ()
        groups = (self.refs, self.names, self.plain)
        return tuple(app for group in groups for app, *_ in group) + lines


_HEAD = (("ref_number", "RefNumber"), ("txn_date", "TxnDate"))
_MEMO = (("memo", "Memo"),)
_CUSTOMER = (("customer", "CustomerRef", "customer"),)
_TAXED = (*_CUSTOMER, ("sales_tax_item", "ItemSalesTaxRef", "item"))
_VENDOR = (("vendor", "VendorRef", "vendor"),)

SPECS: dict[str, TxnSpec] = {
    spec.entity_type: spec
    for spec in (
        TxnSpec(
            "sales_order",
            _CUSTOMER,
            (("terms", "TermsRef"),),
            (*_HEAD, ("due_date", "DueDate"), ("po_number", "PONumber"), *_MEMO),
            "SalesOrderLine",
        ),
        TxnSpec(
            "invoice",
            _TAXED,
            (("terms", "TermsRef"),),
            (*_HEAD, ("due_date", "DueDate"), ("po_number", "PONumber"), *_MEMO),
            "InvoiceLine",
            taxed=True,
        ),
        TxnSpec(
            "bill",
            _VENDOR,
            (("terms", "TermsRef"),),
            (*_HEAD, ("due_date", "DueDate"), *_MEMO),
            "ItemLine",
            rate="Cost",
        ),
        TxnSpec("credit_memo", _CUSTOMER, (), (*_HEAD, *_MEMO), "CreditMemoLine"),
        TxnSpec(
            "purchase_order",
            _VENDOR,
            (),
            (*_HEAD, ("expected_date", "ExpectedDate"), *_MEMO),
            "PurchaseOrderLine",
        ),
        TxnSpec(
            "sales_receipt",
            _TAXED,
            (("payment_method", "PaymentMethodRef"),),
            (*_HEAD, *_MEMO),
            "SalesReceiptLine",
            taxed=True,
        ),
        TxnSpec(
            "payment",
            _CUSTOMER,
            (("payment_method", "PaymentMethodRef"),),
            (*_HEAD, ("amount", "TotalAmount"), *_MEMO),
        ),
        TxnSpec(
            "time_entry",
            (
                ("employee", "EntityRef", "employee"),
                *_CUSTOMER,
                ("service_item", "ItemServiceRef", "item"),
            ),
            (),
            (("txn_date", "TxnDate"), ("notes", "Notes")),
        ),
    )
}
"""Each transaction type's mapping (its qbXML object is the registry's ``qb_type``), in the
order an import reads them (:data:`syncengine.mapping.IMPORT_ORDER`)."""

EXTRA_FIELDS = {
    "invoice": ("sales_order",),
    "payment": ("applied",),
    "time_entry": ("duration", "billable"),
}

LINKED_TXN_KINDS = frozenset({"Invoice"})
"""qbXML objects whose import reads ``LinkedTxn`` (an invoice's sales order)."""


def txn_to_qb(
    spec: TxnSpec, data: dict[str, Any], qb_id_of: QbIdOf, is_mod: bool
) -> dict[str, Any]:
    """The Add or Mod body of a transaction; references must already be in QuickBooks."""
    body = copy_fields(data, spec.plain)
    for app, element, _etype in spec.refs:
        if data.get(app):
            body[element] = ref_id(qb_id_of(data[app]))
    for app, element in spec.names:
        if data.get(app):
            body[element] = ref_name(data[app])
    order = data.get("sales_order") if spec.entity_type == "invoice" else None
    if order and not is_mod:
        body["LinkToTxnID"] = qb_id_of(order)
    if spec.line and not order:
        suffix = "Mod" if is_mod else "Add"
        lines = [_line_to(spec, line, qb_id_of, is_mod) for line in data.get("lines", [])]
        body[f"{spec.line}{suffix}"] = lines
    if spec.taxed and data.get("groups"):
        suffix = "Mod" if is_mod else "Add"
        groups = [_group_to(group, qb_id_of, is_mod) for group in data["groups"]]
        body[f"{spec.line}Group{suffix}"] = groups
    if spec.entity_type == "payment":
        body.update(_applied_to(data, qb_id_of, is_mod))
    elif spec.entity_type == "time_entry":
        body["Duration"] = duration_text(int(data["duration"]))
        body["BillableStatus"] = "Billable" if data.get("billable") else "NotBillable"
    return body


def _line_to(spec: TxnSpec, line: dict[str, Any], qb_id_of: QbIdOf, is_mod: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"TxnLineID": "-1"} if is_mod else {}
    if line.get("item"):
        out["ItemRef"] = ref_id(qb_id_of(line["item"]))
    out.update(copy_fields(line, (("description", "Desc"), ("quantity", "Quantity"))))
    if "rate" in line:
        out[spec.rate] = line["rate"]
    if "amount" in line and not ("quantity" in line and "rate" in line):
        out["Amount"] = line["amount"]
    if line.get("sales_tax_code"):
        out["SalesTaxCodeRef"] = ref_name(line["sales_tax_code"])
    return out


def _group_to(group: dict[str, Any], qb_id_of: QbIdOf, is_mod: bool) -> dict[str, Any]:
    """A group line: the group item (QuickBooks adds its members) and how many of it."""
    out: dict[str, Any] = {"TxnLineID": "-1"} if is_mod else {}
    out["ItemGroupRef"] = ref_id(qb_id_of(group["item"]))
    return out | copy_fields(group, (("quantity", "Quantity"),))


def _applied_to(data: dict[str, Any], qb_id_of: QbIdOf, is_mod: bool) -> dict[str, Any]:
    applied = [
        {"TxnID": qb_id_of(a["invoice"]), "PaymentAmount": a["amount"]}
        for a in data.get("applied", [])
    ]
    if applied:
        return {"AppliedToTxnMod" if is_mod else "AppliedToTxnAdd": applied}
    return {} if is_mod else {"IsAutoApply": True}


def txn_from_qb(spec: TxnSpec, ret: dict[str, Any], entity_of: EntityOf) -> dict[str, Any]:
    """App fields of a ``…Ret``; Unresolved when it names a record the app does not hold."""
    out = copy_fields(ret, spec.plain, reverse=True)
    for app, element, etype in spec.refs:
        if ret.get(element):
            out[app] = resolve(entity_of, etype, ret[element])
    for app, element in spec.names:
        name = ref_full_name(ret.get(element))
        if name:
            out[app] = name
    if spec.line:
        out["lines"] = _lines_from(spec, ret, entity_of)
    if spec.taxed:
        out["groups"] = [
            {
                "item": resolve(entity_of, "item", group["ItemGroupRef"]),
                **copy_fields(group, (("quantity", "Quantity"),), reverse=True),
            }
            for group in ret.get(f"{spec.line}GroupRet", [])
        ]
    if spec.entity_type == "payment":
        out["applied"] = _applied_from(ret, entity_of)
    elif spec.entity_type == "invoice":
        orders = sales_order_links(ret)
        if orders:
            out["sales_order"] = resolve(entity_of, "sales_order", orders[0])
    elif spec.entity_type == "time_entry":
        minutes = duration_minutes(ret["Duration"])
        out["duration"] = f"{minutes // 60}:{minutes % 60:02d}"
        out["billable"] = ret.get("BillableStatus") == "Billable"
    return out


def _lines_from(spec: TxnSpec, ret: dict[str, Any], entity_of: EntityOf) -> list[dict]:
    lines = []
    for line in ret.get(f"{spec.line}Ret", []):
        out = copy_fields(line, (("description", "Desc"), ("quantity", "Quantity")), reverse=True)
        if line.get("ItemRef"):
            out["item"] = resolve(entity_of, "item", line["ItemRef"])
        out.update(copy_fields(line, (("rate", spec.rate), ("amount", "Amount")), reverse=True))
        code = ref_full_name(line.get("SalesTaxCodeRef")) if spec.taxed else None
        if code:
            out["sales_tax_code"] = code
        lines.append(out)
    for line in ret.get("ExpenseLineRet", []):  # a bill's account lines: description + amount
        text = line.get("Memo") or ref_full_name(line.get("AccountRef")) or "expense"
        lines.append({"description": text, **copy_fields(line, (("amount", "Amount"),), True)})
    return lines


def _applied_from(ret: dict[str, Any], entity_of: EntityOf) -> list[dict[str, Any]]:
    return [
        {"invoice": resolve(entity_of, "invoice", a), "amount": a["Amount"]}
        for a in ret.get("AppliedToTxnRet", [])
        if a.get("TxnType", "Invoice") == "Invoice"
    ]


def sales_order_links(ret: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``LinkedTxn`` entries of an invoice that name the sales orders it was made from."""
    return [link for link in ret.get("LinkedTxn", []) if link.get("TxnType") == "SalesOrder"]
