"""How far a rehearsal has got, told to a hook while it runs (a progress bar, a dashboard).

``rehearse(options, on_progress=hook)`` calls ``hook(RehearsalProgress(...))`` after each
answered message set and once more, with ``finished`` set, when the rehearsal ends. Without a
hook nothing here runs; with one, each call costs one count over an index of the PSRs still
waiting. The hook only reads: a rehearsal's results are the same with it or without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from syncengine.rehearsal.driver import SimulatedTime
from syncengine.store import Store

_WAITING = "SELECT COUNT(*) FROM psrs WHERE state IN ('queued', 'locked')"
_JOBS = "SELECT COUNT(*) FROM jobs"


@dataclass(frozen=True)
class RehearsalProgress:
    """Of ``records_total`` generated records, ``records_done`` have an outcome (synced or
    failed; the others wait in the queue or in a job), after ``simulated_seconds`` of
    simulated time and ``jobs`` sync jobs; ``finished`` on the last call."""

    records_done: int
    records_total: int
    simulated_seconds: float
    jobs: int
    finished: bool = False


OnProgress = Callable[[RehearsalProgress], None]
"""A rehearsal's progress hook."""


class ProgressTeller:
    """Reads the progress from the store and hands it to ``hook``."""

    def __init__(self, store: Store, env: SimulatedTime, total: int, hook: OnProgress) -> None:
        self.store, self.env, self.total, self.hook = store, env, total, hook

    def tell(self, finished: bool = False) -> None:
        """Call the hook with where the rehearsal stands now."""
        waiting = self._count(_WAITING)
        done = min(self.total, max(0, self.total - waiting))
        jobs = self._count(_JOBS)
        self.hook(RehearsalProgress(done, self.total, self.env.now, jobs, finished))

    def exchange(self, _request: str, _response: str) -> None:
        """After each answered message set (the driver's ``on_exchange``)."""
        self.tell()

    def _count(self, sql: str) -> int:
        return int(self.store.conn.execute(sql).fetchone()[0])
