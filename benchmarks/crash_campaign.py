"""Crash campaign: many `rehearse --db` runs, each SIGKILLed at a seeded point, then resumed
with `job run --simulated`; after each, the checks of tests/test_crash_durability.py (every
linked record in the simulated company under its ID, no ID linked twice, no name or RefNumber
doubled, no PSR lost). The suite kills at 33 fixed points; this goes wider: another app seed,
size and batch size each time, and a point drawn from every kind the runner knows.

    .venv/bin/python benchmarks/crash_campaign.py                 # 200 kills, seed 1
    .venv/bin/python benchmarks/crash_campaign.py --kills 20 --seed 7

Prints one line a kill and a summary; exit 1 if any kill lost or doubled something.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qbsim import Company  # noqa: E402
from syncengine.rehearsal.rehearse import company_file  # noqa: E402
from tests.test_crash_durability import (  # noqa: E402
    RUNNER,
    assert_nothing_lost_or_doubled,
    resume,
)

POINTS = ("answered", "unwritten", "written", "renaming", "renamed")


def rehearsal(db: Path, records: int, seed: int, batch: int) -> list[str]:
    """The command line of one small rehearsal into ``db``."""
    command = ["rehearse", "--generate", str(records), "--seed", str(seed)]
    return [*command, "--batch-size", str(batch), "--db", str(db), "--json"]


def run_runner(point: str, nth: int, command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUNNER), point, str(nth), *command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def met(folder: Path, records: int, seed: int, batch: int) -> Counter[str]:
    """How often an unkilled run of this rehearsal meets each point (the runner's count)."""
    db = folder / f"count-{seed}-{records}-{batch}.db"
    done = run_runner("count", 0, rehearsal(db, records, seed, batch))
    counts = [line for line in done.stderr.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not counts:
        raise SystemExit(f"the unkilled run failed (exit {done.returncode}): {done.stderr}")
    return Counter(ast.literal_eval(counts[-1]))


def one_kill(folder: Path, rng: random.Random) -> tuple[str, str]:
    """Kill one seeded rehearsal at a seeded point, resume, check; (what, outcome)."""
    records, seed, batch = rng.randint(12, 40), rng.randint(1, 10_000), rng.choice((1, 2, 3, 5))
    counts = met(folder, records, seed, batch)
    point = rng.choice([p for p in POINTS if counts[p]])
    nth = rng.randint(1, counts[point])
    what = f"{records} records, seed {seed}, batch {batch}: {point} #{nth} of {counts[point]}"
    db = folder / f"kill-{seed}-{point}-{nth}.db"
    done = run_runner(point, nth, rehearsal(db, records, seed, batch))
    if done.returncode != -signal.SIGKILL:
        return what, f"not killed (exit {done.returncode})"
    if not db.exists():
        return what, "killed before the workspace existed: nothing to lose"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        resume(db)  # what the resumed jobs print is not the campaign's
    company = Company.load(company_file(db))
    try:
        assert_nothing_lost_or_doubled(db, company, all_synced=False)
    except AssertionError as exc:
        return what, f"LOST OR DOUBLED: {exc}"
    return what, "nothing lost or doubled"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng, outcomes, started = random.Random(args.seed), Counter[str](), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qbsync-crash-") as folder:
        for n in range(1, args.kills + 1):
            what, outcome = one_kill(Path(folder), rng)
            outcomes[outcome.split(":")[0]] += 1
            print(f"{n:4}  {what}  ->  {outcome}", flush=True)
    print(f"\n{args.kills} kills (seed {args.seed}) in {time.perf_counter() - started:.0f} s:")
    for outcome, count in outcomes.most_common():
        print(f"  {count:4}  {outcome}")
    return 1 if outcomes["LOST OR DOUBLED"] else 0


if __name__ == "__main__":
    sys.exit(main())
