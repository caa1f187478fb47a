"""``qbsync`` starts without the heavy parts of the engine: building the parser and the
status-code guide import neither pandas, qbsim, simpy nor lxml; commands import what they use
when they run. Checked in a fresh interpreter by what it imported, not by timing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from syncengine import qbxml
from syncengine.commands import queue as queue_command
from syncengine.commands import wizard as wizard_command
from syncengine.store import psrs
from syncengine.store import wizard as wizard_store
from syncengine.wizard import LOG_OUTCOMES, UNCHECKED

HEAVY = (
    "pandas",
    "numpy",
    "qbsim",
    "simpy",
    "lxml",
    "qbschema",
    "syncengine.store",
    "syncengine.qbxml.build",
    "syncengine.sync",
)

RUN_AND_LIST_MODULES = """
import contextlib, io, json, sys
from syncengine.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""


def imported_by(*argv: str) -> list[str]:
    """The modules a fresh interpreter holds after running ``qbsync ARGV``."""
    ran = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(ran.stdout)


def heavy(modules: list[str]) -> list[str]:
    """The modules of ``HEAVY`` (or inside them) among ``modules``."""
    return [m for m in modules if any(m == h or m.startswith(f"{h}.") for h in HEAVY)]


@pytest.mark.parametrize(
    "argv",
    [
        ("--help",),
        ("guide", "3100"),
        ("guide", "0x80040408", "--json"),
        ("guide",),
        ("queue", "list", "--help"),
        ("job", "run", "--help"),
        ("wizard", "approve", "--help"),
        ("app", "add", "--help"),
        ("settings", "set", "--help"),
        ("autosync", "run", "--help"),
        ("profile", "fit", "--help"),
    ],
    ids=" ".join,
)
def test_the_parser_and_the_guide_import_nothing_heavy(argv):
    """``--help``, the guide and the commands' help leave pandas, qbsim, simpy, lxml alone."""
    assert heavy(imported_by(*argv)) == []


def test_a_workspace_command_imports_the_store_when_it_runs(tmp_path):
    """The check sees what a command imports: ``queue list`` on a workspace loads the store."""
    from syncengine.store import Store

    Store(tmp_path / "shop.db").close()
    found = heavy(imported_by("--db", str(tmp_path / "shop.db"), "queue", "list"))
    assert "pandas" in found and "syncengine.store" in found


def test_the_queue_commands_words_are_the_stores():
    """The PSR states, actions and sort columns the command line offers are the store's."""
    states = (psrs.QUEUED, psrs.LOCKED, psrs.FAILED, psrs.DONE, psrs.REMOVED, psrs.CANCELLED)
    assert states == queue_command.STATES
    assert queue_command.ACTIONS == psrs.ACTIONS
    assert queue_command.SORTABLE == psrs.SORTABLE


def test_the_wizard_commands_words_are_the_wizards():
    """The directions, the choices for unchecked candidates and the log's outcomes are the
    wizard's."""
    assert wizard_command.DIRECTIONS == wizard_store.DIRECTIONS
    assert wizard_command.UNCHECKED == UNCHECKED
    assert wizard_command.LOG_OUTCOMES == LOG_OUTCOMES


@pytest.mark.parametrize("name", qbxml.__all__)
def test_the_qbxml_package_offers_each_name_of_its_modules(name):
    """Loaded on first use, every public name of ``syncengine.qbxml`` is its module's own."""
    homes = (qbxml.build, qbxml.parse, qbxml.text)
    assert any(getattr(home, name, None) is getattr(qbxml, name) for home in homes)
