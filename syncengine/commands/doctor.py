"""``qbsync doctor``: check a workspace without changing it — SQLite's integrity check, the
schema version, foreign keys, IDs linked twice, jobs left running, and whether the simulated
company beside it (or ``--company``) holds every record the links say QuickBooks holds — and
say what was found, with what to do about each problem. ``--com`` checks QuickBooks on this
machine instead (:mod:`syncengine.commands.comdoctor`), read-only.

Exit status: 0 all is well (notes are no problems); 1 problems found; 2 the workspace cannot
be read (no such file, not a workspace, no permission).
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import (
    Refusal,
    emit,
    refusals,
    workspace_command,
    workspace_path,
)

if TYPE_CHECKING:
    from syncengine.store.checks import Finding

FOUND = 1
"""The exit status when the doctor found a problem."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``doctor`` to the ``qbsync`` parser."""
    parser = workspace_command(
        subparsers,
        "doctor",
        "check a workspace without changing it: integrity, schema version, foreign keys, IDs"
        " linked twice, jobs left running, and its simulated company against the links",
    )
    parser.add_argument(
        "--company", type=Path, metavar="PATH", help="simulated company file (default: beside)"
    )
    from syncengine.commands.comdoctor import add_options

    add_options(parser)  # --com: QuickBooks on this machine instead of a workspace
    parser.set_defaults(handler=run_doctor)


@refusals("doctor")
def run_doctor(args: argparse.Namespace) -> int:
    """Check the workspace (or, with ``--com``, QuickBooks); print each finding; 1 when one is
    a problem."""
    if args.com:
        from syncengine.commands.comdoctor import run_com_doctor

        return run_com_doctor(args)
    from syncengine.commands.jobs import company_path
    from syncengine.store.checks import PROBLEM

    path = workspace_path(args)
    findings, conn = _open(path)
    if conn is not None:
        try:
            findings = _workspace(conn, path) + _company(conn, company_path(args), path)
        finally:
            conn.close()
    problems = sum(f.level == PROBLEM for f in findings)
    data = {"workspace": str(path), "problems": problems, "findings": findings}
    emit(args, data, lambda: _text(path, findings, problems))
    return FOUND if problems else 0


def _open(path: Path) -> tuple[list[Finding], sqlite3.Connection | None]:
    """A read-only connection to a workspace; a file too damaged to list its tables is a
    finding (no connection); anything else that keeps it from being read is refused."""
    from syncengine.store import checks
    from syncengine.store.faults import error_name, explain

    try:
        conn = checks.open_read_only(path)
    except sqlite3.DatabaseError as exc:
        if error_name(exc).startswith("SQLITE_CORRUPT"):
            found = f"the file is damaged past reading its list of tables ({exc})"
            do = "restore the workspace from a backup"
            return [checks.Finding("integrity", checks.PROBLEM, found, do)], None
        raise Refusal(explain(exc, path) or f"cannot read workspace {path}: {exc}") from None
    _refuse_no_workspace(conn, path)
    return [], conn


def _refuse_no_workspace(conn: sqlite3.Connection, path: Path) -> None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if {"links", "jobs", "entities"} <= tables:
        return
    conn.close()
    raise Refusal(
        f"{path} is a SQLite database but no QB Sync Lab workspace (it lacks the tables"
        " entities, links and jobs); check the path given with --db"
    )


def _workspace(conn: sqlite3.Connection, path: Path) -> list[Finding]:
    from syncengine.store.checks import WORKSPACE_CHECKS

    found: list[Finding] = []
    for check in WORKSPACE_CHECKS:
        found += _guarded(check.__name__.replace("_", " "), lambda c=check: c(conn, path))
    return found


def _guarded(name: str, check: Any) -> list[Finding]:
    """``check()``'s findings; a check the file's damage stops is a problem of its own."""
    from syncengine.store.checks import PROBLEM, Finding
    from syncengine.store.faults import error_name

    try:
        return list(check())
    except sqlite3.DatabaseError as exc:
        if not error_name(exc).startswith(("SQLITE_CORRUPT", "SQLITE_IOERR")):
            raise
        do = "see the integrity finding: restore the workspace from a backup"
        return [Finding(name, PROBLEM, f"could not be checked: {exc}", do)]


def _company(conn: sqlite3.Connection, company: Path, db: Path) -> list[Finding]:
    """Whether the simulated company holds every record the links say QuickBooks holds."""
    return _guarded("company", lambda: _company_findings(conn, company, db))


def _company_findings(conn: sqlite3.Connection, company: Path, db: Path) -> list[Finding]:
    from syncengine.rehearsal.companyfile import CompanyDamaged, linked_count, read_company
    from syncengine.store.checks import NOTE, OK, PROBLEM, Finding

    linked = linked_count(conn)
    if not company.exists():
        found = f"no simulated company at {company}; the {linked} link(s) were not checked"
        do = "nothing, for a workspace that syncs with QuickBooks over COM; else put it back"
        return [Finding("company", NOTE, found, do if linked else "")]
    try:
        held = read_company(company)
    except CompanyDamaged as exc:
        found = f"the simulated company {company} cannot be read: {exc.why}"
        return [Finding("company", PROBLEM, found, _restore(company))]
    return _agreement(conn, held, company, db, linked) or [
        Finding("company", OK, f"the simulated company holds all {linked} linked record(s)")
    ]


def _restore(company: Path) -> str:
    return (
        f"restore {company} from a backup; or move it away and run `job run --simulated"
        " --new-company` to start an empty one (this check then lists the links it lacks)"
    )


def _agreement(
    conn: sqlite3.Connection, held: Any, company: Path, db: Path, linked: int
) -> list[Finding]:
    from syncengine.rehearsal.companyfile import missing_links
    from syncengine.store.checks import PROBLEM, SHOWN, Finding

    missing = missing_links(conn, held)
    if not missing:
        return []
    named = ", ".join(str(m) for m in missing[:SHOWN])
    more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
    found = (
        f"{len(missing)} of {linked} linked record(s) are not in the simulated company"
        f" {company}: {named}{more}"
    )
    do = (
        "put back the company file that goes with this workspace; or, to send them again,"
        f" clear their IDs (`qbsync --db {db} record clear-id ID`) and run a job"
    )
    return [Finding("company", PROBLEM, found, do)]


def _text(path: Path, findings: list[Finding], problems: int) -> str:
    from syncengine.store.checks import findings_text

    return findings_text(f"Workspace {path}:", findings, problems)
