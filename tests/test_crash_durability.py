"""A rehearsal into a workspace (``rehearse --db``) SIGKILLed at seeded points, then resumed
with ``job run --simulated``: every linked record is in the simulated company under its ID, no
ID is linked twice, no name or RefNumber is doubled, no PSR is lost.

Each point kills a subprocess (``tests/crash_runner.py``) as the company answers a message
set, before or after it writes the change to its journal, or while it rewrites its file; the
resume runs in this process. A small workspace (16 records, 2 requests a message set) keeps
each point to a couple of seconds.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from qbsim import Company
from syncengine.cli import main as qbsync
from syncengine.rehearsal.appgen import ACCOUNTS
from syncengine.rehearsal.rehearse import TERMS, company_file

RUNNER = Path(__file__).with_name("crash_runner.py")
RECORDS, SEED, BATCH = 16, 5, 2
SETUP = len(ACCOUNTS) + len(TERMS)  # documents that set the company up before it is kept
# How often the run meets each point (``crash_runner.py count``): 37 documents answered, of
# which 9 changed the company; the company file is written twice (kept, then closed). Two of
# the answers are the workspace's check of its company file, one of them its stamp.
MET = {"answered": 37, "unwritten": 9, "written": 9, "renaming": 2, "renamed": 2}
SAMPLED_ANSWERS = 12


def _points() -> list[tuple[str, int]]:
    """Every journal write and file rename, and a seeded sample of the answers."""
    points = [(p, n) for p in ("unwritten", "written", "renaming", "renamed") for n in
              range(1, MET[p] + 1)]  # fmt: skip
    answers = random.Random(15).sample(range(SETUP + 1, MET["answered"] + 1), SAMPLED_ANSWERS)
    return points + [("answered", n) for n in sorted(answers)]


def _kill_rehearsal(db: Path, point: str, nth: int) -> None:
    command = ["rehearse", "--generate", str(RECORDS), "--seed", str(SEED)]
    command += ["--batch-size", str(BATCH), "--db", str(db), "--json"]
    done = subprocess.run(
        [sys.executable, str(RUNNER), point, str(nth), *command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, (
        f"the run never met {point} #{nth} (exit {done.returncode}); update MET: {done.stderr}"
    )


def resume(db: Path) -> None:
    for _ in range(3):  # a job, and again for what a crash left queued
        qbsync(["--db", str(db), "job", "run", "--simulated", "--batch-size", str(BATCH)])
        if not _rows(db, "SELECT id FROM psrs WHERE state IN ('queued', 'locked', 'failed')"):
            return


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def assert_nothing_lost_or_doubled(db: Path, company: Company, all_synced: bool) -> None:
    links = _rows(db, "SELECT entity_id, qb_type, qb_id FROM links")
    missing = [(e, kind, qb_id) for e, kind, qb_id in links if company.lookup(kind, qb_id) is None]
    assert not missing, f"linked but not in the company: {missing}"
    twice = [qb_id for qb_id, n in Counter(qb_id for _, _, qb_id in links).items() if n > 1]
    assert not twice, f"linked to two app records: {twice}"
    for kind in {kind for _, kind, _ in links}:
        held = company.count(kind)
        linked = sum(1 for _, k, _ in links if k == kind)
        assert held == linked, f"{kind}: the company holds {held}, the workspace links {linked}"
        _assert_unique(company, kind)
    unlinked = _rows(
        db,
        "SELECT e.id FROM entities e LEFT JOIN links l ON l.entity_id = e.id WHERE l.entity_id"
        " IS NULL AND NOT EXISTS (SELECT 1 FROM psrs p WHERE p.entity_id = e.id AND p.state IN"
        " ('queued', 'failed'))",
    )
    assert not unlinked, f"app records neither in QuickBooks nor in the queue: {unlinked}"
    if all_synced:
        assert not _rows(db, "SELECT id FROM psrs WHERE state NOT IN ('done', 'removed')")


def _assert_unique(company: Company, kind: str) -> None:
    records = company.state.records.get(kind, {}).values()
    for field in ("FullName", "RefNumber"):
        values = Counter(str(r.ret[field]).casefold() for r in records if field in r.ret)
        doubled = [v for v, n in values.items() if n > 1]
        assert not doubled, f"{kind} {field} doubled: {doubled}"


@pytest.mark.parametrize(("point", "nth"), _points())
def test_a_killed_rehearsal_resumes_with_nothing_lost_or_doubled(tmp_path, point, nth):
    """Killed at the point, resumed: the workspace and its company agree, nothing doubled."""
    db = tmp_path / "shop.db"
    _kill_rehearsal(db, point, nth)
    resume(db)
    company = Company.load(company_file(db))
    # Killed before the company file first existed, the resume meets a new, empty company
    # (no accounts for items to post to): its failures stay in the queue, none is lost.
    assert_nothing_lost_or_doubled(db, company, all_synced=(point, nth) != ("renaming", 1))


def test_the_points_cover_at_least_thirty_kills():
    """The campaign in the suite kills at 30 points or more."""
    assert len(_points()) >= 30
