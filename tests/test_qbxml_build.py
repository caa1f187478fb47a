"""Building qbXML request documents with ``syncengine.qbxml``; every document is XSD-checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

import qbschema
from syncengine import qbxml
from syncengine.errors import RecordError, SyncError

pytestmark = pytest.mark.needs_xsd

ACCOUNT = qbxml.ref(full_name="Sales")
CUSTOMER = qbxml.ref(full_name="Zoë Ltd")
VENDOR = qbxml.ref(list_id="80000002-1700000000")
ITEM = qbxml.ref(full_name="Consulting")
SINCE = {"FromModifiedDate": "2024-01-01T00:00:00"}
LIST_SINCE = {"ActiveStatus": "All", **SINCE}
TXN_SINCE = {"ModifiedDateRangeFilter": SINCE}
SALE_LINE = {"ItemRef": ITEM, "Desc": "Advice", "Quantity": 2, "Rate": Decimal("75.00")}
DEBIT = {"AccountRef": ACCOUNT, "Amount": "10.00"}
CREDIT = {"AccountRef": qbxml.ref(full_name="Bank"), "Amount": "10.00"}
ITEM_SALE = {"SalesOrPurchase": {"Desc": "Advice", "Price": "75.00", "AccountRef": ACCOUNT}}

# One realistic request for every message type the product speaks.
DATA_EXT_DEF = {
    "OwnerID": "0",
    "DataExtName": "Color",
    "DataExtType": "STR255TYPE",
    "AssignToObject": ["Customer"],
}
DATA_EXT_ON = {
    "OwnerID": "0",
    "DataExtName": "Color",
    "ListDataExtType": "Customer",
    "ListObjRef": {"FullName": "Zoë Ltd"},
}
EXAMPLES = {
    "AccountAddRq": lambda: qbxml.add("Account", {"Name": "Sales", "AccountType": "Income"}),
    "AccountModRq": lambda: qbxml.mod("Account", "80000001-1", "1700000000", {"Desc": "x"}),
    "AccountQueryRq": lambda: qbxml.query("Account", LIST_SINCE, max_returned=50),
    "BillAddRq": lambda: qbxml.add(
        "Bill", {"VendorRef": VENDOR, "ExpenseLineAdd": [{"AccountRef": ACCOUNT, "Amount": "9.99"}]}
    ),
    "BillModRq": lambda: qbxml.mod("Bill", "1A-1", "1700000000", {"Memo": "fixed"}),
    "BillQueryRq": lambda: qbxml.query("Bill", TXN_SINCE, iterator="Start", max_returned=20),
    "ClassAddRq": lambda: qbxml.add("Class", {"Name": "East"}),
    "ClassModRq": lambda: qbxml.mod("Class", "80000003-1", "1", {"Name": "West"}),
    "ClassQueryRq": lambda: qbxml.query("Class", {"ActiveStatus": "All"}),
    "CompanyQueryRq": lambda: qbxml.Request("CompanyQueryRq"),
    "CreditMemoAddRq": lambda: qbxml.add(
        "CreditMemo", {"CustomerRef": CUSTOMER, "CreditMemoLineAdd": [SALE_LINE]}
    ),
    "CreditMemoModRq": lambda: qbxml.mod("CreditMemo", "2B-1", "1", {"Memo": "x"}),
    "CreditMemoQueryRq": lambda: qbxml.query("CreditMemo", TXN_SINCE),
    "CustomerAddRq": lambda: qbxml.add("Customer", {"Name": "Zoë Ltd", "CompanyName": "Zoë"}),
    "CustomerModRq": lambda: qbxml.mod("Customer", "80000004-1", "1", {"Phone": "555-0100"}),
    "CustomerQueryRq": lambda: qbxml.query("Customer", LIST_SINCE, iterator="Start"),
    "EmployeeAddRq": lambda: qbxml.add("Employee", {"FirstName": "Ada", "LastName": "Byron"}),
    "EmployeeModRq": lambda: qbxml.mod("Employee", "80000005-1", "1", {"FirstName": "Ada"}),
    "EmployeeQueryRq": lambda: qbxml.query("Employee", LIST_SINCE),
    "HostQueryRq": lambda: qbxml.Request("HostQueryRq"),
    "InvoiceAddRq": lambda: qbxml.add(
        "Invoice", {"CustomerRef": CUSTOMER, "RefNumber": "INV-1", "InvoiceLineAdd": [SALE_LINE]}
    ),
    "InvoiceModRq": lambda: qbxml.mod("Invoice", "3C-1", "1", {"CustomerRef": CUSTOMER}),
    "InvoiceQueryRq": lambda: qbxml.query("Invoice", {**TXN_SINCE, "IncludeLineItems": True}),
    "ItemInventoryAddRq": lambda: qbxml.add(
        "ItemInventory",
        {
            "Name": "Widget",
            "IncomeAccountRef": ACCOUNT,
            "COGSAccountRef": ACCOUNT,
            "AssetAccountRef": ACCOUNT,
        },
    ),
    "ItemInventoryModRq": lambda: qbxml.mod("ItemInventory", "80000006-1", "1", {"Name": "W"}),
    "ItemInventoryQueryRq": lambda: qbxml.query("ItemInventory", LIST_SINCE),
    "ItemNonInventoryAddRq": lambda: qbxml.add("ItemNonInventory", {"Name": "Box", **ITEM_SALE}),
    "ItemNonInventoryModRq": lambda: qbxml.mod("ItemNonInventory", "80000007-1", "1", {}),
    "ItemNonInventoryQueryRq": lambda: qbxml.query("ItemNonInventory", LIST_SINCE),
    "ItemOtherChargeAddRq": lambda: qbxml.add("ItemOtherCharge", {"Name": "Fee", **ITEM_SALE}),
    "ItemOtherChargeModRq": lambda: qbxml.mod("ItemOtherCharge", "80000008-1", "1", {}),
    "ItemOtherChargeQueryRq": lambda: qbxml.query("ItemOtherCharge", LIST_SINCE),
    "ItemQueryRq": lambda: qbxml.query("Item", LIST_SINCE, iterator="Start", max_returned=100),
    "ItemServiceAddRq": lambda: qbxml.add("ItemService", {"Name": "Consulting", **ITEM_SALE}),
    "ItemServiceModRq": lambda: qbxml.mod("ItemService", "80000009-1", "1", {"Name": "Advice"}),
    "ItemServiceQueryRq": lambda: qbxml.query("ItemService", LIST_SINCE),
    "JournalEntryAddRq": lambda: qbxml.add(
        "JournalEntry",
        {"TxnDate": dt.date(2024, 3, 31), "JournalDebitLine": [DEBIT, DEBIT]},
    ),
    "JournalEntryModRq": lambda: qbxml.mod("JournalEntry", "4D-1", "1", {"RefNumber": "JE-1"}),
    "JournalEntryQueryRq": lambda: qbxml.query("JournalEntry", TXN_SINCE),
    "ListDelRq": lambda: qbxml.list_delete("Customer", "80000004-1"),
    "ListDeletedQueryRq": lambda: qbxml.list_deleted_query(
        ["Customer", "Vendor"], deleted_from="2024-01-01"
    ),
    "OtherNameAddRq": lambda: qbxml.add("OtherName", {"Name": "Owner"}),
    "OtherNameModRq": lambda: qbxml.mod("OtherName", "8000000A-1", "1", {"Name": "Owner 2"}),
    "OtherNameQueryRq": lambda: qbxml.query("OtherName", LIST_SINCE),
    "PreferencesQueryRq": lambda: qbxml.Request("PreferencesQueryRq"),
    "PurchaseOrderAddRq": lambda: qbxml.add(
        "PurchaseOrder", {"VendorRef": VENDOR, "PurchaseOrderLineAdd": [{"ItemRef": ITEM}]}
    ),
    "PurchaseOrderModRq": lambda: qbxml.mod("PurchaseOrder", "5E-1", "1", {"Memo": "x"}),
    "PurchaseOrderQueryRq": lambda: qbxml.query("PurchaseOrder", TXN_SINCE),
    "ReceivePaymentAddRq": lambda: qbxml.add(
        "ReceivePayment", {"CustomerRef": CUSTOMER, "TotalAmount": "150.00", "IsAutoApply": True}
    ),
    "ReceivePaymentModRq": lambda: qbxml.mod("ReceivePayment", "6F-1", "1", {"Memo": "x"}),
    "ReceivePaymentQueryRq": lambda: qbxml.query("ReceivePayment", TXN_SINCE),
    "SalesOrderAddRq": lambda: qbxml.add(
        "SalesOrder", {"CustomerRef": CUSTOMER, "SalesOrderLineAdd": [SALE_LINE]}
    ),
    "SalesOrderModRq": lambda: qbxml.mod("SalesOrder", "71-1", "1", {"IsManuallyClosed": True}),
    "SalesOrderQueryRq": lambda: qbxml.query("SalesOrder", TXN_SINCE),
    "EstimateAddRq": lambda: qbxml.add(
        "Estimate", {"CustomerRef": CUSTOMER, "EstimateLineAdd": [SALE_LINE]}
    ),
    "EstimateModRq": lambda: qbxml.mod("Estimate", "72-1", "1", {"Memo": "x"}),
    "EstimateQueryRq": lambda: qbxml.query("Estimate", TXN_SINCE),
    "SalesReceiptAddRq": lambda: qbxml.add(
        "SalesReceipt", {"CustomerRef": CUSTOMER, "SalesReceiptLineAdd": [SALE_LINE]}
    ),
    "SalesReceiptModRq": lambda: qbxml.mod("SalesReceipt", "70-1", "1", {"Memo": "x"}),
    "SalesReceiptQueryRq": lambda: qbxml.query("SalesReceipt", TXN_SINCE),
    "StandardTermsAddRq": lambda: qbxml.add("StandardTerms", {"Name": "Net 30", "StdDueDays": 30}),
    "StandardTermsQueryRq": lambda: qbxml.query("StandardTerms"),
    "TermsQueryRq": lambda: qbxml.query("Terms", {"ActiveStatus": "All"}),
    "TimeTrackingAddRq": lambda: qbxml.add(
        "TimeTracking",
        {
            "TxnDate": "2024-03-01",
            "EntityRef": qbxml.ref(full_name="Ada Byron"),
            "Duration": "PT1H30M",
        },
    ),
    "TimeTrackingModRq": lambda: qbxml.mod(
        "TimeTracking",
        "71-1",
        "1",
        {"EntityRef": qbxml.ref(full_name="Ada Byron"), "Duration": "PT2H"},
    ),
    "TimeTrackingQueryRq": lambda: qbxml.query("TimeTracking", TXN_SINCE),
    "TxnDelRq": lambda: qbxml.txn_delete("Invoice", "3C-1"),
    "TxnDeletedQueryRq": lambda: qbxml.txn_deleted_query(["Invoice"], deleted_to="2024-12-31"),
    "TxnVoidRq": lambda: qbxml.txn_void("Invoice", "3C-1"),
    "VendorAddRq": lambda: qbxml.add("Vendor", {"Name": "Acme Supply"}),
    "VendorModRq": lambda: qbxml.mod("Vendor", "8000000B-1", "1", {"CompanyName": "Acme"}),
    "VendorQueryRq": lambda: qbxml.query("Vendor", LIST_SINCE, iterator="Start"),
    "CheckAddRq": lambda: qbxml.add(
        "Check",
        {"AccountRef": ACCOUNT, "ExpenseLineAdd": [{"AccountRef": ACCOUNT, "Amount": "5.00"}]},
    ),
    "CheckModRq": lambda: qbxml.mod("Check", "72-1", "1", {"Memo": "x"}),
    "CheckQueryRq": lambda: qbxml.query("Check", {**TXN_SINCE, "OwnerID": ["0"]}),
    "DataExtDefAddRq": lambda: qbxml.Request("DataExtDefAddRq", {"DataExtDefAdd": DATA_EXT_DEF}),
    "DataExtDefModRq": lambda: qbxml.Request(
        "DataExtDefModRq",
        {"DataExtDefMod": {"OwnerID": "0", "DataExtName": "Color", "DataExtNewName": "Hue"}},
    ),
    "DataExtDefDelRq": lambda: qbxml.Request(
        "DataExtDefDelRq", {"OwnerID": "0", "DataExtName": "Color"}
    ),
    "DataExtDefQueryRq": lambda: qbxml.Request("DataExtDefQueryRq", {"OwnerID": ["0"]}),
    "DataExtAddRq": lambda: qbxml.Request(
        "DataExtAddRq", {"DataExtAdd": {**DATA_EXT_ON, "DataExtValue": "Red"}}
    ),
    "DataExtModRq": lambda: qbxml.Request(
        "DataExtModRq", {"DataExtMod": {**DATA_EXT_ON, "DataExtValue": "Blue"}}
    ),
    "DataExtDelRq": lambda: qbxml.Request("DataExtDelRq", {"DataExtDel": DATA_EXT_ON}),
}
# The stock and bill-payment types qbsim answers (issue 16).
BILL_PAID = {"TxnID": "1A-1", "PaymentAmount": "9.99"}
EXAMPLES |= {
    "ItemReceiptAddRq": lambda: qbxml.add(
        "ItemReceipt", {"VendorRef": VENDOR, "ItemLineAdd": [{"ItemRef": ITEM, "Quantity": 2}]}
    ),
    "ItemReceiptModRq": lambda: qbxml.mod("ItemReceipt", "1B-1", "1", {"Memo": "x"}),
    "ItemReceiptQueryRq": lambda: qbxml.query("ItemReceipt", TXN_SINCE),
    "BillPaymentCheckAddRq": lambda: qbxml.add(
        "BillPaymentCheck",
        {
            "PayeeEntityRef": VENDOR,
            "BankAccountRef": qbxml.ref(full_name="Checking"),
            "IsToBePrinted": True,
            "AppliedToTxnAdd": [BILL_PAID],
        },
    ),
    "BillPaymentCheckModRq": lambda: qbxml.mod("BillPaymentCheck", "1C-1", "1", {"Memo": "x"}),
    "BillPaymentCheckQueryRq": lambda: qbxml.query("BillPaymentCheck", TXN_SINCE),
    "BillPaymentCreditCardAddRq": lambda: qbxml.add(
        "BillPaymentCreditCard",
        {
            "PayeeEntityRef": VENDOR,
            "CreditCardAccountRef": qbxml.ref(full_name="Visa"),
            "AppliedToTxnAdd": [BILL_PAID],
        },
    ),
    "BillPaymentCreditCardQueryRq": lambda: qbxml.query("BillPaymentCreditCard", TXN_SINCE),
    "InventoryAdjustmentAddRq": lambda: qbxml.add(
        "InventoryAdjustment",
        {
            "AccountRef": ACCOUNT,
            "InventoryAdjustmentLineAdd": [
                {"ItemRef": ITEM, "QuantityAdjustment": {"QuantityDifference": -1}}
            ],
        },
    ),
    "InventoryAdjustmentQueryRq": lambda: qbxml.query("InventoryAdjustment", TXN_SINCE),
}
# Sales tax, discount, subtotal and group items and sales tax codes (issue 16).
TAX_ITEM = qbxml.ref(full_name="State Tax")
EXAMPLES.update(
    {
        "ItemSalesTaxAddRq": lambda: qbxml.add(
            "ItemSalesTax", {"Name": "State Tax", "TaxRate": "6.25"}
        ),
        "ItemSalesTaxModRq": lambda: qbxml.mod("ItemSalesTax", "8000000C-1", "1", {"TaxRate": "7"}),
        "ItemSalesTaxQueryRq": lambda: qbxml.query("ItemSalesTax", LIST_SINCE),
        "ItemSalesTaxGroupAddRq": lambda: qbxml.add(
            "ItemSalesTaxGroup", {"Name": "State + County", "ItemSalesTaxRef": [TAX_ITEM]}
        ),
        "ItemSalesTaxGroupModRq": lambda: qbxml.mod(
            "ItemSalesTaxGroup", "8000000D-1", "1", {"ItemSalesTaxRef": [TAX_ITEM]}
        ),
        "ItemSalesTaxGroupQueryRq": lambda: qbxml.query("ItemSalesTaxGroup", LIST_SINCE),
        "ItemDiscountAddRq": lambda: qbxml.add(
            "ItemDiscount", {"Name": "5% off", "DiscountRatePercent": "5", "AccountRef": ACCOUNT}
        ),
        "ItemDiscountModRq": lambda: qbxml.mod(
            "ItemDiscount", "8000000E-1", "1", {"ItemDesc": "x"}
        ),
        "ItemDiscountQueryRq": lambda: qbxml.query("ItemDiscount", LIST_SINCE),
        "ItemSubtotalAddRq": lambda: qbxml.add("ItemSubtotal", {"Name": "Subtotal"}),
        "ItemSubtotalModRq": lambda: qbxml.mod(
            "ItemSubtotal", "8000000F-1", "1", {"ItemDesc": "x"}
        ),
        "ItemSubtotalQueryRq": lambda: qbxml.query("ItemSubtotal", LIST_SINCE),
        "ItemGroupAddRq": lambda: qbxml.add(
            "ItemGroup", {"Name": "Kit", "ItemGroupLine": [{"ItemRef": ITEM, "Quantity": 2}]}
        ),
        "ItemGroupModRq": lambda: qbxml.mod(
            "ItemGroup", "80000010-1", "1", {"ClearItemsInGroup": True}
        ),
        "ItemGroupQueryRq": lambda: qbxml.query("ItemGroup", LIST_SINCE),
        "SalesTaxCodeAddRq": lambda: qbxml.add("SalesTaxCode", {"Name": "OOS", "IsTaxable": False}),
        "SalesTaxCodeModRq": lambda: qbxml.mod("SalesTaxCode", "80000011-1", "1", {"Desc": "x"}),
        "SalesTaxCodeQueryRq": lambda: qbxml.query("SalesTaxCode", {"ActiveStatus": "All"}),
    }
)


def assert_valid(document: str) -> etree._Element:
    """Fail with every XSD problem of ``document``; return its root element."""
    problems = qbschema.validate_xsd(document.encode())
    assert not problems, "\n".join(map(str, problems))
    return etree.fromstring(document.encode())


def one(request: qbxml.Request, **options) -> str:
    """A message set holding only ``request``, as text."""
    return qbxml.MessageSet([request], **options).to_xml()


def test_examples_cover_every_message_type():
    """The example table names every request type in the schema data, and only those."""
    assert set(EXAMPLES) == set(qbschema.schema().messages)


@pytest.mark.parametrize("rq_type", sorted(EXAMPLES))
def test_every_request_type_builds_a_valid_document(rq_type):
    """Each request type builds into a document Intuit's XSD accepts."""
    request = EXAMPLES[rq_type]()
    root = assert_valid(one(request, on_error="continueOnError"))
    assert root[0][0].tag == rq_type


