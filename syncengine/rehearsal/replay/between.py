"""What a person did in QuickBooks between two exchanges, inferred from a recorded refusal
qbsim would not give, as playbook ``quickbooks:`` steps done before the exchange.

- 3120 or 3140 naming (in its status message) a record qbsim still holds: the conversation
  created or placed it, so it was deleted in QuickBooks after the exchange that last saw it
  (inferred). The step deletes it, named by its full name (a transaction: by its RefNumber,
  when no other of its kind has it).
- 3200 to a Mod naming the EditSequence qbsim's record still has: the record was edited in
  QuickBooks in between (inferred). The step sets its name (a transaction: RefNumber, else
  Memo) to what it is, which moves the EditSequence and changes nothing an answer shows.

A record that cannot be named, or a step qbsim refuses, is a note; the replay then meets the
fidelity gap the refusal is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from qbsim import Company
from qbsim.model.base import Record
from qbsim.model.refs import find_named
from syncengine.rehearsal.replay.answers import Response, request_for
from syncengine.rehearsal.replay.implied import INVALID_REFERENCE, NOT_FOUND, STALE
from syncengine.rehearsal.replay.translate import Translation

QUOTED = re.compile(r'(?:QuickBooks (\w+) )?"([^"]+)"')
"""What a 3120 or 3140 message names: ``Object "ID" ...``, ``... QuickBooks Customer "ID"``."""
IMPLYING = frozenset({NOT_FOUND, INVALID_REFERENCE, STALE})
"""The refusals that may imply a person's edit."""
TXN_NAMES = ("RefNumber", "Memo")
"""Fields a transaction is edited by, first held first: set to what they are."""


@dataclass
class Edits:
    """The QuickBooks edits inferred before one exchange (playbook steps) and the notes of
    those that could not be made."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)

    def add(self, record: Record, edit: dict[str, Any], why: str) -> None:
        """One edit of ``record``, once however many refusals imply it."""
        if record.id not in self._seen:
            self._seen.add(record.id)
            step = {"title": f"Inferred: {why}", "quickbooks": edit, "expect": {"exit": 0}}
            self.steps.append(step)


def inferred(
    company: Company,
    request: str,
    recorded: list[Response],
    translation: Translation,
    ours: set[str],
    index: int,
) -> Edits:
    """The edits a person made before exchange ``index``: what its recorded refusals imply
    of the records qbsim holds (``request``: as sent to qbsim, in its IDs; ``ours``: qbsim's
    IDs of the records the conversation made or placed, the only ones an edit is inferred of)."""
    edits = Edits()
    for place, response in enumerate(recorded, 1):
        if response.code in (NOT_FOUND, INVALID_REFERENCE):
            for record in _named(company, response.message, translation, ours):
                _deleted(edits, company, record, response, index)
        elif response.code == STALE:
            stale = _stale(company, request_for(request, response, place), ours)
            if stale is not None:
                _edited(edits, company, stale, response, index)
    return edits


def _named(
    company: Company, message: str, translation: Translation, ours: set[str]
) -> list[Record]:
    """The records qbsim holds that a refusal's message names, by ID (in the customer's
    QuickBooks' IDs: one of ``ours``) or by full name of the kind it says."""
    found = []
    for kind, token in QUOTED.findall(message):
        record_id = translation.ids.get(token, token)
        record = None
        if record_id in ours:
            record = company.state.find_any(tuple(company.state.records), record_id)
        if record is None and kind:  # "Item" names any item kind
            kinds = tuple(k for k in company.state.records if k.startswith(kind))
            record = find_named(company.state, kinds, {"FullName": token})
        if record is not None:
            found.append(record)
    return found


def _stale(company: Company, rq: etree._Element | None, ours: set[str]) -> Record | None:
    """The record a Mod names (one of ``ours``), when qbsim holds it with the EditSequence
    the Mod names."""
    body = None if rq is None else next((e for e in rq if str(e.tag).endswith("Mod")), None)
    if body is None:
        return None
    record_id = body.findtext("ListID") or body.findtext("TxnID") or ""
    if record_id not in ours:
        return None
    record = company.state.find_any(tuple(company.state.records), record_id)
    if record is None or record.ret.get("EditSequence") != body.findtext("EditSequence"):
        return None
    return record


def _deleted(
    edits: Edits, company: Company, record: Record, response: Response, index: int
) -> None:
    name = _name(company, record)
    seen = f"{record.kind} {name or record.id}"
    if name is None:
        edits.notes.append(f"{seen}: {_why(response, index)}, but no name to delete it by")
        return
    why = (
        f"{seen} was deleted in QuickBooks before exchange {index} ({response.tag} {response.code}"
        " names it; the conversation made or placed it, and qbsim still holds it)"
    )
    edits.add(record, {"delete": {"kind": record.kind, "name": name}}, why)


def _edited(edits: Edits, company: Company, record: Record, response: Response, index: int) -> None:
    name = _name(company, record)
    fields = [f for f in ("Name", *TXN_NAMES) if record.ret.get(f)]
    seen = f"{record.kind} {name or record.id}"
    if name is None or not fields:
        edits.notes.append(f"{seen}: {_why(response, index)}, but no name to edit it by")
        return
    why = (
        f"{seen} was edited in QuickBooks before exchange {index} ({response.tag} 3200 to a"
        " Mod naming the EditSequence qbsim's record still has): its"
        f" {fields[0]} set to what it is, its EditSequence moved"
    )
    change = {"kind": record.kind, "name": name, "set": {fields[0]: record.ret[fields[0]]}}
    edits.add(record, {"edit": change}, why)


def _why(response: Response, index: int) -> str:
    return f"exchange {index}'s {response.tag} {response.code} implies a person's edit"


def _name(company: Company, record: Record) -> str | None:
    """How a playbook step names the record: its full name; a transaction, its RefNumber
    when no other of its kind has it (None: it cannot be named)."""
    if "ListID" in record.ret:
        return record.ret.get("FullName") or record.ret.get("Name")
    number = record.ret.get("RefNumber")
    same = [
        r for r in company.state.records[record.kind].values() if r.ret.get("RefNumber") == number
    ]
    return number if number and len(same) == 1 else None
