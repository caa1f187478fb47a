"""A customer's errors read from what they send: the workspace file or a report's JSON, each
error with this guide's entry; anything else is refused saying what to send."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncengine.reports.customer_errors import CustomerFileError, code_of, read_errors
from syncengine.reports.sync_report import render_errors, sync_report
from tests.sync_world import World


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A workspace file whose latest job failed vendor 'Birch' with 3100 (a customer has it)."""
    world = World(tmp_path / "shop.db")
    world.app.customers.add(name="Birch")
    world.sync()
    world.app.vendors.add(name="Birch")
    world.sync()
    world.store.close()
    return tmp_path / "shop.db"


def _report_json(shop: Path, folder: Path) -> Path:
    """What `qbsync --db shop.db report --errors --json` prints, saved as a file."""
    world = World(shop)
    data = sync_report(world.store).errors_dict()
    world.store.close()
    path = folder / "errors.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return path


def test_a_workspace_gives_its_latest_jobs_errors(shop):
    """Job 2's one error: status 3100, with the guide's entry."""
    found = read_errors(shop)
    assert found.job_id == 2 and found.codes() == [3100]
    assert (
        found.errors[0].guide is not None and found.errors[0].guide.title == "Name already in use"
    )
    assert found.describe() == "shop.db: sync job 2, 1 error: status 3100 (1)"


def test_a_reports_json_gives_the_same_errors(shop, tmp_path):
    """The JSON of `report --errors --json` reads as the workspace does, guide included."""
    from_json = read_errors(_report_json(shop, tmp_path))
    assert from_json.job_id == 2
    assert render_errors(from_json.errors) == render_errors(read_errors(shop).errors)


def test_a_transport_errors_code_is_the_hresult_its_message_names(shop, tmp_path):
    """No status code, but `(HRESULT 0x80040408)` in the message: that is its code."""
    data = {"errors": [{"id": 1, "message": "QuickBooks is not running (HRESULT 0x80040408)"}]}
    path = tmp_path / "down.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    found = read_errors(path)
    assert code_of(found.errors[0]) == 0x80040408
    assert found.describe() == "down.json: a sync job, 1 error: HRESULT 0x80040408 (1)"


def test_a_missing_file_is_refused_without_creating_one(tmp_path):
    """Support never makes an empty workspace by mistyping the customer's file name."""
    with pytest.raises(CustomerFileError, match=r"shop\.db: cannot read it .*report --errors"):
        read_errors(tmp_path / "shop.db")
    assert not (tmp_path / "shop.db").exists()


def test_a_file_that_is_neither_is_refused_saying_what_to_send(tmp_path):
    """A text file, or JSON without an errors list: named, with what to ask the customer."""
    (tmp_path / "notes.txt").write_text("it broke", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"jobs": []}', encoding="utf-8")
    with pytest.raises(CustomerFileError, match=r"notes\.txt: neither a workspace nor JSON"):
        read_errors(tmp_path / "notes.txt")
    with pytest.raises(CustomerFileError, match=r"other\.json: JSON without a report's 'errors'"):
        read_errors(tmp_path / "other.json")