def test_journal_entry_with_debit_and_credit_lines_builds():
    """A balanced journal entry (debit and credit lines) builds into a valid document."""
    entry = qbxml.add("JournalEntry", {"JournalDebitLine": DEBIT, "JournalCreditLine": CREDIT})
    assert_valid(one(entry))


def test_document_starts_with_the_xml_and_qbxml_prologs():
    """The text opens with the XML declaration and the qbXML 16.0 processing instruction."""
    text = one(EXAMPLES["CustomerAddRq"]())
    assert text.startswith('<?xml version="1.0"?>\n<?qbxml version="16.0"?>\n<QBXML>')
    assert_valid(text)


def test_children_follow_schema_order_not_dict_order():
    """Fields given in any order come out in the order the XSD demands."""
    fields = {"Email": "a@example.com", "Phone": "555-0100", "Name": "Acme", "IsActive": True}
    root = assert_valid(one(qbxml.add("Customer", fields)))
    assert [c.tag for c in root.find(".//CustomerAdd")] == ["Name", "IsActive", "Phone", "Email"]


def test_message_set_holds_several_requests_in_order():
    """Requests keep the order they were given in; each keeps its requestID."""
    requests = [
        qbxml.add("Customer", {"Name": "A"}, request_id="1"),
        qbxml.query("Item", {"ActiveStatus": "All"}, request_id="2"),
        qbxml.txn_void("Invoice", "3C-1", request_id="3"),
    ]
    root = assert_valid(qbxml.MessageSet(requests).to_xml())
    tags = [(c.tag, c.get("requestID")) for c in root[0]]
    assert tags == [("CustomerAddRq", "1"), ("ItemQueryRq", "2"), ("TxnVoidRq", "3")]


