"""Message sets for exactly-once delivery: saved with their ``newMessageSetID`` before sending.

If the answer is lost (crash, timeout, dropped connection) the job runner asks QuickBooks
about the saved ID (``oldMessageSetID``) instead of sending the changes a second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from syncengine.store.errors import NotFound

if TYPE_CHECKING:
    from syncengine.store import Store

SAVED, SENT, ANSWERED, RECOVERED, ABANDONED = "saved", "sent", "answered", "recovered", "abandoned"


@dataclass(frozen=True)
class MessageRequest:
    """One request inside a message set: its requestID, type, and the PSR it carries."""

    request_id: str
    request_type: str = ""
    psr_id: int | None = None


@dataclass(frozen=True)
class MessageSet:
    """A saved message set: request text, state (saved, sent, answered, recovered, abandoned)."""

    id: str
    job_id: int
    seq: int
    request_xml: str
    state: str
    status_code: int | None
    response_xml: str | None
    saved_at: str
    sent_at: str | None
    answered_at: str | None


class MessageStore:
    """Rows of ``message_sets`` and ``message_requests``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(
        self,
        job_id: int,
        message_set_id: str,
        request_xml: str,
        requests: Sequence[MessageRequest] = (),
    ) -> MessageSet:
        """Persist a message set and its requests; call this before the request leaves."""
        now = self._store.now()
        with self._store.write() as conn:
            seq = conn.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM message_sets WHERE job_id = ?", (job_id,)
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO message_sets (id, job_id, seq, request_xml, saved_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (message_set_id, job_id, seq, request_xml, now),
            )
            conn.executemany(
                "INSERT INTO message_requests (message_set_id, request_id, request_type, psr_id)"
                " VALUES (?, ?, ?, ?)",
                [(message_set_id, r.request_id, r.request_type, r.psr_id) for r in requests],
            )
        return MessageSet(
            id=message_set_id,
            job_id=job_id,
            seq=seq,
            request_xml=request_xml,
            state=SAVED,
            status_code=None,
            response_xml=None,
            saved_at=now,
            sent_at=None,
            answered_at=None,
        )

    def mark_sent(self, message_set_id: str) -> None:
        """The set has gone to QuickBooks: its PSRs' job items become ``sent``."""
        now = self._store.now()
        with self._store.write() as conn:
            job_id = self._job_of(message_set_id)
            conn.execute(
                "UPDATE message_sets SET state = ?, sent_at = ? WHERE id = ?",
                (SENT, now, message_set_id),
            )
            # "+state": look items up by primary key, not by scanning every pending item
            conn.execute(
                "UPDATE job_items SET state = 'sent' WHERE job_id = ? AND +state = 'pending'"
                " AND psr_id IN (SELECT psr_id FROM message_requests WHERE message_set_id = ?)",
                (job_id, message_set_id),
            )
            conn.execute(
                "UPDATE jobs SET request_sent_at = COALESCE(request_sent_at, ?) WHERE id = ?",
                (now, job_id),
            )

    def record_response(
        self,
        message_set_id: str,
        response_xml: str,
        status_code: int | None = None,
        recovered: bool = False,
    ) -> None:
        """Keep QuickBooks' answer (``recovered``: it came from an ``oldMessageSetID`` check)."""
        now = self._store.now()
        state = RECOVERED if recovered else ANSWERED
        with self._store.write() as conn:
            job_id = self._job_of(message_set_id)
            conn.execute(
                "UPDATE message_sets SET state = ?, status_code = ?, response_xml = ?,"
                " answered_at = ? WHERE id = ?",
                (state, status_code, response_xml, now, message_set_id),
            )
            conn.execute("UPDATE jobs SET response_received_at = ? WHERE id = ?", (now, job_id))

    def abandon(self, message_set_id: str) -> None:
        """Give up on a set QuickBooks never stored (its PSRs are to be sent again)."""
        with self._store.write() as conn:
            self._job_of(message_set_id)
            conn.execute(
                "UPDATE message_sets SET state = ? WHERE id = ?", (ABANDONED, message_set_id)
            )

    def get(self, message_set_id: str) -> MessageSet:
        """The saved message set; :class:`NotFound` if there is none."""
        row = self._store.conn.execute(
            "SELECT * FROM message_sets WHERE id = ?", (message_set_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no message set {message_set_id!r}")
        return MessageSet(**dict(row))

    def _job_of(self, message_set_id: str) -> int:
        """The job a saved set belongs to (without reading its texts); :class:`NotFound`."""
        row = self._store.conn.execute(
            "SELECT job_id FROM message_sets WHERE id = ?", (message_set_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no message set {message_set_id!r}")
        return int(row[0])

    def requests(self, message_set_id: str) -> list[MessageRequest]:
        """The requests the set carries, in the order they were saved."""
        rows = self._store.conn.execute(
            "SELECT request_id, request_type, psr_id FROM message_requests"
            " WHERE message_set_id = ? ORDER BY rowid",
            (message_set_id,),
        )
        return [MessageRequest(**dict(row)) for row in rows]

    def unanswered(self, job_id: int) -> list[MessageSet]:
        """A job's sets that were saved or sent but have no answer: check these on resume."""
        rows = self._store.conn.execute(
            "SELECT * FROM message_sets WHERE job_id = ? AND state IN (?, ?) ORDER BY seq",
            (job_id, SAVED, SENT),
        )
        return [MessageSet(**dict(row)) for row in rows]

    def frame(self, job_id: int | None = None) -> pd.DataFrame:
        """Message sets (one job's, or all) with how many requests each carries."""
        sql = (
            "SELECT m.*, (SELECT COUNT(*) FROM message_requests r WHERE r.message_set_id = m.id)"
            " AS request_count FROM message_sets m"
        )
        if job_id is None:
            return self._store.read_frame(sql + " ORDER BY m.job_id, m.seq")
        return self._store.read_frame(sql + " WHERE m.job_id = ? ORDER BY m.seq", [job_id])
