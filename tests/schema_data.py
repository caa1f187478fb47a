"""Hypothesis strategies for plain data drawn from the qbXML content models themselves.

``node_data(node)`` draws a value for a schema node as the fast paths and their general
twins take it: a dict of children in any key order (lists where a child repeats), leaf texts
valid for their type, and with ``odd`` now and then one of every kind of value a writer
treats specially: text to transliterate, escape or refuse, amounts to reformat or refuse,
numbers, dates, None, parents given values, unknown children. Now and then a child is left
out, so a required one may be missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

import qbschema

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


def _leaf_value(node: qbschema.Node, odd: bool, verbatim: bool) -> st.SearchStrategy[Any]:
    """A value the leaf takes as it is; when ``odd``, now and then one of every odd kind;
    when ``verbatim``, only texts written as they are (no markup to escape)."""
    simple = node.simple or {}
    valid = list(simple.get("enum", ())) or VALID_BY_KIND.get(simple.get("k", ""), [])
    size = min(12, simple.get("len", 12))
    chars = st.characters(codec="cp1252", exclude_categories=("Cc", "Cs"))
    if verbatim:
        valid = [one for one in valid if isinstance(one, str)]
        chars = st.characters(
            codec="cp1252", exclude_categories=("Cc", "Cs"), exclude_characters="&<>"
        )
    text = st.text(chars, max_size=size)
    markup = st.nothing() if verbatim else st.sampled_from(["A & B"])
    usual = st.sampled_from(valid) if valid else st.one_of(text, markup)
    unusual = st.one_of(
        st.sampled_from(ODD_TEXTS + ODD_NUMBERS + ODD_VALUES), st.text(max_size=4), text
    )
    return st.one_of(*[usual] * 12, unusual) if odd else usual


def _particle(
    draw: st.DrawFn, particle: list, out: dict[str, Any], depth: int, odd: bool, verbatim: bool
) -> None:
    """Children for one content-model particle, mostly as the model allows."""
    kind, low, high = particle[0], particle[-2], particle[-1]
    count = 1 if low >= 1 and high == 1 else draw(st.integers(low, 2 if high == -1 else high))
    if kind == "e" and count:
        name, child = particle[1], qbschema.schema().node(particle[2])
        values = [draw(node_data(child, depth + 1, odd, verbatim)) for _ in range(count)]
        out[name] = values if high != 1 or draw(st.integers(0, 9)) == 0 else values[0]
    elif kind == "s":
        for _ in range(count):
            for sub in particle[1]:
                _particle(draw, sub, out, depth, odd, verbatim)
    elif kind == "c" and count:
        _particle(draw, draw(st.sampled_from(particle[1])), out, depth, odd, verbatim)


@st.composite
def node_data(
    draw: st.DrawFn, node: qbschema.Node, depth: int = 0, odd: bool = False, verbatim: bool = False
) -> Any:
    """Data for ``node``: what its content model allows, and when ``odd`` sometimes not
    (values of every kind a writer treats specially, None, parents given values, unknown
    children); when ``verbatim`` (and not ``odd``), every leaf a text written as it is."""
    if node.is_leaf:
        return draw(_leaf_value(node, odd, verbatim))
    if depth > 4 or (odd and draw(st.integers(0, 40)) == 0):
        return draw(st.sampled_from([{}, "text for a parent", None, 5]))
    out: dict[str, Any] = {}
    _particle(draw, node.content, out, depth, odd, verbatim)
    if out and draw(st.integers(0, 20)) == 0:
        del out[draw(st.sampled_from(sorted(out)))]  # a required child may go missing
    if draw(st.integers(0, 20)) == 0:
        out[draw(st.sampled_from(["NoSuchChild", *node.child_nodes]))] = None
    if odd and draw(st.integers(0, 30)) == 0:
        out["NoSuchChild"] = "x"
    return dict(sorted(out.items(), key=lambda item: draw(st.integers(0, 3))))
