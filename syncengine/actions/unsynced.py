"""Unsynced entities (rule 8): what QuickBooks does not have, why, and the fix; Resync and
Clear ID.

A record is unsynced when its PSR failed (it waits in the queue with its last error), or when
the app wants it in QuickBooks (a list record, or a transaction ready to sync) but QuickBooks
does not hold it and nothing will send it: its PSR was deleted from the queue, or its
QuickBooks record was deleted. Proxied and prevent-sync records are left out on purpose.
"""

from __future__ import annotations

import pandas as pd

from syncengine.actions.common import (
    ActionResult,
    flag_words,
    live,
    named,
    not_locked,
    open_psr,
)
from syncengine.actions.next_sync import next_sync, then_next_sync
from syncengine.app import STATUS_TABLE, App
from syncengine.app.scope import Scope
from syncengine.app.statuses import not_ready
from syncengine.clock import shown
from syncengine.errors import ActionRefused
from syncengine.reports.explain import explain
from syncengine.store import Entity, Psr, PsrFilter
from syncengine.store.psrs import FAILED, REMOVED

COLUMNS = ["entity_id", "entity_type", "name", "error_code", "message", "fix", "state", "psr_id"]
NOT_IN_QB, DELETED_IN_QB = "not in QuickBooks", "deleted in QuickBooks"
RESYNC_FIX = (
    "Resync queues it again. If QuickBooks already has a record of that name, edit that"
    " record in QuickBooks instead: the next import links them."
)
CLEAR_ID_FIX = "Clear ID adds it to QuickBooks again at the next sync; or delete it in the app."


