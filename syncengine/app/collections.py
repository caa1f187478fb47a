"""The API a UI calls for one entity type: add, update, delete and read records.

Every write validates first (nothing is written if any row is bad), then stores the records
and tells the sync queue what changed, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from syncengine.app import frames
from syncengine.app.fields import is_blank
from syncengine.app.records import Record, decode
from syncengine.app.scope import Scope
from syncengine.app.statuses import STATUS_TABLE, TxnStatuses, missing_parts, not_ready
from syncengine.app.types import ENTITY_TYPES
from syncengine.app.validate import Resolver, check_payment, clean, depth, label, record_name
from syncengine.clock import shown, today
from syncengine.errors import RecordError
from syncengine.queue import Change, SyncQueue
from syncengine.store import Entity, EntityRow, NotFound, Refused, Store


def _records(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> list[Mapping[str, Any]]:
    """The rows as a list; a DataFrame's rows keyed by its columns, the field names."""
    if isinstance(rows, pd.DataFrame):
        return cast("list[Mapping[str, Any]]", rows.to_dict("records"))  # stubs: Hashable keys
    return list(rows)


@dataclass
class _Prepared:
    row: EntityRow
    label: str
    ready: bool = True
    dep_order: int = 0

    def change(self, event: str, is_list: bool) -> Change:
        return Change(self.row.id, self.row.entity_type, event, is_list, self.ready, self.dep_order)


