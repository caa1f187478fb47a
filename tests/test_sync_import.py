"""The import phase: QuickBooks-side edits, new records and deletions reach the app without
PSRs; a queued app change holds its fields; rule 4's fix links a record by name."""

from __future__ import annotations

from datetime import timedelta

from qbsim import Company
from qbsim.errors import StatusError
from qbsim.model.base import fixed_clock
from qbsim.testing import add, mod, send
from syncengine import qbxml
from syncengine.sync.queries import PAGE
from tests.sync_world import World, acme

LOCKED = (
    "There was an error when modifying a Customer list.  "
    "This list has been modified by another user."
)


def _synced_acme(w: World) -> int:
    customer = w.app.customers.add(name="Acme", phone="555-0100").id
    w.sync()
    return customer


def test_quickbooks_edit_is_imported():
    """A phone changed in QuickBooks (by qbXML, as a bookkeeper's edit) reaches the app."""
    w = World()
    customer = _synced_acme(w)
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {"Phone": "555-0199"})
    report = w.sync()
    assert w.app.customers.get(customer)["phone"] == "555-0199"
    assert report.imported == {("customer", "updated"): 1}


def test_imported_edit_queues_nothing_back():
    """An imported change creates no PSR and moves the link to QuickBooks' EditSequence."""
    w = World()
    customer = _synced_acme(w)
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {"Phone": "555-0199"})
    w.sync()
    assert len(w.psrs(customer)) == 1
    assert w.link(customer).edit_sequence == w.qb_named("Customer", "Acme")["EditSequence"]


def test_new_quickbooks_customer_becomes_an_app_record():
    """A customer added in QuickBooks becomes an app record, linked, with no PSR."""
    w = World()
    add(w.company, "Customer", {"Name": "Zeta", "Phone": "555-0142"})
    report = w.sync()
    [zeta] = w.app.customers.find("Zeta")
    assert zeta["phone"] == "555-0142" and w.link(zeta.id).qb_type == "Customer"
    assert w.psrs(zeta.id) == [] and report.imported == {("customer", "created"): 1}


def test_new_job_is_imported_under_its_parent():
    """A job added in QuickBooks with its parent arrives with the parent as app parent."""
    w = World()
    add(w.company, "Customer", {"Name": "Zeta"})
    add(w.company, "Customer", {"Name": "Porch", "ParentRef": {"FullName": "Zeta"}})
    w.sync()
    [zeta], [porch] = w.app.customers.find("Zeta"), w.app.customers.find("Porch")
    assert porch["parent"] == zeta.id


def test_new_invoice_refers_to_the_imported_customer_and_item():
    """An invoice added in QuickBooks arrives with app references, at its sync status."""
    w = World()
    add(w.company, "Customer", {"Name": "Zeta"})
    add(w.company, "Account", {"Name": "Services", "AccountType": "Income"})
    add(
        w.company,
        "ItemService",
        {"Name": "Labor", "SalesOrPurchase": {"AccountRef": {"FullName": "Services"}}},
    )
    add(
        w.company,
        "Invoice",
        {
            "CustomerRef": {"FullName": "Zeta"},
            "RefNumber": "9",
            "InvoiceLineAdd": [{"ItemRef": {"FullName": "Labor"}, "Quantity": "1", "Rate": "5"}],
        },
    )
    w.sync()
    [invoice] = w.app.invoices.find("9")
    assert invoice["customer"] == w.app.customers.find("Zeta")[0].id
    assert invoice["lines"][0]["item"] == w.app.items.find("Labor")[0].id
    assert invoice.status == "approved"


def test_inactive_quickbooks_records_are_imported_too():
    """ActiveStatus All: a customer made inactive in QuickBooks arrives inactive."""
    w = World()
    add(w.company, "Customer", {"Name": "Zeta", "IsActive": False})
    w.sync()
    assert w.app.customers.find("Zeta")[0]["is_active"] is False


def test_deletion_in_quickbooks_deletes_the_app_record():
    """A customer deleted in QuickBooks is deleted in the app; its link marked deleted."""
    w = World()
    customer = _synced_acme(w)
    send(w.company, "ListDelRq", {"ListDelType": "Customer", "ListID": w.link(customer).qb_id})
    report = w.sync()
    assert w.app.customers.get(customer).deleted and w.link(customer).qb_deleted_at
    assert report.imported == {("customer", "deleted"): 1} and len(w.psrs(customer)) == 1


def test_deleted_transaction_is_deleted_in_the_app():
    """An invoice deleted in QuickBooks (TxnDeletedQuery) is deleted in the app."""
    w = World()
    lines = [{"description": "Fee", "amount": "10"}]
    invoice = w.app.invoices.add(customer=acme(w), ref_number="1", lines=lines, status="approved")
    w.sync()
    send(w.company, "TxnDelRq", {"TxnDelType": "Invoice", "TxnID": w.link(invoice.id).qb_id})
    w.sync()
    assert w.app.invoices.get(invoice.id).deleted


