"""Refusals and bugs through ``qbsync``: bad input exits 2 with a reason that names the
record or field; an exception that is not a refusal is a bug, reported as an internal error
with its traceback and exit 1 (never dressed up as a refusal)."""

from __future__ import annotations

import pytest

from tests.cli_workspace import make_workspace, qbsync


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


def _raise(error: Exception):
    def boom(*args, **kwargs):
        raise error

    return boom


def test_a_key_error_in_the_guide_is_an_internal_error(monkeypatch, capsys):
    """A KeyError from the engine exits 1 with the internal-error text and the traceback."""
    monkeypatch.setattr("syncengine.reports.guide.entry", _raise(KeyError("status")))
    ran = qbsync(capsys, "guide", "3100")
    assert (ran.code, ran.out) == (1, "")
    assert ran.err.startswith("qbsync guide: internal error: KeyError: 'status'\n")
    assert "please report it, with the traceback below" in ran.err
    assert "Traceback (most recent call last):" in ran.err


def test_a_value_error_in_an_action_is_not_a_refusal(shop, monkeypatch, capsys):
    """A ValueError from an action exits 1 naming the command, not 2."""
    monkeypatch.setattr("syncengine.actions.Actions.undo_sync", _raise(ValueError("bad row")))
    ran = qbsync(capsys, "--db", shop, "record", "undo-sync", "5")
    assert ran.code == 1
    assert ran.err.startswith("qbsync record undo-sync: internal error: ValueError: bad row")


def test_a_lookup_error_in_the_queue_is_not_a_refusal(shop, monkeypatch, capsys):
    """A LookupError from the queue's frame exits 1 with the traceback."""
    monkeypatch.setattr("syncengine.queue.SyncQueue.frame", _raise(LookupError("no column")))
    ran = qbsync(capsys, "--db", shop, "queue", "list")
    assert ran.code == 1 and "Traceback" in ran.err
    assert ran.err.startswith("qbsync queue list: internal error: LookupError: no column")


def test_an_unknown_record_is_refused(shop, capsys):
    """A record ID the workspace does not have: exit 2 naming the ID."""
    ran = qbsync(capsys, "--db", shop, "record", "resync", "999")
    assert (ran.code, ran.err) == (2, "qbsync record resync: no app record with id 999\n")


def test_an_unknown_status_is_refused_naming_the_field(shop, capsys):
    """A status the invoice's type lacks: exit 2 naming the record, field and value."""
    ran = qbsync(capsys, "--db", shop, "record", "set-status", "5", "shipped")
    assert ran.code == 2
    assert ran.err.startswith("qbsync record set-status: invoice 1001: field status = 'shipped'")


def test_a_code_that_is_no_number_is_refused(capsys):
    """``guide 31x``: exit 2 saying what to give instead."""
    ran = qbsync(capsys, "guide", "31x")
    assert ran.code == 2 and "give a number such as 3100" in ran.err


def test_a_file_that_is_no_workspace_is_refused(tmp_path, capsys):
    """``--db`` naming a file that is not a workspace: exit 2 naming the file."""
    path = tmp_path / "notes.db"
    path.write_text("not a database " * 100)
    ran = qbsync(capsys, "--db", path, "queue", "list")
    assert ran.code == 2
    assert ran.err.startswith(f"qbsync queue list: cannot open workspace {path}: file is not")


def test_a_company_in_a_missing_folder_is_refused_before_the_run(shop, capsys):
    """``--company`` in a folder that does not exist: exit 2, and no job is started."""
    company = shop.parent / "nowhere" / "company.json"
    ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated", "--company", company)
    assert ran.code == 2 and f"no folder {company.parent}" in ran.err
    assert qbsync(capsys, "--db", shop, "job", "list", "--json").json == []


@pytest.mark.parametrize("size", ["0", "-3", "many"])
def test_a_batch_size_under_one_is_refused_by_the_command_line(shop, size, capsys):
    """``--batch-size`` must be a whole number of 1 or more: argparse exits 2, no job started."""
    ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated", "--batch-size", size)
    assert ran.code == 2 and f"argument --batch-size: {size!r} is not a whole number" in ran.err
    assert qbsync(capsys, "--db", shop, "job", "list", "--json").json == []


def test_a_record_id_that_is_no_number_is_refused_by_the_command_line(shop, capsys):
    """argparse's own type errors still exit 2 with its usage text."""
    ran = qbsync(capsys, "--db", shop, "record", "close", "x")
    assert ran.code == 2 and "argument RECORD: invalid int value: 'x'" in ran.err
