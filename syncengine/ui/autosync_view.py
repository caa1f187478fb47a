"""The auto-sync panel as a view, on a simulated clock you advance: the interval and the
begin date (set through the engine call ``qbsync autosync set`` makes), Start and Stop, the
status (running or not, the clock, the next sync, the last job, what the wizard holds) and
the sync jobs that ran.

The schedule is :class:`~syncengine.rehearsal.autosync.SimulatedAutoSync` running in the
simpy environment of a qbsim ``QuickBooksHost``, with the store on that environment's
:class:`~syncengine.rehearsal.driver.SimulatedClock`. Start syncs at once and then every
interval; "Advance" moves the simulated clock N minutes and runs the syncs that fall due;
Stop ends the schedule after the sync in progress. Every sentence it says about what comes
next is computed from the schedule's state, never fixed.
"""

from __future__ import annotations

import html
from typing import cast

import ipywidgets as w
import simpy

from qbsim import QuickBooksHost
from syncengine.clock import shown
from syncengine.rehearsal.autosync import SimulatedAutoSync
from syncengine.rehearsal.driver import RetryPolicy, SimulatedClock
from syncengine.settings import SyncSettings
from syncengine.settings.change import change_setting, shown_value, value_from_text
from syncengine.store import Refused, Store
from syncengine.sync import JobReport
from syncengine.ui.common import View
from syncengine.ui.jobs_view import COLUMNS, jobs_frame
from syncengine.ui.settings_view import text_differs
from syncengine.ui.table import DataTable

FIELDS = {"every": "schedule.every_seconds", "begin": "schedule.begin_date"}
"""The panel's two fields and the settings they hold."""
NO_BEGIN = (
    "auto sync: setting schedule.begin_date is not set: transactions dated before it count as"
    " exported; type a begin date (YYYY-MM-DD) and click Start again"
)


