"""``qbsync import-app FOLDER``: the app's records from a folder of CSV (or Excel) files, one
per entity type (``docs/app-data.md``), checked by the app's own validation and written in one
transaction: a bad value refuses the whole import (exit 2), naming file, row, column and
what is wrong, and the workspace is left as it was.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path

from syncengine.commands.common import Refusal, emit, open_workspace, refusals, workspace_command
from syncengine.commands.holding import holding_file, holds_workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``import-app`` to the ``qbsync`` parser."""
    parser = holds_workspace(
        workspace_command(
            subparsers, "import-app", "add the app's records from a folder of CSV or Excel files"
        )
    )
    parser.add_argument("folder", type=Path, metavar="FOLDER", help="customers.csv, items.csv ...")
    parser.add_argument(
        "--new", action="store_true", help="create the workspace (--db) if it does not exist"
    )
    parser.set_defaults(handler=run)


@refusals("import-app")
def run(args: argparse.Namespace) -> int:
    """Import the folder; say how many records of each type were added."""
    from syncengine.app import App
    from syncengine.app.importer import import_folder

    with _holding_new(args):
        if args.new:
            _create(args)
        with open_workspace(args) as store:
            counts = import_folder(App(store), args.folder)
    text = ", ".join(f"{n} {k}" for k, n in counts.items()) or "nothing"
    return emit(args, {"imported": counts}, f"Imported {text} from {args.folder}.")


@contextlib.contextmanager
def _holding_new(args: argparse.Namespace) -> Iterator[None]:
    """Hold a workspace ``--new`` is about to create, from before it exists to the end of the
    import, as one that exists is held (a second import creating it waits or is refused)."""
    path = Path(getattr(args, "db", None) or "")
    if not args.new or not getattr(args, "db", None) or path.exists() or not path.parent.is_dir():
        yield
        return
    with holding_file(args, "import-app", path, "workspace"):
        yield


def _create(args: argparse.Namespace) -> None:
    """Make the empty workspace ``--db`` names, unless it exists already."""
    from syncengine.store import Store

    path = Path(getattr(args, "db", None) or "")
    if not getattr(args, "db", None) or path.exists():
        return
    if not path.parent.is_dir():
        raise Refusal(f"no folder {path.parent} for the workspace {path.name}; create it first")
    Store(path).close()
