"""Pre-flight and the CSV import: the template folder imported into a workspace, checked
against a simulated company that already holds planted collisions, finds exactly those, each
with its fix; bad CSV input is refused naming file, row and column, and nothing is imported.
No mocks: QuickBooks' side is a qbsim company, read through qbXML queries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qbsim import Company
from syncengine import qbxml
from syncengine.app import App
from syncengine.app.importer import ImportRefused, import_folder
from syncengine.reports.guide import entry
from syncengine.reports.preflight import preflight
from syncengine.store import Store
from syncengine.transports.simulated import SimulatedTransport
from tests.cli_workspace import qbsync
from tests.sync_world import World

TEMPLATES = Path(__file__).resolve().parents[1] / "docs" / "templates"


def _company(*requests: qbxml.Request) -> Company:
    """A simulated company that has answered ``requests``, each of which must succeed."""
    company = Company()
    answers = qbxml.parse_response(company.process(qbxml.message_set(requests).to_xml()))
    for answer in answers:
        answer.raise_for_status()
    return company


def _planted() -> Company:
    """The client's company: a customer named as the template's vendor, a non-inventory item
    named as the template's service item (both in another case), an invoice numbered as one
    of the template's."""
    return _company(
        qbxml.add("Account", {"Name": "Sales", "AccountType": "Income"}),
        qbxml.add("Customer", {"Name": "NORTHWIND flour"}),
        qbxml.add(
            "ItemNonInventory",
            {
                "Name": "design HOUR",
                "SalesOrPurchase": {"Price": "80.00", "AccountRef": {"FullName": "Sales"}},
            },
        ),
        qbxml.add(
            "Invoice",
            {
                "CustomerRef": {"FullName": "NORTHWIND flour"},
                "RefNumber": "inv-1002",
                "InvoiceLineAdd": [{"Desc": "Earlier work", "Amount": "10.00"}],
            },
        ),
    )


def test_template_into_planted_company_finds_exactly_the_planted_collisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, company = tmp_path / "client.db", tmp_path / "client.qbsim.json"
    _planted().save(company)
    imported = qbsync(capsys, "--db", db, "import-app", TEMPLATES, "--new", "--json")
    assert imported.code == 0, imported.err
    assert imported.json["imported"]["invoice"] == 2
    ran = qbsync(capsys, "--db", db, "preflight", "--company", company, "--json")
    assert ran.code == 0
    found = {(f["check"], f["record"], f["field"], f["value"]) for f in ran.json["findings"]}
    assert found == {
        ("name_in_use", 'vendor "Northwind Flour" (app id 7)', "name", "Northwind Flour"),
        ("name_in_use", 'item "Design Hour" (app id 1)', "name", "Design Hour"),
        ("duplicate_ref_number", "invoice INV-1002 (app id 12)", "ref_number", "INV-1002"),
    }
    fixes = {f["check"]: f["fix"] for f in ran.json["findings"]}
    problems = {f["problem"] for f in ran.json["findings"]}
    assert "QuickBooks already has ItemNonInventory 'design HOUR' (names ignore case)" in problems
    assert fixes["name_in_use"] == " ".join(entry(3100).steps)
    assert "reference number nobody uses" in fixes["duplicate_ref_number"]
    strict = qbsync(capsys, "--db", db, "preflight", "--company", company, "--strict")
    assert strict.code == 1
    assert "NORTHWIND flour" in strict.out and "fix: Rename the record" in strict.out


def test_template_into_empty_company_is_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, company = tmp_path / "shop.db", tmp_path / "empty.qbsim.json"
    Company().save(company)
    assert qbsync(capsys, "--db", db, "import-app", TEMPLATES, "--new").code == 0
    ran = qbsync(capsys, "--db", db, "preflight", "--company", company, "--strict")
    assert (ran.code, ran.out.strip()) == (0, "Pre-flight: nothing QuickBooks would refuse.")


def test_preflight_without_a_company_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "shop.db"
    assert qbsync(capsys, "--db", db, "import-app", TEMPLATES, "--new").code == 0
    ran = qbsync(capsys, "--db", db, "preflight")
    assert ran.code == 2
    assert "no simulated company at" in ran.err and "--company PATH" in ran.err


