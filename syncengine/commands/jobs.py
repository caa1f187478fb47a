"""``qbsync job ...``: sync jobs of a workspace — start one, run it against QuickBooks (a
simulated company kept beside the workspace, or QuickBooks over COM), list them, show a job's
errors with the guide's entry for each, cancel one.

``job run --simulated`` keeps its QuickBooks company in ``<workspace>.qbsim.json`` (or
``--company PATH``) and its journal beside it (``<company>.journal``): every change the
company answers is on disk before the answer reaches the job, so repeated runs, and a run
resumed after a crash, talk to the same company. A damaged company file is refused as damaged,
and a workspace with links is never given a new, empty company unless ``--new-company`` says
so (the output then counts the links it lacks; see :mod:`syncengine.rehearsal.companyfile`).
With ``--faults PLAN`` the job runs in simulated time against that company
with the fault plan (refusals retried as a rehearsal does), and the output lists every planned
fault as ``rehearse`` does: how often it fired, or why it never took effect (``faults_planned``
with ``--json``).

Exit status: 0 done; 1 with ``job run --strict`` when the job recorded errors; 2 a refusal
(another unfinished job, no such job, QuickBooks could not be reached, another process holding
the workspace: see :mod:`syncengine.lock`), reason on stderr.
"""

from __future__ import annotations

import argparse
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from syncengine.commands.common import (
    Refusal,
    emit,
    open_workspace,
    plain,
    refusals,
    refuse,
    table,
    workspace_command,
    workspace_path,
)
from syncengine.commands.holding import holding_file, holds_workspace
from syncengine.errors import TransportError

if TYPE_CHECKING:
    from qbsim import Company
    from syncengine.reports.sync_report import SyncReport
    from syncengine.store import Store
    from syncengine.sync import JobReport

