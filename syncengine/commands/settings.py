"""``qbsync settings ...``: the workspace settings — show every one (value, default, meaning)
and set one, with what the change did to the sync queue.

``settings set KEY VALUE`` takes a key (``sync.time``) or its property name (``time``,
``mark_paid``); VALUE is ``true``/``false`` for a switch, a number, a date (YYYY-MM-DD, or
``none`` to clear), or a comma-separated list (``billing,ship_document``). It goes through
``SyncSettings.set``: an area, a source or the begin date re-scopes the queue, and the command
says how many PSRs that cancelled or queued. Exit status 0; 2 for a refusal (an unknown key,
a bad value, a setting the engine keeps itself), reason on stderr naming the setting.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import (
    Refusal,
    add_json_option,
    add_workspace_option,
    emit,
    open_workspace,
    refusals,
    table,
)
from syncengine.commands.holding import holds_workspace

if TYPE_CHECKING:
    from syncengine.store import Store

SHOW_COLUMNS = ("key", "value", "default", "doc")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``settings`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser("settings", help="workspace settings: show, set")
    actions = family.add_subparsers(dest="settings_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="every setting: value, default, meaning")
    show.add_argument("--changed", action="store_true", help="only settings not at default")
    show.set_defaults(handler=run_show)
    text = "change one setting; says what the change did to the sync queue"
    set_ = actions.add_parser("set", help=text, description=text)
    set_.add_argument("key", metavar="KEY", help="e.g. sync.time, export.mark_paid, mark_paid")
    set_.add_argument("value", metavar="VALUE", help="true/false, a number, a date, a,b list")
    set_.set_defaults(handler=run_set)
    holds_workspace(set_)
    for parser in (show, set_):
        add_workspace_option(parser)
        add_json_option(parser)


@refusals("settings show")
def run_show(args: argparse.Namespace) -> int:
    """Print every setting with its value, default and meaning."""
    from syncengine.commands.common import plain
    from syncengine.settings import SyncSettings

    with open_workspace(args) as store:
        rows = plain(SyncSettings(store).frame())
    if args.changed:
        rows = [r for r in rows if r["changed"]]
    return emit(args, rows, lambda: table(_as_typed(rows), SHOW_COLUMNS, width=100))


def _as_typed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with each value and default written as ``settings set`` takes them."""
    return [{**r, "value": _shown(r["value"]), "default": _shown(r["default"])} for r in rows]


@refusals("settings set")
def run_set(args: argparse.Namespace) -> int:
    """Set one setting and state its effect on the queue, computed from what it did."""
    with open_workspace(args) as store:
        key = setting_key(args.key)
        data = change_setting(store, key, parse_value(key, args.value))
    return emit(args, data, data["text"])


def setting_key(text: str) -> str:
    """The setting's key, from its key or its ``SyncSettings`` property name."""
    from syncengine.settings.sync_settings import SyncSettings
    from syncengine.store.settings import SETTINGS

    word = text.strip()
    if word in SETTINGS:
        return word
    names = SyncSettings.property_keys()
    if word.replace("-", "_") in names:
        return names[word.replace("-", "_")]
    known = ", ".join(SETTINGS)
    raise Refusal(f"settings: no setting {text!r}; known: {known}")


def parse_value(key: str, text: str) -> Any:
    """The text of VALUE in the setting's type (:func:`syncengine.settings.change.value_from_text`);
    the engine checks the allowed values."""
    from syncengine.settings.change import value_from_text

    return value_from_text(key, text)


def change_setting(store: Store, key: str, value: Any) -> dict[str, Any]:
    """Set ``key`` through ``SyncSettings.set`` and say what it did to the queue
    (:func:`syncengine.settings.change.change_setting`), as JSON-ready data."""
    from syncengine.settings.change import change_setting as change

    done = change(store, key, value)
    return {
        "key": key,
        "old": _plain(done.old),
        "value": _plain(done.new),
        "rescoped": None if done.rescoped is None else vars(done.rescoped),
        "queue_before": done.before.counts,
        "queue_after": done.after.counts,
        "effect": done.effect,
        "text": done.text,
    }


def _shown(value: Any) -> str:
    from syncengine.settings.change import shown_value

    return shown_value(_plain(value))


def _plain(value: Any) -> Any:
    from syncengine.commands.common import plain

    return plain(value)
