"""Actions on transactions (rule 6): undo sync, set or close the status, delete a payment.

Undo sync puts a transaction back to its type's default status and queues a PSR that deletes
it in QuickBooks. Payments cannot be undone; a payment can be deleted while no payment
gateway processed it. While an undo's deletion is queued, a status at which the transaction
syncs is refused (the deletion would swallow the new add): sync first, or delete that PSR.
"""

from __future__ import annotations

from syncengine.actions.common import (
    ActionResult,
    flag_words,
    live,
    named,
    not_locked,
    open_psr,
    transaction,
)
from syncengine.actions.next_sync import next_sync, then_next_sync
from syncengine.app import STATUS_TABLE, App, TxnCollection
from syncengine.clock import shown
from syncengine.errors import ActionRefused, RecordError
from syncengine.store import Entity, Psr
from syncengine.store.psrs import REMOVALS

UNDO_NOTE = "replaced by undo sync"


def undo_sync(app: App, txn_id: int) -> ActionResult:
    """Re-open a synced transaction: status back to its default, a PSR deleting it in
    QuickBooks queued. Refused for payments and for what QuickBooks does not hold."""
    with app.store.write():
        entity = transaction(app, txn_id)
        _undoable(app, entity)
        default = STATUS_TABLE[entity.entity_type].default
        collection = app.collection(entity.entity_type)
        collection.update(entity.id, status=default)
        psr_id = app.queue.put(collection.change_of(entity.id), "delete", UNDO_NOTE)
    done = f"sync undone: status {entity.status} to {default}, PSR {psr_id} (delete) queued"
    return ActionResult(named(entity), done, next_sync(app, entity.id))


def _undoable(app: App, entity: Entity) -> None:
    if entity.entity_type == "payment":
        raise ActionRefused(
            f"{named(entity)}: payments cannot be undone; delete the payment instead (allowed"
            " while no payment gateway processed it)"
        )
    flagged = flag_words(app, entity.id)
    if flagged:
        raise ActionRefused(f"{named(entity)} is {flagged}; allow sync first, then undo sync")
    not_locked(app, entity)
    link = app.store.links.get(entity.id)
    if link is None:
        raise ActionRefused(
            f"{named(entity)} is not in QuickBooks (never synced): there is no sync to undo;"
            " delete its PSR from the queue instead"
        )
    if link.qb_deleted_at is not None:
        raise ActionRefused(
            f"{named(entity)} was already deleted in QuickBooks at {shown(link.qb_deleted_at)}:"
            " there is no sync to undo; set its status, or Clear ID to add it again"
        )
    _refuse_queued_removal(app, entity, "sync is already undone", "")


def _refuse_queued_removal(app: App, entity: Entity, what: str, then: str) -> None:
    queued = open_psr(app, entity.id)
    if queued is not None and queued.action in REMOVALS:
        raise ActionRefused(
            f"{named(entity)}: {what}: PSR {queued.id} ({queued.action}) is queued to remove it"
            f" from QuickBooks; sync first so it goes out{then}, or delete that PSR from the"
            " queue to keep QuickBooks' copy"
        )


def set_status(app: App, txn_id: int, new_status: str) -> ActionResult:
    """Move a transaction to a status of its type; reaching a sync status queues it when it
    is complete and not flagged. The note says what was queued or cancelled."""
    with app.store.write():
        entity = transaction(app, txn_id)
        collection = app.collection(entity.entity_type)
        assert isinstance(collection, TxnCollection)  # transaction() refused anything else
        before = open_psr(app, entity.id)
        try:
            record = collection.set_status(entity.id, new_status)
        except RecordError as exc:
            raise ActionRefused(str(exc)) from exc
        stored = app.store.entities.get(entity.id)
        ready = collection.is_ready(stored)
        if ready and not flag_words(app, entity.id):
            waits = f"status {record.status} must wait"
            _refuse_queued_removal(app, entity, waits, " (then set the status: it is added again)")
        note = then_next_sync(_queue_change(before, open_psr(app, entity.id)), app, entity.id)
    return ActionResult(named(entity), f"status {entity.status} to {record.status}", note)


def close(app: App, txn_id: int) -> ActionResult:
    """Set a transaction to its type's closed-like status (an invoice ``closed``, a bill
    ``paid``, a time entry ``billed``...)."""
    entity = transaction(app, txn_id)
    return set_status(app, txn_id, STATUS_TABLE[entity.entity_type].closed)


def _queue_change(
    before: Psr | None, after: Psr | None, why: str = "it is no longer ready to sync"
) -> str:
    """What a change did to the record's open PSR: one queued, or cancelled (``why``), or ""."""
    if after is not None and (before is None or before.id != after.id):
        return f"PSR {after.id} ({after.action}) queued"
    if after is None and before is not None:
        return f"PSR {before.id} ({before.action}) cancelled: {why}"
    return ""


def delete_payment(app: App, payment_id: int) -> ActionResult:
    """Delete a payment in the app (and so in QuickBooks at the next sync); refused when a
    payment gateway processed it."""
    with app.store.write():
        entity = live(app, payment_id)
        if entity.entity_type != "payment":
            raise ActionRefused(
                f"{named(entity)} is not a payment; delete it in the app (a synced transaction:"
                " undo sync)"
            )
        if entity.data.get("gateway_processed"):
            raise ActionRefused(
                f"{named(entity)} was processed by a payment gateway and cannot be deleted;"
                " reverse it with the gateway (a refund) instead"
            )
        before = open_psr(app, entity.id)
        app.payments.delete(entity.id)
        change = _queue_change(before, open_psr(app, entity.id), "it never reached QuickBooks")
    return ActionResult(named(entity), "deleted in the app", then_next_sync(change, app, entity.id))
