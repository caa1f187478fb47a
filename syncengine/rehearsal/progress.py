"""How far a rehearsal has got, told to a hook while it runs (a progress bar, a dashboard).

``rehearse(options, on_progress=hook)`` calls ``hook(RehearsalProgress(...))`` after each
answered message set — in a rehearsal of more than :data:`TELLS` message sets, after every
k-th, so that it is told about that often — and once more, with ``finished`` set, when the
rehearsal ends. Without a hook nothing here runs; with one, each call costs a count over an
index of the PSRs still waiting (0.2-0.6 ms at 10,000 records). The hook only reads: a
rehearsal's results are the same with it or without it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from syncengine.rehearsal.driver import SimulatedTime
from syncengine.store import Store

TELLS = 100
"""About how many times a rehearsal tells its hook (more when retries add message sets)."""
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
    """Reads the progress from the store and hands it to ``hook``, after every ``every``-th
    answered message set."""

    def __init__(
        self, store: Store, env: SimulatedTime, total: int, hook: OnProgress, every: int = 1
    ) -> None:
        self.store, self.env, self.total, self.hook = store, env, total, hook
        self.every, self._answered = max(1, every), 0

    @staticmethod
    def spacing(records: int, batch_size: int) -> int:
        """Every how many message sets to tell, so that a first job of ``records`` records in
        sets of ``batch_size`` tells about :data:`TELLS` times."""
        return max(1, math.ceil(math.ceil(records / batch_size) / TELLS))

    def tell(self, finished: bool = False) -> None:
        """Call the hook with where the rehearsal stands now."""
        waiting = self._count(_WAITING)
        done = min(self.total, max(0, self.total - waiting))
        jobs = self._count(_JOBS)
        self.hook(RehearsalProgress(done, self.total, self.env.now, jobs, finished))

    def exchange(self, _request: str, _response: str) -> None:
        """After each answered message set (the driver's ``on_exchange``): tell every
        ``every``-th time."""
        self._answered += 1
        if self._answered % self.every == 0:
            self.tell()

    def _count(self, sql: str) -> int:
        return int(self.store.conn.execute(sql).fetchone()[0])
