"""The app's records as a view: find a record (type dropdown, text search over name or
reference, a :class:`~syncengine.ui.table.DataTable` of results), see its fields and what the
next sync does with it, rename it through the app's collection, and take the actions the
products show on a record — undo sync, prevent sync, close, delete from queue, set status,
resync, clear ID — through the engine's :class:`~syncengine.actions.Actions`. Each action's
message (ending in the next-sync sentence) or refusal is said next to the buttons."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import pandas as pd

from syncengine.actions import ActionResult, Actions
from syncengine.actions.common import named, open_psr
from syncengine.actions.next_sync import next_sync
from syncengine.app import STATUS_TABLE, App
from syncengine.app.types import ENTITY_TYPES
from syncengine.errors import ActionRefused
from syncengine.store import Store
from syncengine.ui.common import View
from syncengine.ui.table import DataTable, cell_text

COLUMNS = {"id": "ID", "name": "Name / reference", "status": "Status"}
"""The results' columns (store name -> heading)."""


def record_label(row: Mapping[str, Any]) -> str:
    """How a record is listed for selection: ``5: '1001' (approved)``."""
    status = cell_text(row["status"])
    return f"{row['id']}: {cell_text(row['name'])!r}" + (f" ({status})" if status else "")


class RecordsView(View):
    """Find one of ``store``'s app records, see it, rename it and take its actions."""

    def __init__(self, store: Store, entity_type: str = "customer", page_size: int = 20) -> None:
        super().__init__()
        self.store = store
        self.app = App(store)
        self.actions = Actions(store)
        self.type = w.Dropdown(options=list(ENTITY_TYPES), value=entity_type, description="Type")
        self.table = DataTable(
            self._frame(), COLUMNS, page_size=page_size, row_label=record_label, host=self
        )
        self.table.text.placeholder = "find: name or reference"
        self.details = w.HTML()
        self.name = w.Text(description="Name")
        self.status = w.Dropdown(options=[], description="Status")
        self.buttons = self._buttons()
        self.on_change(self.type, self._retype)
        self.on_change(self.table.rows, self.show)
        self._retype()
        self.widget = w.VBox(self._parts())

    def _parts(self) -> list[w.Widget]:
        b = self.buttons
        edit = w.HBox([self.name, b["Save"]])
        status = w.HBox([self.status, b["Set status"]])
        acts = [b[k] for k in ACTIONS]
        return [self.type, self.table.widget, self.details, edit, status, w.HBox(acts),
                self.message, self.output]  # fmt: skip

    def _buttons(self) -> dict[str, w.Button]:
        buttons = {}
        for label in (*ACTIONS, "Set status", "Save"):
            buttons[label] = w.Button(description=label, tooltip=f"{label}: the selected record")
        for label, act in ACTIONS.items():
            self.on_click(buttons[label], self._acting(label, act), holds=self.store)
        self.on_click(
            buttons["Set status"], self._acting("Set status", _set_status), holds=self.store
        )
        self.on_click(buttons["Save"], self.save, holds=self.store)
        return buttons

    def _acting(self, label: str, act: RecordAction) -> Callable[[], None]:
        return lambda: self.act(label, act)

    def _frame(self) -> pd.DataFrame:
        return self.store.entities.frame(self.type.value)

    def _retype(self) -> None:
        statuses = STATUS_TABLE.get(self.type.value)
        self.status.options = list(statuses.statuses) if statuses else []
        self.status.disabled = self.buttons["Set status"].disabled = statuses is None
        self.table.set_frame(self._frame())
        self.show()

    def refresh(self) -> None:
        """Read the records again, keeping the search, the page and the selected record."""
        chosen = self.table.selected
        self.table.set_frame(self._frame())
        self.table.select(chosen)
        self.show()

    @property
    def record_id(self) -> int | None:
        """The selected record's ID (the first selected), or None."""
        chosen = self.table.selected
        return int(chosen[0]) if chosen else None

    def _chosen(self, label: str) -> int:
        if self.record_id is None:
            raise ActionRefused(f"{label}: select a record in the list first")
        return self.record_id

    def show(self) -> None:
        """Show the selected record's fields and what the next sync does with it."""
        if self.record_id is None:
            self.details.value = "<i>select a record to see it</i>"
            self.name.value = ""
            return
        record = self.app.record(self.record_id)
        fields = {"status": record.status, **record.fields}
        self.details.value = details_html(fields, next_sync(self.app, record.id))
        self.name.value = record.name or ""
        if record.status in self.status.options:
            self.status.value = record.status

    def save(self) -> None:
        """Rename the selected record (its name, or reference for a transaction)."""
        record_id = self._chosen("Save")
        entity = self.store.entities.get(record_id)
        field = ENTITY_TYPES[entity.entity_type].name_field
        if not field:
            raise ActionRefused(f"{named(entity)}: a {entity.entity_type} has no name to change")
        new = self.name.value.strip()
        if not new or new == entity.name:
            raise ActionRefused(f"{named(entity)}: type a new {field} in the box, then Save")
        self.app.collection(entity.entity_type).update(record_id, **{field: new})
        note = next_sync(self.app, record_id)
        self.refresh()
        self.say(f"{named(entity)}: renamed to {new!r}. {note}", "done")

    def act(self, label: str, act: RecordAction) -> None:
        """Take ``act`` on the selected record; say what it did (a refusal: why not)."""
        result = act(self, self._chosen(label))
        self.refresh()
        self.say(str(result), "done")

    def click(self, label: str, record_id: int | None = None) -> None:
        """Select ``record_id`` on the page shown (if given) and click the button ``label``
        (for notebooks and tests that drive the view from code)."""
        if record_id is not None:
            self.table.select([record_id])
        self.buttons[label].click()


RecordAction = Callable[[RecordsView, int], ActionResult]


def details_html(fields: Mapping[str, Any], outlook: str) -> str:
    """A record's fields as a two-column table, then what the next sync does with it."""
    cells = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(cell_text(v))}</td></tr>"
        for k, v in fields.items()
    )
    return f"<table>{cells}</table><p>Next sync: {html.escape(outlook)}</p>"


def _delete_open_psr(view: RecordsView, record_id: int) -> ActionResult:
    psr = open_psr(view.app, record_id)
    if psr is None:
        entity = view.store.entities.get(record_id)
        raise ActionRefused(
            f"{named(entity)} has no PSR in the queue (queued or failed) to delete; the next"
            " sync: " + next_sync(view.app, record_id)
        )
    return view.actions.delete_psr(psr.id)


def _set_status(view: RecordsView, record_id: int) -> ActionResult:
    return view.actions.set_status(record_id, view.status.value)


ACTIONS: dict[str, RecordAction] = {
    "Undo sync": lambda v, i: v.actions.undo_sync(i),
    "Prevent sync": lambda v, i: v.actions.prevent_sync(i),
    "Close": lambda v, i: v.actions.close(i),
    "Delete from queue": _delete_open_psr,
    "Resync": lambda v, i: v.actions.resync(i),
    "Clear ID": lambda v, i: v.actions.clear_id(i),
}
"""The record's actions as buttons (label -> what the click does), in the products' order;
Set status has its own button next to the statuses."""
