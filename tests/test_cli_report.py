"""``qbsync report``: a job's sync report for people and as JSON; refused without a job."""

from __future__ import annotations

import pytest

from tests.cli_workspace import make_workspace, qbsync


@pytest.fixture
def synced(tmp_path, capsys):
    shop = make_workspace(tmp_path)
    assert qbsync(capsys, "--db", shop, "job", "run", "--simulated").code == 0
    return shop


def test_the_latest_jobs_report_is_printed(synced, capsys):
    """``report``: the job line, what was created, and the error with its guide steps."""
    ran = qbsync(capsys, "--db", synced, "report")
    assert ran.code == 0 and ran.out.startswith("Sync job 1: finished, 1 error(s)")
    assert "  created     customer       Acme" in ran.out
    assert "1. Rename the record in the app and sync again." in ran.out


def test_the_report_as_json(synced, capsys):
    """``report 1 --json``: created, modified and deleted sections and the errors."""
    data = qbsync(capsys, "--db", synced, "report", "1", "--json").json
    assert list(data["exported"]) == ["created", "modified", "deleted", "linked"]
    assert [e["guide"]["key"] for e in data["errors"]] == ["3100"]


def test_a_workspace_without_jobs_is_refused(tmp_path, capsys):
    """No job yet: exit 2 saying how to start one."""
    ran = qbsync(capsys, "--db", make_workspace(tmp_path), "report")
    assert ran.code == 2 and "has no sync job yet; start one with `job new`" in ran.err


def test_an_unknown_job_is_refused(synced, capsys):
    """``report 5`` with no job 5: exit 2."""
    ran = qbsync(capsys, "--db", synced, "report", "5")
    assert (ran.code, ran.err) == (2, "qbsync report: no sync job with id 5\n")


def _set(capsys, shop, key: str, value: str) -> None:
    assert qbsync(capsys, "--db", shop, "settings", "set", key, value).code == 0


def _invoice(capsys, shop, ref: str, item: str = "Labor") -> None:
    line = f"item={item},quantity=1,rate=10"
    ran = qbsync(capsys, "--db", shop, "app", "add", "invoice", "customer=Acme",
                 f"ref_number={ref}", "status=approved", "--line", line)  # fmt: skip
    assert ran.code == 0, ran.err


def test_the_report_lists_invoices_marked_paid(tmp_path, capsys):
    """``export.mark_paid`` on: the report lists the invoice marked paid after export."""
    shop = make_workspace(tmp_path)
    _set(capsys, shop, "export.mark_paid", "true")
    _invoice(capsys, shop, "2001")
    qbsync(capsys, "--db", shop, "job", "run", "--simulated")
    ran = qbsync(capsys, "--db", shop, "report")
    assert "Marked paid in the app: 1\n  invoice '2001': marked paid after export" in ran.out
    assert [line["name"] for line in _json(capsys, shop)["marked_paid"]] == ["2001"]


def test_the_report_lists_what_an_area_stopped_at_its_first_error_held_back(tmp_path, capsys):
    """Stop an area at its first error: an invoice QuickBooks cannot take (its reference is
    too long) holds back the next one; the report says which and why."""
    shop = make_workspace(tmp_path)
    _set(capsys, shop, "export.stop_area_on_first_error", "true")
    _invoice(capsys, shop, "ABCDEFGHIJKLMNOP")
    _invoice(capsys, shop, "2002")
    qbsync(capsys, "--db", shop, "job", "run", "--simulated", "--batch-size", "1")
    held = _json(capsys, shop)["held_back"]
    assert [line["name"] for line in held] == ["2002"]
    assert held[0]["note"].startswith("not sent: the customer_invoices area stopped")


def test_the_report_lists_the_accounts_it_created(tmp_path, capsys):
    """An item posting to an account QuickBooks lacks: the report names the account created."""
    shop = make_workspace(tmp_path)
    item = ("app", "add", "item", "name=Parts", "kind=non_inventory", "income_account=Parts Sales")
    assert qbsync(capsys, "--db", shop, *item).code == 0
    qbsync(capsys, "--db", shop, "job", "run", "--simulated")
    ran = qbsync(capsys, "--db", shop, "report")
    assert "  account 'Parts Sales' (Income) created in QuickBooks" in ran.out
    created = [line["note"] for line in _json(capsys, shop)["accounts_created"]]
    assert "account 'Parts Sales' (Income) created in QuickBooks" in created


def _json(capsys, shop):
    return qbsync(capsys, "--db", shop, "report", "--json").json
