"""Pre-flight: what in a workspace's app records QuickBooks would refuse, found before any sync.

:func:`preflight` reads QuickBooks' side only through qbXML queries over a transport (so it
runs the same against qbsim and against real QuickBooks over COM) and checks the app records
that QuickBooks does not hold yet: names already in use (the 3100s, across Customer, Vendor,
Employee and OtherName, and across item kinds, compared ignoring case as QuickBooks does),
text QuickBooks cannot store (too long, not encodable: the engine's own text policy, as the
request would be built), references to records that do not exist, and reference numbers used
twice. Each :class:`Finding` names the record, the field and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from syncengine import mapping, qbxml
from syncengine.app.types import ENTITY_TYPES, EntityType
from syncengine.app.validate import label, record_name
from syncengine.errors import RecordError
from syncengine.reports.guide import entry
from syncengine.store import Entity, Store
from syncengine.sync.queries import modified_since
from syncengine.transports.base import Transport

NAME_KINDS = ("Customer", "Vendor", "Employee", "OtherName")
"""The lists whose names QuickBooks keeps unique together."""

SHARED_NAMESPACE = ("customer", "vendor", "employee")
"""The app's list types that share QuickBooks' one namespace of names."""

PLACEHOLDER_ID = "80000000-1000000000"
"""Stands in for the ListID/TxnID of a referenced record while a request is only checked."""


@dataclass(frozen=True)
class Finding:
    """One thing QuickBooks would refuse: ``check`` (``name_in_use``, ``text``,
    ``missing_reference``, ``duplicate_ref_number``), the record, field, value, what is wrong,
    the fix, and the status code it would meet (None where QuickBooks has none)."""

    check: str
    record: str
    record_id: int
    field: str
    value: str
    problem: str
    fix: str
    code: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)


@dataclass
class QuickBooksSide:
    """What pre-flight needs of the company: names in use (folded) with the list that holds
    each, item names, and each transaction type's reference numbers (folded)."""

    names: dict[str, tuple[str, str]]
    items: dict[str, tuple[str, str]]
    ref_numbers: dict[str, dict[str, str]]


def _pages(transport: Transport, request: qbxml.Request) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record a query answers with its object (``ItemService`` of an ``ItemQuery``),
    following the query's iterator page by page."""
    while True:
        answer = qbxml.parse_response(transport.send(qbxml.message_set([request]).to_xml()))[0]
        if answer.is_nothing_found:
            return
        answer.raise_for_status()
        kinds = (t.removesuffix("Ret") for t in answer.record_types)
        yield from zip(kinds, answer.records, strict=True)
        if not answer.iterator_remaining_count or answer.iterator_id is None:
            return
        request = qbxml.continue_query(request, answer.iterator_id)


def _named(transport: Transport, kind: str) -> dict[str, tuple[str, str]]:
    """(folded full name) -> (qbXML list, name as QuickBooks spells it), inactive ones too."""
    out: dict[str, tuple[str, str]] = {}
    for found, ret in _pages(transport, modified_since(kind, None, ("FullName", "Name"))):
        name = str(ret.get("FullName") or ret.get("Name") or "")
        out.setdefault(name.casefold(), (found, name))
    return out


def _refs(transport: Transport, kind: str) -> dict[str, str]:
    """(folded RefNumber) -> RefNumber of every transaction of ``kind``."""
    rets = _pages(transport, modified_since(kind, None, ("RefNumber",)))
    return {
        str(r["RefNumber"]).casefold(): str(r["RefNumber"]) for _, r in rets if r.get("RefNumber")
    }


def read_quickbooks(transport: Transport, txn_kinds: Iterable[str]) -> QuickBooksSide:
    """The company's names and reference numbers, read with qbXML queries only."""
    names: dict[str, tuple[str, str]] = {}
    for kind in NAME_KINDS:
        for folded, found in _named(transport, kind).items():
            names.setdefault(folded, found)
    refs = {kind: _refs(transport, kind) for kind in txn_kinds}
    return QuickBooksSide(names, _named(transport, "Item"), refs)


def _txn_kinds() -> list[str]:
    """The qbXML transaction types the app's transactions become that carry a RefNumber."""
    return [t.qb_type for t in ENTITY_TYPES.values() if not t.is_list and t.field("ref_number")]


def preflight(store: Store, transport: Transport) -> list[Finding]:
    """Every finding for the workspace's live app records against the company behind
    ``transport`` (read only), in the app's dependency order."""
    side = read_quickbooks(transport, _txn_kinds())
    records = [e for t in ENTITY_TYPES for e in store.entities.all(t)]
    linked = set(store.links.get_many([e.id for e in records]))
    by_id = {e.id: e for e in records}
    findings: list[Finding] = []
    findings += _names(records, linked, by_id, side)
    for entity in records:
        findings += _text(entity)
        findings += _missing(entity, by_id)
    findings += _ref_numbers(records, linked, side)
    return findings


