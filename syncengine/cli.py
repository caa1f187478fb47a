"""``qbsync``: the command line. Each command family lives in ``syncengine.commands.<name>``
and adds itself with ``register(subparsers)``; its handler returns the exit status. Command
modules import the engine inside their handlers, so that building the parser (``--help``) and
``qbsync guide`` import neither pandas, qbsim nor lxml (``tests/test_cli_startup.py``).

Exit status: 0 done, 1 the thing checked was found wrong (invalid XML, failed expectation),
2 a refusal or bad input (reason on stderr), as argparse does for a bad command line. With
``--json`` a refusal, a bad command line's too, is ``{"error", "command", "exit": 2}`` on
stdout.

A refusal is a ``SyncError`` (see ``syncengine.commands.common``). Any other exception is a
bug in QB Sync Lab, not in the input: ``main`` prints
``qbsync <command>: internal error: <error>`` with a request to report it and the traceback on
stderr, and exits 1.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from syncengine.clock import Clock

COMMAND_MODULES = (
    "qbxml",
    "demo",
    "rehearse",
    "campaign",
    "queue",
    "jobs",
    "actions",
    "wizard",
    "guide",
    "report",
    "app",
    "settings",
    "autosync",
    "scenario",
    "doctor",
    "webconnector",
    "preflight",
    "importapp",
    "exportco",
    "replay",
    "profile",
)


class Parser(argparse.ArgumentParser):
    """argparse's parser; with ``--json`` on the command line a bad command line is refused
    as every refusal is with ``--json``: a JSON object on stdout, exit 2."""

    json_refusals = False

    def error(self, message: str) -> NoReturn:
        if not Parser.json_refusals:
            super().error(message)
        refusal = {"error": message, "command": self.prog, "exit": 2}
        print(json.dumps(refusal, indent=2))
        sys.exit(2)


@functools.cache
def build_parser() -> argparse.ArgumentParser:
    """The ``qbsync`` parser, built once per process: a playbook runs many command lines in
    one process, and building the parser costs more than most commands do. Handlers are bound
    when it is built (patch what a handler calls, not the handler)."""
    parser = Parser(
        prog="qbsync",
        description="QB Sync Lab: sync an app with QuickBooks Desktop, or rehearse against qbsim.",
    )
    parser.add_argument("--db", help="workspace database file (SQLite)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"syncengine.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run ``qbsync ARGV``; its exit status. ``clock``: the clock the workspace commands stamp
    with (a playbook run's own, in this process); None, the system clock, as on a terminal."""
    parser = build_parser()
    Parser.json_refusals = "--json" in (sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(argv)
    if extra and not _takes_extra(args, extra):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.clock = clock
    args.command_line = list(sys.argv[1:] if argv is None else argv)  # who holds a workspace
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``qbsync ... | head``): nothing left to say to it.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stdout must stay open until exit
        return 0
    except Exception as exc:  # anything not a refusal is a bug: say so, to be reported
        return internal_error(command_name(args), exc)


def _takes_extra(args: argparse.Namespace, extra: list[str]) -> bool:
    """A command whose ``field=value`` words may follow its options (``app add TYPE --line
    ... status=approved``) takes the words argparse left over; nothing else does."""
    if not hasattr(args, "extra_words") or any(word.startswith("-") for word in extra):
        return False
    args.extra_words = extra
    return True


def command_name(args: argparse.Namespace) -> str:
    """The command as typed, without its arguments: ``guide``, ``record undo-sync``."""
    action = getattr(args, f"{args.command}_action", None)
    return f"{args.command} {action}" if action else args.command


def internal_error(command: str, exc: Exception) -> int:
    """Say on stderr that ``command`` met a bug, with the traceback to report; exit status 1."""
    print(
        f"qbsync {command}: internal error: {type(exc).__name__}: {exc}\n"
        "This is a bug in QB Sync Lab, not a problem with your input; please report it, with "
        "the traceback below.",
        file=sys.stderr,
    )
    traceback.print_exception(exc, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
