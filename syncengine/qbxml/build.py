"""Request documents: one :class:`Request` per ``xxxRq``, gathered into a :class:`MessageSet`.

A request is checked and built when it is made, so a bad value is refused with the record's
label before anything is sent. Element order, occurrence and value checks come from
``qbschema`` (``Schema.build``); this module adds the envelope, the text policy and the limits
QuickBooks applies beyond the XSD. Data that needs nothing from the text policy and fits the
schema as given (the common case) is rendered in one compiled walk (``compiled``); anything
else takes the general path, which says what is wrong.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from qbschema import ATTRS, Node, Schema, SchemaDataError, safexml, schema
from syncengine.errors import RecordError, SyncError
from syncengine.qbxml.compiled import request_text
from syncengine.qbxml.text import TextChange, apply_text_policy, check_text

QBXML_VERSION = "16.0"
PROLOG = f'<?xml version="1.0"?>\n<?qbxml version="{QBXML_VERSION}"?>\n'
# The versions a request may be declared in: the schemas held (qbschema.versions). A request
# is built for 16.0; declared 13.0 it must use no element 13.0 lacks (``declare`` checks).
SPOKEN_VERSIONS: tuple[str, ...] = ("13.0", QBXML_VERSION)
_DECLARED_VERSION = re.compile(r'<\?qbxml\s+version="([^"]*)"\s*\?>')
MAX_REQUEST_ID = 50
MAX_MESSAGE_SET_ID = 23
ON_ERROR = ("stopOnError", "continueOnError")
RESPONSE_DATA = ("includeAll", "includeNone")
ITERATOR_STEPS = ("Start", "Continue", "Stop")
CLEAR_ALL = "ClearAllMessageSets"


QUOTE = {'"': "&quot;"}


class BuildError(SyncError, ValueError):
    """The engine refuses to build a request or message set of this shape (says why)."""


def _check_id(what: str, value: str, limit: int, reason: str) -> None:
    if not value:
        raise BuildError(f"{what} must not be empty")
    if len(value) > limit:
        raise BuildError(
            f"{what} {value!r} is {len(value)} characters long; at most {limit} allowed "
            f"({reason}); use a shorter ID"
        )
    try:
        check_text(what, what, value)
    except RecordError as exc:
        raise BuildError(f"{what} {value!r} {exc.reason}") from None


def _id_field(mod_node: Node) -> str:
    return "ListID" if "ListID" in mod_node.children else "TxnID"


class Request:
    """One ``xxxRq``: its type, body data (after the text policy), attributes and element.

    ``changes`` lists the free-text values the text policy replaced; ``record`` is the label
    used in errors. The lxml ``element`` is built once, when the request is made.
    """

    __slots__ = ("attrs", "body", "changes", "record", "text", "type")

    def __init__(
        self,
        rq_type: str,
        body: Mapping[str, Any] | None = None,
        *,
        request_id: str | None = None,
        iterator: str | None = None,
        iterator_id: str | None = None,
        meta_data: str | None = None,
        include: Sequence[str] = (),
        record: str | None = None,
    ) -> None:
        sch = schema()
        node = _request_node(rq_type)
        if request_id is not None:
            _check_id("requestID", request_id, MAX_REQUEST_ID, "QuickBooks answers 1060")
        self.type = rq_type
        self.record = record or _default_label(rq_type, request_id)
        self.attrs = _attrs(sch, rq_type, request_id, iterator, iterator_id, meta_data)
        self.changes: list[TextChange] = []
        data = dict(body or {})
        if include:
            data["IncludeRetElement"] = list(include)
        text = request_text(node, rq_type, data, self.attrs)
        if text is None:  # the policy changes something, or the schema refuses something
            self.body = apply_text_policy(sch, self.record, rq_type, node, data, self.changes)
            text = self._render(sch, node)
        else:
            self.body = data
        self.text = text

    def _render(self, sch: Schema, node: Node) -> str:
        data = dict(self.body)
        data[ATTRS] = self.attrs
        try:
            return sch.render(self.type, node, data)
        except SchemaDataError as exc:
            raise RecordError(
                self.record, _field_path(exc), exc.value, f"{exc.reason}; correct it and sync again"
            ) from None

    @property
    def request_id(self) -> str | None:
        return self.attrs.get("requestID")

    @property
    def iterator_id(self) -> str | None:
        return self.attrs.get("iteratorID")

    @property
    def element(self) -> etree._Element:
        """This request as a fresh lxml element."""
        return etree.fromstring(self.text, safexml.parser())

    def to_xml(self) -> str:
        """This request's element as text (no envelope), for logs."""
        return self.text

    def __repr__(self) -> str:
        rid = f" requestID={self.request_id!r}" if self.request_id is not None else ""
        return f"<Request {self.type}{rid} record={self.record!r}>"


