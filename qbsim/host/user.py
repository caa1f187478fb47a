"""Another person working in QuickBooks: changes the company by sending it qbXML.

Faults and the bookkeeper change the company only through ``Company.process``, with requests
built by qbschema, the way a second QuickBooks user's edits land in the file: they query first
to learn the record's ListID and EditSequence, then add, modify or delete it. Their requests
bypass the host's line (the UI does not wait for the SDK) and are not SDK requests to count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from lxml import etree

from qbschema import safexml
from qbsim.faults import Target
from qbsim.host.documents import build, envelope
from qbsim.model.refs import ITEM_KINDS

# What an edit in QuickBooks changes when a fault gives no ``changes`` (a kind not listed
# here gets an empty Mod: QuickBooks still stamps a new EditSequence and TimeModified).
DEFAULT_EDITS: dict[str, dict[str, Any]] = {
    "Customer": {"Phone": "555-0142"},
    "Vendor": {"Phone": "555-0142"},
    "Employee": {"Phone": "555-0142"},
    "OtherName": {"Phone": "555-0142"},
    "Account": {"Desc": "Edited in QuickBooks"},
}


class QbxmlProcessor(Protocol):
    """Anything that answers a qbXML request document (``qbsim.Company`` does)."""

    def process(self, request_xml: str | bytes) -> str: ...


@dataclass(frozen=True)
class Answer:
    """One response: status, and the first ``xxxRet`` (its kind and fields) when there is one."""

    code: int
    message: str
    kind: str = ""
    fields: Mapping[str, str] | None = None

    @property
    def ok(self) -> bool:
        return self.code == 0


@dataclass(frozen=True)
class Found:
    """A record as a query returned it: enough to modify or delete it."""

    kind: str
    list_id: str
    edit_sequence: str
    name: str
    full_name: str
    is_active: bool


class QuickBooksUser:
    """A person at the QuickBooks screen, acting through ``company.process``."""

    def __init__(self, company: QbxmlProcessor) -> None:
        self.company = company

    def send(self, tag: str, data: Mapping[str, Any]) -> Answer:
        """Send one request built from plain data and read its answer."""
        return self._answer(envelope(build(tag, data)))

    def send_element(self, request: bytes) -> Answer:
        """Send one already-built request element (e.g. keying the same Add as the client)."""
        return self._answer(envelope(safexml.parse(request)))

    def _answer(self, document: str) -> Answer:
        response = self.company.process(document)
        rs = safexml.parse(response).find("QBXMLMsgsRs")[0]
        ret = next((c for c in rs if isinstance(c.tag, str) and c.tag.endswith("Ret")), None)
        answer_fields = None if ret is None else {c.tag: c.text or "" for c in ret}
        kind = "" if ret is None else ret.tag.removesuffix("Ret")
        return Answer(int(rs.get("statusCode")), rs.get("statusMessage", ""), kind, answer_fields)

    def find(self, target: Target) -> Found | None:
        """The record a target names (by ListID, else by FullName), or None."""
        tag = "ItemQueryRq" if target.kind == "Item" else f"{target.kind}QueryRq"
        key = {"ListID": target.list_id} if target.list_id else {"FullName": _full(target)}
        answer = self.send(tag, key)
        return _found(answer) if answer.ok else None

    def all(self, kind: str, active_only: bool = True) -> list[Found]:
        """Every record of a kind (active ones only by default), ordered by name."""
        return [
            _found(Answer(0, "", ret.tag.removesuffix("Ret"), {c.tag: c.text or "" for c in ret}))
            for ret in self._listed(kind, active_only, _LISTED)
        ]

    def list_ids(self, kind: str, active_only: bool = True) -> list[str]:
        """The ListIDs of every record of a kind (active ones only by default), ordered by
        name as ``all`` orders them: for picking one without reading every record's fields."""
        return [
            ret.findtext("ListID") or "" for ret in self._listed(kind, active_only, ("ListID",))
        ]

    def _listed(
        self, kind: str, active_only: bool, fields: tuple[str, ...]
    ) -> list[etree._Element]:
        """The ``…Ret`` elements of a query for every record of a kind, with ``fields`` only."""
        tag = "ItemQueryRq" if kind == "Item" else f"{kind}QueryRq"
        status = "ActiveOnly" if active_only else "All"
        query = {"ActiveStatus": status, "IncludeRetElement": list(fields)}
        response = self.company.process(envelope(build(tag, query)))
        rs = safexml.parse(response).find("QBXMLMsgsRs")[0]
        return [ret for ret in rs if isinstance(ret.tag, str) and ret.tag.endswith("Ret")]

    def add(self, target: Target, extra: Mapping[str, Any] | None = None) -> Answer:
        """Add a list element named like the target (under its parent, if any)."""
        kind = "ItemService" if target.kind == "Item" else target.kind
        data: dict[str, Any] = {"Name": target.name, **(extra or {})}
        if target.parent:
            data["ParentRef"] = {"FullName": target.parent}
        return self.send(f"{kind}AddRq", {f"{kind}Add": data})

    def modify(self, found: Found, changes: Mapping[str, Any] | None = None) -> Answer:
        """Modify a record with its current EditSequence (``None``: the kind's default edit)."""
        if changes is None:
            changes = DEFAULT_EDITS.get(found.kind, {})
        data = {"ListID": found.list_id, "EditSequence": found.edit_sequence, **changes}
        return self.send(f"{found.kind}ModRq", {f"{found.kind}Mod": data})

    def delete(self, found: Found) -> Answer:
        """Delete a list element (ListDel)."""
        return self.send("ListDelRq", {"ListDelType": found.kind, "ListID": found.list_id})


# What a list on the screen shows of each record, and all ``Found`` keeps: asking for these
# alone keeps a pick from a company of 100k records from rendering every field of each.
_LISTED = ("ListID", "EditSequence", "Name", "FullName", "IsActive")


def _full(target: Target) -> str:
    name = target.name or ""
    return f"{target.parent}:{name}" if target.parent and ":" not in name else name


def _found(answer: Answer) -> Found:
    data = answer.fields or {}
    return Found(
        kind=answer.kind,
        list_id=data.get("ListID", ""),
        edit_sequence=data.get("EditSequence", ""),
        name=data.get("Name", ""),
        full_name=data.get("FullName", data.get("Name", "")),
        is_active=data.get("IsActive", "true") == "true",
    )


def is_item(kind: str) -> bool:
    return kind == "Item" or kind in ITEM_KINDS
