"""QuickBooks as a playbook sees it: a person's edits sent as qbXML (``qbsim.testing``), and
records read back by qbXML queries."""

from __future__ import annotations

from typing import Any

from qbsim import Company
from qbsim.testing import RequestRefused, add, mod, query, rets, send
from syncengine.errors import SyncError
from syncengine.rehearsal.playbooks import model
from syncengine.rehearsal.playbooks.shown import Shown
from syncengine.rehearsal.rehearse import NAME_SPACES

LIST_KINDS = frozenset(kind for kinds in NAME_SPACES.values() for kind in kinds)
"""QuickBooks list objects (the rest are transactions): a list query asks for inactive too."""


def edit(company: Company, change: model.QuickBooksEdit) -> Shown:
    """Add, change or delete QuickBooks records through qbXML, as a person in QuickBooks."""
    if change.add is not None:
        for kind, fields in change.add.items():
            add(company, kind, fields)
        return Shown(stdout=f"added in QuickBooks: {', '.join(change.add)}\n")
    target = change.edit or change.delete
    assert target is not None  # the schema lets exactly one through
    ret = find(company, target.kind, target.name)
    if change.edit is not None:
        mod(company, target.kind, ret, change.edit.set)
        return Shown(stdout=f"changed in QuickBooks: {target.kind} {target.name}\n")
    _delete(company, target.kind, ret)
    return Shown(stdout=f"deleted in QuickBooks: {target.kind} {target.name}\n")


def records(company: Company, kind: str) -> list[dict[str, Any]]:
    """Every record of ``kind`` QuickBooks holds, active or not, read by a qbXML query."""
    if kind in LIST_KINDS:
        return query(company, kind, ActiveStatus="All")
    return query(company, kind)


def named(ret: dict[str, Any], name: str) -> bool:
    """Whether a record is the one called ``name``: its full name or its RefNumber."""
    return name in (ret.get("FullName"), ret.get("Name"), ret.get("RefNumber"))


def find(company: Company, kind: str, name: str) -> dict[str, Any]:
    """The Ret data of the record of ``kind`` called ``name``; refused when there is none."""
    for ret in records(company, kind):
        if named(ret, name):
            return ret
    raise SyncError(f"QuickBooks has no {kind} named {name!r}")


def is_deleted(company: Company, kind: str, name: str | None) -> bool:
    """Whether QuickBooks' deleted list holds a record of ``kind`` called ``name`` (any,
    without a name)."""
    if kind in LIST_KINDS:
        rs = send(company, "ListDeletedQueryRq", {"ListDelType": [kind]})
    else:
        rs = send(company, "TxnDeletedQueryRq", {"TxnDelType": [kind]})
    return any(name is None or named(ret, name) for ret in rets(rs))


def snapshot(company: Company) -> dict[str, list[dict[str, Any]]]:
    """Everything QuickBooks holds, every record's full data, to compare later steps with."""
    held = company.state.records
    return {
        kind: sorted((dict(r.ret) for r in table.values()), key=repr)
        for kind, table in sorted(held.items())
        if table
    }


def _delete(company: Company, kind: str, ret: dict[str, Any]) -> None:
    if "TxnID" in ret:
        rq, body = "TxnDelRq", {"TxnDelType": kind, "TxnID": ret["TxnID"]}
    else:
        rq, body = "ListDelRq", {"ListDelType": kind, "ListID": ret["ListID"]}
    rs = send(company, rq, body)
    if rs.get("statusSeverity") == "Error":
        raise RequestRefused(rq, int(rs.get("statusCode")), rs.get("statusMessage", ""))
