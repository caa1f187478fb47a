"""List elements: Account, Customer (and jobs), Vendor, Employee, OtherName, items, Class, terms.

Add, Mod, Query and ListDel with QuickBooks' rules: names unique case-insensitively within a
namespace (the four entity lists share one), FullName ``Parent:Child``, EditSequence checks,
references resolved, an element in use cannot be deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from qbschema import schema
from qbsim import status
from qbsim.errors import Outcome
from qbsim.model import refs
from qbsim.model.base import (
    CompanyState,
    Record,
    in_range,
    money,
    qb_datetime,
    to_decimal,
)

MAX_SUBLEVEL = 5


@dataclass(frozen=True)
class ListKind:
    """How one list behaves: its namespace, whether it nests, its word in messages."""

    name: str
    hierarchical: bool
    word: str
    required: tuple[str, ...] = ("Name",)
    balances: bool = False


KINDS: dict[str, ListKind] = {
    kind.name: kind
    for kind in (
        ListKind("Account", True, "Account", ("Name", "AccountType"), balances=True),
        ListKind("Customer", True, "Customer", balances=True),
        ListKind("Vendor", False, "Vendor", balances=True),
        ListKind("Employee", False, "Employee"),
        ListKind("OtherName", False, "Other Name"),
        ListKind("ItemService", True, "Item"),
        ListKind("ItemInventory", True, "Item"),
        ListKind("ItemNonInventory", True, "Item"),
        ListKind("ItemOtherCharge", True, "Item"),
        ListKind("Class", True, "Class"),
        ListKind("StandardTerms", False, "Terms", ("Name", "StdDueDays")),
    )
}


@cache
def ret_fields(kind: str) -> frozenset[str]:
    """The child elements a ``{kind}Ret`` may hold."""
    node = schema().response_node(f"{kind}AddRq")
    ret = schema().node(node.children[f"{kind}Ret"].node)
    return frozenset(ret.children)


def ret_tag(kind: str) -> str:
    return f"{kind}Ret"


def _key(record_or_kind: Record | str, full_name: str) -> tuple[str, str]:
    kind = record_or_kind if isinstance(record_or_kind, str) else record_or_kind.kind
    return refs.namespace_of(kind), full_name.casefold()


def _claim_name(state: CompanyState, kind: str, full_name: str, name: str, me=None) -> None:
    holder = state.names.get(_key(kind, full_name))
    if holder is not None and holder is not me:
        raise status.name_in_use(name)


# -- Add ------------------------------------------------------------------------------
def list_add(state: CompanyState, kind: str, body: dict[str, Any]) -> Outcome:
    """``{kind}AddRq``: create a list element; 3100 when its name is taken."""
    spec = KINDS[kind]
    data = dict(body[f"{kind}Add"])
    name = data["Name"]
    parent = _parent(state, spec, data)
    full_name = f"{parent.ret['FullName']}:{name}" if parent else name
    _claim_name(state, kind, full_name, name)
    refs.resolve_refs(state, data, spec.word, skip=("ParentRef",))
    ret = _initial_ret(spec, data, parent, full_name)
    record = state.insert(kind, ret, "ListID")
    state.names[_key(kind, full_name)] = record
    if spec.balances and "Balance" in record.ret:
        opening = to_decimal(record.ret["Balance"])
        record.ret["Balance"] = money(Decimal(0))
        if "TotalBalance" in record.ret:
            record.ret["TotalBalance"] = money(Decimal(0))
        adjust_balance(state, record, opening)
    return Outcome([(ret_tag(kind), record.snapshot())])


def _parent(state: CompanyState, spec: ListKind, data: dict) -> Record | None:
    ref = data.pop("ParentRef", None)
    if not ref:
        return None
    parent = refs.find_named(state, (spec.name,), ref)
    if parent is None:
        shown = ref.get("FullName") or ref.get("ListID") or ""
        raise status.bad_parent(str(shown), spec.word)
    if int(parent.ret.get("Sublevel", "0")) + 1 > MAX_SUBLEVEL:
        raise status.bad_parent(parent.ret["FullName"], spec.word)
    return parent


def _initial_ret(spec: ListKind, data: dict, parent: Record | None, full_name: str) -> dict:
    fields = ret_fields(spec.name)
    ret: dict[str, Any] = {}
    opening = data.pop("OpenBalance", None)
    for key, value in data.items():
        if key in fields:
            ret[key] = value
    ret.setdefault("IsActive", "true")
    if "FullName" in fields:
        ret["FullName"] = full_name
    if parent is not None:
        ret["ParentRef"] = {"ListID": parent.id, "FullName": parent.ret["FullName"]}
    if "Sublevel" in fields:
        ret["Sublevel"] = str(int(parent.ret["Sublevel"]) + 1) if parent else "0"
    if spec.balances and "Balance" in fields:
        ret["Balance"] = money(to_decimal(opening))
        if "TotalBalance" in fields:
            ret["TotalBalance"] = ret["Balance"]
    if spec.name == "Customer":
        ret.setdefault("JobStatus", "None")
    if spec.name == "ItemInventory":
        ret.setdefault("QuantityOnHand", "0")
    return ret


def adjust_balance(state: CompanyState, record: Record, delta: Decimal) -> None:
    """Move a customer's, vendor's or account's balance; totals roll up the parent chain."""
    if delta == 0 or "Balance" not in record.ret:
        return
    record.ret["Balance"] = money(to_decimal(record.ret["Balance"]) + delta)
    current: Record | None = record
    while current is not None:
        if "TotalBalance" in current.ret:
            current.ret["TotalBalance"] = money(to_decimal(current.ret["TotalBalance"]) + delta)
        parent_ref = current.ret.get("ParentRef")
        current = state.find(current.kind, parent_ref["ListID"]) if parent_ref else None


