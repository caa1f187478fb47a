"""What a running sync job knows, rebuilt from the store whenever its conversation (re)starts.

Everything here can be read back from the store: job items and their states, which PSRs a
message set of this job has already carried (a lock error or a stale EditSequence is retried
only once), which PSRs wait for QuickBooks' current version of their record (a 3200 whose
re-read has not happened yet). Nothing is kept only in memory that a new process would need.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from syncengine import qbxml
from syncengine.qbxml import status
from syncengine.store import Job, Store
from syncengine.store.entities import chunks
from syncengine.store.messages import ANSWERED, RECOVERED
from syncengine.store.psrs import PsrAction


@dataclass
class Item:
    """One PSR of the job: its record, action, export order and job-item state."""

    psr_id: int
    entity_id: int
    entity_type: str
    action: PsrAction
    seq: int
    state: str


@dataclass
class JobState:
    """The job's items, the export queue and the retry marks.

    The queue is the items pending when the job was loaded, in export order, read from the
    front; and a heap of those queued (again) since. Each pop takes the first of the two
    heads: a job of N items pops in O(N), not O(N log N) through a heap as large as the job.
    """

    job: Job
    items: dict[int, Item]
    by_entity: dict[int, Item]
    pending: list[tuple[int, int]] = field(default_factory=list)  # heap of (seq, PSR ID)
    carried: set[int] = field(default_factory=set)
    stale: set[int] = field(default_factory=set)
    lined_up: list[tuple[int, int]] = field(default_factory=list)  # (seq, PSR ID) in order
    _front: int = 0

    def line_up(self, items: list[Item]) -> None:
        """Queue the items pending as the job loads (they come in export order: sorting
        them again costs one pass)."""
        self.lined_up = sorted((item.seq, item.psr_id) for item in items)
        self._front = 0
        for item in items:
            item.state = "pending"

    def push(self, item: Item) -> None:
        """Queue an item (again) for a later message set of this job."""
        item.state = "pending"
        heapq.heappush(self.pending, (item.seq, item.psr_id))

    def pop(self) -> Item | None:
        """The pending item first in export order, or None; it is ``taken`` until planned
        (the queue may hold an item twice: the second entry is then skipped)."""
        while (entry := self._next()) is not None:
            item = self.items[entry[1]]
            if item.state == "pending" and entry[1] not in self.stale:
                item.state = "taken"
                return item
        return None

    def _next(self) -> tuple[int, int] | None:
        front = self.lined_up[self._front] if self._front < len(self.lined_up) else None
        if front is not None and (not self.pending or front <= self.pending[0]):
            self._front += 1
            return front
        return heapq.heappop(self.pending) if self.pending else None

    def set_states(self, psr_ids: list[int], state: str) -> None:
        for psr_id in psr_ids:
            self.items[psr_id].state = state


def load(store: Store, job: Job) -> JobState:
    """The job's state as the store holds it."""
    items = [Item(*row[:4], row.seq, row.state) for row in store.jobs.item_states(job.id)]
    state = JobState(job, {i.psr_id: i for i in items}, {i.entity_id: i for i in items})
    state.carried = _carried(store, job.id)
    state.line_up([i for i in items if i.state == "pending"])
    state.stale = _stale(store, job.id, [i for i in items if i.state == "pending"], state)
    return state


def _carried(store: Store, job_id: int) -> set[int]:
    rows = store.conn.execute(
        "SELECT DISTINCT r.psr_id FROM message_requests r JOIN message_sets s"
        " ON s.id = r.message_set_id WHERE s.job_id = ? AND s.state IN (?, ?)"
        " AND r.psr_id IS NOT NULL",
        (job_id, ANSWERED, RECOVERED),
    )
    return {psr_id for (psr_id,) in rows}


def _stale(store: Store, job_id: int, pending: list[Item], state: JobState) -> set[int]:
    """Pending PSRs whose last answer in this job was 3200: they wait for a re-read."""
    again = sorted(i.psr_id for i in pending if i.psr_id in state.carried)
    last: dict[int, str] = {}
    for part in chunks(again):
        marks = ",".join("?" * len(part))
        rows = store.conn.execute(
            "SELECT r.psr_id, s.id FROM message_requests r JOIN message_sets s"
            f" ON s.id = r.message_set_id WHERE s.job_id = ? AND r.psr_id IN ({marks})"
            " AND s.state IN (?, ?) ORDER BY s.seq",
            (job_id, *part, ANSWERED, RECOVERED),
        )
        last.update(rows)
    answers = {set_id: store.messages.get(set_id).response_xml for set_id in set(last.values())}
    stale = set()
    for psr_id, set_id in last.items():
        answer = qbxml.parse_response(answers[set_id] or "").by_request_id(str(psr_id))
        if answer is not None and answer.status_code == status.STALE_EDIT_SEQUENCE:
            stale.add(psr_id)
    return stale
