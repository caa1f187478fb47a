"""Check an lxml element against a compiled content model, without the XSD.

The matcher runs the content model as a small automaton over the children's tag names: each
particle maps a set of start positions to the set of positions where it can end. That is
enough for qbXML's models (sequences, choices and groups with occurrence bounds).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from qbschema.model import Node, Schema, simple_problem


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
    if not node.fits(tags) and len(tags) not in _ends(node.content, tags, {0}, seen):
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
