"""The export phase: modify, delete, inactivate and void; refusals re-queued with their error;
dependencies; retries; message sets saved before they leave; the job's own record."""

from __future__ import annotations

from qbsim.errors import StatusError
from qbsim.testing import send
from syncengine import qbxml
from syncengine.store import JobItem
from syncengine.sync import run_job
from syncengine.transports.simulated import SimulatedTransport
from tests.sync_world import World, acme, labor

LOCKED = (
    "There was an error when modifying a Customer list.  "
    "This list has been modified by another user."
)


def _invoice(w: World, customer: int, ref: str = "1001") -> int:
    lines = [{"item": labor(w), "quantity": 1, "rate": "85"}]
    return w.app.invoices.add(customer=customer, ref_number=ref, lines=lines, status="approved").id


def test_update_is_sent_with_the_links_edit_sequence():
    """An edit after a sync goes as a Mod; the link takes the new EditSequence."""
    w = World()
    customer = acme(w)
    w.sync()
    w.app.customers.update(customer, phone="555-0111")
    report = w.sync()
    ret = w.qb_named("Customer", "Acme")
    assert report.exported_ok == {("customer", "modify"): 1}
    assert (ret["Phone"], w.link(customer).edit_sequence) == ("555-0111", ret["EditSequence"])


def test_deleted_customer_is_made_inactive():
    """By default a deleted customer is made inactive in QuickBooks, not deleted."""
    w = World()
    customer = acme(w)
    w.sync()
    w.app.customers.delete(customer)
    w.sync()
    assert w.qb_named("Customer", "Acme")["IsActive"] == "false"
    assert not w.link(customer).qb_active


def test_deleted_customer_is_deleted_when_the_setting_says_so():
    """With delete_action.customer = delete the customer goes by ListDel."""
    w = World()
    w.store.settings.write_raw("delete_action.customer", "delete")
    customer = acme(w)
    w.sync()
    w.app.customers.delete(customer)
    w.sync()
    assert w.qb("Customer") == [] and w.link(customer).qb_deleted_at is not None


def test_deleted_invoice_is_deleted_in_quickbooks():
    """A deleted synced invoice goes by TxnDel."""
    w = World()
    invoice = _invoice(w, acme(w))
    w.sync()
    w.app.invoices.delete(invoice)
    report = w.sync()
    assert w.qb("Invoice") == [] and report.exported_ok == {("invoice", "delete"): 1}


def test_deleted_invoice_is_voided_when_the_setting_says_so():
    """With delete_action.invoice = void the invoice stays in QuickBooks, zeroed."""
    w = World()
    w.store.settings.write_raw("delete_action.invoice", "void")
    invoice = _invoice(w, acme(w))
    w.sync()
    w.app.invoices.delete(invoice)
    w.sync()
    assert w.qb("Invoice")[0]["Subtotal"] == "0.00"


def test_name_in_use_requeues_the_psr_with_its_error():
    """3100: the PSR goes back to the queue with the code, QuickBooks' words and a fix."""
    w = World()
    w.company.process(qbxml.MessageSet([qbxml.add("Vendor", {"Name": "Acme"})]).to_xml())
    customer = acme(w)
    report = w.sync()
    psr = w.last_psr(customer)
    assert (psr.state, psr.error_code) == ("failed", 3100)
    assert "already in use" in psr.error_message and "Rename" in psr.error_hint
    assert report.errors_by_code == {3100: 1} and report.error_count == 1


def test_error_drills_down_to_psr_request_and_message_set():
    """A job's error row names the PSR, the request, its message set and the status."""
    w = World()
    w.company.process(qbxml.MessageSet([qbxml.add("Vendor", {"Name": "Acme"})]).to_xml())
    customer = acme(w)
    report = w.sync()
    row = w.store.jobs.errors_frame(report.job_id).iloc[0]
    psr = w.last_psr(customer)
    assert (row.psr_id, row.request_id, row.status_code) == (psr.id, str(psr.id), 3100)
    assert row.request_type == "CustomerAddRq" and row.message_set_id.startswith("1-")


def test_invoice_waits_for_its_failed_customer():
    """A transaction whose customer failed in this job is not sent and names that PSR."""
    w = World()
    w.company.process(qbxml.MessageSet([qbxml.add("Vendor", {"Name": "Acme"})]).to_xml())
    customer = acme(w)
    invoice = _invoice(w, customer)
    w.sync()
    psr = w.last_psr(invoice)
    assert psr.state == "failed" and psr.error_code is None
    assert f"waits for PSR {w.last_psr(customer).id}" in psr.error_message
    assert w.qb("Invoice") == []


def test_record_quickbooks_cannot_take_fails_only_its_own_psr():
    """A name too long for QuickBooks fails that PSR (never sent); the job goes on."""
    w = World()
    long_name = w.app.customers.add(name="N" * 45).id
    acme(w)
    report = w.sync()
    psr = w.last_psr(long_name)
    assert psr.state == "failed" and "at most 41" in psr.error_message
    assert report.finished and report.exported == 1


def test_lock_error_is_retried_once_in_a_later_set():
    """3170 (list in use) once: the PSR goes again in a later set of the same job and is done."""
    w = World()
    refusals = iter([StatusError(3170, LOCKED)])
    w.company.request_hooks.append(
        lambda tag, element: next(refusals, None) if tag == "CustomerAddRq" else None
    )
    customer = acme(w)
    report = w.sync()
    assert w.last_psr(customer).state == "done" and report.failed == 0
    assert report.message_sets["answered"] == 2


