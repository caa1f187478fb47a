"""``qbsync report``: a job's sync report for people and as JSON; refused without a job."""

from __future__ import annotations

import pytest

from tests.cli_workspace import make_workspace, qbsync


@pytest.fixture
def synced(tmp_path, capsys):
    shop = make_workspace(tmp_path)
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0
    return shop


def test_the_latest_jobs_report_is_printed(synced, capsys):
    """``report``: the job line, what was created, and the error with its guide steps."""
    ran = qbsync(capsys, "--db", synced, "report")
    assert ran.code == 0 and ran.out.startswith("Sync job 1: finished, 1 error(s)")
    assert "  created     customer       Acme" in ran.out
    assert "1. Rename the record in the app and sync again." in ran.out


def test_the_report_as_json(synced, capsys):
    """``report 1 --json``: created, modified and deleted sections and the errors."""
    data = qbsync(capsys, "--db", synced, "report", "1", "--json").json
    assert list(data["exported"]) == ["created", "modified", "deleted", "linked"]
    assert [e["guide"]["key"] for e in data["errors"]] == ["3100"]


def test_a_workspace_without_jobs_is_refused(tmp_path, capsys):
    """No job yet: exit 2 saying how to start one."""
    ran = qbsync(capsys, "--db", make_workspace(tmp_path), "report")
    assert ran.code == 2 and "has no sync job yet; start one with `job new`" in ran.err


def test_an_unknown_job_is_refused(synced, capsys):
    """``report 5`` with no job 5: exit 2."""
    ran = qbsync(capsys, "--db", synced, "report", "5")
    assert (ran.code, ran.err) == (2, "qbsync report: no sync job with id 5\n")
