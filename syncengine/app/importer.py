"""App records from a folder of CSV (or Excel) files, one file per entity type.

``customers.csv``, ``vendors.csv``, ``employees.csv``, ``items.csv``, then the transactions
(``invoices.csv``, ``bills.csv``, ``payments.csv``, ...): each file named by the type's
``plural``, its columns the type's fields (``docs/app-data.md`` lists them). A transaction
with lines takes one row per line: rows with the same ``ref_number`` are one transaction, the
line's fields in ``line_`` columns (a payment's applications in ``applied_`` columns, a sales
form's group lines in ``group_`` columns). A group item's members take one row each, in
``member_`` columns: rows with the same ``name`` are one item.

:func:`import_folder` checks and writes every file in one store transaction: the first bad
value refuses the whole import (:class:`ImportRefused` names file, row, column and reason) and
leaves the workspace as it was. Rows are spreadsheet rows: the header is row 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd

from syncengine.app import App
from syncengine.app.fields import is_blank
from syncengine.app.types import ENTITY_TYPES, EntityType
from syncengine.errors import RecordError, SyncError

SUFFIXES = (".csv", ".xlsx")
PARTS = {"lines": "line_", "applied": "applied_", "groups": "group_", "members": "member_"}
"""The repeating parts of a type and the column prefix of their fields."""

_PATH = re.compile(r"^(lines|applied|groups|members)\[(\d+)\]\.(\w+)")


class ImportRefused(SyncError):
    """Bad input: ``file``, ``row`` (header = 1), ``column`` and what is wrong."""

    def __init__(self, file: str, row: int | None, column: str | None, reason: str) -> None:
        self.file, self.row, self.column, self.reason = file, row, column, reason
        where = file + (f", row {row}" if row else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {reason}; fix it and import again (nothing was imported)")


@dataclass
class _Record:
    """One record read from a file: its fields and the spreadsheet row of each part."""

    row: int
    data: dict[str, Any]
    part_rows: dict[str, list[int]] = field(default_factory=dict)


def files_in(folder: Path) -> list[tuple[EntityType, Path]]:
    """The entity files of ``folder`` in dependency order; refused for any other file."""
    by_name = {t.plural: t for t in ENTITY_TYPES.values()}
    found: list[tuple[EntityType, Path]] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        etype = by_name.get(path.stem) if path.suffix.lower() in SUFFIXES else None
        if etype is None:
            known = ", ".join(f"{p}.csv" for p in by_name)
            raise ImportRefused(path.name, None, None, f"not an app data file; known: {known}")
        if any(seen is etype for seen, _ in found):
            reason = f"a second file of {etype.plural}; keep either the .csv or the .xlsx"
            raise ImportRefused(path.name, None, None, reason)
        found.append((etype, path))
    return sorted(found, key=lambda pair: pair[0].dep_order)


def read_table(path: Path) -> pd.DataFrame:
    """A file's cells as text (blank cells as ""), headers stripped."""
    try:
        if path.suffix.lower() == ".xlsx":
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except ImportError as exc:
        reason = f"cannot read Excel files here ({exc}); pip install openpyxl, or save as CSV"
        raise ImportRefused(path.name, None, None, reason) from None
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ImportRefused(path.name, None, None, f"cannot be read as a table: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _columns(etype: EntityType, frame: pd.DataFrame, name: str) -> None:
    """Refuse a column that is no field of the type (nor ``status`` of a transaction)."""
    known = [f.name for f in etype.fields if f.name not in PARTS]
    known += [] if etype.is_list else ["status"]
    for part, prefix in PARTS.items():
        spec = etype.field(part)
        known += [prefix + p.name for p in getattr(spec, "parts", ())]
    for column in frame.columns:
        if column not in known:
            raise ImportRefused(
                name, None, column, f"not a column of {name}; known: {', '.join(known)}"
            )


def records(etype: EntityType, frame: pd.DataFrame, name: str) -> list[_Record]:
    """The file's rows as records; a transaction's rows with one ``ref_number`` make one."""
    _columns(etype, frame, name)
    parts = [p for p in PARTS if etype.field(p) is not None]
    key = "name" if etype.is_list else "ref_number"
    out: list[_Record] = []
    by_key: dict[str, _Record] = {}
    rows = cast("list[dict[str, Any]]", frame.to_dict("records"))  # stubs: Hashable keys
    for index, row in enumerate(rows, start=2):
        head = {k: v for k, v in row.items() if not _is_part(str(k)) and not is_blank(v)}
        ref = str(head.get(key, "")).strip()
        record = by_key.get(ref) if parts and ref else None
        if record is None:
            record = _Record(index, head)
            out.append(record)
            if ref:
                by_key[ref] = record
        else:
            _same_head(record, head, index, name, key)
        for part in parts:
            _add_part(record, part, row, index)
    return out


def _is_part(column: str) -> bool:
    return column.startswith(tuple(PARTS.values()))


def _same_head(record: _Record, head: dict[str, Any], row: int, name: str, key: str) -> None:
    """A later row of a record repeats its first row's values or leaves them blank."""
    for column, value in head.items():
        if str(record.data.get(column, "")).strip() != str(value).strip():
            first = record.data.get(column)
            reason = f"{value!r} differs from row {record.row}'s {first!r} for the same {key}"
            raise ImportRefused(name, row, column, reason)


def _add_part(record: _Record, part: str, row: dict[str, Any], index: int) -> None:
    prefix = PARTS[part]
    cells = {k[len(prefix) :]: v for k, v in row.items() if str(k).startswith(prefix)}
    if all(is_blank(v) for v in cells.values()):
        return
    record.data.setdefault(part, []).append({k: v for k, v in cells.items() if not is_blank(v)})
    record.part_rows.setdefault(part, []).append(index)


def _where(etype: EntityType, record: _Record, exc: RecordError) -> tuple[int, str]:
    """The spreadsheet row and column a record's error points at."""
    found = _PATH.match(exc.field)
    if found is None:
        return record.row, exc.field
    part, number, name = found.groups()
    rows = record.part_rows.get(part, [])
    row = rows[int(number)] if int(number) < len(rows) else record.row
    return row, PARTS[part] + name


def import_folder(app: App, folder: Path) -> dict[str, int]:
    """Check and add every record of ``folder``'s files, all or nothing; how many of each
    entity type were added."""
    if not folder.is_dir():
        raise ImportRefused(
            str(folder), None, None, "is not a folder; give the folder of CSV files"
        )
    counts: dict[str, int] = {}
    with app.store.write():
        for etype, path in files_in(folder):
            counts[etype.key] = sum(1 for _ in _add(app, etype, path))
    return counts


def _add(app: App, etype: EntityType, path: Path) -> Iterator[int]:
    collection = app.collection(etype.key)
    for record in records(etype, read_table(path), path.name):
        try:
            yield from collection.add_many([record.data])
        except RecordError as exc:
            row, column = _where(etype, record, exc)
            shown = "" if exc.value is None else f"{str(exc.value)[:60]!r} "
            raise ImportRefused(path.name, row, column, f"{shown}{exc.reason}") from None
