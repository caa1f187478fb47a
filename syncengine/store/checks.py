"""A workspace's health, checked without changing it (``qbsync doctor``): SQLite's integrity
check, the schema version, foreign keys, ListIDs/TxnIDs linked to two records, and jobs left
running. Each check gives :class:`Finding` s that say what was found and what to do.

The checks read through :func:`open_read_only`: a damaged workspace is never written to, nor
migrated, while it is examined.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from syncengine.clock import shown
from syncengine.store.faults import error_name
from syncengine.store.schema import MIGRATIONS

OK, NOTE, PROBLEM = "ok", "note", "problem"
SHOWN = 10
"""How many disagreeing rows a finding names (the count says how many there are)."""


@dataclass(frozen=True)
class Finding:
    """One thing a check found: ``level`` ok, note (nothing to fix) or problem; ``found``
    says what, ``do`` what to do about it ("" when nothing)."""

    check: str
    level: str
    found: str
    do: str = ""


def findings_text(heading: str, findings: list[Finding], problems: int, after: str = "") -> str:
    """A doctor's report as people read it: ``heading``, a line per finding (with what to do
    about each one not ok), then ``after`` and the verdict."""
    lines = [heading]
    for finding in findings:
        lines.append(f"  {finding.level.upper():8} {finding.check}: {finding.found}")
        if finding.do and finding.level != "ok":
            lines.append(f"  {'':8} what to do: {finding.do}")
    verdict = f"{problems} problem(s) found." if problems else "All is well."
    return "\n".join([*lines, f"{after}{verdict}"])


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the workspace at ``path`` that writes nothing to it or beside
    it. With no write-ahead log beside the file, no process has it open and the file holds
    everything: it is read as unchanging (SQLite then makes no ``-shm`` file in the customer's
    folder). With a log there its changes are read through it; in a read-only folder, where
    SQLite cannot make its ``-shm`` file, an empty log is passed over."""
    wal = path.with_name(path.name + "-wal")
    if not wal.exists():
        return _connect(path, "immutable=1")
    try:
        return _connect(path, "mode=ro")
    except sqlite3.OperationalError as exc:
        if error_name(exc).startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")) and not (
            wal.stat().st_size
        ):
            return _connect(path, "immutable=1")
        raise


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, isolation_level=None)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # fails now if no database
    except BaseException:
        conn.close()
        raise
    return conn


def integrity(conn: sqlite3.Connection, db: Path) -> list[Finding]:
    """SQLite's ``integrity_check``: every page and index of the file is sound."""
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as exc:  # too damaged for the check to walk it
        rows = [str(exc)]
    if rows == ["ok"]:
        return [Finding("integrity", OK, "SQLite's integrity check found nothing wrong")]
    found = f"the file is damaged: {'; '.join(rows[:3])}" + (" …" if len(rows) > 3 else "")
    do = (
        "restore the workspace from a backup; to save what can be read, `sqlite3"
        f" {db} .recover` writes its rows as SQL"
    )
    return [Finding("integrity", PROBLEM, found, do)]


def schema(conn: sqlite3.Connection, db: Path) -> list[Finding]:
    """The schema version (migrations run) against the ones this QB Sync Lab knows."""
    version, known = int(conn.execute("PRAGMA user_version").fetchone()[0]), len(MIGRATIONS)
    if version > known:
        found = f"schema version {version} is newer than this QB Sync Lab knows ({known})"
        return [Finding("schema", PROBLEM, found, "upgrade QB Sync Lab to work on it")]
    if version < known:
        found = f"schema version {version} of {known}: older, not yet brought up to date"
        do = f"nothing to fix: the next command that opens it migrates it (`qbsync --db {db}"
        return [Finding("schema", NOTE, found, do + " queue list` will)")]
    return [Finding("schema", OK, f"schema version {version}, up to date")]


def foreign_keys(conn: sqlite3.Connection, db: Path) -> list[Finding]:
    """Rows whose reference (a record, PSR or job ID) points at no row."""
    rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return [Finding("foreign keys", OK, "every reference points at a row")]
    named = ", ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in rows)
    found = f"{len(rows)} row(s) refer to rows that do not exist: " + _first(named.split(", "))
    do = "restore the workspace from a backup; a row that points nowhere was written by a bug"
    return [Finding("foreign keys", PROBLEM, found, do + ": please report it")]


def linked_twice(conn: sqlite3.Connection, db: Path) -> list[Finding]:
    """No QuickBooks ListID/TxnID is linked to more than one app record."""
    rows = conn.execute(
        "SELECT qb_id, GROUP_CONCAT(entity_type || ' ' || entity_id, ', ') FROM links"
        " GROUP BY qb_id HAVING COUNT(*) > 1 ORDER BY qb_id"
    ).fetchall()
    if not rows:
        return [Finding("links", OK, "no ListID/TxnID is linked to two app records")]
    named = [f"{qb_id} ({records})" for qb_id, records in rows]
    found = f"{len(rows)} ListID/TxnID(s) linked to more than one app record: {_first(named)}"
    do = (
        f"keep the right record of each and clear the others' IDs (`qbsync --db {db} record"
        " clear-id ID`); the next import links them again"
    )
    return [Finding("links", PROBLEM, found, do)]


def unfinished_jobs(conn: sqlite3.Connection, db: Path) -> list[Finding]:
    """A sync job left running (a process that died, or one running now)."""
    row = conn.execute(
        "SELECT id, phase, created_at FROM jobs WHERE finished = 0 ORDER BY id LIMIT 1"
    ).fetchone()
    if row is None:
        return [Finding("jobs", OK, "no sync job left running")]
    job_id, phase, created = row
    found = f"sync job {job_id} is unfinished (phase {phase}, created {shown(created)})"
    do = (
        f"unless a qbsync process runs it now, resume it with `qbsync --db {db} job run"
        " --simulated` (or --com), or give it up with `job cancel`"
    )
    return [Finding("jobs", PROBLEM, found, do)]


def _first(names: list[str]) -> str:
    more = len(names) - SHOWN
    return ", ".join(names[:SHOWN]) + (f" and {more} more" if more > 0 else "")


Check = Callable[[sqlite3.Connection, Path], list[Finding]]

WORKSPACE_CHECKS: tuple[Check, ...] = (
    integrity,
    schema,
    foreign_keys,
    linked_twice,
    unfinished_jobs,
)
"""The checks of the workspace file itself, in the order ``doctor`` reports them."""
