"""Rule 4 end to end through ``qbsync``, with default settings: QuickBooks already has a
customer "Acme", so the app's add of its own Acme fails with 3100. Both fixes converge —
rename the record in the app, or delete its PSR and edit QuickBooks' record so the import
links them — with and without an invoice of Acme waiting behind it (issue 13, section 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbsim import Company
from qbsim.testing import add, mod, query
from tests.cli_workspace import app_of, qbsync

MOST_RUNS = 3
"""Syncs a fix may take: the one that links (or adds) Acme, then the one that sends what
waited for it."""


def _company_path(shop: Path) -> Path:
    return shop.with_name(shop.name + ".qbsim.json")


@pytest.fixture(params=[False, True], ids=["alone", "with-invoice"])
def shop(request, tmp_path, capsys) -> Path:
    """QuickBooks holds customer Acme; the app adds its own Acme (and, with-invoice, an
    approved invoice of it) and the first sync fails with 3100."""
    path = tmp_path / "shop.db"
    company = Company(seed=1)
    add(company, "Customer", {"Name": "Acme", "Phone": "555-0100"})
    company.save(_company_path(path))
    with app_of(path) as app:
        acme = app.customers.add(name="Acme").id
        if request.param:
            labor = app.items.add(name="Labor", kind="service", price="85").id
            lines = [{"item": labor, "quantity": 1}]
            invoice = app.invoices.add(customer=acme, ref_number="1001", lines=lines).id
            app.invoices.set_status(invoice, "approved")
    assert _run(capsys, path)["report"]["errors"][0]["status_code"] == 3100
    return path


def _run(capsys, shop: Path) -> dict:
    ran = qbsync(capsys, "--db", shop, "job", "run", "--simulated", "--json")
    assert ran.code == 0, ran.err
    return ran.json


def _open_psrs(shop: Path) -> list:
    with app_of(shop) as app:
        return app.queue.find(state=("queued", "failed"))


def _sync_until_settled(capsys, shop: Path) -> int:
    """Sync until nothing waits in the queue; how many syncs it took (fails past the most)."""
    for runs in range(1, MOST_RUNS + 1):
        _run(capsys, shop)
        if not _open_psrs(shop):
            return runs
    pytest.fail(f"still waiting after {MOST_RUNS} syncs: {_open_psrs(shop)}")


def _acme_psr(shop: Path) -> int:
    [psr] = [p for p in _open_psrs(shop) if p.entity_type == "customer"]
    return psr.id


def _invoices(shop: Path) -> list[str]:
    company = Company.load(_company_path(shop))
    return [r["CustomerRef"]["FullName"] for r in query(company, "Invoice")]


def _expected_invoices(shop: Path, customer: str) -> list[str]:
    with app_of(shop) as app:
        return [customer] if app.invoices.all() else []


def test_renaming_in_the_app_converges(shop, capsys):
    """Fix 1: rename the app's Acme; the next syncs add it (and its invoice) under the new
    name, next to QuickBooks' Acme."""
    with app_of(shop) as app:
        [acme] = app.customers.all()
        app.customers.update(acme.id, name="Acme Ltd")
    assert _sync_until_settled(capsys, shop) == 1
    names = sorted(r["Name"] for r in query(Company.load(_company_path(shop)), "Customer"))
    assert names == ["Acme", "Acme Ltd"]
    assert _invoices(shop) == _expected_invoices(shop, "Acme Ltd")


def test_deleting_the_psr_and_editing_in_quickbooks_converges(shop, capsys):
    """Fix 2: delete the PSR, edit QuickBooks' Acme; the next sync links the two, and what
    waited for Acme goes to QuickBooks' record with the sync after."""
    assert qbsync(capsys, "--db", shop, "queue", "delete", str(_acme_psr(shop))).code == 0
    company = Company.load(_company_path(shop))
    [ret] = query(company, "Customer")
    mod(company, "Customer", ret, {"Phone": "555-0199"})
    company.save(_company_path(shop))
    waiting = _expected_invoices(shop, "Acme")
    assert _sync_until_settled(capsys, shop) == (2 if waiting else 1)
    [ret] = query(Company.load(_company_path(shop)), "Customer")
    with app_of(shop) as app:
        [acme] = app.customers.all()
        assert app.store.links.get(acme.id).qb_id == ret["ListID"]
    assert _invoices(shop) == waiting


def test_the_guide_says_what_the_user_does(capsys):
    """``qbsync guide 3100``: both fixes, and what happens to records waiting for it."""
    out = " ".join(qbsync(capsys, "guide", "3100").out.split())
    assert "Rename the record in the app" in out
    assert "delete its PSR from the queue" in out and "edit the record in QuickBooks" in out
    assert "waiting for it" in out
