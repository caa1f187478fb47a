"""The log the simulated Web Connector writes when asked: shaped as the real Web Connector's
``QWCLog.txt`` in verbose mode, so the tools that read a customer's log read a rehearsal's too.

Each entry is a line ``YYYYMMDD.HH:MM:SS UTC``, a tab, ``: ``, the place that wrote it, `` : ``
and the message; a qbXML document follows on lines of its own: the request as
``sendRequestXML`` returned it, the response as it goes to ``receiveResponseXML`` (the shape
public verbose logs show: qbwc/qbwc#69, consolibyte/quickbooks-php#92; the wording of the
other messages is ours). Times are the simulated clock's, in UTC, to the second as the real
log's are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

SERVICE = "QBWebConnector.SOAPWebService"


class WebConnectorLog:
    """Appends entries to the log at ``path``; ``now`` tells the time each entry carries."""

    def __init__(self, path: str | Path, now: Callable[[], datetime]) -> None:
        self.path, self.now = Path(path), now

    def note(self, place: str, message: str) -> None:
        """One entry written by ``place`` (a method of the Web Connector's SOAP client)."""
        self._write(f"{self._stamp()}\t: {SERVICE}.{place}() : {message}\n")

    def request(self, request_xml: str) -> None:
        """The qbXML request the service returned from ``sendRequestXML``, in full."""
        self.note("do_sendRequestXML", "strRequestXML =")
        self.note("do_sendRequestXML", request_xml.strip())

    def response(self, response_xml: str) -> None:
        """QuickBooks' qbXML response, in full, as it is passed to ``receiveResponseXML``."""
        self.note("do_receiveResponseXML", "response =")
        self.note("do_receiveResponseXML", f"XML dump follows: -\n\n{response_xml.strip()}\n")

    def _stamp(self) -> str:
        when = self.now()
        when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when
        return when.astimezone(timezone.utc).strftime("%Y%m%d.%H:%M:%S UTC")

    def _write(self, text: str) -> None:
        with self.path.open("a", encoding="utf-8", newline="\r\n") as log:
            log.write(text)
