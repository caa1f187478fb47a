"""Keeping a record out of syncing: proxy (rule 5) and prevent sync (rule 6).

A flagged record gets no PSR for any change. A proxy takes the record's queued PSR out of the
queue as well, so nothing of it is synced again until the proxy is removed. Prevent sync
leaves a queued PSR where it is and says so: the playbooks delete it from the queue as a step
of their own. Both flags stop exports only; QuickBooks' own changes to a linked record still
import.
"""

from __future__ import annotations

from syncengine.actions.common import (
    FLAG_WORDS,
    ActionResult,
    live,
    named,
    not_locked,
    open_psr,
)
from syncengine.actions.next_sync import next_sync, then_next_sync
from syncengine.app import App
from syncengine.errors import ActionRefused
from syncengine.store import Entity

PROXY, PREVENT = "proxy", "prevent_sync"
NOT_IMPORTED = "QuickBooks' own changes to it are not imported either."


def proxy(app: App, entity_id: int) -> ActionResult:
    """Proxy a record: never synced again until the proxy is removed; its queued PSR, if any,
    is deleted from the queue."""
    with app.store.write():
        entity = _flaggable(app, entity_id, PROXY)
        queued = open_psr(app, entity.id)
        if queued is not None:
            app.queue.remove(queued.id, "proxied: kept out of QuickBooks")
        app.store.flags.mark(entity.id, PROXY)
    taken = f"PSR {queued.id} ({queued.action}) deleted from the queue" if queued else ""
    note = (
        f"{then_next_sync(taken, app, entity.id)} No change of it goes to QuickBooks until the"
        f" proxy is removed. {NOT_IMPORTED}"
    )
    return ActionResult(named(entity), "proxied", note)


def prevent_sync(app: App, entity_id: int) -> ActionResult:
    """Mark a record prevent sync: none of its changes is queued again, for good (until
    allowed). A PSR already in the queue stays there; the note names it."""
    with app.store.write():
        entity = _flaggable(app, entity_id, PREVENT)
        app.store.flags.mark(entity.id, PREVENT)
        queued = open_psr(app, entity.id)
    still = f"PSR {queued.id} ({queued.action}) is still in the queue" if queued else ""
    note = (
        f"{then_next_sync(still, app, entity.id)} None of its later changes is queued."
        f" {NOT_IMPORTED}"
    )
    return ActionResult(named(entity), "marked prevent sync", note)


def unproxy(app: App, entity_id: int) -> ActionResult:
    """Remove a record's proxy; refused when it has none."""
    return _unflag(app, entity_id, PROXY, "proxy removed")


def allow_sync(app: App, entity_id: int) -> ActionResult:
    """Remove a record's prevent-sync mark; refused when it has none."""
    return _unflag(app, entity_id, PREVENT, "sync allowed again")


def _flaggable(app: App, entity_id: int, flag: str) -> Entity:
    entity = live(app, entity_id)
    if flag in app.store.flags.of(entity.id):
        undo = "unproxy it" if flag == PROXY else "allow sync"
        raise ActionRefused(f"{named(entity)} is already {FLAG_WORDS[flag]}; to sync it, {undo}")
    not_locked(app, entity)
    return entity


def _unflag(app: App, entity_id: int, flag: str, done: str) -> ActionResult:
    with app.store.write():
        entity = app.store.entities.get(entity_id)
        if not app.store.flags.clear(entity.id, flag):
            raise ActionRefused(f"{named(entity)} is not {FLAG_WORDS[flag]}; nothing to remove")
    return ActionResult(named(entity), done, next_sync(app, entity.id))
