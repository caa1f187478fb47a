"""The compiled walk (``syncengine.qbxml.compiled``) against the general path it stands in for.

A request is built by the compiled walk when it can and by the text policy plus
``Schema.render`` otherwise; whichever runs, the text, body, changes and errors must be the
same. Hypothesis draws request data from the schema itself, with values of every kind the
general path treats specially (text to transliterate or refuse, markup, amounts to reformat or
refuse, numbers, None, lists, unknown children).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qbschema
from syncengine.qbxml import build, compiled

REQUEST_TYPES = [
    "CustomerAddRq",
    "CustomerModRq",
    "EmployeeAddRq",
    "InvoiceAddRq",
    "BillAddRq",
    "ReceivePaymentAddRq",
    "TimeTrackingAddRq",
    "ItemServiceAddRq",
    "ItemInventoryAddRq",
    "CustomerQueryRq",
    "InvoiceQueryRq",
    "TxnDeletedQueryRq",
]
ODD_TEXTS = [
    "",
    "Acme & Sons <Ltd>",
    'say "hi"',
    "Łódź",
    "Zoë Café €",
    "e\u0308",
    "😀",
    "tab\there",
    "bell\x07",
    "\x85",
    "\ufeffx",
    "ﬁne",
    "x" * 42,
    "ł" * 41,
    "Ａ",
]
ODD_NUMBERS = [
    "10.50",
    "-0.00",
    "0.00",
    "7",
    "10.5",
    "10.555",
    "+1.00",
    "0800.00",
    " 5.00",
    "1e3",
    "NaN",
    "abc",
    "１.00",
    "12345678901234.00",
    "1234567890123.00",
]
ODD_VALUES = [
    None,
    True,
    False,
    0,
    7,
    -3,
    Decimal("10.5"),
    Decimal("3.00"),
    2.5,
    dt.date(2024, 1, 2),
    dt.datetime(2024, 1, 2, 3, 4, 5),
]


def _sch() -> qbschema.Schema:
    return qbschema.schema()


VALID_BY_KIND = {
    "AMTTYPE": ["12.34", "0.00", "-5.10", "7", "10.5", "+1.00", "0800.00"],
    "QUANTYPE": ["2", "1.5"],
    "PRICETYPE": ["75.00", "1.23456"],
    "PERCENTTYPE": ["10", "2.5"],
    "DATETYPE": ["2024-01-02"],
    "DATETIMETYPE": ["2024-01-02T03:04:05", "2024-01-02"],
    "BOOLTYPE": ["true", "false", True],
    "INTTYPE": ["5", 5],
    "IDTYPE": ["80000001-1700000000"],
    "GUIDTYPE": ["0"],
    "TIMEINTERVALTYPE": ["PT1H15M0S"],
    "FLOATTYPE": ["1.5", "2"],
}


def _leaf_value(node: qbschema.Node, odd: bool) -> st.SearchStrategy[Any]:
    """A value the leaf takes as it is; when ``odd``, now and then one of every odd kind."""
    simple = node.simple or {}
    valid = list(simple.get("enum", ())) or VALID_BY_KIND.get(simple.get("k", ""), [])
    size = min(12, simple.get("len", 12))
    text = st.text(st.characters(codec="cp1252", exclude_categories=("Cc", "Cs")), max_size=size)
    usual = st.sampled_from(valid) if valid else st.one_of(text, st.sampled_from(["A & B"]))
    unusual = st.one_of(
        st.sampled_from(ODD_TEXTS + ODD_NUMBERS + ODD_VALUES), st.text(max_size=4), text
    )
    return st.one_of(*[usual] * 12, unusual) if odd else usual


def _particle(draw: st.DrawFn, particle: list, out: dict[str, Any], depth: int, odd: bool) -> None:
    """Children for one content-model particle, mostly as the model allows."""
    kind, low, high = particle[0], particle[-2], particle[-1]
    count = 1 if low >= 1 and high == 1 else draw(st.integers(low, 2 if high == -1 else high))
    if kind == "e" and count:
        name, child = particle[1], _sch().node(particle[2])
        values = [draw(_value(child, depth + 1, odd)) for _ in range(count)]
        out[name] = values if high != 1 or draw(st.integers(0, 9)) == 0 else values[0]
    elif kind == "s":
        for _ in range(count):
            for sub in particle[1]:
                _particle(draw, sub, out, depth, odd)
    elif kind == "c" and count:
        _particle(draw, draw(st.sampled_from(particle[1])), out, depth, odd)


@st.composite
def _value(draw: st.DrawFn, node: qbschema.Node, depth: int, odd: bool) -> Any:
    """Data for ``node``: what its content model allows, and when ``odd`` sometimes not."""
    if node.is_leaf:
        return draw(_leaf_value(node, odd))
    if depth > 4 or (odd and draw(st.integers(0, 40)) == 0):
        return draw(st.sampled_from([{}, "text for a parent", None, 5]))
    out: dict[str, Any] = {}
    _particle(draw, node.content, out, depth, odd)
    if draw(st.integers(0, 20)) == 0:
        out[draw(st.sampled_from(["NoSuchChild", *node.child_nodes]))] = None
    if odd and draw(st.integers(0, 30)) == 0:
        out["NoSuchChild"] = "x"
    return dict(sorted(out.items(), key=lambda item: draw(st.integers(0, 3))))


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A request type, its body data and the keyword arguments of ``Request``."""
    rq_type = draw(st.sampled_from(REQUEST_TYPES))
    node = _sch().request_node(rq_type)
    body = draw(_value(node, 0, draw(st.booleans())))
    if not isinstance(body, dict):
        body = {}
    request_id = draw(st.sampled_from([None, "1", "a&b", 'q"', "x y", "é", "\t"]))
    include = draw(st.sampled_from([(), ("ListID",), ("ListID", "TxnID")]))
    return rq_type, body, {"request_id": request_id, "include": include, "record": "r"}


