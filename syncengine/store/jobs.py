"""Sync jobs as rows: creation under the one-unfinished-job rule, items, outcomes, errors.

Only one unfinished job may exist. :meth:`JobStore.create` checks that under ``BEGIN
IMMEDIATE`` and the partial unique index ``jobs_one_unfinished`` enforces it for any writer,
so two processes on one workspace file cannot both start a job.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

import pandas as pd

from syncengine.clock import shown
from syncengine.store import closing, outcomes
from syncengine.store.errors import JobRefused, NotFound
from syncengine.store.outcomes import PsrDone, PsrFailure
from syncengine.store.psrs import LOCKED, OPEN_STATES, PsrAction

if TYPE_CHECKING:
    from syncengine.store import Store

JobOutcome = Literal["running", "finished", "cancelled"]  # as the jobs table CHECKs
_JOB_COLUMNS = (
    "id, finished, outcome, phase, item_count, error_count, created_at, request_sent_at,"
    " response_received_at, completed_at, note, date_from, date_to"
)


@dataclass(frozen=True)
class Job:
    """A sync job: ID, created (record created), finished, error count and its timestamps."""

    id: int
    finished: bool
    outcome: JobOutcome
    phase: str
    item_count: int
    error_count: int
    created_at: str
    request_sent_at: str | None
    response_received_at: str | None
    completed_at: str | None
    note: str
    date_from: str | None = None
    date_to: str | None = None

    def describe(self) -> str:
        """``job 12 started 2025-01-06 10:02``."""
        return f"job {self.id} started {shown(self.created_at)[:16]}"


class JobItem(NamedTuple):
    """One PSR of a job, in export order, with the message set that last carried it."""

    job_id: int
    psr_id: int
    seq: int
    action: PsrAction
    state: str
    entity_id: int
    entity_type: str
    name: str
    message_set_id: str | None
    request_id: str | None


class ItemState(NamedTuple):
    """One job item as the job runner tracks it: PSR, record, action, state, export order."""

    psr_id: int
    entity_id: int
    entity_type: str
    action: PsrAction
    state: str
    seq: int


_ITEMS = """
SELECT ji.job_id, ji.psr_id, ji.seq, ji.action, ji.state, p.entity_id, p.entity_type, e.name,
       mr.message_set_id, mr.request_id
FROM job_items ji
JOIN psrs p ON p.id = ji.psr_id
JOIN entities e ON e.id = p.entity_id
LEFT JOIN message_requests mr ON mr.rowid = (
    SELECT r.rowid FROM message_requests r JOIN message_sets s ON s.id = r.message_set_id
    WHERE r.psr_id = ji.psr_id AND s.job_id = ji.job_id ORDER BY s.seq DESC LIMIT 1)
