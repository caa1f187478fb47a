"""List elements: Account, Customer (and jobs), Vendor, Employee, OtherName, items, Class, terms.

Add, Mod and ListDel with QuickBooks' rules: names unique case-insensitively within a
namespace (the four entity lists share one, the item kinds another), FullName
``Parent:Child`` kept in step when a parent is renamed or moved, EditSequence checks,
references resolved, required fields that cannot be cleared, inactivating a parent
inactivates its children, and an element that a transaction, a child or another list element
uses cannot be deleted. Queries live in ``listquery``; Add/Mod field conversions in
``listfields``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qbsim import status
from qbsim.errors import Outcome
from qbsim.model import listfields, refs
from qbsim.model.base import CompanyState, Record, money, qb_datetime, ref_dicts, to_decimal
from qbsim.model.listquery import list_query
from qbsim.model.retdata import ordered, ret_node

__all__ = ["KINDS", "ListKind", "adjust_balance", "list_add", "list_del", "list_mod", "list_query"]

# QuickBooks nests sub-customers, sub-accounts, sub-items and sub-classes five levels deep
# (Sublevel 0 to 4); FullName's limit (5 names and 4 colons) follows from it.
MAX_SUBLEVEL = 4


@dataclass(frozen=True)
class ListKind:
    """How one list behaves: nesting, its word in messages, fields a Mod cannot clear."""

    name: str
    hierarchical: bool
    word: str
    required: tuple[str, ...] = ("Name",)


KINDS: dict[str, ListKind] = {
    kind.name: kind
    for kind in (
        ListKind("Account", True, "Account", ("Name", "AccountType")),
        ListKind("Customer", True, "Customer"),
        ListKind("Vendor", False, "Vendor"),
        ListKind("Employee", False, "Employee"),
        ListKind("OtherName", False, "Other Name"),
        ListKind("ItemService", True, "Item"),
        ListKind("ItemInventory", True, "Item"),
        ListKind("ItemNonInventory", True, "Item"),
        ListKind("ItemOtherCharge", True, "Item"),
        ListKind("Class", True, "Class"),
        ListKind("StandardTerms", False, "Terms"),
        # Sales tax, discount, subtotal and group items, and the sales tax code list.
        ListKind("ItemSalesTax", False, "Item"),
        ListKind("ItemSalesTaxGroup", False, "Item"),
        ListKind("ItemDiscount", True, "Item"),
        ListKind("ItemSubtotal", False, "Item"),
        ListKind("ItemGroup", False, "Item"),
        ListKind("SalesTaxCode", False, "Sales Tax Code"),
    )
}


def _key(kind: str, full_name: str) -> tuple[str, str]:
    return refs.namespace_of(kind), full_name.casefold()


def _claim_name(state: CompanyState, kind: str, full_name: str, shown: str, me=None) -> None:
    holder = state.names.get(_key(kind, full_name))
    if holder is not None and holder is not me:
        raise status.name_in_use(shown)


def full_name_of(record: Record) -> str:
    """The name QuickBooks shows and indexes: FullName where the list has one, else Name."""
    return refs.display_name(record)


# -- Add ------------------------------------------------------------------------------
def list_add(state: CompanyState, kind: str, body: dict[str, Any]) -> Outcome:
    """``{kind}AddRq``: create a list element; 3100 name taken, 3130 bad parent, 3140 bad ref."""
    spec = KINDS[kind]
    data = dict(body[f"{kind}Add"])
    _seed_first(state, kind)
    name = listfields.element_name(kind, data)
    parent = _parent(state, spec, data.pop("ParentRef", None))
    full_name = f"{parent.ret['FullName']}:{name}" if parent else name
    _claim_name(state, kind, full_name, name)
    refs.resolve_refs(state, data, spec.word)
    ret = listfields.add_ret(kind, data)
    ret["Name"] = name
    _place_fields(ret, kind, parent, full_name)
    listfields.require_accounts(kind, ret, adding=True)
    opening = to_decimal(ret.pop("Balance", None))
    record = state.insert(kind, ret, "ListID")
    listfields.stamp(state, record)
    state.names[_key(kind, full_name)] = record
    listfields.set_opening_balances(kind, record.ret)
    adjust_balance(state, record, opening)
    record.ret = ordered(record.ret, ret_node(kind))
    return Outcome([(f"{kind}Ret", record.ret)])


def _seed_first(state: CompanyState, kind: str) -> None:
    """The default sales tax codes exist before the code list is first read or changed."""
    if kind == "SalesTaxCode" and not state.records.get("SalesTaxCode"):
        refs.seed_tax_codes(state)


def tax_code_query(state: CompanyState, body: dict[str, Any]) -> Outcome:
    """``SalesTaxCodeQueryRq``: the codes, the defaults "Tax" and "Non" among them."""
    _seed_first(state, "SalesTaxCode")
    return list_query(state, "SalesTaxCode", body)


def _parent(state: CompanyState, spec: ListKind, ref: dict | None) -> Record | None:
    if not ref or not spec.hierarchical or not any(ref.values()):
        return None
    parent = refs.find_named(state, (spec.name,), ref)
    if parent is None:
        shown = ref.get("FullName") or ref.get("ListID") or ""
        raise status.bad_parent(str(shown), spec.word)
    if int(parent.ret.get("Sublevel", "0")) >= MAX_SUBLEVEL:
        raise status.bad_parent(parent.ret["FullName"], spec.word)
    return parent


def _place_fields(ret: dict, kind: str, parent: Record | None, full_name: str) -> None:
    fields = ret_node(kind).children
    if "FullName" in fields:
        ret["FullName"] = full_name
        ret["Sublevel"] = str(int(parent.ret["Sublevel"]) + 1) if parent else "0"
    if parent is not None:
        ret["ParentRef"] = {"ListID": parent.id, "FullName": parent.ret["FullName"]}
    else:
        ret.pop("ParentRef", None)


def adjust_balance(state: CompanyState, record: Record, delta: Decimal) -> None:
    """Move a customer's, vendor's or account's balance; totals roll up the parent chain."""
    if delta == 0 or "Balance" not in record.ret:
        return
    record.ret["Balance"] = money(to_decimal(record.ret["Balance"]) + delta)
    state.mark(record)
    _roll_up(state, record, delta)


