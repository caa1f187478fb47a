"""The request-reading fast paths give what the general paths give.

- ``matches`` (content models checked without compiling them to regexes) agrees with the
  regex that states each model's meaning;
- a leaf's remembered value test agrees with ``simple_problem``, asked once or again;
- the one-pass plain read of a request gives the general walk's data, and hands anything
  unusual (a long text, a bad value, attributes, comments) to it.
"""

from __future__ import annotations

import random

import pytest
from lxml import etree

import qbschema.model
from qbschema import FastPathDeclined, schema
from qbschema.check import _Found, _plan, _read_plain, _Walk, read_checked
from qbschema.model import matches, simple_problem


# -- content models -----------------------------------------------------------------------
def _sample(particle: list, rng: random.Random, out: list[str]) -> None:
    """Append a child sequence ``particle`` allows (a few repetitions at most)."""
    kind, low, high = particle[0], particle[-2], particle[-1]
    top = low + 3 if high == -1 else min(high, low + 3)
    for _ in range(rng.randint(low, top)):
        if kind == "e":
            out.append(particle[1])
        elif kind == "s":
            for sub in particle[1]:
                _sample(sub, rng, out)
        else:
            _sample(rng.choice(particle[1]), rng, out)


def _mutated(tags: list[str], names: list[str], rng: random.Random) -> list[str]:
    """``tags`` with one child dropped, repeated, swapped, added or the tail cut off."""
    out = list(tags)
    change = rng.randrange(5)
    if change == 0 and out:
        del out[rng.randrange(len(out))]
    elif change == 1 and out:
        at = rng.randrange(len(out))
        out.insert(at, out[at])
    elif change == 2 and len(out) > 1:
        i, j = rng.randrange(len(out)), rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    elif change == 3:
        out.insert(rng.randrange(len(out) + 1), rng.choice(names))
    else:
        out = out[: rng.randrange(len(out) + 1)]
    return out


def test_matches_agrees_with_the_content_model_regex_for_every_node():
    """Valid sequences and near misses of every model get the regex's verdict."""
    rng = random.Random(7)
    sch = schema()
    verdicts = set()
    for node_id in sch._raw_nodes:
        node = sch.node(node_id)
        if not node.content:
            continue
        names = sorted(node.children)
        for _ in range(25):
            tags: list[str] = []
            _sample(node.content, rng, tags)
            for seq in (tags, _mutated(tags, names, rng), _mutated(tags, names, rng)):
                want = node.pattern.fullmatch("".join(f"<{t}>" for t in seq)) is not None
                assert matches(node.content, seq) == want, (node_id, seq)
                assert node.fits(seq) == want
                verdicts.add(want)
    assert verdicts == {True, False}


def test_a_leaf_takes_no_children():
    assert matches(None, []) and matches([], ())
    assert not matches(None, ["Name"])


# -- value tests ----------------------------------------------------------------------------
TEXTS = ["", "0", "2", "-1", "+5", "1.5", ".5", "12.345", "1.123456", "true", "maybe"]
TEXTS += ["2026-01-05", "2026-13-40", "2026-1-5", "2026-01-05T09:00:00", "PT1H", "PT", "x" * 42]


def test_a_leaf_value_test_agrees_with_simple_problem_asked_once_or_again():
    """The texts a leaf's test remembers are still judged as ``simple_problem`` judges them."""
    sch = schema()
    for node_id in sch._raw_nodes:
        node = sch.node(node_id)
        if node.content is not None or node.accepts is None:
            continue
        for _ in range(2):
            for text in TEXTS:
                assert node.accepts(text) == (simple_problem(node.simple, text) is None)


def test_a_full_memory_of_valid_texts_still_tests_new_ones(monkeypatch):
    monkeypatch.setattr(qbschema.model, "_REMEMBERED", 1)
    test = qbschema.model._remembering(lambda text: text.isdigit())
    texts = ("1", "2", "x", "2", "1", "x")
    assert [test(t) for t in texts] == [True, True, False, True, True, False]


# -- the one-pass read --------------------------------------------------------------------
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
