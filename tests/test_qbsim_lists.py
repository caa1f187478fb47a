"""qbsim list elements: Add, Mod, Query and ListDel behave as QuickBooks does."""

from __future__ import annotations

import pytest

from qbsim import Company, QBXMLRPError
from qbsim.handlers import HANDLERS
from qbsim.persist import dumps, loads
from qbsim.testing import (
    CompanyBuilder,
    RequestRefused,
    add,
    find,
    mod,
    query,
    request_xml,
    rets,
    send,
    status_of,
)


@pytest.fixture
def company() -> Company:
    return (
        CompanyBuilder()
        .account("Services", "Income")
        .account("Sales", "Income")
        .terms("Net 30", due_days=30)
        .customer("Acme", OpenBalance="100.00")
        .job("Roof", customer="Acme", OpenBalance="40.00")
        .vendor("Bolt Supply")
        .klass("East")
        .klass("Boston", parent="East")
        .build()
    )


def current(company: Company, kind: str, full_name: str) -> dict:
    """The Ret of one record as a query returns it now."""
    return query(company, kind, FullName=[full_name])[0]


def refused(company: Company, request_type: str, body: dict) -> tuple[int, str, str]:
    """The status of a request that is expected to fail."""
    return status_of(send(company, request_type, body))


# -- Add --------------------------------------------------------------------------------------
def test_add_stamps_list_id_from_counter_and_epoch(company):
    """ListID is a hex counter and the creation epoch, as in every real capture."""
    ret = add(company, "Customer", {"Name": "Zed"})
    counter, epoch = ret["ListID"].split("-")
    assert int(counter, 16) >= 0x80000001 and epoch == ret["EditSequence"]


def test_open_balance_becomes_balance_and_total_balance(company):
    """OpenBalance on an Add comes back as Balance and TotalBalance."""
    ret = add(company, "Customer", {"Name": "Opening", "OpenBalance": "25.50"})
    assert (ret["Balance"], ret["TotalBalance"]) == ("25.50", "25.50")


def test_open_balance_date_is_not_returned(company):
    """OpenBalanceDate has no place in CustomerRet."""
    ret = add(company, "Customer", {"Name": "Dated", "OpenBalanceDate": "2025-12-31"})
    assert "OpenBalanceDate" not in ret


def test_job_balance_rolls_up_to_parent_total(company):
    """A job's opening balance adds to its customer's TotalBalance, not its Balance."""
    acme = current(company, "Customer", "Acme")
    assert (acme["Balance"], acme["TotalBalance"]) == ("100.00", "140.00")


def test_job_full_name_is_parent_colon_child(company):
    """A job's FullName is Customer:Job and its ParentRef names the customer."""
    roof = current(company, "Customer", "Acme:Roof")
    assert (roof["FullName"], roof["ParentRef"]["FullName"]) == ("Acme:Roof", "Acme")


def test_job_sublevel_counts_levels(company):
    """A sub-job sits at Sublevel 2."""
    ret = add(company, "Customer", {"Name": "Gutters", "ParentRef": "Acme:Roof"})
    assert ret["Sublevel"] == "2"


def test_parent_that_does_not_exist_is_3130(company):
    """A ParentRef to nothing is an invalid parent reference."""
    with pytest.raises(
        RequestRefused, match=r'3130 There is an invalid reference to a parent "Nope"'
    ):
        add(company, "Customer", {"Name": "Orphan", "ParentRef": "Nope"})


def test_sixth_level_is_refused(company):
    """QuickBooks nests five levels; a sixth is refused."""
    parent = "Acme:Roof"
    for name in ("L2", "L3", "L4"):
        parent = add(company, "Customer", {"Name": name, "ParentRef": parent})["FullName"]
    with pytest.raises(RequestRefused, match="3130"):
        add(company, "Customer", {"Name": "L5", "ParentRef": parent})


@pytest.mark.parametrize("kind", ["Vendor", "OtherName", "Customer"])
def test_entity_names_are_unique_across_lists_ignoring_case(company, kind):
    """A name used by a customer cannot be used by any entity list, whatever its case."""
    with pytest.raises(RequestRefused, match='3100 The name "ACME" of the list element is already'):
        add(company, kind, {"Name": "ACME"})