# -- Mod ------------------------------------------------------------------------------
def list_mod(state: CompanyState, kind: str, body: dict[str, Any]) -> Outcome:
    """``{kind}ModRq``: change fields; 3120 unknown ListID, 3200 stale EditSequence."""
    spec = KINDS[kind]
    data = dict(body[f"{kind}Mod"])
    record = state.find(kind, data.pop("ListID"))
    if record is None:
        raise status.not_found(body[f"{kind}Mod"]["ListID"])
    sequence = data.pop("EditSequence")
    if sequence != record.ret["EditSequence"]:
        raise status.stale_edit_sequence(sequence)
    for field in spec.required:
        if data.get(field) == "":
            raise status.cannot_clear(field)
    _rename(state, spec, record, data)
    refs.resolve_refs(state, data, spec.word, skip=("ParentRef",))
    _apply(record, data, ret_fields(kind))
    state.touch(record)
    return Outcome([(ret_tag(kind), record.snapshot())])


def _rename(state: CompanyState, spec: ListKind, record: Record, data: dict) -> None:
    name = data.pop("Name", record.ret["Name"])
    parent_ref = data.pop("ParentRef", None) if spec.hierarchical else None
    parent = record_parent(state, record)
    if parent_ref is not None:
        parent = _parent(state, spec, {"ParentRef": parent_ref}) if parent_ref else None
        if parent is not None and _is_under(state, parent, record):
            raise status.bad_parent(parent.ret["FullName"], spec.word)
    old_full = record.ret.get("FullName", record.ret["Name"])
    new_full = f"{parent.ret['FullName']}:{name}" if parent else name
    if new_full == old_full and name == record.ret["Name"]:
        return
    _claim_name(state, spec.name, new_full, name, me=record)
    state.names.pop(_key(record, old_full), None)
    record.ret["Name"] = name
    if "FullName" in record.ret:
        record.ret["FullName"] = new_full
        record.ret["Sublevel"] = str(int(parent.ret["Sublevel"]) + 1) if parent else "0"
        if parent is not None:
            record.ret["ParentRef"] = {"ListID": parent.id, "FullName": parent.ret["FullName"]}
        else:
            record.ret.pop("ParentRef", None)
        _rename_children(state, record, old_full)
    state.names[_key(record, new_full)] = record


def record_parent(state: CompanyState, record: Record) -> Record | None:
    ref = record.ret.get("ParentRef")
    return state.find(record.kind, ref["ListID"]) if ref else None


def _is_under(state: CompanyState, candidate: Record, ancestor: Record) -> bool:
    current: Record | None = candidate
    while current is not None:
        if current is ancestor:
            return True
        current = record_parent(state, current)
    return False


def _rename_children(state: CompanyState, record: Record, old_full: str) -> None:
    prefix = old_full + ":"
    for child in list(state.table(record.kind).values()):
        child_full = child.ret.get("FullName", "")
        if child_full.startswith(prefix):
            state.names.pop(_key(child, child_full), None)
            child.ret["FullName"] = record.ret["FullName"] + child_full[len(old_full) :]
            if child.ret["ParentRef"]["ListID"] == record.id:
                child.ret["ParentRef"]["FullName"] = record.ret["FullName"]
            state.names[_key(child, child.ret["FullName"])] = child


