"""``qbsim.model.retdata.shape`` (request data to Ret data, with remembered key orders and no
copies of whole aggregates) against the rule it follows, spelled out here without either.

Unknown keys, lists and odd values inside references and rewritten leaves are shaped as the
rule gives, under key orders already seen, and the request is never changed.
"""

from __future__ import annotations

import copy

from qbsim.model.retdata import child_node, ret_node, shape


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
