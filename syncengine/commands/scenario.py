"""``qbsync scenario ...``: playbooks — documented flows as data in ``scenarios/*.yaml`` (the
format: ``scenarios/README.md``). List them (``--code 3100``: those that reproduce a status
code or HRESULT, read from their expectations and faults), show one, write a commented
template for a new one, run some.

``scenario run`` checks every file before running any. Exit status: 0 every playbook went as
expected (a ``known_failure`` one failed as it says), 1 an expectation failed (named with its
step, expected and actual), 2 a refusal (a file that is not a valid playbook: file, line, key).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from syncengine.commands.common import Refusal, add_json_option, emit, refusals

FOLDER = Path("scenarios")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``scenario`` command family to the ``qbsync`` parser."""
    family = subparsers.add_parser("scenario", help="playbooks: list, show, new, run")
    actions = family.add_subparsers(dest="scenario_action", metavar="ACTION", required=True)
    listing = _parser(actions, "list", "the playbooks in the folder, with their titles")
    listing.add_argument(
        "--code",
        action="append",
        default=[],
        metavar="CODE",
        help="only playbooks that reproduce this status code or HRESULT (3100, 0x80040408),"
        " with where each says so; give it again for more codes",
    )
    listing.set_defaults(handler=run_list)
    show = _parser(actions, "show", "a playbook's title, what it covers and its steps")
    show.add_argument("name", help="the playbook's name (its file name without .yaml)")
    show.set_defaults(handler=run_show)
    new = _parser(actions, "new", "write a commented template for a new playbook")
    new.add_argument("name", help="the new playbook's name (letters, digits, dashes)")
    new.set_defaults(handler=run_new)
    run = actions.add_parser("run", help="run playbooks and check every expectation")
    run.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="playbook files")
    add_json_option(run)
    run.set_defaults(handler=run_run)


def _parser(actions: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=text, description=text)
    parser.add_argument(
        "--folder", type=Path, default=FOLDER, help="where the playbooks are (default: scenarios)"
    )
    add_json_option(parser)
    return parser


@refusals("scenario list")
def run_list(args: argparse.Namespace) -> int:
    """Every playbook in the folder: name, title, whether it is a known failure, the codes it
    reproduces; a file that is not a valid playbook is listed with its first problem. With
    ``--code``, only the playbooks reproducing one of those codes, each with where it says so."""
    from syncengine.reports.guide import format_code, parse_code

    wanted = [format_code(parse_code(code)) for code in args.code]
    rows = [_row(path) for path in _files(args.folder)]
    if wanted:
        rows = [_only(row, wanted) for row in rows if _reproduces(row, wanted)]
    lines = [_listed(row, with_codes=bool(wanted)) for row in rows]
    return emit(args, rows, "\n".join(lines) or _none_listed(args.folder, wanted))


def _row(path: Path) -> dict[str, Any]:
    from syncengine.rehearsal.playbooks import PlaybookError, load
    from syncengine.rehearsal.playbooks.codes import by_code, evidence

    try:
        book = load(path)
    except PlaybookError as exc:
        return {"name": path.stem, "title": None, "problem": str(exc).splitlines()[0]}
    codes = by_code(evidence(book, path))
    return {
        "name": book.name,
        "title": book.title,
        "known_failure": book.known_failure,
        "codes": codes,
    }


def _reproduces(row: dict[str, Any], wanted: list[str]) -> bool:
    """A broken playbook stays listed: nobody can tell what it reproduces."""
    return bool(row.get("problem")) or any(code in row["codes"] for code in wanted)


def _only(row: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    if row.get("problem"):
        return row
    codes = {code: where for code, where in row["codes"].items() if code in wanted}
    return {**row, "codes": codes}


def _none_listed(folder: Path, wanted: list[str]) -> str:
    if not wanted:
        return f"no playbooks in {folder}"
    codes = ", ".join(wanted)
    return (
        f"no playbook in {folder} reproduces {codes}; `qbsync guide {wanted[0]}` says what it"
        " means, `qbsync scenario new NAME` writes a playbook for it"
    )


def _listed(row: dict[str, Any], with_codes: bool = False) -> str:
    if row.get("problem"):
        return f"{row['name']}: NOT VALID: {row['problem']}"
    line = f"{row['name']}: {row['title']}" + _known(row.get("known_failure"))
    if with_codes:
        line += "".join(f"\n  {code}: {'; '.join(w)}" for code, w in row["codes"].items())
    return line


def _known(reason: str | None) -> str:
    return f"  [known failure: {reason}]" if reason else ""


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise Refusal(f"no folder {folder}; run from the project folder or give --folder")
    return sorted(folder.glob("*.yaml"))


@refusals("scenario show")
def run_show(args: argparse.Namespace) -> int:
    """The playbook's title, what it covers, its starting point and steps."""
    from syncengine.rehearsal.playbooks import load
    from syncengine.rehearsal.playbooks.runner import summary

    book = load(_named(args.folder, args.name))
    lines = [
        f"{book.name}: {book.title}",
        f"covers: {book.covers.behaviour}",
        f"source: {book.covers.source}",
        f"seed: {book.seed}" + _known(book.known_failure),
        *(f"{i}. {s.title}  [{s.action}] {summary(s)}" for i, s in enumerate(book.steps, 1)),
    ]
    return emit(args, book.model_dump(mode="json"), "\n".join(lines))


def _named(folder: Path, name: str) -> Path:
    path = folder / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in _files(folder)) or "none"
        raise Refusal(f"no playbook {name!r} in {folder}; playbooks: {known}")
    return path


@refusals("scenario new")
def run_new(args: argparse.Namespace) -> int:
    """Write ``<folder>/<name>.yaml`` from the commented template; refused if it exists."""
    from syncengine.rehearsal.playbooks.template import template

    path = args.folder / f"{args.name}.yaml"
    if not args.name.replace("-", "").isalnum():
        raise Refusal(f"{args.name!r}: a playbook name has letters, digits and dashes only")
    if path.exists():
        raise Refusal(f"{path} exists already; choose another name or edit it")
    _files(args.folder)
    path.write_text(template(args.name), encoding="utf-8")
    text = f"wrote {path}; edit it, then run `qbsync scenario run {path}`"
    return emit(args, {"path": str(path)}, text)


@refusals("scenario run")
def run_run(args: argparse.Namespace) -> int:
    """Check every file, run each playbook, print the outcomes; 1 when one went unexpectedly."""
    from syncengine.rehearsal import playbooks

    problems = []
    for path in args.paths:  # every file valid before anything runs
        try:
            playbooks.load(path)
        except playbooks.PlaybookError as exc:
            problems.append(str(exc))
    if problems:
        raise playbooks.PlaybookError("\n".join(problems))
    outcomes = [playbooks.run(path) for path in args.paths]
    text = "\n".join(playbooks.render(o) for o in outcomes)
    emit(args, [o.as_dict() for o in outcomes], text)
    return 0 if all(o.as_expected for o in outcomes) else 1
