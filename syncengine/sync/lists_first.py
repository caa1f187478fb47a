"""Validate the shared lists first (setting ``export.validate_lists_first``).

Before the job's first write set, every customer (with its parents), vendor, employee and
item that the job's records refer to must be in QuickBooks, and every account and terms
they name:

* a referenced record the job already carries is on its way;
* a linked one is in QuickBooks as far as the app knows: every import follows QuickBooks'
  deletions, and a record deleted there is not added back behind the bookkeeper's back
  (*Clear ID* does that, on purpose); what refers to it fails saying so;
* one never sent to QuickBooks is added: its open PSR joins this job, or an add PSR is
  queued for it and joins the job — ahead of the records needing it, whatever the wizard
  left unapproved. Proxy and prevent-sync records are never added, nor one whose add failed
  with 3100 (name in use) and was then deleted from the queue: that is rule 4's second fix,
  the import links it to QuickBooks' record of that name. What refers to them fails naming
  them (and, once the record is linked, goes with the next sync);
* accounts and terms are asked for in one query and the missing ones added (setting
  ``accounts.create_defaults``).

With the setting off only what the job carries goes: a record whose reference was never
sent fails naming it, and before each set only the accounts and terms that set's records
name are checked (:func:`syncengine.sync.shared.ensure`).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import replace

from syncengine import mapping
from syncengine.app.types import ENTITY_TYPES
from syncengine.qbxml.status import NAME_IN_USE
from syncengine.queue import SyncQueue
from syncengine.store import Entity, LogEntry, Store
from syncengine.store.psrs import CLOSED_STATES, OPEN_STATES, REMOVALS, REMOVED
from syncengine.sync import shared
from syncengine.sync.context import Context
from syncengine.sync.sets import Outgoing
from syncengine.sync.state import Item

Flow = Generator[Outgoing, str, None]


def needs_validation(ctx: Context) -> bool:
    """True when the setting is on and the job has not sent a write set yet."""
    if not ctx.store.settings.get("export.validate_lists_first"):
        return False
    row = ctx.store.conn.execute(
        "SELECT COUNT(*) FROM message_sets WHERE job_id = ?", (ctx.job_id,)
    ).fetchone()
    return int(row[0]) == 0


def validate_first(ctx: Context) -> Flow:
    """Check (and add what is missing of) every shared list the job's records use."""
    writes = [i.entity_id for i in ctx.state.items.values() if i.action not in REMOVALS]
    carried = ctx.store.entities.get_many(writes, again=True)  # planned next, in this order
    brought = _bring_unsent(ctx, _referenced(ctx, carried))
    accounts: dict[str, str] = {}
    terms: set[str] = set()
    for entity in [*carried.values(), *brought]:
        more_accounts, more_terms = mapping.shared_needs(entity.entity_type, entity.data)
        accounts.update(more_accounts)
        terms |= more_terms
    yield from shared.ensure(ctx, accounts, terms)


def _referenced(ctx: Context, carried: dict[int, Entity]) -> dict[int, Entity]:
    """Live list records the carried records refer to (parents of parents too) that the
    job does not carry."""
    frontier, needed = carried, {}
    while frontier:
        ref_ids = {
            ref_id
            for entity in frontier.values()
            for _field, ref_type, ref_id in mapping.references(entity.entity_type, entity.data)
            if ENTITY_TYPES[ref_type].is_list
            and ref_id not in needed
            and ref_id not in ctx.state.by_entity
        }
        found = ctx.store.entities.get_many(sorted(ref_ids))
        frontier = {i: e for i, e in found.items() if not e.deleted}
        needed.update(frontier)
    return needed


def _bring_unsent(ctx: Context, needed: dict[int, Entity]) -> list[Entity]:
    """Put an add of every needed record never sent to QuickBooks into this job, ahead of
    the rest; the records brought in."""
    store = ctx.store
    linked = store.links.get_many(list(needed))
    missing = [i for i in needed if i not in linked]
    flagged = store.flags.flagged(missing)
    missing = [i for i in missing if i not in flagged]
    if not missing:
        return []
    with store.write():
        open_psrs = store.psrs.for_entities(missing, OPEN_STATES)
        held = awaiting_link(ctx.store, [i for i in missing if i not in open_psrs])
        missing = [i for i in missing if i not in held]
        fresh = [i for i in missing if i not in open_psrs]
        SyncQueue(store).record(
            [ctx.app.collection(needed[i].entity_type).change_of(i, "created") for i in fresh]
        )
        psr_ids = [p.id for p in store.psrs.for_entities(missing, OPEN_STATES).values()]
        added = store.jobs.add_items(ctx.job_id, psr_ids)
        store.log.add_many([_log(ctx, needed[i.entity_id], i.psr_id) for i in added])
    for row in added:
        item = Item(row.psr_id, row.entity_id, row.entity_type, row.action, row.seq, "pending")
        ctx.state.items[item.psr_id] = item
        ctx.state.by_entity[item.entity_id] = item
        ctx.state.push(item)
    return [needed[row.entity_id] for row in added]


def awaiting_link(store: Store, entity_ids: list[int]) -> set[int]:
    """The records among these whose last PSR, an add QuickBooks refused with 3100 (name in
    use), was deleted from the queue: rule 4's second fix, where the import links the record
    to QuickBooks' own of that name. Adding it again would only fail again."""
    last = store.psrs.for_entities(entity_ids, CLOSED_STATES)
    return {
        i
        for i, psr in last.items()
        if psr.state == REMOVED and psr.action == "add" and psr.error_code == NAME_IN_USE
    }


def _log(ctx: Context, entity: Entity, psr_id: int) -> LogEntry:
    message = f"{entity.entity_type} {entity.name!r} was never sent: added to this job first"
    entry = LogEntry("export", "pending", entity.id, entity.entity_type, "validate", ctx.job_id)
    return replace(entry, psr_id=psr_id, message=message)
