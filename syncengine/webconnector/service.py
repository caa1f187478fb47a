"""The Web Connector's eight calls mapped onto the sans-IO sync job.

The Web Connector inverts control: QuickBooks' side calls us. ``authenticate`` checks the user
and hands out a ticket (random, bound to that user's company only, one update run long, and
expiring when idle); the first ``sendRequestXML`` reads QuickBooks' HostQuery/CompanyQuery/
PreferencesQuery answers, agrees the qbXML version with that QuickBooks (COM's ``negotiate``
over HostRet's SupportedQBXMLVersion list: every request of the run, sync or export, is
declared in it; none shared: nothing is sent and getLastError names both sides' versions) and
checks the company file (:mod:`.company`: the workspace's FileID stamp, as
:mod:`syncengine.sync.identity` keeps it); then every ``sendRequestXML`` is
``SyncJob.next_request`` and every ``receiveResponseXML`` is ``SyncJob.receive``, answered with
the percent done (the export's items, then the import's query types; 100 once the job is
finished). A failure QuickBooks reports (``hresult``), an unreadable answer or
``connectionError`` becomes ``SyncJob.failed``: the job stays unfinished
and the next update run resumes it with error recovery; ``getLastError`` then says what went
wrong in the guide's words. Calls on one company are serialised; companies never share a
workspace, a store or a session.

An export user's runs (``export`` in its configuration) are read only: no company-file check
(on a file not stamped yet it would write the FileID stamp), no sync job; every
``sendRequestXML`` is :meth:`CompanyExport.next_request` and every ``receiveResponseXML``
:meth:`CompanyExport.receive`, answered with the export's percent. A failure leaves the folder's
manifest saying the export is incomplete; ``closeConnection`` says where the export went or
that it is incomplete.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from syncengine import __version__
from syncengine.clock import parse_stamp
from syncengine.errors import SyncError, TransportError
from syncengine.mapping import IMPORT_ORDER
from syncengine.qbxml.build import declare
from syncengine.store import Store
from syncengine.sync import SyncJob
from syncengine.sync.company_export import CompanyExport
from syncengine.transports.com import ENGINE_VERSIONS, negotiate
from syncengine.transports.hresults import UnsupportedSetup, transport_error
from syncengine.webconnector.company import check_company
from syncengine.webconnector.config import CompanyConfig, ConfigError, ServerConfig
from syncengine.webconnector.hcp import HostCompany, read_hcp

NOT_VALID_USER = "nvu"
NOTHING_TO_DO = "none"
DONE = "done"
EXPORT_SHARE = 50
"""Of the percent a sync run answers, the part its export fills (the import fills the rest)."""
_QUERIED = re.compile(r"<(\w+)QueryRq\b")
TICKET_IDLE_SECONDS = 600.0
"""A ticket dies after this long without a call (the Web Connector waits at most a few
minutes for an answer, so a live run never gets near it)."""


@dataclass
class Served:
    """One company file the server serves: its configuration and its open workspace, or for
    an export user the folder its runs export to."""

    config: CompanyConfig
    store: Store | None
    export: Path | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def workspace(self) -> Store:
        """The workspace a sync user's runs sync (ConfigError for an export user)."""
        if self.store is None:
            raise ConfigError(f"user {self.config.username} exports to a folder, it syncs none")
        return self.store


@dataclass
class Session:
    """One update run of the Web Connector on one company, known by its ticket."""

    ticket: str
    served: Served
    last_call: float
    flow: Generator[str, str, None] | None = None
    """The run's conversation: the company-file check, then the sync job."""
    job: SyncJob | None = None
    export: CompanyExport | None = None
    pending: str | None = None
    last_error: str = ""
    qbxml_version: str = ""
    """The qbXML version agreed on the run's first call; every request is declared in it."""
    percent: int = 0
    """The highest percent answered so far (it never goes back)."""


