"""One setting changed, and what the change did to the sync, in words computed from the state.

:func:`change_setting` is what ``qbsync settings set`` and the settings view both call: it sets
the value through :meth:`SyncSettings.set` and compares the queue, the wizard's badge and the
import marks before and after, so the sentence it returns says what really happened (PSRs
cancelled or queued, changes the wizard now holds or lets go, an import from the start).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from syncengine.errors import RecordError
from syncengine.settings.rescope import Rescoped
from syncengine.settings.sync_settings import IMPORT_MARKS, SyncSettings
from syncengine.store import SETTINGS, Refused, Store

OPEN = ("queued", "failed")
"""The PSR states a sync job will still take."""
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
CLEAR_WORDS = frozenset({"none", "null", ""})


@dataclass(frozen=True)
class QueueState:
    """What a setting may change: PSR counts by state, the export badge, the import marks."""

    counts: dict[str, int]
    badge: int
    marks: tuple[Any, ...]

    @classmethod
    def of(cls, store: Store) -> QueueState:
        """The state of ``store`` now."""
        from syncengine.queue import SyncQueue  # the queue imports the settings

        marks = tuple(store.settings.get(k) for k in IMPORT_MARKS)
        return cls(SyncQueue(store).counts(), store.wizard.badge("export"), marks)

    @property
    def open_psrs(self) -> int:
        """PSRs the next sync job takes (queued or failed)."""
        return sum(self.counts.get(s, 0) for s in OPEN)


@dataclass(frozen=True)
class SettingChange:
    """A setting's old and new value, the re-scope it caused (None: none), the state before
    and after, and ``effect``: what it did to the queue, in words."""

    key: str
    old: Any
    new: Any
    rescoped: Rescoped | None
    before: QueueState
    after: QueueState
    effect: str

    @property
    def text(self) -> str:
        """``key: old -> new. effect``, as ``qbsync settings set`` prints it."""
        return f"{self.key}: {shown_value(self.old)} -> {shown_value(self.new)}. {self.effect}"


def change_setting(store: Store, key: str, value: Any) -> SettingChange:
    """Set ``key`` to ``value`` through :meth:`SyncSettings.set` and say what it did; a bad
    value is :class:`Refused` naming the setting, the value and what is allowed."""
    settings = SyncSettings(store)
    before = QueueState.of(store)
    old = store.settings.get(key)
    try:
        settings.set(key, value)
    except RecordError as exc:
        raise Refused(f"setting {key} = {shown_value(value)!r}: {exc.reason}") from None
    after = QueueState.of(store)
    rescoped, new = settings.last_rescope, store.settings.get(key)
    effect = effect_text(rescoped, before, after)
    return SettingChange(key, old, new, rescoped, before, after, effect)


def effect_text(rescoped: Rescoped | None, before: QueueState, after: QueueState) -> str:
    """The change's effect on the queue and the wizard, from what they hold before and after."""
    parts = []
    if rescoped is not None:
        parts.append(
            f"Re-scoped the queue: {rescoped.cancelled} PSR(s) cancelled (out of the sync),"
            f" {rescoped.queued} queued (now in the sync)."
        )
    parts += _wizard_words(after.badge - before.badge)
    if any(before.marks) and not any(after.marks):
        parts.append("The next import reads QuickBooks from the start.")
    if not parts and before.counts == after.counts:
        parts.append("The queue is unchanged; the setting applies from the next sync job.")
    parts.append(f"Open PSRs now: {after.open_psrs}.")
    return " ".join(parts)


def _wizard_words(more: int) -> list[str]:
    if more > 0:
        return [f"The wizard now holds {more} more change(s) for approval."]
    if more < 0:
        return [f"{-more} change(s) waiting in the wizard now go with the next sync."]
    return []


def shown_value(value: Any) -> str:
    """A setting's value as ``qbsync settings set`` takes it: ``true``, ``a,b``, ``none``."""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return "none" if value is None else str(value)


def value_from_text(key: str, text: str) -> Any:
    """``text`` (as a person types it) in the type of setting ``key``: ``true``/``false`` (or
    on/off, yes/no), a whole number, ``a,b`` for a list, ``none`` or nothing to clear an
    optional one; text and dates as given (the engine checks them when set)."""
    spec = SETTINGS[key]
    word = text.strip()
    if spec.optional and word.lower() in CLEAR_WORDS:
        return None
    if spec.kind is bool:
        if word.lower() not in TRUE_WORDS | FALSE_WORDS:
            raise Refused(f"setting {key} = {text!r}: must be true or false (on/off, yes/no)")
        return word.lower() in TRUE_WORDS
    if spec.kind is int:
        if not word.lstrip("-").isdigit():
            raise Refused(f"setting {key} = {text!r}: must be a whole number")
        return int(word)
    if spec.kind is list:
        return [part.strip() for part in word.split(",") if part.strip()]
    return word
