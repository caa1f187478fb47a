"""More of qbsim's fast paths on the answering side: remembered layouts and date tests in the
answer writer, remembered key orders in shaping, line tags found per request type. Each gives
what the general path gives, on good data and on bad, also after it has seen other data.
"""

from __future__ import annotations

import copy

import pytest

from qbschema import SchemaDataError, schema
from qbsim import wire
from qbsim.model.retdata import child_node, ret_node, shape
from qbsim.render import render


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


def _shaped_slowly(value, node):
    """What shaping gives, spelled out without remembered key orders or copies of whole
    aggregates: the rule ``shape`` follows."""
    if node.content is None or not isinstance(value, dict):
        return shape(value, node)  # a leaf's rewrite or a value kept as it is
    out = {}
    for key, item in value.items():
        if key not in node.kids:
            continue
        sub = child_node(node, key)
        out[key] = (
            [_shaped_slowly(one, sub) for one in item]
            if isinstance(item, list)
            else _shaped_slowly(item, sub)
        )
    return out


_LINES_IN_TURN = [
    {"ItemRef": {"ListID": "8-1", "FullName": "Labor"}, "Quantity": "2", "Rate": "5"},
    {"ItemRef": {"ListID": "8-1", "Bogus": "x"}, "Quantity": "2", "Rate": "5.5"},
    {"ItemRef": {"ListID": ["8-1", "8-2"]}, "Quantity": "", "Rate": ""},
    {"ItemRef": {"ListID": {"Deep": "x"}}, "Quantity": None, "Rate": "1"},
    {"ItemRef": "8-1", "Quantity": "2", "Rate": "05"},
    {"ItemRef": [{"ListID": "8-1"}], "Quantity": ["2"], "Rate": ["7", "8.125"]},
    {"Rate": "3", "ItemRef": {"FullName": "Labor"}, "Unknown": {"A": "b"}},
    {"Amount": "1", "Desc": "a", "ClassRef": {"FullName": "West"}, "IsTaxable": "1"},
]


def test_lines_of_one_key_order_are_each_shaped_by_the_rule():
    """Unknown keys dropped at every level, lists and odd values inside references, rewrites,
    under key orders already seen: as the rule gives, and the input left as it was."""
    node = ret_node("Invoice").kids["InvoiceLineRet"][0]
    for value in _LINES_IN_TURN * 2:
        given = copy.deepcopy(value)
        assert shape(value, node) == _shaped_slowly(value, node)
        assert value == given


def test_a_shaped_reference_is_a_copy():
    """A reference kept whole is a new dict, and a list in one a new list: changing the Ret
    never changes the request."""
    node = ret_node("Invoice").kids["InvoiceLineRet"][0]
    given = {"ItemRef": {"ListID": "8-1", "FullName": "Labor"}, "Rate": "5"}
    shaped = shape(given, node)
    assert shaped == {"ItemRef": {"ListID": "8-1", "FullName": "Labor"}, "Rate": "5.00"}
    assert shaped["ItemRef"] is not given["ItemRef"]
    odd = {"ItemRef": {"ListID": ["8-1"], "FullName": "Labor"}}
    assert shape(odd, node)["ItemRef"]["ListID"] is not odd["ItemRef"]["ListID"]


def test_each_request_type_counts_the_line_tags_its_model_holds():
    """Line tags found from a request's own model are those of all the schema's line tags
    that it holds, for every request type."""
    for request in schema().messages:
        names = wire._names([schema().request_node(request).id])
        assert wire._request_line_tags(request) == tuple(
            tag for tag in wire.line_tags() if tag in names
        )
    assert "InvoiceLineAdd" in wire._request_line_tags("InvoiceAddRq")


def test_the_line_tags_are_those_of_every_global_element():
    """One walk of the schema finds the line tags that walking each global element finds."""
    names: set[str] = set()
    for node_id in schema().elements.values():
        names |= wire._names([node_id])
    assert wire.line_tags() == tuple(
        sorted(name for name in names if "LineAdd" in name or "LineMod" in name)
    )
