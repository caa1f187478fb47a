"""A company kept on disk as durably as QuickBooks keeps its file.

The company file (``qbsim.persist``'s JSON, the *snapshot*) has a *journal* beside it
(``<file>.journal``): one JSON line a message set that changed the company, holding what it
changed — every record added, changed or removed (whole), the names index and stored
message sets it touched, new deleted-history entries and the ID and number counters. A line
is written (and fsynced, by default) before ``Company.process`` returns the answer, so a
crash never loses a change QuickBooks answered, and never re-issues a ListID/TxnID: the
counters travel with the change.

``Company.load`` reads the snapshot, then replays the journal lines numbered after the
snapshot's ``journal_seq``; a last line cut short by a crash was never answered and is
ignored, any other damage is a ``PersistError``. ``Company.save`` writes the snapshot to a
temporary file, fsyncs it, renames it into place and empties the journal.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qbsim.model.base import FIRST_ID, CompanyState, Deleted, Record, TrackedDict

if TYPE_CHECKING:
    from qbsim.company import Company

SUFFIX = ".journal"
FOLD_AT = 1 << 20
"""Bytes of journal a company file may carry however small it is; past that and past the
file's own size, the journal is folded into the file (``Company.process``)."""
# CompanyState fields a journal line carries when they changed (counters and names).
_COUNTERS = (
    *("company_name", "file_name", "next_id", "next_ref_number", "next_txn_number"),
    "next_data_ext_id",
)
# CompanyState dicts a journal line carries the touched keys of (data extensions).
_TRACKED = ("data_ext_defs", "data_ext_values")


class JournalError(OSError):
    """The journal could not be written: the change is not on disk, so it was not answered."""


def journal_path(company_file: str | Path) -> Path:
    """Where the journal of the company file ``company_file`` lives (beside it)."""
    return Path(str(company_file) + SUFFIX)