def test_on_error_defaults_to_stop_on_error():
    """Without a choice, the set stops at the first error."""
    root = assert_valid(one(EXAMPLES["ClassAddRq"]()))
    assert root[0].get("onError") == "stopOnError"


def test_continue_on_error_is_written_on_the_envelope():
    """onError=continueOnError lands on QBXMLMsgsRq."""
    root = assert_valid(one(EXAMPLES["ClassAddRq"](), on_error="continueOnError"))
    assert root[0].get("onError") == "continueOnError"


def test_rollback_on_error_is_refused():
    """rollbackOnError is refused up front, naming the HRESULT QuickBooks Desktop gives."""
    with pytest.raises(qbxml.BuildError, match="0x80040413"):
        qbxml.MessageSet([], on_error="rollbackOnError")


def test_unknown_on_error_is_refused():
    """Only the two onError values QuickBooks Desktop honours are accepted."""
    with pytest.raises(qbxml.BuildError, match="onError must be one of"):
        qbxml.MessageSet([], on_error="keepGoing")


def test_response_data_include_none_is_written():
    """responseData=includeNone asks for statuses only."""
    root = assert_valid(one(EXAMPLES["ClassAddRq"](), response_data="includeNone"))
    assert root[0].get("responseData") == "includeNone"


def test_request_id_of_fifty_characters_is_accepted():
    """A requestID of exactly 50 characters is written as given."""
    rid = "r" * 50
    root = assert_valid(one(qbxml.add("Class", {"Name": "East"}, request_id=rid)))
    assert root[0][0].get("requestID") == rid


