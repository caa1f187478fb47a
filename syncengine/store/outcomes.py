"""What happens to a locked PSR when QuickBooks has answered: done, failed, or released.

Done updates the record's link (ListID/TxnID, EditSequence); failed puts the PSR back in the
queue carrying its error; released (the job ended before sending it) puts it back as it was.
Either way back in the queue, a change made while the PSR was locked is merged in by the
collapse rule, so the queue still holds at most one open PSR per record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from syncengine.store.entities import chunks
from syncengine.store.errors import Refused
from syncengine.store.links import LinkUpdate
from syncengine.store.psrs import CANCELLED, LOCKED, OPEN_STATES, Psr, PsrAction, PsrState, merge

if TYPE_CHECKING:
    from syncengine.store import Store


@dataclass(frozen=True)
class PsrDone:
    """QuickBooks took the PSR; the ListID/TxnID and EditSequence it answered with."""

    psr_id: int
    qb_id: str = ""
    edit_sequence: str | None = None
    qb_type: str = ""
    qb_modified_at: str | None = None


@dataclass(frozen=True)
class PsrFailure:
    """QuickBooks (or the engine) refused the PSR: status code, message, what to do."""

    psr_id: int
    message: str
    code: int | None = None
    severity: str = "Error"
    hint: str = ""
    request_id: str | None = None
    request_type: str = ""
    message_set_id: str | None = None


def locked(store: Store, psr_ids: Sequence[int]) -> list[Psr]:
    """The PSRs by ID, all of which must be locked in a job (else :class:`Refused`)."""
    found = {p.id: p for p in store.psrs.by_ids(psr_ids)}
    bad = [i for i in psr_ids if i not in found or found[i].state != LOCKED]
    if bad:
        states = ", ".join(f"{i}: {found[i].state if i in found else 'missing'}" for i in bad)
        raise Refused(f"PSRs not locked in a sync job ({states}); only locked PSRs have outcomes")
    return [found[i] for i in psr_ids]


def mark_done(store: Store, done: Sequence[PsrDone]) -> None:
    """Close PSRs as done, update their links and job items, and log the success."""
    with store.write() as conn:
        psrs = locked(store, [d.psr_id for d in done])
        now = store.now()
        for part in chunks([p.id for p in psrs]):
            conn.execute(
                "UPDATE psrs SET state = 'done', attempts = attempts + 1, updated_at = ?,"
                " closed_at = ?, error_code = NULL, error_message = NULL, error_hint = NULL"
                f" WHERE id IN ({','.join('?' * len(part))})",
                (now, now, *part),
            )
        _set_items(store, psrs, "done")
        _update_links(store, psrs, done)
        _log(store, psrs, "success", [d.qb_id or None for d in done], [""] * len(psrs))


def _update_links(store: Store, psrs: Sequence[Psr], done: Sequence[PsrDone]) -> None:
    pairs = list(zip(psrs, done, strict=True))
    current = store.links.get_many([p.entity_id for p, d in pairs if not d.qb_id])
    updates, inactive, deleted = [], [], []
    for p, d in pairs:
        if p.action == "delete":
            deleted.append(p.entity_id)
            continue
        qb_id = d.qb_id or (current[p.entity_id].qb_id if p.entity_id in current else "")
        if not qb_id:
            raise Refused(
                f"PSR {p.id} ({p.action} {p.entity_type}) is done but has no ListID/TxnID"
            )
        updates.append(
            LinkUpdate(
                p.entity_id, p.entity_type, qb_id, d.edit_sequence, d.qb_type, d.qb_modified_at
            )
        )
        if p.action == "inactivate":
            inactive.append(p.entity_id)
    store.links.upsert_many(updates)
    store.links.mark_inactive(inactive)
    store.links.mark_deleted(deleted)


def fail(store: Store, failures: Sequence[PsrFailure]) -> None:
    """Record each failure as an error of its job and put its PSR back in the queue as failed."""
    with store.write() as conn:
        psrs = locked(store, [f.psr_id for f in failures])
        now = store.now()
        conn.executemany(
            "INSERT INTO errors (job_id, psr_id, entity_id, message_set_id, request_id,"
            " request_type, status_code, severity, message, hint, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.job_id,
                    p.id,
                    p.entity_id,
                    f.message_set_id,
                    f.request_id,
                    f.request_type,
                    f.code,
                    f.severity,
                    f.message,
                    f.hint,
                    now,
                )
                for p, f in zip(psrs, failures, strict=True)
            ],
        )
        conn.executemany(
            "UPDATE jobs SET error_count = error_count + 1 WHERE id = ?",
            [(p.job_id,) for p in psrs],
        )
        _set_items(store, psrs, "failed")
        _log(store, psrs, "failed", [None] * len(psrs), [f.message for f in failures])
        requeue(store, psrs, "failed", {f.psr_id: f for f in failures})


def _log(
    store: Store,
    psrs: Sequence[Psr],
    outcome: str,
    qb_ids: Sequence[str | None],
    messages: Sequence[str],
) -> None:
    rows = zip(psrs, qb_ids, messages, strict=True)
    store.log.add_rows(
        [
            ("export", outcome, p.entity_id, p.entity_type, p.action, p.job_id, p.id, qb_id, text)
            for p, qb_id, text in rows
        ]
    )


def _set_items(store: Store, psrs: Sequence[Psr], state: str) -> None:
    by_job: dict[int | None, list[int]] = {}
    for p in psrs:
        by_job.setdefault(p.job_id, []).append(p.id)
    for job_id, ids in by_job.items():
        for part in chunks(ids):
            store.conn.execute(
                "UPDATE job_items SET state = ?"
                f" WHERE job_id = ? AND psr_id IN ({','.join('?' * len(part))})",
                (state, job_id, *part),
            )


def requeue(
    store: Store,
    psrs: Sequence[Psr],
    state: PsrState,
    failures: dict[int, PsrFailure] | None = None,
) -> None:
    """Put locked PSRs back in the queue as ``state``, merging changes made while locked."""
    failures = failures or {}
    newer = store.psrs.for_entities([p.entity_id for p in psrs], OPEN_STATES)
    now = store.now()
    cancelled: list[tuple[int, str]] = []
    plain, failed = [], []
    for p in psrs:
        action: PsrAction | None = p.action
        dep_order = p.dep_order
        later = newer.get(p.entity_id)
        if later is not None:
            cancelled.append((later.id, f"merged into PSR {p.id}"))
            action = merge(p.action, later.action)
            if action is None:
                cancelled.append((p.id, "added then deleted before QuickBooks took it"))
                continue
            dep_order = later.dep_order if action != p.action else dep_order
        f = failures.get(p.id)
        if f is None:
            plain.append((state, action, dep_order, now, p.id))
        else:
            failed.append((state, action, dep_order, f.code, f.message, f.hint, now, p.id))
    for psr_id, note in cancelled:
        store.psrs.close([psr_id], CANCELLED, note)
    store.conn.executemany(
        "UPDATE psrs SET state = ?, action = ?, dep_order = ?, job_id = NULL, updated_at = ?"
        " WHERE id = ?",
        plain,
    )
    store.conn.executemany(
        "UPDATE psrs SET state = ?, action = ?, dep_order = ?, job_id = NULL,"
        " attempts = attempts + 1, error_code = ?, error_message = ?, error_hint = ?,"
        " updated_at = ? WHERE id = ?",
        failed,
    )