def _roll_up(state: CompanyState, start: Record | None, delta: Decimal) -> None:
    current = start
    while current is not None and delta:
        if "TotalBalance" in current.ret:
            current.ret["TotalBalance"] = money(to_decimal(current.ret["TotalBalance"]) + delta)
            state.mark(current)
        current = record_parent(state, current)


def record_parent(state: CompanyState, record: Record) -> Record | None:
    """The record's parent (a job's customer, a sub-account's account), or None."""
    ref = record.ret.get("ParentRef")
    return state.find(record.kind, ref["ListID"]) if ref else None


def children_of(state: CompanyState, record: Record) -> list[Record]:
    """Every descendant of ``record`` (children, grandchildren…), parents before children."""
    prefix = full_name_of(record).casefold() + ":"
    found = [
        r
        for r in state.table(record.kind).values()
        if r.ret.get("FullName", "").casefold().startswith(prefix)
    ]
    return sorted(found, key=lambda r: int(r.ret.get("Sublevel", "0")))


# -- Mod ------------------------------------------------------------------------------
# Fields a Mod never changes through the merge: the stamps, and what ``_place`` derives.
_IDENTITY = frozenset(
    {"ListID", "TimeCreated", "TimeModified", "EditSequence", "Name", "FullName", "Sublevel"}
    | {"ParentRef"}
)