WHERE ji.job_id = ?
"""


def _job(row: sqlite3.Row) -> Job:
    values = dict(row)
    values["finished"] = bool(values["finished"])
    return Job(**values)


class JobStore:
    """Rows of ``jobs``, ``job_items`` and ``errors``, and the PSR outcomes a job records."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(
        self,
        note: str = "",
        psr_ids: Sequence[int] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> Job:
        """Start a sync job locking every open PSR, or only the open ones among ``psr_ids``
        (none is fine: the import phase still runs); ``date_from``/``date_to`` (ISO dates)
        record a manual sync's date range. :class:`JobRefused` while another job is
        unfinished."""
        self._store.entities.make_room()
        with self._store.write() as conn:
            self._refuse_if_unfinished()
            try:
                cur = conn.execute(
                    "INSERT INTO jobs (created_at, note, date_from, date_to) VALUES (?, ?, ?, ?)",
                    (self._store.now(), note, date_from, date_to),
                )
            except sqlite3.IntegrityError as exc:  # another writer got there first
                raise JobRefused("another sync job is not finished; finish or cancel it") from exc
            job_id = cur.lastrowid
            assert job_id is not None  # sqlite3 sets it after every INSERT
            if psr_ids is None:
                self._lock_open_psrs(conn, job_id)
            else:
                self._lock(job_id, psr_ids, first_seq=1)
        return self.get(job_id)

    def _refuse_if_unfinished(self) -> None:
        job = self.current()
        if job is not None:
            raise JobRefused(f"{job.describe()} is not finished; finish or cancel it first")

    def _lock_open_psrs(self, conn: sqlite3.Connection, job_id: int) -> None:
        marks = ",".join("?" * len(OPEN_STATES))
        conn.execute(
            f"UPDATE psrs SET state = ?, job_id = ?, updated_at = ? WHERE state IN ({marks})",
            (LOCKED, job_id, self._store.now(), *OPEN_STATES),
        )
        conn.execute(
            "INSERT INTO job_items (job_id, psr_id, seq, action)"
            " SELECT ?, id, ROW_NUMBER() OVER (ORDER BY dep_order, id), action FROM psrs"
            " WHERE job_id = ? AND state = ?",
            (job_id, job_id, LOCKED),
        )
        conn.execute(
            "UPDATE jobs SET item_count = (SELECT COUNT(*) FROM job_items WHERE job_id = ?)"
            " WHERE id = ?",
            (job_id, job_id),
        )

    def add_items(self, job_id: int, psr_ids: Sequence[int]) -> list[ItemState]:
        """Lock the open PSRs among ``psr_ids`` into the running job, ahead of its other items
        in export order (lists its transactions need); the items added."""
        with self._store.write() as conn:
            row = conn.execute(
                "SELECT COALESCE(MIN(seq), 1) FROM job_items WHERE job_id = ?", (job_id,)
            ).fetchone()
            self._lock(job_id, psr_ids, first_seq=int(row[0]) - len(psr_ids))
        wanted = set(psr_ids)
        return [i for i in self.item_states(job_id) if i.psr_id in wanted and i.state == "pending"]

    def _lock(self, job_id: int, psr_ids: Sequence[int], first_seq: int) -> None:
        """Lock the open PSRs among ``psr_ids`` into the job, numbered from ``first_seq`` in
        dependency order (inside the caller's write transaction)."""
        open_psrs = [p for p in self._store.psrs.by_ids(psr_ids) if p.state in OPEN_STATES]
        open_psrs.sort(key=lambda p: (p.dep_order, p.id))
        now = self._store.now()
        conn = self._store.conn
        conn.executemany(
            "UPDATE psrs SET state = ?, job_id = ?, updated_at = ? WHERE id = ?",
            [(LOCKED, job_id, now, p.id) for p in open_psrs],
        )
        conn.executemany(
            "INSERT INTO job_items (job_id, psr_id, seq, action) VALUES (?, ?, ?, ?)",
            [(job_id, p.id, first_seq + n, p.action) for n, p in enumerate(open_psrs)],
        )
        conn.execute(
            "UPDATE jobs SET item_count = (SELECT COUNT(*) FROM job_items WHERE job_id = ?)"
            " WHERE id = ?",
            (job_id, job_id),
        )

    def release(self, job_id: int, psr_ids: Sequence[int]) -> None:
        """Give pending items back to the queue unsent (their PSRs queued as they were)."""
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE job_items SET state = 'released' WHERE job_id = ? AND psr_id = ?",
                [(job_id, i) for i in psr_ids],
            )
            outcomes.requeue(self._store, self._store.psrs.by_ids(psr_ids), "queued")

    def get(self, job_id: int) -> Job:
        """The job with this ID; :class:`NotFound` if there is none."""
        row = self._store.conn.execute(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no sync job with id {job_id}")
        return _job(row)

    def current(self) -> Job | None:
        """The unfinished job, if there is one."""
        row = self._store.conn.execute(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE finished = 0"
        ).fetchone()
        return None if row is None else _job(row)

    def items(self, job_id: int, states: Sequence[str] | None = None) -> list[JobItem]:
        """The job's items in export order, optionally only those in ``states``."""
        sql, params = _ITEMS, [job_id, *(states or ())]
        if states:
            sql += f" AND ji.state IN ({','.join('?' * len(states))})"
        rows = self._store.conn.execute(sql + " ORDER BY ji.seq", params)
        return [JobItem(*row) for row in rows]

    def resume(self, job_id: int) -> list[JobItem]:
        """An unfinished job's items still to send or to confirm (pending, sent), in order."""
        job = self.get(job_id)
        if job.finished:
            raise JobRefused(f"{job.describe()} is {job.outcome}; it cannot be resumed")
        return self.items(job_id, ("pending", "sent"))

    def item_states(self, job_id: int) -> list[ItemState]:
        """Every item of the job with its PSR's record, in export order (no names, no joins
        beyond the PSR: the fast read a job runner resumes from)."""
        rows = self._store.conn.execute(
            "SELECT ji.psr_id, p.entity_id, p.entity_type, ji.action, ji.state, ji.seq"
            " FROM job_items ji JOIN psrs p ON p.id = ji.psr_id WHERE ji.job_id = ?"
            " ORDER BY ji.seq",
            (job_id,),
        )
        return [ItemState(*row) for row in rows]

    def retry(self, job_id: int, psr_ids: Sequence[int]) -> None:
        """Send these items again later in the same job: their job items go back to pending
        (the PSRs stay locked)."""
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE job_items SET state = 'pending' WHERE job_id = ? AND psr_id = ?",
                [(job_id, i) for i in psr_ids],
            )

    def stamp(self, job_id: int, sent: bool = False, received: bool = False) -> None:
        """Record an exchange no message set records (a query): the first request sent, the
        latest response received."""
        now = self._store.now()
        with self._store.write() as conn:
            if sent:
                conn.execute(
                    "UPDATE jobs SET request_sent_at = COALESCE(request_sent_at, ?) WHERE id = ?",
                    (now, job_id),
                )
            if received:
                conn.execute("UPDATE jobs SET response_received_at = ? WHERE id = ?", (now, job_id))

    def mark_done(self, done: Sequence[PsrDone]) -> None:
        """QuickBooks took these PSRs: close them and update each record's link."""
        outcomes.mark_done(self._store, done)

    def fail(self, failures: Sequence[PsrFailure]) -> None:
        """QuickBooks refused these PSRs: record the errors and re-queue them as failed."""
        outcomes.fail(self._store, failures)

    def add_error(self, job_id: int, message: str, code: int | None = None, hint: str = "") -> None:
        """Record an error of the job as a whole (e.g. QuickBooks could not be reached)."""
        with self._store.write() as conn:
            conn.execute(
                "INSERT INTO errors (job_id, status_code, message, hint, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (job_id, code, message, hint, self._store.now()),
            )
            conn.execute("UPDATE jobs SET error_count = error_count + 1 WHERE id = ?", (job_id,))

    def set_phase(self, job_id: int, phase: str) -> None:
        """Record which phase (export, import, …) the job runner has reached."""
        with self._store.write() as conn:
            conn.execute("UPDATE jobs SET phase = ? WHERE id = ?", (phase, job_id))

    def finish(self, job_id: int) -> Job:
        """Close the job; PSRs it never sent go back to the queue. Refused while QuickBooks may
        have applied a PSR without answering (recover it first, or cancel the job)."""
        closing.finish(self._store, job_id)
        self._store.entities.make_room()
        return self.get(job_id)

    def cancel(self, job_id: int, reason: str = "") -> Job:
        """Stop the job; every PSR it has not finished goes back to the queue, those QuickBooks
        may have applied without answering as failed, saying so."""
        closing.cancel(self._store, job_id, reason)
        self._store.entities.make_room()
        return self.get(job_id)

    def frame(self) -> pd.DataFrame:
        """Every sync job, newest first."""
        return self._store.read_frame(f"SELECT {_JOB_COLUMNS} FROM jobs ORDER BY id DESC")

    def items_frame(self, job_id: int) -> pd.DataFrame:
        """A job's items in export order, as a DataFrame."""
        return self._store.read_frame(_ITEMS + " ORDER BY ji.seq", [job_id])

    def errors_frame(self, job_id: int | None = None) -> pd.DataFrame:
        """Errors (of one job, or all) with the record each PSR was about."""
        sql = (
            "SELECT x.*, e.entity_type, e.name FROM errors x LEFT JOIN entities e"
            " ON e.id = x.entity_id"
        )
        if job_id is None:
            return self._store.read_frame(sql + " ORDER BY x.id")
        return self._store.read_frame(sql + " WHERE x.job_id = ? ORDER BY x.id", [job_id])
