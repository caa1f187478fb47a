"""PSR rows: states, the collapse rule, and reading the queue with filters and sorting.

PSR state machine::

    queued, failed  ──create_job──────────────────►  locked
    locked          ──mark_done───────────────────►  done       (link updated)
    locked          ──fail────────────────────────►  failed     (back in the queue with its
                                                                 status code, message, hint)
    locked          ──finish/cancel, never sent───►  queued
    locked          ──cancel, sent, no answer─────►  failed
    queued, failed  ──remove──────────────────────►  removed    (deleted from the queue)
    queued, failed  ──collapse────────────────────►  cancelled  (added then deleted, no
                                                                 longer ready, or merged)

"Open" PSRs (queued, failed) are the queue; at most one per record, which later edits
collapse into (:func:`merge`). ``locked`` belongs to a sync job; an edit made meanwhile opens
a new PSR that merges with the locked one if that comes back to the queue. ``done``,
``removed`` and ``cancelled`` are closed and kept as history.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeGuard, get_args

import pandas as pd

from syncengine.store.entities import chunks
from syncengine.store.errors import NotFound

if TYPE_CHECKING:
    from syncengine.store import Store

# The words are written once, here, as types; the tuples below are read from them.
PsrState = Literal["queued", "locked", "failed", "done", "removed", "cancelled"]
Write = Literal["add", "modify"]  # the actions that send the record's data
Removal = Literal["delete", "inactivate", "void"]  # the actions that take a record out
PsrAction = Literal[Write, Removal]

STATES: tuple[PsrState, ...] = get_args(PsrState)
QUEUED, LOCKED, FAILED, DONE, REMOVED, CANCELLED = STATES
OPEN_STATES = (QUEUED, FAILED)
ACTIVE_STATES = (QUEUED, LOCKED, FAILED)
CLOSED_STATES = (DONE, REMOVED, CANCELLED)
ACTIONS: tuple[PsrAction, ...] = get_args(PsrAction)
WRITES: tuple[Write, ...] = get_args(Write)
REMOVALS: tuple[Removal, ...] = get_args(Removal)

SORTABLE = (
    "id",
    "dep_order",
    "entity_type",
    "name",
    "action",
    "state",
    "error_code",
    "attempts",
    "created_at",
    "updated_at",
)


def is_removal(action: PsrAction) -> TypeGuard[Removal]:
    """Whether the action takes the record out of QuickBooks (delete, inactivate or void)."""
    return action in REMOVALS


def merge(older: PsrAction, newer: PsrAction) -> PsrAction | None:
    """The one action two successive changes of a record amount to; None = nothing to send.

    add + modify = add; add + delete = nothing (QuickBooks never saw it); modify + x = x;
    a removal (delete, inactivate, void) stays what it is.
    """
    if older == "add":
        return None if newer in REMOVALS else "add"
    if older in REMOVALS:
        return older
    return newer


class Psr(NamedTuple):
    """One pending sync request as stored, with the app record's name."""

    id: int
    entity_id: int
    entity_type: str
    name: str
    action: PsrAction
    state: PsrState
    dep_order: int
    job_id: int | None
    attempts: int
    error_code: int | None
    error_message: str | None
    error_hint: str | None
    note: str
    created_at: str
    updated_at: str
    closed_at: str | None


@dataclass(frozen=True)
class NewPsr:
    """A PSR to insert: which record, what to do in QuickBooks, and in which order."""

    entity_id: int
    entity_type: str
    action: PsrAction
    dep_order: int


@dataclass(frozen=True)
class PsrFilter:
    """What to show of the queue; None = no restriction on that column."""

    entity_type: str | Sequence[str] | None = None
    action: str | Sequence[str] | None = None
    state: str | Sequence[str] | None = ACTIVE_STATES
    error_code: int | None = None
    job_id: int | None = None
    text: str | None = None


_COLUMNS = ", ".join("e.name" if f == "name" else f"p.{f}" for f in Psr._fields)
_SELECT = f"SELECT {_COLUMNS} FROM psrs p JOIN entities e ON e.id = p.entity_id"


def _in(column: str, value: str | Sequence[str], where: list[str], params: list[Any]) -> None:
    values = [value] if isinstance(value, str) else list(value)
    where.append(f"{column} IN ({','.join('?' * len(values))})")
    params.extend(values)


def _where(f: PsrFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("p.entity_type", f.entity_type), ("p.action", f.action)):
        if value is not None:
            _in(column, value, where, params)
    if f.state is not None:
        _in("p.state", f.state, where, params)
    for column, number in (("p.error_code", f.error_code), ("p.job_id", f.job_id)):
        if number is not None:
            where.append(f"{column} = ?")
            params.append(number)
    if f.text:
        columns = ("e.name", "p.entity_type", "COALESCE(p.error_message, '')", "p.note")
        where.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns) + ")")
        pattern = "%" + re.sub(r"([%_\\])", r"\\\1", f.text) + "%"
        params.extend([pattern] * len(columns))
    return (" WHERE " + " AND ".join(where) if where else ""), params


def order_by(sort: str | Sequence[str], descending: bool) -> str:
    """An ORDER BY clause for whitelisted PSR columns (unknown names raise ValueError)."""
    columns = [sort] if isinstance(sort, str) else list(sort)
    bad = [c for c in columns if c not in SORTABLE]
    if bad:
        raise ValueError(f"cannot sort the queue by {bad}; sortable: {', '.join(SORTABLE)}")
    direction = " DESC" if descending else ""
    keys = [("e.name" if c == "name" else f"p.{c}") + direction for c in columns]
    return " ORDER BY " + ", ".join([*keys, "p.id"])


