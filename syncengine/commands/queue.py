"""``qbsync queue ...``: the sync queue of a workspace — list and filter its PSRs, delete a PSR
from it, proxy a record (keep it out of syncing) or remove the proxy.

Exit status 0; 2 for a refusal (a PSR locked in a job, a "to be deleted" PSR, an unknown ID,
a column the queue cannot sort by), reason on stderr.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from syncengine.commands.common import (
    action_handler,
    add_json_option,
    add_workspace_option,
    emit,
    open_workspace,
    refusals,
    table,
)
from syncengine.commands.holding import holds_workspace

if TYPE_CHECKING:
    import pandas as pd

# The store's words for PSRs, written out so that building the parser does not import the
# store (and pandas); tests/test_cli_startup.py checks that they are the store's.
STATES = ("queued", "locked", "failed", "done", "removed", "cancelled")
ACTIONS = ("add", "modify", "delete", "inactivate", "void")
SORTABLE = (
    "id",
    "dep_order",
    "entity_type",
    "name",
    "action",
    "state",
    "error_code",
    "attempts",
    "created_at",
    "updated_at",
)
COLUMNS = (
    "id",
    "entity_id",
    "entity_type",
    "name",
    "action",
    "state",
    "job_id",
    "attempts",
    "error_code",
    "error_message",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``queue`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser("queue", help="the sync queue: list, delete a PSR, proxy")
    actions = family.add_subparsers(dest="queue_action", metavar="ACTION", required=True)
    _list(actions)
    _one(actions, "delete", "delete_psr", "PSR", "delete a queued or failed PSR from the queue")
    _one(actions, "restore", "restore_deleted", "PSR", "reverse a deleted PSR (always refused)")
    _one(actions, "proxy", "proxy", "RECORD", "keep a record out of syncing (proxy it)")
    _one(actions, "unproxy", "unproxy", "RECORD", "remove a record's proxy")


def _list(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "list",
        help="PSRs in the queue, filtered and sorted",
        description="PSRs of the queue (default: queued, locked and failed), filtered and sorted.",
    )
    parser.add_argument("--type", action="append", metavar="TYPE", help="entity type (repeat)")
    parser.add_argument("--action", action="append", choices=ACTIONS, help="PSR action (repeat)")
    states = parser.add_mutually_exclusive_group()
    states.add_argument("--state", action="append", choices=STATES, help="PSR state (repeat)")
    states.add_argument("--all", action="store_true", help="every state, closed ones too")
    parser.add_argument("--code", type=int, help="only PSRs whose last error has this code")
    parser.add_argument("--text", help="text in the name, type, error message or note")
    parser.add_argument("--job", type=int, help="only PSRs locked in this job")
    parser.add_argument(
        "--sort",
        action="append",
        choices=SORTABLE,
        help="sort by this column (repeat; default dep_order)",
    )
    parser.add_argument("--desc", action="store_true", help="sort descending")
    parser.add_argument("--limit", type=int, help="show at most N PSRs")
    add_workspace_option(parser)
    add_json_option(parser)
    parser.set_defaults(handler=run_list)


def _one(actions: argparse._SubParsersAction, name: str, method: str, what: str, text: str) -> None:
    parser = actions.add_parser(name, help=text, description=text)
    parser.add_argument("target", type=int, metavar=what, help=f"{what.lower()} ID")
    add_workspace_option(parser)
    add_json_option(parser)
    holds_workspace(parser)
    parser.set_defaults(handler=action_handler(f"queue {name}", method, "target"))


@refusals("queue list")
def run_list(args: argparse.Namespace) -> int:
    """Print the PSRs the filters select, with the queue's counts by state below."""
    from syncengine.queue import SyncQueue
    from syncengine.store.psrs import ACTIVE_STATES

    state = None if args.all else (args.state or list(ACTIVE_STATES))
    with open_workspace(args) as store:
        queue = SyncQueue(store)
        frame = queue.frame(
            entity_type=args.type,
            action=args.action,
            state=state,
            error_code=args.code,
            text=args.text,
            job_id=args.job,
            sort=args.sort or "dep_order",
            descending=args.desc,
        )
        counts = queue.counts()
    if args.limit is not None:
        frame = frame.head(args.limit)
    return emit(args, frame, lambda: _text(frame, counts))


def _text(frame: pd.DataFrame, counts: dict[str, int]) -> str:
    summary = ", ".join(f"{counts[s]} {s}" for s in STATES if counts.get(s))
    return f"{table(frame, COLUMNS)}\n\n{len(frame)} shown; queue: {summary or 'empty'}"
