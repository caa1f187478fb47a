"""The company a recorded conversation implies, before its first request: what must have
been in the customer's QuickBooks for it to answer as it did.

- A record in an answer (a ``…Ret``) whose ListID or TxnID no Add of the conversation made
  existed before: it is placed as first seen, with its ID and fields (a Mod's answer: with
  the EditSequence the Mod named, the one it had before).
- 3100 to an Add: a record of that name existed (inferred: of the kind added).
- 3200 to a Mod: the record existed with another EditSequence (inferred).
- 3120 or 3140: what the request names by ID was absent; nothing is inferred of it (a record
  the conversation made or placed was deleted since: :mod:`.between` infers that).
- A reference by ListID or full name in a request answered without error: the record
  existed; a minimal one is placed (inferred) of the kind :mod:`.references` infers (an
  account with an inferred AccountType, an item of the kind an answer shows or a service
  item ...); a ``Parent:Child`` name places its parent too. Not what a 3140 says was absent.

Each inference is said in :attr:`Implied.notes`. Records are given as playbook ``quickbooks:``
data: by qbXML object name, each a mapping of qbXML fields naming its ListID or TxnID.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from qbschema import schema
from qbsim.model import refs
from qbsim.model.retdata import ret_node
from syncengine.evidence import Exchange
from syncengine.rehearsal.replay import answers, references
from syncengine.rehearsal.replay.answers import request_elements, response_elements, rets

INFERRED_INCOME = "Inferred Income"
"""The income account placed for an inferred service item when no income account is placed."""

NAME_IN_USE, STALE, NOT_FOUND, INVALID_REFERENCE = "3100", "3200", "3120", "3140"
STAND_IN = "Unnamed "
"""How a list record seen only without its name (IncludeRetElement) is named, until a later
answer names it."""
INFERRED_BASE = 0x10000001
"""Inferred records get IDs counted from here, below any ID QuickBooks gives (0x80000001 on)."""


@dataclass
class Implied:
    """The records the conversation implies (``quickbooks:`` data) and how each was inferred."""

    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _ids: set[str] = field(default_factory=set)  # placed, created or known absent
    _names: set[tuple[str, str]] = field(default_factory=set)  # (namespace, name) held
    _placed: dict[str, dict[str, Any]] = field(default_factory=dict)  # by ID
    shown: dict[str, str] = field(default_factory=dict)
    """The kind any answer shows for a list record, by its ListID and casefolded full name."""

    def knows_id(self, record_id: str) -> bool:
        """Whether the ID was placed, made during the conversation, or known absent."""
        return record_id in self._ids

    def knows_name(self, kind: str, name: str) -> bool:
        """Whether a record of the kind's namespace with this name is held or made."""
        return (refs.namespace_of(kind), name.casefold()) in self._names

    def made(self, kind: str, record_id: str | None, name: str | None) -> None:
        """A record made during the conversation (or absent): never placed."""
        if record_id:
            self._ids.add(record_id)
        if name:
            self._names.add((refs.namespace_of(kind), name.casefold()))

    def place(self, kind: str, fields: dict[str, Any], why: str) -> None:
        """Place a record before the first request, saying why."""
        record_id = fields.get("ListID") or fields.get("TxnID")
        name = fields.get("FullName") or fields.get("Name") or fields.get("RefNumber")
        self.made(kind, record_id, name)
        self.records.setdefault(kind, []).append(fields)
        if record_id:
            self._placed[record_id] = fields
        self.notes.append(f"{kind} {name or record_id}: {why}")

    def placed_named(self, kind: str, full_name: str) -> str | None:
        """The ListID of the placed record of the kind's namespace with that full name."""
        wanted = (refs.namespace_of(kind), full_name.casefold())
        for placed_kind, rows in self.records.items():
            for fields in rows:
                name = str(fields.get("FullName") or fields.get("Name") or "").casefold()
                if (refs.namespace_of(placed_kind), name) == wanted:
                    return fields.get("ListID")
        return None

    def placed_ids(self) -> set[str]:
        """The ListIDs and TxnIDs of the records placed."""
        return set(self._placed)

    def seen_again(self, record_id: str, fields: dict[str, Any]) -> None:
        """A placed record seen again with more of its fields (a later answer asked for
        them): the fields it lacked are added, a stand-in name replaced by its own."""
        placed = self._placed.get(record_id)
        if placed is None:
            return
        if str(placed.get("Name", "")).startswith(STAND_IN) and fields.get("Name"):
            del placed["Name"]
            self.notes.append(f"{record_id}: a later answer names it {fields['Name']!r}")
        for name, value in fields.items():
            placed.setdefault(name, value)

    def new_id(self) -> str:
        """An ID for a record inferred without one."""
        return f"{INFERRED_BASE + len(self._ids):X}-1000000000"