def _field_path(exc: SchemaDataError) -> str:
    if exc.path == exc.field or exc.path.endswith(f".{exc.field}"):
        return exc.path
    return f"{exc.path}.{exc.field}"


@cache
def _request_node(rq_type: str) -> Node:
    """The schema node of a request type, found once per type (an unknown type raises and
    is not cached, so the key space stays the schema's own request types)."""
    try:
        return schema().request_node(rq_type)
    except KeyError:
        close = difflib.get_close_matches(rq_type, schema().messages, n=3)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise BuildError(
            f"{rq_type} is not a request type this product speaks; {hint}the full list is "
            "qbschema.schema().messages"
        ) from None


def _default_label(rq_type: str, request_id: str | None) -> str:
    return f"{rq_type} (requestID {request_id})" if request_id else rq_type


def _attrs(
    sch: Schema,
    rq_type: str,
    request_id: str | None,
    iterator: str | None,
    iterator_id: str | None,
    meta_data: str | None,
) -> dict[str, str]:
    attrs: dict[str, str] = {}
    if request_id is not None:
        attrs["requestID"] = request_id
    if iterator is not None or iterator_id is not None:
        _check_iterator(sch, rq_type, iterator, iterator_id)
        attrs["iterator"] = iterator  # type: ignore[assignment]
        if iterator_id is not None:
            attrs["iteratorID"] = iterator_id
    if meta_data is not None:
        attrs["metaData"] = meta_data
    return attrs


def _check_iterator(sch: Schema, rq_type: str, step: str | None, iterator_id: str | None) -> None:
    if not sch.takes_iterator(rq_type):
        raise BuildError(
            f"{rq_type} does not take an iterator in qbXML {QBXML_VERSION}; page it with "
            "MaxReturned and a name or date filter instead"
        )
    if step not in ITERATOR_STEPS:
        raise BuildError(f"iterator must be one of {', '.join(ITERATOR_STEPS)}, not {step!r}")
    if step == "Start" and iterator_id is not None:
        raise BuildError("iterator='Start' takes no iteratorID; QuickBooks hands one out")
    if step != "Start" and not iterator_id:
        raise BuildError(f"iterator={step!r} needs the iteratorID QuickBooks returned")


class MessageSet:
    """A ``QBXMLMsgsRq``: requests sent together, with onError and error-recovery IDs."""

    __slots__ = (
        "new_message_set_id",
        "old_message_set_id",
        "on_error",
        "requests",
        "response_data",
    )

    def __init__(
        self,
        requests: Iterable[Request] = (),
        *,
        on_error: str = "stopOnError",
        new_message_set_id: str | None = None,
        old_message_set_id: str | None = None,
        response_data: str | None = None,
    ) -> None:
        _check_on_error(on_error)
        if response_data is not None and response_data not in RESPONSE_DATA:
            raise BuildError(f"responseData must be one of {', '.join(RESPONSE_DATA)}")
        for what, value in (
            ("newMessageSetID", new_message_set_id),
            ("oldMessageSetID", old_message_set_id),
        ):
            if value is not None:
                _check_id(what, value, MAX_MESSAGE_SET_ID, "QuickBooks answers 9004")
        self.requests = tuple(requests)
        self.on_error = on_error
        self.new_message_set_id = new_message_set_id
        self.old_message_set_id = old_message_set_id
        self.response_data = response_data

    @property
    def changes(self) -> list[TextChange]:
        """Every free-text replacement made in this set's requests, in request order."""
        return [change for request in self.requests for change in request.changes]

    def _envelope_attrs(self) -> dict[str, str]:
        attrs = {"onError": self.on_error}
        if self.response_data is not None:
            attrs["responseData"] = self.response_data
        if self.new_message_set_id is not None:
            attrs["newMessageSetID"] = self.new_message_set_id
        if self.old_message_set_id is not None:
            attrs["oldMessageSetID"] = self.old_message_set_id
        return attrs

    def to_element(self) -> etree._Element:
        """The ``QBXML`` element of this set."""
        return etree.fromstring(self._body(), safexml.parser())

    def _body(self) -> str:
        attrs = "".join(f' {k}="{escape(v, QUOTE)}"' for k, v in self._envelope_attrs().items())
        requests = "".join(request.text for request in self.requests)
        return f"<QBXML><QBXMLMsgsRq{attrs}>{requests}</QBXMLMsgsRq></QBXML>"

    def to_xml(self) -> str:
        """The request document as QuickBooks takes it: XML and qbXML prolog, then QBXML."""
        return PROLOG + self._body()

    def to_bytes(self) -> bytes:
        """The request document encoded as UTF-8 (what the XML declaration implies)."""
        return self.to_xml().encode("utf-8")

    def __len__(self) -> int:
        return len(self.requests)

    def __repr__(self) -> str:
        return f"<MessageSet {len(self.requests)} request(s) onError={self.on_error}>"


