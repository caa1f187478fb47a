"""``qbsync profile ...``: latency profiles for the simulated QuickBooks.

``profile fit LOG`` calibrates a profile from the times in real evidence: a workspace, a
folder of qbXML request and response files, or a verbose Web Connector log (anything
:func:`syncengine.evidence.read` reads). Each answered, timed message set is one observation;
the fit (:mod:`qbsim.profilefit`) finds each request type's ``base`` and ``per_record``, the
overhead per message set and a jitter; types the evidence never shows keep the fallback
profile's costs. It says how many message sets it used and skipped, how well the fit holds
(R², residual seconds) and what the evidence could not tell apart; ``--out FILE`` saves the
profile for ``qbsync rehearse --profile FILE``. ``profile show NAME|PATH`` prints a profile.

Exit status: 0 done; 2 a refusal (evidence that cannot be read or holds no timed answer, a
profile that cannot be read, a file that cannot be written), the reason on stderr.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncengine.commands.common import Refusal, add_json_option, emit, refusals, table

if TYPE_CHECKING:
    from qbsim.profile import Profile
    from qbsim.profilefit import SetFit, TimedSet
    from syncengine.evidence import Exchange

COST_COLUMNS = ("request type", "base s", "per record s", "jitter")
FIT_COLUMNS = ("request type", "requests", "base s", "per record s")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``profile`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser("profile", help="latency profiles: fit from a log, show")
    actions = family.add_subparsers(dest="profile_action", metavar="ACTION", required=True)
    text = "calibrate a latency profile from the times in a workspace, folder or Web Connector log"
    fit = actions.add_parser("fit", help=text, description=text)
    fit.add_argument("log", type=Path, metavar="LOG", help="workspace, qbXML folder or QWCLog.txt")
    fit.add_argument("--out", type=Path, metavar="FILE", help="save the fitted profile (YAML)")
    fit.add_argument("--name", default="fitted", help="the fitted profile's name")
    fit.add_argument(
        "--fallback",
        default="default",
        metavar="PROFILE",
        help="costs for the request types the log never shows (name or path; default: default)",
    )
    fit.set_defaults(handler=run_fit)
    text = "print a latency profile: a built-in name or a YAML file"
    show = actions.add_parser("show", help=text, description=text)
    show.add_argument("profile", metavar="NAME|PATH", help="e.g. default, or fitted.yaml")
    show.set_defaults(handler=run_show)
    for parser in (fit, show):
        add_json_option(parser)


@refusals("profile fit")
def run_fit(args: argparse.Namespace) -> int:
    """Fit a profile from the evidence's timed message sets; print the fit, save it."""
    from syncengine.evidence import read

    exchanges = read(args.log)
    sets, skipped = timed_sets(exchanges)
    if not sets:
        raise Refusal(
            f"{args.log}: none of its {len(exchanges)} message sets has both an answer and the"
            " times it was sent and answered; give evidence with timestamps (a workspace, or"
            " a verbose Web Connector log)"
        )
    result = _fit(sets, args)
    result.profile = _with_source(result, args.log)
    if args.out:
        _save(result.profile, args.out)
    data = fit_data(result, args, len(sets), skipped)
    return emit(args, data, lambda: render_fit(data))


def timed_sets(exchanges: list[Exchange]) -> tuple[list[TimedSet], dict[str, int]]:
    """The exchanges a fit can use, and how many of the others were skipped for what."""
    from qbsim.profilefit import TimedSet

    sets: list[TimedSet] = []
    skipped = {"without an answer": 0, "without times": 0, "answered before sent": 0}
    for exchange in exchanges:
        seconds = exchange.seconds
        if exchange.response_xml is None:
            skipped["without an answer"] += 1
        elif seconds is None:
            skipped["without times"] += 1
        elif seconds < 0:
            skipped["answered before sent"] += 1
        else:
            sets.append(
                TimedSet(exchange.request_xml, exchange.response_xml, seconds, exchange.source)
            )
    return sets, skipped


