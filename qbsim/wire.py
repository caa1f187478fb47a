"""The wire layer: one qbXML request document in, one response document out.

It checks the document as QuickBooks' request processor does and refuses a bad one whole,
nothing applied: not well-formed, schema-invalid (unknown or misplaced elements, text where
only elements belong, unknown attributes, bad values), a qbXML version the host does not
speak → ``QBXMLRPError`` (0x80040400, 0x80040423), ``rollbackOnError`` → 0x80040413. Unlike
QuickBooks, the error names the element at fault and its line. A text longer than its field
allows is not a parse error: QuickBooks answers that one request with status 3070.

A good document's requests are answered one by one through the handler table; the wire
layer adds ``onError`` (stopOnError answers the rest 3231, earlier changes stay),
``requestID`` (over 50 characters: 1060), iterators and ``MaxReturned``, ``metaData``,
``IncludeRetElement``, ``responseData="includeNone"`` and message-set error recovery
(``newMessageSetID``/``oldMessageSetID``, ``messageSetStatusCode`` 9001/9002/9004/600).
Answers are serialised in schema order, without what the request's qbXML version's schema
lacks (``qbschema.versions``: a 13.0 request gets no 16.0-only element).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from lxml import etree

from qbschema import ATTRS, Node, safexml, schema
from qbschema.check import read_checked
from qbschema.versions import Trim, trimmer
from qbsim import hresults, status
from qbsim.errors import NotImplementedInQbsim, Outcome, QBXMLRPError, StatusError
from qbsim.handlers import HANDLERS
from qbsim.iterators import continues, page
from qbsim.model.special import QBXML_VERSIONS
from qbsim.render import render

if TYPE_CHECKING:
    from qbsim.company import Company

MAX_REQUEST_ID = 50
# Intuit's QBFC sample: a message set ID over 24 characters is refused with 9004.
MAX_MESSAGE_SET_ID = 24
CLEAR_ALL = "ClearAllMessageSets"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_VERSION = re.compile(r'version\s*=\s*"([^"]*)"')
_QUOTE = {'"': "&quot;"}
_ATTR_SPECIAL = re.compile('[&<>"]')
_STOP = "stopOnError"
_OK_ATTRS = f' statusCode="0" statusSeverity="Info" statusMessage="{status.OK}"'


@dataclass
class StoredSet:
    """What error recovery keeps of a message set sent with ``newMessageSetID``.

    ``checksum`` fingerprints the stored answers; a mismatch (a damaged store, as a fault
    can make) is what QuickBooks reports as 9001.
    """

    checksum: str
    responses: list[bytes]


@dataclass
class Request:
    """One request element of a checked document, its data (as ``Schema.read`` gives it), and
    the status it must be answered with instead of running it (a field too long: 3070), if
    any."""

    element: etree._Element
    body: Any
    refusal: StatusError | None = None


# -- reading and checking the document ----------------------------------------------------
def parse_document(
    request_xml: str | bytes, versions: Iterable[str] = QBXML_VERSIONS
) -> etree._Element:
    """Parse the request text; refuse it as QuickBooks does when it is not qbXML."""
    if isinstance(request_xml, str):
        request_xml = _DECLARATION.sub("", request_xml, count=1)
    try:
        root = safexml.parse(request_xml)
    except etree.XMLSyntaxError as exc:
        raise QBXMLRPError(hresults.PARSE_ERROR, f"line {exc.lineno}: {exc.msg}") from exc
    except safexml.UnsafeDocumentError as exc:
        raise QBXMLRPError(hresults.PARSE_ERROR, f"line {exc.line}: {exc}") from None
    version = _qbxml_version(root)
    if version is None:
        raise QBXMLRPError(hresults.PARSE_ERROR, 'no <?qbxml version="..."?> instruction')
    if version not in set(versions):
        raise QBXMLRPError(hresults.VERSION_UNSUPPORTED, f"qbXML version {version!r}")
    if root.tag != "QBXML":
        raise QBXMLRPError(hresults.PARSE_ERROR, f"line {root.sourceline}: root is {root.tag}")
    return root


def _refuse_macros(request_xml: str | bytes, root: etree._Element) -> None:
    """Macros (``defMacro`` naming a new record's ID, ``useMacro`` using it later in the set)
    are not simulated: a document that uses one is refused as such, never half-answered."""
    if isinstance(request_xml, str) and "useMacro" not in request_xml:
        return  # the common case, without a walk of the tree
    used = root.xpath("//*[@useMacro]")
    if used:
        raise NotImplementedInQbsim(f"{used[0].tag} with useMacro (qbXML macros)")


def _qbxml_version(root: etree._Element) -> str | None:
    sibling = root.getprevious()
    while sibling is not None:
        if isinstance(sibling, etree._ProcessingInstruction) and sibling.target == "qbxml":
            found = _VERSION.search(sibling.text or "")
            return found.group(1) if found else ""
        sibling = sibling.getprevious()
    return None


def _refuse(element: etree._Element, what: str) -> QBXMLRPError:
    return QBXMLRPError(hresults.PARSE_ERROR, f"line {element.sourceline}: {what}")


def message_set(root: etree._Element) -> etree._Element:
    """The ``QBXMLMsgsRq`` element, its envelope checked (attributes, stray text)."""
    if root.attrib:
        raise _refuse(root, f"QBXML has no attribute {next(iter(root.attrib))}")
    _no_stray_text(root)
    children = [c for c in root if isinstance(c.tag, str)]
    for child in children:
        if child.tag in ("SignonMsgsRq", "QBXMLSubscriptionMsgsRq"):
            raise NotImplementedInQbsim(child.tag)
    if len(children) != 1 or children[0].tag != "QBXMLMsgsRq":
        raise _refuse(children[0] if children else root, "expected one QBXMLMsgsRq in QBXML")
    msgs = children[0]
    _check_envelope(msgs)
    _no_stray_text(msgs)
    return msgs


def _no_stray_text(element: etree._Element) -> None:
    if (element.text or "").strip():
        raise _stray_text(element, None)
    for child in element:
        if (child.tail or "").strip():
            raise _stray_text(element, child)


def _check_envelope(msgs: etree._Element) -> None:
    spec = schema().envelope["QBXMLMsgsRq"]
    for name, value in msgs.attrib.items():
        allowed = spec.get(name)
        if allowed is None:
            raise _refuse(msgs, f"QBXMLMsgsRq has no attribute {name}")
        if "enum" in allowed and value not in allowed["enum"]:
            raise _refuse(msgs, f"QBXMLMsgsRq {name}={value!r} is not one of {allowed['enum']}")
    if "onError" not in msgs.attrib:
        raise _refuse(msgs, "QBXMLMsgsRq: attribute onError is required")


def check_request(element: etree._Element) -> Request:
    """Check one request element against its content model (see the module docstring) and
    read its data, in one pass."""
    tag = element.tag
    if tag not in schema().all_requests:
        raise _refuse(element, f"{tag} is not a qbXML request")
    if tag not in HANDLERS:
        raise NotImplementedInQbsim(tag)
    # Texts too long for their field are answered 3070, so they are cut to size while the
    # rest is checked.
    checked = read_checked(element, schema().request_node(tag), cut_long_texts=True)
    if checked.problem is not None:
        raise QBXMLRPError(hresults.PARSE_ERROR, str(checked.problem))
    if checked.stray is not None:
        raise _stray_text(*checked.stray)
    if checked.too_long:
        leaf, field, _limit = checked.too_long[0]
        return Request(element, checked.value, status.string_too_long(leaf.text, field))
    return Request(element, checked.value)


def _stray_text(element: etree._Element, child: etree._Element | None) -> QBXMLRPError:
    if child is None:
        return _refuse(element, f"{element.tag} takes elements, not text")
    return _refuse(child, f"{element.tag} takes elements, not text (after {child.tag})")


# -- answering ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answered:
    """What a document just answered was, known from answering it (so the host need not
    read the texts again): each request's type and line count, and each answer's tag,
    status code and number of records returned."""

    types: tuple[str, ...]
    lines: tuple[int, ...]
    answers: tuple[tuple[str, int, int], ...]


def process(company: Company, request_xml: str | bytes) -> str:
    """Answer one request document as QuickBooks would (see module docstring).
    ``company.answered`` then says what was answered (None for a recovered or stripped
    answer, or a refused document)."""
    company.answered = None
    root = parse_document(request_xml, company.host.supported_versions)
    _refuse_macros(request_xml, root)
    msgs = message_set(root)
    requests = [check_request(r) for r in msgs if isinstance(r.tag, str)]
    if msgs.get("onError") == "rollbackOnError":
        raise QBXMLRPError(hresults.ROLLBACK_NOT_SUPPORTED)
    envelope: dict[str, str] = {}
    recovered = _recovered(company, msgs, bool(requests), envelope)
    if recovered is not None:
        return _serialise(envelope, recovered)
    trim = trimmer(_qbxml_version(root) or "")  # answers cut to the request's version
    answers, summaries = _run(company, requests, msgs.get("onError") == _STOP, trim)
    new_id = msgs.get("newMessageSetID")
    if new_id is not None:
        stored = [answer.encode() for answer in answers]
        company.message_sets[new_id] = StoredSet(digest(stored), stored)
        envelope["newMessageSetID"] = new_id
    if msgs.get("responseData") == "includeNone":
        answers = [_strip(a) for a in answers]
    else:
        company.answered = _answered(requests, summaries)
    return _serialise(envelope, answers)


def _answered(requests: list[Request], summaries: list[tuple[str, int, int]]) -> Answered:
    return Answered(
        tuple(r.element.tag for r in requests),
        tuple(_line_count(r.element) for r in requests),
        tuple(summaries),
    )


def _line_count(element: etree._Element) -> int:
    """How many transaction lines a checked request holds (elements named in ``line_tags``)."""
    tags = _request_line_tags(element.tag)
    return sum(1 for _ in element.iter(*tags)) if tags else 0


@cache
def _request_line_tags(request: str) -> tuple[str, ...]:
    """The ``line_tags`` a request type can hold. A checked request holds no element its
    content model lacks, so a query's lines are counted without walking it. Found from the
    request's own content model (every line element also sits in some global element's, so
    these are the ``line_tags`` it holds), without walking the whole schema for them."""
    return _line_names(_names([schema().request_node(request).id]))


@cache
def line_tags() -> tuple[str, ...]:
    """Every qbXML element name of a transaction line (``…LineAdd``, ``…LineMod``)."""
    return _line_names(_names(schema().elements.values()))


def _line_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(name for name in names if "LineAdd" in name or "LineMod" in name))


def _names(node_ids: Iterable[str]) -> set[str]:
    """The element names within the nodes' content, at any depth (one walk for all)."""
    found: set[str] = set()
    pending, seen = [schema().node(node_id) for node_id in node_ids], set()
    while pending:
        node = pending.pop()
        if node.id in seen:
            continue
        seen.add(node.id)
        for name, (sub, _) in node.kids.items():
            found.add(name)
            pending.append(sub)
    return found


