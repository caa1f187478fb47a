"""Which playbooks reproduce a status code: read from their expectations and the codes their
faults make QuickBooks answer with (``qbsim.faults.codes_met``), and where a run met it."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbsim.faults import CODES_MET, EFFECTS, Fault, Trigger, codes_met
from syncengine.rehearsal import playbooks
from syncengine.rehearsal.playbooks.codes import by_code, evidence, reproducing, seen
from syncengine.reports import guide

FOLDER = Path(__file__).resolve().parents[1] / "scenarios"


def test_every_fault_effect_says_what_a_client_meets():
    """Each effect qbsim knows has its codes (record_in_use: the fault's own code)."""
    assert set(CODES_MET) | {"record_in_use"} == set(EFFECTS)


def test_the_codes_faults_cause_are_in_the_guide():
    """Support can look up every code a fault causes: the guide has an entry of its own."""
    codes = {code for effect in CODES_MET.values() for code in effect} | {3170, 3175, 3176, 3180}
    missing = [guide.format_code(c) for c in sorted(codes) if not guide.has_entry(c)]
    assert missing == []


def test_record_in_use_meets_its_own_code():
    """A record_in_use fault answers with the code it is given."""
    fault = Fault("record_in_use", Trigger(request_type="CustomerModRq"), code=3180, duration=5)
    assert codes_met(fault) == (3180,)


def test_evidence_of_a_playbook_expecting_3100():
    """duplicate-name-rename-in-app: its first step expects the PSR and the job to meet 3100."""
    path = FOLDER / "duplicate-name-rename-in-app.yaml"
    assert by_code(evidence(playbooks.load(path), path)) == {
        "3100": [
            "step 1 expects birch's PSR to fail with it",
            "step 1 expects 1 error of it in the job",
        ]
    }


@pytest.mark.parametrize(
    ("code", "names"),
    [
        (3100, ["duplicate-name-delete-psr-edit-in-quickbooks", "duplicate-name-rename-in-app"]),
        (3200, ["edited-twice-in-quickbooks", "stale-edit-sequence"]),
        (3175, ["record-in-use-retry"]),
        (0x80040408, ["quickbooks-closed-mid-job"]),
    ],
)
def test_the_project_playbooks_reproducing_a_code(code, names):
    """The index over scenarios/ finds the playbooks written for each code."""
    found = [r.name for r in reproducing(FOLDER, code)]
    assert set(names) <= set(found)


def test_reproducing_leaves_out_a_broken_file(tmp_path):
    """A file that is not a valid playbook reproduces nothing (scenario list names it)."""
    (tmp_path / "broken.yaml").write_text("name: broken\n", encoding="utf-8")
    assert reproducing(tmp_path, 3100) == []


def test_seen_names_the_step_and_what_it_found():
    """A run of edited-twice-in-quickbooks meets 3200 in step 3: its checks and its output."""
    outcome = playbooks.run(FOLDER / "edited-twice-in-quickbooks.yaml")
    lines = seen(outcome, 3200)
    assert lines[:3] == [
        "step 3 (Sync while the person edits Acme twice; the change fails with 3200):",
        "  queue acme.error_code: 3200",
        "  jobs errors: {3200: 1}",
    ]
    assert any("status 3200 (CustomerModRq)" in line for line in lines)
    assert "step 5" not in "\n".join(lines)
