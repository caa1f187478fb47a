"""A migration rehearsal: an app synced to a simulated QuickBooks in simulated time.

``rehearse(Rehearsal(records=2000, seed=1))`` builds an app of that many seeded records
(:mod:`syncengine.rehearsal.appgen`); ``Rehearsal(app=Path("client"))`` takes the client's
records instead, from a folder of CSV or Excel files or an existing workspace
(:mod:`syncengine.rehearsal.appsource`). It sets up a fresh simulated company (the accounts
and terms a QuickBooks company has after its setup interview), and runs sync jobs against a
``QuickBooksHost`` with the chosen latency profile and fault plan (and, if asked, a bookkeeper
editing QuickBooks meanwhile) until the queue is empty, only failures that retrying does not
cure remain, or the job cap is reached. The :class:`RehearsalReport` says what synced, what
failed and why (by status code), how long the migration takes on real QuickBooks (simulated
seconds, by the profile), how fast the engine ran here (wall seconds), and how many
duplicates QuickBooks ends up holding, counted from the company itself.
"""

from __future__ import annotations

import random
import sqlite3
import time
import uuid
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pandas as pd
import simpy

from qbsim import Company, FaultPlan, QuickBooksHost
from qbsim.bookkeeper import Bookkeeper
from qbsim.errors import FaultPlanError, ProfileError
from qbsim.faults import load_plan
from qbsim.host.core import HostedCompany
from qbsim.host.documents import document
from qbsim.model.base import DEFAULT_START
from qbsim.profile import Profile, load_profile
from syncengine.app.types import ENTITY_TYPES
from syncengine.errors import SyncError
from syncengine.rehearsal import appgen
from syncengine.rehearsal.appgen import generate_app
from syncengine.rehearsal.appsource import (
    NOT_REHEARSED,
    WORKSPACE,
    AppRecords,
    copy_into,
    load_app,
)
from syncengine.rehearsal.batchgc import batch_collector
from syncengine.rehearsal.driver import (
    DriveOutcome,
    DriveStats,
    Exchange,
    RetryPolicy,
    SimulatedClock,
    drive,
)
from syncengine.rehearsal.faultreport import planned_faults
from syncengine.rehearsal.progress import OnProgress, ProgressTeller
from syncengine.rehearsal.timeline import COLUMNS as TIMELINE_COLUMNS
from syncengine.rehearsal.timeline import timeline
from syncengine.settings.change import shown_value
from syncengine.store import Store, StoreError
from syncengine.store.db import MEMORY
from syncengine.store.faults import error_name, memory_full
from syncengine.store.settings import json_value
from syncengine.sync import SyncJob, identity
from syncengine.transports.simulated import SimulatedTransport

START: datetime = DEFAULT_START
"""Simulated time 0 of a rehearsal, for the store's clock and QuickBooks' alike."""

VIAS = ("in-process", "webconnector")
TERMS = (("Due on receipt", "0"), ("Net 15", "15"), ("Net 30", "30"), ("Net 60", "60"))
GENERATED = "generated"
WALL_FIELDS = ("wall_seconds", "generate_wall_seconds", "records_per_second")
"""Report fields that measure this machine, not the rehearsal: they differ run to run."""


class RehearsalRefused(ValueError):
    """The rehearsal cannot start: bad input; the message says which and what to give."""


