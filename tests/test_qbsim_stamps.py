"""``CompanyState.stamp``: the clock read once per moment, its conversions made once, for
every record a document adds or changes at that moment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from qbsim.model.base import DEFAULT_TZ, CompanyState, qb_datetime


def _state_reading(*moments):
    """A company state whose clock gives ``moments`` in turn (the last one from then on)."""
    pending = list(moments)
    return CompanyState(lambda: pending.pop(0) if len(pending) > 1 else pending[0])


def test_records_added_at_one_moment_share_its_stamp():
    """Two records stamped at one moment get the same TimeCreated and EditSequence."""
    moment = datetime(2026, 1, 5, 9, 0, 0, 250, tzinfo=DEFAULT_TZ)
    state = _state_reading(moment, moment.replace(microsecond=900))
    first = state.insert("Customer", {"Name": "A"}, "ListID")
    second = state.insert("Customer", {"Name": "B"}, "ListID")
    assert first.ret["TimeCreated"] == second.ret["TimeCreated"] == qb_datetime(moment)
    assert second.ret["EditSequence"] == str(int(moment.timestamp()))


def test_a_later_moment_or_another_offset_gets_its_own_stamp():
    """The stamp follows the clock: a new second, or the same instant at another offset,
    is written anew."""
    moment = datetime(2026, 1, 5, 9, 0, 0, tzinfo=DEFAULT_TZ)
    state = _state_reading(moment, moment + timedelta(seconds=1))
    first = state.insert("Customer", {"Name": "A"}, "ListID")
    state.touch(first)
    assert first.ret["TimeModified"] == "2026-01-05T09:00:01-05:00"
    assert first.ret["EditSequence"] == str(int(moment.timestamp()) + 1)
    state.tz = timezone(timedelta(hours=-8))
    state.touch(first)
    assert first.ret["TimeModified"] == "2026-01-05T06:00:01-08:00"
