"""What the next sync will do with one app record, read from the queue, the flags, the
settings and the wizard as they stand now (not a fixed sentence per command).

:func:`next_sync` gives an :class:`Outlook`: ``state`` is ``queued`` (the next sync job takes
its PSR), ``held_back`` (a PSR waits, but the next job leaves it: the wizard, an area switched
off, the manual date range), ``not_queued`` (nothing to send, and why) or ``stays_out`` (proxy
or prevent sync). Only the command modules import it, inside their handlers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from syncengine.store import Entity, Psr, Store

VERBS = {
    "add": "add to QuickBooks",
    "modify": "modify in QuickBooks",
    "delete": "delete in QuickBooks",
    "inactivate": "make inactive in QuickBooks",
    "void": "void in QuickBooks",
}
FLAGS = {"prevent_sync": "prevent sync", "proxy": "proxied"}


@dataclass(frozen=True)
class Outlook:
    """What the next sync does with a record: ``state``, the PSR concerned, and the sentence."""

    state: str
    text: str
    psr_id: int | None = None
    action: str | None = None

    def __str__(self) -> str:
        return self.text


def next_sync(store: Store, entity_id: int) -> Outlook:
    """What the next sync job will do with the record ``entity_id`` (see the module doc)."""
    from syncengine.store.psrs import ACTIVE_STATES

    flags = sorted(store.flags.of(entity_id))
    if flags:
        words = " and ".join(FLAGS.get(f, f) for f in flags)
        return Outlook("stays_out", f"{words}: stays out of QuickBooks")
    entity = store.entities.get(entity_id)
    psr = store.psrs.for_entities([entity_id], ACTIVE_STATES).get(entity_id)
    if psr is not None:
        return _with_psr(store, entity, psr)
    return _without_psr(store, entity)


def _with_psr(store: Store, entity: Entity, psr: Psr) -> Outlook:
    verb = VERBS.get(psr.action, psr.action)
    if psr.state == "locked":
        return Outlook(
            "queued", f"locked in sync job {psr.job_id}: {verb} when it runs", psr.id, psr.action
        )
    why = _held_back(store, entity, psr)
    if why:
        text = f"held back: {why}; PSR {psr.id} ({psr.action}) stays in the queue"
        return Outlook("held_back", text, psr.id, psr.action)
    again = f" again after error {psr.error_code}" if psr.state == "failed" else ""
    text = f"queued: {verb} with the next sync{again} (PSR {psr.id})"
    return Outlook("queued", text, psr.id, psr.action)


def _held_back(store: Store, entity: Entity, psr: Psr) -> str:
    """Why the next job leaves this open PSR in the queue ("" when it takes it)."""
    from syncengine.app.scope import Scope
    from syncengine.app.types import ENTITY_TYPES
    from syncengine.sync.selection import DateRange

    etype = ENTITY_TYPES[entity.entity_type]
    if not Scope.of(store.settings).area_on(entity.entity_type):
        return f"area {etype.area!r} does not sync"
    if store.settings.get("wizard.enabled") and entity.id not in store.wizard.approved_exports():
        return "the wizard waits for approval"
    window = DateRange(store.settings.get("range.from_date"), store.settings.get("range.to_date"))
    txn_date = entity.data.get("txn_date")
    if not etype.is_list and not window.admits(txn_date):
        return f"dated {txn_date or '(none)'}, outside the sync date range {window.describe()}"
    return ""


def _without_psr(store: Store, entity: Entity) -> Outlook:
    from syncengine.app.types import ENTITY_TYPES

    link = store.links.get(entity.id)
    in_qb = link is not None and link.qb_deleted_at is None
    if entity.deleted:
        text = "QuickBooks keeps its copy" if in_qb else "QuickBooks never had it"
        return Outlook("not_queued", f"not queued: {text}")
    if ENTITY_TYPES[entity.entity_type].is_list:
        return Outlook("not_queued", "not queued: QuickBooks already has this version")
    return Outlook("not_queued", f"not queued: {_txn_reason(store, entity, in_qb)}")


def _txn_reason(store: Store, entity: Entity, in_qb: bool) -> str:
    from syncengine.app.scope import Scope
    from syncengine.app.statuses import STATUS_TABLE, at_sync_status, missing_parts

    why = Scope.of(store.settings).refuses(entity.entity_type, entity.data)
    if why:
        return why
    if not at_sync_status(entity.entity_type, entity.status):
        sync_at = ", ".join(STATUS_TABLE[entity.entity_type].sync_at)
        kept = "; QuickBooks keeps its copy" if in_qb else ""
        return f"status {entity.status} does not sync (it syncs at {sync_at}){kept}"
    missing = missing_parts(entity.entity_type, entity.data)
    if missing:
        return f"not fully recorded: it needs {', '.join(missing)}"
    return "QuickBooks already has this version" if in_qb else "nothing to send"
