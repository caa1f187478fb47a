"""Exactly once: a sync job cut off at any point resumes through error recovery with no
duplicate in QuickBooks and no PSR lost."""

from __future__ import annotations

import pytest

from qbsim.errors import StatusError
from qbsim.testing import mod
from syncengine import qbxml
from syncengine.errors import SyncError, TransportError
from syncengine.qbxml import ResponseParseError
from syncengine.sync import SyncJob
from syncengine.transports.hresults import UnsupportedSetup
from tests.sync_world import World, acme, labor


def _small_sync(w: World) -> None:
    """Seven records over lists and transactions: items, customers, a job, invoices, a
    payment."""
    customer, item = acme(w), labor(w)
    w.app.customers.add(name="Roof", parent=customer)
    w.app.customers.add(name="Beta")
    lines = [{"item": item, "quantity": 2, "rate": "85"}]
    first = w.app.invoices.add(customer=customer, ref_number="1001", lines=lines, status="approved")
    w.app.invoices.add(customer=customer, ref_number="1002", lines=lines, status="approved")
    applied = [{"invoice": first.id, "amount": "100"}]
    w.app.payments.add(customer=customer, amount="100", applied=applied, status="received")


def _steps(tmp_path) -> int:
    w = World(tmp_path / "count.sqlite")
    _small_sync(w)
    job, steps = w.start(batch_size=2), 0
    while (request := job.next_request()) is not None:
        steps += 1
        job.receive(w.company.process(request))
    return steps


def _no_duplicate_and_no_lost_psr(w: World) -> None:
    names = [r["FullName"] for r in w.qb("Customer")]
    refs = sorted(r["RefNumber"] for r in w.qb("Invoice"))
    assert sorted(names) == ["Acme", "Acme:Roof", "Beta"] and refs == ["1001", "1002"]
    assert len(w.qb("ReceivePayment")) == 1 and len(w.qb("ItemService")) == 1
    assert w.store.psrs.counts() == {"done": 7} and w.store.jobs.current() is None
    assert w.store.conn.execute("SELECT COUNT(*) FROM entities").fetchone()[0] == 7


def test_lost_answer_is_taken_from_quickbooks_stored_response():
    """QuickBooks applied the set but the answer was lost: the status check returns it."""
    w = World()
    customer = acme(w)
    job = w.start()
    w.company.process(job.next_request())  # applied; the answer never arrives
    job.failed(TransportError("connection dropped"))
    request = job.next_request()
    check = qbxml.parse_request(request)
    assert len(check) == 0 and check.old_message_set_id == check.new_message_set_id
    job.receive(w.company.process(request))
    w.finish(job)
    assert len(w.qb("Customer")) == 1 and w.last_psr(customer).state == "done"
    assert w.store.messages.frame()["state"].tolist() == ["recovered"]


def test_set_that_never_arrived_is_resent_under_a_new_id():
    """9002 (nothing stored): the same requests go again under a new message-set ID."""
    w = World()
    acme(w)
    job = w.start()
    first = qbxml.parse_request(job.next_request()).new_message_set_id
    job.failed(TransportError("QuickBooks not running"))
    w.finish(job)
    sets = w.store.messages.frame()
    assert sets["state"].tolist() == ["abandoned", "answered"] and sets["id"][0] == first
    assert len(w.qb("Customer")) == 1


def test_unreadable_answer_counts_as_lost():
    """A garbled answer raises ResponseParseError and the job recovers as for a lost one."""
    w = World()
    customer = acme(w)
    job = w.start()
    w.company.process(job.next_request())
    with pytest.raises(ResponseParseError):
        job.receive("<QBXML><QBXMLMsgsRs>")
    w.finish(job)
    assert len(w.qb("Customer")) == 1 and w.last_psr(customer).state == "done"


def test_lost_answer_is_recorded_as_a_job_error():
    """A lost answer is an error of the job (no PSR), saying the job will resume."""
    w = World()
    acme(w)
    job = w.start()
    job.next_request()
    job.failed(TransportError("timed out"))
    errors = w.store.jobs.errors_frame(job.job_id)
    assert "timed out" in errors["message"][0] and errors["psr_id"].isna().all()


@pytest.mark.parametrize("cut", ["answer lost", "process killed"])
def test_job_interrupted_at_every_step_ends_exactly_once(tmp_path, cut):
    """Stopped after each request in turn (answer lost, or process killed with the answer
    unread), then resumed: no duplicate in QuickBooks, no PSR lost."""
    steps = _steps(tmp_path)
    assert steps > 10
    for k in range(1, steps + 1):
        w = World(tmp_path / f"{cut}-{k}.sqlite")
        _small_sync(w)
        job = w.start(batch_size=2)
        for step in range(k):
            answer = w.company.process(job.next_request())
            if step < k - 1:
                job.receive(answer)
        if cut == "answer lost":
            job.failed(TransportError("connection dropped"))
        else:
            w.reopen()
            job = w.start(batch_size=2)
        w.finish(job)
        _no_duplicate_and_no_lost_psr(w)


