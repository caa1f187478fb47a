"""The scenario player: choose a playbook (``scenarios/*.yaml``), read what it covers and its
steps, and run it one step at a time with "Next" (or "Run to end"). After each step it shows
what the step ran and printed, each expectation ticked (✓) or crossed (✗) with what was
expected and what was seen, and the state it left: the sync queue, the sync jobs and the
newest job's errors with the guide's fix. At the end, the verdict.

The running is :class:`~syncengine.rehearsal.playbooks.PlaybookRun`, the same as ``qbsync
scenario run``'s; this view only shows it and clicks.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
import pandas as pd

from syncengine.queue import SyncQueue
from syncengine.rehearsal.playbooks import PlaybookError, PlaybookRun, StepResult
from syncengine.rehearsal.playbooks.checks import Check
from syncengine.rehearsal.playbooks.model import Playbook
from syncengine.rehearsal.playbooks.runner import summary, verdict
from syncengine.reports.sync_report import job_errors
from syncengine.store import Store
from syncengine.ui import jobs_view, queue_view
from syncengine.ui.common import View
from syncengine.ui.table import DataTable

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
"""The project's playbooks: the default folder."""
PASSED, FAILED, NEXT, LATER = "✓", "✗", "▶", "·"
"""How a step or an expectation is marked: held, failed, the next to run, not yet run."""
_COLOURS = {PASSED: "#1a6b1a", FAILED: "#a11"}


def check_line(check: Check) -> str:
    """One expectation as the player shows it: ``✓ queue inv.state: expected 'done', seen
    'done'`` (✗ when it failed)."""
    mark = PASSED if check.passed else FAILED
    return f"{mark} {check.what}: expected {check.expected!r}, seen {check.actual!r}"


def step_lines(result: StepResult, total: int) -> list[str]:
    """A step's result as text: which step, what it ran, its exit status and output, then
    its expectations each ticked or crossed."""
    lines = [f"Step {result.index} of {total}: {result.title}", f"ran: {result.did}"]
    lines += _output_lines(result)
    lines.append(_count_line(result))
    return lines + [f"  {check_line(c)}" for c in result.checks]


def _output_lines(result: StepResult) -> list[str]:
    lines = [f"exit status {result.shown.exit}"]
    for name in ("stdout", "stderr"):
        text = getattr(result.shown, name).rstrip()
        if text:
            lines += [f"{name}:", *(f"  {line}" for line in text.splitlines())]
    return lines


def _count_line(result: StepResult) -> str:
    failed = len(result.failures)
    return f"expectations: {len(result.checks) - failed} held, {failed} failed"


def about_lines(playbook: Playbook) -> list[str]:
    """A playbook's title, what it covers, its source, seed and any known failure."""
    lines = [
        f"{playbook.name}: {playbook.title}",
        f"covers: {playbook.covers.behaviour}",
        f"source: {playbook.covers.source}",
        f"seed: {playbook.seed}",
    ]
    if playbook.known_failure:
        lines.append(f"known failure: {playbook.known_failure}")
    return lines


def step_html(result: StepResult, total: int) -> str:
    """:func:`step_lines` for the screen: the output in a box, expectations coloured."""
    head = f"Step {result.index} of {total}: {result.title}"
    shown = html.escape("\n".join(_output_lines(result)))
    checks = "".join(_check_html(c) for c in result.checks)
    return (
        f"<b>{html.escape(head)}</b><br>ran: {html.escape(result.did)}"
        f'<pre style="white-space:pre-wrap">{shown}</pre>'
        f"{html.escape(_count_line(result))}<ul>{checks}</ul>"
    )


def _check_html(check: Check) -> str:
    line = check_line(check)
    colour = _COLOURS[line[0]]
    return f'<li style="color:{colour};list-style:none">{html.escape(line)}</li>'


def _lines_html(lines: list[str]) -> str:
    return "<br>".join(html.escape(line) for line in lines)


