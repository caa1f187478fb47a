"""The QuickBooks application on the host machine, and the SDK sessions it grants.

It decides, as QuickBooks and its request processor do, whether a BeginSession or a
ProcessRequest may go ahead, and refuses with the real HRESULT otherwise: QuickBooks not
running (0x80040416 without a file name, 0x80040408 when it cannot be started), no file open
(0x80040417), another file open (0x8004040A), the file open in the other mode (0x80040410),
single-user wanted while another application shares the file (0x80040422), a modal dialog
(0x80040414), the connection broken (0x80040401), a ticket from a session that ended or died
(0x8004040D). Fault windows are time spans during which a condition holds.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from qbsim import hresults
from qbsim.errors import QBXMLRPError

SINGLE_USER, MULTI_USER, DO_NOT_CARE = 0, 1, 2  # QBXMLRP2's QBFileMode values
MODE_NAMES = {SINGLE_USER: "single-user", MULTI_USER: "multi-user", DO_NOT_CARE: "do-not-care"}
OTHER_FILE = "someone-else.qbw"
# Windows that end every session when they begin (QuickBooks went away or changed files).
SESSION_KILLERS = frozenset({"drop_connection", "quickbooks_not_running", "wrong_file_open"})


@dataclass
class Session:
    """One BeginSession…EndSession span of one application."""

    ticket: str
    app_name: str
    file_name: str
    mode: int
    begun_at: float
    alive: bool = True
    ended_because: str = ""


@dataclass(frozen=True)
class Window:
    """A fault condition holding from ``start`` (inclusive) to ``end`` (exclusive)."""

    kind: str
    start: float
    end: float


class Desktop:
    """QuickBooks on one machine: running or not, the open file and its mode, the sessions."""

    def __init__(self, file_name: str, now: Callable[[], float], rng: random.Random) -> None:
        self.company_file = file_name
        self.now = now
        self.rng = rng
        self.running = True
        self.open_file: str | None = file_name
        self.file_mode = MULTI_USER
        self.started_by_sdk = False
        self.windows: list[Window] = []
        self.sessions: dict[str, Session] = {}

    # -- conditions ---------------------------------------------------------------
    def add_window(self, kind: str, duration: float) -> Window:
        """Begin a fault window now; windows that break QuickBooks end every session."""
        window = Window(kind, self.now(), self.now() + duration)
        self.windows.append(window)
        if kind in SESSION_KILLERS:
            self.end_all(f"{kind} at {window.start:g}s")
        return window

    def active(self, kind: str) -> bool:
        now = self.now()
        return any(w.kind == kind and w.start <= now < w.end for w in self.windows)

    def effective_file(self) -> str | None:
        """The file open in QuickBooks now, counting fault windows."""
        if not self.running or self.active("quickbooks_not_running"):
            return None
        return OTHER_FILE if self.active("wrong_file_open") else self.open_file

    # -- what the person at QuickBooks does ----------------------------------------
    def close_file(self) -> None:
        self.open_file = None
        self.end_all("the company file was closed in QuickBooks")

    def open(self, file_name: str | None = None, mode: int = MULTI_USER) -> None:
        self.end_all("QuickBooks opened a company file")
        self.running, self.open_file = True, file_name or self.company_file
        self.file_mode = SINGLE_USER if mode == SINGLE_USER else MULTI_USER
        self.started_by_sdk = False

    def quit(self) -> None:
        self.running, self.open_file = False, None
        self.end_all("QuickBooks was closed")

    # -- sessions -----------------------------------------------------------------
    def begin(self, app_name: str, file_name: str, mode: int) -> Session:
        """BeginSession: a new session, or QBXMLRPError with QuickBooks' refusal."""
        if mode not in MODE_NAMES:
            raise QBXMLRPError(hresults.INVALID_PARAMETER, f"file mode {mode!r}; use 0, 1 or 2")
        self._check_reachable()
        self._ensure_running(file_name, mode)
        open_file = self.effective_file()
        if open_file is None:
            self._open_for_sdk(file_name, mode)
            open_file = self.open_file
        if file_name and file_name.casefold() != (open_file or "").casefold():
            detail = f"{open_file!r} is open, {file_name!r} was asked for"
            raise QBXMLRPError(hresults.OTHER_FILE_OPEN, detail)
        if open_file != self.company_file:
            detail = f"qbsim holds only {self.company_file!r}; {open_file!r} is open"
            raise QBXMLRPError(hresults.OTHER_FILE_OPEN, detail)
        self._check_mode(mode)
        ticket = "{" + str(uuid.UUID(int=self.rng.getrandbits(128), version=4)) + "}"
        session = Session(ticket, app_name, open_file, mode, self.now())
        self.sessions[ticket] = session
        return session

    def _check_reachable(self) -> None:
        if self.active("drop_connection"):
            raise QBXMLRPError(hresults.COULD_NOT_ACCESS, "the connection to QuickBooks is down")
        if self.active("modal_dialog"):
            raise QBXMLRPError(hresults.MODAL_DIALOG)

    def _ensure_running(self, file_name: str, mode: int) -> None:
        down = self.active("quickbooks_not_running")
        if self.running and not down:
            return
        if not file_name:
            raise QBXMLRPError(hresults.NO_FILE_NAME_NOT_RUNNING)
        if down:
            raise QBXMLRPError(hresults.COULD_NOT_START, "QuickBooks is not running (fault)")
        self._open_for_sdk(file_name, mode)

    def _open_for_sdk(self, file_name: str, mode: int) -> None:
        if not file_name:
            raise QBXMLRPError(hresults.NO_FILE_NAME_NOT_OPEN)
        if file_name.casefold() != self.company_file.casefold():
            raise QBXMLRPError(hresults.CANNOT_OPEN_FILE, f"no company file {file_name!r} here")
        started = not self.running
        self.running, self.open_file = True, self.company_file
        self.file_mode = SINGLE_USER if mode == SINGLE_USER else MULTI_USER
        self.started_by_sdk = self.started_by_sdk or started

    def _check_mode(self, mode: int) -> None:
        if mode == DO_NOT_CARE:
            return
        if mode != self.file_mode:
            detail = f"open {MODE_NAMES[self.file_mode]}, asked {MODE_NAMES[mode]}"
            raise QBXMLRPError(hresults.WRONG_MODE, detail)
        if mode == SINGLE_USER and any(s.alive for s in self.sessions.values()):
            raise QBXMLRPError(hresults.SINGLE_USER_NEEDED)

    def session(self, ticket: str | None) -> Session:
        """The live session of a ticket, or the refusal ProcessRequest gives for it."""
        if not ticket:
            raise QBXMLRPError(hresults.NO_SESSION)
        session = self.sessions.get(ticket)
        if session is None:
            raise QBXMLRPError(hresults.BAD_TICKET, f"unknown ticket {ticket}")
        if not session.alive:
            raise QBXMLRPError(hresults.BAD_TICKET, f"session ended: {session.ended_because}")
        self._check_reachable()
        return session

    def end(self, ticket: str, because: str = "EndSession") -> None:
        session = self.session_or_none(ticket)
        if session is not None and session.alive:
            session.alive, session.ended_because = False, because
        if self.started_by_sdk and not any(s.alive for s in self.sessions.values()):
            self.running, self.open_file, self.started_by_sdk = False, None, False

    def session_or_none(self, ticket: str | None) -> Session | None:
        return self.sessions.get(ticket or "")

    def end_all(self, because: str) -> None:
        for session in self.sessions.values():
            if session.alive:
                session.alive, session.ended_because = False, because
