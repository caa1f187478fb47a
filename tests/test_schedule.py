"""Schedules: a manual sync over a date range, and an auto sync every N seconds from a begin
date — in simulated time beside the qbsim host, and as a loop on an injected clock."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
import simpy

from qbsim import QuickBooksHost
from qbsim.testing import add
from syncengine.app import App
from syncengine.clock import stamp
from syncengine.errors import RecordError
from syncengine.rehearsal.autosync import SimulatedAutoSync
from syncengine.rehearsal.driver import SimulatedClock
from syncengine.rehearsal.rehearse import START, setup_company
from syncengine.settings import SyncSettings
from syncengine.settings.schedule import AutoSync, manual_sync
from syncengine.store import JobRefused, Refused, Store
from syncengine.sync import SyncJob
from syncengine.transports.simulated import SimulatedTransport
from tests.sync_world import World, acme, labor

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)


def _invoice(app: App, customer: int, item: int, ref: str, day: date) -> int:
    lines = [{"item": item, "quantity": 1, "rate": "85"}]
    return app.invoices.add(
        customer=customer, ref_number=ref, txn_date=day, lines=lines, status="approved"
    ).id


def _january_and_february(w: World) -> tuple[int, int]:
    customer, item = acme(w), labor(w)
    return (
        _invoice(w.app, customer, item, "JAN-1", date(2025, 1, 15)),
        _invoice(w.app, customer, item, "FEB-1", date(2025, 2, 15)),
    )


def _sync_range(w: World, first: date | None, last: date | None):
    return manual_sync(w.store, SimulatedTransport(w.company), date_from=first, date_to=last)


def _quickbooks_invoice(w: World, ref: str, day: str) -> None:
    line = [{"ItemRef": {"FullName": "Labor"}, "Quantity": "1", "Rate": "5"}]
    fields = {"CustomerRef": {"FullName": "Acme"}, "RefNumber": ref, "TxnDate": day}
    add(w.company, "Invoice", {**fields, "InvoiceLineAdd": line})


# -- manual sync over a date range ----------------------------------------------------------
def test_manual_sync_sends_only_transactions_dated_in_the_range():
    """A January range sends January's invoice and the lists; February's waits, though new."""
    w = World()
    january, february = _january_and_february(w)
    _sync_range(w, JAN, date(2025, 1, 31))
    assert [r["RefNumber"] for r in w.qb("Invoice")] == ["JAN-1"]
    assert w.last_psr(february).state == "queued" and w.last_psr(january).state == "done"


def test_sync_without_a_range_sends_what_the_range_left():
    """The next sync without a range sends the invoice the range left in the queue."""
    w = World()
    _january_and_february(w)
    _sync_range(w, JAN, date(2025, 1, 31))
    _sync_range(w, None, None)
    assert sorted(r["RefNumber"] for r in w.qb("Invoice")) == ["FEB-1", "JAN-1"]


def test_open_ended_range_takes_everything_from_its_first_date():
    """A range with only a first date takes every transaction dated from it on."""
    w = World()
    _january_and_february(w)
    _sync_range(w, FEB, None)
    assert [r["RefNumber"] for r in w.qb("Invoice")] == ["FEB-1"]


def test_manual_sync_imports_only_transactions_dated_in_the_range():
    """QuickBooks invoices outside the range are not imported by a ranged sync."""
    w = World()
    acme(w), labor(w)
    w.sync()
    _quickbooks_invoice(w, "Q-JAN", "2025-01-20")
    _quickbooks_invoice(w, "Q-FEB", "2025-02-20")
    _sync_range(w, JAN, date(2025, 1, 31))
    assert [i["ref_number"] for i in w.app.invoices.all()] == ["Q-JAN"]


def test_import_left_out_by_a_range_comes_with_the_next_full_sync():
    """A ranged sync leaves the import marks alone, so the next full sync brings the rest."""
    w = World()
    acme(w), labor(w)
    w.sync()
    _quickbooks_invoice(w, "Q-FEB", "2025-02-20")
    _sync_range(w, JAN, date(2025, 1, 31))
    w.clock.advance(hours=5)
    _sync_range(w, None, None)
    assert [i["ref_number"] for i in w.app.invoices.all()] == ["Q-FEB"]


def test_range_defaults_to_the_settings():
    """Without dates, a manual sync takes the range kept in the settings."""
    w = World()
    _january_and_february(w)
    settings = SyncSettings(w.store)
    settings.date_from, settings.date_to = FEB, date(2025, 2, 28)
    report = manual_sync(w.store, SimulatedTransport(w.company))
    assert [r["RefNumber"] for r in w.qb("Invoice")] == ["FEB-1"]
    assert w.store.jobs.get(report.job_id).date_from == "2025-02-01"


def test_reversed_range_is_refused():
    """A range ending before it begins is refused before any job starts."""
    w = World()
    with pytest.raises(RecordError, match="the first date is after the last; swap them"):
        _sync_range(w, FEB, JAN)
    assert w.store.jobs.current() is None


def test_range_before_the_begin_date_is_refused():
    """A range that ends before the begin date is refused: all of it counts as exported."""
    w = World()
    SyncSettings(w.store).begin_date = FEB
    with pytest.raises(Refused, match="ends before the begin date 2025-02-01"):
        _sync_range(w, JAN, date(2025, 1, 31))


def test_unfinished_job_with_another_range_is_refused():
    """An unfinished job is finished first; a different range meanwhile is refused."""
    w = World()
    _january_and_february(w)
    SyncJob.start(w.store, date_from=JAN, date_to=date(2025, 1, 31))
    with pytest.raises(JobRefused, match=r"finish it first .*then sync from 2025-02-01"):
        _sync_range(w, FEB, None)


# -- auto sync in simulated time ------------------------------------------------------------
class Sim:
    """A store on simulated time, the app over it, and a qbsim host in the same environment."""

    def __init__(self) -> None:
        self.env = simpy.Environment()
        self.store = Store(clock=SimulatedClock(self.env, START))
        self.app = App(self.store)
        self.host = QuickBooksHost(self.env, setup_company(1), seed=1, start=START)

    def job_times(self) -> list[pd.Timestamp]:
        """When each job started, as instants (the store keeps them in UTC)."""
        return list(self.store.jobs.frame().sort_values("id").created_at)


def test_auto_sync_runs_every_n_seconds_of_simulated_time():
    """Auto sync every 300 s syncs at 0, 300 and 600 simulated seconds."""
    sim = Sim()
    SimulatedAutoSync(sim.store, 300, START.date()).start(sim.env, sim.host)
    sim.env.run(until=700)
    starts = [START + timedelta(seconds=s) for s in (0, 300, 600)]
    assert sim.job_times() == [pd.Timestamp(t) for t in starts]


def test_auto_sync_sends_what_was_entered_between_runs():
    """An invoice approved between two runs reaches QuickBooks with the next run."""
    sim = Sim()
    customer, item = sim.app.customers.add(name="Acme").id, sim.app.items.add(name="Labor").id
    SimulatedAutoSync(sim.store, 300, START.date()).start(sim.env, sim.host)
    sim.env.run(until=100)
    _invoice(sim.app, customer, item, "1001", START.date())
    sim.env.run(until=400)
    assert len(sim.host.company.state.records["Invoice"]) == 1


def test_auto_sync_marks_records_before_the_begin_date_exported():
    """Invoices dated before the begin date are marked exported: dropped, never sent."""
    sim = Sim()
    customer, item = sim.app.customers.add(name="Acme").id, sim.app.items.add(name="Labor").id
    old = _invoice(sim.app, customer, item, "OLD", START.date() - timedelta(days=30))
    _invoice(sim.app, customer, item, "NEW", START.date())
    SimulatedAutoSync(sim.store, 300, START.date()).start(sim.env, sim.host)
    sim.env.run(until=100)
    refs = [r.ret["RefNumber"] for r in sim.host.company.state.records["Invoice"].values()]
    [line] = sim.store.log.frame(outcome="skipped").itertuples()
    assert refs == ["NEW"] and (line.entity_id, line.action) == (old, "marked exported")
    [dropped] = sim.app.queue.find(state="cancelled")
    assert dropped.entity_id == old and f"before the begin date {START.date()}" in dropped.note


def test_record_before_the_begin_date_stays_out_when_edited():
    """An edit to an invoice marked exported queues nothing."""
    sim = Sim()
    customer, item = sim.app.customers.add(name="Acme").id, sim.app.items.add(name="Labor").id
    old = _invoice(sim.app, customer, item, "OLD", START.date() - timedelta(days=30))
    SimulatedAutoSync(sim.store, 300, START.date()).start(sim.env, sim.host)
    sim.env.run(until=100)
    sim.app.invoices.update(old, memo="late note")
    assert sim.app.queue.find(entity_type="invoice") == []


def test_stop_ends_the_schedule_after_the_sync_in_progress():
    """Stopped at 450 s, no sync starts afterwards and the schedule is manual again."""
    sim = Sim()
    auto = SimulatedAutoSync(sim.store, 300, START.date())
    auto.start(sim.env, sim.host)

    def operator():
        yield sim.env.timeout(450)
        auto.stop()

    sim.env.process(operator())
    sim.env.run(until=2000)
    assert len(sim.job_times()) == 2 and not auto.running
    assert SyncSettings(sim.store).schedule_mode == "manual"


def test_next_due_is_one_interval_after_the_last_sync_began():
    """Between two syncs ``next_due`` is the next start by the store's clock; never while
    stopped."""
    sim = Sim()
    auto = SimulatedAutoSync(sim.store, 300, START.date())
    assert auto.next_due is None and not auto.syncing
    auto.start(sim.env, sim.host)
    sim.env.run(until=350)
    assert auto.next_due == START + timedelta(seconds=600) and not auto.syncing
    auto.stop()
    sim.env.run(until=400)
    assert auto.next_due is None and not auto.running


def test_real_time_loop_says_when_the_next_sync_is_due():
    """The real-time loop's ``next_due`` is one interval after the last sync began."""
    w = World()
    seen: list[object] = []
    auto = AutoSync(w.store, 600, w.clock.now().date())
    start = w.clock.now()

    def sleep(seconds: float) -> None:
        seen.append(auto.next_due)
        w.clock.advance(seconds)

    auto.run(SimulatedTransport(w.company), sleep=sleep, runs=2)
    assert seen == [start + timedelta(seconds=600)] and auto.next_due is None


