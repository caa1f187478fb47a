"""The sync report of a job: what it created, modified and deleted on each side, and every
error with the status-code guide's entry. Real jobs against qbsim; nothing mocked."""

from __future__ import annotations

import pytest
import simpy

from qbsim import QuickBooksHost
from qbsim.testing import query
from syncengine import qbxml
from syncengine.app import App
from syncengine.rehearsal.driver import RetryPolicy, SimulatedClock, drive
from syncengine.rehearsal.rehearse import START, setup_company
from syncengine.reports.sync_report import errors_frame, job_errors, latest_job_id, sync_report
from syncengine.store import NotFound, Store
from syncengine.sync import SyncJob
from tests.sync_world import World, acme, labor


def _vendor_in_quickbooks(world: World, name: str) -> None:
    document = qbxml.MessageSet([qbxml.add("Vendor", {"Name": name})], on_error="stopOnError")
    world.company.process(document.to_xml())


def _synced(world: World) -> int:
    customer = acme(world)
    world.sync()
    return customer


def test_created_records_are_listed_with_their_quickbooks_ids():
    """A job that adds an item and a customer lists both as created, with their ListIDs."""
    world = World()
    labor(world)
    _synced(world)
    report = sync_report(world.store)
    names = [(c.entity_type, c.name) for c in report.created]
    assert names == [("item", "Labor"), ("customer", "Acme")]
    assert report.created[1].qb_id == world.qb_named("Customer", "Acme")["ListID"]


def test_modified_records_are_listed():
    """An edit synced in a later job is listed as modified in that job's report."""
    world = World()
    customer = _synced(world)
    world.app.customers.update(customer, phone="555-0111")
    world.sync()
    assert [c.name for c in sync_report(world.store).modified] == ["Acme"]


def test_deleted_records_are_listed_with_what_happened_in_quickbooks():
    """A deleted customer is made inactive in QuickBooks: listed under deleted, 'inactivated'."""
    world = World()
    customer = _synced(world)
    world.app.customers.delete(customer)
    world.sync()
    assert [(c.name, c.change) for c in sync_report(world.store).deleted] == [
        ("Acme", "inactivated")
    ]


def test_records_taken_from_quickbooks_are_listed():
    """A vendor added in QuickBooks is listed as created in the app by the import."""
    world = World()
    _vendor_in_quickbooks(world, "Cedar Works")
    world.sync()
    imported = sync_report(world.store).changes("import", "created")
    assert [(c.entity_type, c.name) for c in imported] == [("vendor", "Cedar Works")]


def test_every_error_carries_the_guides_entry():
    """A 3100 refusal is in the report with its record, QuickBooks' message and guide 3100."""
    world = World()
    _vendor_in_quickbooks(world, "Acme")
    _synced(world)
    [error] = sync_report(world.store).errors
    assert (error.name, error.status_code, error.guide.key) == ("Acme", 3100, "3100")
    assert "already in use" in error.message


def test_a_job_error_without_a_code_finds_the_hresult_entry():
    """QuickBooks not running: the job's error names the HRESULT, and carries its entry."""
    env = simpy.Environment()
    store = Store(clock=SimulatedClock(env, START))
    App(store).customers.add(name="Acme")
    plan = {
        "seed": 1,
        "faults": [{"effect": "quickbooks_not_running", "when": {"at": 0}, "duration": 60}],
    }
    host = QuickBooksHost(env, setup_company(1), faults=plan, seed=1, start=START)
    job = SyncJob.start(store)
    env.run(until=env.process(drive(host, job, RetryPolicy(attempts=1))))
    [error] = job_errors(store)
    assert error.status_code is None and error.guide.kind == "hresult"
    assert error.guide.key in error.message


def test_the_report_says_the_jobs_times_and_outcome():
    """The report's job part is the store's job: finished, error count, times."""
    world = World()
    _synced(world)
    job = sync_report(world.store).job
    assert (job.outcome, job.error_count) == ("finished", 0) and job.completed_at


def test_the_text_report_names_sections_and_fixes():
    """For people: the created record, the refused one, and the guide's first step."""
    world = World()
    _vendor_in_quickbooks(world, "Acme")
    labor(world)
    _synced(world)
    text = sync_report(world.store).render()
    assert "Sent to QuickBooks: 1 created, 0 modified, 0 deleted, 1 failed" in text
    assert "Guide 3100, Name already in use" in text
    assert "1. Rename the record in the app and sync again." in text


def test_the_json_report_groups_changes_and_errors():
    """as_dict: exported.created holds the item; errors hold the guide's key and steps."""
    world = World()
    _vendor_in_quickbooks(world, "Acme")
    labor(world)
    _synced(world)
    data = sync_report(world.store).as_dict()
    assert [c["name"] for c in data["exported"]["created"]] == ["Labor"]
    assert data["errors"][0]["guide"]["key"] == "3100"
    assert data["counts"]["errors_by_code"] == {"3100": 1}


def test_the_report_defaults_to_the_latest_job():
    """Without a job ID the report is the newest job's."""
    world = World()
    _synced(world)
    world.sync()
    assert sync_report(world.store).job.id == latest_job_id(world.store) == 2


def test_a_workspace_without_jobs_has_no_report():
    """No job yet: NotFound says how to start one."""
    with pytest.raises(NotFound, match="has no sync job yet"):
        sync_report(World().store)


def test_errors_frame_has_the_guides_columns():
    """The errors as a DataFrame carry guide_key and guide_steps for notebooks."""
    world = World()
    _vendor_in_quickbooks(world, "Acme")
    _synced(world)
    frame = errors_frame(world.store)
    assert frame.loc[0, "guide_key"] == "3100" and frame.loc[0, "guide_steps"]


def test_quickbooks_holds_what_the_report_says_was_created():
    """Each record the report lists as created is in QuickBooks under its ListID."""
    world = World()
    _synced(world)
    [line] = sync_report(world.store).created
    assert query(world.company, "Customer", ListID=line.qb_id)[0]["Name"] == "Acme"
