"""The export phase: every PSR locked into the job goes to QuickBooks in dependency order.

Message sets hold up to ``batch_size`` requests (``continueOnError``; requestID = PSR id). A
PSR goes out only when every record it refers to is in QuickBooks: a reference whose PSR is
still on its way in this job makes it wait for a later set; one whose PSR failed in this job
fails it, naming that PSR; one QuickBooks never had fails it too. A record QuickBooks cannot
take (the text policy, the schema) fails with that reason and is never sent.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from syncengine import mapping, qbxml
from syncengine.errors import RecordError
from syncengine.reports.explain import explain
from syncengine.store import Entity, Link, PsrDone, PsrFailure
from syncengine.store.psrs import REMOVALS, Removal, is_removal
from syncengine.sync import behaviours, conflicts, lists_first, shared
from syncengine.sync.answers import apply_answer
from syncengine.sync.context import Context
from syncengine.sync.sets import Carried, Outgoing
from syncengine.sync.state import Item

Flow = Generator[Outgoing, str, None]
WAIT_HINT = "Fix PSR {} first; this PSR went back to the queue and goes out with the next sync."


def export(ctx: Context) -> Flow:
    """Send every pending PSR of the job (the shared lists validated first, if set); then
    move the job to its import phase, marking invoices paid if set."""
    if lists_first.needs_validation(ctx):
        yield from lists_first.validate_first(ctx)
    planner = Planner(ctx)
    while True:
        if ctx.state.stale:
            yield from conflicts.reread(ctx)
            continue
        batch = planner.next_batch()
        if batch is None:
            break
        yield from shared.ensure(ctx, batch.accounts, batch.terms)
        out = ctx.sets.save(batch.carried)
        answer = yield out
        apply_answer(ctx, out.message_set_id or "", answer, False, out.requests)
    with ctx.store.write():
        behaviours.mark_paid(ctx)
        ctx.store.jobs.set_phase(ctx.job_id, "import")


@dataclass
class Batch:
    """The requests of the next write set and the shared-list names they need."""

    carried: list[Carried] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)
    terms: set[str] = field(default_factory=set)


@dataclass
class _View:
    """What planning a round of items reads from the store, in one query per table."""

    entities: dict[int, Entity]
    refs: dict[int, list[tuple[str, str, int]]]
    links: dict[int, Link]
    baselines: dict[int, dict[str, Any]]


class _Wait(Exception):
    """The PSR waits for a record still on its way to QuickBooks in this job."""


class Planner:
    """Picks the next set's PSRs in export order and builds their requests."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._stop_areas = bool(ctx.store.settings.get("export.stop_area_on_first_error"))

    def next_batch(self) -> Batch | None:
        """The next set to send, or None when no PSR is left; PSRs that cannot go are failed
        (or, for removals QuickBooks no longer needs, done) on the way."""
        batch, deferred = Batch(), []
        done: list[PsrDone] = []
        failed: list[PsrFailure] = []
        while len(batch.carried) < self.ctx.batch_size:
            candidates = self._take(self.ctx.batch_size - len(batch.carried))
            if not candidates:
                break
            deferred += self._plan_all(candidates, batch, done, failed)
        while deferred and not batch.carried:  # what they wait for may have failed meanwhile
            waiting = self._plan_all(deferred, batch, done, failed)
            if len(waiting) == len(deferred) and not batch.carried:  # nothing moves: a cycle
                failed += [self._stuck(item) for item in waiting]
                waiting = []
            deferred = waiting
        self._settle(done, failed)
        for item in deferred:
            self.ctx.state.push(item)
        return batch if batch.carried else None

    def _plan_all(
        self, items: list[Item], batch: Batch, done: list[PsrDone], failed: list[PsrFailure]
    ) -> list[Item]:
        """Plan each item; the ones that must wait for a later set."""
        view, waiting = self._view(items), []
        for item in items:
            try:
                self._plan(item, view, batch, done, failed)
            except _Wait:
                waiting.append(item)
        return waiting

    def _take(self, count: int) -> list[Item]:
        """Up to ``count`` pending items in export order; items of an area stopped at its
        first error go back to the queue instead."""
        items: list[Item] = []
        held: list[Item] = []
        stopped = behaviours.stopped_areas(self.ctx) if self._stop_areas else {}
        while len(items) < count:
            item = self.ctx.state.pop()
            if item is None:
                break
            if stopped and behaviours.area_of(item) in stopped:
                held.append(item)
            else:
                items.append(item)
        behaviours.hold_back(self.ctx, held, stopped)
        return items

    def _view(self, items: list[Item]) -> _View:
        store = self.ctx.store
        entities = store.entities.get_many([i.entity_id for i in items])
        refs = {
            i.entity_id: mapping.references(i.entity_type, entities[i.entity_id].data)
            for i in items
            if i.action not in REMOVALS
        }
        wanted = {i.entity_id for i in items}
        wanted.update(ref_id for found in refs.values() for _f, _t, ref_id in found)
        links = store.links.get_many(sorted(wanted))
        mods = [i.entity_id for i in items if i.action not in REMOVALS and i.entity_id in links]
        return _View(entities, refs, links, store.baselines.get_many(mods))

    def _plan(
        self,
        item: Item,
        view: _View,
        batch: Batch,
        done: list[PsrDone],
        failed: list[PsrFailure],
    ) -> None:
        """Put the item's request in the batch, or record it failed or done at once (its
        state changes now, so items planned after it in this batch see the outcome)."""
        entity = view.entities[item.entity_id]
        link = view.links.get(item.entity_id)
        try:
            if is_removal(item.action):
                request = self._removal(item, item.action, entity, link, done)
            else:
                self._check_refs(item, entity, view)
                request = self._write(item, entity, link, view)
        except RecordError as exc:
            item.state = "failed"
            failed.append(_failure(item, str(exc), exc.hint or explain(None)))
            return
        if request is None:
            item.state = "done"
            return
        item.state = "sent"  # taken: never twice in one set, whatever the heap holds
        batch.carried.append(Carried(request, item.psr_id))
        if item.action not in REMOVALS:
            self._needs(item, entity, batch)

    def _removal(
        self, item: Item, action: Removal, entity: Entity, link: Link | None, done: list[PsrDone]
    ) -> qbxml.Request | None:
        if link is None or link.qb_deleted_at is not None:
            if action == "delete":  # QuickBooks does not have it: nothing to delete
                done.append(PsrDone(item.psr_id))
                return None
            where = "was never in QuickBooks" if link is None else "was deleted in QuickBooks"
            raise RecordError(_label(item, entity, link), "ListID/TxnID", None, where)
        kind = link.qb_type or mapping.qb_type(item.entity_type, entity.data)
        return mapping.removal_request(
            item.entity_type,
            action,
            kind,
            (link.qb_id, link.edit_sequence),
            request_id=str(item.psr_id),
            record=_label(item, entity, link),
        )

    def _write(self, item: Item, entity: Entity, link: Link | None, view: _View) -> qbxml.Request:
        live = link is not None and link.qb_deleted_at is None
        # An add of a record QuickBooks already holds goes as a Mod: never a duplicate.
        use_link = live if item.action == "add" else link is not None
        target = (link.qb_id, link.edit_sequence or "") if use_link and link else None
        data = _kind_fixed(entity.data, link)
        if target is not None:  # what the app cleared since QuickBooks last had it
            data = _with_cleared(item.entity_type, data, view.baselines.get(entity.id))
        request = mapping.request_for(
            item.entity_type,
            data,
            lambda ref_id: view.links[ref_id].qb_id,
            request_id=str(item.psr_id),
            record=_label(item, entity, link),
            target=target,
        )
        self.ctx.sent[item.psr_id] = _as_stored(data, request.changes)
        if request.changes:
            self.ctx.text_changes[item.psr_id] = [str(c) for c in request.changes]
        return request

    def _check_refs(self, item: Item, entity: Entity, view: _View) -> None:
        for field_name, ref_type, ref_id in view.refs[entity.id]:
            dep = self.ctx.state.by_entity.get(ref_id)
            if dep is not None and dep.psr_id != item.psr_id:
                if dep.state == "failed":
                    raise _waits_failed(item, entity, field_name, dep, ref_type, self.ctx)
                if dep.state != "done":
                    raise _Wait
            link = view.links.get(ref_id)
            if link is None or link.qb_deleted_at is not None:
                raise _missing_ref(item, entity, field_name, ref_type, ref_id, link, self.ctx)

    def _needs(self, item: Item, entity: Entity, batch: Batch) -> None:
        accounts, terms = mapping.shared_needs(item.entity_type, entity.data)
        known = self.ctx.shared_known
        if accounts:  # only items name accounts
            batch.accounts.update(
                {n: t for n, t in accounts.items() if ("account", n.casefold()) not in known}
            )
        if terms:
            batch.terms.update(n for n in terms if ("terms", n.casefold()) not in known)

    def _stuck(self, item: Item) -> PsrFailure:
        return _failure(
            item,
            "its references wait for each other in a cycle; it was not sent",
            "Break the cycle of references in the app (a record cannot depend on itself).",
        )

    def _settle(self, done: list[PsrDone], failed: list[PsrFailure]) -> None:
        """Record the PSRs planning finished without sending; most rounds have none, and
        they then cost no write transaction."""
        store, state = self.ctx.store, self.ctx.state
        if done or failed:
            with store.write():
                if done:
                    store.jobs.mark_done(done)
                if failed:
                    store.jobs.fail(failed)
        state.set_states([d.psr_id for d in done], "done")
        state.set_states([f.psr_id for f in failed], "failed")


