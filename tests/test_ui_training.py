"""The training exercises driven as a trainee would, through the sync screens (a value set, a
row selected, a button clicked): "Check my work" before anything, after a wrong attempt, and
after the right steps, each time asserting what the trainee reads."""

from __future__ import annotations

from dataclasses import replace

import pytest

from syncengine.rehearsal.training import (
    DELETED_IN_QUICKBOOKS,
    DUPLICATE_NAME,
    EXERCISES,
    HOLD_BACK,
    qb_record,
)
from syncengine.ui import ExerciseView


def _checked(view: ExerciseView) -> list[str]:
    """Click Check my work; what it says is still wrong (empty: done)."""
    view.check_button.click()
    assert view.result is not None
    return view.result.problems


def _failed_psr(view: ExerciseView, role: str) -> int:
    """The ID of the failed PSR of the exercise's ``role`` record, as the queue lists it."""
    rows = view.queue.table.frame
    entity_id = view.room.records[role]
    return int(rows[rows["entity_id"] == entity_id]["id"].iloc[0])


def _no_errors_shown(view: ExerciseView) -> None:
    assert view.errors_shown == ""
    assert all(screen.errors_shown == "" for screen in view.views.values())


# -- a: a duplicate name ------------------------------------------------------------------------
def _rename_customer(view: ExerciseView, name: str) -> None:
    records = view.records
    records.table.text.value = "Acme"
    records.table.select([view.room.records["customer"]])
    records.name.value = name
    records.buttons["Save"].click()


def test_duplicate_name_before_anything_says_the_3100_and_the_waiting_invoice():
    """Before any step, the check names the customer's failed PSR with 3100 and the invoice."""
    view = ExerciseView(DUPLICATE_NAME)
    problems = _checked(view)
    assert len(problems) == 2
    assert problems[0].startswith(
        "customer 'Acme Ltd' (id 2) is still not in QuickBooks: PSR 2 (add) failed with status"
        ' 3100 (Name already in use): The name "Acme Ltd" of the list element is already in use.'
    )
    assert problems[1].startswith("invoice '1001' (id 3) is still not in QuickBooks: PSR 3 (add)")
    assert "waits for PSR 2 (customer 'Acme Ltd')" in problems[1]
    assert view.said.startswith("Not done yet: 2 thing(s) still wrong:\n  1. customer 'Acme Ltd'")
    assert "✓ the vendor 'Acme Ltd' keeps its name in QuickBooks" in view.said


def test_duplicate_name_deleting_the_psr_without_renaming_is_still_wrong():
    """Deleting the failed PSR and syncing leaves the customer out; the check says so."""
    view = ExerciseView(DUPLICATE_NAME)
    view.queue.click("Delete from queue", [_failed_psr(view, "customer")])
    view.jobs.run.click()
    problems = _checked(view)
    assert problems[0] == (
        "customer 'Acme Ltd' (id 2) is still not in QuickBooks: PSR 2 (add) was deleted from"
        ' the queue; it had failed with status 3100 (Name already in use): The name "Acme Ltd"'
        " of the list element is already in use. The next sync sends nothing of it: QuickBooks"
        " does not have it; Resync queues it."
    )
    assert "whose add was refused (name in use) and deleted from the queue" in problems[1]
    assert not view.result.done


def test_duplicate_name_renamed_to_a_name_still_in_use_names_the_new_name():
    """A rename that differs only in case still clashes; the check names the new name."""
    view = ExerciseView(DUPLICATE_NAME)
    _rename_customer(view, "ACME LTD")
    view.jobs.run.click()
    problems = _checked(view)
    assert problems[0].startswith(
        "customer 'ACME LTD' (id 2) is still not in QuickBooks: PSR 2 (add) failed with status"
        ' 3100 (Name already in use): The name "ACME LTD"'
    )


def test_duplicate_name_renamed_in_the_app_and_synced_is_done():
    """Renaming the customer in the records screen and running a job fixes it: done."""
    view = ExerciseView(DUPLICATE_NAME)
    _rename_customer(view, "Acme Ltd (customer)")
    view.jobs.run.click()
    assert _checked(view) == []
    assert view.said.splitlines() == [
        "Done: Fix a duplicate name. Every check holds:",
        "  ✓ customer 'Acme Ltd (customer)' (id 2) is in QuickBooks with Name"
        " 'Acme Ltd (customer)'",
        "  ✓ invoice '1001' (id 3) is in QuickBooks with RefNumber '1001', for customer"
        " 'Acme Ltd (customer)'",
        "  ✓ the vendor 'Acme Ltd' keeps its name in QuickBooks",
    ]
    assert "qbsync-done" in view.message.value
    _no_errors_shown(view)


