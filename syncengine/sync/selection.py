"""Which open PSRs a new sync job takes.

Every open (queued or failed) PSR, except:

* those of an area that does not sync (its deletions too: nothing of the area goes);
* with the sync wizard on, those of records whose export the wizard has not approved;
* in a manual sync over a date range, transactions dated outside the range (lists go).

What the job leaves out stays in the queue for a later job: a transaction outside the range
does not sync, even if it is new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from syncengine.app.scope import Scope
from syncengine.app.types import ENTITY_TYPES
from syncengine.errors import RecordError
from syncengine.store import Job, PsrFilter, Store
from syncengine.store.psrs import OPEN_STATES


@dataclass(frozen=True)
class DateRange:
    """A manual sync's date range: transactions dated from ``date_from`` to ``date_to``,
    both included; an open end (None) takes everything on that side."""

    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise RecordError(
                "manual sync",
                "date range",
                f"{self.date_from} to {self.date_to}",
                "the first date is after the last; swap them",
            )

    @classmethod
    def of(cls, job: Job) -> DateRange:
        """The range a job was created with."""
        first, last = job.date_from, job.date_to
        return cls(
            date.fromisoformat(first) if first else None,
            date.fromisoformat(last) if last else None,
        )

    @property
    def is_open(self) -> bool:
        """True when the range takes every date."""
        return self.date_from is None and self.date_to is None

    def iso(self) -> tuple[str | None, str | None]:
        """Both ends as ISO text (None for an open end)."""
        return (
            self.date_from.isoformat() if self.date_from else None,
            self.date_to.isoformat() if self.date_to else None,
        )

    def admits(self, txn_date: str | None) -> bool:
        """True when a transaction of this date (ISO text; None: undated) is in the range."""
        if self.is_open:
            return True
        if not txn_date:
            return False
        first, last = self.iso()
        return (first is None or txn_date[:10] >= first) and (last is None or txn_date[:10] <= last)

    def describe(self) -> str:
        """``2025-01-01 to 2025-01-31``, ``from 2025-01-01``, ``until 2025-01-31``."""
        first, last = self.iso()
        if first and last:
            return f"{first} to {last}"
        return f"from {first}" if first else f"until {last}"


def selected(store: Store, window: DateRange) -> list[int] | None:
    """The PSRs a new job locks; None when it takes every open PSR."""
    wizard_on = bool(store.settings.get("wizard.enabled"))
    scope = Scope.of(store.settings)
    if not wizard_on and window.is_open and not scope.areas_off:
        return None
    psrs = store.psrs.find(PsrFilter(state=OPEN_STATES), "id")
    psrs = [p for p in psrs if scope.area_on(p.entity_type)]
    if wizard_on:
        approved = store.wizard.approved_exports()
        psrs = [p for p in psrs if p.entity_id in approved]
    if not window.is_open:
        txns = [p.entity_id for p in psrs if not ENTITY_TYPES[p.entity_type].is_list]
        dates = {i: e.data.get("txn_date") for i, e in store.entities.get_many(txns).items()}
        psrs = [p for p in psrs if p.entity_id not in dates or window.admits(dates[p.entity_id])]
    return [p.id for p in psrs]
