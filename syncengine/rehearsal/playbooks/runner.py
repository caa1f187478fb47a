"""Running a playbook: build its starting point in a temporary folder, do each step, check
its expectations, and say what held and what did not (:class:`Outcome`)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from syncengine.errors import SyncError
from syncengine.rehearsal.playbooks import checks, model
from syncengine.rehearsal.playbooks import quickbooks as qb
from syncengine.rehearsal.playbooks.checks import Check
from syncengine.rehearsal.playbooks.command_line import shown as command_shown
from syncengine.rehearsal.playbooks.load import PlaybookError, fault_plan, load, plan_text
from syncengine.rehearsal.playbooks.shown import Shown
from syncengine.rehearsal.playbooks.world import World


@dataclass
class StepResult:
    """One step done: its number (from 1), title, what it did and showed, its checks."""

    index: int
    title: str
    did: str
    shown: Shown
    checks: list[Check]

    @property
    def failures(self) -> list[Check]:
        """The checks that did not hold."""
        return [c for c in self.checks if not c.passed]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the step, what it showed, and every expectation with its result."""
        return {
            "index": self.index,
            "title": self.title,
            "did": self.did,
            "exit": self.shown.exit,
            "stdout": self.shown.stdout,
            "stderr": self.shown.stderr,
            "expectations": [_check_dict(c) for c in self.checks],
        }


