"""Message sets of one sync job: their IDs, saving a write set before it leaves, and what the
job hands a driver.

A write set is saved (``store.messages.save``) with its ``newMessageSetID`` and the PSR each
request carries before its text is handed out; that is what makes error recovery possible.
Read-only sets (queries, status checks) are not saved: asking again is always safe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import NamedTuple

from syncengine import qbxml
from syncengine.store import MessageRequest, Store

ON_ERROR = "continueOnError"


class Outgoing(NamedTuple):
    """One request document for the driver; ``message_set_id`` and ``requests`` are set for
    saved write sets."""

    xml: str
    message_set_id: str | None = None
    requests: list[MessageRequest] | None = None


class Carried(NamedTuple):
    """A request of a write set and the PSR it carries (None for shared-list requests)."""

    request: qbxml.Request
    psr_id: int | None


def read_set(requests: Sequence[qbxml.Request]) -> Outgoing:
    """A read-only set (queries): not saved, no message-set ID."""
    return Outgoing(qbxml.MessageSet(requests, on_error=ON_ERROR).to_xml())


class SetWriter:
    """Names and saves the write sets of one job: ``{job}-{seq}-{stamp}``, at most 23
    characters, unique per workspace and, through the job's creation stamp, per file."""

    def __init__(self, store: Store, job_id: int, created_at: str) -> None:
        self.store = store
        self.job_id = job_id
        self._stamp = hashlib.sha1(f"{created_at}|{store.path}".encode()).hexdigest()[:6]
        row = store.conn.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM message_sets WHERE job_id = ?", (job_id,)
        ).fetchone()
        self._seq = int(row[0])

    def _next_id(self) -> str:
        self._seq += 1
        return f"{self.job_id}-{self._seq}-{self._stamp}"[: qbxml.MAX_MESSAGE_SET_ID]

    def save(self, carried: Sequence[Carried]) -> Outgoing:
        """Save a new write set of these requests; the Outgoing to hand out."""
        set_id = self._next_id()
        xml = qbxml.MessageSet(
            [c.request for c in carried], on_error=ON_ERROR, new_message_set_id=set_id
        ).to_xml()
        return self._save(set_id, xml, [_request_row(c) for c in carried])

    def resend(self, old_id: str, request_xml: str) -> Outgoing:
        """The same requests as saved set ``old_id`` under a new ID (QuickBooks never got
        them: 9002); the old set is abandoned in the same transaction."""
        set_id = self._next_id()
        xml = request_xml.replace(f'newMessageSetID="{old_id}"', f'newMessageSetID="{set_id}"')
        with self.store.write():
            rows = self.store.messages.requests(old_id)
            self.store.messages.abandon(old_id)
            return self._save(set_id, xml, rows)

    def _save(self, set_id: str, xml: str, rows: Sequence[MessageRequest]) -> Outgoing:
        self.store.messages.save(self.job_id, set_id, xml, rows)
        return Outgoing(xml, set_id, list(rows))


def _request_row(carried: Carried) -> MessageRequest:
    request = carried.request
    return MessageRequest(request.request_id or "", request.type, carried.psr_id)