def implied_company(exchanges: list[Exchange]) -> Implied:
    """The company ``exchanges`` imply (see the module docstring)."""
    implied = Implied()
    for exchange in exchanges:
        for _, rs in pairs(exchange):
            implied.shown |= {} if rs is None else references.shown_kinds(rs)
    for number, exchange in enumerate(exchanges, 1):
        for rq, rs in pairs(exchange):
            _learn(implied, number, rq, rs)
    return implied


def pairs(exchange: Exchange) -> Iterator[tuple[etree._Element, etree._Element | None]]:
    """Each request element of the exchange with its response element (None: no answer)."""
    requests = request_elements(exchange.request_xml)
    responses = [] if exchange.response_xml is None else response_elements(exchange.response_xml)
    by_id = {rs.get("requestID"): rs for rs in responses if rs.get("requestID") is not None}
    for place, rq in enumerate(requests):
        rs = by_id.get(rq.get("requestID")) if rq.get("requestID") in by_id else None
        if rs is None and not by_id and place < len(responses):
            rs = responses[place]
        yield rq, rs


def _learn(implied: Implied, number: int, rq: etree._Element, rs: etree._Element | None) -> None:
    tag = str(rq.tag)
    kind, action = _kind_action(tag)
    body = rq.find(f"{kind}{action}") if kind else None
    if rs is None:
        if action == "Add" and body is not None:  # perhaps made: its answer was lost
            implied.made(kind, None, body.findtext("Name"))
        return
    where = f"(exchange {number}, {tag})"
    if rs.get("statusSeverity") == "Error":
        _refused(implied, kind, action, body, rs, where)
        return
    if body is not None:
        _references(implied, kind, body, _ref_names(rs), where)
    if action == "Add":
        for ret in rets(rs):
            implied.made(
                kind, answers.record_id(ret), answers.record_name(ret) or _text(body, "Name")
            )
        return
    for ret in rets(rs):
        _first_seen(implied, ret, body if action == "Mod" else None, where)


def _ref_names(rs: etree._Element) -> dict[str, str]:
    """The full names an answer gives the records its references name, by ListID."""
    names = {}
    for ref in rs.iter():
        if isinstance(ref.tag, str) and ref.tag.endswith("Ref") and ref.findtext("FullName"):
            names[ref.findtext("ListID") or ""] = ref.findtext("FullName") or ""
    return names


def _kind_action(tag: str) -> tuple[str, str]:
    for action in ("Add", "Mod"):
        if tag.endswith(f"{action}Rq"):
            return tag.removesuffix(f"{action}Rq"), action
    return "", ""


def _refused(
    implied: Implied,
    kind: str,
    action: str,
    body: etree._Element | None,
    rs: etree._Element,
    where: str,
) -> None:
    code = rs.get("statusCode") or ""
    if code == INVALID_REFERENCE:
        _absent_by_name(implied, rs.get("statusMessage") or "", where)
    if body is None:
        return
    name = body.findtext("Name")
    if code == NAME_IN_USE and action == "Add" and name and not implied.knows_name(kind, name):
        fields = {"ListID": implied.new_id(), "Name": name}
        implied.place(kind, fields, f"inferred from 3100 to its Add {where}: the name was in use")
    elif code == STALE and action == "Mod":
        _stale(implied, kind, body, where)
    elif code in (NOT_FOUND, INVALID_REFERENCE):
        ids = [e.text for e in body.iter("ListID", "TxnID") if e.text]
        unknown = [record_id for record_id in ids if not implied.knows_id(record_id)]
        for record_id in unknown:
            implied.made(kind, record_id, None)  # absent: never inferred
        if unknown:  # a record known already was deleted since (the replay infers it)
            implied.notes.append(f"{code} {where}: what it names by ID was absent; not placed")