class PsrStore:
    """Rows of the ``psrs`` table."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def insert_many(self, new: Sequence[NewPsr]) -> int:
        """Queue new PSRs, stamped now; the ID of the last one."""
        now = self._store.now()
        params = [(n.entity_id, n.entity_type, n.action, n.dep_order, now, now) for n in new]
        with self._store.write() as conn:
            conn.executemany(
                "INSERT INTO psrs (entity_id, entity_type, action, dep_order, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                params,
            )
            last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
            self._queue_changed(
                [n.entity_id for n in new]
            )  # may insert wizard candidates: read the PSR's ID first
        return last

    def _queue_changed(self, entity_ids: Sequence[int]) -> None:
        """With the sync wizard on, its export candidates follow the queue at once (the badge
        never needs a refresh): these records' open PSRs are offered, left ones closed, their
        actions renamed."""
        if entity_ids and self._store.settings.get("wizard.enabled"):
            self._store.wizard.offer_exports(entity_ids)

    def _psrs_changed(self, psr_ids: Sequence[int]) -> None:
        """:meth:`_queue_changed` for the records of these PSRs, looked up only when the
        wizard is on (with it off, a collapse or a close reads nothing more)."""
        if psr_ids and self._store.settings.get("wizard.enabled"):
            self._store.wizard.offer_exports(self._entities_of(psr_ids))

    def _entities_of(self, psr_ids: Sequence[int]) -> list[int]:
        out: list[int] = []
        for part in chunks(list(psr_ids)):
            marks = ",".join("?" * len(part))
            sql = f"SELECT entity_id FROM psrs WHERE id IN ({marks})"
            out += [row[0] for row in self._store.conn.execute(sql, tuple(part))]
        return out

    def get(self, psr_id: int) -> Psr:
        """The PSR with this ID; :class:`NotFound` if there is none."""
        rows = self.select(f"{_SELECT} WHERE p.id = ?", [psr_id])
        if not rows:
            raise NotFound(f"no PSR with id {psr_id}")
        return rows[0]

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Psr]:
        """PSRs from a query over ``psrs p JOIN entities e`` selecting the columns of :class:`Psr`
        in order."""
        return [Psr(*row) for row in self._store.conn.execute(sql, tuple(params))]

    def by_ids(self, psr_ids: Sequence[int]) -> list[Psr]:
        """The PSRs among ``psr_ids`` that exist, in ID order."""
        out: list[Psr] = []
        for part in chunks(list(psr_ids)):
            marks = ",".join("?" * len(part))
            out += self.select(f"{_SELECT} WHERE p.id IN ({marks}) ORDER BY p.id", part)
        return out

    def for_entities(self, entity_ids: Sequence[int], states: Sequence[PsrState]) -> dict[int, Psr]:
        """Each record's newest PSR among those in ``states``."""
        out: dict[int, Psr] = {}
        marks_s = ",".join("?" * len(states))
        for part in chunks(list(entity_ids)):
            marks = ",".join("?" * len(part))
            sql = f"{_SELECT} WHERE p.entity_id IN ({marks}) AND p.state IN ({marks_s})"
            for psr in self.select(sql + " ORDER BY p.id", [*part, *states]):
                out[psr.entity_id] = psr
        return out

    def set_action(self, psr_id: int, action: PsrAction, dep_order: int) -> None:
        """Collapse a newer change into an open PSR: its action becomes ``action``."""
        with self._store.write() as conn:
            conn.execute(
                "UPDATE psrs SET action = ?, dep_order = ?, updated_at = ? WHERE id = ?",
                (action, dep_order, self._store.now(), psr_id),
            )
            self._psrs_changed([psr_id])

    def close(self, psr_ids: Sequence[int], state: PsrState, note: str = "") -> None:
        """Close PSRs as ``removed`` or ``cancelled``; they stay as history with ``note``."""
        now = self._store.now()
        with self._store.write() as conn:
            conn.executemany(
                "UPDATE psrs SET state = ?, note = ?, updated_at = ?, closed_at = ? WHERE id = ?",
                [(state, note, now, now, i) for i in psr_ids],
            )
            self._psrs_changed(psr_ids)

    def find(
        self,
        where: PsrFilter | None = None,
        sort: str | Sequence[str] = "dep_order",
        descending: bool = False,
    ) -> list[Psr]:
        """PSRs matching ``where`` (default: the active queue), sorted."""
        clause, params = _where(where or PsrFilter())
        return self.select(_SELECT + clause + order_by(sort, descending), params)

    def frame(
        self,
        where: PsrFilter | None = None,
        sort: str | Sequence[str] = "dep_order",
        descending: bool = False,
    ) -> pd.DataFrame:
        """The same PSRs as :meth:`find`, as a DataFrame."""
        clause, params = _where(where or PsrFilter())
        return self._store.read_frame(_SELECT + clause + order_by(sort, descending), params)

    def counts(self) -> dict[str, int]:
        """How many PSRs are in each state."""
        rows = self._store.conn.execute("SELECT state, COUNT(*) FROM psrs GROUP BY state")
        return {state: n for state, n in rows}
