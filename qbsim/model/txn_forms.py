"""What each transaction type adds to its Ret before it is saved (Add and Mod alike).

Sales forms and bills take the customer's (vendor's) addresses and terms; payments apply to
invoices; time entries get a normalised Duration; a journal entry must balance. Each
``prepare_*`` gets the new Ret, the request data and, for a Mod, the stored record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

from qbsim import hresults, status
from qbsim.errors import QBXMLRPError
from qbsim.model import refs
from qbsim.model.base import CompanyState, Record, money, to_decimal
from qbsim.model.retdata import add_address_blocks
from qbsim.model.txn_adjust import adjustment_lines
from qbsim.model.txn_billpay import prepare_payment
from qbsim.model.txn_kinds import TxnKind, txn_node
from qbsim.model.txn_lines import line_total
from qbsim.model.txn_money import fill_terms, txn_total, undeposited_funds
from qbsim.model.txn_payments import auto_apply, build_entries
from qbsim.model.txn_tax import SALES_FORMS, prepare_sales

Prepare = Callable[[CompanyState, TxnKind, dict, dict, "Record | None"], None]

_ADDRESSES = {"CustomerRef": ("BillAddress", "ShipAddress"), "VendorRef": ("VendorAddress",)}
_DURATION = re.compile(r"([+-]?)PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?")


def entity_of(state: CompanyState, kind: TxnKind, ret: dict) -> Record | None:
    """The customer, vendor or name a transaction is for (None when it has none)."""
    if not kind.entity:
        return None
    ref = ret.get(kind.entity)
    if not ref or not ref.get("ListID"):
        return None
    return state.find_any(refs.REF_KINDS[kind.entity][0], ref["ListID"])


def prepare(state: CompanyState, kind: TxnKind, ret: dict, data: dict, own: Record | None) -> None:
    """Fill and check what the transaction type derives (see the module docstring)."""
    entity = entity_of(state, kind, ret)
    if own is None:
        for flag in kind.flags:
            ret.setdefault(flag, "false")
        _copy_addresses(kind, ret, entity)
        fill_defaults(state, kind, ret)
    add_address_blocks(ret, txn_node(kind.name))
    if kind.due_from_terms and (own is None or {"TxnDate", "TermsRef"} & data.keys()):
        if own is not None and "DueDate" not in data:
            ret.pop("DueDate", None)
        fill_terms(state, ret, entity)
    _SPECIFIC.get(kind.name, _nothing)(state, kind, ret, data, own)


def _nothing(*_: Any) -> None:
    return None


def _copy_addresses(kind: TxnKind, ret: dict, entity: Record | None) -> None:
    if entity is None:
        return
    for field in _ADDRESSES.get(kind.entity or "", ()):
        source = entity.ret.get(field)
        if field not in ret and source and field in txn_node(kind.name).children:
            ret[field] = dict(source)


# -- what QuickBooks fills in on a new form --------------------------------------------------
# The form each type prints with when the request names none (QBXML-NOTES §19): "Intuit Service
# Invoice" (FL InvoiceAdd pair), "Custom Sales Receipt" (QBXG-SR pair), "Custom Purchase Order"
# (QBXG-PO), "Custom Sales Order" (FL, MOZU); the credit memo's and estimate's are inferred.
DEFAULT_TEMPLATES = {
    "Invoice": "Intuit Service Invoice",
    "SalesReceipt": "Custom Sales Receipt",
    "PurchaseOrder": "Custom Purchase Order",
    "CreditMemo": "Custom Credit Memo",
    "SalesOrder": "Custom Sales Order",
    "Estimate": "Custom Estimate",
}
# ShipDate = TxnDate when not given (observed on invoices, sales receipts and sales orders).
_SHIPPED = ("Invoice", "SalesReceipt", "SalesOrder")
# Without DepositToAccountRef the money goes to Undeposited Funds (FL-PAY, QBXG-SR pairs).
_DEPOSITED = ("ReceivePayment", "SalesReceipt")


@cache
def _template_ref(kind_name: str) -> dict[str, str]:
    """The reference to a type's default template (made once; callers copy it)."""
    template = {"FullName": DEFAULT_TEMPLATES[kind_name]}
    return refs.fixed_ref("TemplateRef", template, kind_name, False)


def fill_in_note(kind_name: str) -> str:
    """What ``fill_defaults`` fills in on this type, for ``qbsim/COVERAGE.md``."""
    found = []
    if kind_name in _SHIPPED:
        found.append("ShipDate = TxnDate")
    if kind_name in DEFAULT_TEMPLATES:
        found.append(f'TemplateRef "{DEFAULT_TEMPLATES[kind_name]}"')
    if kind_name in _DEPOSITED:
        found.append('DepositToAccountRef "Undeposited Funds"')
    return "fills in " + ", ".join(found) if found else ""


def fill_defaults(state: CompanyState, kind: TxnKind, ret: dict) -> None:
    """What QuickBooks fills in on a new transaction the request left it out of."""
    name = kind.name
    if name in _SHIPPED and "ShipDate" not in ret:
        ret["ShipDate"] = ret["TxnDate"]
    if name in DEFAULT_TEMPLATES and "TemplateRef" not in ret:
        ret["TemplateRef"] = dict(_template_ref(name))
    if name in _DEPOSITED and not ret.get("DepositToAccountRef"):
        ret["DepositToAccountRef"] = undeposited_funds(state)


