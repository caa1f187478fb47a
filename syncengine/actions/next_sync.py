"""What the next sync does with a record: the sentence every action's message ends with, and
the ``next_sync`` of ``qbsync app`` (add, edit, delete, show, list).

It is read from the record as it stands: its PSR locked in a job or open in the queue, the
rules by which the next manual sync takes a PSR (areas that sync, the sync wizard, the date
range in the settings: :func:`syncengine.sync.selection.held_back`), its flags, its link to
QuickBooks and whether it is ready to sync. Never from what the action just did, so it stays
true whatever steps came before (undo sync, then prevent sync, then close: the deletion is
still queued). :func:`outlooks` reads these facts for many records at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from syncengine.actions.common import FLAG_WORDS
from syncengine.app import STATUS_TABLE, App
from syncengine.app.scope import Scope
from syncengine.app.statuses import not_ready
from syncengine.app.types import ENTITY_TYPES
from syncengine.store import Entity, Link, Psr
from syncengine.store.psrs import FAILED, LOCKED, OPEN_STATES, REMOVALS
from syncengine.sync.selection import held_back, manual_window

VERBS = {
    "add": "adds it to QuickBooks",
    "modify": "sends its changes to QuickBooks",
    "delete": "deletes it in QuickBooks",
    "void": "voids it in QuickBooks",
    "inactivate": "makes it inactive in QuickBooks",
}


@dataclass(frozen=True)
class Outlook:
    """What the next sync does with a record. ``state``: ``locked`` (an unfinished job holds
    its PSR), ``queued`` (the next job takes its PSR), ``held_back`` (a PSR waits, but the next
    job leaves it), ``stays_out`` (proxied or prevent sync, nothing queued) or ``not_queued``."""

    state: str
    text: str
    psr_id: int | None = None
    action: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class _Facts:
    """What the sentences are read from, for a set of records, each kind in one query."""

    entities: dict[int, Entity]
    locked: dict[int, Psr]
    queued: dict[int, Psr]
    held: dict[int, str]
    links: dict[int, Link]
    flags: dict[int, set[str]]
    scope: Scope

    @classmethod
    def read(cls, app: App, ids: Sequence[int]) -> _Facts:
        store = app.store
        queued = store.psrs.for_entities(ids, OPEN_STATES)
        held = held_back(store, manual_window(store), list(queued.values())) if queued else {}
        return cls(
            entities=store.entities.get_many(ids),
            locked=store.psrs.for_entities(ids, (LOCKED,)),
            queued=queued,
            held=held,
            links=store.links.get_many(ids),
            flags=store.flags.of_many(ids),
            scope=Scope.of(store.settings),
        )

    def flag_words(self, entity_id: int) -> str:
        """``proxied``, ``marked prevent sync``, both, or ""."""
        return " and ".join(FLAG_WORDS[f] for f in sorted(self.flags.get(entity_id, ())))


def outlooks(app: App, entity_ids: Sequence[int]) -> dict[int, Outlook]:
    """:class:`Outlook` of each record, its facts read in bulk (a few queries in all)."""
    facts = _Facts.read(app, entity_ids)
    return {i: _outlook(facts, facts.entities[i]) for i in entity_ids}


def outlook(app: App, entity_id: int) -> Outlook:
    """:class:`Outlook` of one record (:class:`NotFound` if there is none)."""
    app.store.entities.get(entity_id)
    return outlooks(app, [entity_id])[entity_id]


def next_sync(app: App, entity_id: int) -> str:
    """One or two sentences: what the next sync job does with the record, and how to keep
    a queued change out of QuickBooks when that applies."""
    return outlook(app, entity_id).text


def then_next_sync(fact: str, app: App, entity_id: int) -> str:
    """``fact`` (what the action changed in the queue), then :func:`next_sync`:
    ``PSR 9 (delete) queued; the next sync deletes it in QuickBooks (PSR 9).``"""
    text = next_sync(app, entity_id)
    return f"{fact}; {text[0].lower()}{text[1:]}" if fact else text


def _outlook(facts: _Facts, entity: Entity) -> Outlook:
    locked = facts.locked.get(entity.id)
    if locked is not None:
        text = (
            f"Sync job {locked.job_id}, not finished, {VERBS[locked.action]} (PSR {locked.id});"
            " run it to the end or cancel it."
        )
        return Outlook("locked", text, locked.id, locked.action)
    queued = facts.queued.get(entity.id)
    if queued is not None:
        return _queued(facts, entity, queued)
    return _nothing(facts, entity)


def _queued(facts: _Facts, entity: Entity, psr: Psr) -> Outlook:
    why = facts.held.get(psr.id)
    if why is not None:
        text = (
            f"The next sync leaves PSR {psr.id} ({psr.action}) in the queue: {why}; once a sync"
            f" takes it, it {VERBS[psr.action]}."
        )
        return Outlook("held_back", text + _keep_out(facts, entity, psr), psr.id, psr.action)
    again = ""
    if psr.state == FAILED:
        code = f" with status {psr.error_code}" if psr.error_code is not None else ""
        again = f", again: it failed last time{code}"
    text = f"The next sync {VERBS[psr.action]} (PSR {psr.id}{again})."
    return Outlook("queued", text + _keep_out(facts, entity, psr), psr.id, psr.action)


def _keep_out(facts: _Facts, entity: Entity, psr: Psr) -> str:
    if psr.action in REMOVALS:
        return f" To keep QuickBooks' copy, delete PSR {psr.id} from the queue."
    flagged = facts.flag_words(entity.id)
    if flagged:
        return (
            f" It is {flagged}, but PSR {psr.id} was queued before: delete it from the queue"
            " to keep the change out."
        )
    return ""


def _nothing(facts: _Facts, entity: Entity) -> Outlook:
    link = facts.links.get(entity.id)
    text = f"The next sync sends nothing of it: {_held_in_quickbooks(link)}"
    flagged = facts.flag_words(entity.id)
    if flagged:
        return Outlook("stays_out", f"{text}; it is {flagged}.")
    if entity.deleted:
        return Outlook("not_queued", f"{text}.")
    return Outlook("not_queued", f"{text}; {_until(facts.scope, entity, link)}.")


def _held_in_quickbooks(link: Link | None) -> str:
    if link is None:
        return "QuickBooks does not have it"
    if link.qb_deleted_at is not None:
        return f"QuickBooks deleted it at {link.qb_deleted_at}"
    return "QuickBooks keeps its copy"


def _until(scope: Scope, entity: Entity, link: Link | None) -> str:
    """What would queue a change of the record (it has none now)."""
    if link is not None and link.qb_deleted_at is not None:
        return "Clear ID adds it again"
    waits = _not_ready(scope, entity)
    if waits is not None:
        return waits
    if link is None:
        return "Resync queues it"
    is_list = ENTITY_TYPES[entity.entity_type].is_list
    return "its next change in the app is queued" + (
        "" if is_list else "; undo sync deletes it there"
    )


def _not_ready(scope: Scope, entity: Entity) -> str | None:
    """Why a record would not queue now (status, missing parts, out of the sync's scope);
    None when it is ready (lists always are)."""
    why = not_ready(entity.entity_type, entity.status, entity.data, scope)
    if why is None:
        return None
    if why.rule == "status":
        sync_at = ", ".join(STATUS_TABLE[entity.entity_type].sync_at)
        return f"it queues at status {sync_at} (it is {entity.status}), once fully recorded"
    if why.rule == "parts":
        return f"it is not fully recorded: it lacks {', '.join(why.missing)}"
    return f"it is out of the sync's scope: {why.out_of_scope}"
