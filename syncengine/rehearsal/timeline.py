"""A rehearsal's course over simulated time, read back from its workspace when it ends.

Every timestamp a rehearsal's store writes is simulated time, so what the plots need is in
the store already: when each PSR was created and closed, when each message set was answered,
when each error was recorded. :func:`timeline` turns that into one row per moment something
happened (the start, each answered message set, each error, the end); nothing is recorded
while the rehearsal runs, so it costs the run nothing.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from syncengine.clock import stamp
from syncengine.store import Store

COLUMNS = ("simulated_seconds", "jobs", "synced", "queue_depth", "errors")
"""Seconds since the start; sync jobs started, PSRs done (records in QuickBooks), PSRs
waiting (queued, locked in a job, or failed), and errors recorded, each up to that moment."""

_SECONDS = "ROUND((julianday({column}) - julianday(?)) * 86400.0, 3)"
"""A stored timestamp as simulated seconds since the start (SQLite reads the UTC offset)."""


def timeline(store: Store, start: datetime, end_seconds: float) -> pd.DataFrame:
    """The rehearsal in ``store`` (simulated time 0 at ``start``) as a DataFrame of
    :data:`COLUMNS`, one row per distinct moment, in time order."""
    at = _Reader(store, stamp(start))
    answered, errors = at.times("message_sets", "answered_at"), at.times("errors", "created_at")
    points = np.unique(np.concatenate([[0.0, round(end_seconds, 3)], answered, errors]))
    opened = _upto(at.times("psrs", "created_at"), points)
    closed = _upto(at.times("psrs", "closed_at"), points)
    return pd.DataFrame(
        {
            "simulated_seconds": points,
            "jobs": _upto(at.times("jobs", "created_at"), points),
            "synced": _upto(at.times("psrs", "closed_at", "state = 'done'"), points),
            "queue_depth": opened - closed,
            "errors": _upto(errors, points),
        }
    )


class _Reader:
    """Reads a column of timestamps as sorted simulated seconds since ``start``."""

    def __init__(self, store: Store, start: str) -> None:
        self.store, self.start = store, start

    def times(self, table: str, column: str, where: str = "1") -> np.ndarray:
        seconds = _SECONDS.format(column=column)
        sql = f"SELECT {seconds} FROM {table} WHERE {column} IS NOT NULL AND {where}"
        rows = self.store.conn.execute(sql, (self.start,))
        values = np.fromiter((value for (value,) in rows), dtype=float)
        values.sort()
        return values


def _upto(times: np.ndarray, points: np.ndarray) -> np.ndarray:
    """How many of the sorted ``times`` fall at or before each point."""
    return np.searchsorted(times, points, side="right").astype("int64")