@dataclass(frozen=True)
class Rehearsal:
    """What to rehearse.

    ``records`` app records generated from ``seed``, or ``app``: the client's records (a
    folder of CSV/Excel files, a workspace file, or :class:`AppRecords` read already), one
    or the other; ``faults`` a fault plan (path, YAML text, dict or
    ``FaultPlan``); ``profile`` the latency profile; ``batch_size`` requests per message set;
    at most ``max_jobs`` sync jobs, ``pause_seconds`` apart when one leaves work behind;
    ``bookkeeper_per_hour`` > 0 has a bookkeeper edit QuickBooks meanwhile.
    """

    records: int = 0
    seed: int = 1
    faults: FaultPlan | Mapping[str, Any] | str | Path | None = None
    profile: str | Path = "default"
    batch_size: int = 50
    max_jobs: int = 8
    pause_seconds: float = 60.0
    bookkeeper_per_hour: float = 0.0
    import_changes: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    start: datetime = START
    via: str = "in-process"
    """How the jobs reach QuickBooks: ``in-process`` or ``webconnector`` (SOAP over loopback)."""
    wc_log: Path | None = None
    """With ``via="webconnector"``: write the simulated Web Connector's verbose log
    (``QWCLog.txt``-shaped) to this file, made anew."""
    preflight: bool = False
    """Run pre-flight (:mod:`syncengine.reports.preflight`) on the app and the company first."""
    company_from: Path | None = None
    """Rehearse into the company a folder of query answers describes (``qbsync
    export-company``), as it is, instead of a fresh one."""
    app: Path | AppRecords | None = None
    """The app's records from a folder, a workspace or as read already, instead of generated."""
    workspace_settings: bool = True
    """With ``app`` a workspace: sync with the settings it has changed (those a rehearsal can
    follow, :data:`~syncengine.rehearsal.appsource.REHEARSED_SETTINGS`); False: the defaults."""

    def check(self) -> None:
        """Refuse input no rehearsal can run with (:class:`RehearsalRefused`)."""
        if self.app is not None and self.records:
            raise RehearsalRefused(
                "give the app's records one way: --generate N or --app PATH, not both"
            )
        if self.app is None and self.records < 1:
            raise RehearsalRefused(f"--generate must be at least 1 record, not {self.records}")
        if self.batch_size < 1:
            raise RehearsalRefused(f"--batch-size must be at least 1, not {self.batch_size}")
        if self.max_jobs < 1:
            raise RehearsalRefused(f"--max-jobs must be at least 1, not {self.max_jobs}")
        if self.bookkeeper_per_hour < 0:
            raise RehearsalRefused("--bookkeeper must be 0 (none) or more actions per hour")
        if self.via not in VIAS:
            raise RehearsalRefused(f"--via {self.via!r}: give one of {', '.join(VIAS)}")
        if self.wc_log is not None and self.via != "webconnector":
            raise RehearsalRefused(
                f"--wc-log {self.wc_log}: only the Web Connector writes that log;"
                " add --via webconnector"
            )


