"""``qbsync wizard ...``: the sync wizard of a workspace — turn it on or off, what waits for
approval in each direction (all checked by default) with the badge count, check or uncheck
candidates, approve the checked ones keeping or clearing the unchecked, the log of syncs.

Exit status 0; 2 for a refusal (the wizard is off, a candidate that does not wait or does not
exist), reason on stderr.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import (
    Handler,
    add_json_option,
    add_workspace_option,
    emit,
    open_workspace,
    refusals,
    table,
)

if TYPE_CHECKING:
    from syncengine.wizard import ApprovalResult, Wizard

# The wizard's words, written out so that building the parser does not import the wizard
# (and pandas); tests/test_cli_startup.py checks that they are the wizard's.
DIRECTIONS = ("export", "import")
UNCHECKED = ("keep", "clear")

Body = Callable[["Wizard", argparse.Namespace], tuple[Any, str]]
"""A wizard command: given the workspace's wizard and the arguments, the data and the text."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``wizard`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser("wizard", help="the sync wizard: list, check, approve, log")
    actions = family.add_subparsers(dest="wizard_action", metavar="ACTION", required=True)
    for name, text, body in (
        ("enable", "hold changes for approval from now on", _enable),
        ("disable", "let every change flow (whatever waits is approved)", _disable),
        ("status", "say whether the wizard is on, and the badge", _status),
        ("refresh", "offer every queued change that has no candidate yet", _refresh),
        ("log", "pending, successful and failed syncs, oldest first", _log),
    ):
        _parser(actions, name, text, body)
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
    parser = actions.add_parser(name, help=text, description=text)
    add_workspace_option(parser)
    add_json_option(parser)
    parser.set_defaults(handler=_handler(name, body))
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
    wizard.disable()
    return _status(wizard, args)


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
    return result, _approved_text(result)


def _approved_text(result: ApprovalResult) -> str:
    approved = ", ".join(f"{n} {d}" for d, n in result.approved.items())
    lines = [f"approved: {approved or 'nothing'}; they go with the next sync"]
    if result.kept:
        lines.append(f"{result.kept} unchecked kept: offered again after the next sync")
    if result.cleared:
        removed = ", ".join(map(str, result.removed_psrs))
        deleted = f" (PSR {removed} deleted from the queue)" if removed else ""
        lines.append(f"{result.cleared} unchecked cleared{deleted}")
    return "\n".join(lines)


def _log(wizard: Wizard, args: argparse.Namespace) -> tuple[Any, str]:
    from syncengine.wizard import LOG_COLUMNS

    frame = wizard.log()
    return frame, table(frame, LOG_COLUMNS)


def _badge(badge: dict[str, int]) -> str:
    return ", ".join(f"{n} {direction}" for direction, n in badge.items())
