"""Response documents for tests and fakes, shaped as QuickBooks shapes them.

``response_xml(rs("CustomerAddRs", [{"ListID": ...}]))`` gives a schema-ordered
``QBXMLMsgsRs`` document that :func:`syncengine.qbxml.parse_response` reads back. It is a
test helper, not a QuickBooks model: ``qbsim`` answers real requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from qbschema import ATTRS, schema
from syncengine.qbxml.status import severity_of

STATUS_OK = "Status OK"


def _ret_tag(rs_type: str) -> str:
    node = schema().response_node(rs_type)
    rets = [name for name in node.children if name.endswith("Ret")]
    if len(rets) != 1:
        raise ValueError(f"{rs_type} holds {len(rets)} Ret kinds; pass (tag, record) pairs")
    return rets[0]


def rs(
    rs_type: str,
    records: Iterable[Mapping[str, Any] | tuple[str, Mapping[str, Any]]] = (),
    *,
    status_code: int = 0,
    status_severity: str | None = None,
    status_message: str | None = None,
    request_id: str | None = None,
    **attrs: Any,
) -> etree._Element:
    """An ``xxxRs`` element; records are dicts (the single Ret kind) or ``(tag, value)`` pairs.

    Extra keyword attributes (``retCount``, ``iteratorID``…) are set as given.
    """
    sch = schema()
    data: dict[str, Any] = {}
    for item in records:
        tag, record = item if isinstance(item, tuple) else (_ret_tag(rs_type), item)
        data.setdefault(tag, []).append(dict(record) if isinstance(record, Mapping) else record)
    node = sch.response_node(rs_type)
    for tag, values in data.items():
        if not node.children[tag].repeatable:
            data[tag] = values[0]
    message = STATUS_OK if status_message is None and status_code == 0 else status_message
    data[ATTRS] = {
        "requestID": request_id,
        "statusCode": status_code,
        "statusSeverity": status_severity or severity_of(status_code),
        "statusMessage": message,
        **attrs,
    }
    return sch.build(rs_type, node, data)


def response_xml(
    *responses: etree._Element,
    new_message_set_id: str | None = None,
    message_set_status_code: int | None = None,
) -> str:
    """A whole response document around these ``xxxRs`` elements."""
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRs")
    if new_message_set_id is not None:
        msgs.set("newMessageSetID", new_message_set_id)
    if message_set_status_code is not None:
        msgs.set("messageSetStatusCode", str(message_set_status_code))
    msgs.extend(responses)
    return '<?xml version="1.0" ?>\n' + etree.tostring(root, encoding="unicode")
