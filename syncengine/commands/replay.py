"""``qbsync replay EVIDENCE --out scenarios/NAME.yaml``: reproduce a customer's error from
their evidence (a workspace, a folder of qbXML request and response files, or a Web Connector
log) as a playbook, and say whether it reproduces (see :mod:`syncengine.rehearsal.replay`).

Exit status: 0 reproduced (the written playbook runs as the customer's QuickBooks answered);
1 qbsim answered otherwise (a fidelity gap, both answers shown; the playbook is still written,
marked ``known_failure``); 2 bad evidence, a ``--code`` or ``--exchange`` it does not hold,
or a refused ``--out`` (one line on stderr).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from syncengine.commands.common import Refusal, add_json_option, emit, refusals

PLAYBOOK_NAME = r"[a-z0-9][a-z0-9-]*"
"""A playbook's name, as the scenarios' own: lower-case words joined by hyphens."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``replay`` to the ``qbsync`` parser."""
    text = "reproduce a customer's error from their evidence as a playbook"
    parser = subparsers.add_parser("replay", help=text, description=text)
    parser.add_argument(
        "evidence",
        metavar="EVIDENCE",
        help="a workspace, a folder of qbXML request/response files, or a QWCLog.txt",
    )
    parser.add_argument("--out", type=Path, required=True, help="the playbook to write (.yaml)")
    parser.add_argument("--name", help="the playbook's name (default: the file's name)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    parser.add_argument(
        "--full", action="store_true", help="at a fidelity gap, print both whole answers too"
    )
    stop = parser.add_mutually_exclusive_group()
    stop.add_argument(
        "--code",
        help="stop at the first answer with this status code (e.g. 3200), going on past"
        " earlier errors (default: the first error)",
    )
    stop.add_argument("--exchange", type=int, metavar="N", help="stop after exchange N")
    add_json_option(parser)
    parser.set_defaults(handler=run)


@refusals("replay")
def run(args: argparse.Namespace) -> int:
    """Replay, write and run the playbook; say what happened. 0, 1 or 2 (module docstring)."""
    from syncengine.rehearsal.replay import render, reproduce
    from syncengine.rehearsal.replay.play import Stop

    name = _checked_out(args.out, args.name, args.force)
    if args.code is not None and not args.code.lstrip("-").isdigit():
        raise Refusal(f"--code {args.code}: a status code is a number; give e.g. --code 3200")
    done = reproduce(args.evidence, args.out, name, Stop(args.code, args.exchange))
    emit(args, done.as_dict(), lambda: render(done, args.full))
    return 0 if done.reproduced else 1


def _checked_out(out: Path, name: str | None, force: bool) -> str:
    """The playbook's name; refused when ``out`` exists (without ``--force``), is no
    ``.yaml`` file in an existing folder, or the name is not a playbook name matching it."""
    import re

    if out.suffix != ".yaml":
        raise Refusal(f"--out {out}: a playbook is a .yaml file; give e.g. scenarios/NAME.yaml")
    if out.exists() and not force:
        raise Refusal(f"--out {out} exists; give another name, or --force to overwrite it")
    if not out.parent.is_dir():
        raise Refusal(f"--out {out}: no folder {out.parent}; create it or give another path")
    name = name or out.stem
    if not re.fullmatch(PLAYBOOK_NAME, name) or name != out.stem:
        raise Refusal(
            f"playbook name {name!r}: give lower-case letters, digits and hyphens, the same as"
            f" the file's name ({out.stem!r}); a playbook is named by its file"
        )
    return name
