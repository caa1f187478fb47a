"""What the host and fault triggers see of a request document: types, records named, size.

Reading is forgiving: a document QuickBooks would refuse still gets a summary (possibly
empty), and the company answers it with its own refusal afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from lxml import etree

from qbschema import safexml
from qbsim.faults import Target
from qbsim.wire import line_tags

NameOf = Callable[[str, str], "str | None"]  # (kind, ListID) -> FullName now, or None

# A reference element -> the kind of record it points to ("Item": any item kind).
REF_KIND = {
    "CustomerRef": "Customer",
    "VendorRef": "Vendor",
    "EmployeeRef": "Employee",
    "ItemRef": "Item",
    "ClassRef": "Class",
    "AccountRef": "Account",
    "ARAccountRef": "Account",
    "APAccountRef": "Account",
    "TermsRef": "StandardTerms",
}


@dataclass(frozen=True)
class RequestSummary:
    """The request types of one document, the records it touches and its line count."""

    types: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    lines: tuple[int, ...] = ()
    adds: tuple[tuple[Target, etree._Element], ...] = ()  # each Add's own record and element
    by_request: tuple[tuple[Target, ...], ...] = ()  # the records of each request, its own first

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.targets if t.name)

    def mentions(self, name: str) -> bool:
        folded = name.casefold()
        return any(n.casefold() == folded for n in self.names)

    def add_body(self, target: Target) -> bytes | None:
        """The Add request element (without requestID) that adds ``target``, if any."""
        element = next((body for added, body in self.adds if added == target), None)
        return None if element is None else _without_request_id(element)

    def of_type(self, pattern: str | None) -> RequestSummary:
        """The part of this document made of the requests whose type matches ``pattern`` (a
        type or a pattern such as ``Customer*Rq``; None: the whole document)."""
        if pattern is None:
            return self
        chosen = [i for i, kind in enumerate(self.types) if fnmatchcase(kind, pattern)]
        mine = tuple(self.by_request[i] for i in chosen if i < len(self.by_request))
        return RequestSummary(
            tuple(self.types[i] for i in chosen),
            tuple(t for targets in mine for t in targets),
            tuple(self.lines[i] for i in chosen if i < len(self.lines)),
            tuple((t, e) for t, e in self.adds if any(t is own[0] for own in mine if own)),
            mine,
        )

    def first_of(self, kind: str) -> Target | None:
        """The first record of this kind the requests add, change or refer to."""
        return next((t for t in self.targets if t.kind == kind), None)

    def target(self, name: str | None = None) -> Target | None:
        """The first record the requests touch (named ``name``, when given): a request's own
        record comes before those it refers to."""
        for candidate in self.targets:
            if name is None or (candidate.name or "").casefold() == name.casefold():
                return candidate
        return None


def summarise(request_xml: str | bytes, name_of: NameOf | None = None) -> RequestSummary:
    """Summarise a request document; ``name_of`` names records a Mod/Del gives only by ID."""
    types, targets, lines, adds, by_request = [], [], [], [], []
    for request in _requests(request_xml):
        types.append(request.tag)
        mine = _targets(request, name_of)
        targets.extend(mine)
        by_request.append(tuple(mine))
        lines.append(sum(1 for e in request.iter() if _is_line(e)))
        if request.tag.endswith("AddRq") and mine and mine[0].kind == request.tag[:-5]:
            adds.append((mine[0], request))
    return RequestSummary(
        tuple(types), tuple(targets), tuple(lines), tuple(adds), tuple(by_request)
    )


def sketch(request_xml: str | bytes) -> RequestSummary:
    """The request types and line counts of a document, and nothing else: what latency needs
    when no fault looks at requests (``summarise`` also finds every record named, which
    costs a walk of the whole document).

    Lines are counted by tag among the schema's line elements; that equals ``summarise``'s
    count for every document QuickBooks answers (a schema-valid one), the only kind whose
    latency is charged.
    """
    # No line element can be in a text that never spells one (bytes may be in any encoding,
    # so they are always looked through).
    no_lines = isinstance(request_xml, str) and not (
        "LineAdd" in request_xml or "LineMod" in request_xml
    )
    types, lines = [], []
    for request in _requests(request_xml):
        types.append(request.tag)
        lines.append(0 if no_lines else sum(1 for _ in request.iter(*line_tags())))
    return RequestSummary(tuple(types), (), tuple(lines))


def charged(summary: RequestSummary, answers: list[tuple[str, int, int]]) -> list[tuple[str, int]]:
    """Each request's type and the size its latency is charged for: the lines it sends plus
    the records its answer returns (``answers`` as :func:`read_response` gives them)."""
    return [
        (kind, summary.lines[index] + (answers[index][2] if index < len(answers) else 0))
        for index, kind in enumerate(summary.types)
    ]


def charged_sizes(request_xml: str | bytes, response_xml: str) -> list[tuple[str, int]]:
    """:func:`charged` for a request document and its response document, read from their
    texts (what a latency profile is fitted from)."""
    return charged(sketch(request_xml), read_response(response_xml))


def _without_request_id(request: etree._Element) -> bytes:
    copy = etree.fromstring(etree.tostring(request), safexml.parser())
    copy.attrib.pop("requestID", None)
    return etree.tostring(copy)


def _requests(request_xml: str | bytes) -> list[etree._Element]:
    try:
        root = safexml.parse(request_xml)
    except (etree.XMLSyntaxError, safexml.UnsafeDocumentError):
        return []
    msgs = root.find("QBXMLMsgsRq")
    if msgs is None:
        return []
    return [r for r in msgs if isinstance(r.tag, str)]


def _is_line(element: etree._Element) -> bool:
    tag = element.tag
    return isinstance(tag, str) and ("LineAdd" in tag or "LineMod" in tag)


def _targets(request: etree._Element, name_of: NameOf | None) -> list[Target]:
    tag = request.tag
    verb_kind = _kind_and_verb(tag)
    found: list[Target] = []
    if verb_kind is not None:
        kind, verb = verb_kind
        body = request.find(f"{kind}{verb}")
        if body is not None:
            found.append(_own_target(kind, verb, body, name_of))
    elif tag == "ListDelRq":
        kind, list_id = request.findtext("ListDelType", ""), request.findtext("ListID", "")
        found.append(Target(kind, _name(name_of, kind, list_id), list_id))
    for ref in request.iter():
        if isinstance(ref.tag, str) and ref.tag in REF_KIND and ref.tag != "ParentRef":
            found.append(_ref_target(REF_KIND[ref.tag], ref, name_of))
    if tag.endswith("QueryRq"):
        kind = tag[: -len("QueryRq")]
        found.extend(Target(kind, name.text or "") for name in request.findall("FullName"))
    return found


def _kind_and_verb(tag: str) -> tuple[str, str] | None:
    for verb in ("Add", "Mod"):
        kind = tag.removesuffix(f"{verb}Rq")
        if kind != tag:
            return kind, verb
    return None


def _own_target(kind: str, verb: str, body: etree._Element, name_of: NameOf | None) -> Target:
    parent = body.findtext("ParentRef/FullName")
    if verb == "Add":
        return Target(kind, body.findtext("Name") or body.findtext("RefNumber"), None, parent)
    list_id = body.findtext("ListID") or body.findtext("TxnID")
    name = _name(name_of, kind, list_id) or body.findtext("Name")
    return Target(kind, name, list_id, parent)


def _ref_target(kind: str, ref: etree._Element, name_of: NameOf | None) -> Target:
    list_id = ref.findtext("ListID")
    name = ref.findtext("FullName") or _name(name_of, kind, list_id)
    return Target(kind, name, list_id)


def _name(name_of: NameOf | None, kind: str, list_id: str | None) -> str | None:
    if name_of is None or not list_id:
        return None
    return name_of(kind, list_id)


def read_response(response_xml: str) -> list[tuple[str, int, int]]:
    """Each ``xxxRs`` of a response document: (tag, statusCode, records returned)."""
    root = safexml.parse(response_xml)
    msgs = root.find("QBXMLMsgsRs")
    if msgs is None:
        return []
    return [
        (rs.tag, int(rs.get("statusCode", "0")), sum(1 for c in rs if _is_ret(c)))
        for rs in msgs
        if isinstance(rs.tag, str)
    ]


def _is_ret(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag.endswith("Ret")
