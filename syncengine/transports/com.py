"""Real QuickBooks Desktop over COM: ``QBXMLRP2.RequestProcessor`` through pywin32.

Windows only; install the ``[com]`` extra. The session follows Intuit's sequence: open the
connection (localQBD), begin a session on the company file (or the one open, with ""), send
requests with the ticket, end the session and close. Every COM failure becomes the engine's
typed ``TransportError`` via ``syncengine.transports.hresults``.
"""

from __future__ import annotations

import contextlib
from typing import Any

from syncengine.errors import TransportError
from syncengine.transports.base import BaseTransport
from syncengine.transports.hresults import transport_error, unsigned

CONNECTION_LOCAL_QBD = 1
MODES = {"single": 0, "multi": 1, "either": 2}


def _dispatch(prog_id: str) -> Any:
    try:
        import win32com.client
    except ImportError as exc:
        raise TransportError(
            "The COM transport needs Windows and pywin32: pip install 'qb-sync-lab[com]'"
        ) from exc
    return win32com.client.Dispatch(prog_id)


def _translate(exc: Exception) -> TransportError:
    """A pywin32 com_error as the engine's typed error (HRESULT and QuickBooks' text kept)."""
    args: tuple[Any, ...] = getattr(exc, "args", ())
    hresult = unsigned(int(args[0])) if args and isinstance(args[0], int) else None
    text = ""
    if len(args) > 2 and args[2] and len(args[2]) > 2 and args[2][2]:
        text = str(args[2][2])
    excepinfo_code = args[2][5] if len(args) > 2 and args[2] and len(args[2]) > 5 else None
    if isinstance(excepinfo_code, int) and unsigned(excepinfo_code) >> 16 == 0x8004:
        hresult = unsigned(excepinfo_code)
    if hresult is None:
        return TransportError(f"COM call failed: {exc}")
    return transport_error(hresult, text)


class ComTransport(BaseTransport):
    """A QBXMLRP2 session on one company file ("" = the file open in QuickBooks)."""

    def __init__(
        self,
        app_name: str,
        company_file: str = "",
        mode: str = "either",
        app_id: str = "",
        processor: Any | None = None,
    ) -> None:
        self.app_name, self.company_file = app_name, company_file
        self.mode, self.app_id = MODES[mode], app_id
        self._rp: Any = processor  # the COM object (None until open)
        self._ticket: str | None = None
        self._connected = False

    def open(self) -> None:
        """Open the connection and begin the session (done on first ``send`` otherwise)."""
        if self._ticket is not None:
            return
        try:
            if self._rp is None:
                self._rp = _dispatch("QBXMLRP2.RequestProcessor")
            self._rp.OpenConnection2(self.app_id, self.app_name, CONNECTION_LOCAL_QBD)
            self._connected = True
            self._ticket = self._rp.BeginSession(self.company_file, self.mode)
        except TransportError:
            raise
        except Exception as exc:
            self.close()
            raise _translate(exc) from exc

    def send(self, request_xml: str) -> str:
        self.open()
        try:
            return str(self._rp.ProcessRequest(self._ticket, request_xml))
        except Exception as exc:
            raise _translate(exc) from exc

    def close(self) -> None:
        """End the session and close the connection, as Intuit's samples do on every path."""
        rp, ticket = self._rp, self._ticket
        self._ticket = None
        # Closing must never mask the error that made us close, so failures here are dropped.
        if rp is not None and ticket is not None:
            with contextlib.suppress(Exception):
                rp.EndSession(ticket)
        if rp is not None and self._connected:
            self._connected = False
            with contextlib.suppress(Exception):
                rp.CloseConnection()