@dataclass
class RehearsalReport:
    """What a rehearsal found; ``as_dict()`` is the ``--json`` output.

    Of the app's ``records`` (generated, or from the source ``app`` names): ``synced`` (in
    QuickBooks, nothing pending), ``failed`` (back in the queue with an error), ``waiting``
    (not sent: the job cap was reached or its job is unfinished, or the app holds it back;
    ``waiting_why`` counts them by reason and type, :mod:`syncengine.reports.waiting`),
    ``deleted`` (QuickBooks
    deleted it; the import followed); ``imported`` counts records QuickBooks added meanwhile,
    now in the app. Errors are keyed by status code, ``transport`` (no answer from QuickBooks)
    or ``not sent`` (the engine held the record back: bad data, or it waits for a record that
    failed): ``errors_by_code`` counts every error of every job, ``failed_by_code`` the records
    still failing, and ``requeued`` the records that went back to the queue at least once.
    ``faults_planned`` lists every fault of the plan with how often it fired and, when it never
    took effect, why (``fault_firings`` counts firings by label). ``simulated_seconds`` is the
    estimate for real QuickBooks (by the latency profile); the ``WALL_FIELDS`` measure this
    machine. Duplicates are counted from the company itself, and so is ``lost_in_quickbooks``:
    records the app holds as synced that QuickBooks does not hold. ``timeline`` is the rehearsal
    over simulated time (:mod:`~syncengine.rehearsal.timeline`), for plots; it is not part of
    ``as_dict()``.
    """

    records: int
    seed: int
    profile: str
    faults: str | None
    batch_size: int
    synced: int
    failed: int
    waiting: int
    waiting_why: dict[str, dict[str, int]]
    deleted: int
    imported: int
    errors_by_code: dict[str, int]
    failed_by_code: dict[str, int]
    error_examples: dict[str, str]
    requeued: int
    by_type: dict[str, dict[str, int]]
    jobs: int
    unfinished_job: bool
    transport: dict[str, Any]
    fault_firings: dict[str, int]
    faults_planned: list[dict[str, Any]]
    bookkeeper_actions: int
    quickbooks_records: int
    duplicates_in_quickbooks: int
    duplicates_by_kind: dict[str, int]
    lost_in_quickbooks: int
    simulated_seconds: float
    wall_seconds: float
    generate_wall_seconds: float
    timeline: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(TIMELINE_COLUMNS)),
        repr=False,
        compare=False,  # a DataFrame has no single truth value; compare reports by as_dict()
    )
    preflight: list[dict[str, Any]] | None = None
    """With ``Rehearsal.preflight``: what pre-flight found before the first sync."""
    app: dict[str, Any] = field(default_factory=lambda: {"source": GENERATED})
    """Where the app's records came from: ``source`` (generated, folder or workspace), the
    ``path`` read, and for a workspace ``linked``: its records linked to QuickBooks there."""

    @property
    def app_from(self) -> str:
        """`` from the folder X`` or `` from the workspace Y``; "" for a generated app."""
        if self.app["source"] == GENERATED:
            return ""
        return f" from the {self.app['source']} {self.app['path']}"

    @property
    def app_note(self) -> str:
        """What a consultant must know of the app's source, or "": records linked there,
        the workspace's settings the rehearsal followed and those it did not."""
        notes = []
        linked = self.app.get("linked", 0)
        if linked:
            notes.append(
                f"{linked:,} of these records were linked to QuickBooks in that workspace: the"
                " rehearsal adds them as new records (their links are not copied)."
            )
        followed = self.app.get("settings", {})
        if followed:
            listed = "; ".join(f"{k} = {shown_value(v)}" for k, v in followed.items())
            notes.append(f"Synced with that workspace's settings: {listed}.")
        for key, skipped in self.app.get("settings_not_followed", {}).items():
            value = shown_value(skipped["value"])
            notes.append(f"Not followed: {key} = {value} ({skipped['why']}).")
        return "\n".join(notes)

    @property
    def records_per_second(self) -> float:
        """Records per wall-clock second of syncing (generation not counted)."""
        return self.records / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def estimated_duration(self) -> str:
        """How long the migration would take on real QuickBooks, by the latency profile."""
        return human_duration(self.simulated_seconds)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, with the derived rate and estimate."""
        values = dict(vars(self))
        del values["timeline"]
        if self.preflight is None:  # asked for only with --preflight
            del values["preflight"]
        values["simulated_seconds"] = round(self.simulated_seconds, 3)
        values["estimated_duration"] = self.estimated_duration
        values["wall_seconds"] = round(self.wall_seconds, 3)
        values["generate_wall_seconds"] = round(self.generate_wall_seconds, 3)
        values["records_per_second"] = round(self.records_per_second, 1)
        return values


def human_duration(seconds: float) -> str:
    """``2 h 05 min``, ``14 min 09 s`` or ``42 s``."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def rehearse(
    options: Rehearsal,
    db: str | Path = MEMORY,
    on_exchange: Exchange | None = None,
    on_progress: OnProgress | None = None,
) -> RehearsalReport:
    """Run one rehearsal (see the module docstring) on a fresh workspace at ``db``.

    Refuses (:class:`RehearsalRefused`, before anything runs) bad options, a fault plan or
    profile that cannot be read, app data that cannot be read (refused as ``qbsync
    import-app`` refuses it), or a workspace that cannot be opened or already holds records.
    An in-memory workspace that outgrows SQLite's cap on one is refused when it does, saying
    to rehearse into a file (:func:`syncengine.store.faults.memory_full`).
    ``on_exchange`` sees every answered (request, response) pair; ``on_progress`` is told how
    far the rehearsal has got after each of them and at the end
    (:mod:`~syncengine.rehearsal.progress`).
    """
    try:
        return _rehearse(options, db, on_exchange, on_progress)
    except sqlite3.OperationalError as exc:
        if str(db) == MEMORY and error_name(exc).startswith("SQLITE_FULL"):
            raise RehearsalRefused(memory_full(exc)) from None
        raise


