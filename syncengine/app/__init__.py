"""The app's system of record: the customers, vendors, items and transactions a UI edits.

``App(store)`` gives one collection per entity type (``app.customers``, ``app.invoices``, ...)
with ``add``, ``add_many``, ``update``, ``delete``, ``get``, ``find`` and ``frame``. Every
change goes through the sync queue's rules in the same transaction as the write (see
:mod:`syncengine.queue`); transactions queue only when their status and content allow
(:mod:`syncengine.app.statuses`).
"""

from __future__ import annotations

from syncengine.app.collections import Collection, TxnCollection
from syncengine.app.records import Record, decode
from syncengine.app.statuses import STATUS_TABLE, TxnStatuses, status_frame
from syncengine.app.types import ENTITY_TYPES, ITEM_KINDS, EntityType
from syncengine.queue import SyncQueue
from syncengine.store import Store

__all__ = [
    "ENTITY_TYPES",
    "ITEM_KINDS",
    "STATUS_TABLE",
    "App",
    "Collection",
    "EntityType",
    "Record",
    "TxnCollection",
    "TxnStatuses",
    "status_frame",
]


class App:
    """The app's records over one workspace store, wired to its sync queue."""

    def __init__(self, store: Store, queue: SyncQueue | None = None) -> None:
        self.store = store
        self.queue = queue or SyncQueue(store)
        self.customers = Collection(store, self.queue, "customer")
        self.vendors = Collection(store, self.queue, "vendor")
        self.employees = Collection(store, self.queue, "employee")
        self.items = Collection(store, self.queue, "item")
        self.invoices = TxnCollection(store, self.queue, "invoice")
        self.bills = TxnCollection(store, self.queue, "bill")
        self.payments = TxnCollection(store, self.queue, "payment")
        self.credit_memos = TxnCollection(store, self.queue, "credit_memo")
        self.purchase_orders = TxnCollection(store, self.queue, "purchase_order")
        self.sales_receipts = TxnCollection(store, self.queue, "sales_receipt")
        self.time_entries = TxnCollection(store, self.queue, "time_entry")

    def collection(self, entity_type: str) -> Collection:
        """The collection for an entity type key (``"customer"``, ``"time_entry"``, ...)."""
        found = [c for c in vars(self).values() if isinstance(c, Collection)]
        for candidate in found:
            if candidate.entity_type == entity_type:
                return candidate
        raise KeyError(f"no entity type {entity_type!r}; types: {', '.join(ENTITY_TYPES)}")

    def record(self, record_id: int) -> Record:
        """Any app record by ID, whatever its type."""
        return decode(self.store.entities.get(record_id))
