"""``qbsync rehearse --generate N`` (or ``--app PATH``): rehearse a migration of N generated
records (or of the client's, from a folder of CSV/Excel files or an existing workspace)
against a simulated QuickBooks, in simulated time, and say what synced, what failed and why,
how long it would take on real QuickBooks and whether QuickBooks ended up with duplicates.

Exit status: 0 the rehearsal ran (failed records are findings, reported); 1 with
``--strict`` when any record failed or QuickBooks holds duplicates; 2 bad input (N < 1, app
data that cannot be read, neither or both of ``--generate`` and ``--app``, a fault plan or
profile that cannot be read, a workspace that already holds records).

A progress bar (tqdm) goes to stderr while the rehearsal runs when stderr is a terminal or
``--progress`` asks for it; stdout (the report, or ``--json``) is the same either way.
``--html FILE`` also writes the report with its plots as one self-contained HTML file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import refuse
from syncengine.commands.holding import holding_file, holds_workspace
from syncengine.errors import SyncError

if TYPE_CHECKING:
    from syncengine.rehearsal.progress import RehearsalProgress
    from syncengine.rehearsal.rehearse import RehearsalReport

_COLUMNS = ("records", "synced", "failed", "waiting")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``rehearse`` to the ``qbsync`` parser."""
    parser = subparsers.add_parser(
        "rehearse",
        help="rehearse a migration of app records against a simulated QuickBooks",
        description="Generate N app records (seeded), or take the client's from a folder of "
        "CSV/Excel files or a workspace, sync them to a simulated QuickBooks in simulated time "
        "with an optional fault plan, and report the outcome.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--generate", type=int, metavar="N", help="app records to generate")
    source.add_argument(
        "--app",
        type=Path,
        metavar="PATH",
        help="the client's app records: a folder of CSV or Excel files, read as qbsync "
        "import-app reads it (docs/app-data.md), or a workspace file, only read: its records "
        "are copied and those linked to QuickBooks there are rehearsed as new ones, with "
        "the sync settings it has changed (the report lists them)",
    )
    parser.add_argument(
        "--default-settings",
        action="store_true",
        help="with --app WORKSPACE: rehearse with the default settings, not the workspace's",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the app and of QuickBooks")
    parser.add_argument("--faults", type=Path, metavar="PLAN", help="fault plan YAML file")
    parser.add_argument(
        "--company-from",
        type=Path,
        metavar="FOLDER",
        help="rehearse into the company these query answers describe (qbsync export-company)",
    )
    parser.add_argument(
        "--db", dest="rehearse_db", metavar="PATH", help="workspace file (default: in memory)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write the report, with its plots, as one self-contained HTML file",
    )
    parser.add_argument("--profile", default="default", help="latency profile name or path")
    parser.add_argument("--batch-size", type=int, default=50, help="requests per message set")
    parser.add_argument("--max-jobs", type=int, default=8, help="most sync jobs to run")
    parser.add_argument(
        "--bookkeeper",
        type=float,
        default=0.0,
        metavar="PER_HOUR",
        help="a bookkeeper edits QuickBooks this many times an hour meanwhile",
    )
    parser.add_argument(
        "--via",
        choices=("in-process", "webconnector"),
        default="in-process",
        help="reach the simulated QuickBooks in-process, or through the Web Connector's SOAP"
        " server and a simulated Web Connector over HTTP on loopback",
    )
    parser.add_argument(
        "--wc-log",
        type=Path,
        metavar="FILE",
        help="with --via webconnector: write the simulated Web Connector's verbose log"
        " (shaped as QWCLog.txt) to FILE, for qbsync profile fit",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 if any record failed or was duplicated (or pre-flight found anything)",
    )
    parser.add_argument(
        "--preflight",
        action="store_true",
        help="first list what QuickBooks would refuse of the app (qbsync preflight's checks)",
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar on stderr (the default when stderr is a terminal)",
    )
    holds_workspace(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the rehearsal and print the report; the exit status (see the module docstring)."""
    # Imported here: the rehearsal pulls in simpy, qbsim and the sync job, which other
    # commands do not need.
    from syncengine.rehearsal.rehearse import Rehearsal, RehearsalRefused, rehearse

    options = Rehearsal(
        records=args.generate or 0,
        app=args.app,
        seed=args.seed,
        faults=args.faults,
        profile=args.profile,
        batch_size=args.batch_size,
        max_jobs=args.max_jobs,
        bookkeeper_per_hour=args.bookkeeper,
        via=args.via,
        wc_log=args.wc_log,
        preflight=args.preflight,
        company_from=args.company_from,
        workspace_settings=not args.default_settings,
    )
    db = args.rehearse_db or getattr(args, "db", None) or ":memory:"
    bar = ProgressBar() if args.progress or sys.stderr.isatty() else None
    try:
        if args.html:  # refused before the rehearsal runs, not after
            from syncengine.rehearsal.htmlreport import check_path

            check_path(args.html)
        with held_files(args, db):
            report = rehearse(options, db, on_progress=bar.show if bar else None)
        if args.html:
            from syncengine.rehearsal.htmlreport import write_html

            write_html(report, args.html)
    except (RehearsalRefused, SyncError) as exc:
        return refuse("rehearse", str(exc), args)
    except sqlite3.DatabaseError as exc:  # the workspace file failed mid-run (a full disk)
        from syncengine.store.faults import explain

        reason = explain(exc, db)
        if reason is None:
            raise
        return refuse("rehearse", reason, args)
    finally:
        if bar:
            bar.close()
    data = report.as_dict()
    if db != ":memory:":  # where support and tests find QuickBooks' side of the workspace
        from syncengine.rehearsal.rehearse import company_file

        data["company"] = str(company_file(db))
    print(json.dumps(data, indent=2) if args.json else render(report))
    bad = report.failed or report.duplicates_in_quickbooks or report.preflight
    return 1 if args.strict and bad else 0


@contextlib.contextmanager
def held_files(args: argparse.Namespace, db: str) -> Iterator[None]:
    """Hold the workspace ``db`` and its simulated company while the rehearsal writes them
    (nothing for one in memory, or in a folder that does not exist: the rehearsal refuses it)."""
    from syncengine.rehearsal.rehearse import company_file
    from syncengine.store.db import MEMORY

    if db == MEMORY or not Path(db).parent.is_dir():
        yield
        return
    with (
        holding_file(args, "rehearse", Path(db), "workspace"),
        holding_file(args, "rehearse", company_file(db), "simulated company"),
    ):
        yield


class ProgressBar:
    """A tqdm bar on stderr fed by the rehearsal's progress hook: records with an outcome of
    those generated, the simulated time and the sync job it is in."""

    def __init__(self) -> None:
        self._bar: Any = None

    def show(self, progress: RehearsalProgress) -> None:
        """Move the bar to ``progress`` (tqdm itself limits how often it redraws)."""
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=progress.records_total, desc="rehearsing", unit="record", file=sys.stderr
            )
        from syncengine.rehearsal.rehearse import human_duration

        simulated = human_duration(progress.simulated_seconds)
        self._bar.set_postfix_str(f"job {progress.jobs}, {simulated} simulated", refresh=False)
        self._bar.update(progress.records_done - self._bar.n)
        if progress.finished:
            self._bar.refresh()

    def close(self) -> None:
        """End the bar (its last state stays on the terminal)."""
        if self._bar is not None:
            self._bar.close()


def render(report: RehearsalReport) -> str:
    """The report for people: a table by entity type, errors by code, time and speed."""
    faults = report.faults or "no faults"
    header = (
        f"Rehearsal of {report.records:,} records{report.app_from} (seed {report.seed}, profile "
        f"{report.profile}, {faults}, {report.batch_size} requests per message set)"
    )
    lines = [header, "", *_table(report), "", *_errors(report), "", *_footer(report)]
    if report.app_note:
        lines[1:1] = [report.app_note]
    if report.preflight is not None:
        from syncengine.commands.preflight import render as preflight_lines

        lines[1:1] = ["", preflight_lines(report.preflight)]
    return "\n".join(lines)


def _table(report: RehearsalReport) -> list[str]:
    columns = _COLUMNS + (("deleted",) if report.deleted else ())
    lines = [f"{'type':<16}" + "".join(f"{c:>9}" for c in columns)]
    for entity_type, row in report.by_type.items():
        lines.append(f"{entity_type:<16}" + "".join(f"{row[c]:>9,}" for c in columns))
    totals = [report.records if c == "records" else getattr(report, c) for c in columns]
    lines.append(f"{'total':<16}" + "".join(f"{n:>9,}" for n in totals))
    for reason, by_type in report.waiting_why.items():
        counts = ", ".join(f"{n:,} {entity_type}" for entity_type, n in by_type.items())
        lines.append(f"Waiting: {counts}: {reason}")
    if report.bookkeeper_actions:
        lines.append(
            f"A bookkeeper worked in QuickBooks meanwhile: {report.bookkeeper_actions}"
            f" actions; {report.imported:,} new QuickBooks records were imported"
        )
    return lines


def _errors(report: RehearsalReport) -> list[str]:
    lines = []
    if report.errors_by_code:
        lines.append(f"Errors by status code ({report.requeued:,} records re-queued after one):")
    else:
        lines.append("No errors.")
    for code, count in report.errors_by_code.items():
        still = report.failed_by_code.get(code, 0)
        example = report.error_examples.get(code, "")
        lines.append(f"  {code:>9} {count:>6,} times, {still:,} still failing: {example[:90]}")
    from syncengine.rehearsal.faultreport import faults_lines

    return lines + faults_lines(report.faults_planned)


def _footer(report: RehearsalReport) -> list[str]:
    transport = report.transport
    unfinished = " (the last one unfinished: the next sync resumes it)"
    return [
        f"Sync jobs: {report.jobs}{unfinished if report.unfinished_job else ''};"
        f" requests: {transport['requests']:,} ({sum(transport['refused'].values())} refused,"
        f" {transport['lost']} answers lost)",
        f"Duplicates in QuickBooks: {report.duplicates_in_quickbooks}",
        f"Estimated time on real QuickBooks: {report.estimated_duration}"
        f" ({report.simulated_seconds:,.0f} simulated s, profile {report.profile})",
        f"This machine: {report.wall_seconds:.2f} s to sync"
        f" ({report.records_per_second:,.0f} records/s), {report.generate_wall_seconds:.2f} s"
        f" to {'load' if report.app_from else 'generate'} the app",
    ]
