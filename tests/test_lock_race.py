"""Two processes racing for one workspace, 20 times: each time both run ``job run --simulated``
at the same moment on a workspace whose job waits to be run (both would drive it); exactly one
works, the other is refused naming it, and nothing is left half-done (no job left running, no
QuickBooks ID linked twice, no record twice in QuickBooks).

The racers are two long-lived processes (started once: importing the engine is most of a
command's cost), released together by a barrier for each workspace."""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import shutil
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

from qbsim import Company
from qbsim.testing import query
from syncengine.cli import main
from tests.cli_workspace import app_of, make_workspace

RACES = 20
CUSTOMERS = 40
SLOW_SEND = 0.01
"""Seconds each message set takes the racers' simulated QuickBooks, so that a job lasts
longer than two processes released together take to reach the lock on a busy machine."""


def _command(path: Path) -> list[str]:
    return ["--db", str(path), "job", "run", "--simulated"]


def _racer(warm_up: str, paths: list[str], barrier: Any, results: Any) -> None:
    """Run ``job run`` on each workspace as soon as the other racer is ready too."""
    from syncengine.transports.simulated import SimulatedTransport

    send = SimulatedTransport.send

    def slow_send(self: SimulatedTransport, request_xml: str) -> str:
        time.sleep(SLOW_SEND)
        return send(self, request_xml)

    SimulatedTransport.send = slow_send  # type: ignore[method-assign]
    for path in [warm_up, *paths]:
        barrier.wait(timeout=60)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(_command(Path(path)))
        results.put((path, code, err.getvalue()))


def _workspaces(folder: Path) -> tuple[list[Path], list[Path]]:
    """A warm-up workspace for each racer, and RACES copies of one to race for."""
    template = make_workspace(folder)
    with app_of(template) as app:
        for n in range(CUSTOMERS):
            app.customers.add(name=f"Customer {n:02}")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--db", str(template), "job", "new"]) == 0  # both racers would resume it
    copies = []
    for n in range(RACES + 2):
        (folder / f"w{n:02}").mkdir()
        copies.append(Path(shutil.copy(template, folder / f"w{n:02}" / "shop.db")))
    return copies[:2], copies[2:]


def _race(warm_ups: list[Path], paths: list[Path]) -> list[tuple[str, int, str]]:
    """Start both racers, collect every (workspace, exit status, stderr)."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    names = [str(p) for p in paths]
    racers = [
        context.Process(target=_racer, args=(str(w), names, barrier, results)) for w in warm_ups
    ]
    for racer in racers:
        racer.start()
    found = [results.get(timeout=120) for _ in range(2 * (len(paths) + 1))]
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0
    return [r for r in found if Path(r[0]) in paths]


def _whole(path: Path) -> None:
    """One finished job; every QuickBooks ID linked once; QuickBooks holds each name once."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        jobs = db.execute("SELECT outcome FROM jobs").fetchall()
        twice = db.execute("SELECT qb_id FROM links GROUP BY qb_id HAVING COUNT(*) > 1").fetchall()
        linked = db.execute("SELECT COUNT(*) FROM links WHERE entity_type = 'customer'").fetchone()
    assert (jobs, twice) == ([("finished",)], []), path
    company = Company.load(path.with_name(path.name + ".qbsim.json"))
    names = Counter(r["Name"] for r in query(company, "Customer"))
    assert max(names.values()) == 1 and len(names) == linked[0] == CUSTOMERS + 2, path


def test_two_processes_racing_for_a_workspace(tmp_path):
    """20 races: one racer syncs, the other is refused naming it; each workspace whole."""
    warm_ups, paths = _workspaces(tmp_path)
    results = _race(warm_ups, paths)
    for path in paths:
        codes = sorted((code, err) for p, code, err in results if Path(p) == path)
        assert [c for c, _ in codes] == [0, 2], (path, codes)
        assert codes[0][1] == "" and f"workspace {path} is in use by pid" in codes[1][1]
        _whole(path)