def test_duplicate_name_after_the_wrong_attempt_the_rename_still_fixes_it():
    """After deleting the PSR, renaming queues a new add; one job then sends both records."""
    view = ExerciseView(DUPLICATE_NAME)
    view.queue.click("Delete from queue", [_failed_psr(view, "customer")])
    view.jobs.run.click()
    _rename_customer(view, "Acme Ltd (customer)")
    view.jobs.run.click()
    assert _checked(view) == []


def test_duplicate_name_renaming_the_vendor_instead_is_wrong():
    """Renaming QuickBooks' vendor (imported into the app) lets the customer in, but the
    check says the supplier was to keep its name."""
    view = ExerciseView(DUPLICATE_NAME)
    records = view.records
    records.type.value = "vendor"
    records.table.select([int(records.table.frame["id"].iloc[0])])
    records.name.value = "Acme Supplies"
    records.buttons["Save"].click()
    view.jobs.run.click()
    view.jobs.run.click()
    assert _checked(view) == [
        "the vendor 'Acme Ltd' is now called 'Acme Supplies' in QuickBooks: the supplier keeps"
        " its name; give the customer a name of its own instead"
    ]


# -- b: a record deleted in QuickBooks ----------------------------------------------------------
def test_deleted_in_quickbooks_before_anything_says_the_3120():
    """Before any step, the check names the customer's modify that failed with 3120."""
    view = ExerciseView(DELETED_IN_QUICKBOOKS)
    problems = _checked(view)
    assert len(problems) == 2
    assert problems[0].startswith(
        "customer 'Birch Dental' (id 2) is still not in QuickBooks: PSR 3 (modify) failed with"
        " status 3120 (Record not in QuickBooks): Object "
    )
    assert problems[0].endswith("(PSR 3, again: it failed last time with status 3120).")
    assert problems[1].startswith("invoice '1002' (id 3) is still not in QuickBooks: PSR 4 (add)")


def test_deleted_in_quickbooks_resync_and_run_again_is_still_wrong():
    """Resync is refused (it says to use Clear ID); running again fails again: still wrong."""
    view = ExerciseView(DELETED_IN_QUICKBOOKS)
    view.records.click("Resync", view.room.records["customer"])
    assert "use Clear ID to add it again" in view.records.said
    view.jobs.run.click()
    assert view.jobs.said.endswith("0 exported, 2 error(s)")
    problems = _checked(view)
    assert "PSR 3 (modify) failed with status 3120" in problems[0]
    assert len(problems) == 2


def test_deleted_in_quickbooks_clear_id_then_run_is_done():
    """Clear ID on the failed PSR in the queue, then Run: customer and invoice are back."""
    view = ExerciseView(DELETED_IN_QUICKBOOKS)
    old = view.room.facts["deleted"]
    view.queue.click("Clear ID", [_failed_psr(view, "customer")])
    assert "QuickBooks ID" in view.queue.said and "cleared" in view.queue.said
    view.jobs.run.click()
    assert _checked(view) == []
    assert "with Name 'Birch Dental', Phone '555-0142'" in view.said
    ret = qb_record(view.room, view.room.records["customer"])
    assert ret is not None and ret["ListID"] != old
    _no_errors_shown(view)


# -- c: hold back a change with the sync wizard -------------------------------------------------
def _uncheck(view: ExerciseView, name: str) -> None:
    boxes = view.wizard.boxes
    box = next(b for b in boxes.values() if name in b.description)
    box.value = False


def test_hold_back_before_anything_says_the_wizard_is_off_and_what_would_go():
    """Before any step: the wizard is off, Fir Grove Farm would go, the others are not sent."""
    view = ExerciseView(HOLD_BACK)
    assert _checked(view) == [
        "the sync wizard is off: every change goes with the next sync; turn it on",
        "customer 'Fir Grove Farm' (id 3) is not held back: the next sync adds it to QuickBooks"
        " (PSR 4).",
        "customer 'Cedar Works Ltd' (id 1) differs in QuickBooks: Name is 'Cedar Works', the"
        " app has 'Cedar Works Ltd'. The next sync sends its changes to QuickBooks (PSR 2).",
        "customer 'Dunmore Supply' (id 2) is still not in QuickBooks: PSR 3 (add) is queued, not"
        " yet sent. The next sync adds it to QuickBooks (PSR 3).",
    ]


def test_hold_back_approving_everything_lets_the_change_reach_quickbooks():
    """Approving all and running sends Fir Grove Farm: the check says it reached QuickBooks."""
    view = ExerciseView(HOLD_BACK)
    view.wizard.enable.click()
    view.wizard.approve.click()
    view.jobs.run.click()
    assert _checked(view) == [
        "customer 'Fir Grove Farm' (id 3) reached QuickBooks in sync job 2: it was to be held"
        " back. QuickBooks keeps what it took; reset the exercise to try again"
    ]


