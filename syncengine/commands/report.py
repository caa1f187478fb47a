"""``qbsync report [JOB]``: the sync report of a job (default: the latest) — what it created,
modified and deleted in QuickBooks and in the app, its conflicts, and every error with the
status-code guide's entry.

Exit status 0; 2 when the workspace or the job does not exist (reason on stderr).
"""

from __future__ import annotations

import argparse

from syncengine.commands.common import (
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
    add_workspace_option(parser)
    add_json_option(parser)
    parser.set_defaults(handler=run)


@refusals("report")
def run(args: argparse.Namespace) -> int:
    """Print the job's sync report."""
    from syncengine.reports import sync_report as reports

    with open_workspace(args) as store:
        report = reports.sync_report(store, args.job)
    return emit(args, report.as_dict(), report.render)
