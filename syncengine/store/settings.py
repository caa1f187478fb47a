"""Workspace settings: typed key/value pairs whose keys, types and defaults are data here.

Only keys in :data:`SETTINGS` exist (a typo is an error, not a silent new setting). Values are
stored as JSON; a date is kept as ``YYYY-MM-DD`` and read back as :class:`datetime.date`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from syncengine.errors import RecordError

if TYPE_CHECKING:
    from syncengine.store import Store


@dataclass(frozen=True)
class Setting:
    """One setting: its type (bool, int, str, list, date), default, allowed values, meaning."""

    key: str
    kind: type
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    optional: bool = False


_LISTS = ("customer", "vendor", "employee", "item")
_VOIDABLE = ("invoice", "bill", "credit_memo", "sales_receipt")
_NOT_VOIDABLE = ("payment", "purchase_order", "sales_order", "time_entry")

_ALL: list[Setting] = [
    *(
        Setting(
            f"delete_action.{t}",
            str,
            "inactivate",
            f"a deleted {t}: make inactive or delete",
            ("inactivate", "delete"),
        )
        for t in _LISTS
    ),
    *(
        Setting(
            f"delete_action.{t}",
            str,
            "delete",
            f"a deleted {t}: delete or void",
            ("delete", "void"),
        )
        for t in _VOIDABLE
    ),
    *(
        Setting(f"delete_action.{t}", str, "delete", f"a deleted {t}: delete", ("delete",))
        for t in _NOT_VOIDABLE
    ),
    Setting(
        "sync.customer_invoices",
        bool,
        True,
        "customer invoices, credit memos, receipts, payments sync",
    ),
    Setting("sync.vendor_invoices", bool, True, "vendor bills and purchase orders sync"),
    Setting("sync.time", bool, True, "time entries sync"),
    Setting(
        "sources.invoice",
        list,
        ["billing", "ship_document"],
        "documents that feed invoices",
        ("billing", "ship_document"),
    ),
    Setting(
        "sources.bill",
        list,
        ["vendor_invoice", "receiver"],
        "documents that feed bills",
        ("vendor_invoice", "receiver"),
    ),
    Setting(
        "items.new_part_kind",
        str,
        "service",
        "kind of a new part with no kind given",
        ("service", "inventory"),
    ),
    Setting("export.mark_paid", bool, False, "mark invoices paid after export"),
    Setting("export.validate_lists_first", bool, True, "check shared lists before transactions"),
    Setting("export.stop_area_on_first_error", bool, False, "stop an area at its first error"),
    Setting("accounts.create_defaults", bool, True, "create default accounts when missing"),
    Setting("wizard.enabled", bool, False, "changes wait in the sync wizard for approval"),
    Setting("schedule.mode", str, "manual", "manual sync or auto sync", ("manual", "auto")),
    Setting("schedule.every_seconds", int, 900, "auto sync interval in seconds"),
    Setting(
        "schedule.begin_date",
        date,
        None,
        "auto sync: transactions dated before it count as exported and never sync",
        optional=True,
    ),
    Setting("range.from_date", date, None, "manual sync: first txn date", optional=True),
    Setting("range.to_date", date, None, "manual sync: last txn date", optional=True),
    Setting(
        "import.modified_mark",
        str,
        None,
        "kept by the sync job: QuickBooks' time of the newest change the last import saw",
        optional=True,
    ),
    Setting(
        "company.file_id",
        str,
        None,
        "kept by the sync job: the stamp (FileID) of the company file this workspace syncs with",
        optional=True,
    ),
    Setting(
        "company.name",
        str,
        None,
        "kept by the sync job: that company file's name when it was last seen",
        optional=True,
    ),
    Setting(
        "import.deleted_mark",
        str,
        None,
        "kept by the sync job: QuickBooks' time of the newest deletion the last import saw",
        optional=True,
    ),
]
SETTINGS: dict[str, Setting] = {s.key: s for s in _ALL}


def check(key: str, value: Any) -> Any:
    """``value`` in the setting's type (a date may be ISO text); :class:`RecordError` if not."""
    spec = SETTINGS.get(key)
    if spec is None:
        raise RecordError("settings", key, value, f"no such setting; known: {', '.join(SETTINGS)}")
    if value is None:
        if spec.optional:
            return None
        raise RecordError("settings", key, value, "a value is required")
    value = _coerce(spec, value)
    items = value if isinstance(value, list) else [value]
    if spec.choices and any(v not in spec.choices for v in items):
        raise RecordError("settings", key, value, f"allowed: {', '.join(spec.choices)}")
    return value


def _coerce(spec: Setting, value: Any) -> Any:
    if spec.kind is date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise RecordError("settings", spec.key, value, "not a date (YYYY-MM-DD)") from None
    ok = isinstance(value, spec.kind) and not (spec.kind is int and isinstance(value, bool))
    if not ok:
        raise RecordError("settings", spec.key, value, f"must be a {spec.kind.__name__}")
    return list(value) if spec.kind is list else value


def _load(spec: Setting, text: str | None) -> Any:
    """A stored value as its setting's type; the default when ``text`` is None (never set)."""
    if text is None:
        return spec.default
    raw = json.loads(text)
    return date.fromisoformat(raw) if spec.kind is date and raw is not None else raw


def json_value(value: Any) -> Any:
    """A setting's value as stored and as ``--json`` shows it: a date as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def _dump(value: Any) -> str:
    return json.dumps(json_value(value))


def read_settings(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, Any]:
    """Several settings' values by key, typed, read in one query through ``conn`` (defaults
    when unset); a read-only connection to a workspace will do."""
    specs = {}
    for key in keys:
        spec = SETTINGS.get(key)
        if spec is None:
            raise KeyError(f"no such setting {key!r}")
        specs[key] = spec
    marks = ",".join("?" * len(specs))
    stored = dict(
        conn.execute(f"SELECT key, value FROM settings WHERE key IN ({marks})", tuple(specs))
    )
    return {key: _load(spec, stored.get(key)) for key, spec in specs.items()}


class SettingsStore:
    """Rows of ``settings``; unset keys read as their default."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str) -> Any:
        """The setting's value, typed; its default when never set."""
        return self.get_many([key])[key]

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """Several settings' values by key, typed, read in one query (defaults when unset)."""
        return read_settings(self._store.conn, keys)

    def write_raw(self, key: str, value: Any) -> None:
        """Store a value after checking its type and allowed values, and nothing else: the
        queue is not re-scoped and no rule across settings is checked. People and the CLI
        change settings through :meth:`syncengine.settings.SyncSettings.set`."""
        value = check(key, value)
        with self._store.write() as conn:
            conn.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (key, _dump(value), self._store.now()),
            )

    def reset(self, key: str) -> None:
        """Return a setting to its default."""
        with self._store.write() as conn:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))

    def all(self) -> dict[str, Any]:
        """Every setting's current value."""
        return {key: self.get(key) for key in SETTINGS}

    def frame(self) -> pd.DataFrame:
        """Every setting with its value, default, whether it was changed, and its meaning."""
        rows = [
            {
                "key": s.key,
                "value": self.get(s.key),
                "default": s.default,
                "changed": self.get(s.key) != s.default,
                "doc": s.doc,
            }
            for s in SETTINGS.values()
        ]
        return pd.DataFrame(rows)
