"""qbsim reads a date text once per value: what it remembers is what reading gives, and a bad
date is refused every time it comes, naming its field."""

from __future__ import annotations

import pytest

from qbsim.errors import StatusError
from qbsim.model.base import parse_qb_date
from qbsim.model.txn_dates import checked_date


@pytest.mark.parametrize("value", ["2026-01-05", "2026-1-5", "2024-02-29", " 2026-01-05"])
def test_a_date_is_written_back_as_reading_it_gives(value):
    """The remembered date text is the one parsing gives, every time it is asked."""
    expected = parse_qb_date(value).isoformat()
    assert checked_date(value, "TxnDate") == checked_date(value, "TxnDate") == expected


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "soon", "2026-01"])
def test_a_bad_date_is_refused_every_time_naming_its_field(value):
    """A bad date is 3020 naming the field it came in, again on a second asking."""
    for field in ("TxnDate", "DueDate"):
        with pytest.raises(StatusError) as refused:
            checked_date(value, field)
        assert refused.value.code == 3020
        assert field in refused.value.message and value in refused.value.message
