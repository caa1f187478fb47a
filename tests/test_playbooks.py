"""The two playbooks of rule 6, end to end through qbsim: each leaves QuickBooks holding exactly
what it held before, and the app record closed and marked prevent sync.

* already synced: undo sync -> prevent sync -> close -> delete the deletion PSR from the queue;
* not yet synced: delete the PSR from the queue -> prevent sync -> close.
"""

from __future__ import annotations

from typing import Any

import pytest

from qbsim.testing import rets, send
from syncengine.actions import Actions
from tests.sync_world import World, labor

LISTS = ("Customer", "Vendor", "ItemService")
TXNS = ("Invoice", "Bill")
CLOSED = {"invoice": "closed", "bill": "paid"}


def quickbooks_state(w: World) -> dict[str, Any]:
    """Every record QuickBooks holds (full Ret data: EditSequence and TimeModified included)
    and every transaction it has deleted, read through qbXML queries."""
    state: dict[str, Any] = {kind: w.qb(kind) for kind in LISTS}
    state.update({kind: w.qb(kind, IncludeLineItems="true") for kind in TXNS})
    state["deleted"] = rets(send(w.company, "TxnDeletedQueryRq", {"TxnDelType": list(TXNS)}))
    return state


def _approved(w: World, entity_type: str) -> int:
    """Acme (or the vendor Bolt Supply) and the item Labor synced, then an approved invoice
    (or bill) of one Labor line, queued and not yet synced."""
    item = labor(w)
    if entity_type == "invoice":
        party = {"customer": w.app.customers.add(name="Acme").id}
    else:
        party = {"vendor": w.app.vendors.add(name="Bolt Supply").id}
    w.sync()
    lines = [{"item": item, "quantity": 2, "rate": "40"}]
    record = w.app.collection(entity_type).add(ref_number="1001", lines=lines, **party)
    w.app.collection(entity_type).set_status(record.id, "approved")
    return record.id


def _closed_and_prevented(w: World, txn: int, entity_type: str) -> bool:
    status = w.app.collection(entity_type).get(txn).status
    return status == CLOSED[entity_type] and w.store.flags.of(txn) == {"prevent_sync"}


@pytest.mark.parametrize("entity_type", ["invoice", "bill"])
def test_already_synced_playbook_leaves_quickbooks_untouched(entity_type: str):
    """Undo sync, prevent sync, close, delete the deletion PSR: QuickBooks is as it was."""
    w = World()
    actions = Actions(w.store)
    txn = _approved(w, entity_type)
    w.sync()
    before = quickbooks_state(w)
    actions.undo_sync(txn)
    actions.prevent_sync(txn)
    actions.close(txn)
    actions.delete_psr(w.last_psr(txn).id)
    report = w.sync()
    assert quickbooks_state(w) == before and report.exported == 0
    assert _closed_and_prevented(w, txn, entity_type)


@pytest.mark.parametrize("entity_type", ["invoice", "bill"])
def test_not_yet_synced_playbook_leaves_quickbooks_untouched(entity_type: str):
    """Delete the PSR from the queue, prevent sync, close: QuickBooks is as it was."""
    w = World()
    actions = Actions(w.store)
    txn = _approved(w, entity_type)
    before = quickbooks_state(w)
    actions.delete_psr(w.last_psr(txn).id)
    actions.prevent_sync(txn)
    actions.close(txn)
    report = w.sync()
    assert quickbooks_state(w) == before and report.exported == 0
    assert _closed_and_prevented(w, txn, entity_type)


def test_playbook_record_stays_out_of_later_syncs():
    """After the playbook, later edits of the closed transaction never reach QuickBooks."""
    w = World()
    actions = Actions(w.store)
    txn = _approved(w, "invoice")
    w.sync()
    before = quickbooks_state(w)
    for step in (actions.undo_sync, actions.prevent_sync, actions.close):
        step(txn)
    actions.delete_psr(w.last_psr(txn).id)
    w.app.invoices.update(txn, memo="closed by hand")
    w.sync()
    assert quickbooks_state(w) == before
