"""The simulator driver: a sync job against qbsim's QuickBooksHost in simulated time, with
faults (lost answers, a modal dialog, an edit in QuickBooks, QuickBooks gone), the retry
policy, and the simulated clock the store writes with."""

from __future__ import annotations

import pytest
import simpy

from qbsim import QuickBooksHost
from syncengine.app import App
from syncengine.clock import stamp
from syncengine.errors import TransportError
from syncengine.rehearsal.driver import DriveStats, RetryPolicy, SimulatedClock, drive
from syncengine.rehearsal.rehearse import (
    START,
    Rehearsal,
    quickbooks_duplicates,
    rehearse,
    setup_company,
)
from syncengine.store import Store
from syncengine.sync import SyncJob

MODAL = 0x80040414


class Rig:
    """A simulated QuickBooks, an app over a store on simulated time, and one environment."""

    def __init__(self, faults: dict | None = None) -> None:
        self.env = simpy.Environment()
        self.store = Store(clock=SimulatedClock(self.env, START))
        self.app = App(self.store)
        self.host = QuickBooksHost(self.env, setup_company(1), faults=faults, seed=1, start=START)
        self.stats = DriveStats()

    def sync(self, policy: RetryPolicy | None = None):
        """Start (or resume) a job and drive it; the drive's outcome."""
        job = SyncJob.start(self.store, batch_size=5)
        return self.env.run(until=self.env.process(drive(self.host, job, policy, self.stats)))

    def customers(self, count: int) -> list[int]:
        rows = [{"name": f"Customer {i:03d}", "phone": "555-0100"} for i in range(count)]
        return self.app.customers.add_many(rows)

    def quickbooks(self, kind: str) -> dict[str, dict]:
        """QuickBooks' records of a kind by name."""
        return {r.ret["Name"]: r.ret for r in self.host.company.state.records[kind].values()}


def _plan(*faults: dict) -> dict:
    return {"seed": 1, "faults": list(faults)}


def test_clock_reads_simulated_time():
    """The simulated clock is start + env.now, and the store stamps with it."""
    env = simpy.Environment()
    store = Store(clock=SimulatedClock(env, START))
    env.run(until=90)
    assert store.now() == stamp(START.replace(minute=1, second=30))


def test_store_timestamps_are_simulated_time():
    """A job's created and completed times are moments of the simulation, not of the wall."""
    rig = Rig()
    rig.env.run(until=600)
    rig.customers(3)
    assert rig.sync().finished
    job = rig.store.jobs.get(1)
    assert job.created_at == stamp(START.replace(minute=10))
    assert job.created_at < job.completed_at <= stamp(rig.host.now())


def test_lost_answers_are_recovered_without_duplicates():
    """Answers lost after QuickBooks applied the adds: recovery links them, nothing twice."""
    plan = _plan({"effect": "lose_response", "when": {"request_type": "*AddRq", "times": 3}})
    report = rehearse(Rehearsal(records=60, seed=2, faults=plan))
    assert report.transport["lost"] == 3
    assert (report.synced, report.failed, report.waiting) == (60, 0, 0)
    assert report.duplicates_in_quickbooks == 0


def test_modal_dialog_is_waited_out_then_retried():
    """A modal dialog refuses calls for 100 s; the driver backs off and goes on after it."""
    rig = Rig(_plan({"effect": "modal_dialog", "when": {"at": 0}, "duration": 100}))
    rig.customers(12)
    assert rig.sync().finished
    refused = [e.time for e in rig.host.log.where(event="refused")]
    answered = [e.time for e in rig.host.log.where(event="answered")]
    assert rig.stats.refused == {f"0x{MODAL:08X}": len(refused)} and refused
    assert max(refused) < 100 <= min(answered)
    assert rig.stats.waited_seconds >= 100
    assert len(rig.quickbooks("Customer")) == 12


