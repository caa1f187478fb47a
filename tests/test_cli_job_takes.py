"""A sync job takes only what the user let through, whichever command creates it: ``job new``
and ``job run`` leave out what the sync wizard holds back and what belongs to an area that does
not sync (issue 13, section 1)."""

from __future__ import annotations

import pytest

from qbsim import Company
from qbsim.testing import query
from syncengine.settings import SyncSettings
from tests.cli_workspace import app_of, make_workspace, qbsync, record_id


@pytest.fixture
def shop(tmp_path, capsys):
    """The shop with its invoice 1001 approved and synced, then undone: the deletion of the
    invoice in QuickBooks waits in the queue (beside the vendor Birch, failed with 3100)."""
    path = make_workspace(tmp_path)
    invoice = record_id(path, "invoice", "1001")
    assert _cli(capsys, path, "record", "set-status", str(invoice), "approved").code == 0
    assert _cli(capsys, path, "job", "run", "--simulated").code == 0
    assert _cli(capsys, path, "record", "undo-sync", str(invoice)).code == 0
    return path


def _cli(capsys, shop, *argv):
    return qbsync(capsys, "--db", shop, *argv)


def _invoices_in_quickbooks(shop) -> list[str]:
    company = Company.load(shop.with_name(shop.name + ".qbsim.json"))
    return [r["RefNumber"] for r in query(company, "Invoice")]


def _locked(capsys, shop) -> list[str]:
    """``job new``, then the entity types of the PSRs it locked."""
    job = _cli(capsys, shop, "job", "new", "--json").json
    rows = _cli(capsys, shop, "queue", "list", "--job", str(job["id"]), "--json").json
    assert job["item_count"] == len(rows)
    return sorted(r["entity_type"] for r in rows)


def _hold_back_in_wizard(capsys, shop) -> None:
    """Wizard on, the invoice's deletion unchecked and kept at "Approve checked"."""
    _cli(capsys, shop, "wizard", "enable")
    rows = _cli(capsys, shop, "wizard", "list", "--json").json["candidates"]
    [deletion] = [r["id"] for r in rows if r["entity_type"] == "invoice"]
    assert _cli(capsys, shop, "wizard", "uncheck", str(deletion)).code == 0
    assert _cli(capsys, shop, "wizard", "approve", "--unchecked", "keep").code == 0


def test_job_new_leaves_out_a_change_kept_unchecked_in_the_wizard(shop, capsys):
    """``job new`` + ``job run``: the unchecked deletion stays queued; QuickBooks keeps the
    invoice."""
    _hold_back_in_wizard(capsys, shop)
    assert _locked(capsys, shop) == ["vendor"]
    assert _cli(capsys, shop, "job", "run", "--simulated").code == 0
    assert _invoices_in_quickbooks(shop) == ["1001"]
    rows = _cli(capsys, shop, "queue", "list", "--type", "invoice", "--json").json
    assert [(r["action"], r["state"]) for r in rows] == [("delete", "queued")]


def test_job_new_leaves_out_an_area_that_does_not_sync(shop, capsys):
    """Customer invoices switched off: ``job new`` + ``job run`` do not delete the invoice."""
    with app_of(shop) as app:
        SyncSettings(app.store).set("sync.customer_invoices", False)
    assert _locked(capsys, shop) == ["vendor"]
    assert _cli(capsys, shop, "job", "run", "--simulated").code == 0
    assert _invoices_in_quickbooks(shop) == ["1001"]


def test_job_new_takes_what_the_wizard_approved(shop, capsys):
    """Approved in the wizard, the deletion is locked by ``job new`` and goes with the run."""
    _cli(capsys, shop, "wizard", "enable")
    _cli(capsys, shop, "wizard", "approve")
    assert _locked(capsys, shop) == ["invoice", "vendor"]
    assert _cli(capsys, shop, "job", "run", "--simulated").code == 0
    assert _invoices_in_quickbooks(shop) == []


def test_job_new_says_what_it_takes(tmp_path, capsys):
    """``job new --help`` says the job takes what the settings and the wizard let through."""
    ran = qbsync(capsys, "job", "new", "--help")
    assert "every queued and failed PSR" not in ran.out
    assert "the sync wizard" in ran.out and "areas" in ran.out


def test_job_new_says_what_it_left_in_the_queue(shop, capsys):
    """``job new`` names what stays in the queue and why."""
    _hold_back_in_wizard(capsys, shop)
    ran = _cli(capsys, shop, "job", "new")
    assert ran.out.startswith("sync job 2 created: 1 PSR(s) locked; 1 left in the queue:")
    assert "not approved in the sync wizard (1)" in ran.out


def test_job_new_json_lists_what_it_left_in_the_queue(shop, capsys):
    """``job new --json``: the job, and ``left_in_queue`` naming each PSR left and why."""
    _hold_back_in_wizard(capsys, shop)
    [deletion] = _cli(capsys, shop, "queue", "list", "--type", "invoice", "--json").json
    job = _cli(capsys, shop, "job", "new", "--json").json
    assert (job["id"], job["item_count"]) == (2, 1)
    reason = "not approved in the sync wizard"
    assert job["left_in_queue"] == [{"psr_id": deletion["id"], "reason": reason}]


def test_job_new_json_with_nothing_left_has_an_empty_list(shop, capsys):
    """Everything taken: ``left_in_queue`` is there, and empty."""
    assert _cli(capsys, shop, "job", "new", "--json").json["left_in_queue"] == []


def test_job_new_takes_the_settings_date_range_as_job_run_does(shop, capsys):
    """A date range in the settings: ``job new`` leaves out the invoice dated before it, and
    ``job run`` then runs that job (it is not refused for another range)."""
    with app_of(shop) as app:
        SyncSettings(app.store).set("range.from_date", "2030-01-01")
    assert _locked(capsys, shop) == ["vendor"]
    assert _cli(capsys, shop, "job", "run", "--simulated").code == 0
    assert _invoices_in_quickbooks(shop) == ["1001"]
