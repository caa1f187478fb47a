"""The sync log: one line per record sent to or taken from QuickBooks, and how it went."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

import pandas as pd

if TYPE_CHECKING:
    from syncengine.store import Store

DIRECTIONS = ("export", "import")
LogOutcome = Literal["pending", "success", "failed", "skipped"]
OUTCOMES: tuple[LogOutcome, ...] = get_args(LogOutcome)


@dataclass(frozen=True)
class LogEntry:
    """One sync log line: direction (export/import), outcome and what it was about."""

    direction: str
    outcome: LogOutcome
    entity_id: int | None = None
    entity_type: str = ""
    action: str = ""
    job_id: int | None = None
    psr_id: int | None = None
    qb_id: str | None = None
    message: str = ""


def _row(e: LogEntry) -> tuple[Any, ...]:
    """The entry's fields in order (``dataclasses.astuple`` would deep-copy each one)."""
    return (
        e.direction,
        e.outcome,
        e.entity_id,
        e.entity_type,
        e.action,
        e.job_id,
        e.psr_id,
        e.qb_id,
        e.message,
    )


INSERT = (
    "INSERT INTO sync_log (at, direction, outcome, entity_id, entity_type, action, job_id,"
    " psr_id, qb_id, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class SyncLog:
    """Rows of the ``sync_log`` table."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add_many(self, entries: Sequence[LogEntry]) -> None:
        """Append log lines stamped now."""
        self.add_rows([_row(e) for e in entries])

    def add_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Append log lines given as tuples in :class:`LogEntry` field order (the fast path for
        big batches)."""
        now = self._store.now()
        with self._store.write() as conn:
            conn.executemany(INSERT, [(now, *row) for row in rows])

    def frame(
        self,
        job_id: int | None = None,
        outcome: str | None = None,
        direction: str | None = None,
    ) -> pd.DataFrame:
        """Log lines, oldest first, optionally only one job's, one outcome or one direction."""
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("job_id", job_id), ("outcome", outcome), ("direction", direction)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = "SELECT * FROM sync_log" + (" WHERE " + " AND ".join(where) if where else "")
        return self._store.read_frame(sql + " ORDER BY id", params)
