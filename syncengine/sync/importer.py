"""The import phase: what changed in QuickBooks since the last import, into the app.

1. Deletions: ``ListDeletedQuery`` and ``TxnDeletedQuery`` for every type the app syncs. A
   deleted object's link is marked deleted and its app record deleted (``from_quickbooks``:
   nothing goes back) — unless the record has a queued change, which then fails at export
   with 3120's explanation so a person chooses Clear ID or deletion.
2. Changes: each list type (``ActiveStatus`` All, or inactive records are missed), then each
   transaction type, modified since the mark, with an iterator and ``MaxReturned`` pages
   where the schema allows one. The pages carry only ID, EditSequence and TimeModified;
   records whose EditSequence is not the link's (not our own echo) are then read whole by
   ID (``IncludeLineItems``) and applied by :mod:`syncengine.sync.intake`.

The mark is QuickBooks' own clock: the newest ``TimeModified`` (``TimeDeleted``) any import
has read, stored in the settings when an import completes, and queried from ``SLACK``
earlier. QuickBooks' clock is not ours, and some versions stamp standard time during
daylight saving time; two hours cover that with room to spare, and re-reading a record costs
only a skipped echo. Without a mark (the first import) everything is read.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from syncengine import mapping, qbxml
from syncengine.app.types import ENTITY_TYPES
from syncengine.store import LogEntry, Store
from syncengine.store.log import LogOutcome
from syncengine.store.psrs import ACTIVE_STATES
from syncengine.sync import offers
from syncengine.sync.context import Context
from syncengine.sync.intake import Intake
from syncengine.sync.queries import PAGE, by_ids, modified_since
from syncengine.sync.sets import Outgoing, read_set

SLACK = timedelta(hours=2)
DELETED_TYPES: dict[str, str] = {kind: key for key, kind in mapping.IMPORT_ORDER}
"""The app entity type of each qbXML object an import reads (``ItemService`` → item)."""
_LISTS = tuple(kind for key, kind in mapping.IMPORT_ORDER if ENTITY_TYPES[key].is_list)
MODIFIED, DELETED = "import.modified_mark", "import.deleted_mark"

Flow = Generator[Outgoing, str, None]


class Marks:
    """Where this import reads from (the marks it started with) and the newest QuickBooks
    times it has seen (where the next import starts reading)."""

    def __init__(self, store: Store) -> None:
        self.values = {key: store.settings.get(key) for key in (MODIFIED, DELETED)}
        self.start = dict(self.values)

    def since(self, key: str) -> str | None:
        """The starting mark minus the slack window, as qbXML DATETIMETYPE text (None: read
        all). Every type of one import reads from the same mark: a customer changed late
        must not hide an invoice changed earlier."""
        mark = self.start[key]
        if mark is None:
            return None
        return (datetime.fromisoformat(mark) - SLACK).isoformat(timespec="seconds")

    def see(self, key: str, stamps: Iterable[str | None]) -> None:
        """Move the mark to the newest of these stamps, if newer."""
        for stamp in stamps:
            if stamp and (self.values[key] is None or _later(stamp, self.values[key])):
                self.values[key] = stamp

    def save(self, store: Store) -> None:
        """Store the marks (when the import has completed)."""
        for key, value in self.values.items():
            if value is not None:
                store.settings.write_raw(key, value)


def _later(a: str, b: str) -> bool:
    return datetime.fromisoformat(a) > datetime.fromisoformat(b)


def import_changes(ctx: Context, marks: Marks) -> Flow:
    """Apply what the sync wizard approved, then read deletions, then every type's changes
    (areas that do not sync are not read), into the app — or, with the wizard on, into its
    import candidates; ``marks`` move as pages come."""
    intake = Intake(ctx)
    yield from _approved(ctx, intake)
    yield from _deleted(ctx, marks)
    for entity_type, kind in mapping.IMPORT_ORDER:
        if ctx.scope.area_on(entity_type):
            yield from _changed(ctx, intake, marks, entity_type, kind)
            intake.finish_type(entity_type)


def _approved(ctx: Context, intake: Intake) -> Flow:
    """Apply the import candidates the wizard approved: deletions at once, changes read again
    from QuickBooks by ID; each candidate is then synced (or failed: QuickBooks no longer has
    the record)."""
    changes, deletions = offers.approved(ctx)
    with ctx.store.write():
        for row in deletions:
            _apply_deleted(ctx, row["entity_type"], row["qb_type"], [row["qb_id"]])
        ctx.store.wizard.settle([row["id"] for row in deletions], "synced", ctx.job_id)
    order = {pair: n for n, pair in enumerate(mapping.IMPORT_ORDER)}
    for entity_type, kind in sorted(changes, key=lambda pair: order.get(pair, len(order))):
        rows = changes[(entity_type, kind)]
        for start in range(0, len(rows), PAGE):
            yield from _read_approved(ctx, intake, entity_type, kind, rows[start : start + PAGE])
        intake.finish_type(entity_type)


def _read_approved(
    ctx: Context, intake: Intake, entity_type: str, kind: str, rows: list[dict]
) -> Flow:
    response = qbxml.parse_response(
        (yield read_set([by_ids(kind, [r["qb_id"] for r in rows], kind)]))
    )[0]
    kinds = [t[:-3] if t.endswith("Ret") else kind for t in response.record_types]
    intake.page(entity_type, list(zip(kinds, response.records, strict=True)))
    found = {r.get("ListID") or r.get("TxnID") for r in response.records}
    with ctx.store.write():
        ctx.store.wizard.settle(
            [r["id"] for r in rows if r["qb_id"] in found], "synced", ctx.job_id
        )
        gone = [r for r in rows if r["qb_id"] not in found]
        ctx.store.wizard.settle([r["id"] for r in gone], "failed", ctx.job_id)
        ctx.store.log.add_many([_gone(ctx, entity_type, kind, r) for r in gone])


def _gone(ctx: Context, entity_type: str, kind: str, row: dict) -> LogEntry:
    entry = LogEntry("import", "failed", row["entity_id"], entity_type, row["action"], ctx.job_id)
    message = f"approved {kind} {row['name']!r} is no longer in QuickBooks; nothing imported"
    return replace(entry, qb_id=row["qb_id"], message=message)


def _deleted(ctx: Context, marks: Marks) -> Flow:
    since = marks.since(DELETED)
    txn_types = sorted(
        t for t, e in DELETED_TYPES.items() if t not in _LISTS and ctx.scope.area_on(e)
    )
    requests = [qbxml.list_deleted_query(list(_LISTS), deleted_from=since, request_id="lists")]
    if txn_types:
        requests.append(qbxml.txn_deleted_query(txn_types, deleted_from=since, request_id="txns"))
    ctx.store.jobs.stamp(ctx.job_id, sent=True)
    answer = qbxml.parse_response((yield read_set(requests)))
    rows = [r for response in answer for r in response.records]
    marks.see(DELETED, (r.get("TimeDeleted") for r in rows))
    with ctx.store.write():
        ctx.store.jobs.stamp(ctx.job_id, received=True)
        for kind, entity_type in DELETED_TYPES.items():
            ids = [_id(r) for r in rows if (r.get("ListDelType") or r.get("TxnDelType")) == kind]
            if ids and ctx.wizard:
                offers.offer_deletions(ctx, entity_type, kind, ids)
            elif ids:
                _apply_deleted(ctx, entity_type, kind, ids)


def _id(row: dict[str, Any]) -> str:
    return row.get("ListID") or row.get("TxnID") or ""


def _apply_deleted(ctx: Context, entity_type: str, kind: str, qb_ids: list[str]) -> None:
    store = ctx.store
    links = [k for k in store.links.by_qb_ids(entity_type, qb_ids).values() if not k.qb_deleted_at]
    if not links:
        return
    ids = [link.entity_id for link in links]
    queued = store.psrs.for_entities(ids, ACTIVE_STATES)
    entities = store.entities.get_many(ids)
    gone = [i for i in ids if i not in queued and not entities[i].deleted]
    store.links.mark_deleted(ids)
    store.entities.mark_deleted(gone)
    log = []
    for link in links:
        held = queued.get(link.entity_id)
        message = f"{kind} {entities[link.entity_id].name!r} deleted in QuickBooks"
        if held is not None:
            message += f"; PSR {held.id} keeps the app record: Clear ID to add it again"
        action = "deleted" if link.entity_id in gone else "skipped"
        outcome: LogOutcome = "success" if action == "deleted" else "skipped"
        entry = LogEntry("import", outcome, link.entity_id, entity_type, action, ctx.job_id)
        log.append(replace(entry, qb_id=link.qb_id, message=message))
    store.log.add_many(log)


def _changed(ctx: Context, intake: Intake, marks: Marks, entity_type: str, kind: str) -> Flow:
    """Page through what changed (IDs and EditSequences only), then read in full the records
    that are not our own echo."""
    request = modified_since(kind, marks.since(MODIFIED), mapping.answer_fields(entity_type))
    while True:
        ctx.store.jobs.stamp(ctx.job_id, sent=True)
        response = qbxml.parse_response((yield read_set([request])))[0]
        if response.is_error:
            _failed(ctx, entity_type, kind, response)
            return
        marks.see(MODIFIED, (r.get("TimeModified") for r in response.records))
        fresh = intake.fresh(entity_type, response.records)
        for start in range(0, len(fresh), PAGE):
            yield from _read(ctx, intake, entity_type, kind, fresh[start : start + PAGE])
        if not response.iterator_remaining_count or response.iterator_id is None:
            return
        request = qbxml.continue_query(request, response.iterator_id)


def _read(ctx: Context, intake: Intake, entity_type: str, kind: str, qb_ids: list[str]) -> Flow:
    response = qbxml.parse_response((yield read_set([by_ids(kind, qb_ids, kind)])))[0]
    if response.is_error and not response.is_nothing_found:
        _failed(ctx, entity_type, kind, response)
        return
    kinds = [t[:-3] if t.endswith("Ret") else kind for t in response.record_types]
    rets = offers.admitted(ctx, entity_type, list(zip(kinds, response.records, strict=True)))
    if ctx.wizard:
        offers.offer_changes(ctx, entity_type, rets)
    else:
        intake.page(entity_type, rets)


def _failed(ctx: Context, entity_type: str, kind: str, response: qbxml.Response) -> None:
    message = f"import of {kind} refused: {response.status_code} {response.status_message}"
    ctx.store.jobs.add_error(ctx.job_id, message, response.status_code)
    entry = LogEntry("import", "failed", None, entity_type, "query", ctx.job_id)
    ctx.store.log.add_many([replace(entry, message=message)])
