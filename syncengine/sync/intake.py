"""Taking QuickBooks records into the app, a page at a time (the import phase's writes).

For each record read from QuickBooks:

* its EditSequence equals the link's: our own echo (or already imported); skipped;
* linked: the conflict rule updates the app record — every synced field takes QuickBooks'
  value except those a queued app PSR changed, which are held for the export; the link takes
  the new EditSequence and the baseline QuickBooks' version;
* not linked, a list record whose name matches exactly one unlinked app record of its type
  with no queued change: linked to it (rule 4's fix), then updated as above; a match whose
  app record has a queued change is left alone and logged (delete that PSR to link them);
* otherwise: a new app record (``from_quickbooks``: no PSR), at its type's first sync status.

Records that refer to something the app does not hold are logged as skipped. Every effect
goes to the sync log (direction ``import``) and so to the job's report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from syncengine import mapping
from syncengine.app.collections import Collection
from syncengine.app.statuses import STATUS_TABLE
from syncengine.app.validate import Resolver
from syncengine.errors import RecordError
from syncengine.mapping import Unresolved
from syncengine.store import Entity, EntityRow, Link, LinkUpdate, LogEntry
from syncengine.store.log import LogOutcome
from syncengine.store.psrs import ACTIVE_STATES, WRITES
from syncengine.sync.context import Context
from syncengine.sync.merge import describe, merge

Ret = tuple[str, dict[str, Any]]  # (qbXML object, …Ret data)


def qb_id(ret: dict[str, Any]) -> str:
    return ret.get("ListID") or ret.get("TxnID") or ""


_UNLINKED = object()  # a record no link holds: never an echo, whatever its EditSequence


def _echo(edit_sequences: Mapping[str, str | None], ret: dict[str, Any]) -> bool:
    """The record is as we last wrote or read it: its EditSequence is its link's
    (``edit_sequences``: the links' EditSequences by ListID/TxnID)."""
    return edit_sequences.get(qb_id(ret), _UNLINKED) == ret.get("EditSequence")


@dataclass
class _Page:
    """The app rows one import page changes, written together at the end of the page."""

    collection: Collection
    resolve: Resolver
    rows: list[EntityRow] = field(default_factory=list)


class Intake:
    """Applies pages of one import; remembers records to try again at the end of their type
    (a job read before its parent customer)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.deferred: dict[str, list[Ret]] = defaultdict(list)
        self._names: dict[str, dict[str, list[int]]] = {}

    def fresh(self, entity_type: str, records: list[dict[str, Any]]) -> list[str]:
        """The IDs among these (ID + EditSequence) records that are not our own echo."""
        known = self.ctx.store.links.edit_sequences(entity_type, [qb_id(r) for r in records])
        return [qb_id(r) for r in records if not _echo(known, r)]

    def page(self, entity_type: str, rets: list[Ret], last_try: bool = False) -> None:
        """Apply one page of records of an entity type, in one store transaction."""
        store = self.ctx.store
        links = store.links.by_qb_ids(entity_type, [qb_id(r) for _k, r in rets])
        known = {i: link.edit_sequence for i, link in links.items()}
        fresh = [(k, r) for k, r in rets if not _echo(known, r)]
        if not fresh:
            return
        self.ctx.ids.prefetch(p for _k, r in fresh for p in mapping.ret_references(entity_type, r))
        with store.write():
            store.jobs.stamp(self.ctx.job_id, received=True)
            linked = [(k, r, links[qb_id(r)]) for k, r in fresh if qb_id(r) in links]
            new = [(k, r) for k, r in fresh if qb_id(r) not in links]
            matched, new = self._match(entity_type, new)
            self._update(entity_type, linked + matched)
            self._create(entity_type, new, last_try)

    def finish_type(self, entity_type: str) -> None:
        """Try the records deferred for a parent read later, once more."""
        rets = self.deferred.pop(entity_type, [])
        if rets:
            self.page(entity_type, rets, last_try=True)

    # -- linked records -------------------------------------------------------------------
    def _update(self, entity_type: str, linked: list[tuple[str, dict, Link]]) -> None:
        if not linked:
            return
        store = self.ctx.store
        ids = [link.entity_id for _k, _r, link in linked]
        entities = store.entities.get_many(ids)
        queued = store.psrs.for_entities(ids, ACTIVE_STATES)
        baselines = store.baselines.get_many(ids)
        flagged = store.flags.flagged(ids)
        updates, new_baselines, log = [], {}, []
        page = _Page(self.ctx.app.collection(entity_type), Resolver(store))
        page.resolve.prefetch(self._referenced(entity_type, [ret for _k, ret, _l in linked]))
        for kind, ret, link in linked:
            entity = entities[link.entity_id]
            if entity.id in flagged:  # proxy / prevent sync: out of syncing in both directions
                note = "proxied or marked prevent sync: QuickBooks' change not imported"
                log.append(self._log(entity, "skipped", qb_id(ret), f"{entity.name!r}: {note}"))
                continue
            psr = queued.get(entity.id)
            hold = psr is not None and psr.action in WRITES
            before = baselines.get(entity.id)
            baseline = self._update_one(entity, kind, ret, before, hold, page, log)
            if baseline is not None:
                new_baselines[entity.id] = baseline
            stamp = ret.get("TimeModified")
            updates.append(
                LinkUpdate(entity.id, entity_type, link.qb_id, ret.get("EditSequence"), kind, stamp)
            )
        store.entities.update_many(page.rows)
        store.links.upsert_many(updates)
        store.baselines.put_many(new_baselines)
        store.log.add_many(log)

    def _referenced(self, entity_type: str, rets: list[dict]) -> list[int]:
        """The app records these ``…Ret``s refer to that the job's links know."""
        ids = self.ctx.ids
        pairs = (p for ret in rets for p in mapping.ret_references(entity_type, ret))
        return [i for t, q in pairs if (i := ids.entity_of(t, q)) is not None]

    def _update_one(
        self,
        entity: Entity,
        kind: str,
        ret: dict,
        baseline: dict | None,
        hold: bool,
        page: _Page,
        log: list[LogEntry],
    ) -> dict | None:
        """Merge one QuickBooks version into its app record; the new baseline (None: keep)."""
        if entity.deleted:
            return None
        label = f"{entity.entity_type} {entity.name!r}"
        try:
            raw = mapping.from_qbxml(entity.entity_type, kind, ret, self.ctx.ids.entity_of)
        except Unresolved as exc:
            log.append(self._log(entity, "skipped", qb_id(ret), f"{label}: QuickBooks' {exc}"))
            return None
        result = merge(entity.entity_type, entity.data, baseline, raw, hold)
        if result.updates:
            try:
                row = page.collection.imported(entity, result.updates, page.resolve)
            except RecordError as exc:
                message = f"{label}: QuickBooks' values not stored in the app: {exc}"
                log.append(self._log(entity, "skipped", qb_id(ret), message))
                return None
            if row is not None:
                page.rows.append(row)
        if result.conflicts:
            log.append(self._log(entity, "conflict", qb_id(ret), describe(label, result, False)))
        elif result.updates:
            message = f"{label}: {', '.join(sorted(result.updates))} from QuickBooks"
            log.append(self._log(entity, "updated", qb_id(ret), message))
        return result.baseline

    # -- matching by name -----------------------------------------------------------------
    def _match(
        self, entity_type: str, new: list[Ret]
    ) -> tuple[list[tuple[str, dict, Link]], list[Ret]]:
        """Unlinked QuickBooks list records that name exactly one unlinked app record."""
        if not new or mapping.id_field(entity_type) != "ListID":
            return [], new
        names = self._names_of(entity_type)
        candidates = {qb_id(r): names.get(r.get("Name", "").casefold(), []) for _k, r in new}
        flat = sorted({i for ids in candidates.values() for i in ids})
        linked = self.ctx.store.links.get_many(flat)
        queued = self.ctx.store.psrs.for_entities(flat, ACTIVE_STATES)
        entities = self.ctx.store.entities.get_many(flat)
        matched, rest, log = [], [], []
        for kind, ret in new:
            parent = self._parent(ret)
            free = [
                i
                for i in candidates[qb_id(ret)]
                if i not in linked and entities[i].data.get("parent") == parent
            ]
            if len(free) != 1:
                rest.append((kind, ret))
            elif free[0] in queued:
                message = _HELD.format(ret.get("Name"), queued[free[0]].id)
                entry = LogEntry(
                    "import", "skipped", free[0], entity_type, "linked", self.ctx.job_id
                )
                log.append(replace(entry, qb_id=qb_id(ret), message=message))
            else:
                matched.append((kind, ret, self._link(entity_type, free[0], kind, ret)))
        self.ctx.store.log.add_many(log)
        return matched, rest

    def _parent(self, ret: dict) -> int | None:
        """The app record of a job's parent (None: top level, or a parent not linked)."""
        parent = ret.get("ParentRef")
        if not isinstance(parent, dict):
            return None
        return self.ctx.ids.entity_of("customer", parent.get("ListID", "")) or -1

    def _names_of(self, entity_type: str) -> dict[str, list[int]]:
        if entity_type not in self._names:
            self._names[entity_type] = self.ctx.store.entities.names(entity_type)
        return self._names[entity_type]

    def _link(self, entity_type: str, entity_id: int, kind: str, ret: dict) -> Link:
        update = LinkUpdate(entity_id, entity_type, qb_id(ret), None, kind)
        self.ctx.store.links.upsert_many([update])
        self.ctx.store.baselines.forget([entity_id])
        self.ctx.ids.learn(entity_type, qb_id(ret), entity_id)
        message = f"linked by name to QuickBooks' {kind} {ret.get('Name')!r}"
        entry = LogEntry("import", "success", entity_id, entity_type, "linked", self.ctx.job_id)
        self.ctx.store.log.add_many([replace(entry, qb_id=qb_id(ret), message=message)])
        return self.ctx.store.links.get(entity_id)  # type: ignore[return-value]

    # -- new records ----------------------------------------------------------------------
    def _create(self, entity_type: str, new: list[Ret], last_try: bool) -> None:
        for level in _levels(new):
            rows, sources = [], []
            for kind, ret in level:
                row = self._row(entity_type, kind, ret, last_try)
                if row is not None:
                    rows.append(row)
                    sources.append((kind, ret))
            self._insert(entity_type, rows, sources)

    def _row(self, entity_type: str, kind: str, ret: dict, last_try: bool) -> dict | None:
        try:
            row = mapping.from_qbxml(entity_type, kind, ret, self.ctx.ids.entity_of)
        except Unresolved as exc:
            if entity_type == "customer" and not last_try:
                self.deferred[entity_type].append((kind, ret))
            else:
                self._skip(entity_type, ret, f"QuickBooks' {kind} {_name(ret)} {exc}")
            return None
        if entity_type in STATUS_TABLE:
            row["status"] = STATUS_TABLE[entity_type].sync_at[0]
        return row

    def _insert(self, entity_type: str, rows: list[dict], sources: list[Ret]) -> None:
        if not rows:
            return
        collection = self.ctx.app.collection(entity_type)
        try:
            ids = collection.add_many(rows, from_quickbooks=True)
            pairs = list(zip(ids, rows, sources, strict=True))
        except RecordError:
            pairs = self._one_by_one(entity_type, rows, sources)
        self._linked_new(entity_type, pairs)

    def _one_by_one(self, entity_type: str, rows: list[dict], sources: list[Ret]) -> list:
        collection, pairs = self.ctx.app.collection(entity_type), []
        for row, (kind, ret) in zip(rows, sources, strict=True):
            try:
                pairs.append(
                    (collection.add_many([row], from_quickbooks=True)[0], row, (kind, ret))
                )
            except RecordError as exc:
                self._skip(entity_type, ret, f"QuickBooks' {kind} {_name(ret)}: {exc}")
        return pairs

    def _linked_new(self, entity_type: str, pairs: list) -> None:
        links, baselines, log = [], {}, []
        for entity_id, row, (kind, ret) in pairs:
            stamp = ret.get("TimeModified")
            links.append(
                LinkUpdate(entity_id, entity_type, qb_id(ret), ret.get("EditSequence"), kind, stamp)
            )
            baselines[entity_id] = mapping.comparable(entity_type, row)
            self.ctx.ids.learn(entity_type, qb_id(ret), entity_id)
            entry = LogEntry(
                "import", "success", entity_id, entity_type, "created", self.ctx.job_id
            )
            log.append(
                replace(
                    entry, qb_id=qb_id(ret), message=f"new from QuickBooks: {kind} {_name(ret)}"
                )
            )
        self.ctx.store.links.upsert_many(links)
        self.ctx.store.baselines.put_many(baselines)
        self.ctx.store.log.add_many(log)

    def _skip(self, entity_type: str, ret: dict, message: str) -> None:
        entry = LogEntry("import", "skipped", None, entity_type, "skipped", self.ctx.job_id)
        self.ctx.store.log.add_many([replace(entry, qb_id=qb_id(ret), message=message)])

    def _log(self, entity: Entity, action: str, qb: str, message: str) -> LogEntry:
        outcome: LogOutcome = "skipped" if action == "skipped" else "success"
        entry = LogEntry("import", outcome, entity.id, entity.entity_type, action, self.ctx.job_id)
        return replace(entry, qb_id=qb, message=message)


_HELD = (
    "QuickBooks' {0!r} has the name of this app record, which has a queued change (PSR {1}): "
    "not linked. Delete that PSR (qbsync queue delete {1}) so the next import links them."
)


def _name(ret: dict) -> str:
    return repr(ret.get("FullName") or ret.get("Name") or ret.get("RefNumber") or qb_id(ret))


def _levels(rets: list[Ret]) -> list[list[Ret]]:
    """Records by Sublevel (parents first), so a job's parent is in the app before the job."""
    levels: dict[int, list[Ret]] = defaultdict(list)
    for kind, ret in rets:
        levels[int(ret.get("Sublevel", 0) or 0)].append((kind, ret))
    return [levels[k] for k in sorted(levels)]
