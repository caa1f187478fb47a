"""The export phase's shortcuts agree with the plain way of doing the same work: references
found from a per-type list of fields, field copies, request nodes and Mod ID fields looked up
once, entities not decoded twice, planning rounds with nothing to record."""

from __future__ import annotations

from typing import Any

import pytest

from syncengine import mapping, qbxml
from syncengine.app.types import ENTITY_TYPES
from syncengine.mapping import lists
from syncengine.mapping.values import copy_fields
from syncengine.qbxml.build import BuildError
from syncengine.store import EntityRow, PsrFailure, Store
from syncengine.store import entities as entity_store
from syncengine.sync.context import Context
from syncengine.sync.export import Planner
from tests.sync_world import World, acme


def _field_references(entity_type: str, data: dict[str, Any]) -> list[tuple[str, str, int]]:
    """References found by walking every field of the type, as for each record."""
    out = []
    for field in ENTITY_TYPES[entity_type].fields:
        target = getattr(field, "entity_type", "")
        if target and data.get(field.name):
            out.append((field.name, target, data[field.name]))
    return out


def _every_field(entity_type: str, value: Any) -> dict[str, Any]:
    """Each field of the type set to ``value``; lines, applied amounts, group lines and group
    members (rows, not single values) left empty."""
    data = {field.name: value for field in ENTITY_TYPES[entity_type].fields}
    return {**data, "lines": [], "applied": [], "groups": [], "members": []}


@pytest.mark.parametrize("entity_type", sorted(ENTITY_TYPES))
@pytest.mark.parametrize("value", [7, 0, None, ""])
def test_references_agree_with_a_walk_of_every_field(entity_type, value):
    """Set or blank, every type's references are the ones a walk of its fields finds."""
    data = _every_field(entity_type, value)
    assert mapping.references(entity_type, data) == _field_references(entity_type, data)
    lines = [{"item": 9, "quantity": 1}, {"description": "no item"}]
    found = mapping.references(entity_type, {**data, "lines": lines})
    assert found == [*_field_references(entity_type, data), ("lines[0].item", "item", 9)]


def test_group_lines_and_members_are_references():
    """A form's group items and a group item's members must be in QuickBooks before it."""
    found = mapping.references("invoice", {"groups": [{"item": 4}]})
    assert found == [("groups[0].item", "item", 4)]
    members = [{"item": 5, "quantity": "2"}, {"item": 6}]
    found = mapping.references("item", {"kind": "group", "members": members})
    assert found == [("members[0].item", "item", 5), ("members[1].item", "item", 6)]


def test_references_of_an_unknown_type_are_refused_each_time():
    """An unknown entity type raises every time (nothing is remembered for it)."""
    for _ in range(2):
        with pytest.raises(KeyError):
            mapping.references("nonsense", {})


def _copied_one_by_one(source: dict[str, Any], pairs, reverse: bool) -> dict[str, Any]:
    out = {}
    for app, qb in pairs:
        src, dst = (qb, app) if reverse else (app, qb)
        value = source.get(src)
        if value is not None and not (reverse and value == ""):
            out[dst] = value
    return out


@pytest.mark.parametrize(
    ("reverse", "expected"),
    [
        (False, {"A": "x", "B": "", "D": 0, "E": False}),
        (True, {"a": "y", "d": 1, "e": True}),
    ],
)
def test_copy_fields_keeps_and_drops_the_same_values_both_ways(reverse, expected):
    """Going to qbXML only None is dropped (an empty string clears); coming back empty
    strings are dropped too; zero and False are kept both ways; absent fields are skipped."""
    pairs = (("a", "A"), ("b", "B"), ("c", "C"), ("d", "D"), ("e", "E"), ("f", "F"))
    source = {"a": "x", "b": "", "c": None, "d": 0, "e": False}
    source.update({"A": "y", "B": "", "C": None, "D": 1, "E": True})
    assert copy_fields(source, pairs, reverse) == expected
    assert copy_fields(source, pairs, reverse) == _copied_one_by_one(source, pairs, reverse)


