"""The sync queue and sync jobs: collapse rules, removal, dependency order, filters, one
unfinished job (also across connections and processes), outcomes, resume and cancel."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import datetime

import pytest

from syncengine.app import App
from syncengine.clock import FixedClock
from syncengine.store import (
    JobRefused,
    MessageRequest,
    PsrDone,
    PsrFailure,
    Refused,
    Store,
)

START = datetime(2025, 1, 6, 10, 2, 0)
LINE = [{"item": "Labor", "quantity": 1, "rate": 100}]


@pytest.fixture
def store() -> Store:
    with Store(clock=FixedClock(START)) as s:
        yield s


@pytest.fixture
def app(store: Store) -> App:
    return App(store)


def sync(store: Store) -> None:
    """Run a sync job in which QuickBooks takes every PSR."""
    job = store.jobs.create()
    items = store.jobs.resume(job.id)
    store.jobs.mark_done([PsrDone(i.psr_id, f"QB-{i.entity_id}", "1") for i in items])
    store.jobs.finish(job.id)


def open_psrs(app: App) -> list[tuple[str, str, str]]:
    return [(p.entity_type, p.name, p.action) for p in app.queue.find()]


def test_new_customer_queues_an_add(app):
    """Creating a customer queues one add PSR."""
    app.customers.add(name="Acme")
    assert open_psrs(app) == [("customer", "Acme", "add")]


def test_edits_before_sync_stay_one_add(app):
    """An add followed by edits before any sync stays a single add PSR."""
    acme = app.customers.add(name="Acme")
    app.customers.update(acme.id, phone="555-0100")
    app.customers.update(acme.id, name="Acme Ltd")
    assert open_psrs(app) == [("customer", "Acme Ltd", "add")]


def test_add_then_delete_before_sync_cancels_out(app):
    """Deleting a record QuickBooks never saw leaves nothing to send, and the PSR as history."""
    acme = app.customers.add(name="Acme")
    app.customers.delete(acme.id)
    assert open_psrs(app) == []
    assert app.queue.find(state="cancelled")[0].name == "Acme"


def test_edits_after_sync_collapse_into_one_modify(app, store):
    """Edits of a synced record queue one modify, however many there are."""
    acme = app.customers.add(name="Acme")
    sync(store)
    app.customers.update(acme.id, phone="555-0100")
    app.customers.update(acme.id, phone="555-0199")
    assert open_psrs(app) == [("customer", "Acme", "modify")]


def test_deleted_synced_customer_is_made_inactive(app, store):
    """Lists default to make-inactive in QuickBooks when deleted in the app."""
    acme = app.customers.add(name="Acme")
    sync(store)
    app.customers.delete(acme.id)
    assert open_psrs(app) == [("customer", "Acme", "inactivate")]


def test_delete_action_follows_the_setting(app, store):
    """With delete_action.customer = delete, a deleted customer is deleted in QuickBooks."""
    store.settings.write_raw("delete_action.customer", "delete")
    acme = app.customers.add(name="Acme")
    sync(store)
    app.customers.delete(acme.id)
    assert open_psrs(app) == [("customer", "Acme", "delete")]


def test_modify_then_delete_collapses_to_the_removal(app, store):
    """A queued modify followed by a deletion becomes the removal alone."""
    acme = app.customers.add(name="Acme")
    sync(store)
    app.customers.update(acme.id, phone="555-0100")
    app.customers.delete(acme.id)
    assert open_psrs(app) == [("customer", "Acme", "inactivate")]


def test_deleted_synced_invoice_is_deleted(app, store):
    """Transactions default to delete in QuickBooks when deleted in the app."""
    app.items.add(name="Labor")
    inv = app.invoices.add(
        customer=app.customers.add(name="Acme").id, ref_number="1001", lines=LINE, status="approved"
    )
    sync(store)
    app.invoices.delete(inv.id)
    assert open_psrs(app) == [("invoice", "1001", "delete")]


@pytest.mark.parametrize("flag", ["proxy", "prevent_sync"])
def test_flagged_record_gets_no_psr(app, store, flag):
    """A record flagged proxy or prevent-sync never enters the queue."""
    acme = app.customers.add(name="Acme")
    sync(store)
    store.flags.mark(acme.id, flag)
    app.customers.update(acme.id, phone="555-0100")
    assert open_psrs(app) == []


def test_lists_come_before_transactions(app):
    """The queue orders items and customers (parents first) before the invoices using them."""
    app.items.add(name="Labor")
    acme = app.customers.add(name="Acme")
    app.customers.add(name="Kitchen", parent=acme.id)
    app.invoices.add(customer="Kitchen", ref_number="1", lines=LINE, status="approved")
    assert [p.name for p in app.queue.find()] == ["Labor", "Acme", "Kitchen", "1"]


def test_removals_run_transactions_first(app, store):
    """Deletions are ordered the other way: the invoice goes before its customer."""
    app.items.add(name="Labor")
    acme = app.customers.add(name="Acme")
    inv = app.invoices.add(customer=acme.id, ref_number="1", lines=LINE, status="approved")
    sync(store)
    app.customers.delete(acme.id)
    app.invoices.delete(inv.id)
    assert [p.name for p in app.queue.find()] == ["1", "Acme"]


def test_queue_filters_by_type_action_and_text(app, store):
    """The queue can be narrowed by entity type, action and a text match."""
    app.customers.add(name="Acme")
    app.vendors.add(name="Acme Supply")
    app.items.add(name="Labor")
    assert [p.name for p in app.queue.find(entity_type="vendor")] == ["Acme Supply"]
    assert [p.name for p in app.queue.find(text="acme", sort="name")] == ["Acme", "Acme Supply"]
    assert app.queue.find(action="modify") == []


def test_queue_sorts_descending(app):
    """The queue sorts by any listed column, either way."""
    for name in ("B", "A", "C"):
        app.customers.add(name=name)
    assert [p.name for p in app.queue.find(sort="name", descending=True)] == ["C", "B", "A"]


def test_queue_filters_by_error_code(app, store):
    """Failed PSRs can be found by QuickBooks status code."""
    app.customers.add(name="Acme")
    app.customers.add(name="Beta")
    job = store.jobs.create()
    first = store.jobs.resume(job.id)[0]
    store.jobs.fail([PsrFailure(first.psr_id, "name in use", code=3100)])
    assert [p.name for p in app.queue.find(error_code=3100)] == ["Acme"]


def test_queue_reads_as_a_dataframe(app):
    """The queue is a DataFrame with the record name, action, state and dependency order."""
    app.customers.add(name="Acme")
    frame = app.queue.frame()
    assert frame[["name", "action", "state", "dep_order"]].values.tolist() == [
        ["Acme", "add", "queued", 20]
    ]


def test_removed_psr_is_kept_but_out_of_the_queue(app):
    """Deleting a PSR from the queue keeps it, marked removed, out of the next job."""
    app.customers.add(name="Acme")
    psr = app.queue.find()[0]
    assert app.queue.remove(psr.id).state == "removed"
    assert app.queue.find() == [] and app.queue.create_job().item_count == 0


def test_locked_psr_cannot_be_removed(app):
    """A PSR locked in a running job cannot be deleted from the queue."""
    app.customers.add(name="Acme")
    app.queue.create_job()
    with pytest.raises(Refused, match="locked in job 1; finish or cancel"):
        app.queue.remove(app.queue.find()[0].id)


def test_create_job_locks_every_queued_psr(app):
    """A new sync job takes every queued PSR, in dependency order."""
    app.customers.add(name="Acme")
    app.items.add(name="Labor")
    job = app.queue.create_job()
    assert job.item_count == 2
    assert {p.state for p in app.queue.find()} == {"locked"}
    assert [i.name for i in app.store.jobs.items(job.id)] == ["Labor", "Acme"]


def test_second_job_is_refused_with_a_reason(app):
    """While a job is unfinished another is refused, naming the job and when it started."""
    app.queue.create_job()
    with pytest.raises(JobRefused, match=r"job 1 started 2025-01-06 10:02 is not finished"):
        app.queue.create_job()


def test_second_job_is_refused_from_another_connection(tmp_path):
    """A second connection to the same workspace file cannot start a job either."""
    path = tmp_path / "w.sqlite"
    with Store(path, FixedClock(START)) as one, Store(path, FixedClock(START)) as two:
        one.jobs.create()
        with pytest.raises(JobRefused, match="finish or cancel it first"):
            two.jobs.create()


def test_database_refuses_a_second_unfinished_job(tmp_path):
    """The one-unfinished-job rule holds in SQLite itself, even for a raw INSERT."""
    path = tmp_path / "w.sqlite"
    with Store(path) as store:
        store.jobs.create()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute("INSERT INTO jobs (created_at) VALUES ('now')")
    conn.close()


def _start_job(path: str, barrier, results) -> None:
    with Store(path) as store:
        barrier.wait()
        try:
            results.put(("started", store.jobs.create().id))
        except JobRefused as exc:
            results.put(("refused", str(exc)))


def test_two_processes_cannot_both_start_a_job(tmp_path):
    """Two processes racing to start a job on one file: exactly one succeeds."""
    path = str(tmp_path / "w.sqlite")
    Store(path).close()
    fork = "fork" in multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_start_job, args=(path, barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    outcomes = sorted(results.get(timeout=20)[0] for _ in procs)
    for p in procs:
        p.join(timeout=20)
    assert outcomes == ["refused", "started"]


def test_done_psr_updates_the_link(app, store):
    """A PSR QuickBooks took is closed and the record gets its ListID and EditSequence."""
    acme = app.customers.add(name="Acme")
    job = store.jobs.create()
    item = store.jobs.resume(job.id)[0]
    store.jobs.mark_done([PsrDone(item.psr_id, "80000001-1", "1736150400", "Customer")])
    link = store.links.get(acme.id)
    assert (link.qb_id, link.edit_sequence) == ("80000001-1", "1736150400")
    assert store.psrs.get(item.psr_id).state == "done"
    assert store.log.frame(job_id=job.id)["outcome"].tolist() == ["success"]


def test_failed_psr_returns_to_the_queue_with_its_error(app, store):
    """A refused PSR is re-queued as failed, carrying code, message and explanation."""
    app.customers.add(name="Acme")
    job = store.jobs.create()
    item = store.jobs.resume(job.id)[0]
    store.jobs.fail(
        [
            PsrFailure(
                item.psr_id,
                'The name "Acme" is already in use.',
                code=3100,
                hint="rename in the app, or link the QuickBooks record",
            )
        ]
    )
    psr = app.queue.find()[0]
    assert (psr.state, psr.error_code, psr.attempts) == ("failed", 3100, 1)
    assert psr.error_hint.startswith("rename")


def test_job_errors_drill_down_to_the_psr(app, store):
    """A job counts its errors; each names the PSR, request, status code and message."""
    app.customers.add(name="Acme")
    job = store.jobs.create()
    item = store.jobs.resume(job.id)[0]
    store.jobs.fail(
        [
            PsrFailure(
                item.psr_id,
                "in use",
                code=3100,
                request_id="7",
                request_type="CustomerAdd",
                message_set_id="MS-1",
            )
        ]
    )
    assert store.jobs.get(job.id).error_count == 1
    error = store.jobs.errors_frame(job.id).iloc[0]
    assert (error.psr_id, error.request_id, error.status_code, error["name"]) == (
        item.psr_id,
        "7",
        3100,
        "Acme",
    )


def test_failed_psr_is_taken_by_the_next_job(app, store):
    """After its job finishes, a failed PSR is locked into the next job again."""
    app.customers.add(name="Acme")
    job = store.jobs.create()
    store.jobs.fail([PsrFailure(store.jobs.resume(job.id)[0].psr_id, "in use", code=3100)])
    store.jobs.finish(job.id)
    assert store.jobs.create().item_count == 1


def test_edit_during_a_job_queues_behind_it(app, store):
    """Editing a record whose add is in a running job queues a modify for the next job."""
    acme = app.customers.add(name="Acme")
    store.jobs.create()
    app.customers.update(acme.id, phone="555-0100")
    assert [(p.action, p.state) for p in app.queue.find()] == [
        ("add", "locked"),
        ("modify", "queued"),
    ]


def test_edit_during_a_failed_add_merges_into_it(app, store):
    """If the add in flight fails, the edit made meanwhile merges into it: one open add."""
    acme = app.customers.add(name="Acme")
    job = store.jobs.create()
    app.customers.update(acme.id, phone="555-0100")
    store.jobs.fail([PsrFailure(store.jobs.resume(job.id)[0].psr_id, "in use", code=3100)])
    assert [(p.action, p.state) for p in app.queue.find()] == [("add", "failed")]


def test_delete_during_a_failed_add_cancels_both(app, store):
    """Deleted while its add was in flight and the add failed: nothing is left to send."""
    acme = app.customers.add(name="Acme")
    job = store.jobs.create()
    app.customers.delete(acme.id)
    store.jobs.fail([PsrFailure(store.jobs.resume(job.id)[0].psr_id, "in use", code=3100)])
    assert app.queue.find() == []


def test_interrupted_job_resumes_from_another_store(tmp_path):
    """After a crash, reopening the workspace finds the job and its unfinished PSRs."""
    path = tmp_path / "w.sqlite"
    with Store(path, FixedClock(START)) as before:
        app = App(before)
        app.customers.add(name="Acme")
        app.customers.add(name="Beta")
        job = before.jobs.create()
        first, second = before.jobs.resume(job.id)
        before.messages.save(
            job.id, "MS-1", "<QBXML/>", [MessageRequest("1", "CustomerAdd", second.psr_id)]
        )
        before.messages.mark_sent("MS-1")
        before.jobs.mark_done([PsrDone(first.psr_id, "80000001-1", "1")])
    with Store(path, FixedClock(START)) as after:
        assert after.jobs.current().id == job.id
        left = after.jobs.resume(job.id)
        assert [(i.name, i.state, i.message_set_id) for i in left] == [("Beta", "sent", "MS-1")]
        assert [m.id for m in after.messages.unanswered(job.id)] == ["MS-1"]


def test_finish_returns_unsent_psrs_to_the_queue(app, store):
    """Finishing a job puts the PSRs it never sent back in the queue, nothing lost."""
    app.customers.add(name="Acme")
    job = store.jobs.create()
    assert store.jobs.finish(job.id).finished
    assert [(p.name, p.state) for p in app.queue.find()] == [("Acme", "queued")]


def test_finish_is_refused_while_a_sent_psr_has_no_answer(app, store):
    """A job cannot finish while QuickBooks may have applied a PSR without answering."""
    app.customers.add(name="Acme")
    job = store.jobs.create()
    psr_id = store.jobs.resume(job.id)[0].psr_id
    store.messages.save(job.id, "MS-1", "<QBXML/>", [MessageRequest("1", "CustomerAdd", psr_id)])
    store.messages.mark_sent("MS-1")
    with pytest.raises(JobRefused, match="no answer from QuickBooks"):
        store.jobs.finish(job.id)


def test_cancel_requeues_unanswered_psrs_as_failed(app, store):
    """Cancelling a job re-queues a sent-but-unanswered PSR as failed, saying why."""
    app.customers.add(name="Acme")
    job = store.jobs.create()
    psr_id = store.jobs.resume(job.id)[0].psr_id
    store.messages.save(job.id, "MS-1", "<QBXML/>", [MessageRequest("1", "CustomerAdd", psr_id)])
    store.messages.mark_sent("MS-1")
    assert store.jobs.cancel(job.id, "operator stopped it").outcome == "cancelled"
    psr = app.queue.find()[0]
    assert psr.state == "failed" and "may already have it" in psr.error_message


def test_finished_job_allows_the_next(app, store):
    """Once the job is finished a new one can start."""
    sync(store)
    assert store.jobs.create().id == 2


def test_finished_job_cannot_be_resumed(store):
    """Resuming a finished job is refused."""
    job = store.jobs.create()
    store.jobs.finish(job.id)
    with pytest.raises(JobRefused, match="finished; it cannot be resumed"):
        store.jobs.resume(job.id)


def test_text_filter_is_literal(app):
    """Text search takes % and _ literally."""
    app.customers.add(name="100% Cotton")
    app.customers.add(name="1000 Cotton")
    assert [p.name for p in app.queue.find(text="100%")] == ["100% Cotton"]


def test_saved_but_unconfirmed_message_set_blocks_finish(app, store):
    """A message set saved before a crash may have reached QuickBooks: finish waits for recovery."""
    app.customers.add(name="Acme")
    job = store.jobs.create()
    psr_id = store.jobs.resume(job.id)[0].psr_id
    store.messages.save(job.id, "MS-1", "<QBXML/>", [MessageRequest("1", "CustomerAdd", psr_id)])
    with pytest.raises(JobRefused, match="recover them"):
        store.jobs.finish(job.id)
    store.messages.abandon("MS-1")
    assert store.jobs.finish(job.id).outcome == "finished"
