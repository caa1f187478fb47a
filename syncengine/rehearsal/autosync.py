"""Auto sync in a rehearsal: the schedule of :class:`syncengine.settings.schedule.AutoSync`
as a simpy process beside qbsim's ``QuickBooksHost``, every interval in simulated time.

The store must run on the simulation's clock (:class:`~syncengine.rehearsal.driver.
SimulatedClock` of the same environment), so every time the schedule and the jobs write is
simulated. :meth:`SimulatedAutoSync.stop` ends the wait between two syncs at once.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import date, timedelta

import simpy

from qbsim import QuickBooksHost
from syncengine.rehearsal.driver import DriveStats, RetryPolicy, SimulatedClock, drive
from syncengine.settings.schedule import AutoSync
from syncengine.store import Refused, Store
from syncengine.sync import SyncJob


class SimulatedAutoSync(AutoSync):
    """An :class:`AutoSync` that runs in simpy time (:meth:`start`); ``policy`` is the
    driver's retry policy when the host refuses or loses an answer."""

    def __init__(
        self,
        store: Store,
        every_seconds: int,
        begin_date: date | str,
        *,
        batch_size: int = 50,
        policy: RetryPolicy | None = None,
    ) -> None:
        super().__init__(store, every_seconds, begin_date, batch_size=batch_size)
        self.policy = policy
        self.stats = DriveStats()
        self._sleep: simpy.Process | None = None

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

    def _wake_up(self) -> None:
        super()._wake_up()
        if self._sleep is not None and self._sleep.is_alive:
            self._sleep.interrupt("auto sync stopped")

    def _simulated(self, env: simpy.Environment, host: QuickBooksHost) -> Generator:
        while not self._stopping:
            started, self.next_due = env.now, None
            job = SyncJob.start(self.store, batch_size=self.batch_size)
            yield env.process(drive(host, job, self.policy, self.stats))
            self.runs += 1
            self.reports.append(job.report())
            if self._stopping:
                break
            due = max(started + self.every_seconds, env.now)
            self.next_due = self.store.clock.now() + timedelta(seconds=due - env.now)
            self._sleep = env.process(_pause(env, due - env.now))
            yield self._sleep
        self._end()


def _pause(env: simpy.Environment, seconds: float) -> Generator:
    """Wait ``seconds`` of simulated time, or less if interrupted (the schedule stopped)."""
    try:
        yield env.timeout(max(0.0, seconds))
    except simpy.Interrupt:
        return
