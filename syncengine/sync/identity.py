"""Which QuickBooks company file a workspace syncs with, and the refusal to sync into another.

On its first sync a workspace stamps the open company file as the Web Connector stamps a
file with its FileID (QBXML-NOTES.md §20, the QBWC guide's FileID row): a data extension
named ``FileID`` on the Company record, under the engine's own :data:`OWNER_ID`, holding a
GUID the workspace keeps (settings ``company.file_id`` and ``company.name``). Every later sync
reads the stamp back (CompanyQuery with that OwnerID) and refuses (:class:`WrongCompanyFile`)
a file that carries another workspace's stamp or none.

Sans-IO pieces for any transport: :func:`query_request` / :func:`read_company` (or
:func:`company_file` from a CompanyRet already parsed, as the Web Connector's strHCPResponse
gives it), :func:`decide`, :func:`stamp_request` / :func:`read_stamp`, :func:`remember`.
:func:`check` is the whole conversation as a generator (the Web Connector carries it);
:func:`ensure` runs it over a transport. A Web Connector service that writes the .qwc with
``OwnerID`` = :data:`OWNER_ID` and ``FileID`` = the workspace's file id gets the same stamp
from QBWC itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from syncengine.errors import SyncError

if TYPE_CHECKING:
    from syncengine.store import Store
    from syncengine.transports.base import Transport

OWNER_ID = "{3F6C2B1E-8D47-4A95-B0E2-5C1D9A7E4F30}"
"""The engine's OwnerID: its data extensions in a company file are kept under it."""
STAMP_NAME = "FileID"
FILE_ID_KEY, NAME_KEY = "company.file_id", "company.name"
_ALREADY_DEFINED = 3100  # DataExtDefAdd of a name the owner has (qbsim; inferred for QB)


@dataclass(frozen=True)
class CompanyFile:
    """What QuickBooks says of the open company file: its name and our stamp (None: none)."""

    name: str
    file_id: str | None

    def describe(self) -> str:
        stamp = f"stamped {self.file_id}" if self.file_id else "not stamped by qbsync"
        return f'"{self.name}" ({stamp})'


@dataclass(frozen=True)
class Expected:
    """The company file a workspace remembers: its stamp and the name it had then."""

    file_id: str
    name: str

    def describe(self) -> str:
        return f'"{self.name}" (stamped {self.file_id})'


class WrongCompanyFile(SyncError):
    """The open company file is not the one the workspace syncs with (a CLI refusal, exit 2)."""

    def __init__(self, expected: Expected | None, found: CompanyFile) -> None:
        self.expected, self.found = expected, found
        super().__init__(_refusal_text(expected, found))


def _refusal_text(expected: Expected | None, found: CompanyFile) -> str:
    if expected is None:
        return (
            f"wrong company file: QuickBooks has {found.describe()} open, which another qbsync"
            " workspace syncs with; this workspace has never synced. Nothing was changed. Sync"
            " that file from the workspace that stamped it, or open this workspace's own"
            " company file in QuickBooks"
        )
    return (
        f"wrong company file: this workspace syncs with {expected.describe()}, but"
        f" QuickBooks has {found.describe()} open. Nothing was changed. Open"
        f' "{expected.name or expected.file_id}" in QuickBooks and sync again; to sync into'
        f' "{found.name}" instead, use a new workspace for it'
    )


# -- the conversation, sans IO ------------------------------------------------------------
def query_request() -> str:
    """A CompanyQuery asking for the company's name and the engine's data extensions."""
    from syncengine import qbxml

    request = qbxml.Request("CompanyQueryRq", {"OwnerID": [OWNER_ID]})
    return qbxml.MessageSet([request], on_error="continueOnError").to_xml()


def read_company(response_xml: str) -> CompanyFile:
    """The :class:`CompanyFile` of a CompanyQuery answer (QBStatusError when it failed)."""
    from syncengine import qbxml

    answer = qbxml.parse_response(response_xml)[0].raise_for_status()
    return company_file(answer.record or {})


def company_file(company_ret: Mapping[str, Any]) -> CompanyFile:
    """The :class:`CompanyFile` of a parsed ``CompanyRet`` (its CompanyName and DataExtRet)."""
    extensions = company_ret.get("DataExtRet") or []
    if isinstance(extensions, Mapping):
        extensions = [extensions]
    return CompanyFile(str(company_ret.get("CompanyName", "")), _stamp_in(extensions))


def _stamp_in(extensions: list[Mapping[str, Any]]) -> str | None:
    for ext in extensions:
        if str(ext.get("OwnerID", "")).upper() == OWNER_ID and ext.get("DataExtName") == (
            STAMP_NAME
        ):
            return str(ext.get("DataExtValue", "")) or None
    return None


