"""Requests rendered in one compiled walk: the text policy and the schema checks at once.

The general path walks a request's data twice: :func:`~syncengine.qbxml.text.apply_text_policy`
makes every value storable, then ``Schema.render`` writes it in schema order, checking each
value. It handles everything, errors included. Most data needs neither walk's remedies: every
string is already Windows-1252 text within its limit, every amount is already written to the
cent, every child is known and the children fit the content model. :func:`request_text` renders
such data in one walk, from a plan compiled once per schema node, and gives up (returns None)
at the first thing that is not so, leaving the whole request to the general path: a text the
policy would change or refuse, a value the schema refuses, a type it would convert. So the
text it returns is exactly the general path's, and every error still comes from there.

Plans are pure functions of the schema data (tags, order, value tests), cached per node.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from qbschema import FastPathDeclined, Node
from qbschema.model import value_test
from syncengine.qbxml.text import CP1252_HIGH, UNSAFE, is_amount

# Text the policy leaves as it is and XML carries verbatim: Windows-1252 without control
# characters (the policy's safe class, so no carriage return) and without the markup
# characters & < >.
_PLAIN_CLASS = "\t\n\x20-\x25\x27-\x3b\x3d\x3f-\x7e\xa0-\xff" + re.escape(CP1252_HIGH)
_PLAIN = re.compile(f"[{_PLAIN_CLASS}]*")
# An attribute value written as it is: printable ASCII without " & < >.
_PLAIN_ATTR = re.compile(r"[ !#-%'-;=?-~]*")
# An amount the policy leaves as it is: two decimals, no sign but minus, no leading zero, and
# few enough digits for Decimal to quantize (``amount_text`` gives back this very text).
_CANONICAL_AMOUNT = r"-?(?:0|[1-9][0-9]{0,12})\.[0-9]{2}"
_LAYOUTS_PER_NODE = 4096

_Test = Callable[[str], Any]


class _Kid:
    """What rendering one child needs: its tags and, for a leaf, one test of its text."""

    __slots__ = ("amount", "close", "name", "node", "open", "plan", "verbatim")

    def __init__(self, name: str, node: Node) -> None:
        self.name, self.node = name, node
        self.open, self.close = f"<{name}>", f"</{name}>"
        self.amount = node.is_leaf and is_amount(node)
        # for a leaf: true exactly when a text is kept by the policy and written as it is
        self.verbatim: _Test | None = None
        if node.is_leaf:
            self.verbatim = _amount_test(node) if self.amount else _text_test(node)
        self.plan: _Plan | None = None  # for a parent: its plan, compiled when first needed


class _Plan:
    """One parent node compiled: its children by name, and its layouts by given keys."""

    __slots__ = ("kids", "layouts", "node")

    def __init__(self, node: Node) -> None:
        self.node = node
        self.kids = {name: _Kid(name, child) for name, child in node.child_nodes.items()}
        # the keys of a dict as given -> (its children in schema order, whether they fit)
        self.layouts: dict[tuple[str, ...], tuple[tuple[_Kid, ...], bool] | None] = {}


_PLANS: dict[str, _Plan] = {}


def _plan(node: Node) -> _Plan:
    plan = _PLANS.get(node.id)
    if plan is None:
        plan = _PLANS[node.id] = _Plan(node)
    return plan


def _kid_plan(kid: _Kid) -> _Plan:
    kid.plan = _plan(kid.node)
    return kid.plan


def _text_test(node: Node) -> _Test:
    """Whether a text fits the leaf (``node.accepts``) and is plain: one C call where the
    leaf's check can join the plain test in one regular expression or set."""
    accepts = node.accepts
    check = node.sole_check
    if accepts is None:
        return _PLAIN.fullmatch
    if check is not None and check[0] == "len":
        return re.compile(f"[{_PLAIN_CLASS}]{{0,{check[1]}}}").fullmatch
    if check is not None and check[0] == "pat":
        return re.compile(f"(?=(?:{check[1]})\\Z)[{_PLAIN_CLASS}]*").fullmatch
    if check is not None and check[0] == "enum" and all(map(_PLAIN.fullmatch, check[1])):
        return frozenset(check[1]).__contains__
    plain = _PLAIN.fullmatch
    return lambda text: accepts(text) and plain(text) is not None


def _amount_test(node: Node) -> _Test:
    """Whether an amount is written to the cent already and fits the leaf."""
    accepts = node.accepts
    check = node.sole_check
    if accepts is None:
        return re.compile(_CANONICAL_AMOUNT).fullmatch
    if check is not None and check[0] == "pat":
        return re.compile(f"(?=(?:{check[1]})\\Z){_CANONICAL_AMOUNT}").fullmatch
    canonical = re.compile(_CANONICAL_AMOUNT).fullmatch
    return lambda text: canonical(text) is not None and accepts(text)