def digest(answers: list[bytes]) -> str:
    """The checksum error recovery keeps beside stored answers."""
    sha = hashlib.sha1()
    for answer in answers:
        sha.update(answer)
    return sha.hexdigest()


def _strip(answer: str) -> str:
    element = etree.fromstring(answer, safexml.parser())
    for child in list(element):
        element.remove(child)
    return etree.tostring(element, encoding="unicode")


def _attr_text(attrs: dict[str, str]) -> str:
    return "".join(f' {name}="{_attr_escape(value)}"' for name, value in attrs.items())


def _attr_escape(value: str) -> str:
    return escape(value, _QUOTE) if _ATTR_SPECIAL.search(value) else value


def _serialise(envelope: dict[str, str], answers: list[str]) -> str:
    body = "".join(answers)
    return (
        f'<?xml version="1.0" ?>\n<QBXML><QBXMLMsgsRs{_attr_text(envelope)}>{body}'
        "</QBXMLMsgsRs></QBXML>"
    )


def _recovered(company: Company, msgs, has_requests: bool, envelope: dict) -> list[str] | None:
    """Message-set error recovery: the answers when they are complete without running the
    requests, else None.

    A set with requests runs (its answers are stored under ``newMessageSetID``). An empty set
    with ``oldMessageSetID`` = ``newMessageSetID`` asks for the stored answers (9002 when none
    are stored, 9001 when they fail their checksum); with only ``oldMessageSetID`` it clears
    them (600 when none were stored; ``ClearAllMessageSets`` clears every one). Inferred: a
    found set is answered with ``messageSetStatusCode="0"``, and ``oldMessageSetID`` on a set
    that carries requests is ignored (QBFC never sends that combination).
    """
    old_id, new_id = msgs.get("oldMessageSetID"), msgs.get("newMessageSetID")
    if any(i is not None and len(i) > MAX_MESSAGE_SET_ID for i in (old_id, new_id)):
        envelope["messageSetStatusCode"] = "9004"
        return []
    if has_requests or old_id is None:
        return None
    if new_id is None:
        return _clear(company, envelope, old_id)
    stored = company.message_sets.get(old_id)
    if stored is None:
        envelope["messageSetStatusCode"] = "9002"
        return []
    if stored.checksum != digest(stored.responses):
        envelope["messageSetStatusCode"] = "9001"
        return []
    envelope["newMessageSetID"] = old_id
    envelope["messageSetStatusCode"] = "0"
    return [answer.decode() for answer in stored.responses]