def _rehearse(
    options: Rehearsal,
    db: str | Path,
    on_exchange: Exchange | None,
    on_progress: OnProgress | None,
) -> RehearsalReport:
    options.check()
    plan, profile = _inputs(options)
    if options.wc_log is not None:
        _new_log(options.wc_log)
    client = _client_company(options)  # refused before the workspace is made
    began = time.perf_counter()
    given = _given_app(options)  # read before the workspace is made, as refusals come first
    read = time.perf_counter() - began
    env = simpy.Environment()
    with _fresh_store(db, SimulatedClock(env, options.start)) as store:
        began = time.perf_counter()
        app = _fill(store, options, given)
        generated = read + time.perf_counter() - began
        with batch_collector():
            company = client or setup_company(options.seed)
            if str(db) != MEMORY:  # so `qbsync --db W job run --simulated` goes on
                company.keep_in(company_file(db))  # every answered change on disk first
            stamp_company(store, company, options.seed)
            findings = _preflight(store, company) if options.preflight else None
            host = QuickBooksHost(
                env, company, profile=profile, faults=plan, seed=options.seed, start=options.start
            )
            bookkeeper = _bookkeeper(host, options)
            stats = DriveStats()
            teller = _teller(store, env, options.batch_size, app.records, on_progress)
            exchange = _both(on_exchange, teller.exchange) if teller else on_exchange
            began = time.perf_counter()
            run = env.process(_runner(options)(host, store, options, stats, exchange))
            # simpy types a process's value as Optional[Any]; _jobs returns this pair.
            jobs, unfinished = cast("tuple[int, bool]", env.run(until=run))
            timings = Timings(env.now, time.perf_counter() - began, generated)
            if teller:
                teller.tell(finished=True)
            company.close()
            report = _report(
                options, plan, store, host, stats, bookkeeper, jobs, unfinished, timings, app
            )
            report.preflight = findings
            return report


def _new_log(path: Path) -> None:
    """Start the rehearsal's Web Connector log empty; refused when it cannot be written."""
    try:
        path.write_bytes(b"")
    except OSError as exc:
        raise RehearsalRefused(f"--wc-log {path}: cannot be written ({exc.strerror})") from None


@dataclass(frozen=True)
class AppShape:
    """The app a rehearsal syncs: ``records`` of them, app IDs up to ``last_id`` (records
    imported from QuickBooks come after), and ``source``, the report's ``app``."""

    records: int
    last_id: int
    source: dict[str, Any]


def _given_app(options: Rehearsal) -> AppRecords | None:
    """The client's records ``options.app`` names, read (refused as import-app refuses);
    asking for default settings is refused unless they come from a workspace, which alone
    brings settings of its own."""
    given = options.app
    if given is not None and not isinstance(given, AppRecords):
        try:
            given = load_app(Path(given), options.start)
        except SyncError as exc:
            raise RehearsalRefused(str(exc)) from None
    if not options.workspace_settings and (given is None or given.kind != WORKSPACE):
        raise RehearsalRefused(
            "--default-settings is for --app WORKSPACE: generated records and a folder's"
            " are always rehearsed with the default settings; leave it out"
        )
    return given


def _fill(store: Store, options: Rehearsal, given: AppRecords | None) -> AppShape:
    """Generate the app into ``store``, or copy the given records there; what it holds."""
    if given is None:
        generate_app(store, options.records, options.seed)
        return AppShape(options.records, options.records, {"source": GENERATED})
    copy_into(store, given if options.workspace_settings else replace(given, settings=()))
    source: dict[str, Any] = {"source": given.kind, "path": str(given.path)}
    if given.kind == WORKSPACE:
        source["linked"] = given.linked
        source.update(_settings_source(given, options.workspace_settings))
    return AppShape(len(given.rows), given.last_id, source)


DEFAULTS_ASKED = "--default-settings: the rehearsal kept the defaults"