def test_employee_named_like_a_customer_is_3100(company):
    """An employee's name (first and last) collides with a customer of that name."""
    add(company, "Customer", {"Name": "Ann Lee"})
    with pytest.raises(RequestRefused, match='3100 The name "Ann Lee"'):
        add(company, "Employee", {"FirstName": "Ann", "LastName": "Lee"})


def test_job_name_may_repeat_under_another_customer(company):
    """Job names are unique only under their parent."""
    add(company, "Customer", {"Name": "Other"})
    ret = add(company, "Customer", {"Name": "Roof", "ParentRef": "Other"})
    assert ret["FullName"] == "Other:Roof"


def test_job_may_share_a_name_with_a_vendor(company):
    """A job's name is its FullName, so a vendor may be called like the job."""
    assert add(company, "Vendor", {"Name": "Roof"})["Name"] == "Roof"


def test_item_names_are_unique_across_item_kinds(company):
    """An inventory item cannot take a service item's name."""
    CompanyBuilder(company).item_service("Labor", price="50.00")
    with pytest.raises(RequestRefused, match='3100 The name "labor"'):
        CompanyBuilder(company).item_inventory("labor", price="1.00", cost="0.50")


def test_account_names_are_unique_ignoring_case(company):
    """Two accounts cannot share a name."""
    with pytest.raises(RequestRefused, match='3100 The name "services"'):
        add(company, "Account", {"Name": "services", "AccountType": "Expense"})


def test_an_account_may_share_a_name_with_a_customer(company):
    """Accounts and customers are different name spaces."""
    ret = add(company, "Account", {"Name": "Acme", "AccountType": "Expense"})
    assert ret["FullName"] == "Acme"


def test_reference_to_missing_terms_is_3140(company):
    """A TermsRef naming no terms is an invalid reference."""
    with pytest.raises(
        RequestRefused, match=r'3140 There is an invalid reference to QuickBooks Terms "Net 99"'
    ):
        add(company, "Customer", {"Name": "T", "TermsRef": "Net 99"})


def test_reference_resolves_to_list_id_and_full_name(company):
    """A reference by FullName comes back with the record's ListID too."""
    ret = add(company, "Customer", {"Name": "T", "TermsRef": "net 30"})
    assert ret["TermsRef"] == {
        "ListID": find(company, "StandardTerms", "Net 30").id,
        "FullName": "Net 30",
    }


def test_list_id_wins_over_full_name_in_a_reference(company):
    """With both given, QuickBooks uses the ListID."""
    east = find(company, "Class", "East")
    ret = add(
        company,
        "Customer",
        {"Name": "C", "ClassRef": {"ListID": east.id, "FullName": "East:Boston"}},
    )
    assert ret["ClassRef"]["FullName"] == "East"


def test_employee_name_is_made_from_name_parts(company):
    """An employee added without Name is listed as first, middle and last name."""
    ret = add(company, "Employee", {"FirstName": "Ann", "MiddleName": "B", "LastName": "Lee"})
    assert ret["Name"] == "Ann B Lee"


def test_employee_without_any_name_is_3150(company):
    """An employee needs a name (inferred: QuickBooks' dialog requires one)."""
    with pytest.raises(RequestRefused, match="3150"):
        add(company, "Employee", {"Phone": "555-0100"})


def test_address_block_is_derived_from_the_address(company):
    """VendorAddressBlock holds the street, the city line and the country."""
    address = {
        "Addr1": "1 Main St",
        "City": "Troy",
        "State": "NY",
        "PostalCode": "12180",
        "Country": "USA",
    }
    ret = add(company, "Vendor", {"Name": "Blocky", "VendorAddress": address})
    assert ret["VendorAddressBlock"] == {
        "Addr1": "1 Main St",
        "Addr2": "Troy, NY 12180",
        "Addr3": "USA",
    }


def test_contacts_become_contacts_ret_with_their_own_ids(company):
    """Each contact of an Add comes back in ContactsRet with a ListID and a full name."""
    contacts = [{"FirstName": "Ann", "LastName": "Lee"}]
    ret = add(company, "Customer", {"Name": "With contact", "Contacts": contacts})
    contact = ret["ContactsRet"][0]
    assert contact["Contact"] == "Ann Lee" and contact["ListID"] != ret["ListID"]


def test_additional_notes_get_numbers_and_dates(company):
    """AdditionalNotes come back as AdditionalNotesRet with NoteID and Date."""
    ret = add(company, "Vendor", {"Name": "Noted", "AdditionalNotes": [{"Note": "call first"}]})
    assert ret["AdditionalNotesRet"] == [
        {"NoteID": "1", "Date": "2026-01-05", "Note": "call first"}
    ]


