"""``qbsync [--db WORKSPACE] doctor --com [--file PATH]``: a read-only smoke test of QuickBooks
on this machine.

It opens the COM connection, begins a session, agrees the qbXML version, sends one document
holding only a HostQuery and a CompanyQuery, ends the session and closes, then says in plain
words what it found (product, version, company, file, qbXML versions, the qbsync stamp the file
carries) or what stopped it and the fix. With ``--db`` it also says whether the open file is the
one that workspace syncs with (the workspace is only read). It never writes: the only requests
it can send are those two queries.

Exit status: 0 all is well; 1 QuickBooks refused or answered with an error (a problem found);
2 the check cannot run here (no pywin32: not Windows, or the ``[com]`` extra not installed).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import Refusal, emit

if TYPE_CHECKING:
    from syncengine.qbxml.parse import Response
    from syncengine.store.checks import Finding
    from syncengine.sync.identity import Expected
    from syncengine.transports.com import ComTransport

FOUND = 1
READ_ONLY_QUERIES = ("Host", "Company")
"""What the doctor asks QuickBooks: nothing else can leave it."""


def add_options(parser: argparse.ArgumentParser) -> None:
    """``--com``, ``--file PATH`` and ``--app-name`` on ``qbsync doctor``."""
    parser.add_argument(
        "--com", action="store_true", help="check QuickBooks on this machine over COM (read-only)"
    )
    parser.add_argument(
        "--file", default="", metavar="PATH", help="COM: the .QBW file ('' = the one open)"
    )
    parser.add_argument("--app-name", default="QB Sync Lab", help="COM: application name")


def run_com_doctor(args: argparse.Namespace) -> int:
    """Run the smoke test, print what it found; 1 when QuickBooks refused or failed."""
    from syncengine.store.checks import PROBLEM
    from syncengine.transports.com import ComTransport

    transport = ComTransport(args.app_name, args.file)
    facts: dict[str, Any] = {"app_name": args.app_name, "file_asked": args.file}
    with transport:
        findings = _findings(transport, facts)
    if args.db and "stamp" in facts:
        findings.append(_workspace(Path(args.db), facts))
    problems = sum(f.level == PROBLEM for f in findings)
    data = {"quickbooks": facts, "problems": problems, "findings": findings}
    emit(args, data, lambda: _text(args.app_name, findings, problems))
    return FOUND if problems else 0


def _findings(transport: ComTransport, facts: dict[str, Any]) -> list[Finding]:
    from syncengine.errors import TransportError
    from syncengine.transports.com import NoComHere

    try:
        transport.open()
    except NoComHere as exc:  # the check cannot run here at all
        raise Refusal(f"cannot check QuickBooks over COM on this machine: {exc}") from None
    except TransportError as exc:
        return [_refused("session", exc)]
    found = [_session(transport, facts)]
    try:
        host, company = _ask(transport)
    except TransportError as exc:
        return [*found, _refused("queries", exc)]
    return [*found, _host(host, facts, transport), _company(company, facts)]


def _refused(check: str, exc: Exception) -> Finding:
    """What stopped the check as a problem: QuickBooks' words, and the fix (kept apart)."""
    from syncengine.store.checks import PROBLEM, Finding
    from syncengine.transports.hresults import advice_for

    advice = advice_for(getattr(exc, "hresult", None))
    found = " ".join(str(exc).replace(advice, "").split()) if advice else str(exc)
    return Finding(check, PROBLEM, found, advice)


def _session(transport: ComTransport, facts: dict[str, Any]) -> Finding:
    from syncengine.store.checks import OK, Finding

    facts["file"] = transport.company_file_name()
    facts["qbxml_version"] = transport.qbxml_version
    return Finding("session", OK, f"connected; a session begun on {facts['file']}")


def _ask(transport: ComTransport) -> tuple[Response, Response]:
    """One document of the read-only queries; QuickBooks' two answers."""
    from syncengine.qbxml import MessageSet, parse_response, query
    from syncengine.sync.identity import OWNER_ID

    filters = {"Company": {"OwnerID": [OWNER_ID]}}  # the file's qbsync stamp comes back too
    asked = [query(kind, filters.get(kind)) for kind in READ_ONLY_QUERIES]
    document = MessageSet(asked).to_xml()
    host, company = parse_response(transport.send(document))
    return host, company