def _absent_by_name(implied: Implied, message: str, where: str) -> None:
    """What a 3140's message names was absent: never placed by a reference to it."""
    absent = references.absent_in(message)
    if absent is None or implied.knows_name(*absent) or implied.knows_id(absent[1]):
        return
    implied.made(absent[0], None, absent[1])
    implied.notes.append(f"{absent[0]} {absent[1]} {where}: absent (3140 names it); not placed")


def _stale(implied: Implied, kind: str, body: etree._Element, where: str) -> None:
    record_id = answers.record_id(body)
    sequence = body.findtext("EditSequence") or "0"
    if not record_id or implied.knows_id(record_id):
        return
    name = body.findtext("Name")
    if _id_tag(body) == "ListID" and not name:
        implied.notes.append(f"{kind} {record_id} {where}: 3200, but no name to place it by")
        return
    other = str(int(sequence) + 1) if sequence.isdigit() else sequence + "1"
    fields = {_id_tag(body): record_id, "EditSequence": other} | ({"Name": name} if name else {})
    implied.place(kind, fields, f"inferred from 3200 to its Mod {where}: another EditSequence")


def _first_seen(
    implied: Implied, ret: etree._Element, mod: etree._Element | None, where: str
) -> None:
    kind = str(ret.tag).removesuffix("Ret")
    record_id = answers.record_id(ret)
    if not record_id:
        return
    if implied.knows_id(record_id):
        implied.seen_again(record_id, _read(ret, kind) or {})
        return
    if implied.knows_name(kind, answers.record_name(ret) or "\0"):
        # Its name is known: made by a request whose answer was lost, or inferred from a
        # 3100. The replay pairs the two by name when the answers agree.
        implied.made(kind, record_id, None)
        return
    fields = _read(ret, kind)
    if fields is None:
        implied.notes.append(f"{kind} {record_id} {where}: qbsim cannot place {kind}; skipped")
        return
    if mod is not None:
        fields.update(_pre_mod(mod, fields))
    why = f"in an answer {where}, not made by the conversation"
    if _id_tag(ret) == "ListID" and not fields.get("Name"):
        fields["Name"] = f"{STAND_IN}{record_id}"[:31]  # the shortest list name limit
        why += "; its answer held no name (IncludeRetElement): a stand-in name, inferred"
    implied.place(kind, fields, why)


def _read(ret: etree._Element, kind: str) -> dict[str, Any] | None:
    """The Ret's fields as plain data; None for a kind qbsim holds no records of."""
    try:
        fields: dict[str, Any] = schema().read(ret, ret_node(kind))
    except (KeyError, ValueError):
        return None
    return fields


def _pre_mod(mod: etree._Element, fields: dict[str, Any]) -> dict[str, Any]:
    """What a record answered by a Mod had before it: the EditSequence the Mod named, and
    the name it gives when the answer holds none."""
    before: dict[str, Any] = {}
    if mod.findtext("EditSequence"):
        before["EditSequence"] = mod.findtext("EditSequence")
    if not fields.get("Name") and mod.findtext("Name"):
        before["Name"] = mod.findtext("Name")
    return before


def _references(
    implied: Implied, kind: str, body: etree._Element, answered: dict[str, str], where: str
) -> None:
    """Place a minimal record for each reference of ``body`` (a ``kind`` request) to one not
    known yet; its name is the one the reference gives, else the one the answer gives it."""
    for ref in body.iter():
        if not isinstance(ref.tag, str) or not ref.tag.endswith("Ref"):
            continue
        record_id = ref.findtext("ListID")
        name = ref.findtext("FullName") or answered.get(record_id or "")
        if not (record_id or name) or _known(implied, str(ref.tag), kind, record_id, name):
            continue
        shown = implied.shown.get((record_id or "").casefold()) or implied.shown.get(
            (name or "").casefold()
        )
        ref_kind, why = references.kind_of(str(ref.tag), kind, shown)
        if ref_kind is None:
            implied.made(kind if ref.tag == "ParentRef" else str(ref.tag), record_id, name)
            implied.notes.append(f"{ref.tag} {name or record_id} {where}: used, {why}")
            continue
        more, how = _kind_fields(implied, ref_kind, ref, name)
        default_id = more.pop("ListID", None)
        fields = {"ListID": record_id or default_id or implied.new_id()} | more
        said = f"{ref.tag} used by a request answered OK {where}"
        why = "; ".join(part for part in (why, how) if part)
        _place_named(implied, ref_kind, name or f"Inferred {record_id}", fields, said, why)
        if ref_kind == "SalesTaxCode":
            _default_codes(implied)


