"""Opening a workspace file: connection settings, schema migrations, write transactions."""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from syncengine.store.errors import SchemaVersionError
from syncengine.store.faults import IN_MEMORY, refuse_foreign
from syncengine.store.schema import MIGRATIONS

MEMORY = IN_MEMORY
"""The path of a throwaway in-memory workspace (rehearsals, tests). It is opened in SQLite's
``memdb`` VFS, not as SQLite's own ``:memory:`` database, because of what a COMMIT costs there.
A ``:memory:`` database lives in its page cache, which therefore holds every page. When a
B-tree rebalance renumbers pages, SQLite 3.40 parks one at a temporary page number past 1 GiB
(262,145 at 4 KiB pages), and every COMMIT after that walks the whole page cache to drop pages
past the end of the file. The cost of a COMMIT then grows with the workspace: 69 µs at 10k
rehearsed records against 444 µs at 100k, 2.8 s of a 100k rehearsal's CPU time (found with
perf and gdb, 2026-12-07). In ``memdb`` the file's image is one buffer behind an ordinary
page cache of :data:`MEMORY_CACHE_KIB`, so a COMMIT walks at most that. The price is SQLite's
cap on a ``memdb`` database, :data:`~syncengine.store.faults.MEMORY_LIMIT_BYTES` (about
410,000 rehearsed records); past it a write fails as SQLITE_FULL, which
:func:`syncengine.store.faults.memory_full` explains."""

MEMORY_CACHE_KIB = 2048
"""The page cache of an in-memory workspace, in KiB (SQLite's default for a file)."""

_memory_names = itertools.count(1)


def connect(path: str | Path, timeout: float = 10.0) -> sqlite3.Connection:
    """Open ``path`` (created if missing) in autocommit mode, foreign keys on: a file in WAL
    journal mode, :data:`MEMORY` in ``memdb``; another program's SQLite database is refused
    untouched (``faults.refuse_foreign``)."""
    memory = str(path) == MEMORY
    # A memdb name without a leading "/" is private to its connection: no two stores share.
    target = f"file:qbsync-workspace-{next(_memory_names)}?vfs=memdb" if memory else str(path)
    conn = sqlite3.connect(
        target, timeout=timeout, isolation_level=None, check_same_thread=False, uri=memory
    )
    conn.row_factory = sqlite3.Row
    if memory:
        conn.execute(f"PRAGMA cache_size = -{MEMORY_CACHE_KIB}")
    else:
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