@dataclass
class Outcome:
    """A playbook's run: every step's result. ``passed`` when every expectation held; a
    ``known_failure`` playbook is as expected when it did not."""

    name: str
    path: Path
    known_failure: str | None
    steps: list[StepResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Every expectation of every step held."""
        return not self.failures

    @property
    def as_expected(self) -> bool:
        """Passed, or failed as its ``known_failure`` says it does."""
        return self.passed != bool(self.known_failure)

    @property
    def failures(self) -> list[dict[str, Any]]:
        """Each failed expectation with its step: ``step``, ``title``, ``expectation``, values."""
        return [
            {"step": s.index, "title": s.title, **_check_dict(c)}
            for s in self.steps
            for c in s.failures
        ]

    def as_dict(self) -> dict[str, Any]:
        """The ``scenario run --json`` object of this playbook."""
        return {
            "name": self.name,
            "path": str(self.path),
            "passed": self.passed,
            "known_failure": self.known_failure,
            "as_expected": self.as_expected,
            "steps": [s.as_dict() for s in self.steps],
            "failures": self.failures,
        }


def _check_dict(check: Check) -> dict[str, Any]:
    return {
        "expectation": check.what,
        "expected": check.expected,
        "actual": check.actual,
        "passed": check.passed,
    }


class PlaybookRun:
    """A playbook being run one step at a time, on a fresh workspace in a temporary folder
    of its own (kept until :meth:`close`, so the state after the last step can be read).
    :class:`~syncengine.rehearsal.playbooks.load.PlaybookError` when the file is not a valid
    playbook or its starting point is refused."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.playbook = load(path)
        plan = fault_plan(self.playbook, path)
        self.outcome = Outcome(self.playbook.name, self.path, self.playbook.known_failure)
        self._folder = tempfile.TemporaryDirectory(prefix="qbsync-playbook-")
        try:
            folder = Path(self._folder.name)
            self.world = World.build(self.playbook, folder, plan, plan_text(self.playbook, path))
        except SyncError as exc:
            self.close()
            raise PlaybookError(f"{path}: the starting point: {exc}") from None
        self._snapshots = [qb.snapshot(self.world.company())]

    @property
    def done(self) -> int:
        """How many steps have run."""
        return len(self.outcome.steps)

    @property
    def finished(self) -> bool:
        """Every step has run."""
        return self.done == len(self.playbook.steps)

    @property
    def upcoming(self) -> model.Step | None:
        """The step :meth:`next_step` would run; None once finished."""
        return None if self.finished else self.playbook.steps[self.done]

    def next_step(self) -> StepResult:
        """Run the next step and check its expectations; refused once every step has run."""
        step = self.upcoming
        if step is None:
            raise SyncError(
                f"{self.path}: all {_count(self.done, 'step')} of {self.playbook.name!r} have"
                " run; start a new run (Restart) to run it again"
            )
        result = _step(self.world, self.done + 1, step, self._snapshots)
        self.outcome.steps.append(result)
        return result

    def run_to_end(self) -> Outcome:
        """Run every step not yet run; the playbook's outcome."""
        while not self.finished:
            self.next_step()
        return self.outcome

    def close(self) -> None:
        """Remove the run's temporary folder (its workspace and company)."""
        self._folder.cleanup()

    def __enter__(self) -> PlaybookRun:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def run(path: str | Path) -> Outcome:
    """Run the playbook in ``path`` to its end (a :class:`PlaybookRun`), then remove its
    temporary folder. :class:`~syncengine.rehearsal.playbooks.load.PlaybookError` before any
    step when the file is not a valid playbook."""
    with PlaybookRun(path) as playbook_run:
        return playbook_run.run_to_end()


def _step(world: World, index: int, step: model.Step, snapshots: list[Any]) -> StepResult:
    did = describe(world, step)  # before the step: {psr:key} names the PSR it acts on
    shown = world.do(step)
    company = world.company()
    found = checks.shown(step.expect, shown)
    with world.store() as store:
        for checker in (checks.queue, checks.app, checks.wizard, checks.log):
            found += checker(world, store, step.expect)
        found += checks.jobs(store, step.expect)
    found += checks.quickbooks(company, step.expect)
    found += checks.unchanged(company, step.expect, snapshots)
    snapshots.append(qb.snapshot(company))
    if step.expect.exit is None and shown.exit != 0:
        found.append(Check("the step to succeed (or `exit:` to expect otherwise)", 0, shown.exit))
    return StepResult(index, step.title, did, shown, found)


def describe(world: World, step: model.Step) -> str:
    """What the step did: its command lines (``qbsync record undo-sync 5``, ``qbsync app
    delete 3``), or its data as written (``quickbooks: {"delete": ...}``)."""
    try:
        lines = world.commands(step)
    except SyncError:  # a record without the PSR named: the step itself says so
        lines = []
    if lines:
        return "; ".join(command_shown(argv) for argv in lines)
    if step.run is not None:
        return f"qbsync {step.run}"
    return f"{step.action}: {summary(step)}"


def summary(step: model.Step) -> str:
    """A step's doing in one line, as written: its command line, or its data as JSON."""
    value = getattr(step, step.action)
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return json.dumps(value, default=str)


# -- for people ------------------------------------------------------------------------------
def render(outcome: Outcome) -> str:
    """The outcome for people: the verdict, then each failed expectation with its step, and
    what the step showed."""
    lines = [f"{outcome.path}: {outcome.name}: {verdict(outcome)}"]
    for step in outcome.steps:
        if step.failures:
            lines.append(f"  step {step.index} ({step.title}): {step.did}")
            lines += [f"    {c.describe()}" for c in step.failures]
            lines += _shown(step.shown)
    return "\n".join(lines)


def verdict(outcome: Outcome) -> str:
    """The playbook's verdict in one line: ``passed (6 steps, 23 expectations)``, ``FAILED: 1
    of 23``, or how it stands against its ``known_failure`` mark."""
    checked = _count(sum(len(s.checks) for s in outcome.steps), "expectation")
    failed = len(outcome.failures)
    if outcome.known_failure:
        if outcome.passed:
            return (
                f"passed, but it is marked known_failure ({outcome.known_failure}): remove the mark"
            )
        return f"known failure ({outcome.known_failure}): {failed} of {checked} failed"
    if outcome.passed:
        return f"passed ({_count(len(outcome.steps), 'step')}, {checked})"
    return f"FAILED: {failed} of {checked}"


def _count(n: int, noun: str) -> str:
    """``1 step``, ``2 steps``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _shown(shown: Shown) -> list[str]:
    lines = [f"    exit status {shown.exit}"]
    for name, text in (("stdout", shown.stdout), ("stderr", shown.stderr)):
        body = text.strip().splitlines()
        if body:
            lines.append(f"    {name}:")
            lines += [f"      | {line}" for line in body[:20]]
            if len(body) > 20:
                lines.append(f"      | … {len(body) - 20} more lines")
    return lines