def _settings_source(given: AppRecords, followed: bool) -> dict[str, Any]:
    """The report's word on the workspace's changed settings: ``settings`` (followed) and
    ``settings_not_followed`` (each value with why); nothing when it changed none."""
    out: dict[str, Any] = {}
    if followed and given.settings:
        out["settings"] = {k: json_value(v) for k, v in given.settings}
    skipped = [(k, v, NOT_REHEARSED[k]) for k, v in given.unfollowed]
    if not followed:
        skipped = [(k, v, DEFAULTS_ASKED) for k, v in given.settings] + skipped
    if skipped:
        out["settings_not_followed"] = {
            k: {"value": json_value(v), "why": w} for k, v, w in skipped
        }
    return out


def _client_company(options: Rehearsal) -> Company | None:
    """The client's company as its query answers describe it; None for a fresh one."""
    if options.company_from is None:
        return None
    from syncengine.rehearsal.companyfile import company_from_answers

    try:
        return company_from_answers(options.company_from, seed=options.seed)
    except SyncError as exc:
        raise RehearsalRefused(str(exc)) from None


def _preflight(store: Store, company: Company) -> list[dict[str, Any]]:
    """Pre-flight's findings for the app against the simulated company, read through qbXML
    queries as against real QuickBooks."""
    from syncengine.reports.preflight import preflight

    with SimulatedTransport(company) as transport:
        return [f.as_dict() for f in preflight(store, transport)]


def _teller(
    store: Store, env: simpy.Environment, batch_size: int, records: int, hook: OnProgress | None
) -> ProgressTeller | None:
    """Who tells ``hook`` the progress of ``records`` (None without a hook: then nothing is
    counted)."""
    if hook is None:
        return None
    every = ProgressTeller.spacing(records, batch_size)
    return ProgressTeller(store, env, records, hook, every)


def _both(first: Exchange | None, second: Exchange) -> Exchange:
    """One ``on_exchange`` calling ``first`` (if any), then ``second``."""
    if first is None:
        return second

    def both(request: str, response: str) -> None:
        first(request, response)
        second(request, response)

    return both


COMPANY_SUFFIX = ".qbsim.json"


def company_file(db: str | Path) -> Path:
    """Where a workspace keeps its simulated QuickBooks company: beside the database file."""
    path = Path(db)
    return path.with_name(path.name + COMPANY_SUFFIX)


def _inputs(options: Rehearsal) -> tuple[FaultPlan, Profile]:
    """The fault plan and latency profile, or :class:`RehearsalRefused` saying what is wrong."""
    try:
        return load_plan(options.faults), load_profile(options.profile)
    except (FaultPlanError, ProfileError) as exc:
        raise RehearsalRefused(str(exc)) from exc


def _fresh_store(db: str | Path, clock: SimulatedClock) -> Store:
    """A workspace with no records yet at ``db``, or :class:`RehearsalRefused` (a missing
    folder is never created: a mistyped path must not scatter folders)."""
    from syncengine.store.faults import explain

    if str(db) != MEMORY and not Path(db).parent.is_dir():
        raise RehearsalRefused(
            f"no folder {Path(db).parent} for the workspace {Path(db).name}: create it first, or"
            " give another path with --db (folders are never created for you)"
        )
    try:
        store = Store(db, clock)
    except sqlite3.DatabaseError as exc:
        raise RehearsalRefused(explain(exc, db) or f"cannot open workspace {db}: {exc}") from exc
    except StoreError as exc:
        raise RehearsalRefused(f"cannot open workspace {db}: {exc}") from exc
    held = store.conn.execute("SELECT COUNT(*) FROM entities").fetchone()[0]
    if held:
        store.close()
        raise RehearsalRefused(
            f"workspace {db} already holds {held} records; rehearse into a new file"
            " (or leave out --db for an in-memory workspace)"
        )
    return store


def stamp_company(store: Store, company: Company, seed: int) -> None:
    """Stamp the new company file for the workspace, as its first sync with QuickBooks does
    (:mod:`syncengine.sync.identity`), with a file id drawn from the seed (same seed, same
    files)."""
    file_id = "{" + str(uuid.UUID(int=random.Random(seed).getrandbits(128), version=4)) + "}"
    identity.ensure(store, SimulatedTransport(company), file_id=file_id.upper())


