"""A fault campaign: every seed × fault plan × dataset, each one a rehearsal, fanned out.

``run_campaign(Campaign(plans=..., seeds=3, datasets=(200,)))`` runs one
:func:`~syncengine.rehearsal.rehearse.rehearse` per (plan, dataset, seed) — serially in this
process, or as tasks on a Dask cluster (:func:`dask_runner`) — and returns one small
:class:`RunResult` per rehearsal, always in task order, so a cluster's results equal a serial
run's (wall seconds aside). A dataset is a number of generated records, or a client's records
(``apps``: folders or workspaces read once by :func:`load_datasets`, each sent to the cluster
once, whatever its number of plans and seeds). :func:`summarise` makes the table, a row per
plan and dataset; a campaign passes only when no plan duplicated a record in QuickBooks or
lost one (:func:`problems`).

Dask is imported only by :func:`dask_runner`, when a campaign asks for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncengine.errors import SyncError
from syncengine.rehearsal.appsource import AppRecords, load_app
from syncengine.rehearsal.rehearse import START, Rehearsal, RehearsalRefused, rehearse

if TYPE_CHECKING:
    import pandas as pd

NO_FAULTS = "none"
"""The plan name of a rehearsal without faults."""
PLAN_FOLDER = Path("scenarios") / "faults"
"""Where a plan given by name (``busy-office``) is looked for, from the current folder."""
WALL_FIELD = "wall_seconds"


@dataclass(frozen=True)
class Plan:
    """A fault plan by its ``name`` and its YAML ``text`` (None: no faults); the text travels
    to the workers, so they need no access to the plan's file."""

    name: str
    text: str | None = None


@dataclass(frozen=True)
class Task:
    """One rehearsal of a campaign: ``records`` generated records from ``seed`` under ``plan``,
    or (``app``, the path of a dataset of the campaign's ``apps``) the client's records."""

    plan: Plan
    records: int
    seed: int
    app: str = ""

    @property
    def dataset(self) -> str:
        """The dataset's label in results and tables: its path, or its size."""
        return self.app or f"{self.records} records"


@dataclass(frozen=True)
class RunResult:
    """What one rehearsal of a campaign found (small and picklable, for the cluster's way back).

    ``failures_by_code``: records still failing, by status code; ``duplicates``: extra copies in
    QuickBooks; ``lost``: records the app holds as synced that QuickBooks does not;
    ``simulated_seconds``: the migration's estimate on real QuickBooks; ``wall_seconds``: this
    machine's time (the one field that differs run to run).
    """

    plan: str
    seed: int
    dataset: str
    records: int
    synced: int
    failed: int
    failures_by_code: dict[str, int]
    duplicates: int
    lost: int
    simulated_seconds: float
    wall_seconds: float = field(compare=False)

    def without_wall(self) -> dict[str, Any]:
        """Every field but the wall seconds: what a serial and a cluster run agree on."""
        values = asdict(self)
        del values[WALL_FIELD]
        return values


@dataclass(frozen=True)
class Campaign:
    """What to run: every plan × dataset × seed ``1..seeds`` (from ``first_seed``), each
    rehearsal with ``batch_size`` requests per message set and at most ``max_jobs`` sync jobs.
    The datasets: ``datasets``, sizes of generated apps, then ``apps``, clients' records."""

    plans: tuple[Plan, ...]
    seeds: int = 2
    datasets: tuple[int, ...] = (200,)
    first_seed: int = 1
    batch_size: int = 50
    max_jobs: int = 8
    apps: tuple[AppRecords, ...] = ()

    def check(self) -> None:
        """Refuse a campaign that cannot run (:class:`RehearsalRefused`, naming the option)."""
        if self.seeds < 1:
            raise RehearsalRefused(f"--seeds must be at least 1, not {self.seeds}")
        if not self.plans:
            raise RehearsalRefused("--plans: give at least one fault plan (or 'none')")
        if not self.datasets and not self.apps:
            raise RehearsalRefused("give datasets: --records sizes, --app paths, or both")
        if self.datasets and min(self.datasets) < 1:
            raise RehearsalRefused(
                f"--records must list sizes of at least 1 record, not {list(self.datasets)}"
            )
        Rehearsal(records=1, batch_size=self.batch_size, max_jobs=self.max_jobs).check()

    def tasks(self) -> list[Task]:
        """Every rehearsal, in the order results are given: plan, then dataset (sizes, then
        apps), then seed."""
        seeds = range(self.first_seed, self.first_seed + self.seeds)
        datasets = [(n, "") for n in self.datasets] + [(0, str(a.path)) for a in self.apps]
        return [Task(p, n, s, app) for p in self.plans for n, app in datasets for s in seeds]

    def app_of(self, task: Task) -> AppRecords | None:
        """The client's records a task rehearses (None for a generated app)."""
        return next((a for a in self.apps if str(a.path) == task.app), None)