def _clear(company: Company, envelope: dict, old_id: str) -> list[str]:
    if old_id == CLEAR_ALL:
        company.message_sets.clear()
    elif company.message_sets.pop(old_id, None) is None:
        envelope["messageSetStatusCode"] = "600"
    return []


def _run(
    company: Company, requests: list[Request], stop: bool, trim: Trim | None = None
) -> tuple[list[str], list[tuple[str, int, int]]]:
    """The answers, and for each its tag, status code and records returned."""
    answers: list[str] = []
    summaries: list[tuple[str, int, int]] = []
    failed = False
    for request in requests:
        rs_tag = request.element.tag[:-2] + "Rs"
        if failed:
            answers.append(_status_only(request.element, 3231, status.NOT_PROCESSED, "Error"))
            summaries.append((rs_tag, 3231, 0))
            continue
        answer, severity, code, returned = _answer(company, request, trim)
        answers.append(answer)
        summaries.append((rs_tag, code, returned))
        failed = stop and severity == "Error"
    return answers, summaries


def _status_only(request: etree._Element, code: int, message: str, severity: str) -> str:
    rs_tag = request.tag[:-2] + "Rs"
    attrs = _status_attrs(request.get("requestID"), code, severity, message)
    return f"<{rs_tag}{_attr_text(attrs)}/>"


