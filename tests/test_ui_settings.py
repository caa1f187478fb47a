"""The settings page over a real workspace: widgets of each setting's kind, grouped as the page
groups them; Apply changes the stored setting and says what it did to the queue in the words
of ``qbsync settings set``; a bad value is refused naming the setting and the value."""

from __future__ import annotations

from datetime import date

import ipywidgets as w
import pytest

from syncengine.settings import SyncSettings
from syncengine.ui import SettingsView
from syncengine.ui.settings_view import GROUPS
from tests.sync_world import World, acme, labor


@pytest.fixture
def world() -> World:
    """A workspace whose approved invoice (dated 2025-01-03) waits in the queue."""
    world = World()
    lines = [{"item": labor(world), "quantity": 2}]
    world.app.invoices.add(
        customer=acme(world), ref_number="1001", txn_date=date(2025, 1, 3), lines=lines,
        status="approved",
    )  # fmt: skip
    return world


def test_each_setting_has_a_widget_of_its_kind_in_its_section(world):
    """Switches are checkboxes, choices dropdowns, source lists multiple choices, numbers and
    dates text; the sections are the page's, in its order."""
    view = SettingsView(world.store)
    kinds = {k: type(f.widget) for k, f in view.fields.items()}
    assert kinds["sync.time"] is w.Checkbox and kinds["items.new_part_kind"] is w.Dropdown
    assert kinds["sources.invoice"] is w.SelectMultiple
    assert kinds["schedule.every_seconds"] is kinds["schedule.begin_date"] is w.Text
    assert list(GROUPS)[:3] == ["Items to be synchronized", "Source documents", "Sync options"]
    titles = [s.children[0].value for s in view.widget.children[: len(GROUPS)]]
    assert titles == [f"<b>{t}</b>" for t in GROUPS]


def test_the_page_shows_the_stored_settings(world):
    """Each widget holds the stored value: a switch, a list, a number and an empty date."""
    view = SettingsView(world.store)
    assert view.fields["sync.customer_invoices"].widget.value is True
    assert view.fields["sources.invoice"].widget.value == ("billing", "ship_document")
    assert view.fields["schedule.every_seconds"].widget.value == "900"
    assert view.fields["schedule.begin_date"].widget.value == ""


def test_apply_changes_the_setting_and_says_the_queue_is_unchanged(world):
    """Mark paid on: stored, and the message says the queue did not change."""
    view = SettingsView(world.store)
    view.fields["export.mark_paid"].widget.value = True
    view.apply.click()
    assert SyncSettings(world.store).mark_paid is True
    assert view.said == (
        "export.mark_paid: false -> true. The queue is unchanged; the setting applies from the"
        " next sync job. Open PSRs now: 3."
    )


def test_switching_an_area_off_says_what_it_cancelled(world):
    """Customer invoices off: the invoice's queued add is cancelled, and the message counts it."""
    view = SettingsView(world.store)
    view.fields["sync.customer_invoices"].widget.value = False
    view.apply.click()
    assert SyncSettings(world.store).customer_invoices is False
    assert view.said == (
        "sync.customer_invoices: true -> false. Re-scoped the queue: 1 PSR(s) cancelled (out of"
        " the sync), 0 queued (now in the sync). Open PSRs now: 2."
    )


def test_a_begin_date_after_the_invoice_marks_it_exported(world):
    """A begin date typed as text: stored as a date, the older invoice leaves the queue."""
    view = SettingsView(world.store)
    view.fields["schedule.begin_date"].widget.value = "2025-01-04"
    view.apply.click()
    assert SyncSettings(world.store).begin_date == date(2025, 1, 4)
    assert view.said.startswith("schedule.begin_date: none -> 2025-01-04. Re-scoped the queue: 1")
    assert view.fields["schedule.begin_date"].widget.value == "2025-01-04"


def test_the_wizard_switch_says_what_the_wizard_now_holds(world):
    """Hold changes for approval: the three queued changes wait in the wizard, and it says so."""
    view = SettingsView(world.store)
    view.fields["wizard.enabled"].widget.value = True
    view.apply.click()
    assert "The wizard now holds 3 more change(s) for approval." in view.said


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("schedule.every_seconds", "30", "'30': auto sync runs at most every 60 seconds"),
        ("schedule.every_seconds", "often", "'often': must be a whole number"),
        ("schedule.begin_date", "2025-13-01", "'2025-13-01': not a date (YYYY-MM-DD)"),
        ("sources.invoice", (), "'': choose at least one source document"),
    ],
)
def test_a_bad_value_is_refused_naming_the_setting_and_the_value(world, key, value, said):
    """The message names the setting and the value; the stored setting is unchanged."""
    view = SettingsView(world.store)
    before = world.store.settings.get(key)
    view.fields[key].widget.value = value
    view.apply.click()
    assert view.said.startswith(f"Refused: setting {key} = {said}")
    assert 'class="qbsync-refused"' in view.message.value
    assert world.store.settings.get(key) == before and view.errors_shown == ""


def test_changes_before_a_bad_value_are_applied_and_said(world):
    """Two edits, the second bad: the first is stored and said, then the refusal."""
    view = SettingsView(world.store)
    view.fields["sync.time"].widget.value = False
    view.fields["schedule.every_seconds"].widget.value = "5"
    view.apply.click()
    first, refused = view.said.split("\n")
    assert first.startswith("sync.time: true -> false.") and SyncSettings(world.store).time is False
    assert refused.startswith("Refused: setting schedule.every_seconds = '5'")


def test_apply_with_nothing_changed_says_so(world):
    """Apply on an untouched page changes nothing and says so."""
    view = SettingsView(world.store)
    view.apply.click()
    assert view.said == "Nothing to apply: every setting on the page is as stored."


def test_revert_shows_the_stored_settings_again(world):
    """An unapplied edit is dropped by Revert."""
    view = SettingsView(world.store)
    view.fields["items.new_part_kind"].widget.value = "inventory"
    view.revert.click()
    assert view.fields["items.new_part_kind"].widget.value == "service"
    assert view.pending() == []


def test_what_the_engine_keeps_is_shown_but_not_changed_here(world):
    """The schedule mode is shown disabled, its tooltip says where it is changed."""
    view = SettingsView(world.store)
    mode = view.fields["schedule.mode"]
    assert mode.read_only and mode.widget.disabled and mode.widget.value == "manual"
    assert "set by Start and Stop in the auto-sync panel" in mode.widget.tooltip
