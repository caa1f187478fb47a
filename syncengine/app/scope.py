"""What the settings let into the sync: the areas that sync, the source documents that feed
them, and the begin date before which transactions count as exported.

One rule, used in three places: whether a transaction is ready to queue
(:mod:`syncengine.app.collections`), whether a QuickBooks transaction is imported (the sync
job's import phase), and what a change of these settings puts into or takes out of the queue
(:mod:`syncengine.settings`). Lists (customers, vendors, employees, items) are shared by
every area and always in scope.

Areas: *customer invoices* (sales orders, invoices, credit memos, sales receipts, payments),
*vendor invoices* (bills, purchase orders) and *time* (time entries, which QuickBooks holds as
TimeTracking). Time tickets — the signed field record of a crew's labour and materials on a
customer's job — are a billing source, not a QuickBooks document: they reach QuickBooks only
through the invoice lines billed from them (source ``billing``) and never export themselves;
the app has no time-ticket type, so no setting can send one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from syncengine.app.types import ENTITY_TYPES

if TYPE_CHECKING:
    from syncengine.store.settings import SettingsStore

AREAS: dict[str, tuple[str, ...]] = {
    area: tuple(t.key for t in ENTITY_TYPES.values() if t.area == area)
    for area in ("customer_invoices", "vendor_invoices", "time")
}
"""Each sync area (setting ``sync.<area>``) and the app transaction types it covers."""

SOURCE_SETTINGS: dict[str, str] = {
    t.key: t.source_setting for t in ENTITY_TYPES.values() if t.source_setting
}
"""Transaction types fed by chosen source documents, and the setting that chooses them."""

SCOPE_KEYS: tuple[str, ...] = (
    *(f"sync.{area}" for area in AREAS),
    *SOURCE_SETTINGS.values(),
    "schedule.begin_date",
)
"""The settings a scope is made of: changing one re-scopes the queue."""


@dataclass(frozen=True)
class Scope:
    """The areas switched off, the sources chosen per transaction type, and the begin date."""

    areas_off: frozenset[str] = frozenset()
    sources: Mapping[str, tuple[str, ...]] | None = None
    begin_date: date | None = None

    @classmethod
    def of(cls, settings: SettingsStore) -> Scope:
        """The scope the workspace settings give now."""
        value = settings.get_many(SCOPE_KEYS)
        return cls(
            frozenset(a for a in AREAS if not value[f"sync.{a}"]),
            {t: tuple(value[key]) for t, key in SOURCE_SETTINGS.items()},
            value["schedule.begin_date"],
        )

    def area_on(self, entity_type: str) -> bool:
        """True for lists and for transactions whose area syncs."""
        return ENTITY_TYPES[entity_type].area not in self.areas_off

    def refuses(self, entity_type: str, data: Mapping[str, Any]) -> str | None:
        """Why a record of this type stays out of the sync; None when it is in scope."""
        etype = ENTITY_TYPES[entity_type]
        if etype.is_list:
            return None
        if not self.area_on(entity_type):
            return f"the {etype.area} area does not sync"
        chosen = (self.sources or {}).get(entity_type)
        if chosen is not None and data.get("source") not in chosen:
            return f"source {data.get('source')!r} does not feed {entity_type}s"
        return self.before_begin(data.get("txn_date"))

    def before_begin(self, txn_date: str | None) -> str | None:
        """Why a transaction of this date counts as exported (None: it does not)."""
        if self.begin_date is None or not txn_date or txn_date >= self.begin_date.isoformat():
            return None
        return f"dated {txn_date}, before the begin date {self.begin_date}: counts as exported"
