"""Which status codes and HRESULTs a playbook reproduces, read from what the playbook says: the
errors its expectations name (a PSR's ``error_code``, the job's ``errors`` by code) and what the
faults of its plan make QuickBooks answer (``qbsim.faults.codes_met``). Support asks it the other
way round — which playbooks reproduce the code a customer met — with :func:`reproducing` or,
for every code at once, :func:`index` (``qbsync scenario list --code 3100``), and reads a run
with :func:`seen`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbsim.faults import codes_met
from syncengine.rehearsal.playbooks import model
from syncengine.rehearsal.playbooks.load import PlaybookError, fault_plan, load
from syncengine.rehearsal.playbooks.runner import Outcome, StepResult
from syncengine.reports.guide import format_code

STATUS_CODE = re.compile(r'statusCode="(\d+)"')
SEEN_ERRORS = 2
"""The most errors of a step's output :func:`seen` quotes (each: its line and the next)."""


@dataclass(frozen=True)
class Evidence:
    """A code a playbook reproduces, and the part of the playbook that says so."""

    code: int
    where: str


@dataclass(frozen=True)
class Reproducer:
    """A playbook that reproduces one code: its name, title, file, and where it says so."""

    name: str
    title: str
    path: Path
    evidence: tuple[str, ...]

    def describe(self) -> str:
        """``name: title`` then, indented, where the playbook shows the code."""
        return f"{self.name}: {self.title}\n  " + "; ".join(self.evidence)


def evidence(playbook: model.Playbook, path: str | Path) -> list[Evidence]:
    """Every code ``playbook`` (read from ``path``) reproduces: its steps' expectations in
    order, then its faults."""
    found = [e for i, step in enumerate(playbook.steps, 1) for e in _expected(i, step.expect)]
    for fault in fault_plan(playbook, path).faults:
        found += [Evidence(c, f"fault {fault.name!r} ({fault.effect})") for c in codes_met(fault)]
    return found


def _expected(index: int, expect: model.Expect) -> list[Evidence]:
    found = [
        Evidence(psr.error_code, f"step {index} expects {key}'s PSR to fail with it")
        for key, psr in expect.queue.items()
        if psr.error_code is not None
    ]
    errors = (expect.jobs.errors if expect.jobs else None) or {}
    found += [
        Evidence(code, f"step {index} expects {_errors(count)} of it in the job")
        for code, count in errors.items()
        if isinstance(code, int) and count > 0
    ]
    return found + _answered(index, expect)


def _answered(index: int, expect: model.Expect) -> list[Evidence]:
    """A status QuickBooks must answer a step's request with, in its printed answer
    (``stdout: {contains: 'statusCode="3100"'}``, as ``qbsync replay`` writes): 0 (OK) and
    1 (nothing found) are not errors."""
    texts = expect.stdout.contains if expect.stdout else []
    codes = [int(m[1]) for text in texts for m in STATUS_CODE.finditer(text)]
    where = f"step {index} expects QuickBooks to answer with it"
    return [Evidence(code, where) for code in dict.fromkeys(codes) if code > 1]


def _errors(count: int) -> str:
    return "1 error" if count == 1 else f"{count} errors"


def by_code(found: list[Evidence]) -> dict[str, list[str]]:
    """Evidence grouped by code (``"3100"``, ``"0x80040408"``), codes in numeric order."""
    grouped = _grouped(found)
    return {format_code(code): list(grouped[code]) for code in sorted(grouped)}


def reproducing(folder: Path, code: int) -> list[Reproducer]:
    """The playbooks in ``folder`` that reproduce ``code``, by name."""
    return index(folder).get(code, [])


def index(folder: Path) -> dict[int, list[Reproducer]]:
    """Every code the playbooks in ``folder`` reproduce, with those playbooks by name; a file
    that is not a valid playbook is left out (``qbsync scenario list`` names it)."""
    found: dict[int, list[Reproducer]] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            book = load(path)
        except PlaybookError:
            continue
        for code, where in _grouped(evidence(book, path)).items():
            found.setdefault(code, []).append(Reproducer(book.name, book.title, path, where))
    return dict(sorted(found.items()))


def _grouped(found: list[Evidence]) -> dict[int, tuple[str, ...]]:
    grouped: dict[int, tuple[str, ...]] = {}
    for item in found:
        grouped[item.code] = (*grouped.get(item.code, ()), item.where)
    return grouped


def seen(outcome: Outcome, code: int) -> list[str]:
    """Where a run met ``code``: each step whose checks found it (a PSR's error code, the job's
    errors) or whose output reports an error with it, with those checks and the first two such
    errors as printed (the line naming the code, then QuickBooks' message)."""
    lines = []
    for step in outcome.steps:
        found = [f"  {c.what}: {c.actual!r}" for c in step.checks if _meets(c.what, c.actual, code)]
        said = [f"  | {line}" for line in _errors_printed(step, code)]
        if found or said:
            lines += [f"step {step.index} ({step.title}):", *found, *said]
    return lines


def _meets(what: str, actual: Any, code: int) -> bool:
    if what.endswith(".error_code"):
        return bool(actual == code)
    return what == "jobs errors" and isinstance(actual, dict) and code in actual


def _errors_printed(step: StepResult, code: int) -> list[str]:
    """The lines of the step's output that report an error with ``code`` (``status 3100``,
    ``HRESULT 0x80040408``), each with the line after it."""
    printed = [line.strip() for line in (step.shown.stdout + step.shown.stderr).splitlines()]
    names = (f"status {format_code(code)}", f"HRESULT {format_code(code)}")
    at = [i for i, line in enumerate(printed) if any(name in line for name in names)]
    return [line for i in at[:SEEN_ERRORS] for line in printed[i : i + 2]]
