"""``qbschema.check``'s one-pass plain read (``_read_plain``) against the general walk
(``_Walk.read``) that ``read_checked`` falls back to.

A plain request is read in one pass as the walk reads it; anything unusual (a long text, a
bad value, attributes, comments, stray text, children out of order) is declined and
``read_checked`` answers as the walk does, problem and all. Hypothesis draws requests from
the schema and damages them once (``read_checked`` against ``check_element`` and
``Schema.read``: ``tests/test_qbschema.py``).
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from qbschema import FastPathDeclined, SchemaDataError, schema
from qbschema.check import _Found, _plan, _read_plain, _Walk, read_checked
from tests.schema_data import node_data

INVOICE = (
    '<InvoiceAddRq requestID="7"><InvoiceAdd><CustomerRef><ListID>80000001-1</ListID>'
    "</CustomerRef><TxnDate>2026-01-05</TxnDate><RefNumber>10001</RefNumber>"
    "<InvoiceLineAdd><ItemRef><FullName>Labor</FullName></ItemRef><Quantity>2</Quantity>"
    "<Rate>181.36</Rate></InvoiceLineAdd><InvoiceLineAdd><ItemRef><ListID>8-1</ListID>"
    "</ItemRef><Desc>note</Desc><Amount>5.00</Amount></InvoiceLineAdd></InvoiceAdd>"
    "<IncludeRetElement>TxnID</IncludeRetElement>"
    "<IncludeRetElement>EditSequence</IncludeRetElement></InvoiceAddRq>"
)
CUSTOMER = (
    "<CustomerAddRq><CustomerAdd><Name>{name}</Name><IsActive>true</IsActive>"
    "<BillAddress><Addr1>1 Main St</Addr1><City>Springfield</City></BillAddress>"
    "</CustomerAdd></CustomerAddRq>"
)
PLAIN = [INVOICE, INVOICE.replace("<RefNumber>10001</RefNumber>", "")]
PLAIN += [CUSTOMER.format(name="x" * 41), CUSTOMER.format(name="")]  # at the limit, empty
UNUSUAL = [
    CUSTOMER.format(name="x" * 42),  # too long: cut and listed
    CUSTOMER.replace("true", "maybe"),  # a bad value: a problem
    INVOICE.replace("<Quantity>2<", "<Quantity>2.x<"),  # fails its pattern
    INVOICE.replace("<Desc>", '<Desc defMacro="x">'),  # a leaf with an attribute
    INVOICE.replace('requestID="7"', 'requestID="7" bogus="1"'),  # an unknown attribute
    INVOICE.replace("<Desc>note", "<Desc>not<!-- c -->e"),  # a comment inside a leaf
    INVOICE.replace("</RefNumber>", "</RefNumber> stray"),  # text between elements
    INVOICE.replace("<TxnDate>2026-01-05</TxnDate>", "")
    .replace("<RefNumber>", "<TxnDate>2026-01-05</TxnDate><RefNumber>")
    .replace("<CustomerRef>", "<RefNumber>1</RefNumber><CustomerRef>"),  # out of order
]


def _walked(element: etree._Element, cut: bool) -> tuple:
    """What the general walk alone makes of ``element``."""
    node = schema().request_node(element.tag)
    walk = _Walk(element, cut)
    try:
        value, problem = walk.read(element, node), None
    except _Found as found:
        value, problem = None, found.problem
    return value, problem, [(e.tag, f, n) for e, f, n in walk.too_long], walk.stray


def _checked(element: etree._Element, cut: bool) -> tuple:
    checked = read_checked(element, schema().request_node(element.tag), cut_long_texts=cut)
    too_long = [(e.tag, f, n) for e, f, n in checked.too_long]
    return checked.value, checked.problem, too_long, checked.stray


@pytest.mark.parametrize("text", PLAIN)
def test_a_plain_request_is_read_in_one_pass_as_the_walk_reads_it(text):
    element = etree.fromstring(text)
    plain = _read_plain(element, _plan(schema().request_node(element.tag)))
    assert plain == _walked(element, True)[0]
    assert _checked(element, True) == (plain, None, [], None)


@pytest.mark.parametrize("cut", [True, False])
@pytest.mark.parametrize("text", UNUSUAL)
def test_anything_unusual_is_left_to_the_general_walk(text, cut):
    """The fast read declines; ``read_checked`` answers as the walk does, problem and all."""
    element = etree.fromstring(text)
    with pytest.raises(FastPathDeclined):
        _read_plain(element, _plan(schema().request_node(element.tag)))
    assert _checked(element, cut) == _walked(element, cut)


REQUEST_TYPES = ["CustomerAddRq", "VendorAddRq", "ItemServiceAddRq", "InvoiceAddRq", "BillAddRq"]
REQUEST_TYPES += ["ReceivePaymentAddRq", "TimeTrackingAddRq", "InvoiceModRq", "CustomerQueryRq"]
DAMAGE = ["none", "comment", "stray text", "attribute", "value", "swap", "extra child"]


def _damage(draw: st.DrawFn, element: etree._Element) -> None:
    """One change somewhere in the tree: a comment, text between elements, an attribute, a
    leaf's value, two children swapped or one repeated (or none)."""
    target = draw(st.sampled_from(list(element.iter())))
    change = draw(st.sampled_from(DAMAGE))
    children = list(target)
    if change == "comment":
        target.insert(draw(st.integers(0, len(children))), etree.Comment("from the app"))
    elif change == "stray text" and children:
        draw(st.sampled_from(children)).tail = draw(st.sampled_from(["stray", " ", "\n  "]))
    elif change == "stray text":
        target.text = (target.text or "") + "stray"
    elif change == "attribute":
        name = draw(st.sampled_from(["requestID", "iterator", "defMacro", "bogus"]))
        target.set(name, draw(st.sampled_from(["7", "Start", "TxnID:a", ""])))
    elif change == "value" and not children:
        target.text = draw(st.sampled_from(["maybe", "x" * 42, "x" * 5000, "", " 5", "2026-2-30"]))
    elif change == "swap" and len(children) > 1:
        i, j = sorted(draw(st.lists(st.integers(0, len(children) - 1), min_size=2, max_size=2)))
        target.insert(i, children[j])
    elif change == "extra child" and children:
        target.append(copy.deepcopy(draw(st.sampled_from(children))))


@st.composite
def requests(draw: st.DrawFn) -> etree._Element:
    """A request element drawn from its content model, then damaged once (or not)."""
    rq_type = draw(st.sampled_from(REQUEST_TYPES))
    node = schema().request_node(rq_type)
    data = draw(node_data(node, 0, False, draw(st.booleans())))
    try:
        element = schema().build(rq_type, node, data)
    except SchemaDataError:
        assume(False)
    _damage(draw, element)
    return element


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_any_request_is_read_and_checked_as_the_walk_does(element):
    """Whether the one pass reads it or declines, ``read_checked`` gives the walk's value,
    first problem, long texts and stray text, cutting long texts or not."""
    try:
        plain = _read_plain(element, _plan(schema().request_node(element.tag)))
    except FastPathDeclined:
        pass
    else:
        assert (plain, None, [], None) == _walked(element, False)
    for cut in (True, False):
        assert _checked(element, cut) == _walked(element, cut)
