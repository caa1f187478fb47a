"""List queries (``CustomerQueryRq``, ``ItemQueryRq``, ``TermsQueryRq``…) and their filters.

A query names records by ListID or FullName (every one found is returned whatever its
status; missing ones make the answer a 500 warning), or filters: ``ActiveStatus`` (default
ActiveOnly: a sync that wants inactive records must send All), modified dates (inclusive,
QuickBooks' date rules), ``NameFilter``/``NameRangeFilter`` on the FullName (case-insensitive),
``AccountType``, ``ClassFilter``, ``CurrencyFilter`` and ``TotalBalanceFilter``. Matches come
back ordered by FullName, compared as ``NameRangeFilter`` compares, so paging by name is safe.
``MaxReturned`` and iterators are applied by the wire layer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qbsim import status
from qbsim.errors import Outcome
from qbsim.model import refs
from qbsim.model.base import CompanyState, Record, in_range, to_decimal

HOME_CURRENCY = "US Dollar"
_COMPARE = {
    "LessThan": Decimal.__lt__,
    "LessThanEqual": Decimal.__le__,
    "Equal": Decimal.__eq__,
    "GreaterThan": Decimal.__gt__,
    "GreaterThanEqual": Decimal.__ge__,
}


def list_query(state: CompanyState, kind: str | tuple[str, ...], body: dict) -> Outcome:
    """``{kind}QueryRq``: every match, ordered by FullName; 1 for none, 500 for missing IDs."""
    kinds = (kind,) if isinstance(kind, str) else kind
    if body.get("ListID") or body.get("FullName"):
        return _by_key(state, kinds, body.get("ListID", []), body.get("FullName", []))
    matches = [r for r in state.all(kinds) if passes(state, r, body)]
    matches.sort(key=sort_key)
    return Outcome(matches=[(f"{r.kind}Ret", r) for r in matches])


def sort_key(record: Record) -> str:
    """How QuickBooks orders list answers: by FullName, ignoring case."""
    return refs.display_name(record).casefold()


def _by_key(state: CompanyState, kinds: tuple, ids: list[str], names: list[str]) -> Outcome:
    found: list[Record] = []
    missing: list[str] = []
    for list_id in ids:
        _collect(state.find_any(kinds, list_id), list_id, found, missing)
    for name in names:
        _collect(refs.find_named(state, kinds, {"FullName": name}), name, found, missing)
    matches = [(f"{r.kind}Ret", r) for r in found]
    if missing:
        warning = status.partial(missing[0])
        return Outcome([], warning.code, warning.message, warning.severity, matches=matches)
    return Outcome(matches=matches)


def _collect(record: Record | None, key: str, found: list, missing: list) -> None:
    if record is None:
        missing.append(key)
    elif all(r is not record for r in found):
        found.append(record)


def passes(state: CompanyState, record: Record, body: dict) -> bool:
    """Whether a record matches every filter of a list query's body."""
    return (
        _active(record.ret, body.get("ActiveStatus", "ActiveOnly"))
        and in_range(record.modified, body, "ModifiedDate", state.tz)
        and _name_matches(refs.display_name(record), body)
        and _account_type(record.ret, body.get("AccountType"))
        and _class_matches(state, record.ret, body.get("ClassFilter"))
        and _currency_matches(record.ret, body.get("CurrencyFilter"))
        and _balance_matches(record.ret, body.get("TotalBalanceFilter"))
    )


def _active(ret: dict, wanted: str) -> bool:
    is_active = ret.get("IsActive", "true") != "false"
    return wanted == "All" or is_active == (wanted == "ActiveOnly")


def _name_matches(name: str, body: dict) -> bool:
    name_filter = body.get("NameFilter")
    range_filter = body.get("NameRangeFilter")
    if not (name_filter or range_filter):
        return True
    folded = name.casefold()
    if name_filter:
        wanted = name_filter["Name"].casefold()
        criterion = name_filter["MatchCriterion"]
        if criterion == "StartsWith":
            return folded.startswith(wanted)
        return folded.endswith(wanted) if criterion == "EndsWith" else wanted in folded
    if range_filter:
        low = range_filter.get("FromName", "").casefold()
        high = range_filter.get("ToName")
        return folded >= low and (high is None or folded <= high.casefold())
    return True


def _account_type(ret: dict, types: list[str] | None) -> bool:
    return not types or ret.get("AccountType") in types


def _class_matches(state: CompanyState, ret: dict, class_filter: dict | None) -> bool:
    if not class_filter:
        return True
    class_id = (ret.get("ClassRef") or {}).get("ListID")
    return class_id is not None and class_id in _class_ids(state, class_filter)


def _class_ids(state: CompanyState, class_filter: dict) -> set[str]:
    wanted: list[Record] = []
    for list_id in class_filter.get("ListID", []):
        wanted += [r for r in [state.find("Class", list_id)] if r]
    for name in class_filter.get("FullName", []):
        wanted += [r for r in [refs.find_named(state, ("Class",), {"FullName": name})] if r]
    ids = {r.id for r in wanted}
    root = _class_root(state, class_filter)
    if root is not None:
        prefix = root.ret["FullName"].casefold() + ":"
        ids.add(root.id)
        ids |= {
            r.id
            for r in state.table("Class").values()
            if r.ret["FullName"].casefold().startswith(prefix)
        }
    return ids


def _class_root(state: CompanyState, class_filter: dict) -> Record | None:
    if "ListIDWithChildren" in class_filter:
        return state.find("Class", class_filter["ListIDWithChildren"])
    if "FullNameWithChildren" in class_filter:
        ref = {"FullName": class_filter["FullNameWithChildren"]}
        return refs.find_named(state, ("Class",), ref)
    return None


def _currency_matches(ret: dict, currency_filter: dict | None) -> bool:
    """Records without a CurrencyRef are in the home currency (multicurrency is off)."""
    if not currency_filter:
        return True
    ref = ret.get("CurrencyRef") or {"FullName": HOME_CURRENCY}
    names = [n.casefold() for n in currency_filter.get("FullName", [])]
    return ref.get("ListID") in currency_filter.get("ListID", []) or (
        str(ref.get("FullName", "")).casefold() in names
    )


def _balance_matches(ret: dict, balance_filter: dict[str, Any] | None) -> bool:
    if not balance_filter:
        return True
    value = to_decimal(ret.get("TotalBalance", ret.get("Balance")))
    limit = to_decimal(balance_filter["Amount"])
    return _COMPARE[balance_filter["Operator"]](value, limit)