def test_killed_job_resumes_from_the_store_file(tmp_path):
    """A new process (a new Store on the same file) resumes the same job, not a new one."""
    w = World(tmp_path / "w.sqlite")
    acme(w)
    job = w.start()
    job.next_request()
    w.reopen()
    again = w.start()
    assert again.job_id == job.job_id
    w.finish(again)
    assert len(w.qb("Customer")) == 1


def test_run_job_reraises_a_transport_error_and_resumes_next_time():
    """QuickBooks refusing the session raises a typed TransportError; the next run resumes."""
    w = World()
    acme(w)
    versions = w.company.host.supported_versions
    w.company.host.supported_versions = ()
    with pytest.raises(UnsupportedSetup):
        w.sync()
    w.company.host.supported_versions = versions
    report = w.sync()
    assert report.job_id == 1 and report.exported == 1 and len(w.qb("Customer")) == 1


def test_next_request_before_the_answer_is_refused():
    """Asking for another request while one waits for its answer is a driver error."""
    w = World()
    acme(w)
    job = w.start()
    job.next_request()
    with pytest.raises(SyncError, match="receive"):
        job.next_request()


def test_finished_job_hands_out_nothing():
    """After the last answer the job is finished and next_request returns None."""
    w = World()
    job = w.start()
    w.finish(job)
    assert job.finished and job.next_request() is None
    assert isinstance(SyncJob.start(w.store).job_id, int)


def test_stale_edit_sequence_is_reread_after_a_restart(tmp_path):
    """Killed between a 3200 and its re-read, the new process re-reads and resends once."""
    w = World(tmp_path / "w.sqlite")
    customer = acme(w)
    w.sync()
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {"Phone": "555-0199"})
    w.app.customers.update(customer, email="app@example.com")
    job = w.start()
    job.receive(w.company.process(job.next_request()))  # the Mod: 3200
    assert "CustomerQueryRq" in job.next_request()  # the re-read, never answered
    w.reopen()
    w.finish(w.start())
    ret = w.qb_named("Customer", "Acme")
    assert (ret["Phone"], ret["Email"]) == ("555-0199", "app@example.com")
    assert w.last_psr(customer).state == "done"


def _conflict_and_lock(w: World) -> tuple[int, int]:
    """Acme and Beta in QuickBooks; then Acme changed on both sides (3200 to come) and Beta
    changed in the app, whose first Mod meets a lock (3170 to come)."""
    acme_id, beta_id = acme(w), w.app.customers.add(name="Beta").id
    w.sync()
    mod(w.company, "Customer", w.qb_named("Customer", "Acme"), {"Phone": "555-0199"})
    w.app.customers.update(acme_id, email="app@example.com")
    w.app.customers.update(beta_id, phone="555-0142")
    refusals = iter([StatusError(3170, "This list has been modified by another user.")])
    w.company.request_hooks.append(
        lambda tag, element: next(refusals, None) if "Beta" in _text(element) else None
    )
    return acme_id, beta_id


def _text(element) -> str:
    return "".join(element.itertext())


@pytest.mark.parametrize("cut", ["answer lost", "process killed"])
def test_conflict_and_retry_survive_an_interruption_at_every_step(tmp_path, cut):
    """A 3200 re-read and a lock retry, cut off at each step: each still happens once."""
    w = World(tmp_path / "count.sqlite")
    _conflict_and_lock(w)
    job, steps = w.start(batch_size=1), 0
    while (request := job.next_request()) is not None:
        steps += 1
        job.receive(w.company.process(request))
    for k in range(1, steps + 1):
        w = World(tmp_path / f"{cut}-{k}.sqlite")
        acme_id, beta_id = _conflict_and_lock(w)
        job = w.start(batch_size=1)
        for step in range(k):
            answer = w.company.process(job.next_request())
            if step < k - 1:
                job.receive(answer)
        if cut == "answer lost":
            job.failed(TransportError("connection dropped"))
        else:
            w.reopen()
            job = w.start(batch_size=1)
        w.finish(job)
        acme_ret, beta_ret = w.qb_named("Customer", "Acme"), w.qb_named("Customer", "Beta")
        assert (acme_ret["Phone"], acme_ret.get("Email")) == ("555-0199", "app@example.com")
        assert beta_ret["Phone"] == "555-0142" and len(w.qb("Customer")) == 2
        assert w.last_psr(acme_id).state == w.last_psr(beta_id).state == "done"
