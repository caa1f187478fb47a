"""``qbsync report [JOB | --job JOB] [--errors]``: the sync report of a job (default: the
latest) — what it created, modified and deleted in QuickBooks and in the app, its conflicts,
and every error with the status-code guide's entry; ``--errors``: the job and its errors only.

Exit status 0; 2 when the workspace or the job does not exist (reason on stderr).
"""

from __future__ import annotations

import argparse

from syncengine.commands.common import (
    Refusal,
    add_json_option,
    add_workspace_option,
    emit,
    open_workspace,
    refusals,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``report`` to the ``qbsync`` parser."""
    parser = subparsers.add_parser(
        "report",
        help="a sync job's report: created, modified, deleted, every error",
        description="The sync report of a job: what it created, modified and deleted on each "
        "side, its conflicts, and every error with what it means and how to fix it.",
    )
    parser.add_argument("job", nargs="?", type=int, metavar="JOB", help="job ID (default: latest)")
    parser.add_argument(
        "--job", dest="job_option", type=int, metavar="JOB", help="job ID, as JOB is"
    )
    parser.add_argument(
        "--errors", action="store_true", help="only the job line and its errors, each with its fix"
    )
    add_workspace_option(parser)
    add_json_option(parser)
    parser.set_defaults(handler=run)


@refusals("report")
def run(args: argparse.Namespace) -> int:
    """Print the job's sync report."""
    from syncengine.reports import sync_report as reports

    job = _job(args)
    with open_workspace(args) as store:
        report = reports.sync_report(store, job)
    if args.errors:
        return emit(args, report.errors_dict(), report.render_errors)
    return emit(args, report.as_dict(), report.render)


def _job(args: argparse.Namespace) -> int | None:
    """The job asked for, by argument or ``--job``; refused when they name different jobs."""
    if None not in (args.job, args.job_option) and args.job != args.job_option:
        raise Refusal(f"two jobs given ({args.job} and --job {args.job_option}); give one")
    return args.job if args.job is not None else args.job_option
