"""The wire layer: one qbXML request document in, one response document out.

It parses and checks the document as QuickBooks' request processor does (a document that is
not well-formed or breaks the schema is refused whole with HRESULT 0x80040400), runs each
request through the handler table, applies ``onError``, iterators, ``IncludeRetElement``,
``responseData`` and message-set error recovery, and serialises the answer in schema order.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

from qbschema import ATTRS, check_element, schema
from qbsim import hresults, status
from qbsim.errors import NotImplementedInQbsim, Outcome, QBXMLRPError, StatusError
from qbsim.handlers import HANDLERS
from qbsim.iterators import page

if TYPE_CHECKING:
    from qbsim.company import Company

SUPPORTED_VERSIONS = frozenset(
    f"{major}.{minor}" for major in range(1, 17) for minor in range(0, 2)
) | {"2.1", "3.0", "4.1", "5.0", "6.0", "7.0"}
MAX_REQUEST_ID = 50
MAX_MESSAGE_SET_ID = 24
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_VERSION = re.compile(r'version\s*=\s*"([^"]*)"')
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_STOP = "stopOnError"


@dataclass
class StoredSet:
    """What error recovery keeps of a message set sent with ``newMessageSetID``."""

    checksum: str
    responses: list[bytes]


@dataclass
class Iteration:
    """A query iterator: the IDs still to hand out, page by page, this session."""

    request_type: str
    remaining: list[tuple[str, str]]  # (kind, record id)
    extra: dict[str, Any] = field(default_factory=dict)


def parse_document(request_xml: str | bytes) -> etree._Element:
    """Parse the request text; refuse it as QuickBooks does when it is not qbXML."""
    if isinstance(request_xml, str):
        request_xml = _DECLARATION.sub("", request_xml, count=1)
    try:
        root = etree.fromstring(request_xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise QBXMLRPError(hresults.PARSE_ERROR, f"line {exc.lineno}: {exc.msg}") from exc
    version = _qbxml_version(root)
    if version is None:
        raise QBXMLRPError(hresults.PARSE_ERROR, 'no <?qbxml version="..."?> instruction')
    if version not in SUPPORTED_VERSIONS:
        raise QBXMLRPError(hresults.VERSION_UNSUPPORTED, f"qbXML version {version!r}")
    if root.tag != "QBXML":
        raise QBXMLRPError(hresults.PARSE_ERROR, f"line {root.sourceline}: root is {root.tag}")
    return root


def _qbxml_version(root: etree._Element) -> str | None:
    sibling = root.getprevious()
    while sibling is not None:
        if isinstance(sibling, etree._ProcessingInstruction) and sibling.target == "qbxml":
            found = _VERSION.search(sibling.text or "")
            return found.group(1) if found else ""
        sibling = sibling.getprevious()
    return None


def message_set(root: etree._Element) -> etree._Element:
    """The ``QBXMLMsgsRq`` element, checked: attributes, request types, schema."""
    children = [c for c in root if isinstance(c.tag, str)]
    for child in children:
        if child.tag in ("SignonMsgsRq", "QBXMLSubscriptionMsgsRq"):
            raise NotImplementedInQbsim(child.tag)
    if len(children) != 1 or children[0].tag != "QBXMLMsgsRq":
        where = children[0].sourceline if children else root.sourceline
        raise QBXMLRPError(hresults.PARSE_ERROR, f"line {where}: expected one QBXMLMsgsRq")
    msgs = children[0]
    _check_envelope(msgs)
    for request in msgs:
        if isinstance(request.tag, str):
            _check_request(request)
    return msgs


def _check_envelope(msgs: etree._Element) -> None:
    spec = schema().envelope["QBXMLMsgsRq"]
    for name, value in msgs.attrib.items():
        allowed = spec.get(name)
        if allowed is None or ("enum" in allowed and value not in allowed["enum"]):
            raise QBXMLRPError(
                hresults.PARSE_ERROR, f"line {msgs.sourceline}: QBXMLMsgsRq {name}={value!r}"
            )
    if "onError" not in msgs.attrib:
        raise QBXMLRPError(hresults.PARSE_ERROR, "QBXMLMsgsRq: attribute onError is required")
    if msgs.get("onError") == "rollbackOnError":
        raise QBXMLRPError(hresults.ROLLBACK_NOT_SUPPORTED)


def _check_request(request: etree._Element) -> None:
    tag = request.tag
    if tag not in schema().all_requests:
        raise QBXMLRPError(
            hresults.PARSE_ERROR, f"line {request.sourceline}: {tag} is not a qbXML request"
        )
    if tag not in HANDLERS:
        raise NotImplementedInQbsim(tag)
    problems = check_element(schema(), request, schema().request_node(tag))
    if problems:
        raise QBXMLRPError(hresults.PARSE_ERROR, str(problems[0]))


def checksum(msgs: etree._Element) -> str:
    """A fingerprint of a message set's requests, to tell a resend from a different set."""
    digest = hashlib.sha1()
    for request in msgs:
        if isinstance(request.tag, str):
            digest.update(etree.tostring(request, method="c14n"))
    return digest.hexdigest()