def test_auto_sync_needs_the_store_on_simulated_time():
    """A store on another clock is refused: its timestamps would not be simulated time."""
    w, sim = World(), Sim()
    with pytest.raises(Refused, match="needs the store on this simulation's clock"):
        SimulatedAutoSync(w.store, 300, START.date()).start(sim.env, sim.host)


def test_auto_sync_interval_has_a_minimum():
    """An auto sync more often than every minute is refused."""
    with pytest.raises(RecordError, match="every_seconds = '30': auto sync runs at most every"):
        AutoSync(World().store, 30, START.date())


def test_auto_sync_cannot_start_twice():
    """Starting a running auto sync again is refused."""
    sim = Sim()
    auto = SimulatedAutoSync(sim.store, 300, START.date())
    auto.start(sim.env, sim.host)
    with pytest.raises(Refused, match=r"already running .*stop it first"):
        auto.start(sim.env, sim.host)


def test_stop_when_not_running_is_refused():
    """Stopping an auto sync that never started is refused."""
    with pytest.raises(Refused, match="not running, so there is nothing to stop; `qbsync autosync"):
        AutoSync(World().store, 300, START.date()).stop()


# -- auto sync in real time, on an injected clock -------------------------------------------
def test_real_time_loop_waits_out_the_rest_of_each_interval():
    """Each sync starts every_seconds after the previous one began, by the store's clock."""
    w = World()
    acme(w)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        w.clock.advance(seconds)

    start = w.clock.now()
    w.clock.advance(0)
    auto = AutoSync(w.store, 600, start.date())
    reports = auto.run(SimulatedTransport(w.company), sleep=sleep, runs=3)
    assert len(reports) == 3 and waits == [600.0, 600.0]
    assert w.store.jobs.get(3).created_at == stamp(start + timedelta(seconds=1200))