def test_prefixed_address_fields_are_the_prefixed_names():
    """The address pairs under a prefix are the plain ones with the prefix, every time."""
    first = lists._prefixed("bill_", lists.ADDRESS)
    assert first == tuple(("bill_" + app, qb) for app, qb in lists.ADDRESS)
    assert lists._prefixed("bill_", lists.ADDRESS) == first
    assert lists._prefixed("", lists.ADDRESS) == lists.ADDRESS


def test_answer_fields_name_the_id_of_lists_and_transactions():
    """Lists answer with ListID, transactions with TxnID, both with EditSequence and time."""
    assert mapping.answer_fields("customer") == ("ListID", "EditSequence", "TimeModified")
    assert mapping.answer_fields("invoice") == ("TxnID", "EditSequence", "TimeModified")


def test_unknown_request_type_is_refused_every_time():
    """A request type the schema lacks is refused with a suggestion, also after a good one
    and when asked again (a refusal is never remembered as a node)."""
    for _ in range(2):
        with pytest.raises(BuildError, match="CustomerAddRq"):
            qbxml.Request("CustomerAdRq", {})
        assert qbxml.add("Customer", {"Name": "Acme"}).type == "CustomerAddRq"


def test_mod_of_an_unknown_kind_is_refused_every_time():
    """A Mod of a kind QuickBooks has no Mod for raises BuildError each time."""
    for _ in range(2):
        with pytest.raises(BuildError, match="NoSuchKindModRq"):
            qbxml.mod("NoSuchKind", "1-1", "1", {})


@pytest.mark.parametrize(("kind", "id_field"), [("Customer", "ListID"), ("Invoice", "TxnID")])
def test_mod_names_its_object_by_list_or_txn_id(kind, id_field):
    """Asked twice, a Mod names its object by the ID field its schema has."""
    for _ in range(2):
        request = qbxml.mod(kind, "80-1", "7", {"Memo": "m"} if kind == "Invoice" else {})
        assert request.body[f"{kind}Mod"][id_field] == "80-1"
        assert f"<{id_field}>80-1</{id_field}>" in request.text


def _stored(store: Store, data: dict[str, Any]) -> None:
    store.entities.insert_many([EntityRow(1, "customer", data["name"], None, data)])


def test_record_read_again_unchanged_is_equal_to_a_fresh_read():
    """A second read gives the same record; after an update or a deletion the new one."""
    store = Store()
    _stored(store, {"name": "Acme", "phone": "555-0100"})
    first = store.entities.get_many([1])[1]
    assert store.entities.get(1) == first
    store.entities.update_many([EntityRow(1, "customer", "Acme", None, {"name": "Acme"})])
    assert store.entities.get(1).data == {"name": "Acme"}
    store.entities.get(1)  # kept for the next read…
    store.entities.mark_deleted([1])
    assert store.entities.get(1).deleted  # …which sees the row changed


def _decodes(monkeypatch) -> list[str]:
    """Every JSON text the entity store decodes from now on."""
    decoded: list[str] = []
    loads = entity_store.json.loads
    monkeypatch.setattr(
        entity_store.json, "loads", lambda text: decoded.append(text) or loads(text)
    )
    return decoded


def _customers(monkeypatch, count: int) -> Store:
    """A store of customers C1..C``count`` that keeps at most 3 decoded records (KEEP)."""
    monkeypatch.setattr(entity_store, "KEEP", 3)
    store = Store()
    rows = [EntityRow(i, "customer", f"C{i}", None, {"name": f"C{i}"}) for i in range(1, count + 1)]
    store.entities.insert_many(rows)
    return store


def test_record_read_again_unchanged_is_not_decoded_again(monkeypatch):
    """The second read of an unchanged row reuses the first one's decoded fields; the
    third decodes again (each kept record serves one later read)."""
    store = Store()
    _stored(store, {"name": "Acme"})
    decoded = _decodes(monkeypatch)
    reads = [store.entities.get(1) for _ in range(3)]
    assert reads[0] is reads[1] and reads[2] == reads[0]
    assert len(decoded) == 2