def process(company: Company, request_xml: str | bytes) -> str:
    """Answer one request document as QuickBooks would (see module docstring)."""
    msgs = message_set(parse_document(request_xml))
    response = etree.Element("QBXMLMsgsRs")
    old_id, new_id = msgs.get("oldMessageSetID"), msgs.get("newMessageSetID")
    if old_id is not None or new_id is not None:
        recovered = _recover(company, msgs, response, old_id, new_id)
        if recovered:
            return _serialise(response)
    answers = _run(company, msgs)
    if new_id is not None:
        company.message_sets[new_id] = StoredSet(checksum(msgs), answers)
        response.set("newMessageSetID", new_id)
    if msgs.get("responseData") == "includeNone":
        answers = [_strip(a) for a in answers]
    for answer in answers:
        response.append(etree.fromstring(answer))
    return _serialise(response)


def _strip(answer: bytes) -> bytes:
    element = etree.fromstring(answer)
    for child in list(element):
        element.remove(child)
    return etree.tostring(element)


def _serialise(response: etree._Element) -> str:
    root = etree.Element("QBXML")
    root.append(response)
    return '<?xml version="1.0" ?>\n' + etree.tostring(root, encoding="unicode")


def _recover(company, msgs, response, old_id, new_id) -> bool:
    """Error recovery; True when the answer is complete without running the requests."""
    for given in (old_id, new_id):
        if given is not None and len(given) > MAX_MESSAGE_SET_ID:
            response.set("messageSetStatusCode", "9004")
            return True
    if old_id is None:
        return False
    has_requests = any(isinstance(r.tag, str) for r in msgs)
    if new_id is None and not has_requests:
        return _clear(company, response, old_id)
    stored = company.message_sets.get(old_id)
    if stored is None:
        response.set("messageSetStatusCode", "9002" if new_id is not None else "600")
        return not has_requests
    if has_requests and stored.checksum != checksum(msgs):
        response.set("messageSetStatusCode", "9001")
        return True
    response.set("newMessageSetID", old_id)
    for answer in stored.responses:
        response.append(etree.fromstring(answer))
    return True


def _clear(company, response, old_id: str) -> bool:
    if old_id == "ClearAllMessageSets":
        company.message_sets.clear()
    elif company.message_sets.pop(old_id, None) is None:
        response.set("messageSetStatusCode", "600")
    return True


def _run(company: Company, msgs: etree._Element) -> list[bytes]:
    stop = msgs.get("onError") == _STOP
    answers: list[bytes] = []
    failed = False
    for request in msgs:
        if not isinstance(request.tag, str):
            continue
        if failed:
            answers.append(_status_only(request, 3231, status.NOT_PROCESSED, "Error"))
            continue
        answer, code_severity = _answer(company, request)
        answers.append(answer)
        failed = stop and code_severity == "Error"
    return answers


def _status_only(request: etree._Element, code: int, message: str, severity: str) -> bytes:
    rs = etree.Element(request.tag[:-2] + "Rs")
    _status_attrs(rs, request.get("requestID"), code, severity, message)
    return etree.tostring(rs)


def _status_attrs(rs, request_id, code: int, severity: str, message: str) -> None:
    if request_id is not None:
        rs.set("requestID", request_id)
    rs.set("statusCode", str(code))
    rs.set("statusSeverity", severity)
    rs.set("statusMessage", message)


def _answer(company: Company, request: etree._Element) -> tuple[bytes, str]:
    tag = request.tag
    request_id = request.get("requestID")
    try:
        if request_id is not None and len(request_id) > MAX_REQUEST_ID:
            raise status.request_id_too_long()
        for hook in company.request_hooks:
            refusal = hook(tag, request)
            if refusal is not None:
                raise refusal
        body = schema().read(request, schema().request_node(tag))
        attrs = body.pop(ATTRS, {}) if isinstance(body, dict) else {}
        outcome = HANDLERS[tag](company, body, attrs)
        outcome = _finish_query(company, tag, body, attrs, outcome)
    except StatusError as exc:
        return _status_only(request, exc.code, exc.message, exc.severity), exc.severity
    return _build_rs(tag, request_id, attrs, outcome), outcome.severity


def _finish_query(company, tag: str, body: dict, attrs: dict, outcome: Outcome) -> Outcome:
    if not tag.endswith("QueryRq"):
        return outcome
    outcome = page(company, tag, body, attrs, outcome)
    include = body.get("IncludeRetElement")
    if include:
        outcome.children = [(t, _project(v, include)) for t, v in outcome.children]
    if not outcome.children and outcome.code == 0 and attrs.get("iterator") != "Stop":
        outcome.code, outcome.message, outcome.severity = 1, status.NO_MATCH, "Info"
    return outcome


def _project(value: Any, include: list[str]) -> Any:
    if not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items() if k in include}


def _build_rs(tag: str, request_id, attrs: dict, outcome: Outcome) -> bytes:
    rs_tag = tag[:-2] + "Rs"
    rs_node = schema().response_node(tag)
    rs = etree.Element(rs_tag)
    _status_attrs(rs, request_id, outcome.code, outcome.severity, outcome.message)
    for name, value in outcome.rs_attrs.items():
        rs.set(name, value)
    if attrs.get("metaData") == "MetaDataOnly":
        rs.set("retCount", str(len(outcome.children)))
        return etree.tostring(rs)
    if attrs.get("metaData") == "MetaDataAndResponseData":
        rs.set("retCount", str(len(outcome.children)))
    for child_tag, value in outcome.children:
        child_node = schema().node(rs_node.children[child_tag].node)
        rs.append(schema().build(child_tag, child_node, value))
    return etree.tostring(rs)
