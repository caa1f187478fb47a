"""The sync jobs view over a real workspace, run against a simulated company through the
simulated transport; driven by clicks, asserted on what the view shows."""

from __future__ import annotations

import pytest

from syncengine.errors import TransportError
from syncengine.transports.base import BaseTransport
from syncengine.transports.simulated import SimulatedTransport
from syncengine.ui import JobsView
from tests.sync_world import World


@pytest.fixture
def world() -> World:
    """A workspace whose vendor 'Birch' will fail with 3100: a customer has the name."""
    world = World()
    world.app.customers.add(name="Birch")
    world.app.vendors.add(name="Birch")
    return world


def _view(world: World) -> JobsView:
    return JobsView(world.store, lambda: SimulatedTransport(world.company))


class Unplugged(BaseTransport):
    """A transport whose QuickBooks is not running."""

    def send(self, request_xml: str) -> str:
        raise TransportError("QuickBooks is not running", hresult=0x80040408)


def test_no_jobs_yet_and_new_sync_job_enabled(world):
    """A fresh workspace lists no jobs; New sync job can be clicked."""
    view = _view(world)
    assert view.table.status.value == "page 1 of 1: 0 of 0 rows shown"
    assert not view.new.disabled and view.reason.value == ""


def test_new_sync_job_is_disabled_with_its_reason_while_one_is_unfinished(world):
    """After New sync job the button is disabled and the reason names the unfinished job."""
    view = _view(world)
    view.new.click()
    assert view.said == "sync job 1 created: 2 PSR(s) locked"
    assert view.new.disabled
    assert view.reason.value == (
        "job 1 started 2025-01-06 09:00 is unfinished: run it (Run) or cancel it first"
    )
    assert view.new.tooltip == view.reason.value
    assert list(view.table.shown["finished"]) == ["no"]


def test_a_second_job_is_refused_in_the_view(world):
    """Clicking New sync job again (from code) shows the engine's refusal, raises nothing."""
    view = _view(world)
    view.new.click()
    view.new.click()
    assert view.said == "job 1 started 2025-01-06 09:00 is not finished; finish or cancel it first"
    assert view.errors_shown == ""


def test_run_lists_the_job_with_its_times_and_errors(world):
    """Run syncs; the job row shows finished, one error and every time; New is enabled."""
    view = _view(world)
    view.run.click()
    assert view.said == "sync job 1 finished: 1 exported, 1 error(s)"
    row = view.table.page_frame.iloc[0]
    assert (row["id"], row["finished"], row["error_count"]) == (1, "yes", 1)
    assert row["date"] == "2025-01-06"
    assert row["request_sent_at"] == row["completed_at"] == "2025-01-06 09:00:00"
    assert not view.new.disabled and view.reason.value == ""


def test_error_count_opens_the_errors_with_the_guides_fix(world):
    """The job's error count is offered; opening it shows the record, 3100 and the guide."""
    view = _view(world)
    view.run.click()
    assert view.error_jobs.options == (("choose a job", 0), ("job 1: 1 error(s)", 1))
    view.error_jobs.value = 0
    assert view.errors.value == ""
    view.error_jobs.value = 1
    shown = view.errors.value
    assert "PSR 2, vendor &#x27;Birch&#x27; (record 2)</b>: status 3100" in shown
    assert "Guide 3100, Name already in use" in shown
    assert "<li>Rename the record in the app and sync again." in shown


def test_quickbooks_not_running_is_said_and_the_job_kept(world):
    """A transport that cannot reach QuickBooks: the view says so; the job stays unfinished."""
    view = JobsView(world.store, Unplugged)
    view.run.click()
    assert view.said.startswith(
        "could not talk to QuickBooks: QuickBooks is not running (HRESULT 0x80040408)\n"
    )
    assert "Start QuickBooks and open the company file" in view.said
    assert view.said.endswith("The job is kept unfinished; click Run again to resume it.")
    assert "qbsync-refused" in view.message.value and view.errors_shown == ""
    assert view.new.disabled and "is unfinished" in view.reason.value
    assert list(view.table.shown["finished"]) == ["no"]


def test_a_broken_transport_factory_is_shown_in_the_output(world):
    """A bug in the caller's transport factory ends in the Output area, not raised."""

    def factory() -> SimulatedTransport:
        raise ValueError("no company file given")

    view = JobsView(world.store, factory)
    view.run.click()
    assert "ValueError: no company file given" in view.errors_shown


def test_selecting_a_job_in_the_list_opens_its_errors(world):
    """A job chosen in the list (labelled with its outcome and errors) opens its errors, as
    choosing it in Errors of does; choosing none leaves them as they are."""
    view = _view(world)
    view.run.click()
    view.error_jobs.value = 0
    assert view.table.rows.options == (("job 1: finished, 1 error(s)", 1),)
    view.table.select([1])
    assert view.error_jobs.value == 1
    assert "Guide 3100, Name already in use" in view.errors.value
    view.table.select([])
    assert view.error_jobs.value == 1


def test_selecting_a_job_without_errors_says_it_had_none():
    """A job with no errors, selected in the list, says so where the errors would be."""
    world = World()
    world.app.customers.add(name="Acme")
    view = _view(world)
    view.run.click()
    view.table.select([1])
    assert view.error_jobs.value == 0
    assert view.errors.value == "<b>Sync job 1 had no errors</b>"
