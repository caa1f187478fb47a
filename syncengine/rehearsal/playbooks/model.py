"""The playbook format as a schema: what a ``scenarios/*.yaml`` file may say, with its types.

Every model forbids keys it does not know and takes values in their own type (no ``"1"`` for
a number), so a typo is an error before anything runs. ``scenarios/README.md`` explains each
key; :mod:`syncengine.rehearsal.playbooks.load` turns a validation error into the file, line
and key.
"""

from __future__ import annotations

import re
import shlex
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from qbschema import schema
from syncengine.app.types import ENTITY_TYPES
from syncengine.clock import UTC, utc
from syncengine.errors import RecordError
from syncengine.store.settings import check

REFERENCE = re.compile(r"\{(?:(psr|candidate):)?([A-Za-z0-9_.-]+)\}")
"""``{key}``: the app record's ID; ``{psr:key}``: the ID of its newest PSR;
``{candidate:key}``: the ID of its newest sync wizard candidate."""


def _listed(value: Any) -> Any:
    """One string where a list of strings is expected stands for a list of one."""
    return [value] if isinstance(value, str) else value


def _object_name(value: str) -> str:
    """A qbXML object QuickBooks can be asked about (one with a ``…QueryRq``)."""
    if f"{value}QueryRq" not in schema().all_requests:
        raise ValueError(
            f"{value!r} is no qbXML object name; e.g. Customer, Vendor, ItemService, Invoice,"
            " Bill, ReceivePayment (the name in CustomerAdd, CustomerQueryRq ...)"
        )
    return value


START = datetime(2025, 1, 6, 9, 0, 0, tzinfo=UTC)
"""When a playbook's own clock starts, unless it says ``start:`` (a Monday, 09:00 UTC)."""

Texts = Annotated[list[str], BeforeValidator(_listed)]


def _instant(value: Any) -> datetime:
    """A time as YAML gives it (a timestamp, a date: its midnight) or as ISO 8601 text."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{value!r} is no time; give one in ISO 8601, e.g. 2025-01-06T09:00:00Z"
        ) from None


Instant = Annotated[datetime, BeforeValidator(_instant), AfterValidator(utc)]
"""An instant, ``2025-01-06T09:00:00Z``; one without its offset is taken as UTC."""
Fields = dict[str, Any]
ObjectName = Annotated[str, AfterValidator(_object_name)]


class Strict(BaseModel):
    """A part of a playbook: unknown keys and values of the wrong type are refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Covers(Strict):
    """What the playbook rehearses, and where the behaviour is documented."""

    behaviour: str
    source: str


class AppRecord(BaseModel):
    """An app record: ``key`` names it in steps, ``type`` is its entity type, ``status`` a
    transaction's status; every other key is one of the type's fields."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    key: str
    type: str
    status: str | None = None

    @model_validator(mode="after")
    def _known_fields(self) -> AppRecord:
        etype = ENTITY_TYPES.get(self.type)
        if etype is None:
            raise ValueError(f"no entity type {self.type!r}; types: {', '.join(ENTITY_TYPES)}")
        unknown = [k for k in self.fields if etype.field(k) is None]
        if unknown:
            known = ", ".join(f.name for f in etype.fields)
            raise ValueError(f"{self.type} has no field {unknown[0]!r}; its fields: {known}")
        return self

    @property
    def fields(self) -> Fields:
        """The record's field values, as written (``{key}`` references still in place)."""
        return dict(self.model_extra or {})


class App(Strict):
    """The app's starting records: ``generate`` seeded ones, then the ``records`` listed."""

    generate: int = Field(default=0, ge=0)
    records: list[AppRecord] = []

    @model_validator(mode="after")
    def _unique_keys(self) -> App:
        keys = [r.key for r in self.records]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"each record needs a key of its own; given twice: {twice}")
        return self


def _settings(values: Any) -> Any:
    """Each setting checked as ``settings set`` would; a value that is not a mapping is left
    for the dict type to refuse."""
    if not isinstance(values, dict):
        return values
    for key, value in values.items():
        try:
            check(key, value)
        except RecordError as exc:
            raise ValueError(str(exc)) from None
    return values