def test_edit_in_quickbooks_during_the_sync_is_a_conflict_the_app_wins_for_its_field():
    """QuickBooks edits a record as our Mod goes out: the app's changed field is sent with the
    current EditSequence, and QuickBooks keeps the field the app did not change."""
    fault = {
        "effect": "edit_in_quickbooks",
        "when": {"request_type": "CustomerModRq", "name": "Customer 000"},
        "changes": {"Phone": "555-0199", "Fax": "555-0142"},
    }
    rig = Rig(_plan(fault))
    (acme,) = rig.customers(1)
    assert rig.sync().finished
    rig.app.customers.update(acme, phone="555-0111")
    assert rig.sync().finished
    assert rig.host.faults.fired(rig.host.plan.faults[0]) == 1
    record = rig.quickbooks("Customer")["Customer 000"]
    assert (record["Phone"], record["Fax"]) == ("555-0111", "555-0142")
    assert rig.app.queue.find(state=("queued", "failed", "locked")) == []
    assert quickbooks_duplicates(rig.host.company) == {}


def test_driver_gives_up_and_the_job_resumes_later():
    """QuickBooks down for an hour: the driver gives up after its attempts, the job stays
    unfinished, and once QuickBooks is back the next start resumes that same job."""
    rig = Rig(_plan({"effect": "quickbooks_not_running", "when": {"at": 0}, "duration": 3600}))
    rig.customers(4)
    outcome = rig.sync(RetryPolicy(first_wait=10, attempts=3))
    assert not outcome.finished
    assert isinstance(outcome.error, TransportError) and rig.stats.gave_up == 1
    unfinished = rig.store.jobs.current()
    assert unfinished is not None
    rig.env.run(until=3600)
    assert rig.sync().finished
    assert rig.store.jobs.get(unfinished.id).finished
    assert rig.store.jobs.current() is None
    assert len(rig.quickbooks("Customer")) == 4


def test_bookkeeper_works_in_the_same_simulated_time():
    """A bookkeeper editing QuickBooks meanwhile acts at simulated moments of the run."""
    report = rehearse(Rehearsal(records=80, seed=3, bookkeeper_per_hour=600))
    assert report.bookkeeper_actions > 0
    assert report.duplicates_in_quickbooks == 0
    accounted = report.synced + report.failed + report.waiting + report.deleted
    assert accounted == report.records


def test_rehearsal_stops_at_the_job_cap_when_quickbooks_never_answers():
    """QuickBooks down all along: each job gives up, the cap ends the rehearsal, nothing
    is lost and every failed call shows up as a transport error."""
    down = _plan({"effect": "quickbooks_not_running", "when": {"at": 0}, "duration": 10**6})
    options = Rehearsal(
        records=10, seed=1, faults=down, max_jobs=2, retry=RetryPolicy(first_wait=5, attempts=2)
    )
    report = rehearse(options)
    assert (report.jobs, report.unfinished_job) == (2, True)
    assert (report.synced, report.waiting) == (0, 10)
    assert report.errors_by_code == {"transport": 4}
    assert report.transport["refused"] == {"0x80040408": 4}


@pytest.mark.parametrize(
    ("failures", "wait"), [(1, 15.0), (2, 30.0), (3, 60.0), (6, 300.0), (9, 300.0)]
)
def test_back_off_doubles_up_to_its_ceiling(failures, wait):
    """Waits double from 15 s and stop growing at 300 s."""
    assert RetryPolicy().wait(TransportError("busy", MODAL), failures) == wait


def test_a_lost_answer_is_retried_at_once():
    """After a lost answer the driver waits only a moment: recovery asks QuickBooks."""
    assert RetryPolicy().wait(TransportError("lost", 0x80010108), 5) == 1.0


def test_nonsense_policy_is_refused():
    """A policy with no attempts is refused, naming its values."""
    with pytest.raises(ValueError, match="attempts >= 1"):
        RetryPolicy(attempts=0)
