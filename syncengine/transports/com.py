"""Real QuickBooks Desktop over COM: ``QBXMLRP2.RequestProcessor`` through pywin32.

Windows only; install the ``[com]`` extra. The session follows Intuit's sequence: open the
connection (localQBD), begin a session on the company file (or the one open, with ""), agree
the qbXML version (``QBXMLVersionsForSession``: the highest both sides speak), send requests
with the ticket, end the session and close. Every COM failure becomes the engine's typed
``TransportError`` via ``syncengine.transports.hresults``.

The COM object comes from a factory (``dispatch``; on Windows ``win32com.client.Dispatch``).
Tests point it elsewhere with ``QBSYNC_COM_DISPATCH=module:function`` (qbsim's simulated
request processor is ``qbsim.host.comserver:dispatch``); never set it on a client's machine.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

from syncengine.errors import TransportError
from syncengine.qbxml.build import SPOKEN_VERSIONS, declare
from syncengine.transports.base import BaseTransport
from syncengine.transports.hresults import transport_error, unsigned

PROG_ID = "QBXMLRP2.RequestProcessor"
CONNECTION_LOCAL_QBD = 1
MODES = {"single": 0, "multi": 1, "either": 2}
DISPATCH_HOOK = "QBSYNC_COM_DISPATCH"
VERSION_UNSUPPORTED = 0x80040423  # what QuickBooks answers a version it does not speak
# The qbXML versions the engine's requests can be declared in (built for 16.0; 13.0 checked).
ENGINE_VERSIONS: tuple[str, ...] = SPOKEN_VERSIONS
# A HostQuery any QuickBooks answers: every real HostRet in the samples lists qbXML 2.0
# (qbxml-samples/qbws_strHCPResponse_Premier2012_*, qbwcgem_sendRequestXML_strHCPResponse_*).
HOST_QUERY = (
    '<?xml version="1.0"?><?qbxml version="2.0"?><QBXML>'
    '<QBXMLMsgsRq onError="stopOnError"><HostQueryRq/></QBXMLMsgsRq></QBXML>'
)
_PLAIN_VERSION = re.compile(r"^(\d+)\.(\d+)$")  # "16.0"; not the "CA3.0" / "UK2.0" kind


class NoComHere(TransportError):
    """This machine cannot make the COM object at all (not Windows, or pywin32 missing)."""


def dispatch(prog_id: str) -> Any:
    """The COM object for ``prog_id``: pywin32's ``Dispatch``, or the test hook's factory."""
    hook = os.environ.get(DISPATCH_HOOK, "")
    if hook:
        module, _, name = hook.partition(":")
        factory: Callable[[str], Any] = getattr(importlib.import_module(module), name)
        return factory(prog_id)
    try:
        import win32com.client
    except ImportError as exc:
        raise NoComHere(
            "The COM transport needs Windows and pywin32: pip install 'qb-sync-lab[com]'"
        ) from exc
    return win32com.client.Dispatch(prog_id)


def _version_key(version: str) -> tuple[int, int]:
    match = _PLAIN_VERSION.match(version.strip())
    return (int(match[1]), int(match[2])) if match else (-1, -1)


def negotiate(offered: Iterable[str], spoken: Iterable[str] = ENGINE_VERSIONS) -> str:
    """The highest qbXML version in both lists; ``UnsupportedSetup`` (0x80040423, as QuickBooks
    would answer the request) naming both lists when none is shared."""
    spoken = tuple(spoken)
    theirs = {v.strip() for v in offered if _version_key(v) >= (0, 0)}
    shared = theirs & set(spoken)
    if shared:
        return max(shared, key=_version_key)
    ranked = sorted(theirs, key=_version_key)
    quickbooks = f"{ranked[0]} to {ranked[-1]}" if ranked else "no qbXML version"
    text = (
        f"QuickBooks on this machine speaks {quickbooks}; this engine speaks"
        f" {', '.join(spoken)}: there is no version both speak."
    )
    raise transport_error(VERSION_UNSUPPORTED, text)


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
    if not text and len(args) > 1 and args[1]:
        text = str(args[1])  # a failure of COM itself (no excepinfo): Windows' own text
    return transport_error(hresult, text)


class ComTransport(BaseTransport):
    """A QBXMLRP2 session on one company file ("" = the file open in QuickBooks); after
    ``open``, ``qbxml_version`` is the version agreed with QuickBooks."""

    def __init__(
        self,
        app_name: str,
        company_file: str = "",
        mode: str = "either",
        app_id: str = "",
        processor: Any | None = None,
        dispatch: Callable[[str], Any] | None = None,
    ) -> None:
        self.app_name, self.company_file = app_name, company_file
        self.mode, self.app_id = MODES[mode], app_id
        self._rp: Any = processor  # the COM object (None until open)
        self._dispatch = dispatch
        self.qbxml_version: str | None = None
        self._ticket: str | None = None
        self._connected = False

    def open(self) -> None:
        """Open the connection, begin the session and agree the qbXML version (done on the
        first ``send`` otherwise)."""
        if self._ticket is not None:
            return
        try:
            if self._rp is None:
                self._rp = (self._dispatch or dispatch)(PROG_ID)
            self._rp.OpenConnection2(self.app_id, self.app_name, CONNECTION_LOCAL_QBD)
            self._connected = True
            self._ticket = self._rp.BeginSession(self.company_file, self.mode)
            self.qbxml_version = negotiate(self._offered())
        except TransportError:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise _translate(exc) from exc

    def _offered(self) -> list[str]:
        """The versions QuickBooks offers: ``QBXMLVersionsForSession``, or, where this binding
        of the COM object cannot call it, HostQuery's ``SupportedQBXMLVersion`` (as Intuit's
        VB sample ``qbXMLLatestVersion`` does)."""
        try:
            return [str(v) for v in self._rp.QBXMLVersionsForSession(self._ticket)]
        except (AttributeError, TypeError):
            from syncengine.qbxml import parse_response

            answer = parse_response(str(self._rp.ProcessRequest(self._ticket, HOST_QUERY)))
            return [str(v) for r in answer[0].records for v in r.get("SupportedQBXMLVersion", [])]

    def company_file_name(self) -> str:
        """The full name of the company file the session is on (opening it if need be)."""
        self.open()
        try:
            return str(self._rp.GetCurrentCompanyFileName(self._ticket))
        except Exception as exc:
            raise _translate(exc) from exc

    def send(self, request_xml: str) -> str:
        """QuickBooks' answer to ``request_xml``, sent declared in the agreed version."""
        self.open()
        request_xml = declare(request_xml, self.qbxml_version or "")
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
