"""Export behaviours the settings switch on: stop an area at its first error, mark invoices
and bills paid once QuickBooks has them.

* ``export.stop_area_on_first_error``: once a PSR of an area (customer invoices, vendor
  invoices, time) fails in a job, the area's PSRs not yet sent are given back to the queue
  unsent; they go with the next sync. The set that carried the failure was already on its way,
  so its other records went with it. Lists belong to no area and never stop.
* ``export.mark_paid``: when the export phase ends, every customer invoice and vendor bill
  QuickBooks took as an add in this job is marked ``paid`` in the app (the app's status
  only: payments are QuickBooks' business from then on). It queues nothing.
"""

from __future__ import annotations

from dataclasses import replace

from syncengine.app.types import ENTITY_TYPES
from syncengine.store import LogEntry
from syncengine.sync.context import Context
from syncengine.sync.state import Item

PAID_TYPES = ("invoice", "bill")
"""Customer invoices and vendor invoices (bills): what ``export.mark_paid`` marks."""
_SETTLED = ("paid", "closed")


def area_of(item: Item) -> str | None:
    """The sync area of a job item's record (None: a list)."""
    return ENTITY_TYPES[item.entity_type].area


def stopped_areas(ctx: Context) -> dict[str, Item]:
    """Areas with a failed item in this job, each with its first failed item."""
    stopped: dict[str, Item] = {}
    for item in sorted(ctx.state.items.values(), key=lambda i: i.seq):
        area = area_of(item)
        if item.state == "failed" and area is not None:
            stopped.setdefault(area, item)
    return stopped


def hold_back(ctx: Context, items: list[Item], stopped: dict[str, Item]) -> None:
    """Give items of stopped areas back to the queue unsent, saying why in the sync log."""
    if not items:
        return
    store = ctx.store
    with store.write():
        store.jobs.release(ctx.job_id, [i.psr_id for i in items])
        log = []
        for item in items:
            area = area_of(item) or ""
            first = stopped[area].psr_id
            message = f"not sent: the {area} area stopped at its first error (PSR {first})"
            entry = LogEntry("export", "skipped", item.entity_id, item.entity_type, item.action)
            log.append(replace(entry, job_id=ctx.job_id, psr_id=item.psr_id, message=message))
        store.log.add_many(log)
    ctx.state.set_states([i.psr_id for i in items], "released")


def mark_paid(ctx: Context) -> None:
    """Mark paid, in the app, the invoices and bills QuickBooks took as adds in this job
    (inside the caller's transaction; doing it twice changes nothing)."""
    if not ctx.store.settings.get("export.mark_paid"):
        return
    done = [
        i
        for i in ctx.state.items.values()
        if i.state == "done" and i.action == "add" and i.entity_type in PAID_TYPES
    ]
    entities = ctx.store.entities.get_many([i.entity_id for i in done])
    log = []
    for item in done:
        entity = entities[item.entity_id]
        if entity.deleted or entity.status in _SETTLED:
            continue
        ctx.app.collection(item.entity_type).update(entity.id, from_quickbooks=True, status="paid")
        entry = LogEntry("export", "success", entity.id, item.entity_type, "paid", ctx.job_id)
        log.append(replace(entry, psr_id=item.psr_id, message="marked paid after export"))
    ctx.store.log.add_many(log)