def span(seconds: float) -> str:
    """A length of time as people say it: ``90 s``, ``15 min``, ``1 h 30 min``."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{secs} s" if secs or whole == 0 else "")
    return " ".join(p for p in parts if p)


def job_line(store: Store, report: JobReport) -> str:
    """One sync job the schedule ran: its ID, outcome, when it began, its counts and errors."""
    job = store.jobs.get(report.job_id)
    errors = ", ".join(
        f"{'no status code' if code is None else code}: {n}"
        for code, n in report.errors_by_code.items()
    )
    return (
        f"job {job.id} {job.outcome} (began {shown(job.created_at)}): {report.exported}"
        f" exported, {report.failed} failed" + (f" (errors {errors})" if errors else "")
    )


class AutoSyncView(View):
    """The auto-sync panel of ``store`` against ``host`` (the store must run on a
    :class:`SimulatedClock` of ``host.env``); ``policy`` is the driver's retry policy."""

    def __init__(
        self,
        store: Store,
        host: QuickBooksHost,
        *,
        batch_size: int = 50,
        policy: RetryPolicy | None = None,
        page_size: int = 10,
    ) -> None:
        super().__init__()
        if not isinstance(store.clock, SimulatedClock) or store.clock.env is not host.env:
            raise Refused(
                "the auto-sync panel needs the store on the host's simulated clock: open it"
                " with Store(path, SimulatedClock(host.env, start))"
            )
        self.store, self.host, self.env = store, host, host.env
        self.clock: SimulatedClock = store.clock
        self.batch_size, self.policy = batch_size, policy
        self.auto: SimulatedAutoSync | None = None
        self._process: simpy.Process | None = None
        self.ran: list[JobReport] = []
        self._build(page_size)
        self.refresh()

    def _build(self, page_size: int) -> None:
        style = {"description_width": "120px"}
        self.every = w.Text(description="Every (s)", style=style, placeholder="seconds, 60 or more")
        self.begin = w.Text(description="Begin date", style=style, placeholder="YYYY-MM-DD")
        self.set_button = w.Button(description="Set", tooltip="save the interval and begin date")
        self.start = w.Button(description="Start", button_style="success")
        self.stop = w.Button(description="Stop", button_style="warning")
        self.minutes = w.BoundedIntText(value=15, min=1, max=10080, description="Minutes")
        self.advance = w.Button(description="Advance", tooltip="move the simulated clock on")
        self.status = w.HTML()
        self.jobs = DataTable(
            jobs_frame(self.store), COLUMNS, filters=["outcome"], page_size=page_size, host=self
        )
        self.jobs.descending.value = True
        self.on_click(self.set_button, self.set_schedule, holds=self.store)
        self.on_click(self.start, self.start_sync, holds=self.store)
        self.on_click(self.stop, self.stop_sync, holds=self.store)
        self.on_click(self.advance, self.advance_clock, holds=self.store)
        self.widget = w.VBox(
            [
                w.HBox([self.every, self.begin, self.set_button]),
                w.HBox([self.start, self.stop, self.minutes, self.advance]),
                self.status,
                self.message,
                w.HTML("<b>Sync jobs</b>"),
                self.jobs.widget,
                self.output,
            ]
        )

    # -- what the panel shows ------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while the schedule runs (between Start and the end of Stop)."""
        return self.auto is not None and self.auto.running

    def refresh(self) -> None:
        """Read the fields, the status and the jobs again."""
        settings = SyncSettings(self.store)
        self.every.value = str(settings.every_seconds)
        self.begin.value = shown_value(settings.begin_date) if settings.begin_date else ""
        self._refresh_status()

    def _refresh_status(self) -> None:
        self.start.disabled, self.stop.disabled = self.running, not self.running
        self.status.value = "<br>".join(html.escape(line) for line in self.status_lines())
        self.jobs.set_frame(jobs_frame(self.store))

    def status_lines(self) -> list[str]:
        """The status as people read it: the clock, running or not, next sync, last job, and
        what the wizard holds back."""
        lines = [f"Simulated clock: {shown(self.clock.now())}", self._state_line()]
        lines.append(
            f"Last job: {job_line(self.store, self.ran[-1])}"
            if self.ran
            else "Last job: none run by auto sync yet"
        )
        return lines + self._wizard_lines()

    def _state_line(self) -> str:
        settings = SyncSettings(self.store)
        if self.auto is None or not self.auto.running:
            every = span(settings.every_seconds)
            return f"Auto sync is off: advancing the clock runs no sync job (Start: every {every})."
        every = f"Auto sync is on: every {span(self.auto.every_seconds)} from the begin date"
        line = f"{every} {settings.begin_date}; " + self._next_words()
        if settings.every_seconds != self.auto.every_seconds:
            line += f" (the settings say every {span(settings.every_seconds)}: from the next Start)"
        return line

    def _next_words(self) -> str:
        auto = cast(SimulatedAutoSync, self.auto)
        if auto.next_due is None:
            return "a sync is in progress."
        return f"next sync at {shown(auto.next_due)}."

    def _wizard_lines(self) -> list[str]:
        if not SyncSettings(self.store).wizard_enabled:
            return []
        held = self.store.wizard.badge("export")
        if not held:
            return ["The sync wizard is on and holds no change for approval."]
        return [
            f"The sync wizard holds {held} change(s) for approval: auto sync sends them only"
            " once they are approved."
        ]

    # -- what the buttons do -------------------------------------------------------------
    def set_schedule(self) -> None:
        """Save the interval and the begin date that changed; say what each did."""
        lines = self._apply_fields()
        self.refresh()
        self.say("\n".join(lines) or "Nothing to set: interval and begin date are as stored.")

    def _apply_fields(self) -> list[str]:
        lines: list[str] = []
        try:
            for name, key in FIELDS.items():
                text = cast(w.Text, getattr(self, name)).value
                if text_differs(key, text, self.store.settings.get(key)):
                    lines.append(change_setting(self.store, key, value_from_text(key, text)).text)
        except Refused as exc:
            raise Refused("\n".join([*lines, str(exc)])) from None
        return lines

    def start_sync(self) -> None:
        """Start the schedule: save changed fields, sync at once, then every interval.
        Refused while it runs, or with no begin date."""
        if self.running:
            raise Refused(f"{self._state_line()} Stop it before starting it again.")
        if not text_differs(FIELDS["begin"], self.begin.value, None):
            raise Refused(NO_BEGIN)
        lines = self._apply_fields()
        settings = SyncSettings(self.store)
        auto = SimulatedAutoSync(
            self.store, settings.every_seconds, settings.begin_date or self.begin.value,
            batch_size=self.batch_size, policy=self.policy,
        )  # fmt: skip
        self._process = auto.start(self.env, self.host)
        self.auto, before = auto, len(auto.reports)
        while auto.running and auto.runs == 0:
            self.env.step()  # the first sync, now
        lines.append(f"Auto sync started: every {span(auto.every_seconds)}.")
        self._say_ran(lines, auto.reports[before:])

    def advance_clock(self) -> None:
        """Move the simulated clock on by ``minutes``; the syncs that fall due run."""
        minutes = int(self.minutes.value)
        before = len(self.auto.reports) if self.auto else 0
        self.env.run(until=self.env.now + minutes * 60)
        ran = self.auto.reports[before:] if self.auto else []
        lines = [f"Advanced {span(minutes * 60)} to {shown(self.clock.now())}."]
        self._say_ran(lines if ran else [*lines, self._none_finished()], ran)

    def _none_finished(self) -> str:
        """Why no job is listed: one is still running (it is listed when it ends), or none was
        due in that time."""
        if self.auto is not None and self.auto.syncing:
            return "No sync job finished: one is in progress, listed when it ends."
        return "No sync job ran."

    def stop_sync(self) -> None:
        """Stop the schedule after the sync in progress; refused when it is not running."""
        if self.auto is None or not self.auto.running:
            raise Refused("auto sync is not running, so there is nothing to stop; click Start")
        before = len(self.auto.reports)
        self.auto.stop()
        self.env.run(until=self._process)  # a sync in progress finishes first
        lines = [f"Auto sync stopped at {shown(self.clock.now())}."]
        self._say_ran(lines, self.auto.reports[before:])

    def _say_ran(self, lines: list[str], reports: list[JobReport]) -> None:
        self.ran += reports
        if reports:
            lines.append(f"{len(reports)} sync job(s) ran:")
            lines += [f"  {job_line(self.store, r)}" for r in reports]
        self._refresh_status()
        lines.append(self._state_line())
        self.say("\n".join(lines + self._wizard_lines()), "done")
