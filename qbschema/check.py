"""Check an lxml element against a compiled content model, without the XSD.

The matcher runs the content model as a small automaton over the children's tag names: each
particle maps a set of start positions to the set of positions where it can end. That is
enough for qbXML's models (sequences, choices and groups with occurrence bounds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from qbschema.model import (
    ATTRS,
    TEXT,
    FastPathDeclined,
    Node,
    Schema,
    simple_problem,
    value_test,
)


@dataclass(frozen=True)
class Problem:
    """What is wrong, at which element (dotted path) and source line."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path}: {self.message}"


def _ends(particle: list, tags: list[str], starts: set[int], seen: list[int]) -> set[int]:
    kind, low, high = particle[0], particle[-2], particle[-1]
    reached = set(starts) if low == 0 else set()
    current = set(starts)
    count = 0
    while current and (high == -1 or count < high):
        count += 1
        nxt = _once(kind, particle, tags, current, seen)
        nxt -= current if high == -1 else set()
        if count >= low:
            reached |= nxt
        if not nxt:
            break
        current = nxt
    return reached


def _once(
    kind: str, particle: list, tags: list[str], starts: set[int], seen: list[int]
) -> set[int]:
    if kind == "e":
        name = particle[1]
        matched = {i + 1 for i in starts if i < len(tags) and tags[i] == name}
        if matched:
            seen[0] = max(seen[0], *matched)
        return matched
    inner = particle[1]
    if kind == "s":
        positions = set(starts)
        for sub in inner:
            positions = _ends(sub, tags, positions, seen)
            if not positions:
                break
        return positions
    out: set[int] = set()
    for sub in inner:
        out |= _ends(sub, tags, starts, seen)
    return out


def check_element(
    schema: Schema, element: etree._Element, node: Node, path: str = ""
) -> list[Problem]:
    """Every way ``element`` breaks its content model: order, presence, values, attributes."""
    here = f"{path}.{element.tag}" if path else str(element.tag)
    problems: list[Problem] = []
    for name, value in element.attrib.items():
        spec = node.attrs.get(name)
        if spec is None:
            problems.append(Problem(here, element.sourceline, f"attribute {name} is not allowed"))
            continue
        why = simple_problem(spec, value)
        if why:
            problems.append(Problem(here, element.sourceline, f"attribute {name} {why}"))
    for name, spec in node.attrs.items():
        if spec.get("req") and name not in element.attrib:
            problems.append(Problem(here, element.sourceline, f"attribute {name} is required"))
    children = [c for c in element if isinstance(c.tag, str)]
    if node.is_leaf:
        if children:
            problems.append(
                Problem(here, element.sourceline, f"{element.tag} takes a value, not elements")
            )
            return problems
        why = simple_problem(node.simple, element.text or "")
        if why:
            problems.append(Problem(here, element.sourceline, f"{element.tag} {why}"))
        return problems
    if (element.text or "").strip():
        problems.append(Problem(here, element.sourceline, f"{element.tag} takes no text"))
    tags = [c.tag for c in children]
    for child in children:
        info = node.children.get(child.tag)
        if info is None:
            problems.append(
                Problem(here, child.sourceline, f"{child.tag} is not expected in {element.tag}")
            )
            return problems
    seen = [0]
    if not node.fits(tags) and len(tags) not in _ends(node.content or [], tags, {0}, seen):
        problems.append(_order_problem(seen[0], children, element, here))
        return problems
    for child in children:
        problems += check_element(schema, child, schema.node(node.children[child.tag].node), here)
    return problems


def _order_problem(accepted: int, children: list, element, here: str) -> Problem:
    if accepted < len(children):
        bad = children[accepted]
        return Problem(
            here, bad.sourceline, f"{bad.tag} is not expected here (wrong order or repeated)"
        )
    return Problem(here, element.sourceline, f"{element.tag} is missing a required element")


# -- checking and reading in one pass --------------------------------------------------------
TooLong = tuple[etree._Element, str, int]  # (leaf, field name, maximum length)


@dataclass
class Checked:
    """What ``read_checked`` found: the element's plain data (as ``Schema.read`` gives it) when
    nothing is wrong, else the first ``problem`` (``check_element``'s first, word for word).

    ``too_long`` lists the leaves longer than their field allows (with ``cut_long_texts``),
    ``stray`` the first text between elements, as ``(element, child)``: text inside
    ``element`` before its first child (``child`` None) or after ``child``. Neither is a
    problem here: the caller decides what they mean.
    """

    value: Any = None
    problem: Problem | None = None
    too_long: list[TooLong] = field(default_factory=list)
    stray: tuple[etree._Element, etree._Element | None] | None = None


