"""The auto-sync panel on a simulated clock: a store on the clock of a qbsim host's simpy
environment; Set, Start, Advance and Stop are clicked and what the panel says is asserted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import simpy

from qbsim import QuickBooksHost
from syncengine.app import App
from syncengine.clock import parse_stamp, shown
from syncengine.rehearsal.driver import SimulatedClock
from syncengine.rehearsal.rehearse import setup_company
from syncengine.settings import SyncSettings
from syncengine.store import Refused, Store
from syncengine.ui import AutoSyncView
from syncengine.ui.autosync_view import span
from syncengine.wizard import Wizard
from tests.sync_world import World

START = datetime(2025, 1, 6, 9, 0)


class Office:
    """A store on simulated time, with a customer to sync, and the panel over it."""

    def __init__(self) -> None:
        self.env = simpy.Environment()
        self.store = Store(clock=SimulatedClock(self.env, START))
        self.host = QuickBooksHost(self.env, setup_company(1), seed=1, start=START)
        self.store.settings.write_raw("schedule.every_seconds", 600)
        self.store.settings.write_raw("schedule.begin_date", "2025-01-01")
        self.app = App(self.store)
        self.app.customers.add(name="Acme Roofing")
        self.view = AutoSyncView(self.store, self.host)

    def advance(self, minutes: int) -> None:
        self.view.minutes.value = minutes
        self.view.advance.click()

    def jobs(self) -> int:
        return len(self.store.jobs.frame())


@pytest.fixture
def office() -> Office:
    return Office()


def test_span_says_a_length_of_time_as_people_do():
    """Seconds, minutes and hours, leaving out what is zero."""
    assert [span(s) for s in (0, 90, 900, 5400)] == ["0 s", "1 min 30 s", "15 min", "1 h 30 min"]


def test_the_panel_shows_the_schedule_and_that_it_is_off(office):
    """The fields hold the settings; the status says off, the clock, no job yet."""
    view = office.view
    assert (view.every.value, view.begin.value) == ("600", "2025-01-01")
    assert view.status_lines() == [
        "Simulated clock: 2025-01-06 09:00:00",
        "Auto sync is off: advancing the clock runs no sync job (Start: every 10 min).",
        "Last job: none run by auto sync yet",
    ]
    assert not view.start.disabled and view.stop.disabled


def test_start_syncs_at_once_and_says_when_the_next_sync_is(office):
    """Start runs the first job now; the message names it and the next sync time."""
    office.view.start.click()
    lines = office.view.said.split("\n")
    assert lines[:2] == ["Auto sync started: every 10 min.", "1 sync job(s) ran:"]
    assert lines[2].startswith("  job 1 finished (began 2025-01-06 09:00:00): 1 exported, 0 failed")
    assert lines[3] == (
        "Auto sync is on: every 10 min from the begin date 2025-01-01; next sync at"
        " 2025-01-06 09:10:00."
    )
    assert office.view.start.disabled and not office.view.stop.disabled


def test_advancing_past_one_interval_runs_one_job(office):
    """Started, then 11 minutes on: exactly one more job ran, at 09:10."""
    office.view.start.click()
    office.app.customers.add(name="Birch Dental")
    office.advance(11)
    said = office.view.said.split("\n")
    assert said[1] == "1 sync job(s) ran:"
    assert said[2].startswith("  job 2 finished (began 2025-01-06 09:10:00): 1 exported")
    assert said[3].endswith("next sync at 2025-01-06 09:20:00.")
    assert office.jobs() == 2 and len(office.view.ran) == 2
    assert list(office.view.jobs.shown["id"]) == [2, 1]


def test_advancing_less_than_an_interval_runs_nothing(office):
    """Five minutes after the start no sync is due: none ran, the next time is unchanged."""
    office.view.start.click()
    office.advance(5)
    assert office.view.said.split("\n")[1] == "No sync job ran."
    assert office.jobs() == 1


def test_stop_then_advancing_runs_nothing(office):
    """Stopped: an hour of simulated time runs no job, and the panel says why."""
    office.view.start.click()
    office.view.stop.click()
    assert office.view.said.startswith("Auto sync stopped at 2025-01-06 09:00:")
    assert SyncSettings(office.store).schedule_mode == "manual"
    office.advance(60)
    assert office.view.said.split("\n")[1:] == [
        "No sync job ran.",
        "Auto sync is off: advancing the clock runs no sync job (Start: every 10 min).",
    ]
    assert office.jobs() == 1 and office.view.start.disabled is False


def test_start_without_a_begin_date_is_refused_and_explained(office):
    """With the begin date empty, Start refuses naming the setting; nothing is stored or run."""
    office.view.begin.value = ""
    office.view.every.value = "300"
    office.view.start.click()
    assert office.view.said.startswith(
        "auto sync: setting schedule.begin_date is not set: transactions dated before it count"
    )
    assert SyncSettings(office.store).every_seconds == 600 and office.jobs() == 0


def test_start_while_running_is_refused_with_the_next_sync_time(office):
    """A second Start (from code) is refused, naming when the next sync runs."""
    office.view.start.click()
    office.view.start.click()
    assert office.view.said == (
        "Auto sync is on: every 10 min from the begin date 2025-01-01; next sync at"
        " 2025-01-06 09:10:00. Stop it before starting it again."
    )
    assert office.view.errors_shown == ""


def test_stop_when_off_is_refused(office):
    """Stop before Start is refused, saying what to do."""
    office.view.stop.click()
    assert office.view.said == "auto sync is not running, so there is nothing to stop; click Start"


def test_set_saves_the_interval_with_what_it_did(office):
    """Set: the interval is stored and the message is the settings page's."""
    office.view.every.value = "1800"
    office.view.set_button.click()
    assert SyncSettings(office.store).every_seconds == 1800
    assert office.view.said.startswith(
        "schedule.every_seconds: 600 -> 1800. The queue is unchanged"
    )


