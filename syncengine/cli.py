"""``qbsync``: the command line. Each command family lives in ``syncengine.commands.<name>``
and adds itself with ``register(subparsers)``; its handler returns the exit status.

Exit status: 0 done, 1 the thing checked was found wrong (invalid XML, failed expectation),
2 a refusal or bad input (reason on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "qbxml",
    "demo",
    "rehearse",
    "queue",
    "jobs",
    "actions",
    "wizard",
    "guide",
    "report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qbsync",
        description="QB Sync Lab: sync an app with QuickBooks Desktop, or rehearse against qbsim.",
    )
    parser.add_argument("--db", help="workspace database file (SQLite)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"syncengine.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``qbsync ... | head``): nothing left to say to it.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stdout must stay open until exit
        return 0


if __name__ == "__main__":
    sys.exit(main())