class Collection:
    """The records of one entity type; each change queues the PSR the sync rules ask for."""

    def __init__(self, store: Store, queue: SyncQueue, entity_type: str) -> None:
        self.store = store
        self.queue = queue
        self.etype = ENTITY_TYPES[entity_type]

    @property
    def entity_type(self) -> str:
        """The entity type's key (``customer``, ``invoice``, ...)."""
        return self.etype.key

    def add(self, **fields: Any) -> Record:
        """Create one record; :class:`RecordError` names the field if a value is bad."""
        return self.get(self.add_many([fields])[0])

    def add_many(
        self, rows: Iterable[Mapping[str, Any]] | pd.DataFrame, from_quickbooks: bool = False
    ) -> list[int]:
        """Create many records at once (rows may reference each other by name); all or none.
        Returns their IDs in input order. ``from_quickbooks``: an import, not queued back."""
        rows = _records(rows)
        with self.store.write():
            first = self.store.entities.next_id()
            resolve = Resolver(self.store, preload=len(rows) > 100)
            for offset, row in enumerate(rows):
                resolve.remember(first + offset, self.etype.key, {}, record_name(self.etype, row))
            prepared = [self._new(first + i, i, dict(row), resolve) for i, row in enumerate(rows)]
            self._finish(prepared, resolve, ready=not from_quickbooks)
            self.store.entities.insert_many([p.row for p in prepared])
            if not from_quickbooks:
                self.queue.record([p.change("created", self.etype.is_list) for p in prepared])
        return [first + offset for offset in range(len(rows))]

    def _new(self, entity_id: int, index: int, row: dict[str, Any], resolve: Resolver) -> _Prepared:
        name = record_name(self.etype, row)
        where = label(self.etype, row, None) if name else f"new {self.etype.key} (row {index + 1})"
        status = self._status(row.pop("status", None), where)
        for key, value in self._defaults().items():
            if is_blank(row.get(key)):
                row[key] = value
        data = clean(self.etype, row, resolve, where)
        if self.etype.key == "employee":
            data.setdefault("name", name)
        resolve.remember(entity_id, self.etype.key, data, name)
        return _Prepared(EntityRow(entity_id, self.etype.key, name, status, data), where)

    def _defaults(self) -> dict[str, Any]:
        values = dict(self.etype.defaults)
        if self.etype.field("txn_date") is not None:
            values["txn_date"] = today(self.store.clock)
        if self.etype.key == "item":
            values["kind"] = self.store.settings.get("items.new_part_kind")
        return values

    def _status(self, value: Any, where: str) -> str | None:
        if not is_blank(value):
            raise RecordError(where, "status", value, f"a {self.etype.key} has no status")
        return None

    def _finish(self, prepared: list[_Prepared], resolve: Resolver, ready: bool = True) -> None:
        """Cross-field rules, dependency order and (``ready``) readiness of validated rows.
        Readiness reads the settings' scope, so callers that queue nothing skip it."""
        gate = self._gate() if ready else None
        for p in prepared:
            p.dep_order = self._dep_order(p, resolve)
            if self.etype.key == "payment":
                check_payment(resolve, p.row.data, p.label)
            if ready:
                p.ready = self._ready(p.row.status, p.row.data, gate)

    def _dep_order(self, p: _Prepared, resolve: Resolver) -> int:
        """Lists before transactions; a job one step after its parent customer, a group item
        one step after the items it groups."""
        if self.etype.key == "item" and p.row.data.get("kind") == "group":
            return self.etype.dep_order + 1
        if self.etype.key != "customer":
            return self.etype.dep_order
        return self.etype.dep_order + depth(resolve, p.row.id, p.row.data, p.label)

    def _gate(self) -> Scope | None:
        """What the settings let into the sync (areas, sources, begin date); None: all."""
        return None

    def _ready(self, status: str | None, data: Mapping[str, Any], gate: Scope | None) -> bool:
        return True

    def get(self, record_id: int) -> Record:
        """The record with this ID (deleted ones too); :class:`NotFound` if none of this type."""
        return decode(self._entity(record_id))

    def _entity(self, record_id: int) -> Entity:
        entity = self.store.entities.get(record_id)
        if entity.entity_type != self.etype.key:
            raise NotFound(
                f"no {self.etype.key} with id {record_id} (it is a {entity.entity_type})"
            )
        return entity

    def _live(self, record_id: int) -> Entity:
        entity = self._entity(record_id)
        if entity.deleted:
            raise Refused(
                f"{label(self.etype, entity.data, record_id)} was deleted at"
                f" {shown(entity.deleted_at)}; a deletion cannot be reversed"
            )
        return entity

    def find(self, name: str) -> list[Record]:
        """Live records whose name (or reference number) matches, ignoring case."""
        return [decode(e) for e in self.store.entities.find(self.etype.key, name)]

    def all(self, include_deleted: bool = False) -> list[Record]:
        """Every record of this type, oldest first."""
        return [decode(e) for e in self.store.entities.all(self.etype.key, include_deleted)]

    def update(self, record_id: int, from_quickbooks: bool = False, **fields: Any) -> Record:
        """Change fields (a blank value clears one); queues or collapses into a PSR unless the
        change came ``from_quickbooks`` (an import)."""
        with self.store.write():
            entity = self._live(record_id)
            prepared = self._edited(entity, fields)
            row = prepared.row
            if (row.data, row.name, row.status) == (entity.data, entity.name, entity.status):
                return decode(entity)
            self.store.entities.update_many([row])
            if not from_quickbooks and self._reaches_quickbooks(entity, prepared):
                self.queue.record([prepared.change("updated", self.etype.is_list)])
        return self.get(record_id)

    def imported(
        self, entity: Entity, fields: dict[str, Any], resolve: Resolver
    ) -> EntityRow | None:
        """The row that stores QuickBooks' values for one record of an import page, checked
        as :meth:`update` checks them (:class:`RecordError` if they cannot be stored), or
        None if nothing changes. The caller writes the rows of a page together; ``resolve``,
        shared by the page, sees the records prepared before this one. An import queues
        nothing, so the row's readiness is not worked out (nor the scope read for it)."""
        row = self._edited(entity, dict(fields), resolve, ready=False).row
        if (row.data, row.name, row.status) == (entity.data, entity.name, entity.status):
            return None
        return row

    def _edited(
        self,
        entity: Entity,
        fields: dict[str, Any],
        resolve: Resolver | None = None,
        ready: bool = True,
    ) -> _Prepared:
        where = label(self.etype, entity.data, entity.id)
        status = entity.status
        if "status" in fields:
            status = self._status(fields.pop("status"), where)
        resolve = resolve or Resolver(self.store)
        data = clean(self.etype, fields, resolve, where, base=entity.data)
        name = record_name(self.etype, data)
        resolve.remember(entity.id, self.etype.key, data, name)
        prepared = _Prepared(EntityRow(entity.id, self.etype.key, name, status, data), where)
        self._finish([prepared], resolve, ready)
        return prepared

    def _reaches_quickbooks(self, entity: Entity, prepared: _Prepared) -> bool:
        """An edit matters to QuickBooks when fields changed or the record became ready (or
        stopped being ready); a status change alone stays in the app."""
        was_ready = self._ready(entity.status, entity.data, self._gate())
        return prepared.row.data != entity.data or prepared.ready != was_ready

    def delete(self, record_id: int, from_quickbooks: bool = False) -> Record:
        """Delete the record in the app; QuickBooks deletes or inactivates it at the next sync
        (by type and setting), or never hears of it if it was never synced or the deletion
        came ``from_quickbooks``."""
        with self.store.write():
            change = self.change_of(record_id, "deleted")
            self.store.entities.mark_deleted([record_id])
            if not from_quickbooks:
                self.queue.record([change])
        return self.get(record_id)

    def change_of(self, record_id: int, event: str = "updated") -> Change:
        """What the queue hears of a live record as it stands now (its readiness and dependency
        order): for deletions, and for actions that queue a record again (resync, clear ID)."""
        entity = self._live(record_id)
        row = EntityRow(record_id, self.etype.key, entity.name, entity.status, entity.data)
        prepared = _Prepared(row, entity.name, self.is_ready(entity))
        prepared.dep_order = self._dep_order(prepared, Resolver(self.store))
        return prepared.change(event, self.etype.is_list)

    def is_ready(self, entity: Entity) -> bool:
        """True when the stored record is ready to sync: a list record always; a transaction
        at a sync status of its type, fully recorded, in an area and from a source that sync."""
        return self._ready(entity.status, entity.data, self._gate())

    def frame(self, include_deleted: bool = False) -> pd.DataFrame:
        """The records as a DataFrame: typed field columns, plus ListID/TxnID, EditSequence and
        the open PSR of each record."""
        return frames.records(self.store, self.etype, include_deleted)