def test_lock_error_twice_fails_the_psr():
    """A lock error on the retry too fails the PSR, explaining it was retried."""
    w = World()
    w.company.request_hooks.append(
        lambda tag, element: StatusError(3170, LOCKED) if tag == "CustomerAddRq" else None
    )
    customer = acme(w)
    w.sync()
    psr = w.last_psr(customer)
    assert (psr.state, psr.error_code) == ("failed", 3170) and "tried again once" in psr.error_hint


def test_several_requests_go_in_one_message_set():
    """PSRs share message sets up to the batch size."""
    w = World()
    for n in range(5):
        w.app.customers.add(name=f"Customer {n}")
    report = w.sync(batch_size=2)
    assert report.message_sets == {"answered": 3} and report.exported == 5


def test_job_goes_after_its_parent_in_a_later_set():
    """A job never shares a message set with the parent it refers to by ListID."""
    w = World()
    w.app.customers.add(name="Roof", parent=acme(w))
    report = w.sync(batch_size=50)
    assert report.message_sets == {"answered": 2} and report.failed == 0


class CheckingTransport(SimulatedTransport):
    """The simulated transport, noting the store's state of each set as it arrives."""

    def __init__(self, world: World) -> None:
        super().__init__(world.company)
        self.world, self.seen = world, []

    def send(self, request_xml: str) -> str:
        set_id = qbxml.parse_request(request_xml).new_message_set_id
        if set_id is not None:
            self.seen.append(self.world.store.messages.get(set_id).state)
        return super().send(request_xml)


def test_message_set_is_saved_before_it_leaves():
    """Every write set is in the store, marked sent, before QuickBooks sees it."""
    w = World()
    acme(w)
    labor(w)
    transport = CheckingTransport(w)
    run_job(w.store, transport, batch_size=1)
    assert transport.seen == ["sent"] * 3  # the Services account, Acme, Labor


def test_message_set_records_its_psrs_and_answer():
    """A saved set keeps its requests (requestID = PSR id) and QuickBooks' answer."""
    w = World()
    customer = acme(w)
    report = w.sync()
    item: JobItem = w.store.jobs.items(report.job_id)[0]
    saved = w.store.messages.get(item.message_set_id)
    assert item.request_id == str(w.last_psr(customer).id)
    assert saved.state == "answered" and "CustomerAddRs" in saved.response_xml


def test_job_record_is_stamped_as_it_goes():
    """The job records when it was created, first sent, last answered and completed."""
    w = World()
    acme(w)
    job = w.store.jobs.get(w.sync().job_id)
    assert job.finished and job.outcome == "finished"
    assert None not in (job.request_sent_at, job.response_received_at, job.completed_at)


def test_field_cleared_in_the_app_is_cleared_in_quickbooks():
    """A phone removed in the app is removed in QuickBooks by the Mod."""
    w = World()
    customer = w.app.customers.add(name="Acme", phone="555-0100", bill_city="Austin").id
    w.sync()
    w.app.customers.update(customer, phone=None, bill_city="")
    w.sync()
    ret = w.qb_named("Customer", "Acme")
    assert "Phone" not in ret and "BillAddress" not in ret


def test_transaction_waits_for_a_psr_that_failed_in_the_same_set():
    """A job refused before sending (its parent is gone) makes its invoice fail naming the
    job's PSR, not a reference cycle."""
    w = World()
    parent = acme(w)
    w.sync()
    roof = w.app.customers.add(name="Roof", parent=parent).id
    invoice = _invoice(w, roof)
    send(w.company, "ListDelRq", {"ListDelType": "Customer", "ListID": w.link(parent).qb_id})
    w.sync()  # Roof: 3130 from QuickBooks; the import learns that Acme is gone
    w.sync()  # Roof is refused before sending; its invoice in the same planning round
    assert "deleted in QuickBooks and so in the app" in w.last_psr(roof).error_message
    assert f"waits for PSR {w.last_psr(roof).id}" in w.last_psr(invoice).error_message


def test_free_text_quickbooks_stores_differently_is_logged():
    """A transliterated address line (ł → l, ó kept) is sent and the change is logged."""
    w = World()
    customer = w.app.customers.add(name="Acme", bill_city="Łódź").id
    report = w.sync()
    assert w.qb_named("Customer", "Acme")["BillAddress"]["City"] == "Lódz"
    log = w.store.log.frame(job_id=report.job_id)
    [line] = log[log.action == "text"]["message"]
    assert "'Łódź' will be stored as 'Lódz'" in line and w.last_psr(customer).state == "done"


def test_customer_in_use_is_not_deleted_and_says_why():
    """A customer its invoices use cannot be deleted: the PSR fails naming the way out."""
    w = World()
    w.store.settings.write_raw("delete_action.customer", "delete")
    customer = acme(w)
    _invoice(w, customer)
    w.sync()
    w.app.customers.delete(customer)
    w.sync()
    psr = w.last_psr(customer)
    assert (psr.state, psr.error_code) == ("failed", 3170) and "inactive" in psr.error_hint
    assert w.qb_named("Customer", "Acme")["IsActive"] == "true"
