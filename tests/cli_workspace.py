"""A workspace on disk for the ``qbsync`` command tests, and a way to run a command and read
its exit status, stdout, stderr (and JSON). No mocks: ``job run --simulated`` talks to a qbsim
company saved beside the workspace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from syncengine.app import App
from syncengine.cli import main
from syncengine.store import Store


@dataclass(frozen=True)
class Ran:
    """One command's exit status and output."""

    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


def qbsync(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> Ran:
    """Run ``qbsync ARGV`` in-process; its exit status and what it printed."""
    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse refusing the command line
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return Ran(code, out, err)


@contextmanager
def app_of(path: Path) -> Iterator[App]:
    """The app over the workspace file, closed afterwards (as a separate process would)."""
    store = Store(path)
    try:
        yield App(store)
    finally:
        store.close()


def make_workspace(folder: Path) -> Path:
    """A workspace holding an item, two customers and a vendor whose name is taken by one of
    the customers (names are unique across lists in QuickBooks: its add fails with 3100)."""
    path = folder / "shop.db"
    with app_of(path) as app:
        labor = app.items.add(name="Labor", kind="service", price="85").id
        acme = app.customers.add(name="Acme").id
        app.customers.add(name="Birch")
        app.vendors.add(name="Birch")
        app.invoices.add(customer=acme, ref_number="1001", lines=[{"item": labor, "quantity": 1}])
    return path


def record_id(path: Path, entity_type: str, name: str) -> int:
    """The ID of the one app record of a type with this name."""
    with app_of(path) as app:
        found = app.collection(entity_type).find(name)
    assert len(found) == 1, f"{len(found)} {entity_type} records named {name!r}"
    return found[0].id


def cap_pages(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Every workspace opened from now on stops growing at ``pages`` pages: SQLite then
    answers SQLITE_FULL, as on a full disk or at its cap on an in-memory database (which a
    test cannot fill, nor lower from Python)."""
    from syncengine.store import db

    connect = db.connect

    def capped(path, timeout=10.0):
        conn = connect(path, timeout)
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr("syncengine.store.connect", capped)
