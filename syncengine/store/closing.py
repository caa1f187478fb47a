"""Ending a sync job, finished or cancelled, without losing a PSR.

PSRs the job never sent go back to the queue as they were. A PSR in a message set that was
saved or sent but never answered may already be applied in QuickBooks: finishing is refused
until the job runner resolves it (``oldMessageSetID`` error recovery, then done or failed, or
the set abandoned); cancelling re-queues it as failed with a message saying so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from syncengine.store import outcomes
from syncengine.store.errors import JobRefused
from syncengine.store.outcomes import PsrFailure

if TYPE_CHECKING:
    from syncengine.store import Store
    from syncengine.store.jobs import Job, JobItem, JobOutcome

LOST = "sent in job {} but no answer came back; QuickBooks may already have it"


def unconfirmed(store: Store, job_id: int) -> list[JobItem]:
    """A job's items that QuickBooks may have applied without our knowing: sent and not yet
    marked done or failed, or carried by a message set that has no answer."""
    waiting = {m.id for m in store.messages.unanswered(job_id)}
    items = store.jobs.items(job_id, ("pending", "sent"))
    return [i for i in items if i.state == "sent" or i.message_set_id in waiting]


def finish(store: Store, job_id: int) -> None:
    """Mark the job finished and release its unsent PSRs; refused while any is unconfirmed."""
    with store.write():
        _unfinished(store, job_id)
        unsure = unconfirmed(store, job_id)
        if unsure:
            raise JobRefused(
                f"job {job_id} has {len(unsure)} PSR(s) sent with no answer from QuickBooks;"
                " recover them (oldMessageSetID) or cancel the job"
            )
        _close(store, job_id, "finished")


def cancel(store: Store, job_id: int, reason: str = "") -> None:
    """Mark the job cancelled: unconfirmed PSRs fail (re-queued), the others are released."""
    with store.write():
        _unfinished(store, job_id)
        failures = [
            PsrFailure(
                i.psr_id,
                LOST.format(job_id),
                request_id=i.request_id,
                message_set_id=i.message_set_id,
            )
            for i in unconfirmed(store, job_id)
        ]
        outcomes.fail(store, failures)
        _close(store, job_id, "cancelled", reason)


def _unfinished(store: Store, job_id: int) -> Job:
    job = store.jobs.get(job_id)
    if job.finished:
        raise JobRefused(f"{job.describe()} is already {job.outcome}")
    return job


def _close(store: Store, job_id: int, outcome: JobOutcome, note: str = "") -> None:
    pending = store.jobs.items(job_id, ("pending",))
    psrs = store.psrs.by_ids([i.psr_id for i in pending])
    store.conn.execute(
        "UPDATE job_items SET state = 'released' WHERE job_id = ? AND state = 'pending'",
        (job_id,),
    )
    outcomes.requeue(store, psrs, "queued")
    store.conn.execute(
        "UPDATE jobs SET finished = 1, outcome = ?, completed_at = ?,"
        " note = CASE WHEN ? = '' THEN note ELSE ? END WHERE id = ?",
        (outcome, store.now(), note, note, job_id),
    )
