"""The store on a faulty file: a full disk's error is the one raised (not a failed ROLLBACK's),
another program's SQLite database is never written to, and each SQLite fault of the file or
its disk reads as one line saying what to do."""

from __future__ import annotations

import sqlite3

import pytest

from syncengine.store import Store
from syncengine.store.db import connect
from syncengine.store.faults import WorkspaceFault, explain


def _full(store: Store) -> None:
    """Let the workspace file grow no more: SQLite answers SQLITE_FULL as on a full disk."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_inside_a_write_raises_the_full_disk_error(tmp_path):
    """SQLite rolls back by itself on SQLITE_FULL: the write block re-raises that, not a
    "cannot rollback" of its own."""
    with Store(tmp_path / "w.db") as store:
        _full(store)
        full = pytest.raises(sqlite3.OperationalError, match="database or disk is full")
        with full, store.write() as conn:
            conn.execute("INSERT INTO settings VALUES ('big', ?, 'now')", ("x" * 200_000,))
        assert not store.conn.in_transaction


def test_after_a_full_disk_the_store_still_reads_and_writes(tmp_path):
    """The failed write left nothing behind: a small write after it commits."""
    with Store(tmp_path / "w.db") as store:
        _full(store)
        with pytest.raises(sqlite3.OperationalError), store.write() as conn:
            conn.execute("INSERT INTO settings VALUES ('big', ?, 'now')", ("x" * 200_000,))
        store.settings.write_raw("schedule.mode", "manual")
        rows = store.conn.execute("SELECT key FROM settings WHERE key = 'big'").fetchall()
    assert rows == []


def test_another_programs_database_is_refused_and_left_alone(tmp_path):
    """A SQLite file with tables but no migrations is not made into a workspace."""
    path = tmp_path / "notes.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (body TEXT)")
    other.commit()
    other.close()
    before = path.read_bytes()
    with pytest.raises(WorkspaceFault, match=r"another program \(tables notes\)"):
        Store(path)
    assert path.read_bytes() == before


def _cut_short(path):
    Store(path).close()
    with path.open("r+b") as file:
        file.truncate(4096)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("hello " * 100), "file is not a database"),
        (_cut_short, "is damaged"),
    ],
)
def test_sqlite_faults_of_the_file_are_explained(tmp_path, make, says):
    """Not SQLite, or a workspace cut short: one line naming the file."""
    path = tmp_path / "w.db"
    make(path)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        connect(path).execute("SELECT * FROM sqlite_master").fetchall()
    reason = explain(caught.value, path)
    assert reason is not None and says in reason and str(path) in reason


def test_a_bug_is_not_explained_as_a_fault(tmp_path):
    """A constraint failure is the engine's bug, not the file's: no explanation."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (x UNIQUE)")
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError) as caught:
        conn.execute("INSERT INTO t VALUES (1)")
    assert explain(caught.value, tmp_path / "w.db") is None