def _with_cleared(
    entity_type: str, data: dict[str, Any], baseline: dict[str, Any] | None
) -> dict[str, Any]:
    """``data`` plus an empty value for each clearable field the baseline has and the app
    no longer holds: the Mod clears it in QuickBooks."""
    if not baseline:
        return data
    cleared = {f: "" for f in mapping.clearable(entity_type) if f in baseline and f not in data}
    return {**data, **cleared} if cleared else data


def _as_stored(data: dict[str, Any], changes: list[qbxml.TextChange]) -> dict[str, Any]:
    """The app fields as QuickBooks will store them: free text the text policy replaced
    (``Łódź`` → ``Lodz``) in its stored form."""
    if not changes:
        return data
    swap = {c.before: c.after for c in changes}

    def fix(row: dict[str, Any]) -> dict[str, Any]:
        return {k: swap.get(v, v) if isinstance(v, str) else v for k, v in row.items()}

    out = fix(data)
    if "lines" in out:
        out["lines"] = [fix(line) for line in out["lines"]]
    return out


def _kind_fixed(data: dict[str, Any], link: Link | None) -> dict[str, Any]:
    """An item keeps the QuickBooks kind it was created as (QuickBooks cannot change it)."""
    if link is None or not link.qb_type.startswith("Item") or "kind" not in data:
        return data
    kind = mapping.lists.KIND_OF.get(link.qb_type, data["kind"])
    return data if kind == data["kind"] else {**data, "kind": kind}


