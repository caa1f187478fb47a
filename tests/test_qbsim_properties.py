"""Properties of qbsim's lists that must hold whatever the data (hypothesis).

Field values are drawn from the compiled content models, so every Add field that the Ret
carries under the same name is exercised, within its length and type.
"""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbschema import Node, schema
from qbsim import Company
from qbsim.model.retdata import child_node, ret_node
from qbsim.testing import CompanyBuilder, query, rets, send, status_of

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Add fields the Ret carries under another name or not at all, or that the test sets itself.
SKIP = {
    "ListID",
    "EditSequence",
    "Name",
    "OpenBalance",
    "OpenBalanceDate",
    "TaxLineID",
    "TotalValue",
    "InventoryDate",
    "SSN",
}
AGGREGATES = {
    "BillAddress",
    "ShipAddress",
    "VendorAddress",
    "OtherNameAddress",
    "EmployeeAddress",
    "CreditCardInfo",
}
SAFE = st.characters(codec="ascii", categories=("L", "N")) | st.sampled_from(" -.,&#/'")
ENTITY_KINDS = ("Customer", "Vendor", "Employee", "OtherName")


def text(limit: int | None) -> st.SearchStrategy[str]:
    size = min(limit or 30, 30)
    return st.text(SAFE, min_size=1, max_size=size).map(str.strip).filter(bool)


def money(places: int = 2) -> st.SearchStrategy[str]:
    return st.decimals(0, 99999, places=places, allow_nan=False).map(lambda d: f"{d:.2f}")


def leaf(node: Node) -> st.SearchStrategy[str] | None:
    """Values of a leaf in the form QuickBooks writes back; None for types not drawn."""
    simple = node.simple or {}
    kind = simple.get("k")
    if "enum" in simple:
        return st.sampled_from(simple["enum"])
    by_kind = {
        "BOOLTYPE": st.sampled_from(["true", "false"]),
        "DATETYPE": st.dates().filter(lambda d: d.year >= 1990).map(lambda d: d.isoformat()),
        "AMTTYPE": money(),
        "PRICETYPE": money(),
        "PERCENTTYPE": money(),
        "QUANTYPE": st.integers(0, 9999).map(str),
        "INTTYPE": st.integers(simple.get("lo", 0), simple.get("hi", 999)).map(str),
        "GUIDTYPE": st.uuids().map(lambda u: "{" + str(u).upper() + "}"),
        "STRTYPE": text(simple.get("len")),
    }
    return by_kind.get(kind)


def fields_of(add: Node, ret: Node) -> dict[str, st.SearchStrategy]:
    """A strategy per Add field that the Ret returns under the same name."""
    found: dict[str, st.SearchStrategy] = {}
    for name in add.children:
        if name in SKIP or name not in ret.children:
            continue
        node = child_node(add, name)
        if node.is_leaf and leaf(node) is not None and not add.children[name].repeatable:
            found[name] = leaf(node)
        elif name in AGGREGATES:
            parts = {k: leaf(child_node(node, k)) for k in node.children}
            found[name] = st.fixed_dictionaries(
                {}, optional={k: v for k, v in parts.items() if v is not None}
            )
    return found


def add_node(kind: str) -> Node:
    return child_node(schema().request_node(f"{kind}AddRq"), f"{kind}Add")


@st.composite
def add_fields(draw, kind: str) -> dict:
    """A random, valid ``{kind}Add`` body carrying some of its returnable fields."""
    strategies = fields_of(add_node(kind), ret_node(kind))
    chosen = draw(st.sets(st.sampled_from(sorted(strategies)), max_size=12))
    fields = {name: draw(strategies[name]) for name in sorted(chosen)}
    fields = {k: v for k, v in fields.items() if v != {}}
    fields["Name"] = "Subject"
    fields.update(REQUIRED.get(kind, {}))
    if kind == "Employee":
        fields.setdefault("FirstName", "Subject")
    return fields


REQUIRED = {
    "Account": {"AccountType": "Expense"},
    "ItemService": {"SalesOrPurchase": {"Price": "1.00", "AccountRef": "Sales"}},
    "ItemNonInventory": {"SalesOrPurchase": {"Price": "1.00", "AccountRef": "Sales"}},
    "ItemOtherCharge": {"SalesOrPurchase": {"Price": "1.00", "AccountRef": "Sales"}},
    "ItemInventory": {
        "IncomeAccountRef": "Sales",
        "COGSAccountRef": "Sales",
        "AssetAccountRef": "Sales",
    },
}
LIST_KINDS = ("Customer", "Vendor", "Employee", "OtherName", "Account", "Class", "StandardTerms")
KINDS = (*LIST_KINDS, "ItemService", "ItemNonInventory", "ItemOtherCharge", "ItemInventory")


def fresh() -> Company:
    return CompanyBuilder().account("Sales", "Income").build()


def kept(sent: dict, ret: dict) -> bool:
    """Every sent field comes back with its value (aggregates: every sent sub-field)."""
    for name, value in sent.items():
        if (
            isinstance(value, dict)
            and not name.endswith(("Purchase",))
            and not name.endswith("Ref")
        ):
            if any(ret.get(name, {}).get(k) != v for k, v in value.items()):
                return False
        elif not name.endswith("Ref") and not isinstance(value, dict) and ret.get(name) != value:
            return False
    return True


