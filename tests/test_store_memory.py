"""In-memory workspaces (rehearsals, training, tests) live in SQLite's ``memdb`` VFS: each is
private to its store, rolls back like a file, and one that outgrows SQLite's cap on an
in-memory database is refused saying to rehearse into a file, never reported as a full disk."""

from __future__ import annotations

import sqlite3

import pytest

from syncengine.cli import main
from syncengine.rehearsal.rehearse import Rehearsal, RehearsalRefused, rehearse
from syncengine.store import Store
from syncengine.store.db import MEMORY
from syncengine.store.faults import explain
from tests.cli_workspace import cap_pages

ADD = "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 'now')"


def test_two_in_memory_stores_hold_their_own_records():
    with Store(MEMORY) as one, Store(MEMORY) as two:
        one.settings.write_raw("schedule.mode", "manual")
        assert one.conn.execute("SELECT value FROM settings WHERE key = 'schedule.mode'").fetchall()
        assert not two.conn.execute(
            "SELECT value FROM settings WHERE key = 'schedule.mode'"
        ).fetchall()


def test_an_in_memory_write_that_fails_leaves_nothing():
    with Store(MEMORY) as store:
        with pytest.raises(RuntimeError), store.write() as conn:
            conn.execute(ADD, ("half", "written"))
            raise RuntimeError("the block fails after its first row")
        assert (
            store.conn.execute("SELECT COUNT(*) FROM settings WHERE key = 'half'").fetchone()[0]
            == 0
        )


def test_an_in_memory_workspace_past_its_cap_is_explained_as_such():
    with Store(MEMORY) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(sqlite3.OperationalError) as caught, store.write() as conn:
            conn.execute(ADD, ("big", "x" * 200_000))
    said = explain(caught.value, MEMORY)
    assert said is not None
    assert "in-memory workspace is full" in said and "--db PATH" in said
    assert "disk" not in said
    assert "disk is full" in (explain(caught.value, "w.db") or "")


def test_a_rehearsal_outgrowing_memory_is_refused_with_what_to_do(monkeypatch):
    cap_pages(monkeypatch, 400)
    with pytest.raises(RehearsalRefused, match="in-memory workspace is full") as refused:
        rehearse(Rehearsal(records=2000, seed=1))
    assert "give --db PATH" in str(refused.value)


def test_the_cli_refuses_it_in_one_line(monkeypatch, capsys):
    cap_pages(monkeypatch, 400)
    assert main(["rehearse", "--generate", "2000", "--seed", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("qbsync rehearse: the in-memory workspace is full")
    assert "Traceback" not in err[0]
