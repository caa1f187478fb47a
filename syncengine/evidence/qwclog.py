"""The conversation a QuickBooks Web Connector log holds (``QWCLog.txt``, written in verbose
mode): each qbXML request the web service handed the Web Connector, paired in order with the
qbXML response QuickBooks gave back, timed by the log's own lines.

The format, as public logs show it (none is copied here):

- Every entry starts a line with its time, ``YYYYMMDD.HH:MM:SS UTC``, then a tab, ``: ``, the
  place in the Web Connector that wrote it, `` : `` and the message, e.g.
  ``20150330.19:36:31 UTC<TAB>: QBWebConnector.SOAPWebService.do_sendRequestXML() : ...``
  (issue qbwc/qbwc#69; also consolibyte/quickbooks-php#92 and the Web Connector log quoted in
  the comments of public SDK samples). A multi-line message continues on lines without a
  time: the qbXML documents are written that way.
- In verbose mode, after ``sendRequestXML`` returns, the request is written under
  ``do_sendRequestXML()`` (``strRequestXML =`` then the document; qbwc/qbwc#69); when
  QuickBooks has answered, the response is written under ``do_receiveResponseXML()``
  (``response =``, ``XML dump follows: -``, a blank line, the document;
  consolibyte/quickbooks-php#92). At the default level neither document is written.
- When QuickBooks refuses a request the log says so with its HRESULT and no response document
  follows (the SDK-sample comment above): that request is read with no answer.

What is inferred, not documented: the times are taken as UTC, as the log labels them (a time
without the label is taken as UTC too), to the second (a fraction, should a log carry one, is
kept); the request's line is taken as the moment it went to QuickBooks and the response's line
as the moment the answer came back (the Web Connector logs each as it passes it on), so a
request's seconds are whole seconds and any one of them may be off by up to one; a request
still waiting when the next one, or ``closeConnection``, is logged got no answer. The log is
read as UTF-8 (a byte-order mark is skipped), or Windows-1252 when it is not UTF-8. Verbose
logging is switched on in the Web Connector's configuration file (``QBWebConnector.exe.config``
beside the program: its log level set to ``VERBOSE``; inferred from integrators' accounts, not
from an Intuit page found here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from syncengine.evidence import EvidenceError, Exchange

ENTRY = re.compile(
    r"^(?P<day>\d{8})\.(?P<time>\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?:[ \t]+UTC)?[ \t]*:[ \t]*"
    r"(?P<origin>\S*)[ \t]*:?[ \t]?(?P<message>.*)$"
)
"""The first line of a log entry: its time, where it was written, its message."""
ALMOST_ENTRY = re.compile(r"^\d{8}\.\d")
"""A line that starts like an entry: one that then fails ``ENTRY`` is a damaged time."""
DOCUMENT = re.compile(r"<\?xml[^>]*\?>|<\?qbxml[^>]*\?>|<QBXML[\s>]")
HOW_TO_VERBOSE = (
    "the Web Connector writes the qbXML it passes only in verbose mode: close the Web Connector,"
    " set its log level to VERBOSE in QBWebConnector.exe.config (in the Web Connector's program"
    " folder), run the sync again and send the new QWCLog.txt"
)


@dataclass(frozen=True)
class Entry:
    """One log entry: the line it starts on, its time, its origin and its whole message."""

    line: int
    at: datetime
    origin: str
    message: str


def read(path: str | Path) -> list[Exchange]:
    """The requests and answers of the Web Connector log at ``path``, in the order logged;
    :class:`EvidenceError` (naming the file and line) when it is no verbose log."""
    where = Path(path)
    entries = list(_entries(where, _text(where)))
    if not entries:
        raise EvidenceError(
            f"{where}: not a Web Connector log (no line starts with a time such as"
            " 20150330.19:36:31 UTC); give a workspace, a folder of qbXML request and"
            " response files, or QWCLog.txt"
        )
    exchanges = _pairs(where, entries)
    if not exchanges:
        raise EvidenceError(
            f"{where}: a Web Connector log without qbXML requests; {HOW_TO_VERBOSE}"
        )
    return exchanges


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _entries(path: Path, text: str) -> list[Entry]:
    """Entries with their continuation lines joined on; lines before the first are noise."""
    entries: list[Entry] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        found = ENTRY.match(line)
        if found is not None:
            entries.append(
                Entry(number, _time(path, number, found), *found.group("origin", "message"))
            )
        elif ALMOST_ENTRY.match(line):
            raise EvidenceError(
                f"{path}, line {number}: starts like a log entry but its time is damaged"
                f" ({line[:40]!r}); a Web Connector entry starts 20150330.19:36:31 UTC"
            )
        elif entries:
            last = entries[-1]
            entries[-1] = Entry(last.line, last.at, last.origin, f"{last.message}\n{line}")
    return entries


def _time(path: Path, number: int, found: re.Match[str]) -> datetime:
    try:
        day = datetime.strptime(found["day"], "%Y%m%d")
        clock = datetime.strptime(
            found["time"], "%H:%M:%S.%f" if "." in found["time"] else "%H:%M:%S"
        )
    except ValueError:
        raise EvidenceError(
            f"{path}, line {number}: {found['day']}.{found['time']} is not a date and time"
            " (the Web Connector writes YYYYMMDD.HH:MM:SS)"
        ) from None
    return datetime.combine(day.date(), clock.time(), tzinfo=timezone.utc)


def _pairs(path: Path, entries: list[Entry]) -> list[Exchange]:
    exchanges: list[Exchange] = []
    pending: tuple[Entry, str] | None = None
    for entry in entries:
        document = _document(path, entry)
        if document is not None and "QBXMLMsgsRq" in document:
            if pending is not None:
                exchanges.append(_exchange(path, pending))
            pending = (entry, document)
        elif document is not None and "receiveResponseXML" in entry.origin and pending:
            exchanges.append(_exchange(path, pending, entry, document))
            pending = None
        elif "closeConnection" in entry.origin and pending is not None:
            exchanges.append(_exchange(path, pending))
            pending = None
    if pending is not None:
        exchanges.append(_exchange(path, pending))
    return exchanges


def _document(path: Path, entry: Entry) -> str | None:
    """The qbXML document the entry's message carries, if any (a SOAP envelope is not one)."""
    start = DOCUMENT.search(entry.message)
    if start is None:
        return None
    text = entry.message[start.start() :].strip()
    if not text.endswith("</QBXML>"):
        raise EvidenceError(
            f"{path}, line {entry.line}: the qbXML document logged here is cut short (it does"
            " not end with </QBXML>); send the whole log as the Web Connector wrote it"
        )
    return text


def _exchange(
    path: Path, request: tuple[Entry, str], answer: Entry | None = None, response: str | None = None
) -> Exchange:
    asked, request_xml = request
    return Exchange(
        request_xml=request_xml,
        response_xml=response,
        source=f"{path.name}, line {asked.line}",
        sent_at=asked.at,
        answered_at=None if answer is None else answer.at,
    )
