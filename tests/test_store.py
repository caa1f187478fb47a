"""The workspace store: schema migrations, clock injection, DataFrames, settings, links,
message sets, flags, wizard, sync log. Real SQLite, in memory or in a temporary file."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from syncengine.clock import Clock, FixedClock, SystemClock, stamp
from syncengine.errors import RecordError
from syncengine.store import (
    MIGRATIONS,
    Candidate,
    EntityRow,
    LinkUpdate,
    MessageRequest,
    NewPsr,
    NotFound,
    SchemaVersionError,
    Store,
)
from syncengine.store.db import connect, migrate
from syncengine.store.schema import TABLES

START = datetime(2025, 1, 6, 9, 0, 0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def store(clock: FixedClock) -> Store:
    with Store(clock=clock) as s:
        yield s


def _customer(store: Store, entity_id: int = 1, name: str = "Acme") -> None:
    store.entities.insert_many([EntityRow(entity_id, "customer", name, None, {"name": name})])


def test_fresh_file_gets_every_migration(tmp_path):
    """A new workspace file is created at the latest schema version."""
    with Store(tmp_path / "w.sqlite") as s:
        assert s.schema_version == len(MIGRATIONS)
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master")}
    assert set(TABLES) <= tables


def test_workspace_file_uses_wal(tmp_path):
    """A workspace file is opened in WAL mode so readers never block the sync job."""
    with Store(tmp_path / "w.sqlite") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_existing_file_is_migrated_and_keeps_its_data(tmp_path):
    """A file written at schema version 1 is brought up to date with its records intact."""
    path = tmp_path / "old.sqlite"
    conn = connect(path)
    assert migrate(conn, upto=1) == 1
    conn.execute(
        "INSERT INTO entities (entity_type, name, data, created_at, modified_at)"
        " VALUES ('customer', 'Acme', '{}', 'then', 'then')"
    )
    conn.close()
    with Store(path) as s:
        assert s.schema_version == len(MIGRATIONS)
        assert s.entities.get(1).name == "Acme"
        assert s.frame("wizard_candidates").empty


def test_newer_file_is_refused(tmp_path):
    """A file from a newer QB Sync Lab is refused, not silently misread."""
    path = tmp_path / "new.sqlite"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(SchemaVersionError, match="newer than this QB Sync Lab"):
        Store(path)


def test_two_processes_opening_a_fresh_file_both_succeed(tmp_path):
    """Two connections creating the same fresh file at once both end at the latest schema."""
    path, versions = tmp_path / "race.sqlite", []

    def open_it() -> None:
        with Store(path) as s:
            versions.append(s.schema_version)

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert versions == [len(MIGRATIONS)] * 2


def test_timestamps_come_from_the_injected_clock(store, clock):
    """Created and modified times are the injected clock's, not the machine's."""
    _customer(store)
    clock.advance(minutes=5)
    store.entities.update_many([EntityRow(1, "customer", "Acme Ltd", None, {})])
    entity = store.entities.get(1)
    assert entity.created_at == stamp(START)
    assert entity.modified_at == stamp(START + timedelta(minutes=5))


def test_job_timestamps_follow_the_clock(store, clock):
    """A sync job's record-created, request-sent and response-received times are clock times."""
    job = store.jobs.create()
    clock.advance(2)
    store.messages.save(job.id, "MS-1", "<QBXML/>")
    store.messages.mark_sent("MS-1")
    clock.advance(3)
    store.messages.record_response("MS-1", "<QBXML/>")
    job = store.jobs.get(job.id)
    assert job.created_at == stamp(START)
    assert job.request_sent_at == stamp(START + timedelta(seconds=2))
    assert job.response_received_at == stamp(START + timedelta(seconds=5))


def test_clocks_fit_the_protocol():
    """The real and the fixed clock both satisfy the Clock protocol; the real one is aware."""
    assert isinstance(SystemClock(), Clock) and isinstance(FixedClock(), Clock)
    assert SystemClock().now().tzinfo is not None


def test_fixed_clock_moves_only_when_told():
    """A FixedClock stands still until advanced or set."""
    clock = FixedClock(START)
    assert clock.now() == clock.now() == START
    assert clock.advance(hours=1) == START + timedelta(hours=1)
    clock.set(START)
    assert clock.now() == START


def test_every_table_reads_as_a_dataframe(store):
    """store.frame() gives each table as a DataFrame with its columns, even when empty."""
    for table in TABLES:
        frame = store.frame(table)
        assert isinstance(frame, pd.DataFrame)
        assert len(frame.columns) > 0


def test_frame_of_unknown_table_is_refused(store):
    """Asking for a table that does not exist names the tables that do."""
    with pytest.raises(NotFound, match="tables: entities"):
        store.frame("customers; DROP TABLE psrs")