def _known(implied: Implied, tag: str, kind: str, record_id: str | None, name: str | None) -> bool:
    """Known by its ID or by its name (placed by one, then named by the other: not twice)."""
    namespace = kind if tag == "ParentRef" else _namespace_kind(tag)
    by_id = bool(record_id) and implied.knows_id(record_id or "")
    return by_id or (bool(name) and implied.knows_name(namespace, name or ""))


def _kind_fields(
    implied: Implied, kind: str, ref: etree._Element, name: str | None
) -> tuple[dict[str, Any], str]:
    """What a placed record of ``kind`` needs beyond its ID and name, and how it was
    inferred: an account its type, a service item an income account, a default sales tax
    code its own fields (and ListID, named without one)."""
    if kind == "Account":
        account_type, how = references.account_type(ref)
        return {"AccountType": account_type}, how
    if kind == "ItemService":
        account = _income_account(implied)
        return {"SalesOrPurchase": {"AccountRef": account}}, f"its account {account['FullName']}"
    if kind == "SalesTaxCode" and (name or "").casefold() in references.DEFAULT_CODES:
        return dict(references.DEFAULT_CODES[(name or "").casefold()]), "a default code"
    return {}, ""


def _default_codes(implied: Implied) -> None:
    """QuickBooks' default sales tax codes, placed once any code is: qbsim gives a company
    them only while it holds no code (``qbsim.model.refs.seed_tax_codes``)."""
    for name, fields in references.DEFAULT_CODES.items():
        if not implied.knows_name("SalesTaxCode", name):
            why = "QuickBooks' default code, placed as another code is (qbsim adds it only then)"
            implied.place("SalesTaxCode", dict(fields), why)


def _income_account(implied: Implied) -> dict[str, str]:
    """A reference to an income account for an inferred service item: one placed already,
    else one placed for it (named :data:`INFERRED_INCOME`)."""
    for account in implied.records.get("Account", []):
        if account.get("AccountType") == "Income":
            return {"ListID": account["ListID"], "FullName": _full_name(account)}
    fields = {"ListID": implied.new_id(), "Name": INFERRED_INCOME, "AccountType": "Income"}
    implied.place("Account", fields, "inferred: the income account of an inferred service item")
    return {"ListID": fields["ListID"], "FullName": INFERRED_INCOME}


def _place_named(
    implied: Implied, kind: str, full_name: str, fields: dict[str, Any], said: str, why: str
) -> None:
    """Place a referenced record by its full name; a ``Parent:Child`` name places its parent
    first (inferred, of the same kind and fields) unless it is known."""
    parent, _, leaf = full_name.rpartition(":")
    if parent and kind != "SalesTaxCode":
        if not implied.knows_name(kind, parent):
            extra = {k: v for k, v in fields.items() if k != "ListID"}
            parent_fields = {"ListID": implied.new_id()} | extra
            _place_named(implied, kind, parent, parent_fields, said, "the parent of " + leaf)
        held = implied.placed_named(kind, parent)
        parent_ref = {"FullName": parent} | ({"ListID": held} if held else {})
        fields |= {"FullName": full_name, "ParentRef": parent_ref}
        fields["Sublevel"] = str(full_name.count(":"))
    reason = f"inferred: {said}" + (f"; {why}" if why else "")
    implied.place(kind, {"ListID": fields["ListID"], "Name": leaf or full_name} | fields, reason)


def _full_name(fields: dict[str, Any]) -> str:
    return str(fields.get("FullName") or fields.get("Name"))


def _namespace_kind(tag: str) -> str:
    """A kind in the namespace a reference names: a customer or vendor reference names an
    entity, an ``ItemRef`` an item, any ``…AccountRef`` an account."""
    kinds = refs.REF_KINDS.get(tag)
    return kinds[0][0] if kinds else tag


def _id_tag(element: etree._Element) -> str:
    return "TxnID" if element.find("TxnID") is not None else "ListID"


def _text(element: etree._Element | None, name: str) -> str | None:
    return None if element is None else element.findtext(name)
