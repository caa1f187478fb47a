"""The sync report of a job: what it created, modified and deleted on each side, and every
error with the status-code guide's entry for it.

Read from the store, so it is the same whichever process ran the job. ``sync_report(store)``
reports the latest job; ``render()`` is for people, ``as_dict()`` for scripts. The counts of
:class:`syncengine.sync.JobReport` come along as ``counts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from syncengine.clock import shown
from syncengine.reports import guide
from syncengine.reports.guide import GuideEntry
from syncengine.reports.layout import wrap
from syncengine.store import Job, NotFound, Store
from syncengine.sync import JobReport, shared
from syncengine.sync import report as job_report

CHANGE_OF_ACTION = {
    "add": "created",
    "modify": "modified",
    "inactivate": "inactivated",
    "delete": "deleted",
    "void": "voided",
}
"""What an exported PSR's action did in QuickBooks."""
GROUP_OF_CHANGE = {
    "created": "created",
    "modified": "modified",
    "updated": "modified",
    "inactivated": "deleted",
    "deleted": "deleted",
    "voided": "deleted",
    "linked": "linked",
}
"""The report's sections: created, modified, deleted (inactivated and voided too), linked."""
GROUPS = ("created", "modified", "deleted", "linked")


@dataclass(frozen=True)
class ChangeLine:
    """One record the job changed: in QuickBooks (``export``) or in the app (``import``)."""

    direction: str
    change: str
    entity_type: str
    entity_id: int | None
    name: str
    qb_id: str | None
    psr_id: int | None = None
    note: str = ""

    @property
    def group(self) -> str:
        """The report section the line belongs to (``created``, ``modified``, ...)."""
        return GROUP_OF_CHANGE.get(self.change, self.change)


@dataclass(frozen=True)
class ErrorLine:
    """One error of a job: the record and PSR, QuickBooks' status and message, the hint the
    sync stored, and the guide's entry for the code (None when no code leads to one)."""

    id: int
    job_id: int | None
    psr_id: int | None
    entity_id: int | None
    entity_type: str
    name: str
    status_code: int | None
    severity: str
    message: str
    hint: str
    request_type: str
    request_id: str | None
    message_set_id: str | None
    created_at: str
    guide: GuideEntry | None

    @property
    def record(self) -> str:
        """``customer 'Acme' (record 4)``, or ``the job`` for an error of the job as a whole."""
        if self.entity_id is None:
            return "the job"
        return f"{self.entity_type} {self.name!r} (record {self.entity_id})"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON; ``guide`` holds the entry's key, title, meaning and steps."""
        data = {k: v for k, v in asdict(self).items() if k != "guide"}
        data["guide"] = None if self.guide is None else _guide_summary(self.guide)
        return data


@dataclass(frozen=True)
class SyncReport:
    """A job's sync report: the job, its changes both ways, conflicts and every error."""

    job: Job
    exported: tuple[ChangeLine, ...]
    imported: tuple[ChangeLine, ...]
    import_notes: tuple[ChangeLine, ...]
    conflicts: tuple[str, ...]
    errors: tuple[ErrorLine, ...]
    counts: JobReport
    held_back: tuple[ChangeLine, ...] = ()
    marked_paid: tuple[ChangeLine, ...] = ()
    shared_created: tuple[ChangeLine, ...] = ()

    def changes(self, direction: str, group: str) -> list[ChangeLine]:
        """The lines of one section: ``changes("export", "created")``."""
        lines = self.exported if direction == "export" else self.imported
        return [line for line in lines if line.group == group]

    @property
    def created(self) -> list[ChangeLine]:
        """Records the job created in QuickBooks."""
        return self.changes("export", "created")

    @property
    def modified(self) -> list[ChangeLine]:
        """Records the job modified in QuickBooks."""
        return self.changes("export", "modified")

    @property
    def deleted(self) -> list[ChangeLine]:
        """Records the job deleted, voided or made inactive in QuickBooks."""
        return self.changes("export", "deleted")

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "job": asdict(self.job),
            "exported": _grouped(self.exported),
            "imported": _grouped(self.imported),
            "import_notes": [asdict(line) for line in self.import_notes],
            "conflicts": list(self.conflicts),
            "held_back": [asdict(line) for line in self.held_back],
            "marked_paid": [asdict(line) for line in self.marked_paid],
            "accounts_created": [asdict(line) for line in self.shared_created],
            "errors": [e.as_dict() for e in self.errors],
            "counts": {
                "exported": self.counts.exported,
                "failed": self.counts.failed,
                "errors_by_code": {str(k): n for k, n in self.counts.errors_by_code.items()},
                "message_sets": dict(self.counts.message_sets),
            },
        }

    def errors_dict(self) -> dict[str, Any]:
        """The job and its errors only, as plain data for JSON."""
        return {"job": asdict(self.job), "errors": [e.as_dict() for e in self.errors]}

    def render_errors(self) -> str:
        """The job line and every error with what to do, for people."""
        return "\n".join([*_job_lines(self.job), "", render_errors(self.errors)])

    def render(self) -> str:
        """The report for people: the job, each section with its records, every error with
        what to do."""
        lines = _job_lines(self.job)
        lines += _section("Sent to QuickBooks", self.exported, GROUPS[:3], self.counts.failed)
        lines += _section("Taken from QuickBooks", self.imported, GROUPS)
        lines += [f"  {n.change}: {n.note}" for n in self.import_notes]
        if self.conflicts:
            lines += ["", f"Conflicts ({len(self.conflicts)}):"]
            lines += [f"  {note}" for note in self.conflicts]
        lines += _noted("Held back (not sent, back in the queue)", self.held_back)
        lines += _noted("Marked paid in the app", self.marked_paid)
        lines += _noted("Accounts and terms created in QuickBooks", self.shared_created)
        return "\n".join([*lines, "", render_errors(self.errors)])


