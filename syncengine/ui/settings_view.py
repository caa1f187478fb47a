"""The settings page as a view: every setting of :class:`~syncengine.settings.SyncSettings`
as a widget of its kind (a checkbox for a switch, a dropdown for a choice, a multiple choice
for a list of source documents, a text field for a number or a date), grouped as the sync
settings page groups them. "Apply" sets what was changed through the engine call
``qbsync settings set`` makes (:func:`syncengine.settings.change.change_setting`) and says,
in its words, what each change did to the queue; a bad value is refused in the message area
naming the setting and the value. "Revert" shows the stored settings again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from syncengine.settings.change import (
    CLEAR_WORDS,
    SettingChange,
    change_setting,
    shown_value,
    value_from_text,
)
from syncengine.store import SETTINGS, Refused, Store
from syncengine.store.settings import Setting
from syncengine.ui.common import View

DELETE_ACTIONS = tuple(k for k in SETTINGS if k.startswith("delete_action."))
GROUPS: dict[str, tuple[str, ...]] = {
    "Items to be synchronized": ("sync.customer_invoices", "sync.vendor_invoices", "sync.time"),
    "Source documents": ("sources.invoice", "sources.bill"),
    "Sync options": (
        "export.mark_paid",
        "items.new_part_kind",
        "export.validate_lists_first",
        "export.stop_area_on_first_error",
        "accounts.create_defaults",
    ),
    "Sync wizard": ("wizard.enabled",),
    "Sync schedule": (
        "schedule.mode",
        "schedule.every_seconds",
        "schedule.begin_date",
        "range.from_date",
        "range.to_date",
    ),
    "A record deleted in the app": DELETE_ACTIONS,
}
"""The page's sections and the settings each holds, in the order shown."""
LABELS = {
    "sync.customer_invoices": "Customer invoices",
    "sync.vendor_invoices": "Vendor invoices",
    "sync.time": "Time entries",
    "sources.invoice": "Invoices from",
    "sources.bill": "Bills from",
    "export.mark_paid": "Mark paid after export",
    "items.new_part_kind": "New parts become",
    "export.validate_lists_first": "Validate shared lists first",
    "export.stop_area_on_first_error": "Stop an area at its first error",
    "accounts.create_defaults": "Create default accounts",
    "wizard.enabled": "Hold changes for approval",
    "schedule.mode": "Schedule",
    "schedule.every_seconds": "Auto sync every (s)",
    "schedule.begin_date": "Begin date",
    "range.from_date": "Manual sync from",
    "range.to_date": "Manual sync to",
    **{
        k: f"A deleted {k.removeprefix('delete_action.').replace('_', ' ')}" for k in DELETE_ACTIONS
    },
}
READ_ONLY = {"schedule.mode": "set by Start and Stop in the auto-sync panel"}
"""Settings the page shows but the engine keeps itself, and where they are changed."""
_STYLE = {"description_width": "220px"}


@dataclass
class Field:
    """One setting on the page: its key, its widget, and whether the page may change it."""

    key: str
    widget: w.ValueWidget
    read_only: bool = False

    @property
    def spec(self) -> Setting:
        """The setting's type, default, allowed values and meaning."""
        return SETTINGS[self.key]

    def show(self, value: Any) -> None:
        """Put the stored ``value`` in the widget, as this kind of widget holds it."""
        kind = self.spec.kind
        if kind is bool or (kind is str and self.spec.choices):
            self.widget.value = value
        elif kind is list:
            self.widget.value = tuple(value)
        else:
            self.widget.value = "" if value is None else shown_value(value)

    def typed(self) -> Any:
        """The widget's value in the setting's type (text is read as ``settings set`` reads
        it); refused when it cannot be read so."""
        value = self.widget.value
        if isinstance(value, str) and not self.spec.choices:
            return value_from_text(self.key, value)
        return list(value) if isinstance(value, tuple) else value


