"""Transaction dates: checking a DATETYPE value, and the TxnDateRangeFilter DateMacro periods.

Weeks start on Sunday (US QuickBooks); the fiscal year is taken to start in January, which is
QuickBooks' default preference (``Fiscal`` macros equal the calendar ones). ``...ToDate``
runs from the period's start to the same point in it as today; ``NextFourWeeks`` is not
simulated.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from qbsim import status
from qbsim.errors import NotImplementedInQbsim
from qbsim.model.base import parse_qb_date

_MACRO = re.compile(
    r"(This|Last|Next)(Week|Month|CalendarQuarter|FiscalQuarter|CalendarYear|FiscalYear)(ToDate)?"
)
_STEP = {"This": 0, "Last": -1, "Next": 1}


def checked_date(value: str, field: str) -> str:
    """A DATETYPE value as ``YYYY-MM-DD``; 3020 when it is no calendar date."""
    try:
        return _iso_date(value)
    except ValueError:
        raise status.bad_date(value, field) from None


@lru_cache(maxsize=4096)  # a company's transactions share a few hundred dates between them
def _iso_date(value: str) -> str:
    """``value`` read as a date and written back (ValueError, never cached, when it is none)."""
    return parse_qb_date(value).isoformat()


def macro_range(macro: str, today: date) -> tuple[date | None, date | None]:
    """The (from, to) dates a DateMacro names, seen from ``today`` (None: unbounded)."""
    if macro == "All":
        return None, None
    if macro in ("Today", "Yesterday"):
        day = today - timedelta(days=0 if macro == "Today" else 1)
        return day, day
    found = _MACRO.fullmatch(macro)
    if found is None:
        raise NotImplementedInQbsim(f"TxnDateRangeFilter DateMacro {macro}")
    step, unit, to_date = _STEP[found.group(1)], found.group(2), found.group(3)
    start, end = _period(unit, today, step)
    if to_date:
        current_start, _ = _period(unit, today, 0)
        end = min(end, start + (today - current_start))
    return start, end


def _period(unit: str, today: date, step: int) -> tuple[date, date]:
    if unit == "Week":
        sunday = today - timedelta(days=(today.weekday() + 1) % 7) + timedelta(weeks=step)
        return sunday, sunday + timedelta(days=6)
    months = {"Month": 1, "CalendarQuarter": 3, "FiscalQuarter": 3}.get(unit, 12)
    first = (today.month - 1) // months * months + step * months
    year, month = today.year + first // 12, first % 12 + 1
    start = date(year, month, 1)
    after = month - 1 + months
    end = date(year + after // 12, after % 12 + 1, 1) - timedelta(days=1)
    return start, end