def setup_company(seed: int) -> Company:
    """A fresh simulated company with what QuickBooks' setup interview leaves in it: the
    accounts generated items post to (:data:`syncengine.rehearsal.appgen.ACCOUNTS`) and
    standard terms."""
    company = Company(seed=seed)
    for name, account_type in appgen.ACCOUNTS.items():
        company.process(
            document("AccountAddRq", {"AccountAdd": {"Name": name, "AccountType": account_type}})
        )
    for name, days in TERMS:
        company.process(
            document("StandardTermsAddRq", {"StandardTermsAdd": {"Name": name, "StdDueDays": days}})
        )
    return company


def _bookkeeper(host: QuickBooksHost, options: Rehearsal) -> Bookkeeper | None:
    if not options.bookkeeper_per_hour:
        return None
    person = Bookkeeper(host, rate_per_hour=options.bookkeeper_per_hour, seed=options.seed)
    person.start()
    return person


def _runner(options: Rehearsal) -> Any:
    """The process body that runs the jobs: in-process, or over the Web Connector's path."""
    if options.via == "webconnector":
        from syncengine.rehearsal.webconnector import jobs_over_webconnector

        return jobs_over_webconnector
    return _jobs


def _jobs(
    host: QuickBooksHost,
    store: Store,
    options: Rehearsal,
    stats: DriveStats,
    on_exchange: Exchange | None,
) -> Generator[Any, Any, tuple[int, bool]]:
    """Sync jobs one after another, ``pause_seconds`` apart, until nothing is left that
    another job could fix or ``max_jobs`` ran; (jobs run, whether the last is unfinished)."""
    jobs, outcome = 0, DriveOutcome(True)
    while True:
        done_before = done_count(store)
        job = SyncJob.start(
            store, batch_size=options.batch_size, import_changes=options.import_changes
        )
        jobs += 1
        outcome = yield host.env.process(drive(host, job, options.retry, stats, on_exchange))
        finished_all = outcome.finished and not worth_another(store, done_before)
        if finished_all or jobs >= options.max_jobs:
            return jobs, not outcome.finished
        yield host.env.timeout(options.pause_seconds)


def done_count(store: Store) -> int:
    """PSRs done so far."""
    return _count(store, "SELECT COUNT(*) FROM psrs WHERE state = 'done'")


def worth_another(store: Store, done_before: int) -> bool:
    """Open PSRs remain, and the last job got some done (so retrying may get more)."""
    waiting = _count(store, "SELECT COUNT(*) FROM psrs WHERE state IN ('queued', 'failed')")
    done = _count(store, "SELECT COUNT(*) FROM psrs WHERE state = 'done'")
    return waiting > 0 and done > done_before


def _count(store: Store, sql: str) -> int:
    return int(store.conn.execute(sql).fetchone()[0])


# -- the report ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Timings:
    """Simulated seconds of the sync, wall seconds of the sync and of generating the app."""

    simulated: float
    wall: float
    generate_wall: float


_STATE = """
       CASE WHEN e.deleted_at IS NOT NULL THEN 'deleted'
            WHEN EXISTS (SELECT 1 FROM psrs p WHERE p.entity_id = e.id AND p.state = 'failed')
                 THEN 'failed'
            WHEN EXISTS (SELECT 1 FROM psrs p WHERE p.entity_id = e.id
                         AND p.state IN ('queued', 'locked')) THEN 'waiting'
            WHEN l.qb_id IS NOT NULL AND l.qb_deleted_at IS NULL THEN 'synced'
            ELSE 'waiting' END
"""
"""Where an app record stands: deleted (in the app, because QuickBooks deleted it), failed,
waiting, or synced."""

_STATE_OF_RECORD = f"""
SELECT e.entity_type, {_STATE} AS state, COUNT(*)
FROM entities e LEFT JOIN links l ON l.entity_id = e.id
WHERE e.id <= ?
GROUP BY 1, 2
"""
"""How many app records of each type stand where (IDs up to the app's last one: imports
come after)."""

_WAITING = f"""
SELECT e.id FROM entities e LEFT JOIN links l ON l.entity_id = e.id
WHERE e.id <= ? AND {_STATE} = 'waiting'
"""
"""The app records that wait."""


