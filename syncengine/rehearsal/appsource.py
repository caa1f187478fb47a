"""A rehearsal's app records from a client's data: a folder of CSV or Excel files, or an
existing workspace (generated ones come from :mod:`syncengine.rehearsal.appgen`).

:func:`load_app` reads either into :class:`AppRecords` — the live records with their app IDs,
small and picklable, so a campaign reads a dataset once and hands it to every worker — and
:func:`copy_into` writes them into a rehearsal's fresh workspace and queues each one as the
app does a new record. A folder is read by ``qbsync import-app``'s own reader, with its
refusals (:class:`~syncengine.app.importer.ImportRefused`). A workspace is only read, never
written: its records are copied without their QuickBooks links, queue or history, so records
already linked to QuickBooks there are rehearsed as new ones (:attr:`AppRecords.linked` counts
them, for the report); deleted records are left out. A workspace's sync settings come with its
records (:data:`REHEARSED_SETTINGS`: what syncs, the behaviours, the begin date): a rehearsal
syncs them as that workspace would. Those a rehearsal cannot follow are reported, not applied
(:data:`NOT_REHEARSED`); what the engine keeps itself (import marks, the company stamp, the
schedule) is not copied.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from syncengine.app import App
from syncengine.app.types import ENTITY_TYPES, EntityType
from syncengine.clock import FixedClock
from syncengine.errors import SyncError
from syncengine.store import SETTINGS, Entity, EntityRow, Store
from syncengine.store.checks import open_read_only
from syncengine.store.settings import check, read_settings

FOLDER, WORKSPACE = "folder", "workspace"
REHEARSED_SETTINGS = tuple(
    key
    for key in SETTINGS
    if key.split(".")[0] in ("sync", "sources", "items", "export", "accounts", "delete_action")
    or key == "schedule.begin_date"
)
"""The settings a workspace's rehearsal takes from it: what syncs, how, and from which date."""
NOT_REHEARSED = {
    "wizard.enabled": "a rehearsal has nobody to approve: every change goes as approved",
    "range.from_date": "a rehearsal's jobs take every date, as auto sync does",
    "range.to_date": "a rehearsal's jobs take every date, as auto sync does",
}
"""Settings a rehearsal reports when a workspace has changed them, and why it does not follow."""


class AppSourceRefused(SyncError):
    """The app data cannot be read: the message names the path, what is wrong and what to do."""


@dataclass(frozen=True)
class AppRecords:
    """App records read from ``path``, a ``kind`` (:data:`FOLDER` or :data:`WORKSPACE`):
    ``rows`` with their app IDs (references between them are by these IDs), ``linked``,
    how many of them the workspace had linked to QuickBooks (rehearsed as new), and the
    workspace's settings changed from the defaults (``settings`` followed, ``unfollowed``
    not)."""

    kind: str
    path: Path
    rows: tuple[EntityRow, ...]
    linked: int = 0
    settings: tuple[tuple[str, Any], ...] = ()
    """The workspace's :data:`REHEARSED_SETTINGS` that differ from the defaults."""
    unfollowed: tuple[tuple[str, Any], ...] = ()
    """The workspace's :data:`NOT_REHEARSED` settings that differ from the defaults."""

    @property
    def label(self) -> str:
        """How results and tables name the dataset: the folder's or the file's name."""
        return self.path.name or str(self.path)

    @property
    def last_id(self) -> int:
        """The highest app ID among the rows (0 for none)."""
        return max((row.id for row in self.rows), default=0)


def load_app(path: Path, start: datetime) -> AppRecords:
    """The records of a folder of CSV/Excel files or of a workspace file; a transaction without
    a date gets ``start``'s date, as it would when imported on that day."""
    if path.is_dir():
        return _from_folder(path, start)
    if path.is_file():
        return _from_workspace(path)
    raise AppSourceRefused(
        f"--app {path}: no such folder or workspace file; give the folder of CSV or Excel"
        " files (docs/app-data.md) or a workspace made by qbsync"
    )


def _from_folder(folder: Path, start: datetime) -> AppRecords:
    """The folder through ``qbsync import-app``'s reader, into a workspace in memory."""
    from syncengine.app.importer import import_folder

    with Store(":memory:", FixedClock(start)) as store:
        import_folder(App(store), folder)
        live = sorted(_live(store), key=lambda e: e.id)  # the order import-app added them in
        rows = tuple(EntityRow(e.id, e.entity_type, e.name, e.status, e.data) for e in live)
    if not rows:
        raise AppSourceRefused(
            f"--app {folder}: the folder holds no records; add customers.csv, items.csv, ..."
            " (docs/app-data.md)"
        )
    return AppRecords(FOLDER, folder, rows)


