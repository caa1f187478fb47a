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
    assert ran.code == 0 and "good: passed (1 step, 3 expectations)" in ran.out


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


STEPS = """\
name: {name}
title: App and settings steps are command lines
covers: {{behaviour: steps are the command line's operations, source: "scenarios/README.md"}}
seed: 1
{faults}app:
  records:
    - {{key: acme, type: customer, name: Acme}}
steps:
{steps}"""


def steps_playbook(folder: Path, name: str, steps: str, faults: str = "") -> Path:
    return write(folder, name, STEPS.format(name=name, steps=steps, faults=faults))


def test_an_app_step_is_app_edit_and_shows_its_message(tmp_path, capsys):
    """`app: edit` runs `qbsync app edit ID`: the step shows the command's message."""
    steps = """\
  - title: Rename Acme in the app
    app:
      edit: {record: acme, name: Acme Ltd}
    expect:
      stdout:
        contains: "customer 'Acme Ltd' (id 1): changed. The next sync adds it to QuickBooks"
"""
    ran = qbsync(capsys, "scenario", "run", steps_playbook(tmp_path, "rename", steps), "--json")
    step = ran.json[0]["steps"][0]
    assert ran.code == 0 and ran.json[0]["passed"]
    assert step["did"] == "qbsync app edit 1 'name=Acme Ltd'"


def test_an_added_record_gets_its_key_and_a_refusal_shows_on_stderr(tmp_path, capsys):
    """`app: add` names the new record by its key; an app refusal exits 2 as the CLI's does."""
    steps = """\
  - title: Add an invoice for Acme
    app:
      add: {key: inv, type: invoice, ref_number: "7", customer: "{acme}", status: approved}
    expect:
      stdout: {contains: "invoice '7' (id 2): added"}
  - title: A status invoices do not have
    app:
      edit: {record: inv, status: shipped}
    expect:
      exit: 2
      stderr: {contains: "invoice 7: field status = 'shipped': must be one of"}
"""
    ran = qbsync(capsys, "scenario", "run", steps_playbook(tmp_path, "added", steps), "--json")
    assert ran.code == 0, ran.json[0]["failures"]
    assert [s["did"] for s in ran.json[0]["steps"]] == [
        "qbsync app add invoice ref_number=7 customer=1 status=approved",
        "qbsync app edit 2 status=shipped",
    ]


def test_a_settings_step_is_settings_set_for_each_key(tmp_path, capsys):
    """Two settings in one step: two `settings set` lines, both messages shown."""
    steps = """\
  - title: Mark paid and stop at the first error
    settings: {export.mark_paid: true, export.stop_area_on_first_error: true}
    expect:
      stdout:
        contains: ["export.mark_paid: false -> true.", "stop_area_on_first_error: false -> true."]
"""
    ran = qbsync(capsys, "scenario", "run", steps_playbook(tmp_path, "two", steps), "--json")
    assert ran.code == 0, ran.json[0]["failures"]
    assert ran.json[0]["steps"][0]["did"] == (
        "qbsync settings set export.mark_paid true;"
        " qbsync settings set export.stop_area_on_first_error true"
    )


def test_a_run_line_names_the_playbooks_fault_plan_as_faults_yaml(tmp_path, capsys):
    """The inline plan is `faults.yaml` in the playbook's folder for `job run --faults`."""
    faults = """\
faults:
  faults:
    - {label: answer lost, effect: lose_response, when: {request_type: CustomerAddRq, times: 1}}
"""
    steps = """\
  - title: Sync with the plan
    run: job run --simulated --faults faults.yaml
    expect:
      stdout: {contains: "answer lost (lose_response): fired 1 time(s)"}
      quickbooks:
        - {kind: Customer, name: Acme, count: 1}
"""
    path = steps_playbook(tmp_path, "plan", steps, faults)
    ran = qbsync(capsys, "scenario", "run", path)
    assert ran.code == 0, ran.out
    assert not (tmp_path / "faults.yaml").exists()  # the playbook's own folder is untouched


def test_a_starting_record_the_app_refuses_names_the_playbook_and_record(tmp_path, capsys):
    """The starting records are `app add` lines too: a refusal names file, key and line."""
    text = GOOD.format(name="start").replace("name: Acme}", "name: Acme, email: 7}")
    text = text.replace("{key: acme, type: customer", "{key: acme, type: vendor")
    ran = qbsync(capsys, "scenario", "run", write(tmp_path, "start", text))
    assert ran.code == 2
    assert "start.yaml: the starting point: app.records 'acme':" in ran.err
    assert "`qbsync app add vendor name=Acme email=7` was refused" in ran.err