def test_bar_code_becomes_bar_code_value(company):
    """The BarCode aggregate of an item Add becomes BarCodeValue."""
    ret = add(
        company,
        "ItemService",
        {
            "Name": "Scan",
            "BarCode": {"BarCodeValue": "0123"},
            "SalesOrPurchase": {"AccountRef": "Services"},
        },
    )
    assert ret["BarCodeValue"] == "0123" and "BarCode" not in ret


def test_tax_line_id_becomes_tax_line_info(company):
    """An account's TaxLineID comes back inside TaxLineInfoRet."""
    ret = add(company, "Account", {"Name": "Rent", "AccountType": "Expense", "TaxLineID": "42"})
    assert ret["TaxLineInfoRet"] == {"TaxLineID": "42"}


def test_inventory_average_cost_comes_from_total_value(company):
    """QuantityOnHand and TotalValue of an Add set AverageCost; TotalValue is not returned."""
    CompanyBuilder(company).item_inventory("Bolt", quantity="4", TotalValue="10.00")
    ret = current(company, "ItemInventory", "Bolt")
    assert (ret["AverageCost"], ret["QuantityOnHand"], "TotalValue" in ret) == ("2.50", "4", False)


def test_item_without_an_account_is_3150(company):
    """A service item must name its income account (inferred code)."""
    with pytest.raises(RequestRefused, match='3150 There is a missing element: "AccountRef"'):
        add(company, "ItemService", {"Name": "Free", "SalesOrPurchase": {"Price": "1.00"}})


def test_inventory_item_without_cogs_account_is_3150(company):
    """An inventory item needs income, COGS and asset accounts (inferred code)."""
    with pytest.raises(RequestRefused, match='"COGSAccountRef"'):
        add(
            company,
            "ItemInventory",
            {"Name": "Part", "IncomeAccountRef": "Sales", "AssetAccountRef": "Sales"},
        )


def test_values_come_back_in_quickbooks_form(company):
    """Booleans come back true/false and amounts with two decimals."""
    ret = add(company, "Customer", {"Name": "Forms", "IsActive": "1", "CreditLimit": "100"})
    assert (ret["IsActive"], ret["CreditLimit"]) == ("true", "100.00")


def test_terms_add_fills_discount_defaults(company):
    """StandardTermsRet always carries due days, discount days and discount percent."""
    ret = add(company, "StandardTerms", {"Name": "Net 10", "StdDueDays": "10"})
    assert (ret["StdDiscountDays"], ret["DiscountPct"]) == ("0", "0.00")


def test_account_cash_flow_classification_follows_type(company):
    """A fixed asset account is classified as Investing."""
    ret = add(company, "Account", {"Name": "Truck", "AccountType": "FixedAsset"})
    assert ret["CashFlowClassification"] == "Investing"


# -- Mod --------------------------------------------------------------------------------------
def test_mod_of_unknown_list_id_is_3120(company):
    """A Mod naming no record is 3120 with QuickBooks' own words."""
    code, _sev, message = refused(
        company, "CustomerModRq", {"CustomerMod": {"ListID": "80000099-1", "EditSequence": "1"}}
    )
    assert (code, message) == (
        3120,
        'Object "80000099-1" specified in the request cannot be found.  QuickBooks error '
        "message: Invalid argument.  The specified record does not exist in the list.",
    )


def test_mod_of_a_deleted_record_is_3120(company):
    """Once deleted, a record cannot be modified."""
    ret = add(company, "Customer", {"Name": "Gone"})
    send(company, "ListDelRq", {"ListDelType": "Customer", "ListID": ret["ListID"]})
    with pytest.raises(RequestRefused, match="3120"):
        mod(company, "Customer", ret, {"Phone": "1"})


def test_mod_with_stale_edit_sequence_is_3200(company):
    """A Mod must carry the current EditSequence."""
    ret = current(company, "Customer", "Acme")
    mod(company, "Customer", ret, {"Phone": "555-0100"})
    with pytest.raises(
        RequestRefused,
        match=f'3200 The provided edit sequence "{ret["EditSequence"]}" is out-of-date. $',
    ):
        mod(company, "Customer", ret, {"Phone": "555-0199"})


