"""``qbsync record ...``: what support does to one app record — undo sync, prevent sync (and
allow it again), set a transaction's status, close it, delete a payment, resync, clear ID — and
the list of unsynced records with the fix for each (in full, below the table).

Each action prints what it did and what follows (``invoice '1001' (id 5): sync undone. ...``).
Exit status 0; 2 for a refusal (a payment cannot be undone, a record locked in a job, an
unknown status or ID), reason on stderr.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from syncengine.commands.common import (
    act,
    action_handler,
    add_json_option,
    add_workspace_option,
    emit,
    open_workspace,
    paragraphs,
    refusals,
    table,
    workspace_command,
)
from syncengine.commands.holding import holds_workspace

if TYPE_CHECKING:
    import pandas as pd

ONE_RECORD = (
    ("undo-sync", "undo_sync", "re-open a synced transaction and queue its deletion"),
    ("prevent-sync", "prevent_sync", "keep a record out of syncing for good"),
    ("allow-sync", "allow_sync", "remove a record's prevent-sync mark"),
    ("close", "close", "set a transaction to its type's closed status"),
    ("delete-payment", "delete_payment", "delete a payment no gateway processed"),
    ("resync", "resync", "queue an unsynced record again"),
    ("clear-id", "clear_id", "forget the QuickBooks ID of a record deleted there"),
)
UNSYNCED_COLUMNS = ("entity_id", "entity_type", "name", "state", "error_code", "psr_id")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``record`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser(
        "record", help="actions on one record: undo sync, prevent sync, status, resync, clear ID"
    )
    actions = family.add_subparsers(dest="record_action", metavar="ACTION", required=True)
    for name, method, text in ONE_RECORD:
        parser = _parser(actions, name, text)
        parser.set_defaults(handler=action_handler(f"record {name}", method, "record"))
    status = _parser(actions, "set-status", "move a transaction to a status of its type")
    status.add_argument("status", help="the new status, e.g. approved")
    status.set_defaults(handler=run_set_status)
    unsynced = actions.add_parser("unsynced", help="records QuickBooks does not have, with a fix")
    add_workspace_option(unsynced)
    add_json_option(unsynced)
    unsynced.set_defaults(handler=run_unsynced)


def _parser(actions: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:
    parser = holds_workspace(workspace_command(actions, name, text))
    parser.add_argument("record", type=int, metavar="RECORD", help="the app record's ID")
    return parser


@refusals("record set-status")
def run_set_status(args: argparse.Namespace) -> int:
    """Set the transaction's status; the action refuses a status its type does not have."""
    return act(args, "set_status", args.record, args.status)


@refusals("record unsynced")
def run_unsynced(args: argparse.Namespace) -> int:
    """Print every unsynced record with its state, last error and the fix."""
    from syncengine.actions import Actions

    with open_workspace(args) as store:
        frame = Actions(store).unsynced()
    return emit(args, frame, lambda: _unsynced_text(frame))


def _unsynced_text(frame: pd.DataFrame) -> str:
    """The table, then each record's fix in full (too long for a table cell)."""
    if frame.empty:
        return table(frame, UNSYNCED_COLUMNS)
    fixes = [
        (f"record {r.entity_id}, {r.entity_type} {r.name!r}:", str(r.fix))
        for r in frame.itertuples()
    ]
    return f"{table(frame, UNSYNCED_COLUMNS)}\n\n{paragraphs('Fixes', fixes)}"
