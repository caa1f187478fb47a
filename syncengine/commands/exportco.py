"""``qbsync export-company --out FOLDER``: a read-only export of a QuickBooks company, the
answers of its list queries (and transaction headers with reference numbers) as QuickBooks
sent them, one file per page, with ``manifest.json`` (see :mod:`syncengine.sync.company_export`).
From QuickBooks over COM (``--com``) or a simulated company file (``--simulated --company
PATH``). ``qbsync preflight --company-from FOLDER`` and ``qbsync rehearse --company-from
FOLDER`` then meet the client's real names.

Exit status: 0 written; 2 a refusal (no company, QuickBooks out of reach or refusing a query,
a folder that cannot be written). After a refusal mid-way the manifest says the export is
incomplete, and ``--company-from`` refuses the folder until an export completes.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from syncengine.commands.common import Refusal, add_json_option, emit, refusals
from syncengine.commands.jobs import add_com_options, com_transport


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``export-company`` to the ``qbsync`` parser."""
    text = "write a company's query answers to a folder (read only), to rehearse against it"
    parser = subparsers.add_parser("export-company", help=text, description=text)
    add_json_option(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="FOLDER", help="folder")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--simulated", action="store_true", help="a simulated company file")
    where.add_argument("--com", action="store_true", help="QuickBooks on this machine (Windows)")
    parser.add_argument("--company", type=Path, metavar="PATH", help="simulated company file")
    add_com_options(parser)
    parser.set_defaults(handler=run)


@refusals("export-company")
def run(args: argparse.Namespace) -> int:
    """Export the company; list what was written."""
    from syncengine.sync.company_export import export_company

    with _transport(args) as transport:
        report = export_company(transport, args.out)
    data = report.as_dict()
    emit(args, data, lambda: render(report.records, args.out))
    return 0


def _transport(args: argparse.Namespace) -> Any:
    """COM, or the simulated company file, only read (never saved back)."""
    if args.com:
        return com_transport(args)
    if args.company is None:
        raise Refusal("--simulated needs the company file: add --company PATH")
    if not args.company.exists():
        raise Refusal(f"no simulated company at {args.company}; give an existing --company PATH")
    from syncengine.rehearsal.companyfile import read_company
    from syncengine.transports.simulated import SimulatedTransport

    return SimulatedTransport(read_company(args.company))


def render(records: dict[str, int], folder: Path) -> str:
    """Records exported per query type, and where."""
    lines = [f"Exported to {folder}:"]
    lines += [f"  {kind:<16} {count:>7}" for kind, count in records.items()]
    return "\n".join(lines)