def test_mod_gives_a_new_edit_sequence_and_time(company):
    """Every Mod changes EditSequence and TimeModified."""
    before = current(company, "Vendor", "Bolt Supply")
    after = mod(company, "Vendor", before, {})
    assert (
        after["EditSequence"] != before["EditSequence"]
        and after["TimeModified"] > before["TimeModified"]
    )


def test_mod_clearing_the_name_is_3190(company):
    """A list element's Name cannot be cleared."""
    with pytest.raises(RequestRefused, match=r"3190 Cannot clear the element in the Name field\."):
        mod(company, "Vendor", current(company, "Vendor", "Bolt Supply"), {"Name": ""})


def test_mod_with_an_empty_value_clears_the_field(company):
    """An empty element clears an optional field."""
    ret = mod(company, "Vendor", current(company, "Vendor", "Bolt Supply"), {"Phone": "555"})
    assert "Phone" not in mod(company, "Vendor", ret, {"Phone": ""})


def test_mod_with_an_empty_reference_clears_it(company):
    """A reference with an empty FullName clears it."""
    ret = add(company, "Customer", {"Name": "Classy", "ClassRef": "East"})
    assert "ClassRef" not in mod(company, "Customer", ret, {"ClassRef": {"FullName": ""}})


def test_mod_merges_address_fields(company):
    """A Mod of one address line keeps the others."""
    ret = add(
        company, "Customer", {"Name": "Addr", "BillAddress": {"Addr1": "1 A St", "City": "Troy"}}
    )
    ret = mod(company, "Customer", ret, {"BillAddress": {"City": "Albany"}})
    assert ret["BillAddress"] == {"Addr1": "1 A St", "City": "Albany"}


def test_mod_renaming_to_a_taken_name_is_3100(company):
    """A rename into another entity's name is refused."""
    with pytest.raises(RequestRefused, match='3100 The name "bolt supply"'):
        mod(company, "Customer", current(company, "Customer", "Acme"), {"Name": "bolt supply"})


def test_mod_changing_only_the_case_of_a_name_is_allowed(company):
    """A record may be renamed to its own name in another case."""
    ret = mod(company, "Customer", current(company, "Customer", "Acme"), {"Name": "ACME"})
    assert ret["FullName"] == "ACME"


def test_renaming_a_parent_renames_its_jobs(company):
    """A job's FullName follows its customer's new name."""
    mod(company, "Customer", current(company, "Customer", "Acme"), {"Name": "Acme Corp"})
    assert current(company, "Customer", "Acme Corp:Roof")["ParentRef"]["FullName"] == "Acme Corp"


def test_renaming_a_parent_stamps_its_jobs_as_modified(company):
    """Jobs renamed with their parent get a new EditSequence (inferred)."""
    before = current(company, "Customer", "Acme:Roof")
    mod(company, "Customer", current(company, "Customer", "Acme"), {"Name": "Acme Corp"})
    assert current(company, "Customer", "Acme Corp:Roof")["EditSequence"] != before["EditSequence"]


def test_references_show_the_new_name_after_a_rename(company):
    """An item's AccountRef reads the account's current name."""
    CompanyBuilder(company).item_service("Labor", price="1.00")
    mod(company, "Account", current(company, "Account", "Services"), {"Name": "Service Income"})
    ret = current(company, "ItemService", "Labor")
    assert ret["SalesOrPurchase"]["AccountRef"]["FullName"] == "Service Income"


def test_moving_a_job_moves_its_balance_between_parents(company):
    """A job moved to another customer takes its balance out of the old TotalBalance."""
    add(company, "Customer", {"Name": "Beta"})
    mod(company, "Customer", current(company, "Customer", "Acme:Roof"), {"ParentRef": "Beta"})
    totals = [current(company, "Customer", n)["TotalBalance"] for n in ("Acme", "Beta")]
    assert totals == ["100.00", "40.00"]


def test_moving_a_parent_under_its_own_job_is_3130(company):
    """A record cannot become its own descendant."""
    with pytest.raises(RequestRefused, match="3130"):
        mod(company, "Customer", current(company, "Customer", "Acme"), {"ParentRef": "Acme:Roof"})


def test_job_made_top_level_by_an_empty_parent(company):
    """An empty ParentRef turns a job into a customer of its own."""
    ret = mod(
        company,
        "Customer",
        current(company, "Customer", "Acme:Roof"),
        {"ParentRef": {"FullName": ""}},
    )
    assert (ret["FullName"], ret["Sublevel"], "ParentRef" in ret) == ("Roof", "0", False)