def _apply(record: Record, data: dict, fields: frozenset[str]) -> None:
    """Mod semantics: given fields replace, an empty value clears, aggregates merge."""
    for key, value in data.items():
        target = key.removesuffix("Mod") if key not in fields else key
        if target not in fields:
            continue
        if value == "":
            record.ret.pop(target, None)
        elif isinstance(value, dict) and isinstance(record.ret.get(target), dict):
            merged = dict(record.ret[target])
            merged.update(value)
            record.ret[target] = {k: v for k, v in merged.items() if v != ""}
        else:
            record.ret[target] = value


# -- Query ----------------------------------------------------------------------------
def list_query(state: CompanyState, kind: str | tuple[str, ...], body: dict) -> Outcome:
    """``{kind}QueryRq``: every match, ordered by FullName; 1 for none, 500 for missing IDs."""
    kinds = (kind,) if isinstance(kind, str) else kind
    wanted_ids = body.get("ListID")
    wanted_names = body.get("FullName")
    if wanted_ids or wanted_names:
        return _query_by_key(state, kinds, wanted_ids or [], wanted_names or [])
    matches = [r for r in state.all(kinds) if _passes(state, r, body)]
    matches.sort(key=lambda r: display_name_key(r))
    return Outcome([(ret_tag(r.kind), r.snapshot()) for r in matches])


def display_name_key(record: Record) -> str:
    return refs.display_name(record).casefold()


def _query_by_key(state: CompanyState, kinds: tuple, ids: list, names: list) -> Outcome:
    found: list[Record] = []
    missing: list[str] = []
    for list_id in ids:
        record = state.find_any(kinds, list_id)
        (found.append(record) if record else missing.append(list_id))
    for name in names:
        record = refs.find_named(state, kinds, {"FullName": name})
        (found.append(record) if record else missing.append(name))
    children = [(ret_tag(r.kind), r.snapshot()) for r in found]
    if missing:
        warning = status.partial(missing[0])
        return Outcome(children, warning.code, warning.message, warning.severity)
    return Outcome(children)


def _passes(state: CompanyState, record: Record, body: dict) -> bool:
    ret = record.ret
    active = body.get("ActiveStatus", "ActiveOnly")
    is_active = ret.get("IsActive", "true") == "true"
    if (active == "ActiveOnly" and not is_active) or (active == "InactiveOnly" and is_active):
        return False
    if not in_range(record.modified, body, "ModifiedDate", state.tz):
        return False
    name = refs.display_name(record)
    return _name_filter(name, body) and _kind_filters(ret, body)


def _name_filter(name: str, body: dict) -> bool:
    folded = name.casefold()
    name_filter = body.get("NameFilter")
    if name_filter:
        wanted = name_filter["Name"].casefold()
        test = {
            "StartsWith": folded.startswith,
            "Contains": lambda w: w in folded,
            "EndsWith": folded.endswith,
        }[name_filter["MatchCriterion"]]
        return test(wanted)
    range_filter = body.get("NameRangeFilter")
    if range_filter:
        low = range_filter.get("FromName", "").casefold()
        high = range_filter.get("ToName")
        return folded >= low and (high is None or folded <= high.casefold())
    return True


def _kind_filters(ret: dict, body: dict) -> bool:
    types = body.get("AccountType")
    if types and ret.get("AccountType") not in types:
        return False
    balance_filter = body.get("TotalBalanceFilter")
    if balance_filter:
        value = to_decimal(ret.get("TotalBalance", ret.get("Balance")))
        limit = to_decimal(balance_filter["Amount"])
        compare = {
            "LessThan": value < limit,
            "LessThanEqual": value <= limit,
            "Equal": value == limit,
            "GreaterThan": value > limit,
            "GreaterThanEqual": value >= limit,
        }
        return compare[balance_filter["Operator"]]
    return True


# -- ListDel --------------------------------------------------------------------------
def list_del(state: CompanyState, body: dict) -> Outcome:
    """``ListDelRq``: delete a list element no transaction or child uses; 3120, 3170."""
    del_type, list_id = body["ListDelType"], body["ListID"]
    # Lists qbsim keeps no records of are empty here, so their elements are never found.
    record = state.find(del_type, list_id) if del_type in KINDS else None
    if record is None:
        raise status.not_found(list_id)
    full_name = refs.display_name(record)
    if refs.references_to(state, record.id) is not None:
        raise status.in_use(KINDS[record.kind].word, full_name)
    state.names.pop(_key(record, full_name), None)
    entry = state.remove(record, del_type, full_name, is_list=True)
    return Outcome(
        [
            ("ListDelType", del_type),
            ("ListID", record.id),
            ("TimeDeleted", qb_datetime(entry.deleted)),
            ("FullName", full_name),
        ]
    )
