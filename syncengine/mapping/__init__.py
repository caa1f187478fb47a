"""App records ↔ qbXML: which app field becomes which QuickBooks element, both ways.

The sync job asks this package for the request of a PSR (:func:`request_for`), for the app
fields of a QuickBooks ``…Ret`` (:func:`from_qbxml`), for the records a record refers to
(:func:`references`) and for a record's synced fields in a form both sides compare equal
(:func:`comparable`). Coverage, by app type:

* customer → Customer (a customer with a ``parent`` is a job: ``ParentRef``), vendor → Vendor,
  employee → Employee, item → ItemService / ItemInventory / ItemNonInventory /
  ItemOtherCharge by ``kind`` (with the accounts it needs, by FullName);
* sales_order, invoice, bill, credit_memo, purchase_order, sales_receipt → their qbXML
  transaction with item lines (an invoice made from a sales order links it, ``LinkToTxnID``);
  payment → ReceivePayment applied to invoices; time_entry → TimeTracking.

References to app records use the ListID/TxnID of the referenced record's link; terms,
accounts and payment methods, which the app names as text, go by FullName.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from syncengine import qbxml
from syncengine.app.fields import Email, Text
from syncengine.app.types import ENTITY_TYPES
from syncengine.mapping import compare, lists, txns
from syncengine.mapping.compare import covers
from syncengine.mapping.values import EntityOf, QbIdOf, Unresolved

if TYPE_CHECKING:
    from syncengine.store.psrs import Removal

__all__ = [
    "IMPORT_ORDER",
    "EntityOf",
    "QbIdOf",
    "Unresolved",
    "answer_fields",
    "clearable",
    "comparable",
    "covers",
    "fields_of",
    "from_qbxml",
    "id_field",
    "qb_type",
    "references",
    "removal_request",
    "request_for",
    "ret_references",
    "shared_needs",
]


@dataclass(frozen=True)
class _Mapper:
    fields: tuple[str, ...]
    to_qb: Callable[[dict[str, Any], QbIdOf, bool], dict[str, Any]]
    from_qb: Callable[[dict[str, Any], EntityOf, str], dict[str, Any]]


def _txn_mapper(spec: txns.TxnSpec) -> _Mapper:
    return _Mapper(
        spec.fields + txns.EXTRA_FIELDS.get(spec.entity_type, ()),
        lambda data, qb_id_of, is_mod: txns.txn_to_qb(spec, data, qb_id_of, is_mod),
        lambda ret, entity_of, _qb_type: txns.txn_from_qb(spec, ret, entity_of),
    )


def _list_mapper(
    fields: tuple[str, ...],
    to_qb: Callable[[dict[str, Any], QbIdOf, bool], dict[str, Any]],
    from_qb: Callable[[dict[str, Any], EntityOf], dict[str, Any]],
) -> _Mapper:
    return _Mapper(fields, to_qb, lambda ret, entity_of, _qb_type: from_qb(ret, entity_of))


MAPPERS: dict[str, _Mapper] = {
    "customer": _list_mapper(lists.CUSTOMER_FIELDS, lists.customer_to_qb, lists.customer_from_qb),
    "vendor": _list_mapper(lists.VENDOR_FIELDS, lists.vendor_to_qb, lists.vendor_from_qb),
    "employee": _list_mapper(lists.EMPLOYEE_FIELDS, lists.employee_to_qb, lists.employee_from_qb),
    "item": _Mapper(lists.ITEM_FIELDS, lists.item_to_qb, lists.item_from_qb),
    **{key: _txn_mapper(spec) for key, spec in txns.SPECS.items()},
}
"""Each entity type's mapping: the lists' by hand (:mod:`.lists`), the transactions' from
their specs (:data:`.txns.SPECS`)."""

IMPORT_ORDER: tuple[tuple[str, str], ...] = tuple(
    (key, kind) for key in MAPPERS for kind in ENTITY_TYPES[key].qb_types
)
"""(app entity type, qbXML object) in the order an import reads them: lists before the
transactions that refer to them (the order of :data:`MAPPERS`)."""


def fields_of(entity_type: str) -> tuple[str, ...]:
    """The app fields kept in step with QuickBooks for this type."""
    return MAPPERS[entity_type].fields


def comparable(entity_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """A record's synced fields in the form both sides compare equal (its baseline form)."""
    return compare.comparable(entity_type, data, MAPPERS[entity_type].fields)


_NOT_CLEARED = frozenset({"name", "ref_number", "terms", "payment_method", "sales_tax_code"})


@cache
def clearable(entity_type: str) -> frozenset[str]:
    """Synced text fields a Mod clears in QuickBooks when the app clears them (names,
    reference numbers and fields naming another list are never cleared)."""
    etype = ENTITY_TYPES[entity_type]
    return frozenset(
        name
        for name in MAPPERS[entity_type].fields
        if type(etype.field(name)) in (Text, Email)
        and name not in _NOT_CLEARED
        and not name.endswith("_account")
    )


def qb_type(entity_type: str, data: dict[str, Any]) -> str:
    """The qbXML object a record is (``Customer``, ``ItemService``, ``ReceivePayment``…)."""
    return ENTITY_TYPES[entity_type].qb_type_of(data)


def id_field(entity_type: str) -> str:
    """``ListID`` for list records, ``TxnID`` for transactions."""
    return "ListID" if ENTITY_TYPES[entity_type].is_list else "TxnID"


