"""``qbsim.render.render`` (answers written from per-node plans, with remembered layouts and
date tests) against ``Schema.render``, the general path it stands in for.

Each answer comes out as the schema writes it, or is refused alike, on good data and on bad,
also after the plans have seen other data. Hypothesis draws Ret data from the schema itself
(``tests/schema_data.py``); the cases below name the unusual ones.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbschema import SchemaDataError, schema
from qbsim.model.retdata import ret_node
from qbsim.render import render
from tests.schema_data import node_data


def _written(tag: str, node, value) -> str:
    """What writing ``value`` gives: the text, or the error's message."""
    try:
        return render(tag, node, value)
    except SchemaDataError as exc:
        return f"refused: {exc}"


def _by_schema(tag: str, node, value) -> str:
    try:
        return schema().render(tag, node, value)
    except SchemaDataError as exc:
        return f"refused: {exc}"


# Values of one key order in turn: a remembered layout must not carry one's verdict to the next.
_SAME_KEYS_IN_TURN = [
    {"TxnID": "1-1", "InvoiceLineRet": [{"TxnLineID": "2-1", "Desc": "a"}]},
    {"TxnID": "1-1", "InvoiceLineRet": [{"TxnLineID": None, "Desc": "a"}]},  # a required one
    {"TxnID": "1-1", "InvoiceLineRet": [{"TxnLineID": "2-1", "Desc": "a"}] * 2},
    {"TxnID": "1-1", "InvoiceLineRet": {"TxnLineID": "2-1", "Desc": "a"}},
    {"TxnID": None, "InvoiceLineRet": {"TxnLineID": "2-1", "Desc": "a & b"}},
    {"TxnID": "1-1", "InvoiceLineRet": [{"Desc": "a", "TxnLineID": "2-1"}]},
    {"TxnID": "1-1", "InvoiceLineRet": [{"Desc": "a", "Bogus": None, "TxnLineID": "2-1"}]},
    {"TxnID": "1-1", "InvoiceLineRet": [{"Desc": "a", "Bogus": "x", "TxnLineID": "2-1"}]},
]


def test_answers_of_one_key_order_are_each_written_as_the_schema_writes_them():
    """Lists, values None (a required child missing), single aggregates, unknown keys and text
    to escape, under key orders already seen, come out (or are refused) as by the schema."""
    node = ret_node("Invoice")
    for value in _SAME_KEYS_IN_TURN * 2:
        assert _written("InvoiceRet", node, value) == _by_schema("InvoiceRet", node, value)
    assert _written("InvoiceRet", node, _SAME_KEYS_IN_TURN[1]).startswith("refused: ")


@pytest.mark.parametrize("field", ["TimeModified", "TxnDate"])
def test_a_bad_date_is_refused_the_same_way_before_and_after_good_ones(field):
    """A date or time a remembered test has passed or failed is judged again the same way."""
    node = ret_node("Invoice")
    good = "2026-01-05T09:00:00-05:00" if field == "TimeModified" else "2026-01-05"
    bad = {"TxnID": "1-1", field: "yesterday"}
    first = _written("InvoiceRet", node, bad)
    assert first == _by_schema("InvoiceRet", node, bad)
    assert f"{field} is not a valid" in first
    for _ in range(2):
        value = {"TxnID": "1-1", field: good}
        assert _written("InvoiceRet", node, value) == _by_schema("InvoiceRet", node, value)
        assert _written("InvoiceRet", node, bad) == first


def test_many_stamps_are_judged_as_the_schema_judges_them():
    """More stamps than the test remembers, good and bad alternately, each judged alike."""
    node = ret_node("Invoice")
    for second in range(200):
        good = f"2026-01-05T09:{second // 60:02d}:{second % 60:02d}"
        for stamp in (good, f"2026-01-05X{second}"):
            value = {"TxnID": "1-1", "TimeModified": stamp}
            assert _written("InvoiceRet", node, value) == _by_schema("InvoiceRet", node, value)


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


RET_KINDS = ["Customer", "Vendor", "Employee", "Account", "ItemService", "ItemInventory"]
RET_KINDS += ["Invoice", "Bill", "ReceivePayment", "SalesReceipt", "CreditMemo", "JournalEntry"]


def _outcome(write, tag: str, node, value: Any) -> tuple:
    """The text written, or any error's type and message."""
    try:
        return ("written", write(tag, node, value))
    except Exception as exc:  # the outcome compared is any error's type and text
        return ("refused", type(exc).__name__, str(exc))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_answer_data_is_written_or_refused_as_the_schema_does(data):
    """Ret data of any kind, plain, odd or all verbatim text, in any key order: the same text
    or the same error."""
    kind = data.draw(st.sampled_from(RET_KINDS))
    node = ret_node(kind)
    odd, verbatim = data.draw(st.sampled_from([(True, False), (False, False), (False, True)]))
    value = data.draw(node_data(node, 0, odd, verbatim))
    tag = f"{kind}Ret"
    assert _outcome(render, tag, node, value) == _outcome(schema().render, tag, node, value)
