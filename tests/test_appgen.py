"""The seeded app-data generator: its mix, its determinism, names QuickBooks accepts, and
transactions that are sync-ready and consistent."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from syncengine.app import STATUS_TABLE
from syncengine.app.statuses import missing_parts
from syncengine.clock import FixedClock
from syncengine.queue import SyncQueue
from syncengine.rehearsal.appgen import MIX, NEEDS, generate_app, plan_counts
from syncengine.store import Store

N = 400


def _store() -> Store:
    return Store(clock=FixedClock())


@pytest.fixture(scope="module")
def made():
    """One generated app of N records (read-only for the tests below)."""
    store = _store()
    generated = generate_app(store, N, seed=5)
    yield store, generated
    store.close()


def _rows(store: Store, entity_type: str) -> list:
    return store.entities.all(entity_type)


def test_mix_follows_the_shares():
    """1,000 records split exactly by the documented shares."""
    counts = plan_counts(1000)
    assert counts == {key: round(1000 * share) for key, share in MIX.items()}


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 12, 19, 33])
def test_small_apps_add_up_and_have_what_transactions_need(n):
    """Any size adds up to n, and no transaction type lacks what it refers to."""
    counts = plan_counts(n)
    assert sum(counts.values()) == n
    for txn, needs in NEEDS.items():
        if counts[txn]:
            assert all(counts[need] for need in needs), (txn, counts)
    assert counts["payment"] <= counts["invoice"]


def test_no_records_is_refused():
    """An app of zero records is refused with the reason."""
    with pytest.raises(ValueError, match="at least 1 record"):
        plan_counts(0)


def test_generated_app_has_the_planned_records_all_queued(made):
    """Every planned record exists and waits in the queue as an add."""
    store, generated = made
    assert generated.total == N
    assert dict(generated.counts) == plan_counts(N)
    psrs = SyncQueue(store).find(state="queued")
    assert len(psrs) == N
    assert {p.action for p in psrs} == {"add"}


def test_same_seed_same_app_other_seed_other_app():
    """Two runs with one seed give identical records; another seed differs."""

    def snapshot(seed: int) -> list[tuple]:
        with _store() as store:
            generate_app(store, 120, seed)
            rows = store.conn.execute("SELECT id, entity_type, name, status, data FROM entities")
            return [tuple(r) for r in rows]

    assert snapshot(3) == snapshot(3)
    assert snapshot(3) != snapshot(4)


def test_names_are_unique_where_quickbooks_needs_them(made):
    """Customers, vendors and employees share one namespace; items have their own."""
    store, _ = made
    people = [
        e.name.casefold()
        for t in ("customer", "vendor", "employee")
        for e in _rows(store, t)
        if not e.data.get("parent")
    ]
    items = [e.name.casefold() for e in _rows(store, "item")]
    jobs = [(e.data.get("parent"), e.name.casefold()) for e in _rows(store, "customer")]
    assert len(people) == len(set(people))
    assert len(items) == len(set(items))
    assert len(jobs) == len(set(jobs))


def test_names_fit_quickbooks_lengths(made):
    """Names fit QuickBooks' limits: 41 for the shared namespace, 31 for items."""
    store, _ = made
    for entity_type, limit in (("customer", 41), ("vendor", 41), ("employee", 41), ("item", 31)):
        assert max(len(e.name) for e in _rows(store, entity_type)) <= limit


def test_some_customers_are_jobs(made):
    """About three customers in ten are jobs under another customer."""
    store, generated = made
    jobs = sum(1 for e in _rows(store, "customer") if e.data.get("parent"))
    assert jobs == round(generated.counts["customer"] * 0.3)


def test_transactions_are_at_sync_statuses(made):
    """Every transaction sits at one of its type's sync-ready statuses."""
    store, _ = made
    for entity_type, spec in STATUS_TABLE.items():
        assert {e.status for e in _rows(store, entity_type)} <= set(spec.sync_at)


def test_reference_numbers_are_unique_per_type(made):
    """No two transactions of one type share a reference number."""
    store, _ = made
    for entity_type in STATUS_TABLE:
        refs = [e.name for e in _rows(store, entity_type) if e.name]
        assert len(refs) == len(set(refs)), entity_type


def test_payments_pay_their_own_customers_invoices(made):
    """A payment applies its whole amount to one invoice of its customer, no more than due."""
    store, _ = made
    invoices = {e.id: e.data for e in _rows(store, "invoice")}
    items = {e.id: e.data for e in _rows(store, "item")}
    paid = Counter()
    for payment in _rows(store, "payment"):
        (applied,) = payment.data["applied"]
        invoice = invoices[applied["invoice"]]
        total = _sold(invoice, items)
        assert invoice["customer"] == payment.data["customer"]
        assert Decimal(applied["amount"]) == Decimal(payment.data["amount"]) <= total
        paid[applied["invoice"]] += 1
    assert max(paid.values()) == 1


def _sold(invoice: dict, items: dict[int, dict]) -> Decimal:
    """What an invoice's lines come to before tax, its group lines at their members' prices
    (as QuickBooks expands a group), subtotal lines not counted twice."""
    total = sum(
        Decimal(line["amount"])
        for line in invoice["lines"]
        if items[line["item"]].get("kind") != "subtotal"
    )
    for group in invoice.get("groups", []):
        for member in items[group["item"]]["members"]:
            price = Decimal(items[member["item"]]["price"])
            total += price * Decimal(member.get("quantity", 1)) * Decimal(group["quantity"])
    return total


def test_every_payment_pays_something_its_invoice_sold():
    """Seed 17's 5,000 records draw an invoice whose discount takes all it sold: no payment of
    0.00 is made for it (the app would hold that back for good), another invoice is paid
    instead; and a payment counts the invoice's group lines, never more than it sold."""
    with _store() as store:
        generate_app(store, 5000, seed=17)
        items = {e.id: e.data for e in _rows(store, "item")}
        invoices = {e.id: e.data for e in _rows(store, "invoice")}
        payments = [e.data for e in _rows(store, "payment")]
        paid = [p["applied"][0]["invoice"] for p in payments]
        nothing_sold = [i for i, data in invoices.items() if _sold(data, items) <= 0]
    assert len(payments) == plan_counts(5000)["payment"]
    assert nothing_sold and not set(nothing_sold) & set(paid)
    assert len(set(paid)) == len(paid)
    for payment, invoice in zip(payments, paid, strict=True):
        assert 0 < Decimal(payment["amount"]) <= _sold(invoices[invoice], items)
        assert not missing_parts("payment", payment)
    grouped = [i for i in paid if invoices[i].get("groups")]
    assert grouped  # the groups' members are counted, not only the plain lines
    assert any(
        Decimal(p["amount"]) > _plain(invoices[i], items)
        for p, i in zip(payments, paid, strict=True)
        if i in grouped
    )


def _plain(invoice: dict, items: dict[int, dict]) -> Decimal:
    return _sold({**invoice, "groups": []}, items)


def test_time_entries_are_never_twins(made):
    """One employee has at most one time entry a day, each billable one complete."""
    store, _ = made
    entries = [e.data for e in _rows(store, "time_entry")]
    days = [(d["employee"], d["txn_date"]) for d in entries]
    assert len(days) == len(set(days))
    assert all(d["customer"] and d["service_item"] for d in entries if d["billable"])
