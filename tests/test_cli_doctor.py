"""``qbsync doctor`` and the workspace's simulated company: a damaged company file is reported
as damaged with what to do; moving it away never silently starts an empty company under the
workspace's links; doctor checks a workspace without changing it and says what it found."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli_workspace import make_workspace, qbsync

JOB = ("job", "run", "--simulated")


@pytest.fixture
def cli(capsys):
    """``cli(db, *command)``: ``qbsync --db db COMMAND`` in-process."""
    return lambda db, *command: qbsync(capsys, "--db", db, *command)


@pytest.fixture
def synced(tmp_path, cli):
    """A workspace whose records went to its simulated company (one, Birch the vendor, failed
    with 3100): three links (item 1, customers 2 and 3)."""
    shop = make_workspace(tmp_path)
    assert cli(shop, *JOB).code == 0
    return shop


def _company(shop: Path) -> Path:
    return shop.with_name(shop.name + ".qbsim.json")


def _problems(ran) -> list[str]:
    return [f["check"] for f in ran.json["findings"] if f["level"] == "problem"]


def test_a_synced_workspace_is_well(synced, cli):
    """After a job: every check ok, exit 0, "All is well."."""
    ran = cli(synced, "doctor")
    assert ran.code == 0 and ran.out.rstrip().endswith("All is well.")
    assert "company: the simulated company holds all 3 linked record(s)" in ran.out


def test_doctor_as_json_lists_each_check(synced, cli):
    """``--json``: the workspace, no problems, and one finding per check."""
    data = cli(synced, "doctor", "--json").json
    checks = [f["check"] for f in data["findings"]]
    assert checks == ["integrity", "schema", "foreign keys", "links", "jobs", "company"]
    assert data["problems"] == 0 and data["workspace"] == str(synced)


def test_doctor_changes_nothing(synced, cli):
    """The workspace's bytes are the same after doctor as before."""
    before = synced.read_bytes()
    cli(synced, "doctor")
    assert synced.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "it is damaged, not JSON"),  # cut short
        ("not json at all", "it is damaged, not JSON"),
        ("[1, 2, 3]", "it is damaged, not the shape of a company file"),
        ('{"format": "qbsim-company", "version": 1}', "not the shape of a company file"),
        ('{"format": "ledger"}', "not a qbsim company file"),
    ],
    ids=["truncated", "not-json", "a-list", "no-state", "other-format"],
)
def test_a_damaged_company_is_reported_damaged(synced, cli, content, why):
    """A company file cut short, not JSON or of the wrong shape: ``job run`` exits 2 with what
    to do, and doctor finds it (exit 1); the file is left as it was."""
    company = _company(synced)
    text = company.read_text()[:500] if content is None else content
    company.write_text(text)
    ran = cli(synced, *JOB)
    assert ran.code == 2 and ran.err.count("\n") == 1 and why in ran.err, ran.err
    assert "Restore it from a backup" in ran.err and "--new-company" in ran.err
    doctor = cli(synced, "doctor", "--json")
    assert doctor.code == 1 and _problems(doctor) == ["company"]
    assert company.read_text() == text


def test_a_moved_away_company_is_not_silently_replaced(synced, cli):
    """No company file, but the workspace has links: ``job run`` refuses to start an empty
    company that would lack them, saying how to."""
    _company(synced).unlink()
    ran = cli(synced, *JOB)
    assert ran.code == 2 and "the workspace links 3 record(s) to QuickBooks" in ran.err
    assert "--new-company" in ran.err and not _company(synced).exists()


def test_a_new_company_under_links_says_they_point_at_nothing(synced, cli):
    """``--new-company``: the run goes on, and says (and its JSON counts) the links the new
    company lacks; doctor then names the records."""
    _company(synced).unlink()
    ran = cli(synced, *JOB, "--new-company")
    assert ran.code == 0 and "links 3 record(s) to QuickBooks that this new company lacks" in (
        ran.out
    )
    data = cli(synced, "app", "edit", "2", "name=Acme Ltd", "--json")
    assert data.code == 0
    ran = cli(synced, *JOB, "--json")
    assert ran.json["company_created"] is False and "links_not_in_company" not in ran.json
    doctor = cli(synced, "doctor")
    assert doctor.code == 1 and "of 3 linked record(s) are not in the simulated company" in (
        doctor.out
    )
    assert "customer 3 'Birch' (Customer" in doctor.out and "record clear-id" in doctor.out


