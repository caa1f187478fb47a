"""Sync jobs as a view: the job list (ID, date, finished, errors, record created, request sent,
response received, completed), "New sync job" (disabled, with the reason, while a job is
unfinished), "Run" against a transport the caller gives, and a job's errors — chosen in
"Errors of" or by selecting the job in the list — each with the status-code guide's
explanation and fix (:mod:`syncengine.reports.sync_report`)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import pandas as pd

from syncengine.clock import shown
from syncengine.errors import TransportError
from syncengine.reports import guide
from syncengine.reports.sync_report import ErrorLine, job_errors
from syncengine.settings.schedule import manual_sync
from syncengine.store import Store
from syncengine.sync.selection import held_back, manual_window, new_job
from syncengine.transports.base import Transport
from syncengine.ui.common import View
from syncengine.ui.table import DataTable

COLUMNS = {
    "id": "Job",
    "date": "Date",
    "finished": "Finished",
    "outcome": "Outcome",
    "error_count": "Errors",
    "created_at": "Record created",
    "request_sent_at": "Request sent",
    "response_received_at": "Response received",
    "completed_at": "Completed",
}
TIMES = ("created_at", "request_sent_at", "response_received_at", "completed_at")
NO_JOB = "choose a job"


def jobs_frame(store: Store) -> pd.DataFrame:
    """Every job, newest first, its times as people read them (the user's zone)."""
    frame = store.jobs.frame()
    for column in TIMES:
        frame[column] = _texts(frame, ["" if pd.isna(at) else shown(at) for at in frame[column]])
    frame["date"] = _texts(frame, [at[:10] for at in frame["created_at"]])
    frame["finished"] = _texts(frame, ["yes" if done else "no" for done in frame["finished"]])
    return frame


def _texts(frame: pd.DataFrame, values: list[str]) -> pd.Series:
    return pd.Series(values, index=frame.index, dtype=object)


def job_label(row: Mapping[str, Any]) -> str:
    """How a job is listed for selection: ``job 2: finished, 3 error(s)``."""
    return f"job {row['id']}: {row['outcome']}, {row['error_count']} error(s)"


def error_html(error: ErrorLine) -> str:
    """One error for people: record, PSR, status code and QuickBooks' message, then the
    guide's title, meaning and numbered steps (or the hint the sync stored)."""
    code = "no status code" if error.status_code is None else f"status {error.status_code}"
    psr = f"PSR {error.psr_id}, " if error.psr_id is not None else ""
    parts = [f"<b>{html.escape(psr + error.record)}</b>: {code}", html.escape(error.message)]
    entry = error.guide
    if entry is None:
        parts.append(f"What to do: {html.escape(error.hint)}" if error.hint else "")
    else:
        steps = "".join(f"<li>{html.escape(step)}</li>" for step in entry.steps)
        title = f"Guide {entry.key}, {entry.title}: {entry.meaning}"
        parts.append(f"{html.escape(title)}<ol>{steps}</ol>")
    return '<div class="qbsync-error">' + "<br>".join(p for p in parts if p) + "</div>"


def unreachable(exc: TransportError) -> str:
    """What to say when QuickBooks could not be reached: the error, the guide's fix."""
    text = f"could not talk to QuickBooks: {exc}"
    entry = guide.for_error(None, str(exc))
    if entry is not None:
        text += f"\n{entry.title}: " + " ".join(entry.steps)
    return text + "\nThe job is kept unfinished; click Run again to resume it."


class JobsView(View):
    """The sync jobs of ``store``; "Run" syncs over ``transport_factory()`` (a new transport
    per run, closed afterwards)."""

    def __init__(
        self, store: Store, transport_factory: Callable[[], Transport], page_size: int = 10
    ) -> None:
        super().__init__()
        self.store = store
        self.transport_factory = transport_factory
        self.table = DataTable(
            jobs_frame(store),
            COLUMNS,
            filters=["outcome"],
            page_size=page_size,
            row_label=job_label,
            host=self,
        )
        self.table.descending.value = True
        self.new = w.Button(description="New sync job")
        self.run = w.Button(description="Run", button_style="primary")
        self.refresh_button = w.Button(description="Refresh")
        self.reason = w.Label()
        self.error_jobs = w.Dropdown(description="Errors of", options=[(NO_JOB, 0)], value=0)
        self.errors = w.HTML()
        self.on_click(self.new, self.new_job, holds=store)
        self.on_click(self.run, self.run_job, holds=store)
        self.on_click(self.refresh_button, self.refresh)
        self.on_change(self.error_jobs, lambda: self.open_errors(int(self.error_jobs.value)))
        self.on_change(self.table.rows, self.open_selected)
        buttons = w.HBox([self.new, self.run, self.refresh_button, self.reason])
        self.widget = w.VBox(
            [self.table.widget, buttons, self.message, self.error_jobs, self.errors, self.output]
        )
        self._update_controls()

    def refresh(self) -> None:
        """Read the jobs again; New sync job's state and the error choices follow."""
        self.table.set_frame(jobs_frame(self.store))
        self._update_controls()

    def _update_controls(self) -> None:
        current = self.store.jobs.current()
        self.new.disabled = current is not None
        why = (
            ""
            if current is None
            else f"{current.describe()} is unfinished: run it (Run) or cancel it first"
        )
        self.new.tooltip = why or "start a sync job locking what the queue lets through"
        self.reason.value = why
        frame = self.table.frame
        with_errors = frame[frame["error_count"] > 0]
        choices = [
            (f"job {j}: {n} error(s)", int(j))
            for j, n in zip(with_errors["id"], with_errors["error_count"], strict=True)
        ]
        keep = self.error_jobs.value if self.error_jobs.value in [c[1] for c in choices] else 0
        self.error_jobs.options = [(NO_JOB, 0), *choices]
        self.error_jobs.value = keep

    def new_job(self) -> None:
        """Create a job (refused while one is unfinished) and say what it locked."""
        window = manual_window(self.store)
        job = new_job(self.store, "", window)
        held = held_back(self.store, window)
        left = f"; {len(held)} PSR(s) left in the queue" if held else ""
        self.refresh()
        self.say(f"sync job {job.id} created: {job.item_count} PSR(s) locked{left}", "done")

    def run_job(self) -> None:
        """Run (or resume) the sync job to its end over a new transport; say how it ended."""
        transport = self.transport_factory()
        try:
            report = manual_sync(self.store, transport)
        except TransportError as exc:
            self.say(unreachable(exc), "refused")
            return
        finally:
            transport.close()
            self.refresh()
        errors = f", {report.error_count} error(s)" if report.error_count else ", no errors"
        exported = sum(report.exported_ok.values())
        self.say(f"sync job {report.job_id} {report.outcome}: {exported} exported{errors}", "done")
        if report.error_count:
            self.error_jobs.value = report.job_id

    def open_selected(self) -> None:
        """A job selected (alone) in the list opens its errors, or says it had none."""
        if len(self.table.selected) != 1:
            return
        job_id = int(self.table.selected[0])
        offered = [value for _, value in self.error_jobs.options]
        self.error_jobs.value = job_id if job_id in offered else 0
        if not self.error_jobs.value:
            self.errors.value = f"<b>Sync job {job_id} had no errors</b>"

    def open_errors(self, job_id: int) -> None:
        """Show the errors of job ``job_id`` (0: none), each with the guide's fix."""
        if not job_id:
            self.errors.value = ""
            return
        errors = job_errors(self.store, job_id)
        head = f"<b>Errors of sync job {job_id} ({len(errors)})</b>"
        self.errors.value = head + "".join(error_html(e) for e in errors)
