"""``qbsync preflight``: before any sync, what of the workspace's app records QuickBooks would
refuse (names in use, text too long or not encodable, missing references, reference numbers
used twice), each with its fix. QuickBooks' side is read with qbXML queries only: a simulated
company file (``--company``, default the workspace's own), a company loaded from a folder of
query answers (``--company-from``, as ``qbsync export-company`` writes) or QuickBooks over COM
(``--com``).

Exit status: 0 clean, or findings listed; 1 with ``--strict`` when there are findings; 2 a
refusal (no workspace, no company file, QuickBooks out of reach).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import Refusal, emit, open_workspace, refusals, workspace_command
from syncengine.commands.jobs import add_com_options, com_transport

if TYPE_CHECKING:
    from syncengine.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``preflight`` to the ``qbsync`` parser."""
    parser = workspace_command(
        subparsers,
        "preflight",
        "find what QuickBooks would refuse of the workspace's app records, before any sync",
    )
    parser.add_argument(
        "--company", type=Path, metavar="PATH", help="simulated company file (read only)"
    )
    parser.add_argument(
        "--company-from",
        type=Path,
        metavar="FOLDER",
        help="a company loaded from query answers (`qbsync export-company --out FOLDER`)",
    )
    parser.add_argument("--com", action="store_true", help="QuickBooks on this machine (Windows)")
    add_com_options(parser)
    parser.add_argument("--strict", action="store_true", help="exit 1 when anything is found")
    parser.set_defaults(handler=run)


@refusals("preflight")
def run(args: argparse.Namespace) -> int:
    """Run the checks and list the findings; the exit status (see the module docstring)."""
    from syncengine.reports.preflight import preflight

    with open_workspace(args) as store, _transport(args, store) as transport:
        findings = preflight(store, transport)
    found = [f.as_dict() for f in findings]
    emit(args, {"findings": found, "count": len(found)}, lambda: render(found))
    return 1 if args.strict and findings else 0


def _transport(args: argparse.Namespace, store: Store) -> Any:
    """The way to QuickBooks' side: COM, or the simulated company file, only read."""
    if args.com:
        return com_transport(args)
    from syncengine.rehearsal.companyfile import company_from_answers, read_company
    from syncengine.rehearsal.rehearse import company_file
    from syncengine.transports.simulated import SimulatedTransport

    if args.company_from is not None:
        return SimulatedTransport(company_from_answers(args.company_from))
    path = args.company or company_file(Path(store.path))
    if not path.exists():
        raise Refusal(
            f"no simulated company at {path}; give the client's company with --company PATH"
            " or --company-from FOLDER (qbsync export-company), or check real QuickBooks"
            " with --com"
        )
    return SimulatedTransport(read_company(path))


def render(findings: list[dict[str, Any]]) -> str:
    """The findings (:meth:`Finding.as_dict`) for people: one block each, the fix indented;
    or that all is clear."""
    if not findings:
        return "Pre-flight: nothing QuickBooks would refuse."
    lines = [f"Pre-flight: {len(findings)} finding(s)."]
    for f in findings:
        code = f" [{f['code']}]" if f["code"] is not None else ""
        lines.append(f"- {f['record']}: {f['field']} = {f['value']!r}: {f['problem']}{code}")
        lines.append(f"    fix: {f['fix']}")
    return "\n".join(lines)
