"""TxnDel, TxnVoid and TxnDeletedQuery for the simulated transaction types.

- TxnDel removes the transaction, reverses its balance moves and records it in the deleted
  history. An invoice or credit memo that a payment applies is refused (3170, inferred: the
  SDK only says deleting a transaction in use fails).
- TxnVoid keeps the transaction with its amounts (and quantities) zeroed and "VOID: " before
  its memo, as QuickBooks shows a void; its moves are reversed, and payments applied to a
  voided invoice (or credit) become unapplied again.
- A sales order an invoice was made from is refused (3170, inferred likewise); deleting or
  voiding the invoice gives the order's lines their quantities back (``txn_orders``).
- TxnDeletedQuery lists deletions of the given types, optionally within DeletedDateRangeFilter,
  from the last 90 days (QuickBooks keeps about three months of deletions).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from qbsim import status
from qbsim.errors import Outcome
from qbsim.model.base import CompanyState, Record, in_range, qb_datetime
from qbsim.model.txn_billpay import bills_of, paid_to
from qbsim.model.txn_kinds import KINDS, TxnKind
from qbsim.model.txn_money import BILL_PAYMENTS, post_txn, set_totals
from qbsim.model.txn_orders import is_invoiced, linked_orders, refresh_order
from qbsim.model.txn_payments import is_linked, linked_records, refresh, unlink
from qbsim.model.txn_tax import zero_groups

VOID_PREFIX = "VOID:"
DELETED_HISTORY = timedelta(days=90)
_MEMO_LIMIT = 4095
_APPLIED_TO = ("Invoice", "CreditMemo")
# Line fields a void zeroes, where the line has them (an adjustment line has no Amount).
_VOIDED = (
    ("Amount", "0.00"),
    ("Quantity", "0"),
    ("QuantityDifference", "0"),
    ("ValueDifference", "0.00"),
)


def _find(state: CompanyState, txn_type: str, txn_id: str) -> Record:
    record = state.find(txn_type, txn_id) if txn_type in KINDS else None
    if record is None:
        raise status.not_found(txn_id)
    return record


def _ref_number(record: Record) -> list[tuple[str, Any]]:
    ref = record.ret.get("RefNumber")
    return [("RefNumber", ref)] if ref else []


# -- TxnDel -----------------------------------------------------------------------------
def txn_del(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``TxnDelRq``: delete a transaction; 3120 unknown, 3170 a payment is applied to it."""
    del_type, txn_id = body["TxnDelType"], body["TxnID"]
    record = _find(state, del_type, txn_id)
    _refuse_in_use(state, record)
    if del_type == "SalesOrder" and is_invoiced(state, record):
        # Inferred, as for an invoice a payment applies: QuickBooks keeps what links it.
        raise status.txn_in_use(del_type, txn_id, "An invoice was made from this sales order.")
    post_txn(state, KINDS[del_type], record.ret, -1)
    affected = linked_records(state, record.ret.get("AppliedToTxnRet", []))
    orders = linked_orders(state, record)
    entry = state.remove(record, del_type, record.ret.get("RefNumber", ""), is_list=False)
    for linked in affected:
        refresh(state, linked)
        state.touch(linked)
    for order in orders:
        refresh_order(state, order)
    deleted = qb_datetime(entry.deleted)
    return Outcome(
        [
            ("TxnDelType", del_type),
            ("TxnID", txn_id),
            ("TimeDeleted", deleted),
            *_ref_number(record),
        ]
    )


def _refuse_in_use(state: CompanyState, record: Record) -> None:
    """3170 for an invoice or credit memo a payment applies, or a bill a bill payment pays
    (inferred for voiding a paid bill: QuickBooks' window asks to unapply first)."""
    in_use = record.kind in _APPLIED_TO and is_linked(state, record)
    if in_use or (record.kind == "Bill" and paid_to(state, record)):
        raise status.txn_in_use(
            record.kind, record.id, "A payment or credit is applied to this transaction."
        )


# -- TxnVoid ----------------------------------------------------------------------------
def txn_void(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``TxnVoidRq``: zero a transaction but keep it; 3120 unknown."""
    void_type, txn_id = body["TxnVoidType"], body["TxnID"]
    record = _find(state, void_type, txn_id)
    kind = KINDS[void_type]
    if void_type == "Bill":
        _refuse_in_use(state, record)
    changed = unlink(state, record) if void_type in _APPLIED_TO else []
    if void_type in BILL_PAYMENTS:
        changed = bills_of(state, record.ret)
    post_txn(state, kind, record.ret, -1)
    zero(kind, record.ret, state)
    state.touch(record)
    refresh(state, record)
    for other in changed:
        refresh(state, other)
        state.touch(other)
    for order in linked_orders(state, record):
        refresh_order(state, order)  # the void's zero quantities invoice nothing
    return Outcome(
        [
            ("TxnVoidType", void_type),
            ("TxnID", txn_id),
            ("TimeCreated", record.ret["TimeCreated"]),
            ("TimeModified", record.ret["TimeModified"]),
            *_ref_number(record),
        ]
    )


def zero(kind: TxnKind, ret: dict[str, Any], state: CompanyState | None = None) -> None:
    """What a void leaves: every line at 0, totals recomputed, the memo marked."""
    for lines in kind.lines:
        for line in ret.get(lines.ret, []):
            for field, nothing in _VOIDED:
                if field in line:
                    line[field] = nothing
    if kind.name in BILL_PAYMENTS:  # a void unapplies it (inferred)
        ret["Amount"] = "0.00"
        ret.pop("AppliedToTxnRet", None)
    zero_groups(kind, ret)
    memo = ret.get("Memo", "")
    if not memo.startswith(VOID_PREFIX):
        ret["Memo"] = f"{VOID_PREFIX} {memo}"[:_MEMO_LIMIT] if memo else VOID_PREFIX
    set_totals(kind, ret, state)


# -- TxnDeletedQuery --------------------------------------------------------------------
def txn_deleted_query(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``TxnDeletedQueryRq``: deleted transactions of the given types, oldest deletion first."""
    types = set(body["TxnDelType"])
    bounds = body.get("DeletedDateRangeFilter") or {}
    cutoff = state.now() - DELETED_HISTORY
    children = []
    for entry in state.deleted:
        if entry.is_list or entry.del_type not in types or entry.deleted < cutoff:
            continue
        if not in_range(entry.deleted, bounds, "DeletedDate", state.tz):
            continue
        ret = {
            "TxnDelType": entry.del_type,
            "TxnID": entry.id,
            "TimeCreated": qb_datetime(entry.created),
            "TimeDeleted": qb_datetime(entry.deleted),
        }
        if entry.name:
            ret["RefNumber"] = entry.name
        children.append(("TxnDeletedRet", ret))
    return Outcome(children)