def test_inactivating_a_parent_inactivates_its_jobs(company):
    """QuickBooks makes a customer's jobs inactive with it."""
    mod(company, "Customer", current(company, "Customer", "Acme"), {"IsActive": "false"})
    assert current(company, "Customer", "Acme:Roof")["IsActive"] == "false"


def test_reactivating_a_job_reactivates_its_parent(company):
    """An active job never sits under an inactive customer (inferred)."""
    mod(company, "Customer", current(company, "Customer", "Acme"), {"IsActive": "false"})
    mod(company, "Customer", current(company, "Customer", "Acme:Roof"), {"IsActive": "true"})
    assert current(company, "Customer", "Acme")["IsActive"] == "true"


def test_sales_or_purchase_mod_changes_sales_or_purchase(company):
    """SalesOrPurchaseMod edits SalesOrPurchase; ApplyAccountRefToExistingTxns is not kept."""
    CompanyBuilder(company).item_service("Labor", price="10.00")
    body = {"SalesOrPurchaseMod": {"Price": "12.00", "ApplyAccountRefToExistingTxns": "true"}}
    ret = mod(company, "ItemService", current(company, "ItemService", "Labor"), body)
    assert ret["SalesOrPurchase"] == {
        "Price": "12.00",
        "AccountRef": ret["SalesOrPurchase"]["AccountRef"],
    }


def test_price_percent_replaces_price(company):
    """Price and PricePercent are a choice: setting one drops the other."""
    CompanyBuilder(company).item_service("Labor", price="10.00")
    body = {"SalesOrPurchaseMod": {"PricePercent": "5"}}
    ret = mod(company, "ItemService", current(company, "ItemService", "Labor"), body)
    assert (
        "Price" not in ret["SalesOrPurchase"] and ret["SalesOrPurchase"]["PricePercent"] == "5.00"
    )


def test_switching_to_sales_and_purchase_drops_sales_or_purchase(company):
    """An item takes one of SalesOrPurchase and SalesAndPurchase."""
    CompanyBuilder(company).item_service("Labor", price="10.00").account("Subs", "CostOfGoodsSold")
    both = {"SalesPrice": "10.00", "IncomeAccountRef": "Services", "ExpenseAccountRef": "Subs"}
    ret = mod(
        company,
        "ItemService",
        current(company, "ItemService", "Labor"),
        {"SalesAndPurchaseMod": both},
    )
    assert "SalesOrPurchase" not in ret and ret["SalesAndPurchase"]["SalesPrice"] == "10.00"


def test_mod_clearing_an_item_account_is_3190(company):
    """An item's account cannot be cleared."""
    CompanyBuilder(company).item_service("Labor", price="10.00")
    body = {"SalesOrPurchaseMod": {"AccountRef": {"FullName": ""}}}
    with pytest.raises(
        RequestRefused, match=r"3190 Cannot clear the element in the AccountRef field\."
    ):
        mod(company, "ItemService", current(company, "ItemService", "Labor"), body)


def test_contacts_mod_updates_a_contact_by_its_list_id(company):
    """ContactsMod with a contact's ListID edits that contact."""
    ret = add(company, "Vendor", {"Name": "People", "Contacts": [{"FirstName": "Ann"}]})
    contact = ret["ContactsRet"][0]
    change = {
        "ListID": contact["ListID"],
        "EditSequence": contact["EditSequence"],
        "FirstName": "Bea",
    }
    ret = mod(company, "Vendor", ret, {"ContactsMod": [change]})
    assert [c["Contact"] for c in ret["ContactsRet"]] == ["Bea"]


def test_contacts_mod_of_an_unknown_contact_is_3120(company):
    """ContactsMod naming no contact is refused."""
    ret = add(company, "Vendor", {"Name": "People"})
    with pytest.raises(RequestRefused, match="3120"):
        mod(company, "Vendor", ret, {"ContactsMod": [{"ListID": "X-1", "FirstName": "Bea"}]})


def test_employee_renamed_by_changing_first_name(company):
    """An employee's Name follows its name parts."""
    ret = add(company, "Employee", {"FirstName": "Ann", "LastName": "Lee"})
    assert mod(company, "Employee", ret, {"FirstName": "Anne"})["Name"] == "Anne Lee"