# -- values ---------------------------------------------------------------------------------
def tag(value: Any) -> Any:
    """JSON for the model's non-JSON values: Decimals, datetimes and dates tagged (the tags of
    the company file and the journal alike); TypeError for anything else."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"the journal cannot write a {type(value).__name__} ({value!r})")


def untag(data: dict[str, Any]) -> Any:
    """The inverse of ``tag``, as a ``json.loads`` object hook: ``data`` itself when it is
    not a tagged value."""
    if len(data) == 1:
        [(tag, text)] = data.items()
        if tag == "$decimal":
            return Decimal(text)
        if tag == "$datetime":
            return datetime.fromisoformat(text)
        if tag == "$date":
            return date.fromisoformat(text)
    return data


def encode_line(entry: dict[str, Any]) -> bytes:
    """One journal line (compact JSON, UTF-8, newline-terminated)."""
    text = json.dumps(entry, default=tag, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


# -- writing --------------------------------------------------------------------------------
class Journal:
    """The open journal of a company kept at ``path``: ``commit`` writes what the last
    message set changed. ``fsync=False`` trusts the operating system's cache: a killed
    process loses nothing, a power cut may (for benchmarks; the default is durable)."""

    def __init__(self, company: Company, path: str | Path, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.fd = os.open(journal_path(path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.size = os.fstat(self.fd).st_size
        self.snapshot_size = self.path.stat().st_size
        self.failed: OSError | None = None
        self._seen = _Seen(company)
        _track(company)

    def commit(self, company: Company) -> None:
        """Write what changed since the last commit (nothing when nothing did)."""
        if self.failed is not None:
            raise JournalError(f"the simulated company {self.path} was not saved: {self.failed}")
        entry = self._seen.changes(company)
        if entry is None:
            return
        company.journal_seq += 1
        entry["seq"] = company.journal_seq
        self._write(encode_line(entry))

    def _write(self, line: bytes) -> None:
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(self.fd, view) :]
            if self.fsync:
                os.fsync(self.fd)
        except OSError as exc:
            self.failed = exc
            raise JournalError(
                f"the simulated company {self.path} could not record a change ({exc});"
                " free space or fix the folder's permissions, then reopen it"
            ) from exc
        self.size += len(line)

    def emptied(self, company: Company) -> None:
        """The snapshot now holds everything: empty the journal."""
        os.ftruncate(self.fd, 0)
        if self.fsync:
            os.fsync(self.fd)
        self.size = 0
        self.snapshot_size = self.path.stat().st_size
        self._seen = _Seen(company)

    def outgrown(self) -> bool:
        """True when the journal holds more than the company file (and over :data:`FOLD_AT`):
        replaying it at the next open would cost more than writing the file now. Folding at
        that point keeps the journal bounded and the writing of files, summed over a long
        run, within twice the last file's size."""
        return self.size > max(self.snapshot_size, FOLD_AT)

    def close(self) -> None:
        """Close the file (every commit is on disk already)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _track(company: Company) -> None:
    """Start noting what changes (records, names, stored message sets)."""
    state = company.state
    state.changes = {}
    state.history_rewritten = False
    if not isinstance(state.names, TrackedDict):
        state.names = TrackedDict(state.names)
    state.names.touched = set()
    if not isinstance(company.message_sets, TrackedDict):
        company.message_sets = TrackedDict(company.message_sets)
    company.message_sets.touched = set()
    for name in _TRACKED:
        tracked = getattr(state, name)
        if not isinstance(tracked, TrackedDict):
            tracked = TrackedDict(tracked)
            setattr(state, name, tracked)
        tracked.touched = set()


class _Seen:
    """What the journal holds already of the parts written only when they change."""

    def __init__(self, company: Company) -> None:
        self.deleted = len(company.state.deleted)
        self.counters = _counters(company.state)
        self.rng = company.rng.getstate()

    def changes(self, company: Company) -> dict[str, Any] | None:
        """A journal entry of what changed, or None when nothing did."""
        state = company.state
        entry: dict[str, Any] = {}
        _take_records(state, entry)
        _take_names(state, entry)
        _take_sets(company, entry)
        _take_tracked(state, entry)
        self._take_deleted(state, entry)
        counters = _counters(state)
        if counters != self.counters:
            entry["counters"] = self.counters = counters
        if not entry:
            return None  # a query: no data changed (an iterator's ID draw is not data)
        rng = company.rng.getstate()
        if rng != self.rng:
            entry["rng"] = self.rng = rng
        return entry

    def _take_deleted(self, state: CompanyState, entry: dict[str, Any]) -> None:
        if state.history_rewritten:
            entry["deleted"] = [0, [vars(d) for d in state.deleted]]
            state.history_rewritten = False
        elif len(state.deleted) > self.deleted:
            entry["deleted"] = [self.deleted, [vars(d) for d in state.deleted[self.deleted :]]]
        self.deleted = len(state.deleted)


def _counters(state: CompanyState) -> dict[str, Any]:
    values = {name: getattr(state, name) for name in _COUNTERS}
    values["next_ref_number"] = dict(values["next_ref_number"])
    return values


def _take_records(state: CompanyState, entry: dict[str, Any]) -> None:
    changes = state.changes
    if not changes:
        return
    state.changes = {}
    rows: list[list[Any]] = []
    for kind, record_id in changes:
        record = state.find(kind, record_id)
        if record is None:
            rows.append([kind, record_id])
        else:
            rows.append([kind, record_id, record.ret, record.created, record.modified,
                         record.sequence])  # fmt: skip
    entry["records"] = rows


def _take_names(state: CompanyState, entry: dict[str, Any]) -> None:
    names = state.names
    assert isinstance(names, TrackedDict)
    rows = []
    for key in names.take_touched():
        record = names.get(key)
        rows.append([*key, record.kind, record.id] if record is not None else list(key))
    if rows:
        entry["names"] = rows


def _take_sets(company: Company, entry: dict[str, Any]) -> None:
    sets = company.message_sets
    assert isinstance(sets, TrackedDict)
    found: dict[str, Any] = {}
    for set_id in sets.take_touched():
        stored = sets.get(set_id)
        found[set_id] = (
            None
            if stored is None
            else {"checksum": stored.checksum, "responses": [r.decode() for r in stored.responses]}
        )
    if found:
        entry["sets"] = found


def _take_tracked(state: CompanyState, entry: dict[str, Any]) -> None:
    """The touched keys of each tracked dict with their values (None: removed)."""
    for name in _TRACKED:
        tracked = getattr(state, name)
        touched = tracked.take_touched() if isinstance(tracked, TrackedDict) else []
        if touched:
            entry[name] = {key: tracked.get(key) for key in touched}


# -- replaying ------------------------------------------------------------------------------
def replay(company: Company, company_file: str | Path) -> int:
    """Apply the journal beside ``company_file`` after the snapshot ``company`` was read from
    (lines numbered after its ``journal_seq``); how many it applied. ``PersistError`` when
    the journal is damaged."""
    path = journal_path(company_file)
    if not path.exists():
        return 0
    applied = 0
    lines = path.read_bytes().split(b"\n")
    # The text after the last newline is a line a crash cut short: never answered, dropped.
    for number, line in enumerate(lines[:-1], 1):
        entry = _read(path, number, line)
        if entry["seq"] <= company.journal_seq:
            continue  # already in the snapshot (a crash between its rename and the emptying)
        if entry["seq"] != company.journal_seq + 1:
            raise _damaged(path, number, f"change {entry['seq']} follows {company.journal_seq}")
        apply(company, entry)
        company.journal_seq = entry["seq"]
        applied += 1
    if applied:
        company.state.reindex()
        never_reissue(company.state)
    return applied


def _read(path: Path, number: int, line: bytes) -> dict[str, Any]:
    try:
        entry = json.loads(line, object_hook=untag)
    except ValueError as exc:
        raise _damaged(path, number, str(exc)) from None
    if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
        raise _damaged(path, number, "not a journal entry")
    return entry


def _damaged(path: Path, number: int, why: str) -> ValueError:
    from qbsim.persist import PersistError

    return PersistError(
        f"{path}: line {number} is damaged ({why}); restore the company file and its journal"
        " from a copy, or move both away to start a new company (the workspace's links then"
        " point at records it does not hold)"
    )


def apply(company: Company, entry: dict[str, Any]) -> None:
    """Apply one journal entry to ``company`` (records updated in place, so the names index
    keeps pointing at them)."""
    state = company.state
    for row in entry.get("records", ()):
        _apply_record(state, row)
    for row in entry.get("names", ()):
        if len(row) == 4:
            state.names[(row[0], row[1])] = state.records[row[2]][row[3]]
        else:
            state.names.pop((row[0], row[1]), None)
    if "deleted" in entry:
        start, rows = entry["deleted"]
        state.deleted[start:] = [Deleted(**row) for row in rows]
    for name, value in entry.get("counters", {}).items():
        setattr(state, name, value)
    _apply_sets(company, entry.get("sets", {}))
    for name in _TRACKED:
        tracked = getattr(state, name)
        for key, value in entry.get(name, {}).items():
            if value is None:
                tracked.pop(key, None)
            else:
                tracked[key] = value
    if "rng" in entry:
        version, internal, gauss = entry["rng"]
        company.rng.setstate((version, tuple(internal), gauss))


def _apply_record(state: CompanyState, row: list[Any]) -> None:
    kind, record_id = row[0], row[1]
    if len(row) == 2:
        state.records.get(kind, {}).pop(record_id, None)
        return
    ret, created, modified, sequence = row[2:]
    record = state.find(kind, record_id)
    if record is None:
        state.table(kind)[record_id] = Record(kind, record_id, ret, created, modified, sequence)
        return
    record.ret, record.created, record.modified, record.sequence = ret, created, modified, sequence


def _apply_sets(company: Company, sets: dict[str, Any]) -> None:
    from qbsim.wire import StoredSet

    for set_id, stored in sets.items():
        if stored is None:
            company.message_sets.pop(set_id, None)
        else:
            responses = [r.encode() for r in stored["responses"]]
            company.message_sets[set_id] = StoredSet(stored["checksum"], responses)


def never_reissue(state: CompanyState) -> None:
    """Move the ID counter past every ID the company holds or has deleted, whatever the
    counters say (a belt to the journal's braces)."""
    highest = FIRST_ID - 1
    for table in state.records.values():
        for record_id in table:
            highest = max(highest, _counter(record_id))
    for entry in state.deleted:
        highest = max(highest, _counter(entry.id))
    state.next_id = max(state.next_id, highest + 1)


def _counter(record_id: str) -> int:
    head = record_id.partition("-")[0]
    try:
        return int(head, 16)
    except ValueError:
        return FIRST_ID - 1
