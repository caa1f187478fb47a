"""The receiving side's shortcuts give what the general paths give.

An import stores QuickBooks' values with ``Collection.imported`` (and adds QuickBooks' new
records with ``add_many(from_quickbooks=True)``), which skip the records' readiness and so the
settings' scope it needs: an import queues nothing. They must store and refuse as before.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from syncengine.app import App
from syncengine.app.fields import Invalid
from syncengine.app.validate import Resolver
from syncengine.clock import FixedClock
from syncengine.errors import RecordError
from syncengine.store import Store

START = datetime(2025, 1, 6, 10, 2, 0)


@pytest.fixture
def app() -> App:
    with Store(clock=FixedClock(START)) as store:
        yield App(store)


def _invoice(app: App) -> int:
    app.items.add(name="Labor", kind="service", price="85")
    customer = app.customers.add(name="Acme").id
    lines = [{"item": "Labor", "quantity": 1, "rate": "85"}]
    return app.invoices.add(customer=customer, ref_number="1001", lines=lines).id


def _settings_reads(app: App) -> list[str]:
    """Collects the SQL that reads settings from now on."""
    reads: list[str] = []
    app.store.conn.set_trace_callback(lambda sql: reads.append(sql) if "settings" in sql else None)
    return reads


@pytest.mark.parametrize("area_on", [True, False])
def test_an_imported_row_is_what_an_update_from_quickbooks_stores(app, area_on):
    """Same data, name and status as ``update(from_quickbooks=True)``, whatever the scope."""
    app.store.settings.write_raw("sync.customer_invoices", area_on)
    invoice = _invoice(app)
    fields = {"memo": "from QuickBooks", "ref_number": "1001-A"}
    entity = app.store.entities.get(invoice)
    row = app.invoices.imported(entity, fields, Resolver(app.store))
    stored = app.invoices.update(invoice, from_quickbooks=True, **fields)
    after = app.store.entities.get(invoice)
    assert row is not None and stored["memo"] == "from QuickBooks"
    assert (row.data, row.name, row.status) == (after.data, after.name, after.status)


def test_an_import_page_reads_no_settings(app):
    """The readiness an import would discard is not worked out, so no scope is read."""
    invoice = _invoice(app)
    entity = app.store.entities.get(invoice)
    reads = _settings_reads(app)
    row = app.invoices.imported(entity, {"memo": "x"}, Resolver(app.store))
    app.store.conn.set_trace_callback(None)
    assert row is not None and reads == []


def test_an_unchanged_import_gives_no_row(app):
    """QuickBooks' values equal to the app's: nothing to write."""
    invoice = _invoice(app)
    entity = app.store.entities.get(invoice)
    assert app.invoices.imported(entity, {"ref_number": "1001"}, Resolver(app.store)) is None


def test_a_bad_imported_value_is_refused_as_an_update_refuses_it(app):
    """The same RecordError, naming the record and the field."""
    invoice = _invoice(app)
    entity = app.store.entities.get(invoice)
    with pytest.raises(RecordError) as imported:
        app.invoices.imported(entity, {"customer": 9999}, Resolver(app.store))
    with pytest.raises(RecordError) as updated:
        app.invoices.update(invoice, from_quickbooks=True, customer=9999)
    assert str(imported.value) == str(updated.value)
    assert "invoice 1001" in str(imported.value) and "customer" in str(imported.value)


def test_records_added_from_quickbooks_queue_nothing(app):
    """``add_many(from_quickbooks=True)`` stores the rows (at their status) and queues none."""
    app.store.settings.write_raw("sync.customer_invoices", False)
    app.customers.add(name="Acme")
    [added] = app.invoices.add_many([{"customer": "Acme", "status": "approved"}], True)
    assert app.invoices.get(added).status == "approved"
    assert [p for p in app.queue.find() if p.entity_id == added] == []


def test_prefetched_references_resolve_without_a_query_each(app):
    """An import page reads the records its references name in one query; resolving them
    afterwards reads nothing, and a deleted one is still refused."""
    labor = app.items.add(name="Labor", kind="service", price="85").id
    acme = app.customers.add(name="Acme").id
    gone = app.customers.add(name="Gone Ltd").id
    app.customers.delete(gone)
    resolve = Resolver(app.store)
    reads: list[str] = []
    app.store.conn.set_trace_callback(lambda sql: reads.append(sql) if "entities" in sql else None)
    resolve.prefetch([labor, acme, gone, 999])
    assert len(reads) == 1
    assert (resolve("item", labor), resolve("customer", acme)) == (labor, acme)
    with pytest.raises(Invalid, match="was deleted"):
        resolve("customer", gone)
    assert len(reads) == 1
    with pytest.raises(Invalid, match="no customer with id 999"):
        resolve("customer", 999)  # not found by the prefetch: asked again, still none


def test_prefetched_references_resolve_as_one_at_a_time(app):
    """Resolved or refused, each reference gives with a prefetch what a resolver that reads
    each record on its own gives."""
    labor = app.items.add(name="Labor", kind="service", price="85").id
    acme = app.customers.add(name="Acme").id
    gone = app.customers.add(name="Gone Ltd").id
    app.customers.delete(gone)
    asked = [("item", labor), ("customer", acme), ("customer", gone), ("customer", 999)]
    asked += [("customer", labor), ("item", acme), ("customer", "Acme"), ("item", "Nothing")]

    def outcomes(resolve: Resolver) -> list:
        out = []
        for entity_type, value in asked:
            try:
                out.append(resolve(entity_type, value))
            except Invalid as exc:
                out.append(f"refused: {exc}")
        return out

    prefetched = Resolver(app.store)
    prefetched.prefetch([labor, acme, gone, 999])
    assert outcomes(prefetched) == outcomes(Resolver(app.store))