def test_account_mod_ignores_open_balance(company):
    """An opening balance is set once, at Add."""
    ret = mod(company, "Account", current(company, "Account", "Sales"), {"OpenBalance": "50.00"})
    assert ret["Balance"] == "0.00"


def test_standard_terms_have_no_mod():
    """qbXML 16.0 defines no StandardTermsModRq: the document is refused."""
    document = request_xml(("StandardTermsQueryRq", {})).replace(
        "StandardTermsQueryRq", "StandardTermsModRq"
    )
    with pytest.raises(QBXMLRPError, match="StandardTermsModRq is not a qbXML request"):
        Company().process(document)


# -- Query ------------------------------------------------------------------------------------
@pytest.fixture
def listed(company) -> Company:
    ret = add(company, "Customer", {"Name": "Dormant", "ClassRef": "East:Boston"})
    mod(company, "Customer", ret, {"IsActive": "false"})
    return company


def names(rets_: list[dict]) -> list[str]:
    return [r.get("FullName", r.get("Name")) for r in rets_]


def test_query_returns_active_records_by_default(listed):
    """ActiveStatus defaults to ActiveOnly."""
    assert names(query(listed, "Customer")) == ["Acme", "Acme:Roof"]


def test_query_active_status_all_includes_inactive(listed):
    """ActiveStatus All returns inactive records too."""
    assert names(query(listed, "Customer", ActiveStatus="All")) == ["Acme", "Acme:Roof", "Dormant"]


def test_query_inactive_only(listed):
    """ActiveStatus InactiveOnly returns only inactive records."""
    assert names(query(listed, "Customer", ActiveStatus="InactiveOnly")) == ["Dormant"]


def test_query_by_list_id_returns_inactive_records(listed):
    """A record named by ListID is returned whatever its status."""
    dormant = find(listed, "Customer", "Dormant")
    assert names(query(listed, "Customer", ListID=[dormant.id])) == ["Dormant"]


def test_query_with_a_missing_list_id_is_500_with_the_rest(listed):
    """Missing IDs make a 500 warning; the records found still come back."""
    rs = send(listed, "CustomerQueryRq", {"FullName": ["Acme", "bleech"]})
    assert status_of(rs) == (
        500,
        "Warn",
        "The query request has not been fully completed. There was a required element "
        '("bleech") that could not be found in QuickBooks.',
    ) and names(rets(rs)) == ["Acme"]


def test_query_by_full_name_ignores_case(listed):
    """FullName lookups are case-insensitive."""
    assert names(query(listed, "Customer", FullName=["acme:ROOF"])) == ["Acme:Roof"]


def test_query_without_matches_is_status_1(listed):
    """No match is status 1 with QuickBooks' text (no final period)."""
    rs = send(
        listed, "VendorQueryRq", {"NameFilter": {"MatchCriterion": "StartsWith", "Name": "Zz"}}
    )
    assert status_of(rs) == (
        1,
        "Info",
        "A query request did not find a matching object in QuickBooks",
    )


def test_from_modified_date_is_inclusive(listed):
    """A record modified exactly at FromModifiedDate is returned."""
    bolt = current(listed, "Vendor", "Bolt Supply")
    found = query(listed, "Vendor", FromModifiedDate=bolt["TimeModified"])
    assert names(found) == ["Bolt Supply"]


def test_to_modified_date_given_as_a_date_means_end_of_day(listed):
    """A date-only ToModifiedDate covers that whole day."""
    assert len(query(listed, "Customer", ToModifiedDate="2026-01-05", ActiveStatus="All")) == 3


def test_modified_date_range_excludes_earlier_records(listed):
    """Records changed before FromModifiedDate are left out."""
    assert query(listed, "Customer", FromModifiedDate="2026-01-06") == []


@pytest.mark.parametrize(
    ("criterion", "name", "expected"),
    [
        ("StartsWith", "ac", ["Acme", "Acme:Roof"]),
        ("Contains", "ROO", ["Acme:Roof"]),
        ("EndsWith", "me", ["Acme"]),
    ],
)
def test_name_filter(listed, criterion, name, expected):
    """NameFilter matches the FullName, ignoring case."""
    found = query(listed, "Customer", NameFilter={"MatchCriterion": criterion, "Name": name})
    assert names(found) == expected


