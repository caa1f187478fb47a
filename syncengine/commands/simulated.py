"""A workspace's sync against its simulated company in simulated time (qbsim's
``QuickBooksHost``), with a fault plan: one job (``job run --simulated --faults``) or the auto
sync schedule for a span of time (``autosync run --simulated``). Not a command family: the
job and autosync commands import it inside their handlers (it loads simpy and qbsim).

Each planned fault is reported as ``rehearse`` reports it
(:mod:`syncengine.rehearsal.faultreport`, from qbsim's count of what each trigger saw).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import simpy

from qbsim import FaultPlan, QuickBooksHost
from qbsim.errors import FaultPlanError
from qbsim.faults import load_plan
from syncengine.commands.common import Refusal
from syncengine.rehearsal.autosync import SimulatedAutoSync
from syncengine.rehearsal.driver import DriveOutcome, DriveStats, RetryPolicy, SimulatedClock, drive
from syncengine.rehearsal.faultreport import planned_faults
from syncengine.store import Store
from syncengine.sync import JobReport, SyncJob

if TYPE_CHECKING:
    from qbsim import Company
    from syncengine.sync.selection import DateRange


def fault_plan(path: Path | None) -> FaultPlan:
    """The fault plan in ``path`` (None: no faults); refused when it cannot be read."""
    try:
        return load_plan(path)
    except FaultPlanError as exc:
        raise Refusal(f"fault plan {path}: {exc}; fix the plan or leave out --faults") from None


@dataclass
class JobRun:
    """One job driven in simulated time: how it ended, its counts, and every planned fault's
    outcome (:func:`~syncengine.rehearsal.faultreport.planned_faults`)."""

    outcome: DriveOutcome
    report: JobReport | None
    faults: list[dict[str, Any]]
    stats: DriveStats = field(default_factory=DriveStats)


def run_job(
    store: Store, company: Company, plan: FaultPlan, window: DateRange, **options: Any
) -> JobRun:
    """Run (or resume) the workspace's sync job against ``company`` with ``plan``; a refusal
    or lost answer is retried in simulated time before the driver gives up. ``options``:
    ``seed`` of the host, and ``batch_size`` / ``import_changes`` for the job."""
    env = simpy.Environment()
    host = QuickBooksHost(env, company, faults=plan, seed=options.pop("seed", 1))
    job = SyncJob.start(store, date_from=window.date_from, date_to=window.date_to, **options)
    stats = DriveStats()
    # simpy types a process's value as Optional[Any]; drive returns a DriveOutcome.
    outcome = cast(
        "DriveOutcome", env.run(until=env.process(drive(host, job, RetryPolicy(), stats)))
    )
    report = job.report() if outcome.finished else None
    return JobRun(outcome, report, planned_faults(host), stats)


def run_autosync(
    db: Path, company: Company, plan: FaultPlan, seconds: float, start: datetime, **options: Any
) -> dict[str, Any]:
    """Run the workspace's auto sync schedule (interval and begin date from its settings) for
    ``seconds`` of simulated time from ``start`` against ``company``; the sync in progress at
    the end is finished. The schedule mode is left as it was. What each run did, and the
    faults."""
    env = simpy.Environment()
    host = QuickBooksHost(env, company, faults=plan, seed=options.pop("seed", 1))
    clock = SimulatedClock(env, start)
    with Store(db, clock) as store:
        every, begin, mode = _schedule(store)
        auto = SimulatedAutoSync(store, every, begin, **options)
        process = auto.start(env, host)
        env.run(until=seconds)
        if auto.running:
            auto.stop()
            env.run(until=process)
        store.settings.write_raw("schedule.mode", mode)
        runs = [_run(store, clock.start, n, r) for n, r in enumerate(auto.reports, 1)]
    return {
        "simulated_seconds": round(env.now, 3),
        "every_seconds": every,
        "begin_date": begin.isoformat(),
        "runs": runs,
        "faults_planned": planned_faults(host),
        "transport": auto.stats.as_dict(),
    }


def _schedule(store: Store) -> tuple[int, date, str]:
    values = store.settings.get_many(["schedule.every_seconds", "schedule.begin_date"])
    begin = values["schedule.begin_date"]
    if begin is None:
        raise Refusal(
            "auto sync: setting schedule.begin_date is not set: transactions dated before it"
            " count as exported; set it with `qbsync autosync set --begin YYYY-MM-DD`"
        )
    return values["schedule.every_seconds"], begin, store.settings.get("schedule.mode")


def _run(store: Store, start: datetime, number: int, report: JobReport) -> dict[str, Any]:
    job = store.jobs.get(report.job_id)
    created = datetime.fromisoformat(job.created_at)
    base = start if created.tzinfo is not None else start.replace(tzinfo=None)
    return {
        "run": number,
        "at_seconds": max(0.0, round((created - base).total_seconds(), 3)),
        "job_id": job.id,
        "outcome": job.outcome,
        "exported": report.exported,
        "failed": report.failed,
        "errors_by_code": {_code(k): n for k, n in report.errors_by_code.items()},
    }


def _code(code: int | None) -> str:
    return "no status code" if code is None else str(code)
