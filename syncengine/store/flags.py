"""Per-record flags that keep a record out of syncing: ``proxy`` and ``prevent_sync``.

A flagged record never gets a PSR. Setting a flag does not touch PSRs already queued: the
operator removes those from the queue (rule 5's playbooks do that explicitly).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from syncengine.errors import RecordError
from syncengine.store.entities import chunks

if TYPE_CHECKING:
    from syncengine.store import Store

FLAGS = ("proxy", "prevent_sync")


class FlagStore:
    """Rows of ``entity_flags``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def mark(self, entity_id: int, flag: str, note: str = "") -> None:
        """Flag a record (again: refreshes the note and time)."""
        if flag not in FLAGS:
            raise RecordError(f"record {entity_id}", "flag", flag, f"flags: {', '.join(FLAGS)}")
        self._store.entities.get(entity_id)
        with self._store.write() as conn:
            conn.execute(
                "INSERT INTO entity_flags (entity_id, flag, note, set_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (entity_id, flag) DO UPDATE SET note = excluded.note,"
                " set_at = excluded.set_at",
                (entity_id, flag, note, self._store.now()),
            )

    def clear(self, entity_id: int, flag: str) -> bool:
        """Remove a flag; True if it was set."""
        with self._store.write() as conn:
            cur = conn.execute(
                "DELETE FROM entity_flags WHERE entity_id = ? AND flag = ?", (entity_id, flag)
            )
        return cur.rowcount > 0

    def of(self, entity_id: int) -> set[str]:
        """The flags a record carries."""
        rows = self._store.conn.execute(
            "SELECT flag FROM entity_flags WHERE entity_id = ?", (entity_id,)
        )
        return {flag for (flag,) in rows}

    def of_many(self, entity_ids: Sequence[int]) -> dict[int, set[str]]:
        """The flags of each of ``entity_ids`` that carries any."""
        out: dict[int, set[str]] = {}
        for part in chunks(list(entity_ids)):
            marks = ",".join("?" * len(part))
            sql = f"SELECT entity_id, flag FROM entity_flags WHERE entity_id IN ({marks})"
            for entity_id, flag in self._store.conn.execute(sql, tuple(part)):
                out.setdefault(entity_id, set()).add(flag)
        return out

    def flagged(self, entity_ids: Sequence[int]) -> set[int]:
        """Which of ``entity_ids`` carry any flag."""
        out: set[int] = set()
        for part in chunks(list(entity_ids)):
            marks = ",".join("?" * len(part))
            sql = f"SELECT DISTINCT entity_id FROM entity_flags WHERE entity_id IN ({marks})"
            out.update(i for (i,) in self._store.conn.execute(sql, tuple(part)))
        return out

    def frame(self) -> pd.DataFrame:
        """Every flag with the record's type and name."""
        return self._store.read_frame(
            "SELECT f.*, e.entity_type, e.name FROM entity_flags f"
            " JOIN entities e ON e.id = f.entity_id ORDER BY f.entity_id, f.flag"
        )
