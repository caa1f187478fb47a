"""Transactions: Invoice, Bill, ReceivePayment, SalesReceipt, CreditMemo, PurchaseOrder,
TimeTracking, JournalEntry, ItemReceipt, the bill payments and InventoryAdjustment — Add, Mod
(where the schema has one) and Query — plus TxnDel, TxnVoid and TxnDeletedQuery.

An Add resolves references (3140 in QuickBooks' words, "... in the Invoice[ line]."), stamps
TxnID/TimeCreated/EditSequence, a company-wide TxnNumber, TxnDate (today by the company clock)
and a RefNumber where QuickBooks numbers the type, computes lines and totals, and moves
balances and stock (``txn_money``, ``txn_stock``). A Mod checks TxnID (3120) and
EditSequence (3200), applies body changes (an empty value clears) and line semantics
(``txn_lines``), then reverses the old moves and applies the new. The model knows no XML:
plain dicts in, ``Outcome`` out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from qbschema import Node, schema
from qbsim import status
from qbsim.errors import Outcome
from qbsim.model import refs, txn_orders, txn_request
from qbsim.model.base import CompanyState, Record, plain_copy
from qbsim.model.retdata import child_node, merge, shape
from qbsim.model.txn_billpay import check_bill_paid
from qbsim.model.txn_dates import checked_date
from qbsim.model.txn_del import txn_del, txn_deleted_query, txn_void
from qbsim.model.txn_forms import check_applied, fill_in_note, prepare
from qbsim.model.txn_kinds import KINDS, TxnKind, clean, refuse_unsimulated, txn_node
from qbsim.model.txn_lines import assign_line_ids, build_lines, mod_lines
from qbsim.model.txn_money import default_account, post_txn, set_totals
from qbsim.model.txn_payments import applied_total, linked_records, refresh
from qbsim.model.txn_query import txn_query, view
from qbsim.model.txn_stock import coverage_note

_IDENTITY = frozenset({"TxnID", "TimeCreated", "TimeModified", "EditSequence", "TxnNumber"})
# Fields a Mod cannot clear: QuickBooks needs them on every transaction of the type.
_REQUIRED = ("TxnDate", "CustomerRef", "VendorRef", "EntityRef", "Duration")


# -- Add --------------------------------------------------------------------------------
def txn_add(state: CompanyState, kind_name: str, body: dict[str, Any]) -> Outcome:
    """``{kind}AddRq``: save a new transaction; 3140 bad reference, 3020 bad date."""
    kind = KINDS[kind_name]
    data = _request_data(state, kind, body, "Add")
    ret = shape(data, txn_node(kind_name))
    if not _IDENTITY.isdisjoint(ret):
        ret = {k: v for k, v in ret.items() if k not in _IDENTITY}
    ret["TxnDate"] = ret.get("TxnDate") or state.now().date().isoformat()
    ret.update(build_lines(state, kind, data))
    warning = txn_orders.link_orders(state, kind, ret, data) if kind_name == "Invoice" else None
    prepare(state, kind, ret, data, None)
    set_totals(kind, ret, state)
    if kind.posting and not ret.get(kind.posting):
        ret[kind.posting] = default_account(state, kind.posting)
    _number(state, kind, ret)
    record = state.insert(kind_name, ret, "TxnID")
    assign_line_ids(state, kind, record.ret, record.created)
    post_txn(state, kind, record.ret)
    _refresh_all(state, record, record.ret.get("AppliedToTxnRet", []))
    answer = [(f"{kind_name}Ret", _answer_view(state, record, body, orders=False))]
    if warning is not None:
        return Outcome(answer, warning.code, warning.message, warning.severity)
    return Outcome(answer)


def _request_data(
    state: CompanyState, kind: TxnKind, body: dict[str, Any], verb: str
) -> dict[str, Any]:
    """The request aggregate, checked: unsimulated parts, dates (3020), references (3140).

    The common request is read in one pass (``txn_request``); anything unusual in three.
    """
    request, aggregate = f"{kind.name}{verb}Rq", f"{kind.name}{verb}"
    raw = body[aggregate]
    refuse_unsimulated(request, kind, raw)
    node = _request_node(request, aggregate)
    data = txn_request.read(state, raw, node, kind.name)
    if data is None:
        data = clean(raw)
        _check_dates(data, node)
        refs.resolve_refs(state, data, kind.name)
    return data


@cache
def _request_node(request: str, aggregate: str) -> Node:
    return child_node(schema().request_node(request), aggregate)


def _check_dates(data: dict[str, Any], node: Node) -> None:
    """3020 for any DATETYPE value that is no calendar date; normalises the rest."""
    dated = _dated_children(node.id)
    for key, value in data.items():
        if key not in dated:
            continue
        sub = child_node(node, key)
        if isinstance(value, str) and (sub.simple or {}).get("k") == "DATETYPE" and value:
            data[key] = checked_date(value, key)
        elif isinstance(value, dict):
            _check_dates(value, sub)
        elif isinstance(value, list):
            for one in value:
                if isinstance(one, dict):
                    _check_dates(one, sub)


@cache
def _dated_children(node_id: str) -> frozenset[str]:
    """The children of a node that are dates or hold dates (the only ones to look at)."""
    node = schema().node(node_id)
    return frozenset(name for name, (sub, _) in node.kids.items() if _holds_dates(sub.id))


@cache
def _holds_dates(node_id: str) -> bool:
    node = schema().node(node_id)
    if node.content is None:
        return (node.simple or {}).get("k") == "DATETYPE"
    return bool(_dated_children(node_id))


def _number(state: CompanyState, kind: TxnKind, ret: dict[str, Any]) -> None:
    """TxnNumber from the company sequence; RefNumber where QuickBooks numbers the type.

    QuickBooks proposes the number after the last one used, so a given numeric RefNumber
    moves the sequence on.
    """
    ret["TxnNumber"] = str(state.next_txn_number)
    state.next_txn_number += 1
    if not kind.auto_ref:
        return
    given = ret.get("RefNumber")
    if given is None:
        given = ret["RefNumber"] = str(state.next_ref_number.get(kind.name, 1))
    if given.isdigit():
        state.next_ref_number[kind.name] = int(given) + 1


def _answer_view(
    state: CompanyState, record: Record, body: dict[str, Any], orders: bool = True
) -> dict[str, Any]:
    """The Ret an Add or Mod answers with. LinkedTxn (a walk of the customer's payments) is
    left out when ``IncludeRetElement`` leaves it out of the answer anyway; an Add's answer
    does not list its sales-order links (``orders`` False, see ``txn_orders``)."""
    include = body.get("IncludeRetElement")
    return view(state, record, linked=not include or "LinkedTxn" in include, orders=orders)


def _refresh_all(state: CompanyState, record: Record, entries: list) -> None:
    """Recompute open amounts of ``record`` and of the invoices/credits ``entries`` link;
    those change, so QuickBooks stamps them modified. Sales orders an invoice links, and a
    sales order itself, get their invoiced quantities anew."""
    refresh(state, record)
    for linked in linked_records(state, entries):
        refresh(state, linked)
        state.touch(linked)
    if record.kind == "Invoice" and txn_orders.ORDER_LINKS in record.ret:
        txn_orders.settle_links(record)
        for order in txn_orders.linked_orders(state, record):
            txn_orders.refresh_order(state, order)
    elif record.kind == "SalesOrder":
        txn_orders.refresh_order(state, record)


# -- Mod --------------------------------------------------------------------------------
def txn_mod(state: CompanyState, kind_name: str, body: dict[str, Any]) -> Outcome:
    """``{kind}ModRq``: change a transaction; 3120 unknown TxnID, 3200 stale EditSequence."""
    kind = KINDS[kind_name]
    raw = body[f"{kind_name}Mod"]
    record = state.find(kind_name, raw["TxnID"])
    if record is None:
        raise status.not_found(raw["TxnID"])
    if raw["EditSequence"] != record.ret["EditSequence"]:
        raise status.stale_edit_sequence(raw["EditSequence"])
    data = _request_data(state, kind, body, "Mod")
    for field in _REQUIRED:
        if data.get(field) == "":
            raise status.cannot_clear(field)
    new = _modified_ret(state, kind, record, data)
    old_entries = record.ret.get("AppliedToTxnRet", [])
    post_txn(state, kind, record.ret, -1)
    record.ret = new
    state.touch(record)
    assign_line_ids(state, kind, record.ret, record.modified)
    post_txn(state, kind, record.ret)
    _refresh_all(state, record, old_entries + new.get("AppliedToTxnRet", []))
    return Outcome([(f"{kind_name}Ret", _answer_view(state, record, body))])


def _modified_ret(
    state: CompanyState, kind: TxnKind, record: Record, data: dict[str, Any]
) -> dict[str, Any]:
    """The Ret as the Mod leaves it, fully checked; the stored record is not touched."""
    changes = {k: v for k, v in data.items() if k not in _IDENTITY}
    new = merge(plain_copy(record.ret), changes, txn_node(kind.name))
    for tag, lines in mod_lines(state, kind, record.ret, data).items():
        new.pop(tag, None)
        if lines:
            new[tag] = lines
    prepare(state, kind, new, data, record)
    set_totals(kind, new, state)
    if kind.name in ("Invoice", "CreditMemo"):
        check_applied(kind, new, record, applied_total(record))
    elif kind.name == "Bill":
        check_bill_paid(state, new, record)
    return new


# -- the handler table ------------------------------------------------------------------
def coverage_notes() -> dict[str, str]:
    """One line per request type for ``qbsim/COVERAGE.md``."""
    notes = {
        "TxnDelRq": "reverses balances; 3170 for an invoice/credit memo a payment applies or "
        "a sales order an invoice was made from; an invoice's sales orders reopen",
        "TxnVoidRq": 'zeroes amounts, memo "VOID: …", reverses balances, unapplies payments',
        "TxnDeletedQueryRq": "TxnDelType list, DeletedDateRangeFilter",
    }
    for name, kind in KINDS.items():
        extra = [note for note in (coverage_note(name), fill_in_note(name)) if note]
        notes[f"{name}AddRq"] = "; ".join(["3140 bad reference, 3020 bad date", kind.note, *extra])
        notes[f"{name}ModRq"] = (
            "3120 unknown TxnID, 3200 stale EditSequence; lines by TxnLineID (-1 adds, left "
            "out deletes)"
        )
        notes[f"{name}QueryRq"] = (
            "TxnID/RefNumber lists (500 for missing) or filters; lines only with IncludeLineItems"
        )
    notes["TimeTrackingModRq"] = "3120 unknown TxnID, 3200 stale EditSequence"
    notes["BillPaymentCheckModRq"] = (
        "3120 unknown TxnID, 3200 stale EditSequence; AppliedToTxnMod re-applies (3210)"
    )
    notes["TimeTrackingQueryRq"] = "TxnID list (500 for missing) or filters"
    return notes


def _on_state(operation: Callable[..., Outcome], *args: Any):
    def handler(company, body: dict, attrs: dict) -> Outcome:
        del attrs  # iterator/metaData attributes are the wire layer's business
        return operation(company.state, *args, body)

    return handler


def register_all(register) -> None:
    """Add this module's request types to the handler table."""
    for name in KINDS:
        register(f"{name}AddRq", _on_state(txn_add, name))
        if f"{name}ModRq" in schema().messages:  # none for BillPaymentCreditCard
            register(f"{name}ModRq", _on_state(txn_mod, name))
        register(f"{name}QueryRq", _on_state(txn_query, name))
    register("TxnDelRq", _on_state(txn_del))
    register("TxnVoidRq", _on_state(txn_void))
    register("TxnDeletedQueryRq", _on_state(txn_deleted_query))