def test_frame_times_are_datetimes(store):
    """Timestamp columns in DataFrames are aware UTC datetimes, ready for sorting and plotting
    (the fixed clock's naive start is UTC)."""
    _customer(store)
    frame = store.frame("entities")
    assert frame["created_at"].iloc[0] == pd.Timestamp(START, tz="UTC")


def test_failed_write_leaves_nothing_behind(store):
    """An error inside a write transaction rolls back every statement of it."""
    with pytest.raises(RuntimeError), store.write():
        _customer(store)
        store.psrs.insert_many([NewPsr(1, "customer", "add", 20)])
        raise RuntimeError("boom")
    assert store.frame("entities").empty and store.frame("psrs").empty


def test_settings_read_their_defaults(store):
    """An unset setting reads as its default: lists are made inactive, transactions deleted."""
    assert store.settings.get("delete_action.customer") == "inactivate"
    assert store.settings.get("delete_action.invoice") == "delete"


def test_settings_keep_their_type(store):
    """A date setting is stored and read back as a date."""
    store.settings.write_raw("schedule.begin_date", "2025-02-01")
    assert store.settings.get("schedule.begin_date") == date(2025, 2, 1)


def test_bad_setting_value_names_the_setting(store):
    """A value outside a setting's allowed ones is refused, naming key and value."""
    with pytest.raises(RecordError, match=r"delete_action\.customer = 'shred'"):
        store.settings.write_raw("delete_action.customer", "shred")


def test_unknown_setting_is_refused(store):
    """A misspelled setting key is an error, not a new setting."""
    with pytest.raises(RecordError, match="no such setting"):
        store.settings.write_raw("sync.tme", True)


def test_settings_frame_marks_changed_values(store):
    """The settings DataFrame shows which values differ from their defaults."""
    store.settings.write_raw("sync.time", False)
    frame = store.settings.frame().set_index("key")
    assert frame.loc["sync.time", "changed"] and not frame.loc["sync.vendor_invoices", "changed"]


def test_link_holds_listid_and_editsequence(store):
    """A link records the ListID and EditSequence QuickBooks gave, findable both ways."""
    _customer(store)
    store.links.upsert_many([LinkUpdate(1, "customer", "80000001-1", "1700", "Customer")])
    assert store.links.get(1).edit_sequence == "1700"
    assert store.links.by_qb_id("customer", "80000001-1").entity_id == 1


def test_cleared_link_is_gone(store):
    """Clear ID forgets the ListID so the record can be matched or added again."""
    _customer(store)
    store.links.upsert_many([LinkUpdate(1, "customer", "80000001-1", "1700")])
    assert store.links.clear(1)
    assert store.links.get(1) is None


def test_message_set_is_saved_before_it_is_sent(store):
    """A saved message set with no answer is listed for error recovery."""
    job = store.jobs.create()
    store.messages.save(job.id, "MS-1", "<QBXML/>", [MessageRequest("1", "CustomerAdd")])
    assert [m.id for m in store.messages.unanswered(job.id)] == ["MS-1"]
    assert store.messages.requests("MS-1")[0].request_type == "CustomerAdd"


def test_answered_message_set_is_not_unanswered(store):
    """Once the response is recorded the set no longer needs recovery."""
    job = store.jobs.create()
    store.messages.save(job.id, "MS-1", "<QBXML/>")
    store.messages.mark_sent("MS-1")
    store.messages.record_response("MS-1", "<QBXML>ok</QBXML>")
    assert store.messages.unanswered(job.id) == []
    assert store.messages.get("MS-1").state == "answered"


def test_flags_are_set_and_cleared(store):
    """A record can be flagged proxy, and the flag removed again."""
    _customer(store)
    store.flags.mark(1, "proxy", "stands for a QuickBooks-only customer")
    assert store.flags.of(1) == {"proxy"}
    assert store.flags.clear(1, "proxy") and store.flags.of(1) == set()


def test_wizard_candidates_start_checked(store):
    """Wizard candidates wait checked, and the badge counts them."""
    store.wizard.add_many([Candidate("export", "customer", "Acme"), Candidate("export", "item")])
    assert store.wizard.badge("export") == 2
    assert store.wizard.frame("export")["checked"].tolist() == [1, 1]


def test_approve_checked_can_clear_unchecked(store):
    """Approve checked with clear-unchecked approves one and clears the other."""
    store.wizard.add_many([Candidate("import", "customer", "A"), Candidate("import", "item", "B")])
    store.wizard.set_checked([2], False)
    assert store.wizard.approve_checked("import", keep_unchecked=False) == 1
    assert store.wizard.frame("import")["state"].tolist() == ["approved", "cleared"]
    assert store.wizard.badge("import") == 0
