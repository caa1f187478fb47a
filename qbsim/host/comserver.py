"""The ``QBXMLRP2.RequestProcessor`` COM object as a Windows program sees it, simulated.

``ComServer`` has the COM object's method names and arguments (§10 of QBXML-NOTES.md:
OpenConnection2, BeginSession, QBXMLVersionsForSession, GetCurrentCompanyFileName,
ProcessRequest, EndSession, CloseConnection) on qbsim's ``RequestProcessor``. Each call runs
the simulation until it is answered; a refusal is raised as pywin32 raises one (``ComError``,
shaped like ``pywintypes.com_error``), so the engine's real COM transport drives a simulated
QuickBooks unchanged. ``ComMachine`` is one Windows machine: its QuickBooks (a host) and the
company file's Integrated Applications preferences; ``dispatch`` stands in for
``win32com.client.Dispatch`` (the engine reaches it through ``QBSYNC_COM_DISPATCH``, in tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import simpy

from qbsim import hresults
from qbsim.company import Company
from qbsim.errors import QBXMLRPError
from qbsim.host.com import LOCAL_QBD, RequestProcessor
from qbsim.host.core import QuickBooksHost
from qbsim.host.desktop import DO_NOT_CARE
from qbsim.model.special import QBXML_VERSIONS

PROG_ID = "QBXMLRP2.RequestProcessor"
# winerror.h: what IDispatch::Invoke returns when the object raised an exception; pywin32
# reports it as a signed int first and puts the object's own HRESULT in the excepinfo.
DISP_E_EXCEPTION = 0x80020009
CO_E_CLASSSTRING = 0x800401F3  # winerror.h: "Invalid class string" (an unknown ProgID)
# Windows' own text for RPC_E_DISCONNECTED (winerror.h), which carries no excepinfo.
DISCONNECTED_TEXT = "The object invoked has disconnected from its clients."

# What QuickBooks does the first time an application asks for a company file it has not
# been allowed into (QBXML-NOTES §3, 0x80040418/0x80040420): an administrator answers the
# authorisation dialog with yes ("allow") or no ("deny"), or nobody is there to ("nobody").
FIRST_ACCESS = ("allow", "deny", "nobody")

_T = TypeVar("_T")


def _signed(hresult: int) -> int:
    return hresult - (1 << 32) if hresult & 0x80000000 else hresult


class ComError(Exception):
    """Shaped like ``pywintypes.com_error``: args (hresult, text, excepinfo, argerror)."""

    @classmethod
    def raised_by_qbxmlrp2(cls, hresult: int, text: str) -> ComError:
        """An exception raised inside QBXMLRP2: DISP_E_EXCEPTION with its HRESULT inside."""
        excepinfo = (0, "QBXMLRP2.RequestProcessor.2", text, None, 0, _signed(hresult))
        return cls(_signed(DISP_E_EXCEPTION), "Exception occurred.", excepinfo, None)

    @classmethod
    def from_windows(cls, hresult: int, text: str) -> ComError:
        """A failure of COM itself (the server went away): its HRESULT, no excepinfo."""
        return cls(_signed(hresult), text, None, None)


def as_com_error(exc: QBXMLRPError) -> ComError:
    """A qbsim refusal as the COM client sees it (QuickBooks' text, its HRESULT)."""
    if exc.hresult == hresults.RPC_DISCONNECTED:
        return ComError.from_windows(exc.hresult, DISCONNECTED_TEXT)
    return ComError.raised_by_qbxmlrp2(exc.hresult, exc.message)


@dataclass
class IntegratedApplications:
    """Edit > Preferences > Integrated Applications of the company file: who may come in.

    An application in ``allowed`` begins sessions; one in ``denied`` (its "Allow access" box
    cleared) gets 0x8004041A; any other is met with the first-access dialog, answered as
    ``first_access`` says (QBXML-NOTES §3; the dialog's place in BeginSession is inferred).
    """

    allowed: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    first_access: str = "allow"

    def __post_init__(self) -> None:
        if self.first_access not in FIRST_ACCESS:
            raise ValueError(f"first_access {self.first_access!r}: use one of {FIRST_ACCESS}")

    def admit(self, app_name: str) -> None:
        """Let ``app_name`` in, or raise QBXMLRPError with QuickBooks' refusal."""
        if app_name in self.denied:
            raise QBXMLRPError(hresults.ACCESS_NOT_ALLOWED, app_name)
        if app_name in self.allowed:
            return
        if self.first_access == "nobody":
            raise QBXMLRPError(hresults.FIRST_ACCESS_NOT_GRANTED, app_name)
        if self.first_access == "deny":
            self.denied.add(app_name)
            raise QBXMLRPError(hresults.USER_DENIED_ACCESS, app_name)
        self.allowed.add(app_name)


class ComServer:
    """One ``QBXMLRP2.RequestProcessor`` object on a simulated machine (see the module); its
    methods keep the COM object's own names."""

    def __init__(self, host: QuickBooksHost, apps: IntegratedApplications | None = None) -> None:
        self.host = host
        self.apps = apps if apps is not None else IntegratedApplications()
        self.processor = RequestProcessor(host)
        self.calls: list[str] = []  # the COM methods called, in order

    def OpenConnection2(self, app_id: str, app_name: str, conn_type: int = LOCAL_QBD) -> None:
        """Open the connection (0x80040412 if open, 0x80040415 without a name)."""
        self._com("OpenConnection2", lambda: self.processor.open_connection2(app_id, app_name))

    def BeginSession(self, file_name: str = "", mode: int = DO_NOT_CARE) -> str:
        """A session ticket, once QuickBooks has the file open and lets this application in."""
        return self._com("BeginSession", lambda: self._begin(file_name, mode))

    def QBXMLVersionsForSession(self, ticket: str) -> tuple[str, ...]:
        """The qbXML versions QuickBooks accepts in this session (a SAFEARRAY: a tuple)."""
        return self._com("QBXMLVersionsForSession", lambda: self._versions(ticket))

    def GetCurrentCompanyFileName(self, ticket: str) -> str:
        """The full name of the company file the session is on."""
        call = lambda: self.processor.get_current_company_file_name(ticket)  # noqa: E731
        return self._com("GetCurrentCompanyFileName", call)

    def ProcessRequest(self, ticket: str, request_xml: str) -> str:
        """QuickBooks' response document, once the simulation has answered the request."""
        return self._com("ProcessRequest", lambda: self._run(ticket, request_xml))

    def EndSession(self, ticket: str) -> None:
        """End the session (0x8004040D for a ticket never issued)."""
        self._com("EndSession", lambda: self.processor.end_session(ticket))

    def CloseConnection(self) -> None:
        """Close the connection (and a session left open)."""
        self._com("CloseConnection", self.processor.close_connection)

    def _com(self, name: str, call: Callable[[], _T]) -> _T:
        self.calls.append(name)
        try:
            return call()
        except QBXMLRPError as exc:
            raise as_com_error(exc) from exc

    def _begin(self, file_name: str, mode: int) -> str:
        ticket = self.processor.begin_session(file_name, mode)
        try:
            self.apps.admit(self.processor.app_name)
        except QBXMLRPError:
            self.processor.end_session(ticket)
            raise
        return ticket

    def _versions(self, ticket: str) -> tuple[str, ...]:
        self.host.desktop.session(ticket)  # a live ticket, or QuickBooks' refusal
        info = getattr(self.host.company, "host", None)  # qbsim.Company's HostInfo
        return tuple(info.supported_versions) if info is not None else QBXML_VERSIONS

    def _run(self, ticket: str, request_xml: str) -> str:
        answered: Any = self.host.env.run(until=self.processor.process_request(ticket, request_xml))
        return str(answered)


class ComMachine:
    """A Windows machine with QuickBooks (``host``): every ``dispatch`` is a new COM object
    on the same QuickBooks, as each ``Dispatch`` call on Windows is."""

    def __init__(self, host: QuickBooksHost, apps: IntegratedApplications | None = None) -> None:
        self.host = host
        self.apps = apps if apps is not None else IntegratedApplications()
        self.servers: list[ComServer] = []

    @classmethod
    def with_company(cls, company: Company | None = None, **host_options: Any) -> ComMachine:
        """A machine whose QuickBooks has ``company`` open (default: a new one)."""
        company = company if company is not None else Company()
        return cls(QuickBooksHost(simpy.Environment(), company, **host_options))

    def dispatch(self, prog_id: str = PROG_ID) -> ComServer:
        """What ``Dispatch(prog_id)`` returns here (CO_E_CLASSSTRING for another ProgID)."""
        if prog_id != PROG_ID:
            raise ComError.from_windows(CO_E_CLASSSTRING, "Invalid class string")
        server = ComServer(self.host, self.apps)
        self.servers.append(server)
        return server


_installed: list[ComMachine] = []


@contextmanager
def installed(machine: ComMachine) -> Iterator[ComMachine]:
    """Make ``machine`` the one :func:`dispatch` reaches while the block runs."""
    _installed.append(machine)
    try:
        yield machine
    finally:
        _installed.remove(machine)


def dispatch(prog_id: str) -> ComServer:
    """``Dispatch`` on the installed machine (see :func:`installed`); set
    ``QBSYNC_COM_DISPATCH=qbsim.host.comserver:dispatch`` to point the engine here."""
    if not _installed:
        raise ComError.from_windows(CO_E_CLASSSTRING, "Invalid class string (no machine)")
    return _installed[-1].dispatch(prog_id)
