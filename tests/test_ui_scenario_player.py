"""The scenario player, driven by clicks as a person would: choose a playbook, Next, Run to
end, Restart; asserted on what the view shows (steps ticked or crossed, seen vs expected, the
queue and jobs after a step, the verdict, a broken playbook's file:line:key)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from syncengine.rehearsal.playbooks import PlaybookError
from syncengine.ui import ScenarioPlayer
from syncengine.ui.scenario_player import SCENARIOS

UNDO = "undo-then-prevent-sync"


@pytest.fixture
def player() -> ScenarioPlayer:
    player = ScenarioPlayer(playbook=UNDO)
    yield player
    player.close()


def _copy(folder: Path, name: str, old: str = "", new: str = "") -> Path:
    """A copy of the project's playbook ``name`` in ``folder``, ``old`` replaced by ``new``."""
    text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
    assert old in text
    path = folder / f"{name}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_project_playbooks_are_offered_and_the_chosen_one_is_described(player):
    """The dropdown lists scenarios/; the playbook's title, what it covers and its steps show."""
    names = [label for label, _ in player.choose.options]
    assert UNDO in names and "duplicate-name-rename-in-app" in names
    assert player.about_text.splitlines()[0] == (
        f"{UNDO}: Already synced - undo sync, prevent sync, close, delete from queue;"
        " QuickBooks untouched"
    )
    assert player.about_text.splitlines()[1].startswith("covers: Undo sync re-opens")
    steps = player.steps_text.splitlines()
    assert steps[0] == "▶ 1. Sync the customer, the item and the invoice  [run] job run --simulated"
    assert steps[1] == "· 2. Undo sync  [run] record undo-sync {inv}"
    assert len(steps) == 6
    assert player.said == f"{UNDO}: 6 steps; click Next to run step 1"
    assert not player.next.disabled and not player.to_end.disabled
    assert player.step_text == "" and player.verdict_text == ""


def test_next_runs_one_step_and_ticks_its_expectations(player):
    """Next runs step 1: what it ran, its output, each expectation ✓ with seen vs expected."""
    player.next.click()
    lines = player.step_text.splitlines()
    assert lines[:3] == [
        "Step 1 of 6: Sync the customer, the item and the invoice",
        "ran: qbsync job run --simulated",
        "exit status 0",
    ]
    assert "  Sent to QuickBooks: 3 created, 0 modified, 0 deleted, 0 failed" in lines
    assert "expectations: 7 held, 0 failed" in lines
    assert "  ✓ queue inv.state: expected 'done', seen 'done'" in lines
    assert "  ✓ QuickBooks Invoice '1001' Subtotal: expected '80.00', seen '80.00'" in lines
    assert player.said == (
        "step 1 of 6 (Sync the customer, the item and the invoice): 7 expectations held"
    )
    assert player.steps_text.splitlines()[:2] == [
        "✓ 1. Sync the customer, the item and the invoice  [run] job run --simulated",
        "▶ 2. Undo sync  [run] record undo-sync {inv}",
    ]
    assert "✓ queue inv.state" in player.step.value and "#1a6b1a" in player.step.value


def test_the_state_after_a_step_shows_the_queue_and_the_jobs(player):
    """After step 2 the queue lists the invoice's deletion PSR as queued; one job, no errors."""
    player.next.click()
    player.next.click()
    queue = player.queue.shown
    assert list(zip(queue["id"], queue["action"], queue["state"], strict=True)) == [
        (1, "add", "done"),
        (2, "add", "done"),
        (3, "add", "done"),
        (4, "delete", "queued"),
    ]
    jobs = player.jobs.shown
    assert list(zip(jobs["id"], jobs["finished"], jobs["error_count"], strict=True)) == [
        (1, "yes", 0)
    ]
    assert "Errors of sync job 1 (the newest): 0" in player.errors.value


def test_run_to_end_gives_the_verdict_and_disables_next_with_the_reason(player):
    """Run to end runs the rest: verdict passed; Next and Run to end disabled, saying why."""
    player.next.click()
    player.to_end.click()
    assert player.verdict_text == f"Verdict: {UNDO}: passed (6 steps, 25 expectations)"
    assert player.said == player.verdict_text
    assert player.step_text.startswith("Step 6 of 6: The next sync sends nothing")
    assert all(line.startswith("✓") for line in player.steps_text.splitlines())
    why = "all 6 steps have run: click Restart to run again"
    assert player.next.disabled and player.to_end.disabled
    assert player.reason.value == player.next.tooltip == why
    assert list(player.queue.shown["state"]) == ["done", "done", "done", "removed"]
    assert list(player.jobs.shown["id"]) == [2, 1]


def test_next_at_the_end_clicked_from_code_says_so(player):
    """Next past the last step is refused in the message area; nothing is raised."""
    player.to_end.click()
    player.next.click()
    assert player.said.endswith(
        f"all 6 steps of '{UNDO}' have run; start a new run (Restart) to run it again"
    )
    assert player.errors_shown == ""


