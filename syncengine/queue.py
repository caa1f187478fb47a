"""The sync queue: which change of an app record becomes which PSR, and the sync job that takes
them.

Rules (ARCHITECTURE.md, domain rules 1, 2 and 5):

* a new record queues ``add``; an edit queues ``modify`` if QuickBooks has the record (or an
  add of it is in a running job), else ``add``; a deletion queues ``delete``, ``inactivate``
  or ``void`` by entity type and setting (``delete_action.<type>``), or nothing if QuickBooks
  never had the record;
* a transaction queues only when ready: at a sync status of its type and fully recorded;
* edits before a sync collapse into the record's one open PSR (:func:`store.psrs.merge`): an
  add then edits stays one add; an add then a deletion cancels out;
* records flagged proxy or prevent-sync never get a PSR;
* each PSR keeps a dependency order: lists before the transactions that use them, parents
  before sub-customers; removals the other way round (transactions before their lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from syncengine.store import Job, NewPsr, Psr, PsrFilter, Refused, Store
from syncengine.store.psrs import (
    ACTIONS,
    ACTIVE_STATES,
    CANCELLED,
    LOCKED,
    OPEN_STATES,
    REMOVED,
    WRITES,
    PsrAction,
    Removal,
    merge,
)
from syncengine.store.settings import SETTINGS

if TYPE_CHECKING:
    from syncengine.sync.selection import DateRange

EVENTS = ("created", "updated", "deleted")
REMOVAL_BASE = 200
"""A removal's dependency order is ``REMOVAL_BASE - order`` of its add: reversed."""


@dataclass(frozen=True)
class Change:
    """What happened to one app record, as the app tells the queue.

    ``ready``: lists always; a transaction when at a sync status and fully recorded.
    ``dep_order``: the record's place when added or modified (smaller goes first).
    """

    entity_id: int
    entity_type: str
    event: str
    is_list: bool
    ready: bool
    dep_order: int


def removal_order(dep_order: int) -> int:
    """The dependency order of a removal: transactions before lists, children before parents."""
    return REMOVAL_BASE - dep_order


