"""``qbsync app ...``: the app's own records — list them (by type, name, status), show one,
add, edit (rename: ``app edit 7 name="Acme Ltd"``) and delete — as a user of the app would.

Fields are given as ``field=value``; a reference (``customer=``, ``item=``) is a record ID
when it is all digits, else a name. A transaction's lines (a payment's applications) are
``--line item=3,quantity=2,rate=40``, repeated; on ``edit`` they replace the old lines.
After each change the command says what the next sync will do with the record, read from
the queue. Exit status 0; 2 for a refusal (an unknown type, field or value, a deleted
record), reason on stderr naming the record and the field.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import (
    Refusal,
    emit,
    for_people,
    open_workspace,
    refusals,
    table,
    workspace_command,
)
from syncengine.commands.holding import holds_workspace

if TYPE_CHECKING:
    from syncengine.app import App, Record
    from syncengine.app.types import EntityType
    from syncengine.errors import RecordError
    from syncengine.store import Store

LIST_COLUMNS = ("id", "entity_type", "name", "status", "next_sync")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``app`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser("app", help="the app's records: list, show, add, edit, delete")
    actions = family.add_subparsers(dest="app_action", metavar="ACTION", required=True)
    _list(actions)
    show = workspace_command(actions, "show", "one record: its fields, QuickBooks ID and next sync")
    show.add_argument("record", type=int, metavar="ID", help="the record's ID")
    show.set_defaults(handler=run_show)
    add = holds_workspace(workspace_command(actions, "add", "add a record: TYPE field=value ..."))
    add.add_argument("type", metavar="TYPE", help="customer, vendor, employee, item, invoice, ...")
    _fields(add)
    add.set_defaults(handler=run_add)
    edit = holds_workspace(
        workspace_command(actions, "edit", "change fields of a record (a blank value clears one)")
    )
    edit.add_argument("record", type=int, metavar="ID", help="the record's ID")
    _fields(edit)
    edit.set_defaults(handler=run_edit)
    delete = holds_workspace(workspace_command(actions, "delete", "delete a record in the app"))
    delete.add_argument("record", type=int, metavar="ID", help="the record's ID")
    delete.set_defaults(handler=run_delete)


def _list(actions: argparse._SubParsersAction) -> None:
    parser = workspace_command(actions, "list", "records, filtered by type, name and status")
    parser.add_argument("--type", action="append", metavar="TYPE", help="entity type (repeat)")
    parser.add_argument("--name", metavar="TEXT", help="text in the name or reference number")
    parser.add_argument("--status", action="append", metavar="S", help="status (repeat)")
    parser.add_argument("--deleted", action="store_true", help="include deleted records")
    parser.add_argument("--limit", type=int, help="show at most N records")
    parser.set_defaults(handler=run_list)


def _fields(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("fields", nargs="*", metavar="FIELD=VALUE", help="e.g. name=Acme")
    parser.add_argument(
        "--line",
        action="append",
        metavar="K=V,...",
        help="a line (a payment: an application), e.g. item=3,quantity=2,rate=40; repeat",
    )
    parser.set_defaults(extra_words=[])  # field=value words after an option (see cli.main)


# -- list and show ----------------------------------------------------------------------------
@refusals("app list")
def run_list(args: argparse.Namespace) -> int:
    """Records of the chosen types (default: all), filtered by name text and status."""
    from syncengine.actions.next_sync import outlooks
    from syncengine.app import App

    with open_workspace(args) as store:
        types = [entity_type(t).key for t in args.type or []]
        rows = [_row(e) for e in _entities(store, types, args.deleted)]
        rows = [r for r in rows if _matches(r, args.name, args.status)]
        rows = rows[: args.limit] if args.limit is not None else rows
        found = outlooks(App(store), [row["id"] for row in rows])
        for row in rows:
            row["next_sync"] = found[row["id"]].text
    return emit(args, rows, lambda: f"{table(rows, LIST_COLUMNS)}\n\n{len(rows)} record(s)")


def _entities(store: Store, types: list[str], deleted: bool) -> list[Any]:
    sql = "SELECT id FROM entities"
    where = [] if deleted else ["deleted_at IS NULL"]
    if types:
        where.append(f"entity_type IN ({','.join('?' * len(types))})")
    if where:
        sql += " WHERE " + " AND ".join(where)
    ids = [i for (i,) in store.conn.execute(sql + " ORDER BY id", types)]
    return list(store.entities.get_many(ids).values())


def _row(entity: Any) -> dict[str, Any]:
    return {
        "id": entity.id,
        "entity_type": entity.entity_type,
        "name": entity.name,
        "status": entity.status,
        "deleted_at": entity.deleted_at,
    }


def _matches(row: dict[str, Any], text: str | None, statuses: list[str] | None) -> bool:
    if text and text.casefold() not in (row["name"] or "").casefold():
        return False
    return not statuses or row["status"] in [s.strip().lower() for s in statuses]


@refusals("app show")
def run_show(args: argparse.Namespace) -> int:
    """One record: type, name, status, every field, its QuickBooks ID and next sync."""
    with open_workspace(args) as store:
        data = _shown(store, args.record)
    return emit(args, data, lambda: _show_text(data))


def _shown(store: Store, record_id: int) -> dict[str, Any]:
    from syncengine.actions.next_sync import next_sync
    from syncengine.app import App
    from syncengine.commands.common import plain

    app = App(store)
    record = app.record(record_id)
    link = store.links.get(record_id)
    return {
        "id": record.id,
        "entity_type": record.entity_type,
        "name": record.name,
        "status": record.status,
        "fields": plain(dict(record.fields)),
        "qb_id": link.qb_id if link else None,
        "created_at": record.created_at,
        "modified_at": record.modified_at,
        "deleted_at": record.deleted_at,
        "next_sync": next_sync(app, record_id),
    }


def _show_text(data: dict[str, Any]) -> str:
    head = [(k, data[k]) for k in ("id", "entity_type", "name", "status", "qb_id")]
    head += [(k, v) for k, v in data["fields"].items() if k not in data]
    head += [(k, data[k]) for k in ("created_at", "modified_at", "deleted_at", "next_sync")]
    width = max(len(k) for k, _ in head)
    return "\n".join(f"{k:<{width}}  {_value(v)}" for k, v in head if v not in (None, ""))


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in value)
    return for_people(value)


# -- add, edit, delete ------------------------------------------------------------------------
@refusals("app add")
def run_add(args: argparse.Namespace) -> int:
    """Add one record of TYPE; say what the next sync does with it."""
    from syncengine.app import App
    from syncengine.errors import RecordError

    with open_workspace(args) as store:
        app = App(store)
        etype = entity_type(args.type)
        values = field_values(etype, [*args.fields, *args.extra_words], args.line)
        try:
            record = app.collection(etype.key).add(**values)
        except RecordError as exc:
            raise _refusal(exc) from None
        return _done(args, store, record, "added")


@refusals("app edit")
def run_edit(args: argparse.Namespace) -> int:
    """Change fields of one record (a rename is ``name=...``); say what the next sync does."""
    from syncengine.errors import RecordError

    with open_workspace(args) as store:
        app, record = _existing(store, args.record)
        etype = app.collection(record.entity_type).etype
        values = field_values(etype, [*args.fields, *args.extra_words], args.line)
        if not values:
            raise Refusal(f"{_named(record)}: no field given; write field=value, e.g. name=Acme")
        try:
            changed = app.collection(record.entity_type).update(record.id, **values)
        except RecordError as exc:
            raise _refusal(exc) from None
        done = "unchanged (the values were already so)" if changed == record else "changed"
        return _done(args, store, changed, done)


@refusals("app delete")
def run_delete(args: argparse.Namespace) -> int:
    """Delete one record in the app; say what QuickBooks hears of it at the next sync."""
    from syncengine.store import Refused

    with open_workspace(args) as store:
        app, record = _existing(store, args.record)
        if record.deleted:
            raise Refused(f"{_named(record)} was already deleted at {record.deleted_at}")
        deleted = app.collection(record.entity_type).delete(record.id)
        return _done(args, store, deleted, "deleted in the app")


def _existing(store: Store, record_id: int) -> tuple[App, Record]:
    from syncengine.app import App

    app = App(store)
    return app, app.record(record_id)


def _done(args: argparse.Namespace, store: Store, record: Record, done: str) -> int:
    from syncengine.actions.next_sync import outlook
    from syncengine.app import App

    then = outlook(App(store), record.id)
    data = {
        "record": _named(record),
        "id": record.id,
        "entity_type": record.entity_type,
        "name": record.name,
        "status": record.status,
        "done": done,
        "next_sync": {"state": then.state, "text": then.text, "psr_id": then.psr_id},
    }
    return emit(args, data, f"{_named(record)}: {done}. {then.text}")


def _named(record: Record) -> str:
    name = f" {record.name!r}" if record.name else ""
    return f"{record.entity_type}{name} (id {record.id})"


def _refusal(exc: RecordError) -> Refusal:
    """The engine's record error as the command shows it: record, field, value, reason."""
    record = exc.record.replace(" (row 1)", "")
    value = "is missing" if exc.value is None else f"= {str(exc.value)[:60]!r}"
    return Refusal(f"{record}: field {exc.field} {value}: {exc.reason}")


