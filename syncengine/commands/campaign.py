"""``qbsync campaign``: rehearse every seed × fault plan × dataset, fanned out on Dask (a
LocalCluster of ``--workers`` processes, a cluster at ``--scheduler ADDRESS``, or ``--serial``
in this process), and print a summary per plan and dataset; ``--out DIR`` writes it as CSV
and HTML too. A dataset is a size of generated app (``--records N...``) or a client's
records (``--app PATH...``: folders of CSV/Excel files or workspaces, as ``rehearse --app``
takes them, each read once).

Exit status: 0 every rehearsal kept duplicates and records lost at 0 (failed records are
findings, reported); 1 some plan duplicated or lost a record (said on stderr, loudly); 2 bad
input (an unknown plan, 0 seeds, a size under 1, app data that cannot be read, an unreachable
scheduler).

A progress bar (tqdm) counts finished rehearsals on stderr when stderr is a terminal or
``--progress`` asks for it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import refuse
from syncengine.errors import SyncError

if TYPE_CHECKING:
    from syncengine.rehearsal.campaign import Campaign, Runner, RunResult

DEFAULT_PLANS = ("none", "busy-office", "migration-day")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``campaign`` to the ``qbsync`` parser."""
    parser = subparsers.add_parser(
        "campaign",
        help="rehearse many seeds x fault plans x datasets, fanned out on Dask",
        description="Run one rehearsal per fault plan, dataset and seed, on a Dask cluster "
        "or serially, and summarise per plan and dataset: failures by status code, duplicates "
        "in QuickBooks and records lost (both must be 0), simulated duration.",
    )
    parser.add_argument(
        "--plans",
        nargs="+",
        default=list(DEFAULT_PLANS),
        metavar="PLAN",
        help="fault plans: YAML files, names in scenarios/faults, or 'none'"
        f" (default: {' '.join(DEFAULT_PLANS)})",
    )
    parser.add_argument("--seeds", type=int, default=2, help="seeds per plan and size (1..N)")
    parser.add_argument(
        "--records",
        type=int,
        nargs="+",
        metavar="N",
        help="dataset sizes, generated (default: 200, unless --app is given)",
    )
    parser.add_argument(
        "--app",
        type=Path,
        nargs="+",
        default=[],
        metavar="PATH",
        help="clients' records as datasets: folders of CSV/Excel files or workspaces, as"
        " rehearse --app takes them (each read once)",
    )
    _add_cluster_options(parser)
    parser.add_argument("--batch-size", type=int, default=50, help="requests per message set")
    parser.add_argument("--max-jobs", type=int, default=8, help="most sync jobs per rehearsal")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write CSV and HTML here")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--progress", action="store_true", help="progress bar on stderr")
    parser.set_defaults(handler=run)


def _add_cluster_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=int, default=2, help="LocalCluster worker processes (default 2)"
    )
    where.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler to run on")
    where.add_argument("--serial", action="store_true", help="run here, one after another")


def run(args: argparse.Namespace) -> int:
    """Run the campaign and print the summary; the exit status (see the module docstring)."""
    from syncengine.rehearsal.campaign import RehearsalRefused, problems

    try:
        campaign = _campaign(args)
        with _runner(args) as runner:
            results = _run(campaign, runner, args)
    except (RehearsalRefused, SyncError) as exc:
        return refuse("campaign", str(exc), args)
    found = problems(results)
    _report(results, found, args)
    return 1 if found else 0


def _campaign(args: argparse.Namespace) -> Campaign:
    from syncengine.rehearsal.campaign import Campaign, load_datasets, load_plans

    if args.workers < 1:
        raise SyncError(f"--workers must be at least 1, not {args.workers}")
    if args.out and not args.out.is_dir():
        raise SyncError(f"--out {args.out}: no such folder; create it first (none is made)")
    campaign = Campaign(
        plans=load_plans(args.plans),
        seeds=args.seeds,
        datasets=tuple(args.records if args.records is not None else [] if args.app else [200]),
        apps=load_datasets(args.app),
        batch_size=args.batch_size,
        max_jobs=args.max_jobs,
    )
    campaign.check()
    return campaign


@contextlib.contextmanager
def _runner(args: argparse.Namespace) -> Iterator[Runner]:
    """Where the rehearsals run: here, on a new LocalCluster, or on the given scheduler."""
    from syncengine.rehearsal.campaign import dask_runner, serial_runner

    if args.serial:
        yield serial_runner
        return
    # Imported here: Dask is needed only by a campaign that fans out.
    from distributed import Client, LocalCluster

    if args.scheduler:
        with _connected(Client, args.scheduler) as client:
            yield dask_runner(client)
        return
    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield dask_runner(client)


@contextlib.contextmanager
def _connected(client_type: Any, address: str) -> Iterator[Any]:
    try:
        client = client_type(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise SyncError(
            f"--scheduler {address}: cannot reach a Dask scheduler there ({exc}); start one"
            " (`dask scheduler`) or leave out --scheduler for a LocalCluster"
        ) from exc
    with client:
        yield client


def _run(campaign: Campaign, runner: Runner, args: argparse.Namespace) -> list[RunResult]:
    from syncengine.rehearsal.campaign import run_campaign

    total = len(campaign.tasks())
    if not (args.progress or sys.stderr.isatty()):
        return run_campaign(campaign, runner)
    from tqdm import tqdm

    with tqdm(total=total, desc="campaign", unit="rehearsal", file=sys.stderr) as bar:

        def done(result: RunResult) -> None:
            bar.set_postfix_str(f"{result.plan} seed {result.seed}", refresh=False)
            bar.update(1)

        return run_campaign(campaign, runner, on_done=done)


def _report(results: list[RunResult], found: list[str], args: argparse.Namespace) -> None:
    from syncengine.rehearsal.campaign import summarise

    summary = summarise(results)
    if args.out:
        _write(summary, results, args.out)
    if args.json:
        data = {
            "ok": not found,
            "problems": found,
            "summary": summary.to_dict(orient="records"),
            "runs": [_run_dict(r) for r in results],
        }
        print(json.dumps(data, indent=2))
    else:
        print(_text(summary, len(results), args.out))
    for problem in found:
        print(f"CAMPAIGN FAILED: {problem}", file=sys.stderr)


def _run_dict(result: RunResult) -> dict[str, Any]:
    from dataclasses import asdict

    values = asdict(result)
    values["wall_seconds"] = round(result.wall_seconds, 3)
    return values


def _text(summary: Any, runs: int, out: Path | None) -> str:
    lines = [
        f"Campaign of {runs} rehearsals, by fault plan and dataset:",
        "",
        summary.to_string(index=False),
    ]
    if out:
        lines += ["", f"Written: {out / 'summary.csv'}, {out / 'summary.html'}, {out / 'runs.csv'}"]
    return "\n".join(lines)


def _write(summary: Any, results: list[RunResult], out: Path) -> None:
    """``summary.csv``, ``summary.html`` and ``runs.csv`` (one row per rehearsal) in ``out``."""
    import pandas as pd

    summary.to_csv(out / "summary.csv", index=False)
    (out / "summary.html").write_text(
        "<h1>Fault campaign</h1>\n" + summary.to_html(index=False), encoding="utf-8"
    )
    pd.DataFrame([_run_dict(r) for r in results]).to_csv(out / "runs.csv", index=False)
