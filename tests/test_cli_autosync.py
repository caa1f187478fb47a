"""``qbsync autosync``: show, set the interval and begin date, start and stop the schedule,
and run it for a span of simulated time against the workspace's simulated company; and
``--faults PLAN`` on ``job run --simulated`` and ``autosync run --simulated``."""

from __future__ import annotations

import pytest

from syncengine.rehearsal.rehearse import company_file
from tests.cli_workspace import app_of, make_workspace, qbsync

PLAN = """\
title: Acme is taken, a dialog comes too late
faults:
  - label: acme taken
    effect: duplicate_name
    when: {request_type: CustomerAddRq, name: Acme}
  - effect: modal_dialog
    when: {at: 5000}
    duration: 10
"""


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


@pytest.fixture
def scheduled(shop, capsys):
    """Auto sync every 600 s from 2025-01-01."""
    ran = qbsync(capsys, "--db", shop, "autosync", "set", "--every", "600", "--begin", "2025-01-01")
    assert ran.code == 0, ran.err
    return shop


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN)
    return path


def _auto(capsys, shop, *argv):
    return qbsync(capsys, "--db", shop, "autosync", *argv)


def test_show_gives_mode_interval_and_begin_date(shop, capsys):
    """A new workspace: manual, every 900 s, no begin date."""
    data = _auto(capsys, shop, "show", "--json").json
    assert data == {"mode": "manual", "every_seconds": 900, "begin_date": None}


def test_set_changes_interval_and_begin_date(scheduled, capsys):
    """``set --every 600 --begin 2025-01-01``: both in the settings."""
    ran = _auto(capsys, scheduled, "show")
    assert ran.out.strip() == "auto sync is off (mode manual): every 600 s; begin date 2025-01-01"


def test_a_later_begin_date_marks_queued_transactions_exported(shop, capsys):
    """A begin date after the invoice's date: its queued add is cancelled, and it says so."""
    qbsync(capsys, "--db", shop, "record", "set-status", "5", "approved")
    ran = _auto(capsys, shop, "set", "--begin", "2099-01-01")
    assert "1 PSR(s) cancelled (out of the sync)" in ran.out


def test_an_interval_under_the_minimum_is_refused(shop, capsys):
    """``--every 30``: exit 2 naming the setting and the minimum."""
    ran = _auto(capsys, shop, "set", "--every", "30")
    assert ran.code == 2
    assert "schedule.every_seconds = '30': auto sync runs at most every 60 seconds" in ran.err


def test_set_without_a_value_is_refused(shop, capsys):
    """``set`` alone: exit 2 saying what to give."""
    ran = _auto(capsys, shop, "set")
    assert ran.code == 2 and "--every SECONDS, --begin YYYY-MM-DD" in ran.err


def test_start_needs_a_begin_date(shop, capsys):
    """``start`` with no begin date: exit 2 naming the setting and the command to set it."""
    ran = _auto(capsys, shop, "start")
    assert ran.code == 2 and "schedule.begin_date is not set" in ran.err


def test_start_and_stop_switch_the_mode(scheduled, capsys):
    """``start``: mode auto; ``stop``: manual again."""
    assert _auto(capsys, scheduled, "start", "--json").json["mode"] == "auto"
    assert _auto(capsys, scheduled, "stop", "--json").json["mode"] == "manual"


def test_starting_twice_is_refused(scheduled, capsys):
    """A started schedule cannot be started again: exit 2."""
    _auto(capsys, scheduled, "start")
    ran = _auto(capsys, scheduled, "start")
    assert ran.code == 2 and "it is started already" in ran.err


def test_stopping_a_stopped_schedule_is_refused(scheduled, capsys):
    """``stop`` while manual: exit 2."""
    ran = _auto(capsys, scheduled, "stop")
    assert ran.code == 2 and "there is nothing to stop" in ran.err


def test_run_syncs_every_interval_for_the_span(scheduled, capsys):
    """``run --simulated --for 1000`` every 600 s: runs at 0 and 600 s; the first exports."""
    data = _auto(capsys, scheduled, "run", "--simulated", "--for", "1000", "--json").json
    assert [(r["run"], r["at_seconds"]) for r in data["runs"]] == [(1, 0.0), (2, 600.0)]
    assert data["runs"][0]["exported"] == 3 and data["runs"][0]["errors_by_code"] == {"3100": 1}
    assert company_file(scheduled).is_file()


def test_run_prints_each_run(scheduled, capsys):
    """For people: one line per run with its job and counts."""
    ran = _auto(capsys, scheduled, "run", "--simulated", "--for", "100")
    assert "  run 1 at 0 s: job 1 finished, 3 exported, 1 failed (errors 3100: 1)" in ran.out


def test_run_leaves_the_mode_as_it_was(scheduled, capsys):
    """A started schedule stays started after a simulated run."""
    _auto(capsys, scheduled, "start")
    _auto(capsys, scheduled, "run", "--simulated", "--for", "100")
    with app_of(scheduled) as app:
        assert app.store.settings.get("schedule.mode") == "auto"


def test_run_without_a_begin_date_is_refused(shop, capsys):
    """No begin date: exit 2 before anything syncs."""
    ran = _auto(capsys, shop, "run", "--simulated", "--for", "100")
    assert ran.code == 2 and "autosync set --begin" in ran.err


def test_run_with_a_fault_plan_says_what_fired(scheduled, plan, capsys):
    """``--faults``: the duplicate name fired; the dialog was due after the run ended."""
    data = _auto(
        capsys, scheduled, "run", "--simulated", "--for", "100", "--faults", plan, "--json"
    ).json
    fired = {f["label"]: (f["fired"], f["why_not"]) for f in data["faults_planned"]}
    assert fired["acme taken"] == (1, None)
    assert fired["modal_dialog"][1].startswith("the run ended at")
    assert fired["modal_dialog"][1].endswith("s, before its time (5000 s)")


def test_job_run_with_a_fault_plan_lists_every_planned_fault(shop, plan, capsys):
    """``job run --simulated --faults``: the 3100 from the fault, and each fault's outcome."""
    ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated", "--faults", plan)
    assert ran.code == 0
    assert "  acme taken (duplicate_name): fired 1 time(s)" in ran.out
    assert "  modal_dialog (modal_dialog): never took effect: the run ended at" in ran.out
    assert "s, before its time (5000 s)" in ran.out


def test_job_run_faults_in_json(shop, plan, capsys):
    """With ``--json``: ``faults_planned``, one object per planned fault."""
    ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated", "--faults", plan, "--json")
    assert [f["fired"] for f in ran.json["faults_planned"]] == [1, 0]


def test_faults_need_the_simulated_company(shop, plan, capsys):
    """``--faults`` with ``--com``: exit 2 saying to add ``--simulated``."""
    ran = qbsync(capsys, "--db", shop, "job", "run", "--com", "--faults", plan)
    assert ran.code == 2 and "add --simulated" in ran.err


def test_a_fault_plan_that_cannot_be_read_is_refused(shop, tmp_path, capsys):
    """A plan with an unknown effect: exit 2 naming the plan."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("faults:\n  - effect: flood\n")
    ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated", "--faults", bad)
    assert ran.code == 2 and f"fault plan {bad}" in ran.err
