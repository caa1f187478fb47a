"""What the workspace commands share: opening the workspace, printing a table or JSON, and
turning a refusal into exit status 2 with the reason on stderr.

A handler wrapped in :func:`refusals` refuses by raising a ``SyncError``: its own
:class:`Refusal` for bad input, or one the engine raises on purpose (``NotFound``, ``Refused``,
``ActionRefused``, ``RecordError``, ``GuideError``, ...), or SQLite fails on a fault of the
workspace file or its disk (damaged, read-only, disk full: see
:func:`syncengine.store.faults.explain`). The wrapper prints
``qbsync <command>: <reason>`` on stderr and returns 2; with ``--json`` it prints instead, on
stdout, ``{"error": <reason>, "command": "qbsync <command>", "exit": 2}``. Any other
exception — a ``KeyError`` or ``ValueError`` included — is a bug, and goes on to
:func:`syncengine.cli.main`.

Output for people and for scripts is made here only: whole numbers print as whole numbers
(``3100``, never ``3100.0``), and every instant the same way in the user's zone (the machine's,
or ``TZ``): ``2026-01-05 09:00:30`` in tables and text, ISO 8601 with its offset in JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import math
import re
import sqlite3
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from syncengine.clock import Clock, SystemClock, shown, shown_json
from syncengine.commands.holding import held
from syncengine.errors import SyncError

if TYPE_CHECKING:
    import pandas as pd

    from syncengine.store import Store

REFUSED = 2
Handler = Callable[[argparse.Namespace], int]


class Refusal(SyncError):
    """Bad input to a command: the message says what was wrong and what to give instead."""


def refusals(command: str) -> Callable[[Handler], Handler]:
    """Run a handler; a refusal (any ``SyncError``) is reported by :func:`refuse`, exit 2."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def run(args: argparse.Namespace) -> int:
            try:
                with held(args, command):
                    return handler(args)
            except SyncError as exc:
                return refuse(command, str(exc) or type(exc).__name__, args)
            except sqlite3.DatabaseError as exc:
                return refuse(command, _workspace_fault(exc, args), args)

        return run

    return wrap


def _workspace_fault(exc: sqlite3.DatabaseError, args: argparse.Namespace) -> str:
    """What is wrong with the workspace file, or ``exc`` again when it is no fault of the file
    or its disk (a bug: :func:`syncengine.cli.main` reports it)."""
    from syncengine.store.faults import explain

    reason = explain(exc, getattr(args, "db", None))
    if reason is None:
        raise exc
    return reason


def refuse(command: str, reason: str, args: argparse.Namespace | None = None) -> int:
    """Print ``qbsync <command>: <reason>`` on stderr, or with ``--json`` the refusal as a JSON
    object on stdout (``error``, ``command``, ``exit``); the exit status of a refusal."""
    if getattr(args, "json", False):
        refusal = {"error": reason, "command": f"qbsync {command}", "exit": REFUSED}
        print(json.dumps(refusal, indent=2))
    else:
        print(f"qbsync {command}: {reason}", file=sys.stderr)
    return REFUSED


def add_workspace_option(parser: argparse.ArgumentParser) -> None:
    """Accept ``--db PATH`` after the command too (``qbsync --db PATH`` works everywhere)."""
    parser.add_argument(
        "--db", default=argparse.SUPPRESS, metavar="PATH", help="workspace database file"
    )


def workspace_command(
    actions: argparse._SubParsersAction, name: str, text: str
) -> argparse.ArgumentParser:
    """A subcommand ``name`` that works on a workspace: its help is ``text``, and it takes
    ``--db PATH`` and ``--json``."""
    parser = actions.add_parser(name, help=text, description=text)
    add_workspace_option(parser)
    add_json_option(parser)
    return parser


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """``--json``: print one JSON document for scripts instead of a table for people."""
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def workspace_path(args: argparse.Namespace) -> Path:
    """The workspace file named by ``--db``; refused when none is given, it does not exist (so
    a mistyped path never creates an empty workspace) or is empty (see
    :func:`syncengine.store.faults.check_path`)."""
    from syncengine.store.faults import check_path

    db = getattr(args, "db", None)
    if not db:
        raise Refusal("no workspace given; put --db PATH before the command")
    path = Path(db)
    check_path(path)
    return path


def command_clock(args: argparse.Namespace) -> Clock:
    """The clock the command stamps with: the one its caller gave ``main`` (a playbook run's),
    else the system clock."""
    given: Clock | None = getattr(args, "clock", None)
    return given or SystemClock()