# -- reading field=value ------------------------------------------------------------------------
def entity_type(text: str) -> EntityType:
    """The entity type a user named (``time-entry``, ``Time entry`` and ``time_entry`` alike)."""
    from syncengine.app.types import ENTITY_TYPES

    key = "_".join(text.strip().lower().replace("-", " ").split())
    found = ENTITY_TYPES.get(key) or next(
        (t for t in ENTITY_TYPES.values() if t.plural == key), None
    )
    if found is None:
        raise Refusal(f"no record type {text!r}; types: {', '.join(ENTITY_TYPES)}")
    return found


def field_values(etype: EntityType, pairs: list[str], lines: list[str] | None) -> dict[str, Any]:
    """The fields given as ``field=value`` (and ``--line`` rows) for a record of ``etype``."""
    values: dict[str, Any] = {}
    for pair in pairs:
        key, value = _pair(pair, f"new {etype.key}")
        values[key] = _typed(etype, key, value)
    if lines is not None:
        rows_field = _rows_field(etype)
        values[rows_field.name] = [_line(etype, rows_field, text) for text in lines]
    return values


def _pair(text: str, where: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise Refusal(f"{where}: {text!r} is not field=value; write e.g. name=Acme")
    return key.strip(), value


def _typed(etype: EntityType, key: str, value: str) -> Any:
    """A reference given as digits is an ID; every other value goes to the engine as text."""
    from syncengine.app.fields import Ref

    spec = etype.field(key)
    return int(value) if isinstance(spec, Ref) and value.strip().isdigit() else value


def _rows_field(etype: EntityType) -> Any:
    from syncengine.app.lines import Rows

    found = [f for f in etype.fields if isinstance(f, Rows)]
    if not found:
        raise Refusal(f"a {etype.key} has no lines; leave out --line")
    return found[0]


def _line(etype: EntityType, rows_field: Any, text: str) -> dict[str, Any]:
    from syncengine.app.fields import Ref

    parts = {p.name: p for p in rows_field.parts}
    row: dict[str, Any] = {}
    for piece in text.split(","):
        key, value = _pair(piece, f"new {etype.key}, --line {text!r}")
        spec = parts.get(key)
        is_id = isinstance(spec, Ref) and value.strip().isdigit()
        row[key] = int(value) if is_id else value
    return row
