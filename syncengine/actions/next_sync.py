"""What the next sync does with one record: the sentence every action's message ends with.

It is read from the record as it stands: its PSR locked in a job or open in the queue, the
rules by which the next manual sync takes a PSR (areas that sync, the sync wizard, the date
range in the settings: :func:`syncengine.sync.selection.held_back`), its flags, its link to
QuickBooks and whether it is ready to sync. Never from what the action just did, so it stays
true whatever steps came before (undo sync, then prevent sync, then close: the deletion is
still queued).
"""

from __future__ import annotations

from syncengine.actions.common import flag_words, open_psr
from syncengine.app import STATUS_TABLE, App
from syncengine.app.scope import Scope
from syncengine.app.statuses import at_sync_status, missing_parts
from syncengine.store import Entity, Link, Psr
from syncengine.store.psrs import FAILED, LOCKED, REMOVALS
from syncengine.sync.selection import held_back, manual_window

VERBS = {
    "add": "adds it to QuickBooks",
    "modify": "sends its changes to QuickBooks",
    "delete": "deletes it in QuickBooks",
    "void": "voids it in QuickBooks",
    "inactivate": "makes it inactive in QuickBooks",
}


def next_sync(app: App, entity_id: int) -> str:
    """One or two sentences: what the next sync job does with the record, and how to keep
    a queued change out of QuickBooks when that applies."""
    locked = app.store.psrs.for_entities([entity_id], (LOCKED,)).get(entity_id)
    if locked is not None:
        return (
            f"Sync job {locked.job_id}, not finished, {VERBS[locked.action]} (PSR {locked.id});"
            " run it to the end or cancel it."
        )
    entity = app.store.entities.get(entity_id)
    queued = open_psr(app, entity_id)
    if queued is not None:
        return _queued(app, entity, queued) + _keep_out(app, entity, queued)
    return _nothing(app, entity)


def then_next_sync(fact: str, app: App, entity_id: int) -> str:
    """``fact`` (what the action changed in the queue), then :func:`next_sync`:
    ``PSR 9 (delete) queued; the next sync deletes it in QuickBooks (PSR 9).``"""
    text = next_sync(app, entity_id)
    return f"{fact}; {text[0].lower()}{text[1:]}" if fact else text


def _queued(app: App, entity: Entity, psr: Psr) -> str:
    why = held_back(app.store, manual_window(app.store), [psr]).get(psr.id)
    if why is not None:
        return (
            f"The next sync leaves PSR {psr.id} ({psr.action}) in the queue: {why}; once a sync"
            f" takes it, it {VERBS[psr.action]}."
        )
    again = ""
    if psr.state == FAILED:
        code = f" with status {psr.error_code}" if psr.error_code is not None else ""
        again = f", again: it failed last time{code}"
    return f"The next sync {VERBS[psr.action]} (PSR {psr.id}{again})."


def _keep_out(app: App, entity: Entity, psr: Psr) -> str:
    if psr.action in REMOVALS:
        return f" To keep QuickBooks' copy, delete PSR {psr.id} from the queue."
    flagged = flag_words(app, entity.id)
    if flagged:
        return (
            f" It is {flagged}, but PSR {psr.id} was queued before: delete it from the queue"
            " to keep the change out."
        )
    return ""


def _nothing(app: App, entity: Entity) -> str:
    link = app.store.links.get(entity.id)
    text = f"The next sync sends nothing of it: {_held_in_quickbooks(link)}"
    flagged = flag_words(app, entity.id)
    if flagged:
        return f"{text}; it is {flagged}."
    if entity.deleted:
        return f"{text}."
    return f"{text}; {_until(app, entity, link)}."


def _held_in_quickbooks(link: Link | None) -> str:
    if link is None:
        return "QuickBooks does not have it"
    if link.qb_deleted_at is not None:
        return f"QuickBooks deleted it at {link.qb_deleted_at}"
    return "QuickBooks keeps its copy"


def _until(app: App, entity: Entity, link: Link | None) -> str:
    """What would queue a change of the record (it has none now)."""
    if link is not None and link.qb_deleted_at is not None:
        return "Clear ID adds it again"
    waits = not_ready(app, entity)
    if waits is not None:
        return waits
    if link is None:
        return "Resync queues it"
    is_list = app.collection(entity.entity_type).etype.is_list
    return "its next change in the app is queued" + (
        "" if is_list else "; undo sync deletes it there"
    )


def not_ready(app: App, entity: Entity) -> str | None:
    """Why a record would not queue now (status, missing parts, out of the sync's scope);
    None when it is ready (lists always are)."""
    if app.collection(entity.entity_type).etype.is_list:
        return None
    if not at_sync_status(entity.entity_type, entity.status):
        sync_at = ", ".join(STATUS_TABLE[entity.entity_type].sync_at)
        return f"it queues at status {sync_at} (it is {entity.status}), once fully recorded"
    missing = missing_parts(entity.entity_type, entity.data)
    if missing:
        return f"it is not fully recorded: it lacks {', '.join(missing)}"
    why = Scope.of(app.store.settings).refuses(entity.entity_type, entity.data)
    return f"it is out of the sync's scope: {why}" if why else None