# -- add, then query: every field kept ---------------------------------------------------------
@SETTINGS
@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_add_then_query_keeps_every_field(data, kind):
    """What an Add sent, a query by ListID returns unchanged."""
    company = fresh()
    fields = data.draw(add_fields(kind))
    rs = send(company, f"{kind}AddRq", {f"{kind}Add": fields})
    assert status_of(rs)[0] == 0, status_of(rs)
    list_id = rets(rs)[0]["ListID"]
    found = rets(send(company, f"{kind}QueryRq", {"ListID": [list_id]}))[0]
    if kind == "Employee" and "Name" not in found:
        found["Name"] = "Subject"
    assert kept({k: v for k, v in fields.items() if k != "Name" or kind != "Employee"}, found)


# -- a stale EditSequence changes nothing ------------------------------------------------------
def mod_fields(kind: str) -> dict[str, st.SearchStrategy]:
    mod = child_node(schema().request_node(f"{kind}ModRq"), f"{kind}Mod")
    found = fields_of(mod, ret_node(kind))
    found["Name"] = text(41)
    return found


@SETTINGS
@given(
    data=st.data(),
    kind=st.sampled_from((*ENTITY_KINDS, "Account", "Class")),
    stale=st.integers(1, 10**6),
)
def test_a_mod_with_a_stale_edit_sequence_is_3200_and_changes_nothing(data, kind, stale):
    """Whatever a Mod carries, a stale EditSequence is 3200 and the record stays as it was."""
    company = fresh()
    fields = {"Name": "Subject", **REQUIRED.get(kind, {})}
    created = rets(send(company, f"{kind}AddRq", {f"{kind}Add": fields}))[0]
    strategies = mod_fields(kind)
    chosen = data.draw(st.sets(st.sampled_from(sorted(strategies)), min_size=1, max_size=8))
    changes = {name: data.draw(strategies[name]) for name in sorted(chosen)}
    changes = {k: v for k, v in changes.items() if v != {}}
    sequence = str(int(created["EditSequence"]) - stale)
    record = company.lookup(kind, created["ListID"])
    before, names_before = copy.deepcopy(record.ret), dict(company.state.names)
    body = {f"{kind}Mod": {"ListID": created["ListID"], "EditSequence": sequence, **changes}}
    code, _severity, message = status_of(send(company, f"{kind}ModRq", body))
    assert (code, message) == (3200, f'The provided edit sequence "{sequence}" is out-of-date. ')
    assert record.ret == before and company.state.names == names_before


# -- names stay unique across the entity lists --------------------------------------------------
NAMES = ("Acme", "acme", "ACME", "Bolt", "bolt", "Ann Lee", "ANN LEE", "Zed")
ADD = st.tuples(st.just("add"), st.sampled_from(ENTITY_KINDS), st.sampled_from(NAMES), st.just(0))
RENAME = st.tuples(st.just("rename"), st.just(""), st.sampled_from(NAMES), st.integers(0, 20))


def entity_names(company: Company) -> list[str]:
    return [
        (r.ret.get("FullName") or r.ret["Name"]).casefold()
        for kind in ENTITY_KINDS
        for r in company.state.records.get(kind, {}).values()
    ]


def apply(company: Company, op: tuple) -> int:
    action, kind, name, index = op
    if action == "add":
        return status_of(send(company, f"{kind}AddRq", {f"{kind}Add": {"Name": name}}))[0]
    records = [r for k in ENTITY_KINDS for r in company.state.records.get(k, {}).values()]
    if not records:
        return -1
    target = records[index % len(records)]
    body = {"ListID": target.id, "EditSequence": target.ret["EditSequence"], "Name": name}
    return status_of(send(company, f"{target.kind}ModRq", {f"{target.kind}Mod": body}))[0]


@SETTINGS
@given(ops=st.lists(st.one_of(ADD, RENAME), min_size=1, max_size=14))
def test_names_stay_unique_across_the_entity_lists(ops):
    """Whatever adds and renames are tried, no two entities share a name, ignoring case."""
    company = Company()
    for op in ops:
        taken = set(entity_names(company))
        code = apply(company, op)
        assert code in (0, 3100, -1)
        names = entity_names(company)
        assert len(names) == len(set(names))
        if op[0] == "add":
            assert (code == 3100) == (op[2].casefold() in taken)


def test_money_strategy_gives_two_decimals():
    """The amount strategy draws QuickBooks' canonical form (a guard for the tests above)."""
    assert f"{Decimal('5'):.2f}" == "5.00" and uuid.UUID(int=0).int == 0


def test_every_kind_has_fields_to_draw():
    """The strategies reach beyond the Name of every kind tested."""
    assert all(fields_of(add_node(kind), ret_node(kind)) for kind in KINDS)


def test_query_all_after_random_adds_is_valid_qbxml():
    """A company filled by the strategies still answers valid qbXML (conftest checks)."""
    company = fresh()
    assert query(company, "Account")[0]["Name"] == "Sales"