class ScenarioPlayer(View):
    """The playbooks of ``folder`` (default: the project's ``scenarios/``), ``playbook`` (a
    name) chosen first; Next, Run to end, Restart; each step's result and the state after it."""

    def __init__(self, folder: str | Path | None = None, playbook: str | None = None) -> None:
        super().__init__()
        self.folder = Path(folder) if folder is not None else SCENARIOS
        self.playing: PlaybookRun | None = None
        self.last: StepResult | None = None
        files = sorted(self.folder.glob("*.yaml"))
        self.choose = w.Dropdown(
            description="Playbook", options=[(p.stem, str(p)) for p in files], value=None
        )
        self.choose.layout.width = "auto"
        self._build()
        if playbook is not None:
            self.choose.value = self._path_of(playbook, files)
        elif files:
            self.choose.value = str(files[0])
        self.on_change(self.choose, self.start)
        self.guarded(self.start)()

    def _path_of(self, name: str, files: list[Path]) -> str:
        """The file of the playbook called ``name``; refused, naming the playbooks, if none."""
        path = self.folder / f"{name}.yaml"
        if path not in files:
            known = ", ".join(p.stem for p in files) or "none"
            raise PlaybookError(f"no playbook {name!r} in {self.folder}; playbooks: {known}")
        return str(path)

    def _build(self) -> None:
        self.about = w.HTML()
        self.steps = w.HTML()
        self.next = w.Button(description="Next ▶", button_style="primary")
        self.to_end = w.Button(description="Run to end ▶▶")
        self.restart = w.Button(description="Restart")
        self.reason = w.Label()
        self.step = w.HTML()
        self.verdict = w.HTML()
        self.errors = w.HTML()
        queue = _empty(queue_view.COLUMNS)
        self.queue = DataTable(
            queue, queue_view.COLUMNS, filters=["state"], page_size=10, host=self
        )
        self.jobs = DataTable(_empty(jobs_view.COLUMNS), jobs_view.COLUMNS, page_size=5, host=self)
        self.jobs.descending.value = True
        self.on_click(self.next, self.next_step)
        self.on_click(self.to_end, self.run_to_end)
        self.on_click(self.restart, self.start)
        self.widget = w.VBox(
            [
                w.HBox([self.choose, self.restart]),
                self.about,
                self.steps,
                w.HBox([self.next, self.to_end, self.reason]),
                self.message,
                self.step,
                self.verdict,
                w.HTML("<b>The sync queue after the step</b>"),
                self.queue.widget,
                w.HTML("<b>Sync jobs</b>"),
                self.jobs.widget,
                self.errors,
                self.output,
            ]
        )

    # -- what a person reads ----------------------------------------------------------------
    @property
    def about_text(self) -> str:
        """The chosen playbook's title, what it covers, source and seed (empty if none)."""
        return "" if self.playing is None else "\n".join(about_lines(self.playing.playbook))

    @property
    def steps_text(self) -> str:
        """The playbook's steps, each marked ✓ held, ✗ failed, ▶ next or · not yet run."""
        return "\n".join(self._step_rows())

    @property
    def step_text(self) -> str:
        """The last step's result: what it ran, printed, and each expectation (empty before
        the first step)."""
        if self.playing is None or self.last is None:
            return ""
        return "\n".join(step_lines(self.last, len(self.playing.playbook.steps)))

    @property
    def verdict_text(self) -> str:
        """The verdict once every step has run, with each failed expectation; else empty."""
        if self.playing is None or not self.playing.finished:
            return ""
        outcome = self.playing.outcome
        lines = [f"Verdict: {outcome.name}: {verdict(outcome)}"]
        for step in outcome.steps:
            lines += [f"  step {step.index} ({step.title}): {check_line(c)}" for c in step.failures]
        return "\n".join(lines)

    def _step_rows(self) -> list[str]:
        if self.playing is None:
            return []
        done = self.playing.outcome.steps
        rows = []
        for index, step in enumerate(self.playing.playbook.steps, start=1):
            if index <= len(done):
                mark = FAILED if done[index - 1].failures else PASSED
            else:
                mark = NEXT if index == len(done) + 1 else LATER
            rows.append(f"{mark} {index}. {step.title}  [{step.action}] {summary(step)}")
        return rows

    # -- actions ----------------------------------------------------------------------------
    def start(self) -> None:
        """(Re)load the chosen playbook and build its starting point; a playbook that does not
        load says why (file, line, key) in the message area."""
        self.close()
        self.last = None
        path = self.choose.value
        if path is None:
            self._show()
            self.say(f"no playbooks in {self.folder}: choose another folder", "refused")
            return
        try:
            self.playing = PlaybookRun(path)
        except PlaybookError as exc:
            self._show()
            self.say(str(exc), "refused")
            return
        self._show()
        count = len(self.playing.playbook.steps)
        self.say(f"{self.playing.playbook.name}: {_count(count, 'step')}; click Next to run step 1")

    def next_step(self) -> None:
        """Run the next step; show its result and the state after it."""
        run = self._running()
        self.last = run.next_step()
        self._show()
        self.say(self._step_said(self.last), "refused" if self.last.failures else "done")

    def run_to_end(self) -> None:
        """Run every step not yet run; show the last one's result and the verdict."""
        outcome = self._running().run_to_end()
        self.last = outcome.steps[-1]
        self._show()
        self.say(self.verdict_text.splitlines()[0], "done" if outcome.as_expected else "refused")

    def close(self) -> None:
        """End the current run and remove its temporary workspace."""
        if self.playing is not None:
            self.playing.close()
            self.playing = None

    def _running(self) -> PlaybookRun:
        if self.playing is None:
            raise PlaybookError(self._why_not() or "choose a playbook first")
        return self.playing

    def _step_said(self, result: StepResult) -> str:
        total = len(self.playing.playbook.steps) if self.playing else 0
        failed, checked = len(result.failures), len(result.checks)
        held = (
            f"{failed} of {_count(checked, 'expectation')} failed"
            if failed
            else f"{_count(checked, 'expectation')} held"
        )
        return f"step {result.index} of {total} ({result.title}): {held}"

    # -- the screen -------------------------------------------------------------------------
    def _show(self) -> None:
        head, *rest = self.about_text.splitlines() or [""]
        self.about.value = f"<b>{html.escape(head)}</b><br>{_lines_html(rest)}"
        self.steps.value = _lines_html(self._step_rows())
        total = len(self.playing.playbook.steps) if self.playing else 0
        self.step.value = "" if self.last is None else step_html(self.last, total)
        self.verdict.value = f"<b>{_lines_html(self.verdict_text.splitlines())}</b>"
        self._update_buttons()
        self._show_state()

    def _why_not(self) -> str:
        if self.choose.value is None:
            return f"no playbooks in {self.folder}"
        if self.playing is None:
            return "the playbook did not load: fix the file (message below), then click Restart"
        if self.playing.finished:
            return (
                f"all {_count(len(self.playing.playbook.steps), 'step')} have run:"
                " click Restart to run again"
            )
        return ""

    def _update_buttons(self) -> None:
        why = self._why_not()
        for button in (self.next, self.to_end):
            button.disabled = bool(why)
            button.tooltip = why
        self.restart.disabled = self.choose.value is None
        self.reason.value = why

    def _show_state(self) -> None:
        if self.playing is None:
            queue, jobs, errors = _empty(queue_view.COLUMNS), _empty(jobs_view.COLUMNS), ""
        else:
            with self.playing.world.store() as store:
                queue = SyncQueue(store).frame(state=None, sort="id")
                jobs = jobs_view.jobs_frame(store)
                errors = _errors_html(store, jobs)
        self.queue.set_frame(queue)
        self.jobs.set_frame(jobs)
        self.errors.value = errors


def _errors_html(store: Store, jobs: pd.DataFrame) -> str:
    """The newest job's errors, each with the guide's fix (or that it had none)."""
    if jobs.empty:
        return "<b>Errors</b>: no sync job yet"
    job_id = int(jobs["id"].max())
    errors = job_errors(store, job_id)
    head = f"<b>Errors of sync job {job_id} (the newest): {len(errors)}</b>"
    return head + "".join(jobs_view.error_html(e) for e in errors)


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _count(n: int, noun: str) -> str:
    """``1 step``, ``6 steps``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