# -- payments ---------------------------------------------------------------------------
def _payment(state: CompanyState, kind: TxnKind, ret: dict, data: dict, own: Record | None) -> None:
    customer_id = ret["CustomerRef"]["ListID"]
    if own is None:
        if "IsAutoApply" in data:
            auto = data["IsAutoApply"] in ("true", "1")
            entries = (
                auto_apply(state, customer_id, to_decimal(ret.get("TotalAmount"))) if auto else []
            )
        else:
            entries = build_entries(
                state, customer_id, data["AppliedToTxnAdd"], "AppliedToTxnAdd", None
            )
    elif "AppliedToTxnMod" in data:
        entries = build_entries(state, customer_id, data["AppliedToTxnMod"], "AppliedToTxnMod", own)
    else:
        entries = ret.get("AppliedToTxnRet", [])
        if entries and customer_id != own.ret["CustomerRef"]["ListID"]:
            raise _linked_customer(ret)
    applied = sum((to_decimal(e["Amount"]) for e in entries), Decimal(0))
    if "TotalAmount" not in ret:
        ret["TotalAmount"] = money(applied)
    if applied > to_decimal(ret["TotalAmount"]):
        # Inferred wording: QuickBooks refuses applying more than the payment brings.
        raise status.invalid_value(
            "TotalAmount", ret["TotalAmount"], "The amount applied exceeds the payment amount."
        )
    ret.pop("AppliedToTxnRet", None)
    if entries:
        ret["AppliedToTxnRet"] = entries


def _linked_customer(ret: dict) -> Exception:
    # Inferred: moving a transaction with payments or credits applied to another customer.
    return status.invalid_value(
        "CustomerRef",
        ret["CustomerRef"].get("FullName", ""),
        "The transaction has payments or credits applied to it.",
    )


def check_applied(kind: TxnKind, ret: dict, own: Record | None, applied: Decimal) -> None:
    """A Mod may not take an invoice's (credit memo's) total below what is applied to it,
    nor move it to another customer while anything is applied (inferred wording)."""
    if own is None or not applied:
        return
    if ret["CustomerRef"]["ListID"] != own.ret["CustomerRef"]["ListID"]:
        raise _linked_customer(ret)
    total = txn_total(kind.name, ret)
    if total < applied:
        raise status.invalid_value(
            "Amount", money(total), "The total is less than the payments and credits applied."
        )


# -- time and journal ----------------------------------------------------------------------
def _time(state: CompanyState, kind: TxnKind, ret: dict, data: dict, own: Record | None) -> None:
    entity = entity_of(state, kind, ret)
    if entity is not None and entity.kind == "Customer":
        raise status.bad_reference("Entity", ret["EntityRef"]["FullName"], kind.name)
    ret["Duration"] = duration(ret["Duration"])
    if own is None and "BillableStatus" not in ret:
        # Inferred default: time for a customer is billable, other time is not.
        ret["BillableStatus"] = "Billable" if ret.get("CustomerRef") else "NotBillable"


def duration(text: str) -> str:
    """A TIMEINTERVALTYPE value normalised as QuickBooks returns it (``PT2H30M0S``).

    A value outside Intuit's pattern is refused as the request processor refuses a
    schema-invalid document (the compiled schema does not carry that pattern).
    """
    found = _DURATION.fullmatch(text.strip())
    if found is None or not any(found.groups()[1:]):
        raise QBXMLRPError(hresults.PARSE_ERROR, f"Duration {text!r} is not a TIMEINTERVALTYPE")
    hours, minutes, seconds = (int(part or 0) for part in found.groups()[1:])
    minutes, seconds = minutes + seconds // 60, seconds % 60
    hours, minutes = hours + minutes // 60, minutes % 60
    return f"{found.group(1)}PT{hours}H{minutes}M{seconds}S"


def _journal(state: CompanyState, kind: TxnKind, ret: dict, data: dict, own: Record | None) -> None:
    debits = line_total(kind, ret, ("JournalDebitLine",))
    credits = line_total(kind, ret, ("JournalCreditLine",))
    if debits != credits:
        # Inferred code; QuickBooks' own text for this is "Transaction not in balance".
        raise status.txn_not_saved(kind.name, "Transaction not in balance.")


def _bill_payment(
    state: CompanyState, kind: TxnKind, ret: dict, data: dict, own: Record | None
) -> None:
    prepare_payment(state, ret, data, own)


def _adjustment(
    state: CompanyState, kind: TxnKind, ret: dict, data: dict, own: Record | None
) -> None:
    ret["InventoryAdjustmentLineRet"] = adjustment_lines(state, data)


def _estimate(
    state: CompanyState, kind: TxnKind, ret: dict, data: dict, own: Record | None
) -> None:
    prepare_sales(state, kind, ret, data, own)
    if own is None:
        ret.setdefault("IsActive", "true")  # EstimateRet IsActive [observed ARTCO]


_SPECIFIC: dict[str, Prepare] = {
    "ReceivePayment": _payment,
    "BillPaymentCheck": _bill_payment,
    "BillPaymentCreditCard": _bill_payment,
    "InventoryAdjustment": _adjustment,
    "TimeTracking": _time,
    "JournalEntry": _journal,
    **{name: prepare_sales for name in SALES_FORMS},
    "Estimate": _estimate,  # a sales form that is also active or not
}