def unsynced(app: App) -> pd.DataFrame:
    """Every unsynced record with its last error code, message, the fix, and its state
    (``failed``, ``not in QuickBooks``, ``deleted in QuickBooks``); oldest record first."""
    rows = [_failed_row(p) for p in app.store.psrs.find(PsrFilter(state=FAILED), "id")]
    rows += [_missing_row(app, e) for e in app.store.entities.unsent() if _wanted(app, e)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("error_code", "psr_id"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values(["entity_id", "psr_id"], ignore_index=True)


def _failed_row(psr: Psr) -> list:
    """A QuickBooks status code's fix is the status-code guide's (through ``explain``), read
    now; a PSR the engine refused keeps the specific hint stored with it."""
    fix = psr.error_hint or explain(None)
    if psr.error_code is not None:
        fix = explain(psr.error_code, psr.action)
    code, message = psr.error_code, psr.error_message
    return [psr.entity_id, psr.entity_type, psr.name, code, message, fix, FAILED, psr.id]


def _wanted(app: App, entity: Entity) -> bool:
    return app.collection(entity.entity_type).is_ready(entity)


def _missing_row(app: App, entity: Entity) -> list:
    link = app.store.links.get(entity.id)
    last = app.store.psrs.for_entities([entity.id], (REMOVED,)).get(entity.id)
    code = last.error_code if last is not None else None
    psr_id = last.id if last is not None else None
    if link is not None:
        message = f"deleted in QuickBooks at {shown(link.qb_deleted_at)}"
        fix, state = CLEAR_ID_FIX, DELETED_IN_QB
    else:
        message, fix, state = _not_sent(last), RESYNC_FIX, NOT_IN_QB
    return [entity.id, entity.entity_type, entity.name, code, message, fix, state, psr_id]


def _not_sent(last: Psr | None) -> str:
    if last is None:
        return "not in the queue"
    gone = f"PSR {last.id} ({last.action}) was deleted from the queue"
    return f"{gone}: {last.error_message}" if last.error_message else gone


def resync(app: App, entity_id: int) -> ActionResult:
    """Queue a record again: a Mod if QuickBooks has it, else an Add. A record already in the
    queue is left as it is (the note says so)."""
    with app.store.write():
        entity = live(app, entity_id)
        _refuse_unsyncable(app, entity)
        queued = open_psr(app, entity.id)
        if queued is not None:
            done = f"already queued: PSR {queued.id} ({queued.action}, {queued.state})"
            note = f"Nothing changed. {next_sync(app, entity.id)}"
            return ActionResult(named(entity), done, note)
        change = app.collection(entity.entity_type).change_of(entity.id)
        if not change.ready:
            raise ActionRefused(_not_ready(app, entity))
        app.queue.record([change])
        psr = open_psr(app, entity.id)
    assert psr is not None  # a ready, unflagged record with no open PSR always gets one
    done = f"PSR {psr.id} ({psr.action}) queued"
    return ActionResult(named(entity), done, next_sync(app, entity.id))


def _refuse_unsyncable(app: App, entity: Entity) -> None:
    flagged = flag_words(app, entity.id)
    if flagged:
        raise ActionRefused(f"{named(entity)} is {flagged}; unproxy it or allow sync first")
    not_locked(app, entity)
    link = app.store.links.get(entity.id)
    if link is not None and link.qb_deleted_at is not None:
        raise ActionRefused(
            f"{named(entity)} was deleted in QuickBooks at {shown(link.qb_deleted_at)} (per its"
            " link); use Clear ID to add it again"
        )


def _not_ready(app: App, entity: Entity) -> str:
    scope = Scope.of(app.store.settings)
    why = not_ready(entity.entity_type, entity.status, entity.data, scope)
    if why is not None and why.rule == "status":
        return (
            f"{named(entity)} is at status {entity.status}; it syncs at"
            f" {', '.join(STATUS_TABLE[entity.entity_type].sync_at)}: set its status first"
        )
    if why is not None and why.rule == "parts":
        return f"{named(entity)} is not fully recorded: it lacks {', '.join(why.missing)}"
    out = why.out_of_scope if why is not None else None
    return f"{named(entity)} is out of the sync's scope: {out}; see the settings"


def clear_id(app: App, entity_id: int) -> ActionResult:
    """Drop the link of a record whose QuickBooks record was deleted, so the next sync adds it
    again; refused while the link says QuickBooks still holds it."""
    with app.store.write():
        entity = app.store.entities.get(entity_id)
        qb = _deleted_link_id(app, entity)
        not_locked(app, entity)
        app.store.links.clear(entity.id)
        app.store.baselines.forget([entity.id])
        change = app.collection(entity.entity_type).change_of(entity.id)
        app.queue.record([change])
        psr = open_psr(app, entity.id)
    note = then_next_sync(_where_psr_stands(psr), app, entity.id)
    return ActionResult(named(entity), f"QuickBooks ID {qb} cleared", note)


def _where_psr_stands(psr: Psr | None) -> str:
    """What the record's open PSR is now, true to its state ("" without one): a failed PSR
    is not called queued (the next-sync sentence says it goes again)."""
    if psr is None:
        return ""
    if psr.state == "failed":  # it keeps its last error until it is tried again
        return f"PSR {psr.id} is now an {psr.action}"
    return f"PSR {psr.id} ({psr.action}) {psr.state}"


def _deleted_link_id(app: App, entity: Entity) -> str:
    link = app.store.links.get(entity.id)
    if link is None:
        raise ActionRefused(
            f"{named(entity)} has no QuickBooks ID to clear: QuickBooks never had it (or its ID"
            " was cleared already); Resync queues it"
        )
    if link.qb_deleted_at is None:
        raise ActionRefused(
            f"{named(entity)} is still in QuickBooks as {link.qb_type or 'ID'} {link.qb_id} (per"
            " its link): clearing its ID would add a second copy at the next sync. Clear ID is"
            " for records deleted in QuickBooks; if it was deleted there, sync first so the"
            " import sees the deletion"
        )
    if entity.deleted:
        raise ActionRefused(
            f"{named(entity)} was deleted in the app as well (QuickBooks' deletion was"
            " imported): re-create the record to add it to QuickBooks again"
        )
    return link.qb_id
