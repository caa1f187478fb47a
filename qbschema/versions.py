"""What an answer to an older qbXML version leaves out: elements its schema does not have.

``qbxml_versions.json`` (made by ``tools/gen_qbversions.py`` from Intuit's official 13.0 and 16.0
schemas) lists, per 16.0 content-model node, the child elements qbXML 13.0 lacks there. A
request of version 13.0 or older is answered without them: 13.0 is the oldest schema held, so
older versions are trimmed as 13.0 (they may lack more; that is not derived). Versions 14.0 and
up are answered whole.

What real answers to older versions show is added by hand in :data:`OBSERVED`: a 2.0
CustomerAddRs has no BillAddressBlock (``qbxmlgem_CustomerAddRq.xml`` is a 2.0 request,
``qbxmlgem_CustomerAddRs_ok.xml`` its real answer, with a BillAddress). Versions before 2.0 are
taken to lack it too (inferred: elements are added in later versions, not removed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from qbschema.model import Node, schema

DATA_FILE = Path(__file__).with_name("qbxml_versions.json")
Trim = Callable[[Any, Node], Any]
# Version -> global element -> children a real answer of that version lacks (see above).
OBSERVED: dict[str, dict[str, tuple[str, ...]]] = {"2.0": {"CustomerRet": ("BillAddressBlock",)}}


@cache
def _table() -> dict[str, dict[str, frozenset[str]]]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))["versions"]
    tables = {v: {k: frozenset(names) for k, names in nodes.items()} for v, nodes in data.items()}
    oldest = min(tables, key=_number)
    for version, elements in OBSERVED.items():
        table = dict(tables[oldest])
        for element, names in elements.items():
            node_id = schema().elements[element]
            table[node_id] = table.get(node_id, frozenset()) | frozenset(names)
        tables[version] = table
    return tables


def _number(version: str) -> float:
    try:
        return float(version)
    except ValueError:
        return 0.0


@cache
def schema_version_for(version: str) -> str | None:
    """The older schema whose elements an answer to ``version`` is cut to (None: whole)."""
    number = _number(version)
    held = sorted(_table(), key=_number)
    return next((v for v in held if number <= _number(v)), None)


@cache
def trimmer(version: str) -> Trim | None:
    """A function cutting an answer's data to ``version`` (None when nothing is cut)."""
    older = schema_version_for(version)
    if older is None:
        return None
    absent = _table()[older]
    return lambda value, node: _trim(value, node, absent)


def _trim(value: Any, node: Node, absent: dict[str, frozenset[str]]) -> Any:
    if isinstance(value, list):
        return [_trim(item, node, absent) for item in value]
    if not isinstance(value, dict) or not _reaches(node.id, absent_key(absent)):
        return value
    cut = absent.get(node.id, frozenset())
    kids = node.kids
    return {
        key: _trim(item, kids[key][0], absent) if key in kids else item
        for key, item in value.items()
        if key not in cut
    }


def absent_key(absent: dict[str, frozenset[str]]) -> int:
    """An identity for one version's table (the caches below are per table)."""
    return id(absent)


@cache
def _reaches(node_id: str, table_id: int) -> bool:
    """Whether a node or anything within it has children the version lacks."""
    absent = next(t for t in _table().values() if id(t) == table_id)
    return _walk(node_id, absent, set())


def _walk(node_id: str, absent: dict[str, frozenset[str]], seen: set[str]) -> bool:
    if node_id in absent:
        return True
    seen.add(node_id)
    node = schema().node(node_id)
    return any(_walk(sub.id, absent, seen) for sub, _ in node.kids.values() if sub.id not in seen)


def lacking(request: Any, version: str) -> list[str]:
    """The elements of a request document (an lxml root) that qbXML ``version`` does not have,
    as paths (``CustomerAddRq/CustomerAdd/X``); empty when the request is valid there too."""
    older = schema_version_for(version)
    if older is None:
        return []
    absent, found = _table()[older], []
    for message in request.iter():
        if message.tag.endswith("Rq") and message.tag in schema().messages:
            node = schema().request_node(message.tag)
            found += _lacking_in(message, node, absent, message.tag)
    return found


def _lacking_in(
    element: Any, node: Node, absent: dict[str, frozenset[str]], path: str
) -> list[str]:
    found = []
    for child in element:
        if not isinstance(child.tag, str) or child.tag not in node.kids:
            continue
        where = f"{path}/{child.tag}"
        if child.tag in absent.get(node.id, frozenset()):
            found.append(where)
        else:
            found += _lacking_in(child, node.kids[child.tag][0], absent, where)
    return found
