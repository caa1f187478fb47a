"""Links: which QuickBooks object (ListID or TxnID, with its EditSequence) an app record is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from syncengine.store.entities import CHUNK, chunks

if TYPE_CHECKING:
    from syncengine.store import Store


@dataclass(frozen=True)
class Link:
    """An app record's QuickBooks identity as last synced."""

    entity_id: int
    entity_type: str
    qb_type: str
    qb_id: str
    edit_sequence: str | None
    qb_active: bool
    synced_at: str
    qb_modified_at: str | None
    qb_deleted_at: str | None


@dataclass(frozen=True)
class LinkUpdate:
    """A ListID/TxnID and EditSequence QuickBooks just gave (or confirmed) for a record."""

    entity_id: int
    entity_type: str
    qb_id: str
    edit_sequence: str | None
    qb_type: str = ""
    qb_modified_at: str | None = None


_UPSERT = """
INSERT INTO links (entity_id, entity_type, qb_type, qb_id, edit_sequence, synced_at,
                   qb_modified_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (entity_id) DO UPDATE SET
    qb_id = excluded.qb_id,
    edit_sequence = excluded.edit_sequence,
    synced_at = excluded.synced_at,
    qb_type = CASE WHEN excluded.qb_type = '' THEN links.qb_type ELSE excluded.qb_type END,
    qb_modified_at = COALESCE(excluded.qb_modified_at, links.qb_modified_at),
    qb_deleted_at = NULL
"""


# The columns of a Link, in its field order: every query that builds one selects these.
COLUMNS = (
    "entity_id, entity_type, qb_type, qb_id, edit_sequence, qb_active, synced_at,"
    " qb_modified_at, qb_deleted_at"
)


def _link(row: Sequence[Any]) -> Link:
    return Link(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7], row[8])


class LinkStore:
    """Rows of the ``links`` table."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, entity_id: int) -> Link | None:
        """The record's link, or None if it never reached QuickBooks (or its ID was cleared)."""
        return self.get_many([entity_id]).get(entity_id)

    def get_many(self, entity_ids: Sequence[int]) -> dict[int, Link]:
        """Links of the records among ``entity_ids`` that have one."""
        out: dict[int, Link] = {}
        for part in chunks(list(entity_ids)):
            marks = ",".join("?" * len(part))
            sql = f"SELECT {COLUMNS} FROM links WHERE entity_id IN ({marks})"
            for row in self._store.conn.execute(sql, tuple(part)):
                out[row[0]] = _link(row)
        return out

    def by_qb_id(self, entity_type: str, qb_id: str) -> Link | None:
        """The link holding this ListID/TxnID for an entity type, if any (used by import)."""
        row = self._store.conn.execute(
            f"SELECT {COLUMNS} FROM links WHERE entity_type = ? AND qb_id = ?",
            (entity_type, qb_id),
        ).fetchone()
        return None if row is None else _link(row)

    def by_qb_ids(self, entity_type: str, qb_ids: Sequence[str]) -> dict[str, Link]:
        """The links of one entity type holding any of these ListIDs/TxnIDs, keyed by that ID."""
        out: dict[str, Link] = {}
        ids = list(qb_ids)
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            marks = ",".join("?" * len(part))
            sql = f"SELECT {COLUMNS} FROM links WHERE entity_type = ? AND qb_id IN ({marks})"
            for row in self._store.conn.execute(sql, (entity_type, *part)):
                out[row[3]] = _link(row)
        return out

    def edit_sequences(self, entity_type: str, qb_ids: Sequence[str]) -> dict[str, str | None]:
        """The EditSequence last synced for each of these ListIDs/TxnIDs the app holds (the
        import's echo check, without building whole links)."""
        out: dict[str, str | None] = {}
        ids = list(qb_ids)
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            marks = ",".join("?" * len(part))
            sql = (
                "SELECT qb_id, edit_sequence FROM links"
                f" WHERE entity_type = ? AND qb_id IN ({marks})"
            )
            out.update(self._store.conn.execute(sql, (entity_type, *part)).fetchall())
        return out

    def upsert_many(self, updates: Sequence[LinkUpdate]) -> None:
        """Create or refresh links, stamped synced now; QuickBooks just gave or confirmed each
        ID, so a link marked deleted is live again (a transaction re-added after undo sync)."""
        now = self._store.now()
        params = [
            (u.entity_id, u.entity_type, u.qb_type, u.qb_id, u.edit_sequence, now, u.qb_modified_at)
            for u in updates
        ]
        with self._store.write() as conn:
            conn.executemany(_UPSERT, params)

    def mark_inactive(self, entity_ids: Sequence[int], active: bool = False) -> None:
        """Record that QuickBooks holds these list records as inactive (or active again)."""
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE links SET qb_active = ?, synced_at = ? WHERE entity_id = ?",
                [(int(active), self._store.now(), i) for i in entity_ids],
            )

    def mark_deleted(self, entity_ids: Sequence[int]) -> None:
        """Record that the QuickBooks objects were deleted (the ListID/TxnID stays for history)."""
        now = self._store.now()
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE links SET qb_deleted_at = ?, synced_at = ? WHERE entity_id = ?",
                [(now, now, i) for i in entity_ids],
            )

    def clear(self, entity_id: int) -> bool:
        """Forget the record's ListID/TxnID ("clear ID"); True if there was one."""
        with self._store.write() as conn:
            cur = conn.execute("DELETE FROM links WHERE entity_id = ?", (entity_id,))
        return cur.rowcount > 0

    def frame(self) -> pd.DataFrame:
        """Every link as a DataFrame, with the app record's name."""
        return self._store.read_frame(
            "SELECT l.*, e.name FROM links l JOIN entities e ON e.id = l.entity_id"
            " ORDER BY l.entity_id"
        )
