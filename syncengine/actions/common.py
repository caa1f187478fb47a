"""What every action shares: the result it hands back, how it names records and PSRs, and the
refusals several actions make (a deleted record, a list record, a PSR locked in a job)."""

from __future__ import annotations

from dataclasses import dataclass

from syncengine.app import App
from syncengine.clock import shown
from syncengine.errors import ActionRefused
from syncengine.store import Entity, Psr
from syncengine.store.psrs import LOCKED, OPEN_STATES

FLAG_WORDS = {"proxy": "proxied", "prevent_sync": "marked prevent sync"}


@dataclass(frozen=True)
class ActionResult:
    """What an action did, for people: the record, what was done, and what follows from it."""

    record: str
    done: str
    note: str = ""

    def __str__(self) -> str:
        text = f"{self.record}: {self.done}"
        return f"{text}. {self.note}" if self.note else text


def named(entity: Entity) -> str:
    """How actions name a record: ``invoice '1001' (id 5)``."""
    name = f" {entity.name!r}" if entity.name else ""
    return f"{entity.entity_type}{name} (id {entity.id})"


def psr_named(psr: Psr) -> str:
    """How actions name a PSR: ``PSR 7 (add customer 'Acme')``."""
    name = f" {psr.name!r}" if psr.name else ""
    return f"PSR {psr.id} ({psr.action} {psr.entity_type}{name})"


def live(app: App, entity_id: int) -> Entity:
    """The record, refused when it was deleted in the app (:class:`NotFound` if none)."""
    entity = app.store.entities.get(entity_id)
    if entity.deleted:
        raise ActionRefused(
            f"{named(entity)} was deleted in the app at {shown(entity.deleted_at)}; a deletion"
            " cannot be reversed: re-create the record"
        )
    return entity


def transaction(app: App, txn_id: int) -> Entity:
    """A live transaction; a list record is refused."""
    entity = live(app, txn_id)
    if app.collection(entity.entity_type).etype.is_list:
        raise ActionRefused(
            f"{named(entity)} is a list record, not a transaction: it has no status and no"
            " sync to undo; proxy it to keep it out of QuickBooks"
        )
    return entity


def open_psr(app: App, entity_id: int) -> Psr | None:
    """The record's PSR in the queue (queued or failed), if any."""
    return app.store.psrs.for_entities([entity_id], OPEN_STATES).get(entity_id)


def not_locked(app: App, entity: Entity) -> None:
    """Refuse while a sync job holds a PSR of the record."""
    psr = app.store.psrs.for_entities([entity.id], (LOCKED,)).get(entity.id)
    if psr is not None:
        raise ActionRefused(
            f"{named(entity)}: PSR {psr.id} ({psr.action}) is locked in sync job {psr.job_id};"
            " finish or cancel that job first"
        )


def flag_words(app: App, entity_id: int) -> str:
    """``proxied``, ``marked prevent sync``, both, or "" for a record without flags."""
    return " and ".join(FLAG_WORDS[f] for f in sorted(app.store.flags.of(entity_id)))