def test_request_id_over_fifty_characters_is_refused():
    """A 51-character requestID is refused (QuickBooks would answer 1060)."""
    with pytest.raises(qbxml.BuildError, match="at most 50"):
        qbxml.add("Class", {"Name": "East"}, request_id="r" * 51)


def test_new_message_set_id_is_written():
    """newMessageSetID asks QuickBooks to keep this set's outcome for error recovery."""
    root = assert_valid(one(EXAMPLES["ClassAddRq"](), new_message_set_id="job-17-set-3"))
    assert root[0].get("newMessageSetID") == "job-17-set-3"


def test_message_set_id_over_23_characters_is_refused():
    """A 24-character message-set ID is refused (QuickBooks would answer 9004)."""
    with pytest.raises(qbxml.BuildError, match="at most 23"):
        qbxml.MessageSet([], new_message_set_id="x" * 24)


def test_status_check_is_an_empty_set_with_old_equal_new():
    """The error-recovery status check carries no requests and old = new = the ID."""
    root = assert_valid(qbxml.status_check("AB1F2395").to_xml())
    msgs = root[0]
    assert len(msgs) == 0
    assert msgs.get("oldMessageSetID") == msgs.get("newMessageSetID") == "AB1F2395"


def test_clear_status_carries_only_the_old_id():
    """The clear set names the old ID and no new one."""
    root = assert_valid(qbxml.clear_status("AB1F2395").to_xml())
    assert root[0].get("oldMessageSetID") == "AB1F2395"
    assert root[0].get("newMessageSetID") is None