def _fix(code: int) -> str:
    """The guide's steps for a status code, as one paragraph."""
    return " ".join(entry(code).steps)


def _finding(
    check: str, entity: Entity, field: str, value: Any, problem: str, **kw: Any
) -> Finding:
    where = label(ENTITY_TYPES[entity.entity_type], entity.data, entity.id)
    return Finding(
        check, f"{where} (app id {entity.id})", entity.id, field, str(value), problem, **kw
    )


def full_name(entity: Entity, by_id: dict[int, Entity]) -> str:
    """A list record's name as QuickBooks spells it in full (a job: ``Parent:Job``)."""
    parent = by_id.get(entity.data.get("parent") or 0)
    own = record_name(ENTITY_TYPES[entity.entity_type], entity.data)
    return f"{full_name(parent, by_id)}:{own}" if parent is not None else own


def _names(
    records: list[Entity], linked: set[int], by_id: dict[int, Entity], side: QuickBooksSide
) -> Iterator[Finding]:
    """3100s to come: an app list record QuickBooks does not hold yet whose name QuickBooks
    (or an earlier app record of the same namespace) already uses."""
    taken = {"shared": dict(side.names), "item": dict(side.items)}
    for entity in records:
        if entity.entity_type not in (*SHARED_NAMESPACE, "item") or entity.id in linked:
            continue
        space = taken["item" if entity.entity_type == "item" else "shared"]
        name = full_name(entity, by_id)
        holder = space.get(name.casefold())
        if holder is None:
            space[name.casefold()] = (f"app {entity.entity_type} (app id {entity.id})", name)
            continue
        problem = f"QuickBooks already has {holder[0]} {holder[1]!r} (names ignore case)"
        yield _finding("name_in_use", entity, "name", name, problem, fix=_fix(3100), code=3100)


def _text(entity: Entity) -> Iterator[Finding]:
    """What the engine's text policy would refuse when it builds the record's request."""
    try:
        mapping.request_for(
            entity.entity_type,
            entity.data,
            lambda _id: PLACEHOLDER_ID,
            request_id="preflight",
            record=f"app id {entity.id}",
        )
    except RecordError as exc:
        too_long = "at most" in exc.reason or "characters" in exc.reason
        code = 3070 if too_long else None
        fix = (
            _fix(3070)
            if too_long
            else exc.hint or "Change the value in the app so QuickBooks can store it, then sync."
        )
        field = exc.field.split(".", 2)[-1]  # BillAddress.City, not CustomerAddRq.CustomerAdd.…
        yield _finding("text", entity, field, exc.value, exc.reason, fix=fix, code=code)


def _missing(entity: Entity, by_id: dict[int, Entity]) -> Iterator[Finding]:
    """References to app records that are gone (deleted, or never there)."""
    for field, target, target_id in mapping.references(entity.entity_type, entity.data):
        found = by_id.get(target_id)
        if found is not None and found.entity_type == target:
            continue
        problem = f"refers to {target} {target_id}, which the app does not have (deleted?)"
        fix = f"Point {field} at a {target} that exists in the app, or add that {target} first."
        yield _finding("missing_reference", entity, field, target_id, problem, fix=fix, code=3140)


def _ref_numbers(
    records: list[Entity], linked: set[int], side: QuickBooksSide
) -> Iterator[Finding]:
    """Reference numbers used twice: among the app's transactions of one type, or already by
    a transaction of that type in QuickBooks (compared ignoring case)."""
    seen: dict[tuple[str, str], int] = {}
    for entity in records:
        etype: EntityType = ENTITY_TYPES[entity.entity_type]
        ref = str(entity.data.get("ref_number") or "")
        if etype.is_list or not ref or entity.id in linked:
            continue
        key = (etype.key, ref.casefold())
        if key in seen:
            problem = f"app {etype.key} {seen[key]} has the same reference number"
        elif key[1] in side.ref_numbers.get(etype.qb_type, {}):
            taken = side.ref_numbers[etype.qb_type][key[1]]
            problem = f"QuickBooks already has {etype.qb_type} {taken!r}"
        else:
            seen[key] = entity.id
            continue
        fix = (
            f"Give the {etype.key} a reference number nobody uses yet, or leave ref_number"
            " blank so that QuickBooks numbers it."
        )
        yield _finding("duplicate_ref_number", entity, "ref_number", ref, problem, fix=fix)
