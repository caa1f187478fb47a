"""Answer data to qbXML text, from a compiled plan of each content model.

``render(tag, node, value)`` gives exactly what ``Schema.render`` gives. Plain data (dicts of
texts and aggregates, in any key order, no attributes, every text valid as it is and in no need
of escaping, children that fit the content model once sorted) is written here, with each
child's tags made once per schema node; anything else goes to ``Schema.render``, which writes,
orders, escapes or refuses it as ever.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from qbschema import ATTRS, FastPathDeclined, Node, schema
from qbschema.model import expanded_tags

# A text ``Schema.render`` would escape or refuse: it is not written here.
_NOT_VERBATIM = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# One child in a node's plan: its node, its start and end tags, the test its text must pass
# (None: any text) when it is a leaf, and its own plan when it is an aggregate.
_Step = tuple[Node, str, str, "Callable[[str], bool] | None", "_Plan | None"]


# The children of one dict in schema order, each with its step, and whether they fit the
# content model when each is written once (no value None, no list).
_Layout = tuple[tuple[tuple[str, _Step], ...], bool]
_MAX_LAYOUTS = 256  # key orders remembered per node (the data's key orders are few)


class _Plan:
    """What writing an aggregate of one node needs: each child's position and step, and the
    layouts of the key orders seen so far (records of a kind share a few key orders, so each
    is sorted and checked against the content model once)."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.order = node.order
        self.steps: dict[str, _Step] = {}
        self.layouts: dict[tuple[str, ...], _Layout] = {}


_PLANS: dict[int, tuple[Node, _Plan]] = {}  # id(node) -> (node, its plan)


def render(tag: str, node: Node, value: Any) -> str:
    """``value`` as element ``tag`` of ``node``, as ``Schema.render(tag, node, value)``."""
    if node.content is None:
        if value.__class__ is str and _plain_text(node.accepts, value):
            return f"<{tag}>{value}</{tag}>"
        return schema().render(tag, node, value)
    out: list[str] = [f"<{tag}>"]
    try:
        _write(out, _plan(node), value)
    except FastPathDeclined:
        return schema().render(tag, node, value)
    out.append(f"</{tag}>")
    return "".join(out)


def _plain_text(accepts: Callable[[str], bool] | None, text: str) -> bool:
    return (accepts is None or accepts(text)) and not _NOT_VERBATIM.search(text)


def _plan(node: Node) -> _Plan:
    found = _PLANS.get(id(node))
    if found is not None:
        return found[1]
    plan = _Plan(node)
    _PLANS[id(node)] = (node, plan)  # before the children: a model may contain itself
    for name, (sub, _) in node.kids.items():
        leaf = sub.content is None
        plan.steps[name] = (
            sub,
            f"<{name}>",
            f"</{name}>",
            sub.accepts if leaf else None,  # remembers the texts it passed
            None if leaf else _plan(sub),
        )
    return plan


def _write(out: list[str], plan: _Plan, value: Any) -> None:
    """The children of an aggregate, in schema order, between tags the caller writes."""
    if value.__class__ is not dict or ATTRS in value:
        raise FastPathDeclined
    keys = tuple(value)
    layout = plan.layouts.get(keys)
    if layout is None:
        layout = _layout(plan, keys)
        if layout is None:  # a child the node does not have
            _write_sorted(out, plan, value)
            return
    search = _NOT_VERBATIM.search
    irregular = False  # a value None (skipped) or a list (repeated)
    for key, step in layout[0]:
        item = value[key]
        if item.__class__ is str and step[4] is None:
            # The common leaf, as in _child, without the call: this runs for every leaf.
            accepts = step[3]
            if (accepts is not None and not accepts(item)) or search(item):
                raise FastPathDeclined
            out += (step[1], item, step[2])
        elif item is None:
            irregular = True
        elif item.__class__ is list:
            irregular = True
            for one in item:
                _child(out, step, one)
        else:
            _child(out, step, item)
    if irregular:
        given = [key for key, _ in layout[0] if value[key] is not None]
        if not plan.node.fits(expanded_tags(given, value)):
            raise FastPathDeclined
    elif not layout[1]:
        raise FastPathDeclined


def _layout(plan: _Plan, keys: tuple[str, ...]) -> _Layout | None:
    """The layout of dicts with these keys in this order (None: a key the node lacks)."""
    order, steps = plan.order, plan.steps
    if not all(key in steps for key in keys):
        return None
    ordered = sorted(keys, key=order.__getitem__)
    layout = (tuple((key, steps[key]) for key in ordered), plan.node.fits(ordered))
    if len(plan.layouts) < _MAX_LAYOUTS:
        plan.layouts[keys] = layout
    return layout


def _write_sorted(out: list[str], plan: _Plan, value: dict) -> None:
    """``_write`` of a dict with keys the node lacks (written only when their value is None)."""
    keys = [key for key, item in value.items() if item is not None]
    try:
        keys.sort(key=plan.order.__getitem__)
    except KeyError:  # a child the node does not have
        raise FastPathDeclined from None
    for key in keys:
        item = value[key]
        if item.__class__ is list:
            for one in item:
                _child(out, plan.steps[key], one)
        else:
            _child(out, plan.steps[key], item)
    if not plan.node.fits(expanded_tags(keys, value)):
        raise FastPathDeclined


def _child(out: list[str], step: _Step, item: Any) -> None:
    _, start, end, accepts, sub_plan = step
    if sub_plan is None:
        if item.__class__ is not str or not _plain_text(accepts, item):
            raise FastPathDeclined
        out.append(start)
        out.append(item)
    else:
        out.append(start)
        _write(out, sub_plan, item)
    out.append(end)
