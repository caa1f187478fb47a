"""Why records that are not in QuickBooks wait: each reason in words a person acts on, counted
by reason and type in ``rehearse``'s report (its JSON and its text)."""

from __future__ import annotations

from syncengine.actions import Actions
from syncengine.commands.rehearse import render
from syncengine.rehearsal.htmlreport import render as html_report
from syncengine.rehearsal.rehearse import Rehearsal, rehearse
from syncengine.reports.waiting import LEFT_QUEUE, LOCKED_WORDS, QUEUED_WORDS, why_waiting
from syncengine.settings import SyncSettings
from syncengine.store import Store
from tests.sync_world import World, acme, labor


def _invoice(w: World, number: str, status: str) -> int:
    lines = [{"item": labor(w), "quantity": 1, "rate": "85"}]
    invoice = w.app.invoices.add(customer=acme(w), ref_number=number, lines=lines)
    w.app.invoices.set_status(invoice.id, status)
    return invoice.id


def test_each_waiting_record_says_why():
    w = World()
    draft = _invoice(w, "1001", "draft")
    unpaid = w.app.payments.add(customer=acme(w), amount="0", applied=[])
    w.app.payments.set_status(unpaid.id, "received")
    kept_out = _invoice(w, "1002", "draft")
    Actions(w.store).prevent_sync(kept_out)
    queued = _invoice(w, "1003", "approved")
    reasons = why_waiting(w.store, [draft, unpaid.id, kept_out, queued])
    assert reasons == {
        draft: "status 'draft' does not sync",
        unpaid.id: "not fully recorded: needs amount",
        kept_out: "flagged prevent sync",
        queued: QUEUED_WORDS,
    }


def test_a_record_in_an_unfinished_job_says_the_next_sync_resumes_it():
    w = World()
    invoice = _invoice(w, "1001", "approved")
    w.start()  # the job locks the queue, and is left unfinished
    assert why_waiting(w.store, [invoice]) == {invoice: LOCKED_WORDS}


def test_a_queued_record_the_wizard_holds_back_says_so():
    """With the wizard on, an unapproved change waits in the queue for approval, not for a
    job: the reason says which."""
    w = World()
    invoice = _invoice(w, "1001", "approved")
    SyncSettings(w.store).wizard_enabled = True
    assert why_waiting(w.store, [invoice]) == {
        invoice: "in the queue, held back: not approved in the sync wizard"
    }
    w.store.wizard.approve_all()
    assert why_waiting(w.store, [invoice]) == {invoice: QUEUED_WORDS}


def test_a_record_whose_psr_left_the_queue_says_so():
    """A customer's PSR deleted from the queue: nothing will send it (a transaction's status
    goes back to its default instead, and says so)."""
    w = World()
    customer = acme(w)
    (psr,) = w.psrs(customer)
    Actions(w.store).delete_psr(psr.id)
    assert why_waiting(w.store, [customer]) == {customer: LEFT_QUEUE}


def test_the_rehearsal_report_counts_them_by_reason_and_type(tmp_path):
    """The client's folder holds a draft invoice: it waits, and the report says why."""
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "customers.csv").write_text("name\nAcme\n")
    (folder / "items.csv").write_text("name,kind,price\nLabor,service,85\n")
    (folder / "invoices.csv").write_text(
        "ref_number,customer,status,line_item,line_quantity\n"
        "1001,Acme,draft,Labor,1\n1002,Acme,approved,Labor,2\n"
    )
    report = rehearse(Rehearsal(app=folder, seed=1))
    assert report.waiting == 1
    assert report.as_dict()["waiting_why"] == {"status 'draft' does not sync": {"invoice": 1}}
    assert "Waiting: 1 invoice: status 'draft' does not sync" in render(report).splitlines()
    page = html_report(report)
    assert '<li data-reason="status &#x27;draft&#x27; does not sync">1 invoice: status' in page


def test_a_rehearsal_with_nothing_waiting_says_nothing_of_it():
    report = rehearse(Rehearsal(records=300, seed=1))
    assert report.waiting == 0 and report.waiting_why == {}
    assert "Waiting:" not in render(report)


def test_no_store_needed_beyond_the_records_asked_about():
    """Records asked about that do not exist are left out, not refused."""
    with Store() as store:
        assert why_waiting(store, [999]) == {}
