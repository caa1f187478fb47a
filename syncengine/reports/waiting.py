"""Why app records that are not in QuickBooks yet wait, in words a person acts on.

A record waits when it is neither in QuickBooks nor failing: it is in the queue and no job has
sent it yet (or a new job would leave it there: its area does not sync, or the sync wizard
has not approved it), or the app holds it back by its own rules (a transaction not at a status that
syncs, or not fully recorded; a record flagged proxy or prevent sync; one outside the areas,
sources or dates the settings sync), or its PSR left the queue without sending it. Each reason
is written without the record's own values, so records waiting for the same reason count
together (``rehearse``'s report shows the counts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from syncengine.app.scope import Scope
from syncengine.app.statuses import not_ready
from syncengine.store import Entity, Store
from syncengine.store.psrs import LOCKED, QUEUED
from syncengine.sync.selection import held_back

QUEUED_WORDS = "in the queue: the next sync job sends it"
LOCKED_WORDS = "in an unfinished sync job: the next sync resumes it"
LEFT_QUEUE = "not in the queue: its PSR was deleted or cancelled (Resync queues it again)"


def why_waiting(store: Store, entity_ids: Sequence[int]) -> dict[int, str]:
    """The reason each of these records waits (see the module docstring), by record ID."""
    return {i: reason for i, (_type, reason) in _reasons(store, entity_ids).items()}


def waiting_counts(store: Store, entity_ids: Sequence[int]) -> dict[str, dict[str, int]]:
    """How many of these records wait for each reason, by entity type; most common first."""
    counted = Counter((reason, kind) for kind, reason in _reasons(store, entity_ids).values())
    out: dict[str, dict[str, int]] = {}
    for (reason, entity_type), count in counted.most_common():
        out.setdefault(reason, {})[entity_type] = count
    return out


def _reasons(store: Store, entity_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(entity type, reason) of each of these records that exists."""
    ids = list(entity_ids)
    queued = store.psrs.for_entities(ids, (QUEUED, LOCKED))
    held = held_back(store, psrs=[p for p in queued.values() if p.state == QUEUED])
    out: dict[int, tuple[str, str]] = {}
    for entity_id, psr in queued.items():
        reason = LOCKED_WORDS if psr.state == LOCKED else QUEUED_WORDS
        if psr.id in held:
            reason = f"in the queue, held back: {held[psr.id]}"
        out[entity_id] = (psr.entity_type, reason)
    rest = [i for i in ids if i not in queued]
    flags = store.flags.of_many(rest)
    scope = Scope.of(store.settings)
    for entity_id, entity in store.entities.get_many(rest).items():
        flagged = flags.get(entity_id)
        if flagged:
            reason = f"flagged {' and '.join(sorted(flagged)).replace('_', ' ')}"
        else:
            reason = _held(entity, scope) or LEFT_QUEUE
        out[entity_id] = (entity.entity_type, reason)
    return out


def _held(entity: Entity, scope: Scope) -> str | None:
    """Why the app's rules hold the record back; None when they would send it."""
    why = not_ready(entity.entity_type, entity.status, entity.data, scope)
    if why is None:
        return None
    if why.rule == "status":
        return f"status {entity.status!r} does not sync"
    if why.rule == "parts":
        return f"not fully recorded: needs {', '.join(why.missing)}"
    if why.out_of_scope == scope.before_begin(entity.data.get("txn_date")):
        return "dated before the begin date: counts as exported"  # without each one's date
    return why.out_of_scope