def _live(store: Store) -> Iterator[Entity]:
    for key in ENTITY_TYPES:
        yield from store.entities.all(key)


_LIVE = (
    "SELECT id, entity_type, name, status, data FROM entities WHERE deleted_at IS NULL ORDER BY id"
)
_LINKED = (
    "SELECT COUNT(*) FROM links l JOIN entities e ON e.id = l.entity_id"
    " WHERE e.deleted_at IS NULL AND l.qb_deleted_at IS NULL"
)


def _from_workspace(path: Path) -> AppRecords:
    """The live records of the workspace at ``path``, read without writing a byte to it."""
    try:
        with contextlib.closing(open_read_only(path)) as conn:
            found = conn.execute(_LIVE).fetchall()
            linked = int(conn.execute(_LINKED).fetchone()[0])
            settings = _settings_of(conn, path)
    except sqlite3.DatabaseError as exc:
        raise AppSourceRefused(
            f"--app {path}: not a workspace qbsync can read ({exc}); give a workspace file"
            " (qbsync --db FILE ...) or a folder of CSV files"
        ) from None
    rows = tuple(
        EntityRow(i, key, name, status, json.loads(data)) for i, key, name, status, data in found
    )
    if not rows:
        raise AppSourceRefused(f"--app {path}: the workspace holds no app records to rehearse")
    _check_rows(path, rows)
    changed = [(k, v) for k, v in settings.items() if v != SETTINGS[k].default]
    followed = tuple((k, v) for k, v in changed if k in REHEARSED_SETTINGS)
    unfollowed = tuple((k, v) for k, v in changed if k in NOT_REHEARSED)
    return AppRecords(WORKSPACE, path, rows, linked, followed, unfollowed)


def _settings_of(conn: sqlite3.Connection, path: Path) -> dict[str, Any]:
    """The workspace's settings a rehearsal follows or reports, each checked as ``settings
    set`` checks it; one damaged there is refused, named."""
    out = {}
    for key in (*REHEARSED_SETTINGS, *NOT_REHEARSED):
        try:
            out[key] = check(key, read_settings(conn, [key])[key])
        except ValueError as exc:  # bad JSON, or a RecordError: wrong type or choice
            raise AppSourceRefused(
                f"--app {path}: its setting {key} cannot be read ({exc}); set it again in"
                f" that workspace (qbsync --db {path} settings set {key} VALUE), or in a copy"
            ) from None
    return out


def _check_rows(path: Path, rows: tuple[EntityRow, ...]) -> None:
    """Refuse a record of an unknown type, or one that refers to a record not copied (one
    deleted in the workspace), naming the record, field and value."""
    live = {row.id for row in rows}
    for row in rows:
        etype = ENTITY_TYPES.get(row.entity_type)
        if etype is None:
            raise AppSourceRefused(
                f"--app {path}: record {row.id} is a {row.entity_type!r}, not an app entity type"
                f" ({', '.join(ENTITY_TYPES)}); is the workspace from a newer qbsync?"
            )
        for field, target in references(etype, row.data):
            if target not in live:
                raise AppSourceRefused(
                    f"--app {path}: {row.entity_type} {row.name!r} (app id {row.id}), field"
                    f" {field}: refers to app id {target}, which was deleted in that workspace;"
                    " point it at a live record there (qbsync app update) and rehearse again"
                )


def references(etype: EntityType, data: Mapping[str, Any]) -> Iterator[tuple[str, int]]:
    """(field path, referenced app ID) of every reference a record's stored data holds, its
    lines' and applications' too (``lines[0].item``)."""
    from syncengine.app.fields import Ref

    for spec in etype.fields:
        value = data.get(spec.name)
        if isinstance(spec, Ref) and isinstance(value, int):
            yield spec.name, value
        for index, part in enumerate(value if isinstance(value, list) else []):
            for sub in getattr(spec, "parts", ()):
                if isinstance(sub, Ref) and isinstance(part.get(sub.name), int):
                    yield f"{spec.name}[{index}].{sub.name}", part[sub.name]


def copy_into(store: Store, records: AppRecords) -> None:
    """Write ``records`` into ``store`` (a workspace with no records) with their app IDs, and
    queue each as the app queues a new record: lists always, transactions when ready. Their
    workspace's settings are set first, so the queue follows them as it would there."""
    app = App(store)
    with store.write():
        for key, value in records.settings:
            store.settings.write_raw(key, value)
        store.entities.insert_many(records.rows)
        changes = [app.collection(r.entity_type).change_of(r.id, "created") for r in records.rows]
        app.queue.record(changes)
