"""``qbsync wizard ...``: the sync wizard of a workspace — turn it on or off (``disable``
asks ``--keep`` or ``--clear`` while unchecked changes wait), what waits for approval in each
direction (all checked by default) with the badge count, which follows the queue, check or
uncheck candidates, approve the checked ones keeping or clearing the unchecked, the log of
syncs (``--outcome``, ``--since``, ``--limit``).

Exit status 0; 2 for a refusal (the wizard is off, a candidate that does not wait or does not
exist, disable without a choice), reason on stderr (JSON on stdout with ``--json``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import (
    Handler,
    Refusal,
    emit,
    open_workspace,
    plain,
    refusals,
    table,
    workspace_command,
)
from syncengine.commands.holding import holds_workspace

if TYPE_CHECKING:
    from syncengine.wizard import ApprovalResult, Wizard

# The wizard's words, written out so that building the parser does not import the wizard
# (and pandas); tests/test_cli_startup.py checks that they are the wizard's.
DIRECTIONS = ("export", "import")
UNCHECKED = ("keep", "clear")
LOG_OUTCOMES = ("pending", "successful", "failed")
WRITERS = frozenset({"enable", "disable", "refresh", "check", "uncheck", "approve"})
"""The wizard commands that change the workspace, and so hold it (status, list, log read)."""

Body = Callable[["Wizard", argparse.Namespace], tuple[Any, str]]
"""A wizard command: given the workspace's wizard and the arguments, the data and the text."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``wizard`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser("wizard", help="the sync wizard: list, check, approve, log")
    actions = family.add_subparsers(dest="wizard_action", metavar="ACTION", required=True)
    disable = _parser(
        actions, "disable", "let every change flow (what waits checked is approved)", _disable
    )
    choice = disable.add_mutually_exclusive_group()
    choice.add_argument(
        "--keep", action="store_true", help="unchecked changes go with the next sync too"
    )
    choice.add_argument(
        "--clear",
        action="store_true",
        help="unchecked changes stay out: their PSRs are deleted from the queue",
    )
    for name, text, body in (
        ("enable", "hold changes for approval from now on", _enable),
        ("status", "say whether the wizard is on, and the badge", _status),
        ("refresh", "offer every queued change that has no candidate yet", _refresh),
    ):
        _parser(actions, name, text, body)
    log = _parser(actions, "log", "pending, successful and failed syncs, oldest first", _log)
    log.add_argument("--outcome", choices=LOG_OUTCOMES, help="only syncs with this outcome")
    log.add_argument(
        "--since",
        metavar="WHEN",
        help="only syncs from this time on: 2026-01-05 or '2026-01-05 09:30', your zone",
    )
    log.add_argument("--limit", type=int, metavar="N", help="only the latest N syncs")
    listing = _parser(actions, "list", "what waits for approval, with the badge", _list)
    listing.add_argument("--direction", choices=DIRECTIONS, help="only this direction")
    for name, checked in (("check", True), ("uncheck", False)):
        parser = _parser(actions, name, f"{name} waiting candidates by ID", _checker(checked))
        parser.add_argument("ids", nargs="+", type=int, metavar="ID", help="candidate IDs")
    approve = _parser(actions, "approve", "approve every checked candidate", _approve)
    approve.add_argument("--direction", choices=DIRECTIONS, help="only this direction")
    approve.add_argument(
        "--unchecked",
        choices=UNCHECKED,
        default="keep",
        help="keep the unchecked candidates until the next sync (default) or clear them",
    )


def _parser(
    actions: argparse._SubParsersAction, name: str, text: str, body: Body
) -> argparse.ArgumentParser:
    parser = workspace_command(actions, name, text)
    parser.set_defaults(handler=_handler(name, body))
    if name in WRITERS:
        holds_workspace(parser)
    return parser