def _label(item: Item, entity: Entity, link: Link | None) -> str:
    kind = link.qb_type if link is not None and link.qb_type else item.entity_type
    return qbxml.record_label(kind, entity.name or f"#{entity.id}", entity.id)


def _failure(item: Item, message: str, hint: str) -> PsrFailure:
    return PsrFailure(item.psr_id, message, None, "Error", hint)


class _NotSent(RecordError):
    """A PSR that cannot go out because of a record it refers to."""


def _waits_failed(
    item: Item, entity: Entity, field_name: str, dep: Item, ref_type: str, ctx: Context
) -> _NotSent:
    name = ctx.store.entities.get(dep.entity_id).name
    reason = f"waits for PSR {dep.psr_id} ({ref_type} {name!r}), which failed in this job"
    hint = WAIT_HINT.format(dep.psr_id)
    return _NotSent(_label(item, entity, None), field_name, name, reason, hint=hint)


def _missing_ref(
    item: Item,
    entity: Entity,
    field_name: str,
    ref_type: str,
    ref_id: int,
    link: Link | None,
    ctx: Context,
) -> _NotSent:
    ref = ctx.store.entities.get(ref_id)
    what = f"{ref_type} {ref.name!r}"
    if link is None and lists_first.awaiting_link(ctx.store, [ref_id]):
        reason = (
            f"refers to {what}, whose add was refused (name in use) and deleted from the queue:"
            f" this goes once the import links {ref.name!r} to QuickBooks' record of that name"
            " (edit that record in QuickBooks), or once it is renamed and queued again"
        )
    elif link is None:
        reason = f"refers to {what}, which is not in QuickBooks yet; sync it first"
    elif ref.deleted:
        reason = f"refers to {what}, deleted in QuickBooks and so in the app; choose another"
    else:
        reason = f"refers to {what}, which was deleted in QuickBooks; use Clear ID on it"
    return _NotSent(_label(item, entity, None), field_name, ref.name, reason)