def _status_attrs(request_id, code: int, severity: str, message: str) -> dict[str, str]:
    attrs = {} if request_id is None else {"requestID": request_id}
    attrs.update(statusCode=str(code), statusSeverity=severity, statusMessage=message)
    return attrs


def _answer(
    company: Company, request: Request, trim: Trim | None = None
) -> tuple[str, str, int, int]:
    """The answer's text, severity, status code and records returned; ``trim`` cuts the
    answer's data to an older qbXML version (``qbschema.versions``)."""
    element = request.element
    tag, request_id = element.tag, element.get("requestID")
    try:
        if request_id is not None and len(request_id) > MAX_REQUEST_ID:
            raise status.request_id_too_long()
        if request.refusal is not None:
            raise request.refusal
        for hook in company.request_hooks:
            refusal = hook(tag, element)
            if refusal is not None:
                raise refusal
        body = request.body
        attrs = body.pop(ATTRS, {}) if isinstance(body, dict) else {}
        # An iterator's Continue/Stop pages from what Start found; the query is not re-run.
        outcome = Outcome() if continues(attrs) else HANDLERS[tag](company, body, attrs)
        outcome = _finish(company, tag, body, attrs, outcome)
        if trim is not None:
            kids = _response_kids(tag)
            outcome.children = [(t, trim(v, kids[t][0])) for t, v in outcome.children]
    except StatusError as exc:
        answer = _status_only(element, exc.code, exc.message, exc.severity)
        return answer, exc.severity, exc.code, 0
    answer = _build_rs(tag, request_id, attrs, outcome)
    return answer, outcome.severity, outcome.code, _returned(attrs, outcome)


