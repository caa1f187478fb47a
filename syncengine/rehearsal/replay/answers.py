"""Answers compared as support compares them: per response element its tag, requestID,
statusCode, statusSeverity, how many records it holds and their names (Name, FullName or
RefNumber), never IDs, times or EditSequences, which differ between any two companies.

:func:`compare` says where qbsim's answer differs from the recorded one (a
:class:`Difference`, the first found) and, as notes, the status messages that differ where
the codes agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from qbschema import safexml

NAME_FIELDS = ("FullName", "Name", "RefNumber")


@dataclass(frozen=True)
class Response:
    """One response element of an answer, as compared."""

    tag: str
    request_id: str | None
    code: str | None
    severity: str | None
    names: tuple[str, ...]
    """One per ``…Ret`` it holds: its full name, name or RefNumber ("" when it has none)."""
    message: str = ""

    @property
    def failed(self) -> bool:
        """QuickBooks refused the request (statusSeverity Error)."""
        return self.severity == "Error"

    def shown(self) -> str:
        """``VendorAddRs requestID=4 statusCode=3100 (Error), 0 records``."""
        rid = f" requestID={self.request_id}" if self.request_id is not None else ""
        names = f": {', '.join(self.names)}" if any(self.names) else ""
        return (
            f"{self.tag}{rid} statusCode={self.code} ({self.severity}),"
            f" {len(self.names)} record(s){names}"
        )


@dataclass(frozen=True)
class Difference:
    """Where two answers part: the response element's place (from 1), and each side."""

    place: int
    recorded: Response | None
    simulated: Response | None

    def describe(self) -> str:
        """The difference in one line, both sides."""
        recorded = self.recorded.shown() if self.recorded else "nothing"
        simulated = self.simulated.shown() if self.simulated else "nothing"
        return f"response #{self.place}: recorded {recorded}; qbsim {simulated}"


def responses_element(document: str) -> etree._Element:
    """The ``QBXMLMsgsRs`` element of an answer document; ValueError when there is none."""
    root = safexml.parse(document, clean=True)
    msgs = root.find("QBXMLMsgsRs")
    if root.tag != "QBXML" or msgs is None:
        raise ValueError("not a qbXML answer (QBXML/QBXMLMsgsRs expected)")
    return msgs


def response_elements(document: str) -> list[etree._Element]:
    """The response elements of an answer document, in order (comments left out)."""
    return [rs for rs in responses_element(document) if isinstance(rs.tag, str)]


def request_elements(document: str) -> list[etree._Element]:
    """The request elements of a request document, in order (none when it holds no
    ``QBXMLMsgsRq``)."""
    msgs = safexml.parse(document, clean=True).find("QBXMLMsgsRq")
    return [] if msgs is None else [rq for rq in msgs if isinstance(rq.tag, str)]


def summary(document: str) -> list[Response]:
    """Each response element of an answer document, as compared."""
    return [_response(rs) for rs in response_elements(document)]


def element_at(document: str, place: int) -> etree._Element | None:
    """The response element at ``place`` (from 1) of an answer document; None past its end."""
    elements = response_elements(document)
    return elements[place - 1] if 0 < place <= len(elements) else None


def request_for(request: str, response: Response | None, place: int) -> etree._Element | None:
    """The request element of a request document that ``response`` (at ``place``, from 1)
    answers: the one of its requestID, else the one at the same place."""
    elements = request_elements(request)
    if response is not None and response.request_id is not None:
        by_id = [rq for rq in elements if rq.get("requestID") == response.request_id]
        if by_id:
            return by_id[0]
    return elements[place - 1] if 0 < place <= len(elements) else None


def pretty(element: etree._Element | None) -> str:
    """An element as indented XML text, one element a line ("nothing" for None)."""
    if element is None:
        return "nothing"
    copy = etree.fromstring(etree.tostring(element, with_tail=False))
    etree.indent(copy, space="  ")
    return etree.tostring(copy, encoding="unicode").strip()


def rets(rs: etree._Element) -> list[etree._Element]:
    """The ``…Ret`` records a response element holds, in order."""
    return [kid for kid in rs if isinstance(kid.tag, str) and kid.tag.endswith("Ret")]


def _response(rs: etree._Element) -> Response:
    return Response(
        str(rs.tag),
        rs.get("requestID"),
        rs.get("statusCode"),
        rs.get("statusSeverity"),
        tuple(record_name(ret) or "" for ret in rets(rs)),
        rs.get("statusMessage", ""),
    )


def record_name(ret: etree._Element) -> str | None:
    """A record's full name, name or RefNumber, the first it has (None: none)."""
    for field in NAME_FIELDS:
        text = ret.findtext(field)
        if text:
            return text
    return None


def record_id(element: etree._Element) -> str | None:
    """The ListID or TxnID an element carries (None: neither)."""
    return element.findtext("ListID") or element.findtext("TxnID")


def compare(
    recorded: list[Response],
    simulated: list[Response],
    in_qbsims_words: Callable[[str], str] = str,
) -> tuple[Difference | None, list[str]]:
    """The first difference between two answers (None: they agree), and notes on status
    messages that differ where the codes agree (a recorded message compared as
    ``in_qbsims_words`` makes it: the IDs it quotes in qbsim's)."""
    notes: list[str] = []
    for place in range(1, max(len(recorded), len(simulated)) + 1):
        ours = recorded[place - 1] if place <= len(recorded) else None
        theirs = simulated[place - 1] if place <= len(simulated) else None
        if ours is None or theirs is None or _key(ours) != _key(theirs):
            return Difference(place, ours, theirs), notes
        if in_qbsims_words(ours.message) != theirs.message:
            notes.append(
                f"response #{place} ({ours.tag}, statusCode {ours.code}): the status messages"
                f" differ: recorded {ours.message!r}; qbsim {theirs.message!r}"
            )
    return None, notes


def _key(response: Response) -> tuple[object, ...]:
    return (response.tag, response.request_id, response.code, response.severity, response.names)