def decide(expected: Expected | None, found: CompanyFile) -> bool:
    """Whether the file must be stamped now (True: a first sync); raises WrongCompanyFile
    when the file is not the workspace's. An unstamped file is stamped only on a workspace's
    first sync (it remembers no file, or only the file id it handed out for a .qwc)."""
    if found.file_id is None:
        if expected is None or not expected.name:
            return True
        raise WrongCompanyFile(expected, found)
    if expected is not None and found.file_id.upper() == expected.file_id.upper():
        return False
    raise WrongCompanyFile(expected, found)


def stamp_request(file_id: str) -> str:
    """DataExtDefAdd (FileID on the Company, under OWNER_ID) and DataExtAdd of ``file_id``."""
    from syncengine import qbxml

    definition: dict[str, Any] = {"OwnerID": OWNER_ID, "DataExtName": STAMP_NAME}
    definition.update(DataExtType="STR255TYPE", AssignToObject=["Company"])
    value = {"OwnerID": OWNER_ID, "DataExtName": STAMP_NAME, "OtherDataExtType": "Company"}
    value["DataExtValue"] = file_id
    requests = [
        qbxml.Request("DataExtDefAddRq", {"DataExtDefAdd": definition}),
        qbxml.Request("DataExtAddRq", {"DataExtAdd": value}),
    ]
    return qbxml.MessageSet(requests, on_error="continueOnError").to_xml()


def read_stamp(response_xml: str) -> None:
    """Check the stamp's answer: a definition that exists already is fine, the value must be
    set (QBStatusError otherwise)."""
    from syncengine import qbxml

    definition, value = qbxml.parse_response(response_xml)
    if definition.is_error and definition.status_code != _ALREADY_DEFINED:
        definition.raise_for_status()
    value.raise_for_status()


def new_file_id() -> str:
    """A fresh GUID in QuickBooks' form (braces, upper case)."""
    return "{" + str(uuid.uuid4()).upper() + "}"


# -- the workspace's memory ------------------------------------------------------------------
def remembered(store: Store) -> Expected | None:
    """The company file the workspace syncs with, or None before its first sync."""
    return remembered_in(store.settings.get_many([FILE_ID_KEY, NAME_KEY]))


def remembered_in(values: Mapping[str, Any]) -> Expected | None:
    """The company file settings ``values`` (:data:`FILE_ID_KEY`, :data:`NAME_KEY`) name."""
    file_id = values[FILE_ID_KEY]
    return Expected(file_id, values[NAME_KEY] or "") if file_id else None


def remember(store: Store, file_id: str, name: str) -> None:
    """Keep the file's stamp and name in the workspace."""
    store.settings.write_raw(FILE_ID_KEY, file_id)
    store.settings.write_raw(NAME_KEY, name)


def file_id_for(store: Store) -> str:
    """The workspace's file id, made and kept now if it has none (for a .qwc's FileID, which
    the Web Connector stamps into the file itself before the first sync)."""
    expected = remembered(store)
    if expected is not None:
        return expected.file_id
    file_id = new_file_id()
    remember(store, file_id, "")
    return file_id


def forget(store: Store) -> None:
    """Forget the company file (a new simulated company replaces it)."""
    store.settings.reset(FILE_ID_KEY)
    store.settings.reset(NAME_KEY)


# -- over a transport ------------------------------------------------------------------------
def check(
    store: Store, file_id: str | None = None, found: CompanyFile | None = None
) -> Generator[str, str, CompanyFile]:
    """The check as a conversation, sans IO: yields the requests it needs (a CompanyQuery
    unless ``found`` already says what is open; the stamp on a first sync, with ``file_id`` or
    a new GUID), takes their answers, returns the open file; raises WrongCompanyFile before
    anything is written."""
    if found is None:
        found = read_company((yield query_request()))
    expected = remembered(store)
    if decide(expected, found):
        stamp = expected.file_id if expected is not None else (file_id or new_file_id())
        if expected is None:  # kept before the file changes: a crash between the two
            remember(store, stamp, "")  # leaves a stamp the workspace knows as its own
        read_stamp((yield stamp_request(stamp)))
        found = CompanyFile(found.name, stamp)
    if expected is None or expected.name != found.name:
        remember(store, str(found.file_id), found.name)
    return found


def ensure(store: Store, transport: Transport, file_id: str | None = None) -> CompanyFile:
    """Check the open company file is the workspace's, stamping it on the first sync (with
    ``file_id``, or a new GUID); raises WrongCompanyFile before anything else is sent."""
    flow = check(store, file_id)
    try:
        request = next(flow)
        while True:
            request = flow.send(transport.send(request))
    except StopIteration as done:
        return done.value


__all__ = [
    "OWNER_ID",
    "CompanyFile",
    "Expected",
    "WrongCompanyFile",
    "check",
    "company_file",
    "decide",
    "ensure",
    "file_id_for",
    "forget",
    "query_request",
    "read_company",
    "read_stamp",
    "remember",
    "remembered",
    "remembered_in",
    "stamp_request",
]
