"""Small builders and readers of qbXML documents, for faults, the bookkeeper, tests and demos.

Requests are built from plain dicts by qbschema (children in schema order, values checked);
responses are read with lxml into ``Status`` tuples. Nothing here knows the host.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from lxml import etree

from qbschema import safexml, schema

QBXML_VERSION = "16.0"


class Status(NamedTuple):
    """One ``xxxRs``: its tag, status code and message, and its first Ret's leaf fields."""

    tag: str
    code: int
    message: str
    fields: dict[str, str]


def build(tag: str, data: Mapping[str, Any]) -> etree._Element:
    """One request element from plain data, in schema order (qbschema checks the values)."""
    return schema().build(tag, schema().request_node(tag), dict(data))


def envelope(*requests: etree._Element, on_error: str = "stopOnError", **attrs: str) -> str:
    """A qbXML request document around built request elements (``attrs`` on QBXMLMsgsRq)."""
    msgs = etree.Element("QBXMLMsgsRq", onError=on_error, **attrs)
    msgs.extend(requests)
    root = etree.Element("QBXML")
    root.append(msgs)
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{QBXML_VERSION}"?>\n{body}'


def document(tag: str, data: Mapping[str, Any] | None = None, **attrs: str) -> str:
    """A one-request document: ``document("CustomerQueryRq", {"FullName": ["Acme"]})``."""
    return envelope(build(tag, data or {}), **attrs)


def add_rq(kind: str, name: str, **fields: Any) -> str:
    """``{kind}AddRq`` for a list element named ``name`` with extra fields."""
    return document(f"{kind}AddRq", {f"{kind}Add": {"Name": name, **fields}})


def mod_rq(kind: str, list_id: str, edit_sequence: str, **fields: Any) -> str:
    """``{kind}ModRq`` changing ``fields`` of the element with that ListID and EditSequence."""
    data = {"ListID": list_id, "EditSequence": edit_sequence, **fields}
    return document(f"{kind}ModRq", {f"{kind}Mod": data})


def statuses(response_xml: str) -> list[Status]:
    """Every ``xxxRs`` of a response document, in order."""
    msgs = safexml.parse(response_xml).find("QBXMLMsgsRs")
    return [_status(rs) for rs in msgs if isinstance(rs.tag, str)]


def first(response_xml: str) -> Status:
    """The first ``xxxRs`` of a response document."""
    return statuses(response_xml)[0]


def _status(rs: etree._Element) -> Status:
    ret = next((c for c in rs if isinstance(c.tag, str) and c.tag.endswith("Ret")), None)
    fields = {} if ret is None else {c.tag: c.text or "" for c in ret if len(c) == 0}
    return Status(rs.tag, int(rs.get("statusCode", "0")), rs.get("statusMessage", ""), fields)
