"""``qbsync guide [CODE]``: the status-code guide's entry for a QuickBooks status code or
HRESULT (``qbsync guide 3100``, ``qbsync guide 0x80040408``), or every entry as a table.

Exit status 0; 2 for a code the guide cannot read or knows nothing about.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from syncengine.commands.common import add_json_option, emit, refusals, table
from syncengine.reports.layout import wrap

if TYPE_CHECKING:
    from syncengine.reports.guide import GuideEntry

COLUMNS = ("key", "kind", "severity", "title")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``guide`` to the ``qbsync`` parser."""
    parser = subparsers.add_parser(
        "guide",
        help="what a status code or HRESULT means and the steps that fix it",
        description="The status-code guide: give a qbXML status code (3100) or a QBXMLRP2 "
        "HRESULT (0x80040408) for its entry, or nothing for the list of entries.",
    )
    parser.add_argument("code", nargs="?", metavar="CODE", help="e.g. 3100 or 0x80040408")
    parser.add_argument(
        "--kind", choices=("status", "hresult"), help="list only status codes or HRESULTs"
    )
    add_json_option(parser)
    parser.set_defaults(handler=run)


@refusals("guide")
def run(args: argparse.Namespace) -> int:
    """Print one entry, or the list of entries."""
    from syncengine.reports import guide

    if args.code is None:
        every = guide.entries(args.kind)
        rows = [e.as_dict() for e in every]
        return emit(args, rows, lambda: table(rows, COLUMNS))
    entry = guide.entry(args.code)
    return emit(args, entry.as_dict(), lambda: render(entry))


def render(entry: GuideEntry) -> str:
    """One entry for people: title, QuickBooks' words, meaning, steps, what the sync does."""
    kind = "status code" if entry.kind == "status" else "HRESULT"
    detail = entry.severity if entry.kind == "status" else entry.family
    lines = [f"{entry.key}  {entry.title}  ({kind}, {detail})"]
    if not entry.exact:
        what = "range" if entry.kind == "status" else "family"
        lines.append(f"(no entry of its own: what its {what} means)")
    if entry.says:
        lines += ["", wrap(f"QuickBooks says: {entry.says}", 0, 2)]
    lines += ["", "What it means:", wrap(entry.meaning), "", "What to do:", *_steps(entry)]
    if entry.engine:
        lines += ["", "What the sync does by itself:", wrap(entry.engine)]
    if entry.on_delete:
        deleting = entry.for_action("delete")
        lines += ["", "When the change was a deletion:", wrap(deleting.meaning)]
        lines += _steps(deleting)
    return "\n".join(lines)


def _steps(entry: GuideEntry) -> list[str]:
    return [wrap(f"{n}. {step}", 2, 5) for n, step in enumerate(entry.steps, 1)]
