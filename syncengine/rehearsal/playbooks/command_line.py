"""An app edit or a settings change of a playbook as the ``qbsync`` command lines a user types
for it (``app add``, ``app edit``, ``app delete``, ``settings set``), without ``--db``.

Field values become ``field=value`` words (a reference already resolved to an ID is digits,
which the command reads as an ID); a transaction's lines become ``--line k=v,...`` options.
What the command line cannot say is refused (:class:`~syncengine.errors.SyncError`) naming
the field and value: a line value holding a comma, an empty list of lines.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from syncengine.errors import SyncError
from syncengine.rehearsal.playbooks import model

Argv = list[str]


def app_add(record: model.AppRecord, fields: Mapping[str, Any]) -> Argv:
    """``app add TYPE field=value ... [status=S] [--line ...]`` for a record and its fields."""
    status = {} if record.status is None else {"status": record.status}
    return ["app", "add", record.type, *words(f"{record.type} {record.key}", {**fields, **status})]


def app_edit(record_id: int, fields: Mapping[str, Any]) -> Argv:
    """``app edit ID field=value ... [--line ...]`` (``status`` is a field here too)."""
    return ["app", "edit", str(record_id), *words(f"record {record_id}", fields)]


def app_delete(record_id: int) -> Argv:
    """``app delete ID``."""
    return ["app", "delete", str(record_id)]


def settings_set(values: Mapping[str, Any]) -> list[Argv]:
    """One ``settings set KEY VALUE`` per setting, in the order given."""
    return [["settings", "set", key, setting_text(value)] for key, value in values.items()]


def shown(argv: Argv) -> str:
    """The command line as a user would type it: ``qbsync app edit 3 'name=Acme Ltd'``."""
    return f"qbsync {shlex.join(argv)}"


def words(where: str, fields: Mapping[str, Any]) -> Argv:
    """``field=value`` words, then a ``--line`` option per line of a field holding lines."""
    pairs = [f"{k}={field_text(v)}" for k, v in fields.items() if not _is_lines(v)]
    lines = [(k, v) for k, v in fields.items() if _is_lines(v)]
    for name, rows in lines:
        if not rows:
            raise SyncError(f"{where}: {name}: [] (no lines) cannot be given on the command line")
        for row in rows:
            pairs += ["--line", _line(where, name, row)]
    return pairs


def _is_lines(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(row, Mapping) for row in value)


def _line(where: str, name: str, row: Mapping[str, Any]) -> str:
    parts = []
    for key, value in row.items():
        text = field_text(value)
        if "," in text:
            raise SyncError(
                f"{where}: {name}: {key}={text!r} holds a comma, which `--line k=v,...` reads"
                " as the next part; leave the comma out"
            )
        parts.append(f"{key}={text}")
    return ",".join(parts)


def field_text(value: Any) -> str:
    """A field value as the ``app`` command reads it (None: blank, which clears the field)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(field_text(v) for v in value)
    return str(value)


def setting_text(value: Any) -> str:
    """A setting's value as ``settings set`` reads it: true/false, a number, a date, a,b."""
    return "none" if value is None else field_text(value)