class WebConnectorService:
    """The SOAP operations' behaviour (methods named as the operations); ``companies`` by user
    name. ``now`` is a monotonic clock in seconds (tickets expire by it)."""

    def __init__(
        self,
        companies: Mapping[str, Served],
        *,
        now: Callable[[], float] = time.monotonic,
        idle_seconds: float = TICKET_IDLE_SECONDS,
    ) -> None:
        self.companies = dict(companies)
        self._now, self._idle = now, idle_seconds
        self._sessions: dict[str, Session] = {}
        self._guard = threading.Lock()

    # -- calls without a ticket ----------------------------------------------------------
    def serverVersion(self, strVersion: str = "") -> str:
        """Our version, shown in the Web Connector."""
        return f"QB Sync Lab {__version__}"

    def clientVersion(self, strVersion: str = "") -> str:
        """The empty answer: every Web Connector version is accepted."""
        return ""

    def authenticate(self, strUserName: str, strPassword: str) -> list[str]:
        """[ticket, ""] to sync the open company file, ["", "none"] when nothing waits,
        ["", "nvu"] for an unknown user or a wrong password."""
        from syncengine.webconnector.credentials import verify_password

        served = self.companies.get(strUserName)
        stored = served.config.password if served else None
        if not verify_password(strPassword, stored) or served is None:
            return ["", NOT_VALID_USER]
        if served.export is None and not _work_waits(
            served.workspace, served.config.import_every_minutes
        ):
            return ["", NOTHING_TO_DO]
        return [self._open(served), ""]

    # -- calls with a ticket --------------------------------------------------------------
    def sendRequestXML(
        self,
        ticket: str,
        strHCPResponse: str = "",
        strCompanyFileName: str = "",
        qbXMLCountry: str = "",
        qbXMLMajorVers: int = 0,
        qbXMLMinorVers: int = 0,
    ) -> str:
        """The next qbXML request of the job, or "" when it is finished or cannot go on (the
        Web Connector then asks getLastError)."""
        session = self._session(ticket)
        if session is None:
            return ""
        with session.served.lock:
            try:
                return self._next(session, strHCPResponse, (qbXMLMajorVers, qbXMLMinorVers))
            except UnsupportedSetup as exc:
                self._end(session, _guide_message(exc))
                return ""
            except SyncError as exc:
                self._fail(session, str(exc))
                return ""

    def receiveResponseXML(
        self, ticket: str, response: str = "", hresult: str = "", message: str = ""
    ) -> int:
        """Percent done (100: finished); -1 when QuickBooks failed on the request or its answer
        cannot be read: the job stays resumable and getLastError says why."""
        session = self._session(ticket)
        if session is None:
            return -1
        with session.served.lock:
            if session.flow is None:
                return -1
            if hresult:
                self._lost(session, _error_of(hresult, message))
                return -1
            try:
                session.pending = _step(session.flow, response)
            except SyncError as exc:
                self._fail(session, str(exc))
                return -1
            return 100 if session.pending is None else _percent(session)

    def connectionError(self, ticket: str, hresult: str = "", message: str = "") -> str:
        """Always "done" (stop this run): the Web Connector could not reach QuickBooks; the
        job is kept and the next run resumes it."""
        session = self._session(ticket)
        if session is not None:
            with session.served.lock:
                self._lost(session, _error_of(hresult, message))
        return DONE

    def getLastError(self, ticket: str) -> str:
        """What went wrong in this run, as the guide explains it (or why the ticket is not
        one we know)."""
        with self._guard:
            session = self._sessions.get(ticket)
        if session is None:
            return "QB Sync Lab: this session's ticket is unknown or expired; run the update again"
        return session.last_error or "No error."

    def closeConnection(self, ticket: str) -> str:
        """The run's outcome in one line; the ticket is used up."""
        with self._guard:
            session = self._sessions.pop(ticket, None)
        if session is None:
            return "QB Sync Lab: unknown or expired ticket; nothing to close"
        with session.served.lock:
            return _closing_note(session)

    # -- sessions ---------------------------------------------------------------------------
    def _open(self, served: Served) -> str:
        ticket = secrets.token_urlsafe(32)
        with self._guard:
            self._expire()
            for other in [s for s in self._sessions.values() if s.served is served]:
                del self._sessions[other.ticket]  # a new run supersedes an abandoned one
            self._sessions[ticket] = Session(ticket, served, self._now())
        return ticket

    def _session(self, ticket: str) -> Session | None:
        with self._guard:
            self._expire()
            session = self._sessions.get(ticket)
            if session is not None:
                session.last_call = self._now()
            return session

    def _expire(self) -> None:
        limit = self._now() - self._idle
        for ticket in [t for t, s in self._sessions.items() if s.last_call < limit]:
            del self._sessions[ticket]

    # -- the job ----------------------------------------------------------------------------
    def _next(self, session: Session, hcp: str, highest: tuple[int, int]) -> str:
        if session.last_error:
            return ""
        if session.flow is None:
            host = read_hcp(hcp)
            session.qbxml_version = negotiate(_offered(host, highest))
            session.flow = self._conversation(session, host)
            session.pending = _step(session.flow, None)
        request, session.pending = session.pending, None
        return declare(request, session.qbxml_version) if request else ""

    def _conversation(self, session: Session, host: HostCompany) -> Generator[str, str, None]:
        served = session.served
        if served.export is not None:
            yield from _export(session, served.export, host)
            return
        yield from check_company(served.workspace, served.config.file_id, host)
        session.job = SyncJob.start(served.workspace, batch_size=served.config.batch_size)
        while (request := session.job.next_request()) is not None:
            session.job.receive((yield request))

    def _lost(self, session: Session, error: TransportError) -> None:
        """QuickBooks gave no answer: the job records it and is dropped, resumable."""
        if session.job is not None and session.pending is None and not session.job.finished:
            session.job.failed(error)
        self._end(session, _guide_message(error))

    def _fail(self, session: Session, message: str) -> None:
        self._end(session, f"QB Sync Lab: {message}")

    def _end(self, session: Session, error: str) -> None:
        """The run goes no further: what it did stays in the store, the job resumable."""
        if session.flow is not None:
            session.flow.close()
        if session.export is not None:
            session.export.failed(error)
        session.flow, session.job, session.pending = None, None, None
        session.last_error = error


