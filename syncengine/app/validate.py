"""Checking app input: each field, references to other records, and rules across fields.

Every problem raises :class:`syncengine.errors.RecordError` naming the record (``customer
"Acme"``, ``invoice 1001``, ``time_entry 17``), the field (``lines[2].rate``) and the value.
Checks run before anything is written, so a bad row leaves the store untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from syncengine.app.fields import MISSING, Invalid, is_blank
from syncengine.app.types import MAX_SUBLEVEL, EntityType
from syncengine.errors import RecordError
from syncengine.store import Store


def label(etype: EntityType, data: Mapping[str, Any], entity_id: int | None) -> str:
    """How error messages name a record: by name or reference number, else by ID."""
    name = record_name(etype, data)
    if name:
        return f'{etype.key} "{name}"' if etype.is_list else f"{etype.key} {name}"
    return f"{etype.key} {entity_id}" if entity_id else f"new {etype.key}"


def record_name(etype: EntityType, data: Mapping[str, Any]) -> str:
    """The record's name: its name field, or an employee's first and last name."""
    if etype.key == "employee" and not data.get("name"):
        return " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
    value = data.get(etype.name_field) if etype.name_field else None
    return "" if is_blank(value) else str(value).strip()


class Resolver:
    """Resolves references by ID or name against the store plus the batch being written.

    ``preload``: read all names of a referenced type at once (for big batches) instead of
    querying one name at a time.
    """

    def __init__(self, store: Store, preload: bool = False) -> None:
        self._store = store
        self._preload = preload
        self._stored: dict[tuple[str, str], list[int]] = {}
        self._loaded: set[str] = set()
        self._batch: dict[int, tuple[str, str]] = {}
        self._batch_names: dict[tuple[str, str], list[int]] = {}
        self._info: dict[int, tuple[str, dict[str, Any], bool]] = {}

    def remember(self, entity_id: int, entity_type: str, data: dict[str, Any], name: str) -> None:
        """Make a record of the batch resolvable by ID and ``name`` before it is written."""
        self._info[entity_id] = (entity_type, data, False)
        old = self._batch.get(entity_id)
        if old is not None:
            self._batch_names[old].remove(entity_id)
        key = (entity_type, name.strip().casefold())
        self._batch[entity_id] = key
        self._batch_names.setdefault(key, []).append(entity_id)

    def prefetch(self, entity_ids: Iterable[int]) -> None:
        """Read the records among ``entity_ids`` not known yet in one query, so that resolving
        a page of references does not read them one at a time."""
        wanted = sorted({i for i in entity_ids if i not in self._info})
        for entity_id, found in self._store.entities.get_many(wanted).items():
            self._info[entity_id] = (found.entity_type, found.data, found.deleted)

    def info(self, entity_id: int) -> tuple[str, dict[str, Any], bool] | None:
        """(entity type, fields, deleted) of a record, or None if there is no such record."""
        if entity_id not in self._info:
            found = self._store.entities.get_many([entity_id]).get(entity_id)
            if found is None:
                return None
            self._info[entity_id] = (found.entity_type, found.data, found.deleted)
        return self._info[entity_id]

    def __call__(self, entity_type: str, value: Any, kinds: tuple[str, ...] = ()) -> int:
        if isinstance(value, str):
            entity_id = self._by_name(entity_type, value)
            if not kinds:  # names resolve to live records of the right type only
                return entity_id
        else:
            entity_id = _id(value)
        found = self.info(entity_id)
        if found is None or found[0] != entity_type:
            raise Invalid(f"no {entity_type} with id {entity_id}")
        if found[2]:
            raise Invalid(f"{entity_type} {entity_id} was deleted")
        if kinds and found[1].get("kind") not in kinds:
            raise Invalid(f"must be a {' or '.join(kinds)} item, not {found[1].get('kind')}")
        return entity_id

    def _by_name(self, entity_type: str, name: str) -> int:
        key = (entity_type, name.strip().casefold())
        stored = [i for i in self._stored_ids(key) if i not in self._batch]
        ids = stored + self._batch_names.get(key, [])
        if not ids:
            raise Invalid(f"no {entity_type} named {name.strip()!r}")
        if len(ids) > 1:
            raise Invalid(f"{len(ids)} {entity_type} records are named {name!r}; give the id")
        return ids[0]

    def _stored_ids(self, key: tuple[str, str]) -> list[int]:
        entity_type, folded = key
        if self._preload and entity_type not in self._loaded:
            for name, ids in self._store.entities.names(entity_type).items():
                self._stored[(entity_type, name)] = ids
            self._loaded.add(entity_type)
        if key not in self._stored and entity_type not in self._loaded:
            found = self._store.entities.find(entity_type, folded)
            self._stored[key] = [e.id for e in found if e.name.casefold() == folded]
        return self._stored.get(key, [])


def _id(value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid("must be a record id or name")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid("must be a record id or name") from None
    if number != value:
        raise Invalid("must be a whole record id")
    return number


def clean(
    etype: EntityType,
    row: Mapping[str, Any],
    resolve: Resolver,
    name: str,
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``base`` (the stored fields, for an update) with ``row`` applied and checked; a blank
    value clears the field. Raises :class:`RecordError` naming ``name``'s record."""
    data = dict(base or {})
    fields = etype.by_name
    for key, value in row.items():
        spec = fields.get(key)
        if spec is None:
            known = ", ".join(f.name for f in etype.fields)
            raise RecordError(name, key, value, f"no such field for a {etype.key}; known: {known}")
        if is_blank(value):
            data.pop(key, None)
            continue
        try:
            data[key] = spec.clean(value, resolve)
        except Invalid as exc:
            shown = value if exc.value is MISSING else exc.value
            raise RecordError(name, key + exc.path, shown, exc.reason) from None
    for required in etype.required:
        if required not in data:
            raise RecordError(name, required, None, "is required")
    return data


def depth(resolve: Resolver, entity_id: int, data: Mapping[str, Any], name: str) -> int:
    """How many parents a customer has (0 for a top-level customer); refuses cycles and jobs
    nested deeper than QuickBooks allows."""
    level, seen, parent = 0, {entity_id}, data.get("parent")
    while parent is not None:
        if parent in seen:
            raise RecordError(
                name, "parent", data.get("parent"), "would make a customer its own parent"
            )
        seen.add(parent)
        level += 1
        if level > MAX_SUBLEVEL:
            raise RecordError(
                name, "parent", data.get("parent"), f"jobs nest at most {MAX_SUBLEVEL} levels"
            )
        found = resolve.info(parent)
        parent = found[1].get("parent") if found else None
    return level


def check_payment(resolve: Resolver, data: Mapping[str, Any], name: str) -> None:
    """A payment applies no more than its amount, and only to its own customer's invoices."""
    applied = data.get("applied", [])
    spent = sum((Decimal(a["amount"]) for a in applied), Decimal("0"))
    if "amount" in data and spent > Decimal(data["amount"]):
        reason = f"applies {spent}, more than the payment's amount {data['amount']}"
        raise RecordError(name, "applied", str(spent), reason)
    for index, application in enumerate(applied):
        found = resolve.info(application["invoice"])
        owner = found[1].get("customer") if found else None
        if data.get("customer") is not None and owner != data.get("customer"):
            reason = "is an invoice of another customer"
            raise RecordError(name, f"applied[{index}].invoice", application["invoice"], reason)
