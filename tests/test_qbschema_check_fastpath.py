"""``qbschema.check``'s one-pass plain read (``_read_plain``) against the general walk
(``_Walk.read``) that ``read_checked`` falls back to.

A plain request is read in one pass as the walk reads it; anything unusual (a long text, a
bad value, attributes, comments, stray text, children out of order) is declined and
``read_checked`` answers as the walk does, problem and all. (``read_checked`` against
``check_element`` and ``Schema.read``: ``tests/test_qbschema.py``.)
"""

from __future__ import annotations

import pytest
from lxml import etree

from qbschema import FastPathDeclined, schema
from qbschema.check import _Found, _plan, _read_plain, _Walk, read_checked

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