def _outcome(rq_type: str, body: dict[str, Any], kwargs: dict[str, Any]) -> tuple:
    try:
        request = build.Request(rq_type, body, **kwargs)
    except Exception as exc:  # the outcome compared is any error's type and text
        return ("error", type(exc).__name__, str(exc))
    return ("built", request.text, request.body, request.changes, request.attrs)


def _general_outcome(*args: Any) -> tuple:
    """The outcome with the compiled walk switched off."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(build, "request_text", lambda *_: None)
        return _outcome(*args)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_compiled_walk_and_general_path_agree(case):
    """Text, body, changes and errors are the same whichever path builds the request."""
    rq_type, body, kwargs = case
    assert _outcome(rq_type, body, kwargs) == _general_outcome(rq_type, body, kwargs)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_compiled_walk_only_renders_what_the_policy_keeps(case):
    """When the compiled walk renders a request, the text policy had nothing to change."""
    rq_type, body, kwargs = case
    node = _sch().request_node(rq_type)
    data = {**body, "IncludeRetElement": list(kwargs["include"])} if kwargs["include"] else body
    attrs = {} if kwargs["request_id"] is None else {"requestID": kwargs["request_id"]}
    text = compiled.request_text(node, rq_type, dict(data), attrs)
    if text is not None:
        general = _general_outcome(rq_type, body, kwargs)
        assert general[:4] == ("built", text, data, [])


def test_realistic_invoice_takes_the_compiled_walk():
    """A clean invoice with lines, amounts and escaped markup is rendered by the compiled walk."""
    node = _sch().request_node("InvoiceAddRq")
    data = {
        "InvoiceAdd": {
            "CustomerRef": {"FullName": "Smith & Sons"},
            "TxnDate": "2024-05-01",
            "InvoiceLineAdd": [
                {"ItemRef": {"ListID": "80000022-1767621600"}, "Quantity": 2, "Rate": "1.5"},
                {"Desc": "Zoë's <special>", "Amount": "10.00"},
            ],
        }
    }
    text = compiled.request_text(node, "InvoiceAddRq", data, {"requestID": "7"})
    assert text is not None
    assert "<FullName>Smith &amp; Sons</FullName>" in text
    assert "<Desc>Zoë's &lt;special&gt;</Desc>" in text


def _payment_text(amount: str) -> str | None:
    node = _sch().request_node("ReceivePaymentAddRq")
    data = {"CustomerRef": {"FullName": "A"}, "TotalAmount": amount, "IsAutoApply": True}
    return compiled.request_text(node, "ReceivePaymentAddRq", {"ReceivePaymentAdd": data}, {})


def test_amount_written_to_the_cent_takes_the_compiled_walk():
    """An amount with exactly two decimals is rendered as given."""
    assert "<TotalAmount>-10.05</TotalAmount>" in _payment_text("-10.05")


@pytest.mark.parametrize(
    "amount", ["7", "10.5", "+1.00", "0800.00", "10.555", "1e3", "", " 5.00", "１.00"]
)
def test_amount_not_written_to_the_cent_goes_to_the_general_path(amount):
    """An amount the policy would reformat or refuse is never rendered by the compiled walk."""
    assert _payment_text(amount) is None


@pytest.mark.parametrize("name", ["Łódź", "e\u0308", "tab\x07", "x" * 42, "😀"])
def test_text_the_policy_changes_or_refuses_goes_to_the_general_path(name):
    """A name outside Windows-1252, with a control character or too long is left alone."""
    node = _sch().request_node("CustomerAddRq")
    assert compiled.request_text(node, "CustomerAddRq", {"CustomerAdd": {"Name": name}}, {}) is None
