"""The compiled walk (``syncengine.qbxml.compiled``) against the general path it stands in for.

A request is built by the compiled walk when it can and by the text policy plus
``Schema.render`` otherwise; whichever runs, the text, body, changes and errors must be the
same. Hypothesis draws request data from the schema itself, with values of every kind the
general path treats specially (text to transliterate or refuse, markup, amounts to reformat or
refuse, numbers, None, lists, unknown children).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qbschema
from syncengine.qbxml import build, compiled
from tests.schema_data import node_data

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


def _sch() -> qbschema.Schema:
    return qbschema.schema()


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A request type, its body data and the keyword arguments of ``Request``."""
    rq_type = draw(st.sampled_from(REQUEST_TYPES))
    node = _sch().request_node(rq_type)
    body = draw(node_data(node, 0, draw(st.booleans())))
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
