"""Response documents into :class:`ResponseSet` / :class:`Response`; request documents back.

Records come out as plain dicts read through ``qbschema`` (repeatable children are lists, leaf
values are the wire strings). Response types outside the product's schema data (a
``SalesOrderAddRs`` in a customer's log, say) are read generically: a tag seen twice becomes a
list. Nothing here validates against the XSD; that is the CLI's job.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lxml import etree

from qbschema import ATTRS, Node, SchemaDataError, safexml, schema
from qbschema.model import leaf_data
from syncengine.errors import QBStatusError, TransportError
from syncengine.qbxml import status
from syncengine.qbxml.build import MessageSet, Request


class ResponseParseError(TransportError, ValueError):
    """The answer is not a readable qbXML response; treat it as lost (error-recovery check)."""


@dataclass(slots=True)
class Response:
    """One ``xxxRs``: its status, iterator state and Ret records as plain dicts.

    ``record_types`` holds each record's element name (``CustomerRet``; for Del/Void responses,
    whose fields sit directly in the ``xxxRs``, the response type itself).
    """

    type: str
    status_code: int
    status_severity: str
    status_message: str = ""
    request_id: str | None = None
    ret_count: int | None = None
    iterator_id: str | None = None
    iterator_remaining_count: int | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    record_types: list[str] = field(default_factory=list)
    error_recovery: dict[str, Any] | None = None

    @property
    def request_type(self) -> str:
        """The request this answers (``CustomerAddRq`` for ``CustomerAddRs``)."""
        return self.type[:-2] + "Rq"

    @property
    def record(self) -> dict[str, Any] | None:
        """The first record, or None (Add and Mod responses carry at most one)."""
        return self.records[0] if self.records else None

    @property
    def is_error(self) -> bool:
        """True when QuickBooks reports severity Error (warnings and "nothing found" are not)."""
        return self.status_severity.lower() == "error"

    @property
    def is_nothing_found(self) -> bool:
        """True for "no matching object": code 1, or 500 on a query."""
        return status.is_nothing_found(self.status_code, self.type)

    @property
    def is_retryable_lock(self) -> bool:
        """True for 3170/3175/3176/3180: the list was busy; sending again usually works."""
        return status.is_retryable_lock(self.status_code)

    @property
    def is_stale(self) -> bool:
        """True for 3200: the EditSequence was out of date; re-query before resending."""
        return status.is_stale(self.status_code)

    @property
    def is_not_processed(self) -> bool:
        """True for 3231: an earlier request in a stopOnError set failed; this one never ran."""
        return self.status_code == status.NOT_PROCESSED

    def error(self) -> QBStatusError | None:
        """The QBStatusError this response stands for, or None when it is not an error."""
        if not self.is_error:
            return None
        return QBStatusError(
            self.status_code,
            self.status_severity,
            self.status_message,
            self.request_type,
            self.request_id,
        )

    def raise_for_status(self) -> Response:
        """Raise QBStatusError when severity is Error; otherwise return self."""
        error = self.error()
        if error is not None:
            raise error
        return self


@dataclass(slots=True)
class ResponseSet:
    """A ``QBXMLMsgsRs``: the responses in request order plus the message-set status."""

    responses: list[Response]
    message_set_status_code: int | None = None
    new_message_set_id: str | None = None

    def __iter__(self) -> Iterator[Response]:
        return iter(self.responses)

    def __len__(self) -> int:
        return len(self.responses)

    def __getitem__(self, index: int) -> Response:
        return self.responses[index]

    def by_request_id(self, request_id: str) -> Response | None:
        """The response echoing ``request_id``, or None."""
        return next((r for r in self.responses if r.request_id == request_id), None)

    def errors(self) -> list[Response]:
        """The responses with severity Error, in order."""
        return [r for r in self.responses if r.is_error]

    def raise_for_status(self) -> ResponseSet:
        """Raise the first response's QBStatusError, if any; otherwise return self."""
        for response in self.responses:
            response.raise_for_status()
        return self


# -- reading ---------------------------------------------------------------------------------


def _root(document: str | bytes | etree._Element) -> etree._Element:
    if isinstance(document, etree._Element):
        return document
    try:
        return safexml.parse(document, clean=True)
    except etree.XMLSyntaxError as exc:
        raise ResponseParseError(f"the qbXML document is not well-formed: {exc}") from None
    except safexml.UnsafeDocumentError as exc:
        raise ResponseParseError(f"the qbXML answer is refused: {exc}") from None


def _messages(root: etree._Element, tag: str) -> etree._Element:
    if root.tag != "QBXML":
        raise ResponseParseError(f"expected a QBXML document, got root element <{root.tag}>")
    found = root.find(tag)
    if found is None:
        present = ", ".join(str(c.tag) for c in root) or "nothing"
        raise ResponseParseError(f"QBXML holds no {tag} (it holds {present})")
    return found


@cache
def _rs_kids() -> dict[str, dict[str, tuple[Node, bool]]]:
    """Per response type in the schema data, its children's nodes (``Node.kids``)."""
    sch = schema()
    return {info["rs"]: sch.node(info["rs_node"]).kids for info in sch.messages.values()}


