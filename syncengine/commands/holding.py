"""Holding the workspace while a command writes it (:mod:`syncengine.lock`): the ``--wait``
option of such commands, and the holds themselves, taken by
:func:`syncengine.commands.common.refusals` around the handler (the workspace) or by a handler
(a simulated company file, a rehearsal's new workspace).

Commands that only read (lists, shows, reports) hold nothing: they read between a holder's
transactions, so a running job can be watched.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path


def holds_workspace(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Mark ``parser``'s command as one that writes the workspace: while it runs it holds it
    (:mod:`syncengine.lock`), refused at once when another process does, or with ``--wait``
    after waiting that long for it (``--wait`` alone: as long as it takes)."""
    parser.add_argument(
        "--wait",
        nargs="?",
        type=_seconds,
        const=math.inf,
        default=0.0,
        metavar="SECONDS",
        help="if another process holds the workspace, wait for it (SECONDS at most)",
    )
    parser.set_defaults(holds_workspace=True)
    return parser


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # NaN too
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds of 0 or more")
    return seconds


@contextlib.contextmanager
def held(args: argparse.Namespace, command: str) -> Iterator[None]:
    """Hold the workspace while the block runs when the command writes it
    (:func:`holds_workspace`); a workspace that does not exist is the handler's to refuse."""
    db = Path(args.db) if getattr(args, "db", None) else None
    if db is None or not db.is_file() or not getattr(args, "holds_workspace", False):
        yield
        return
    with holding_file(args, command, db, "workspace"):
        yield


@contextlib.contextmanager
def holding_file(args: argparse.Namespace, command: str, path: Path, what: str) -> Iterator[None]:
    """Hold ``path`` (``what``: "workspace", "simulated company") for this command, waiting
    as ``--wait`` says; a dead holder's lock taken over is said on stderr."""
    from syncengine.lock import holding  # only commands that write load the lock library

    wait = getattr(args, "wait", 0.0)
    with holding(path, _command_line(args, command), wait, what) as hold:
        if hold.took_over is not None:
            print(
                f"qbsync {command}: took over {what} {path} from {hold.took_over.describe()},"
                " which stopped without letting go",
                file=sys.stderr,
            )
        yield


def _command_line(args: argparse.Namespace, command: str) -> str:
    words = getattr(args, "command_line", None)
    return "qbsync " + (shlex.join(words) if words else command)
