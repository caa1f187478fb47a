"""Evidence as a customer sends it, made by really running the engine against qbsim: a
workspace syncs twice with ``qbsync job run --simulated``, and its message sets are written
out as a folder of paired qbXML files (``001-1rq.xml``, ``001-2rs.xml`` ...).

QuickBooks already holds customer Acme (planted in the company); the app adds Birch, an item
and an invoice of Birch (first sync), then changes Birch's phone and adds its own Acme (second
sync): the change is a CustomerMod naming Birch's recorded ListID and EditSequence, and the
add fails with 3100. ``docs/evidence/duplicate-name`` holds one such folder, the evidence of
``scenarios/replayed-duplicate-name.yaml``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qbsim import Company
from qbsim.faults import load_plan
from qbsim.testing import add
from syncengine.app import App
from syncengine.cli import main
from syncengine.clock import FixedClock
from syncengine.commands.simulated import run_job
from syncengine.rehearsal.rehearse import company_file, setup_company
from syncengine.settings.schedule import sync_window
from syncengine.store import Store
from tests.cli_workspace import app_of

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "evidence" / "duplicate-name"


def duplicate_name_evidence(folder: Path) -> Path:
    """Run the two syncs in ``folder`` and write their conversation to ``folder/evidence``."""
    db = folder / "shop.db"
    company = Company(seed=1)
    add(company, "Customer", {"Name": "Acme", "Phone": "555-0100"})
    company.save(db.with_name(db.name + ".qbsim.json"))
    birch = _birch_billed(db)
    assert main(["--db", str(db), "job", "run", "--simulated"]) == 0
    with app_of(db) as app:
        app.customers.update(birch, phone="555-0199")
        app.customers.add(name="Acme")
    assert main(["--db", str(db), "job", "run", "--simulated"]) == 0
    return write_conversation(db, folder / "evidence")


def _birch_billed(db: Path) -> int:
    """Customer Birch, a service item and an approved invoice of Birch in the app; Birch's ID."""
    with app_of(db) as app:
        birch = app.customers.add(name="Birch").id
        labor = app.items.add(name="Labor", kind="service", price="85").id
        lines = [{"item": labor, "quantity": 1}]
        invoice = app.invoices.add(
            customer=birch, ref_number="1001", txn_date="2025-01-06", lines=lines
        ).id
        app.invoices.set_status(invoice, "approved")
    return birch


def write_conversation(db: Path, out: Path) -> Path:
    """The workspace's message sets as a folder of paired files; a set without an answer
    gets no answer file."""
    out.mkdir()
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT request_xml, response_xml FROM message_sets ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()
    for number, (request, response) in enumerate(rows, 1):
        (out / f"{number:03d}-1rq.xml").write_text(request, encoding="utf-8")
        if response is not None:
            (out / f"{number:03d}-2rs.xml").write_text(response, encoding="utf-8")
    return out


@contextmanager
def every_document(recorded: list[tuple[str, str]]) -> Iterator[None]:
    """Keep every request document a qbsim company answers in this process, with its answer,
    in ``recorded`` (as a Web Connector log in verbose mode has them: queries included)."""
    answer = Company.process

    def process(company: Company, request: str | bytes) -> str:
        response = answer(company, request)
        text = request if isinstance(request, str) else request.decode("utf-8")
        recorded.append((text, response))
        return response

    Company.process = process  # type: ignore[method-assign]
    try:
        yield
    finally:
        Company.process = answer  # type: ignore[method-assign]


def whole_conversation(folder: Path) -> Path:
    """Two clean syncs of a company already holding Acme and Bolt, every document kept (the
    company check, the import's queries, the adds, a Mod) in ``folder/evidence``."""
    db = folder / "shop.db"
    company = Company(seed=1)
    add(company, "Customer", {"Name": "Acme", "Phone": "555-0100"})
    add(company, "Vendor", {"Name": "Bolt"})
    company.save(db.with_name(db.name + ".qbsim.json"))
    recorded: list[tuple[str, str]] = []
    birch = _birch_billed(db)
    with every_document(recorded):
        assert main(["--db", str(db), "job", "run", "--simulated"]) == 0
        with app_of(db) as app:
            app.customers.update(birch, phone="555-0199")
        assert main(["--db", str(db), "job", "run", "--simulated"]) == 0
    out = folder / "evidence"
    out.mkdir()
    for number, (request, response) in enumerate(recorded, 1):
        (out / f"{number:03d}-1rq.xml").write_text(request, encoding="utf-8")
        (out / f"{number:03d}-2rs.xml").write_text(response, encoding="utf-8")
    return out


def customer_workspace(folder: Path, tuesday: bool = False) -> Path:
    """The customer of notebook 05 on Monday: a company made by QuickBooks' setup interview
    (its accounts, Services among them), an app with a service item, two customers and their
    approved invoices, and one sync while the bookkeeper keys Birch Dental into QuickBooks
    first (3100). The workspace keeps only the message sets that change QuickBooks: no query
    answer shows the account Services its item names. ``tuesday``: a day later, Acme
    Roofing's email changed in the app, a second sync while the bookkeeper edits Acme Roofing
    in QuickBooks twice (3100 again, then 3200). Returns ``shop.db``."""
    shop = folder / "shop.db"
    clock = FixedClock()
    store = Store(shop, clock=clock)
    app = App(store)
    company = setup_company(seed=3)
    labor = app.items.add(name="Labor", kind="service", price="85")
    acme = app.customers.add(name="Acme Roofing", phone="555-0100")
    birch = app.customers.add(name="Birch Dental")
    for number, who in (("1001", acme), ("1002", birch)):
        lines = [{"item": labor.id, "quantity": 4}]
        app.invoices.add(customer=who.id, ref_number=number, status="approved", lines=lines)
    clock.advance(minutes=30)
    plan = load_plan(
        {
            "title": "Monday at the customer's office",
            "faults": [
                {
                    "label": "the bookkeeper keys Birch Dental into QuickBooks first",
                    "effect": "duplicate_name",
                    "when": {"request_type": "CustomerAddRq", "name": "Birch Dental"},
                }
            ],
        }
    )
    run_job(store, company, plan, sync_window(store, None, None), seed=3)
    if tuesday:
        clock.advance(days=1)
        app.customers.update(acme.id, email="office@acme-roofing.example")
        run_job(store, company, load_plan(TUESDAY), sync_window(store, None, None), seed=3)
    company.save(company_file(shop))
    store.close()
    return shop


TUESDAY = {
    "title": "Tuesday at the customer's office",
    "faults": [
        {
            "label": "the bookkeeper edits Acme Roofing in QuickBooks, twice",
            "effect": "edit_in_quickbooks",
            "when": {"request_type": "CustomerModRq", "name": "Acme Roofing", "times": 2},
            "changes": {"Phone": "555-0199"},
        }
    ],
}
"""Notebook 05's ``tuesday.yaml``: the fault plan of the customer's second sync."""