def list_mod(state: CompanyState, kind: str, body: dict[str, Any]) -> Outcome:
    """``{kind}ModRq``: change fields; 3120 unknown ID, 3200 stale EditSequence, 3190 clearing a
    required field, 3100 a name in use, 3130 a bad parent, 3140 a bad reference."""
    spec = KINDS[kind]
    data = dict(body[f"{kind}Mod"])
    _seed_first(state, kind)
    record = _record_to_modify(state, spec, data)
    listfields.mark_clears(data)
    listfields.rename_employee(kind, record.ret, data)
    refs.resolve_refs(state, data, spec.word, skip=("ParentRef",))
    merged = listfields.merge_ret(kind, record.ret, listfields.mod_changes(kind, record.ret, data))
    listfields.require_accounts(kind, merged, adding=False)
    was_active = record.ret.get("IsActive") != "false"
    renamed = _place(state, spec, record, data)
    _replace_fields(record, merged)
    state.touch(record)
    listfields.stamp(state, record)
    record.ret = ordered(record.ret, ret_node(kind))
    _cascade_active(state, record, was_active)
    if renamed:
        _refresh_refs(state, renamed)
    return Outcome([(f"{kind}Ret", record.ret)])


def _record_to_modify(state: CompanyState, spec: ListKind, data: dict) -> Record:
    """The record a Mod names, checked: 3120 unknown, 3200 stale, 3190 clearing a required
    field. Pops ListID and EditSequence from ``data``."""
    list_id = data.pop("ListID")
    record = state.find(spec.name, list_id)
    if record is None:
        raise status.not_found(list_id)
    sequence = data.pop("EditSequence")
    if sequence != record.ret["EditSequence"]:
        raise status.stale_edit_sequence(sequence)
    for field in spec.required:
        if data.get(field) == "":
            raise status.cannot_clear(field)
    return record


def _replace_fields(record: Record, merged: dict[str, Any]) -> None:
    """Store the merged fields (cleared ones go), leaving identity and placement alone."""
    kept = {k: v for k, v in merged.items() if k not in _IDENTITY}
    for key in set(record.ret) - set(kept) - _IDENTITY:
        del record.ret[key]
    record.ret.update(kept)


def _place(state: CompanyState, spec: ListKind, record: Record, data: dict) -> dict[str, str]:
    """Rename and/or re-parent; returns ListID -> new FullName of everything renamed."""
    name = data.get("Name") or record.ret["Name"]
    parent = record_parent(state, record)
    if spec.hierarchical and "ParentRef" in data:
        parent = _parent(state, spec, data["ParentRef"])
        if parent is not None and _is_within(parent, record, state):
            raise status.bad_parent(parent.ret["FullName"], spec.word)
    old_full = full_name_of(record)
    new_full = f"{parent.ret['FullName']}:{name}" if parent else name
    if new_full == old_full and record_parent(state, record) is parent:
        return {}
    _claim_name(state, spec.name, new_full, name, me=record)
    descendants = children_of(state, record)
    _check_depth(spec, parent, record, descendants)
    old_parent = record_parent(state, record)
    _roll_up(state, old_parent, -to_decimal(record.ret.get("TotalBalance")))
    state.names.pop(_key(spec.name, old_full), None)
    record.ret["Name"] = name
    if "FullName" in ret_node(spec.name).children:
        _place_fields(record.ret, spec.name, parent, new_full)
    state.names[_key(spec.name, new_full)] = record
    _roll_up(state, parent, to_decimal(record.ret.get("TotalBalance")))
    renamed = {record.id: new_full}
    for child in descendants:
        renamed[child.id] = _follow_parent(state, child)
    return renamed


def _is_within(candidate: Record, ancestor: Record, state: CompanyState) -> bool:
    return candidate is ancestor or any(c is candidate for c in children_of(state, ancestor))


