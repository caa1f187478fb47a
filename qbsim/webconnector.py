"""A simulated QuickBooks Web Connector: it calls a Web Connector service over HTTP, in the
real call order, and answers the service's qbXML from a :class:`~qbsim.host.QuickBooksHost`.

One update run (:meth:`SimulatedWebConnector.update`, a simpy process body) goes as the Web
Connector's goes (QBXML-NOTES.md §11; Intuit's QBWC Programmer's Guide): ``serverVersion``,
``clientVersion``, ``authenticate``; when a ticket comes back, it asks QuickBooks for
HostQuery, CompanyQuery and PreferencesQuery and sends their answers with the first
``sendRequestXML`` (a file not stamped yet with the .qwc's FileID is stamped first, as the
Web Connector does on its first connection); then ``sendRequestXML`` /
``receiveResponseXML`` until the service returns "" or 100 (or a negative percent: then
``getLastError``), and ``closeConnection``.
When QuickBooks cannot be reached for the HostQuery the service is told with
``connectionError``; when it refuses a request (``QBXMLRPError``), or the answer is lost, the
failure goes to ``receiveResponseXML`` as ``hresult`` and ``message`` with an empty response,
as the Web Connector reports a failed ProcessRequest. Calling ``closeConnection`` after a
``connectionError`` that answered "done" is inferred. HTTP calls block the simulation: the
simulated time stands still while the service thinks, as QuickBooks' time would.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from qbschema import safexml
from qbsim.errors import QBXMLRPError
from qbsim.host.core import QuickBooksHost
from qbsim.wclog import WebConnectorLog

TNS = "http://developer.intuit.com/"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CLIENT_VERSION = "2.3.0.215"
"""The Web Connector version this simulation reports (a 2.3 release; the number is ours)."""


def hcp_request(owner_id: str | None) -> str:
    """HostQuery, CompanyQuery (with the .qwc's OwnerID, so its data extensions show) and
    PreferencesQuery in one message set."""
    owner = f"<OwnerID>{owner_id}</OwnerID>" if owner_id else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?>'
        '<QBXML><QBXMLMsgsRq onError="continueOnError">'
        f'<HostQueryRq requestID="0"/><CompanyQueryRq requestID="1">{owner}</CompanyQueryRq>'
        '<PreferencesQueryRq requestID="2"/></QBXMLMsgsRq></QBXML>'
    )


def stamp_request(owner_id: str, file_id: str) -> str:
    """The FileID data extension on the Company under ``owner_id`` (definition, then value)."""
    where = f"<OwnerID>{owner_id}</OwnerID><DataExtName>FileID</DataExtName>"
    return (
        '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?>'
        '<QBXML><QBXMLMsgsRq onError="continueOnError">'
        f"<DataExtDefAddRq><DataExtDefAdd>{where}<DataExtType>STR255TYPE</DataExtType>"
        "<AssignToObject>Company</AssignToObject></DataExtDefAdd></DataExtDefAddRq>"
        f"<DataExtAddRq><DataExtAdd>{where}<OtherDataExtType>Company</OtherDataExtType>"
        f"<DataExtValue>{file_id}</DataExtValue></DataExtAdd></DataExtAddRq>"
        "</QBXMLMsgsRq></QBXML>"
    )


class WebConnectorCallError(RuntimeError):
    """The service answered a call with a SOAP Fault or something that is not SOAP."""


@dataclass
class UpdateRun:
    """What one update run did: the ticket, each call's outcome, what QuickBooks did."""

    status: str = ""
    ticket: str = ""
    requests: int = 0
    answered: int = 0
    lost: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    progress: list[int] = field(default_factory=list)
    connection_error: str = ""
    last_failure: int | None = None
    """The HRESULT of the last failure QuickBooks reported in this run, if any."""
    last_error: str = ""
    close_message: str = ""

    @property
    def finished(self) -> bool:
        """The service said 100 (its work is done) and nothing failed."""
        return bool(self.progress) and self.progress[-1] >= 100 and not self.failed

    @property
    def failed(self) -> bool:
        """QuickBooks could not be reached, or the service answered a negative percent."""
        return bool(self.connection_error) or any(p < 0 for p in self.progress)


class SimulatedWebConnector:
    """The Web Connector on the QuickBooks machine, with one application added (its .qwc):
    the service at ``url``, signing in as ``username`` with ``password``; ``owner_id`` and
    ``file_id`` are the .qwc's: a company file without that FileID under that OwnerID is
    stamped with it before the first run, as the Web Connector does (QBXML-NOTES.md §20).
    ``on_exchange`` sees each (request, response) pair once the service has taken it;
    ``log``, a file the run appends a verbose ``QWCLog.txt``-shaped log to
    (:mod:`qbsim.wclog`), at simulated times (none: no log is written). ``announce``, when
    given, replaces HostRet's SupportedQBXMLVersion list in strHCPResponse (``()``: no list, as
    a host answering no HostQuery) and sets qbXMLMajorVers/MinorVers to its highest (13.0 for
    none, as below): a stand-in for an older QuickBooks' announcement. Set the company's
    ``host.supported_versions`` too, so the simulated QuickBooks refuses what it would not
    speak (HostRet's list and the highest version passed: QBXML-NOTES.md §11; samples
    ``qbwcgem_sendRequestXML_strHCPResponse_Host_Company_Preferences.txt``,
    ``qbws_strHCPResponse_Premier2012_sample_AppLock_FileID.xml``)."""

    def __init__(
        self,
        host: QuickBooksHost,
        url: str,
        username: str,
        password: str,
        *,
        owner_id: str | None = None,
        file_id: str | None = None,
        timeout: float = 120.0,
        on_exchange: Callable[[str, str], None] | None = None,
        log: str | Path | None = None,
        announce: tuple[str, ...] | None = None,
    ) -> None:
        self.host, self.url, self.timeout = host, url, timeout
        self.owner_id, self.file_id = owner_id, file_id
        self.on_exchange = on_exchange
        self.username, self.password = username, password
        self.runs: list[UpdateRun] = []
        self.announce = announce
        self.log = None if log is None else WebConnectorLog(log, host.now)

    # -- one update run ---------------------------------------------------------------------
    def update(self) -> Generator[Any, Any, UpdateRun]:
        """One update run (a simpy process body); its value is the :class:`UpdateRun`."""
        run = UpdateRun()
        self.runs.append(run)
        self.call("serverVersion", strVersion=CLIENT_VERSION)
        if str(self.call("clientVersion", strVersion=CLIENT_VERSION)).startswith("E:"):
            run.status = "client version refused"
            return run
        answer = self.call("authenticate", strUserName=self.username, strPassword=self.password)
        run.ticket, run.status = answer[0], answer[1] if len(answer) > 1 else ""
        if run.status in ("nvu", "none") or not run.ticket:
            return run
        hcp = yield from self._host_company(run)
        if hcp is not None:
            yield from self._exchanges(run, hcp)
        run.close_message = str(self.call("closeConnection", ticket=run.ticket))
        self.host.end_session()
        return run

    def _host_company(self, run: UpdateRun) -> Generator[Any, Any, str | None]:
        try:
            hcp = str((yield self.host.request(self._spoken(hcp_request(self.owner_id)))))
            if self.owner_id and self.file_id and not _stamped(hcp, self.owner_id):
                yield self.host.request(self._spoken(stamp_request(self.owner_id, self.file_id)))
                hcp = str((yield self.host.request(self._spoken(hcp_request(self.owner_id)))))
            return hcp
        except QBXMLRPError as exc:
            run.last_failure = exc.hresult & 0xFFFFFFFF
            run.connection_error = f"0x{run.last_failure:08X}"
            self.call(
                "connectionError",
                ticket=run.ticket,
                hresult=run.connection_error,
                message=str(exc),
            )
            return None

    def _spoken(self, request: str) -> str:
        """The Web Connector's own 13.0 request, declared in QuickBooks' highest version when
        QuickBooks speaks only older ones (inferred: it asks in a version QuickBooks speaks)."""
        info = getattr(self.host.company, "host", None)  # HostInfo, for a qbsim Company
        spoken: tuple[str, ...] = info.supported_versions if info is not None else ("13.0",)
        if "13.0" in spoken or not spoken:
            return request
        highest = max(spoken, key=lambda v: float(v) if v.replace(".", "").isdigit() else 0.0)
        return request.replace('<?qbxml version="13.0"?>', f'<?qbxml version="{highest}"?>')

    def _exchanges(self, run: UpdateRun, hcp: str) -> Generator[Any, Any, None]:
        if self.announce is not None:
            hcp = _announcing(hcp, self.announce)
        major, minor = _highest_version(hcp)
        first = True
        while True:
            request = str(
                self.call(
                    "sendRequestXML",
                    ticket=run.ticket,
                    strHCPResponse=hcp if first else "",
                    strCompanyFileName=self.host.desktop.company_file,
                    qbXMLCountry="US",
                    qbXMLMajorVers=major,
                    qbXMLMinorVers=minor,
                )
            )
            first = False
            if request and self.log is not None:
                self.log.request(request)
            if not request:
                run.last_error = str(self.call("getLastError", ticket=run.ticket))
                return
            percent = yield from self._answer(run, request)
            run.progress.append(percent)
            if percent < 0:
                run.last_error = str(self.call("getLastError", ticket=run.ticket))
            if percent < 0 or percent >= 100:
                return

    def _answer(self, run: UpdateRun, request: str) -> Generator[Any, Any, int]:
        run.requests += 1
        response, hresult, message = "", "", ""
        try:
            response = yield self.host.request(request)
            run.answered += 1
        except QBXMLRPError as exc:
            run.last_failure = exc.hresult & 0xFFFFFFFF
            hresult, message = f"0x{run.last_failure:08X}", str(exc)
            if self.log is not None:
                self.log.note(
                    "ProcessRequestXML", f"QuickBooks failed on it: HRESULT {hresult}: {message}"
                )
            if exc.hresult & 0xFFFFFFFF == 0x80010108:
                run.lost += 1
            else:
                run.refused[hresult] = run.refused.get(hresult, 0) + 1
        if response and self.log is not None:
            self.log.response(str(response))
        value = self.call(
            "receiveResponseXML",
            ticket=run.ticket,
            response=str(response),
            hresult=hresult,
            message=message,
        )
        if response and self.on_exchange is not None:
            self.on_exchange(request, str(response))
        return int(str(value))

    # -- SOAP over HTTP -----------------------------------------------------------------------
    def call(self, operation: str, **params: str | int) -> str | list[str]:
        """Call ``operation`` on the service; its result (a list for a string array)."""
        if self.log is not None:
            self.log.note(f"do_{operation}", f"calling {operation} on the web service")
        envelope = _envelope(operation, params)
        request = urllib.request.Request(
            self.url,
            data=envelope,
            method="POST",
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{TNS}{operation}"',
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                body = reply.read()
        except urllib.error.HTTPError as exc:
            body = exc.read()
        return _result(operation, body)


def _envelope(operation: str, params: dict[str, str | int]) -> bytes:
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(root, f"{{{SOAP_ENV}}}Body")
    call = etree.SubElement(body, f"{{{TNS}}}{operation}", nsmap={None: TNS})
    for name, value in params.items():
        etree.SubElement(call, f"{{{TNS}}}{name}").text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _result(operation: str, body: bytes) -> str | list[str]:
    try:
        root = safexml.parse(body)
    except (safexml.UnsafeDocumentError, etree.XMLSyntaxError) as exc:
        raise WebConnectorCallError(
            f"{operation}: the service's answer is not SOAP: {exc}"
        ) from exc
    fault = root.find(f".//{{{SOAP_ENV}}}Fault")
    if fault is not None:
        raise WebConnectorCallError(f"{operation}: SOAP Fault: {fault.findtext('faultstring')}")
    result = root.find(f".//{{{TNS}}}{operation}Result")
    if result is None:
        return ""
    strings = result.findall(f"{{{TNS}}}string")
    return [s.text or "" for s in strings] if strings else result.text or ""


def _stamped(hcp: str, owner_id: str) -> bool:
    """Whether the CompanyRet carries a FileID data extension under ``owner_id``."""
    root = safexml.parse(hcp, clean=True)
    return any(
        (ext.findtext("OwnerID") or "").upper() == owner_id.upper()
        and ext.findtext("DataExtName") == "FileID"
        for ext in root.iter("DataExtRet")
    )


def _announcing(hcp: str, versions: tuple[str, ...]) -> str:
    """``hcp`` with HostRet's SupportedQBXMLVersion list replaced by ``versions``."""
    root = safexml.parse(hcp, clean=True)
    for host in root.iter("HostRet"):
        old = host.findall("SupportedQBXMLVersion")
        at = host.index(old[0]) if old else len(host)
        for element in old:
            host.remove(element)
        for offset, version in enumerate(versions):
            etree.SubElement(host, "SupportedQBXMLVersion").text = version
            host.insert(at + offset, host[-1])
    return etree.tostring(root, encoding="unicode")


def _highest_version(hcp: str) -> tuple[int, int]:
    """The highest qbXML version HostQuery listed (13.0 if it listed none)."""
    root = safexml.parse(hcp, clean=True)
    versions = [v.text or "" for v in root.iter("SupportedQBXMLVersion")]
    pairs = [
        tuple(int(p) for p in v.split(".")[:2]) for v in versions if v.replace(".", "").isdigit()
    ]
    best = max(pairs, default=(13, 0))
    return best[0], best[1] if len(best) > 1 else 0
