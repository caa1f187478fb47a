"""Opening a workspace file: connection settings, schema migrations, write transactions."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from syncengine.store.errors import SchemaVersionError
from syncengine.store.faults import refuse_foreign
from syncengine.store.schema import MIGRATIONS

MEMORY = ":memory:"


def connect(path: str | Path, timeout: float = 10.0) -> sqlite3.Connection:
    """Open ``path`` (created if missing) in autocommit mode, WAL journal, foreign keys on;
    another program's SQLite database is refused untouched (``faults.refuse_foreign``)."""
    conn = sqlite3.connect(
        str(path), timeout=timeout, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    if str(path) != MEMORY:
        _refuse_foreign(conn)
        _use_wal(conn, timeout)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: big batches touch many index pages
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _refuse_foreign(conn: sqlite3.Connection) -> None:
    try:
        refuse_foreign(conn)
    except BaseException:
        conn.close()
        raise


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch the file to WAL. SQLite answers "locked" at once, without waiting, when another
    connection is opening the same fresh file, so retry until ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def schema_version(conn: sqlite3.Connection) -> int:
    """How many migrations the file has had."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    migrations: Sequence[Sequence[str]] = MIGRATIONS,
    upto: int | None = None,
) -> int:
    """Run the migrations the file has not had (up to ``upto``), each in its own transaction.

    Safe when two processes open a fresh file at once: the version is re-read under the write
    lock. Returns the version reached; refuses a file newer than ``migrations``.
    """
    target = len(migrations) if upto is None else upto
    _refuse_newer(conn, len(migrations))
    while schema_version(conn) < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = schema_version(conn)
            if version < target:
                for statement in migrations[version]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
    return schema_version(conn)


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already: it rolls back by itself on a
    full disk or an I/O error, and a second ROLLBACK would hide that error behind its own."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _refuse_newer(conn: sqlite3.Connection, known: int) -> None:
    found = schema_version(conn)
    if found > known:
        raise SchemaVersionError(
            f"workspace schema version {found} is newer than this QB Sync Lab knows ({known}); "
            "upgrade QB Sync Lab to open it"
        )


class Transactions:
    """Write transactions on one connection; nested ``write()`` blocks join the outer one."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._depth = 0

    @property
    def active(self) -> bool:
        """True inside a ``write()`` block."""
        return self._depth > 0

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception rolls the whole block back."""
        if self._depth:
            self._depth += 1
            try:
                yield self._conn
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self._conn
        except BaseException:
            rollback(self._conn)
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._depth = 0
