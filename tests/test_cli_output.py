"""What every command prints: whole numbers as whole numbers, a refusal with ``--json`` as a
JSON object on stdout, messages that name the command to run (never an engine method or a
rule number), long fix texts in full, and the report limited to its errors."""

from __future__ import annotations

import re

import pytest

from syncengine.reports.explain import explain
from tests.cli_workspace import make_workspace, qbsync


@pytest.fixture
def synced(tmp_path, capsys):
    """The shop after one job: three records created, the vendor 'Birch' failed with 3100."""
    shop = make_workspace(tmp_path)
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0
    return shop


def test_codes_and_ids_print_as_whole_numbers(synced, capsys):
    """``queue list --all``: done PSRs have no code, the failed one's code is ``3100``."""
    ran = qbsync(capsys, "--db", synced, "queue", "list", "--all")
    [birch] = [line for line in ran.out.splitlines() if "Birch" in line and "vendor" in line]
    assert "3100" in birch.split() and not re.search(r"\d\.0\b", ran.out)


def test_codes_and_ids_are_json_integers(synced, capsys):
    """``queue list --all --json``: ``error_code`` is the integer 3100, not 3100.0."""
    rows = qbsync(capsys, "--db", synced, "queue", "list", "--all", "--json").json
    codes = [row["error_code"] for row in rows if row["error_code"] is not None]
    assert codes == [3100] and all(type(code) is int for code in codes)


REFUSED = [
    ("record", "undo-sync", "999"),
    ("queue", "delete", "999"),
    ("wizard", "approve"),
    ("report", "9"),
    ("job", "cancel"),
    ("job", "errors", "9"),
    ("guide", "98765"),
]


@pytest.mark.parametrize("argv", REFUSED, ids=" ".join)
def test_a_refusal_with_json_is_a_json_object(synced, capsys, argv):
    """With ``--json`` a refusal is ``{"error", "command", "exit": 2}`` on stdout, exit 2."""
    ran = qbsync(capsys, "--db", synced, *argv, "--json")
    command = " ".join(a for a in argv if not a.isdigit())
    assert (ran.code, ran.err) == (2, "")
    assert ran.json["command"] == f"qbsync {command}" and ran.json["exit"] == 2
    assert ran.json["error"]


def test_a_refusal_without_json_stays_on_stderr(synced, capsys):
    """Without ``--json`` the reason is on stderr, nothing on stdout."""
    ran = qbsync(capsys, "--db", synced, "report", "9")
    assert (ran.code, ran.out) == (2, "") and ran.err.startswith("qbsync report: ")


def test_a_rehearsal_refused_with_json_is_a_json_object(tmp_path, capsys):
    """``rehearse --json`` refused (a workspace that exists) answers in JSON too."""
    shop = make_workspace(tmp_path)
    ran = qbsync(capsys, "rehearse", "--generate", "20", "--db", shop, "--json")
    assert (ran.code, ran.err, ran.json["command"]) == (2, "", "qbsync rehearse")


def test_the_wizard_off_names_the_command_that_turns_it_on(synced, capsys):
    """``wizard approve`` while the wizard is off says to run ``qbsync wizard enable``."""
    ran = qbsync(capsys, "--db", synced, "wizard", "approve")
    assert ran.code == 2 and "qbsync wizard enable" in ran.err and "()" not in ran.err


def test_an_unknown_candidate_names_the_command_that_lists_them(synced, capsys):
    """``wizard check 99``: the message says to see ``qbsync wizard list``."""
    qbsync(capsys, "--db", synced, "wizard", "enable")
    ran = qbsync(capsys, "--db", synced, "wizard", "check", "99")
    assert ran.code == 2 and "qbsync wizard list" in ran.err and "()" not in ran.err


def test_the_unsynced_fix_is_shown_whole(synced, capsys):
    """``record unsynced``: the vendor's fix for 3100 appears in full, not cut at 60."""
    ran = qbsync(capsys, "--db", synced, "record", "unsynced")
    assert " ".join(explain(3100, "add").split()) in " ".join(ran.out.split())
    assert "…" not in ran.out


def test_the_report_can_be_limited_to_errors(synced, capsys):
    """``report --errors``: the job line and its errors, no created/modified sections."""
    ran = qbsync(capsys, "--db", synced, "report", "--errors")
    assert ran.code == 0 and ran.out.startswith("Sync job 1: finished, 1 error(s)")
    assert "Errors (1):" in ran.out and "Sent to QuickBooks" not in ran.out


def test_the_report_errors_as_json(synced, capsys):
    """``report --errors --json``: the job and its errors only."""
    data = qbsync(capsys, "--db", synced, "report", "--errors", "--json").json
    assert set(data) == {"job", "errors"} and [e["status_code"] for e in data["errors"]] == [3100]


def test_the_report_of_a_job_by_option(synced, capsys):
    """``report --job 1`` is the report of job 1, as ``report 1`` is."""
    by_option = qbsync(capsys, "--db", synced, "report", "--job", "1")
    assert (
        by_option.code == 0 and by_option.out == qbsync(capsys, "--db", synced, "report", "1").out
    )


def test_a_bad_command_line_with_json_is_a_json_object(synced, capsys):
    """``queue list --state bogus --json``: argparse's refusal as JSON on stdout, exit 2."""
    ran = qbsync(capsys, "--db", synced, "queue", "list", "--state", "bogus", "--json")
    assert (ran.code, ran.err, ran.json["command"]) == (2, "", "qbsync queue list")
    assert "bogus" in ran.json["error"]
