"""The sync wizard as a view: an export and an import section listing what waits for
approval, one checkbox each (all checked by default), the badge count, "Approve checked" with
the unchecked kept or cleared, and the log of pending, successful and failed syncs
(:class:`syncengine.wizard.Wizard` does the work; this view only shows and clicks)."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import pandas as pd

from syncengine.clock import shown
from syncengine.store import Store
from syncengine.store.wizard import DIRECTIONS
from syncengine.ui.common import View
from syncengine.ui.table import DataTable
from syncengine.wizard import ApprovalResult, Wizard

SECTION_LIMIT = 100
"""At most this many checkboxes per section; the rest are counted, not shown."""
TITLES = {"export": "To QuickBooks (export)", "import": "Into the app (import)"}
LOG_COLUMNS = {
    "time": "Time",
    "direction": "Direction",
    "record": "Record",
    "outcome": "Outcome",
    "action": "Action",
    "job_id": "Job",
    "message": "Message",
}


def approved_text(result: ApprovalResult) -> str:
    """What "Approve checked" did, in the words of ``qbsync wizard approve``."""
    return result.summary()


def log_frame(wizard: Wizard) -> pd.DataFrame:
    """The wizard's log, times as people read them, with a row number as its key."""
    frame = wizard.log().reset_index(drop=True)
    frame["time"] = pd.Series([shown(t) for t in frame["time"]], index=frame.index, dtype=object)
    frame["row"] = frame.index + 1
    return frame


class WizardView(View):
    """The sync wizard of ``store``: its two sections, the badge, Approve checked, the log."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.wizard = Wizard(store)
        self.badge = w.HTML()
        self.sections = {d: w.VBox() for d in DIRECTIONS}
        self.boxes: dict[int, w.Checkbox] = {}
        self.unchecked = w.RadioButtons(
            options=[("keep unchecked", "keep"), ("clear unchecked", "clear")],
            value="keep",
            description="Unchecked",
        )
        self.approve = w.Button(description="Approve checked", button_style="primary")
        self.enable = w.Button(description="Turn the wizard on")
        self.on_click(self.approve, self.approve_checked, holds=store)
        self.on_click(self.enable, self.turn_on, holds=store)
        self.log = DataTable(
            log_frame(self.wizard),
            LOG_COLUMNS,
            key="row",
            filters=["outcome", "direction"],
            host=self,
        )
        self.widget = w.VBox(
            [
                self.badge,
                *self.sections.values(),
                w.HBox([self.approve, self.unchecked, self.enable]),
                self.message,
                w.HTML("<b>Log</b>"),
                self.log.widget,
                self.output,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        """Read the candidates, the badge and the log again."""
        on = self.wizard.enabled
        self.enable.disabled = on
        self.approve.disabled = not on
        self.approve.tooltip = "" if on else "the sync wizard is off: turn it on first"
        badge = self.wizard.badge()
        state = "" if on else " (the wizard is off: every change goes with the next sync)"
        self.badge.value = f"<b>Waiting for approval: {sum(badge.values())}</b>{state}"
        frame = self.wizard.candidates()
        for section in self.sections.values():
            for child in section.children:
                child.close()  # the old checkboxes: their models leave the kernel too
        self.boxes = {}
        for direction, section in self.sections.items():
            section.children = self._section(direction, frame[frame["direction"] == direction])
        self.log.set_frame(log_frame(self.wizard))

    def _section(self, direction: str, rows: pd.DataFrame) -> list[w.Widget]:
        waiting = rows[rows["state"] != "approved"]
        approved = len(rows) - len(waiting)
        head = f"<b>{TITLES[direction]}</b>: {len(waiting)} waiting, {approved} approved"
        out: list[w.Widget] = [w.HTML(head)]
        for row in waiting.head(SECTION_LIMIT).itertuples():
            kept = " (kept)" if row.state == "kept" else ""
            box = w.Checkbox(
                value=bool(row.checked), description=f"{row.action} {row.record}{kept}"
            )
            box.layout.width = "auto"
            self.on_change(box, self._checking(int(row.id), box))
            self.boxes[int(row.id)] = box
            out.append(box)
        if len(waiting) > SECTION_LIMIT:
            out.append(w.HTML(f"… and {len(waiting) - SECTION_LIMIT} more, not shown"))
        return out

    def _checking(self, candidate_id: int, box: w.Checkbox) -> Callable[[], None]:
        return lambda: self.wizard.check([candidate_id], bool(box.value))

    def approve_checked(self) -> None:
        """Approve what is checked; keep or clear the rest as chosen; say what happened."""
        result = self.wizard.approve_checked(None, unchecked=self.unchecked.value)
        self.refresh()
        self.say(approved_text(result), "done")

    def turn_on(self) -> None:
        """Switch the wizard on: what the queue holds is offered, all checked."""
        self.wizard.enable()
        self.refresh()
        self.say("the sync wizard is on: changes wait here for approval", "done")