def test_a_new_company_as_json_counts_the_links_it_lacks(synced, cli):
    """``job run --new-company --json``: ``links_not_in_company`` is 3."""
    _company(synced).unlink()
    ran = cli(synced, *JOB, "--new-company", "--json")
    assert ran.json["company_created"] is True and ran.json["links_not_in_company"] == 3


def test_autosync_refuses_an_empty_company_under_links(synced, cli):
    """``autosync run --simulated`` refuses as ``job run`` does."""
    _company(synced).unlink()
    cli(synced, "autosync", "set", "--every", "600", "--begin", "2025-01-01")
    ran = cli(synced, "autosync", "run", "--simulated", "--for", "60")
    assert ran.code == 2 and "--new-company" in ran.err


def test_a_company_lacking_a_linked_record_is_named(synced, cli):
    """A company from before a record was sent (an older copy): doctor names the record."""
    conn = sqlite3.connect(synced)
    conn.execute("UPDATE links SET qb_id = 'FFFF-1' WHERE entity_id = 2")
    conn.commit()
    conn.close()
    ran = cli(synced, "doctor")
    assert ran.code == 1 and "1 of 3 linked record(s) are not in the simulated company" in ran.out
    assert "customer 2 'Acme' (Customer FFFF-1)" in ran.out


def test_an_id_linked_twice_is_a_problem(synced, cli):
    """Two app records linked to one ListID: doctor names the ID and both records."""
    conn = sqlite3.connect(synced)
    [qb_id] = conn.execute("SELECT qb_id FROM links WHERE entity_id = 2").fetchone()
    conn.execute("UPDATE links SET qb_id = ?, entity_type = 'vendor' WHERE entity_id = 3", (qb_id,))
    conn.commit()
    conn.close()
    ran = cli(synced, "doctor", "--json")
    assert ran.code == 1 and "links" in _problems(ran)
    [finding] = [f for f in ran.json["findings"] if f["check"] == "links"]
    assert f"{qb_id} (customer 2, vendor 3)" in finding["found"]


def test_a_job_left_running_is_a_problem(synced, cli):
    """An unfinished job: doctor says so, and how to resume or cancel it."""
    cli(synced, "app", "edit", "2", "name=Acme Ltd")
    assert cli(synced, "job", "new").code == 0
    ran = cli(synced, "doctor")
    assert ran.code == 1 and "jobs: sync job 2 is unfinished" in ran.out
    assert "job cancel" in ran.out


def test_a_row_pointing_nowhere_is_a_problem(synced, cli):
    """A foreign key to no row: doctor names the table and row."""
    conn = sqlite3.connect(synced)
    conn.execute("UPDATE errors SET job_id = 99")
    conn.commit()
    conn.close()
    ran = cli(synced, "doctor")
    assert ran.code == 1 and "errors row 1 -> jobs" in ran.out


def test_an_older_schema_is_a_note_and_left_as_it_is(synced, cli):
    """Schema version 4 of 5: a note (the next command migrates it), exit 0, not migrated."""
    conn = sqlite3.connect(synced)
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    ran = cli(synced, "doctor")
    assert ran.code == 0 and "NOTE     schema: schema version 4 of 5" in ran.out
    conn = sqlite3.connect(synced)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    conn.close()


def test_a_damaged_workspace_is_a_problem(synced, cli):
    """Pages overwritten: the integrity check's finding, with what to do; exit 1."""
    data = bytearray(synced.read_bytes())
    data[4096 : 4096 * 3] = b"\xa5" * 8192
    synced.write_bytes(bytes(data))
    ran = cli(synced, "doctor")
    assert ran.code == 1 and "PROBLEM  integrity: the file is damaged" in ran.out
    assert "restore the workspace from a backup" in ran.out


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("hello"), "file is not a database"),
        (lambda p: None, "no workspace at"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)"), "no QB Sync Lab workspace"),
    ],
    ids=["text", "missing", "other-sqlite"],
)
def test_doctor_cannot_read_what_is_no_workspace(tmp_path, cli, make, says):
    """Not a database, no file, another program's database: exit 2 saying so."""
    path = tmp_path / "shop.db"
    make(path)
    ran = cli(path, "doctor")
    assert ran.code == 2 and says in ran.err, ran.err


def test_a_workspace_without_a_company_is_noted(tmp_path, cli):
    """No company beside an unsynced workspace: a note, exit 0."""
    ran = cli(make_workspace(tmp_path), "doctor")
    assert ran.code == 0 and "NOTE     company: no simulated company at" in ran.out
