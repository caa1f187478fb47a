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
    """The app's records over one workspace store, wired to its sync queue: one collection
    per registered entity type (:data:`ENTITY_TYPES`), as the attribute its ``plural`` names.

    The attributes are declared one by one so that type checkers see each collection's class;
    ``tests/test_entity_registry.py`` checks the declarations against the registry.
    """

    customers: Collection
    vendors: Collection
    employees: Collection
    items: Collection
    sales_orders: TxnCollection
    invoices: TxnCollection
    bills: TxnCollection
    payments: TxnCollection
    credit_memos: TxnCollection
    purchase_orders: TxnCollection
    sales_receipts: TxnCollection
    time_entries: TxnCollection

    def __init__(self, store: Store, queue: SyncQueue | None = None) -> None:
        self.store = store
        self.queue = queue or SyncQueue(store)
        # every collection keyed by entity type, in the registry's order
        self.collections: dict[str, Collection] = {
            key: (Collection if etype.is_list else TxnCollection)(store, self.queue, key)
            for key, etype in ENTITY_TYPES.items()
        }
        for key, collection in self.collections.items():
            setattr(self, ENTITY_TYPES[key].plural, collection)

    def collection(self, entity_type: str) -> Collection:
        """The collection for an entity type key (``"customer"``, ``"time_entry"``, ...)."""
        found = self.collections.get(entity_type)
        if found is None:
            raise KeyError(f"no entity type {entity_type!r}; types: {', '.join(ENTITY_TYPES)}")
        return found

    def record(self, record_id: int) -> Record:
        """Any app record by ID, whatever its type."""
        return decode(self.store.entities.get(record_id))
