"""The sync queue as a view: its PSRs in a :class:`~syncengine.ui.table.DataTable` (entity,
name, action, state, error code, message) with type and state filters, and the queue's
actions on the selected rows — delete from queue, proxy, resync, clear ID — taken through the
engine's own :class:`~syncengine.actions.Actions`. What each action did, or why it was refused,
is said next to the buttons; the table is read again after every action."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import pandas as pd

from syncengine.actions import ActionResult, Actions
from syncengine.errors import SyncError
from syncengine.queue import SyncQueue
from syncengine.store import Store
from syncengine.store.psrs import ACTIVE_STATES
from syncengine.ui.common import View
from syncengine.ui.table import DataTable, cell_text

COLUMNS = {
    "id": "PSR",
    "entity_type": "Entity",
    "name": "Name",
    "action": "Action",
    "state": "State",
    "error_code": "Error code",
    "error_message": "Message",
}
"""The queue's columns (store name -> heading)."""


def psr_label(row: Mapping[str, Any]) -> str:
    """How a PSR is listed for selection: ``PSR 7: add customer 'Acme' (failed, 3100)``."""
    code = cell_text(row["error_code"])
    state = f"{row['state']}, {code}" if code else row["state"]
    return f"PSR {row['id']}: {row['action']} {row['entity_type']} {row['name']!r} ({state})"


class QueueView(View):
    """The sync queue of ``store`` (queued, locked and failed PSRs) and its actions."""

    def __init__(self, store: Store, page_size: int = 20) -> None:
        super().__init__()
        self.store = store
        self.queue = SyncQueue(store)
        self.actions = Actions(store)
        self.table = DataTable(
            self._frame(),
            COLUMNS,
            filters=["entity_type", "state"],
            page_size=page_size,
            row_label=psr_label,
            host=self,
        )
        self.table.sort.value = "id"
        self.buttons = self._buttons()
        self.widget = w.VBox(
            [self.table.widget, w.HBox(list(self.buttons.values())), self.message, self.output]
        )

    def _buttons(self) -> dict[str, w.Button]:
        acts: dict[str, Callable[[int], ActionResult]] = {
            "Delete from queue": self.actions.delete_psr,
            "Proxy": lambda psr_id: self.actions.proxy(self._entity_of(psr_id)),
            "Resync": lambda psr_id: self.actions.resync(self._entity_of(psr_id)),
            "Clear ID": lambda psr_id: self.actions.clear_id(self._entity_of(psr_id)),
        }
        buttons = {}
        for label, act in acts.items():
            buttons[label] = w.Button(description=label, tooltip=f"{label}: the selected PSRs")
            self.on_click(buttons[label], self._acting(label, act), holds=self.store)
        buttons["Refresh"] = w.Button(description="Refresh", tooltip="read the queue again")
        self.on_click(buttons["Refresh"], self.refresh)
        return buttons

    def _frame(self) -> pd.DataFrame:
        return self.queue.frame(state=ACTIVE_STATES, sort="id")

    def refresh(self) -> None:
        """Read the queue again, keeping the table's filters, sort and page."""
        self.table.set_frame(self._frame())

    def _entity_of(self, psr_id: int) -> int:
        return int(self.store.psrs.get(psr_id).entity_id)

    def _acting(self, label: str, act: Callable[[int], ActionResult]) -> Callable[[], None]:
        return lambda: self.act(label, act)

    def act(self, label: str, act: Callable[[int], ActionResult]) -> None:
        """Take ``act`` on each selected PSR; say what each did or why it was refused."""
        chosen = [int(i) for i in self.table.selected]
        if not chosen:
            self.say(f"{label}: select one or more PSRs in the list first", "refused")
            return
        lines, refused = [], False
        for psr_id in chosen:
            try:
                lines.append(str(act(psr_id)))
            except SyncError as exc:
                lines.append(str(exc))
                refused = True
        self.refresh()
        self.say("\n".join(lines), "refused" if refused else "done")

    def click(self, label: str, psr_ids: list[int]) -> None:
        """Select ``psr_ids`` on the page shown and click the button ``label`` (for notebooks
        and tests that drive the view from code)."""
        self.table.select(psr_ids)
        self.buttons[label].click()