def latest_job_id(store: Store) -> int:
    """The newest sync job's ID; :class:`NotFound` when the workspace has never had one."""
    row = store.conn.execute("SELECT MAX(id) FROM jobs").fetchone()
    if row[0] is None:
        raise NotFound(f"workspace {store.path} has no sync job yet; start one with `job new`")
    return int(row[0])


def sync_report(store: Store, job_id: int | None = None) -> SyncReport:
    """The sync report of a job (default: the latest), as the store holds it now."""
    job = store.jobs.get(latest_job_id(store) if job_id is None else job_id)
    imported = _imported(store, job.id)
    return SyncReport(
        job=job,
        exported=tuple(_exported(store, job.id)),
        imported=tuple(line for line in imported if line.change in GROUP_OF_CHANGE),
        import_notes=tuple(line for line in imported if line.change not in GROUP_OF_CHANGE),
        conflicts=tuple(_conflicts(store, job.id)),
        errors=tuple(job_errors(store, job.id)),
        counts=job_report.build(store, job.id),
        held_back=tuple(_logged(store, job.id, _HELD_BACK)),
        marked_paid=tuple(_logged(store, job.id, _MARKED_PAID)),
        shared_created=tuple(_logged(store, job.id, _SHARED_CREATED)),
    )


_HELD_BACK = "s.outcome = 'skipped' AND s.message LIKE 'not sent:%'"
_MARKED_PAID = "s.outcome = 'success' AND s.action = 'paid'"
_SHARED_CREATED = f"s.outcome = 'success' AND s.action = '{shared.SHARED_CREATED}'"


def _logged(store: Store, job_id: int, where: str) -> list[ChangeLine]:
    """The job's export lines of the sync log that ``where`` selects, oldest first."""
    rows = store.conn.execute(
        "SELECT s.action, s.entity_type, s.entity_id, COALESCE(e.name, ''), s.qb_id, s.psr_id,"
        " s.message FROM sync_log s LEFT JOIN entities e ON e.id = s.entity_id"
        f" WHERE s.job_id = ? AND s.direction = 'export' AND {where} ORDER BY s.id",
        (job_id,),
    ).fetchall()
    return [ChangeLine("export", *row) for row in rows]


def _noted(title: str, lines: tuple[ChangeLine, ...]) -> list[str]:
    """A section of log lines, left out when empty."""
    if not lines:
        return []
    out = ["", f"{title}: {len(lines)}"]
    for line in lines:
        name = f"{line.entity_type} {line.name!r}" if line.name else line.entity_type
        out.append(wrap(f"{name}: {line.note}" if line.entity_id else line.note, 2, 4))
    return out


def job_errors(store: Store, job_id: int | None = None) -> list[ErrorLine]:
    """Errors of one job (or of every job), oldest first, each with the guide's entry."""
    sql = (
        "SELECT x.id, x.job_id, x.psr_id, x.entity_id, COALESCE(e.entity_type, ''),"
        " COALESCE(e.name, ''), x.status_code, x.severity, x.message, x.hint, x.request_type,"
        " x.request_id, x.message_set_id, x.created_at, COALESCE(p.action, '') FROM errors x"
        " LEFT JOIN entities e ON e.id = x.entity_id LEFT JOIN psrs p ON p.id = x.psr_id"
    )
    params: tuple[Any, ...] = ()
    if job_id is not None:
        sql, params = sql + " WHERE x.job_id = ?", (job_id,)
    rows = store.conn.execute(sql + " ORDER BY x.id", params).fetchall()
    return [_error_line(tuple(row)) for row in rows]


def errors_frame(store: Store, job_id: int | None = None) -> pd.DataFrame:
    """:func:`job_errors` as a DataFrame, with the guide's key, title and steps as columns."""
    rows = []
    for error in job_errors(store, job_id):
        row = error.as_dict()
        entry = row.pop("guide") or {}
        row.update({f"guide_{k}": entry.get(k) for k in ("key", "title", "meaning", "steps")})
        rows.append(row)
    return pd.DataFrame(rows)


