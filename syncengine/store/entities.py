"""App records as rows: one table for every entity type, type-specific fields kept as JSON.

The store does not validate fields; :mod:`syncengine.app` does, then writes here. Records are
never removed: a deletion sets ``deleted_at`` so PSRs, links and the sync log keep their subject.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from syncengine.store.errors import NotFound

if TYPE_CHECKING:
    from syncengine.store import Store

CHUNK = 500  # ids per IN (...) query; well under SQLite's bound-parameter limit
KEEP = 20_000  # decoded records kept for their next read, ~2 KB each (EntityStore.get_many)


@dataclass(frozen=True)
class Entity:
    """One stored app record: its type, name (or reference number), status and fields."""

    id: int
    entity_type: str
    name: str
    status: str | None
    data: dict[str, Any]
    created_at: str
    modified_at: str
    deleted_at: str | None

    @property
    def deleted(self) -> bool:
        """True once the record has been deleted in the app."""
        return self.deleted_at is not None


@dataclass(frozen=True)
class EntityRow:
    """What the app hands the store to write: the row without its timestamps."""

    id: int
    entity_type: str
    name: str
    status: str | None
    data: dict[str, Any]


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    """``ids`` in slices small enough for one ``IN (...)`` query."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# The columns of an Entity, in its field order: every query that builds one selects these.
COLUMNS = "id, entity_type, name, status, data, created_at, modified_at, deleted_at"
_E_COLUMNS = ", ".join(f"e.{c}" for c in COLUMNS.split(", "))


def _entity(row: Any) -> Entity:
    return Entity(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7])