def load_datasets(paths: Sequence[Path]) -> tuple[AppRecords, ...]:
    """Each folder or workspace read once (:func:`~syncengine.rehearsal.appsource.load_app`),
    for every plan and seed; one that cannot be read is refused, naming it."""
    try:
        return tuple(load_app(path, START) for path in dict.fromkeys(paths))
    except SyncError as exc:
        raise RehearsalRefused(str(exc)) from None


def load_plans(names: Sequence[str], folder: Path = PLAN_FOLDER) -> tuple[Plan, ...]:
    """Each plan by a path to its YAML file, or by its name in ``folder`` (``busy-office``),
    or ``none``; an unknown one is refused, naming it and the plans there are."""
    return tuple(_plan(name, folder) for name in names)


def _plan(name: str, folder: Path) -> Plan:
    from qbsim.errors import FaultPlanError
    from qbsim.faults import load_plan

    if name == NO_FAULTS:
        return Plan(NO_FAULTS)
    path = Path(name)
    if not path.is_file():
        path = folder / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join([NO_FAULTS, *sorted(p.stem for p in folder.glob("*.yaml"))])
        raise RehearsalRefused(
            f"--plans: no fault plan {name!r} (not a file, nor {path}); give a YAML file or"
            f" one of: {known}"
        )
    text = path.read_text(encoding="utf-8")
    try:
        load_plan(text)
    except FaultPlanError as exc:
        raise RehearsalRefused(f"--plans: {path}: {exc}") from exc
    return Plan(path.stem, text)


def run_task(
    task: Task, batch_size: int = 50, max_jobs: int = 8, app: AppRecords | None = None
) -> RunResult:
    """Run one rehearsal of a campaign, in memory, and keep what the summary needs; ``app``:
    the records of the task's ``app`` dataset, read already."""
    if bool(task.app) != (app is not None):
        raise ValueError(f"task of dataset {task.dataset!r} needs its records, and only it")
    options = Rehearsal(
        records=task.records,
        app=app,
        seed=task.seed,
        faults=task.plan.text,
        batch_size=batch_size,
        max_jobs=max_jobs,
    )
    began = time.perf_counter()
    report = rehearse(options)
    return RunResult(
        plan=task.plan.name,
        seed=task.seed,
        dataset=task.dataset,
        records=report.records,
        synced=report.synced,
        failed=report.failed,
        failures_by_code=dict(report.failed_by_code),
        duplicates=report.duplicates_in_quickbooks,
        lost=report.lost_in_quickbooks,
        simulated_seconds=round(report.simulated_seconds, 3),
        wall_seconds=time.perf_counter() - began,
    )


Runner = Callable[[Campaign, list[Task]], Iterator[tuple[int, RunResult]]]
"""Runs the tasks and yields (task index, result) as each finishes, in any order."""
OnDone = Callable[[RunResult], None]


def serial_runner(campaign: Campaign, tasks: list[Task]) -> Iterator[tuple[int, RunResult]]:
    """Every task here, one after another."""
    for index, task in enumerate(tasks):
        yield index, run_task(task, campaign.batch_size, campaign.max_jobs, campaign.app_of(task))