Settings = Annotated[dict[str, Any], BeforeValidator(_settings)]

PLACED_IDS = ("ListID", "TxnID")
"""A starting record that names one of these is placed as it is, with that ID (and its
EditSequence ...), not added through qbXML: a replayed customer's company."""


def placed(fields: Fields) -> bool:
    """Whether a starting QuickBooks record is placed as it is (it names its ListID or TxnID)."""
    return any(name in fields for name in PLACED_IDS)


def _placed_records(company: dict[str, list[Fields]]) -> dict[str, list[Fields]]:
    """Each placed record checked against its ``…Ret`` content model: a field it cannot have,
    or a value of the wrong form, is refused naming the record and the field."""
    from qbschema.model import SchemaDataError
    from qbsim.model.retdata import ret_node
    from qbsim.testing import with_refs

    for kind, rows in company.items():
        for number, fields in enumerate(rows, 1):
            if not placed(fields):
                continue
            try:
                schema().build(f"{kind}Ret", ret_node(kind), with_refs(dict(fields)))
            except SchemaDataError as exc:
                raise ValueError(f"{kind}#{number} ({_record_id(fields)}): {exc}") from None
            except KeyError:
                raise ValueError(f"{kind}#{number}: qbsim cannot place {kind} records") from None
    return company


def _record_id(fields: Fields) -> str:
    return next(f"{name} {fields[name]}" for name in PLACED_IDS if name in fields)


Company = Annotated[dict[ObjectName, list[Fields]], AfterValidator(_placed_records)]
"""QuickBooks records by qbXML object name: ``{Customer: [{Name: Acme}]}``; one naming its
``ListID`` or ``TxnID`` is placed as it is."""

PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
RESERVED_FILES = frozenset({"faults.yaml", "workspace.db"})


def _file_names(files: dict[str, str]) -> dict[str, str]:
    """Plain file names only (no folder, no leading dot), none the run keeps for itself."""
    for name in files:
        if (
            not PLAIN_NAME.fullmatch(name)
            or name in RESERVED_FILES
            or name.startswith("workspace.db")
        ):
            raise ValueError(
                f"file name {name!r} is refused: give a plain name (letters, digits, '.', '_',"
                " '-'; no folder, not starting with a dot), not faults.yaml or workspace.db*"
            )
    return files


Files = Annotated[dict[str, str], AfterValidator(_file_names)]
"""Files written into the playbook's folder before the steps, by name: their text."""


class AppEdit(Strict):
    """An edit in the app: add a record, change fields of one (``record``: its key), delete
    one, or set a transaction's status. Exactly one."""

    add: AppRecord | None = None
    edit: Fields | None = None
    delete: str | None = None

    @model_validator(mode="after")
    def _one(self) -> AppEdit:
        _exactly_one(self, ("add", "edit", "delete"))
        if self.edit is not None and "record" not in self.edit:
            raise ValueError("edit needs `record: KEY` naming the app record to change")
        return self


class QuickBooksRecord(Strict):
    """One QuickBooks record: its qbXML object name, and its full name (a list record) or
    reference number (a transaction)."""

    kind: ObjectName
    name: str


class QuickBooksChange(QuickBooksRecord):
    """A record changed in QuickBooks: ``set`` holds the qbXML fields and their new values."""

    set: Fields


class QuickBooksEdit(Strict):
    """What a person does in QuickBooks: add records (``{Customer: {Name: Acme}}``), change
    one (``set`` its fields), delete one. Exactly one."""

    add: dict[ObjectName, Fields] | None = None
    edit: QuickBooksChange | None = None
    delete: QuickBooksRecord | None = None

    @model_validator(mode="after")
    def _one(self) -> QuickBooksEdit:
        _exactly_one(self, ("add", "edit", "delete"))
        return self


class Text(Strict):
    """What a message must say: every ``contains`` text, no ``not_contains`` text, and a
    match for the regular expression ``matches``."""

    contains: Texts = []
    not_contains: Texts = []
    matches: str | None = None


