"""Support's view of a customer's errors: open what the customer sent (their workspace file or
``qbsync report --errors --json`` output), see each error with the status-code guide's fix,
and for the chosen error the playbooks that reproduce its code (read from the playbooks'
expectations and faults, :mod:`syncengine.rehearsal.playbooks.codes`); "Run playbook" runs one
and shows its verdict and where the run met the code."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from syncengine.rehearsal import playbooks
from syncengine.rehearsal.playbooks.codes import Reproducer, index, seen
from syncengine.reports.customer_errors import CustomerErrors, code_name, code_of, read_errors
from syncengine.reports.guide import format_code
from syncengine.reports.sync_report import ErrorLine, render_errors
from syncengine.ui.common import View

FOLDER = Path("scenarios")


class Panel:
    """Plain text shown as written (pre-formatted) in an HTML widget; ``text`` is what it says."""

    def __init__(self) -> None:
        self.widget = w.HTML()
        self.text = ""

    def show(self, text: str) -> None:
        """Show ``text`` (empty: show nothing)."""
        self.text = text
        body = html.escape(text)
        self.widget.value = f'<pre style="white-space: pre-wrap">{body}</pre>' if text else ""


class SupportView(View):
    """A customer's errors with the guide's fix and the playbooks reproducing each code, from
    the file in ``path`` (opened at once when given); playbooks come from ``folder``."""

    def __init__(self, path: str | Path = "", folder: str | Path = FOLDER) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.found: CustomerErrors | None = None
        self.index: dict[int, list[Reproducer]] = {}
        self.reproducers: list[Reproducer] = []
        self.path = w.Text(value=str(path), description="File", placeholder="shop.db or .json")
        self.open_button = w.Button(description="Open")
        self.errors = w.Select(options=[], description="Errors", rows=6)
        self.playbooks = w.Dropdown(options=[], description="Playbooks")
        self.run_button = w.Button(description="Run playbook", button_style="primary")
        self.summary, self.fix, self.covers, self.verdict = Panel(), Panel(), Panel(), Panel()
        self.on_click(self.open_button, self.open)
        self.on_change(self.errors, self.show_error)
        self.on_change(self.playbooks, self.show_playbook)
        self.on_click(self.run_button, self.run_playbook)
        self.widget = w.VBox(self._parts())
        self.run_button.disabled = True
        if str(path):
            self.open()

    def _parts(self) -> list[w.Widget]:
        opening = w.HBox([self.path, self.open_button])
        running = w.HBox([self.playbooks, self.run_button])
        panels = [self.fix.widget, running, self.covers.widget, self.message, self.verdict.widget]
        return [opening, self.summary.widget, self.errors, *panels, self.output]

    # -- the customer's errors -----------------------------------------------------------------
    def open(self) -> None:
        """Read the file in ``path`` and the playbooks (once): its errors become the choices,
        the first one chosen."""
        self.found = read_errors(self.path.value.strip())
        self.index = self.index or index(self.folder)
        self.summary.show(self.found.describe())
        self.errors.options = [(error_label(e), i) for i, e in enumerate(self.found.errors)]
        self.errors.value = 0 if self.found.errors else None
        self.show_error()

    @property
    def error(self) -> ErrorLine | None:
        """The error chosen, if any."""
        if self.found is None or self.errors.value is None:
            return None
        return self.found.errors[int(self.errors.value)]

    def show_error(self) -> None:
        """The chosen error with the guide's fix, and the playbooks reproducing its code."""
        error = self.error
        self.fix.show("" if error is None else render_errors([error]).split("\n", 1)[1])
        code = None if error is None else code_of(error)
        self.reproducers = [] if code is None else self.index.get(code, [])
        self.playbooks.options = [(f"{r.name}: {r.title}", r.name) for r in self.reproducers]
        self.playbooks.value = self.reproducers[0].name if self.reproducers else None
        self.verdict.show("")
        self.say("")
        self.show_playbook()

    # -- the playbooks -----------------------------------------------------------------------
    @property
    def reproducer(self) -> Reproducer | None:
        """The playbook chosen, if any."""
        return next((r for r in self.reproducers if r.name == self.playbooks.value), None)

    def show_playbook(self) -> None:
        """Where the chosen playbook shows the code; or why there is no playbook to run."""
        chosen, error = self.reproducer, self.error
        self.run_button.disabled = chosen is None
        if chosen is not None:
            self.covers.show(f"{chosen.path}: " + "; ".join(chosen.evidence))
        elif error is not None:
            self.covers.show(no_playbook(code_of(error), self.folder))
        else:
            self.covers.show("")

    def run_playbook(self) -> None:
        """Run the chosen playbook; show its verdict and where the run met the error's code."""
        chosen, error = self.reproducer, self.error
        if chosen is None or error is None:
            self.say("choose an error, then one of the playbooks that reproduce it", "refused")
            return
        code = code_of(error)
        assert code is not None  # a playbook is offered only for an error with a code
        outcome = playbooks.run(chosen.path)
        met = seen(outcome, code) or [f"no step's checks or output showed {format_code(code)}"]
        self.verdict.show("\n".join([playbooks.render(outcome), *met]))
        self.say(f"ran {chosen.name}: {'as expected' if outcome.as_expected else 'FAILED'}", "done")


def error_label(error: ErrorLine) -> str:
    """How an error is listed: ``#3 status 3100: customer 'Birch Dental' (record 3)``."""
    code = code_of(error)
    return f"#{error.id} {'no status code' if code is None else code_name(code)}: {error.record}"


def no_playbook(code: int | None, folder: Path) -> str:
    """Why no playbook is offered for an error with ``code``, and what to do instead."""
    if code is None:
        return (
            "No status code: QuickBooks never saw this record; the engine held it back. Fix the"
            " error its message names first."
        )
    key = format_code(code)
    return (
        f"No playbook in {folder} reproduces {key}. `qbsync guide {key}` says what it means;"
        " `qbsync scenario new NAME` writes a playbook for it."
    )