def _export(session: Session, folder: Path, host: HostCompany) -> Generator[str, str, None]:
    """The export's queries, and nothing else: the company file is not checked, since the
    check stamps a file not stamped yet (a DataExt write); the manifest names the file."""
    source = {"via": "Web Connector", "company": host.company_name, "product": host.product}
    session.export = CompanyExport(folder, source=source)
    while (request := session.export.next_request()) is not None:
        session.export.receive((yield request))


def _offered(host: HostCompany, highest: tuple[int, int]) -> tuple[str, ...]:
    """The versions QuickBooks speaks: HostRet's SupportedQBXMLVersion list; without it, every
    engine version up to qbXMLMajorVers.qbXMLMinorVers (a host speaks the versions below its
    highest: every HostRet in the samples lists them all); with neither, the engine's own."""
    if host.qbxml_versions:
        return host.qbxml_versions
    if highest == (0, 0):
        return ENGINE_VERSIONS
    older = tuple(v for v in ENGINE_VERSIONS if tuple(map(int, v.split("."))) <= highest)
    return (*older, "{}.{}".format(*highest))


def _work_waits(store: Store, import_every_minutes: int) -> bool:
    """Whether an update run has anything to do: a job to finish, PSRs waiting, or an import
    due (``import_every_minutes`` since the last job finished; 0: every run imports)."""
    if store.jobs.current() is not None:
        return True
    waiting = "SELECT COUNT(*) FROM psrs WHERE state IN ('queued', 'failed')"
    if store.conn.execute(waiting).fetchone()[0]:
        return True
    last = store.conn.execute("SELECT MAX(completed_at) FROM jobs WHERE finished = 1").fetchone()
    if not import_every_minutes or last[0] is None:
        return True
    since = parse_stamp(store.now()) - parse_stamp(last[0])
    return since.total_seconds() >= 60 * import_every_minutes