def _check_depth(spec, parent: Record | None, record: Record, descendants: list[Record]) -> None:
    base = int(parent.ret["Sublevel"]) + 1 if parent else 0
    deepest = max((int(c.ret["Sublevel"]) for c in descendants), default=None)
    if deepest is not None and base + deepest - int(record.ret["Sublevel"]) > MAX_SUBLEVEL:
        raise status.bad_parent(parent.ret["FullName"] if parent else "", spec.word)


def _follow_parent(state: CompanyState, child: Record) -> str:
    """Re-derive a descendant's FullName, Sublevel and ParentRef after an ancestor moved."""
    parent = record_parent(state, child)
    assert parent is not None  # only a descendant of the moved record comes here
    state.names.pop(_key(child.kind, child.ret["FullName"]), None)
    new_full = f"{parent.ret['FullName']}:{child.ret['Name']}"
    _place_fields(child.ret, child.kind, parent, new_full)
    state.names[_key(child.kind, new_full)] = child
    # Inferred: QuickBooks stamps the children as modified, so incremental syncs see the
    # new FullName.
    state.touch(child)
    return new_full


def _cascade_active(state: CompanyState, record: Record, was_active: bool) -> None:
    """Inactivating a parent inactivates its children (QuickBooks does the same); making a
    child active again re-activates its inactive ancestors (inferred: no active child under an
    inactive parent)."""
    is_active = record.ret.get("IsActive") != "false"
    if was_active and not is_active:
        for child in children_of(state, record):
            if child.ret.get("IsActive") != "false":
                child.ret["IsActive"] = "false"
                state.touch(child)
    elif is_active and not was_active:
        parent = record_parent(state, record)
        while parent is not None:
            if parent.ret.get("IsActive") == "false":
                parent.ret["IsActive"] = "true"
                state.touch(parent)
            parent = record_parent(state, parent)


def _refresh_refs(state: CompanyState, renamed: dict[str, str]) -> None:
    """References elsewhere show the current FullName (QuickBooks stores IDs, not names)."""
    for record in state.referring(renamed):
        for ref in ref_dicts(record.ret):
            if ref.get("ListID") in renamed and "FullName" in ref:
                ref["FullName"] = renamed[ref["ListID"]]


# -- ListDel --------------------------------------------------------------------------
def list_del(state: CompanyState, body: dict) -> Outcome:
    """``ListDelRq``: delete a list element nothing uses; 3120 unknown, 3170 in use.

    In use means: it has children, another record refers to it, or it carries an opening
    balance (QuickBooks books that as a transaction). The 3170 wording is inferred.
    """
    del_type, list_id = body["ListDelType"], body["ListID"]
    # Lists qbsim keeps no records of are empty here, so their elements are never found.
    record = state.find(del_type, list_id) if del_type in KINDS else None
    if record is None:
        raise status.not_found(list_id)
    _refuse_if_used(state, record)
    full_name = full_name_of(record)
    state.names.pop(_key(record.kind, full_name), None)
    entry = state.remove(record, del_type, full_name, is_list=True)
    return Outcome(
        [
            ("ListDelType", del_type),
            ("ListID", record.id),
            ("TimeDeleted", qb_datetime(entry.deleted)),
            ("FullName", full_name),
        ]
    )


def _refuse_if_used(state: CompanyState, record: Record) -> None:
    word, full_name = KINDS[record.kind].word, full_name_of(record)
    if has_children(state, record):
        raise status.in_use(word, full_name, "This list element has sub-elements.")
    if is_referenced(state, record.id):
        raise status.in_use(word, full_name)
    if to_decimal(record.ret.get("Balance")) != 0:
        raise status.in_use(word, full_name, "This list element has an opening balance.")


def has_children(state: CompanyState, record: Record) -> bool:
    """Whether any element of the record's list names it as its parent."""
    return any(
        (r.ret.get("ParentRef") or {}).get("ListID") == record.id
        for r in state.table(record.kind).values()
    )


