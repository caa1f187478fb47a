"""``qbsim.model.txn_request.read`` (dates and references in one walk) against the three-step
reading it stands in for (``clean``, the date check, ``refs.resolve_refs``).

Whichever reads a transaction's request aggregate, the data and the first error must be the
same; when the one walk declines, what it already did must change nothing for the three steps.
Hypothesis draws the aggregates from the schema, with good and bad dates, references to
records that exist and to none, fixed-list references, attributes, repeated references and
children the walk does not know.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbschema import ATTRS, TEXT, Node, schema
from qbsim.errors import StatusError
from qbsim.model import txn_request, txns
from qbsim.model.refs import FIXED_LISTS, REF_KINDS, display_name
from qbsim.model.txn_kinds import KINDS, UNSIMULATED_LINE_FIELDS
from tests.test_qbsim_txns import Books, line, ref, x

# Names a reference may give besides those of its own kind: case, a job's path, other kinds.
NAMES = ["acme", "Acme:Roof", "Labor", "Sales", "Net 30", "Nobody", ""]
GOOD_DATES = ["2026-01-05", "2026-1-5", "2024-02-29", ""]
DATES = GOOD_DATES * 3 + ["2026-02-30", "2026-13-01", "soon"]
TEXTS = ["1", "2.00", "x", "true", "", "Acme"]


@cache
def _books() -> Books:
    """One company with a few lists (read never changes it)."""
    return Books()


@cache
def _named(ref_name: str) -> tuple[list[str], list[str]]:
    """What a reference of this name can name in the company: full names and ListIDs (or
    the entries of a fixed list)."""
    if ref_name in FIXED_LISTS:
        return list(FIXED_LISTS[ref_name]), []
    kinds = REF_KINDS[ref_name][0] if ref_name in REF_KINDS else ()
    records = _books().company.state.records
    found = [record for kind in kinds for record in records.get(kind, {}).values()]
    return sorted(display_name(r) for r in found), sorted(r.id for r in found)


def _leaf(node: Node, odd: bool) -> st.SearchStrategy[Any]:
    """A leaf's text; when ``odd``, now and then with an attribute, as ``Schema.read`` gives it."""
    simple = node.simple or {}
    if simple.get("k") == "DATETYPE":
        text = st.sampled_from(DATES)
    else:
        text = st.sampled_from(list(simple.get("enum", ())) or TEXTS)
    if not odd:
        return text
    attributed = text.map(lambda value: {ATTRS: {"defMacro": "TxnID:a"}, TEXT: value})
    return st.one_of(*[text] * 19, attributed)


@st.composite
def _reference(draw: st.DrawFn, name: str, odd: bool) -> dict[str, Any]:
    """A reference by FullName or ListID, mostly to something it can name."""
    names, ids = _named(name)
    if ids and draw(st.integers(0, 3)) == 0:
        ref_data = {"ListID": draw(st.sampled_from([*ids * 4, "80000999-1"]))}
    else:
        ref_data = {"FullName": draw(st.sampled_from([*names * 4, *NAMES]))}
    if odd and draw(st.integers(0, 12)) == 0:
        ref_data[ATTRS] = {"defMacro": "x"}
    return ref_data


SKIPPED = frozenset(UNSIMULATED_LINE_FIELDS)


@st.composite
def _aggregate(
    draw: st.DrawFn, node: Node, depth: int, skip: frozenset[str], odd: bool
) -> dict[str, Any]:
    """Some of ``node``'s children, each as ``Schema.read`` gives it (lists where repeatable);
    when ``odd``, now and then with attributes or a child the node does not have."""
    out: dict[str, Any] = {}
    for name, (sub, repeatable) in node.kids.items():
        rare = name.endswith("Ref") and not _named(name)[0]  # names nothing: always 3140
        if name in skip or draw(st.integers(0, 30 if rare else 3)) != 0:
            continue
        count = draw(st.integers(1, 2)) if repeatable else 1
        values = [draw(_child(name, sub, depth + 1, odd)) for _ in range(count)]
        out[name] = values if repeatable else values[0]
    if odd and draw(st.integers(0, 15)) == 0:
        out[ATTRS] = {"defMacro": "TxnID:a"}
    if odd and draw(st.integers(0, 20)) == 0:
        out["NotAChild"] = draw(st.sampled_from(["x", {"FullName": "Acme"}]))
    return out


def _child(name: str, sub: Node, depth: int, odd: bool) -> st.SearchStrategy[Any]:
    if sub.content is None:
        return _leaf(sub, odd)
    if name.endswith("Ref"):
        return _reference(name, odd)
    if depth > 3:
        return st.just({})
    return _aggregate(sub, depth, SKIPPED, odd)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    """A transaction kind, Add or Mod, and its request aggregate's data."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    verbs = [verb for verb in ("Add", "Mod") if f"{kind}{verb}Rq" in schema().messages]
    verb = draw(st.sampled_from(verbs))  # BillPaymentCreditCard has no Mod
    node = txns._request_node(f"{kind}{verb}Rq", f"{kind}{verb}")
    skip = SKIPPED | frozenset(KINDS[kind].unsimulated)
    return kind, verb, draw(_aggregate(node, 0, skip, draw(st.booleans())))


def _read(kind: str, verb: str, data: dict[str, Any], *, fast: bool) -> tuple:
    """What reading the aggregate gives, with or without the one walk: data or the error."""
    body = {f"{kind}{verb}": copy.deepcopy(data)}
    with pytest.MonkeyPatch.context() as patched:
        if not fast:
            patched.setattr(txn_request, "read", lambda *_: None)
        try:
            read = txns._request_data(_books().company.state, KINDS[kind], body, verb)
        except StatusError as exc:
            return ("refused", exc.code, exc.message)
    return ("read", read)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_the_one_walk_and_the_three_steps_agree(case):
    """Data, or the first error's code and message, are the same whichever reads."""
    kind, verb, data = case
    assert _read(kind, verb, data, fast=True) == _read(kind, verb, data, fast=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_a_declined_walk_leaves_what_the_three_steps_read_alike(case):
    """When the walk declines, the data it has worked on in place reads as the data given."""
    kind, verb, data = case
    node = txns._request_node(f"{kind}{verb}Rq", f"{kind}{verb}")
    walked = copy.deepcopy(data)
    try:
        declined = txn_request.read(_books().company.state, walked, node, kind) is None
    except StatusError:
        declined = False
    if declined:
        assert _read(kind, verb, walked, fast=False) == _read(kind, verb, data, fast=False)


def test_a_plain_invoice_is_read_by_the_one_walk():
    """A common invoice (references, a date, lines) is not declined."""
    data = {
        "CustomerRef": {"FullName": "Acme"},
        "TxnDate": "2026-1-5",
        "InvoiceLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Quantity": "2"}],
    }
    node = txns._request_node("InvoiceAddRq", "InvoiceAdd")
    read = txn_request.read(_books().company.state, copy.deepcopy(data), node, "Invoice")
    assert read is not None and read["TxnDate"] == "2026-01-05"
    assert read == _read("Invoice", "Add", data, fast=False)[1]


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
