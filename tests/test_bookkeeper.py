"""The bookkeeper: a seeded person editing QuickBooks during the sync, in simulated time."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
import simpy

from qbsim import Company
from qbsim.bookkeeper import Bookkeeper
from qbsim.faults import Target
from qbsim.host import QuickBooksHost
from qbsim.host.documents import add_rq, first, mod_rq
from qbsim.profile import Cost, Profile

START = datetime.fromisoformat("2026-03-02T08:00:00-05:00")
HOUR = 3600.0


def make_host(seed: int = 0) -> QuickBooksHost:
    profile = Profile("one", {"*": Cost(1.0)})
    return QuickBooksHost(simpy.Environment(), Company(), profile=profile, seed=seed, start=START)


def day(seed: int, hours: float = 8, **options) -> QuickBooksHost:
    host = make_host(seed)
    for name in ("Acme Corp", "Beta Ltd", "Delta Co"):
        host.call(add_rq("Customer", name))
    Bookkeeper(host, seed=seed, **options).start()
    host.env.run(until=hours * HOUR)
    return host


def test_works_at_about_the_given_rate():
    """30 actions an hour for 10 hours: close to 300 (a Poisson count)."""
    host = day(seed=1, hours=10, rate_per_hour=30)
    count = len(host.log.where(actor="bookkeeper"))
    assert 240 <= count <= 360


def test_changes_land_in_the_company_in_simulated_time():
    """Adds appear with simulated TimeCreated; the log and the record agree on the moment."""
    host = day(seed=2, hours=2, weights={"add": 1.0})
    added = host.log.where(actor="bookkeeper", event="add")
    assert host.company.count("Customer") + host.company.count("Vendor") == 3 + len(added)
    list_id = added[0].detail.rsplit(" ", 1)[1]
    kind = "Customer" if " Customer " in added[0].detail else "Vendor"
    record = host.company.lookup(kind, list_id)
    assert record.created.timestamp() == pytest.approx(START.timestamp() + added[0].time, abs=1)


def test_every_action_happens_and_is_answered():
    """Adds, renames, edits, deletes and inactivations all occur and report QuickBooks' answer."""
    host = day(seed=3, hours=8, rate_per_hour=60)
    events = {e.event for e in host.log.where(actor="bookkeeper")}
    assert events == {"add", "rename", "edit", "delete", "inactivate"}
    assert all(": " in e.detail for e in host.log.where(actor="bookkeeper"))
    deleted = [e for e in host.log.where(event="delete") if e.detail.endswith(": ok")]
    assert len(host.company.state.deleted) == len(deleted)


def test_works_only_between_start_and_stop():
    """No action before start_at or after stop_at."""
    host = day(seed=4, hours=5, start_at=HOUR, stop_at=3 * HOUR, rate_per_hour=60)
    times = [e.time for e in host.log.where(actor="bookkeeper")]
    assert times
    assert min(times) >= HOUR and max(times) <= 3 * HOUR


def test_an_edit_by_the_bookkeeper_makes_our_mod_stale():
    """We read a customer, the bookkeeper edits it, our Mod then gets 3200."""
    host = make_host()
    ret = first(host.call(add_rq("Customer", "Acme Corp"))).fields
    Bookkeeper(host, seed=5, kinds=("Customer",), weights={"edit": 1.0}).act()
    answer = first(host.call(mod_rq("Customer", ret["ListID"], ret["EditSequence"], Phone="1")))
    assert answer.code == 3200


def test_same_seed_same_day():
    """One seed, one day: the event logs are identical; another seed differs."""
    pd.testing.assert_frame_equal(day(6).log.to_frame(), day(6).log.to_frame())
    assert not day(6).log.to_frame().equals(day(7).log.to_frame())


def test_unknown_action_is_refused_with_the_choices():
    """A weight for an action the bookkeeper does not know names the ones it does."""
    with pytest.raises(ValueError, match="unknown action 'archive'; use add, rename"):
        Bookkeeper(make_host(), weights={"archive": 1.0})


def test_a_pick_lists_each_record_as_the_screen_shows_it():
    """The bookkeeper's list of candidates asks QuickBooks for what a list on the screen shows
    (not every field): each record comes with its ID, EditSequence, names and active flag."""
    host = make_host()
    for name in ("Acme Corp", "Beta Ltd"):
        host.call(add_rq("Customer", name))
    host.call(add_rq("Customer", "Roof", ParentRef={"FullName": "Acme Corp"}))
    beta = host.user.find(Target("Customer", "Beta Ltd"))
    host.call(mod_rq("Customer", beta.list_id, beta.edit_sequence, IsActive="false"))
    listed = {f.full_name: f for f in host.user.all("Customer", active_only=False)}
    assert sorted(listed) == ["Acme Corp", "Acme Corp:Roof", "Beta Ltd"]
    roof = listed["Acme Corp:Roof"]
    record = host.company.lookup("Customer", roof.list_id)
    assert (roof.kind, roof.name) == ("Customer", "Roof")
    assert roof.edit_sequence == record.ret["EditSequence"]
    assert not listed["Beta Ltd"].is_active and roof.is_active
    assert [f.name for f in host.user.all("Customer")] == ["Acme Corp", "Roof"]
    for active_only in (True, False):  # what a pick chooses from: the same, in the same order
        listed_ids = [f.list_id for f in host.user.all("Customer", active_only)]
        assert host.user.list_ids("Customer", active_only) == listed_ids
