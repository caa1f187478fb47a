"""A rehearsal's progress hook and timeline: the hook is told per message set and at the end
without changing any result; the timeline says how the sync went over simulated time; the
CLI's bar goes to stderr only when asked (or on a terminal), leaving stdout as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncengine.cli import main
from syncengine.rehearsal.progress import TELLS, ProgressTeller, RehearsalProgress
from syncengine.rehearsal.rehearse import WALL_FIELDS, Rehearsal, RehearsalReport, rehearse
from syncengine.rehearsal.timeline import COLUMNS

BUSY_OFFICE = Path(__file__).parent.parent / "scenarios" / "faults" / "busy-office.yaml"
OPTIONS = Rehearsal(records=200, seed=1, faults=BUSY_OFFICE)


def _steady(report: RehearsalReport) -> dict:
    return {k: v for k, v in report.as_dict().items() if k not in WALL_FIELDS}


@pytest.fixture(scope="module")
def told() -> tuple[RehearsalReport, list[RehearsalProgress]]:
    seen: list[RehearsalProgress] = []
    return rehearse(OPTIONS, on_progress=seen.append), seen


@pytest.fixture(scope="module")
def plain() -> RehearsalReport:
    return rehearse(OPTIONS)


def test_the_hook_changes_no_result(told, plain):
    """A seeded rehearsal reports the same, timeline included, with a hook or without."""
    report, _ = told
    assert _steady(report) == _steady(plain)
    assert report.timeline.equals(plain.timeline)


def test_the_hook_is_told_after_each_answered_message_set_and_at_the_end(told):
    """One call per answered message set, then a last one marked finished."""
    report, seen = told
    assert len(seen) == report.transport["answered"] + 1
    assert [p.finished for p in seen].count(True) == 1 and seen[-1].finished


def test_a_long_rehearsal_tells_about_a_hundred_times():
    """Past TELLS message sets, the hook is told after every k-th answered set, and at the end."""
    assert TELLS == 100
    assert ProgressTeller.spacing(200, 50) == 1
    assert ProgressTeller.spacing(10_000, 50) == 2
    assert ProgressTeller.spacing(100_000, 50) == 20
    seen: list[RehearsalProgress] = []
    report = rehearse(Rehearsal(records=210, seed=3, batch_size=1), on_progress=seen.append)
    assert len(seen) == report.transport["answered"] // 3 + 1
    assert seen[-1].finished and seen[-1].records_done == 210


def test_the_last_progress_matches_the_report(told):
    """At the end: every record has an outcome, with the report's jobs and simulated time."""
    report, seen = told
    last = seen[-1]
    assert (last.records_done, last.records_total) == (200 - report.waiting, 200)
    assert (last.jobs, last.simulated_seconds) == (report.jobs, report.simulated_seconds)
    times = [p.simulated_seconds for p in seen]
    assert times == sorted(times)


def test_the_timeline_runs_from_a_full_queue_to_the_reports_counts(plain):
    """It starts at 0 with every record waiting and ends with the report's synced and failed
    records and every error."""
    line = plain.timeline
    assert tuple(line.columns) == COLUMNS
    first, last = line.iloc[0], line.iloc[-1]
    assert (first["simulated_seconds"], first["synced"], first["queue_depth"]) == (0, 0, 200)
    assert last["simulated_seconds"] == round(plain.simulated_seconds, 3)
    assert (last["synced"], last["queue_depth"]) == (plain.synced, plain.failed + plain.waiting)
    assert (last["jobs"], last["errors"]) == (plain.jobs, sum(plain.errors_by_code.values()))
    assert line["simulated_seconds"].is_monotonic_increasing
    assert line["synced"].is_monotonic_increasing


def test_the_timeline_is_not_in_the_json(plain):
    """``as_dict()`` (the --json output) is what it was: no timeline key."""
    assert "timeline" not in plain.as_dict()
    json.dumps(plain.as_dict())


def _cli(capsys, *extra: str) -> tuple[dict, str]:
    argv = ["rehearse", "--generate", "200", "--seed", "1", "--faults", str(BUSY_OFFICE)]
    assert main([*argv, "--json", *extra]) == 0
    out, err = capsys.readouterr()
    return {k: v for k, v in json.loads(out).items() if k not in WALL_FIELDS}, err


def test_json_output_is_unchanged_by_progress_and_clean_without_it(capsys):
    """--json prints the same object with --progress or without; without it (stderr not a
    terminal) nothing reaches stderr."""
    quiet, quiet_err = _cli(capsys)
    shown, _ = _cli(capsys, "--progress")
    assert shown == quiet
    assert quiet_err == ""


def test_progress_shows_a_bar_reaching_every_record(capsys):
    """--progress draws a tqdm bar on stderr that ends at 200/200 with the job and the
    simulated time."""
    _, err = _cli(capsys, "--progress")
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert last.startswith("rehearsing: 100%")
    assert "200/200" in last and "job 2, 2 min 57 s simulated" in last
