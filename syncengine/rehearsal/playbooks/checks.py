"""Expectations after a step, checked against the workspace, the company and what the step
showed. Each gives :class:`Check` results: what was checked, expected, actual, passed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from qbsim import Company
from syncengine.app import App
from syncengine.rehearsal.playbooks import model
from syncengine.rehearsal.playbooks import quickbooks as qb
from syncengine.rehearsal.playbooks.shown import Shown
from syncengine.rehearsal.playbooks.world import World
from syncengine.store import Store
from syncengine.store.psrs import ACTIVE_STATES
from syncengine.wizard import Wizard

NOTHING = "(nothing)"


@dataclass(frozen=True)
class Check:
    """One expectation: ``what`` was checked, the value expected and the one found."""

    what: str
    expected: Any
    actual: Any

    @property
    def passed(self) -> bool:
        """True when the value found is the one expected."""
        return same(self.expected, self.actual)

    def describe(self) -> str:
        """``what: expected X, got Y``."""
        return f"{self.what}: expected {self.expected!r}, got {self.actual!r}"


def same(expected: Any, actual: Any) -> bool:
    """Equal, numbers compared as numbers (``"80"`` is ``Decimal("80.00")``), qbXML's
    ``"true"``/``"false"`` as booleans, lists in order."""
    if isinstance(expected, bool) and isinstance(actual, str):
        return actual == str(expected).lower()
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(same, expected, actual))
    if expected == actual:
        return True
    number = _number(expected), _number(actual)
    if None not in number and not isinstance(expected, bool):
        return number[0] == number[1]
    return str(expected) == str(actual) and not isinstance(expected, bool)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def given(expectation: Any) -> Iterable[tuple[str, Any]]:
    """The keys an expectation sets (those not left out), with their values."""
    return expectation.model_dump(exclude_defaults=True).items()


# -- what the step showed ------------------------------------------------------------------
def shown(expect: model.Expect, result: Shown) -> list[Check]:
    """Exit status, stdout and stderr."""
    checks = [] if expect.exit is None else [Check("exit status", expect.exit, result.exit)]
    for stream in ("stdout", "stderr"):
        text: model.Text | None = getattr(expect, stream)
        if text is not None:
            checks += _text(stream, text, getattr(result, stream))
    return checks


def _text(stream: str, text: model.Text, actual: str) -> list[Check]:
    checks = [Check(f"{stream} contains {t!r}", True, t in actual) for t in text.contains]
    checks += [Check(f"{stream} does not contain {t!r}", False, t in actual)
               for t in text.not_contains]  # fmt: skip
    if text.matches is not None:
        found = re.search(text.matches, actual, re.MULTILINE) is not None
        checks.append(Check(f"{stream} matches /{text.matches}/", True, found))
    return checks


# -- the workspace ---------------------------------------------------------------------------
def queue(world: World, store: Store, expect: model.Expect) -> list[Check]:
    """Each record's newest PSR, and whether one is open."""
    checks = []
    for key, psr in expect.queue.items():
        record = world.id_of(key)
        row = store.conn.execute(
            "SELECT state, action, error_code FROM psrs WHERE entity_id = ? ORDER BY id DESC"
            " LIMIT 1",
            (record,),
        ).fetchone()
        newest = dict(zip(("state", "action", "error_code"), row or (None,) * 3, strict=True))
        newest["open"] = _open(store, record)
        checks += [Check(f"queue {key}.{k}", v, newest[k]) for k, v in given(psr)]
    counts = store.psrs.counts()
    checks += [
        Check(f"queue {s} count", n, counts.get(s, 0)) for s, n in expect.queue_counts.items()
    ]
    return checks


def _open(store: Store, record: int) -> bool:
    marks = ",".join("?" * len(ACTIVE_STATES))
    sql = f"SELECT COUNT(*) FROM psrs WHERE entity_id = ? AND state IN ({marks})"
    return bool(store.conn.execute(sql, (record, *ACTIVE_STATES)).fetchone()[0])


def jobs(store: Store, expect: model.Expect) -> list[Check]:
    """The number of jobs, the unfinished one, the newest one's outcome and its errors."""
    if expect.jobs is None:
        return []
    frame = store.jobs.frame()
    newest = None if frame.empty else frame.iloc[0]
    actual = {
        "count": len(frame),
        "unfinished": store.jobs.current() is not None,
        "outcome": None if newest is None else newest["outcome"],
        "errors": {} if newest is None else _errors_by_code(store, int(newest["id"])),
    }
    return [Check(f"jobs {k}", v, actual[k]) for k, v in given(expect.jobs)]