def is_referenced(state: CompanyState, list_id: str) -> bool:
    """Whether any other record's data refers to ``list_id`` (a ``…Ref`` with that ListID).

    The IDs each record refers to are cached per record and EditSequence (references only
    change with an Add or a Mod, both of which give a new EditSequence), so deleting from a
    large company does not re-read every record every time.
    """
    cache: dict[str, tuple[int, frozenset[str]]] = state.__dict__.setdefault("_ref_ids", {})
    for table in state.records.values():
        for record in table.values():
            known = cache.get(record.id)
            if known is None or known[0] != record.sequence:
                known = (record.sequence, frozenset(_ref_ids(record.ret)))
                cache[record.id] = known
            if list_id in known[1] and record.id != list_id:
                return True
    return False


def _ref_ids(data: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(data, list):
        for item in data:
            found |= _ref_ids(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key.endswith("Ref") and isinstance(value, dict) and "ListID" in value:
                found.add(value["ListID"])
            elif isinstance(value, (dict, list)):
                found |= _ref_ids(value)
    return found


# -- what qbsim/COVERAGE.md says about these requests ----------------------------------------
_NAMESPACE_NOTE = {
    "entity": "names unique across Customer, Vendor, Employee and OtherName (3100)",
    "item": "names unique across all item kinds (3100)",
}
_ADD_NOTES = {
    "Account": "OpenBalance → Balance/TotalBalance; CashFlowClassification by type",
    "Customer": "jobs by ParentRef (FullName `Parent:Job`); OpenBalance → Balance/TotalBalance",
    "Vendor": "OpenBalance → Balance",
    "Employee": "Name from first/middle/last name when not given",
    "ItemInventory": "QuantityOnHand/TotalValue → AverageCost; the three accounts required",
    "ItemService": "SalesOrPurchase or SalesAndPurchase; account required",
    "ItemNonInventory": "SalesOrPurchase or SalesAndPurchase; account required",
    "ItemOtherCharge": "SalesOrPurchase or SalesAndPurchase; account required",
    "StandardTerms": "no StandardTermsMod in qbXML 16.0",
    "ItemSalesTax": "TaxRate is a percent (IDS ItemsAddRq.xml); supplies the rate of sales forms",
    "ItemSalesTaxGroup": "members as repeated ItemSalesTaxRef; rate = sum of members' (STGRP)",
    "ItemDiscount": "DiscountRate or DiscountRatePercent; a form line shows it negated (inferred)",
    "ItemSubtotal": "on a form: the lines above it back to the previous subtotal (§15)",
    "ItemGroup": "ItemGroupLine members; a form's group line expands into them (§15)",
    "SalesTaxCode": "a new company has Tax (taxable) and Non (non-taxable); IsTaxable decides",
}


def coverage_notes() -> dict[str, str]:
    """One line per request type for ``qbsim/COVERAGE.md``."""
    notes: dict[str, str] = {}
    for kind, spec in KINDS.items():
        space = refs.namespace_of(kind)
        unique = _NAMESPACE_NOTE.get(space, "names unique within the list (3100)")
        nested = "; nests 5 levels (3130 bad parent)" if spec.hierarchical else ""
        extra = _ADD_NOTES.get(kind, "")
        notes[f"{kind}AddRq"] = "; ".join(p for p in (unique + nested, extra) if p)
        notes[f"{kind}ModRq"] = (
            "3120 unknown/deleted ListID, 3200 stale EditSequence, 3190 clearing a required "
            "field"
            + (
                "; renames/moves carry children; inactivating a parent inactivates children"
                if spec.hierarchical
                else ""
            )
        )
        notes[f"{kind}QueryRq"] = "ListID/FullName (500 for missing ones) or filters"
    notes["ItemQueryRq"] = "every item kind (sales tax, discount, subtotal, group too), by FullName"
    notes["TermsQueryRq"] = "StandardTerms (DateDrivenTerms are not simulated)"
    notes["ListDelRq"] = "3120 unknown; 3170 in use (children, references, opening balance)"
    return notes
