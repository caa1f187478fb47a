"""Benchmark: the notebook views over big workspaces, without a browser.

The queue view over 10,000 PSRs (a generated app of 10,000 records, every one queued): how
long building the view takes (reading the queue and the first page), and each re-filter a
person makes (text, a column filter, a sort, reading the queue again). Targets: build under
1 s, each re-filter under 0.2 s; the same for the jobs view over 1,000 jobs (each started
and cancelled). Best of ``--repeat`` runs (default 3).

    .venv/bin/python benchmarks/bench_ui.py
    .venv/bin/python benchmarks/bench_ui.py --psrs 50000 --repeat 1
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from qbsim import Company
from syncengine.clock import FixedClock
from syncengine.rehearsal.appgen import generate_app
from syncengine.store import Store
from syncengine.transports.simulated import SimulatedTransport
from syncengine.ui import JobsView, QueueView

SEED = 1
BUILD_TARGET = 1.0
FILTER_TARGET = 0.2


def best(repeat: int, step: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs of ``step``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def queue_steps(view: QueueView) -> dict[str, Callable[[], object]]:
    """What a person does to the queue table, each a re-filter or a re-read."""
    table = view.table

    def text() -> None:
        table.text.value = ""
        table.text.value = "an"

    def column() -> None:
        table.filters["entity_type"].value = "(all)"
        table.filters["entity_type"].value = "invoice"

    def sort() -> None:
        table.descending.value = not table.descending.value

    return {
        "text filter": text,
        "type filter": column,
        "sort (reverse)": sort,
        "next page": table.next.click,
        "refresh (read the queue)": view.refresh,
    }


def jobs_store(count: int) -> Store:
    """A workspace with ``count`` sync jobs (each started and cancelled)."""
    store = Store(":memory:", clock=FixedClock())
    for _ in range(count):
        job = store.jobs.create("bench", None)
        store.jobs.cancel(job.id, "bench")
    return store


def jobs_rows(count: int, repeat: int) -> list[tuple[str, float, float]]:
    """The jobs view over ``count`` jobs: build, filter by outcome, sort, read again."""
    store = jobs_store(count)
    company = Company()

    def build() -> JobsView:
        return JobsView(store, lambda: SimulatedTransport(company))

    view = build()

    def outcome() -> None:
        view.table.filters["outcome"].value = "(all)"
        view.table.filters["outcome"].value = "cancelled"

    steps = {"outcome filter": outcome, "refresh (read the jobs)": view.refresh}
    rows = [(f"build JobsView ({count:,} jobs)", best(repeat, build), BUILD_TARGET)]
    return rows + [(n, best(repeat, s), FILTER_TARGET) for n, s in steps.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--psrs", type=int, default=10_000, help="records in the app")
    parser.add_argument("--jobs", type=int, default=1_000, help="sync jobs in the job view")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step, best kept")
    args = parser.parse_args()
    store = Store(":memory:", clock=FixedClock())
    generate_app(store, args.psrs, SEED)
    psrs = sum(store.psrs.counts().values())
    rows = [("build QueueView", best(args.repeat, lambda: QueueView(store)), BUILD_TARGET)]
    view = QueueView(store)
    rows += [(n, best(args.repeat, s), FILTER_TARGET) for n, s in queue_steps(view).items()]
    rows += jobs_rows(args.jobs, args.repeat)
    print(
        f"Queue view over {psrs:,} PSRs, jobs view over {args.jobs:,} jobs"
        f" (best of {args.repeat}):\n"
    )
    print("| step | seconds | target | met |\n|---|---|---|---|")
    for name, seconds, target in rows:
        print(f"| {name} | {seconds:.3f} | < {target} | {'yes' if seconds < target else 'NO'} |")


if __name__ == "__main__":
    main()
