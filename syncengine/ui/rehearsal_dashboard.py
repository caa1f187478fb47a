"""The rehearsal dashboard: choose how many records, the seed, a fault plan (a file of
``scenarios/faults/``) and a latency profile; "Rehearse" runs the rehearsal with a progress
bar fed by its progress hook, then shows the plots (records in QuickBooks and the queue over
simulated time, errors by status code) and the summary, each error code with the status-code
guide's fix (:mod:`syncengine.reports.guide`)."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from qbsim.profile import PROFILE_DIR
from syncengine.errors import SyncError
from syncengine.rehearsal.faultreport import faults_lines
from syncengine.rehearsal.htmlreport import fix_for
from syncengine.rehearsal.progress import RehearsalProgress
from syncengine.rehearsal.rehearse import (
    Rehearsal,
    RehearsalRefused,
    RehearsalReport,
    human_duration,
    rehearse,
)
from syncengine.ui import rehearsal_plots
from syncengine.ui.common import View

FAULTS_DIR = Path("scenarios") / "faults"
"""Where the fault plans are, from the project's folder (notebooks pass ``../scenarios/faults``)."""
NO_FAULTS = "no faults"


class RehearsalDashboard(View):
    """A rehearsal to choose, run with a progress bar, and read: plots and summary. After a
    run, ``report`` holds its :class:`RehearsalReport` and ``plot.value`` its PNG."""

    def __init__(
        self, faults_dir: str | Path = FAULTS_DIR, records: int = 200, seed: int = 1
    ) -> None:
        super().__init__()
        self.records = w.BoundedIntText(value=records, min=1, max=10_000_000, description="Records")
        self.seed = w.IntText(value=seed, description="Seed")
        plans = sorted(Path(faults_dir).glob("*.yaml"))
        self.faults = w.Dropdown(
            options=[(NO_FAULTS, "")] + [(p.stem, str(p)) for p in plans], description="Faults"
        )
        profiles = sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))
        self.profile = w.Dropdown(options=profiles, value="default", description="Latency")
        self.rehearse_button = w.Button(description="Rehearse", button_style="primary")
        self.progress = w.IntProgress(value=0, min=0, max=1, description="Progress")
        self.progress_label = w.Label()
        self.plot = w.Image(format="png")
        self.summary = w.HTML()
        self.report: RehearsalReport | None = None
        self.on_click(self.rehearse_button, self.run)
        choices = w.HBox([self.records, self.seed, self.faults, self.profile])
        bar = w.HBox([self.rehearse_button, self.progress, self.progress_label])
        self.widget = w.VBox([choices, bar, self.message, self.plot, self.summary, self.output])

    def options(self) -> Rehearsal:
        """The rehearsal the controls describe."""
        return Rehearsal(
            records=int(self.records.value),
            seed=int(self.seed.value),
            faults=self.faults.value or None,
            profile=str(self.profile.value),
        )

    def run(self) -> None:
        """Rehearse what the controls say, moving the bar as it goes; then plots and summary."""
        options = self.options()
        self.progress.max, self.progress.value = options.records, 0
        try:
            report = rehearse(options, on_progress=self.show_progress)
        except RehearsalRefused as exc:
            raise SyncError(f"cannot rehearse: {exc}") from exc
        self.report = report
        self.plot.value = rehearsal_plots.png(rehearsal_plots.figure(report))
        self.summary.value = summary_html(report)
        self.say(headline(report), "done")

    def show_progress(self, progress: RehearsalProgress) -> None:
        """The rehearsal's progress hook: the bar and the words beside it."""
        self.progress.max = progress.records_total
        self.progress.value = progress.records_done
        simulated = human_duration(progress.simulated_seconds)
        self.progress_label.value = (
            f"{progress.records_done:,}/{progress.records_total:,} records,"
            f" sync job {progress.jobs}, {simulated} simulated"
        )

    @property
    def summary_text(self) -> str:
        """The summary as a person reads it ("" before a run)."""
        return "" if self.report is None else "\n".join(summary_lines(self.report))


def headline(report: RehearsalReport) -> str:
    """One sentence: what synced, what failed, how long on real QuickBooks."""
    return (
        f"rehearsed {report.records:,} records: {report.synced:,} synced, {report.failed:,}"
        f" failed, {report.waiting:,} waiting; about {report.estimated_duration} on real"
        f" QuickBooks (profile {report.profile})"
    )


def summary_lines(report: RehearsalReport) -> list[str]:
    """The summary: counts, duration, each error code with its fix, the faults planned."""
    faults = report.faults or NO_FAULTS
    lines = [
        f"Rehearsal of {report.records:,} records (seed {report.seed}, {faults},"
        f" profile {report.profile}) in {report.jobs} sync job(s)",
        f"Synced {report.synced:,}, failed {report.failed:,}, waiting {report.waiting:,};"
        f" duplicates in QuickBooks: {report.duplicates_in_quickbooks}",
        f"On real QuickBooks: about {report.estimated_duration}"
        f" ({report.simulated_seconds:,.0f} simulated seconds by the latency profile)",
    ]
    lines.append("Errors by status code:" if report.errors_by_code else "No errors.")
    for code, count in report.errors_by_code.items():
        still = report.failed_by_code.get(code, 0)
        title, steps = fix_for(code, report.error_examples.get(code, ""))
        lines.append(f"  {code}: {count:,} time(s), {still:,} still failing. {title}")
        lines += [f"    {n}. {step}" for n, step in enumerate(steps, 1)]
    return lines + faults_lines(report.faults_planned)


def summary_html(report: RehearsalReport) -> str:
    """:func:`summary_lines` as HTML, one line a block, indented as in the text."""
    parts: list[str] = []
    for line in summary_lines(report):
        indent = len(line) - len(line.lstrip())
        style = f' style="margin-left:{indent}em"' if indent else ""
        parts.append(f"<div{style}>{html.escape(line.strip())}</div>")
    return '<div class="qbsync-rehearsal">' + "".join(parts) + "</div>"