def test_clear_status_defaults_to_clearing_all_sets():
    """Without an ID the clear set asks QuickBooks to forget every saved set."""
    root = assert_valid(qbxml.clear_status().to_xml())
    assert root[0].get("oldMessageSetID") == "ClearAllMessageSets"


def test_iterator_start_carries_max_returned():
    """An iterated query starts with iterator=Start and the page size in MaxReturned."""
    root = assert_valid(one(qbxml.query("Customer", LIST_SINCE, iterator="Start", max_returned=5)))
    rq = root[0][0]
    assert (rq.get("iterator"), rq.findtext("MaxReturned")) == ("Start", "5")


def test_continue_query_repeats_the_criteria_with_the_iterator_id():
    """The next page sends the same filters with iterator=Continue and the iteratorID."""
    first = qbxml.query("Customer", LIST_SINCE, iterator="Start", max_returned=5, request_id="9")
    following = qbxml.continue_query(first, "{eb05f701-e727-472f-8ade-6753c4f67a46}")
    root = assert_valid(one(following))
    rq = root[0][0]
    assert rq.get("iterator") == "Continue"
    assert rq.get("iteratorID") == "{eb05f701-e727-472f-8ade-6753c4f67a46}"
    assert [c.tag for c in rq] == [c.tag for c in first.element]


