"""What is wrong with a workspace file SQLite could not open, read or write, in one line that
says what to do: the translation of SQLite's failures at the edge of the store.

:func:`explain` turns a ``sqlite3.DatabaseError`` into that line (None for an error that is
no fault of the file or its disk: a bug, to be reported as one). :func:`check_path` refuses,
before SQLite touches anything, a path that cannot be a workspace: a missing folder (never
created for you), a folder, an empty file (a workspace truncated to nothing: opening it would
silently make a new, empty one). A SQLite file of another program is refused when the schema
is brought up to date (:func:`refuse_foreign`), so it is never written to.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from syncengine.store.errors import StoreError


class WorkspaceFault(StoreError):
    """The workspace file cannot be used as it is: damaged, not a workspace, read-only, on a
    full disk, or nowhere; the message says which, and what to do."""


def check_path(path: Path) -> None:
    """Refuse (:class:`WorkspaceFault`) a ``--db`` path that names no workspace file."""
    if not path.parent.is_dir():
        raise WorkspaceFault(
            f"no folder {path.parent} for the workspace {path.name}: check the path given with"
            " --db (folders are never created for you)"
        )
    if path.is_dir():
        raise WorkspaceFault(f"{path} is a folder, not a workspace: give the workspace file")
    if not path.is_file():
        raise WorkspaceFault(f"no workspace at {path}; check the path given with --db")
    if path.stat().st_size == 0:
        raise WorkspaceFault(
            f"workspace {path} is empty (0 bytes), as a workspace cut short would be: restore it"
            " from a backup, or make a new one with `qbsync rehearse --db PATH`"
        )


def explain(exc: sqlite3.DatabaseError, path: str | Path | None) -> str | None:
    """One line saying what is wrong with the workspace at ``path`` and what to do, for an
    error SQLite raised about its file or disk; None for any other error (a bug)."""
    name = error_name(exc)
    if name.startswith("SQLITE_FULL") and str(path) == IN_MEMORY:
        return memory_full(exc)
    where = Path(path) if path else Path("the workspace")
    for prefix, say in _FAULTS:
        if name.startswith(prefix):
            return say(where, exc)
    return None


IN_MEMORY = ":memory:"
"""The path of an in-memory workspace (``syncengine.store.db.MEMORY``, which imports this
module, so it cannot be imported from there)."""

MEMORY_LIMIT_BYTES = 1 << 30
"""SQLite's default cap on an in-memory (``memdb``) database: SQLITE_MEMDB_DEFAULT_MAXSIZE."""

MEMORY_BYTES_PER_RECORD = 2_600
"""What a generated rehearsal's in-memory workspace grows by per record, queue, links,
log and saved message sets included (24 MB at 10k, 245 MB at 100k records, 2026-12-07):
about 410,000 records fit."""


def memory_full(exc: sqlite3.Error) -> str:
    """What to do when an in-memory workspace reached SQLite's cap on one."""
    fit = MEMORY_LIMIT_BYTES // MEMORY_BYTES_PER_RECORD // 10_000 * 10_000
    return (
        f"the in-memory workspace is full ({error_name(exc)}): SQLite holds an in-memory"
        f" database to {MEMORY_LIMIT_BYTES >> 30} GiB, about {fit:,} rehearsed records."
        " Rehearse into a workspace file instead: give --db PATH (a new file in a folder that"
        " exists)"
    )


def error_name(exc: sqlite3.Error) -> str:
    """SQLite's name of the error (``SQLITE_CORRUPT``, ``SQLITE_FULL``, ...), or "". A
    failure inside a simpy process reaches who waits on it as a copy, ``type(exc)(*exc.args)``,
    without the name; the original is the copy's cause, so the name is read from there."""
    seen: BaseException | None = exc
    while isinstance(seen, sqlite3.Error):
        name = getattr(seen, "sqlite_errorname", "")
        if name:
            return str(name)
        seen = seen.__cause__
    return ""


def _not_a_database(path: Path, exc: sqlite3.DatabaseError) -> str:
    return (
        f"cannot open workspace {path}: {exc} (no SQLite file, so no QB Sync Lab workspace);"
        " check the path given with --db. The file was left as it was"
    )


def _damaged(path: Path, exc: sqlite3.DatabaseError) -> str:
    return (
        f"workspace {path} is damaged ({exc}); nothing more was written to it. Restore it from"
        f" a backup; `qbsync doctor --db {path}` says what is wrong"
    )


def _full(path: Path, exc: sqlite3.DatabaseError) -> str:
    return (
        f"cannot write workspace {path}: its disk is full ({exc}); the change being written was"
        " not saved, what was saved before is intact. Free some space and run the command again"
    )


def _io(path: Path, exc: sqlite3.DatabaseError) -> str:
    return (
        f"cannot read or write workspace {path} ({exc}); a change being written was not saved."
        " Check that its disk has free space and works, then run the command again"
    )


def _read_only(path: Path, exc: sqlite3.DatabaseError) -> str:
    folder = path.parent
    if not os.access(folder, os.W_OK):
        return (
            f"the folder {folder} of workspace {path.name} is read-only ({exc}): SQLite keeps"
            f" {path.name}-wal and {path.name}-shm beside the workspace, so every command needs"
            " to write there. Make the folder writable, or copy the workspace to one you can"
            " write"
        )
    return (
        f"workspace {path} is read-only ({exc}): nothing was changed. Make it writable (chmod"
        " u+w), or copy it to a file you can write; reading commands work on it as it is"
    )


def _cannot_open(path: Path, exc: sqlite3.DatabaseError) -> str:
    return (
        f"cannot open workspace {path} ({exc}): check that the file and its folder exist and"
        " that you may read and write them"
    )


_FAULTS = (
    ("SQLITE_NOTADB", _not_a_database),
    ("SQLITE_CORRUPT", _damaged),
    ("SQLITE_FULL", _full),
    ("SQLITE_IOERR", _io),
    ("SQLITE_READONLY", _read_only),
    ("SQLITE_CANTOPEN", _cannot_open),
    ("SQLITE_PERM", _cannot_open),
)
"""SQLite's result codes (by name prefix, so extended codes match) that are faults of the
file or its disk, with what to say about each."""


def refuse_foreign(conn: sqlite3.Connection) -> None:
    """Refuse (:class:`WorkspaceFault`) a SQLite file that never had our migrations but holds
    tables: another program's database, which the first migration would write into. One
    statement reads both, so a workspace another process is creating is never mistaken."""
    version, tables = conn.execute(_MIGRATIONS_AND_TABLES).fetchone()
    if version == 0 and tables:
        path = conn.execute("PRAGMA database_list").fetchone()[2] or "the database"
        raise WorkspaceFault(
            f"{path} is a SQLite database of another program (tables {tables}), not a QB Sync"
            " Lab workspace; it was left as it was. Check the path given with --db"
        )


_MIGRATIONS_AND_TABLES = """
SELECT (SELECT user_version FROM pragma_user_version),
       (SELECT group_concat(name, ', ') FROM
           (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 4))
"""