def request_for(
    entity_type: str,
    data: dict[str, Any],
    qb_id_of: QbIdOf,
    *,
    request_id: str,
    record: str,
    target: tuple[str, str] | None = None,
) -> qbxml.Request:
    """The Add for a record, or with ``target`` = (ListID/TxnID, EditSequence) its Mod. The
    answer is asked to carry only the ID, EditSequence and TimeModified (:data:`ANSWER`).

    Raises RecordError (text policy, schema) for a value QuickBooks cannot take.
    """
    kind = qb_type(entity_type, data)
    body = MAPPERS[entity_type].to_qb(data, qb_id_of, target is not None)
    include = answer_fields(entity_type)
    if target is None:
        return qbxml.add(kind, body, record=record, request_id=request_id, include=include)
    return qbxml.mod(kind, *target, body, record=record, request_id=request_id, include=include)


@cache
def answer_fields(entity_type: str) -> tuple[str, ...]:
    """What the sync job needs back from an Add or Mod (``IncludeRetElement``): QuickBooks
    builds, sends and the job reads a few fields instead of the whole record."""
    return (id_field(entity_type), "EditSequence", "TimeModified")


def removal_request(
    entity_type: str,
    action: Removal,
    kind: str,
    target: tuple[str, str | None],
    *,
    request_id: str,
    record: str,
) -> qbxml.Request:
    """The request for a delete, inactivate (Mod with IsActive false) or void PSR."""
    qb_id, edit_sequence = target
    if action == "inactivate":
        return qbxml.mod(
            kind,
            qb_id,
            edit_sequence or "",
            {"IsActive": False},
            record=record,
            request_id=request_id,
            include=answer_fields(entity_type),
        )
    if action == "void":
        return qbxml.txn_void(kind, qb_id, request_id=request_id)
    if ENTITY_TYPES[entity_type].is_list:
        return qbxml.list_delete(kind, qb_id, request_id=request_id)
    return qbxml.txn_delete(kind, qb_id, request_id=request_id)


def from_qbxml(
    entity_type: str, kind: str, ret: dict[str, Any], entity_of: EntityOf
) -> dict[str, Any]:
    """The app fields of a QuickBooks ``…Ret``; Unresolved when it refers to a record the
    app does not hold."""
    return MAPPERS[entity_type].from_qb(ret, entity_of, kind)


def references(entity_type: str, data: dict[str, Any]) -> list[tuple[str, str, int]]:
    """The app records a record refers to, as (field, entity type, id): they must be in
    QuickBooks before it (``("parent", "customer", 3)``, ``("lines[0].item", "item", 5)``)."""
    out = [
        (name, target, data[name]) for name, target in _ref_fields(entity_type) if data.get(name)
    ]
    for n, line in enumerate(data.get("lines", [])):
        if line.get("item"):
            out.append((f"lines[{n}].item", "item", line["item"]))
    for name in ("groups", "members"):  # a form's group lines, a group item's members
        for n, row in enumerate(data.get(name, [])):
            out.append((f"{name}[{n}].item", "item", row["item"]))
    for n, applied in enumerate(data.get("applied", [])):
        out.append((f"applied[{n}].invoice", "invoice", applied["invoice"]))
    return out


@cache
def _ref_fields(entity_type: str) -> tuple[tuple[str, str], ...]:
    """(field, entity type referred to) of each field of a type naming another app record:
    the same for every record, so found once per type rather than per record."""
    return tuple(
        (field.name, target)
        for field in ENTITY_TYPES[entity_type].fields
        if (target := getattr(field, "entity_type", ""))
    )


def ret_references(entity_type: str, ret: dict[str, Any]) -> list[tuple[str, str]]:
    """The (entity type, ListID/TxnID) pairs a ``…Ret`` refers to, for looking links up in
    one go before reading a page of records."""
    out: list[tuple[str, str]] = []
    spec = txns.SPECS.get(entity_type)
    refs = spec.refs if spec else _LIST_REFS.get(entity_type, ())
    for _app, element, target in refs:
        if isinstance(ret.get(element), dict):
            out.append((target, ret[element].get("ListID", "")))
    if spec and spec.line:
        for line in ret.get(f"{spec.line}Ret", []):
            if isinstance(line.get("ItemRef"), dict):
                out.append(("item", line["ItemRef"].get("ListID", "")))
    if spec and spec.taxed:
        for group in ret.get(f"{spec.line}GroupRet", []):
            out.append(("item", group["ItemGroupRef"].get("ListID", "")))
    for member in ret.get("ItemGroupLine", []):
        out.append(("item", member["ItemRef"].get("ListID", "")))
    for tax in (
        ret.get("ItemSalesTaxRef", []) if isinstance(ret.get("ItemSalesTaxRef"), list) else ()
    ):
        out.append(("item", tax.get("ListID", "")))
    out += [("invoice", a.get("TxnID", "")) for a in ret.get("AppliedToTxnRet", [])]
    if entity_type == "invoice":
        out += [("sales_order", link["TxnID"]) for link in txns.sales_order_links(ret)]
    return out


_LIST_REFS = {"customer": (("parent", "ParentRef", "customer"),)}


def shared_needs(entity_type: str, data: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """The shared lists a record names as text: accounts (FullName → account type to create
    it as) and terms (FullNames)."""
    accounts = lists.item_accounts(data) if entity_type == "item" else {}
    terms = {data["terms"]} if data.get("terms") else set()
    return accounts, terms
