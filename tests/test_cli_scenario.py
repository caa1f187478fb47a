"""``qbsync scenario``: a broken playbook is refused naming its file, line and key before
anything runs; a failed expectation is named with its step, expected and actual values;
``--json`` gives one object per playbook; list, show and new."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_workspace import qbsync

GOOD = """\
name: {name}
title: A customer synced
covers: {{behaviour: a customer reaches QuickBooks, source: "Order Time: Sync queue"}}
seed: 1
app:
  records:
    - {{key: acme, type: customer, name: Acme}}
steps:
  - title: Sync
    run: job run --simulated
    expect:
      exit: 0
      queue:
        acme: {{state: done}}
      quickbooks:
        - {{kind: Customer, name: Acme, exists: true}}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write(tmp_path, "good", GOOD.format(name="good"))


def test_a_playbook_whose_expectations_hold_exits_0(good, capsys):
    """Every expectation held: exit 0 and "passed"."""
    ran = qbsync(capsys, "scenario", "run", good)
    assert ran.code == 0 and "good: passed (1 steps, 3 expectations)" in ran.out


def test_a_misspelt_key_is_refused_with_file_line_and_key(tmp_path, capsys):
    """`stat:` for `state:` on line 14: refused before anything runs, naming all three."""
    path = write(
        tmp_path, "typo", GOOD.format(name="typo").replace("{state: done}", "{stat: done}")
    )
    ran = qbsync(capsys, "scenario", "run", path)
    assert ran.code == 2 and ran.out == ""
    assert f"{path}:14: steps#1.expect.queue.acme.stat: unknown key;" in ran.err
    assert "allowed here: state, action, error_code, open" in ran.err


def test_a_value_of_the_wrong_type_is_refused_with_its_line(tmp_path, capsys):
    """`seed: one` names line 4 and the key seed."""
    path = write(tmp_path, "typed", GOOD.format(name="typed").replace("seed: 1", "seed: one"))
    ran = qbsync(capsys, "scenario", "run", path)
    assert ran.code == 2
    assert f"{path}:4: seed: Input should be a valid integer (given: 'one')" in ran.err


def test_a_step_doing_two_things_is_refused(tmp_path, capsys):
    """A step has exactly one of run, app, settings, quickbooks, sync."""
    text = GOOD.format(name="two").replace("    run: job", "    sync: {}\n    run: job")
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "two", text))
    assert ran.code == 2 and ":9: steps#1: give exactly one of run, app" in ran.err


def test_an_unknown_app_field_is_refused_naming_the_fields(tmp_path, capsys):
    """A customer has no field `full_name`: the message lists the fields it has."""
    text = GOOD.format(name="field").replace("name: Acme}", "full_name: Acme}")
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "field", text))
    assert ran.code == 2 and ":7: app.records#1: customer has no field 'full_name'" in ran.err


def test_a_name_other_than_the_files_is_refused(tmp_path, capsys):
    """Commands name a playbook by its file, so the two must agree."""
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "file", GOOD.format(name="other")))
    assert ran.code == 2 and ":1: name: 'other' is not the file's name 'file'" in ran.err


def test_no_playbook_runs_when_one_of_them_is_broken(good, tmp_path, capsys):
    """Every file is checked first: the good one does not run either."""
    bad = write(tmp_path, "bad", GOOD.format(name="bad").replace("title: A", "heading: A"))
    ran = qbsync(capsys, "scenario", "run", good, bad)
    assert ran.code == 2 and "passed" not in ran.out and f"{bad}:2: heading" in ran.err


def test_a_failed_expectation_names_step_expected_and_actual(tmp_path, capsys):
    """Exit 1; the step's number and title, the expectation, the values, what it showed."""
    text = GOOD.format(name="wrong").replace("{state: done}", "{state: failed}")
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "wrong", text))
    assert ran.code == 1
    assert "wrong: FAILED: 1 of 3 expectations" in ran.out
    assert "step 1 (Sync): qbsync job run --simulated" in ran.out
    assert "queue acme.state: expected 'failed', got 'done'" in ran.out
    assert "Sync job 1: finished" in ran.out


def test_json_gives_one_object_per_playbook(good, tmp_path, capsys):
    """name, passed, steps with their expectations and results, failures."""
    text = GOOD.format(name="wrong").replace("exists: true", "exists: false")
    ran = qbsync(capsys, "scenario", "run", good, write(tmp_path, "wrong", text), "--json")
    first, second = ran.json
    assert ran.code == 1
    assert (first["name"], first["passed"], first["failures"]) == ("good", True, [])
    assert first["steps"][0]["expectations"][0] == {
        "expectation": "exit status",
        "expected": 0,
        "actual": 0,
        "passed": True,
    }
    assert second["failures"] == [
        {
            "step": 1,
            "title": "Sync",
            "expectation": "QuickBooks Customer 'Acme' exists",
            "expected": False,
            "actual": True,
            "passed": False,
        }
    ]