def test_a_line_value_with_a_comma_is_refused_naming_it(tmp_path, capsys):
    """`--line k=v,...` cannot carry a comma in a value: the step says so, exit 2."""
    steps = """\
  - title: An invoice line whose description holds a comma
    app:
      add:
        key: inv
        type: invoice
        ref_number: "8"
        customer: "{acme}"
        lines: [{description: "parts, labour", quantity: 1, rate: "5"}]
    expect:
      exit: 2
      stderr: {contains: "invoice inv: lines: description='parts, labour' holds a comma"}
"""
    ran = qbsync(capsys, "scenario", "run", steps_playbook(tmp_path, "comma", steps))
    assert ran.code == 0, ran.out


FAILING = (
    GOOD.replace("seed: 1\n", "seed: 1\nquickbooks:\n  Customer:\n    - {{Name: Acme}}\n")
    .replace("acme: {{state: done}}", "acme: {{state: failed, error_code: 3100}}")
    .replace("      quickbooks:", "      jobs: {{errors: {{3100: 1}}}}\n      quickbooks:")
)
FAULTED = (
    GOOD
    + """\
faults:
  faults:
    - {{label: Acme keyed in first, effect: duplicate_name, when: {{request_type: CustomerAddRq}}}}
    - {{label: a dialog, effect: modal_dialog, when: {{at: 5}}, duration: 10}}
"""
)


@pytest.fixture
def coded(good: Path) -> Path:
    """A folder of three playbooks: one expecting 3100, one whose fault causes it, one neither."""
    write(good.parent, "expects", FAILING.format(name="expects"))
    write(good.parent, "faulted", FAULTED.format(name="faulted"))
    return good.parent


def test_list_code_names_the_playbooks_that_reproduce_it_and_where(coded, capsys):
    """--code 3100: the playbook expecting it and the one whose fault causes it, each with
    where it says so; the one that never meets 3100 is left out."""
    ran = qbsync(capsys, "scenario", "list", "--folder", coded, "--code", "3100")
    assert ran.code == 0
    assert ran.out.splitlines() == [
        "expects: A customer synced",
        "  3100: step 1 expects acme's PSR to fail with it;"
        " step 1 expects 1 error of it in the job",
        "faulted: A customer synced",
        "  3100: fault 'Acme keyed in first' (duplicate_name)",
    ]


def test_list_code_takes_an_hresult_as_people_write_it(coded, capsys):
    """A modal dialog fault refuses calls with 0x80040414; given without 0x it is found too."""
    ran = qbsync(capsys, "scenario", "list", "--folder", coded, "--code", "80040414")
    assert ran.out.splitlines() == [
        "faulted: A customer synced",
        "  0x80040414: fault 'a dialog' (modal_dialog)",
    ]


def test_list_code_given_twice_lists_either(coded, capsys):
    """--code 3100 --code 0x80040414: each playbook once, with the codes it reproduces."""
    ran = qbsync(
        capsys, "scenario", "list", "--folder", coded, "--code", "3100", "--code", "0x80040414"
    )
    assert ran.out.count("faulted:") == 1 and "expects:" in ran.out
    assert ran.out.endswith(
        "faulted: A customer synced\n"
        "  3100: fault 'Acme keyed in first' (duplicate_name)\n"
        "  0x80040414: fault 'a dialog' (modal_dialog)\n"
    )


def test_list_code_that_no_playbook_reproduces_says_what_to_do(coded, capsys):
    """No playbook meets 3210: exit 0, naming the guide and `scenario new`."""
    ran = qbsync(capsys, "scenario", "list", "--folder", coded, "--code", "3210")
    assert ran.code == 0
    assert ran.out.strip() == (
        f"no playbook in {coded} reproduces 3210; `qbsync guide 3210` says what it means,"
        " `qbsync scenario new NAME` writes a playbook for it"
    )


def test_list_code_that_is_no_code_is_refused(coded, capsys):
    """`--code abc` is refused (exit 2) with an example of a code."""
    ran = qbsync(capsys, "scenario", "list", "--folder", coded, "--code", "abc")
    assert ran.code == 2 and "'abc' is not a status code or HRESULT" in ran.err


def test_list_json_gives_each_playbooks_codes(coded, capsys):
    """--json: every playbook with `codes`, each code with where the playbook shows it."""
    ran = qbsync(capsys, "scenario", "list", "--folder", coded, "--json")
    codes = {row["name"]: row["codes"] for row in ran.json}
    assert codes == {
        "expects": {
            "3100": [
                "step 1 expects acme's PSR to fail with it",
                "step 1 expects 1 error of it in the job",
            ]
        },
        "faulted": {
            "3100": ["fault 'Acme keyed in first' (duplicate_name)"],
            "0x80040414": ["fault 'a dialog' (modal_dialog)"],
        },
        "good": {},
    }


def test_list_code_keeps_a_broken_playbook_in_view(coded, capsys):
    """A file that is not a valid playbook is still listed: what it reproduces is unknown."""
    write(coded, "bad", GOOD.format(name="bad").replace("seed: 1", "seed: x"))
    ran = qbsync(capsys, "scenario", "list", "--folder", coded, "--code", "3100")
    assert ran.out.splitlines()[0].startswith("bad: NOT VALID: ")
