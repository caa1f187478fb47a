"""The company file's state: records, IDs, EditSequences, names, the deleted history, time.

Records are kept in the shape QuickBooks returns them (``CustomerRet`` data as a plain dict of
qbXML field names), so an answer shows the stored data as it is (read-only, see
``qbsim.errors.Outcome``; ``Record.snapshot`` makes a copy to keep). Nothing here knows XML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

Clock = Callable[[], datetime]
_K = TypeVar("_K")
_V = TypeVar("_V")

FIRST_ID = 0x80000001
DEFAULT_TZ = timezone(timedelta(hours=-5))
DEFAULT_START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=DEFAULT_TZ)


def fixed_clock(start: datetime = DEFAULT_START, step: timedelta = timedelta(seconds=1)) -> Clock:
    """A deterministic clock that advances ``step`` on every reading (for untimed use)."""
    state = {"now": start - step}

    def read() -> datetime:
        state["now"] += step
        return state["now"]

    return read


def wall_clock(tz: timezone = DEFAULT_TZ) -> Clock:
    """Real time in the company's time zone."""
    return lambda: datetime.now(tz)


def qb_datetime(moment: datetime) -> str:
    """QuickBooks' DATETIMETYPE text: local time with its offset, to the second."""
    return moment.isoformat(timespec="seconds")


_CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """AMTTYPE text: two decimals."""
    return f"{value.quantize(_CENT):f}"


def to_decimal(text: Any, default: str = "0") -> Decimal:
    """A stored amount as a Decimal; ``default`` when there is none (None or empty)."""
    if text.__class__ is str and text:
        return Decimal(text)
    if text in (None, ""):
        return Decimal(default)
    return Decimal(str(text))


def parse_qb_date(text: str) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)


@lru_cache(maxsize=256)  # a query's filter bounds, met again for every record it weighs
def parse_moment(text: str, tz: timezone, end_of_day: bool) -> datetime:
    """A DATETIMETYPE or DATETYPE filter value as an aware datetime (QuickBooks' rules).

    A date alone means the start of that local day (or its end, for a To bound); a datetime
    without an offset is the company's local time; an offset is honoured.
    """
    if "T" not in text:
        day = parse_qb_date(text)
        moment = datetime.combine(day, time.max if end_of_day else time.min)
        return moment.replace(tzinfo=tz)
    day_part, clock_part = text.split("T", 1)
    offset = None
    for sign in ("+", "-"):
        if sign in clock_part:
            clock_part, off = clock_part.split(sign, 1)
            hours, minutes = (int(p) for p in off.split(":"))
            delta = timedelta(hours=hours, minutes=minutes)
            offset = timezone(delta if sign == "+" else -delta)
    pieces = [int(p) for p in clock_part.split(":")] + [0, 0]
    moment = datetime.combine(parse_qb_date(day_part), time(pieces[0], pieces[1], pieces[2]))
    return moment.replace(tzinfo=offset or tz)


def in_range(moment: datetime, bounds: dict, word: str, tz: timezone) -> bool:
    """Whether ``moment`` lies within ``From{word}``/``To{word}`` of ``bounds`` (inclusive)."""
    low, high = bounds.get(f"From{word}"), bounds.get(f"To{word}")
    if low and moment < parse_moment(low, tz, end_of_day=False):
        return False
    return not (high and moment > parse_moment(high, tz, end_of_day=True))


def plain_copy(value: Any) -> Any:
    """Copy nested dicts and lists of immutable leaves (what Ret data is), fast."""
    if isinstance(value, dict):
        return {key: plain_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_copy(item) for item in value]
    return value


OWNER_REFS = ("CustomerRef", "VendorRef", "EntityRef", "PayeeEntityRef")
_NO_RECORDS: dict[str, Record] = {}  # the table of a kind with none yet (never written to)


def owner(ret: dict[str, Any]) -> str | None:
    """The ListID of the customer, vendor or entity a transaction belongs to, if any."""
    for name in OWNER_REFS:
        ref = ret.get(name)
        if ref:
            return ref.get("ListID")
    return None


class TrackedDict(dict[_K, _V]):
    """A dict that remembers which keys were set or removed since ``take_touched`` (the names
    index, error recovery's stored message sets), once ``touched`` is a set."""

    touched: set[_K] | None = None

    def __setitem__(self, key: _K, value: _V) -> None:
        if self.touched is not None:
            self.touched.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: _K) -> None:
        if self.touched is not None:
            self.touched.add(key)
        super().__delitem__(key)

    def pop(self, key: _K, *default: Any) -> Any:
        if self.touched is not None and key in self:
            self.touched.add(key)
        return super().pop(key, *default)

    def clear(self) -> None:
        if self.touched is not None:
            self.touched.update(self)
        super().clear()

    def take_touched(self) -> list[_K]:
        """The keys touched since the last call, in a stable order; tracking goes on."""
        touched, self.touched = self.touched or set(), set()
        return sorted(touched, key=repr)


