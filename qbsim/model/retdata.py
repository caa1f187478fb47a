"""Request data to stored ``Ret`` data, guided by the compiled qbXML content models.

QuickBooks keeps what an Add or a Mod sends in the shape its ``xxxRet`` returns. These helpers
keep only what a Ret can hold, apply Mod semantics (an empty value clears, an aggregate
merges, choosing one branch of a choice drops the others) and compute the address blocks
QuickBooks adds. Plain dicts in, plain dicts out: no XML here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from qbschema import Node, schema

# Address element in a Ret -> the block QuickBooks formats from it.
ADDRESS_BLOCKS = {
    "BillAddress": "BillAddressBlock",
    "ShipAddress": "ShipAddressBlock",
    "VendorAddress": "VendorAddressBlock",
    "OtherNameAddress": "OtherNameAddressBlock",
}
_STREET = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5")
_BLOCK_KEYS = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5")  # at most five lines
_BLOCK_WIDTH = 41


@cache
def ret_node(kind: str) -> Node:
    """The content model of ``{kind}Ret`` (as ``{kind}AddRs`` or ``{kind}QueryRs`` holds it)."""
    request = f"{kind}AddRq" if f"{kind}AddRq" in schema().messages else f"{kind}QueryRq"
    rs_node = schema().response_node(request)
    return schema().node(rs_node.children[f"{kind}Ret"].node)


def child_node(node: Node, name: str) -> Node:
    """The content model of child ``name`` of ``node`` (KeyError when it has none)."""
    return _child(node.id, name)


@cache
def _child(node_id: str, name: str) -> Node:
    return schema().node(schema().node(node_id).children[name].node)


@cache
def _positions(node_id: str) -> dict[str, int]:
    return {name: index for index, name in enumerate(schema().node(node_id).children)}


@cache
def _choice_rivals(node_id: str) -> dict[str, frozenset[str]]:
    node = schema().node(node_id)
    rivals: dict[str, set[str]] = {}
    if node.content is not None:
        _walk_choices(node.content, rivals)
    return {name: frozenset(others) for name, others in rivals.items()}


def _names(particle: list) -> set[str]:
    if particle[0] == "e":
        return {particle[1]}
    out: set[str] = set()
    for sub in particle[1]:
        out |= _names(sub)
    return out


def _walk_choices(particle: list, rivals: dict[str, set[str]]) -> None:
    if particle[0] == "e":
        return
    branches = [_names(sub) for sub in particle[1]]
    if particle[0] == "c":
        for index, branch in enumerate(branches):
            others = set().union(*(b for i, b in enumerate(branches) if i != index))
            for name in branch:
                rivals.setdefault(name, set()).update(others)
    for sub in particle[1]:
        _walk_choices(sub, rivals)


def rivals(node: Node, name: str) -> frozenset[str]:
    """Children that cannot stand beside ``name`` in ``node`` (the other branches of a choice)."""
    return _choice_rivals(node.id).get(name, frozenset())


def canonical(text: str, simple: dict | None) -> str:
    """A leaf value as QuickBooks writes it back: ``1`` -> ``true``, ``5`` -> ``5.00`` (amounts).

    Booleans become true/false, amounts two decimals, prices and percentages at least two,
    integers lose signs and leading zeros, dates get two-digit months and days.
    """
    if not text or not isinstance(text, str):
        return text
    rewrite = _CANONICAL.get((simple or {}).get("k"))
    return text if rewrite is None else rewrite(text)


def _boolean(text: str) -> str:
    return "true" if text.strip() in ("true", "1") else "false"


def _amount(text: str) -> str:
    if _PLAIN_AMOUNT.fullmatch(text):
        return text  # already two decimals, no sign or leading zero to drop
    try:
        return f"{Decimal(text).quantize(_CENT):f}"
    except (InvalidOperation, ValueError):
        return text


def _price(text: str) -> str:
    if _PLAIN_PRICE.fullmatch(text):
        return text  # at least two decimals already
    try:
        number = Decimal(text)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent > -2:
            number = number.quantize(_CENT)
        return f"{number:f}"
    except (InvalidOperation, ValueError):
        return text


def _integer(text: str) -> str:
    try:
        return str(int(text))
    except ValueError:
        return text


def _date(text: str) -> str:
    if _PLAIN_DATE.fullmatch(text):
        return text
    try:
        year, month, day = (int(part) for part in text.split("-"))
    except ValueError:
        return text
    return f"{year:04d}-{month:02d}-{day:02d}"


_CENT = Decimal("0.01")
# Texts the rewrites give back unchanged (ASCII digits only: ``int`` and ``Decimal`` read
# other digits too, and write them back as ASCII).
_PLAIN_AMOUNT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]{2}")
_PLAIN_PRICE = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]{2,}")
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Leaf kind -> how ``canonical`` rewrites its text; every other kind is kept as given.
_CANONICAL: dict[str | None, Callable[[str], str]] = {
    "BOOLTYPE": _boolean,
    "AMTTYPE": _amount,
    "PRICETYPE": _price,
    "PERCENTTYPE": _price,
    "INTTYPE": _integer,
    "DATETYPE": _date,
}


@cache
def _rewrite(node_id: str) -> Callable[[str], str] | None:
    """How ``canonical`` rewrites a text of this leaf (None: shaping keeps it as is)."""
    return _CANONICAL.get((schema().node(node_id).simple or {}).get("k"))


# One child in a node's shaping: its name, node, whether it is a leaf, how shaping rewrites
# its text (leaves), and the children its node can hold when shaping keeps a value of it
# whole, all of them known (aggregates of plain leaves, such as references).
_ShapeStep = tuple[str, Node, bool, "Callable[[str], str] | None", "frozenset[str] | None"]
_MAX_LAYOUTS = 256  # key orders remembered per node (the data's key orders are few)


class _Shaping:
    """What shaping a value of one node needs: each child's step, whether the node is kept
    whole, and the layouts of the key orders seen so far (the steps of the keys the node
    knows, and whether all are known), so each key order is looked up once."""

    def __init__(self, node: Node) -> None:
        self.steps: dict[str, _ShapeStep] = {}
        for name, (sub, _) in node.kids.items():
            leaf = sub.content is None
            whole = frozenset(sub.kids) if _kept_whole(sub.id) else None
            self.steps[name] = (name, sub, leaf, _rewrite(sub.id) if leaf else None, whole)
        self.whole = _kept_whole(node.id)
        self.layouts: dict[tuple[str, ...], tuple[tuple[_ShapeStep, ...], bool]] = {}

    def layout(self, keys: tuple[str, ...]) -> tuple[tuple[_ShapeStep, ...], bool]:
        """The steps of ``keys`` the node knows, in their order, and whether a value with
        these keys may be kept whole; remembered (up to ``_MAX_LAYOUTS`` key orders)."""
        steps = self.steps
        known = tuple(steps[key] for key in keys if key in steps)
        found = (known, self.whole and len(known) == len(keys))
        if len(self.layouts) < _MAX_LAYOUTS:
            self.layouts[keys] = found
        return found


@cache
def _shaping(node_id: str) -> _Shaping:
    """The shaping of a node, made once per node rather than once per value."""
    return _Shaping(schema().node(node_id))


@cache
def _kept_whole(node_id: str) -> bool:
    """Whether shaping keeps every child of this node as it is, when all are known and none
    is a list: only single leaves, none that ``canonical`` rewrites (a reference, say)."""
    node = schema().node(node_id)
    return node.content is not None and all(
        sub.content is None and not repeatable and _rewrite(sub.id) is None
        for sub, repeatable in node.kids.values()
    )


def shape(value: Any, node: Node) -> Any:
    """``value`` cut to what ``node`` can hold (unknown children dropped, at every level), with
    leaf values in their canonical form."""
    if node.content is None:
        rewrite = _rewrite(node.id)
        if rewrite is not None and isinstance(value, str) and value:
            return rewrite(value)
        return value
    if not isinstance(value, dict):
        return value
    shaping = _shaping(node.id)
    keys = tuple(value)
    steps, whole = shaping.layouts.get(keys) or shaping.layout(keys)
    if whole:
        for item in value.values():
            if isinstance(item, list):
                break  # copied item by item below
        else:
            return dict(value)
    out: dict[str, Any] = {}
    for key, sub, leaf, rewrite, sub_whole in steps:
        item = value[key]
        if item.__class__ is str:  # the common child, first (an aggregate keeps a text as is)
            out[key] = rewrite(item) if rewrite is not None and item else item
        elif isinstance(item, list):
            out[key] = [shape(one, sub) for one in item]
        elif leaf:  # not a str: a subclass of it is still rewritten
            rewritten = rewrite is not None and isinstance(item, str) and item
            out[key] = rewrite(item) if rewrite is not None and rewritten else item
        elif sub_whole is not None and item.__class__ is dict and item.keys() <= sub_whole:
            # What shape(item, sub) gives when every child is a text, without the call.
            for text in item.values():
                if text.__class__ is not str:
                    out[key] = shape(item, sub)
                    break
            else:
                out[key] = dict(item)
        else:
            out[key] = shape(item, sub)
    return out


def ordered(value: Any, node: Node) -> Any:
    """``value`` with its keys in schema order, at every level (so equal data looks equal)."""
    if node.is_leaf or not isinstance(value, dict):
        return value
    positions = _positions(node.id)
    try:
        keys = sorted(value, key=positions.__getitem__)
    except KeyError:  # keys the node has no child for go last, as they came
        end = len(positions)
        keys = sorted(value, key=lambda k: positions.get(k, end))
    out: dict[str, Any] = {}
    for key in keys:
        item = value[key]
        if isinstance(item, (dict, list)) and key in positions:
            sub = child_node(node, key)
            item = (
                [ordered(one, sub) for one in item]
                if isinstance(item, list)
                else (ordered(item, sub))
            )
        out[key] = item
    return out


def merge(current: dict[str, Any], changes: dict[str, Any], node: Node) -> dict[str, Any]:
    """Mod semantics: a given value replaces, ``""`` clears, an aggregate merges field by field.

    Setting one branch of a choice removes the other branches (``PricePercent`` replaces
    ``Price``); a repeated element is replaced as a whole. Returns a new dict.
    """
    merged = dict(current)
    for key, value in changes.items():
        if key not in node.children:
            continue
        for rival in rivals(node, key):
            merged.pop(rival, None)
        if value == "" or value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value, child_node(node, key))
        else:
            merged[key] = shape(value, child_node(node, key))
    return {k: v for k, v in merged.items() if v != {}}


def address_block(address: dict[str, str]) -> dict[str, str]:
    """The printable block QuickBooks derives from an address: street lines, city line, country.

    The exact layout is inferred from captures (an InvoiceRet shows street, "City, State
    Postal" and country as separate lines); at most five lines of 41 characters.
    """
    get = address.get
    lines = [address[key] for key in _STREET if get(key)]
    city, state, postal = get("City", ""), get("State"), get("PostalCode")
    region = f"{state} {postal}" if state and postal else (state or postal)
    city_line = f"{city}, {region}" if city and region else (city or region)
    if city_line:
        lines.append(city_line)
    if get("Country"):
        lines.append(address["Country"])
    # zip stops at the fifth line: a block has at most five.
    return {key: line[:_BLOCK_WIDTH] for key, line in zip(_BLOCK_KEYS, lines, strict=False)}


@cache
def _address_blocks(node_id: str) -> tuple[tuple[str, str], ...]:
    """The (address, block) pairs of ``ADDRESS_BLOCKS`` whose block the node can hold."""
    children = schema().node(node_id).children
    return tuple((address, block) for address, block in ADDRESS_BLOCKS.items() if block in children)


def add_address_blocks(ret: dict[str, Any], node: Node) -> None:
    """Set (or drop) each ``…AddressBlock`` the Ret can hold from its address."""
    for address, block in _address_blocks(node.id):
        lines = address_block(ret.get(address) or {})
        if lines:
            ret[block] = lines
        else:
            ret.pop(block, None)
