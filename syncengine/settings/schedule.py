"""When syncs run: a manual sync over a date range, or an auto sync every N seconds.

* :func:`manual_sync` runs one sync job now. With a date range only lists and the
  transactions dated in it go to QuickBooks or come from it; the rest waits, even if new.
  A ranged import leaves the import marks where they were, so the next sync without a range
  reads what the range left out.
* :class:`AutoSync` syncs every ``every_seconds`` from its start (a sync that takes longer
  is followed at once by the next). Transactions dated before its ``begin_date`` are marked
  exported when it starts: their queued changes are dropped (the sync log says why) and they
  never sync. :meth:`AutoSync.run` is a loop reading the store's clock, sleeping with an
  injected ``sleep``; :meth:`AutoSync.stop` ends it after the sync in progress. In a
  rehearsal the same schedule runs as a simpy process beside the qbsim host:
  :class:`syncengine.rehearsal.autosync.SimulatedAutoSync`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from syncengine.errors import RecordError, TransportError
from syncengine.settings import MIN_EVERY_SECONDS, SyncSettings
from syncengine.store import Refused, Store
from syncengine.sync import JobReport, run_job
from syncengine.sync.selection import DateRange, manual_window
from syncengine.transports.base import Transport

__all__ = ["AutoSync", "DateRange", "manual_sync", "sync_window"]


def manual_sync(
    store: Store,
    transport: Transport,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    **options: Any,
) -> JobReport:
    """Run one sync job now (or finish the unfinished one); ``date_from``/``date_to``
    default to the settings ``range.from_date``/``range.to_date``. ``options`` go to
    :meth:`SyncJob.start`. Refused: a reversed range, a range that ends before the begin
    date (all of it counts as exported), an unfinished job with another range."""
    window = sync_window(store, date_from, date_to)
    return run_job(store, transport, date_from=window.date_from, date_to=window.date_to, **options)


def sync_window(store: Store, date_from: date | None, date_to: date | None) -> DateRange:
    """A manual sync's date range: the dates given, else the settings ``range.from_date`` /
    ``range.to_date``; refused when it is reversed or ends before the begin date."""
    window = manual_window(store, date_from, date_to)
    begin = SyncSettings(store).begin_date
    if begin and window.date_to and window.date_to < begin:
        raise Refused(
            f"the date range {window.describe()} ends before the begin date {begin}: its"
            " transactions count as exported and never sync; choose dates from the begin date"
        )
    return window


class AutoSync:
    """A sync every ``every_seconds`` from ``begin_date`` on (see the module docstring);
    ``next_due`` says when the next sync starts by the store's clock (None while one runs or
    when stopped). Refused: an interval under ``MIN_EVERY_SECONDS``, a begin date that is not
    a date."""

    def __init__(
        self,
        store: Store,
        every_seconds: int,
        begin_date: date | str,
        *,
        batch_size: int = 50,
    ) -> None:
        if isinstance(every_seconds, bool) or not isinstance(every_seconds, int):
            raise RecordError("auto sync", "every_seconds", every_seconds, "a whole number")
        if every_seconds < MIN_EVERY_SECONDS:
            reason = f"auto sync runs at most every {MIN_EVERY_SECONDS} seconds"
            raise RecordError("auto sync", "every_seconds", every_seconds, reason)
        self.store = store
        self.every_seconds = every_seconds
        self.begin_date = _date(begin_date)
        self.batch_size = batch_size
        self.runs = 0
        self.reports: list[JobReport] = []
        self.errors: list[TransportError] = []
        self.next_due: datetime | None = None
        self._running = False
        self._stopping = False
        self._wake = threading.Event()

    @property
    def running(self) -> bool:
        """True between the start of the schedule and the end of its last sync."""
        return self._running

    @property
    def syncing(self) -> bool:
        """True while one of the schedule's syncs is in progress (``next_due`` is then None)."""
        return self._running and self.next_due is None

    def run(
        self, transport: Transport, *, sleep: Callable[[float], Any] | None = None, runs: int = 0
    ) -> list[JobReport]:
        """Sync now and every ``every_seconds`` by the store's clock until :meth:`stop` (or
        ``runs`` syncs, if given); ``sleep`` waits that many seconds (default: until due or
        stopped). A sync QuickBooks could not be reached for is resumed at the next one."""
        self._begin()
        wait = sleep or self._wake.wait
        try:
            while not self._stopping:
                started = self.store.clock.now()
                self._sync_once(transport)
                if self._stopping or (runs and self.runs >= runs):
                    break
                due = started + timedelta(seconds=self.every_seconds)
                self.next_due = max(due, self.store.clock.now())
                wait(max(0.0, (due - self.store.clock.now()).total_seconds()))
        finally:
            self._end()
        return self.reports

    def stop(self) -> None:
        """Stop after the sync in progress (a waiting schedule stops at once)."""
        if not self._running:
            raise Refused(
                "auto sync is not running, so there is nothing to stop; `qbsync autosync run"
                " --simulated --for SECONDS` runs it for a span of time"
            )
        self._stopping = True
        self._wake_up()

    def _wake_up(self) -> None:
        """End the wait between two syncs at once (the schedule was stopped)."""
        self._wake.set()

    def _begin(self) -> None:
        """Mark the schedule running and write its settings (older transactions: exported)."""
        if self._running:
            raise Refused(
                f"auto sync is already running (every {self.every_seconds} s); stop it first: it"
                " stops after the sync in progress"
            )
        settings = SyncSettings(self.store)
        with self.store.write():
            settings.every_seconds = self.every_seconds
            settings.begin_date = self.begin_date  # older transactions: marked exported
            self.store.settings.write_raw("schedule.mode", "auto")
        self._running, self._stopping = True, False
        self._wake.clear()

    def _end(self) -> None:
        """The schedule is manual again."""
        self.store.settings.write_raw("schedule.mode", "manual")
        self._running, self.next_due = False, None

    def _sync_once(self, transport: Transport) -> None:
        self.next_due = None
        self.runs += 1
        try:
            self.reports.append(run_job(self.store, transport, batch_size=self.batch_size))
        except TransportError as exc:  # the job stays unfinished; the next sync resumes it
            self.errors.append(exc)


def _date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RecordError("auto sync", "begin_date", value, "a date (YYYY-MM-DD)") from None
