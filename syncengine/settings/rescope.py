"""What a change of the scope settings (areas, sources, begin date) does to the sync queue.

A transaction *leaving* the scope (its area switched off, its source no longer chosen, dated
before a new begin date) has its open add or modify PSR cancelled, the reason in the PSR's
note; before the begin date that reason is "marked exported", also written to the sync log.
A transaction *entering* the scope is queued if it is ready to sync and QuickBooks lacks it
(an add) or holds an older version of it (a modify: its synced fields differ from the
baseline). PSRs locked in a running job and removals (deletions QuickBooks must hear of) are
left as they are; the sync job holds back whatever belongs to an area that does not sync.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from syncengine import mapping
from syncengine.app import App
from syncengine.app.scope import Scope
from syncengine.app.types import ENTITY_TYPES
from syncengine.store import Entity, LogEntry, Store
from syncengine.store.psrs import ACTIVE_STATES, CANCELLED, OPEN_STATES, WRITES
from syncengine.sync.merge import app_changed

TXN_TYPES = tuple(t.key for t in ENTITY_TYPES.values() if not t.is_list)


@dataclass(frozen=True)
class Rescoped:
    """What a scope change did: PSRs queued for records entering it, cancelled for leaving."""

    queued: int = 0
    cancelled: int = 0


def rescope(store: Store, before: Scope, after: Scope) -> Rescoped:
    """Bring the queue in line with a new scope (the settings already hold ``after``)."""
    app = App(store)
    entering: list[Entity] = []
    leaving: list[tuple[Entity, str]] = []
    with store.write():
        for entity_type in TXN_TYPES:
            for entity in store.entities.all(entity_type):
                was_in = before.refuses(entity_type, entity.data) is None
                why_not = after.refuses(entity_type, entity.data)
                if was_in and why_not is not None:
                    leaving.append((entity, why_not))
                elif not was_in and why_not is None:
                    entering.append(entity)
        cancelled = _leave(store, leaving)
        queued = _enter(store, app, entering)
    return Rescoped(queued, cancelled)


def _leave(store: Store, leaving: list[tuple[Entity, str]]) -> int:
    open_psrs = store.psrs.for_entities([e.id for e, _why in leaving], OPEN_STATES)
    log = []
    cancelled = 0
    for entity, why in leaving:
        psr = open_psrs.get(entity.id)
        if psr is not None and psr.action in WRITES:
            store.psrs.close([psr.id], CANCELLED, f"out of the sync: {why}")
            cancelled += 1
        if "counts as exported" in why:
            entry = LogEntry("export", "skipped", entity.id, entity.entity_type, "marked exported")
            log.append(replace(entry, psr_id=psr.id if psr else None, message=why))
    store.log.add_many(log)
    return cancelled


def _enter(store: Store, app: App, entering: list[Entity]) -> int:
    ids = [e.id for e in entering]
    skip = set(store.psrs.for_entities(ids, ACTIVE_STATES)) | store.flags.flagged(ids)
    links = store.links.get_many(ids)
    baselines = store.baselines.get_many(ids)
    changes = []
    for entity in entering:
        collection = app.collection(entity.entity_type)
        if entity.id in skip or not collection.is_ready(entity):
            continue
        link = links.get(entity.id)
        if link is None or link.qb_deleted_at is not None:
            changes.append(collection.change_of(entity.id, "created"))
        elif _changed_since(entity, baselines.get(entity.id)):
            changes.append(collection.change_of(entity.id, "updated"))
    app.queue.record(changes)
    return len(changes)


def _changed_since(entity: Entity, baseline: dict | None) -> bool:
    """True when the app holds synced values QuickBooks did not have at the baseline."""
    known = None if baseline is None else mapping.comparable(entity.entity_type, baseline)
    return bool(app_changed(mapping.comparable(entity.entity_type, entity.data), known))