def test_text_references_and_ref_numbers_within_the_app() -> None:
    """Too long, not encodable, a reference to a deleted record, a RefNumber used twice in the
    app, and two app records of one namespace with one name (the second meets the 3100)."""
    store = Store()
    app = App(store)
    app.customers.add(name="Harbor", bill_city="Portland, Maine, United States of America")
    app.vendors.add(name="HARBOR")
    gone = app.items.add(name="Old Item", kind="service")
    app.items.add(name="Design", kind="service")
    lines = [{"item": "Design", "quantity": 1, "rate": 5}]
    app.invoices.add(customer="Harbor", ref_number="7", lines=lines, memo="漢")
    app.invoices.add(customer="Harbor", ref_number="7", lines=[{"item": gone.id, "rate": 1}])
    app.items.delete(gone.id)
    findings = preflight(store, SimulatedTransport(Company()))
    got = {(f.check, f.record_id, f.field, f.code) for f in findings}
    assert got == {
        ("name_in_use", 2, "name", 3100),
        ("text", 1, "BillAddress.City", 3070),
        ("text", 5, "Memo", None),
        ("missing_reference", 6, "lines[0].item", 3140),
        ("duplicate_ref_number", 6, "ref_number", None),
    }
    clash = next(f for f in findings if f.check == "name_in_use")
    assert clash.problem.startswith("QuickBooks already has app customer (app id 1) 'Harbor'")


def test_records_already_in_quickbooks_are_not_findings(tmp_path: Path) -> None:
    """A synced record is its own QuickBooks twin: its name and number collide with nothing."""
    from syncengine.sync.run import run_job

    store = Store()
    import_folder(App(store), TEMPLATES)
    company = Company()
    report = run_job(store, SimulatedTransport(company))
    assert report.failed == 0 and report.exported > 10
    assert preflight(store, SimulatedTransport(company)) == []


def _bad_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(TEMPLATES, folder)
    path = folder / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return folder


@pytest.mark.parametrize(
    ("file", "old", "new", "row", "column", "reason"),
    [
        ("invoices.csv", "Delivery,,1,", "Delivery,,x,", 3, "line_quantity", "must be a number"),
        (
            "invoices.csv",
            "INV-1002,2025-03-05,Lindqvist Design",
            "INV-1002,2025-03-05,Nobody",
            4,
            "customer",
            "no customer named 'Nobody'",
        ),
        ("customers.csv", "bill_city", "bill_citty", None, "bill_citty", "not a column"),
        ("payments.csv", "Harbor Bakery,100.00", "Harbor Bakery,-5", 2, "amount", "negative"),
    ],
)
def test_bad_input_is_refused_by_file_row_and_column_and_nothing_is_imported(
    tmp_path: Path, file: str, old: str, new: str, row: int | None, column: str, reason: str
) -> None:
    folder = _bad_copy(tmp_path, file, old, new)
    store = Store()
    with pytest.raises(ImportRefused) as refused:
        import_folder(App(store), folder)
    assert (refused.value.file, refused.value.row, refused.value.column) == (file, row, column)
    assert reason in refused.value.reason
    assert all(store.entities.all(t) == [] for t in ("customer", "item", "vendor", "invoice"))


def test_a_refused_import_on_the_command_line_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _bad_copy(tmp_path, "items.csv", "Design Hour,service", "Design Hour,gadget")
    ran = qbsync(capsys, "--db", tmp_path / "w.db", "import-app", folder, "--new")
    assert ran.code == 2
    assert "items.csv, row 2, column kind: 'gadget' must be one of" in ran.err
    assert "nothing was imported" in ran.err


def test_an_unknown_file_in_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(TEMPLATES, folder)
    (folder / "cusotmers.csv").write_text("name\nX\n")
    with pytest.raises(ImportRefused, match=r"cusotmers.csv: not an app data file"):
        import_folder(App(Store()), folder)