def _fit(sets: list[TimedSet], args: argparse.Namespace) -> SetFit:
    from qbsim.errors import ProfileError
    from qbsim.profile import load_profile
    from qbsim.profilefit import fit_message_sets

    try:
        fallback = load_profile(args.fallback)
        return fit_message_sets(sets, name=args.name, fallback=fallback)
    except ProfileError as exc:
        raise Refusal(f"{args.log}: {exc}") from None


def _with_source(result: SetFit, log: Path) -> Profile:
    """The profile saying where it came from and how well the fit held."""
    import dataclasses

    r2 = "n/a" if result.r_squared is None else f"{result.r_squared:.4f}"
    source = (
        f"fitted by qbsync profile fit from {log.name}: {result.sets} timed message sets,"
        f" R² {r2}, residual {result.residual_seconds:.3f} s RMS per set"
    )
    return dataclasses.replace(result.profile, source=source)


def _save(profile: Profile, path: Path) -> None:
    try:
        profile.save(path)
    except OSError as exc:
        raise Refusal(f"--out {path}: cannot be written ({exc.strerror})") from None


def fit_data(
    result: SetFit, args: argparse.Namespace, used: int, skipped: dict[str, int]
) -> dict[str, Any]:
    """What ``profile fit --json`` prints."""
    profile = result.profile
    return {
        "evidence": str(args.log),
        "name": profile.name,
        "sets_used": used,
        "skipped": skipped,
        "r_squared": result.r_squared,
        "residual_seconds": result.residual_seconds,
        "message_set": profile.message_set,
        "requests": {
            kind: {"count": count, **profile.costs[kind].to_dict()}
            for kind, count in sorted(result.requests.items())
        },
        "warnings": result.warnings,
        "out": None if args.out is None else str(args.out),
        "profile": profile.to_dict(),
    }


def render_fit(data: dict[str, Any]) -> str:
    """The fit for people: what was used, how well it holds, the costs, the warnings."""
    skipped = ", ".join(f"{n} {why}" for why, n in data["skipped"].items() if n) or "none"
    r2 = "n/a" if data["r_squared"] is None else f"{data['r_squared']:.4f}"
    jitter = next(iter(data["requests"].values()))["jitter"]
    lines = [
        f"Profile {data['name']!r} fitted from {data['evidence']}: {data['sets_used']} timed"
        f" message sets used (skipped: {skipped})",
        f"R² {r2}; residual {data['residual_seconds']:.3f} s RMS per message set;"
        f" message_set {data['message_set']:.3f} s; jitter {jitter:g}",
        "",
        table(_fit_rows(data["requests"]), FIT_COLUMNS),
    ]
    if data["warnings"]:
        lines += ["", "Warnings:", *(f"  - {w}" for w in data["warnings"])]
    saved = data["out"]
    lines += [
        "",
        f"Saved to {saved}; rehearse with it: qbsync rehearse --profile {saved} ..."
        if saved
        else "Not saved: give --out FILE to keep it.",
    ]
    return "\n".join(lines)


def _fit_rows(requests: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    return [
        {
            "request type": kind,
            "requests": cost["count"],
            "base s": f"{cost['base']:.4f}",
            "per record s": f"{cost['per_record']:.4f}",
        }
        for kind, cost in requests.items()
    ]


@refusals("profile show")
def run_show(args: argparse.Namespace) -> int:
    """Print a profile: where it comes from, its overheads and each request type's cost."""
    from qbsim.errors import ProfileError
    from qbsim.profile import load_profile

    try:
        profile = load_profile(args.profile)
    except ProfileError as exc:
        raise Refusal(str(exc)) from None
    data = profile.to_dict()
    return emit(args, data, lambda: render_profile(data))


def render_profile(data: dict[str, Any]) -> str:
    """A profile for people."""
    rows = [
        {
            "request type": kind,
            "base s": f"{cost['base']:g}",
            "per record s": f"{cost['per_record']:g}",
            "jitter": f"{cost['jitter']:g}",
        }
        for kind, cost in data["requests"].items()
    ]
    return "\n".join(
        [
            f"Profile {data['name']!r}: {' '.join(str(data['source']).split())}",
            f"message_set {data['message_set']:g} s; a refused call {data['refusal']:g} s",
            "",
            table(rows, COST_COLUMNS),
        ]
    )
