"""``qbsync autosync ...``: the auto sync schedule of a workspace — show it, set its interval
and begin date, start and stop it (the schedule mode a long-running ``autosync run`` follows),
and run it for a span of simulated time against the workspace's simulated company.

``autosync set --begin DATE`` marks transactions dated before it exported (their queued
changes are cancelled, and the command says how many). ``autosync run --simulated --for N``
syncs now and every interval for N simulated seconds, prints what each run did, and saves the
simulated company. Exit status 0; 2 for a refusal (an interval under the minimum, a bad date,
no begin date, starting what is started), reason on stderr naming the setting.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from syncengine.clock import elapse
from syncengine.commands.common import (
    Refusal,
    command_clock,
    emit,
    open_workspace,
    refusals,
    workspace_command,
    workspace_path,
)
from syncengine.commands.holding import holds_workspace
from syncengine.commands.jobs import add_new_company_option


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``autosync`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser(
        "autosync", help="auto sync: show, set interval and begin date, start, stop, run"
    )
    actions = family.add_subparsers(dest="autosync_action", metavar="ACTION", required=True)
    _parser(actions, "show", "the schedule: mode, interval, begin date", run_show)
    set_ = _parser(actions, "set", "set the interval and/or the begin date", run_set)
    set_.add_argument("--every", type=int, metavar="SECONDS", help="sync every N seconds")
    set_.add_argument("--begin", metavar="DATE", help="transactions before it count as exported")
    _parser(actions, "start", "switch the schedule on (mode auto)", run_start)
    _parser(actions, "stop", "switch the schedule off (mode manual)", run_stop)
    run = _parser(actions, "run", "run the schedule against the simulated company", run_run)
    run.add_argument("--simulated", action="store_true", required=True, help="simulated time")
    run.add_argument("--for", dest="seconds", type=float, required=True, metavar="SECONDS")
    run.add_argument("--faults", type=Path, metavar="PLAN", help="fault plan YAML file")
    run.add_argument("--company", type=Path, metavar="PATH", help="simulated company file")
    run.add_argument("--seed", type=int, default=1, help="seed of a new simulated company")
    add_new_company_option(run)
    run.add_argument("--batch-size", type=int, default=50, help="requests per message set")


def _parser(
    actions: argparse._SubParsersAction, name: str, text: str, handler: Any
) -> argparse.ArgumentParser:
    parser = workspace_command(actions, name, text)
    parser.set_defaults(handler=handler)
    if name != "show":
        holds_workspace(parser)
    return parser


def _schedule(store: Any) -> dict[str, Any]:
    from syncengine.commands.common import plain

    keys = ("schedule.mode", "schedule.every_seconds", "schedule.begin_date")
    values = plain(store.settings.get_many(keys))
    return {k.removeprefix("schedule."): v for k, v in values.items()}


def _text(schedule: dict[str, Any]) -> str:
    state = "on" if schedule["mode"] == "auto" else "off"
    begin = schedule["begin_date"] or "not set"
    return (
        f"auto sync is {state} (mode {schedule['mode']}): every {schedule['every_seconds']} s;"
        f" begin date {begin}"
    )


@refusals("autosync show")
def run_show(args: argparse.Namespace) -> int:
    """Print the schedule's mode, interval and begin date."""
    with open_workspace(args) as store:
        schedule = _schedule(store)
    return emit(args, schedule, _text(schedule))


@refusals("autosync set")
def run_set(args: argparse.Namespace) -> int:
    """Set the interval and the begin date through the settings; say what each did."""
    from syncengine.commands.settings import change_setting

    if args.every is None and args.begin is None:
        raise Refusal("give --every SECONDS, --begin YYYY-MM-DD, or both")
    changes = []
    with open_workspace(args) as store:
        if args.every is not None:
            changes.append(change_setting(store, "schedule.every_seconds", args.every))
        if args.begin is not None:
            changes.append(change_setting(store, "schedule.begin_date", _begin(args.begin)))
        schedule = _schedule(store)
    text = "\n".join([*(c["text"] for c in changes), _text(schedule)])
    return emit(args, {"changes": changes, "schedule": schedule}, text)