def test_restart_runs_the_playbook_afresh(player):
    """Restart goes back to before step 1, on a new workspace."""
    player.to_end.click()
    old_folder = player.playing.world.db.parent
    player.restart.click()
    assert player.steps_text.splitlines()[0].startswith("▶ 1.")
    assert player.step_text == "" and player.verdict_text == ""
    assert player.jobs.shown.empty
    assert not player.next.disabled and player.reason.value == ""
    assert not old_folder.exists()


def test_a_failed_expectation_is_crossed_with_seen_and_expected(tmp_path):
    """A copy whose step 2 expects the wrong state: ✗ with both values, and a FAILED verdict."""
    _copy(
        tmp_path, UNDO, "inv: {action: delete, state: queued}", "inv: {action: delete, state: done}"
    )
    player = ScenarioPlayer(tmp_path)
    player.next.click()
    player.next.click()
    assert "  ✗ queue inv.state: expected 'done', seen 'queued'" in player.step_text.splitlines()
    assert "expectations: 3 held, 1 failed" in player.step_text
    assert player.said == "step 2 of 6 (Undo sync): 1 of 4 expectations failed"
    assert player.steps_text.splitlines()[1].startswith("✗ 2. Undo sync")
    assert "#a11" in player.step.value
    player.to_end.click()
    assert player.verdict_text.splitlines() == [
        f"Verdict: {UNDO}: FAILED: 1 of 25 expectations",
        "  step 2 (Undo sync): ✗ queue inv.state: expected 'done', seen 'queued'",
    ]
    player.close()


def test_a_malformed_playbook_shows_its_file_line_and_key(tmp_path):
    """A misspelt key: the message names file, line and key; Next says why it cannot act."""
    path = _copy(
        tmp_path,
        UNDO,
        "inv: {action: delete, state: queued}",
        "inv: {action: delete, stat: queued}",
    )
    player = ScenarioPlayer(tmp_path)
    assert player.said.startswith(
        f"{path}:38: steps#2.expect.queue.inv.stat: unknown key; allowed here: state, action,"
    )
    assert player.message.value.startswith('<div class="qbsync-refused"')
    assert player.about_text == "" and player.steps_text == ""
    why = "the playbook did not load: fix the file (message below), then click Restart"
    assert player.next.disabled and player.to_end.disabled and player.reason.value == why
    assert not player.restart.disabled


def test_choosing_another_playbook_loads_it(tmp_path):
    """The dropdown switches playbooks: a broken one says why; a good one loads again."""
    _copy(tmp_path, UNDO)
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\ntitle: [\n", encoding="utf-8")
    player = ScenarioPlayer(tmp_path, playbook=UNDO)
    player.choose.value = str(broken)
    assert player.said.startswith(f"{broken}: not YAML:")
    assert player.next.disabled
    player.choose.value = str(tmp_path / f"{UNDO}.yaml")
    assert player.said == f"{UNDO}: 6 steps; click Next to run step 1"
    assert not player.next.disabled
    player.close()


def test_a_jobs_errors_are_shown_with_the_guides_fix(tmp_path):
    """After a sync that fails with 3100 the newest job's error shows with the guide's fix."""
    _copy(tmp_path, "duplicate-name-rename-in-app")
    player = ScenarioPlayer(tmp_path)
    player.next.click()
    assert "Errors of sync job 1 (the newest): 1" in player.errors.value
    assert "status 3100" in player.errors.value
    assert "Rename the record in the app" in player.errors.value
    assert list(player.queue.shown["state"]) == ["failed"]
    player.close()


def test_an_empty_folder_says_there_is_nothing_to_play(tmp_path):
    """No playbooks: the message says so and every button is disabled."""
    player = ScenarioPlayer(tmp_path)
    assert player.said == f"no playbooks in {tmp_path}: choose another folder"
    assert player.next.disabled and player.to_end.disabled and player.restart.disabled
    assert player.reason.value == f"no playbooks in {tmp_path}"


def test_close_removes_the_runs_workspace(tmp_path):
    """close() ends the run and removes its temporary folder."""
    shutil.copy(SCENARIOS / f"{UNDO}.yaml", tmp_path)
    player = ScenarioPlayer(tmp_path)
    folder = player.playing.world.db.parent
    assert folder.is_dir()
    player.close()
    assert not folder.exists() and player.playing is None


def test_an_unknown_playbook_name_is_refused_naming_the_playbooks(tmp_path):
    """ScenarioPlayer(folder, playbook=NAME) with no such file says which playbooks there are."""
    _copy(tmp_path, UNDO)
    with pytest.raises(PlaybookError, match=f"no playbook 'undo' in {tmp_path}; playbooks: {UNDO}"):
        ScenarioPlayer(tmp_path, playbook="undo")