JOB_COLUMNS = (
    "id",
    "outcome",
    "phase",
    "item_count",
    "error_count",
    "created_at",
    "request_sent_at",
    "response_received_at",
    "completed_at",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``job`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser("job", help="sync jobs: new, run, list, errors, cancel")
    actions = family.add_subparsers(dest="job_action", metavar="ACTION", required=True)
    _new(actions)
    _run(actions)
    _list(actions)
    _errors(actions)
    _cancel(actions)


def _new(actions: argparse._SubParsersAction) -> None:
    parser = workspace_command(
        actions,
        "new",
        "start a sync job: it locks the queued and failed PSRs the settings let through (not"
        " those of areas that do not sync, nor transactions outside the settings' date range;"
        " with the sync wizard on, only the approved ones)",
    )
    holds_workspace(parser)
    parser.add_argument("--note", default="", help="a note kept with the job")
    parser.set_defaults(handler=run_new)


def _run(actions: argparse._SubParsersAction) -> None:
    parser = workspace_command(
        actions, "run", "run (or resume) the sync job against QuickBooks and print its report"
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--simulated", action="store_true", help="a simulated company kept beside the workspace"
    )
    where.add_argument("--com", action="store_true", help="QuickBooks on this machine (Windows)")
    parser.add_argument("--company", type=Path, metavar="PATH", help="simulated company file")
    parser.add_argument("--seed", type=int, default=1, help="seed of a new simulated company")
    add_new_company_option(parser)
    add_com_options(parser)
    parser.add_argument(
        "--batch-size", type=_batch_size, default=50, help="requests per message set"
    )
    parser.add_argument("--no-import", action="store_true", help="export only, skip the import")
    parser.add_argument(
        "--from", dest="date_from", type=_date, help="only transactions dated from (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--to", dest="date_to", type=_date, help="only transactions dated up to (YYYY-MM-DD)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if the job has errors")
    parser.add_argument(
        "--faults",
        type=Path,
        metavar="PLAN",
        help="simulated: run in simulated time with this fault plan (YAML); says what fired",
    )
    holds_workspace(parser)
    parser.set_defaults(handler=run_run)


def _list(actions: argparse._SubParsersAction) -> None:
    parser = workspace_command(actions, "list", "every sync job, newest first")
    parser.add_argument("--limit", type=int, help="show only the newest N jobs")
    parser.set_defaults(handler=run_list)


def _errors(actions: argparse._SubParsersAction) -> None:
    parser = workspace_command(actions, "errors", "a job's errors with the guide's entry for each")
    parser.add_argument("job", nargs="?", type=int, metavar="JOB", help="job ID (default: latest)")
    parser.add_argument("--all", action="store_true", help="errors of every job")
    parser.set_defaults(handler=run_errors)


def _cancel(actions: argparse._SubParsersAction) -> None:
    parser = workspace_command(
        actions, "cancel", "stop the unfinished job; its PSRs go back to the queue"
    )
    parser.add_argument("job", nargs="?", type=int, metavar="JOB", help="job ID (default: current)")
    holds_workspace(parser)
    parser.add_argument("--reason", default="cancelled from the command line")
    parser.set_defaults(handler=run_cancel)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def _batch_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return size


@refusals("job new")
def run_new(args: argparse.Namespace) -> int:
    """Create a job locking what the settings and the wizard let through, and say what it
    left in the queue and why (``left_in_queue`` with ``--json``); refused while another job
    is unfinished."""
    from syncengine.sync.selection import held_back, manual_window, new_job

    with open_workspace(args) as store:
        window = manual_window(store)  # as `job run` takes it, so that it runs this job
        job = new_job(store, args.note, window)
        held = held_back(store, window)
    text = f"sync job {job.id} created: {job.item_count} PSR(s) locked"
    left = [{"psr_id": psr_id, "reason": why} for psr_id, why in sorted(held.items())]
    data = {**plain(job), "left_in_queue": left}
    return emit(args, data, f"{text}{_held_text(held)}; run it with `job run`")


def _held_text(held: dict[int, str]) -> str:
    """``; 2 left in the queue: not approved in the sync wizard (2)`` or ""."""
    if not held:
        return ""
    counts: dict[str, int] = {}
    for why in held.values():
        counts[why] = counts.get(why, 0) + 1
    reasons = ", ".join(f"{why} ({n})" for why, n in counts.items())
    return f"; {len(held)} left in the queue: {reasons}"


@refusals("job run")
def run_run(args: argparse.Namespace) -> int:
    """Run or resume the job to its end and print its sync report."""
    from syncengine.reports import sync_report as reports

    if args.faults is not None and not args.simulated:
        raise Refusal("--faults PLAN runs against the simulated company: add --simulated")
    faults: list[dict[str, Any]] = []
    with open_workspace(args) as store, company_held(args, "job run"):
        sim = workspace_company(args, store) if args.simulated else None
        company, path = (sim.company, sim.path) if sim else (None, None)
        try:
            if sim is not None:
                check_company_file(store, sim)
            report, faults = _sync_maybe_faults(store, args, company)
        except TransportError as exc:
            return refuse("job run", _unreachable(exc, store.jobs.current() is not None), args)
        finally:
            if company is not None and path is not None:
                save_company(company, path)
        full = reports.sync_report(store, report.job_id)
    data: dict[str, Any] = {"report": full.as_dict()}
    if sim is not None:
        data.update(sim.as_dict())
    if args.faults is not None:
        data.update(faults_planned=faults)
    emit(args, data, lambda: _run_text(full, sim, faults))
    return 1 if args.strict and full.errors else 0


def _sync_maybe_faults(
    store: Store, args: argparse.Namespace, company: Company | None
) -> tuple[JobReport, list[dict[str, Any]]]:
    """The job's counts and, with ``--faults``, every planned fault's outcome."""
    if args.faults is None or company is None:
        return _sync(store, args, company), []
    from syncengine.commands import simulated
    from syncengine.rehearsal.faultreport import faults_text
    from syncengine.settings.schedule import sync_window

    plan = simulated.fault_plan(args.faults)
    window = sync_window(store, args.date_from, args.date_to)
    options = {"batch_size": args.batch_size, "import_changes": not args.no_import}
    run = simulated.run_job(store, company, plan, window, seed=args.seed, **options)
    if run.report is None:
        assert run.outcome.error is not None  # an unfinished drive ends on an error
        raise TransportError(f"{run.outcome.error}; {faults_text(run.faults)}")
    return run.report, run.faults


def _sync(store: Store, args: argparse.Namespace, company: Company | None) -> JobReport:
    # Imported here: the schedule pulls in simpy and qbsim, which other commands do not need.
    from syncengine.settings.schedule import manual_sync

    options = {"batch_size": args.batch_size, "import_changes": not args.no_import}
    with _transport(args, company) as transport:
        if company is None:  # QuickBooks over COM: the simulated file was checked already
            from syncengine.sync import identity

            identity.ensure(store, transport)
        return manual_sync(
            store, transport, date_from=args.date_from, date_to=args.date_to, **options
        )


def _transport(args: argparse.Namespace, company: Company | None) -> Any:
    if company is not None:
        from syncengine.transports.simulated import SimulatedTransport

        return SimulatedTransport(company)
    return com_transport(args)  # refused before a job is marked running when out of reach


def add_com_options(parser: argparse.ArgumentParser) -> None:
    """``--company-file`` and ``--app-name``: the QuickBooks session ``--com`` opens."""
    parser.add_argument("--company-file", default="", help="COM: the .QBW file ('' = open one)")
    parser.add_argument("--app-name", default="QB Sync Lab", help="COM: application name")


def com_transport(args: argparse.Namespace) -> Any:
    """QuickBooks on this machine over COM, its session open (refused when out of reach: no
    COM, QuickBooks not running, access not granted)."""
    from syncengine.transports.com import ComTransport

    transport = ComTransport(args.app_name, args.company_file)
    transport.open()
    return transport


def company_path(args: argparse.Namespace) -> Path:
    """Where the workspace keeps its simulated company: ``--company`` or beside the file."""
    if args.company is not None:
        return Path(args.company)
    from syncengine.rehearsal.rehearse import company_file

    return company_file(workspace_path(args))


def company_held(args: argparse.Namespace, command: str) -> AbstractContextManager[None]:
    """Hold the simulated company file as the workspace is held (``job run --simulated``,
    ``autosync run``); nothing to hold for QuickBooks over COM, or where there is no folder
    for the company (:func:`workspace_company` refuses that)."""
    if not getattr(args, "simulated", False) or not company_path(args).parent.is_dir():
        return nullcontext()
    return holding_file(args, command, company_path(args), "simulated company")


def add_new_company_option(parser: argparse.ArgumentParser) -> None:
    """``--new-company``: start an empty simulated company for a workspace that has links."""
    parser.add_argument(
        "--new-company",
        action="store_true",
        help="simulated: where there is no company file, start an empty one even though the"
        " workspace links records to QuickBooks (those links then point at nothing)",
    )


class SimCompany(NamedTuple):
    """The workspace's simulated company, its path, whether it was made new (a first run), and
    how many of the workspace's links point at records a new one lacks (all of them)."""

    company: Company
    path: Path
    created: bool
    links_lacking: int = 0

    def as_dict(self) -> dict[str, Any]:
        data = {"company": str(self.path), "company_created": self.created}
        return data | ({"links_not_in_company": self.links_lacking} if self.created else {})


def workspace_company(args: argparse.Namespace, store: Store) -> SimCompany:
    """The workspace's simulated company (:class:`SimCompany`); refused when its folder is
    missing, the file cannot be read, or a new one would be empty under the workspace's links
    (unless ``--new-company``)."""
    from syncengine.rehearsal.companyfile import linked_count, read_company

    path = company_path(args)
    if path.exists():
        _refuse_read_only(path)
        return SimCompany(read_company(path, keep=True), path, False)
    if not path.parent.is_dir():
        raise Refusal(
            f"no folder {path.parent} for the simulated company {path.name}; create it,"
            " or give another path with --company"
        )
    linked = linked_count(store.conn)
    if linked and not getattr(args, "new_company", False):
        raise Refusal(_no_company_text(path, linked))
    from qbsim import Company

    company = Company(seed=args.seed)
    try:
        company.keep_in(path)  # on disk, journalled, before the first request
    except OSError as exc:
        raise Refusal(
            f"cannot write the simulated company {path} ({exc.strerror or exc}); make its"
            " folder writable and free space, or give another path with --company"
        ) from None
    return SimCompany(company, path, True, linked)


def check_company_file(store: Store, sim: SimCompany) -> None:
    """Check (and on a first sync stamp) the simulated company file through the simulated
    transport, as a sync with QuickBooks does; a new company file replaces the one the
    workspace remembered. WrongCompanyFile (exit 2) when it is another workspace's file."""
    from syncengine.sync import identity
    from syncengine.transports.simulated import SimulatedTransport

    if sim.created:
        identity.forget(store)
    try:
        identity.ensure(store, SimulatedTransport(sim.company))
    except identity.WrongCompanyFile as exc:
        raise Refusal(
            f"{exc} (the simulated company file here is {sim.path}: give this workspace's"
            " own with --company, or leave --company out to use the one beside it)"
        ) from None


def _refuse_read_only(path: Path) -> None:
    """A company file that cannot be written is refused before the run: what QuickBooks
    answered would be lost from it."""
    import os

    if not os.access(path, os.W_OK):
        raise Refusal(
            f"the simulated company {path} is read-only: a run would lose what QuickBooks"
            " answers in it. Make it writable (chmod u+w), or give another with --company"
        )


def _no_company_text(path: Path, linked: int) -> str:
    return (
        f"no simulated company at {path}, but the workspace links {linked} record(s) to"
        " QuickBooks: a new company would lack them all. Put back the company file that goes"
        " with this workspace (or give it with --company); to start an empty one anyway, add"
        " --new-company"
    )


def save_company(company: Company, path: Path) -> None:
    """Close the simulated company kept at ``path`` (its journal folded into the file);
    refused, saying what was lost, when it cannot be written (a full disk, a read-only
    folder). Every change it answered is already in its journal."""
    try:
        company.close()
    except OSError as exc:
        raise Refusal(
            f"cannot save the simulated company {path} ({exc.strerror or exc}); what QuickBooks"
            " answered is in its journal beside it, which the next run reads. Free space (or"
            " make it writable), then run `qbsync doctor` on the workspace"
        ) from None


def _unreachable(exc: TransportError, unfinished: bool) -> str:
    """What went wrong, the guide's fix, and whether a job waits to be resumed."""
    from syncengine.reports import guide

    text = f"could not talk to QuickBooks: {exc}"
    entry = guide.for_error(None, str(exc))
    if entry is not None:
        text += f"\n{entry.title}: " + " ".join(entry.steps) + f" (qbsync guide {entry.key})"
    if not unfinished:
        return text + "\nNo sync job was started; the queue is as it was."
    return text + "\nThe job is kept unfinished; run `job run` again to resume it."


def _run_text(report: SyncReport, sim: SimCompany | None, faults: list[dict[str, Any]]) -> str:
    lines = []
    if sim is not None:
        what = "a new simulated company, saved to" if sim.created else "the simulated company in"
        lines.append(f"QuickBooks: {what} {sim.path}")
    if sim is not None and sim.links_lacking:
        lines.append(
            f"Warning: the workspace links {sim.links_lacking} record(s) to QuickBooks that this"
            " new company lacks; `qbsync doctor` lists them"
        )
    if faults:
        from syncengine.rehearsal.faultreport import faults_text

        lines.append(faults_text(faults))
    return "\n".join([*lines, report.render()])


@refusals("job list")
def run_list(args: argparse.Namespace) -> int:
    """Every job, newest first."""
    with open_workspace(args) as store:
        frame = store.jobs.frame()
    if args.limit is not None:
        frame = frame.head(args.limit)
    return emit(args, frame, lambda: table(frame, JOB_COLUMNS))


@refusals("job errors")
def run_errors(args: argparse.Namespace) -> int:
    """A job's errors (default: the latest job's; ``--all``: every job's)."""
    from syncengine.reports import sync_report as reports

    with open_workspace(args) as store:
        job_id = None if args.all else (args.job or reports.latest_job_id(store))
        if job_id is not None:
            store.jobs.get(job_id)
        errors = reports.job_errors(store, job_id)
    rows = [e.as_dict() for e in errors]
    return emit(args, rows, lambda: reports.render_errors(errors))


@refusals("job cancel")
def run_cancel(args: argparse.Namespace) -> int:
    """Cancel the unfinished job (or the one named); refused for a finished one."""
    with open_workspace(args) as store:
        current = store.jobs.current()
        if args.job is None and current is None:
            raise Refusal("no unfinished sync job to cancel")
        job = store.jobs.cancel(args.job or current.id, args.reason)  # type: ignore[union-attr]
    return emit(args, job, f"{job.describe()} cancelled; its unfinished PSRs are back in the queue")