def _report(
    options: Rehearsal,
    plan: FaultPlan,
    store: Store,
    host: QuickBooksHost,
    stats: DriveStats,
    bookkeeper: Bookkeeper | None,
    jobs: int,
    unfinished: bool,
    timings: Timings,
    app: AppShape,
) -> RehearsalReport:
    by_type = _by_type(store, app.last_id)
    totals = {s: sum(row[s] for row in by_type.values()) for s in _STATES}
    dupes = quickbooks_duplicates(host.company)
    return RehearsalReport(
        records=app.records,
        seed=options.seed,
        profile=host.profile.name,
        faults=_plan_name(plan, options.faults),
        batch_size=options.batch_size,
        synced=totals["synced"],
        failed=totals["failed"],
        waiting=totals["waiting"],
        waiting_why=_waiting_why(store, app.last_id) if totals["waiting"] else {},
        deleted=totals["deleted"],
        imported=_count(store, f"SELECT COUNT(*) FROM entities WHERE id > {app.last_id}"),
        errors_by_code=_errors_by_code(store),
        failed_by_code=_failed_by_code(store),
        error_examples=_error_examples(store),
        requeued=_count(store, "SELECT COUNT(DISTINCT psr_id) FROM errors"),
        by_type=by_type,
        jobs=jobs,
        unfinished_job=unfinished,
        transport=stats.as_dict(),
        fault_firings=_fault_firings(host),
        faults_planned=planned_faults(host),
        bookkeeper_actions=bookkeeper.actions_done if bookkeeper else 0,
        quickbooks_records=sum(len(t) for t in host.company.state.records.values()),
        duplicates_in_quickbooks=sum(dupes.values()),
        duplicates_by_kind=dupes,
        lost_in_quickbooks=lost_in_quickbooks(store, host.company),
        simulated_seconds=timings.simulated,
        wall_seconds=timings.wall,
        generate_wall_seconds=timings.generate_wall,
        timeline=timeline(store, options.start, timings.simulated),
        app=app.source,
    )


_STATES = ("synced", "failed", "waiting", "deleted")


def _waiting_why(store: Store, last_id: int) -> dict[str, dict[str, int]]:
    """Why the app's waiting records wait: by reason, then type (``reports.waiting``)."""
    from syncengine.reports.waiting import waiting_counts

    ids = [row[0] for row in store.conn.execute(_WAITING, (last_id,))]
    return waiting_counts(store, ids)


def _by_type(store: Store, generated: int) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for entity_type, state, count in store.conn.execute(_STATE_OF_RECORD, (generated,)):
        row = out.setdefault(entity_type, {s: 0 for s in ("records", *_STATES)})
        row[state] += count
        row["records"] += count
    return {key: out[key] for key in ENTITY_TYPES if key in out}


_CODE = (
    "CASE WHEN {code} IS NOT NULL THEN CAST({code} AS TEXT)"
    " WHEN {psr} IS NULL THEN 'transport' ELSE 'not sent' END"
)
"""An error's key: its status code; ``transport`` when QuickBooks gave no answer (no PSR);
``not sent`` when the engine refused a record before sending it (no code)."""


def _errors_by_code(store: Store) -> dict[str, int]:
    key = _CODE.format(code="status_code", psr="psr_id")
    rows = store.conn.execute(f"SELECT {key}, COUNT(*) FROM errors GROUP BY 1")
    return _sorted_codes(dict(rows.fetchall()))


def _failed_by_code(store: Store) -> dict[str, int]:
    key = _CODE.format(code="error_code", psr="id")
    rows = store.conn.execute(f"SELECT {key}, COUNT(*) FROM psrs WHERE state = 'failed' GROUP BY 1")
    return _sorted_codes(dict(rows.fetchall()))


def _error_examples(store: Store) -> dict[str, str]:
    """One message (with its hint) per key: the first such error recorded."""
    key = _CODE.format(code="status_code", psr="psr_id")
    rows = store.conn.execute(
        f"SELECT {key}, message, hint FROM errors WHERE id IN"
        f" (SELECT MIN(id) FROM errors GROUP BY {key})"
    )
    return _sorted_codes({k: _sentences(msg, hint) for k, msg, hint in rows})