def test_name_range_filter_is_inclusive(listed):
    """NameRangeFilter keeps names from FromName to ToName."""
    found = query(
        listed,
        "Customer",
        ActiveStatus="All",
        NameRangeFilter={"FromName": "acme:roof", "ToName": "dormant"},
    )
    assert names(found) == ["Acme:Roof", "Dormant"]


def test_account_type_filter(listed):
    """AccountType keeps accounts of the listed types."""
    add(listed, "Account", {"Name": "Checking", "AccountType": "Bank"})
    assert names(query(listed, "Account", AccountType=["Bank"])) == ["Checking"]


def test_class_filter_with_children(listed):
    """FullNameWithChildren matches the class and its sub-classes."""
    found = query(
        listed, "Customer", ActiveStatus="All", ClassFilter={"FullNameWithChildren": "East"}
    )
    assert names(found) == ["Dormant"]


def test_total_balance_filter(listed):
    """TotalBalanceFilter compares TotalBalance."""
    found = query(
        listed, "Customer", TotalBalanceFilter={"Operator": "GreaterThan", "Amount": "50.00"}
    )
    assert names(found) == ["Acme"]


def test_currency_filter_matches_the_home_currency(listed):
    """With multicurrency off every record is in US Dollar."""
    assert names(query(listed, "Vendor", CurrencyFilter={"FullName": ["US Dollar"]})) == [
        "Bolt Supply"
    ]


def test_answers_are_ordered_by_full_name(company):
    """Records come back in FullName order, ignoring case."""
    add(company, "Vendor", {"Name": "aardvark"})
    assert names(query(company, "Vendor")) == ["aardvark", "Bolt Supply"]


def test_item_query_returns_every_item_kind(company):
    """ItemQuery answers service and inventory items together."""
    CompanyBuilder(company).item_service("Labor", price="1.00").item_inventory("Bolt", price="1.00")
    rs = send(company, "ItemQueryRq", {})
    assert [child.tag for child in rs] == ["ItemInventoryRet", "ItemServiceRet"]


def test_terms_query_returns_standard_terms(company):
    """TermsQuery answers StandardTermsRet."""
    rs = send(company, "TermsQueryRq", {})
    assert [child.tag for child in rs] == ["StandardTermsRet"]


# -- ListDel ----------------------------------------------------------------------------------
def test_list_del_answers_type_id_time_and_name(company):
    """ListDelRs echoes the type and ID with the deletion time and FullName."""
    ret = add(company, "OtherName", {"Name": "Temp"})
    rs = send(company, "ListDelRq", {"ListDelType": "OtherName", "ListID": ret["ListID"]})
    assert [c.tag for c in rs] == ["ListDelType", "ListID", "TimeDeleted", "FullName"]


def test_list_del_of_an_unknown_id_is_3120(company):
    """Deleting nothing is 3120."""
    assert refused(company, "ListDelRq", {"ListDelType": "Vendor", "ListID": "1-1"})[0] == 3120


def test_list_del_with_the_wrong_type_is_3120(company):
    """ListDelType must be the record's own list."""
    bolt = find(company, "Vendor", "Bolt Supply")
    assert refused(company, "ListDelRq", {"ListDelType": "Customer", "ListID": bolt.id})[0] == 3120


def test_list_del_of_a_parent_with_children_is_3170(company):
    """A class with sub-classes cannot be deleted (3170 text inferred)."""
    east = find(company, "Class", "East")
    code, _s, message = refused(company, "ListDelRq", {"ListDelType": "Class", "ListID": east.id})
    assert (code, message) == (
        3170,
        'There was an error when deleting a Class list, element "East".  QuickBooks error '
        "message: This list element has sub-elements.",
    )


def test_list_del_of_a_referenced_element_is_3170(company):
    """Terms a customer uses cannot be deleted."""
    add(company, "Customer", {"Name": "Termed", "TermsRef": "Net 30"})
    terms = find(company, "StandardTerms", "Net 30")
    assert (
        refused(company, "ListDelRq", {"ListDelType": "StandardTerms", "ListID": terms.id})[0]
        == 3170
    )


def test_list_del_of_a_customer_with_an_opening_balance_is_3170(company):
    """An opening balance is a transaction in QuickBooks, so the customer is in use."""
    roof = find(company, "Customer", "Acme:Roof")
    assert refused(company, "ListDelRq", {"ListDelType": "Customer", "ListID": roof.id})[0] == 3170