class EntityStore:
    """Rows of the ``entities`` table."""

    def __init__(self, store: Store) -> None:
        self._store = store
        # id -> (row as read, Entity built from it): a record read again unchanged is not
        # decoded again. Each entry serves one later read, which takes it out.
        self._kept: dict[int, tuple[sqlite3.Row, Entity]] = {}

    def next_id(self) -> int:
        """The ID the next inserted record gets; stable only inside a write transaction."""
        row = self._store.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM entities").fetchone()
        return int(row[0])

    def insert_many(self, rows: Sequence[EntityRow]) -> None:
        """Insert records with the IDs they carry, all stamped created and modified now."""
        now = self._store.now()
        params = [
            (r.id, r.entity_type, r.name, r.status, json.dumps(r.data), now, now) for r in rows
        ]
        with self._store.write() as conn:
            conn.executemany(
                "INSERT INTO entities (id, entity_type, name, status, data, created_at,"
                " modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                params,
            )

    def update_many(self, rows: Sequence[EntityRow]) -> None:
        """Replace name, status and fields of existing records; stamps them modified now."""
        now = self._store.now()
        params = [(r.name, r.status, json.dumps(r.data), now, r.id) for r in rows]
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE entities SET name = ?, status = ?, data = ?, modified_at = ? WHERE id = ?",
                params,
            )

    def mark_deleted(self, ids: Sequence[int]) -> None:
        """Stamp records deleted now (they stay readable)."""
        now = self._store.now()
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE entities SET deleted_at = ?, modified_at = ? WHERE id = ?",
                [(now, now, i) for i in ids],
            )

    def get(self, entity_id: int) -> Entity:
        """The record with this ID, deleted or not; :class:`NotFound` if there is none."""
        found = self.get_many([entity_id])
        if entity_id not in found:
            raise NotFound(f"no app record with id {entity_id}")
        return found[entity_id]

    def get_many(self, ids: Sequence[int], again: bool = False) -> dict[int, Entity]:
        """The records among ``ids`` that exist, keyed by ID.

        A sync job reads most records twice (checking references, then planning); the
        second read of a row that has not changed since reuses the Entity of the first
        instead of decoding its JSON again (records are never changed in place). Records
        read are kept for that while fewer than :data:`KEEP` are; ``again``: the caller
        reads every one of these again soon, so all are kept, however many (the caller
        holds them all at this moment anyway: keeping them only makes them live longer).
        """
        out: dict[int, Entity] = {}
        for part in chunks(list(ids)):
            marks = ",".join("?" * len(part))
            for row in self._store.conn.execute(
                f"SELECT {COLUMNS} FROM entities WHERE id IN ({marks})", tuple(part)
            ):
                out[row[0]] = self._decoded(row, again)
        return out

    def make_room(self) -> None:
        """Drop every decoded record kept if :data:`KEEP` are (called as a job starts and as
        it ends): a full cache takes no more (``_decoded``), and what earlier jobs read once
        and never again would hold the room for good, or a job that stopped between its two
        reads would hold all it kept. One not full is left: its records may be read."""
        if len(self._kept) >= KEEP:
            self._kept.clear()

    def _decoded(self, row: sqlite3.Row, keep: bool = False) -> Entity:
        """The Entity of a row: the one kept from an earlier read of the very same row, or a
        new one, kept for the next read while fewer than :data:`KEEP` are kept (or if
        ``keep``).

        When full, the new one is not kept (rather than the oldest dropped): a second pass
        over more than ``KEEP`` records in the order of the first still reuses ``KEEP`` of
        them, where dropping the oldest dropped each just before it was read again."""
        kept = self._kept.pop(row[0], None)
        if kept is not None and kept[0] == row:
            return kept[1]
        entity = _entity(row)
        if keep or len(self._kept) < KEEP:
            self._kept[row[0]] = (row, entity)
        return entity

    def find(self, entity_type: str, name: str) -> list[Entity]:
        """Live (not deleted) records of a type whose name matches, ignoring case."""
        rows = self._store.conn.execute(
            f"SELECT {COLUMNS} FROM entities WHERE entity_type = ? AND name = ? COLLATE NOCASE"
            " AND deleted_at IS NULL ORDER BY id",
            (entity_type, name),
        )
        return [_entity(row) for row in rows]

    def names(self, entity_type: str) -> dict[str, list[int]]:
        """Live records of a type by case-folded name (names may repeat in the app)."""
        out: dict[str, list[int]] = {}
        for rid, name in self._store.conn.execute(
            "SELECT id, name FROM entities WHERE entity_type = ? AND deleted_at IS NULL",
            (entity_type,),
        ):
            out.setdefault(name.casefold(), []).append(rid)
        return out

    def all(self, entity_type: str, include_deleted: bool = False) -> list[Entity]:
        """Every record of a type, oldest first."""
        sql = f"SELECT {COLUMNS} FROM entities WHERE entity_type = ?"
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        rows = self._store.conn.execute(sql + " ORDER BY id", (entity_type,))
        return [_entity(row) for row in rows]

    def unsent(self) -> list[Entity]:
        """Live records QuickBooks does not hold (no link, or its object deleted there) that
        nothing will send: no PSR queued, locked or failed, no proxy or prevent-sync flag."""
        rows = self._store.conn.execute(
            f"SELECT {_E_COLUMNS} FROM entities e LEFT JOIN links l ON l.entity_id = e.id"
            " WHERE e.deleted_at IS NULL AND (l.entity_id IS NULL OR l.qb_deleted_at IS NOT NULL)"
            " AND NOT EXISTS (SELECT 1 FROM psrs p WHERE p.entity_id = e.id"
            "   AND p.state IN ('queued', 'locked', 'failed'))"
            " AND NOT EXISTS (SELECT 1 FROM entity_flags f WHERE f.entity_id = e.id)"
            " ORDER BY e.id"
        )
        return [_entity(row) for row in rows]

    def frame(self, entity_type: str | None = None, include_deleted: bool = False) -> pd.DataFrame:
        """Records as a DataFrame, fields still as JSON text in ``data``."""
        where, params = [], []
        if entity_type is not None:
            where.append("entity_type = ?")
            params.append(entity_type)
        if not include_deleted:
            where.append("deleted_at IS NULL")
        sql = "SELECT * FROM entities" + (" WHERE " + " AND ".join(where) if where else "")
        return self._store.read_frame(sql + " ORDER BY id", params)