def test_queued_app_change_holds_its_field_on_import():
    """With the app's phone change still queued, QuickBooks' phone is not imported but its
    email is, and the conflict is reported."""
    w = World()
    customer = _synced_acme(w)
    edit = {"Phone": "555-0199", "Email": "qb@example.com"}
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), edit)
    w.company.request_hooks.append(
        lambda tag, element: StatusError(3170, LOCKED) if tag == "CustomerModRq" else None
    )
    w.app.customers.update(customer, phone="555-0111")
    report = w.sync()
    record = w.app.customers.get(customer)
    assert (record["phone"], record["email"]) == ("555-0111", "qb@example.com")
    assert report.conflicts == 1 and w.last_psr(customer).state == "failed"


def test_held_change_goes_out_with_the_next_sync():
    """Once QuickBooks is free again, the held app change is sent without a 3200."""
    w = World()
    customer = _synced_acme(w)
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {"Email": "qb@example.com"})
    busy = [True]
    w.company.request_hooks.append(
        lambda tag, element: (
            StatusError(3170, LOCKED) if busy[0] and tag == "CustomerModRq" else None
        )
    )
    w.app.customers.update(customer, phone="555-0111")
    w.sync()
    busy[0] = False
    report = w.sync()
    ret = w.qb_named("Customer", "Acme")
    assert (ret["Phone"], ret["Email"], report.failed) == ("555-0111", "qb@example.com", 0)


def test_same_name_record_is_linked_once_its_psr_is_deleted():
    """Rule 4: QuickBooks already has Acme (3100); delete the PSR, edit Acme in QuickBooks,
    and the next import links the app record instead of making a second one."""
    w = World()
    add(w.company, "Customer", {"Name": "Acme"})
    customer = acme(w)
    w.sync()
    w.app.queue.remove(w.last_psr(customer).id)
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {"Phone": "555-0123"})
    w.sync()
    assert len(w.app.customers.all()) == 1
    assert w.link(customer).qb_id == w.qb_named("Customer", "Acme")["ListID"]
    assert w.app.customers.get(customer)["phone"] == "555-0123"


def test_same_name_record_with_a_queued_change_is_not_linked():
    """A QuickBooks record named like an app record with a queued change is left alone."""
    w = World()
    add(w.company, "Customer", {"Name": "Acme"})
    customer = acme(w)
    report = w.sync()
    assert w.store.links.get(customer) is None and len(w.app.customers.all()) == 1
    assert report.imported == {("customer", "skipped"): 1}


def test_second_sync_with_no_changes_imports_nothing():
    """A sync right after another finds only its own echoes."""
    w = World()
    _synced_acme(w)
    report = w.sync()
    assert (report.exported, dict(report.imported)) == (0, {})


def test_import_mark_is_quickbooks_newest_time_modified():
    """The import stores QuickBooks' newest TimeModified as where the next one starts."""
    w = World()
    _synced_acme(w)
    mark = w.store.settings.get("import.modified_mark")
    assert mark == w.qb_named("Customer", "Acme")["TimeModified"]


def test_import_pages_through_an_iterator():
    """More customers than one page holds arrive through iterator pages, each once."""
    w = World()
    adds = [qbxml.add("Customer", {"Name": f"C{n:04}"}) for n in range(PAGE * 2 + 1)]
    w.company.process(qbxml.MessageSet(adds, on_error="continueOnError").to_xml())
    report = w.sync()
    assert report.imported == {("customer", "created"): PAGE * 2 + 1}
    assert len({c.name for c in w.app.customers.all()}) == PAGE * 2 + 1


def test_every_type_of_one_import_reads_from_the_same_mark():
    """A customer changed in QuickBooks hours after an invoice does not hide the invoice:
    each type of one import reads from the mark the import started with."""
    w = World(company=Company(clock=fixed_clock(step=timedelta(hours=3))))
    add(w.company, "Account", {"Name": "Services", "AccountType": "Income"})
    add(
        w.company,
        "ItemService",
        {"Name": "Labor", "SalesOrPurchase": {"AccountRef": {"FullName": "Services"}}},
    )
    add(w.company, "Customer", {"Name": "Zeta"})
    line = [{"ItemRef": {"FullName": "Labor"}, "Quantity": "1", "Rate": "5"}]
    add(w.company, "Invoice", {"CustomerRef": {"FullName": "Zeta"}, "InvoiceLineAdd": line})
    add(w.company, "Customer", {"Name": "Later"})
    w.sync()
    assert len(w.app.invoices.all()) == 1


def test_proxied_record_takes_no_change_from_quickbooks():
    """A proxied customer is out of syncing both ways: an edit in QuickBooks stays there."""
    w = World()
    customer = _synced_acme(w)
    w.store.flags.mark(customer, "proxy")
    phone = w.app.customers.get(customer).get("phone")
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {"Phone": "555-0199"})
    report = w.sync()
    assert w.app.customers.get(customer).get("phone") == phone
    assert ("customer", "updated") not in report.imported