def _sentences(message: str, hint: str) -> str:
    """The message, then the hint as a sentence of its own (QuickBooks' messages end with a
    full stop, the engine's own do not)."""
    message, hint = (message or "").strip(), (hint or "").strip()
    if message and hint and message[-1] not in ".!?":
        message += "."
    return f"{message} {hint}".strip()


def _sorted_codes(values: dict[str, Any]) -> dict[str, Any]:
    return dict(sorted(values.items(), key=lambda kv: (not kv[0].isdigit(), kv[0].zfill(6))))


def _plan_name(plan: FaultPlan, source: Any) -> str | None:
    if not plan.faults:
        return None
    if plan.title:
        return plan.title
    return str(source) if isinstance(source, (str, Path)) else "fault plan"


def _fault_firings(host: QuickBooksHost) -> dict[str, int]:
    fired: dict[str, int] = {}
    for event in host.log.where(actor="fault:*"):
        label = event.actor.removeprefix("fault:")
        fired[label] = fired.get(label, 0) + 1
    return dict(sorted(fired.items()))


# -- duplicates, counted from the company itself ----------------------------------------------
NAME_SPACES: Mapping[str, tuple[str, ...]] = {
    "names": ("Customer", "Vendor", "Employee", "OtherName"),
    "items": (
        "ItemService",
        "ItemInventory",
        "ItemNonInventory",
        "ItemOtherCharge",
        "ItemInventoryAssembly",
        "ItemGroup",
        "ItemDiscount",
        "ItemPayment",
        "ItemSalesTax",
        "ItemSalesTaxGroup",
        "ItemSubtotal",
    ),
    "accounts": ("Account",),
    "classes": ("Class",),
    "terms": ("StandardTerms", "DateDrivenTerms"),
}
"""QuickBooks' list objects, by the space in which a name must be unique."""
_TIME_KEYS = ("EntityRef", "TxnDate", "Duration", "CustomerRef", "ItemServiceRef", "Notes")


def quickbooks_duplicates(company: HostedCompany) -> dict[str, int]:
    """Extra copies QuickBooks holds, by list namespace or transaction type: records sharing
    a (case-insensitive) full name in one namespace, transactions of one type sharing a
    RefNumber, time entries alike in every field. Only kinds with duplicates are listed."""
    records = company.state.records
    found: dict[str, int] = {}
    for space, kinds in NAME_SPACES.items():
        names = [_full_name(r.ret) for k in kinds for r in records.get(k, {}).values()]
        found[space] = _extra(names)
    listed = {k for kinds in NAME_SPACES.values() for k in kinds}
    for kind in sorted(set(records) - listed):
        keys = [_txn_key(kind, r.ret) for r in records[kind].values()]
        found[kind] = _extra([k for k in keys if k])
    return {kind: n for kind, n in found.items() if n}


_SYNCED_LINKS = """
SELECT l.qb_type, l.qb_id FROM links l JOIN entities e ON e.id = l.entity_id
WHERE e.deleted_at IS NULL AND l.qb_deleted_at IS NULL
"""


def lost_in_quickbooks(store: Store, company: HostedCompany) -> int:
    """Records the app links to a QuickBooks record (not deleted on either side) that the
    company does not hold: a sync that said yes and kept nothing."""
    records = company.state.records
    links = store.conn.execute(_SYNCED_LINKS).fetchall()
    return sum(1 for qb_type, qb_id in links if qb_id not in records.get(qb_type, {}))


def _full_name(ret: Mapping[str, Any]) -> str:
    return str(ret.get("FullName") or ret.get("Name") or "").casefold()


def _txn_key(kind: str, ret: Mapping[str, Any]) -> str:
    if kind == "TimeTracking":
        return repr([ret.get(key) for key in _TIME_KEYS])
    return str(ret.get("RefNumber") or "")


def _extra(keys: list[str]) -> int:
    seen: dict[str, int] = {}
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
    return sum(n - 1 for n in seen.values())
