"""The read-only queries a sync job sends, shaped by what each query type's schema allows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qbschema import schema
from syncengine import qbxml
from syncengine.mapping.txns import LINKED_TXN_KINDS

PAGE = 500
"""Records per page: ``MaxReturned`` of an iterator, IDs per query by ID."""


def by_ids(kind: str, qb_ids: Sequence[str], request_id: str) -> qbxml.Request:
    """Whole records of one qbXML object by ListID/TxnID, lines included where allowed."""
    node = schema().request_node(f"{kind}QueryRq")
    field = "ListID" if "ListID" in node.children else "TxnID"
    filters: dict[str, Any] = {field: list(qb_ids)}
    if "IncludeLineItems" in node.children:
        filters["IncludeLineItems"] = True
    if kind in LINKED_TXN_KINDS:
        filters["IncludeLinkedTxns"] = True
    return qbxml.query(kind, filters, request_id=request_id)


def modified_since(kind: str, since: str | None, include: Sequence[str]) -> qbxml.Request:
    """Every record of ``kind`` modified since ``since`` (None: all), inactive ones too,
    answering only the ``include`` fields; paged by an iterator where the schema has one."""
    rq_type = f"{kind}QueryRq"
    node = schema().request_node(rq_type)
    filters: dict[str, Any] = {}
    if "ActiveStatus" in node.children:
        filters["ActiveStatus"] = "All"
        if since:
            filters["FromModifiedDate"] = since
    elif since:
        filters["ModifiedDateRangeFilter"] = {"FromModifiedDate": since}
    options: dict[str, Any] = {"include": include, "request_id": kind}
    if schema().takes_iterator(rq_type):
        options.update(max_returned=PAGE, iterator="Start")
    return qbxml.query(kind, filters, **options)
