"""Save a company to JSON and load it back, exactly.

The file is versioned (``"format": "qbsim-company"``, ``"version": 1``) and holds every record
with its ID, times and EditSequence, the name index, the deleted-objects history, the ID and
reference-number counters, the seeded random source, the host/company/preferences data and
the stored message sets of error recovery. Loading and saving again gives the same text.

Not saved: iterators (they die with the session, as in QuickBooks), request hooks (code) and
the clock (code): ``load`` takes a clock, or resumes a ticking one a second after the latest
moment the file records.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from qbsim.company import Company
from qbsim.journal import journal_path, replay, tag, untag
from qbsim.model.base import Clock, CompanyState, Deleted, Record, TrackedDict, fixed_clock
from qbsim.model.special import CompanyInfo, HostInfo
from qbsim.wire import StoredSet

FORMAT = "qbsim-company"
VERSION = 1
# CompanyState fields written by dedicated code below; every other field is saved generically,
# so a field added to the state later is kept too. ``last_stamp`` and ``referrers`` are caches,
# never saved.
_STATE_SPECIAL = {
    "clock",
    "tz",
    "records",
    "names",
    "deleted",
    "owned",
    "owner_of",
    "last_stamp",
    "referrers",
    "changes",
    "history_rewritten",
}


class PersistError(ValueError):
    """A file that is not a qbsim company this version can read; the message says why."""


# -- values ---------------------------------------------------------------------------------
def encode(value: Any, where: str = "value") -> Any:
    """Plain JSON data for a value of the model (Decimals, datetimes and dates tagged)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (Decimal, date)):  # a datetime is a date too
        return tag(value)
    if isinstance(value, (list, tuple)):
        return [encode(item, where) for item in value]
    if isinstance(value, dict):
        return {str(k): encode(v, f"{where}.{k}") for k, v in value.items()}
    raise PersistError(f"{where}: cannot save a {type(value).__name__} ({value!r})")


