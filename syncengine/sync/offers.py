"""The sync wizard's part of the import, and what the settings keep out of it.

With the wizard on, QuickBooks' changes are offered as import candidates instead of being
applied: a record new to the app (``create``), a change to a linked one (``update``), a
deletion of a linked one (``delete``). The import marks move on as usual, so a change is
offered once; an approved candidate is applied by the next job's import, which reads the
record again from QuickBooks (the newest version comes in); a cleared one is not offered
again until QuickBooks changes the record again.

Transactions outside the scope (an area that does not sync, dated before the begin date)
or outside a manual sync's date range are neither applied nor offered.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from syncengine.app.types import ENTITY_TYPES
from syncengine.store import Candidate
from syncengine.sync.context import Context
from syncengine.sync.intake import qb_id

Ret = tuple[str, dict[str, Any]]


def admitted(ctx: Context, entity_type: str, rets: list[Ret]) -> list[Ret]:
    """The records of a page the import takes: lists, and transactions in scope and range."""
    if ENTITY_TYPES[entity_type].is_list:
        return rets
    return [
        (kind, ret)
        for kind, ret in rets
        if ctx.scope.before_begin(ret.get("TxnDate")) is None
        and ctx.window.admits(ret.get("TxnDate"))
    ]


def offer_changes(ctx: Context, entity_type: str, rets: list[Ret]) -> None:
    """Offer a page of QuickBooks records as import candidates."""
    links = ctx.store.links.by_qb_ids(entity_type, [qb_id(r) for _k, r in rets])
    candidates = []
    for kind, ret in rets:
        link = links.get(qb_id(ret))
        action = "update" if link is not None else "create"
        name = _name(ret)
        summary = f"{kind} {name}: " + ("changed in QuickBooks" if link else "new in QuickBooks")
        candidates.append(
            Candidate(
                "import",
                entity_type,
                name,
                link.entity_id if link else None,
                qb_id(ret),
                summary,
                action,
                kind,
                ret.get("EditSequence"),
            )
        )
    ctx.store.wizard.offer_imports(candidates)


def offer_deletions(ctx: Context, entity_type: str, kind: str, qb_ids: list[str]) -> None:
    """Offer QuickBooks' deletions of linked records as import candidates."""
    links = ctx.store.links.by_qb_ids(entity_type, qb_ids).values()
    live = [link for link in links if link.qb_deleted_at is None]
    entities = ctx.store.entities.get_many([link.entity_id for link in live])
    candidates = [
        Candidate(
            "import",
            entity_type,
            entities[link.entity_id].name,
            link.entity_id,
            link.qb_id,
            f"{kind} {entities[link.entity_id].name!r}: deleted in QuickBooks",
            "delete",
            kind,
        )
        for link in live
    ]
    ctx.store.wizard.offer_imports(candidates)


def approved(ctx: Context) -> tuple[dict[tuple[str, str], list[dict]], list[dict]]:
    """Approved import candidates: changes by (entity type, qbXML object), and deletions."""
    changes: dict[tuple[str, str], list[dict]] = defaultdict(list)
    deletions = []
    for row in ctx.store.wizard.approved_imports():
        if row["action"] == "delete":
            deletions.append(row)
        else:
            changes[(row["entity_type"], row["qb_type"])].append(row)
    return changes, deletions


def _name(ret: dict[str, Any]) -> str:
    if ret.get("FullName") or ret.get("Name"):
        return str(ret.get("FullName") or ret.get("Name"))
    ref = ret.get("RefNumber")
    return f"{ref}" if ref else f"{ret.get('TxnDate', '')} {qb_id(ret)}".strip()
