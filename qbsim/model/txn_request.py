"""A transaction Add's or Mod's request aggregate, checked and resolved in one pass.

``txns`` reads a request aggregate in three steps, each a walk of the data: drop the XML
attributes (``txn_kinds.clean``), check and normalise dates (3020) and resolve references
(3140). ``read`` does the last two in one walk of the common request (one with no attributes
to drop), in place, guided by a plan of each content model; it hands back None for anything
unusual, and the three steps then read it as ever. Errors come in the same order: any bad date
before any bad reference, each the first in document order."""

from __future__ import annotations

from functools import cache
from typing import Any

from qbschema import ATTRS, FastPathDeclined, Node, schema
from qbsim import status
from qbsim.errors import StatusError
from qbsim.model import refs
from qbsim.model.base import CompanyState
from qbsim.model.txn_dates import checked_date

# What one child of a request element is to the walk.
_LEAF, _DATE, _REF, _FIXED, _NESTED = range(5)


def read(
    state: CompanyState, data: dict[str, Any], node: Node, in_object: str
) -> dict[str, Any] | None:
    """``data`` (as ``Schema.read`` gives it) with dates normalised and references resolved,
    in place; None when it holds something unusual, attributes for one (some of it may be done
    then: doing it again changes nothing). Raises the ``StatusError`` of the first bad date,
    else of the first bad reference."""
    walk = _Walk(state, in_object)
    try:
        walk.aggregate(data, node.id, False)
    except FastPathDeclined:
        return None
    if walk.bad_reference is not None:
        raise walk.bad_reference
    return data


@cache
def _plan(node_id: str) -> dict[str, tuple[int, str]]:
    """Each child of a node: what the walk does with it, and its node id."""
    node = schema().node(node_id)
    plan: dict[str, tuple[int, str]] = {}
    for name, (sub, _) in node.kids.items():
        if name.endswith("Ref") and name in refs.REF_KINDS:
            action = _REF
        elif name.endswith("Ref") and name in refs.FIXED_LISTS:
            action = _FIXED
        elif sub.content is not None:
            action = _NESTED
        elif (sub.simple or {}).get("k") == "DATETYPE":
            action = _DATE
        else:
            action = _LEAF
        plan[name] = (action, sub.id)
    return plan


class _Walk:
    """One ``read``: the first bad reference met so far (raised once no bad date can come)."""

    def __init__(self, state: CompanyState, in_object: str) -> None:
        self.state, self.in_object = state, in_object
        self.bad_reference: StatusError | None = None

    def aggregate(self, data: dict[str, Any], node_id: str, line: bool) -> None:
        plan = _plan(node_id)
        for key, value in data.items():
            step = plan.get(key)
            if step is None:  # attributes, or not a child of this element
                raise FastPathDeclined
            action, sub_id = step
            kind = value.__class__
            if kind is str:
                if action == _DATE and value:
                    data[key] = checked_date(value, key)
                elif action > _DATE:  # an aggregate read as text
                    raise FastPathDeclined
            elif kind is list:
                nested = line or "Line" in key
                for one in value:
                    if one.__class__ is not dict:
                        continue  # a repeated leaf: kept as given
                    if action <= _DATE:  # a leaf with attributes
                        raise FastPathDeclined
                    # A repeated reference is read as an aggregate: not resolved, as before.
                    self.aggregate(one, sub_id, nested)
            elif kind is not dict or action <= _DATE:
                raise FastPathDeclined
            elif action == _REF:
                data[key] = self._reference(key, value, line)
            elif action == _FIXED:
                data[key] = self._fixed(key, value, line)
            else:
                self.aggregate(value, sub_id, line or "Line" in key)

    def _reference(self, key: str, value: dict, line: bool) -> dict:
        """The reference resolved; as it was when it names nothing (the first such is kept to
        raise)."""
        ref = {k: v for k, v in value.items() if k != ATTRS} if ATTRS in value else value
        kinds, word = refs.REF_KINDS[key]
        record = refs.find_named(self.state, kinds, ref)
        if record is not None:
            return {"ListID": record.id, "FullName": refs.display_name(record)}
        if self.bad_reference is None:
            shown = ref.get("FullName") or ref.get("ListID") or ""
            self.bad_reference = status.bad_reference(word, str(shown), self.in_object, line)
        return value

    def _fixed(self, key: str, value: dict, line: bool) -> dict:
        ref = {k: v for k, v in value.items() if k != ATTRS} if ATTRS in value else value
        try:
            return refs.fixed_ref(key, ref, self.in_object, line)
        except StatusError as exc:
            if self.bad_reference is None:
                self.bad_reference = exc
            return value
