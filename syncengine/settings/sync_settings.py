"""``SyncSettings``: the workspace settings as typed properties, each checked when set, and
what a change does to the sync.

::

    settings = SyncSettings(store)
    settings.time = False                     # time entries stop syncing
    settings.invoice_sources = ["billing"]    # packing lists no longer feed invoices
    settings.set("export.mark_paid", True)    # by key, as the CLI does
    settings.frame()                          # every setting: value, default, meaning

A bad value raises :class:`~syncengine.errors.RecordError` naming the setting, the value and
what is allowed; a setting the engine keeps itself (the import marks, the schedule mode)
raises :class:`~syncengine.store.Refused` saying where it is changed; the wizard switch
goes through :meth:`syncengine.wizard.Wizard.enable` / ``disable``.
Changing the areas, the sources or the begin date re-scopes the queue
(:mod:`syncengine.settings.rescope`); switching an area on, or moving the begin date earlier, also
makes the next import read QuickBooks from the start, so what it skipped meanwhile comes in.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, TypeVar, overload

import pandas as pd

from syncengine.app.scope import SCOPE_KEYS, Scope
from syncengine.errors import RecordError
from syncengine.settings.rescope import Rescoped, rescope
from syncengine.store import SETTINGS, Refused, Store
from syncengine.store.settings import check

MIN_EVERY_SECONDS = 60
"""The shortest auto-sync interval: QuickBooks answers one request at a time."""
IMPORT_MARKS = ("import.modified_mark", "import.deleted_mark")
_ENGINE_KEPT = {
    **dict.fromkeys(
        IMPORT_MARKS,
        "each import moves it to where it stopped; the next import reads everything again"
        " when an area is switched back on or the begin date moves earlier (`qbsync settings"
        " set`)",
    ),
    "schedule.mode": "`qbsync autosync start` and `qbsync autosync stop` set it",
    **dict.fromkeys(
        ("company.file_id", "company.name"),
        "the first sync stamps the company file with it; a workspace syncs with one file only"
        " (use a new workspace for another)",
    ),
}
T = TypeVar("T")


class _Setting(Generic[T]):
    """A typed property over one settings key; setting it goes through
    :meth:`SyncSettings.set` (its rules, its effect on the queue)."""

    def __init__(self, key: str, doc: str) -> None:
        self.key, self.__doc__ = key, doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _Setting[T]: ...
    @overload
    def __get__(self, obj: SyncSettings, owner: type) -> T: ...
    def __get__(self, obj: SyncSettings | None, owner: type) -> T | _Setting[T]:
        return self if obj is None else obj.store.settings.get(self.key)

    def __set__(self, obj: SyncSettings, value: T) -> None:
        obj.set(self.key, value)


class SyncSettings:
    """A typed view over ``store.settings``: one property per setting, with its rules."""

    # what syncs
    customer_invoices = _Setting[bool](
        "sync.customer_invoices", "Customer invoices, credit memos, sales receipts, payments sync."
    )
    vendor_invoices = _Setting[bool](
        "sync.vendor_invoices", "Vendor invoices (bills) and purchase orders sync."
    )
    time = _Setting[bool](
        "sync.time",
        "Time entries sync, as QuickBooks TimeTracking. Time tickets never export: they are a"
        " billing source and reach QuickBooks as invoice lines (``syncengine.app.scope``).",
    )
    invoice_sources = _Setting[list[str]](
        "sources.invoice",
        "Documents that feed customer invoices: ``billing`` (customer billing) and/or"
        " ``ship_document`` (packing list).",
    )
    bill_sources = _Setting[list[str]](
        "sources.bill", "Documents that feed vendor bills: ``vendor_invoice`` and/or ``receiver``."
    )
    # behaviours
    mark_paid = _Setting[bool](
        "export.mark_paid", "Invoices and bills QuickBooks took are marked paid in the app."
    )
    new_part_kind = _Setting[str](
        "items.new_part_kind", "What a new part with no kind becomes: ``service`` or ``inventory``."
    )
    validate_lists_first = _Setting[bool](
        "export.validate_lists_first",
        "Before any record goes, the list records it refers to that were never sent join the"
        " job, and every account and terms the job names is checked; off: only what the job"
        " carries goes, and each set checks the accounts and terms it names.",
    )
    stop_area_on_first_error = _Setting[bool](
        "export.stop_area_on_first_error",
        "An area's first failed record in a job holds back the rest of that area.",
    )
    create_default_accounts = _Setting[bool](
        "accounts.create_defaults",
        "Accounts and terms the records name and QuickBooks lacks are created.",
    )
    # schedules
    schedule_mode = _Setting[str]("schedule.mode", "``manual`` or ``auto`` (set by AutoSync).")
    every_seconds = _Setting[int](
        "schedule.every_seconds", f"The auto-sync interval, at least {MIN_EVERY_SECONDS} seconds."
    )
    begin_date = _Setting[date | None](
        "schedule.begin_date", "Transactions dated before it count as exported and never sync."
    )
    date_from = _Setting[date | None](
        "range.from_date", "A manual sync's first transaction date when none is given."
    )
    date_to = _Setting[date | None](
        "range.to_date", "A manual sync's last transaction date when none is given."
    )
    wizard_enabled = _Setting[bool](
        "wizard.enabled", "Changes wait in the sync wizard for approval (``Wizard.enable()``)."
    )

    def __init__(self, store: Store) -> None:
        self.store = store
        self.last_rescope: Rescoped | None = None

    # -- by key ---------------------------------------------------------------------------
    def delete_action(self, entity_type: str) -> str:
        """What a deletion in the app does in QuickBooks for this type."""
        return self.store.settings.get(f"delete_action.{entity_type}")

    def set_delete_action(self, entity_type: str, action: str) -> None:
        """Choose what a deletion in the app does in QuickBooks for this type."""
        self.set(f"delete_action.{entity_type}", action)

    def set(self, key: str, value: Any) -> None:
        """Change one setting by key, with its rules and what the change does to the queue."""
        value = check(key, value)
        if key in _ENGINE_KEPT:
            raise Refused(f"setting {key} is not set by hand: {_ENGINE_KEPT[key]}")
        if key == "wizard.enabled":
            from syncengine.wizard import Wizard  # the wizard offers the queue when switched

            Wizard(self.store).enable() if value else Wizard(self.store).disable()
            return
        _check_rules(self, key, value)
        if key in SCOPE_KEYS:
            self._rescope(key, value)
        else:
            self.store.settings.write_raw(key, value)

    def reset(self, key: str) -> None:
        """Put a setting back to its default (by the same rules as :meth:`set`)."""
        self.set(key, SETTINGS[key].default if key in SETTINGS else None)

    def reset_import_marks(self) -> None:
        """Make the next import read everything in QuickBooks again (echoes are skipped)."""
        for key in IMPORT_MARKS:
            self.store.settings.reset(key)

    @classmethod
    def property_keys(cls) -> dict[str, str]:
        """Each typed property's name and the key of the setting it reads (``mark_paid``:
        ``export.mark_paid``)."""
        return {s.name: s.key for s in vars(cls).values() if isinstance(s, _Setting)}

    def frame(self) -> pd.DataFrame:
        """Every setting: key, value, default, whether changed, meaning, and the property."""
        frame = self.store.settings.frame()
        names = {key: name for name, key in self.property_keys().items()}
        frame["property"] = frame["key"].map(names).fillna("")
        return frame

    def _rescope(self, key: str, value: Any) -> None:
        with self.store.write():
            before = Scope.of(self.store.settings)
            self.store.settings.write_raw(key, value)
            after = Scope.of(self.store.settings)
            self.last_rescope = rescope(self.store, before, after)
            if _widened(before, after):
                self.reset_import_marks()


def _check_rules(settings: SyncSettings, key: str, value: Any) -> None:
    """The rules beyond type and allowed values; RecordError names the broken one."""
    if key.startswith("sources.") and not value:
        reason = "choose at least one source document, or switch the area off"
        raise RecordError("settings", key, value, reason)
    if key == "schedule.every_seconds" and value < MIN_EVERY_SECONDS:
        reason = f"auto sync runs at most every {MIN_EVERY_SECONDS} seconds"
        raise RecordError("settings", key, value, reason)
    first = value if key == "range.from_date" else settings.date_from
    last = value if key == "range.to_date" else settings.date_to
    if key.startswith("range.") and first and last and first > last:
        reason = f"the range would end ({last}) before it begins ({first})"
        raise RecordError("settings", key, value, reason)


def _widened(before: Scope, after: Scope) -> bool:
    """True when transactions the import skipped may now belong in the app."""
    earlier = before.begin_date is not None and (
        after.begin_date is None or after.begin_date < before.begin_date
    )
    return bool(before.areas_off - after.areas_off) or earlier