def dask_runner(client: Any) -> Runner:
    """Run the tasks on the Dask cluster of ``client`` (a ``distributed.Client``), yielding
    each result as its task finishes. A client's records go to the cluster once, and every
    task of that dataset refers to them."""

    def run(campaign: Campaign, tasks: list[Task]) -> Iterator[tuple[int, RunResult]]:
        from distributed import as_completed

        sent = {str(a.path): client.scatter(a) for a in campaign.apps}
        futures = {
            client.submit(
                run_task, t, campaign.batch_size, campaign.max_jobs, sent.get(t.app), pure=False
            ): i
            for i, t in enumerate(tasks)
        }
        for future in as_completed(futures):
            yield futures[future], future.result()

    return run


def run_campaign(
    campaign: Campaign, runner: Runner = serial_runner, on_done: OnDone | None = None
) -> list[RunResult]:
    """Every rehearsal of ``campaign`` by ``runner``; results in task order whatever order
    they finished in (``on_done`` is told of each as it finishes)."""
    campaign.check()
    tasks = campaign.tasks()
    results: list[RunResult | None] = [None] * len(tasks)
    for index, result in runner(campaign, tasks):
        results[index] = result
        if on_done:
            on_done(result)
    return [r for r in results if r is not None]


def with_wall(results: Sequence[RunResult], seconds: float) -> list[RunResult]:
    """The results with every wall time set to ``seconds`` (for comparisons in tests)."""
    return [replace(r, wall_seconds=seconds) for r in results]


# -- the summary ---------------------------------------------------------------------------
SUMMARY_COLUMNS = (
    "plan",
    "dataset",
    "runs",
    "records",
    "synced",
    "failed",
    "failures_by_code",
    "duplicates",
    "lost",
    "simulated_mean_s",
    "simulated_max_s",
)


def summarise(results: Sequence[RunResult]) -> pd.DataFrame:
    """One row per plan and dataset (in the order first met): runs, records, synced, failed,
    failures by status code (``3100: 4, 3200: 1``), duplicates, records lost, simulated
    seconds (mean, max)."""
    import pandas as pd

    pairs = dict.fromkeys((r.plan, r.dataset) for r in results)
    rows = [
        _plan_row(p, d, [r for r in results if (r.plan, r.dataset) == (p, d)]) for p, d in pairs
    ]
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _plans(results: Sequence[RunResult]) -> list[str]:
    return list(dict.fromkeys(r.plan for r in results))


def _plan_row(plan: str, dataset: str, runs: list[RunResult]) -> dict[str, Any]:
    simulated = [r.simulated_seconds for r in runs]
    return {
        "plan": plan,
        "dataset": dataset,
        "runs": len(runs),
        "records": sum(r.records for r in runs),
        "synced": sum(r.synced for r in runs),
        "failed": sum(r.failed for r in runs),
        "failures_by_code": _codes(runs),
        "duplicates": sum(r.duplicates for r in runs),
        "lost": sum(r.lost for r in runs),
        "simulated_mean_s": round(sum(simulated) / len(simulated), 1),
        "simulated_max_s": round(max(simulated), 1),
    }


def _codes(runs: list[RunResult]) -> str:
    total: dict[str, int] = {}
    for run in runs:
        for code, count in run.failures_by_code.items():
            total[code] = total.get(code, 0) + count
    ordered = sorted(total.items(), key=lambda kv: (not kv[0].isdigit(), kv[0].zfill(6)))
    return ", ".join(f"{code}: {count}" for code, count in ordered) or "-"


def problems(results: Sequence[RunResult]) -> list[str]:
    """What makes the campaign fail, one sentence per plan and kind: duplicates in QuickBooks
    or records lost ([] when every run kept both at 0)."""
    found = []
    for plan in _plans(results):
        runs = [r for r in results if r.plan == plan]
        found += _problem(plan, runs, "duplicates", "duplicated in QuickBooks")
        found += _problem(plan, runs, "lost", "lost (synced in the app, missing in QuickBooks)")
    return found


def _problem(plan: str, runs: list[RunResult], attribute: str, what: str) -> list[str]:
    bad = [r for r in runs if getattr(r, attribute)]
    if not bad:
        return []
    count = sum(getattr(r, attribute) for r in bad)
    where = ", ".join(f"seed {r.seed} of {r.dataset}" for r in bad)
    return [f"plan {plan}: {count} record(s) {what}, in {where}; it must be 0"]
