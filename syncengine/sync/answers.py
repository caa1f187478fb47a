"""QuickBooks' answer to a write set, applied to its PSRs in one store transaction.

Per response: a success (or warning) is done — the link keeps the ListID/TxnID and
EditSequence, the baseline the fields sent. 3200 on a Mod waits for a
re-read and the conflict rule; a lock error (3170/3175/3176/3180) goes back into the job for
one more try; 3120 on a delete means the record is already gone (done), on a Mod that it was
deleted in QuickBooks (failed, link marked deleted). Everything else fails with its status
code, QuickBooks' message and an explanation. A second 3200 or lock error in the same job
fails too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from syncengine import qbxml
from syncengine.qbxml import status
from syncengine.reports.explain import explain
from syncengine.store import LogEntry, MessageRequest, PsrDone, PsrFailure
from syncengine.store.psrs import WRITES
from syncengine.sync.context import Context
from syncengine.sync.state import Item

KIND_FIELDS = ("ListDelType", "TxnDelType", "TxnVoidType")


@dataclass
class Decisions:
    """What one answer does to the PSRs it answers."""

    done: list[PsrDone] = field(default_factory=list)
    failed: list[PsrFailure] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)


def apply_answer(
    ctx: Context,
    set_id: str,
    answer_xml: str,
    recovered: bool,
    requests: list[MessageRequest] | None = None,
) -> None:
    """Record QuickBooks' answer to saved set ``set_id`` and every PSR outcome it carries
    (``requests``: the set's requests, when the caller has them; else read from the store)."""
    answer = qbxml.parse_response(answer_xml, shallow=True)  # IDs and EditSequences suffice
    if requests is None:
        requests = ctx.store.messages.requests(set_id)
    decisions = decide(ctx, set_id, requests, answer)
    with ctx.store.write():
        ctx.store.messages.record_response(
            set_id, answer_xml, answer.message_set_status_code, recovered
        )
        record(ctx, decisions)
    ctx.state.carried.update(r.psr_id for r in requests if r.psr_id is not None)


def decide(
    ctx: Context, set_id: str, requests: list[MessageRequest], answer: qbxml.ResponseSet
) -> Decisions:
    """The outcome of each PSR the set carried."""
    by_id = {r.request_id: r for r in answer.responses if r.request_id is not None}
    out = Decisions()
    for request in requests:
        if request.psr_id is None:
            continue  # a shared-list request: nothing to record
        item = ctx.state.items[request.psr_id]
        response = by_id.get(request.request_id)
        if response is None:
            out.failed.append(_failure(item, request, set_id, None, "QuickBooks sent no answer"))
        elif not response.is_error:
            _succeeded(item, response, out)
        else:
            _refused(ctx, item, request, set_id, response, out)
    return out


def _succeeded(item: Item, response: qbxml.Response, out: Decisions) -> None:
    record = response.record or {}
    qb_id = record.get("ListID") or record.get("TxnID") or ""
    kind = next((record[k] for k in KIND_FIELDS if k in record), response.type[:-5])
    stamp = record.get("TimeModified")
    out.done.append(PsrDone(item.psr_id, qb_id, record.get("EditSequence"), kind, stamp))


def _refused(
    ctx: Context,
    item: Item,
    request: MessageRequest,
    set_id: str,
    response: qbxml.Response,
    out: Decisions,
) -> None:
    code, again = response.status_code, item.psr_id not in ctx.state.carried
    is_mod = item.action in ("modify", "inactivate") or request.request_type.endswith("ModRq")
    if code == status.STALE_EDIT_SEQUENCE and is_mod and again:
        out.stale.append(item.psr_id)
    elif response.is_retryable_lock and again:
        out.retry.append(item.psr_id)
    elif code == status.OBJECT_NOT_FOUND and item.action == "delete":
        out.done.append(PsrDone(item.psr_id))
    else:
        if code == status.OBJECT_NOT_FOUND and is_mod:
            out.gone.append(item.entity_id)
        out.failed.append(_failure(item, request, set_id, response, response.status_message))


def _failure(
    item: Item,
    request: MessageRequest,
    set_id: str,
    response: qbxml.Response | None,
    message: str,
) -> PsrFailure:
    code = response.status_code if response is not None else None
    severity = response.status_severity if response is not None else "Error"
    return PsrFailure(
        item.psr_id,
        message,
        code,
        severity,
        explain(code, item.action),
        request.request_id,
        request.request_type,
        set_id,
    )


def record(ctx: Context, decisions: Decisions) -> None:
    """Write the outcomes (inside the caller's transaction) and update the job's state."""
    store, state = ctx.store, ctx.state
    if decisions.done:
        store.jobs.mark_done(decisions.done)
        _baselines(ctx, decisions)
        _text_changes(ctx, decisions)
    if decisions.failed:
        store.jobs.fail(decisions.failed)
    store.links.mark_deleted(decisions.gone)
    store.jobs.retry(state.job.id, decisions.retry + decisions.stale)
    state.set_states([d.psr_id for d in decisions.done], "done")
    state.set_states([f.psr_id for f in decisions.failed], "failed")
    for psr_id in decisions.retry:
        state.push(state.items[psr_id])
    state.set_states(decisions.stale, "pending")  # back in the queue after the re-read
    state.stale.update(decisions.stale)
    for done in decisions.done:
        item = state.items[done.psr_id]
        if done.qb_id:
            ctx.ids.learn(item.entity_type, done.qb_id, item.entity_id)


def _text_changes(ctx: Context, decisions: Decisions) -> None:
    """Log the free text QuickBooks now stores differently from the app (the text policy)."""
    rows = []
    for done in decisions.done:
        item = ctx.state.items[done.psr_id]
        for change in ctx.text_changes.pop(done.psr_id, []):
            entry = LogEntry("export", "success", item.entity_id, item.entity_type, "text")
            rows.append(replace(entry, job_id=ctx.job_id, psr_id=item.psr_id, message=change))
    ctx.store.log.add_many(rows)


def _baselines(ctx: Context, decisions: Decisions) -> None:
    """What QuickBooks took is the new baseline: the fields the job sent (as QuickBooks
    stores them). A record sent by an earlier process has none: its baseline is forgotten."""
    known: dict[int, dict[str, Any]] = {}
    unknown: list[int] = []
    for done in decisions.done:
        item = ctx.state.items[done.psr_id]
        if item.action not in WRITES:
            continue
        data = ctx.sent.pop(done.psr_id, None)
        if data is None:
            unknown.append(item.entity_id)
        else:
            known[item.entity_id] = data
    ctx.store.baselines.put_many(known)
    ctx.store.baselines.forget(unknown)