def test_a_bad_interval_is_refused_naming_the_setting(office):
    """Thirty seconds is under the minimum: refused, the setting unchanged."""
    office.view.every.value = "30"
    office.view.set_button.click()
    assert office.view.said == (
        "setting schedule.every_seconds = '30': auto sync runs at most every 60 seconds"
    )
    assert SyncSettings(office.store).every_seconds == 600


def test_start_uses_the_interval_typed_in(office):
    """A changed interval is saved by Start, said first, and the schedule follows it."""
    office.view.every.value = "300"
    office.view.start.click()
    assert office.view.said.split("\n")[0].startswith("schedule.every_seconds: 600 -> 300.")
    office.advance(11)
    assert office.jobs() == 3


def test_an_interval_set_while_running_applies_from_the_next_start(office):
    """The running schedule keeps its interval; the status says when the new one applies."""
    office.view.start.click()
    office.view.every.value = "1200"
    office.view.set_button.click()
    assert "(the settings say every 20 min: from the next Start)" in office.view.status_lines()[1]


def test_the_wizard_holds_changes_and_the_panel_counts_them(office):
    """With the wizard on, a new customer waits for approval: the job sends nothing, and
    the panel says how many changes the wizard holds."""
    Wizard(office.store).enable()
    office.view.start.click()
    assert "1 exported" not in office.view.said
    assert office.view.status_lines()[-1] == (
        "The sync wizard holds 1 change(s) for approval: auto sync sends them only once they"
        " are approved."
    )


def test_the_panel_needs_the_store_on_the_hosts_clock():
    """A store on a fixed clock is refused: its times would not be simulated."""
    env = simpy.Environment()
    host = QuickBooksHost(env, setup_company(1), seed=1, start=START)
    with pytest.raises(Refused, match="needs the store on the host's simulated clock"):
        AutoSyncView(World().store, host)


def test_a_new_start_counts_the_interval_from_itself(office):
    """Stopped, 30 minutes later started again: that job begins then, and the next sync is
    one interval after it began."""
    office.view.start.click()
    office.view.stop.click()
    office.advance(30)
    office.view.start.click()
    began = parse_stamp(office.store.jobs.get(2).created_at)
    assert shown(began).startswith("2025-01-06 09:30:")
    assert office.view.auto is not None and office.view.auto.next_due is not None
    assert shown(office.view.auto.next_due) == shown(began + timedelta(minutes=10))


def test_a_begin_date_set_while_running_is_the_one_shown(office):
    """Set while running: the fields show the stored values, the status the new begin date."""
    office.view.start.click()
    office.view.begin.value = " 2025-01-05 "
    office.view.set_button.click()
    assert office.view.said.startswith("schedule.begin_date: 2025-01-01 -> 2025-01-05.")
    assert office.view.begin.value == "2025-01-05"
    assert "from the begin date 2025-01-05;" in office.view.status_lines()[1]


def test_an_advance_that_ends_in_the_middle_of_a_sync_says_one_is_in_progress(office):
    """A big sync still running when the clock stops: not "no sync job ran", but that one is
    in progress; the next Advance lists it once it has ended."""
    office.view.start.click()
    for n in range(300):
        office.app.customers.add(name=f"Customer {n:03}")
    office.advance(11)
    said = office.view.said.split("\n")
    assert said[1] == "No sync job finished: one is in progress, listed when it ends."
    assert office.view.auto is not None and office.view.auto.syncing
    office.advance(10)
    listed = office.view.said.split("\n")[2]
    assert listed.startswith("  job 2 finished (began 2025-01-06 09:10:00)")
