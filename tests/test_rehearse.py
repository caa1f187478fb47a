"""``qbsync rehearse``: the JSON report's keys, its determinism, errors by code with a fault
plan, duplicates counted from the company, the table for people, and exit codes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from qbsim.host.documents import document
from syncengine.cli import main
from syncengine.rehearsal.rehearse import (
    WALL_FIELDS,
    Rehearsal,
    human_duration,
    quickbooks_duplicates,
    rehearse,
    setup_company,
)

REQUIRED_KEYS = {
    "records",
    "synced",
    "failed",
    "errors_by_code",
    "jobs",
    "simulated_seconds",
    "wall_seconds",
    "records_per_second",
    "duplicates_in_quickbooks",
    "estimated_duration",
}
BUSY_OFFICE = Path(__file__).parent.parent / "scenarios" / "faults" / "busy-office.yaml"
TAKEN = """
title: names keyed by hand first
faults:
  - effect: duplicate_name
    when: {request_type: CustomerAddRq, on_request: 1, times: 2}
"""


def _json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["rehearse", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _steady(report: dict) -> dict:
    return {key: value for key, value in report.items() if key not in WALL_FIELDS}


def test_json_report_has_the_keys_scripts_read(capsys):
    """--json prints one object with the counts, errors, time and duplicates."""
    code, report = _json(capsys, "--generate", "40", "--seed", "2")
    assert code == 0
    assert set(report) >= REQUIRED_KEYS
    assert (report["records"], report["synced"], report["failed"]) == (40, 40, 0)
    assert report["duplicates_in_quickbooks"] == 0
    assert report["simulated_seconds"] > 0 and report["jobs"] >= 1


def test_two_thousand_records_sync_with_no_duplicates(capsys):
    """The issue's done-check: 2,000 generated records all sync, none twice."""
    code, report = _json(capsys, "--generate", "2000", "--seed", "1")
    assert code == 0
    assert (report["synced"], report["failed"], report["waiting"]) == (2000, 0, 0)
    assert report["duplicates_in_quickbooks"] == 0


def test_same_seed_same_report_but_for_wall_time():
    """Two rehearsals with one seed (and a fault plan with chances) report alike."""
    options = Rehearsal(records=120, seed=4, faults=BUSY_OFFICE)
    first, second = (rehearse(options).as_dict() for _ in range(2))
    assert _steady(first) == _steady(second)


def test_fault_plan_errors_show_by_code_and_are_requeued():
    """Names taken in QuickBooks first: 3100 errors, counted by code, records re-queued."""
    report = rehearse(Rehearsal(records=60, seed=2, faults=TAKEN)).as_dict()
    assert report["errors_by_code"].get("3100", 0) >= 2
    assert report["failed_by_code"]["3100"] == 2
    assert set(report["failed_by_code"]) <= {"3100", "not sent"}  # "not sent": waits for them
    assert report["requeued"] == report["failed"] >= 2
    assert report["faults"] == "names keyed by hand first"
    assert report["duplicates_in_quickbooks"] == 0


def test_strict_exits_one_when_records_failed(tmp_path, capsys):
    """--strict turns failed records into exit status 1."""
    plan = tmp_path / "taken.yaml"
    plan.write_text(TAKEN)
    assert main(["rehearse", "--generate", "30", "--faults", str(plan), "--strict"]) == 1
    assert "3100" in capsys.readouterr().out


def test_table_for_people(capsys):
    """Without --json the report is a table by type with totals and the time estimate."""
    assert main(["rehearse", "--generate", "25", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "records   synced   failed  waiting" in out
    assert "total" in out and "Estimated time on real QuickBooks" in out


def test_workspace_file_keeps_simulated_times(tmp_path, capsys):
    """--db writes the workspace to a file whose times are the simulation's."""
    db = tmp_path / "rehearsal.db"
    code, _ = _json(capsys, "--generate", "20", "--db", str(db))
    assert code == 0
    from qbsim.model.base import DEFAULT_START
    from syncengine.clock import parse_stamp
    from syncengine.store import Store

    with Store(db) as store:  # kept in UTC: 09:0x at QuickBooks' -05:00 is 14:0x
        started = store.jobs.get(1).created_at
    assert started.startswith("2026-01-05 14:0") and started.endswith("+00:00")
    assert parse_stamp(started) - DEFAULT_START < timedelta(minutes=10)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--generate", "0"], "at least 1 record"),
        (["--generate", "5", "--faults", "no/such/plan.yaml"], "no fault plan file"),
        (["--generate", "5", "--profile", "no-such-profile"], "no latency profile"),
        (["--generate", "5", "--batch-size", "0"], "batch-size"),
    ],
)
def test_bad_input_exits_two_with_the_reason(argv, message, capsys):
    """Bad input is refused with exit status 2 and the reason on stderr."""
    assert main(["rehearse", *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_bad_yaml_exits_two(tmp_path, capsys):
    """A fault plan that is not YAML is refused with exit status 2."""
    plan = tmp_path / "broken.yaml"
    plan.write_text("faults: [\n")
    assert main(["rehearse", "--generate", "5", "--faults", str(plan)]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_used_workspace_is_refused(tmp_path, capsys):
    """Rehearsing into a workspace that already holds records is refused."""
    db = tmp_path / "used.db"
    assert main(["rehearse", "--generate", "5", "--db", str(db), "--json"]) == 0
    capsys.readouterr()
    assert main(["rehearse", "--generate", "5", "--db", str(db)]) == 2
    assert "already holds 5 records" in capsys.readouterr().err


def test_duplicates_are_counted_from_the_company():
    """Two invoices with one RefNumber count as one duplicate of that transaction type."""
    company = setup_company(1)
    company.process(document("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}}))
    invoice = {
        "CustomerRef": {"FullName": "Acme"},
        "RefNumber": "1001",
        "InvoiceLineAdd": [{"Desc": "Work", "Amount": "10.00"}],
    }
    for _ in range(2):
        company.process(document("InvoiceAddRq", {"InvoiceAdd": invoice}))
    assert quickbooks_duplicates(company) == {"Invoice": 1}


@pytest.mark.parametrize(
    ("seconds", "text"), [(42.4, "42 s"), (849, "14 min 09 s"), (7500, "2 h 05 min")]
)
def test_durations_read_as_people_say_them(seconds, text):
    """Simulated seconds are shown in hours, minutes and seconds."""
    assert human_duration(seconds) == text


def test_a_workspace_is_the_same_whatever_python_hash_seed(tmp_path):
    """Support compares a customer's workspace with a rehearsal's: the app records and
    baselines one seed gives must not depend on Python's per-process string hashing."""
    dumps = [_workspace_rows(tmp_path, hash_seed) for hash_seed in ("0", "9")]
    assert dumps[0] == dumps[1]


def _workspace_rows(tmp_path: Path, hash_seed: str) -> dict[str, list]:
    db = tmp_path / f"hash{hash_seed}.db"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-m", "syncengine.cli", "rehearse", "--generate", "150"]
    subprocess.run([*command, "--seed", "1", "--db", str(db)], env=env, check=True)
    with closing(sqlite3.connect(db)) as con:
        return {
            table: con.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("entities", "baselines")
        }