def open_workspace(args: argparse.Namespace) -> Store:
    """The workspace store named by ``--db`` (see :func:`workspace_path`), on the command's
    clock (:func:`command_clock`); refused when the file is not a workspace or cannot be
    opened (:func:`syncengine.store.faults.explain` says why)."""
    from syncengine.store import Store  # the store imports pandas: only workspace commands

    path = workspace_path(args)
    try:
        return Store(path, command_clock(args))
    except sqlite3.DatabaseError as exc:
        from syncengine.store.faults import explain

        reason = explain(exc, path) or f"cannot open workspace {path}: {exc}"
        raise Refusal(reason) from None


def emit(args: argparse.Namespace, data: Any, text: str | Callable[[], str]) -> int:
    """Print ``data`` as JSON with ``--json``, else ``text`` (or what it returns); 0."""
    if getattr(args, "json", False):
        print(json.dumps(plain(data), indent=2))
    else:
        print(text() if callable(text) else text)
    return 0


def plain(value: Any) -> Any:
    """JSON-ready data from frames, dataclasses, named tuples, timestamps and numpy scalars;
    instants (and stored stamps) as ISO 8601 in the user's zone."""
    if _is_frame(value):
        return [plain(row) for row in records(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return plain(value._asdict())
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return _scalar(value, shown_json)


def _is_frame(value: Any) -> TypeGuard[pd.DataFrame]:
    # A frame exists only once pandas is loaded: commands that print none never import it.
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts, whole numbers as integers (``3100``, not ``3100.0``: see
    :func:`syncengine.store.whole_numbers`)."""
    from syncengine.store import whole_numbers  # a frame exists: pandas is loaded already

    return cast("list[dict[str, Any]]", whole_numbers(frame).to_dict("records"))


def _is_missing(value: Any) -> bool:
    """None, NaN, or pandas' NaT and NA (only looked for once pandas is loaded)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    pandas = sys.modules.get("pandas")
    return pandas is not None and (value is pandas.NaT or value is pandas.NA)


def _scalar(value: Any, when: Callable[[datetime | str], str]) -> Any:
    """One value as JSON holds it; instants (and stamp text) through ``when``."""
    if _is_missing(value):
        return None
    if isinstance(value, datetime) or (isinstance(value, str) and is_stamp(value)):
        return when(value)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)")


def is_stamp(text: str) -> bool:
    """True for an instant written as text with its UTC offset (how the store keeps them)."""
    return _STAMP.fullmatch(text) is not None


def table(
    rows: Iterable[Mapping[str, Any]] | pd.DataFrame, columns: Sequence[str], width: int = 60
) -> str:
    """A plain text table of ``columns`` for people; "(none)" when there are no rows. A cell
    longer than ``width`` is cut (show long text in full below the table)."""
    if _is_frame(rows):
        data: Sequence[Mapping[str, Any]] = records(rows)
    else:
        data = list(cast("Iterable[Mapping[str, Any]]", rows))
    if not data:
        return "(none)"
    cells = [[_cell(row.get(c), width) for c in columns] for row in data]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines)


def for_people(value: Any) -> str:
    """One value as the tables print it: instants in the user's zone to the second, whole
    numbers without a decimal point, nothing for a missing value."""
    value = _scalar(value, shown)
    return "" if value is None else str(value)


def _cell(value: Any, width: int) -> str:
    text = " ".join(for_people(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def paragraphs(title: str, items: Iterable[tuple[str, str]], width: int = 92) -> str:
    """Long texts in full for people, each under its heading, wrapped to ``width``."""
    lines = [f"{title}:"]
    for heading, text in items:
        lines.append(f"  {heading}")
        lines += textwrap.wrap(
            " ".join(text.split()), width, initial_indent="    ", subsequent_indent="    "
        )
    return "\n".join(lines)


def act(args: argparse.Namespace, method: str, *params: Any) -> int:
    """Run one of :class:`syncengine.actions.Actions`' methods on the workspace and print its
    result (``record: done. note``, or JSON with ``record``, ``done``, ``note``)."""
    from syncengine.actions import Actions  # actions import the app: only these commands need it

    with open_workspace(args) as store:
        result = getattr(Actions(store), method)(*params)
    return emit(args, result, str(result))


def action_handler(command: str, method: str, target: str) -> Handler:
    """A handler that calls ``Actions.<method>`` on the record named by ``args.<target>``."""

    @refusals(command)
    def run(args: argparse.Namespace) -> int:
        return act(args, method, getattr(args, target))

    return run
