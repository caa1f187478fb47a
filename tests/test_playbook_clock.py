"""A playbook runs on a clock of its own: it starts at the playbook's ``start`` (documented
default 2025-01-06 09:00 UTC), each command line moves it on a minute, a ``sync`` step by the
simulated seconds it took, so two runs stamp the same times. The real CLI keeps the system
clock, and nothing is left set after a run."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syncengine.clock import FixedClock, parse_stamp, stamp
from syncengine.rehearsal.playbooks.load import PlaybookError
from syncengine.rehearsal.playbooks.model import START
from syncengine.rehearsal.playbooks.runner import PlaybookRun, run
from syncengine.rehearsal.playbooks.world import COMMAND_SECONDS, run_cli
from syncengine.store import Store
from tests.cli_workspace import make_workspace, qbsync

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
MINUTE = timedelta(seconds=COMMAND_SECONDS)

TIMED = """\
name: timed
title: A customer synced by a command line, edited, then synced by a sync step
covers: {{behaviour: stamps follow the playbook's clock, source: "scenarios/README.md"}}
seed: 1
{start}app:
  records:
    - {{key: acme, type: customer, name: Acme}}
steps:
  - title: Sync by the command line
    run: job run --simulated
  - title: A person edits Acme in QuickBooks
    quickbooks:
      edit: {{kind: Customer, name: Acme, set: {{Phone: "555-0199"}}}}
  - title: The app changes Acme
    app:
      edit: {{record: "{{acme}}", phone: "555-0123"}}
  - title: Sync by a sync step
    sync: {{}}
"""


def timed(folder: Path, start: str = "") -> Path:
    path = folder / "timed.yaml"
    path.write_text(TIMED.format(start=start), encoding="utf-8")
    return path


def jobs(playbook_run: PlaybookRun) -> list[tuple[datetime, datetime]]:
    """Each job's created and completed instants."""
    with playbook_run.world.store() as store:
        rows = store.conn.execute("SELECT created_at, completed_at FROM jobs ORDER BY id")
        return [(parse_stamp(a), parse_stamp(b)) for a, b in rows.fetchall()]


STAMPED = {
    "jobs": "*",
    "psrs": "*",
    "errors": "job_id, psr_id, status_code, created_at",
    "entities": "*",
    "sync_log": "*",
    "message_sets": "job_id, seq, saved_at, sent_at, answered_at",  # its ID has a random part
}


def every_stamp(playbook_run: PlaybookRun) -> dict[str, list[tuple[str, ...]]]:
    """The jobs, PSRs, errors, records, log and message sets as stored, with their stamps."""
    with playbook_run.world.store() as store:
        found = {}
        for table, columns in STAMPED.items():
            query = f"SELECT {columns} FROM {table} ORDER BY rowid"
            found[table] = [tuple(map(str, row)) for row in store.conn.execute(query)]
        return found


def shown(playbook_run: PlaybookRun) -> list[str]:
    """What each step printed, its run folder left out."""
    folder = str(playbook_run.world.db.parent)
    return [s.shown.stdout.replace(folder, "<run>") for s in playbook_run.outcome.steps]


def test_two_runs_of_a_playbook_stamp_the_same_times():
    """undo-then-prevent-sync twice: the same stored stamps, the same sync reports."""
    seen = []
    for _ in range(2):
        with PlaybookRun(SCENARIOS / "undo-then-prevent-sync.yaml") as playbook_run:
            playbook_run.run_to_end()
            seen.append((every_stamp(playbook_run), shown(playbook_run)))
    assert seen[0] == seen[1]
    assert "created 2025-01-06 09:" in "".join(seen[0][1])


def test_stamps_are_the_start_plus_a_minute_per_command_and_the_sync_seconds(tmp_path):
    """Start at 09:00; the app record's `app add` is 09:00, the `job run` 09:01 (the clock
    stands still during a command), the QuickBooks edit moves nothing, `app edit` 09:02; the
    sync step starts at 09:03 and takes its simulated seconds."""
    with PlaybookRun(timed(tmp_path)) as playbook_run:
        playbook_run.run_to_end()
        (made, made_done), (synced, synced_done) = jobs(playbook_run)
        elapsed = timedelta(seconds=playbook_run.world.elapsed)
        assert (made, made_done) == (START + MINUTE, START + MINUTE)
        assert synced == START + 3 * MINUTE and elapsed > timedelta(0)
        assert playbook_run.world.clock.now() == START + 3 * MINUTE + elapsed
        assert synced_done == parse_stamp(stamp(START + 3 * MINUTE + elapsed))  # to the ms
    assert datetime(2025, 1, 6, 9, 0, tzinfo=UTC) == START  # as scenarios/README.md says


def test_a_playbook_may_set_where_its_clock_starts(tmp_path):
    """`start: 2026-02-02T08:30:00Z`: the first job is stamped a minute after it."""
    path = timed(tmp_path, "start: 2026-02-02T08:30:00Z\n")
    with PlaybookRun(path) as playbook_run:
        playbook_run.next_step()
        assert jobs(playbook_run)[0][0] == datetime(2026, 2, 2, 8, 31, tzinfo=UTC)
        assert "created 2026-02-02 08:31:00" in shown(playbook_run)[0]


def test_a_start_without_an_offset_is_utc(tmp_path):
    """`start: 2026-02-02 08:30:00` is 08:30 UTC."""
    path = timed(tmp_path, "start: 2026-02-02 08:30:00\n")
    with PlaybookRun(path) as playbook_run:
        assert playbook_run.world.clock.now() == datetime(2026, 2, 2, 8, 31, tzinfo=UTC)


@pytest.mark.parametrize("value", ["soon", "12"])
def test_a_start_that_is_no_time_is_refused_naming_the_line(tmp_path, value):
    """`start: soon` or a number: refused before anything runs, at line 5, key `start`, with
    the form to give."""
    message = rf"timed\.yaml:5: start: '?{value}'? is no time; give one in ISO 8601, e\.g\. "
    with pytest.raises(PlaybookError, match=message):
        PlaybookRun(timed(tmp_path, f"start: {value}\n"))


def test_autosync_run_in_a_playbook_starts_at_its_clock_and_moves_it_on():
    """auto-sync-set-begin: the half hour runs from the playbook's clock at 09:08 (eight
    command lines before it), every ten minutes; the next command line is stamped after it."""
    with PlaybookRun(SCENARIOS / "auto-sync-set-begin.yaml") as playbook_run:
        playbook_run.run_to_end()
        created = [made for made, _ in jobs(playbook_run)]
    first = START + 8 * MINUTE
    ten = timedelta(minutes=10)
    assert created[:3] == [first, first + ten, first + 2 * ten]
    # 1800 s of simulated time pass, then the edit (a minute), then the next run.
    assert created[3] == first + timedelta(seconds=1800) + 2 * MINUTE


def test_the_real_cli_keeps_the_system_clock_after_a_playbook_run(tmp_path, capsys):
    """After a playbook run, `qbsync job run --simulated` (no clock given) stamps now."""
    run(timed(tmp_path))
    shop = make_workspace(tmp_path)
    before = datetime.now(UTC) - timedelta(seconds=1)
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0
    with Store(shop) as store:
        made = parse_stamp(store.conn.execute("SELECT created_at FROM jobs").fetchone()[0])
    assert before <= made <= datetime.now(UTC)


def test_a_command_given_a_clock_stamps_its_time(tmp_path):
    """run_cli with a clock: the job's stamps are the clock's; without, the system clock's."""
    shop = make_workspace(tmp_path)
    ran = run_cli(["--db", str(shop), "job", "run", "--simulated"], FixedClock(START))
    assert ran.exit == 0, ran.stderr
    assert "created 2025-01-06 09:00:00" in ran.stdout
    assert "completed 2025-01-06 09:00:00" in ran.stdout


def test_scenario_run_json_is_the_same_twice_but_for_the_run_folder(capsys):
    """`qbsync scenario run --json`, twice: the same steps, output and stamps (only the
    temporary folder's name differs)."""
    path = SCENARIOS / "record-in-use-retry.yaml"
    runs = [qbsync(capsys, "scenario", "run", path, "--json") for _ in range(2)]
    assert [r.code for r in runs] == [0, 0]
    texts = [re.sub(r"qbsync-playbook-[^/]+", "<run>", r.out) for r in runs]
    assert texts[0] == texts[1]
    assert "created 2025-01-06 09:01:00" in texts[0]
