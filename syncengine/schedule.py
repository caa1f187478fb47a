"""When syncs run: a manual sync over a date range, or an auto sync every N seconds.

* :func:`manual_sync` runs one sync job now. With a date range only lists and the
  transactions dated in it go to QuickBooks or come from it; the rest waits, even if new.
  A ranged import leaves the import marks where they were, so the next sync without a range
  reads what the range left out.
* :class:`AutoSync` syncs every ``every_seconds`` from its start (a sync that takes longer
  is followed at once by the next). Transactions dated before its ``begin_date`` are marked
  exported when it starts: their queued changes are dropped (the sync log says why) and they
  never sync. In a simulation it is a simpy process beside the qbsim host (:meth:`start`,
  simulated time); for real it is a loop (:meth:`run`) reading the store's clock, sleeping
  with an injected ``sleep``. :meth:`stop` ends either after the sync in progress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from datetime import date, timedelta
from typing import Any

import simpy

from qbsim import QuickBooksHost
from syncengine.errors import RecordError, TransportError
from syncengine.settings import MIN_EVERY_SECONDS, SyncSettings
from syncengine.store import Refused, Store
from syncengine.sync import JobReport, SyncJob, run_job
from syncengine.sync.selection import DateRange
from syncengine.sync.simulated import DriveStats, RetryPolicy, SimulatedClock, drive
from syncengine.transports.base import Transport

__all__ = ["AutoSync", "DateRange", "manual_sync"]


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
    settings = SyncSettings(store)
    window = DateRange(date_from or settings.date_from, date_to or settings.date_to)
    begin = settings.begin_date
    if begin and window.date_to and window.date_to < begin:
        raise Refused(
            f"the date range {window.describe()} ends before the begin date {begin}: its"
            " transactions count as exported and never sync; choose dates from the begin date"
        )
    return run_job(store, transport, date_from=window.date_from, date_to=window.date_to, **options)


class AutoSync:
    """A sync every ``every_seconds`` from ``begin_date`` on (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        every_seconds: int,
        begin_date: date | str,
        *,
        batch_size: int = 50,
        policy: RetryPolicy | None = None,
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
        self.policy = policy
        self.runs = 0
        self.reports: list[JobReport] = []
        self.errors: list[TransportError] = []
        self.stats = DriveStats()
        self._running = False
        self._stopping = False
        self._sleep: simpy.Process | None = None
        self._wake = threading.Event()

    @property
    def running(self) -> bool:
        """True between :meth:`start` (or :meth:`run`) and the end of the last sync."""
        return self._running

    def start(self, env: simpy.Environment, host: QuickBooksHost) -> simpy.Process:
        """Sync now and every ``every_seconds`` of simulated time, against ``host``."""
        clock = self.store.clock
        if not isinstance(clock, SimulatedClock) or clock.env is not env:
            raise Refused(
                "auto sync in a simulation needs the store on this simulation's clock: open"
                " it with Store(path, SimulatedClock(env, start)) so every time is simulated"
            )
        self._begin()
        return env.process(self._simulated(env, host))

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
                wait(max(0.0, (due - self.store.clock.now()).total_seconds()))
        finally:
            self._end()
        return self.reports

    def stop(self) -> None:
        """Stop after the sync in progress (a waiting schedule stops at once)."""
        if not self._running:
            raise Refused("auto sync is not running; start() or run() it first")
        self._stopping = True
        self._wake.set()
        if self._sleep is not None and self._sleep.is_alive:
            self._sleep.interrupt("auto sync stopped")

    def _begin(self) -> None:
        if self._running:
            raise Refused(
                f"auto sync is already running (every {self.every_seconds} s); stop() it first"
            )
        settings = SyncSettings(self.store)
        with self.store.write():
            settings.every_seconds = self.every_seconds
            settings.begin_date = self.begin_date  # older transactions: marked exported
            self.store.settings.set("schedule.mode", "auto")
        self._running, self._stopping = True, False
        self._wake.clear()

    def _end(self) -> None:
        self.store.settings.set("schedule.mode", "manual")
        self._running = False

    def _simulated(self, env: simpy.Environment, host: QuickBooksHost) -> Generator:
        while not self._stopping:
            started = env.now
            job = SyncJob.start(self.store, batch_size=self.batch_size)
            yield env.process(drive(host, job, self.policy, self.stats))
            self.runs += 1
            self.reports.append(job.report())
            if self._stopping:
                break
            self._sleep = env.process(_pause(env, started + self.every_seconds - env.now))
            yield self._sleep
        self._end()

    def _sync_once(self, transport: Transport) -> None:
        self.runs += 1
        try:
            self.reports.append(run_job(self.store, transport, batch_size=self.batch_size))
        except TransportError as exc:  # the job stays unfinished; the next sync resumes it
            self.errors.append(exc)


def _pause(env: simpy.Environment, seconds: float) -> Generator:
    """Wait ``seconds`` of simulated time, or less if interrupted (the schedule stopped)."""
    try:
        yield env.timeout(max(0.0, seconds))
    except simpy.Interrupt:
        return


def _date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RecordError("auto sync", "begin_date", value, "a date (YYYY-MM-DD)") from None