def _begin(text: str) -> str | None:
    return None if text.strip().lower() in {"", "none"} else text


@refusals("autosync start")
def run_start(args: argparse.Namespace) -> int:
    """Switch the schedule on; refused without a begin date, or when it is on already."""
    with open_workspace(args) as store:
        schedule = _schedule(store)
        if schedule["mode"] == "auto":
            raise Refusal(f"{_text(schedule)}; it is started already")
        if schedule["begin_date"] is None:
            raise Refusal(
                "auto sync: setting schedule.begin_date is not set; set it first with"
                " `qbsync autosync set --begin YYYY-MM-DD`"
            )
        store.settings.write_raw("schedule.mode", "auto")  # the schedule's own switch
        schedule = _schedule(store)
    return emit(args, schedule, f"{_text(schedule)}. `autosync run` syncs on this schedule.")


@refusals("autosync stop")
def run_stop(args: argparse.Namespace) -> int:
    """Switch the schedule off; refused when it is off."""
    with open_workspace(args) as store:
        schedule = _schedule(store)
        if schedule["mode"] != "auto":
            raise Refusal(f"{_text(schedule)}; there is nothing to stop")
        store.settings.write_raw("schedule.mode", "manual")
        schedule = _schedule(store)
    return emit(args, schedule, f"{_text(schedule)}. Sync by hand with `job run`.")


@refusals("autosync run")
def run_run(args: argparse.Namespace) -> int:
    """Run the schedule for ``--for`` simulated seconds; print what each run did."""
    from syncengine.commands import simulated
    from syncengine.commands.jobs import (
        check_company_file,
        company_held,
        save_company,
        workspace_company,
    )

    if args.seconds <= 0:
        raise Refusal(f"--for {args.seconds:g}: give a span of simulated seconds above 0")
    db = workspace_path(args)
    plan = simulated.fault_plan(args.faults)
    # The workspace opened first: a file that is no workspace is refused before the company
    # (or its lock) is touched, as in `job run`.
    with open_workspace(args) as store, company_held(args, "autosync run"):
        sim = workspace_company(args, store)
        check_company_file(store, sim)
        company, path = sim.company, sim.path
        clock = command_clock(args)
        start = clock.now().replace(microsecond=0)
        try:
            result = simulated.run_autosync(
                db, company, plan, args.seconds, start, seed=args.seed, batch_size=args.batch_size
            )
        finally:
            save_company(company, path)
    elapse(clock, result["simulated_seconds"])
    result.update(sim.as_dict())
    return emit(args, result, lambda: _run_text(result))


def _run_text(result: dict[str, Any]) -> str:
    from syncengine.rehearsal.faultreport import faults_lines

    lines = [
        f"Auto sync every {result['every_seconds']} s (begin date {result['begin_date']}) for"
        f" {result['simulated_seconds']:g} simulated s: {len(result['runs'])} run(s)"
    ]
    for run in result["runs"]:
        errors = ", ".join(f"{c}: {n}" for c, n in run["errors_by_code"].items())
        lines.append(
            f"  run {run['run']} at {run['at_seconds']:g} s: job {run['job_id']} {run['outcome']},"
            f" {run['exported']} exported, {run['failed']} failed"
            + (f" (errors {errors})" if errors else "")
        )
    lines += faults_lines(result["faults_planned"])
    lines.append(f"QuickBooks: the simulated company in {result['company']}")
    if result.get("links_not_in_company"):
        lines.append(
            f"Warning: the workspace links {result['links_not_in_company']} record(s) to"
            " QuickBooks that this new company lacked; `qbsync doctor` lists them"
        )
    return "\n".join(lines)
