"""``qbsync job``: start a job, run it against a simulated company kept beside the workspace
(the same company run after run), list jobs, show a job's errors, cancel one."""

from __future__ import annotations

import sys

import pytest

from qbsim import Company
from qbsim.testing import query
from tests.cli_workspace import app_of, make_workspace, qbsync, record_id


@pytest.fixture
def shop(tmp_path):
    return make_workspace(tmp_path)


def _run(capsys, shop, *extra):
    return qbsync(capsys, "--db", shop, "job", "run", "--simulated", *extra)


def _company(shop) -> Company:
    return Company.load(shop.with_name(shop.name + ".qbsim.json"))


def test_a_new_job_locks_the_queue(shop, capsys):
    """``job new`` creates a job holding every queued PSR."""
    data = qbsync(capsys, "--db", shop, "job", "new", "--json").json
    assert (data["id"], data["item_count"], data["finished"]) == (1, 4, False)


def test_a_second_unfinished_job_is_refused(shop, capsys):
    """``job new`` while a job is unfinished: exit 2, the reason on stderr."""
    qbsync(capsys, "--db", shop, "job", "new")
    ran = qbsync(capsys, "--db", shop, "job", "new")
    assert (ran.code, ran.out) == (2, "")
    assert "job 1 started" in ran.err and "is not finished; finish or cancel it first" in ran.err


def test_run_keeps_a_simulated_company_beside_the_workspace(shop, capsys):
    """The first run creates the company file next to the workspace and QuickBooks holds the
    records the job sent."""
    ran = _run(capsys, shop)
    assert ran.code == 0 and "a new simulated company, saved to" in ran.out
    names = {r["Name"] for r in query(_company(shop), "Customer")}
    assert names == {"Acme", "Birch"}


def test_runs_talk_to_the_same_company(shop, capsys):
    """A second run finds the first run's records: the renamed vendor joins them."""
    _run(capsys, shop)
    with app_of(shop) as app:
        app.vendors.update(record_id(shop, "vendor", "Birch"), name="Birch Supplies")
    ran = _run(capsys, shop)
    assert "the simulated company in" in ran.out
    company = _company(shop)
    assert [r["Name"] for r in query(company, "Vendor")] == ["Birch Supplies"]
    assert len(query(company, "Customer")) == 2


def test_run_prints_the_sync_report(shop, capsys):
    """The run's output is the job's report: created records and the refused vendor."""
    out = _run(capsys, shop).out
    assert "Sent to QuickBooks: 3 created, 0 modified, 0 deleted, 1 failed" in out
    assert "vendor 'Birch' (record 4): status 3100 (VendorAddRq)" in out


def test_run_json_holds_the_report_and_the_company(shop, capsys):
    """``--json``: the report as data and where the company is kept."""
    data = _run(capsys, shop, "--json").json
    assert data["company_created"] is True and data["company"].endswith("shop.db.qbsim.json")
    assert [c["name"] for c in data["report"]["exported"]["created"]] == ["Labor", "Acme", "Birch"]


def test_strict_run_exits_1_when_the_job_has_errors(shop, capsys):
    """``--strict``: a job with errors exits 1 (the report still printed)."""
    ran = _run(capsys, shop, "--strict")
    assert ran.code == 1 and "Errors (1):" in ran.out


def test_run_needs_a_place_to_sync_to(shop, capsys):
    """Neither ``--simulated`` nor ``--com``: exit 2."""
    ran = qbsync(capsys, "--db", shop, "job", "run")
    assert ran.code == 2 and "one of the arguments --simulated --com is required" in ran.err


@pytest.mark.skipif(sys.platform == "win32", reason="COM may reach a real QuickBooks on Windows")
def test_quickbooks_out_of_reach_is_refused_before_a_job_starts(shop, capsys):
    """``--com`` where COM cannot be reached: exit 2 saying so, and no job marked running (a
    job was left running with an error before QuickBooks was first reached)."""
    ran = qbsync(capsys, "--db", shop, "job", "run", "--com")
    assert ran.code == 2 and "qbsync job run: could not talk to QuickBooks" in ran.err
    assert "No sync job was started; the queue is as it was." in ran.err
    assert qbsync(capsys, "--db", shop, "job", "list", "--json").json == []
    assert {p["state"] for p in qbsync(capsys, "--db", shop, "queue", "list", "--json").json} == {
        "queued"
    }