def test_continue_query_can_stop_the_iterator():
    """stop=True ends the iteration early with iterator=Stop."""
    first = qbxml.query("Invoice", TXN_SINCE, iterator="Start", max_returned=5)
    root = assert_valid(one(qbxml.continue_query(first, "{abc}", stop=True)))
    assert root[0][0].get("iterator") == "Stop"


def test_iterator_is_refused_where_the_query_takes_none():
    """AccountQueryRq has no iterator in qbXML 16.0; asking for one is refused."""
    with pytest.raises(qbxml.BuildError, match="does not take an iterator"):
        qbxml.query("Account", iterator="Start")


def test_continue_without_iterator_id_is_refused():
    """iterator=Continue needs the ID QuickBooks handed out."""
    with pytest.raises(qbxml.BuildError, match="needs the iteratorID"):
        qbxml.query("Customer", iterator="Continue")


def test_include_ret_element_follows_the_body():
    """IncludeRetElement entries are written after the Add element, as the XSD demands."""
    request = qbxml.add("Customer", {"Name": "A"}, include=["ListID", "EditSequence"])
    root = assert_valid(one(request))
    assert [c.tag for c in root[0][0]] == ["CustomerAdd", "IncludeRetElement", "IncludeRetElement"]


def test_mod_of_a_list_object_sends_list_id_and_edit_sequence():
    """A list Mod starts with ListID and EditSequence."""
    root = assert_valid(one(qbxml.mod("Vendor", "8000000B-1", "1700000000", {"Name": "Acme"})))
    mod = root.find(".//VendorMod")
    assert [c.tag for c in mod][:2] == ["ListID", "EditSequence"]


