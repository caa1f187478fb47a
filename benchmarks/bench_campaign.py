"""Benchmark: one fault campaign on a Dask LocalCluster of 2 worker processes against 1.

The campaign (every plan × seed × size, each a rehearsal) runs on a cluster started before
the clock starts (starting workers and their first imports are not timed), 1 and 2 workers
alternating (1, 2, 1, 2, ...) so a busy machine's drift falls on both alike; the best of
``--repeat`` rounds each gives the speed-up. Target: >= 1.8x on a 2-core machine. Each
round's results are checked equal to the first serial run's (wall seconds aside).

    .venv/bin/python benchmarks/bench_campaign.py                      # 3 plans x 4 seeds x 300
    .venv/bin/python benchmarks/bench_campaign.py --seeds 6 --records 500 --repeat 3 --json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster

from syncengine.rehearsal.campaign import Campaign, RunResult, dask_runner, load_plans, run_campaign

TARGET = 1.8
PLANS = Path(__file__).resolve().parent.parent / "scenarios" / "faults"


def main() -> None:
    """Parse the options, time the campaign on 1 and 2 workers, print the figures."""
    args = _parser().parse_args()
    campaign = Campaign(
        plans=load_plans(args.plans, PLANS), seeds=args.seeds, datasets=tuple(args.records)
    )
    began = time.perf_counter()
    expected = [r.without_wall() for r in run_campaign(campaign)]
    serial = time.perf_counter() - began
    times = _alternate(campaign, expected, args.repeat)
    best = {workers: min(wall for wall, _ in runs) for workers, runs in times.items()}
    figures = {
        "tasks": len(campaign.tasks()),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "serial_s": round(serial, 2),
        "runs_s": {w: [round(t, 2) for t, _ in runs] for w, runs in times.items()},
        "cores_used": {w: [round(c / t, 2) for t, c in runs] for w, runs in times.items()},
        "best_s": {w: round(t, 2) for w, t in best.items()},
        "speedup": round(best[1] / best[2], 2),
        "target": TARGET,
    }
    print(json.dumps(figures, indent=2) if args.json else _text(figures))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", nargs="+", default=["none", "busy-office", "migration-day"])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--records", type=int, nargs="+", default=[300])
    parser.add_argument("--repeat", type=int, default=2, help="rounds of 1 then 2 workers")
    parser.add_argument("--json", action="store_true")
    return parser


Times = dict[int, list[tuple[float, float]]]
"""By worker count: (wall seconds, CPU seconds the workers got) of each run."""


def _alternate(campaign: Campaign, expected: list[Any], repeat: int) -> Times:
    """Each run on 1 and on 2 workers, the two alternating."""
    times: Times = {1: [], 2: []}
    for _ in range(repeat):
        for workers in (1, 2):
            seconds, cpu, results = _timed(campaign, workers)
            if [r.without_wall() for r in results] != expected:
                raise SystemExit(f"{workers} worker(s): results differ from the serial run")
            times[workers].append((seconds, cpu))
    return times


def _timed(campaign: Campaign, workers: int) -> tuple[float, float, list[RunResult]]:
    """The campaign's wall seconds on a started LocalCluster of ``workers`` processes, and the
    CPU seconds its workers got meanwhile (on a busy machine, less than workers × wall)."""
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.run(_warm_up)  # every worker up, its imports done, before the clock starts
        cpu = client.run(time.process_time)
        began = time.perf_counter()
        results = run_campaign(campaign, dask_runner(client))
        wall = time.perf_counter() - began
        used = sum(client.run(time.process_time).values()) - sum(cpu.values())
        return wall, used, results


def _warm_up() -> None:
    """One tiny rehearsal: a worker's first imports are not the campaign's time."""
    from syncengine.rehearsal.rehearse import Rehearsal, rehearse

    rehearse(Rehearsal(records=5))


def _text(figures: dict[str, Any]) -> str:
    met = "met" if figures["speedup"] >= TARGET else "NOT met"
    return "\n".join(
        [
            f"Campaign of {figures['tasks']} rehearsals on {figures['cpus']} CPUs"
            f" (load average {', '.join(f'{x:.1f}' for x in figures['load_average'])})",
            f"  serial, in this process: {figures['serial_s']} s",
            f"  1 worker:  {figures['runs_s'][1]} s (best {figures['best_s'][1]});"
            f" cores it got: {figures['cores_used'][1]}",
            f"  2 workers: {figures['runs_s'][2]} s (best {figures['best_s'][2]});"
            f" cores they got: {figures['cores_used'][2]}",
            f"Speed-up 2 workers over 1: {figures['speedup']}x (target {TARGET}x: {met})",
        ]
    )


if __name__ == "__main__":
    main()