class Stamp(NamedTuple):
    """A moment as records are stamped with it: itself, epoch seconds, DATETIMETYPE text."""

    moment: datetime
    seconds: int
    text: str


@dataclass(slots=True)
class Record:
    """One list element or transaction as QuickBooks holds it (slots: a company holds many)."""

    kind: str
    id: str
    ret: dict[str, Any]
    created: datetime
    modified: datetime
    sequence: int

    def snapshot(self) -> dict[str, Any]:
        """A copy of the Ret data that later changes to the record do not reach."""
        return plain_copy(self.ret)


@dataclass
class Deleted:
    """One entry of the deleted-objects history (ListDeletedQuery / TxnDeletedQuery)."""

    del_type: str
    id: str
    created: datetime
    deleted: datetime
    name: str  # FullName for lists, RefNumber for transactions ("" when none)
    is_list: bool


@dataclass
class CompanyState:
    """All data of one company file; the model's operations read and change it."""

    clock: Clock
    tz: timezone = DEFAULT_TZ
    company_name: str = "Rehearsal Company"
    file_name: str = "rehearsal.qbw"
    next_id: int = FIRST_ID
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    names: TrackedDict[tuple[str, str], Record] = field(default_factory=lambda: TrackedDict())
    deleted: list[Deleted] = field(default_factory=list)
    next_ref_number: dict[str, int] = field(default_factory=dict)
    next_txn_number: int = 1  # TxnNumber: one sequence for all transactions
    # Data extensions (``qbsim.model.dataext``): definitions by DataExtID, values by object
    # key (ListID, TxnID, TxnID/TxnLineID or "Company") -> {DataExtID: value}.
    data_ext_defs: TrackedDict[str, dict[str, Any]] = field(default_factory=lambda: TrackedDict())
    data_ext_values: TrackedDict[str, dict[str, str]] = field(default_factory=lambda: TrackedDict())
    next_data_ext_id: int = 1
    # Derived index, rebuilt on load: (kind, owner ListID) -> ids of the records it owns,
    # so a customer's payments are found without walking every payment in the company.
    owned: dict[tuple[str, str], set[str]] = field(default_factory=dict, repr=False)
    owner_of: dict[str, str] = field(default_factory=dict, repr=False)
    # The last moment stamped, with its epoch seconds and DATETIMETYPE text (see ``stamp``).
    last_stamp: Stamp | None = field(default=None, repr=False, compare=False)
    # Derived index, made at the first rename and never saved: ListID -> (kind, id) of every
    # record that may refer to it. A superset: a reference a Mod drops stays listed.
    referrers: dict[str, set[tuple[str, str]]] | None = field(
        default=None, repr=False, compare=False
    )
    # What changed since the journal last took it (``qbsim.journal``); None when the company
    # is kept in memory only. (kind, id) of every record added, changed or removed, in order.
    changes: dict[tuple[str, str], None] | None = field(default=None, repr=False, compare=False)
    # True when the deleted history was rewritten (not only appended to) since then.
    history_rewritten: bool = field(default=False, repr=False, compare=False)

    # -- identity and time --------------------------------------------------------
    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def stamp(self) -> Stamp:
        """``now()`` with its epoch seconds and its DATETIMETYPE text.

        A simulated host reads one moment for a whole document, so every record it adds or
        changes gets the same stamp: the conversions are made once per moment, not per record.
        """
        moment = self.now()
        last = self.last_stamp
        # Equal moments (same instant, same offset) give equal seconds and text.
        if last is None or last.moment != moment or last.moment.utcoffset() != moment.utcoffset():
            last = self.last_stamp = Stamp(moment, int(moment.timestamp()), qb_datetime(moment))
        return last

    def new_id(self, moment: datetime) -> str:
        """A ListID/TxnID in QuickBooks' form: hex counter, dash, epoch seconds of creation."""
        return self.id_at(int(moment.timestamp()))

    def id_at(self, seconds: int) -> str:
        """``new_id`` for a moment given as epoch seconds (one reading for many IDs)."""
        value = self.next_id
        self.next_id += 1
        return f"{value:X}-{seconds}"

    @staticmethod
    def next_sequence(seconds: int, previous: int = 0) -> int:
        """EditSequence: epoch ``seconds`` of the change, strictly increasing per record."""
        return max(seconds, previous + 1)

    # -- records ------------------------------------------------------------------
    def table(self, kind: str) -> dict[str, Record]:
        return self.records.setdefault(kind, {})

    def find(self, kind: str, record_id: str) -> Record | None:
        return self.records.get(kind, _NO_RECORDS).get(record_id)

    def find_any(self, kinds: tuple[str, ...], record_id: str) -> Record | None:
        records = self.records
        for kind in kinds:
            found = records.get(kind, _NO_RECORDS).get(record_id)
            if found is not None:
                return found
        return None

    def all(self, kinds: tuple[str, ...]) -> Iterator[Record]:
        for kind in kinds:
            yield from self.records.get(kind, {}).values()

    def insert(self, kind: str, ret: dict[str, Any], id_field: str) -> Record:
        """Store a new record, stamping its ID, TimeCreated, TimeModified and EditSequence."""
        moment, seconds, text = self.stamp()
        record_id = self.id_at(seconds)
        sequence = self.next_sequence(seconds)
        stamped = {
            id_field: record_id,
            "TimeCreated": text,
            "TimeModified": text,
            "EditSequence": str(sequence),
        }
        stamped.update(ret)
        record = Record(kind, record_id, stamped, moment, moment, sequence)
        self.table(kind)[record_id] = record
        self._index_owner(record)
        self._index_refs(record)
        if self.changes is not None:
            self.changes[(kind, record_id)] = None
        return record

    def mark(self, record: Record) -> None:
        """Note that ``record`` changed without ``touch`` (a balance, an open amount), so the
        journal writes it with the rest of the message set."""
        if self.changes is not None:
            self.changes[(record.kind, record.id)] = None

    # -- the owner index ----------------------------------------------------------
    def owned_by(self, kind: str, owner_id: str) -> list[Record]:
        """Records of ``kind`` whose customer/vendor/entity reference is ``owner_id``."""
        table = self.records.get(kind, {})
        found = (table.get(record_id) for record_id in self.owned.get((kind, owner_id), ()))
        return [r for r in found if r is not None and owner(r.ret) == owner_id]

    def _index_owner(self, record: Record) -> None:
        old, new = self.owner_of.get(record.id), owner(record.ret)
        if old == new:
            return
        if old is not None:
            self.owned.get((record.kind, old), set()).discard(record.id)
            del self.owner_of[record.id]
        if new is not None:
            self.owned.setdefault((record.kind, new), set()).add(record.id)
            self.owner_of[record.id] = new

    def referring(self, list_ids: Iterable[str]) -> list[Record]:
        """The records that may refer to any of ``list_ids`` through a ``…Ref`` aggregate at
        any depth (the index is made from every record the first time it is asked)."""
        if self.referrers is None:
            self.referrers = {}
            for table in self.records.values():
                for record in table.values():
                    self._index_refs(record)
        keys = set().union(*(self.referrers.get(list_id, ()) for list_id in list_ids))
        found = (self.records.get(kind, {}).get(record_id) for kind, record_id in sorted(keys))
        return [record for record in found if record is not None]

    def _index_refs(self, record: Record) -> None:
        if self.referrers is None:
            return  # nothing renamed yet: the index is made when first needed
        for ref in ref_dicts(record.ret):
            list_id = ref.get("ListID")
            if list_id:
                self.referrers.setdefault(list_id, set()).add((record.kind, record.id))

    def reindex(self) -> None:
        """Rebuild the derived indexes from the records (after loading a saved company)."""
        self.referrers = None
        self.owned.clear()
        self.owner_of.clear()
        for table in self.records.values():
            for record in table.values():
                self._index_owner(record)

    def touch(self, record: Record) -> None:
        """Mark a record modified now: new TimeModified and a newer EditSequence."""
        moment, seconds, text = self.stamp()
        record.modified = moment
        record.sequence = self.next_sequence(seconds, record.sequence)
        record.ret["TimeModified"] = text
        record.ret["EditSequence"] = str(record.sequence)
        self._index_owner(record)
        self._index_refs(record)
        if self.changes is not None:
            self.changes[(record.kind, record.id)] = None

    def remove(self, record: Record, del_type: str, name: str, is_list: bool) -> Deleted:
        del self.table(record.kind)[record.id]
        if record.id in self.owner_of:
            self.owned[(record.kind, self.owner_of.pop(record.id))].discard(record.id)
        entry = Deleted(del_type, record.id, record.created, self.now(), name, is_list)
        self.deleted.append(entry)
        if self.changes is not None:
            self.changes[(record.kind, record.id)] = None
        return entry


def ref_dicts(data: Any) -> Iterator[dict[str, Any]]:
    """Every reference (an aggregate whose tag ends in ``Ref``) within Ret data, at any depth;
    the references' own children are not searched."""
    if isinstance(data, list):
        for item in data:
            yield from ref_dicts(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key.endswith("Ref") and isinstance(value, dict):
                yield value
            elif isinstance(value, (dict, list)):
                yield from ref_dicts(value)


def linked_txn(record: Record, amount: Decimal, link_type: str) -> dict[str, Any]:
    """A LinkedTxn entry pointing at ``record``: ``AMTTYPE`` for a payment or credit applied,
    ``QUANTYPE`` for lines invoiced from a sales order."""
    link = {"TxnID": record.id, "TxnType": record.kind, "TxnDate": record.ret["TxnDate"]}
    if record.ret.get("RefNumber"):
        link["RefNumber"] = record.ret["RefNumber"]
    link.update({"LinkType": link_type, "Amount": money(amount)})
    return link
