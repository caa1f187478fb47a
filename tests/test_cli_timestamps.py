"""Times through ``qbsync``: the store keeps every instant in UTC whoever wrote it (a
rehearsal's simulated QuickBooks clock at -05:00, the CLI's machine clock), older workspaces
with other offsets or naive stamps still read, and every command shows an instant one way in
the user's zone (``TZ``)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.cli_workspace import qbsync, record_id

TOKYO, NEW_YORK = "JST-9", "EST+5"  # POSIX zones: +09:00 and -05:00, no tz database needed


@pytest.fixture
def zone(monkeypatch):
    """Set the user's zone (``TZ``) for the rest of the test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def rehearsed(tmp_path, capsys) -> Path:
    """A rehearsal's workspace (simulated time from 2026-01-05 09:00 -05:00), with a
    bookkeeper editing in QuickBooks."""
    path = tmp_path / "ws.db"
    argv = ("rehearse", "--generate", "50", "--seed", "1", "--db", path, "--bookkeeper", "30")
    assert qbsync(capsys, *argv).code == 0
    return path


def test_the_wizard_log_reads_rehearsal_and_cli_times(rehearsed, capsys, zone):
    """Undo sync and a job from the CLI after a rehearsal: ``wizard log`` lists both."""
    zone(TOKYO)  # the machine's zone differs from the rehearsal's QuickBooks
    invoice = record_id(rehearsed, "invoice", "10001")
    assert qbsync(capsys, "--db", rehearsed, "record", "undo-sync", invoice).code == 0
    assert qbsync(capsys, "--db", rehearsed, "job", "run", "--simulated").code == 0
    ran = qbsync(capsys, "--db", rehearsed, "wizard", "log")
    assert ran.code == 0, ran.err
    assert "invoice '10001'" in ran.out.splitlines()[-1]


@pytest.mark.parametrize(("name", "shown"), [(TOKYO, "23:00:00"), (NEW_YORK, "09:00:00")])
def test_times_show_in_the_users_zone(rehearsed, capsys, zone, name, shown):
    """The rehearsal's job started 14:00 UTC: ``job list`` and ``report`` show it in ``TZ``."""
    zone(name)
    listed = qbsync(capsys, "--db", rehearsed, "job", "list").out.splitlines()[1]
    assert f"2026-01-05 {shown}" in listed
    report = qbsync(capsys, "--db", rehearsed, "report").out
    assert f"created 2026-01-05 {shown};" in report


def test_json_times_carry_the_users_offset(rehearsed, capsys, zone):
    """``--json``: ISO 8601 in the user's zone with its offset, in every command."""
    zone(TOKYO)
    [job] = qbsync(capsys, "--db", rehearsed, "job", "list", "--json").json
    report = qbsync(capsys, "--db", rehearsed, "report", "--json").json
    assert job["created_at"] == report["job"]["created_at"] == "2026-01-05T23:00:00.000+09:00"


def test_a_workspace_with_mixed_stamps_still_reads(rehearsed, capsys, zone):
    """A workspace written before stamps were UTC (offsets mixed, naive) is migrated: the
    log reads and orders the instants, shown in the user's zone."""
    zone(NEW_YORK)
    conn = sqlite3.connect(rehearsed)
    conn.execute("UPDATE sync_log SET at = '2026-01-05 09:00:30.000-05:00'")
    conn.execute("UPDATE sync_log SET at = '2026-01-05 15:00:00.000+01:00' WHERE id = 1")
    conn.execute("UPDATE sync_log SET at = '2026-01-05 13:00:00.000' WHERE id = 2")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    ran = qbsync(capsys, "--db", rehearsed, "wizard", "log")
    assert ran.code == 0, ran.err
    times = [line[:19] for line in ran.out.splitlines()[1:]]
    assert times[:2] == ["2026-01-05 08:00:00", "2026-01-05 09:00:00"]
    assert set(times[2:]) == {"2026-01-05 09:00:30"}