def read_generic(element: etree._Element) -> Any:
    """Plain data from any element: text for leaves, dicts otherwise, lists for repeated tags."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return element.text or ""
    out: dict[str, Any] = {}
    for child in children:
        value = read_generic(child)
        if child.tag in out:
            prior = out[child.tag]
            if isinstance(prior, list):
                prior.append(value)
            else:
                out[child.tag] = [prior, value]
        else:
            out[child.tag] = value
    return out


def read_element(element: etree._Element, node: Node) -> Any:
    """Plain data from an element, as ``Schema.read`` gives it (lists where repeatable); a
    child the schema does not know is a ResponseParseError naming it and its line."""
    try:
        return schema().read(element, node)
    except SchemaDataError as exc:
        raise ResponseParseError(
            f"line {exc.line}: {exc.path} has no child element {exc.field} in qbXML "
            f"{schema().version} (is QuickBooks answering another version?)"
        ) from None


def _int(element: etree._Element, name: str, required: bool = False) -> int | None:
    text = element.get(name)
    if text is None:
        if required:
            raise ResponseParseError(f"line {element.sourceline}: {element.tag} has no {name}")
        return None
    try:
        return int(text)
    except ValueError:
        raise ResponseParseError(
            f"line {element.sourceline}: {element.tag} {name}={text!r} is not a number"
        ) from None


def _response(element: etree._Element, shallow: bool = False) -> Response:
    tag = element.tag
    attrs = element.attrib
    code = _int(element, "statusCode", required=True)
    response = Response(
        tag,
        code,  # type: ignore[arg-type]
        attrs.get("statusSeverity") or status.severity_of(code),  # type: ignore[arg-type]
        attrs.get("statusMessage", ""),
        attrs.get("requestID"),
        _int(element, "retCount"),
        attrs.get("iteratorID"),
        _int(element, "iteratorRemainingCount"),
    )
    kids = _rs_kids().get(tag)
    direct: dict[str, Any] = {}
    for child in element:
        child_tag = child.tag
        if child_tag.__class__ is not str:
            continue
        if shallow and kids is not None and child_tag.endswith("Ret"):
            value = _shallow_child(kids, element, child)
        else:
            value = _read_child(kids, element, child)
        if child_tag == "ErrorRecovery":
            response.error_recovery = value
        elif child_tag.endswith("Ret"):
            response.records.append(value)
            response.record_types.append(child_tag)
        else:
            direct[child_tag] = value
    if direct:
        response.records.append(direct)
        response.record_types.append(tag)
    return response


def _read_child(kids: dict | None, parent: etree._Element, child: etree._Element) -> Any:
    """A child of an ``xxxRs`` read by its schema node, or generically when the response type
    is not in the schema data (``kids`` None)."""
    if kids is None:
        return read_generic(child)
    kid = kids.get(child.tag)
    if kid is None:
        raise ResponseParseError(
            f"line {child.sourceline}: {parent.tag} has no child element {child.tag} in qbXML "
            f"{schema().version}"
        )
    return read_element(child, kid[0])


def _shallow_child(kids: dict, parent: etree._Element, child: etree._Element) -> dict:
    """A record's own fields (its leaves: ListID, EditSequence, TimeModified …) without its
    parts (references, addresses, lines), which are neither read nor checked."""
    kid = kids.get(child.tag)
    if kid is None or kid[0].content is None:
        return _read_child(kids, parent, child)  # refused, or not a record: read in full
    readers = kid[0].readers
    out: dict[str, Any] = {}
    for field_element in child:
        reader = readers.get(field_element.tag)
        if reader is None:
            if field_element.tag.__class__ is str:  # unknown: the full read words the error
                return _read_child(kids, parent, child)
            continue
        if reader[0] is None:  # a leaf, read as Schema.read reads it
            value = leaf_data(field_element)
            if reader[1]:
                out.setdefault(field_element.tag, []).append(value)
            else:
                out[field_element.tag] = value
    return out


def parse_response(document: str | bytes | etree._Element, *, shallow: bool = False) -> ResponseSet:
    """Read a qbXML response document; ResponseParseError when it is not one.

    ``shallow``: each record holds only its own fields (the leaves directly under
    ``…Ret``), enough to learn a write's ListID/TxnID, EditSequence and TimeModified;
    references, addresses and lines are skipped unread."""
    msgs = _messages(_root(document), "QBXMLMsgsRs")
    responses = [_response(child, shallow) for child in msgs if isinstance(child.tag, str)]
    return ResponseSet(
        responses,
        _int(msgs, "messageSetStatusCode"),
        msgs.get("newMessageSetID"),
    )


def parse_request(document: str | bytes | etree._Element) -> MessageSet:
    """Read a qbXML request document back into a MessageSet (checked as when built).

    Only the request types this product speaks are accepted; others raise BuildError.
    """
    msgs = _messages(_root(document), "QBXMLMsgsRq")
    sch = schema()
    requests = []
    for child in msgs:
        if not isinstance(child.tag, str):
            continue
        node = sch.request_node(child.tag) if child.tag in sch.messages else None
        requests.append(_request(child, node))
    return MessageSet(
        requests,
        on_error=msgs.get("onError", ""),
        new_message_set_id=msgs.get("newMessageSetID"),
        old_message_set_id=msgs.get("oldMessageSetID"),
        response_data=msgs.get("responseData"),
    )


def _request(element: etree._Element, node: Node | None) -> Request:
    if node is None:
        return Request(element.tag)  # raises BuildError naming the unknown type
    data = read_element(element, node)
    attrs = data.pop(ATTRS, {})
    include = data.pop("IncludeRetElement", ())
    return Request(
        element.tag,
        data,
        request_id=attrs.get("requestID"),
        iterator=attrs.get("iterator"),
        iterator_id=attrs.get("iteratorID"),
        meta_data=attrs.get("metaData"),
        include=include,
    )