def decode(data: Any) -> Any:
    """The inverse of ``encode``."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    value = untag(data)
    if value is not data:
        return value
    return {k: decode(v) for k, v in data.items()}


def _dataclass(value: Any) -> dict[str, Any]:
    name = type(value).__name__
    return {f.name: encode(getattr(value, f.name), name) for f in dataclasses.fields(value)}


# -- save -----------------------------------------------------------------------------------
def to_data(company: Company) -> dict[str, Any]:
    """The whole company as JSON-ready data."""
    state = company.state
    return {
        "format": FORMAT,
        "version": VERSION,
        "resume_after": encode(latest_moment(state)),
        "journal_seq": company.journal_seq,
        "state": _state_data(state),
        "company": {
            "rng": encode(company.rng.getstate()),
            "host": _dataclass(company.host),
            "info": _dataclass(company.info),
            "preferences": encode(company.preferences),
            "message_sets": {
                set_id: {
                    "checksum": stored.checksum,
                    "responses": [r.decode() for r in stored.responses],
                }
                for set_id, stored in company.message_sets.items()
            },
        },
    }


def _state_data(state: CompanyState) -> dict[str, Any]:
    fields = {
        f.name: encode(getattr(state, f.name), f"state.{f.name}")
        for f in dataclasses.fields(state)
        if f.name not in _STATE_SPECIAL
    }
    return {
        **fields,
        "tz_seconds": int(state.tz.utcoffset(None).total_seconds()),
        "records": {
            kind: [_dataclass(record) for record in table.values()]
            for kind, table in state.records.items()
        },
        "names": [
            [space, folded, rec.kind, rec.id] for (space, folded), rec in state.names.items()
        ],
        "deleted": [_dataclass(entry) for entry in state.deleted],
    }


def latest_moment(state: CompanyState) -> datetime | None:
    """The latest time the company records (a change or a deletion), or None when empty."""
    moments = [r.modified for table in state.records.values() for r in table.values()]
    moments += [r.created for table in state.records.values() for r in table.values()]
    moments += [entry.deleted for entry in state.deleted]
    return max(moments, default=None)


def dumps(company: Company) -> str:
    """The company as JSON text (stable: the same company gives the same text), one record,
    name or stored message set a line, so two files compare line by line."""
    return "".join(_layout(to_data(company), LAYOUT_DEPTH, "")) + "\n"


LAYOUT_DEPTH = 4
"""Levels of the company's JSON laid out a member a line (the file, ``state``/``company``,
``records``, a kind's records), each list an item a line; below them each value is one
compact line, written by ``json``'s C encoder (indenting every level took 4 times as long:
0.65 s against 0.15 s for 10,000 records)."""


def _layout(value: Any, depth: int, indent: str) -> Iterator[str]:
    """``value`` as JSON: objects ``depth`` levels deep a member a line, a list an item a
    line; the rest compact."""
    if depth == 0 or not isinstance(value, dict | list) or not value:
        yield _compact(value)
        return
    inner = indent + " "
    if isinstance(value, list):
        yield "[" + ",".join("\n" + inner + _compact(item) for item in value)
        yield "\n" + indent + "]"
        return
    yield "{"
    for number, (key, item) in enumerate(value.items()):
        yield ("," if number else "") + "\n" + inner + json.dumps(key, ensure_ascii=False) + ": "
        yield from _layout(item, depth - 1, inner)
    yield "\n" + indent + "}"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def save(company: Company, path: str | Path) -> None:
    """Write ``dumps(company)`` to ``path`` (UTF-8) atomically: a temporary file beside it,
    fsynced, renamed into place; then the journal beside ``path`` is emptied (the file holds
    what it held). A crash leaves the old file or the new one, never a part."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as out:
        out.write(dumps(company).encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    _sync_folder(path.parent)
    journal = journal_path(path)
    if journal.exists() and (company.journal is None or company.journal.path != path):
        with open(journal, "r+b") as held:
            held.truncate(0)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


# -- load -----------------------------------------------------------------------------------
def loads(text: str, *, clock: Clock | None = None) -> Company:
    """A company from ``dumps`` text; see ``load``."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise PersistError(f"not a qbsim company file (format {data.get('format')!r})")
    if data.get("version") != VERSION:
        raise PersistError(
            f"qbsim company file version {data.get('version')!r}; this qbsim reads {VERSION}"
        )
    return _company(data, clock)


def load(path: str | Path, *, clock: Clock | None = None) -> Company:
    """Read a saved company and replay its journal (``qbsim.journal``). Without ``clock`` its
    time goes on one second after the latest moment it records (or from qbsim's default
    start when it is empty)."""
    company = loads(Path(path).read_text(encoding="utf-8"), clock=clock)
    if replay(company, path) and clock is None:
        resume = latest_moment(company.state)
        if resume is not None:
            company.state.clock = fixed_clock(resume + timedelta(seconds=1))
    return company


def _company(data: dict[str, Any], clock: Clock | None) -> Company:
    if clock is None:
        resume = decode(data["resume_after"])
        clock = fixed_clock(resume + timedelta(seconds=1)) if resume else fixed_clock()
    stored = data["state"]
    tz = timezone(timedelta(seconds=stored["tz_seconds"]))
    company = Company(clock=clock, tz=tz)
    company.state = _state(stored, clock, tz)
    extra = data["company"]
    version, internal, gauss = decode(extra["rng"])
    company.rng.setstate((version, tuple(internal), gauss))
    company.host = HostInfo(**_with_tuples(decode(extra["host"])))
    company.info = CompanyInfo(**decode(extra["info"]))
    company.preferences = decode(extra["preferences"])
    company.message_sets = TrackedDict(
        (set_id, StoredSet(entry["checksum"], [r.encode() for r in entry["responses"]]))
        for set_id, entry in extra["message_sets"].items()
    )
    company.journal_seq = data.get("journal_seq", 0)
    return company


def _with_tuples(host: dict[str, Any]) -> dict[str, Any]:
    host["supported_versions"] = tuple(host["supported_versions"])
    return host


def _state(stored: dict[str, Any], clock: Clock, tz: timezone) -> CompanyState:
    known = {f.name for f in dataclasses.fields(CompanyState)} - _STATE_SPECIAL
    simple = {name: decode(stored[name]) for name in known if name in stored}
    state = CompanyState(clock, tz, **simple)
    state.data_ext_defs = TrackedDict(state.data_ext_defs)
    state.data_ext_values = TrackedDict(state.data_ext_values)
    for kind, rows in stored["records"].items():
        table = state.table(kind)
        for row in rows:
            record = Record(**decode(row))
            table[record.id] = record
    for space, folded, kind, record_id in stored["names"]:
        state.names[(space, folded)] = state.records[kind][record_id]
    state.deleted = [Deleted(**decode(row)) for row in stored["deleted"]]
    state.reindex()
    return state