def _error_line(row: tuple[Any, ...]) -> ErrorLine:
    *values, action = row
    entry = guide.for_error(values[6], values[8])
    guide_entry = entry.for_action(action) if entry else None
    # mypy cannot count a starred list: the row holds exactly the fields before guide.
    return ErrorLine(*values, guide=guide_entry)  # type: ignore[misc]


def _exported(store: Store, job_id: int) -> list[ChangeLine]:
    rows = store.conn.execute(
        "SELECT ji.action, p.entity_type, p.entity_id, e.name, l.qb_id, ji.psr_id"
        " FROM job_items ji JOIN psrs p ON p.id = ji.psr_id"
        " JOIN entities e ON e.id = p.entity_id LEFT JOIN links l ON l.entity_id = p.entity_id"
        " WHERE ji.job_id = ? AND ji.state = 'done' ORDER BY ji.seq",
        (job_id,),
    ).fetchall()
    return [ChangeLine("export", CHANGE_OF_ACTION[a], *rest) for a, *rest in rows]


def _imported(store: Store, job_id: int) -> list[ChangeLine]:
    rows = store.conn.execute(
        "SELECT CASE WHEN s.outcome = 'success' THEN s.action ELSE s.outcome END,"
        " s.entity_type, s.entity_id, COALESCE(e.name, ''), s.qb_id, s.message FROM sync_log s"
        " LEFT JOIN entities e ON e.id = s.entity_id"
        " WHERE s.job_id = ? AND s.direction = 'import' AND s.action != 'conflict'"
        " ORDER BY s.id",
        (job_id,),
    ).fetchall()
    return [ChangeLine("import", c, t, i, n, q, None, m) for c, t, i, n, q, m in rows]


def _conflicts(store: Store, job_id: int) -> list[str]:
    rows = store.conn.execute(
        "SELECT message FROM sync_log WHERE job_id = ? AND action = 'conflict' ORDER BY id",
        (job_id,),
    )
    return [message for (message,) in rows]


def _grouped(lines: tuple[ChangeLine, ...]) -> dict[str, list[dict[str, Any]]]:
    return {g: [asdict(line) for line in lines if line.group == g] for g in GROUPS}


def _guide_summary(entry: GuideEntry) -> dict[str, Any]:
    return {
        "key": entry.key,
        "title": entry.title,
        "meaning": entry.meaning,
        "steps": list(entry.steps),
        "exact": entry.exact,
    }


def _job_lines(job: Job) -> list[str]:
    times = [
        ("created", job.created_at),
        ("first request sent", job.request_sent_at),
        ("last response received", job.response_received_at),
        ("completed", job.completed_at),
    ]
    when = "; ".join(f"{what} {shown(at)}" for what, at in times if at)
    state = job.outcome if job.finished else f"{job.outcome}, in its {job.phase} phase"
    return [f"Sync job {job.id}: {state}, {job.error_count} error(s)", wrap(when, 2)]


def _section(
    title: str, lines: tuple[ChangeLine, ...], groups: tuple[str, ...], failed: int | None = None
) -> list[str]:
    counts = [f"{len([x for x in lines if x.group == g])} {g}" for g in groups]
    if failed is not None:
        counts.append(f"{failed} failed")
    out = ["", f"{title}: {', '.join(counts)}"]
    for line in lines:
        qb = f"  [{line.qb_id}]" if line.qb_id else ""
        out.append(f"  {line.change:<12}{line.entity_type:<15}{line.name}{qb}")
    return out


def render_errors(errors: Sequence[ErrorLine]) -> str:
    """Errors for people: each with its record, QuickBooks' message and the guide's steps."""
    lines = [f"Errors ({len(errors)}):" if errors else "No errors."]
    for error in errors:
        lines += _error_lines(error)
    return "\n".join(lines)


def _error_lines(error: ErrorLine) -> list[str]:
    code = "no status code" if error.status_code is None else f"status {error.status_code}"
    if error.status_code is None and error.guide is not None:
        code = f"HRESULT {error.guide.key}"
    psr = f"PSR {error.psr_id}, " if error.psr_id is not None else ""
    request = f" ({error.request_type})" if error.request_type else ""
    out = [f"  #{error.id} {psr}{error.record}: {code}{request}", wrap(error.message, 4)]
    entry = error.guide
    own_words = error.hint and (entry is None or f"(qbsync guide {entry.key})" not in error.hint)
    if own_words:
        out.append(wrap(f"What to do: {error.hint}", 4))
    if entry is not None:
        out.append(wrap(f"Guide {entry.key}, {entry.title}: {entry.meaning}", 4))
        out += [wrap(f"{n}. {step}", 4, 7) for n, step in enumerate(entry.steps, 1)]
    return out


__all__ = [
    "ChangeLine",
    "ErrorLine",
    "SyncReport",
    "errors_frame",
    "job_errors",
    "latest_job_id",
    "render_errors",
    "sync_report",
]