def _host(host: Response, facts: dict[str, Any], transport: ComTransport) -> Finding:
    from syncengine.store.checks import OK, PROBLEM, Finding
    from syncengine.transports.com import ENGINE_VERSIONS

    if host.status_code != 0 or not host.records:
        return Finding("QuickBooks", PROBLEM, _status("HostQuery", host), _SUPPORT)
    ret = host.records[0]
    versions = list(ret.get("SupportedQBXMLVersion", []))
    facts.update(
        product=ret.get("ProductName", ""),
        version=f"{ret.get('MajorVersion', '?')}.{ret.get('MinorVersion', '?')}",
        country=ret.get("Country", ""),
        file_mode=ret.get("QBFileMode", ""),
        qbxml_versions=versions,
    )
    found = (
        f"{facts['product']}, version {facts['version']} ({facts['country']}), the file open"
        f" {_mode(facts['file_mode'])}; it speaks qbXML {_span(versions)}, this engine"
        f" {', '.join(ENGINE_VERSIONS)}: the sync uses {transport.qbxml_version}"
    )
    return Finding("QuickBooks", OK, found)


def _company(company: Response, facts: dict[str, Any]) -> Finding:
    from syncengine.store.checks import OK, PROBLEM, Finding

    if company.status_code != 0 or not company.records:
        return Finding("company", PROBLEM, _status("CompanyQuery", company), _SUPPORT)
    from syncengine.sync.identity import company_file

    found = company_file(company.records[0])
    facts["company"], facts["stamp"] = found.name, found.file_id
    stamp = f"stamped by a qbsync workspace {found.file_id}" if found.file_id else "no qbsync stamp"
    return Finding("company", OK, f"{facts['company']!r} in {facts['file']}; {stamp}")


def _workspace(db: Path, facts: dict[str, Any]) -> Finding:
    """Whether the open file is the one the workspace ``db`` syncs with (the workspace only
    read): the check every sync makes first, without its stamping."""
    from syncengine.store.checks import OK, PROBLEM, Finding
    from syncengine.sync.identity import CompanyFile, WrongCompanyFile, decide

    expected = _remembered(db)
    try:
        first = decide(expected, CompanyFile(facts["company"], facts["stamp"]))
    except WrongCompanyFile as exc:
        return Finding("workspace", PROBLEM, str(exc).replace(" Nothing was changed.", ""))
    if first:
        found = f"{db} has not synced yet; its first sync will stamp this file as its own"
    else:
        found = f"this is the company file {db} syncs with"
    return Finding("workspace", OK, found)


def _remembered(db: Path) -> Expected | None:
    """The company file the workspace remembers (None: none yet), read without writing."""
    import contextlib
    import sqlite3

    from syncengine.store.checks import open_read_only
    from syncengine.store.settings import read_settings
    from syncengine.sync.identity import FILE_ID_KEY, NAME_KEY, remembered_in

    if not db.is_file():
        raise Refusal(f"no workspace at {db}; give the workspace file with --db, or leave it out")
    try:
        with contextlib.closing(open_read_only(db)) as conn:
            return remembered_in(read_settings(conn, [FILE_ID_KEY, NAME_KEY]))
    except sqlite3.DatabaseError as exc:
        raise Refusal(f"{db}: not a workspace qbsync can read ({exc})") from None


_SUPPORT = "QuickBooks answered the read-only query with an error; send this output to support"


def _status(request: str, answer: Response) -> str:
    return f"{request} answered status {answer.status_code}: {answer.status_message}"


def _mode(file_mode: str) -> str:
    return {"SingleUser": "single-user", "MultiUser": "multi-user"}.get(file_mode, file_mode)


def _span(versions: list[str]) -> str:
    return f"{versions[0]} to {versions[-1]}" if versions else "(none listed)"


def _text(app_name: str, findings: list[Finding], problems: int) -> str:
    from syncengine.store.checks import findings_text

    heading = f"QuickBooks on this machine, over COM as {app_name!r} (read-only):"
    return findings_text(heading, findings, problems, "Nothing was changed in QuickBooks. ")