class _Found(Exception):
    """Carries the first problem out of the walk (only the first is wanted)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self.problem = problem


def read_checked(element: etree._Element, node: Node, *, cut_long_texts: bool = False) -> Checked:
    """Check ``element`` against its content model and read it, in one walk of the tree.

    The first problem is the one ``check_element`` lists first. With ``cut_long_texts`` a
    text over its field's length is not a problem: it is listed in ``too_long`` and its other
    checks run on the text cut to that length (QuickBooks answers such a request with a
    status, not a parse error).
    """
    try:
        return Checked(_read_plain(element, _plan(node)))
    except FastPathDeclined:
        pass  # the general walk below says what is wrong (or reads what is unusual)
    walk = _Walk(element, cut_long_texts)
    try:
        value = walk.read(element, node)
    except _Found as found:
        return Checked(problem=found.problem)
    return Checked(value, None, walk.too_long, walk.stray)


# -- the fast path: a valid element without long texts, stray text or comments -------------
class _Plan:
    """What reading one element type needs, worked out once per schema node: its children's
    steps (None for a leaf) and attribute tests."""

    __slots__ = ("accepts", "attr_tests", "node", "required_attrs", "steps")

    def __init__(self, node: Node) -> None:
        self.node = node
        self.steps: dict[str, _Step] | None = None if node.content is None else {}
        self.accepts = node.accepts
        self.attr_tests = {name: value_test(spec) for name, spec in node.attrs.items()}
        self.required_attrs = node.required_attrs


# One child in a parent's plan: (its plan, whether it repeats, whether it is a leaf that
# carries no required attribute, and then the test its text must pass: a maximum length
# when that is all there is to test (checked without a call), else ``Node.accepts``).
_Step = tuple[_Plan, bool, bool, "int | None", Any]
_PLANS: dict[int, tuple[Node, _Plan]] = {}  # id(node) -> (node, its plan)


def _plan(node: Node) -> _Plan:
    """The plan of ``node`` (and of every node below it), made once per schema node."""
    found = _PLANS.get(id(node))
    if found is not None:
        return found[1]
    plan = _Plan(node)
    _PLANS[id(node)] = (node, plan)  # before the children: a model may contain itself
    if plan.steps is not None:
        for name, (sub, repeatable) in node.kids.items():
            plain_leaf = sub.content is None and not sub.required_attrs
            check = sub.sole_check if sub.accepts is not None else None
            if check is not None and check[0] == "len":
                test: tuple[int | None, Any] = (check[1], None)
            else:
                test = (None, sub.accepts)
            plan.steps[name] = (_plan(sub), repeatable, plain_leaf, *test)
    return plan


def _read_plain(element: etree._Element, plan: _Plan) -> Any:
    """``element`` read as ``_Walk.read`` reads it, when it holds nothing unusual: valid
    values no longer than their fields, no text between elements, no comments or processing
    instructions. Anything else raises ``FastPathDeclined`` (the general walk then reads or
    refuses it, with its first problem worded as ever)."""
    # ``items()`` (an empty list for most elements) is cheaper than testing ``attrib``, which
    # makes a proxy object.
    items = element.items()
    attrs = _plain_attrs(plan, items) if items or plan.required_attrs else None
    steps = plan.steps
    if steps is None:
        if len(element):
            raise FastPathDeclined
        text = element.text or ""
        accepts = plan.accepts
        if accepts is not None and not accepts(text):
            raise FastPathDeclined
        return {ATTRS: attrs, TEXT: text} if attrs else text
    text = element.text
    if text and not text.isspace():
        raise FastPathDeclined
    out: dict[str, Any] = {ATTRS: attrs} if attrs else {}
    tags: list[str] = []
    for child in element:
        tag = child.tag
        step = steps.get(tag)  # None for an unknown element, a comment or an instruction
        if step is None:
            raise FastPathDeclined
        tail = child.tail
        if tail and not tail.isspace():
            raise FastPathDeclined
        tags.append(tag)
        kid, repeatable, plain_leaf, limit, accepts = step
        if plain_leaf and not len(child) and not child.keys():
            value = child.text or ""  # the common leaf, read without a call
            if limit is not None:
                if len(value) > limit:
                    raise FastPathDeclined
            elif accepts is not None and not accepts(value):
                raise FastPathDeclined
        else:
            value = _read_plain(child, kid)
        if repeatable:
            out.setdefault(tag, []).append(value)
        else:
            out[tag] = value
    if not plan.node.fits(tags):  # remembered per sequence by the node
        raise FastPathDeclined
    return out


def _plain_attrs(plan: _Plan, items: list) -> dict[str, str]:
    tests = plan.attr_tests
    for name, value in items:
        test = tests.get(name)
        if test is None or not test(value):
            raise FastPathDeclined
    attrs = dict(items)
    for name in plan.required_attrs:
        if name not in attrs:
            raise FastPathDeclined
    return attrs


class _Walk:
    """One ``read_checked`` pass: the first stray text and the long texts found so far."""

    def __init__(self, top: etree._Element, cut_long_texts: bool) -> None:
        self.top, self.cut = top, cut_long_texts
        self.too_long: list[TooLong] = []
        self.stray: tuple[etree._Element, etree._Element | None] | None = None

    def read(self, element: etree._Element, node: Node) -> Any:
        """The element's data, checked; raises ``_Found`` with the first problem."""
        items = element.items()
        attrs = self._attrs(element, node, items) if items or node.required_attrs else None
        if node.content is not None:
            return self._parent(element, node, attrs)
        if len(element):  # comments inside a value, or elements where a value belongs
            self._leaf_children(element)
        text = element.text or ""
        accepts = node.accepts
        if accepts is not None and not accepts(text):
            self._bad_value(element, node, text)
        return {ATTRS: attrs, TEXT: text} if attrs else text

    def _parent(self, element: etree._Element, node: Node, attrs: dict | None) -> dict:
        text = element.text
        if text and not text.isspace():
            raise self._problem(element, element, f"{element.tag} takes no text")
        kids = node.kids
        elements: list[etree._Element] = []
        tags: list[str] = []
        for child in element:  # elements, and comments or processing instructions
            tag = child.tag
            if tag.__class__ is str:
                if tag not in kids:
                    raise self._problem(element, child, f"{tag} is not expected in {element.tag}")
                elements.append(child)
                tags.append(tag)
            if self.stray is None:
                tail = child.tail
                if tail and not tail.isspace():
                    self.stray = (element, child)
        if not node.fits(tags):
            seen = [0]
            if len(tags) not in _ends(node.content or [], tags, {0}, seen):
                order = _order_problem(seen[0], elements, element, "")
                raise _Found(Problem(self._path(element), order.line, order.message))
        out: dict[str, Any] = {ATTRS: attrs} if attrs else {}
        for child, tag in zip(elements, tags, strict=True):
            sub, repeatable = kids[tag]
            if (
                sub.content is None
                and not sub.required_attrs
                and not len(child)
                and not child.items()
            ):
                # The common leaf, read here rather than through ``read`` (a call per leaf
                # is a good part of the whole walk): plain text, no attributes, no children.
                value = child.text or ""
                accepts = sub.accepts
                if accepts is not None and not accepts(value):
                    self._bad_value(child, sub, value)
            else:
                value = self.read(child, sub)
            if repeatable:
                out.setdefault(tag, []).append(value)
            else:
                out[tag] = value
        return out

    def _leaf_children(self, element: etree._Element) -> None:
        """A value element with child nodes: elements are a problem, and text beside
        comments is stray."""
        children = list(element)
        if any(child.tag.__class__ is str for child in children):
            raise self._problem(element, element, f"{element.tag} takes a value, not elements")
        if self.stray is None:
            text = element.text
            if text and not text.isspace():
                self.stray = (element, None)
                return
            for child in children:
                tail = child.tail
                if tail and not tail.isspace():
                    self.stray = (element, child)
                    return

    def _bad_value(self, element: etree._Element, node: Node, text: str) -> None:
        """A value ``node.accepts`` refuses: a problem, unless it is only too long and long
        texts are cut (then it is noted, and what is left of it checked)."""
        limit = node.limit
        if self.cut and limit is not None and len(text) > limit:
            self.too_long.append((element, element.tag, limit))
            text = text[:limit]
            if node.accepts is None or node.accepts(text):
                return
        why = simple_problem(node.simple, text)
        raise self._problem(element, element, f"{element.tag} {why}")

    def _attrs(self, element: etree._Element, node: Node, items: list) -> dict[str, str]:
        for name, value in items:
            spec = node.attrs.get(name)
            if spec is None:
                raise self._problem(element, element, f"attribute {name} is not allowed")
            why = simple_problem(spec, value)
            if why:
                raise self._problem(element, element, f"attribute {name} {why}")
        attrs = dict(items)
        for name in node.required_attrs:
            if name not in attrs:
                raise self._problem(element, element, f"attribute {name} is required")
        return attrs

    def _problem(self, element: etree._Element, at: etree._Element, message: str) -> _Found:
        return _Found(Problem(self._path(element), at.sourceline, message))

    def _path(self, element: etree._Element) -> str:
        """The dotted path from the top element, as ``check_element`` names it."""
        tags = [element.tag]
        if element is not self.top:
            for ancestor in element.iterancestors():
                tags.append(ancestor.tag)
                if ancestor is self.top:
                    break
        return ".".join(reversed(tags))
