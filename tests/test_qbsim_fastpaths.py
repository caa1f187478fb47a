"""qbsim's fast paths (plain requests read in one pass, plain answers written from plans) give
what the general paths give, and hand anything unusual to them.

The rehearsal corpus checks the common case byte for byte; these cover the unusual ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from qbschema import SchemaDataError, schema
from qbsim.model.base import DEFAULT_TZ, CompanyState, qb_datetime
from qbsim.model.retdata import ret_node
from qbsim.render import render
from tests.test_qbsim_txns import Books, line, ref, x


def test_a_bad_date_is_answered_before_an_earlier_bad_reference():
    """3020 for a bad TxnDate wins over a bad CustomerRef met first, as before the one-pass read."""
    books = Books()
    request = x(
        "InvoiceAddRq",
        x("InvoiceAdd", ref("CustomerRef", "Nobody"), x("TxnDate", "2026-02-30"), line("Labor")),
    )
    assert books.error(request)[0] == 3020


def test_the_first_bad_reference_is_the_one_named():
    """Of two bad references, the message names the first in document order (a line's here)."""
    books = Books()
    request = x(
        "InvoiceAddRq",
        x("InvoiceAdd", ref("CustomerRef", "Acme"), line("Nothing"), line("Nor this")),
    )
    code, message = books.error(request)
    assert code == 3140
    assert 'Item "Nothing" in the Invoice line.' in message


def test_a_line_with_attributes_is_read_as_one_without():
    """An InvoiceLineAdd with defMacro takes the general read and gives the same line."""
    books = Books()
    plain = books.invoice("Acme", line("Labor", "2"))
    macro = line("Labor", "2").replace("<InvoiceLineAdd>", '<InvoiceLineAdd defMacro="TxnID:a">')
    marked = books.invoice("Acme", macro)
    assert marked.findtext("Subtotal") == plain.findtext("Subtotal") == "100.00"


def test_a_comment_inside_a_request_is_read_past():
    """A comment between elements takes the general check and changes nothing."""
    books = Books()
    answer = books.invoice("Acme", line("Labor", "2"), extra="<!-- from the app -->")
    assert answer.findtext("CustomerRef/FullName") == "Acme"


@pytest.mark.parametrize(
    "value",
    [
        {"TxnID": "1-1", "Memo": "Tom & Jerry"},
        {"TxnID": "1-1", "CustomerRef": {"ListID": "2-2", "FullName": "A <B>"}},
        {"TxnID": "1-1", "Memo": None, "RefNumber": "7"},
        {"RefNumber": "7", "TxnID": "1-1"},
    ],
)
def test_answers_are_written_as_the_schema_writes_them(value):
    """Text to escape, a value to skip and keys out of order come out as ``Schema.render``'s."""
    node = ret_node("Invoice")
    assert render("InvoiceRet", node, value) == schema().render("InvoiceRet", node, value)


def test_an_answer_the_schema_refuses_is_refused_alike():
    """A child the Ret cannot hold raises the schema's own error."""
    with pytest.raises(SchemaDataError, match="InvoiceRet has no child element Bogus"):
        render("InvoiceRet", ret_node("Invoice"), {"TxnID": "1-1", "Bogus": "x"})


def _state_reading(*moments):
    """A company state whose clock gives ``moments`` in turn (the last one from then on)."""
    pending = list(moments)
    return CompanyState(lambda: pending.pop(0) if len(pending) > 1 else pending[0])


def test_records_added_at_one_moment_share_its_stamp():
    """Two records stamped at one moment get the same TimeCreated and EditSequence."""
    moment = datetime(2026, 1, 5, 9, 0, 0, 250, tzinfo=DEFAULT_TZ)
    state = _state_reading(moment, moment.replace(microsecond=900))
    first = state.insert("Customer", {"Name": "A"}, "ListID")
    second = state.insert("Customer", {"Name": "B"}, "ListID")
    assert first.ret["TimeCreated"] == second.ret["TimeCreated"] == qb_datetime(moment)
    assert second.ret["EditSequence"] == str(int(moment.timestamp()))


def test_a_later_moment_or_another_offset_gets_its_own_stamp():
    """The stamp follows the clock: a new second, or the same instant at another offset,
    is written anew."""
    moment = datetime(2026, 1, 5, 9, 0, 0, tzinfo=DEFAULT_TZ)
    state = _state_reading(moment, moment + timedelta(seconds=1))
    first = state.insert("Customer", {"Name": "A"}, "ListID")
    state.touch(first)
    assert first.ret["TimeModified"] == "2026-01-05T09:00:01-05:00"
    assert first.ret["EditSequence"] == str(int(moment.timestamp()) + 1)
    state.tz = timezone(timedelta(hours=-8))
    state.touch(first)
    assert first.ret["TimeModified"] == "2026-01-05T06:00:01-08:00"