def test_list_del_frees_the_name(company):
    """After a delete the name can be used again."""
    bolt = find(company, "Vendor", "Bolt Supply")
    send(company, "ListDelRq", {"ListDelType": "Vendor", "ListID": bolt.id})
    assert add(company, "Customer", {"Name": "Bolt Supply"})["Name"] == "Bolt Supply"


# -- every list request type, end to end ------------------------------------------------------
LIFE = {
    "Account": {"AccountType": "Expense"},
    "Customer": {},
    "Vendor": {},
    "Employee": {},
    "OtherName": {},
    "ItemService": {"SalesOrPurchase": {"Price": "5.00", "AccountRef": "Services"}},
    "ItemNonInventory": {"SalesOrPurchase": {"Price": "5.00", "AccountRef": "Sales"}},
    "ItemOtherCharge": {"SalesOrPurchase": {"Price": "5.00", "AccountRef": "Sales"}},
    "ItemInventory": {
        "IncomeAccountRef": "Sales",
        "COGSAccountRef": "Sales",
        "AssetAccountRef": "Sales",
    },
    "Class": {},
    "StandardTerms": {"StdDueDays": "15"},
}


@pytest.mark.parametrize("kind", sorted(LIFE))
def test_add_query_mod_and_delete_each_list(company, kind):
    """Every list answers Add, Query by name, Mod (where qbXML has it) and ListDel."""
    ret = add(company, kind, {"Name": "Lifecycle", **LIFE[kind]})
    assert current(company, kind, "Lifecycle")["ListID"] == ret["ListID"]
    if kind != "StandardTerms":
        ret = mod(company, kind, ret, {"Name": "Renamed"})
        assert current(company, kind, "Renamed")["EditSequence"] == ret["EditSequence"]
    send(company, "ListDelRq", {"ListDelType": kind, "ListID": ret["ListID"]})
    assert status_of(send(company, f"{kind}QueryRq", {"ListID": [ret["ListID"]]}))[0] == 500


def test_list_del_of_a_customer_with_an_invoice_is_3170(company):
    """A customer a transaction uses cannot be deleted."""
    if "InvoiceAddRq" not in HANDLERS:
        pytest.skip("qbsim does not simulate invoices")
    CompanyBuilder(company).item_service("Labor", price="10.00").account("AR", "AccountsReceivable")
    buyer = add(company, "Customer", {"Name": "Buyer"})
    add(company, "Invoice", {"CustomerRef": "Buyer", "InvoiceLineAdd": [{"ItemRef": "Labor"}]})
    code, _s, message = refused(
        company, "ListDelRq", {"ListDelType": "Customer", "ListID": buyer["ListID"]}
    )
    assert (code, message) == (
        3170,
        'There was an error when deleting a Customer list, element "Buyer".  QuickBooks error '
        "message: This list element is in use and cannot be deleted.",
    )


def test_employee_ssn_is_stored_in_quickbooks_form(company):
    """Nine digits are kept as 123-45-6789."""
    ret = add(company, "Employee", {"FirstName": "Sam", "SSN": "123 45 6789"})
    assert ret["SSN"] == "123-45-6789"


def test_every_rename_reaches_records_added_or_changed_after_the_first(company):
    """Renames after the first (which indexes who refers to what) still reach records added
    since, records a Mod pointed at the account, and a company saved and loaded again."""
    builder = CompanyBuilder(company).item_service("Labor", price="1.00")
    mod(company, "Account", current(company, "Account", "Services"), {"Name": "Service Income"})
    builder.item_service("Design", price="2.00", account="Service Income")  # added since
    builder.item_service("Travel", price="3.00", account="Sales")
    travel = current(company, "ItemService", "Travel")
    mod(company, "ItemService", travel, {"SalesOrPurchaseMod": {"AccountRef": "Service Income"}})
    mod(company, "Account", current(company, "Account", "Service Income"), {"Name": "Fees"})
    for name in ("Labor", "Design", "Travel"):
        ret = current(company, "ItemService", name)
        assert ret["SalesOrPurchase"]["AccountRef"]["FullName"] == "Fees", name
    again = loads(dumps(company))
    mod(again, "Account", current(again, "Account", "Fees"), {"Name": "Service Fees"})
    ret = current(again, "ItemService", "Travel")
    assert ret["SalesOrPurchase"]["AccountRef"]["FullName"] == "Service Fees"