def _returned(attrs: dict, outcome: Outcome) -> int:
    """How many records (``…Ret`` elements) the answer carries."""
    if attrs.get("metaData", "NoMetaData") == "MetaDataOnly":
        return 0
    return sum(1 for child_tag, _ in outcome.children if child_tag.endswith("Ret"))


def _finish(company: Company, tag: str, body: dict, attrs: dict, outcome: Outcome) -> Outcome:
    if tag.endswith("QueryRq"):
        outcome = page(company, tag, body, attrs, outcome)
        if not outcome.children and outcome.code == 0 and attrs.get("iterator") != "Stop":
            outcome.code, outcome.message, outcome.severity = 1, status.NO_MATCH, "Info"
    include = body.get("IncludeRetElement")
    if include:
        outcome.children = [(t, _project(t, v, include)) for t, v in outcome.children]
    return outcome


def _project(tag: str, value: Any, include: list[str]) -> Any:
    if not tag.endswith("Ret") or not isinstance(value, dict):
        return value
    # Looked up by the (few) names asked for; key order does not matter, the answer is
    # rendered in schema order.
    return {k: value[k] for k in include if k in value}


def _build_rs(tag: str, request_id, attrs: dict, outcome: Outcome) -> str:
    rs_tag = tag[:-2] + "Rs"
    meta = attrs.get("metaData", "NoMetaData")
    if meta == "NoMetaData" and not outcome.rs_attrs and outcome.code == 0:
        head = _ok_attr_text(request_id, outcome)  # the common answer's attributes
    else:
        rs_attrs = _status_attrs(request_id, outcome.code, outcome.severity, outcome.message)
        rs_attrs.update(outcome.rs_attrs)
        if meta != "NoMetaData":
            rs_attrs["retCount"] = str(len(outcome.children))
        head = _attr_text(rs_attrs)
    if meta == "MetaDataOnly" or not outcome.children:
        return f"<{rs_tag}{head}/>"
    parts = [f"<{rs_tag}{head}>"]
    kids = _response_kids(tag)
    for child_tag, value in outcome.children:
        parts.append(render(child_tag, kids[child_tag][0], value))
    parts.append(f"</{rs_tag}>")
    return "".join(parts)


@cache
def _response_kids(tag: str) -> dict[str, tuple[Node, bool]]:
    """The children a request type's answer element can hold."""
    return schema().response_node(tag).kids


def _ok_attr_text(request_id: str | None, outcome: Outcome) -> str:
    """``_attr_text`` of the attributes of an answer with status 0 and nothing more."""
    shown = "" if request_id is None else f' requestID="{_attr_escape(request_id)}"'
    if outcome.message == status.OK and outcome.severity == "Info":
        return shown + _OK_ATTRS
    return shown + _attr_text(
        {"statusCode": "0", "statusSeverity": outcome.severity, "statusMessage": outcome.message}
    )