def test_rehearse_preflight_lists_findings_before_the_sync(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The generated app into the rehearsal's fresh company is clean, and says so first; without
    the flag the report has no pre-flight part."""
    ran = qbsync(capsys, "rehearse", "--generate", "60", "--seed", "4", "--preflight", "--json")
    assert ran.code == 0 and ran.json["preflight"] == []
    text = qbsync(capsys, "rehearse", "--generate", "60", "--seed", "4", "--preflight")
    assert text.out.splitlines()[2] == "Pre-flight: nothing QuickBooks would refuse."
    plain = qbsync(capsys, "rehearse", "--generate", "60", "--seed", "4", "--json")
    assert "preflight" not in plain.json


def test_names_are_read_page_by_page_past_the_first_page() -> None:
    """More customers than one iterator page (500): a name on the second page is found too."""
    names = [f"Client {n:04d}" for n in range(520)]
    company = _company(*(qbxml.add("Customer", {"Name": name}) for name in names))
    store = Store()
    App(store).vendors.add(name="client 0519")
    (finding,) = preflight(store, SimulatedTransport(company))
    assert finding.problem == "QuickBooks already has Customer 'Client 0519' (names ignore case)"


def test_excel_files_import_as_their_csv_twins(tmp_path: Path) -> None:
    """An .xlsx file (pandas with openpyxl) imports as the CSV of the same name does."""
    import pandas as pd

    folder = tmp_path / "excel"
    shutil.copytree(TEMPLATES, folder)
    for name in ("customers", "invoices"):
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        frame.to_excel(folder / f"{name}.xlsx", index=False)
        (folder / f"{name}.csv").unlink()
    from_excel, from_csv = Store(), Store()
    assert import_folder(App(from_excel), folder) == import_folder(App(from_csv), TEMPLATES)
    for kind in ("customer", "invoice"):
        excel = [(e.name, e.data) for e in from_excel.entities.all(kind)]
        assert excel == [(e.name, e.data) for e in from_csv.entities.all(kind)]


def test_every_column_the_import_takes_is_documented() -> None:
    """docs/app-data.md lists each file's columns: every field of every type, by its file."""
    from syncengine.app.importer import PARTS
    from syncengine.app.types import ENTITY_TYPES

    doc = (TEMPLATES.parent / "app-data.md").read_text()
    for etype in ENTITY_TYPES.values():
        section = doc.split(f"### `{etype.plural}.csv`")[1].split("###")[0]
        for spec in etype.fields:
            parts = getattr(spec, "parts", None)
            names = [PARTS[spec.name] + p.name for p in parts] if parts else [spec.name]
            for name in names:
                assert f"| `{name}` |" in section, (etype.plural, name)


def test_sales_orders_tax_and_groups_import_and_sync(tmp_path: Path) -> None:
    """The columns of sales orders, tax codes and group items import (a group item's members,
    one row each; an invoice made from a sales order, carrying the order's line, a group line
    and a tax item; line and group columns on one row) and the records sync into a simulated
    company as one job, without errors, the invoice taxed on the order's line and the kit."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "items.csv").write_text(
        "name,kind,price,rate_percent,sales_tax_code,member_item,member_quantity\n"
        "Labor,service,40,,Tax,,\n"
        "Parts,non_inventory,12,,Tax,,\n"
        "State Tax,sales_tax,,6,,,\n"
        "Repair Kit,group,,,,Labor,1\n"
        "Repair Kit,,,,,Parts,2\n"
    )
    (folder / "customers.csv").write_text("name,sales_tax_code\nAcme,Tax\n")
    (folder / "sales_orders.csv").write_text(
        "ref_number,customer,status,line_item,line_quantity,line_rate\n"
        "SO-1,Acme,approved,Labor,3,40\n"
    )
    (folder / "invoices.csv").write_text(
        "ref_number,customer,sales_order,sales_tax_item,status,line_item,line_quantity,line_rate,"
        "group_item,group_quantity\n"
        "1001,Acme,SO-1,State Tax,approved,Labor,3,40,Repair Kit,1\n"
    )
    world = World()
    app = world.app
    counts = import_folder(app, folder)
    assert counts == {"item": 4, "customer": 1, "sales_order": 1, "invoice": 1}
    (kit,) = app.items.find("Repair Kit")
    assert [m["quantity"] for m in kit["members"]] == [1, 2]
    (invoice,) = app.invoices.find("1001")
    assert invoice["groups"][0]["quantity"] == 1
    assert invoice["sales_order"] == app.sales_orders.find("SO-1")[0].id
    report = world.sync()
    assert (report.error_count, sum(report.exported_ok.values())) == (0, 7)
    (taxed,) = world.qb("Invoice")
    # the order's line (3 x 40) and the kit (40 + 2 x 12), all taxable at 6 %
    assert (taxed["Subtotal"], taxed["SalesTaxTotal"]) == ("184.00", "11.04")
