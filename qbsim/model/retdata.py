"""Request data to stored ``Ret`` data, guided by the compiled qbXML content models.

QuickBooks keeps what an Add or a Mod sends in the shape its ``xxxRet`` returns. These helpers
keep only what a Ret can hold, apply Mod semantics (an empty value clears, an aggregate
merges, choosing one branch of a choice drops the others) and compute the address blocks
QuickBooks adds. Plain dicts in, plain dicts out: no XML here.
"""

from __future__ import annotations

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
_BLOCK_LINES = 5
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
    kind = (simple or {}).get("k")
    if not text or not isinstance(text, str):
        return text
    try:
        if kind == "BOOLTYPE":
            return "true" if text.strip() in ("true", "1") else "false"
        if kind == "AMTTYPE":
            return f"{Decimal(text).quantize(Decimal('0.01')):f}"
        if kind in ("PRICETYPE", "PERCENTTYPE"):
            number = Decimal(text)
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and exponent > -2:
                number = number.quantize(Decimal("0.01"))
            return f"{number:f}"
        if kind == "INTTYPE":
            return str(int(text))
        if kind == "DATETYPE":
            year, month, day = (int(part) for part in text.split("-"))
            return f"{year:04d}-{month:02d}-{day:02d}"
    except (InvalidOperation, ValueError):
        return text
    return text


# Leaf kinds whose text ``canonical`` may rewrite; every other kind is kept as given.
_CANONICAL_KINDS = frozenset({"BOOLTYPE", "AMTTYPE", "PRICETYPE", "PERCENTTYPE", "INTTYPE"}) | {
    "DATETYPE"
}


@cache
def _rewrites(node_id: str) -> bool:
    """Whether ``canonical`` can change a text of this leaf (else shaping keeps it as is)."""
    return (schema().node(node_id).simple or {}).get("k") in _CANONICAL_KINDS


@cache
def _shape_plan(node_id: str) -> dict[str, tuple[Node, bool, bool]]:
    """Each child of a node: (its node, whether it is a leaf, whether shaping may rewrite
    its text), looked up once per node rather than once per value."""
    node = schema().node(node_id)
    return {
        name: (sub, sub.content is None, _rewrites(sub.id)) for name, (sub, _) in node.kids.items()
    }


def shape(value: Any, node: Node) -> Any:
    """``value`` cut to what ``node`` can hold (unknown children dropped, at every level), with
    leaf values in their canonical form."""
    if node.content is None:
        if isinstance(value, str) and _rewrites(node.id):
            return canonical(value, node.simple)
        return value
    if not isinstance(value, dict):
        return value
    plan = _shape_plan(node.id)
    out: dict[str, Any] = {}
    for key, item in value.items():
        step = plan.get(key)
        if step is None:
            continue
        sub, leaf, rewrites = step
        if isinstance(item, list):
            out[key] = [shape(one, sub) for one in item]
        elif not leaf:
            out[key] = shape(item, sub)
        elif rewrites and isinstance(item, str):
            out[key] = canonical(item, sub.simple)
        else:
            out[key] = item  # a leaf kept as given
    return out


def ordered(value: Any, node: Node) -> Any:
    """``value`` with its keys in schema order, at every level (so equal data looks equal)."""
    if node.is_leaf or not isinstance(value, dict):
        return value
    positions = _positions(node.id)
    out: dict[str, Any] = {}
    for key in sorted(value, key=lambda k: positions.get(k, len(positions))):
        item = value[key]
        if key in positions and isinstance(item, (dict, list)):
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
    lines = [address[key] for key in _STREET if address.get(key)]
    city = address.get("City", "")
    region = " ".join(p for p in (address.get("State"), address.get("PostalCode")) if p)
    city_line = ", ".join(p for p in (city, region) if p)
    if city_line:
        lines.append(city_line)
    if address.get("Country"):
        lines.append(address["Country"])
    lines = [line[:_BLOCK_WIDTH] for line in lines[:_BLOCK_LINES]]
    return {f"Addr{n}": line for n, line in enumerate(lines, start=1)}


def add_address_blocks(ret: dict[str, Any], node: Node) -> None:
    """Set (or drop) each ``…AddressBlock`` the Ret can hold from its address."""
    for address, block in ADDRESS_BLOCKS.items():
        if block not in node.children:
            continue
        lines = address_block(ret.get(address) or {})
        if lines:
            ret[block] = lines
        else:
            ret.pop(block, None)