class SyncQueue:
    """The queue of PSRs over one store: enqueue rules, filters, removal, job creation."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, changes: Sequence[Change]) -> None:
        """Turn app changes into PSRs (inside the caller's write transaction, if any)."""
        unknown = {c.event for c in changes} - set(EVENTS)
        if unknown:
            raise ValueError(f"unknown change events {sorted(unknown)}; events: {EVENTS}")
        with self.store.write():
            flagged = self.store.flags.flagged([c.entity_id for c in changes])
            changes = [c for c in changes if c.entity_id not in flagged]
            created = [c for c in changes if c.event == "created"]
            self.store.psrs.insert_many(
                [NewPsr(c.entity_id, c.entity_type, "add", c.dep_order) for c in created if c.ready]
            )
            self._collapse([c for c in changes if c.event != "created"])

    def delete_action(self, entity_type: str, is_list: bool) -> Removal:
        """What a deletion of this type does in QuickBooks: the setting, or the default."""
        key = f"delete_action.{entity_type}"
        if key in SETTINGS:
            return self.store.settings.get(key)
        return "inactivate" if is_list else "delete"

    def _collapse(self, changes: Sequence[Change]) -> None:
        ids = [c.entity_id for c in changes]
        open_psrs = {
            i: (p.id, p.action) for i, p in self.store.psrs.for_entities(ids, OPEN_STATES).items()
        }
        in_flight = set(self.store.psrs.for_entities(ids, (LOCKED,)))
        links = self.store.links.get_many(ids)
        in_qb = {i for i, link in links.items() if link.qb_deleted_at is None} | in_flight
        for change in changes:
            wanted = self._wanted(change, change.entity_id in in_qb)
            current = open_psrs.get(change.entity_id)
            if current is None:
                if wanted is not None:
                    open_psrs[change.entity_id] = (self._insert(change, wanted), wanted)
                continue
            result = self._combine(change, current, wanted)
            if result is None:
                open_psrs.pop(change.entity_id)
            else:
                open_psrs[change.entity_id] = (current[0], result)

    def _wanted(self, change: Change, in_qb: bool) -> PsrAction | None:
        if change.event == "deleted":
            return self.delete_action(change.entity_type, change.is_list) if in_qb else None
        if not change.ready:
            return None
        return "modify" if in_qb else "add"

    def _combine(
        self, change: Change, current: tuple[int, PsrAction], wanted: PsrAction | None
    ) -> PsrAction | None:
        psr_id, action = current
        if wanted is None:
            if change.event == "deleted" or action in WRITES:
                note = "deleted before any sync" if change.event == "deleted" else "no longer ready"
                self.store.psrs.close([psr_id], CANCELLED, note)
                return None
            return action
        result = merge(action, wanted)
        if result is None:
            self.store.psrs.close([psr_id], CANCELLED, "added then deleted before any sync")
            return None
        order = change.dep_order if result in WRITES else removal_order(change.dep_order)
        self.store.psrs.set_action(psr_id, result, order)
        return result

    def put(self, change: Change, action: PsrAction, note: str) -> int:
        """Queue exactly ``action`` for a record, whatever the collapse rule would make of it
        (undo sync deletes in QuickBooks a record the app keeps): the record's open PSR, if any,
        is cancelled with ``note`` first. Flags are the caller's to check. Returns the PSR ID."""
        if action not in ACTIONS:
            raise ValueError(f"unknown PSR action {action!r}; actions: {ACTIONS}")
        with self.store.write():
            open_psrs = self.store.psrs.for_entities([change.entity_id], OPEN_STATES)
            if change.entity_id in open_psrs:
                self.store.psrs.close([open_psrs[change.entity_id].id], CANCELLED, note)
            return self._insert(change, action)

    def _insert(self, change: Change, action: PsrAction) -> int:
        order = change.dep_order if action in WRITES else removal_order(change.dep_order)
        return self.store.psrs.insert_many(
            [NewPsr(change.entity_id, change.entity_type, action, order)]
        )

    def find(
        self,
        entity_type: str | Sequence[str] | None = None,
        action: str | Sequence[str] | None = None,
        state: str | Sequence[str] | None = ACTIVE_STATES,
        error_code: int | None = None,
        text: str | None = None,
        job_id: int | None = None,
        sort: str | Sequence[str] = "dep_order",
        descending: bool = False,
    ) -> list[Psr]:
        """PSRs filtered (default: queued, locked and failed ones; ``state=None``: all) and
        sorted; ``text`` matches record names, entity types, error messages and notes."""
        where = PsrFilter(entity_type, action, state, error_code, job_id, text)
        return self.store.psrs.find(where, sort, descending)

    def frame(
        self,
        entity_type: str | Sequence[str] | None = None,
        action: str | Sequence[str] | None = None,
        state: str | Sequence[str] | None = ACTIVE_STATES,
        error_code: int | None = None,
        text: str | None = None,
        job_id: int | None = None,
        sort: str | Sequence[str] = "dep_order",
        descending: bool = False,
    ) -> pd.DataFrame:
        """The same PSRs as :meth:`find`, as a DataFrame."""
        where = PsrFilter(entity_type, action, state, error_code, job_id, text)
        return self.store.psrs.frame(where, sort, descending)

    def remove(self, psr_id: int, note: str = "") -> Psr:
        """Delete a PSR from the queue: the change stays out of QuickBooks; the PSR is kept as
        ``removed``. Refused for a PSR locked in a job or already closed."""
        with self.store.write():
            psr = self.store.psrs.get(psr_id)
            if psr.state == LOCKED:
                raise Refused(
                    f"PSR {psr_id} ({psr.action} {psr.entity_type} {psr.name!r}) is locked in"
                    f" job {psr.job_id}; finish or cancel that job first"
                )
            if psr.state not in OPEN_STATES:
                raise Refused(
                    f"PSR {psr_id} is already {psr.state}; only queued or failed"
                    " PSRs can be deleted from the queue"
                )
            self.store.psrs.close([psr_id], REMOVED, note or "deleted from the queue")
        return self.store.psrs.get(psr_id)

    def create_job(self, note: str = "", window: DateRange | None = None) -> Job:
        """Start a sync job taking what the settings and the sync wizard let through (the
        one rule: :func:`syncengine.sync.selection.new_job`), with a manual sync's date
        range if given; refused (:class:`JobRefused`) while another job is unfinished, also
        when that job belongs to another process."""
        # Imported here: the sync package imports this module (the queue is what it exports).
        from syncengine.sync.selection import new_job

        return new_job(self.store, note, window)

    def counts(self) -> dict[str, int]:
        """How many PSRs are in each state."""
        return self.store.psrs.counts()
