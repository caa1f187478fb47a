"""The workspace store: one SQLite file (WAL) per workspace holding the engine's whole state.

``Store(path, clock)`` opens or creates the file and brings its schema up to date. Each part
of the state has its own small API on the store::

    store.entities   app records (customers, invoices, ...)      entities.py
    store.links      record <-> ListID/TxnID + EditSequence       links.py
    store.psrs       pending sync requests, filters, sorting      psrs.py
    store.jobs       sync jobs, job items, outcomes, errors       jobs.py, outcomes.py,
                                                                  closing.py
    store.messages   message sets saved before sending            messages.py
    store.log        the sync log                                 log.py
    store.settings   typed settings                               settings.py
    store.flags      proxy / prevent-sync flags                   flags.py
    store.wizard     wizard candidates and approvals              wizard.py
    store.baselines  synced fields as QuickBooks last held them   baselines.py

Every timestamp written comes from the injected clock. Every table reads as a DataFrame
through :meth:`Store.frame` (or the parts' own ``frame()`` methods, which join names in).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from syncengine.clock import Clock, SystemClock, stamp
from syncengine.store.baselines import BaselineStore
from syncengine.store.db import MEMORY, Transactions, connect, migrate, schema_version
from syncengine.store.entities import Entity, EntityRow, EntityStore
from syncengine.store.errors import JobRefused, NotFound, Refused, SchemaVersionError, StoreError
from syncengine.store.flags import FlagStore
from syncengine.store.jobs import Job, JobItem, JobStore
from syncengine.store.links import Link, LinkStore, LinkUpdate
from syncengine.store.log import LogEntry, SyncLog
from syncengine.store.messages import MessageRequest, MessageSet, MessageStore
from syncengine.store.outcomes import PsrDone, PsrFailure
from syncengine.store.psrs import NewPsr, Psr, PsrFilter, PsrStore
from syncengine.store.schema import MIGRATIONS, TABLES
from syncengine.store.settings import SETTINGS, SettingsStore
from syncengine.store.wizard import Candidate, WizardStore

__all__ = [
    "MIGRATIONS",
    "SETTINGS",
    "Candidate",
    "Entity",
    "EntityRow",
    "Job",
    "JobItem",
    "JobRefused",
    "Link",
    "LinkUpdate",
    "LogEntry",
    "MessageRequest",
    "MessageSet",
    "NewPsr",
    "NotFound",
    "Psr",
    "PsrDone",
    "PsrFailure",
    "PsrFilter",
    "Refused",
    "SchemaVersionError",
    "Store",
    "StoreError",
    "whole_numbers",
]


class Store:
    """One workspace's state in SQLite; ``path=":memory:"`` for a throwaway store.

    One connection per Store: use a Store from one thread at a time; other processes or
    threads open their own Store on the same file.
    """

    def __init__(
        self, path: str | Path = MEMORY, clock: Clock | None = None, timeout: float = 10.0
    ) -> None:
        self.path = str(path)
        self.clock: Clock = clock or SystemClock()
        self._last_now: datetime | None = None
        self._last_stamp = ""
        self.conn = connect(path, timeout)
        self._tx = Transactions(self.conn)
        migrate(self.conn)
        self.entities = EntityStore(self)
        self.links = LinkStore(self)
        self.psrs = PsrStore(self)
        self.jobs = JobStore(self)
        self.messages = MessageStore(self)
        self.log = SyncLog(self)
        self.settings = SettingsStore(self)
        self.flags = FlagStore(self)
        self.wizard = WizardStore(self)
        self.baselines = BaselineStore(self)

    @property
    def schema_version(self) -> int:
        """How many schema migrations the file has had."""
        return schema_version(self.conn)

    def now(self) -> str:
        """The injected clock's current time, as the store writes it."""
        when = self.clock.now()
        if when != self._last_now:  # a batch stamps many rows at one instant
            self._last_now, self._last_stamp = when, stamp(when)
        return self._last_stamp

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``); nested blocks join the outer one."""
        return self._tx.write()

    def read_frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """A query's rows as a DataFrame: ``*_at`` columns as aware UTC datetimes, integer
        columns with missing values as nullable ``Int64`` (not floats: ``3100``, not
        ``3100.0``). SQLite's errors are raised as SQLite raised them, not as pandas wraps them
        (so a damaged file or a full disk reads the same everywhere)."""
        try:
            frame = pd.read_sql_query(sql, self.conn, params=tuple(params))
        except pd.errors.DatabaseError as exc:
            if isinstance(exc.__cause__, sqlite3.Error):
                raise exc.__cause__ from None
            raise
        for column in frame.columns:
            if column.endswith("_at") or column == "at":
                frame[column] = _times(frame[column])
        return whole_numbers(frame)

    def frame(self, table: str) -> pd.DataFrame:
        """A whole table as a DataFrame (``"psrs"``, ``"jobs"``, ``"errors"``, ...)."""
        if table not in TABLES:
            raise NotFound(f"no table {table!r}; tables: {', '.join(TABLES)}")
        return self.read_frame(f"SELECT * FROM {table}")

    def close(self) -> None:
        """Close the connection (WAL content is checkpointed by SQLite)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _times(column: pd.Series) -> pd.Series:
    """Stored stamps as aware UTC datetimes; naive ones (older workspaces) are UTC."""
    try:
        return pd.to_datetime(column, format="ISO8601", utc=True)
    except (ValueError, TypeError):  # not a stamp at all: leave the text as it is
        return column


def whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each float column of whole numbers with gaps as nullable ``Int64``:
    integers with NULLs (or None) among them, which pandas reads as floats (``3100.0``)."""
    whole = {c: "Int64" for c in frame.columns if _whole_with_gaps(frame[c])}
    return frame.astype(whole) if whole else frame


def _whole_with_gaps(column: pd.Series) -> bool:
    if column.dtype.kind != "f" or not column.isna().any():
        return False
    values = column.dropna()
    return bool((values == values.round()).all())
