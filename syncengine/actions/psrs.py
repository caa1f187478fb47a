"""Actions on one PSR: delete it from the queue (rule 5: the change stays out of QuickBooks; a
transaction QuickBooks never had goes back to its default status, as undo sync does for a
synced one), and the refusal to reverse a "to be deleted" PSR."""

from __future__ import annotations

from syncengine.actions.common import ActionResult, named, psr_named
from syncengine.actions.next_sync import next_sync
from syncengine.app import STATUS_TABLE, App
from syncengine.errors import ActionRefused
from syncengine.qbxml import status
from syncengine.store import Psr
from syncengine.store.psrs import DONE, LOCKED, OPEN_STATES, REMOVALS

NEXT_IMPORT = "the next import may overwrite the app record"
RELINK = (
    " To link it to QuickBooks' record of that name instead, edit that record in QuickBooks:"
    " the next import links them."
)
VERBS = {"delete": "deletes", "void": "voids", "inactivate": "makes inactive"}


def delete_psr(app: App, psr_id: int) -> ActionResult:
    """Take a queued or failed PSR out of the queue; it stays as history, state ``removed``.
    A transaction QuickBooks never had goes back to its type's default status."""
    with app.store.write():
        psr = app.store.psrs.get(psr_id)
        _refuse_unless_open(psr)
        app.queue.remove(psr_id, "deleted from the queue")
        reopened = _reopen_unsynced(app, psr.entity_id)
    entity = app.store.entities.get(psr.entity_id)
    done = f"PSR {psr.id} ({psr.action}) deleted from the queue{reopened}"
    return ActionResult(named(entity), done, f"{next_sync(app, entity.id)} {_kept_out(psr)}")


def _reopen_unsynced(app: App, entity_id: int) -> str:
    """Put a live transaction that never reached QuickBooks back to its default status (it
    stays out until a sync status is set again); what was done, or ""."""
    entity = app.store.entities.get(entity_id)
    statuses = STATUS_TABLE.get(entity.entity_type)
    if statuses is None or entity.deleted or entity.status == statuses.default:
        return ""
    if app.store.links.get(entity.id) is not None:
        return ""
    app.collection(entity.entity_type).update(entity.id, status=statuses.default)
    return f", status {entity.status} back to {statuses.default} (it never reached QuickBooks)"


def _refuse_unless_open(psr: Psr) -> None:
    if psr.state == LOCKED:
        raise ActionRefused(
            f"{psr_named(psr)} is locked in sync job {psr.job_id}; finish or cancel that job,"
            " then delete the PSR"
        )
    if psr.state not in OPEN_STATES:
        why = " (QuickBooks took it)" if psr.state == DONE else ""
        raise ActionRefused(
            f"{psr_named(psr)} is already {psr.state}{why}; only queued or failed PSRs can be"
            " deleted from the queue"
        )


def _kept_out(psr: Psr) -> str:
    note = f"The change stays out of QuickBooks; {NEXT_IMPORT}."
    if psr.action == "add" and psr.error_code == status.NAME_IN_USE:
        return note + RELINK
    return note


def restore_deleted(app: App, psr_id: int) -> ActionResult:
    """Always refused: a "to be deleted" PSR cannot be reversed, and any other PSR deletes
    nothing. The refusal says what to do instead."""
    psr = app.store.psrs.get(psr_id)
    if psr.action not in REMOVALS:
        raise ActionRefused(
            f"{psr_named(psr)} is not a deletion; there is nothing to restore (Resync queues a"
            " record again)"
        )
    keep = (
        f"; to keep QuickBooks' copy, delete PSR {psr.id} from the queue"
        if psr.state in OPEN_STATES
        else ""
    )
    raise ActionRefused(
        f"{psr_named(psr)} is a 'to be deleted' PSR (it {VERBS[psr.action]} the record in"
        f" QuickBooks) and cannot be reversed: re-create the record{keep}"
    )