def _handler(name: str, body: Body) -> Handler:
    @refusals(f"wizard {name}")
    def run(args: argparse.Namespace) -> int:
        from syncengine.wizard import Wizard

        with open_workspace(args) as store:
            data, text = body(Wizard(store), args)
        return emit(args, data, text)

    return run


def _enable(wizard: Wizard, args: argparse.Namespace) -> tuple[Any, str]:
    wizard.enable()
    return _status(wizard, args)


def _disable(wizard: Wizard, args: argparse.Namespace) -> tuple[Any, str]:
    """Switch off; refused without ``--keep`` or ``--clear`` while unchecked changes wait."""
    held = wizard.unchecked()
    choice = "keep" if args.keep else "clear" if args.clear else None
    if choice is None and any(held.values()):
        raise Refusal(
            f"{_badge(held)} unchecked change(s) wait, held back from QuickBooks; with the"
            " wizard off every change goes with the next sync. Say what to do with them:"
            " qbsync wizard disable --keep (they go with the next sync too) or --clear (they"
            " stay out: their PSRs are deleted from the queue)"
        )
    result = wizard.disable(choice or "keep")
    return {"enabled": False, **plain(result)}, _disabled_text(result)


def _disabled_text(result: ApprovalResult) -> str:
    lines = ["the sync wizard is off: every change goes with the next sync"]
    approved = ", ".join(f"{n} {d}" for d, n in result.approved.items() if n)
    lines.append(f"approved: {approved}" if approved else "nothing was waiting")
    if result.kept:
        lines.append(f"{result.kept} unchecked kept: they go with the next sync too")
    if result.cleared:
        lines.append(f"{result.cleared_words()}: they stay out of QuickBooks")
    return "\n".join(lines)


def _status(wizard: Wizard, args: argparse.Namespace) -> tuple[Any, str]:
    on, badge = wizard.enabled, wizard.badge()
    text = f"the sync wizard is {'on' if on else 'off'}; waiting: {_badge(badge)}"
    return {"enabled": on, "badge": badge}, text


def _refresh(wizard: Wizard, args: argparse.Namespace) -> tuple[Any, str]:
    offered = wizard.refresh()
    return {"offered": offered}, f"{offered} change(s) offered; waiting: {_badge(wizard.badge())}"


def _list(wizard: Wizard, args: argparse.Namespace) -> tuple[Any, str]:
    from syncengine.wizard import CANDIDATE_COLUMNS

    frame = wizard.candidates(args.direction)
    text = f"{table(frame, CANDIDATE_COLUMNS)}\n\nwaiting: {_badge(wizard.badge())}"
    return {"candidates": frame, "badge": wizard.badge()}, text


def _checker(checked: bool) -> Body:
    def body(wizard: Wizard, args: argparse.Namespace) -> tuple[Any, str]:
        wizard.check(args.ids, checked=checked)
        word = "checked" if checked else "unchecked"
        return {"ids": args.ids, "checked": checked}, f"{word}: {', '.join(map(str, args.ids))}"

    return body


def _approve(wizard: Wizard, args: argparse.Namespace) -> tuple[Any, str]:
    result = wizard.approve_checked(args.direction, unchecked=args.unchecked)
    return result, result.summary()


def _log(wizard: Wizard, args: argparse.Namespace) -> tuple[Any, str]:
    from syncengine.wizard import LOG_COLUMNS

    if args.limit is not None and args.limit < 1:
        raise Refusal(f"--limit must be 1 or more, not {args.limit}")
    frame = wizard.log(args.outcome, _since(args.since), args.limit)
    return frame, table(frame, LOG_COLUMNS)


def _since(text: str | None) -> datetime | None:
    """``--since``: a date or a date and time, in the user's zone unless it has an offset."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Refusal(
            f"--since {text!r} is not a date or time; give 2026-01-05 or '2026-01-05 09:30'"
        ) from None
    return when if when.tzinfo else when.astimezone()


def _badge(badge: dict[str, int]) -> str:
    return ", ".join(f"{n} {direction}" for direction, n in badge.items())