class TxnCollection(Collection):
    """Transactions: records with a status, queued only when ready to sync."""

    @property
    def statuses(self) -> TxnStatuses:
        """This type's row of the status table."""
        return STATUS_TABLE[self.etype.key]

    def _status(self, value: Any, where: str) -> str | None:
        if is_blank(value):
            return self.statuses.default
        key = str(value).strip().lower().replace(" ", "_")
        if key not in self.statuses.statuses:
            reason = f"must be one of: {', '.join(self.statuses.statuses)}"
            raise RecordError(where, "status", value, reason)
        return key

    def _gate(self) -> Scope | None:
        return Scope.of(self.store.settings)

    def _ready(self, status: str | None, data: Mapping[str, Any], gate: Scope | None) -> bool:
        return not_ready(self.etype.key, status, data, gate) is None

    def set_status(self, record_id: int, status: str) -> Record:
        """Move the transaction to ``status``; reaching a sync status queues it if complete."""
        return self.update(record_id, status=status)

    def missing(self, record_id: int) -> list[str]:
        """The parts the transaction still needs to be fully recorded (empty: complete)."""
        return missing_parts(self.etype.key, self._entity(record_id).data)

    def lines_frame(self, include_deleted: bool = False) -> pd.DataFrame:
        """One row per line (or payment application) of these transactions."""
        return frames.lines(self.store, self.etype, include_deleted)