def test_record_changed_by_another_connection_is_read_anew(tmp_path):
    """What another process writes is seen: only an unchanged row is reused."""
    path = tmp_path / "w.sqlite"
    with Store(path) as ours, Store(path) as theirs:
        _stored(ours, {"name": "Acme"})
        ours.entities.get(1)
        theirs.entities.update_many([EntityRow(1, "customer", "Acme", None, {"name": "Zed"})])
        assert ours.entities.get(1).data == {"name": "Zed"}


def test_records_kept_for_a_second_read_are_bounded(monkeypatch):
    """However many records are read, at most KEEP are kept."""
    store = _customers(monkeypatch, 10)
    found = store.entities.get_many(range(1, 11))
    assert [found[i].name for i in range(1, 11)] == [f"C{i}" for i in range(1, 11)]
    assert len(store.entities._kept) == 3


def test_records_read_to_be_read_again_are_all_kept_until_the_job_ends(monkeypatch):
    """A job checks its records' references, then plans them: what it reads for that is
    kept whatever KEEP says, each served once from memory, and a finished job leaves no
    full cache behind."""
    store = _customers(monkeypatch, 10)
    job = store.jobs.create()
    store.entities.get_many(range(1, 11), again=True)
    assert len(store.entities._kept) == 10
    decoded = _decodes(monkeypatch)
    again = store.entities.get_many(range(1, 11))
    assert [again[i].name for i in range(1, 11)] == [f"C{i}" for i in range(1, 11)]
    assert decoded == []
    store.entities.get_many(range(1, 7))  # read a third time: decoded, and 3 kept (KEEP)
    assert len(decoded) == 6 and len(store.entities._kept) == 3
    store.jobs.finish(job.id)
    assert len(store.entities._kept) == 0


def test_second_pass_over_more_than_keep_records_reuses_those_kept(monkeypatch):
    """Reading more than KEEP records twice in the same order decodes only the ones beyond
    KEEP again (a job checks its records' references, then plans them in that order)."""
    store = _customers(monkeypatch, 10)
    store.entities.get_many(range(1, 11))
    decoded = _decodes(monkeypatch)
    again = store.entities.get_many(range(1, 11))
    assert [again[i].name for i in range(1, 11)] == [f"C{i}" for i in range(1, 11)]
    assert len(decoded) == 7


def test_a_new_job_empties_a_full_cache_of_decoded_records(monkeypatch):
    """Records earlier jobs read once and never again do not hold the room of the next."""
    store = _customers(monkeypatch, 4)
    store.entities.get_many(range(1, 5))
    store.jobs.create()
    assert len(store.entities._kept) == 0
    store.entities.get_many([4])
    assert list(store.entities._kept) == [4]


def _planner(w: World) -> Planner:
    job = w.start()
    return Planner(Context.load(w.store, job.job_id, 50, False, {}))


def test_planning_round_with_nothing_to_record_writes_nothing():
    """Settling a round without done or failed PSRs opens no transaction; one with a
    failure records it."""
    w = World()
    customer = acme(w)
    planner = _planner(w)
    statements: list[str] = []
    w.store.conn.set_trace_callback(statements.append)
    planner._settle([], [])
    assert statements == []
    psr = w.last_psr(customer)
    planner._settle([], [PsrFailure(psr.id, "refused here", None, "Error", "fix it")])
    w.store.conn.set_trace_callback(None)
    assert "BEGIN IMMEDIATE" in statements
    assert w.last_psr(customer).error_message == "refused here"


def test_the_export_queue_keeps_export_order_with_items_queued_again():
    """Items loaded with the job come in export order; one queued again (a retry) or added
    meanwhile comes in its place among them; an item queued twice or marked stale is
    handed out once or not at all."""
    w = World()
    for n in range(6):
        w.app.customers.add(name=f"C{n}")
    state = Context.load(w.store, w.start().job_id, 50, False, {}).state
    order = [state.pop() for _ in range(3)]
    assert [i.seq for i in order if i] == [1, 2, 3]
    state.push(order[1])  # seq 2 again, ahead of 4, 5 and 6
    state.push(order[1])  # twice: handed out once
    state.stale.add(state.by_entity[order[0].entity_id + 4].psr_id)  # seq 5 waits
    rest = []
    while (item := state.pop()) is not None:
        rest.append(item.seq)
    assert rest == [2, 4, 6]