def test_mod_of_a_transaction_sends_txn_id():
    """A transaction Mod identifies the transaction by TxnID."""
    root = assert_valid(one(qbxml.mod("Invoice", "3C-1", "1700000000", {"Memo": "x"})))
    assert root.find(".//InvoiceMod/TxnID").text == "3C-1"


def test_job_is_a_customer_with_a_parent_ref():
    """A job is added as a Customer whose ParentRef names the customer."""
    job = qbxml.add("Customer", {"Name": "Kitchen", "ParentRef": CUSTOMER})
    root = assert_valid(one(job))
    assert root.find(".//CustomerAdd/ParentRef/FullName").text == "Zoë Ltd"


def test_deleted_query_writes_the_date_range_filter():
    """A deleted-records query carries its types and the deletion date range."""
    request = qbxml.list_deleted_query(
        ["Customer"], deleted_from="2024-01-01", deleted_to="2024-03-31"
    )
    root = assert_valid(one(request))
    rng = root.find(".//DeletedDateRangeFilter")
    assert [c.text for c in rng] == ["2024-01-01", "2024-03-31"]


def test_python_values_are_written_in_qbxml_form():
    """Decimals, dates, datetimes and booleans become qbXML text."""
    fields = {
        "CustomerRef": CUSTOMER,
        "TxnDate": dt.date(2024, 3, 1),
        "IsPending": False,
        "InvoiceLineAdd": [{"ItemRef": ITEM, "Quantity": Decimal("1.5"), "Rate": Decimal("80")}],
    }
    root = assert_valid(one(qbxml.add("Invoice", fields)))
    got = [root.findtext(f".//{tag}") for tag in ("TxnDate", "IsPending", "Quantity", "Rate")]
    assert got == ["2024-03-01", "false", "1.5", "80"]