class PsrExpect(Strict):
    """The record's newest PSR (``state``, ``action``, ``error_code``), and whether it has
    one still open (queued, locked or failed)."""

    state: str | None = None
    action: str | None = None
    error_code: int | None = None
    open: bool | None = None


class JobsExpect(Strict):
    """Sync jobs: how many, whether one is unfinished, the newest one's outcome and its
    errors counted by status code (``transport`` or ``not sent`` for errors without one)."""

    count: int | None = None
    unfinished: bool | None = None
    outcome: str | None = None
    errors: dict[int | str, int] | None = None


class RecordExpect(Strict):
    """An app record: status, name, deleted, prevent-sync and other flags, linked to a
    QuickBooks record (``synced``), field values."""

    status: str | None = None
    name: str | None = None
    deleted: bool | None = None
    flags: list[str] | None = None
    synced: bool | None = None
    fields: Fields = {}


class QuickBooksExpect(Strict):
    """QuickBooks, read by qbXML queries: records of ``kind`` (named by ``name``, or all of
    them): whether it ``exists``, is ``deleted``, how many there are, field values."""

    kind: ObjectName
    name: str | None = None
    exists: bool | None = None
    deleted: bool | None = None
    count: int | None = None
    fields: Fields = {}


class WizardExpect(Strict):
    """The sync wizard: on or off, the badge per direction, which records wait for a decision
    and which were left unchecked and kept (offered again after the next sync)."""

    enabled: bool | None = None
    badge: dict[str, int] | None = None
    waiting: list[str] | None = None
    kept: list[str] | None = None


class LogExpect(Strict):
    """Sync log lines about a record (with the direction, outcome and action given):
    at least one, or exactly ``count``."""

    record: str
    direction: str | None = None
    outcome: str | None = None
    action: str | None = None
    count: int | None = None


class Expect(Strict):
    """What must hold after a step. Every key is optional; see ``scenarios/README.md``."""

    exit: int | None = None
    stdout: Text | None = None
    stderr: Text | None = None
    queue: dict[str, PsrExpect] = {}
    queue_counts: dict[str, int] = {}
    jobs: JobsExpect | None = None
    app: dict[str, RecordExpect] = {}
    quickbooks: list[QuickBooksExpect] = []
    quickbooks_unchanged_since: int | None = Field(default=None, ge=0)
    wizard: WizardExpect | None = None
    log: list[LogExpect] = []


class Sync(Strict):
    """A sync job in simulated time against the workspace's company, with the fault plan."""

    batch_size: int = Field(default=50, ge=1)
    import_changes: bool = True


class Step(Strict):
    """One thing done, then what must hold. Exactly one of ``run`` (a ``qbsync`` command
    line), ``app``, ``settings``, ``quickbooks``, ``sync``."""

    title: str
    run: str | None = None
    app: AppEdit | None = None
    settings: Settings | None = None
    quickbooks: QuickBooksEdit | None = None
    sync: Sync | None = None
    expect: Expect = Expect()

    @model_validator(mode="after")
    def _one(self) -> Step:
        _exactly_one(self, ACTIONS)
        if self.run is not None:
            try:
                shlex.split(self.run)
            except ValueError as exc:
                raise ValueError(f"run: {exc} in {self.run!r}") from None
        return self

    @property
    def action(self) -> str:
        """Which kind of step this is: ``run``, ``app``, ``settings``, ``quickbooks``, ``sync``."""
        return next(name for name in ACTIONS if getattr(self, name) is not None)


ACTIONS = ("run", "app", "settings", "quickbooks", "sync")


class Playbook(Strict):
    """A playbook file (see the module docstring and ``scenarios/README.md``)."""

    name: str
    title: str
    covers: Covers
    seed: int = 1
    start: Instant = START
    known_failure: str | None = None
    empty_company: bool = False
    quickbooks: Company = {}
    files: Files = {}
    app: App = App()
    settings: Settings = {}
    faults: str | dict[str, Any] | None = None
    steps: list[Step] = Field(min_length=1)


def _exactly_one(model: BaseModel, names: tuple[str, ...]) -> None:
    given = [n for n in names if getattr(model, n) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {', '.join(names)}; given: {given or 'none'}")
