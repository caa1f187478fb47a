"""Reading only a record's own fields: what the export needs of QuickBooks' answers."""

from __future__ import annotations

import pytest

from syncengine import qbxml
from syncengine.qbxml.parse import ResponseParseError
from syncengine.qbxml.testing import response_xml, rs

INVOICE = {
    "TxnID": "1A-1767621655",
    "TimeCreated": "2026-01-05T09:00:00-05:00",
    "TimeModified": "2026-01-05T09:00:00-05:00",
    "EditSequence": "1767621655",
    "TxnNumber": "12",
    "CustomerRef": {"ListID": "80000001-1767621600", "FullName": "Acme"},
    "TxnDate": "2026-01-05",
    "RefNumber": "10001",
    "InvoiceLineRet": [
        {"TxnLineID": "1B-1767621655", "Desc": "Labor", "Amount": "50.00"},
        {"TxnLineID": "1C-1767621655", "Desc": "Parts", "Amount": "25.00"},
    ],
}


def test_a_shallow_read_keeps_a_records_own_fields_as_the_full_read_has_them():
    """IDs, EditSequence and other leaves come out exactly as a full read gives them."""
    document = response_xml(rs("InvoiceAddRs", [("InvoiceRet", INVOICE)]))
    full = qbxml.parse_response(document)[0].record
    shallow = qbxml.parse_response(document, shallow=True)[0].record
    assert full is not None and shallow is not None
    assert shallow == {k: v for k, v in full.items() if isinstance(v, str)}
    assert "InvoiceLineRet" not in shallow and "CustomerRef" not in shallow


def test_a_shallow_read_keeps_status_and_record_types():
    """Status, request ID and record types are read as in a full read."""
    document = response_xml(rs("InvoiceAddRs", [("InvoiceRet", INVOICE)], requestID="7"))
    full, shallow = qbxml.parse_response(document), qbxml.parse_response(document, shallow=True)
    assert [(r.status_code, r.request_id, r.record_types) for r in shallow] == [
        (r.status_code, r.request_id, r.record_types) for r in full
    ]


def test_a_shallow_read_still_refuses_a_field_the_schema_does_not_know():
    """An unknown field of a record is the same ResponseParseError as in a full read."""
    document = response_xml(rs("InvoiceAddRs", [("InvoiceRet", INVOICE)])).replace(
        "<TxnNumber>", "<Bogus>1</Bogus><TxnNumber>"
    )
    with pytest.raises(ResponseParseError, match="InvoiceRet has no child element Bogus") as full:
        qbxml.parse_response(document)
    with pytest.raises(ResponseParseError) as shallow:
        qbxml.parse_response(document, shallow=True)
    assert str(shallow.value) == str(full.value)