def test_hold_back_approved_but_not_run_says_what_the_next_sync_does():
    """Approving all without a job: Fir Grove Farm is not held back, the others not sent."""
    view = ExerciseView(HOLD_BACK)
    view.wizard.enable.click()
    view.wizard.approve.click()
    problems = _checked(view)
    assert problems[0] == (
        "customer 'Fir Grove Farm' (id 3) is not held back: the next sync adds it to"
        " QuickBooks (PSR 4)."
    )
    assert problems[2].startswith("customer 'Dunmore Supply' (id 2) is still not in QuickBooks")


def test_hold_back_clearing_the_unchecked_change_loses_it():
    """Clear unchecked deletes the PSR: the check says the change was to be kept."""
    view = ExerciseView(HOLD_BACK)
    view.wizard.enable.click()
    _uncheck(view, "Fir Grove Farm")
    view.wizard.unchecked.value = "clear"
    view.wizard.approve.click()
    view.jobs.run.click()
    assert _checked(view) == [
        "customer 'Fir Grove Farm' (id 3) was cleared: PSR 4 (add) was deleted from the queue,"
        " so the change is lost; it was to be kept waiting (keep unchecked)"
    ]


def test_hold_back_unchecked_kept_and_run_is_done():
    """Wizard on, Fir Grove Farm unchecked, approve keeping it, Run: done, and QuickBooks has
    no Fir Grove Farm."""
    view = ExerciseView(HOLD_BACK)
    view.wizard.enable.click()
    _uncheck(view, "Fir Grove Farm")
    view.wizard.approve.click()
    view.jobs.run.click()
    assert _checked(view) == []
    assert view.said.startswith("Done: Hold back a change with the sync wizard.")
    assert "is held back: the next sync leaves PSR 4 (add) in the queue" in view.said
    assert qb_record(view.room, view.room.records["held"]) is None
    _no_errors_shown(view)


# -- the exercise screen ------------------------------------------------------------------------
def test_reset_sets_the_exercise_up_again_with_fresh_screens():
    """After a wrong attempt, Reset gives a fresh workspace and screens; the right steps then
    finish the exercise."""
    view = ExerciseView(HOLD_BACK)
    view.wizard.enable.click()
    view.wizard.approve.click()
    view.jobs.run.click()
    old_wizard = view.wizard
    view.reset_button.click()
    assert view.said == (
        "Exercise reset: Hold back a change with the sync wizard, set up again in a fresh"
        " workspace and simulated company (3 PSR(s) in the queue)."
    )
    assert view.wizard is not old_wizard and view.result is None
    assert view.tabs.children == (view.wizard.widget, view.jobs.widget)
    assert len(_checked(view)) == 4
    view.wizard.enable.click()
    _uncheck(view, "Fir Grove Farm")
    view.wizard.approve.click()
    view.jobs.run.click()
    assert _checked(view) == []


def test_a_job_run_on_one_screen_shows_on_the_others():
    """Running a job refreshes the queue and records screens without their Refresh button."""
    view = ExerciseView(DUPLICATE_NAME)
    _rename_customer(view, "Acme Ltd (customer)")
    assert len(view.queue.table.frame) == 2
    view.jobs.run.click()
    assert view.queue.table.frame.empty
    assert "The next sync sends nothing of it" in view.records.details.value


def test_each_exercise_shows_its_task_and_its_screens_as_tabs():
    """The heading holds the title and the task; each screen named is a tab."""
    for exercise in EXERCISES.values():
        view = ExerciseView(exercise)
        heading = view.widget.children[0].value
        assert exercise.title in heading and exercise.task[:40] in heading
        assert len(view.tabs.children) == len(exercise.views) == len(view.tabs.titles)


def test_asking_for_a_screen_the_exercise_lacks_says_which_it_has():
    """The hold-back exercise has no queue screen; asking for it names the ones it has."""
    view = ExerciseView(HOLD_BACK)
    with pytest.raises(KeyError, match="has no 'queue' screen; it has wizard, jobs"):
        view.queue  # noqa: B018 - the property is the call under test


def test_a_bug_in_a_check_lands_in_the_output(monkeypatch):
    """An exception raised while checking is shown with its traceback in the Output area."""
    view = ExerciseView(DUPLICATE_NAME)

    def broken(_room):
        raise KeyError("vendor")

    monkeypatch.setattr(view, "exercise", replace(DUPLICATE_NAME, findings=broken))
    view.check_button.click()
    assert "KeyError: 'vendor'" in view.errors_shown
    assert "Traceback (most recent call last)" in view.errors_shown
