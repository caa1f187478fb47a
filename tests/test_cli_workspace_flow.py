"""A rehearsal into a workspace file leaves a company that later jobs go on talking to."""

from __future__ import annotations

import json

from qbsim import Company
from syncengine.cli import main


def test_job_after_a_rehearsal_talks_to_the_same_company(tmp_path, capsys):
    """`job run --simulated` after `rehearse --db` finds everything synced: nothing re-added."""
    db = tmp_path / "shop.db"
    assert main(["rehearse", "--generate", "60", "--seed", "2", "--db", str(db), "--json"]) == 0
    synced = json.loads(capsys.readouterr().out)["synced"]
    company_file = tmp_path / "shop.db.qbsim.json"
    held_before = _records(company_file)
    assert main(["--db", str(db), "job", "run", "--simulated", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["report"]
    assert synced == 60
    assert report["exported"]["created"] == []
    assert report["imported"]["created"] == []
    assert report["errors"] == []
    assert _records(company_file) == held_before > 60


def test_a_rehearsal_into_a_workspace_names_its_company(tmp_path, capsys):
    """`rehearse --db --json` says where QuickBooks' side of the workspace lives."""
    db = tmp_path / "shop.db"
    assert main(["rehearse", "--generate", "5", "--db", str(db), "--json"]) == 0
    named = json.loads(capsys.readouterr().out)["company"]
    assert named == str(tmp_path / "shop.db.qbsim.json")
    assert Company.load(named).count("Customer") >= 1


def _records(company_file) -> int:
    company = Company.load(company_file)
    return sum(len(table) for table in company.state.records.values())


def test_output_piped_into_a_closed_reader_ends_quietly(tmp_path, monkeypatch):
    """`qbsync guide 3100 | head -1` must not end in a BrokenPipe traceback."""

    class ClosedPipe:
        def write(self, _text):
            raise BrokenPipeError

        def flush(self):
            raise BrokenPipeError

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["guide", "3100"]) == 0
