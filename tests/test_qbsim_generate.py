"""Making companies: the seeded generator, save/load, and the test builder."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from qbsim import Company, persist
from qbsim.generate import generate_company, plan, transactions_simulated
from qbsim.persist import PersistError
from qbsim.testing import (
    CompanyBuilder,
    RequestRefused,
    add,
    find,
    mod,
    query,
    request_xml,
    responses,
    rets,
    send,
    status_of,
)

SMALL = 320


@pytest.fixture(scope="module")
def generated() -> Company:
    return generate_company(SMALL, seed=42)


def all_records(company: Company) -> list:
    return [r for table in company.state.records.values() for r in table.values()]


# -- the generator ------------------------------------------------------------------------------
def test_the_same_seed_gives_the_identical_company(generated):
    """Two runs with one seed give byte-identical saved companies."""
    assert persist.dumps(generate_company(SMALL, seed=42)) == persist.dumps(generated)


def test_another_seed_gives_another_company(generated):
    """A different seed gives different customers."""
    other = generate_company(SMALL, seed=43)
    assert [r["Name"] for r in query(other, "Customer")] != [
        r["Name"] for r in query(generated, "Customer")
    ]


def test_going_through_qbxml_gives_the_same_company():
    """Records sent as real qbXML documents make exactly the company direct calls make."""
    direct = persist.dumps(generate_company(150, seed=8))
    assert persist.dumps(generate_company(150, seed=8, via_qbxml=True)) == direct


def test_the_company_has_about_the_records_asked_for(generated):
    """The record count is the one requested, give or take rounding and deletions."""
    assert abs(len(all_records(generated)) - SMALL) <= SMALL * 0.03


def test_the_plan_adds_up_to_the_records_asked_for():
    """plan() shares out every record after the fixed lists."""
    counts = plan(10_000, with_txns=True)
    assert 9_900 <= sum(counts.values()) + 76 <= 10_000 and counts["Txn"] > counts["Customer"]


def test_entity_names_are_unique_ignoring_case(generated):
    """Customers, vendors, employees and other names never share a name."""
    names = [
        (r.ret.get("FullName") or r.ret["Name"]).casefold()
        for kind in ("Customer", "Vendor", "Employee", "OtherName")
        for r in generated.state.records.get(kind, {}).values()
    ]
    assert len(names) == len(set(names))


def test_customers_have_jobs(generated):
    """Some customers carry jobs under them."""
    assert any(r.ret.get("Sublevel") == "1" for r in generated.state.records["Customer"].values())


def test_the_chart_of_accounts_has_sub_accounts(generated):
    """Utilities:Gas and Electric is a sub-account, as in a real chart."""
    assert find(generated, "Account", "Utilities:Gas and Electric") is not None


def test_some_records_are_inactive(generated):
    """A realistic company has inactive records; a sync must ask for ActiveStatus All."""
    inactive = [r for r in all_records(generated) if r.ret.get("IsActive") == "false"]
    assert {r.kind for r in inactive} >= {"Employee"}


def test_some_records_were_edited_after_creation(generated):
    """Some records have TimeModified later than TimeCreated."""
    assert any(r.modified > r.created for r in all_records(generated))


def test_the_deleted_history_has_entries(generated):
    """A few jobs were deleted, so ListDeletedQuery has something to say."""
    assert rets(send(generated, "ListDeletedQueryRq", {"ListDelType": ["Customer"]}))


def test_creation_times_spread_over_the_year(generated):
    """Records were created across months, not in one burst."""
    months = {r.created.strftime("%Y-%m") for r in all_records(generated)}
    assert len(months) >= 10


@pytest.mark.skipif(not transactions_simulated(), reason="qbsim does not simulate invoices yet")
def test_the_company_has_invoices_payments_and_bills(generated):
    """With transactions simulated, invoices, payments and bills are generated."""
    counts = Counter(r.kind for r in all_records(generated))
    assert min(counts["Invoice"], counts["ReceivePayment"], counts["Bill"]) > 0


def test_generated_answers_are_valid_qbxml(generated):
    """Queries over every list answer (conftest checks each answer against the XSD)."""
    for request in (
        "CustomerQueryRq",
        "VendorQueryRq",
        "EmployeeQueryRq",
        "ItemQueryRq",
        "AccountQueryRq",
    ):
        assert status_of(send(generated, request, {"ActiveStatus": "All"}))[0] == 0


def test_the_clock_runs_on_after_the_last_record(generated):
    """A record added after generation is newer than every generated one."""
    company = generate_company(120, seed=1)
    latest = max(r.modified for r in all_records(company))
    ret = add(company, "Vendor", {"Name": "Afterwards"})
    assert find(company, "Vendor", "Afterwards").created > latest and ret["Name"] == "Afterwards"


# -- save and load -------------------------------------------------------------------------------
@pytest.fixture
def busy() -> Company:
    company = (
        CompanyBuilder(seed=5).customer("Acme").job("Roof", customer="Acme").vendor("Bolt").build()
    )
    send(
        company,
        "ListDelRq",
        {"ListDelType": "Vendor", "ListID": find(company, "Vendor", "Bolt").id},
    )
    company.process(
        request_xml(("CustomerAddRq", {"CustomerAdd": {"Name": "Beta"}}), newMessageSetID="S1")
    )
    send(company, "CustomerQueryRq", {"@": {"iterator": "Start"}, "MaxReturned": "1"})
    return company


def test_save_and_load_round_trips_exactly(busy):
    """Loading a saved company and saving it again gives the same text."""
    text = persist.dumps(busy)
    assert persist.dumps(persist.loads(text)) == text


def test_a_loaded_company_answers_like_the_original(busy):
    """The same request gets the same answer from the original and from its copy."""
    copy = persist.loads(persist.dumps(busy))
    document = request_xml(("CustomerQueryRq", {"ActiveStatus": "All"}))
    assert copy.process(document) == busy.process(document)


def test_a_loaded_company_keeps_the_id_counter(busy):
    """The next ListID continues the saved counter."""
    copy = persist.loads(persist.dumps(busy))
    ours, theirs = add(busy, "OtherName", {"Name": "N"}), add(copy, "OtherName", {"Name": "N"})
    assert ours["ListID"].split("-")[0] == theirs["ListID"].split("-")[0]


def test_a_loaded_company_keeps_the_deleted_history(busy):
    """ListDeletedQuery answers the same after a round trip."""
    copy = persist.loads(persist.dumps(busy))
    assert [
        r["FullName"] for r in rets(send(copy, "ListDeletedQueryRq", {"ListDelType": ["Vendor"]}))
    ] == ["Bolt"]


def test_a_loaded_company_keeps_stored_message_sets(busy):
    """Error recovery finds a message set stored before the save."""
    copy = persist.loads(persist.dumps(busy))
    answer = copy.process(
        request_xml(oldMessageSetID="S1", newMessageSetID="S1", on_error="continueOnError")
    )
    assert [rs.tag for rs in responses(answer)] == ["CustomerAddRs"]


def test_a_loaded_company_keeps_the_name_index(busy):
    """Names stay taken after a round trip (3100)."""
    copy = persist.loads(persist.dumps(busy))
    with pytest.raises(RequestRefused, match="3100"):
        add(copy, "Vendor", {"Name": "acme"})


def test_a_loaded_company_draws_the_same_iterator_ids(busy):
    """The seeded random source continues where it was saved."""
    copy = persist.loads(persist.dumps(busy))
    body = {"@": {"iterator": "Start"}, "MaxReturned": "1"}
    assert send(copy, "CustomerQueryRq", body).get("iteratorID") == send(
        busy, "CustomerQueryRq", body
    ).get("iteratorID")


def test_iterators_do_not_survive_a_save(busy):
    """Iterators belong to a session, and a saved file is no session."""
    assert persist.loads(persist.dumps(busy)).iterators == {}


def test_save_and_load_through_a_file(busy, tmp_path):
    """Company.save and Company.load use a JSON file."""
    path = tmp_path / "company.json"
    busy.save(path)
    assert Company.load(path).count("Customer") == busy.count("Customer")


def test_a_file_of_another_version_is_refused(busy):
    """The version is checked before anything is read."""
    data = json.loads(persist.dumps(busy))
    data["version"] = 99
    with pytest.raises(PersistError, match="version 99; this qbsim reads 1"):
        persist.loads(json.dumps(data))


def test_a_file_that_is_no_company_is_refused():
    """A JSON file of another kind is refused."""
    with pytest.raises(PersistError, match="not a qbsim company file"):
        persist.loads('{"format": "something else"}')


def test_a_generated_company_round_trips(generated):
    """Transactions, balances and history survive a round trip too."""
    text = persist.dumps(generated)
    assert persist.dumps(persist.loads(text)) == text


def test_time_goes_on_after_a_load(busy):
    """Without a clock, a loaded company stamps times after everything it holds."""
    copy = persist.loads(persist.dumps(busy))
    latest = persist.latest_moment(copy.state)
    add(copy, "OtherName", {"Name": "Later"})
    assert find(copy, "OtherName", "Later").created > latest


# -- the builder ---------------------------------------------------------------------------------
def test_the_builder_makes_jobs_through_qbxml():
    """builder.job puts the job under its customer."""
    company = CompanyBuilder().customer("Acme").job("Roof", customer="Acme").build()
    assert [r["FullName"] for r in query(company, "Customer")] == ["Acme", "Acme:Roof"]


def test_the_builder_adds_missing_item_accounts():
    """An item's default income account is created when the company lacks it."""
    company = CompanyBuilder().item_service("Labor", price="85.00").build()
    labor = query(company, "ItemService")[0]
    assert (
        labor["SalesOrPurchase"]["AccountRef"]["FullName"],
        labor["SalesOrPurchase"]["Price"],
    ) == (
        "Services",
        "85.00",
    )


def test_the_builder_gives_inventory_items_their_three_accounts():
    """Inventory items get income, COGS and asset accounts."""
    company = (
        CompanyBuilder().item_inventory("Bolt", price="2.00", cost="1.00", quantity="10").build()
    )
    bolt = query(company, "ItemInventory")[0]
    assert (
        bolt["AssetAccountRef"]["FullName"] == "Inventory Asset" and bolt["QuantityOnHand"] == "10"
    )


def test_the_builder_raises_when_quickbooks_refuses():
    """A refused request raises RequestRefused with its status."""
    with pytest.raises(RequestRefused, match='CustomerAddRq: 3100 The name "acme"'):
        CompanyBuilder().vendor("Acme").customer("acme")


def test_the_builder_nests_classes():
    """klass(name, parent) makes a sub-class."""
    company = CompanyBuilder().klass("East").klass("Boston", parent="East").build()
    assert find(company, "Class", "East:Boston") is not None


def test_the_test_helpers_modify_with_the_current_edit_sequence():
    """mod() sends the ListID and EditSequence of the Ret it is given."""
    company = CompanyBuilder().customer("Acme").build()
    ret = mod(company, "Customer", query(company, "Customer")[0], {"Phone": "555"})
    assert ret["Phone"] == "555"