def _check_on_error(on_error: str) -> None:
    if on_error == "rollbackOnError":
        raise BuildError(
            "onError='rollbackOnError' is refused: QuickBooks Desktop rejects it (HRESULT "
            "0x80040413); use stopOnError and check with an error-recovery status set instead"
        )
    if on_error not in ON_ERROR:
        raise BuildError(f"onError must be one of {', '.join(ON_ERROR)}, not {on_error!r}")


# -- convenience constructors --------------------------------------------------------------


def add(
    kind: str,
    fields: Mapping[str, Any],
    *,
    record: str | None = None,
    request_id: str | None = None,
    include: Sequence[str] = (),
) -> Request:
    """An ``{kind}AddRq`` from plain fields; a job is a ``Customer`` with a ``ParentRef``."""
    return Request(
        f"{kind}AddRq",
        {f"{kind}Add": dict(fields)},
        record=record,
        request_id=request_id,
        include=include,
    )


def mod(
    kind: str,
    object_id: str,
    edit_sequence: str,
    fields: Mapping[str, Any],
    *,
    record: str | None = None,
    request_id: str | None = None,
    include: Sequence[str] = (),
) -> Request:
    """An ``{kind}ModRq`` for the object with this ListID/TxnID and current EditSequence."""
    rq_type = f"{kind}ModRq"
    inner = f"{kind}Mod"
    body = {_mod_id_field(kind): object_id, "EditSequence": edit_sequence, **fields}
    return Request(rq_type, {inner: body}, record=record, request_id=request_id, include=include)


@cache
def _mod_id_field(kind: str) -> str:
    """``ListID`` or ``TxnID``: what a ``{kind}Mod`` names its object by, read from the schema
    once per kind (an unknown kind raises and is not cached)."""
    mod_node = schema().node(_request_node(f"{kind}ModRq").children[f"{kind}Mod"].node)
    return _id_field(mod_node)


def query(
    kind: str,
    filters: Mapping[str, Any] | None = None,
    *,
    max_returned: int | None = None,
    iterator: str | None = None,
    iterator_id: str | None = None,
    include: Sequence[str] = (),
    meta_data: str | None = None,
    request_id: str | None = None,
) -> Request:
    """A ``{kind}QueryRq`` with filter elements as plain data (``{"ActiveStatus": "All"}``)."""
    body = dict(filters or {})
    if max_returned is not None:
        body["MaxReturned"] = max_returned
    return Request(
        f"{kind}QueryRq",
        body,
        iterator=iterator,
        iterator_id=iterator_id,
        include=include,
        meta_data=meta_data,
        request_id=request_id,
    )


def continue_query(previous: Request, iterator_id: str, *, stop: bool = False) -> Request:
    """The next page of an iterated query: same criteria, ``Continue`` (or ``Stop``) and the ID."""
    include = previous.body.get("IncludeRetElement", ())
    body = {k: v for k, v in previous.body.items() if k != "IncludeRetElement"}
    return Request(
        previous.type,
        body,
        iterator="Stop" if stop else "Continue",
        iterator_id=iterator_id,
        include=include,
        meta_data=previous.attrs.get("metaData"),
        request_id=previous.request_id,
        record=previous.record,
    )


