"""Transaction queries (InvoiceQuery, BillQuery, …) and the Ret a query hands back.

A query answers by TxnID list, RefNumber list (case-insensitive) or RefNumberCaseSensitive
list — missing ones make a 500 warning naming the first — or by filters, all matches ordered
by TxnDate then TxnNumber (the wire layer pages them). Lines come back only with
``IncludeLineItems`` true (for payments: the AppliedToTxnRet entries), LinkedTxn only with
``IncludeLinkedTxns`` true, as QuickBooks does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from qbsim import status
from qbsim.errors import NotImplementedInQbsim, Outcome
from qbsim.model import refs
from qbsim.model.base import CompanyState, Record, in_range, parse_moment, parse_qb_date
from qbsim.model.txn_dates import checked_date, macro_range
from qbsim.model.txn_kinds import KINDS, TxnKind, txn_node
from qbsim.model.txn_orders import ORDER_LINKS, order_links
from qbsim.model.txn_payments import linked_txns

_ACCOUNT_KEYS = ("ARAccountRef", "APAccountRef", "DepositToAccountRef")
_ORDER_SIDES = ("Invoice", "SalesOrder")


def view(
    state: CompanyState,
    record: Record,
    lines: bool = True,
    linked: bool = True,
    orders: bool = True,
) -> dict[str, Any]:
    """The Ret of a stored transaction, with or without its lines and LinkedTxn (the stored
    data itself when it is shown whole: read-only, as ``Outcome`` says); ``orders`` False
    leaves the sales-order links out of LinkedTxn (an Add's answer)."""
    ret = record.ret
    if ORDER_LINKS in ret:
        ret = {k: v for k, v in ret.items() if k != ORDER_LINKS}
    if not lines:
        dropped = KINDS[record.kind].line_tags
        if any(tag in ret for tag in dropped):
            ret = dict(ret)
            for tag in dropped:
                ret.pop(tag, None)
    if linked and "LinkedTxn" in txn_node(record.kind).children:
        found = linked_txns(state, record)
        if orders and record.kind in _ORDER_SIDES:
            found = order_links(state, record) + found
        if found:
            ret = {**ret, "LinkedTxn": found}
    return ret


def txn_query(state: CompanyState, kind_name: str, body: dict[str, Any]) -> Outcome:
    """``{kind}QueryRq``: every match in order; 1 for none (wire), 500 for missing keys."""
    kind = KINDS[kind_name]
    for unsimulated in ("CurrencyFilter", "ItemFilter"):
        if unsimulated in body:
            raise NotImplementedInQbsim(f"{kind_name}QueryRq with {unsimulated}")
    missing: list[str] = []
    if "TxnID" in body:
        found = _by_id(state, kind_name, body["TxnID"], missing)
    elif "RefNumber" in body or "RefNumberCaseSensitive" in body:
        found = _by_ref(state, kind_name, body, missing)
    else:
        found = sorted(
            (r for r in state.all((kind_name,)) if _passes(state, kind, r, body)), key=_order
        )
    lines = body.get("IncludeLineItems") in ("true", "1")
    linked = body.get("IncludeLinkedTxns") in ("true", "1")
    matches = [(f"{kind_name}Ret", r) for r in found]

    def shown(record: Record) -> dict[str, Any]:  # iterator pages keep the same shape
        return view(state, record, lines, linked)

    if missing:
        warning = status.partial(missing[0])
        return Outcome(
            [], warning.code, warning.message, warning.severity, view=shown, matches=matches
        )
    return Outcome(view=shown, matches=matches)


def _order(record: Record) -> tuple[str, int]:
    return record.ret.get("TxnDate", ""), int(record.ret.get("TxnNumber", "0"))


def _by_id(state: CompanyState, kind: str, ids: list[str], missing: list[str]) -> list[Record]:
    found = []
    for txn_id in ids:
        record = state.find(kind, txn_id)
        (found.append(record) if record is not None else missing.append(txn_id))
    return found


def _by_ref(state: CompanyState, kind: str, body: dict, missing: list[str]) -> list[Record]:
    exact = "RefNumberCaseSensitive" in body
    wanted = body.get("RefNumberCaseSensitive") or body.get("RefNumber") or ()
    records = sorted(state.all((kind,)), key=_order)
    found: list[Record] = []
    for ref in wanted:
        hits = [r for r in records if _same_ref(r.ret.get("RefNumber"), ref, exact)]
        (found.extend(hits) if hits else missing.append(ref))
    return found


def _same_ref(have: str | None, want: str, exact: bool) -> bool:
    if have is None:
        return False
    return have == want if exact else have.casefold() == want.casefold()


# -- filters ----------------------------------------------------------------------------
def _passes(state: CompanyState, kind: TxnKind, record: Record, body: dict) -> bool:
    ret = record.ret
    modified = body.get("ModifiedDateRangeFilter")
    if modified:
        _check_order(modified, "ModifiedDate", state)
        if not in_range(record.modified, modified, "ModifiedDate", state.tz):
            return False
    dates = body.get("TxnDateRangeFilter")
    if dates and not _in_dates(parse_qb_date(ret["TxnDate"]), dates, state):
        return False
    entities = body.get("EntityFilter") or body.get("TimeTrackingEntityFilter")
    if entities and not _any_named(state, _entity_refs(kind, ret), entities):
        return False
    accounts = body.get("AccountFilter")
    if accounts and not _any_named(state, _account_refs(kind, ret), accounts):
        return False
    return _ref_filters(ret.get("RefNumber"), body) and _paid(ret, body.get("PaidStatus"))


def _check_order(bounds: dict, word: str, state: CompanyState) -> None:
    low, high = bounds.get(f"From{word}"), bounds.get(f"To{word}")
    if low and high and parse_moment(low, state.tz, False) > parse_moment(high, state.tz, True):
        raise status.bad_date_range()


def _in_dates(day: date, dates: dict, state: CompanyState) -> bool:
    if "DateMacro" in dates:
        low, high = macro_range(dates["DateMacro"], state.now().date())
    else:
        low, high = (
            parse_qb_date(checked_date(dates[key], key)) if dates.get(key) else None
            for key in ("FromTxnDate", "ToTxnDate")
        )
        if low and high and low > high:
            raise status.bad_date_range()
    return (low is None or day >= low) and (high is None or day <= high)


def _entity_refs(kind: TxnKind, ret: dict) -> list[dict]:
    if kind.entity:
        return [ret[kind.entity]] if ret.get(kind.entity) else []
    return [line["EntityRef"] for line in _all_lines(kind, ret) if line.get("EntityRef")]


def _account_refs(kind: TxnKind, ret: dict) -> list[dict]:
    found = [ret[key] for key in _ACCOUNT_KEYS if ret.get(key)]
    return found + [line["AccountRef"] for line in _all_lines(kind, ret) if line.get("AccountRef")]


def _all_lines(kind: TxnKind, ret: dict) -> list[dict]:
    return [line for tag in kind.line_tags for line in ret.get(tag, [])]


def _any_named(state: CompanyState, found: list[dict], wanted: dict) -> bool:
    """EntityFilter/AccountFilter: ListID or FullName lists, or one of either with children."""
    ids = {ref.get("ListID") for ref in found}
    names = [str(ref.get("FullName", "")).casefold() for ref in found]
    if "ListID" in wanted:
        return bool(ids & set(wanted["ListID"]))
    if "FullName" in wanted:
        return bool(set(names) & {n.casefold() for n in wanted["FullName"]})
    if "ListIDWithChildren" in wanted:
        top = _full_name_of(state, wanted["ListIDWithChildren"])
    else:
        top = wanted.get("FullNameWithChildren", "")
    top = top.casefold() if top else None
    return top is not None and any(n == top or n.startswith(top + ":") for n in names)


def _full_name_of(state: CompanyState, list_id: str) -> str | None:
    for kinds, _ in refs.REF_KINDS.values():
        record = state.find_any(kinds, list_id)
        if record is not None:
            return refs.display_name(record)
    return None


def _ref_filters(ref_number: str | None, body: dict) -> bool:
    match = body.get("RefNumberFilter")
    if match:
        have, want = (ref_number or "").casefold(), match["RefNumber"].casefold()
        test = {"StartsWith": have.startswith, "EndsWith": have.endswith}
        found = (
            test[match["MatchCriterion"]](want) if match["MatchCriterion"] in test else want in have
        )
        return ref_number is not None and found
    span = body.get("RefNumberRangeFilter")
    if span:
        if ref_number is None:
            return False
        low, high = span.get("FromRefNumber"), span.get("ToRefNumber")
        return (low is None or _ref_key(ref_number, low) >= _ref_key(low, ref_number)) and (
            high is None or _ref_key(ref_number, high) <= _ref_key(high, ref_number)
        )
    return True


def _ref_key(value: str, other: str) -> tuple[int, Any]:
    """Compare numbers as numbers when both sides are digits, else as text (case-insensitive)."""
    if value.isdigit() and other.isdigit():
        return 0, int(value)
    return 1, value.casefold()


def _paid(ret: dict, wanted: str | None) -> bool:
    if wanted in (None, "All"):
        return True
    return (ret.get("IsPaid") == "true") == (wanted == "PaidOnly")
