"""Which open PSRs a new sync job takes.

Every open (queued or failed) PSR, except:

* those of an area that does not sync (its deletions too: nothing of the area goes);
* with the sync wizard on, those of records whose export the wizard has not approved;
* in a manual sync over a date range, transactions dated outside the range (lists go).

What the job leaves out stays in the queue for a later job: a transaction outside the range
does not sync, even if it is new. Every command that creates a job (``job new``, ``job run``,
auto sync, a rehearsal) does it through :func:`new_job`, and :func:`held_back` says why a
PSR waits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from syncengine.app.scope import Scope
from syncengine.app.types import ENTITY_TYPES
from syncengine.errors import RecordError
from syncengine.store import Job, Psr, PsrFilter, Store
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


def manual_window(
    store: Store, date_from: date | None = None, date_to: date | None = None
) -> DateRange:
    """The range of a manual sync (``job run``): each end as given, else the setting
    (``range.from_date``, ``range.to_date``; none: open)."""
    first = date_from or store.settings.get("range.from_date")
    return DateRange(first, date_to or store.settings.get("range.to_date"))


def selected(store: Store, window: DateRange) -> list[int] | None:
    """The PSRs a new job locks; None when it takes every open PSR."""
    wizard_on = bool(store.settings.get("wizard.enabled"))
    if not wizard_on and window.is_open and not Scope.of(store.settings).areas_off:
        return None
    psrs = store.psrs.find(PsrFilter(state=OPEN_STATES), "id")
    held = held_back(store, window, psrs)
    return [p.id for p in psrs if p.id not in held]


def held_back(
    store: Store, window: DateRange | None = None, psrs: Sequence[Psr] | None = None
) -> dict[int, str]:
    """The open PSRs (default: all; else those given) a new job would leave in the queue,
    each with why: its area does not sync, the wizard has not approved it, or its date is
    outside the range."""
    window = window or DateRange()
    if psrs is None:
        psrs = store.psrs.find(PsrFilter(state=OPEN_STATES), "id")
    rules = _Rules.of(store, window, psrs)
    reasons = {p.id: rules.why_held(p) for p in psrs}
    return {psr_id: why for psr_id, why in reasons.items() if why is not None}


def new_job(store: Store, note: str = "", window: DateRange | None = None) -> Job:
    """Create a sync job locking exactly what :func:`selected` lets through (every command
    that creates a job comes here); :class:`JobRefused` while another job is unfinished."""
    window = window or DateRange()
    first, last = window.iso()
    return store.jobs.create(note, selected(store, window), first, last)


@dataclass(frozen=True)
class _Rules:
    """What the settings hold now: the scope, the wizard's approvals (None: the wizard is
    off), the date range and the dates of the transactions it applies to."""

    scope: Scope
    approved: set[int] | None
    window: DateRange
    dates: dict[int, str | None]

    @classmethod
    def of(cls, store: Store, window: DateRange, psrs: Sequence[Psr]) -> _Rules:
        wizard_on = bool(store.settings.get("wizard.enabled"))
        approved = store.wizard.approved_exports() if wizard_on else None
        dates: dict[int, str | None] = {}
        if not window.is_open:
            txns = [p.entity_id for p in psrs if not ENTITY_TYPES[p.entity_type].is_list]
            dates = {i: e.data.get("txn_date") for i, e in store.entities.get_many(txns).items()}
        return cls(Scope.of(store.settings), approved, window, dates)

    def why_held(self, psr: Psr) -> str | None:
        """Why a new job leaves this open PSR in the queue; None when it takes it."""
        if not self.scope.area_on(psr.entity_type):
            return f"the {ENTITY_TYPES[psr.entity_type].area} area does not sync"
        if self.approved is not None and psr.entity_id not in self.approved:
            return "not approved in the sync wizard"
        if psr.entity_id in self.dates and not self.window.admits(self.dates[psr.entity_id]):
            dated = self.dates[psr.entity_id] or "undated"
            return f"dated {dated}, outside the date range {self.window.describe()}"
        return None