@pytest.mark.skipif(sys.platform == "win32", reason="COM may reach a real QuickBooks on Windows")
def test_quickbooks_out_of_reach_keeps_an_unfinished_job_to_resume(shop, capsys):
    """``--com`` out of reach with a job already started: exit 2; the job waits, untouched."""
    qbsync(capsys, "--db", shop, "job", "new")
    ran = qbsync(capsys, "--db", shop, "job", "run", "--com")
    assert ran.code == 2 and "run `job run` again to resume it" in ran.err
    [job] = qbsync(capsys, "--db", shop, "job", "list", "--json").json
    assert (job["outcome"], job["error_count"], job["request_sent_at"]) == ("running", 0, None)


def test_an_unreadable_company_file_is_refused(shop, capsys):
    """A company file that is not one: exit 2 naming it and what to do."""
    shop.with_name(shop.name + ".qbsim.json").write_text("not json")
    ran = _run(capsys, shop)
    assert ran.code == 2 and "cannot be read" in ran.err and "--company" in ran.err


def test_jobs_are_listed_newest_first(shop, capsys):
    """``job list --json`` after two runs: job 2 then job 1."""
    _run(capsys, shop)
    _run(capsys, shop)
    rows = qbsync(capsys, "--db", shop, "job", "list", "--json").json
    assert [(r["id"], r["outcome"]) for r in rows] == [(2, "finished"), (1, "finished")]


def test_the_job_list_is_a_table(shop, capsys):
    """``job list`` for people: a header and a line per job."""
    _run(capsys, shop)
    lines = qbsync(capsys, "--db", shop, "job", "list").out.splitlines()
    assert lines[0].split()[:3] == ["id", "outcome", "phase"] and len(lines) == 2


def test_a_jobs_errors_show_the_guide(shop, capsys):
    """``job errors``: each error with QuickBooks' message and the guide's steps."""
    _run(capsys, shop)
    out = qbsync(capsys, "--db", shop, "job", "errors").out
    assert 'The name "Birch" of the list element is already in use.' in out
    assert "Guide 3100, Name already in use" in out


def test_a_jobs_errors_as_json(shop, capsys):
    """``job errors 1 --json``: the error's record, code and guide key."""
    _run(capsys, shop)
    [error] = qbsync(capsys, "--db", shop, "job", "errors", "1", "--json").json
    assert (error["name"], error["status_code"], error["guide"]["key"]) == ("Birch", 3100, "3100")


def test_errors_of_an_unknown_job_are_refused(shop, capsys):
    """``job errors 7`` with no job 7: exit 2."""
    _run(capsys, shop)
    ran = qbsync(capsys, "--db", shop, "job", "errors", "7")
    assert ran.code == 2 and "no sync job with id 7" in ran.err


def test_the_unfinished_job_is_cancelled(shop, capsys):
    """``job cancel``: the job ends cancelled and its PSRs are back in the queue."""
    qbsync(capsys, "--db", shop, "job", "new")
    ran = qbsync(capsys, "--db", shop, "job", "cancel", "--json")
    assert (ran.code, ran.json["outcome"]) == (0, "cancelled")
    rows = qbsync(capsys, "--db", shop, "queue", "list", "--state", "queued", "--json").json
    assert len(rows) == 4


def test_cancelling_without_an_unfinished_job_is_refused(shop, capsys):
    """Nothing to cancel: exit 2."""
    ran = qbsync(capsys, "--db", shop, "job", "cancel")
    assert ran.code == 2 and "no unfinished sync job to cancel" in ran.err


def test_a_date_range_leaves_transactions_outside_it_waiting(shop, capsys):
    """``--from``/``--to``: an invoice dated before the range stays in the queue."""
    with app_of(shop) as app:
        invoice = record_id(shop, "invoice", "1001")
        app.invoices.update(invoice, txn_date="2025-03-01")
        app.invoices.set_status(invoice, "approved")
    ran = _run(capsys, shop, "--from", "2025-04-01", "--to", "2025-04-30", "--json")
    sent = [c["entity_type"] for c in ran.json["report"]["exported"]["created"]]
    assert ran.code == 0 and "invoice" not in sent and "customer" in sent
    rows = qbsync(capsys, "--db", shop, "queue", "list", "--type", "invoice", "--json").json
    assert [r["state"] for r in rows] == ["queued"]


def test_a_date_that_is_no_date_is_refused(shop, capsys):
    """``--from 2025-13-01``: exit 2 saying how to write a date."""
    ran = _run(capsys, shop, "--from", "2025-13-01")
    assert ran.code == 2 and "write YYYY-MM-DD" in ran.err
