"""Baselines: each linked record's synced fields as QuickBooks last held them.

The sync job writes a baseline whenever QuickBooks and the app agree on a record (an export
QuickBooks took, an import applied). Comparing the app's fields and QuickBooks' fields with
the baseline says which side changed what; that is the conflict rule's input. A record with
no baseline (never synced, or its baseline forgotten) counts every app field as changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from syncengine.store.entities import chunks

if TYPE_CHECKING:
    from syncengine.store import Store


class BaselineStore:
    """Rows of ``baselines``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get_many(self, entity_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The baselines of the records among ``entity_ids`` that have one."""
        out: dict[int, dict[str, Any]] = {}
        for part in chunks(list(entity_ids)):
            marks = ",".join("?" * len(part))
            sql = f"SELECT entity_id, data FROM baselines WHERE entity_id IN ({marks})"
            for entity_id, data in self._store.conn.execute(sql, tuple(part)):
                out[entity_id] = json.loads(data)
        return out

    def put_many(self, baselines: Mapping[int, Mapping[str, Any]]) -> None:
        """Create or replace baselines, stamped now."""
        now = self._store.now()
        rows = [(i, json.dumps(data), now) for i, data in baselines.items()]
        with self._store.write() as conn:
            conn.executemany(
                "INSERT INTO baselines (entity_id, data, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (entity_id) DO UPDATE SET data = excluded.data,"
                " updated_at = excluded.updated_at",
                rows,
            )

    def forget(self, entity_ids: Sequence[int]) -> None:
        """Drop baselines (the app then wins every field it holds at the next conflict)."""
        with self._store.write() as conn:
            conn.executemany(
                "DELETE FROM baselines WHERE entity_id = ?", [(i,) for i in entity_ids]
            )