ERRORS_BY_CODE = """
SELECT CASE WHEN status_code IS NOT NULL THEN status_code
            WHEN psr_id IS NULL THEN 'transport' ELSE 'not sent' END, COUNT(*)
FROM errors WHERE job_id = ? GROUP BY 1
"""
"""A job's errors by status code; ``transport``: no answer; ``not sent``: held back."""


def _errors_by_code(store: Store, job_id: int) -> dict[int | str, int]:
    return dict(store.conn.execute(ERRORS_BY_CODE, (job_id,)).fetchall())


def app(world: World, store: Store, expect: model.Expect) -> list[Check]:
    """App records: status, name, deleted, flags, synced, fields."""
    checks = []
    the_app = App(store)
    for key, wanted in expect.app.items():
        record = the_app.record(world.id_of(key))
        link = store.links.get(record.id)
        actual = {
            "status": record.status,
            "name": record.name,
            "deleted": record.deleted,
            "flags": sorted(store.flags.of(record.id)),
            "synced": bool(link and link.qb_id and not link.qb_deleted_at),
        }
        for name, value in given(wanted):
            if name == "fields":
                checks += [Check(f"app {key}.{f}", v, record.get(f)) for f, v in value.items()]
            else:
                expected = sorted(value) if name == "flags" else value
                checks.append(Check(f"app {key}.{name}", expected, actual[name]))
    return checks


def wizard(world: World, store: Store, expect: model.Expect) -> list[Check]:
    """The wizard: on or off, its badge, which records wait."""
    if expect.wizard is None:
        return []
    the_wizard = Wizard(store)
    keys = {record: key for key, record in world.keys.items()}
    frame = the_wizard.candidates()
    badge = the_wizard.badge()
    actual: dict[str, Any] = {
        "enabled": the_wizard.enabled,
        "badge": {d: badge.get(d, 0) for d in (expect.wizard.badge or {})},
    }
    for state in ("waiting", "kept"):
        records = frame[frame["state"] == state]["entity_id"].dropna()
        actual[state] = sorted(keys.get(int(i), f"record {int(i)}") for i in records)
    checks = []
    for name, value in given(expect.wizard):
        expected = sorted(value) if name in ("waiting", "kept") else value
        checks.append(Check(f"wizard {name}", expected, actual[name]))
    return checks


def log(world: World, store: Store, expect: model.Expect) -> list[Check]:
    """Sync log lines about a record: at least one, or exactly ``count``."""
    checks = []
    frame = store.log.frame()
    for line in expect.log:
        rows = frame[frame["entity_id"] == world.id_of(line.record)]
        wanted = {k: v for k, v in given(line) if k not in ("record", "count")}
        for column, value in wanted.items():
            rows = rows[rows[column] == value]
        what = f"log lines about {line.record}" + "".join(f" {k}={v}" for k, v in wanted.items())
        if line.count is None:
            checks.append(Check(what + " (at least one)", True, len(rows) > 0))
        else:
            checks.append(Check(what, line.count, len(rows)))
    return checks


# -- QuickBooks ----------------------------------------------------------------------------
def quickbooks(company: Company, expect: model.Expect) -> list[Check]:
    """QuickBooks' records, read by qbXML queries."""
    checks = []
    for wanted in expect.quickbooks:
        held = qb.records(company, wanted.kind)
        named = [r for r in held if wanted.name is None or qb.named(r, wanted.name)]
        what = f"QuickBooks {wanted.kind}" + (f" {wanted.name!r}" if wanted.name else "")
        for name, value in given(wanted):
            checks += _quickbooks_check(company, wanted, what, named, name, value)
    return checks


def _quickbooks_check(
    company: Company,
    wanted: model.QuickBooksExpect,
    what: str,
    named: list[dict[str, Any]],
    name: str,
    value: Any,
) -> list[Check]:
    if name == "exists":
        return [Check(f"{what} exists", value, bool(named))]
    if name == "count":
        return [Check(f"{what} count", value, len(named))]
    if name == "deleted":
        return [Check(f"{what} deleted", value, qb.is_deleted(company, wanted.kind, wanted.name))]
    if name == "fields":
        ret = named[0] if named else {}
        return [Check(f"{what} {f}", v, ret.get(f, NOTHING)) for f, v in value.items()]
    return []  # kind and name say which records; nothing to check


def unchanged(
    company: Company, expect: model.Expect, snapshots: list[dict[str, Any]]
) -> list[Check]:
    """QuickBooks holds exactly what it held after step N (0: at the start)."""
    step = expect.quickbooks_unchanged_since
    if step is None:
        return []
    if step >= len(snapshots):
        return [Check(f"QuickBooks unchanged since step {step}", [], "no such step before this")]
    before, now = snapshots[step], qb.snapshot(company)
    changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    return [Check(f"QuickBooks unchanged since step {step}", [], changed)]