def test_a_known_failure_that_fails_is_as_expected(tmp_path, capsys):
    """Marked known_failure and failing: exit 0, reported as a known failure."""
    text = GOOD.format(name="known").replace("seed: 1", 'seed: 1\nknown_failure: "bug 7"')
    text = text.replace("{state: done}", "{state: failed}")
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "known", text))
    assert ran.code == 0 and "known failure (bug 7): 1 of 3 expectations failed" in ran.out


def test_a_known_failure_that_passes_says_to_remove_the_mark(tmp_path, capsys):
    """Marked known_failure but every expectation holds: exit 1, remove the mark."""
    text = GOOD.format(name="fixed").replace("seed: 1", 'seed: 1\nknown_failure: "bug 7"')
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "fixed", text))
    assert ran.code == 1 and "remove the mark" in ran.out


def test_a_step_refused_unexpectedly_fails(tmp_path, capsys):
    """A command that exits 2 where no `exit:` expects it is a failed expectation."""
    text = GOOD.format(name="refused").replace("run: job run --simulated", "run: queue delete 99")
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "refused", text))
    assert ran.code == 1 and "exit status: expected 0, got 2" in ran.out


def test_new_writes_a_template_that_runs(tmp_path, capsys):
    """The template is a valid playbook that passes as written."""
    assert qbsync(capsys, "scenario", "new", "fresh", "--folder", tmp_path).code == 0
    ran = qbsync(capsys, "scenario", "run", tmp_path / "fresh.yaml")
    assert ran.code == 0 and "fresh: passed" in ran.out


def test_new_refuses_to_overwrite(good, tmp_path, capsys):
    """An existing playbook is never overwritten."""
    ran = qbsync(capsys, "scenario", "new", "good", "--folder", tmp_path)
    assert ran.code == 2 and "exists already" in ran.err


def test_list_and_show(good, tmp_path, capsys):
    """list: name and title; show: what it covers and its steps."""
    listed = qbsync(capsys, "scenario", "list", "--folder", tmp_path)
    shown = qbsync(capsys, "scenario", "show", "good", "--folder", tmp_path)
    assert listed.out.strip() == "good: A customer synced"
    assert "source: Order Time: Sync queue" in shown.out
    assert "1. Sync  [run] job run --simulated" in shown.out


def test_show_of_an_unknown_playbook_names_the_known_ones(good, tmp_path, capsys):
    """A mistyped name is refused with the names there are."""
    ran = qbsync(capsys, "scenario", "show", "goood", "--folder", tmp_path)
    assert ran.code == 2 and "no playbook 'goood'" in ran.err and "playbooks: good" in ran.err


def test_an_unknown_qbxml_object_is_refused(tmp_path, capsys):
    """`kind: Customers` is no qbXML object: refused at its line, with examples."""
    text = GOOD.format(name="kind").replace("kind: Customer,", "kind: Customers,")
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "kind", text))
    assert ran.code == 2
    assert ":16: steps#1.expect.quickbooks#1.kind: 'Customers' is no qbXML object name" in ran.err


def test_list_names_a_broken_playbook_with_its_problem(good, tmp_path, capsys):
    """One broken file does not hide the others from the list."""
    write(tmp_path, "bad", GOOD.format(name="bad").replace("seed: 1", "seed: x"))
    ran = qbsync(capsys, "scenario", "list", "--folder", tmp_path)
    assert ran.code == 0
    assert ran.out.splitlines()[0].startswith("bad: NOT VALID: ")
    assert ":4: seed: Input should be a valid integer" in ran.out
    assert ran.out.splitlines()[1] == "good: A customer synced"


def test_a_key_no_record_has_is_refused_before_anything_runs(tmp_path, capsys):
    """`{acmee}` in a command line: refused at the step's line, with the keys there are."""
    text = GOOD.format(name="key").replace("run: job run --simulated", "run: record resync {acmee}")
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "key", text))
    assert ran.code == 2
    assert ":9: steps#1: no app record with key 'acmee' by here; keys: acme" in ran.err


def test_a_fault_plan_that_cannot_be_read_is_refused_before_anything_runs(tmp_path, capsys):
    """A plan file that does not exist is named before any playbook runs."""
    text = GOOD.format(name="plan").replace("seed: 1", "seed: 1\nfaults: faults/nowhere.yaml")
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "plan", text))
    assert ran.code == 2 and "plan.yaml:5: faults: no fault plan file at" in ran.err