def _layout(plan: _Plan, keys: tuple[str, ...]) -> tuple[tuple[_Kid, ...], bool] | None:
    """The children named by ``keys`` in schema order and whether they fit; None if one is
    not a child (or is the attribute key)."""
    layout = plan.layouts.get(keys)
    if layout is None and keys not in plan.layouts:
        kids = plan.kids
        if all(key in kids for key in keys):
            ordered = tuple(sorted((kids[k] for k in keys), key=_order(plan.node)))
            layout = (ordered, plan.node.fits([kid.name for kid in ordered]))
        if len(plan.layouts) < _LAYOUTS_PER_NODE:
            plan.layouts[keys] = layout
    return layout


def _order(node: Node) -> Callable[[_Kid], int]:
    order = node.order
    return lambda kid: order[kid.name]


def _attr_tests(node: Node) -> dict[str, _Test]:
    return {name: value_test(spec) for name, spec in node.attrs.items()}


_ATTR_TESTS: dict[str, dict[str, _Test]] = {}


def _attr_text(node: Node, attrs: dict[str, str]) -> str:
    """The request's attributes as text, when each is plain and valid."""
    tests = _ATTR_TESTS.get(node.id)
    if tests is None:
        tests = _ATTR_TESTS[node.id] = _attr_tests(node)
    parts = []
    for name, value in attrs.items():
        test = tests.get(name)
        if test is None or value.__class__ is not str or not test(value):
            raise FastPathDeclined
        if _PLAIN_ATTR.fullmatch(value) is None:
            raise FastPathDeclined
        parts.append(f' {name}="{value}"')
    return "".join(parts)


def request_text(node: Node, tag: str, data: dict[str, Any], attrs: dict[str, str]) -> str | None:
    """Element ``tag`` of request ``data`` as the general path writes it, when the text policy
    changes nothing in it and the schema accepts it as given; otherwise None."""
    try:
        out = [f"<{tag}{_attr_text(node, attrs)}>"]
        _children(_plan(node), data, out)
    except FastPathDeclined:
        return None
    out.append(f"</{tag}>")
    return "".join(out)


def _children(plan: _Plan, value: dict[str, Any], out: list[str]) -> None:
    """Append the children of a parent, given as a dict, in schema order."""
    keys = tuple(value)
    layout = plan.layouts.get(keys) or _layout(plan, keys)
    if layout is None:
        raise FastPathDeclined
    kids, fits = layout
    as_given = True  # no None to leave out, no list to repeat: the layout's verdict holds
    for kid in kids:
        one = value[kid.name]
        cls = one.__class__
        verbatim = kid.verbatim
        if cls is str and verbatim is not None and verbatim(one):
            out.append(f"{kid.open}{one}{kid.close}")  # the common leaf, without a call
        elif cls is dict and verbatim is None:
            out.append(kid.open)
            _children(kid.plan or _kid_plan(kid), one, out)
            out.append(kid.close)
        elif cls is list:
            as_given = False
            for item in one:
                _value(kid, item, out)
        elif one is None:
            as_given = False
        else:
            _value(kid, one, out)
    if not (fits if as_given else plan.node.fits(_tags(kids, value))):
        raise FastPathDeclined


def _tags(kids: tuple[_Kid, ...], value: dict[str, Any]) -> list[str]:
    """The child tags as written: None left out, a list's tag once per item."""
    tags = []
    for kid in kids:
        one = value[kid.name]
        if one.__class__ is list:
            tags += [kid.name] * len(one)
        elif one is not None:
            tags.append(kid.name)
    return tags


def _value(kid: _Kid, value: Any, out: list[str]) -> None:
    """Append one element of child ``kid`` holding ``value`` (not a list)."""
    cls = value.__class__
    verbatim = kid.verbatim
    if verbatim is None:
        if cls is not dict:
            raise FastPathDeclined  # a parent given a value: the general path names it
        out.append(kid.open)
        _children(kid.plan or _kid_plan(kid), value, out)
        out.append(kid.close)
    elif cls is str and verbatim(value):
        out.append(f"{kid.open}{value}{kid.close}")
    elif cls is str or cls is bool or cls is int:
        out.append(f"{kid.open}{_leaf_text(kid, value)}{kid.close}")
    else:
        raise FastPathDeclined


def _leaf_text(kid: _Kid, value: str | bool | int) -> str:
    """The escaped text of a leaf value, not verbatim, that the policy keeps and the schema
    accepts."""
    if value.__class__ is str:
        if kid.amount or UNSAFE.search(value) is not None:
            raise FastPathDeclined  # an amount to reformat, or text to transliterate or refuse
        text = value
    elif kid.amount:
        raise FastPathDeclined  # the policy formats numbers given for amounts
    else:
        text = ("true" if value else "false") if value.__class__ is bool else str(value)
    accepts = kid.node.accepts
    if accepts is not None and not accepts(text):
        raise FastPathDeclined
    return escape(text)