def _error_of(hresult: str, message: str) -> TransportError:
    try:
        code = int(hresult, 16) & 0xFFFFFFFF
    except ValueError:
        return TransportError(f"the Web Connector reported {hresult!r}: {message}")
    return transport_error(code, message or "reported by the Web Connector")


def _guide_message(error: TransportError) -> str:
    """The guide's words for ``error``'s HRESULT (title, meaning, steps), with the text
    QuickBooks gave."""
    from syncengine.reports import guide

    if error.hresult is None:
        return f"QB Sync Lab: {error}"
    entry = guide.entry(error.hresult)
    return f"{entry.title} ({entry.key}): {entry.meaning} {' '.join(entry.steps)} [{error}]"


def _step(flow: Generator[str, str, None], response: str | None) -> str | None:
    """The conversation's next request after ``response`` (None to start it); None at its end."""
    try:
        return flow.send(response)  # type: ignore[arg-type]
    except StopIteration:
        return None


def _percent(session: Session) -> int:
    """The run's percent, never going back and below 100 until the job is finished: the
    export's items done fill the first half (all of it without items to export), the import
    the rest, by how far the next request's query type lies in ``IMPORT_ORDER``."""
    if session.export is not None:
        return session.export.percent
    if session.job is None:  # still checking the company file
        return 1
    store, job_id = session.served.workspace, session.job.job_id
    total, done = store.conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(state NOT IN ('pending', 'sent')), 0)"
        " FROM job_items WHERE job_id = ?",
        (job_id,),
    ).fetchone()
    start = EXPORT_SHARE if total else 0
    if store.jobs.get(job_id).phase == "export":
        now = (start * done) // total if total else 0
    else:
        now = start + ((100 - start) * _import_step(session.pending)) // (len(IMPORT_ORDER) + 1)
    session.percent = min(99, max(1, session.percent, now))
    return session.percent


def _import_step(request: str | None) -> int:
    """How many of ``IMPORT_ORDER``'s types come before the one ``request`` queries, plus one
    (0 for a request that queries none, such as the deleted-records queries read first)."""
    found = _QUERIED.search(request or "")
    kinds = [kind for _, kind in IMPORT_ORDER]
    if found is None or found[1] not in kinds:
        return 0
    return kinds.index(found[1]) + 1


def _closing_note(session: Session) -> str:
    if session.served.export is not None:
        return _export_note(session.served.export, session.export, session.last_error)
    job = session.job
    if job is None:
        return _stopped_note(session)
    if not job.finished:
        return f"QB Sync Lab: sync job {job.job_id} unfinished; the next update resumes it"
    return "QB Sync Lab: " + "; ".join(job.report().summary().splitlines()[:2])


def _stopped_note(session: Session) -> str:
    """Why the run stopped, and whether a job waits for the next update (one may have been
    started in this run or an earlier one, or none at all: then nothing was sent)."""
    waiting = session.served.workspace.jobs.current()
    said = (
        f"sync job {waiting.id} is unfinished; the next update resumes it"
        if waiting is not None
        else "no sync job was started; nothing was sent to QuickBooks"
    )
    return f"QB Sync Lab: {said}. {session.last_error or ''}".rstrip()


def _export_note(folder: Path, export: CompanyExport | None, error: str) -> str:
    if export is not None and export.finished:
        count = sum(export.report.records.values())
        return (
            f"QB Sync Lab: exported {count} records ({len(export.kinds)} query types, read"
            f" only) to {folder}; rehearse with --company-from {folder}"
        )
    why = (export.error if export is not None else "") or error or "the run stopped"
    return f"QB Sync Lab: the export to {folder} is incomplete ({why}); run the update again"


def open_served(config: ServerConfig) -> dict[str, Served]:
    """Each configured company with its workspace opened (StoreError if one cannot be), or
    for an export user its export folder."""
    return {name: _served(entry, config.base) for name, entry in config.companies.items()}


def _served(entry: CompanyConfig, base: Path) -> Served:
    folder = entry.export_path(base)
    if folder is not None:
        return Served(entry, None, folder)
    return Served(entry, Store(entry.workspace_path(base)))
