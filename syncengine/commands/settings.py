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

if TYPE_CHECKING:
    from syncengine.store import Store

SHOW_COLUMNS = ("key", "value", "default", "doc")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_CLEAR = {"none", "null", ""}


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
    """The text of VALUE in the setting's type; the engine checks the allowed values."""
    from syncengine.store.settings import SETTINGS

    spec = SETTINGS[key]
    word = text.strip()
    if spec.optional and word.lower() in _CLEAR:
        return None
    if spec.kind is bool:
        if word.lower() not in _TRUE | _FALSE:
            raise Refusal(f"setting {key} = {text!r}: must be true or false (on/off, yes/no)")
        return word.lower() in _TRUE
    if spec.kind is int:
        if not word.lstrip("-").isdigit():
            raise Refusal(f"setting {key} = {text!r}: must be a whole number")
        return int(word)
    if spec.kind is list:
        return [part.strip() for part in word.split(",") if part.strip()]
    return word  # text and dates: the engine reads and checks them


def change_setting(store: Store, key: str, value: Any) -> dict[str, Any]:
    """Set ``key`` through ``SyncSettings.set`` and say what it did to the queue."""
    from syncengine.errors import RecordError
    from syncengine.settings import IMPORT_MARKS, SyncSettings

    settings = SyncSettings(store)
    before = _state(store, IMPORT_MARKS)
    old = store.settings.get(key)
    try:
        settings.set(key, value)
    except RecordError as exc:
        raise Refusal(f"setting {key} = {_shown(value)!r}: {exc.reason}") from None
    after = _state(store, IMPORT_MARKS)
    new = store.settings.get(key)
    effect = _effect(settings.last_rescope, before, after)
    text = f"{key}: {_shown(old)} -> {_shown(new)}. {effect}"
    rescoped = settings.last_rescope
    return {
        "key": key,
        "old": _plain(old),
        "value": _plain(new),
        "rescoped": None if rescoped is None else vars(rescoped),
        "queue_before": before["counts"],
        "queue_after": after["counts"],
        "effect": effect,
        "text": text,
    }


def _state(store: Store, marks: tuple[str, ...]) -> dict[str, Any]:
    from syncengine.queue import SyncQueue

    return {
        "counts": SyncQueue(store).counts(),
        "badge": store.wizard.badge("export"),
        "marks": [store.settings.get(k) for k in marks],
    }


def _effect(rescoped: Any, before: dict[str, Any], after: dict[str, Any]) -> str:
    """The change's effect on the queue and the wizard, from what they hold now."""
    parts = []
    if rescoped is not None:
        parts.append(
            f"Re-scoped the queue: {rescoped.cancelled} PSR(s) cancelled (out of the sync),"
            f" {rescoped.queued} queued (now in the sync)."
        )
    badge = after["badge"] - before["badge"]
    if badge > 0:
        parts.append(f"The wizard now holds {badge} more change(s) for approval.")
    elif badge < 0:
        parts.append(f"{-badge} change(s) waiting in the wizard now go with the next sync.")
    if any(before["marks"]) and not any(after["marks"]):
        parts.append("The next import reads QuickBooks from the start.")
    open_now = sum(after["counts"].get(s, 0) for s in ("queued", "failed"))
    if not parts and before["counts"] == after["counts"]:
        parts.append("The queue is unchanged; the setting applies from the next sync job.")
    parts.append(f"Open PSRs now: {open_now}.")
    return " ".join(parts)


def _shown(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "none" if value is None else str(value)


def _plain(value: Any) -> Any:
    from syncengine.commands.common import plain

    return plain(value)
