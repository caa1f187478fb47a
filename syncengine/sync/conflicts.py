"""3200 (stale EditSequence): read the record back from QuickBooks and apply the conflict rule.

QuickBooks changed the record since our last sync, so it refused our Mod. The job asks for
the current version of every such record in one read-only set (query by ListID/TxnID), then
for each: the app's changed fields win, QuickBooks' values are taken into the app for every
other field, the link takes QuickBooks' current EditSequence, and the PSR goes back into the
job to be resent (once). The conflict is written to the sync log. A record QuickBooks no
longer has fails its PSR as deleted in QuickBooks (3120's explanation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator
from dataclasses import replace
from typing import Any

from syncengine import mapping, qbxml
from syncengine.errors import RecordError
from syncengine.mapping import Unresolved
from syncengine.qbxml import status
from syncengine.reports.explain import explain
from syncengine.store import Entity, Link, LinkUpdate, LogEntry, PsrFailure
from syncengine.sync.context import Context
from syncengine.sync.merge import describe, merge
from syncengine.sync.queries import by_ids
from syncengine.sync.sets import Outgoing, read_set
from syncengine.sync.state import Item

GONE = "deleted in QuickBooks since the last sync (the re-read after 3200 found nothing)"


def reread(ctx: Context) -> Generator[Outgoing, str, None]:
    """Re-read every record whose Mod was stale and settle each by the conflict rule."""
    store, state = ctx.store, ctx.state
    items = [state.items[p] for p in sorted(state.stale)]
    entities = store.entities.get_many([i.entity_id for i in items])
    links = store.links.get_many([i.entity_id for i in items])
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[_kind(item, entities[item.entity_id], links[item.entity_id])].append(item)
    requests = [
        by_ids(kind, [links[i.entity_id].qb_id for i in group], f"reread-{n}")
        for n, (kind, group) in enumerate(groups.items())
    ]
    store.jobs.stamp(ctx.job_id, sent=True)
    answer = qbxml.parse_response((yield read_set(requests)))
    rets = {(r.get("ListID") or r.get("TxnID") or ""): r for rs in answer for r in rs.records}
    with store.write():
        store.jobs.stamp(ctx.job_id, received=True)
        _settle_all(ctx, items, entities, links, rets)
    state.stale.clear()


def _kind(item: Item, entity: Entity, link: Link) -> str:
    return link.qb_type or mapping.qb_type(item.entity_type, entity.data)


def _settle_all(
    ctx: Context,
    items: list[Item],
    entities: dict[int, Entity],
    links: dict[int, Link],
    rets: dict[str, dict[str, Any]],
) -> None:
    found = {i.psr_id: rets.get(links[i.entity_id].qb_id) for i in items}
    ctx.ids.prefetch(
        pair
        for item in items
        if (ret := found[item.psr_id]) is not None
        for pair in mapping.ret_references(item.entity_type, ret)
    )
    baselines = ctx.store.baselines.get_many([i.entity_id for i in items])
    gone = []
    for item in items:
        ret = found[item.psr_id]
        if ret is None:
            gone.append(item)
            continue
        link = links[item.entity_id]
        _settle(ctx, item, entities[item.entity_id], link, baselines.get(item.entity_id), ret)
        ctx.state.push(item)
    _gone(ctx, gone, links)


def _settle(
    ctx: Context,
    item: Item,
    entity: Entity,
    link: Link,
    baseline: dict[str, Any] | None,
    ret: dict[str, Any],
) -> None:
    """The conflict rule for one record (see the module docstring)."""
    store = ctx.store
    kind = _kind(item, entity, link)
    label = qbxml.record_label(kind, entity.name, entity.id)
    note = ""
    try:
        raw = mapping.from_qbxml(item.entity_type, kind, ret, ctx.ids.entity_of)
    except Unresolved as exc:
        raw, note = None, f"{label}: QuickBooks' version {exc}; the app's values were sent"
    if raw is not None:
        result = merge(item.entity_type, entity.data, baseline, raw, hold=True)
        taken = _take(ctx, item, entity, result.updates)
        if result.changed and result.held:  # both sides changed synced fields: a conflict
            note = describe(label, result, sent=True) + taken
        store.baselines.put_many({entity.id: result.baseline})
    update = LinkUpdate(
        entity.id,
        item.entity_type,
        link.qb_id,
        ret.get("EditSequence"),
        kind,
        ret.get("TimeModified"),
    )
    store.links.upsert_many([update])
    if not note:
        return
    entry = LogEntry(
        "export", "success", entity.id, item.entity_type, "conflict", ctx.job_id, item.psr_id
    )
    store.log.add_many([replace(entry, qb_id=link.qb_id, message=note)])


def _take(ctx: Context, item: Item, entity: Entity, updates: dict[str, Any]) -> str:
    """Write QuickBooks' values of the fields the app did not change into the app record."""
    if not updates or entity.deleted:
        return ""
    try:
        ctx.app.collection(item.entity_type).update(entity.id, True, **updates)
    except RecordError as exc:
        return f" (QuickBooks' values could not be stored in the app: {exc})"
    return ""


def _gone(ctx: Context, items: list[Item], links: dict[int, Link]) -> None:
    if not items:
        return
    code = status.OBJECT_NOT_FOUND
    ctx.store.jobs.fail([PsrFailure(i.psr_id, GONE, code, "Error", explain(code)) for i in items])
    ctx.store.links.mark_deleted([i.entity_id for i in items])
    ctx.state.set_states([i.psr_id for i in items], "failed")