def list_delete(list_type: str, list_id: str, *, request_id: str | None = None) -> Request:
    """A ``ListDelRq`` deleting list object ``list_id`` of ``list_type`` (e.g. "Customer")."""
    body = {"ListDelType": list_type, "ListID": list_id}
    return Request("ListDelRq", body, request_id=request_id)


def txn_delete(txn_type: str, txn_id: str, *, request_id: str | None = None) -> Request:
    """A ``TxnDelRq`` deleting transaction ``txn_id`` of ``txn_type`` (e.g. "Invoice")."""
    return Request("TxnDelRq", {"TxnDelType": txn_type, "TxnID": txn_id}, request_id=request_id)


def txn_void(txn_type: str, txn_id: str, *, request_id: str | None = None) -> Request:
    """A ``TxnVoidRq``: the transaction stays in QuickBooks with its amounts zeroed."""
    return Request("TxnVoidRq", {"TxnVoidType": txn_type, "TxnID": txn_id}, request_id=request_id)


def _deleted_query(
    rq_type: str, type_field: str, types: Sequence[str], since: Any, until: Any, rid: str | None
) -> Request:
    body: dict[str, Any] = {type_field: list(types)}
    if since is not None or until is not None:
        body["DeletedDateRangeFilter"] = {"FromDeletedDate": since, "ToDeletedDate": until}
    return Request(rq_type, body, request_id=rid)


def list_deleted_query(
    list_types: Sequence[str],
    *,
    deleted_from: Any = None,
    deleted_to: Any = None,
    request_id: str | None = None,
) -> Request:
    """A ``ListDeletedQueryRq`` for list objects of these types deleted in the date range."""
    return _deleted_query(
        "ListDeletedQueryRq", "ListDelType", list_types, deleted_from, deleted_to, request_id
    )


def txn_deleted_query(
    txn_types: Sequence[str],
    *,
    deleted_from: Any = None,
    deleted_to: Any = None,
    request_id: str | None = None,
) -> Request:
    """A ``TxnDeletedQueryRq`` for transactions of these types deleted in the date range."""
    return _deleted_query(
        "TxnDeletedQueryRq", "TxnDelType", txn_types, deleted_from, deleted_to, request_id
    )


def ref(list_id: str | None = None, full_name: str | None = None) -> dict[str, str]:
    """A reference element's data (``CustomerRef``, ``ParentRef``…): ListID and/or FullName."""
    if list_id is None and full_name is None:
        raise BuildError("a reference needs a ListID or a FullName")
    out = {}
    if list_id is not None:
        out["ListID"] = list_id
    if full_name is not None:
        out["FullName"] = full_name
    return out


def record_label(kind: str, name: str, app_id: object = None) -> str:
    """How errors name a record: ``Customer 'Zoë Ltd' (app id 17)``."""
    suffix = "" if app_id is None else f" (app id {app_id})"
    return f"{kind} {name!r}{suffix}"


def message_set(
    requests: Iterable[Request], *, on_error: str = "stopOnError", **options: Any
) -> MessageSet:
    """A message set of these requests; ``options`` as for :class:`MessageSet`."""
    return MessageSet(requests, on_error=on_error, **options)


def status_check(message_set_id: str) -> MessageSet:
    """The error-recovery status check: an empty set with old = new message-set ID."""
    return MessageSet(
        on_error="continueOnError",
        new_message_set_id=message_set_id,
        old_message_set_id=message_set_id,
    )


def clear_status(message_set_id: str = CLEAR_ALL) -> MessageSet:
    """An empty set with only oldMessageSetID: QuickBooks forgets what it saved for that ID."""
    return MessageSet(on_error="continueOnError", old_message_set_id=message_set_id)


def declare(request_xml: str, version: str) -> str:
    """``request_xml`` declared in qbXML ``version`` (its ``<?qbxml version?>`` rewritten);
    BuildError naming the elements when the request uses one that version lacks ("": as is)."""
    found = _DECLARED_VERSION.search(request_xml)
    if found is None or not version or found[1] == version:
        return request_xml
    if version != QBXML_VERSION:
        from qbschema.versions import lacking

        missing = lacking(safexml.parse(request_xml.encode("utf-8")), version)
        if missing:
            raise BuildError(
                f"qbXML {version} has no {', '.join(missing)}: this request cannot be sent to"
                f" a QuickBooks speaking only up to {version}; update QuickBooks Desktop"
            )
    start, end = found.span(1)
    return request_xml[:start] + version + request_xml[end:]
