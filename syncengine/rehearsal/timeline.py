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

from syncengine.store import Store

COLUMNS = ("simulated_seconds", "jobs", "synced", "queue_depth", "errors")
"""Seconds since the start; sync jobs started, PSRs done (records in QuickBooks), PSRs
waiting (queued, locked in a job, or failed), and errors recorded, each up to that moment."""

_DONE = "state = 'done'"
_CLOSED = "closed_at IS NOT NULL"
_MOMENTS = (
    "SELECT answered_at FROM message_sets WHERE answered_at IS NOT NULL",
    "SELECT created_at FROM errors",
)


def timeline(store: Store, start: datetime, end_seconds: float) -> pd.DataFrame:
    """The rehearsal in ``store`` (simulated time 0 at ``start``) as a DataFrame of
    :data:`COLUMNS`, one row per distinct moment, in time order."""
    moments = [_times(store, sql, start) for sql in _MOMENTS]
    points = np.unique(np.concatenate([[0.0, round(end_seconds, 3)], *moments]))
    opened = _upto(_times(store, "SELECT created_at FROM psrs", start), points)
    closed = _upto(_times(store, f"SELECT closed_at FROM psrs WHERE {_CLOSED}", start), points)
    return pd.DataFrame(
        {
            "simulated_seconds": points,
            "jobs": _upto(_times(store, "SELECT created_at FROM jobs", start), points),
            "synced": _upto(
                _times(store, f"SELECT closed_at FROM psrs WHERE {_DONE}", start), points
            ),
            "queue_depth": opened - closed,
            "errors": _upto(moments[1], points),
        }
    )


def _times(store: Store, sql: str, start: datetime) -> np.ndarray:
    """Sorted simulated seconds since ``start`` of the timestamps ``sql`` selects."""
    stamps = [value for (value,) in store.conn.execute(sql)]
    if not stamps:
        return np.zeros(0)
    times = pd.to_datetime(pd.Series(stamps), format="ISO8601", utc=True)
    offsets = (times - pd.Timestamp(start)).dt.total_seconds().round(3)
    return np.sort(offsets.to_numpy(dtype=float))


def _upto(times: np.ndarray, points: np.ndarray) -> np.ndarray:
    """How many of the sorted ``times`` fall at or before each point."""
    return np.searchsorted(times, points, side="right").astype("int64")
