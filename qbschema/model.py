"""Content models loaded from ``qbxml160.json``: order, check and read qbXML elements."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from lxml import etree

ATTRS = "@"
TEXT = "#"
DATA_FILE = Path(__file__).with_name("qbxml160.json")

_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_BOOL = ("true", "false", "1", "0")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A leaf text that needs more than copying into the output: escaping, or a refusal.
_NOT_VERBATIM = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class SchemaDataError(ValueError):
    """Data that does not fit a qbXML content model.

    ``path`` is the dotted element path (``CustomerAdd.BillAddress.Addr1``), ``field`` the
    element or attribute at fault, ``value`` the offending value (None when missing) and
    ``reason`` a sentence saying what is wrong.
    """

    def __init__(
        self, path: str, field: str, value: Any, reason: str, line: int | None = None
    ) -> None:
        self.path, self.field, self.value, self.reason = path, field, value, reason
        self.line = line  # the source line of the element at fault, when read from a document
        super().__init__(path, field, value, reason)

    def within(self, parent: str) -> SchemaDataError:
        """The same error seen from ``parent`` (its path gains the parent's name)."""
        self.path = f"{parent}.{self.path}" if self.path else parent
        return self

    def __str__(self) -> str:
        shown = "" if self.value is None else f" value {str(self.value)[:60]!r}:"
        return f"{self.path}:{shown} {self.reason}"


class FastPathDeclined(Exception):
    """The fast path declines this input; the general path answers it.

    Raised inside a fast path (a compiled or one-pass walk) at the first thing it does not
    handle, and caught by the function that chose it, which then runs the general path on the
    whole input. It never leaves that function: errors are always the general path's. Raise
    the class, never a shared instance: an instance raised again keeps every earlier raise's
    traceback, and the frames (with their data) in it.
    """


@dataclass(frozen=True)
class Child:
    name: str
    node: str
    repeatable: bool


@dataclass
class Node:
    """One element's content model: its ordered particles, attributes and simple type."""

    id: str
    content: list | None
    attrs: dict[str, dict]
    simple: dict | None
    children: dict[str, Child] = field(default_factory=dict)
    child_nodes: dict[str, Node] = field(default_factory=dict)  # filled by Schema.node
    # child name -> (its node, repeatable): what reading and checking need, in one lookup
    kids: dict[str, tuple[Node, bool]] = field(default_factory=dict)  # filled by Schema.node

    @property
    def is_leaf(self) -> bool:
        return self.content is None

    @cached_property
    def pattern(self) -> re.Pattern:
        """The content model as a regex over ``<Tag>`` tokens: its meaning written plainly.
        ``fits`` does not use it (compiling the large models costs more than all the
        matching a sync needs); tests hold ``fits`` to it."""
        return re.compile(_regex(self.content)) if self.content else re.compile("")

    @cached_property
    def order(self) -> dict[str, int]:
        """Each child's first position in the content model, to sort given fields by."""
        positions: dict[str, int] = {}
        if self.content:
            _first_positions(self.content, positions)
        return positions

    @cached_property
    def _verdicts(self) -> dict[tuple[str, ...], bool]:
        return {}

    def fits(self, tags: list[str] | tuple[str, ...]) -> bool:
        """Whether this sequence of child tags satisfies the content model (memoised)."""
        key = tuple(tags)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = matches(self.content, key)
            if len(self._verdicts) < 4096:
                self._verdicts[key] = verdict
        return verdict

    @cached_property
    def plain_text(self) -> bool:
        """A leaf any text fits (no length, enum, pattern or kind check applies)."""
        simple = self.simple or {}
        return set(simple) <= {"k"} and simple.get("k", "STRTYPE") in ("STRTYPE", "ENUMTYPE")

    @cached_property
    def accepts(self) -> Callable[[str], bool] | None:
        """A fast test that a text is a valid value of this leaf (None: any text is); exactly
        when it fails, ``simple_problem`` says why."""
        if self.plain_text:
            return None
        test = value_test(self.simple)
        check = self.sole_check
        if check is not None and check[0] in ("len", "enum"):
            return test  # as cheap as a lookup already
        return _remembering(test)

    @cached_property
    def sole_check(self) -> tuple[str, Any] | None:
        """The leaf's only value check as (``"len"``, ``"pat"`` or ``"enum"``, its argument),
        when ``accepts`` tests exactly that and nothing else; None otherwise."""
        simple = self.simple or {}
        keys = set(simple) - {"k"}
        if len(keys) != 1 or simple.get("k", "STRTYPE") in _KIND_CHECKS:
            return None
        (key,) = keys
        return (key, simple[key])

    @cached_property
    def limit(self) -> int | None:
        """The leaf's maximum text length, if it has one."""
        return (self.simple or {}).get("len")

    @cached_property
    def readers(self) -> dict[str, tuple[Node | None, bool]]:
        """Child name -> (its node, None for a leaf; whether it repeats): what reading needs."""
        return {
            name: (None if sub.content is None else sub, repeatable)
            for name, (sub, repeatable) in self.kids.items()
        }

    @cached_property
    def required_attrs(self) -> tuple[str, ...]:
        """The attributes this element must carry."""
        return tuple(name for name, spec in self.attrs.items() if spec.get("req"))


def _collect(particle: list, repeat: bool, into: dict[str, Child]) -> None:
    kind = particle[0]
    if kind == "e":
        _, name, node, _low, high = particle
        many = repeat or high != 1
        old = into.get(name)
        into[name] = Child(name, node, many or (old.repeatable if old else False))
        return
    _, inner, _low, high = particle
    for sub in inner:
        _collect(sub, repeat or high != 1, into)


def _names(particle: list) -> frozenset[str]:
    if particle[0] == "e":
        return frozenset([particle[1]])
    out: set[str] = set()
    for sub in particle[1]:
        out |= _names(sub)
    return frozenset(out)


def format_value(value: Any) -> str:
    """The wire text of a Python leaf value (bools as true/false, Decimals unscaled)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@cache
def _pattern(text: str) -> re.Pattern:
    return re.compile(text)


_DATETIME = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(T\d{1,2}(:\d{1,2}(:\d{1,2}([+-]\d{1,2}:\d{1,2})?)?)?)?"
)
_INTERVAL = re.compile(r"[+-]?PT(\d+H)?(\d+M)?(\d+S)?")

_KIND_CHECKS = {
    "DATETIMETYPE": lambda t: _DATETIME.fullmatch(t) is not None,
    "TIMEINTERVALTYPE": lambda t: _INTERVAL.fullmatch(t) is not None and t[-1] != "T",
    "BOOLTYPE": lambda t: t in _BOOL,
    "DATETYPE": lambda t: _DATE.fullmatch(t) is not None,
    "INTTYPE": lambda t: _INT.fullmatch(t) is not None,
    "FLOATTYPE": lambda t: _FLOAT.fullmatch(t) is not None,
}


def simple_problem(simple: dict | None, text: str) -> str | None:
    """Why ``text`` is not a valid value of ``simple``, or None when it is."""
    if not simple:
        return None
    kind = simple.get("k", "STRTYPE")
    if "enum" in simple and text not in simple["enum"]:
        return f"must be one of {', '.join(simple['enum'])}"
    if "len" in simple and len(text) > simple["len"]:
        return f"is {len(text)} characters long; QuickBooks allows at most {simple['len']}"
    if "pat" in simple and not _pattern(simple["pat"]).fullmatch(text):
        return f"does not match the {kind} format"
    if text == "":
        return None
    check = _KIND_CHECKS.get(kind)
    if check is not None and not check(text):
        return f"is not a valid {kind}"
    if kind == "INTTYPE":
        number = int(text)
        if ("lo" in simple and number < simple["lo"]) or ("hi" in simple and number > simple["hi"]):
            return f"must be between {simple.get('lo')} and {simple.get('hi')}"
    return None


_REMEMBERED = 1024  # valid texts remembered per leaf type


def _remembering(test: Callable[[str], bool]) -> Callable[[str], bool]:
    """``test``, remembering the texts it accepted lately, up to ``_REMEMBERED``: the same
    quantities, prices and dates come again and again, and a set lookup costs far less than
    a match. A full memory starts afresh, so it follows values that drift (the times of a
    long sync) instead of keeping only the first ones it saw."""
    known: set[str] = set()

    def accepts(text: str) -> bool:
        if text in known:
            return True
        if not test(text):
            return False
        if len(known) >= _REMEMBERED:
            known.clear()
        known.add(text)
        return True

    return accepts


def value_test(simple: dict | None) -> Callable[[str], bool]:
    """A predicate true exactly when ``simple_problem(simple, text)`` is None, specialised for
    the common shapes (one enumeration, length, pattern or kind check) so that checking a
    valid value is one or two calls."""
    spec = simple or {}
    kind, keys = spec.get("k", "STRTYPE"), set(spec) - {"k"}
    check = _KIND_CHECKS.get(kind)
    if kind == "INTTYPE" or len(keys) > 1 or (keys and check is not None):
        return lambda text: simple_problem(simple, text) is None
    if keys == {"enum"}:
        return frozenset(spec["enum"]).__contains__
    if keys == {"len"}:
        limit = spec["len"]
        return lambda text: len(text) <= limit
    if keys == {"pat"}:
        match = _pattern(spec["pat"]).fullmatch
        return lambda text: match(text) is not None
    if check is None:
        return lambda text: True
    return lambda text: text == "" or check(text)


def matches(content: list | None, tags: tuple[str, ...] | list[str]) -> bool:
    """Whether the child tags ``tags`` satisfy the content model ``content`` (a leaf's, None,
    takes no children), exactly as ``Node.pattern`` would say."""
    if not content:
        return not tags
    masks: dict[str, int] = {}  # tag -> a bit for each position it holds in ``tags``
    bit = 1
    for tag in tags:
        masks[tag] = masks.get(tag, 0) | bit
        bit <<= 1
    return bool(_ends(content, masks, 1) & bit)  # ``bit`` now marks the end of ``tags``


def _ends(particle: list, masks: dict[str, int], starts: int) -> int:
    """The positions (a bit each) where ``particle`` can end, begun at any of ``starts``.

    Each repetition maps the set of positions reached to the next; once ``low`` are done,
    further ones (up to ``high``) add positions until one adds nothing new, after which no
    later one can (a repetition of positions already reached only reaches those again).
    """
    low, high = particle[-2], particle[-1]
    current = starts
    for _ in range(low):
        current = _once(particle, masks, current)
        if not current:
            return 0
    reached, count = current, low
    while high == -1 or count < high:
        current = _once(particle, masks, current)
        count += 1
        if not current & ~reached:
            break
        reached |= current
    return reached


def _once(particle: list, masks: dict[str, int], starts: int) -> int:
    """The positions where one occurrence of ``particle``'s body can end."""
    kind = particle[0]
    if kind == "e":
        return (starts & masks.get(particle[1], 0)) << 1
    if kind == "s":
        for sub in particle[1]:
            starts = _ends(sub, masks, starts)
            if not starts:
                break
        return starts
    out = 0
    for sub in particle[1]:
        out |= _ends(sub, masks, starts)
    return out


def _regex(particle: list) -> str:
    """The content model as a regular expression over ``<Tag>`` tokens."""
    kind, low, high = particle[0], particle[-2], particle[-1]
    if kind == "e":
        body = f"<{particle[1]}>"
    else:
        glue = "" if kind == "s" else "|"
        body = glue.join(_regex(sub) for sub in particle[1])
    if (low, high) == (1, 1):
        return f"(?:{body})"
    upper = "" if high == -1 else str(high)
    return f"(?:{body}){{{low},{upper}}}"


def expanded_tags(keys: list[str], value: dict) -> list[str]:
    """The child tags in output order: a list value's key once per item."""
    tags: list[str] = []
    for key in keys:
        item = value[key]
        if item.__class__ is list:
            tags += [key] * len(item)
        else:
            tags.append(key)
    return tags


def _first_positions(particle: list, into: dict[str, int]) -> None:
    if particle[0] == "e":
        into.setdefault(particle[1], len(into))
        return
    for sub in particle[1]:
        _first_positions(sub, into)


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _escape_attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


class Schema:
    """The compiled qbXML 16.0 content models."""

    def __init__(self, data: dict) -> None:
        self.version: str = data["version"]
        self.messages: dict[str, dict] = data["messages"]
        self.envelope: dict[str, dict] = data["envelope"]
        self.all_requests: frozenset[str] = frozenset(data["all_requests"])
        self.elements: dict[str, str] = data["elements"]
        self._raw_nodes: dict[str, dict] = data["nodes"]
        self._nodes: dict[str, Node] = {}

    # -- lookup -------------------------------------------------------------------
    def node(self, node_id: str) -> Node:
        found = self._nodes.get(node_id)
        if found is None:
            raw = self._raw_nodes[node_id]
            found = Node(node_id, raw["c"], raw["a"], raw["s"])
            self._nodes[node_id] = found
            if found.content is not None:
                _collect(found.content, False, found.children)
                for name, child in found.children.items():
                    found.child_nodes[name] = self.node(child.node)
                    found.kids[name] = (found.child_nodes[name], child.repeatable)
        return found

    def request_node(self, rq_name: str) -> Node:
        """The node of a request element (``CustomerAddRq``); KeyError names the type."""
        try:
            return self.node(self.messages[rq_name]["node"])
        except KeyError:
            raise KeyError(f"{rq_name} is not a request type this product speaks") from None

    def response_node(self, rq_or_rs_name: str) -> Node:
        rq_name = rq_or_rs_name[:-2] + "Rq"
        return self.node(self.messages[rq_name]["rs_node"])

    def global_node(self, name: str) -> Node:
        return self.node(self.elements[name])

    def takes_iterator(self, rq_name: str) -> bool:
        return bool(self.messages[rq_name]["iterator"])

    # -- Python data -> ordered lxml elements -------------------------------------
    def build(self, tag: str, node: Node, value: Any, path: str = "") -> etree._Element:
        """Build element ``tag`` from plain data, children in schema order, values checked."""
        return etree.fromstring(self.render(tag, node, value, path))

    def render(self, tag: str, node: Node, value: Any, path: str = "") -> str:
        """Like ``build``, but straight to XML text (the fast path for whole messages)."""
        out: list[str] = []
        try:
            self._render(out, tag, node, value)
        except SchemaDataError as exc:
            raise (exc.within(path) if path else exc) from None
        return "".join(out)

    def _render(self, out: list[str], tag: str, node: Node, value: Any) -> None:
        if value.__class__ is str and node.content is None:
            # The common leaf: valid text that needs no escaping is copied as it is. Anything
            # else takes the general path below, which escapes or refuses it.
            accepts = node.accepts
            if (accepts is None or accepts(value)) and not _NOT_VERBATIM.search(value):
                out.append(f"<{tag}>{value}</{tag}>")
                return
        attrs = ""
        if value.__class__ is dict and ATTRS in value:
            attrs = self._attr_text(tag, node, value[ATTRS])
        if node.content is None:
            out.append(f"<{tag}{attrs}>{_escape(self._leaf_text(tag, node, value))}</{tag}>")
            return
        if value.__class__ is not dict:
            raise SchemaDataError(tag, tag, value, f"{tag} needs child elements, not a value")
        keys = [k for k, v in value.items() if v is not None and k != ATTRS]
        try:
            keys.sort(key=node.order.__getitem__)
        except KeyError:
            unknown = next(k for k in keys if k not in node.order)
            raise SchemaDataError(
                tag, unknown, None, f"{tag} has no child element {unknown}"
            ) from None
        out.append(f"<{tag}{attrs}>")
        start = len(out)
        nodes = node.child_nodes
        repeated = False
        try:
            for key in keys:
                values = value[key]
                child_node = nodes[key]
                if values.__class__ is str and child_node.content is None:
                    # The common leaf, as at the top of this method, without a call per leaf.
                    accepts = child_node.accepts
                    if (accepts is None or accepts(values)) and not _NOT_VERBATIM.search(values):
                        out.append(f"<{key}>{values}</{key}>")
                        continue
                if values.__class__ is list:
                    repeated = True
                    for one in values:
                        self._render(out, key, child_node, one)
                else:
                    self._render(out, key, child_node, values)
        except SchemaDataError as exc:
            raise exc.within(tag) from None
        tags = expanded_tags(keys, value) if repeated else keys
        if not node.fits(tags):
            del out[start:]
            holder = etree.Element(tag)
            self._emit(node.content, {k: value[k] for k in keys}, holder, tag, required=True)
            out.extend(etree.tostring(child, encoding="unicode") for child in holder)
        out.append(f"</{tag}>")

    def _attr_text(self, tag: str, node: Node, attrs: dict) -> str:
        """The checked attributes as XML text (`` name="value"``…)."""
        parts = []
        for name, attr_value in attrs.items():
            if attr_value is None:
                continue
            spec = node.attrs.get(name)
            if spec is None:
                raise SchemaDataError(tag, name, attr_value, f"{tag} has no attribute {name}")
            text = format_value(attr_value)
            problem = simple_problem(spec, text)
            if problem:
                raise SchemaDataError(tag, name, text, f"attribute {name} {problem}")
            if not text.isprintable():
                return self._attr_text_by_lxml(tag, node, attrs)
            parts.append(f' {name}="{_escape_attr(text)}"')
        return "".join(parts)

    def _attr_text_by_lxml(self, tag: str, node: Node, attrs: dict) -> str:
        # Values with control or unusual characters go through lxml, which refuses what XML
        # cannot carry with its own error (printable text is always safe to write directly).
        holder = etree.Element(tag)
        self._set_attrs(holder, node, attrs, tag)
        return "".join(f' {k}="{_escape_attr(v)}"' for k, v in holder.attrib.items())

    def _leaf_text(self, tag: str, node: Node, value: Any) -> str:
        leaf = value.get(TEXT) if value.__class__ is dict else value
        text = leaf if leaf.__class__ is str else format_value(leaf)
        problem = None if node.plain_text else simple_problem(node.simple, text)
        if problem is None and _NOT_XML.search(text):
            problem = "holds a control character XML cannot carry"
        if problem:
            raise SchemaDataError(tag, tag, text, f"{tag} {problem}")
        return text

    def _set_attrs(self, element, node: Node, attrs: dict, here: str) -> None:
        for name, attr_value in attrs.items():
            if attr_value is None:
                continue
            spec = node.attrs.get(name)
            if spec is None:
                raise SchemaDataError(
                    here, name, attr_value, f"{element.tag} has no attribute {name}"
                )
            text = format_value(attr_value)
            problem = simple_problem(spec, text)
            if problem:
                raise SchemaDataError(here, name, text, f"attribute {name} {problem}")
            element.set(name, text)

    def _emit(self, particle: list, data: dict, parent, path: str, required: bool) -> None:
        kind = particle[0]
        if kind == "e":
            _, name, node_id, low, high = particle
            if name not in data:
                if required and low >= 1:
                    raise SchemaDataError(path, name, None, f"{name} is required")
                return
            values = data[name]
            if not isinstance(values, list):
                values = [values]
            if high != -1 and len(values) > high and high != 1:
                raise SchemaDataError(path, name, None, f"at most {high} {name} allowed")
            for one in values:
                parent.append(self.build(name, self.node(node_id), one, path))
            return
        _, inner, low, _high = particle
        must = required and low >= 1
        if kind == "s":
            present = any(_names(sub) & data.keys() for sub in inner)
            for sub in inner:
                self._emit(sub, data, parent, path, required=must or present)
            return
        taken = [sub for sub in inner if _names(sub) & data.keys()]
        if len(taken) > 1 and _high != 1:
            for sub in taken:  # a repeatable choice may use several branches
                self._emit(sub, data, parent, path, required=True)
            return
        if len(taken) > 1:
            best = max(taken, key=lambda sub: len(_names(sub) & data.keys()))
            others = [n for sub in taken if sub is not best for n in _names(sub) & data.keys()]
            extra = [n for n in others if n not in _names(best)]
            if extra:
                mine = sorted(_names(best) & data.keys())[0]
                raise SchemaDataError(
                    path, extra[0], None, f"{extra[0]} cannot be given together with {mine}"
                )
            taken = [best]
        if taken:
            self._emit(taken[0], data, parent, path, required=True)
        elif must:
            options = sorted({sorted(_names(sub))[0] for sub in inner})
            raise SchemaDataError(
                path, options[0], None, f"one of {', '.join(options)} is required"
            )

    # -- lxml element -> Python data ----------------------------------------------
    def read(self, element: etree._Element, node: Node) -> Any:
        """Plain data from an element: dicts for parents, lists for repeatable children.

        A child the content model does not know raises SchemaDataError (path: the parent's
        tag, field: the child's, line: its source line)."""
        if node.content is None:
            return leaf_data(element)
        return _parent_data(element, node)


def leaf_data(element: etree._Element) -> Any:
    """A leaf element's value as ``Schema.read`` gives it: its text, or attributes and text."""
    text = element.text or ""
    return {ATTRS: dict(element.attrib), TEXT: text} if element.items() else text


def _parent_data(element: etree._Element, node: Node) -> dict[str, Any]:
    out: dict[str, Any] = {ATTRS: dict(element.attrib)} if element.items() else {}
    readers = node.readers
    for child in element:
        tag = child.tag
        reader = readers.get(tag)
        if reader is None:
            if tag.__class__ is not str:
                continue  # a comment or processing instruction
            raise SchemaDataError(
                element.tag,
                tag,
                None,
                f"{element.tag} has no child element {tag}",
                child.sourceline,
            )
        sub, repeatable = reader
        if sub is None:  # a leaf, read here rather than in a call of its own
            value: Any = child.text or ""
            if child.items():
                value = {ATTRS: dict(child.attrib), TEXT: value}
        else:
            value = _parent_data(child, sub)
        if repeatable:
            out.setdefault(tag, []).append(value)
        else:
            out[tag] = value
    return out


@cache
def schema() -> Schema:
    """The qbXML 16.0 schema data shipped with the project (loaded once)."""
    return Schema(json.loads(DATA_FILE.read_text()))