def field_widget(spec: Setting) -> w.ValueWidget:
    """The widget for a setting of this kind, labelled, its meaning as the tooltip."""
    label = LABELS.get(spec.key, spec.key)
    common = {"description": label, "style": _STYLE, "tooltip": f"{spec.key}: {spec.doc}"}
    if spec.kind is bool:
        return w.Checkbox(indent=True, **common)
    if spec.kind is list:
        return w.SelectMultiple(options=spec.choices, rows=len(spec.choices), **common)
    if spec.choices:
        return w.Dropdown(options=spec.choices, **common)
    hint = "YYYY-MM-DD, or empty for none" if spec.optional else "a whole number"
    return w.Text(placeholder=hint, **common)


class SettingsView(View):
    """The sync settings of ``store`` on one page: change widgets, then Apply (or Revert)."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.fields = {key: self._field(key) for keys in GROUPS.values() for key in keys}
        self.changes: list[SettingChange] = []
        self.apply = w.Button(description="Apply", button_style="primary")
        self.revert = w.Button(description="Revert", tooltip="show the stored settings again")
        self.on_click(self.apply, self.apply_changes, holds=store)
        self.on_click(self.revert, self.refresh)
        sections = [self._section(title, keys) for title, keys in GROUPS.items()]
        buttons = w.HBox([self.apply, self.revert])
        self.widget = w.VBox([*sections, buttons, self.message, self.output])
        self.refresh()

    def _field(self, key: str) -> Field:
        widget = field_widget(SETTINGS[key])
        why = READ_ONLY.get(key) or _single_choice(SETTINGS[key])
        if why:
            widget.disabled = True
            widget.tooltip += f" (not changed here: {why})"
        return Field(key, widget, read_only=bool(why))

    def _section(self, title: str, keys: tuple[str, ...]) -> w.VBox:
        return w.VBox([w.HTML(f"<b>{title}</b>"), *(self.fields[k].widget for k in keys)])

    def refresh(self) -> None:
        """Show what the workspace holds now (unapplied edits are dropped)."""
        values = self.store.settings.get_many(list(self.fields))
        for key, field in self.fields.items():
            field.show(values[key])

    def pending(self) -> list[Field]:
        """The fields whose widget differs from the stored setting, in page order."""
        values = self.store.settings.get_many(list(self.fields))
        return [f for k, f in self.fields.items() if not f.read_only and _differs(f, values[k])]

    def apply_changes(self) -> None:
        """Set every changed setting, in page order, and say what each did; the first bad
        value stops there and is refused naming the setting and the value."""
        self.changes = []
        fields = self.pending()
        if not fields:
            self.say("Nothing to apply: every setting on the page is as stored.", "info")
            return
        try:
            for field in fields:
                self.changes.append(change_setting(self.store, field.key, field.typed()))
                field.show(self.store.settings.get(field.key))
        except Refused as exc:
            self.say("\n".join([*self._done(), f"Refused: {exc}"]), "refused")
            return
        self.say("\n".join(self._done()), "done")

    def _done(self) -> list[str]:
        return [change.text for change in self.changes]


def _single_choice(spec: Setting) -> str:
    return "QuickBooks allows only this" if len(spec.choices) == 1 else ""


def _differs(field: Field, stored: Any) -> bool:
    value = field.widget.value
    if isinstance(value, tuple):
        return list(value) != list(stored)
    if isinstance(value, str) and not field.spec.choices:
        return text_differs(field.key, value, stored)
    return bool(value != stored)


def text_differs(key: str, text: str, stored: Any) -> bool:
    """True when ``text`` typed for setting ``key`` says something else than ``stored``
    (an optional setting's ``none`` or nothing is the same as no value)."""
    typed = text.strip()
    cleared = SETTINGS[key].optional and typed.lower() in CLEAR_WORDS
    return ("" if cleared else typed) != ("" if stored is None else shown_value(stored))
