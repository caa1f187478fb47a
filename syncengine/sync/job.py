"""``SyncJob``: one sync job as a sans-IO conversation of qbXML message sets.

The job never does I/O. A driver asks for the next request document (:meth:`next_request`),
carries it to QuickBooks and hands back the answer (:meth:`receive`), or says the answer
never came (:meth:`failed`). Inside, the conversation is a generator: recover what an earlier
run left unanswered, export the job's PSRs, import QuickBooks' changes, finish. Its progress
lives in the store, so a job dropped at any point (process killed, connection lost) resumes
with the next :meth:`SyncJob.start` — on this store object or a new one on the same file.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import date

from syncengine.errors import SyncError, TransportError
from syncengine.store import Job, JobRefused, Store
from syncengine.sync import report
from syncengine.sync.context import Context
from syncengine.sync.export import export
from syncengine.sync.importer import Marks, import_changes
from syncengine.sync.recovery import recover
from syncengine.sync.selection import DateRange, new_job
from syncengine.sync.sets import Outgoing

Flow = Generator[Outgoing, str, None]
LOST_HINT = "The job is kept; the next sync asks QuickBooks what it applied and goes on."


class SyncJob:
    """A sync job in progress; ``finished`` once :meth:`next_request` has returned None."""

    def __init__(self, store: Store, job: Job, batch_size: int, import_changes: bool) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.store = store
        self.job_id = job.id
        self.finished = job.finished
        self._batch_size = batch_size
        self._import = import_changes
        self._flow: Flow | None = None
        self._next: Outgoing | None = None
        self._awaiting: Outgoing | None = None
        self._sent: dict[int, dict] = {}

    @classmethod
    def start(
        cls,
        store: Store,
        *,
        batch_size: int = 50,
        import_changes: bool = True,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> SyncJob:
        """Resume the unfinished job if there is one, else create one from the queue
        (:func:`~syncengine.sync.selection.new_job`): it locks the queued and failed PSRs of
        the areas that sync — with the sync wizard on only the approved ones, and with a date
        range (a manual sync) only lists and the transactions dated in it.
        JobRefused if another writer got there first, or if the unfinished job has another
        date range than the one asked for."""
        window = DateRange(date_from, date_to)
        job = store.jobs.current()
        if job is None:
            job = new_job(store, "", window)
        elif not window.is_open and DateRange.of(job) != window:
            raise JobRefused(
                f"{job.describe()} is not finished; finish it first (sync without a date"
                f" range), then sync {window.describe()}"
            )
        return cls(store, job, batch_size, import_changes)

    def next_request(self) -> str | None:
        """The next qbXML request document, or None once the job is finished in the store."""
        if self._awaiting is not None:
            raise SyncError(
                "the last request has no answer yet: call receive() with QuickBooks' answer, "
                "or failed() if none came"
            )
        if self._next is None and not self.finished:
            self._advance(None)
        if self.finished:
            return None
        out, self._next = self._next, None
        assert out is not None
        if out.message_set_id is not None:
            self.store.messages.mark_sent(out.message_set_id)
        self._awaiting = out
        return out.xml

    def receive(self, response_xml: str) -> None:
        """QuickBooks' answer to the last request. An unreadable answer counts as lost
        (the job records it like :meth:`failed`) and raises ResponseParseError."""
        if self._awaiting is None:
            raise SyncError("receive() without a request waiting for its answer")
        self._awaiting = None
        self._advance(response_xml)

    def failed(self, error: Exception) -> None:
        """The last request got no answer. The job stays resumable: the next request starts
        with error recovery (QuickBooks is asked what it applied)."""
        self._awaiting, self._next = None, None
        if self._flow is not None:
            self._flow.close()
        self._flow = None
        self.store.jobs.add_error(
            self.job_id, f"no answer from QuickBooks: {error}", None, LOST_HINT
        )

    def report(self) -> report.JobReport:
        """What the job has done so far (all of it once finished)."""
        return report.build(self.store, self.job_id)

    def _advance(self, response_xml: str | None) -> None:
        if self._flow is None:
            self._flow = self._conversation()
            response_xml = None
        try:
            self._next = self._flow.send(response_xml)  # type: ignore[arg-type]
        except StopIteration:
            self._flow, self.finished = None, True
        except TransportError as exc:  # an answer we cannot read: as good as lost
            self._flow = None
            self.failed(exc)
            raise
        except BaseException:  # the conversation is broken; a new one reloads the store
            self._flow = None
            raise

    def _conversation(self) -> Flow:
        ctx = Context.load(self.store, self.job_id, self._batch_size, self._import, self._sent)
        if ctx.state.job.finished:
            return
        yield from recover(ctx)
        if ctx.state.job.phase == "export":
            yield from export(ctx)
        marks = Marks(self.store)
        if self._import:
            yield from import_changes(ctx, marks)
        with self.store.write():
            if self._import and ctx.window.is_open:  # a ranged import leaves the rest unread
                marks.save(self.store)
            self.store.jobs.finish(self.job_id)
            self.store.wizard.settle_job(self.job_id)
            if ctx.wizard:
                self.store.wizard.offer_exports()