def test_datetime_filter_is_written_to_the_second():
    """A datetime filter value is written as an ISO timestamp without microseconds."""
    since = dt.datetime(2024, 1, 2, 3, 4, 5, 678)
    root = assert_valid(one(qbxml.query("Customer", {"FromModifiedDate": since})))
    assert root.findtext(".//FromModifiedDate") == "2024-01-02T03:04:05"


def test_unknown_request_type_is_refused_with_a_suggestion():
    """A misspelt request type is refused and the nearest real ones are suggested."""
    with pytest.raises(qbxml.BuildError, match="did you mean CustomerAddRq"):
        qbxml.Request("CustomerAdRq")


def test_unknown_field_names_the_record_and_the_field():
    """A field the schema does not know raises RecordError naming record and field path."""
    label = qbxml.record_label("Customer", "Acme", 17)
    with pytest.raises(RecordError, match=r"Customer 'Acme' \(app id 17\)") as caught:
        qbxml.add("Customer", {"Name": "Acme", "Nickname": "A"}, record=label)
    assert caught.value.field == "CustomerAddRq.CustomerAdd.Nickname"


def test_missing_required_field_is_a_record_error():
    """An invoice without a customer is refused before anything is sent."""
    with pytest.raises(RecordError, match="CustomerRef is required"):
        qbxml.add("Invoice", {"InvoiceLineAdd": [SALE_LINE]}, record="Invoice 'INV-1'")


def test_value_outside_the_enumeration_is_a_record_error():
    """An AccountType QuickBooks does not know is refused, naming the allowed values."""
    with pytest.raises(RecordError, match="must be one of") as caught:
        qbxml.add("Account", {"Name": "Sales", "AccountType": "Revenue"})
    assert caught.value.field.endswith("AccountType")


def test_build_errors_are_sync_errors():
    """BuildError sits in the engine's error tree."""
    assert issubclass(qbxml.BuildError, SyncError)


def test_the_same_request_twice_in_one_set_is_written_twice():
    """Reusing one Request object in a set still yields two elements."""
    request = qbxml.add("Class", {"Name": "East"})
    root = assert_valid(qbxml.MessageSet([request, request], on_error="continueOnError").to_xml())
    assert [c.tag for c in root[0]] == ["ClassAddRq", "ClassAddRq"]


def test_a_message_set_serialises_the_same_every_time():
    """to_xml can be called again (a resend) and gives the same text."""
    message_set = qbxml.MessageSet([EXAMPLES["InvoiceAddRq"]()], new_message_set_id="s1")
    first = message_set.to_xml()
    assert message_set.to_xml() == first
    assert_valid(first)


def test_to_bytes_is_the_text_in_utf8():
    """to_bytes encodes the same document as UTF-8."""
    message_set = qbxml.MessageSet([EXAMPLES["CustomerAddRq"]()])
    assert message_set.to_bytes() == message_set.to_xml().encode("utf-8")
    assert_valid(message_set.to_xml())


def test_record_label_names_kind_name_and_app_id():
    """record_label gives the label errors use."""
    assert qbxml.record_label("Customer", "Zoë Ltd", 17) == "Customer 'Zoë Ltd' (app id 17)"
