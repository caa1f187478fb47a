"""A sync job's report, read from the store: what went out, what came in, what went wrong.

Built from the job's items, errors, sync-log lines and message sets, so it is the same
whichever process ran the job and however often the job was interrupted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from syncengine.store import Store


@dataclass(frozen=True)
class JobReport:
    """Counts of one sync job.

    ``exported_ok`` / ``exported_failed``: PSRs by (entity type, action); ``imported``: app
    records by (entity type, created | updated | deleted | linked | skipped | failed);
    ``errors_by_code``: the job's errors by status code (None: the engine refused the record
    or QuickBooks could not be reached); ``conflicts``: records changed on both sides, with
    their sync-log lines in ``conflict_notes``; ``message_sets``: write sets by state.
    """

    job_id: int
    finished: bool
    outcome: str
    error_count: int
    exported_ok: Counter = field(default_factory=Counter)
    exported_failed: Counter = field(default_factory=Counter)
    imported: Counter = field(default_factory=Counter)
    errors_by_code: Counter = field(default_factory=Counter)
    conflict_notes: tuple[str, ...] = ()
    message_sets: Counter = field(default_factory=Counter)

    @property
    def conflicts(self) -> int:
        """How many records were changed both in the app and in QuickBooks."""
        return len(self.conflict_notes)

    @property
    def exported(self) -> int:
        """PSRs QuickBooks took."""
        return sum(self.exported_ok.values())

    @property
    def failed(self) -> int:
        """PSRs that went back to the queue with an error."""
        return sum(self.exported_failed.values())

    def imported_count(self, what: str) -> int:
        """App records the import ``created``, ``updated``, ``deleted``, ``linked``…"""
        return sum(n for (_type, kind), n in self.imported.items() if kind == what)

    def summary(self) -> str:
        """A few lines for a person."""
        lines = [
            f"sync job {self.job_id}: {self.outcome}, {self.error_count} error(s)",
            f"exported {self.exported} record(s), {self.failed} failed",
        ]
        lines += [f"  {t} {a}: {n} ok" for (t, a), n in sorted(self.exported_ok.items())]
        lines += [f"  {t} {a}: {n} failed" for (t, a), n in sorted(self.exported_failed.items())]
        lines.append(f"imported: {dict(sorted(self._imported_totals().items()))}")
        lines += [f"  status {code}: {n}" for code, n in self.errors_by_code.items()]
        lines += [f"conflict: {note}" for note in self.conflict_notes]
        lines.append(f"message sets: {sum(self.message_sets.values())}")
        return "\n".join(lines)

    def _imported_totals(self) -> Counter:
        totals: Counter = Counter()
        for (_type, what), n in self.imported.items():
            totals[what] += n
        return totals


def build(store: Store, job_id: int) -> JobReport:
    """The report of a job, as the store holds it now."""
    job = store.jobs.get(job_id)
    q = store.conn.execute
    items = q(
        "SELECT p.entity_type, ji.action, ji.state, COUNT(*) FROM job_items ji"
        " JOIN psrs p ON p.id = ji.psr_id WHERE ji.job_id = ? AND ji.state IN ('done', 'failed')"
        " GROUP BY 1, 2, 3",
        (job_id,),
    ).fetchall()
    imported = q(
        "SELECT entity_type, CASE outcome WHEN 'success' THEN action ELSE outcome END,"
        " COUNT(*) FROM sync_log WHERE job_id = ? AND direction = 'import'"
        " AND action != 'conflict' GROUP BY 1, 2",
        (job_id,),
    ).fetchall()
    notes = q(
        "SELECT message FROM sync_log WHERE job_id = ? AND action = 'conflict' ORDER BY id",
        (job_id,),
    ).fetchall()
    codes = q(
        "SELECT status_code, COUNT(*) FROM errors WHERE job_id = ? GROUP BY 1", (job_id,)
    ).fetchall()
    sets = q(
        "SELECT state, COUNT(*) FROM message_sets WHERE job_id = ? GROUP BY 1", (job_id,)
    ).fetchall()
    return JobReport(
        job.id,
        job.finished,
        job.outcome,
        job.error_count,
        Counter({(t, a): n for t, a, s, n in items if s == "done"}),
        Counter({(t, a): n for t, a, s, n in items if s == "failed"}),
        Counter({(t, a): n for t, a, n in imported}),
        Counter(dict(codes)),
        tuple(m for (m,) in notes),
        Counter(dict(sets)),
    )
