"""``RequestProcessor``: the QBXMLRP2 COM object, simulated on a ``QuickBooksHost``.

The call sequence and refusals are those of §10 of the qbXML notes: OpenConnection (twice in
a row: 0x80040412; without an application name: 0x80040415), BeginSession (before
OpenConnection: 0x8004040F; a second one before EndSession: 0x80040411; QuickBooks' own
refusals from ``Desktop.begin``), ProcessRequest (a simpy event; failures as COM raises them),
EndSession, CloseConnection. Session calls take no simulated time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qbsim import hresults
from qbsim.errors import QBXMLRPError
from qbsim.host.desktop import DO_NOT_CARE

if TYPE_CHECKING:
    import simpy

    from qbsim.host.core import QuickBooksHost

LOCAL_QBD, LOCAL_QBD_LAUNCH_UI = 1, 3  # QBXMLRPConnectionType values the samples use


class RequestProcessor:
    """One application's request processor: a connection and at most one session at a time."""

    def __init__(self, host: QuickBooksHost) -> None:
        self.host = host
        self.app_id = ""
        self.app_name = ""
        self.connected = False
        self.ticket: str | None = None

    def open_connection(self, app_id: str, app_name: str) -> None:
        """OpenConnection: 0x80040412 if already open, 0x80040415 without a name."""
        if self.connected:
            raise QBXMLRPError(hresults.CONNECTION_ALREADY_OPEN)
        if not app_name:
            raise QBXMLRPError(hresults.NO_APP_NAME)
        self.app_id, self.app_name, self.connected = app_id, app_name, True
        self.host.note(self.app_name, "open_connection")

    def open_connection2(self, app_id: str, app_name: str, conn_type: int = LOCAL_QBD) -> None:
        """OpenConnection2 (the connection type makes no difference to the simulator)."""
        del conn_type
        self.open_connection(app_id, app_name)

    def begin_session(self, file_name: str = "", mode: int = DO_NOT_CARE) -> str:
        """BeginSession: a ticket, or QBXMLRPError with the HRESULT QuickBooks gives."""
        self._need_connection()
        if self.ticket is not None and self._session_alive():
            raise QBXMLRPError(hresults.SESSION_ALREADY_BEGUN)
        self.ticket = self.host.begin_session(self.app_name, file_name, mode)
        return self.ticket

    def process_request(self, ticket: str, request_xml: str) -> simpy.Process:
        """ProcessRequest: a simpy event whose value is the response document."""
        return self.host.request(request_xml, ticket=ticket, precheck=self._need_connection)

    def get_current_company_file_name(self, ticket: str) -> str:
        self._need_connection()
        return self.host.desktop.session(ticket).file_name

    def end_session(self, ticket: str) -> None:
        """EndSession: the ticket stops working; 0x8004040D for a ticket never issued."""
        self._need_connection()
        if self.host.desktop.session_or_none(ticket) is None:
            raise QBXMLRPError(hresults.BAD_TICKET, f"unknown ticket {ticket}")
        self.host.end_session(ticket)
        if ticket == self.ticket:
            self.ticket = None

    def close_connection(self) -> None:
        """CloseConnection: also ends a session left open, as QBXMLRP2 does on release."""
        if self.ticket is not None:
            self.host.end_session(self.ticket)
            self.ticket = None
        if self.connected:
            self.host.note(self.app_name, "close_connection")
        self.connected = False

    def _need_connection(self) -> None:
        if not self.connected:
            raise QBXMLRPError(hresults.NO_CONNECTION)

    def _session_alive(self) -> bool:
        session = self.host.desktop.session_or_none(self.ticket)
        return session is not None and session.alive
