"""The conversation a workspace holds: its saved message sets (``message_sets``, written by
:mod:`syncengine.store.messages`), every job's in order, each with the times it was sent and
answered.

The file is the customer's: it is opened read-only (as unchanging when no write-ahead log lies
beside it) and the store's migrations are never run on it, so its bytes (and its folder) stay
as they were. A set recovered through ``oldMessageSetID`` keeps its answer but no answer time
(that answer came from a later check, not from QuickBooks answering the set); a set never
answered has neither.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from syncengine.clock import parse_stamp
from syncengine.evidence import EvidenceError, Exchange
from syncengine.store.checks import open_read_only

RECOVERED = "recovered"  # syncengine.store.messages.RECOVERED, without importing pandas
_COLUMNS = ("request_xml", "response_xml", "sent_at", "answered_at", "job_id", "seq", "state")


def read(path: str | Path) -> list[Exchange]:
    """Every saved message set of the workspace at ``path``, by job then by set, as
    :class:`Exchange` objects; :class:`EvidenceError` for a SQLite file that is no workspace."""
    where = Path(path)
    with closing(_open_read_only(where)) as conn:
        rows = _rows(conn, where)
    return [_exchange(where, row) for row in rows]


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Read-only, writing nothing beside the file (``store.checks.open_read_only``)."""
    try:
        return open_read_only(path)
    except sqlite3.Error as exc:
        raise EvidenceError(f"{path}: cannot be opened read-only as SQLite ({exc})") from None


def _rows(conn: sqlite3.Connection, path: Path) -> list[tuple[object, ...]]:
    try:
        found = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'message_sets'"
        ).fetchone()
        if found is None:
            raise EvidenceError(
                f"{path}: a SQLite file but not a QB Sync Lab workspace (it has no message_sets"
                " table); send the workspace file the sync ran with (qbsync --db FILE)"
            )
        return conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM message_sets ORDER BY job_id, seq"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise EvidenceError(f"{path}: the workspace cannot be read ({exc})") from None


def _exchange(path: Path, row: tuple[object, ...]) -> Exchange:
    request, response, sent, answered, job, seq, state = row
    source = f"{path.name}: job {job}, message set {seq}"
    return Exchange(
        request_xml=str(request),
        response_xml=None if response is None else str(response),
        source=source,
        sent_at=_when(sent, source, "sent_at"),
        answered_at=None if state == RECOVERED else _when(answered, source, "answered_at"),
    )


def _when(value: object, source: str, column: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_stamp(str(value))
    except ValueError:
        raise EvidenceError(
            f"{source}: {column} {value!r} is not a timestamp the store writes"
            " (ISO 8601, e.g. 2026-01-05 14:00:30.039+00:00)"
        ) from None
