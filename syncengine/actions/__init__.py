"""Actions on records, as a person operating the sync takes them (rules 4-6 and 8).

::

    actions = Actions(store)
    result = actions.undo_sync(invoice_id)     # ActionResult: record, done, note
    print(result)                              # invoice '1001' (id 5): sync undone: ...
    actions.unsynced()                         # DataFrame: error code, message, fix, state

Each action runs in one store transaction and hands back an :class:`ActionResult` saying what
it did and what follows: its note ends with what the next sync does with the record, read from
the record's PSRs, flags and the settings (:func:`syncengine.actions.next_sync.next_sync`, the
same for every action); an action that does not apply to the record raises
:class:`ActionRefused` naming the record and what to do instead (an unknown ID: ``NotFound``).

The playbooks of rule 6, which leave QuickBooks untouched:

* already synced: ``undo_sync`` -> ``prevent_sync`` -> ``close`` -> ``delete_psr`` (the
  deletion undo sync queued);
* not yet synced: ``delete_psr`` (its add) -> ``prevent_sync`` -> ``close``.
"""

from __future__ import annotations

import pandas as pd

from syncengine.actions import flags, psrs, txns, unsynced
from syncengine.actions.common import ActionResult
from syncengine.app import App
from syncengine.errors import ActionRefused
from syncengine.store import Store

__all__ = ["ActionRefused", "ActionResult", "Actions"]


class Actions:
    """The actions on one workspace's records, PSRs and queue."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.app = App(store)

    # -- the queue (rule 5) -----------------------------------------------------------------
    def delete_psr(self, psr_id: int) -> ActionResult:
        """Delete a queued or failed PSR from the queue: the change stays out of QuickBooks;
        the next import may overwrite the app record."""
        return psrs.delete_psr(self.app, psr_id)

    def restore_deleted(self, psr_id: int) -> ActionResult:
        """Always refused: a "to be deleted" PSR cannot be reversed (re-create the record)."""
        return psrs.restore_deleted(self.app, psr_id)

    def proxy(self, entity_id: int) -> ActionResult:
        """Keep a record out of syncing until the proxy is removed (its queued PSR deleted)."""
        return flags.proxy(self.app, entity_id)

    def unproxy(self, entity_id: int) -> ActionResult:
        """Remove a proxy: the record's next change is queued again."""
        return flags.unproxy(self.app, entity_id)

    # -- transactions (rule 6) --------------------------------------------------------------
    def undo_sync(self, txn_id: int) -> ActionResult:
        """Status back to the type's default and a PSR deleting it in QuickBooks queued;
        refused for payments."""
        return txns.undo_sync(self.app, txn_id)

    def prevent_sync(self, entity_id: int) -> ActionResult:
        """Keep a record out of syncing for good; a PSR already queued stays (the note says)."""
        return flags.prevent_sync(self.app, entity_id)

    def allow_sync(self, entity_id: int) -> ActionResult:
        """Remove prevent sync: the record's next change is queued again."""
        return flags.allow_sync(self.app, entity_id)

    def set_status(self, txn_id: int, status: str) -> ActionResult:
        """Move a transaction to a status of its type (a sync status queues it if ready)."""
        return txns.set_status(self.app, txn_id, status)

    def close(self, txn_id: int) -> ActionResult:
        """Set a transaction to its type's closed-like status (invoice ``closed``, ...)."""
        return txns.close(self.app, txn_id)

    def delete_payment(self, payment_id: int) -> ActionResult:
        """Delete a payment (in QuickBooks too at the next sync) that no gateway processed."""
        return txns.delete_payment(self.app, payment_id)

    # -- unsynced entities (rule 8) ---------------------------------------------------------
    def resync(self, entity_id: int) -> ActionResult:
        """Queue a record again: a Mod if QuickBooks has it, else an Add."""
        return unsynced.resync(self.app, entity_id)

    def clear_id(self, entity_id: int) -> ActionResult:
        """Forget the ListID/TxnID of a record deleted in QuickBooks so the next sync adds it."""
        return unsynced.clear_id(self.app, entity_id)

    def unsynced(self) -> pd.DataFrame:
        """Unsynced records: entity id, type, name, last error code, message, fix, state."""
        return unsynced.unsynced(self.app)
